"""A cold run's files shared out as the walk finds them (`Stream`): the pool's workers
(`pool._Share`: they read, triage and if need be parse) start while the walk is still
going, and are handed files as they come, so that the walk and the triage overlap
instead of the workers waiting for the whole walk (a quarter of a cold run's serial work
on a project that calls no LLM). The facts come back in the order the files were found,
whichever worker finished first; a worker that dies or is stuck costs only the file it
was on (see `pool`)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, List, Optional, Sequence

from claude_lint import pool


class Stream:
    """The files of a walk shared out as it finds them (`add`): once there are
    `pool.SHARE_MIN_FILES` of them, and cores free (the load read as the walk goes, so that no
    sleep waits for it), the workers start with those and are handed the rest in chunks;
    `facts` waits for them. Without a pool, `facts` is None and `gather` does the work."""

    def __init__(self, linter, look: Callable):
        self.linter = linter
        self.look = look
        self.found: List[object] = []
        self.readings = [pool.running()]
        self.shared: Optional[pool._Share] = None
        self.helpers = None  # its workers once the first phase is done (pool_names.Helpers)
        self.decided = False
        self.pump_at = 0

    def add(self, source: object) -> None:
        found = self.found
        found.append(source)
        if self.shared is not None:
            if len(found) >= self.pump_at:  # once a chunk more was found: answers taken, workers topped up
                self.pump_at = len(found) + pool.SHARE_CHUNK
                self.shared.pump(0)
        elif not self.decided:
            if len(found) * 2 == pool.SHARE_MIN_FILES:
                self.readings.append(pool.running())
            elif len(found) >= pool.SHARE_MIN_FILES:
                self._start()

    def _start(self) -> None:
        self.decided = True
        self.readings.append(pool.running())
        n = pool._usable(len(self.found), self.readings)
        if n > 1:
            self.shared = pool._Share(self.linter, self.found, n, self.look, walking=True)
            if not self.shared.start():
                self.shared = None
        else:
            pool.declined = self.linter  # gather's share is not asked again (its parse pool still is)

    def facts(self, sources: Sequence[object]) -> Optional[List[object]]:
        """The facts of `sources` (files the walk found, in any order), or None when no
        pool was used."""
        shared = self.shared
        if shared is None:
            return None
        shared.keep = True  # for the second phase's byte test (pool_names), stopped by `abandon` at the latest
        results = shared.finish()
        self.shared = None
        if shared.workers and shared.parsing:  # (no file parsed: no wrapper to look for, no value to read for link)
            from claude_lint.pool_names import Helpers, modules_to_load

            self.linter.helpers = self.helpers = Helpers(shared, modules_to_load(self.linter, results))
        else:
            shared.stop()
        at = {id(s): i for i, s in enumerate(self.found)}
        out = []
        for source in sources:
            i = at.get(id(source))
            out.append(results[i] if i is not None else None)
        missing = [s for s, f in zip(sources, out) if f is None]
        if missing:  # not found by the walk (named on the command line): as gather does
            extra = iter(pool._look_here(self.linter, self.look, s) for s in missing)
            out = [f if f is not None else next(extra) for f in out]
        return out

    def abandon(self) -> None:
        """The lint failed: workers started for it do not outlive it."""
        if self.shared is not None:
            self.shared.stop(kill=True)
            self.shared = None
        if self.helpers is not None:
            self.helpers.stop(kill=True)
            self.helpers = self.linter.helpers = None
