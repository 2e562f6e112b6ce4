"""What the second phase (`gather.wrapper_callers`) asks each file, put so that equal
questions are seen to be equal: the cache key of a set of names, and the wrapper method
names a file spells."""
from __future__ import annotations

import os
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from claude_lint.patterns import lazy

__all__ = ["Reach", "names_key", "spelled_in"]

_IDENTIFIER = lazy(rb"[A-Za-z_][A-Za-z0-9_]*")


def spelled_in(methods: frozenset, data: bytes, kind: str) -> frozenset:
    """The wrapper method names a Python file can call: those spelled in it (and
    `__call__`, which a call of an instance reaches unspelled). The phase-2 finder tests
    the method names only against names in the code, so the rest change nothing, and
    each round's new methods of other files mostly do not concern a given file: without
    them its question is often the last round's. Only for ASCII source, where a name in
    the tree is spelled as written (Python normalises non-ASCII names)."""
    if kind != "python" or not methods or type(methods) is not frozenset or not data.isascii():  # (not EVERYTHING)
        return methods
    words = set(_IDENTIFIER.findall(data))
    return frozenset(m for m in methods if m == "__call__" or m.encode("ascii", "replace") in words)


def names_key(names) -> str:
    from claude_lint.extract import wrappers

    if isinstance(names, type(wrappers.EVERYTHING)):
        return "*"
    from claude_lint.cache_seal import blake2b  # hashlib's BLAKE2 without hashlib, which loads OpenSSL

    return blake2b("\0".join(sorted(names)).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class Reach:
    """Which of a round's wrappers a file can reach, as link resolves a module
    (`Project.module_path`: from the importing file's folders up to the root, the root and
    its `src/`). A wrapper in root/a/b/llm.py is reached from a file under root/a/ by a
    name of its own folders, and from anywhere else only by a dotted name that starts at
    the root: `a.b.llm` (or `b.llm` when a is `src`), which spells `a` (`b`). So a file
    elsewhere that spells neither is not asked about its names, nor about the wrapper
    methods of root/a/'s classes (an instance of one is handed to it by code that imports
    it, which the file would name). When many projects are linted as one (a folder of
    checkouts), a file importing its own `utils` is no longer asked about the `utils`
    wrappers of every other checkout, nor about each one's methods round after round:
    phase 2 grew with the square of the projects. Names not reached through an import (a
    class defined, a Protocol) are kept for every file; so are the wrappers of files in
    the root itself."""

    def __init__(self, root: str):
        self.root = root.rstrip(os.sep) + os.sep
        # A dotted name from a source root above the root (link's last bases) starts with
        # the root's own folder (`pkg.llm` when src/pkg is linted).
        self.above = tuple(part for part in root.rstrip(os.sep).split(os.sep)[-1:] if part)
        self.tops: Dict[str, Set[Optional[str]]] = {}  # name -> the top folders defining it
        self.words: Dict[str, Set[str]] = {}  # name -> the first words of dotted names from the root
        self.vocabulary: Dict[str, int] = {}  # every word tested, in the order first tested
        self.vocabulary_bytes: Dict[bytes, str] = {}
        self.spelled: Dict[str, Tuple[int, frozenset]] = {}  # file -> (words tested, those it spells)
        self.by_top: Dict[Optional[str], Tuple[Tuple[str, ...], frozenset]] = {}
        self.by_word: Dict[str, List[Optional[str]]] = {}

    def top(self, abspath: str) -> Tuple[Optional[str], Tuple[str, ...]]:
        """The folder under the root holding a file (None for a file in the root itself),
        and the first words of a dotted name from the root to it."""
        if not abspath.startswith(self.root):
            return None, ()
        parts = abspath[len(self.root):].split(os.sep)
        parts[-1] = os.path.splitext(parts[-1])[0]
        words = (parts[0], parts[1]) if parts[0] == "src" and len(parts) > 1 else (parts[0],)
        return (parts[0] if len(parts) > 1 else None), words

    def define(self, name: str, abspath: str) -> None:
        top, words = self.top(abspath)
        self.tops.setdefault(name, set()).add(top)
        self.words.setdefault(name, set()).update(words)

    def imported_as(self, name: str, words: Iterable[str]) -> None:
        """A name a caller also imports from another module of the project (the base class a
        subclass's wrapper methods are reached through, `from contracts.base import Responder`):
        spelling that module's first word reaches it too."""
        self.words.setdefault(name, set()).update(words)

    def reached(self, abspath: str, names: Iterable[str], data: Callable[[], Optional[bytes]]) -> Set[str]:
        """The names of `names` the file at abspath can import (data: its bytes, read on demand)."""
        top, _ = self.top(abspath)
        out: Set[str] = set()
        for name in names:
            tops = self.tops.get(name)
            if tops is None or None in tops or (top is not None and top in tops):
                out.add(name)  # not imported (a class or Protocol asked for), in the root, or from its own folder
            elif self._spells(abspath, (*self.words[name], *self.above), data):
                out.add(name)
        return out

    def methods_by_top(self, by_top: Dict[Optional[str], Tuple[Tuple[str, ...], frozenset]]) -> None:
        """A round's wrapper methods: the top folder of their classes' files -> (its first
        words, their names)."""
        self.by_top = by_top
        self.by_word = {}
        for top, (words, _) in by_top.items():
            for word in (*words, *self.above):
                self.by_word.setdefault(word, []).append(top)
                self._learn(word)

    def methods(self, abspath: str, data: Callable[[], Optional[bytes]]) -> frozenset:
        """The round's wrapper methods the file at abspath can reach."""
        top, _ = self.top(abspath)
        tested, found = self.spelled.get(abspath, (0, frozenset()))
        if tested < len(self.vocabulary):
            found = self._read(abspath, data)
        tops = {None, top}.union(*(self.by_word.get(word, ()) for word in found))
        out: Set[str] = set()
        for other in tops:
            if other in self.by_top:
                out.update(self.by_top[other][1])
        return frozenset(out)

    def _spells(self, abspath: str, words: Tuple[str, ...], data: Callable[[], Optional[bytes]]) -> bool:
        """Does the file spell one of these words (as a name, anywhere)? Each file's bytes are
        read once for all the words known by then, and again only for words new since; kept:
        how many words were tested, and those spelled (a few), not the file's words."""
        for word in words:
            self._learn(word)
        tested, found = self.spelled.get(abspath, (0, frozenset()))
        if any(word in found for word in words):
            return True
        if all(self.vocabulary[word] < tested for word in words):
            return False
        return any(word in self._read(abspath, data) for word in words)

    def _learn(self, word: str) -> None:
        if word not in self.vocabulary:
            self.vocabulary[word] = len(self.vocabulary)
            self.vocabulary_bytes[word.encode("utf-8", "surrogatepass")] = word

    def _read(self, abspath: str, data: Callable[[], Optional[bytes]]) -> frozenset:
        text = data()
        if text is None:
            found = frozenset(self.vocabulary)  # unread: it may spell any
        else:
            found = frozenset(self.vocabulary_bytes[word] for word in self.vocabulary_bytes.keys() & set(_IDENTIFIER.findall(text)))
        self.spelled[abspath] = (len(self.vocabulary), found)
        return found
