"""The per-file time limit: interrupts runaway work in the main thread, in other threads
and in worker processes; never leaks an exception after a block that finished."""
from __future__ import annotations

import json
import os
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from claude_lint.timeout import FileTimeout, time_limit


def spin_until_stopped(seconds: float) -> str:
    try:
        with time_limit(seconds):
            while True:
                pass
    except FileTimeout:
        return "stopped"


def test_interrupts_a_runaway_loop_in_the_main_thread():
    assert spin_until_stopped(0.05) == "stopped"


def test_interrupts_in_other_threads_at_once():
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(spin_until_stopped, [0.05, 0.1, 0.05, 0.2])) == ["stopped"] * 4


@pytest.mark.parametrize("method", [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()])
def test_interrupts_in_pool_worker_processes(method):
    spin_until_stopped(0.01)  # a watchdog thread exists in the parent before a fork
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context(method)) as pool:
        assert list(pool.map(spin_until_stopped, [0.05, 0.05, 0.05])) == ["stopped"] * 3


def test_no_exception_escapes_after_a_block_that_finished():
    """Blocks ending right at their deadline: whatever the watchdog queued is cleared."""
    outcomes = {"done": 0, "timeout": 0}
    for i in range(3000):
        try:
            with time_limit(0.0001):
                sum(range(200 + i % 50))
            outcomes["done"] += 1
        except FileTimeout:
            outcomes["timeout"] += 1
        # Any exception left pending would surface in this bytecode, outside the `try`.
        x = [j for j in range(20)]
        assert len(x) == 20
    assert sum(outcomes.values()) == 3000


def test_no_limit_when_zero_or_none():
    for seconds in (0, None, -1):
        with time_limit(seconds):
            pass


def test_a_broad_except_in_timed_code_does_not_swallow_the_timeout():
    def stubborn():
        while True:
            try:
                sum(range(1000))
            except Exception:  # what the code under the limit might do
                pass

    with pytest.raises(FileTimeout):
        with time_limit(0.05):
            stubborn()


def test_a_slow_file_becomes_cl904_and_the_rest_is_linted(tmp_path, cli):
    calls = "".join(f"r{i} = client.messages.create(model=M, max_tokens=N + {i}, system=S * {i}, messages=[m{i}])\n" for i in range(4000))
    (tmp_path / "big.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nM = 'claude-sonnet-4-6'\nN = 1\nS = 'x'\n" + calls)
    (tmp_path / "good.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-haiku-4-5', max_tokens=16000, messages=[])\n")
    # big.py takes several seconds to analyse; 2 s leaves good.py (and the cold import of
    # libcst that its parse pays) far inside the limit.
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint.CL904]\nseconds = 2\n")
    proc = cli("check", "--output-format", "json", "--select", "CL001,CL904", ".")
    found = {(os.path.basename(d["filename"]), d["code"]) for d in json.loads(proc.stdout)}
    assert found == {("big.py", "CL904"), ("good.py", "CL001")}, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
