"""A whole run's kept output (claude_lint/run_cache.py), through the real command line: it
is replayed while nothing the run read has changed, and each kind of change runs the
linter again. A kept run's output is replaced here by a marker (sealed with the suite's
user key, as the tool seals it), so that a replay shows itself."""
from __future__ import annotations

import marshal
import os
import subprocess
import sys
import time

import pytest

from claude_lint import cache_seal, run_cache

CALL = ("import anthropic\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-sonnet-4-6', max_tokens={}, messages=[])\n")
PROMPTED = ("from pathlib import Path\nimport anthropic\nclient = anthropic.Anthropic()\n"
            "SYSTEM = (Path(__file__).parent / 'system.txt').read_text()\n"
            "client.messages.create(model='claude-sonnet-4-6', max_tokens=8192, system=SYSTEM, messages=[])\n")
MARK = b"REPLAYED\n"


def _write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _age(root):
    """Every file and folder an hour old: a run right after a write is never kept (RACY_NS)."""
    old = time.time() - 3600
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".claude-lint-cache"]
        for name in names:
            os.utime(os.path.join(folder, name), (old, old))
        os.utime(folder, (old, old))


def _kept(root):
    folder = root / ".claude-lint-cache"
    return sorted(folder.glob("run-*")) if folder.is_dir() else []


def _mark(root):
    """Each kept run's output becomes MARK."""
    kept = _kept(root)
    assert kept, "the run was not kept"
    key = cache_seal.secret()
    for path in kept:
        payload = cache_seal.unseal(key, path.name, path.read_bytes())
        fields = list(marshal.loads(payload))
        fields[3] = MARK.decode()
        path.write_bytes(cache_seal.seal(key, path.name, marshal.dumps(tuple(fields))))


def _project(tmp_path):
    _write(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\n\n[tool.claude-lint]\nselect = ["ALL"]\n\n[tool.claude-lint.CL001]\nmode = "threshold"\n',
        "app.py": CALL.format(8192),
        "pkg/__init__.py": "",
        "pkg/more.py": CALL.format(16000),
        "pkg/bot.py": PROMPTED,
        "pkg/system.txt": "You are terse.\n",
    })
    _age(tmp_path)


def _run(root, *args, version=None):
    if version is None:
        command = [os.path.join(os.path.dirname(sys.executable), "claude-lint"), "check", *args]
    else:  # the real command line, in a claude-lint of another version
        code = f"import sys, claude_lint; claude_lint.__version__ = {version!r}; from claude_lint.cli import main; sys.exit(main())"
        command = [sys.executable, "-c", code, "check", *args]
    done = subprocess.run(command, cwd=root, capture_output=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


def test_an_unchanged_run_replays_its_output_byte_for_byte(tmp_path):
    _project(tmp_path)
    first = _run(tmp_path, ".")
    assert b"CL001" in first and _kept(tmp_path)
    assert _run(tmp_path, ".") == first
    _mark(tmp_path)
    assert _run(tmp_path, ".") == MARK
    assert _run(tmp_path, ".", "--no-cache") == first  # --no-cache neither reads nor replays


def _append(path, text):
    with open(path, "a") as fh:
        fh.write(text)


def _same_size(path):
    text = path.read_text()
    path.write_text(text.replace("8192", "9999"))


CHANGES = {
    "a file edited": lambda root: _append(root / "app.py", CALL.format(4000)),
    "a file rewritten at the same size": lambda root: _same_size(root / "app.py"),
    "a file added in a sub-folder": lambda root: (root / "pkg" / "new.py").write_text(CALL.format(20000)),
    "a file added in a new folder": lambda root: _write(root, {"deep/er/new.py": CALL.format(20000)}),
    "a file removed": lambda root: (root / "pkg" / "more.py").unlink(),
    "a file renamed": lambda root: (root / "pkg" / "more.py").rename(root / "pkg" / "most.py"),
    "a .gitignore added": lambda root: (root / ".gitignore").write_text("app.py\n"),
    "a prompt file read by the code changed": lambda root: _append(root / "pkg" / "system.txt", "Always answer in French. " * 400),
    "a nested config added": lambda root: (root / "pkg" / "claude-lint.toml").write_text('select = ["CL010"]\n'),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_change_runs_the_linter_again(tmp_path, change):
    _project(tmp_path)
    _run(tmp_path, ".")
    _mark(tmp_path)
    CHANGES[change](tmp_path)
    assert _run(tmp_path, ".") != MARK


def test_a_changed_sdk_pin_runs_the_linter_again(tmp_path):
    # CL008 reads the project's requirements (an SDK older than 0.47 sends long non-streaming requests)
    _project(tmp_path)
    _write(tmp_path, {"svc/requirements.txt": "anthropic==0.40.0\n", "svc/long.py": CALL.format(32000)})
    _age(tmp_path)
    assert b"CL008" not in _run(tmp_path, ".")
    _mark(tmp_path)
    (tmp_path / "svc" / "requirements.txt").write_text("anthropic==0.60.0\n")
    after = _run(tmp_path, ".")
    assert after != MARK and b"CL008" in after


def test_a_changed_config_runs_the_linter_again(tmp_path):
    _project(tmp_path)
    _run(tmp_path, ".")
    _mark(tmp_path)
    config = tmp_path / "pyproject.toml"
    config.write_text(config.read_text().replace('select = ["ALL"]', 'select = ["ALL"]\nignore = ["CL001"]'))
    after = _run(tmp_path, ".")
    assert after != MARK and b"CL001" not in after


def test_other_options_are_another_run(tmp_path):
    _project(tmp_path)
    _run(tmp_path, ".")
    _mark(tmp_path)
    for flags in [("--select", "CL010"), ("--output-format", "json"), ("--statistics",)]:
        assert _run(tmp_path, ".", *flags) != MARK


def test_another_version_of_claude_lint_runs_again(tmp_path):
    _project(tmp_path)
    _run(tmp_path, ".")
    _mark(tmp_path)
    assert _run(tmp_path, ".", version="99.0.0") != MARK


def test_a_run_right_after_a_write_is_not_kept(tmp_path):
    _project(tmp_path)
    (tmp_path / "app.py").write_text(CALL.format(9000))  # now: a second write this tick could keep its stamp
    _run(tmp_path, ".")
    assert not _kept(tmp_path)


def test_the_key_follows_the_date_the_folder_and_the_options(tmp_path, monkeypatch):
    from claude_lint.config import Settings

    settings = Settings(root=str(tmp_path))
    key = run_cache.key({"paths": ["."]}, settings)
    assert run_cache.key({"paths": ["."], "select": ["CL001"]}, settings) != key
    assert run_cache.key({"paths": ["."]}, Settings(root=str(tmp_path), ignore=("CL001",))) != key
    monkeypatch.chdir(tmp_path)
    moved = run_cache.key({"paths": ["."]}, settings)
    assert moved != key  # shown paths are relative to the working folder
    monkeypatch.setattr(run_cache.time, "strftime", lambda fmt: "2099-01-01")
    assert run_cache.key({"paths": ["."]}, settings) != moved  # CL007 judges retirement dates against today


def test_the_kept_runs_are_bounded(tmp_path):
    from claude_lint.config import Settings

    _project(tmp_path)
    settings = Settings(root=str(tmp_path))
    read = {str(tmp_path / "app.py"): run_cache.LATER}
    for n in range(run_cache.KEEP + 3):
        run_cache.keep(settings, f"{run_cache.PREFIX}{n:02d}", read, "out\n", "", 0, time.time_ns())
    assert len(_kept(tmp_path)) == run_cache.KEEP
    assert run_cache.replay(settings, f"{run_cache.PREFIX}{run_cache.KEEP + 2:02d}") == ("out\n", "", 0)
    assert run_cache.replay(settings, f"{run_cache.PREFIX}00") is None  # the oldest went
    assert run_cache.keep(settings, "run-big", read, "x" * (run_cache.MAX_OUTPUT + 1), "", 0, time.time_ns()) is None
    assert run_cache.replay(settings, "run-big") is None


def test_files_named_one_by_one_are_not_kept(tmp_path):
    _project(tmp_path)
    _run(tmp_path, "app.py", "pkg/more.py")
    assert not _kept(tmp_path)


def test_a_replay_gives_the_same_exit_code_and_standard_error(tmp_path):
    _project(tmp_path)
    command = [os.path.join(os.path.dirname(sys.executable), "claude-lint"), "check", "-v", "."]
    first, second = (subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120) for _ in range(2))
    assert b"prompt file" in first.stderr and first.returncode == 1
    assert (second.stdout, second.stderr, second.returncode) == (first.stdout, first.stderr, first.returncode)
    _mark(tmp_path)
    marked = subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=120)
    assert (marked.stdout, marked.stderr, marked.returncode) == (MARK, first.stderr, 1)  # replayed: the kept exit code and standard error


# A replayed run imports only what a replay needs: not `re` (with enum, functools and
# collections under it), `dataclasses`, nor the rules' base (with the linker) through the
# config's selectors: a fifth of its instructions. Run without `site`, whose
# editable-install hook imports `re` itself, as a console script made by a current pip
# (or uv) does not.
REPLAY_PROBE = """
import sys
from claude_lint.cli import main
code = main(["check", "."])
sys.stderr.write("MODULES " + " ".join(m for m in ("re", "dataclasses", "enum", "typing", "claude_lint.link", "claude_lint.checks.base") if m in sys.modules) + "\\n")
sys.exit(code)
"""


def test_a_replay_imports_neither_re_nor_dataclasses_nor_the_rules(tmp_path):
    _project(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.claude-lint]\nselect = ["ALL"]\n')
    _age(tmp_path)
    _run(tmp_path, ".")
    _mark(tmp_path)
    package_parent = os.path.dirname(os.path.dirname(os.path.abspath(run_cache.__file__)))
    env = dict(os.environ, PYTHONPATH=package_parent)
    done = subprocess.run([sys.executable, "-S", "-c", REPLAY_PROBE], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert done.stdout == MARK
    assert done.stderr.decode().splitlines()[-1] == "MODULES ", done.stderr.decode()
