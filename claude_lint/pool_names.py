"""The second phase's byte test (`Linter.names_present`: which of the project's wrappers a
file may call) run by the pool's workers that did the first phase of a cold run, kept for
it (`Helpers`), instead of by this process alone after them: with the parse in the pool,
reading every file again and searching it, round by round, was most of the serial work
left at the end of a heavy cold run (a quarter of its wall time, on one core while the
other idled).

Each file is asked in the same worker in every round (that worker keeps what the test
remembers of it between rounds, `Linter._imported_words`), so the answers are those of one
process. A worker that dies or is stuck hands its files to this process, which first asks
them the earlier rounds' questions again (their answers dropped) to remember what that
worker did; the parent never waits without a deadline."""
from __future__ import annotations

import time
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Set

from claude_lint.pool_fork import fields, source_from, wait

ASKED_KINDS = ("python", "notebook")  # the files the second phase asks (gather's `readable`)


class Helpers:
    """The workers of a `pool._Share` once its first phase is done, and the files each one
    answers for (spread over them in turn, by position)."""

    def __init__(self, share):
        self.linter = share.linter
        self.stuck_after: Optional[float] = share.stuck_after
        self.workers = list(share.workers)
        self.mine: Dict[object, List[int]] = {w: [] for w in self.workers}  # worker -> the source indices it answers for
        self.sources = share.sources
        asked = [i for i, s in enumerate(self.sources) if s.kind in ASKED_KINDS]
        for n, w in enumerate(self.workers):
            self.mine[w] = asked[n::len(self.workers)]
        self.rounds: list = []  # (wanted, key) of each round asked, in order
        self.answers: Dict[str, Set[str]] = {}  # this round's, by absolute path

    def names(self, wanted: dict, key: str) -> Dict[str, Set[str]]:
        """The answers of the files the workers hold, to this round's question (asked of
        them all at its first file: a round asks every file with one `wanted`)."""
        if self.rounds and self.rounds[-1][0] is wanted:
            return self.answers
        self.rounds.append((wanted, key))
        self.answers = {}
        if self.workers:
            self._ask(wanted, key)
        return self.answers

    def _ask(self, wanted: dict, key: str) -> None:
        waiting = []
        for w in self.workers:
            try:
                w.conn.send(("names", wanted, key, [i if i < w.inherited else fields(i, self.sources[i]) for i in self.mine[w]]))
                waiting.append(w)
            except Exception:  # gone
                self._lose(w)
        since = time.monotonic()
        while waiting:
            for w in waiting:
                try:
                    w.conn.flush()
                except OSError:
                    pass
            pending = any(w.conn.pending for w in waiting)
            ready = wait([w.conn for w in waiting], 0.002 if pending else 1.0)
            for w in list(waiting):
                if w.conn in ready:
                    waiting.remove(w)
                    try:
                        answered = w.conn.recv()
                    except Exception:  # died
                        self._lose(w)
                        continue
                    sources = self.sources
                    self.answers.update((sources[i].abspath, set()) for i in self.mine[w])
                    self.answers.update((sources[i].abspath, names) for i, names in answered)
                elif self.stuck_after is not None and time.monotonic() - since > self.stuck_after:
                    waiting.remove(w)
                    self._lose(w)

    def _lose(self, w) -> None:
        """A worker gone or stuck: its files are answered here from now on, after the
        earlier rounds are asked again here (what the test remembers of them)."""
        w.stop(kill=True)
        self.workers.remove(w)
        files = [self.sources[i] for i in self.mine.pop(w)]
        names_here = self.linter.names_present
        for wanted, key in self.rounds[:-1]:
            for source in files:
                names_here(source, wanted, key, None, None, here=True)

    def stop(self, kill: bool = False) -> None:
        for w in self.workers:
            w.stop(kill)
        self.workers = []


def answer(linter, sources: list, message: tuple) -> list:
    """In a worker: (index, names) of each file asked that may call one of the wrappers."""
    _, wanted, key, items = message
    out = []
    for item in items:
        if type(item) is int:
            i, source = item, sources[item]
        else:
            i, source = item[0], source_from(item)
        names = linter.names_present(source, wanted, key, None, None)
        if names:
            out.append((i, names))
    return out
