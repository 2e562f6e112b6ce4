"""A process pool for cold runs with many files to parse.

Only files the byte pre-filter lets through come here (the parse and the extractor's walk), so a pool starts only when
there is real parsing to share out: at least `MIN_FILES` files and `MIN_BYTES` of
source, on a machine with more than one core free (see `free_cores`), where `fork` exists (workers inherit the
linter and the jobs, nothing is re-imported). Results are put back in the order the
files came in, so the output never depends on which worker finished first. If the pool
cannot start, the same work runs in this process: a pool changes speed, never findings.

Each worker is given one file at a time, so the parent always knows which file a worker
is on. A worker has an address-space limit (a runaway parse raises MemoryError, which
is the file's CL904, instead of drawing the kernel's out-of-memory killer); a worker
that dies anyway (killed, or stuck in native code past twice the time limit and then
killed) costs only the file it was on, which gets a CL904 and is not run again; the
files no worker is left to take are extracted in this process. The parent never waits
without a deadline.
"""
from __future__ import annotations

import os
import sys
import time
from typing import List, Optional, Sequence, Tuple

MIN_FILES = 4
MIN_BYTES = 256_000
MAX_WORKERS = 8
# Address space a worker may add to what it had when forked. The largest file linted (5 MB
# of Python) peaks at about 1.4 GB; several workers must also fit the machine together.
WORKER_MEMORY = 4_000_000_000
# A worker still on one file this long past the per-file limit is stuck where the limit
# cannot reach it (a native call): it is killed.
GRACE_SECONDS = 10.0

_linter = None  # set in the parent before fork; workers inherit it
_jobs: Sequence[Tuple[object, Optional[bytes]]] = ()


def workers_for(jobs: Sequence[Tuple[object, Optional[bytes]]]) -> int:
    """How many processes to use for these jobs: 1 means no pool."""
    if len(jobs) < MIN_FILES or sum(len(d or b"") for _, d in jobs) < MIN_BYTES:
        return 1
    import multiprocessing  # here: most runs never start a pool

    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawn would re-import everything per worker: slower than parsing here
    if os.environ.get("CLAUDE_LINT_NO_POOL"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(free_cores(cores), len(jobs), MAX_WORKERS))


def free_cores(cores: int) -> int:
    """The cores other processes leave idle now: workers beyond them only time-share a
    core with each other and with the rest of the machine, and then the pool's forks and
    the facts sent back make it slower than one process. Linux counts the threads
    running or ready to run in /proc/loadavg (this process among them): the smallest of
    a few readings, so that a passing task does not turn the pool off. (The load average
    lags by a minute: a run just after another would see that one's load as its own.)"""
    others = []
    for attempt in range(3):
        try:
            with open("/proc/loadavg", "rb") as fh:
                running = int(fh.read().split()[3].split(b"/")[0])
        except (OSError, ValueError, IndexError):
            return cores
        others.append(running - 1)
        if attempt < 2:
            time.sleep(0.002)
    return max(1, min(cores, cores - min(others)))


def extract_all(linter, jobs: List[Tuple[object, Optional[bytes]]], allowed: bool = True) -> List[object]:
    """`linter.facts_for(source, data)` for every job (files the byte test let through: the
    parse and the extractor's walk run here), in the jobs' order. allowed: False keeps
    the work in this process."""
    n = workers_for(jobs) if allowed else 1
    results: List[object] = [None] * len(jobs)
    if n > 1:
        try:
            _in_pool(linter, jobs, n, results)
        except Exception:  # the pool could not start or broke: what it did not finish is done here
            pass
    for i, (source, data) in enumerate(jobs):
        if results[i] is None:
            results[i] = linter.facts_for(source, data, triaged=True)  # the parent's triage said: parse it
    return results


def _serve(conn, workers: int) -> None:
    """A worker's loop: an index in, (index, facts) out, until None."""
    from claude_lint.memory import limit_address_space

    limit_address_space(WORKER_MEMORY, workers)
    try:
        while True:
            index = conn.recv()
            if index is None:
                return
            source, data = _jobs[index]
            conn.send((index, _linter.facts_for(source, data, triaged=True)))
    except BaseException:  # noqa: BLE001 - out of memory sending, Ctrl-C, the parent gone
        # Quietly: the parent reports the file it was on; a traceback would land on the
        # stderr it shares with the parent.
        os._exit(70)


class _Worker:
    def __init__(self, ctx, workers: int):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, workers), daemon=True)
        self.process.start()
        child.close()
        self.index: Optional[int] = None  # the job it is on
        self.since = 0.0

    def give(self, index: int) -> None:
        self.conn.send(index)  # OSError when it is gone: the job was not given
        self.index, self.since = index, time.monotonic()

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        except OSError:
            pass
        self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        self.conn.close()


def _in_pool(linter, jobs, n: int, results: List[object]) -> None:
    import multiprocessing
    from multiprocessing.connection import wait

    global _linter, _jobs
    _linter, _jobs = linter, jobs
    # Largest files first, so no worker is left parsing a big file alone at the end.
    todo = sorted(range(len(jobs)), key=lambda i: len(jobs[i][1] or b""))
    stuck_after = linter.seconds * 2 + GRACE_SECONDS if linter.seconds > 0 else None
    ctx = multiprocessing.get_context("fork")
    workers: List[_Worker] = []
    try:
        for _ in range(n):
            workers.append(_Worker(ctx, n))
        while workers:
            for w in list(workers):
                if w.index is None and todo:
                    try:
                        w.give(todo[-1])
                        todo.pop()
                    except OSError:  # died between two files: nothing of it is lost
                        w.stop(kill=True)
                        workers.remove(w)
            busy = [w for w in workers if w.index is not None]
            if not busy:
                break
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0)
            for w in busy:
                index = w.index
                assert index is not None
                if w.conn in ready:
                    try:
                        got, facts = w.conn.recv()
                    except (EOFError, OSError):
                        got = None  # died on it
                    except Exception:  # sent but unreadable here: left to this process
                        got, facts = index, None
                    if got == index:
                        results[index], w.index = facts, None
                        continue
                elif w.process.sentinel not in ready and (stuck_after is None or time.monotonic() - w.since < stuck_after):
                    continue
                # Died on this file (killed, out of memory) or stuck in it: the file is
                # reported, never run again; the worker is gone.
                stuck = w.conn not in ready and w.process.sentinel not in ready
                results[index] = _lost(linter, jobs[index][0], stuck)
                w.stop(kill=True)
                workers.remove(w)
    finally:
        for w in workers:
            w.stop()
        _linter, _jobs = None, ()


def _lost(linter, source, stuck: bool):
    from claude_lint.facts import FILE_TIMEOUT, FileError, FileFacts, Loc

    why = (f"analysis was still running {GRACE_SECONDS:g} s past twice the time limit (in code the limit cannot interrupt) and was stopped"
           if stuck else "the process analysing it died (out of memory, or killed)")
    error = FileError(FILE_TIMEOUT, f"{why}; file not linted", Loc(source.path, 1, 1, 1, 1))
    return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))
