"""A process pool for cold runs with many files to parse.

A large project linted without a cache (`SHARE_MIN_FILES` files) is shared out whole
(`share`): the workers read, triage and parse, this process only walks and merges (the
triage was the most of a cold run's serial work); they then stay for the second phase's
byte test (`pool_names`). Otherwise only files the byte pre-filter lets through come here
(the parse and the extractor's walk): at least `MIN_FILES` files and `MIN_BYTES` of source.
Either way only with more than one core free (see `free_cores`), where `fork` exists
(workers inherit the linter and the jobs, nothing is re-imported). Results are put back in
the order the files came in: a pool changes speed, never findings. If it cannot start,
the same work runs in this process.

The parent always knows which file a worker is on: a parsing worker is given one file at
a time, a sharing one sends what it found before each parse. A worker (`pool_fork`) has an
address-space limit (a runaway parse raises MemoryError, the file's CL904, instead of
drawing the kernel's out-of-memory killer); a worker that dies anyway (killed, or stuck in
native code past twice the time limit and then killed) costs only the file it was on,
which gets a CL904 and is not run again; the files no worker is left to take are
extracted in this process. The parent never waits without a deadline.
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

from claude_lint.pool_fork import Worker, fields, free_cores, largest_first, lost, running, source_from  # noqa: F401 (free_cores: tests set it; running: for pool_share)

_linter = None  # set in the parent before fork; workers inherit it
_sources: Sequence[object] = ()  # (and `share`'s sources and look)
_look = None


def workers_for(jobs: Sequence[Tuple[object, Optional[bytes]]]) -> int:
    """How many processes to use for these jobs: 1 means no pool."""
    if len(jobs) < MIN_FILES or sum(len(d or b"") for _, d in jobs) < MIN_BYTES:
        return 1
    return _usable(len(jobs))


def _usable(jobs: int, readings: Optional[List[int]] = None) -> int:
    """How many workers `jobs` jobs can keep busy here now (1: no pool). readings: of
    /proc/loadavg (`running`), taken by the caller a few milliseconds apart."""
    if os.environ.get("CLAUDE_LINT_NO_POOL") or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1  # spawn would re-import everything per worker: slower than parsing here
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(free_cores(cores, readings), jobs, MAX_WORKERS))


# A project with this many files has its files read and triaged in the pool too: the
# triage is the most of a cold run's serial work, and forking costs a few milliseconds.
SHARE_MIN_FILES = 256
# Files per job: few messages, and no worker left with much when the others are done.
SHARE_CHUNK = 32

def share(linter, sources: Sequence[object], look: Callable) -> Optional[List[object]]:
    """`gather`'s facts for `sources` (no cache), every file read, triaged and if need be
    parsed by the workers, this process handing out chunks of files and taking back the
    facts in order; None when no pool is used (then `gather` does it all here).
    look: gather.first_look (what a file needs, as gather's own loop asks)."""
    global declined
    if len(sources) < SHARE_MIN_FILES or declined is linter:
        declined = None  # the walk's stream asked the load already: one answer per run, as before it
        return None
    n = _usable(len(sources))
    if n < 2:
        return None
    return _Share(linter, list(sources), n, look).run()


declined = None  # the linter whose walk (pool_share.Stream) found no core free for a share


def _look_here(linter, look: Callable, source: object) -> object:
    found, data, _ = look(linter, source, None)
    return found if found is not None else linter.facts_for(source, data, triaged=True)


class _Share:
    """Workers forked with the sources found so far, given chunks of their indices (and
    of sources found later, their fields); each sends back, in order, what it found:
    files no parse needed (most: their module, the facts rebuilt here), and before each
    parse what came before it, so this process knows which file a worker is on when it
    dies or is stuck (that file gets a CL904; the rest of what it was given goes to the
    others, or is done here). A death while triaging (no parse yet: only a kill from
    outside) is put on the first file of the batch not yet sent; the triage in this
    process had no time limit at all. A lost worker is replaced (up to `n` times): what
    was queued behind its file is not left to a stuck one, or to this process without a
    worker's memory cap. walking: more sources are still to come (added to `sources`)."""

    def __init__(self, linter, sources: List[object], n: int, look: Callable, walking: bool = False):
        self.linter = linter
        self.look = look
        self.sources = sources
        self.n = n
        self.spares = n  # replacements for workers lost
        self.walking = walking
        self.results: List[object] = []
        self.cursor = 0  # the sources from here on (in `order`, once the walk is done) are not given yet
        self.order: List[int] = []
        self.parsing = False  # whether a file was parsed yet: a project without any (no request) is handed out as walked
        self.todo: Deque[List[int]] = deque()  # given back by a worker that died: given again first
        self.given: dict = {}  # worker -> the indices given, in order, not yet answered
        self.heard: dict = {}  # worker -> when it last sent something, or was given work while idle
        self.stuck_after: Optional[float] = linter.seconds * 2 + GRACE_SECONDS if linter.seconds > 0 else None
        self.workers: List[Worker] = []
        self.keep = False  # the workers kept once done, for the second phase

    def run(self) -> List[object]:
        self.start()
        return self.finish()

    def start(self) -> bool:
        """The workers forked (False: none could be)."""
        for _ in range(self.n):
            if not self._fork():
                break  # the pool could not start: what it does not do is done here
        for w in self.workers:
            self._top_up(w)
        return bool(self.workers)

    def _fork(self) -> bool:
        global _linter, _sources, _look
        _linter, _sources, _look = self.linter, self.sources, self.look
        try:
            w = Worker(self.n, _serve_share)
        except Exception:
            return False
        finally:
            _linter = _sources = _look = None
        w.inherited = len(self.sources)  # it was forked with these
        w.conn.queued()
        self.workers.append(w)
        self.given[w] = deque()
        return True

    def finish(self) -> List[object]:
        """The facts of every source, in order, once the workers are done (and they are
        stopped, unless `keep`: then for `pool_names.Helpers`)."""
        self.walking = done = False
        self.order = largest_first(self.sources, self.cursor) if self.parsing else []
        try:
            while self.pump(1.0):
                pass
            done = True
        finally:
            if not (done and self.keep):
                self.stop()
        self.results += [None] * (len(self.sources) - len(self.results))
        for chunk in list(self.todo) + [self.order[self.cursor:]]:  # no worker was left to take these
            for i in chunk:
                self.results[i] = _look_here(self.linter, self.look, self.sources[i])
        return self.results

    def stop(self, kill: bool = False) -> None:
        for w in self.workers:
            w.stop(kill)
        self.workers = []

    def pump(self, timeout: float) -> bool:
        """Take what the workers sent within `timeout` and give them more; False when
        none is busy."""
        from claude_lint.pool_fork import wait

        for w in self.workers:
            try:
                w.conn.flush()
            except OSError:  # gone: seen by the wait
                pass
            self._top_up(w)
        busy = [w for w in self.workers if self.given[w]]
        if not busy:
            return False
        ready = wait([w.conn for w in busy], min(timeout, 0.002) if any(w.conn.pending for w in busy) else timeout)
        for w in busy:
            if w.conn in ready and self._take(w):
                self._top_up(w)
                continue
            stuck = w.conn not in ready
            if stuck and (self.stuck_after is None or time.monotonic() - self.heard[w] < self.stuck_after):
                continue
            # Died (killed, out of memory) or stuck: the file it was on is reported and not
            # run again; the rest of what it was given goes back to the others.
            left = self.given.pop(w)
            if left:
                on = left.popleft()
                self._put(on, lost(self.sources[on], stuck, GRACE_SECONDS))
            if left:
                self.todo.appendleft(list(left))
            self.workers.remove(w)
            w.stop(kill=True)
            if self.spares > 0:
                self.spares -= 1
                self._fork()
            for other in self.workers:
                self._top_up(other)
        return True

    def _put(self, index: int, facts: object) -> None:
        results = self.results
        if index >= len(results):
            results += [None] * (index + 1 - len(results))
        results[index] = facts

    def _top_up(self, w: "Worker") -> None:
        """Two chunks ahead, so that a worker never waits for this process."""
        given = self.given[w]
        while len(given) < 2 * self._size() and not w.conn.pending:
            end = self.cursor
            if self.todo:
                chunk = self.todo.popleft()
            else:
                end = min(len(self.sources), self.cursor + self._size())
                chunk = self.order[self.cursor:end] if self.order else list(range(self.cursor, end))
                if not chunk or (self.walking and len(chunk) < SHARE_CHUNK):
                    return  # more to come: only whole chunks while the walk goes on
            try:
                inherited = w.inherited
                w.conn.send([i if i < inherited else fields(i, self.sources[i]) for i in chunk])
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
        if self.walking:
            return SHARE_CHUNK
        return max(1, min(SHARE_CHUNK, (len(self.sources) - self.cursor) // (self.n * 4)))

    def _take(self, w: "Worker") -> bool:
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
                self._put(entry[0], FileFacts(source.path, source.abspath, entry[1], entry[2], parsed=False))  # type: ignore[attr-defined]
            else:
                self._put(entry[0], entry[1])
                self.parsing = True  # (or a file the triage found unreadable: rare)
        return True


def _serve_share(conn, workers: int) -> None:
    """A worker: chunks of sources in (indices of those it was forked with, the fields of
    later ones); what each file needs, found and sent back in order, until None."""
    from claude_lint.facts import FileFacts
    from claude_lint.memory import limit_address_space

    limit_address_space(WORKER_MEMORY, workers)
    linter, look, sources = _linter, _look, _sources
    try:
        while True:
            chunk = conn.recv()
            if chunk is None:
                return
            if type(chunk) is tuple:  # the second phase's byte test, once the first is done (pool_names)
                from claude_lint.pool_names import answer

                conn.send(answer(linter, sources, chunk))
                continue
            answered: List[tuple] = []
            for item in chunk:
                if type(item) is int:
                    i, source = item, sources[item]
                else:
                    i, source = item[0], source_from(item)
                try:
                    facts, data, _ = look(linter, source, None)
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
        import os

        os._exit(70)  # quietly (see pool._serve)


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
        self.workers: List[Worker] = []
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
        global _linter
        _linter = self.linter
        try:
            for _ in range(n):
                self.workers.append(Worker(n, _serve))
        except Exception:  # the pool could not start: what it does not do is done here
            for w in self.workers:
                w.stop(kill=True)
            self.workers = []

    def _pump(self, timeout: float) -> bool:
        """One exchange with the workers; False when none is busy and nothing is left to give."""
        from claude_lint.extract import prefilter
        from claude_lint.pool_fork import wait

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
        ready = wait([w.conn for w in busy], timeout)
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
            elif self.stuck_after is None or time.monotonic() - w.since < self.stuck_after:
                continue
            # Died on this file (killed, out of memory) or stuck in it: the file is
            # reported, never run again; the worker is gone.
            stuck = w.conn not in ready
            self.results[index] = lost(self.jobs[index][0], stuck, GRACE_SECONDS)
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
