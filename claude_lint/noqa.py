"""`# noqa` comments of Python source: the one place that knows their syntax, finds them,
and decides where a new one goes (the engine's suppressions, the editor's "Disable ...
for this line" action and `--add-noqa` all use it).

Finding comments does not run Python's tokenizer (pure Python, the costliest part of
reading noqa comments on a large file): one regular expression that knows Python's
string literals walks the text, so a `#` inside a string is never taken for a comment.
It stops after the last line that holds the word looked for, and nothing runs at all
when the text does not hold it. Rows count `\\n` line breaks, as `tokenize` does on text.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start

from claude_lint.patterns import lazy

CODES = r"[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*"
# A line's noqa: `# noqa` (every code) or `# noqa: CODE, CODE`, anywhere in a comment.
NOQA = lazy(r"#\s*noqa(?::\s*(?P<codes>" + CODES + "))?", re.IGNORECASE)
# A file's noqa (ruff's `# ruff: noqa`): a comment of its own.
FILE_NOQA = lazy(r"#\s*claude-lint:\s*noqa(?::\s*(?P<codes>" + CODES + r"))?\s*$", re.IGNORECASE)
WHOLE_FILE = 0  # the row of a Noqa that silences the whole file

# Python's comments and string literals, and what lies between them. A string prefix
# (r, b, f, ...) is skipped as plain text: it changes nothing about where a string ends
# (a backslash escapes the quote in raw strings too). An unterminated single-quoted string
# leaves its quote as plain text, as the tokenizer's error token does.
_LEXEMES = lazy(
    r"""(?P<comment>\#[^\r\n]*)"""
    r'''|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)"""
    r'''|"(?:[^"\\\r\n]|\\(?:\r\n|.))*"'''
    r"""|'(?:[^'\\\r\n]|\\(?:\r\n|.))*')"""
    r"""|[^#'"]+|['"]""",
    re.DOTALL,
)


def codes_of(match: "re.Match[str]") -> Optional[Tuple[str, ...]]:
    """The codes a NOQA or FILE_NOQA match names, upper-cased; None: every code."""
    codes = match.group("codes")
    return None if codes is None else tuple(c.upper() for c in re.split(r"[\s,]+", codes) if c)


@frozen
class Layout:
    """What of a Python text decides where a comment can go."""

    comments: Dict[int, Tuple[int, str]]  # row -> (column of its `#`, the comment)
    open_rows: Set[int]  # rows whose line break is inside a string literal
    lines: List[str]  # the text split at `\n`, line breaks kept


def _found(text: str, end: int, strings: bool) -> Iterator[Tuple[str, int, int, str]]:
    """(kind, row, column, lexeme) of each comment, and with `strings` of each string
    literal, of Python `text` up to index `end`."""
    row, line_start, counted = 1, 0, 0
    for m in _LEXEMES.finditer(text, 0, end):
        kind = m.lastgroup
        if kind is None or (kind == "string" and not strings):
            continue
        at = m.start()
        breaks = text.count("\n", counted, at)
        if breaks:
            row += breaks
            line_start = text.rfind("\n", 0, at) + 1
        counted = at
        yield kind, row, at - line_start, m.group()


def comments(text: str, until: Optional[int] = None) -> Iterator[Tuple[int, int, str]]:
    """(row, column, comment from its `#`) for each comment of Python `text`; with
    `until` (an index), only up to the end of the line holding it."""
    end = len(text)
    if until is not None:
        stop = text.find("\n", until)
        end = len(text) if stop < 0 else stop
    return ((row, col, lexeme) for _, row, col, lexeme in _found(text, end, strings=False))


def line_noqa(text: str) -> List[Tuple[int, Optional[Tuple[str, ...]]]]:
    """(row, codes or None for every code) of each `# noqa` comment of Python `text`.
    A text without the word (written `noqa` or `NOQA`) is not scanned at all, and the
    scan stops after the last line holding it."""
    last = max(text.rfind("noqa"), text.rfind("NOQA"))
    if last < 0:
        return []
    found = []
    for row, _, comment in comments(text, last):
        m = NOQA.search(comment)
        if m is not None:
            found.append((row, codes_of(m)))
    return found


def layout(text: str) -> Layout:
    found: Dict[int, Tuple[int, str]] = {}
    open_rows: Set[int] = set()
    for kind, row, col, lexeme in _found(text, len(text), strings=True):
        if kind == "comment":
            found[row] = (col, lexeme)
        else:
            inside = lexeme.count("\n")
            open_rows.update(range(row, row + inside))
    return Layout(found, open_rows, _split(text))


def _split(text: str) -> List[str]:
    """`text` split at `\\n` only (splitlines would split at a lone `\\r` too)."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def comment_row(shape: Layout, row: int) -> Optional[int]:
    """The first row at or after `row` that can carry a comment inside the same statement:
    not one whose line ends inside a string (the comment would become text: the string's
    last line takes it, as ruff does), nor one that ends with a backslash continuation (a
    comment there is a syntax error). The engine reads a noqa on any row of the statement.
    None when there is no such row."""
    while 1 <= row <= len(shape.lines):
        line = shape.lines[row - 1].rstrip("\r\n")
        if row in shape.open_rows or (row not in shape.comments and line.endswith("\\")):
            row += 1
            continue
        return row
    return None


def edit_for_line(line: str, comment: Optional[Tuple[int, str]], codes: Iterable[str]) -> Optional[Tuple[int, int, str]]:
    """(start column, end column, new text) that makes `line` (no line break) silence
    `codes`: merged into its `# noqa: X` (`# noqa: X, CL001`), else appended after the
    line's code and any other comment. None when nothing is needed (a bare `# noqa`
    silences every code). `comment`: (column, text) of the line's comment, if any."""
    if comment is not None:
        col, written = comment
        m = NOQA.search(written)
        if m is not None:
            have = codes_of(m)
            if have is None:
                return None
            extra = sorted(set(codes) - set(have))
            if not extra:
                return None
            at = col + m.end("codes")
            return at, at, ", " + ", ".join(extra)
    end = len(line.rstrip())
    return end, end, "  # noqa: " + ", ".join(sorted(set(codes)))


def placements(text: str, wanted: Dict[int, Set[str]]) -> List[Tuple[int, int, int, str]]:
    """(row, start column, end column, new text) for each row of Python `text` that gets
    or extends a noqa comment so that the codes of {finding row: codes} are silenced."""
    shape = layout(text)
    merged: Dict[int, Set[str]] = {}
    for row, codes in wanted.items():
        target = comment_row(shape, row)
        if target is not None:
            merged.setdefault(target, set()).update(codes)
    out = []
    for row, codes in sorted(merged.items()):
        edit = edit_for_line(shape.lines[row - 1].rstrip("\r\n"), shape.comments.get(row), codes)
        if edit is not None:
            out.append((row, *edit))
    return out
