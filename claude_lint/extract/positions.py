"""Positions and source text of `ast` nodes, in the columns a user sees.

`ast` counts columns in UTF-8 bytes; a Loc counts characters (as editors, SARIF and
libcst do), so a line holding non-ASCII text is converted. Lines end at `\\r\\n`, `\\r`
or `\\n`, as Python's tokenizer reads them (str.splitlines would also split at form
feeds and other characters Python does not).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional

from claude_lint.facts import Loc
from claude_lint.text import line_starts


class Positions:
    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self._starts: Optional[List[int]] = None  # character offset of each line's start
        # An ASCII text's byte columns are its character columns: no line is read for them.
        self._ascii = text.isascii()
        # Locs by (row, byte column, end row, end byte column): a request's arguments, their
        # names and their values are placed again by each reader of them.
        self._locs: dict = {}

    def _line_starts(self) -> List[int]:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def _line(self, row: int) -> str:
        starts = self._line_starts()
        start = starts[row - 1]
        end = starts[row] if row < len(starts) else len(self.text)
        return self.text[start:end]

    def column(self, row: int, byte_col: int) -> int:
        """0-based character column of a 0-based UTF-8 byte column on a 1-based row."""
        if byte_col == 0 or self._ascii:
            return byte_col
        line = self._line(row)
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "ignore"))

    def loc(self, node) -> Optional[Loc]:
        row = getattr(node, "lineno", None)
        if row is None:
            return None
        end_row = getattr(node, "end_lineno", None)
        if end_row is None:
            return None
        key = (row, node.col_offset, end_row, node.end_col_offset)
        found = self._locs.get(key)
        if found is None:
            found = self._locs[key] = Loc(self.path, row, self.column(row, key[1]) + 1, end_row, self.column(end_row, key[3]) + 1)
        return found

    def offset(self, row: int, byte_col: int) -> int:
        return self._line_starts()[row - 1] + self.column(row, byte_col)

    def code(self, node) -> str:
        """The node's own source text."""
        if getattr(node, "end_lineno", None) is None:
            return ""
        return self.text[self.offset(node.lineno, node.col_offset):self.offset(node.end_lineno, node.end_col_offset)]
