"""What a static tool has no business doing: network access, running the user's code,
reading outside the project, writing anything. Each test runs the real CLI in a
subprocess with a `sitecustomize.py` that watches it: sockets replaced by a tripwire,
and an audit hook (PEP 578) recording every socket and file-open event.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from claude_lint.checks.system_cache import LONG_SYSTEM

from conftest import claude_lint_command
from reliability import damaged, snapshot

WATCH = textwrap.dedent(
    r'''
    import os, socket, sys

    LOG = os.environ["CLAUDE_LINT_WATCH_LOG"]

    def _note(kind, detail):
        with open(LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([kind, detail]) + "\n")

    import json
    _note("loaded", sys.argv[0])

    _LOCAL = (getattr(socket, "AF_UNIX", None),)  # asyncio's self-pipe is a local socketpair

    class _NoSocket(socket.socket):
        def __init__(self, family=-1, *args, **kwargs):
            if family not in _LOCAL and not (family == -1 and kwargs.get("fileno") is not None) and not (args[2:3] and args[2] is not None):
                _note("network", "socket.socket" + repr((family,) + args))
                raise OSError("network blocked by the test")
            super().__init__(family, *args, **kwargs)

    def _blocked(name):
        def fail(*args, **kwargs):
            _note("network", name + repr(args)[:200])
            raise OSError("network blocked by the test")
        return fail

    socket.socket = _NoSocket
    for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyaddr", "create_server"):
        setattr(socket, _name, _blocked("socket." + _name))

    _opened = set()

    def _hook(event, args):
        if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto"):
            _note("network", event)
        elif event in ("socket.connect", "socket.bind") and len(args) > 1 and isinstance(args[1], tuple):
            _note("network", event + repr(args[1]))  # an (host, port) address: not a local socket
        elif event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0])
            if path not in _opened:
                _opened.add(path)
                _note("open", os.path.abspath(path))
        elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn"):
            _note("exec", event + " " + repr(args)[:200])

    sys.addaudithook(_hook)
    '''
)


def run_watched(tmp_path: Path, args, cwd: Path, module: bool = False, stdin=None):
    """Run the CLI with the watcher; return (process, events)."""
    watch = tmp_path / "watch"
    watch.mkdir(exist_ok=True)
    (watch / "sitecustomize.py").write_text(WATCH)
    log = watch / "events.jsonl"
    if log.exists():
        log.unlink()
    env = {**os.environ, "PYTHONPATH": str(watch), "CLAUDE_LINT_WATCH_LOG": str(log)}
    cmd = [sys.executable, "-m", "claude_lint", *args] if module else [claude_lint_command(), *args]
    proc = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, timeout=120)
    events = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    assert any(kind == "loaded" for kind, _ in events), "the watcher was not loaded: the test proves nothing"
    return proc, events


# The findings these tests follow: CL001 (a 16000 with no evidence: its threshold mode), CL003
# and CL004, preview rules, selected as a user can.
PYPROJECT = "[project]\nname = 'p'\n[tool.claude-lint]\nextend-select = ['CL001', 'CL002', 'CL003', 'CL004']\n[tool.claude-lint.CL001]\nmode = 'threshold'\n"


def make_project(root: Path) -> Path:
    """A project where every core rule fires, with a prompt file read from disk."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "prompts").mkdir(exist_ok=True)
    (root / "prompts" / "system.txt").write_text(LONG_SYSTEM)
    (root / "app.py").write_text(
        "import anthropic\nfrom pathlib import Path\nclient = anthropic.Anthropic()\n"
        "SYSTEM = (Path(__file__).parent / 'prompts' / 'system.txt').read_text()\n"
        "history = []\n"
        "while True:\n"
        "    history.append({'role': 'user', 'content': input()})\n"
        "    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=16000, system=SYSTEM, messages=history)\n"
        # a light task on a model above the cheapest tier, none cheaper in the project: CL003
        "client.messages.create(model='claude-sonnet-4-6', max_tokens=100, system='Answer only with yes or no.', messages=[])\n"
    )
    return root


def codes_of(proc):
    return sorted({d["code"] for d in json.loads(proc.stdout)})


def test_no_network_whole_cli(tmp_path):
    root = make_project(tmp_path / "proj")
    for args in (["check", "--output-format", "json", "."], ["rule", "--all"], ["rule", "CL002"]):
        proc, events = run_watched(tmp_path, args, root)
        assert proc.returncode in (0, 1), proc.stderr.decode()
        assert [e for e in events if e[0] == "network"] == []
        if args[0] == "check":
            assert codes_of(proc) == ["CL001", "CL002", "CL003", "CL004"]  # normal results


def test_no_subprocess_and_no_reads_outside_the_project(tmp_path):
    root = make_project(tmp_path / "proj")
    proc, events = run_watched(tmp_path, ["check", "--output-format", "json", "."], root)
    assert [e for e in events if e[0] == "exec"] == []
    # Every file opened is in the project, the Python installation, or the watcher itself;
    # and, in the user's cache folder, the key that seals the facts cache (a test below) and
    # the built catalogue (catalog.load) and pre-filter table (prefilter_table._table).
    from claude_lint.cache import user_cache_folder

    allowed = [str(root), sys.prefix, sys.base_prefix, str(tmp_path / "watch"), "/dev/", "/proc/", "/sys/", os.path.join(user_cache_folder(), "key"),
               # the key is written through a temporary file beside it when this run is the first to need it
               os.path.join(user_cache_folder(), ".key-"),
               os.path.join(user_cache_folder(), "catalogue") + os.sep,
               os.path.join(user_cache_folder(), "prefilter") + os.sep,
               os.path.join(user_cache_folder(), "startup") + os.sep]  # the dataclasses' compiled methods (startup.py)
    allowed += [p for p in sys.path if p]
    # Our own code: an editable install lives outside sys.prefix, and its .pyc files are read
    # whenever the startup cache (shared by every checkout of one user) holds another build's.
    import claude_lint

    allowed.append(os.path.dirname(claude_lint.__file__) + os.sep)
    outside = [p for kind, p in events if kind == "open" and not any(os.path.realpath(p).startswith(os.path.realpath(a)) or p.startswith(a) for a in allowed)]
    assert outside == []


MARKER = "MARKER"


def _planted(root: Path) -> None:
    """Files whose import, execution or unsafe load would write MARKER into the project."""
    side_effect = f"open({str(root / MARKER)!r}, 'w').write(__name__)\n"
    (root / "constants.py").write_text(side_effect + "MODEL = 'claude-sonnet-4-6'\nLIMIT = 16000\n")
    (root / "conftest.py").write_text(side_effect)
    (root / "setup.py").write_text(side_effect)
    (root / "sitecustomize.py").write_text(side_effect)
    (root / "usercustomize.py").write_text(side_effect)
    (root / "evil.pth").write_text("import os; " + side_effect)
    # Modules claude-lint imports itself: found first if the project were on sys.path.
    for name in ("yaml", "tiktoken", "pathspec", "tomllib", "tomli", "anthropic"):
        (root / f"{name}.py").write_text(side_effect)
    (root / "libcst").mkdir()
    (root / "libcst" / "__init__.py").write_text(side_effect)
    (root / "models.yaml").write_text(f"!!python/object/apply:os.system ['touch {root / MARKER}']\n")
    (root / "app.py").write_text(
        "import anthropic\nfrom constants import MODEL, LIMIT\nimport conftest, setup\n"
        "client = anthropic.Anthropic()\n"
        "client.messages.create(model=MODEL, max_tokens=LIMIT, messages=[])\n"
        "__import__('os').system('touch MARKER')\n"
        "eval(open('constants.py').read())\n"
    )
    (root / "pyproject.toml").write_text(PYPROJECT)


@pytest.mark.parametrize("how", ["console-script", "python-m"])
def test_no_code_execution(tmp_path, how):
    """Values are resolved by parsing (constants.py is read for MODEL and LIMIT), never by importing."""
    root = tmp_path / "proj"
    root.mkdir()
    _planted(root)
    before = snapshot(root)
    proc, events = run_watched(tmp_path, ["check", "--output-format", "json", "."], root, module=how == "python-m")
    assert not (root / MARKER).exists(), (root / MARKER).read_text()
    assert proc.returncode == 1, proc.stderr.decode()
    assert "CL001" in codes_of(proc)  # LIMIT was followed into constants.py, by parsing it
    assert [e for e in events if e[0] == "exec"] == []
    assert damaged(before, snapshot(root)) == []


def _outside_setup(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(LONG_SYSTEM)
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    (root / "prompts").mkdir()
    os.symlink(outside / "secret.txt", root / "prompts" / "linked.txt")
    call = "client.messages.create(model='claude-sonnet-4-6', max_tokens=100, system={}, messages=[])\n"
    (root / "dots.py").write_text(
        "import anthropic\nfrom pathlib import Path\nclient = anthropic.Anthropic()\n"
        "S = (Path(__file__).parent / '..' / 'outside' / 'secret.txt').read_text()\n" + call.format("S")
    )
    (root / "link.py").write_text(
        "import anthropic\nclient = anthropic.Anthropic()\n"
        "S = open('prompts/linked.txt').read()\n" + call.format("S")
    )
    return root, outside / "secret.txt"


def test_reads_confined_to_the_project_root(tmp_path):
    root, secret = _outside_setup(tmp_path)
    proc, events = run_watched(tmp_path, ["check", "--output-format", "json", "--verbose", "--select", "CL002", "."], root)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()  # CL002 stays silent
    opened = {os.path.realpath(p) for kind, p in events if kind == "open"}
    assert os.path.realpath(secret) not in opened
    err = proc.stderr.decode()
    assert "not read: outside the project root" in err, err
    assert str(os.path.realpath(secret)) in err


def test_the_same_prompt_inside_the_root_is_read(tmp_path):
    """The control for the test above: the rule does fire when the file is inside."""
    root, secret = _outside_setup(tmp_path)
    os.unlink(root / "prompts" / "linked.txt")
    (root / "prompts" / "linked.txt").write_text(LONG_SYSTEM)
    proc, _ = run_watched(tmp_path, ["check", "--output-format", "json", "--verbose", "--select", "CL002", "link.py"], root)
    assert codes_of(proc) == ["CL002"]
    assert "prompts/linked.txt: read" in proc.stderr.decode()


def test_fix_never_writes_outside_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "lib.py"
    target.write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-3-opus-20240229', max_tokens=16000, messages=[])\n")
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    os.symlink(target, root / "linked.py")
    os.symlink(outside, root / "linked_dir")
    (root / "inside.py").write_text(target.read_text())  # the control: fixed, since it is inside
    before = snapshot(outside)
    proc, events = run_watched(tmp_path, ["check", "--fix", "--unsafe-fixes", "."], root)
    assert damaged(before, snapshot(outside)) == []
    assert (root / "inside.py").read_text() != target.read_text()
    assert os.path.islink(root / "linked.py")
    assert b"Traceback" not in proc.stderr
