"""Where a notebook cell's source sits in the raw `.ipynb` text, and how to edit it there.

Findings in a notebook are reported as (cell, row in cell, column). CI formats that
annotate the file itself (SARIF, GitHub, GitLab, JUnit) need the line and column of
that character in the JSON text, and `--fix` / `--add-noqa` must write the cell's new
source back without disturbing the rest of the file. Both need the position of every
source string in the text, which `json.loads` does not give; so the text is scanned
here, token by token (strings, brackets, separators), whatever its layout: one string
per line as Jupyter writes it, one string with `\\n` escapes, or minified on one line.

Edits keep every byte outside the source strings that change: unchanged strings keep
their escapes, and a changed string is spliced where it differs, in the file's own
escaping style. The result is checked by decoding it again.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

# A JSON string, a structural character, or a run of anything else (numbers, literals).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.S)
# One decoded character of a JSON string body: a surrogate pair (one character once
# decoded), any other escape, or a plain character.
_CHAR = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.|[^\\]", re.S)


@dataclass
class Piece:
    """One source string: its token's raw span (quotes included) and decoded text."""

    start: int
    end: int
    text: str


@dataclass
class Cell:
    number: int  # 1-based among all cells, as the linter numbers them
    kind: Optional[str] = None  # cell_type
    pieces: List[Piece] = field(default_factory=list)
    is_list: bool = False  # source is a list of strings (Jupyter's way), not one string
    bracket: int = -1  # raw offset of the source list's `[`

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)


def scan(raw: str) -> Optional[Dict[int, Cell]]:
    """The cells of a notebook's text by number, or None when the text is not a JSON
    object this scanner can follow."""
    cells: Dict[int, Cell] = {}
    # Each open container: [is_object, path, key or index, expecting a key]
    stack: List[list] = []
    for m in _TOKEN.finditer(raw):
        tok = m.group(0)
        c = tok[0]
        if c in ",:":
            if stack and c == ",":
                top = stack[-1]
                if top[0]:
                    top[3] = True
                else:
                    top[2] += 1
            continue
        if c in "}]":
            if not stack or stack[-1][0] != (c == "}"):
                return None
            stack.pop()
            continue
        if c == '"' and stack and stack[-1][0] and stack[-1][3]:
            top = stack[-1]
            top[2] = _decode(tok) if len(stack) <= 3 else None  # only the shallow keys matter
            top[3] = False
            continue
        path = (*stack[-1][1], stack[-1][2]) if stack else ()
        if len(path) >= 2 and (path[0] != "cells" or not isinstance(path[1], int)):
            path = (None,) * 5 if len(path) <= 4 else path  # not inside a cell: never matched below
        if c in "{[":
            if len(path) == 2 and path[0] == "cells" and c == "{":
                cells[path[1] + 1] = Cell(path[1] + 1)
            elif len(path) == 3 and path[0] == "cells" and path[2] == "source" and path[1] + 1 in cells:
                cell = cells[path[1] + 1]
                cell.pieces, cell.is_list, cell.bracket = [], c == "[", m.start()
            stack.append([c == "{", path if len(path) <= 4 else (None,) * 5, 0 if c == "[" else None, c == "{"])
            continue
        if c != '"' or len(path) < 3 or path[0] != "cells" or path[1] + 1 not in cells:
            continue
        cell = cells[path[1] + 1]
        if len(path) == 3 and path[2] == "cell_type":
            cell.kind = _decode(tok)
        elif len(path) == 3 and path[2] == "source":
            cell.pieces, cell.is_list = [Piece(m.start(), m.end(), _decode(tok) or "")], False
        elif len(path) == 4 and path[2] == "source" and isinstance(path[3], int):
            cell.pieces.append(Piece(m.start(), m.end(), _decode(tok) or ""))
    return cells if not stack else None


def _decode(token: str) -> Optional[str]:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _char_spans(raw: str, piece: Piece) -> List[Tuple[int, int]]:
    """The raw span of each decoded character of a piece."""
    return [m.span() for m in _CHAR.finditer(raw, piece.start + 1, piece.end - 1)]


class Positions:
    """(cell, row, col) of the linted source -> (line, col) in the raw text, 1-based.

    The linter reads a cell as its strings joined, with `\\r\\n` made `\\n`."""

    def __init__(self, raw: str):
        self.raw = raw
        self.cells = scan(raw) or {}
        self._lines = [m.start() for m in re.finditer("\n", raw)]
        self._maps: Dict[int, Optional[Tuple[str, List[Tuple[int, int]]]]] = {}

    def _map(self, number: int) -> Optional[Tuple[str, List[Tuple[int, int]]]]:
        if number not in self._maps:
            cell = self.cells.get(number)
            found = None
            if cell is not None and cell.pieces:
                chars: List[str] = []
                spans: List[Tuple[int, int]] = []
                for piece in cell.pieces:
                    s = _char_spans(self.raw, piece)
                    if len(s) != len(piece.text):
                        break  # not the decoding we expect: no mapping rather than a wrong one
                    chars.extend(piece.text)
                    spans.extend(s)
                else:
                    keep = [i for i in range(len(chars)) if not (chars[i] == "\r" and i + 1 < len(chars) and chars[i + 1] == "\n")]
                    found = ("".join(chars[i] for i in keep), [spans[i] for i in keep])
            self._maps[number] = found
        return self._maps[number]

    def _line_col(self, offset: int) -> Tuple[int, int]:
        line = bisect.bisect_left(self._lines, offset)
        start = self._lines[line - 1] + 1 if line else 0
        return line + 1, offset - start + 1

    def offset(self, cell: int, row: int, col: int, end: bool = False) -> Optional[int]:
        """The raw offset of a character of the cell (of the end of the one before, for an end)."""
        found = self._map(cell)
        if found is None:
            return None
        text, spans = found
        if not spans:
            return None
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        if not 1 <= row <= len(starts):
            return None
        index = starts[row - 1] + col - 1
        stop = starts[row] - 1 if row < len(starts) else len(text)  # the row's newline, or the end
        index = max(starts[row - 1], min(index, stop))
        if end and index > starts[row - 1]:
            return spans[index - 1][1]
        if index < len(spans):
            return spans[index][0]
        return spans[-1][1]

    def region(self, cell: int, row: int, col: int, end_row: int, end_col: int) -> Optional[Tuple[int, int, int, int]]:
        """(line, col, end line, end col) in the raw text, or None when it cannot be told."""
        a = self.offset(cell, row, col)
        b = self.offset(cell, max(end_row, row), end_col, end=True)
        if a is None:
            return None
        if b is None or b < a:
            b = a
        line, column = self._line_col(a)
        end_line, end_column = self._line_col(b)
        return line, column, end_line, end_column


# abspath -> (what identifies the text scanned, its positions). A process that lints the
# same notebook again after an edit (a report per run, an editor buffer) must not read the
# new findings against the old text: an entry counts only while that text is the same.
_POSITIONS: Dict[str, Tuple[object, Positions]] = {}
_MAX_POSITIONS = 256


def raw_region(loc, sources: Optional[Dict[str, str]] = None) -> Optional[Tuple[int, int, int, int]]:
    """Where a notebook finding's Loc sits in its file's raw text, or None (not a
    notebook position, or the file cannot be read or followed). `sources`: the text of
    files linted from memory (the lint Result's), by absolute path."""
    if getattr(loc, "cell", None) is None:
        return None
    import os

    key = os.path.abspath(loc.path)
    # An in-memory buffer is its own identity; a file on disk is known by its stat, so that
    # a report of many findings reads it once, and again only after it changed.
    text = sources.get(key) if sources is not None else None
    stamp = text if text is not None else _stat(key)
    cached = _POSITIONS.get(key)
    if cached is None or stamp is None or cached[0] != stamp:
        if text is None:
            from claude_lint.text import linted

            text = linted(loc.path)
        if len(_POSITIONS) >= _MAX_POSITIONS:
            _POSITIONS.clear()
        cached = _POSITIONS[key] = (stamp, Positions(text or ""))
    return cached[1].region(loc.cell, loc.row, loc.col, loc.end_row, loc.end_col)


def _stat(abspath: str) -> Optional[Tuple[int, int, int]]:
    import os

    try:
        found = os.stat(abspath)
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


def shown(loc, sources: Optional[Dict[str, str]] = None) -> Tuple[int, int, int, int]:
    """(row, col, end row, end col) to show against the file itself: a notebook
    finding's place in the raw JSON when it can be found, else the Loc's own."""
    found = raw_region(loc, sources)
    if found is not None:
        return found
    return loc.row, loc.col, max(loc.end_row, loc.row), loc.end_col


# --- editing ------------------------------------------------------------------------


class EditError(Exception):
    """The cells cannot be rewritten in place; the message says why."""


def _lines(text: str) -> List[str]:
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _line_wise(cell: Cell) -> bool:
    """Jupyter's layout: a list of lines, each ending with its newline but the last."""
    if not cell.is_list:
        return False
    last = len(cell.pieces) - 1
    for i, p in enumerate(cell.pieces):
        inner = p.text[:-1] if p.text.endswith("\n") else p.text
        if "\n" in inner or (i < last and not p.text.endswith("\n")) or not p.text:
            return False
    return True


def _encoder(raw: str):
    # nbformat writes non-ASCII characters as they are; a file written with ASCII
    # escapes keeps that style.
    ascii_only = raw.isascii() and "\\u" in raw

    def encode(text: str) -> str:
        return json.dumps(text, ensure_ascii=ascii_only)

    return encode


def replace_sources(raw: str, new: Dict[int, str]) -> str:
    """`raw` with the source of each cell number in `new` replaced by its text.
    Raises EditError when that cannot be done in place."""
    cells = scan(raw)
    if cells is None:
        raise EditError("the notebook's JSON could not be followed")
    encode = _encoder(raw)
    spans: List[Tuple[int, int, str]] = []
    for number, text in new.items():
        cell = cells.get(number)
        if cell is None or not cell.pieces and not cell.is_list:
            raise EditError(f"cell {number} has no source to edit")
        old = cell.text
        if text == old:
            continue
        if "\r" in old or "\r" in text:
            raise EditError(f"cell {number} has carriage returns in its source")
        spans.extend(_cell_spans(raw, cell, text, encode))
    out = []
    last = 0
    for a, b, content in sorted(spans):
        if a < last:
            raise EditError("edits overlap")
        out.append(raw[last:a])
        out.append(content)
        last = b
    out.append(raw[last:])
    result = "".join(out)
    # The proof: the new text is JSON, and its cells read back as intended.
    try:
        json.loads(result)
    except ValueError as exc:
        raise EditError(f"the edited notebook would not be valid JSON ({exc})") from None
    again = scan(result) or {}
    for number, text in new.items():
        if number not in again or again[number].text != text:
            raise EditError(f"cell {number} did not read back as edited")
    return result


def _cell_spans(raw: str, cell: Cell, text: str, encode) -> List[Tuple[int, int, str]]:
    old = [p.text for p in cell.pieces]
    if not cell.is_list:
        return _splice(raw, cell.pieces[0], text, encode)
    if _line_wise(cell) or not old:
        wanted = _lines(text)
    else:
        wanted = None
    if wanted is None:
        # Strings cut anywhere: keep the unchanged ones, merge the changed run into one.
        p = 0
        while p < len(old) and text.startswith("".join(old[: p + 1])):
            p += 1
        s = 0
        while s < len(old) - p and text.endswith("".join(old[len(old) - s - 1:])):
            s += 1
        head, tail = "".join(old[:p]), "".join(old[len(old) - s:]) if s else ""
        middle = text[len(head): len(text) - len(tail)]
        wanted = old[:p] + ([middle] if middle else []) + old[len(old) - s:]
    p, s = _common_ends(old, wanted)
    before, after = cell.pieces[p: len(old) - s], wanted[p: len(wanted) - s]
    if len(before) == len(after):
        return [span for piece, new in zip(before, after) for span in _splice(raw, piece, new, encode)]
    sep = _separator(raw, cell)
    tokens = [encode(t) for t in after]
    if before and tokens:
        return [(before[0].start, before[-1].end, sep.join(tokens))]
    if tokens:  # inserted strings: after the unchanged one before them, or before the first
        if p > 0:
            at = cell.pieces[p - 1].end
            return [(at, at, sep + sep.join(tokens))]
        if cell.pieces:
            at = cell.pieces[0].start
            return [(at, at, sep.join(tokens) + sep)]
        return [(cell.bracket + 1, cell.bracket + 1, sep.lstrip(",").join(tokens))]
    # removed strings, with the separator on one side
    if p + len(before) < len(cell.pieces):
        return [(before[0].start, cell.pieces[p + len(before)].start, "")]
    if p > 0:
        return [(cell.pieces[p - 1].end, before[-1].end, "")]
    return [(before[0].start, before[-1].end, "")]


def _common_ends(old: Sequence, new: Sequence) -> Tuple[int, int]:
    """How many items two sequences share at their start, then at their end (apart from the start)."""
    shorter = min(len(old), len(new))
    p = 0
    while p < shorter and old[p] == new[p]:
        p += 1
    s = 0
    while s < shorter - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    return p, s


def _separator(raw: str, cell: Cell) -> str:
    """What stands between two strings of this list: copied from the file."""
    if len(cell.pieces) >= 2:
        return raw[cell.pieces[0].end: cell.pieces[1].start]
    if cell.pieces:
        return "," + raw[cell.bracket + 1: cell.pieces[0].start]
    return ", "


def _splice(raw: str, piece: Piece, new: str, encode) -> List[Tuple[int, int, str]]:
    """The smallest raw edit turning one string's text into `new`."""
    old = piece.text
    if old == new:
        return []
    spans = _char_spans(raw, piece)
    if len(spans) != len(old):
        return [(piece.start, piece.end, encode(new))]
    a, z = _common_ends(old, new)
    start = spans[a][0] if a < len(spans) else piece.end - 1
    end = spans[len(old) - z - 1][1] if len(old) - z > a else start
    return [(start, end, encode(new[a: len(new) - z])[1:-1])]


def code_cells(raw: str) -> Dict[int, str]:
    """{cell number: source} of the code cells, as the linter reads them."""
    return {n: c.text for n, c in (scan(raw) or {}).items() if c.kind == "code"}


def decode(data: bytes) -> Tuple[str, bool]:
    """(text, had a BOM). JSON is UTF-8."""
    bom = data.startswith(b"\xef\xbb\xbf")
    return data[3 if bom else 0:].decode("utf-8"), bom


def encode(text: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def edits_by_cell(diagnostics: Sequence) -> Dict[int, list]:
    out: Dict[int, list] = {}
    for d in diagnostics:
        if d.loc.cell is not None:
            out.setdefault(d.loc.cell, []).append(d)
    return out
