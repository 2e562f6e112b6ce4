"""A per-file time limit that works in any thread and in any worker process.

`signal.alarm` only works in the main thread, and a linter runs in worker processes
(the pool), in editor server threads and in the main thread alike. Instead, one daemon
watchdog thread per process keeps the deadlines of the threads currently inside a
`time_limit` block and, when one passes, raises `FileTimeout` in that thread with
`PyThreadState_SetAsyncExc` (delivered at the next bytecode boundary: a long native
call finishes first). A block that overran its deadline also raises on exit even if the
watchdog did not get to run, so the outcome does not depend on thread scheduling.

`FileTimeout` derives from BaseException so that a broad `except Exception` in the
code being timed cannot swallow it.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Dict, Optional

DEFAULT_SECONDS = 10.0


class FileTimeout(BaseException):
    """Raised in the thread whose `time_limit` block ran past its deadline."""

    def __init__(self, seconds: Optional[float] = None):
        super().__init__(f"took longer than {seconds:g} s" if seconds else "took too long")
        self.seconds = seconds


class _Entry:
    __slots__ = ("deadline", "seconds", "fired")

    def __init__(self, deadline: float, seconds: float):
        self.deadline = deadline
        self.seconds = seconds
        self.fired = False


def _set_async_exc(thread_id: int, exc: Optional[type]) -> None:
    import ctypes  # here: only a file that runs out of time needs it

    pythonapi = getattr(ctypes, "pythonapi", None)
    if pythonapi is not None:
        pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class _Watchdog:
    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.cond = threading.Condition(threading.Lock())
        self.entries: Dict[int, _Entry] = {}
        self.thread: Optional[threading.Thread] = None
        self.pid = os.getpid()

    def enter(self, seconds: float) -> _Entry:
        entry = _Entry(time.monotonic() + seconds, seconds)
        with self.cond:
            if self.thread is None or self.pid != os.getpid():
                self.thread = threading.Thread(target=self._run, name="claude-lint-watchdog", daemon=True)
                self.thread.start()
            self.entries[threading.get_ident()] = entry
            self.cond.notify()
        return entry

    def leave(self) -> Optional[_Entry]:
        with self.cond:
            return self.entries.pop(threading.get_ident(), None)

    def _run(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                for ident, entry in self.entries.items():
                    if not entry.fired and entry.deadline <= now:
                        entry.fired = True
                        _set_async_exc(ident, FileTimeout)
                pending = [e.deadline for e in self.entries.values() if not e.fired]
                self.cond.wait(max(0.0, min(pending) - now) if pending else None)


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

    def __enter__(self) -> "time_limit":
        if self.seconds is not None:
            self.entry = _WATCHDOG.enter(self.seconds)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        entry = self.entry
        if entry is None:
            return False
        # Once left, the watchdog cannot fire for this block; clear what it may have
        # queued after the block's last bytecode so nothing escapes the caller's `try`.
        _WATCHDOG.leave()
        if entry.fired:
            _set_async_exc(threading.get_ident(), None)
        if exc_type is None and time.monotonic() > entry.deadline:
            raise FileTimeout(self.seconds)
        return False
