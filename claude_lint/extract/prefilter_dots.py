"""The words a Python file writes after a dot, for the byte pre-filter (prefilter.py): in a
method chain every word but the first follows a dot (`client.chat.completions.create`:
`chat`, `completions`, `create`), and a one-word chain is reached as an attribute or
imported by name. One regular-expression pass gives them all, so a chain some word of
which no dot precedes is dropped without a search: on the heavy bench corpus, most of
the byte test's searches were for words absent from the file (`generate_videos`,
`tool_runner`), each a scan of the whole file.

A dot and its word may be apart, as in a chain (`prefilter_table._GAP`): whitespace,
brackets, backslashes and comments. A comment is skipped only when it holds no dot of its
own, so that no dot is ever passed over unread; where one does, a second reading, with
every comment skipped whole, names the word that follows (see `after_dots`). The words may
come from comments and strings too: more words only let more chains through to the
searches that decide."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Set

# A dot, a gap whose comments hold no dot, then the word; or `#` where the gap meets a
# comment that does hold one (or that ends the file). Matches never overlap a dot but
# their first: every dot of the file starts a match or is tried as one.
_AFTER_DOT = re.compile(rb"\.(?:[\s()\\]|#[^\r\n.]*(?![^\r\n]))*(\w+|#)")
# A dot, then the whole gap of a chain (every comment skipped to its line's end), then the word.
_AFTER_DOT_PAST_COMMENTS = re.compile(rb"\.(?:[\s()\\]|#[^\r\n]*(?![^\r\n]))*(\w+)")


def after_dots(data: bytes) -> Set[bytes]:
    """Every word written after a dot and a gap (a superset: the dots of comments and
    strings count). Where the first reading stopped at a comment holding a dot, the second
    reads on past it: a match of the second may run over a `#` inside a string to the line's
    end, but a dot it passes over is followed, after that same line end, by the same word."""
    words = set(_AFTER_DOT.findall(data))
    if b"#" in words:
        words.discard(b"#")
        words.update(_AFTER_DOT_PAST_COMMENTS.findall(data))
    return words


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
    """The table's chains by the last word (see written_after_dots), built once per table."""

    def __init__(self, t):
        self.table = t
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


_DOT_INDEX: List[_DotIndex] = []


def dot_index(t) -> _DotIndex:
    if not _DOT_INDEX or _DOT_INDEX[0].table is not t:
        _DOT_INDEX[:] = [_DotIndex(t)]
    return _DOT_INDEX[0]
