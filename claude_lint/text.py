"""Positions in text and edits of it: the one place that says what a line break is
(`\\r\\n`, `\\r` or `\\n`, as libcst and the fixes count them) and how a 1-based (row,
column) in characters becomes a string index. Used by the extractors, the fix builders,
--fix and --add-noqa."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterable, List, Mapping, Optional, Sequence, Tuple

from claude_lint.patterns import lazy

LINE_BREAK = lazy(r"\r\n|\r|\n")


def line_starts(text: str) -> List[int]:
    """The string index where each line starts (index 0: row 1)."""
    starts = [0]
    starts.extend(m.end() for m in LINE_BREAK.finditer(text))
    return starts


def offset(text: str, starts: Sequence[int], row: int, col: int) -> Optional[int]:
    """The string index of a 1-based (row, col), or None when it is not inside the text."""
    if row < 1 or row > len(starts) or col < 1:
        return None
    start = starts[row - 1]
    end = starts[row] if row < len(starts) else len(text)
    line = text[start:end]
    body = len(line.rstrip("\r\n"))
    if col - 1 > body:
        return None
    return start + col - 1


def newline_of(text: str) -> str:
    """The text's first line break, the one its new lines are written with."""
    m = LINE_BREAK.search(text)
    return m.group(0) if m else "\n"


def split_lines(text: str) -> List[str]:
    """The text's lines, each with its line break."""
    out = []
    last = 0
    for m in LINE_BREAK.finditer(text):
        out.append(text[last:m.end()])
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    return out


def decode(data: bytes) -> Tuple[str, str]:
    """(text, encoding) as Python reads a file: a UTF-8 BOM makes the encoding utf-8-sig."""
    import io
    import tokenize  # here: only the fixes decode, and a lint imports this module

    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), encoding


def linted(path: str, sources: Optional[Mapping[str, str]] = None, limit: int = 5_000_000) -> Optional[str]:
    """The text a file was linted from: from `sources` (text linted from memory, by
    absolute path) when it is there, else read from disk; None when it cannot be read."""
    import os

    abspath = os.path.abspath(path)
    if sources is not None and abspath in sources:
        return sources[abspath]
    from claude_lint import safeio

    try:
        return decode(safeio.read_regular(abspath, limit))[0]
    except (OSError, SyntaxError, LookupError, UnicodeDecodeError):
        return None


def splice(text: str, spans: Iterable[Tuple[int, int, str]]) -> str:
    """`text` with each (start, end, replacement) of string indices applied; the spans
    must not overlap (the callers check it)."""
    out = []
    last = 0
    for a, b, content in sorted(spans, key=lambda s: (s[0], s[1])):
        out.append(text[last:a])
        out.append(content)
        last = b
    out.append(text[last:])
    return "".join(out)
