"""The second phase's questions to one file (`gather.wrapper_callers`), asked by `Linter`:
its bytes, read again each round; which of the round's wrappers it may call (the byte
test); and its calls of them, parsed, or the answer of an earlier round whose question
was the same or differed only by names the file does not use (`kept_trees.alike`)."""
from __future__ import annotations

import os
import stat
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import AbstractSet, Dict, Optional, Tuple

    from claude_lint.cache import FactsCache
    from claude_lint.discover import SourceFile
    from claude_lint.facts import FileFacts

from claude_lint import safeio
from claude_lint.bounds import MAX_FILE_BYTES
from claude_lint.caller_questions import names_key, spelled_in
from claude_lint.extract import module_name
from claude_lint.memory import NoCollection
from claude_lint.source_read import read_source
from claude_lint.timeout import FileTimeout, time_limit


class SecondPhase:
    """`Linter`'s second phase, on its `helpers`, `stats`, `root`, `seconds`, `internal_errors`
    and the memos of its rounds (`_spelled`, `_imported_words`, `_absent`, `_parsed`,
    `_last_asked`)."""

    def _bytes(self, source: SourceFile, given: Optional[Dict[str, bytes]], stamp: bool = True) -> Tuple[Optional[os.stat_result], Optional[bytes]]:
        if given is not None and source.abspath in given:
            return None, given[source.abspath]
        try:
            if not stamp:  # no stat kept: read_regular refuses what the test below refuses
                return None, safeio.read_regular(source.abspath, MAX_FILE_BYTES)
            st = os.stat(source.abspath)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                return None, None
            # Not `open().read(MAX_FILE_BYTES + 1)`: a 5 MB buffer per file read, in every round.
            return st, safeio.read_regular(source.abspath, MAX_FILE_BYTES)
        except OSError:  # gone, swapped for a pipe, or grown past the cap since the stat
            return None, None

    def names_present(self, source: SourceFile, wanted: Dict[str, frozenset], key: str, cache: Optional[FactsCache], given: Optional[Dict[str, bytes]] = None, here: bool = False) -> AbstractSet[str]:
        """Which of the project's wrappers (name -> their modules) the file may call from another module (a byte test, cached
        by stat; `key` names `wanted`); asked of the pool's workers when they are kept for it (`helpers`), unless `here`."""
        found = self.helpers.names(wanted, key).get(source.abspath) if self.helpers is not None and cache is None and given is None and not here else None
        if found is not None:
            return found
        if cache is not None and (given is None or source.abspath not in given):
            st = self.stats.get(source.abspath)
            try:
                st = st or os.stat(source.abspath)
            except OSError:
                return set()
            found = cache.presence(source.abspath, st, key)
            if found is not None:
                return found  # a warm run's answer for nearly every file: asked once per file and round
        if cache is None and given is None:
            return self._names_anew(source, wanted, key)
        return self._names_asked(source, wanted, key, cache, given)

    def _names_anew(self, source: SourceFile, wanted: Dict[str, frozenset], key: str) -> AbstractSet[str]:
        """`_names_asked`, asking a file asked in the round before only about the names new
        since (or asked with other modules or methods): the answer for each name depends on
        the file and that name's question alone, and a round mostly asks the names of the
        one before. A round asked hundreds of names of every file of a folder of checkouts:
        each search grew with the names, and the names with the checkouts."""
        rounds = self.__dict__.get("_name_rounds")
        if rounds is None:
            rounds = self._name_rounds = _Rounds()
        new = rounds.new(wanted)
        asked_before = self.__dict__.setdefault("_names_found", {})
        last = asked_before.get(source.abspath)  # (the round it was last asked in, name -> question of the names found)
        if last is None or last[0] != rounds.count - 1:
            found = self._names_asked(source, wanted, key, None, None)  # its first round (or one missed): asked whole
            kept: Dict[str, tuple] = {}
        else:
            kept = last[1]
            found = {name for name, question in kept.items() if wanted.get(name) == question}
            if new:
                found |= self._names_asked(source, new, f"\0new {rounds.count}", None, None)
        kept.update((name, wanted[name]) for name in found)
        asked_before[source.abspath] = (rounds.count, kept)
        return found

    def _names_asked(self, source: SourceFile, wanted: Dict[str, frozenset], key: str, cache: Optional[FactsCache], given: Optional[Dict[str, bytes]]) -> AbstractSet[str]:
        from claude_lint.extract.prefilter import import_index, names_imported
        from claude_lint.extract.prefilter_names import HANDED, HOLDER
        index = self._spelled.get(key)
        if index is None:
            index = self._spelled[key] = import_index(wanted)
        words = self._imported_words.get(source.abspath)
        if words is not None and cache is None and HANDED not in index[1] and HOLDER not in index[1] and not any(word in index[1] for word in (*words[0], *words[1])):
            return set()  # a later round: the imports an earlier one read bring none of these names, nothing to store
        st2, data = self._bytes(source, given, stamp=cache is not None)  # (a cold run keeps no stamp: a stat less per file and round)
        if data is None:
            return set()
        words, result = names_imported(data, wanted, index, words, self._absent.setdefault(source.abspath, set()) if given is None else None)
        if words is not None:
            self._imported_words[source.abspath] = words
        if cache is not None and st2 is not None:
            cache.store_presence(source.abspath, st2, key, result)
        return result

    def callers_for(self, source: SourceFile, names: frozenset, local: frozenset, methods: frozenset, cache: Optional[FactsCache], given: Optional[Dict[str, bytes]] = None) -> Optional[FileFacts]:
        """The file's calls of other files' wrappers it names (parsed; cached by content and names)."""
        from claude_lint.extract import callers, kept_trees

        parsed = self._parsed.pop(source.abspath, None)
        st, data = self._bytes(source, given)
        if data is None:
            return None
        methods = spelled_in(methods, data, source.kind)
        asked = (data if st is None else (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns), names, local, methods)
        last = self._last_asked.get(source.abspath)
        if last is not None and last[0] == asked:
            return last[1]  # an earlier round asked the same: the same answer
        alike = kept_trees.alike(last, asked)  # asked anew only about names the file does not use
        key = ""
        hashed = b""
        if cache is not None and st is not None:
            from claude_lint.cache import digest

            key = names_key(names) + names_key(local) + names_key(methods)
            hashed = digest(data)
            hit, found = (True, last[1]) if alike else cache.callers(source.abspath, st, hashed, key)  # type: ignore[index]
            if alike or hit:
                if alike:
                    cache.store_callers(source.abspath, st, hashed, key, found)
                self._last_asked[source.abspath] = (asked, found, last[2] if alike else None)  # type: ignore[index]
                return found
        if alike:
            self._last_asked[source.abspath] = (asked, last[1], last[2])  # type: ignore[index]
            return last[1]  # type: ignore[index]
        kept_trees.used(source.abspath)  # (none but this call's parse may answer for this text)
        try:
            with NoCollection(), time_limit(self.seconds):
                text, error, _ = read_source(source.abspath, source.path, data)
                found = None
                if text is not None:
                    found = callers.callers(text, source.path, source.abspath, module_name(source.abspath, self.root), source.kind, names, local, methods, parsed)
        except FileTimeout:
            return None
        except Exception as exc:  # a bug of ours: report it, lint the other files
            self.internal_errors.append(f"{source.path}: {type(exc).__name__}: {exc}")
            return None
        if cache is not None and st is not None:
            cache.store_callers(source.abspath, st, hashed, key, found)
        self._last_asked[source.abspath] = (asked, found, kept_trees.used(source.abspath))
        return found

    def forget_reads(self) -> None:
        """The second phase is over: its questions are not asked again."""
        self._last_asked.clear()


class _Rounds:
    """The rounds a process has been asked, in order: the last one's question and the names
    each new round asks anew (absent from the round before, or asked about other modules or
    methods)."""

    def __init__(self):
        self.count = 0
        self.last: Optional[dict] = None
        self.anew: dict = {}

    def new(self, wanted: dict) -> dict:
        if wanted is not self.last:  # a round asks every file with one dict
            last = self.last or {}
            self.anew = {name: question for name, question in wanted.items() if last.get(name) != question}
            self.last = wanted
            self.count += 1
        return self.anew
