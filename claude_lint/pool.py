"""A process pool for cold runs with many files to parse.

A large project linted without a cache (`SHARE_MIN_FILES` files) is shared out whole
(`share`): the workers read, triage and parse, this process only walks and merges (the
triage was the most of a cold run's serial work). Otherwise only files the byte
pre-filter lets through come here (the parse and the extractor's walk), so a pool starts only when
there is real parsing to share out: at least `MIN_FILES` files and `MIN_BYTES` of
source. Either way only on a machine with more than one core free (see `free_cores`), where `fork` exists (workers inherit the
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
from collections import deque
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Deque, List, Optional, Sequence, Tuple

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
_sources: Sequence[object] = ()  # (and `share`'s sources and look)
_look = None


def workers_for(jobs: Sequence[Tuple[object, Optional[bytes]]]) -> int:
    """How many processes to use for these jobs: 1 means no pool."""
    if len(jobs) < MIN_FILES or sum(len(d or b"") for _, d in jobs) < MIN_BYTES:
        return 1
    return _usable(len(jobs))


def _usable(jobs: int) -> int:
    """How many workers `jobs` jobs can keep busy here now (1: no pool)."""
    if os.environ.get("CLAUDE_LINT_NO_POOL") or not sys.platform.startswith("linux"):
        return 1  # (before the import: a run that uses no pool does not import multiprocessing)
    import multiprocessing  # here: most runs never start a pool

    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawn would re-import everything per worker: slower than parsing here
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(free_cores(cores), jobs, MAX_WORKERS))


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
    extraction = Extraction(linter, allowed)
    for source, data in jobs:
        extraction.add(source, data)
    return extraction.finish()


# A project with this many files has its files read and triaged in the pool too (`share`):
# the triage is the most of a cold run's serial work, and forking costs a few milliseconds.
SHARE_MIN_FILES = 256
# Files per job of `share`: few messages, and no worker left with much when the others are done.
SHARE_CHUNK = 32


def share(linter, sources: Sequence[object], look: Callable) -> Optional[List[object]]:
    """`gather`'s facts for `sources` (no cache), every file read, triaged and if need be
    parsed by the workers, this process handing out chunks of files and taking back the
    facts in order; None when no pool is used (then `gather` does it all here).
    look: gather.first_look (what a file needs, as gather's own loop asks)."""
    if len(sources) < SHARE_MIN_FILES:
        return None
    n = _usable(len(sources))
    if n < 2:
        return None
    return _Share(linter, sources, n, look).run()


class _Share:
    """Workers forked with the sources, given chunks of their indices; each sends back, in
    order, what it found: files no parse needed (most: their module, the facts rebuilt
    here), and before each parse what came before it, so this process knows which file
    a worker is on when it dies or is stuck (that file gets a CL904; the rest of what it
    was given goes to the others, or is done here). A death while triaging (no parse
    yet: only a kill from outside) is put on the first file of the batch not yet sent;
    the triage in this process had no time limit at all."""

    def __init__(self, linter, sources: Sequence[object], n: int, look: Callable):
        self.linter = linter
        self.look = look
        self.sources = sources
        self.n = n
        self.results: List[object] = [None] * len(sources)
        self.cursor = 0  # the sources from here on are not given yet
        self.todo: Deque[List[int]] = deque()  # given back by a worker that died: given again first
        self.given: dict = {}  # worker -> the indices given, in order, not yet answered
        self.heard: dict = {}  # worker -> when it last sent something, or was given work while idle
        self.stuck_after: Optional[float] = linter.seconds * 2 + GRACE_SECONDS if linter.seconds > 0 else None

    def run(self) -> Optional[List[object]]:
        import multiprocessing
        from multiprocessing.connection import wait

        global _linter, _sources, _look
        _linter, _sources, _look = self.linter, self.sources, self.look
        ctx = multiprocessing.get_context("fork")
        workers: List[_Worker] = []
        try:
            try:
                for _ in range(self.n):
                    workers.append(_Worker(ctx, self.n, _serve_share))
            except Exception:  # the pool could not start: what it does not do is done here
                pass
            for w in workers:
                self.given[w] = deque()
                self._top_up(w)
            while workers:
                busy = [w for w in workers if self.given[w]]
                if not busy:
                    break
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0)
                for w in busy:
                    if w.conn in ready and self._take(w):
                        self._top_up(w)
                        continue
                    stuck = w.conn not in ready and w.process.sentinel not in ready
                    if stuck and (self.stuck_after is None or time.monotonic() - self.heard[w] < self.stuck_after):
                        continue
                    # Died (killed, out of memory) or stuck: the file it was on is reported and not
                    # run again; the rest of what it was given goes back to the others.
                    left = self.given.pop(w)
                    if left:
                        on = left.popleft()
                        self.results[on] = _lost(self.linter, self.sources[on], stuck)
                    if left:
                        self.todo.appendleft(list(left))
                    workers.remove(w)
                    w.stop(kill=True)
                    for other in workers:
                        self._top_up(other)
        finally:
            for w in workers:
                w.stop()
            _linter = _sources = _look = None

        for chunk in list(self.todo) + [list(range(self.cursor, len(self.sources)))]:  # no worker was left to take these
            for i in chunk:
                found, data, _ = self.look(self.linter, self.sources[i], None)
                self.results[i] = found if found is not None else self.linter.facts_for(self.sources[i], data, triaged=True)
        return self.results

    def _top_up(self, w: "_Worker") -> None:
        """Two chunks ahead, so that a worker never waits for this process."""
        given = self.given[w]
        while len(given) < 2 * self._size():
            end = self.cursor
            if self.todo:
                chunk = self.todo.popleft()
            else:
                end = min(len(self.sources), self.cursor + self._size())
                chunk = list(range(self.cursor, end))
                if not chunk:
                    return
            try:
                w.conn.send(chunk)
            except Exception:  # gone: the chunk is not given (its death is seen by the wait)
                if end == self.cursor:
                    self.todo.appendleft(chunk)
                return
            self.cursor = end
            if not given:
                self.heard[w] = time.monotonic()
            given.extend(chunk)

    def _size(self) -> int:
        """Smaller chunks as the end nears, so that the workers finish together."""
        return max(1, min(SHARE_CHUNK, (len(self.sources) - self.cursor) // (self.n * 4)))

    def _take(self, w: "_Worker") -> bool:
        """What the worker sent; False when it died on the file it was on."""
        from claude_lint.facts import FileFacts

        try:
            answered = w.conn.recv()
        except Exception:  # EOF: died; an answer that cannot be read is not one
            return False
        self.heard[w] = time.monotonic()
        given = self.given[w]
        for entry in answered:
            if not given or given[0] != entry[0]:
                return False
            given.popleft()
            if len(entry) == 3:  # no parse needed, nothing to say: (index, module, kind)
                source = self.sources[entry[0]]
                self.results[entry[0]] = FileFacts(source.path, source.abspath, entry[1], entry[2], parsed=False)
            else:
                self.results[entry[0]] = entry[1]
        return True


def _serve_share(conn, workers: int) -> None:
    """A worker of `share`: chunks of indices in; what each file needs, found and sent back
    in order, until None."""
    from claude_lint.facts import FileFacts
    from claude_lint.memory import limit_address_space

    limit_address_space(WORKER_MEMORY, workers)
    linter = _linter
    try:
        while True:
            chunk = conn.recv()
            if chunk is None:
                return
            answered: List[tuple] = []
            for i in chunk:
                source = _sources[i]
                try:
                    facts, data, _ = _look(linter, source, None)
                except Exception as exc:  # a bug of ours: reported, as extraction reports one
                    facts = FileFacts(source.path, source.abspath, None, source.kind, internal_error=f"{type(exc).__name__}: {exc}")
                if facts is None:
                    if answered:
                        conn.send(answered)  # what came before: the parent then knows this file is the one parsed
                        answered = []
                    conn.send(((i, linter.facts_for(source, data, triaged=True)),))
                elif facts.parsed is False and facts == FileFacts(facts.path, facts.abspath, facts.module, facts.kind, parsed=False):
                    answered.append((i, facts.module, facts.kind))
                else:
                    answered.append((i, facts))
            if answered:
                conn.send(answered)
    except BaseException:  # noqa: BLE001 - out of memory sending, Ctrl-C, the parent gone
        os._exit(70)  # quietly (see _serve)


class Extraction:
    """The jobs of one `gather`, handed in as its triage finds them: the pool starts as
    soon as there is enough work for one, and its workers parse while this process reads
    and triages the rest (the triage was a third of a heavy cold run, with the other
    core idle). `finish` waits for the rest and gives the facts in the jobs' order."""

    def __init__(self, linter, allowed: bool = True):
        self.linter = linter
        self.jobs: List[Tuple[object, Optional[bytes]]] = []
        self.results: List[object] = []
        self.todo: Deque[int] = deque()  # jobs no worker has been given
        self.workers: List[_Worker] = []
        self.decided = not allowed  # whether to use a pool is decided once, when there is enough work
        self.size = 0
        self.stuck_after: Optional[float] = linter.seconds * 2 + GRACE_SECONDS if linter.seconds > 0 else None

    def add(self, source, data: Optional[bytes]) -> None:
        self.todo.append(len(self.jobs))
        self.jobs.append((source, data))
        self.results.append(None)
        self.size += len(data or b"")
        if not self.decided and len(self.jobs) >= MIN_FILES and self.size >= MIN_BYTES:
            self.decided = True
            n = workers_for(self.jobs)
            if n > 1:
                self._start(n)
        self.poll()

    def poll(self) -> None:
        """Give idle workers a job and take what they finished, without waiting."""
        if self.workers:
            self._pump(0)

    def finish(self) -> List[object]:
        # Largest files first, so no worker is left parsing a big file alone at the end.
        self.todo = deque(sorted(self.todo, key=lambda i: len(self.jobs[i][1] or b""), reverse=True))
        try:
            while self.workers and self._pump(1.0):
                pass
        finally:
            for w in self.workers:
                w.stop()
            self.workers = []
        global _linter
        _linter = None
        for i, (source, data) in enumerate(self.jobs):
            if self.results[i] is None:
                self.results[i] = self.linter.facts_for(source, data, triaged=True)  # the triage said: parse it
        return self.results

    def abandon(self) -> None:
        """The gather failed: its workers are stopped now, not left waiting for jobs."""
        global _linter
        for w in self.workers:
            w.stop(kill=True)
        self.workers = []
        _linter = None

    def _start(self, n: int) -> None:
        import multiprocessing

        global _linter
        _linter = self.linter
        ctx = multiprocessing.get_context("fork")
        try:
            for _ in range(n):
                self.workers.append(_Worker(ctx, n))
        except Exception:  # the pool could not start: what it does not do is done here
            for w in self.workers:
                w.stop(kill=True)
            self.workers = []

    def _pump(self, timeout: float) -> bool:
        """One exchange with the workers; False when none is busy and nothing is left to give."""
        from multiprocessing.connection import wait

        from claude_lint.extract import prefilter

        for w in list(self.workers):
            if w.index is None and self.todo:
                index = self.todo[0]
                source, data = self.jobs[index]
                try:
                    # what the triage found (see prefilter.worth_parsing): the worker was forked before it
                    w.give(index, (index, source, data, prefilter._TRIAGED.get(hash(data)) if data is not None else None))
                    self.todo.popleft()
                except OSError:  # died between two files: nothing of it is lost
                    w.stop(kill=True)
                    self.workers.remove(w)
                except Exception:  # a job that cannot be sent: done here
                    self.todo.popleft()
        busy = [w for w in self.workers if w.index is not None]
        if not busy:
            return False
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
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
                    self.results[index], w.index = facts, None
                    continue
            elif w.process.sentinel not in ready and (self.stuck_after is None or time.monotonic() - w.since < self.stuck_after):
                continue
            # Died on this file (killed, out of memory) or stuck in it: the file is
            # reported, never run again; the worker is gone.
            stuck = w.conn not in ready and w.process.sentinel not in ready
            self.results[index] = _lost(self.linter, self.jobs[index][0], stuck)
            w.stop(kill=True)
            self.workers.remove(w)
        return True


def _serve(conn, workers: int) -> None:
    """A worker's loop: a job in, (index, facts) out, until None."""
    from claude_lint.extract import prefilter
    from claude_lint.memory import limit_address_space

    limit_address_space(WORKER_MEMORY, workers)
    try:
        while True:
            job = conn.recv()
            if job is None:
                return
            index, source, data, triaged = job
            if triaged is not None and len(prefilter._TRIAGED) < prefilter._MAX_TRIAGED:
                prefilter._TRIAGED[hash(data)] = triaged
            conn.send((index, _linter.facts_for(source, data, triaged=True)))
    except BaseException:  # noqa: BLE001 - out of memory sending, Ctrl-C, the parent gone
        # Quietly: the parent reports the file it was on; a traceback would land on the
        # stderr it shares with the parent.
        os._exit(70)


class _Worker:
    def __init__(self, ctx, workers: int, serve=None):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=serve or _serve, args=(child, workers), daemon=True)
        self.process.start()
        child.close()
        self.index: Optional[int] = None  # the job it is on
        self.since = 0.0

    def give(self, index: int, job: tuple) -> None:
        self.conn.send(job)  # OSError when it is gone: the job was not given
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


def _lost(linter, source, stuck: bool):
    from claude_lint.facts import FILE_TIMEOUT, FileError, FileFacts, Loc

    why = (f"analysis was still running {GRACE_SECONDS:g} s past twice the time limit (in code the limit cannot interrupt) and was stopped"
           if stuck else "the process analysing it died (out of memory, or killed)")
    error = FileError(FILE_TIMEOUT, f"{why}; file not linted", Loc(source.path, 1, 1, 1, 1))
    return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))
