"""Which offsets of a Python file's bytes are code, for the byte pre-filter's last word
(prefilter.py): in litellm, two thirds of the files the byte test let through to the
parser without a call wrote their only call chain in a docstring or a comment (`Router
passes ... to litellm.completion()`), and a parse of them costs more than the test.

Only text no call can be written in is left out: a comment, the inside of a string
literal without an f or t prefix, and an f-string's text between its replacement fields
(the fields are code; a usage example in a message template, an f-string writing
`client.chat.completions.create(model="{name}", ...)`, is not). Whatever cannot be read for certain (a string left open, an f-string whose end
depends on Python 3.12's nested quotes) ends the reading: the rest of the file counts as
code, which can only let a file through, never hold one back."""
from __future__ import annotations

import bisect
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

_TEMPLATE_PREFIX = frozenset(b"fFtT")
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LITERAL_BRACE = re.compile(rb"\{\{|\}\}|[{}]")
# In a replacement field: braces, and the strings whose braces do not count.
_FIELD_TOKEN = re.compile(rb"[{}]|'(?:\\.|[^'\\\r\n])*'|\"(?:\\.|[^\"\\\r\n])*\"|['\"#]")
_HASH = 0x23


class CodeReader:
    """Is an offset of the file in its code? Read as far as asked only: the byte test asks
    about the few places a chain is written, and stops at the first in code."""

    def __init__(self, data: bytes):
        self._blanks = _blanks(data)
        self._starts: List[int] = []
        self._ends: List[int] = []
        self._read_to = 0  # every blank before this offset is known
        self._size = len(data)

    def in_code(self, at: int) -> bool:
        while self._read_to <= at:
            span = next(self._blanks, None)
            if span is None:
                self._read_to = self._size + 1
                break
            self._starts.append(span[0])
            self._ends.append(span[1])
            self._read_to = span[1]
        i = bisect.bisect_right(self._starts, at) - 1
        return i < 0 or at >= self._ends[i]


def _blanks(data: bytes) -> Iterator[Tuple[int, int]]:
    """The spans that are not code, in order: a comment's text after its `#`, a plain string's text
    inside its quotes. Read with bytes.find (a regex scan for the three characters costs
    several times more). Ends early where the reading is unsure (see the module doc)."""
    size = len(data)
    cr = data.find(b"\r") >= 0  # most files have none: then a line ends only at \n (no search to the end for \r)
    find = data.find
    # the next `#`, `"` and `'` at or after where the reading is (size: none left)
    hash_at, double_at, single_at = (at if at >= 0 else size for at in (find(b"#"), find(b'"'), find(b"'")))
    while True:
        start = hash_at if hash_at < double_at and hash_at < single_at else double_at if double_at < single_at else single_at
        if start >= size:
            return
        if start == hash_at:
            end = _line_end(data, start, cr)
            yield start + 1, end
        else:
            quote = b'"' if start == double_at else b"'"
            closing = quote * 3 if data.startswith(quote * 3, start) else quote
            body = start + len(closing)
            close = _closing(data, body, closing, cr)
            if close < 0:
                return  # a string left open: unreadable from here on
            end = close + len(closing)
            if start and data[start - 1] in _LETTERS and _template(data, start):
                texts = _template_texts(data[body:close])
                if texts is None:
                    return  # maybe ended early by a quote inside a field (Python 3.12): unreadable
                for first, last in texts:  # its text between the replacement fields
                    yield body + first, body + last
            elif close > body:
                yield body, close
        if end >= size:
            return
        if hash_at < end:
            hash_at = find(b"#", end)
            if hash_at < 0:
                hash_at = size
        if double_at < end:
            double_at = find(b'"', end)
            if double_at < 0:
                double_at = size
        if single_at < end:
            single_at = find(b"'", end)
            if single_at < 0:
                single_at = size


def _template(data: bytes, quote: int) -> bool:
    """Is the literal opening at `quote` an f-string or a t-string: its prefix (the one or two
    letters right before it, no more) holds an f or a t? (`split("{")` has none: the `t`
    is its name's; `if"{x}"` is read as one, which only keeps a plain string as code.)"""
    start = quote
    while start > 0 and quote - start < 3 and data[start - 1] in _LETTERS:
        start -= 1
    return quote - start <= 2 and any(c in _TEMPLATE_PREFIX for c in data[start:quote])


def _line_end(data: bytes, at: int, cr: bool = True) -> int:
    if not cr:
        end = data.find(b"\n", at)
        return end if end >= 0 else len(data)
    ends = [e for e in (data.find(b"\n", at), data.find(b"\r", at)) if e >= 0]
    return min(ends) if ends else len(data)


def _closing(data: bytes, at: int, closing: bytes, cr: bool = True) -> int:
    """Where the literal whose text starts at `at` closes (-1: it does not). A backslash
    escapes the byte after it, raw strings included (`r"\\"` is not closed by its quote)."""
    single = len(closing) == 1
    # The next closing quote and line end are searched again only once a backslash has moved
    # `at` past them: the first match at or after `at` does not change before that, and
    # searching anew after each escape made a string of many escapes quadratic.
    close = line = -1
    while True:
        if close < at:
            close = data.find(closing, at)
            if close < 0:
                return -1
        escape = data.find(b"\\", at, close)
        if single:
            if line < at:
                line = _line_end(data, at, cr)
            if line < close and (escape < 0 or escape > line):
                return -1  # the line ends first: an unterminated string
        if escape < 0:
            return close
        at = escape + (3 if data.startswith(b"\r\n", escape + 1) else 2)


def _template_texts(body: bytes) -> "Optional[List[Tuple[int, int]]]":
    """The spans of this f-string body's literal text, outside its replacement fields; None
    when the body is not complete: a replacement field left open, or a quote or a comment
    left open in one (if the literal ended at a quote inside a field, a field is open)."""
    if body.find(b"{") < 0 and body.find(b"}") < 0:  # find, not `in`: see prefilter._byte_test
        return [(0, len(body))] if body else []
    texts: List[Tuple[int, int]] = []
    depth = 0
    at = text = 0
    while True:
        if depth == 0:  # literal text: quotes are text here, doubled braces are braces
            m = _LITERAL_BRACE.search(body, at)
            if m is None:
                if text < len(body):
                    texts.append((text, len(body)))
                return texts
            if m.group(0) == b"}":
                return None  # a lone `}` in the text: not a body Python accepts
            at = m.end()
            if m.group(0) == b"{":
                depth = 1
                if text < m.start():
                    texts.append((text, m.start()))
            continue
        m = _FIELD_TOKEN.search(body, at)
        if m is None:
            return None  # a field left open
        token = m.group(0)
        if token == b"{":
            depth += 1
        elif token == b"}":
            depth -= 1
            if depth == 0:
                text = m.end()
        elif len(token) == 1:
            return None  # a quote or a comment left open inside a field
        at = m.end()
