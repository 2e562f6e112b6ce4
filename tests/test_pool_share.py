"""The pool reading and triaging the files too (pool._Share; started by pool_share.Stream while the
walk goes on: the same findings as one process, in the same order; a worker that dies or
is stuck costs only the file it was on, as with the pool that only parses."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from claude_lint import pool, pool_fork

from test_dos import HANG_SECONDS, LIMIT_ABOVE_MAXIMUM, CONTROL, PYPROJECT, _cap, findings, project
from test_equivalence import EDGES, _findings, _project
from conftest import HOSTILE_EXTRACTION


def _forking() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


needs_fork = pytest.mark.skipif(not _forking(), reason="no fork: the pool never starts here")


def _shared(monkeypatch, workers: int = 2) -> None:
    monkeypatch.delenv("CLAUDE_LINT_NO_POOL", raising=False)
    monkeypatch.setattr(pool, "SHARE_MIN_FILES", 2)  # the stream starts with two files: one worker each
    monkeypatch.setattr(pool, "free_cores", lambda cores, readings=None: workers)  # the machine's load must not decide a test
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(workers)), raising=False)


@needs_fork
@pytest.mark.parametrize("chunk", [1, 3, 32])
def test_shared_triage_finds_what_one_process_finds(tmp_path, monkeypatch, chunk):
    files = dict(EDGES)
    files.update({f"pkg/m{i:02d}.py": EDGES["edges/untyped.py"].replace("20000", str(20000 + i)) for i in range(12)})
    files.update({f"plain/p{i:02d}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(20)})
    root = _project(tmp_path, files)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    started = []
    inner = pool._Share.start

    def start(self):
        started.append(self.n)
        return inner(self)

    monkeypatch.setattr(pool._Share, "start", start)
    monkeypatch.setattr(pool, "SHARE_CHUNK", chunk)
    _shared(monkeypatch)
    assert _findings(root, no_cache=True) == serial
    assert started == [2]
    assert [c for c, *_ in serial].count("CL001") >= 12
    assert pool_fork.live() == []


@needs_fork
def test_a_small_project_is_not_shared(tmp_path, monkeypatch):
    root = _project(tmp_path, {f"m{i}.py": "x = 1\n" for i in range(5)})
    monkeypatch.setattr(pool, "free_cores", lambda cores, readings=None: 2)
    monkeypatch.setattr(pool._Share, "start", lambda self: pytest.fail("shared a small project"))
    _findings(root, no_cache=True)


DYING = """
import os, signal, time
from claude_lint import cli, engine, pool


pool.SHARE_MIN_FILES, pool.SHARE_CHUNK = 2, 2
pool.free_cores = lambda cores, readings=None: 2
os.sched_getaffinity = lambda pid: {0, 1}
pool.WORKER_MEMORY = 300_000_000
pool.GRACE_SECONDS = 1

""" + HOSTILE_EXTRACTION


@needs_fork
def test_a_dead_or_stuck_worker_costs_only_its_file(tmp_path):
    files = {name: LIMIT_ABOVE_MAXIMUM for name in ("die.py", "hog.py", "stuck.py", "ok1.py", "ok2.py", "ok3.py", "ok4.py")}
    files.update({f"plain{i}.py": "x = 1\n" for i in range(6)})
    files["pyproject.toml"] = PYPROJECT + "[tool.claude-lint.CL904]\nseconds = 2\n"
    root = project(tmp_path / "p", {**files, "control.py": CONTROL})
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_LINT_NO_POOL"}
    proc = subprocess.run([sys.executable, "-c", DYING], cwd=root, capture_output=True, timeout=HANG_SECONDS, preexec_fn=_cap, env=env)
    found = findings(proc)
    got = sorted({(os.path.basename(f["filename"]), f["code"]) for f in found if f["code"] in ("CL001", "CL002", "CL904")})
    assert got == [("control.py", "CL002"), ("die.py", "CL904"), ("hog.py", "CL904"), ("ok1.py", "CL001"), ("ok2.py", "CL001"),
                   ("ok3.py", "CL001"), ("ok4.py", "CL001"), ("stuck.py", "CL904")], got
    messages = {os.path.basename(f["filename"]): f["message"] for f in found if f["code"] == "CL904"}
    assert "died" in messages["die.py"] and "memory" in messages["hog.py"] and "stopped" in messages["stuck.py"], messages


@needs_fork
def test_the_workers_start_while_the_walk_goes_on(tmp_path, monkeypatch):
    """pool_share.Stream: the pool starts once the walk has found enough files, and the
    files found after are handed to the workers as they come; the findings are one process's."""
    files = {f"d{i:02d}/plain.py": f"x = {i}\n" for i in range(20)}
    files.update({f"d{i:02d}/call.py": EDGES["edges/untyped.py"].replace("20000", str(20000 + i)) for i in (3, 11, 17)})
    root = _project(tmp_path, files)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    found_at_start = []
    inner = pool._Share.start

    def start(self):
        found_at_start.append(len(self.sources))
        return inner(self)

    monkeypatch.setattr(pool._Share, "start", start)
    monkeypatch.setattr(pool, "SHARE_CHUNK", 2)
    _shared(monkeypatch)
    monkeypatch.setattr(pool, "SHARE_MIN_FILES", 4)
    assert _findings(root, no_cache=True) == serial
    assert found_at_start == [4]  # of 23 files
    assert [c for c, *_ in serial].count("CL001") == 3
    assert pool_fork.live() == []


@needs_fork
def test_a_run_with_a_pool_does_not_import_multiprocessing(tmp_path):
    root = _project(tmp_path, {f"m{i}.py": f"x = {i}\n" for i in range(8)})
    code = ("import sys\nfrom claude_lint import cli, pool\npool.SHARE_MIN_FILES = 2\npool.free_cores = lambda cores, readings=None: 2\n"
            "started = []\ninner = pool._Share.start\npool._Share.start = lambda self: started.append(1) or inner(self)\n"
            "cli.main(['check', '--no-cache', '--quiet', '.'])\nprint(started, 'multiprocessing' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k != "CLAUDE_LINT_NO_POOL"}
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[1] False", out


def _echo_size_later(conn, _workers):
    import time as _time

    _time.sleep(0.5)  # busy: reads nothing meanwhile
    conn.send(len(conn.recv()))


@needs_fork
def test_a_send_to_a_busy_worker_never_blocks_the_parent():
    """The share's job pipes are written without blocking: a chunk the pipe cannot take
    waits in `pending` (a worker blocked on sending its answer reads no job meanwhile)."""
    import time

    process = pool_fork.Process(_echo_size_later, 1)
    process.conn.queued()
    started = time.monotonic()
    process.conn.send("x" * 2_000_000)  # far past a pipe's 64 KB
    assert time.monotonic() - started < 0.4 and process.conn.pending
    while not process.conn.flush():
        pool_fork.wait([process.conn], 0.01)
    assert pool_fork.wait([process.conn], 5.0) and process.conn.recv() >= 2_000_000
    process.stop()
    assert pool_fork.live() == []


@needs_fork
def test_files_under_a_nested_config_are_left_to_their_own_group(tmp_path, monkeypatch):
    """The stream takes only the files the run's own settings govern: those under a nested
    config are linted with its settings, as without a pool."""
    call = EDGES["edges/untyped.py"]
    files = {f"top/m{i:02d}.py": call.replace("20000", str(20000 + i)) for i in range(6)}
    files.update({f"sub/m{i:02d}.py": call.replace("20000", str(30000 + i)) for i in range(6)})
    files["sub/pyproject.toml"] = "[tool.claude-lint]\nignore = ['CL001']\n"
    root = _project(tmp_path, files)
    monkeypatch.setenv("CLAUDE_LINT_NO_POOL", "1")
    serial = _findings(root, no_cache=True)
    monkeypatch.setattr(pool, "SHARE_CHUNK", 2)
    _shared(monkeypatch)
    monkeypatch.setattr(pool, "SHARE_MIN_FILES", 2)
    shared = []
    inner = pool._Share.finish
    monkeypatch.setattr(pool._Share, "finish", lambda self: shared.append(len(self.sources)) or inner(self))
    assert _findings(root, no_cache=True) == serial
    assert shared == [7]  # the root's pyproject.toml and top's files; sub's went through gather with their own settings
    assert {loc.path.split("/")[0] for code, loc, *_ in serial if code == "CL001"} == {"top"}
    assert pool_fork.live() == []


@needs_fork
def test_a_walk_that_found_no_core_free_is_not_asked_again(tmp_path, monkeypatch):
    """One answer per run, as before the stream: when the walk's readings of the load say
    no, gather's share does not read it again (a busy machine read twice is likelier to
    show a passing dip, and a pool there is slower)."""
    root = _project(tmp_path, {f"m{i:02d}.py": f"x = {i}\n" for i in range(8)})
    monkeypatch.delenv("CLAUDE_LINT_NO_POOL", raising=False)
    monkeypatch.setattr(pool, "SHARE_MIN_FILES", 2)
    asked = []
    monkeypatch.setattr(pool, "free_cores", lambda cores, readings=None: asked.append(readings is not None) or 1)
    _findings(root, no_cache=True)
    assert asked == [True] and pool.declined is None
