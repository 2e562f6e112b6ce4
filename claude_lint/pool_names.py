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
worker did; the parent never waits without a deadline.

Once the first round is answered (while this process parses its callers), they also read
the modules link will likely read whole for a value (`Linter._load_other`: a module a
request's value names, `Ref`, that the first phase did not parse whole), which link then
takes by the same path (`Linter.preloaded`): that read was most of link's own time. A
guess that link does not ask for costs only a worker's time; a module not read there (an
error, a time-out) is read by link as before."""
from __future__ import annotations

import os
import time
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Set

from claude_lint import sdk_copies
from claude_lint.pool_fork import fields, source_from, wait


class Helpers:
    """The workers of a `pool._Share` once its first phase is done, and the files each one
    answers for (spread over them in turn, by position)."""

    def __init__(self, share, loads: tuple = ((), frozenset())):
        self.linter = share.linter
        self.stuck_after: Optional[float] = share.stuck_after
        self.workers = list(share.workers)
        self.mine: Dict[object, List[int]] = {w: [] for w in self.workers}  # worker -> the source indices it answers for
        self.sources = share.sources
        at = {id(s): i for i, s in enumerate(self.sources)}
        asked = [at[id(s)] for s in sdk_copies.asked(self.linter, self.sources)]
        for n, w in enumerate(self.workers):
            self.mine[w] = asked[n::len(self.workers)]
        self.rounds: list = []  # (wanted, key) of each round asked, in order
        self.answers: Dict[str, Set[str]] = {}  # this round's, by absolute path
        self.loads, self.whole = loads  # asked of the workers at once
        self.told: Set[object] = set()  # the workers that hold their files' fields (sent once: 400 KB each on heavy)
        self.loading: Set[object] = set()  # the workers that have not yet sent what they read for link

    def names(self, wanted: dict, key: str) -> Dict[str, Set[str]]:
        """The answers of the files the workers hold, to this round's question (asked of
        them all at its first file: a round asks every file with one `wanted`)."""
        if self.rounds and self.rounds[-1][0] is wanted:
            return self.answers
        self.rounds.append((wanted, key))
        self.answers = {}
        if self.workers:
            self._ask(wanted, key)
        # Asked once the first round is answered, not before it: the workers read for link
        # while this process parses that round's callers, instead of the round waiting
        # behind the reads (which were most of the second phase's wall time on heavy).
        self._load()
        return self.answers

    def _ask(self, wanted: dict, key: str) -> None:
        waiting = []
        for w in list(self.workers):
            try:
                told = w in self.told
                w.conn.send(("names", wanted, key, [i if i < w.inherited or told else fields(i, self.sources[i]) for i in self.mine[w]]))
                self.told.add(w)
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
            ready = _ready(waiting, 1.0)
            for w in list(waiting):
                if w.conn in ready:
                    try:
                        answered = w.conn.recv()
                    except Exception:  # died
                        waiting.remove(w)
                        self._lose(w)
                        continue
                    if type(answered) is tuple:  # what it read for link (asked before this round)
                        self._loaded(w, answered[1])
                        continue
                    waiting.remove(w)
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
        self.loading.discard(w)
        files = [self.sources[i] for i in self.mine.pop(w)]
        names_here = self.linter.names_present
        for wanted, key in self.rounds[:-1]:
            for source in files:
                names_here(source, wanted, key, None, None, here=True)

    def _load(self) -> None:
        """The modules link will likely read, asked of the workers (once: a later call finds none left)."""
        loads, self.loads = list(self.loads), []
        if not loads or not self.workers:
            return
        # Largest first, each to the worker given the fewest bytes so far (a read costs about its size).
        share: Dict[object, list] = {w: [0, []] for w in self.workers}
        for size, load in sorted(((_size(path), (path, names)) for path, names in loads), reverse=True):
            least = min(share.values(), key=lambda given: given[0])
            least[0] += size
            least[1].append(load)
        for w in list(self.workers):
            mine = share[w][1]
            if mine:
                try:
                    w.conn.send(("load", mine, self.whole))
                    self.loading.add(w)
                except Exception:  # gone: link reads them itself
                    pass

    def _loaded(self, w, answered: list) -> None:
        self.loading.discard(w)
        self.linter.preloaded.update(answered)

    def stop(self, kill: bool = False) -> None:
        """The workers stopped; unless `kill`, once what they read for link is taken."""
        if not kill:
            self._load()  # (no round was asked: read now, by the workers together)
        since = time.monotonic()
        while self.loading and not kill:
            waiting = [w for w in self.workers if w in self.loading]
            ready = wait([w.conn for w in waiting], 1.0)
            for w in (w for w in waiting if w.conn in ready):
                try:
                    self._loaded(w, w.conn.recv()[1])
                except Exception:  # died: link reads its modules itself
                    self.loading.discard(w)
            for w in waiting:
                try:
                    w.conn.flush()
                except OSError:
                    pass
            if self.stuck_after is not None and time.monotonic() - since > self.stuck_after:
                break
        self.loading.clear()
        for w in self.workers:
            w.stop(kill)
        self.workers = []


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except (OSError, ValueError):
        return 0


def _ready(workers: list, timeout: float) -> list:
    """The connections of these workers with something to read within `timeout`; sooner
    when a pipe with a message still pending takes more (then flushed by the caller)."""
    import select

    poller = select.poll()
    for w in workers:
        if w.conn.read_fd >= 0:
            poller.register(w.conn.read_fd, select.POLLIN)
        if w.conn.pending and w.conn.write_fd >= 0:
            poller.register(w.conn.write_fd, select.POLLOUT)
    fds = {fd for fd, _ in poller.poll(max(0, int(timeout * 1000)))}
    return [w.conn for w in workers if w.conn.read_fd in fds]


_HELD: dict = {}  # in a worker: the sources it was sent the fields of, by index (later rounds send the index)


def answer(linter, sources: list, message: tuple) -> object:
    """In a worker: (index, names) of each file asked that may call one of the wrappers;
    or (path, facts) of each module read whole for link that was read without a fault."""
    if message[0] == "load":
        return _load_all(linter, message[1], message[2])
    _, wanted, key, items = message
    out = []
    for item in items:
        if type(item) is int:
            i, source = item, sources[item] if item < len(sources) else _HELD[item]
        else:
            i, source = item[0], source_from(item)
            _HELD[i] = source
        names = linter.names_present(source, wanted, key, None, None)
        if names:
            out.append((i, names))
    return out


MAX_VISITED = 200_000  # values looked at for the modules they name: bounded whatever the project
MAX_LOADS = 64  # modules read for link by one worker, at most
LOAD_DEPTH = 3  # a module named by a constant of a module read for link (link follows such chains)


def modules_to_load(linter, results: Sequence[object]) -> tuple:
    """(module, names it is asked for) for the modules (real paths, as link asks for them)
    that values of the first phase's requests name (`Ref`), and which it did not parse
    whole: link reads them whole (`Linter._load_other`) unless a value is resolved before
    it gets there; and the files it parsed whole (link reads none of them)."""
    whole = frozenset(f.abspath for f in results if f is not None and f.parsed and not f.errors)  # type: ignore[attr-defined]
    named = _named(linter, _refs([f.calls for f in results if f is not None and f.calls]), whole)  # type: ignore[attr-defined]
    return [(path, tuple(sorted(names))) for path, names in named.items()], whole


def _refs(values: list) -> set:
    """The (module, name, from_path) of every `Ref` inside the values (bounded)."""
    from claude_lint.facts import Loc, Ref

    leaves = (str, int, float, bool, type(None), bytes, Loc)  # no value inside
    stack = list(values)
    refs = set()
    budget = MAX_VISITED
    while stack and budget > 0:
        budget -= 1
        value = stack.pop()
        kind = type(value)
        if kind is Ref:
            refs.add((value.module, value.name, value.from_path))
        elif kind is tuple or kind is list:
            stack.extend(value)
        elif kind not in leaves:
            fields_of = getattr(kind, "__dataclass_fields__", None)
            if fields_of:
                stack.extend(getattr(value, n, None) for n in fields_of)
    return refs


def _named(linter, refs: set, whole: frozenset) -> dict:
    """real path -> the names asked of it, for the modules the refs name that are not parsed whole."""
    project = linter.project
    out: dict = {}
    for module, name, from_path in sorted(refs):
        path = project.module_path(module, from_path)
        if path is None and "." in module.strip("."):  # `Config.MODEL` of `from config import Config`, as link reads it
            module, _, name = module.rpartition(".")
            path = project.module_path(module, from_path)
        if path is not None and path not in whole and project.inside(path):
            out.setdefault(os.path.realpath(path), set()).add(name.split(".")[0])
    return out


def _load_all(linter, asked: list, whole: frozenset) -> tuple:
    """In a worker: ("load", [(path, facts)]) of the modules asked, read as link reads them,
    and of those their constants so named name in turn (up to LOAD_DEPTH); a module read
    with a fault (an error of ours, a time-out) is left to link."""
    read = []
    done = set()
    level = list(asked)
    for _ in range(LOAD_DEPTH):
        further: list = []
        for path, names in level:
            if path in done or len(done) >= MAX_LOADS:
                continue
            done.add(path)
            errors = len(linter.internal_errors)
            facts = linter._load_other(path)
            if facts is None or len(linter.internal_errors) != errors:
                continue
            read.append((path, facts))
            values = [v for n, v in facts.constants if n in names]
            if values:
                further += [(p, n) for p, n in _named(linter, _refs(values), whole).items() if p not in done]
        level = further
    return ("load", read)
