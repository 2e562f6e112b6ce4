"""The words a Python file writes after a dot, for the byte pre-filter (prefilter.py): in a
method chain every word but the first follows a dot (`client.chat.completions.create`:
`chat`, `completions`, `create`), and a one-word chain is reached as an attribute or
imported by name. One regular-expression pass gives them all, so a chain some word of
which no dot precedes is dropped without a search: on the heavy bench corpus, most of
the byte test's searches were for words absent from the file (`generate_videos`,
`tool_runner`), each a scan of the whole file.

A dot and its word may be apart, as in a chain (`prefilter_table._GAP`): whitespace,
brackets, backslashes and comments. A comment is skipped only when it holds no dot of its
own, so that no dot is ever passed over unread; where one does, a second reading from that
dot, with every comment skipped whole, names the word that follows (see `after_dots`). The
words may come from comments and strings too: more words only let more chains through to
the searches that decide."""
from __future__ import annotations

import re
import sys

from claude_lint.patterns import lazy

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Set

# A dot, a gap whose comments hold no dot, then the word; or `#` where the gap meets a
# comment that does hold one. Matches never overlap a dot but
# their first: every dot of the file starts a match or is tried as one.
_GAP = rb"(?:[\s()\\]|#[^\r\n.]*(?![^\r\n]))*"
_DOTTED_COMMENT = rb"#(?=[^\r\n]*\.)"  # (not any `#`: backtracking to one the gap passed over finds nothing more)
if sys.version_info >= (3, 11):
    # The same gap, never given back (possessive: Python 3.11 on): what follows it is a word
    # or a `#` with a dot after it on its line, and a shorter gap ends before a space, a
    # bracket, a backslash or the `#` of a comment without a dot, where neither can be.
    # `re` then keeps no state to backtrack into at each dot: about a quarter of the
    # instructions of this reading, the most of the byte test's (Django: 290,000 dots).
    _GAP = rb"(?:[\s()\\]++|#[^\r\n.]*+(?![^\r\n]))*+"
_AFTER_DOT = re.compile(rb"\." + _GAP + rb"(\w+|" + _DOTTED_COMMENT + rb")")
# A dot, then the whole gap of a chain (every comment skipped to its line's end), then the
# word, if any: it always matches, so a reading never backtracks.
_PAST_COMMENTS = lazy(rb"\.(?:[\s()\\]|#[^\r\n]*(?![^\r\n]))*(\w*)")  # (compiled where first needed)


def after_dots(data: bytes, index: "Optional[_DotIndex]" = None) -> Set[bytes]:
    """Every word written after a dot and a gap (a superset: the dots of comments and
    strings count). Where the reading stopped at a comment holding a dot, a second one
    from the same dot reads on past it, unless an earlier second reading passed over this
    dot (then the word after the gap is the one it found): each byte is read twice at most.
    (Two readings of the whole file, the second where the first met such a comment, as
    every block of comment lines ending in full stops is, went back over a block's lines
    once for each of its dots: a block of 8,000 lines took 7 s.)
    index: the table's (see `dot_index`); once a run has read many files, only the words
    the byte test asks about (`_DotIndex.asked`) are collected by the first reading, by a
    pattern of those words alone: in litellm a tenth of the words after dots are, and
    building the set of all of them was a third of this reading."""
    words = set()
    passed = 0  # where the last second reading ended
    for m in (_AFTER_DOT if index is None else index.pattern()).finditer(data):
        word = m.group(1)
        if word != b"#":
            words.add(word)
        elif m.start() >= passed:
            past = _PAST_COMMENTS.match(data, m.start())
            words.add(past.group(1))  # type: ignore[union-attr]
            passed = past.end()  # type: ignore[union-attr]
    words.discard(b"")
    return words


# Files read with the plain pattern before the asked words' own is compiled: compiling
# it costs 3 ms, a tenth of a one-file run (an editor's on save), and saves 17 us a file.
PLAIN_FILES = 64


def _alternatives(words) -> bytes:
    """A pattern matching exactly `words` (bytes of \\w), as a trie: the regular
    expression engine tries alternatives one after another, so shared heads are tried once."""
    tree: dict = {}
    for word in words:
        node = tree
        for c in word:
            node = node.setdefault(c, {})
        node[None] = {}

    def branch(node: dict) -> bytes:
        alts = [re.escape(bytes((c,))) + branch(sub) for c, sub in sorted((c, sub) for c, sub in node.items() if c is not None)]
        if not alts:
            return b""
        body = alts[0] if len(alts) == 1 else b"(?:" + b"|".join(alts) + b")"
        return b"(?:" + body + b")?" if None in node else body

    return branch(tree)


def written_after_dots(last: dict, single: dict, dotted, has, keys=(b"",), undotted=None) -> Set[int]:
    """`prefilter._present` of the chains (indices) the file may write: a chain's words after its first
    follow dots, so only the chains whose last word is in `dotted` (`after_dots`) are
    looked at, and their other later words must be there too; a one-word chain (`single`)
    may also be written elsewhere, as `undotted` says (imported by name, handed to `asyncio.to_thread`).
    last, single: root module (b"" for any file) -> those chains (see dot_index)."""
    found = set()
    for key in keys:
        by_last = last.get(key)
        if by_last:
            for word in dotted.intersection(by_last):
                for i, rare, rest, later in by_last[word]:
                    if all(w in dotted for w in later) and has(rare) and all(has(w) for w in rest):
                        found.add(i)
        for i, word in single.get(key, ()):
            if word in dotted or undotted(word):
                found.add(i)
    return found


class _DotIndex:
    """The table's chains by the last word (see written_after_dots), built once per table;
    and the words the byte test asks `after_dots` about (`asked()`): every word of its chains,
    the last word of a function calling its first argument (`through`), and `extra`."""

    def __init__(self, t, extra=frozenset()):
        self.table = t
        self.extra = extra
        self.through = frozenset(w.encode() for w in t.through)  # (asyncio.to_thread's last word)
        self._read = 0
        self._pattern = None
        self.last: dict = {}
        self.single: dict = {}
        for key, groups in t.chain_groups.items():
            for rare, members in groups:
                for i, rest in members:
                    chain = t.chains[i]
                    if len(chain) == 1:
                        self.single.setdefault(key, []).append((i, chain[0]))
                    else:
                        self.last.setdefault(key, {}).setdefault(chain[-1], []).append((i, rare, rest, chain[1:-1]))
        # a distinctive chain is found by its regular expression alone: one word after a dot too
        self.distinct_last = {b"": {}}
        for rare, members in t.distinct_groups:
            for i, rest in members:
                chain = t.distinct_chains[i]
                self.distinct_last[b""].setdefault(chain[-1], []).append((i, rare, rest, chain[1:-1]))

    def asked(self) -> frozenset:
        t = self.table
        return frozenset(w for c in (*t.chains, *t.distinct_chains) for w in c) | self.extra | self.through

    def pattern(self):
        """after_dots' pattern for this file: the plain one for a run's first files."""
        if self._pattern is not None:
            return self._pattern
        self._read += 1
        if self._read <= PLAIN_FILES:
            return _AFTER_DOT
        asked = sorted(w for w in self.asked() if _WORD.fullmatch(w))
        # A dot is read on only when a gap, a `#` or the first letter of an asked word
        # follows it (most dots of a file are followed by another word): a third fewer instructions.
        starts = re.escape(bytes(sorted({w[0] for w in asked} | set(b"#()\\"))))
        self._pattern = re.compile(rb"\.(?=\s|[" + starts + rb"])" + _GAP + rb"(" + _alternatives(asked) + rb"(?!\w)|" + _DOTTED_COMMENT + rb")")
        return self._pattern


_WORD = lazy(rb"\w+")
_DOT_INDEX: List[_DotIndex] = []


def dot_index(t, extra=frozenset()) -> _DotIndex:
    """extra: words the byte test asks `after_dots` about besides its chains' (see _DotIndex)."""
    if not _DOT_INDEX or _DOT_INDEX[0].table is not t or _DOT_INDEX[0].extra != extra:
        _DOT_INDEX[:] = [_DotIndex(t, extra)]
    return _DOT_INDEX[0]
