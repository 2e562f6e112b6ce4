"""The pool's worker processes: `os.fork` and two pipes each, with pickled messages.

multiprocessing did this before, and its import (tempfile, shutil, socket, subprocess,
random, bz2, lzma, selectors: 40 modules) came to about 10 ms of every pooled run's
serial start, more than its forks. What the pool needs of it is small: a forked child
that runs one function and leaves with `os._exit` (never the parent's exit handlers, nor
a flush of the parent's buffered output), a connection that sends and receives whole
objects, a wait on several connections with a timeout, and a kill. A worker's death is
seen as the end of its answer pipe: only the worker holds its write end (each child
closes the parent's ends of the workers forked before it, so that none keeps another
alive, or its job pipe open, when the parent is gone).
"""
from __future__ import annotations

import os
import time
from _pickle import dumps, loads
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Iterable, List, Optional, Set

_HEADER = 4  # bytes of a message's length, big-endian
_MAX_READ = 1 << 20

# This process's ends of the pipes of its live workers: a child forked later closes them.
_parent_fds: Set[int] = set()
# Workers stopped but maybe not yet gone: reaped without waiting at the next start and at exit.
_unreaped: List[int] = []


class Conn:
    """One end of a worker's two pipes: `send` on one, `recv` on the other (as a
    multiprocessing Connection: EOFError when the other side is gone, OSError on send).
    After `queued()`, a send never blocks: what the pipe cannot take now waits in
    `pending` for `flush` (a worker busy sending a large answer reads no job meanwhile:
    a parent blocked on sending it one would wait for good)."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.pending: Optional[bytes] = None  # None: sends block

    def queued(self) -> None:
        os.set_blocking(self.write_fd, False)
        self.pending = b""

    def flush(self) -> bool:
        """What is pending written as far as the pipe takes it now; True when all is."""
        while self.pending:
            try:
                written = os.write(self.write_fd, self.pending)
            except BlockingIOError:
                return False
            self.pending = self.pending[written:]
        return True

    def fileno(self) -> int:
        return self.read_fd

    def send(self, obj: object) -> None:
        data = dumps(obj, 5)
        if self.pending is not None:
            self.pending += len(data).to_bytes(_HEADER, "big") + data
            self.flush()
            return
        view = memoryview(len(data).to_bytes(_HEADER, "big") + data)
        while view:
            view = view[os.write(self.write_fd, view):]

    def recv(self) -> object:
        size = int.from_bytes(self._read(_HEADER), "big")
        return loads(self._read(size))

    def _read(self, size: int) -> bytes:
        chunks = []
        while size:
            chunk = os.read(self.read_fd, min(size, _MAX_READ))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            if fd >= 0:
                _parent_fds.discard(fd)
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.read_fd = self.write_fd = -1


class Process:
    """A forked child running `serve(conn, *args)`, then gone by `os._exit`; `conn` here
    is this process's end of its pipes."""

    def __init__(self, serve: Callable, *args: object):
        reap()
        if not _at_exit:
            import atexit

            atexit.register(_reap_all)  # their CPU time is then counted as this process's children's
            _at_exit.append(True)
        jobs_in, jobs_out = os.pipe()
        try:
            answers_in, answers_out = os.pipe()
        except OSError:
            os.close(jobs_in)
            os.close(jobs_out)
            raise
        try:
            pid = os.fork()
        except OSError:  # no process left to make: the pool does with fewer, or none
            for fd in (jobs_in, jobs_out, answers_in, answers_out):
                os.close(fd)
            raise
        if pid == 0:  # the child
            code = 70
            try:
                for fd in (*_parent_fds, jobs_out, answers_in):
                    os.close(fd)
                _parent_fds.clear()
                serve(Conn(jobs_in, answers_out), *args)
                code = 0
            finally:
                os._exit(code)  # quietly, whatever happened: the parent reports the file it was on
        os.close(jobs_in)
        os.close(answers_out)
        self.pid = pid
        self.exit_code = None
        self.conn = Conn(answers_in, jobs_out)
        _parent_fds.update((answers_in, jobs_out))

    def stop(self, kill: bool = False) -> None:
        """Gone, or going: an idle worker leaves when its job pipe ends; `kill` for one
        that may be busy or stuck. Not waited for: reaped later."""
        try:
            if kill:
                os.kill(self.pid, 9)
            elif self.conn.write_fd >= 0:
                self.conn.send(None)
        except OSError:
            pass
        self.conn.close()
        if self.exit_code is None and not self._reaped():
            _unreaped.append(self.pid)

    def _reaped(self) -> bool:
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return True
        if pid == 0:
            return False
        self.exit_code = status
        return True


class Worker:
    """A forked worker (`pool_fork.Process`) and the job it is on."""

    def __init__(self, workers: int, serve):
        self.process = Process(serve, workers)
        self.conn = self.process.conn
        self.index: Optional[int] = None  # the job it is on
        self.since = 0.0
        self.inherited = 0  # the sources it was forked with (pool._Share)

    def give(self, index: int, job: tuple) -> None:
        self.conn.send(job)  # OSError when it is gone: the job was not given
        self.index, self.since = index, time.monotonic()

    def stop(self, kill: bool = False) -> None:
        self.process.stop(kill)


def wait(conns: Iterable[Conn], timeout: float) -> List[Conn]:
    """The connections with something to read (an answer, or the end of a dead worker's
    pipe) within `timeout` seconds."""
    import select

    by_fd = {c.read_fd: c for c in conns if c.read_fd >= 0}
    if not by_fd:
        return []
    poller = select.poll()
    for fd in by_fd:
        poller.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _ in poller.poll(max(0, int(timeout * 1000)))]


def reap() -> None:
    """The stopped workers that are gone now, waited for (no zombies left)."""
    for pid in list(_unreaped):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if done:
            _unreaped.remove(pid)


def running() -> Optional[int]:
    """The threads running or ready to run on the machine now (this one among them), or None."""
    try:
        with open("/proc/loadavg", "rb") as fh:
            return int(fh.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


def free_cores(cores: int, readings: Optional[List[int]] = None) -> int:
    """The cores other processes leave idle now: workers beyond them only time-share a
    core with each other and with the rest of the machine, and then the pool's forks and
    the facts sent back make it slower than one process. Linux counts the threads
    running or ready to run in /proc/loadavg (this process among them): the smallest of
    a few readings, so that a passing task does not turn the pool off. (The load average
    lags by a minute: a run just after another would see that one's load as its own.)
    readings: taken already (a walk takes them as it goes, instead of these sleeps)."""
    if not readings:
        readings = []
        for attempt in range(3):
            readings.append(running())  # type: ignore[arg-type]
            if attempt < 2:
                time.sleep(0.002)
    if None in readings:
        return cores
    return max(1, min(cores, cores - (min(readings) - 1)))


_at_exit: List[bool] = []


def _reap_all() -> None:
    """At exit: the stopped workers waited for (they leave as soon as they read their
    job pipe's end; one still there after a second is killed)."""
    if live(1.0):
        for pid in _unreaped:
            try:
                os.kill(pid, 9)
            except OSError:
                pass
        live(1.0)


def live(within: float = 2.0) -> List[int]:
    """The stopped workers still running after `within` seconds (for the tests: none
    outlives the lint that started it)."""
    deadline = time.monotonic() + within
    reap()
    while _unreaped and time.monotonic() < deadline:
        time.sleep(0.01)
        reap()
    return list(_unreaped)


def lost(source, stuck: bool, grace: float):
    """The facts of a file whose worker died on it, or was stuck in it and killed: a CL904."""
    from claude_lint.facts import FILE_TIMEOUT, FileError, FileFacts, Loc

    why = (f"analysis was still running {grace:g} s past twice the time limit (in code the limit cannot interrupt) and was stopped"
           if stuck else "the process analysing it died (out of memory, or killed)")
    error = FileError(FILE_TIMEOUT, f"{why}; file not linted", Loc(source.path, 1, 1, 1, 1))
    return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))


def fields(index: int, source) -> tuple:
    """A source found after a worker was forked, as `source_from` rebuilds it there (a
    pickled dataclass costs several times its strings)."""
    return (index, source.path, source.abspath, source.kind, source.explicit, source.real)


def source_from(item: tuple):
    from claude_lint.discover import SourceFile

    source = object.__new__(SourceFile)
    source.__dict__.update(path=item[1], abspath=item[2], kind=item[3], explicit=item[4], real=item[5])
    return source


def largest_first(sources, given: int) -> List[int]:
    """The sources' indices: those given already (`given`, in order), then the large files
    left (`LARGE` bytes or more: a few), largest first, then the rest in the walk's order.
    The walk hands files out as it finds them; a large file found last would leave its
    worker alone at the end (on the heavy bench corpus, the costliest file to read and parse
    was among the last ten found). The small ones, last, let the workers finish together."""
    order = []
    for i in range(given, len(sources)):
        try:
            size = os.stat(sources[i].abspath).st_size
        except (OSError, ValueError):
            size = 0
        order.append((-size if size >= LARGE else 0, i))
    order.sort()
    return list(range(given)) + [i for _, i in order]


LARGE = 128_000
