"""The per-file time limit: interrupts runaway work in the main thread, in other threads
and in worker processes; never leaks an exception after a block that finished."""
from __future__ import annotations

import json
import os
import multiprocessing
import subprocess
import sys
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


# A real asynchronous exception queued at the n-th bytecode run while entering and
# leaving a block, for every n: what the watchdog's exception may do at any point. After
# each, a block in another thread must still enter and leave (a lock taken and never
# released would hang it), and nothing may stay queued. Run in a child process, so that a
# hang fails this test and not the whole session.
EXCEPTION_AT_EVERY_BYTECODE = """
import ctypes, sys, threading
from claude_lint.timeout import FileTimeout, time_limit

def spin(seconds, outcome):
    try:
        with time_limit(seconds):
            while True:
                pass
    except FileTimeout:
        outcome.append("stopped")

def enter_and_leave():
    with time_limit(60):
        pass

def block_with_exception_at(n):
    # True if time_limit and what it calls ran n bytecodes, the n-th queuing the exception.
    count = 0
    me = threading.get_ident()
    def tracer(frame, event, arg):
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
            if count == n:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(me), ctypes.py_object(FileTimeout))
        return tracer
    try:
        sys.settrace(tracer)
        with time_limit(60):
            pass
        sys.settrace(None)
    except FileTimeout:
        sys.settrace(None)
    return count >= n

n = 1
while block_with_exception_at(n):
    x = [j for j in range(20)]  # a pending exception would surface here
    other = threading.Thread(target=enter_and_leave, daemon=True)
    other.start()
    other.join(10)
    if other.is_alive():
        print(f"exception at bytecode {n}: a block in another thread hangs")
        sys.exit(1)
    n += 1
outcome = []
spin(0.01, outcome)
print(f"ok {n - 1} {outcome}")
"""


def test_an_exception_at_any_bytecode_of_enter_or_exit_leaves_no_lock_taken():
    proc = subprocess.run([sys.executable, "-c", EXCEPTION_AT_EVERY_BYTECODE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ok, bytecodes, outcome = proc.stdout.split(maxsplit=2)
    assert int(bytecodes) > 50  # the sweep covered entering and leaving, not just a call
    assert outcome.strip() == "['stopped']"  # and the limit still works afterwards


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
    calls = "".join(f"r{i} = client.messages.create(model=M, max_tokens=N + {i}, system=S * {i}, messages=[m{i}])\n" for i in range(16000))
    (tmp_path / "big.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nM = 'claude-sonnet-4-6'\nN = 1\nS = 'x'\n" + calls)
    (tmp_path / "good.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-haiku-4-5', max_tokens=16000, messages=[])\n")
    # big.py takes several seconds to analyse (16,000 calls: 4,000 became too quick once values
    # were memoised and a whole-file scan per call site went); 2 s leaves good.py (and the cold import of
    # libcst that its parse pays) far inside the limit.
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint.CL904]\nseconds = 2\n")
    proc = cli("check", "--output-format", "json", "--select", "CL001,CL904", ".")
    found = {(os.path.basename(d["filename"]), d["code"]) for d in json.loads(proc.stdout)}
    assert found == {("big.py", "CL904"), ("good.py", "CL001")}, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr


def test_paused_time_is_not_the_blocks():
    """One-time loads (tokenizer, catalogue) run paused: the file that first needs them
    neither pays for them nor has them cut short; the limit holds again afterwards."""
    import time

    from claude_lint.timeout import paused

    with time_limit(0.3):
        with paused():
            end = time.monotonic() + 0.6
            while time.monotonic() < end:
                pass
    assert spin_until_stopped(0.05) == "stopped"
    with pytest.raises(FileTimeout):
        with time_limit(0.3):
            with paused():
                pass
            while True:
                pass


def _stopped_after(seconds: float, before=None) -> float:
    """How long a runaway loop under `time_limit(seconds)` ran before it was stopped (5 s
    at most: a limit that does not fire fails the test, it does not hang it)."""
    import time

    start = time.monotonic()
    try:
        with time_limit(seconds):
            if before is not None:
                before()
            while time.monotonic() < start + 5:
                pass
    except FileTimeout:
        pass
    return time.monotonic() - start


def test_a_deadline_earlier_than_the_one_the_watchdog_waits_for_fires_on_time():
    """The watchdog is woken only for a deadline before the one it waits for: a block of
    another thread with a long limit does not keep a short one from firing on time."""
    import threading
    import time

    release = threading.Event()

    def long_block():
        with time_limit(30):
            release.wait(10)

    other = threading.Thread(target=long_block)
    other.start()
    try:
        time.sleep(0.05)  # the watchdog now waits for the other thread's deadline, 30 s away
        assert _stopped_after(0.1) < 3
    finally:
        release.set()
        other.join()


def test_an_outer_limit_fires_on_time_after_a_longer_inner_one_ends():
    """A block inside another with a later deadline: once it ends, the outer one's
    deadline (earlier) is the watchdog's again, even when the watchdog last looked while
    only the inner one's was there."""
    import time

    def inner():
        with time_limit(30):
            with time_limit(0.01):  # wakes the watchdog: it then waits for this deadline
                pass
            time.sleep(0.05)  # it has looked again: only the inner block's 30 s were left

    assert _stopped_after(0.3, before=inner) < 3
