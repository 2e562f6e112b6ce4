"""An address-space cap for the processes claude-lint owns (the CLI, pool workers).

The size bounds (claude_lint/bounds.py) are the defence against a value that blows up;
this is the net under them: past the cap, an allocation raises MemoryError, which the
engine turns into a CL904 for the file at hand, instead of the process growing until the
kernel's out-of-memory killer stops it, or another process of the machine.
"""
from __future__ import annotations

import gc
import os
TYPE_CHECKING = False  # typing (a tenth of a replayed warm run, run_cache) is for the annotations alone
if TYPE_CHECKING:
    from typing import Callable


def limit_address_space(extra: int, share: int = 1) -> Callable[[], None]:
    """Cap this process's address space at its present size plus `extra` bytes, and at
    3/4 of the machine's memory divided by `share` (processes capped alike that run
    together); never above a limit already set. No-op where there is no such limit.
    Returns what puts the previous limit back."""
    try:
        import resource

        page = os.sysconf("SC_PAGE_SIZE")
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * page
        ram = page * os.sysconf("SC_PHYS_PAGES")
        cap = size + min(extra, ram * 3 // 4 // max(share, 1))
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        for present in (soft, hard):
            if present != resource.RLIM_INFINITY:
                cap = min(cap, present)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, ValueError):
        return lambda: None  # no /proc, no resource module (Windows): the size bounds are the defence

    def restore() -> None:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        except (OSError, ValueError):
            pass

    return restore


class NoCollection:
    """The cyclic garbage collector held off while one file is parsed and walked, then
    run over the young objects only. `compile` builds a tree of hundreds of thousands of
    nodes, all alive until the walk ends: with the collector on, each batch of them is
    traversed again and again and promoted into the old generation, which then triggers
    full collections (a third of the parse's time on the heavy corpus). A tree holds no
    reference cycles, so it is freed by reference counting when the file is done; the
    few cycles the walk makes are freed by the collection of the young generation after
    each file, which keeps memory bounded per file."""

    __slots__ = ("held",)

    def __enter__(self):
        self.held = gc.isenabled()
        if self.held:
            gc.disable()
        return self

    def __exit__(self, *exc):
        if self.held:
            gc.enable()
            gc.collect(0)
        return False
