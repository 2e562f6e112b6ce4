"""A per-file time limit that works in any thread and in any worker process.

`signal.alarm` only works in the main thread, and a linter runs in worker processes
(the pool), in editor server threads and in the main thread alike. Instead, one daemon
watchdog thread per process keeps the deadlines of the threads currently inside a
`time_limit` block and, when one passes, raises `FileTimeout` in that thread with
`PyThreadState_SetAsyncExc` (delivered at the next bytecode boundary: a long native
call finishes first). A block that overran its deadline also raises on exit even if the
watchdog did not get to run, so the outcome does not depend on thread scheduling.

An asynchronous exception can land between any two bytecodes of the timed thread,
including the ones inside a Python-level `__enter__` that has just taken a lock (such as
`threading.Condition.__enter__`): the lock is then never released and the next block
deadlocks. So a timed thread never takes a lock here. It registers and leaves with
single dict operations, which the GIL makes atomic, and wakes the watchdog through a
C-level queue when its deadline comes before the one the watchdog waits for. Whether a
deadline fires or the block leaves first is decided by one `dict.setdefault` that both
sides call: whoever sets the key first wins.

`FileTimeout` derives from BaseException so that a broad `except Exception` in the
code being timed cannot swallow it.
"""
from __future__ import annotations

import os
import sys
import threading
import time
try:  # the C queue itself: `queue` adds the Python-level queues (and heapq) a run never uses
    from _queue import Empty, SimpleQueue
except ImportError:  # a Python without it
    from queue import Empty, SimpleQueue  # type: ignore[assignment]
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional

DEFAULT_SECONDS = 10.0

# The watchdog holds a deadline back while the thread's innermost frame is in code where
# an exception between two bytecodes can leave a lock taken: the import system (its
# module locks), threading (Condition, Event, Semaphore) and this module. It looks again
# this much later; a thread blocked in one of threading's waits gets its FileTimeout
# once the wait returns to its own code.
_UNSAFE_FILES = ("<frozen importlib._bootstrap>", "<frozen importlib._bootstrap_external>", threading.__file__, __file__)
_RETRY_SECONDS = 0.001

_FIRED = "fired"
_LEFT = "left"


class FileTimeout(BaseException):
    """Raised in the thread whose `time_limit` block ran past its deadline."""

    def __init__(self, seconds: Optional[float] = None):
        super().__init__(f"took longer than {seconds:g} s" if seconds else "took too long")
        self.seconds = seconds


class _WatchdogTimeout(FileTimeout):
    """The FileTimeout the watchdog queues: `__exit__` tells by its type that it landed."""


class _Entry:
    __slots__ = ("deadline", "seconds", "outcome", "sent")

    def __init__(self, deadline: float, seconds: float):
        self.deadline = deadline
        self.seconds = seconds
        self.outcome: Dict[str, str] = {}  # "by": _FIRED or _LEFT, set once by setdefault
        self.sent = False  # the watchdog has queued the exception


def _set_async_exc(thread_id: int, exc: Optional[type]) -> None:
    import ctypes  # here: only a file that runs out of time needs it

    pythonapi = getattr(ctypes, "pythonapi", None)
    if pythonapi is not None:
        pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


def _in_unsafe_code(thread_id: int) -> bool:
    frame = sys._current_frames().get(thread_id)
    return frame is not None and frame.f_code.co_filename in _UNSAFE_FILES


class _Watchdog:
    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        # Only the thread that starts the watchdog takes this lock, never while timed.
        self.start_lock = threading.Lock()
        self.entries: Dict[int, _Entry] = {}
        self.wakeups: SimpleQueue = SimpleQueue()
        self.thread: Optional[threading.Thread] = None
        # When the watchdog looks at the deadlines next of its own accord (0.0 while it is
        # looking at them, inf when it waits for a wakeup): a deadline at or after it needs
        # no wakeup. Waking it for each file made it take the GIL from the timed thread
        # every time (about ten futex calls and two context switches a file).
        self.wake_at = 0.0

    def wake_for(self, deadline: float) -> None:
        """The watchdog woken if it would look at the deadlines only after this one."""
        if deadline < self.wake_at:
            self.wakeups.put(None)

    def _ensure_running(self) -> None:
        if self.thread is not None:
            return
        with self.start_lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="claude-lint-watchdog", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            # Looking (a deadline set from now on wakes it) before reading the entries: an
            # entry it does not see below either woke it or falls at or after `wake_at`.
            self.wake_at = 0.0
            now = time.monotonic()
            waits: List[float] = []
            for ident, entry in list(self.entries.items()):
                if entry.outcome:
                    continue
                if entry.deadline > now:
                    waits.append(entry.deadline - now)
                elif _in_unsafe_code(ident):
                    waits.append(_RETRY_SECONDS)
                elif entry.outcome.setdefault("by", _FIRED) == _FIRED:
                    _set_async_exc(ident, _WatchdogTimeout)
                    entry.sent = True
            timeout = min(waits) if waits else None
            self.wake_at = now + timeout if timeout is not None else float("inf")
            try:
                self.wakeups.get(timeout=timeout)
            except Empty:
                pass


_WATCHDOG = _Watchdog()
if hasattr(os, "register_at_fork"):
    # A forked pool worker has no watchdog thread and maybe a lock held by a dead thread.
    os.register_at_fork(after_in_child=_WATCHDOG._reset)


class time_limit:
    """`with time_limit(seconds):` raises FileTimeout if the block runs longer than
    `seconds` (None or <= 0: no limit). Callers catch FileTimeout around the `with`."""

    def __init__(self, seconds: Optional[float]):
        self.seconds = seconds if seconds and seconds > 0 else None
        self.entry: Optional[_Entry] = None
        self.outer: Optional[_Entry] = None

    def __enter__(self) -> "time_limit":
        if self.seconds is not None:
            _WATCHDOG._ensure_running()
            entry = _Entry(time.monotonic() + self.seconds, self.seconds)
            ident = threading.get_ident()
            outer = _WATCHDOG.entries.get(ident)
            self.outer = outer if outer is not None and not outer.outcome else None
            _WATCHDOG.entries[ident] = entry
            self.entry = entry
            _WATCHDOG.wake_for(entry.deadline)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        entry = self.entry
        if entry is None:
            return False
        ident = threading.get_ident()
        if self.outer is None:
            _WATCHDOG.entries.pop(ident, None)
        else:
            _WATCHDOG.entries[ident] = self.outer
            _WATCHDOG.wake_for(self.outer.deadline)  # (it may have looked while only this block's was there)
        if entry.outcome.setdefault("by", _LEFT) == _FIRED:
            if exc_type is not None and issubclass(exc_type, _WatchdogTimeout):
                return False  # it landed in the block
            # The watchdog decided first and its exception is queued now or in a moment.
            # Take it here, so that it cannot surface after the caller's `try`.
            try:
                while not entry.sent:
                    time.sleep(0.0001)
                for _ in range(100):
                    time.sleep(0)  # it lands at the check that follows a call
                # Not landed: CPython 3.11 has one "queued" flag for all threads, and
                # another thread taking its own exception at the same moment lowers it.
                # Clearing leaves the flag raised (a slower check at every call until the
                # next exception lands), so it is the last resort.
                _set_async_exc(ident, None)
            except _WatchdogTimeout:
                pass
            raise FileTimeout(self.seconds)
        if exc_type is None and time.monotonic() > entry.deadline:
            raise FileTimeout(self.seconds)
        return False


class paused:
    """`with paused():` suspends the calling thread's limit, if any, for one-time loads
    that serve the whole process (the tokenizer, the model catalogue): the file that
    happens to need them first should neither pay for them nor cut them short. The
    deadline moves on by the time spent inside."""

    def __enter__(self) -> "paused":
        ident = threading.get_ident()
        entry = _WATCHDOG.entries.get(ident)
        self.entry = entry if entry is not None and not entry.outcome else None
        if self.entry is not None:
            _WATCHDOG.entries.pop(ident, None)
            self.start = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        entry = self.entry
        if entry is not None:
            entry.deadline += time.monotonic() - self.start
            _WATCHDOG.entries[threading.get_ident()] = entry
            _WATCHDOG.wake_for(entry.deadline)
        return False
