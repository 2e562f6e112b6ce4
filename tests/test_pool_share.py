"""The pool reading and triaging the files too (pool.share, issue 20): the same findings as
one process, in the same order; a worker that dies or is stuck costs only the file it
was on, as with the pool that only parses."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys

import pytest

from claude_lint import pool

from test_dos import HANG_SECONDS, LIMIT_ABOVE_MAXIMUM, CONTROL, PYPROJECT, _cap, findings, project
from test_equivalence import EDGES, _findings, _project
from conftest import HOSTILE_EXTRACTION


def _forking() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


needs_fork = pytest.mark.skipif(not _forking(), reason="no fork: the pool never starts here")


def _shared(monkeypatch, workers: int = 2) -> None:
    monkeypatch.delenv("CLAUDE_LINT_NO_POOL", raising=False)
    monkeypatch.setattr(pool, "SHARE_MIN_FILES", 1)
    monkeypatch.setattr(pool, "free_cores", lambda cores: workers)  # the machine's load must not decide a test
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
    inner = pool._Share.run

    def run(self):
        started.append(self.n)
        return inner(self)

    monkeypatch.setattr(pool._Share, "run", run)
    monkeypatch.setattr(pool, "SHARE_CHUNK", chunk)
    _shared(monkeypatch)
    assert _findings(root, no_cache=True) == serial
    assert started == [2]
    assert [c for c, *_ in serial].count("CL001") >= 12
    assert multiprocessing.active_children() == []


@needs_fork
def test_a_small_project_is_not_shared(tmp_path, monkeypatch):
    root = _project(tmp_path, {f"m{i}.py": "x = 1\n" for i in range(5)})
    monkeypatch.setattr(pool, "free_cores", lambda cores: 2)
    monkeypatch.setattr(pool._Share, "run", lambda self: pytest.fail("shared a small project"))
    _findings(root, no_cache=True)


DYING = """
import os, signal, time
from claude_lint import cli, engine, pool


pool.SHARE_MIN_FILES, pool.SHARE_CHUNK = 2, 2
pool.free_cores = lambda cores: 2
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
