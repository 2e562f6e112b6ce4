"""Jupyter notebooks (`.ipynb`): code cells linted as one Python module.

The code cells are joined in order (as the kernel runs them) and handed to the
Python extractor. IPython syntax that is not Python (`%magic`, `!shell`, `?obj`,
`obj?`, `x = !cmd`, and cell magics such as `%%bash`) is blanked first, so a notebook
never fails to parse on it; an indented magic becomes `pass` to keep its block.
Lines inside strings and brackets are never touched.

Every position in the facts is then mapped back to (cell, row in cell): `Loc.cell` is
the cell's 1-based index among all cells, as ruff numbers them. `noqa` rows and
statement ranges stay in joined rows; `FileFacts.cells` lets the engine map back.
"""
from __future__ import annotations

import dataclasses
import json
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import python
from claude_lint.extract.notebook_cells import without_broken_cells
from claude_lint.extract.prefilter import needs_parse
from claude_lint.facts import INVALID_INPUT_FILE, FileError, FileFacts, Loc

CODE = INVALID_INPUT_FILE
# Cell magics whose body is still Python run by the kernel.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "memit", "debug"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_MAGIC = re.compile(r"^\s*(?:[%!?]|[/;,](?=\w))")
_HELP_END = re.compile(r"^\s*[A-Za-z_][\w.]*\?{1,2}\s*$")
_ASSIGN_MAGIC = re.compile(r"^\s*[A-Za-z_][\w.,\s\[\]'\"]*=\s*[%!]")


def extract(text: str, path: str, abspath: str, module: Optional[str], prefilter: bool = True, settings=None) -> FileFacts:
    def broken(message: str, row: int = 1, col: int = 1) -> FileFacts:
        return FileFacts(path, abspath, None, "notebook", errors=(FileError(CODE, message, Loc(path, row, col, row, col)),))

    try:
        nb = json.loads(text)
    except ValueError as exc:
        return broken(f"notebook is not valid JSON: {getattr(exc, 'msg', str(exc).split(':')[0])}", getattr(exc, "lineno", 1), getattr(exc, "colno", 1))
    except RecursionError:  # the json module recurses once per level of nesting
        return broken("notebook is not valid JSON: nested too deeply")
    if not isinstance(nb, dict):
        return broken("notebook is not a JSON object")
    major = nb.get("nbformat")
    if "worksheets" in nb or (isinstance(major, int) and major < 4):
        return broken(f"nbformat {major} notebooks are not supported; upgrade with `jupyter nbconvert --to notebook --nbformat 4`")
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return broken("notebook has no `cells` list")
    if not _is_python(nb.get("metadata")):
        return FileFacts(path, abspath, None, "notebook", parsed=False)
    lines, starts = code_cells(cells)
    code = _SURROGATE.sub("\ufffd", "\n".join(lines) + "\n")  # from JSON escapes; one char for one keeps columns
    if not starts or (prefilter and not needs_parse(code.encode("utf-8", "surrogatepass"))):
        return FileFacts(path, abspath, None, "notebook", parsed=False, cells=tuple(starts))
    facts = python.extract(code, path, abspath, None)
    if facts.errors:
        facts = without_broken_cells(facts, lines, starts, lambda kept: python.extract(_SURROGATE.sub("\ufffd", kept), path, abspath, None))
    to_cell = _Mapper(path, starts, lines)
    return dataclasses.replace(
        facts,
        kind="notebook",
        calls=to_cell.remap(facts.calls),
        constants=to_cell.remap(facts.constants),
        errors=to_cell.remap(facts.errors),
        cells=tuple(starts),
        wrappers=to_cell.remap(facts.wrappers),
    )


def code_cells(cells: list) -> Tuple[List[str], List[Tuple[int, int]]]:
    """The code cells' cleaned lines, joined, and where each cell starts: (first line, cell number)."""
    lines: List[str] = []
    starts: List[Tuple[int, int]] = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        starts.append((len(lines) + 1, number))
        lines.extend(clean_cell(source.replace("\r\n", "\n")))
    return lines, starts


def _is_python(metadata) -> bool:
    if not isinstance(metadata, dict):
        return True
    for key, field in (("kernelspec", "language"), ("language_info", "name")):
        table = metadata.get(key)
        if isinstance(table, dict) and isinstance(table.get(field), str):
            return table[field].lower() in ("python", "python3", "ipython", "ipython3")
    return True


class _Scanner:
    """Just enough of Python's lexer to know whether a line starts a statement."""

    def __init__(self):
        self.quote: Optional[str] = None
        self.depth = 0
        self.cont = False

    def at_statement_start(self) -> bool:
        return self.quote is None and self.depth == 0 and not self.cont

    def feed(self, line: str) -> None:
        self.cont = False
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if self.quote is not None:
                if c == "\\":
                    i += 2
                    continue
                if line.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            if c == "#":
                break
            if c in "\"'":
                self.quote = line[i : i + 3] if line[i : i + 3] in ('"""', "'''") else c
                i += len(self.quote)
                continue
            if c in "([{":
                self.depth += 1
            elif c in ")]}":
                self.depth = max(0, self.depth - 1)
            elif c == "\\" and i == n - 1:
                self.cont = True
            i += 1
        if self.quote is not None and len(self.quote) == 1 and not self.cont and not line.endswith("\\"):
            self.quote = None  # an unterminated one-line string: a syntax error, not our concern


def clean_cell(source: str) -> List[str]:
    """A cell's lines with IPython-only syntax blanked; same number of lines."""
    lines = source.split("\n")
    if source.endswith("\n"):
        lines.pop()
    if lines and lines[0].lstrip().startswith("%%"):
        words = lines[0].strip()[2:].split()
        if not words or words[0] not in PYTHON_CELL_MAGICS:
            return [""] * len(lines)
        lines[0] = ""
    out: List[str] = []
    scanner = _Scanner()
    continued = False
    for line in lines:
        if continued:
            out.append("")
            continued = line.rstrip().endswith("\\")
            continue
        if scanner.at_statement_start() and (_LINE_MAGIC.match(line) or _HELP_END.match(line) or _ASSIGN_MAGIC.match(line)):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + "pass" if indent else "")
            continued = line.rstrip().endswith("\\")
            continue
        out.append(line)
        scanner.feed(line)
    return out


class _Mapper:
    """Joined rows -> (cell, row in cell) for every Loc of this notebook."""

    def __init__(self, path: str, starts: List[Tuple[int, int]], lines: List[str]):
        self.path = path
        self.starts = starts
        self.lines = lines

    def _find(self, row: int) -> Tuple[int, int, int]:
        """(cell number, its first joined row, its last joined row) for a joined row."""
        chosen = 0
        for i, (first, _) in enumerate(self.starts):
            if first <= row:
                chosen = i
            else:
                break
        first, number = self.starts[chosen]
        last = self.starts[chosen + 1][0] - 1 if chosen + 1 < len(self.starts) else len(self.lines)
        return number, first, max(first, last)

    def loc(self, loc: Loc) -> Loc:
        if loc.path != self.path or loc.cell is not None:
            return loc
        number, first, last = self._find(loc.row)
        end_row, end_col = loc.end_row, loc.end_col
        if end_row > last:
            end_row, end_col = last, len(self.lines[last - 1]) + 1 if last - 1 < len(self.lines) else 1
        return Loc(loc.path, loc.row - first + 1, loc.col, end_row - first + 1, end_col, cell=number)

    def remap(self, obj):
        if isinstance(obj, Loc):
            return self.loc(obj)
        if isinstance(obj, tuple):
            return tuple(self.remap(o) for o in obj)
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            changes = {}
            for f in dataclasses.fields(obj):
                old = getattr(obj, f.name)
                new = self.remap(old)
                if new is not old:
                    changes[f.name] = new
            return dataclasses.replace(obj, **changes) if changes else obj
        return obj
