"""A hostile repository cannot make claude-lint write outside it, block, run out of
memory, crash, forge its output or hide findings (issue 13). Each test runs the real CLI
in a subprocess, under a timeout, and under a memory limit where memory is the threat.
"""
from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import claude_lint_command, with_suite

TIMEOUT = 60
HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
CALL = "client.messages.create(model='claude-sonnet-4-6', max_tokens={}, messages=[])\n"
GOOD = HEAD + CALL.format(16000)  # CL001 (and CL008 would need >= 21,334)
CLEAN = HEAD + CALL.format(100)
MEMORY = 768 * 2**20  # far above a normal run (under 300 MB), far below what the attacks took


def run(args, cwd, *, env=None, stdin=None, input=None, memory=None, user=None, timeout=TIMEOUT):
    def limits():
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if user:
            os.setgid(user)
            os.setuid(user)

    return subprocess.run(
        [claude_lint_command(), *args], cwd=cwd, env={**os.environ, **(env or {})}, stdin=stdin, input=input,
        capture_output=True, timeout=timeout, preexec_fn=limits if (memory or user) else None,
    )


PEAK = textwrap.dedent(
    """
    import resource, subprocess, sys
    limit = int(sys.argv[1])

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.run(sys.argv[2:], preexec_fn=cap, stdin=sys.stdin)
    sys.stderr.write("\\npeak-kb=%d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    sys.exit(proc.returncode)
    """
)


def run_peak(args, cwd, *, input=None, env=None):
    """run() under MEMORY, through a wrapper that reports the child's peak resident memory
    (kB): a read that would go on until the limit is caught even if it then fails cleanly."""
    cmd = [sys.executable, "-c", PEAK, str(MEMORY), claude_lint_command(), *args]
    with subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, start_new_session=True) as child:
        try:
            out, err = child.communicate(input, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the wrapper and the hung linter under it
            raise
    err, _, peak = err.rpartition(b"\npeak-kb=")
    return subprocess.CompletedProcess(cmd, child.returncode, out, err), int(peak)


def project(root: Path, files: dict, config: str = "[project]\nname = 'p'\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (root / "pyproject.toml").write_text(with_suite(config))
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def listing(folder: Path) -> list:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def diags(proc) -> list:
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    return json.loads(proc.stdout)


def no_traceback(proc) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "internal error" not in err, err


# --- names and strings in every output format -------------------------------------------


FORMATS = ["text", "concise", "grouped", "json", "github", "gitlab", "junit", "sarif"]


def _parses(fmt: str, out: bytes) -> None:
    text = out.decode("utf-8")  # strict: every format is valid UTF-8
    if fmt in ("json", "gitlab", "sarif"):
        json.loads(text)
    elif fmt == "junit":
        ET.fromstring(out)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_name_that_is_not_utf8(tmp_path, fmt):
    root = project(tmp_path / "proj", {})
    (root / os.fsdecode(b"caf\xe9 \xff.py")).write_text(GOOD)
    # SARIF and GitLab output used to crash with a traceback, and exit 1 even with --exit-zero.
    proc = run(["check", "--output-format", fmt, "--exit-zero", "."], root)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    _parses(fmt, proc.stdout)
    shown = proc.stdout.decode().replace("\\\\", "\\")  # JSON doubles the backslash of `\xe9`
    assert "caf\\xe9 \\xff.py" in shown or "caf%E9%20%FF.py" in shown, shown


HOSTILE_NAME = "x\n::error file=forged.py,line=1::forged\x1b[2J\x1b]0;title\x07\u202e.py"
HOSTILE_MODEL = "claude-\x1b[31m\n::error::model ##[error]x ##vso[task.setvariable variable=a]b\u2028\x9b"


@pytest.mark.parametrize("fmt", FORMATS)
def test_names_and_strings_cannot_forge_lines_or_reach_the_terminal(tmp_path, fmt):
    root = project(tmp_path / "proj", {HOSTILE_NAME: GOOD, "model.py": HEAD + f"client.messages.create(model={HOSTILE_MODEL!r}, max_tokens=16000, messages=[])\n"})
    proc = run(["check", "--output-format", fmt, "."], root)
    no_traceback(proc)
    assert proc.returncode == 1
    _parses(fmt, proc.stdout)
    out = proc.stdout.decode("utf-8")
    for line in out.splitlines():
        if fmt == "github":
            assert line.startswith(("::error ", "::warning ")), line
        else:
            assert not line.lstrip().startswith("::"), line  # a GitHub workflow command
        assert "##[" not in line and "##vso[" not in line, line  # GitHub (v1) and Azure Pipelines commands
    for c in "\x1b\x07\x9b\u202e\u2028":
        assert c not in out, repr(c)
    assert "forged" in out  # the name is shown, escaped, not dropped


def test_diff_headers_cannot_forge_lines(tmp_path):
    root = project(tmp_path / "proj", {HOSTILE_NAME: GOOD})
    proc = run(["check", "--diff", "--unsafe-fixes", "."], root)
    no_traceback(proc)
    out = proc.stdout.decode("utf-8")
    assert out.startswith("--- ") and "+max_tokens" not in out and "max_tokens=1024" in out, out
    assert not any(line.lstrip().startswith("::") for line in out.splitlines()), out
    assert "\x1b" not in out


def test_markdown_and_html_reports_copy_no_markup(tmp_path):
    model = "<script>alert(1)</script>[x](javascript:alert(1))"
    root = project(tmp_path / "proj", {"<img src=x onerror=alert(1)>.py": HEAD + f"client.messages.create(model={model!r}, max_tokens=16000, messages=[])\n"})
    md = run(["report", "--format", "markdown", "."], root)
    assert md.returncode == 0, md.stderr
    text = md.stdout.decode()
    outside_code = re.sub(r"(`+).*?\1", "", text)  # in a code span nothing is markup
    assert not re.search(r"(?<!\\)[<>]", outside_code), text  # no HTML
    assert not re.search(r"(?<!\\)\]\(", outside_code), text  # no link
    assert "\\<script\\>" in text
    html = run(["report", "--format", "html", "."], root).stdout.decode()
    assert "<script" not in html and "<img" not in html


# --- reads that block, never end or crash -----------------------------------------------


def test_pipes_and_device_links_with_config_suffixes_do_not_block(tmp_path):
    root = project(tmp_path / "proj", {"app.py": GOOD})
    os.mkfifo(root / "pipe.yaml")
    os.mkfifo(root / "pipe.jsonl")
    os.mkfifo(root / "pipe.json")
    os.symlink("/dev/stdin", root / "stdin.json")
    os.symlink("/dev/stdin", root / "stdin.jsonl")
    os.symlink("/dev/zero", root / "zero.yaml")
    read_end, write_end = os.pipe()  # standard input that never ends: a read of /dev/stdin would block
    try:
        for args in (["."], ["pipe.yaml", "pipe.jsonl", "stdin.json", "stdin.jsonl", "zero.yaml", "app.py"]):
            proc = run(["check", "--output-format", "json", *args], root, stdin=read_end, memory=MEMORY)
            found = {os.path.basename(d["filename"]): d["code"] for d in diags(proc)}
            assert found["app.py"] == "CL001"
            for name in ("pipe.yaml", "pipe.jsonl", "stdin.json", "stdin.jsonl", "zero.yaml"):
                assert found[name] == "CL902", (name, found)
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_pipe_named_like_a_package_init_or_an_environment_file_does_not_block(tmp_path):
    """The second phase reads a package's `__init__.py` for the names it re-exports a wrapper
    under, and link reads `.env` files for where a request goes: a FIFO there is refused."""
    root = project(tmp_path / "proj", {
        "agents/core.py": HEAD + "import os\n\n\ndef ask(q, max_tokens=16000):\n"
                          "    return client.messages.create(model=os.getenv('CHAT_MODEL', 'claude-sonnet-4-6'), max_tokens=max_tokens, messages=[])\n",
        "app.py": "from agents.core import ask\n\nask('hi')\n",
    })
    os.mkfifo(root / "agents" / "__init__.py")
    os.mkfifo(root / ".env")
    os.mkfifo(root / "agents" / ".env.example")
    proc = run(["check", "--no-cache", "--output-format", "json", "."], root, memory=MEMORY)
    found = {(os.path.basename(d["filename"]), d["code"]) for d in diags(proc)}
    assert ("core.py", "CL001") in found, found  # the request is still judged, billed
    assert ("__init__.py", "CL902") in found, found


def test_a_symlinked_source_outside_the_root_is_not_read(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(HEAD + "client.messages.create(model='claude-SECRET-1234', max_tokens=16000, messages=[])\n")
    root = project(tmp_path / "proj", {"app.py": GOOD})
    os.symlink(outside / "secret.py", root / "linked.py")
    os.symlink(outside, root / "linked_dir")
    for args in (["."], ["linked.py", "linked_dir/secret.py", "app.py"]):
        proc = run(["check", "--output-format", "json", *args], root)
        assert b"SECRET" not in proc.stdout and b"SECRET" not in proc.stderr
        found = {d["filename"]: d for d in diags(proc)}
        assert found[str(root / "linked.py")]["code"] == "CL902"
        assert "outside the project root" in found[str(root / "linked.py")]["message"]



def test_the_walk_knows_real_paths_through_a_symlinked_root(tmp_path):
    """The walk hands each regular file its real path (Linter.escapes then takes no lstat):
    a project opened through a symlink is inside itself; a symlinked file, in a nested
    folder too, is still judged by where it leads."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(HEAD + "client.messages.create(model='claude-SECRET-1234', max_tokens=16000, messages=[])\n")
    root = project(tmp_path / "proj", {"app.py": GOOD, "pkg/inner.py": GOOD})
    os.symlink(outside / "secret.py", root / "pkg" / "linked.py")
    os.symlink(root / "app.py", root / "pkg" / "alias.py")  # a link that stays inside
    os.symlink(root, tmp_path / "door")
    for where, given in ((root, "."), (tmp_path / "door", "."), (tmp_path, "door"), (tmp_path, "door/pkg")):
        proc = run(["check", "--output-format", "json", "--select", "ALL", given], where)
        assert b"SECRET" not in proc.stdout and b"SECRET" not in proc.stderr
        refused = [d["filename"] for d in diags(proc) if d["code"] == "CL902"]
        assert [f.replace(os.sep, "/").endswith("pkg/linked.py") for f in refused] == [True], (given, refused)


DEEP = 100_000


@pytest.mark.parametrize(
    "name, content",
    [
        ("cfg/deep.json", '{"model_list": ' + "[" * DEEP + "]" * DEEP + "}"),
        ("cfg/deep.toml", "a = " + "[" * DEEP + "]" * DEEP + "\n"),
        ("cfg/d500.toml", "a = " + "[" * 500 + "]" * 500 + "\n"),
        ("cfg/digits.toml", "a = " + "9" * 5000 + "\n"),
        ("cfg/digits.json", '{"model_list": [' + "9" * 5000 + "]}"),
        ("deep.jsonl", '{"custom_id": "1", "params": ' + "[" * DEEP + "]" * DEEP + "}\n"),
        ("deep.ipynb", '{"cells": ' + "[" * DEEP + "]" * DEEP + "}"),
    ],
)
def test_deep_and_huge_inputs_are_cl903(tmp_path, name, content):
    config = "[project]\nname = 'p'\n[tool.claude-lint]\nprompt-files = ['cfg/*']\n"
    root = project(tmp_path / "proj", {name: content, "app.py": GOOD}, config=config)
    proc = run(["check", "--output-format", "json", "."], root)
    no_traceback(proc)
    found = {os.path.basename(d["filename"]): d["code"] for d in diags(proc)}
    assert found == {os.path.basename(name): "CL903", "app.py": "CL001"}


def test_standard_input_has_the_file_size_cap(tmp_path):
    data = (HEAD + "x = 1\n" * 9_000_000).encode()  # 54 MB; taking it whole took 2.1 GB
    proc, peak = run_peak(["check", "--output-format", "json", "--stdin-filename", "big.py", "-"], tmp_path, input=data)
    [d] = diags(proc)
    assert d["code"] == "CL902" and "larger than" in d["message"]
    assert peak * 1024 < MEMORY / 2
    # --fix gives an editor its buffer back, unchanged, never half of it.
    proc, peak = run_peak(["check", "--fix", "--stdin-filename", "big.py", "-"], tmp_path, input=data)
    assert proc.stdout == data and proc.returncode == 1
    assert peak * 1024 < MEMORY / 2
    assert b"larger than 5 MB" in proc.stderr


# --- config values and numbers of any size ----------------------------------------------


@pytest.mark.parametrize(
    "config, needle, command",
    [
        ("[project]\nname = 'p'\nx = " + "[" * 500 + "]" * 500 + "\n[tool.claude-lint]\n", "nested too deeply", "report"),
        ("[project]\nname = 'p'\nx = " + "9" * 5000 + "\n[tool.claude-lint]\n", "4300 digits", "check"),
        ("[tool.claude-lint.CL904]\nseconds = inf\n", "CL904.seconds", "check"),
        ("[tool.claude-lint.CL001]\nwarn-at = " + "9" * 4000 + "\n", "CL001.warn-at", "check"),
        ("[[tool.claude-lint.models]]\nid = 'claude-x'\nprovider = 'anthropic'\ntier = 'top'\nmax_output = 'big'\n", "`max_output`", "check"),
        ("[[tool.claude-lint.models]]\nid = 'claude-x'\nprovider = 'anthropic'\ntier = 'top'\noutput = inf\n", "`output`", "report"),
    ],
)
def test_bad_configs_are_one_line_errors(tmp_path, config, needle, command):
    root = project(tmp_path / "proj", {"app.py": GOOD}, config=config)
    proc = run([command, "."], root)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and needle in err and len(err.splitlines()) == 1, err


@pytest.mark.parametrize(
    "table, needle",
    [("[tool.claude-lint.CL904]\nseconds = " + v + "\n", "CL904.seconds") for v in ("nan", "1e300", "-1")]
    + [
        (f"[[tool.claude-lint.models]]\nid = 'claude-x'\nprovider = 'anthropic'\ntier = 'top'\n{line}\n", key)
        for line, key in [
            ("input = 'x'", "`input`"), ("input = nan", "`input`"), ("input = 1e308", "`input`"), ("max_output = 1e3", "`max_output`"),
            ("aliases = [1]", "`aliases`"), ("aliases = 'a'", "`aliases`"), ("family = 3", "`family`"), ("status = 'gone'", "`status`"),
            ("retires = 5", "`retires`"), ("tokenizer = []", "`tokenizer`"),
        ]
    ],
)
def test_config_values_of_the_wrong_type_or_size(tmp_path, table, needle):
    """The same check as above, for every kind of value, without a process each."""
    from claude_lint import config

    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(config.ConfigError, match=re.escape(needle)):
        config.load_file(str(tmp_path / "pyproject.toml"))


def test_a_400_digit_max_tokens(tmp_path):
    big = "9" * 400
    root = project(tmp_path / "proj", {"app.py": HEAD + CALL.format(big), "b.jsonl": json.dumps({"custom_id": "1", "params": {"model": "claude-sonnet-4-6", "max_tokens": int(big), "messages": []}}) + "\n"})
    proc = run(["check", "--output-format", "json", "."], root)
    no_traceback(proc)
    # No CL003: it fires only for a light task on a top-tier model (issue 15), and nothing here says the task is light.
    assert sorted(d["code"] for d in diags(proc)) == ["CL001", "CL001", "CL008"]
    for fmt in ("table", "json"):  # every format goes through the same figures
        report = run(["report", "--format", fmt, "."], root)
        no_traceback(report)
        assert report.returncode == 0
        if fmt == "json":
            json.loads(report.stdout)


# --- nested configs ---------------------------------------------------------------------


def test_each_file_is_governed_by_its_nearest_config(tmp_path):
    root = project(tmp_path / "repo", {"a/app.py": GOOD, "b/app.py": GOOD, "a/pyproject.toml": "[tool.claude-lint]\nselect = ['CL001']\n[tool.claude-lint.CL001]\nmode = 'threshold'\n",
                                       "b/claude-lint.toml": "select = ['CL007']\nextend-exclude = ['skipped']\n", "b/skipped/x.py": GOOD})
    (root / "b" / "app.py").write_text(GOOD.replace("claude-sonnet-4-6", "claude-3-opus-20240229"))

    def found(*paths):
        return sorted((os.path.relpath(d["filename"], root), d["code"]) for d in diags(run(["check", "--output-format", "json", *paths], root)))

    want = [("a/app.py", "CL001"), ("b/app.py", "CL007")]
    assert found("a", "b") == want
    assert found("b", "a") == want
    assert found(".") == want  # the nested configs' own exclusions too
    assert found("--select", "CL003", "b", "a") == []  # the command line goes over every config


# --- the facts cache --------------------------------------------------------------------


def test_a_committed_cache_symlink_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = project(tmp_path / "proj", {"app.py": GOOD})
    os.symlink("../outside", root / ".claude-lint-cache")
    proc = run(["check", "--output-format", "json", "."], root)
    assert [d["code"] for d in diags(proc)] == ["CL001"]
    assert listing(outside) == []  # no .gitignore, no pickle written through the link


@pytest.mark.parametrize("where", ["../x", "/ABS/x", "sub/../../x"])
def test_a_config_cache_dir_outside_the_project_is_refused(tmp_path, where):
    where = where.replace("/ABS", str(tmp_path))
    root = project(tmp_path / "proj", {"app.py": GOOD}, config=f"[tool.claude-lint]\ncache-dir = {where!r}\n")
    proc = run(["check", "."], root)
    assert proc.returncode == 2 and b"cache-dir" in proc.stderr and b"inside the project" in proc.stderr, proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert listing(tmp_path / "x") == []
    # The same folder given on the command line is the user's own choice.
    (root / "pyproject.toml").write_text(with_suite("[project]\nname = 'p'\n"))
    proc = run(["check", "--cache-dir", str(tmp_path / "x"), "."], root)
    assert proc.returncode == 1 and (tmp_path / "x" / ".gitignore").is_file()


@pytest.mark.parametrize("replacement", ["fifo", "dev-zero"])
def test_a_cache_file_replaced_by_a_pipe_or_a_device(tmp_path, replacement):
    root = project(tmp_path / "proj", {"app.py": GOOD})
    assert run(["check", "."], root).returncode == 1
    [cache] = (root / ".claude-lint-cache").glob("facts-*.pickle")
    cache.unlink()
    if replacement == "fifo":
        os.mkfifo(cache)
    else:
        os.symlink("/dev/zero", cache)
    proc, peak = run_peak(["check", "--output-format", "json", "."], root)
    assert [d["code"] for d in diags(proc)] == ["CL001"]
    assert peak * 1024 < MEMORY / 2  # not read until the memory ran out (then failed cleanly)


def test_a_committed_cache_cannot_hide_findings(tmp_path):
    """The attacker lints a harmless file of the same size (same image, same path: the
    cache key is reproducible), commits the cache, then swaps in the real file with the
    same mtime. Sealed with the attacker's key, the cache is ignored by the victim."""
    bad = HEAD + CALL.format(16000)
    harmless = HEAD + CALL.format(100) + "#" * (len(bad) - len(HEAD + CALL.format(100)) - 1) + "\n"
    assert len(harmless) == len(bad)
    root = project(tmp_path / "proj", {"app.py": harmless})
    attacker = {"XDG_CACHE_HOME": str(tmp_path / "attacker")}
    assert run(["check", "."], root, env=attacker).returncode == 0
    st = (root / "app.py").stat()
    (root / "app.py").write_text(bad)
    os.utime(root / "app.py", ns=(st.st_atime_ns, st.st_mtime_ns))
    victim = {"XDG_CACHE_HOME": str(tmp_path / "victim")}
    proc = run(["check", "--output-format", "json", "."], root, env=victim)
    assert [d["code"] for d in diags(proc)] == ["CL001"]
    key = tmp_path / "victim" / "claude-lint" / "key"
    assert oct(key.stat().st_mode & 0o777) == oct(0o600)


# --- --fix writes -----------------------------------------------------------------------


def test_fix_writes_nothing_outside_the_project(tmp_path):
    elsewhere = project(tmp_path / "elsewhere", {"other.py": GOOD}, config=None)
    root = project(tmp_path / "proj", {"app.py": GOOD})
    for order in (["app.py", "../elsewhere/other.py"], ["../elsewhere/other.py", "app.py"]):
        (root / "app.py").write_text(GOOD)
        # other.py has no config of its own: --config gives it the project's (CL001 in threshold
        # mode), so a fix is due there too and must be refused.
        proc = run(["check", "--config", "pyproject.toml", "--fix", "--unsafe-fixes", *order], root)
        no_traceback(proc)
        assert (elsewhere / "other.py").read_text() == GOOD, order
        assert b"other.py: outside the project root" in proc.stderr, proc.stderr
        assert (root / "app.py").read_text() != GOOD, order  # the control: fixed, inside


def test_fix_leaves_a_read_only_file_untouched(tmp_path):
    root = project(tmp_path / "proj", {"app.py": GOOD, "ok.py": GOOD})
    (root / "app.py").chmod(0o444)
    proc = run(["check", "--fix", "--unsafe-fixes", "."], root)
    assert (root / "app.py").read_text() == GOOD
    assert oct((root / "app.py").stat().st_mode & 0o777) == oct(0o444)
    assert b"app.py: read-only; left untouched" in proc.stderr, proc.stderr
    assert (root / "ok.py").read_text() != GOOD


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="making a file of another user takes root")
def test_fix_never_takes_a_file_from_its_owner(tmp_path):
    """Run as user B on a file of user A that B may write, in a folder B may write: the
    rename would leave the file owned by B. It is skipped instead."""
    a, b = 61_001, 61_002
    top = Path(tempfile.mkdtemp(dir="/tmp"))
    try:
        top.chmod(0o777)
        root = project(top / "proj", {"app.py": GOOD})
        root.chmod(0o777)
        (root / "app.py").chmod(0o666)
        os.chown(root / "app.py", a, a)
        env = {"XDG_CACHE_HOME": str(top / "cache"), "HOME": str(top)}
        try:
            usable = run(["--version"], root, user=b, env=env).returncode == 0
        except PermissionError:
            usable = False
        if not usable:
            pytest.skip("the installed command cannot run as another user here (test_a_file_of_another_user_is_not_a_target covers the decision)")
        proc = run(["check", "--no-cache", "--fix", "--unsafe-fixes", "."], root, user=b, env=env)
        st = (root / "app.py").stat()
        assert (st.st_uid, st.st_gid) == (a, a)
        assert (root / "app.py").read_text() == GOOD
        assert b"owned by another user" in proc.stderr, proc.stderr
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_a_file_of_another_user_is_not_a_target(tmp_path, monkeypatch):
    """The decision behind the test above, for any user: running as uid 1000, a file of
    uid 1001 (which the rename would give to 1000) is not written."""
    from claude_lint import fix
    from claude_lint.discover import SourceFile

    root = project(tmp_path / "proj", {"app.py": GOOD})
    path = str(root / "app.py")
    real_stat = os.stat

    def stat(p, *args, **kwargs):
        st = real_stat(p, *args, **kwargs)
        if os.fspath(p) == path:
            fields = list(st)
            fields[4] = 1001  # st_uid
            return os.stat_result(fields)
        return st

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(os, "getegid", lambda: real_stat(path).st_gid)
    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.chdir(root)
    assert fix.target(SourceFile("app.py", path, "python"), str(root)) is None


def test_an_owner_that_cannot_be_given_back_stops_the_write(tmp_path, monkeypatch):
    """write_atomic used to ignore a failed chown and replace the file anyway, owned by us."""
    from claude_lint import fix

    path = tmp_path / "app.py"
    path.write_text(GOOD)
    real_stat = os.stat

    def stat(p, *args, **kwargs):  # the file belongs to someone else
        st = real_stat(p, *args, **kwargs)
        if os.fspath(p) == str(path):
            fields = list(st)
            fields[4] = st.st_uid + 1
            return os.stat_result(fields)
        return st

    def chown(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "chown", chown)
    with pytest.raises(PermissionError):
        fix.write_atomic(str(path), CLEAN.encode(), GOOD.encode())
    assert path.read_text() == GOOD
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]


KILL_AT_RENAME = textwrap.dedent(
    """
    import os, signal, sys

    def _hook(event, args):
        if event == "os.rename" and str(args[0]).endswith(".claude-lint-tmp"):
            os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(_hook)
    """
)


def test_a_temp_file_left_by_a_killed_fix_is_removed_by_the_next(tmp_path):
    root = project(tmp_path / "proj", {"app.py": GOOD})
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(KILL_AT_RENAME)
    proc = run(["check", "--fix", "--unsafe-fixes", "."], root, env={"PYTHONPATH": str(hook)})
    assert proc.returncode == -signal.SIGKILL
    [temp] = [p for p in root.iterdir() if p.name.endswith(".claude-lint-tmp")]
    assert temp.name.startswith(".app.py.") and (root / "app.py").read_text() == GOOD
    proc = run(["check", "--fix", "--unsafe-fixes", "."], root)
    assert temp.exists()  # a temp file this fresh may be another run's, still writing
    old = time.time() - 3600
    os.utime(temp, (old, old))
    proc = run(["check", "--fix", "--unsafe-fixes", "."], root)
    assert not temp.exists(), proc.stderr
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".app.py")) == []


# --- running the linter -----------------------------------------------------------------


@pytest.mark.skipif(sys.version_info < (3, 11), reason="python -P arrived in 3.11")
def test_python_dash_p_does_not_run_a_planted_package(tmp_path):
    """`python -m claude_lint` would import the repository's own `claude_lint/`; the
    documented `python -P -m claude_lint` does not."""
    root = project(tmp_path / "proj", {"app.py": GOOD, "claude_lint/__init__.py": "", "claude_lint/__main__.py": "open('MARKER', 'w')\n"})
    proc = subprocess.run([sys.executable, "-P", "-m", "claude_lint", "check", "."], cwd=root, capture_output=True, timeout=TIMEOUT)
    assert proc.returncode == 1 and b"CL001" in proc.stdout, proc.stderr
    assert not (root / "MARKER").exists()


def test_the_docs_recommend_no_unsafe_python_m():
    """The docs used to call `python -m claude_lint` safe; they now say why it is not and
    recommend the command or `python -P -m`, and show no example that runs it plainly."""
    top = Path(__file__).parent.parent
    for page in [top / "README.md", *sorted((top / "docs").glob("*.md"))]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"python3? -m claude_lint (check|report|server)", text), page
        if page.name in ("README.md", "reliability.md"):
            assert "python -P -m claude_lint" in text and "`claude_lint/` folder" in text, page
