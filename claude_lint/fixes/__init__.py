"""Edit builders: the text edits that repair a finding, found with libcst.

Rules read facts, never syntax trees; a fix needs the exact text the user wrote, so
the builders here go back to the source. They never parse the whole file: they cut
out the region a fact points at (a call, a literal), parse that region alone, and
check it is what the fact says it is. When anything does not match (the file changed
since it was linted, the region is not the expected node) there is no fix.

Positions are 1-based rows and columns counted in characters, end exclusive, as
libcst's PositionProvider reports them (+1), with \\r\\n, \\r and \\n as line breaks.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Mapping, Optional, Sequence, Tuple

from claude_lint.facts import Loc
from claude_lint.kinds import kind_of
from claude_lint.text import decode, line_starts, linted, newline_of, offset  # noqa: F401 (the builders' names)

# libcst is imported where it is used: a lint that finds nothing to fix should not pay
# for loading libcst.
if TYPE_CHECKING:
    import libcst as cst

MAX_BYTES = 5_000_000

# The text files were linted from when it did not come from disk (standard input, an
# editor's unsaved buffer), by absolute path: the rule context's `sources`, which the
# engine fills, so that fixes are built against the text that was linted.
Sources = Mapping[str, str]


def source(path: str, cell: Optional[int] = None, sources: Optional[Sources] = None) -> Optional[str]:
    """The text of a file as it was linted (from `sources`, else from disk), or None when
    it cannot be read; with `cell`, the source of that notebook cell (as the linter reads
    it: `\r\n` made `\n`)."""
    text = linted(path, sources, MAX_BYTES)
    if cell is None or text is None:
        return text
    return _cell_source(os.path.abspath(path), text, cell)


_CELLS: Dict[str, Tuple[str, Dict[int, str]]] = {}  # abspath -> (notebook text, its code cells)


def _cell_source(abspath: str, text: str, cell: int) -> Optional[str]:
    cached = _CELLS.get(abspath)
    if cached is None or cached[0] is not text and cached[0] != text:
        from claude_lint import ipynb

        if len(_CELLS) > 64:
            _CELLS.clear()
        cached = _CELLS[abspath] = (text, ipynb.code_cells(text))
    found = cached[1].get(cell)
    return None if found is None else found.replace("\r\n", "\n")


def is_python(path: str) -> bool:
    """Fixes are built for Python sources only (a file named explicitly lints as Python)."""
    return kind_of(path) in (None, "python")


@dataclass(frozen=True)
class Region:
    """A parsed piece of a file: `node` is the expression written between `loc`'s ends."""

    node: cst.BaseExpression
    module: cst.Module  # the region parsed alone, for positions inside it
    loc: Loc
    code: str

    def positions(self):
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
        return wrapper.resolve(PositionProvider)

    def loc_of(self, positions, node: cst.CSTNode) -> Loc:
        """A node of the region, in the file's coordinates."""
        r = positions[node]
        return Loc(self.loc.path, *_shift(self.loc, r.start.line, r.start.column), *_shift(self.loc, r.end.line, r.end.column))


def _shift(base: Loc, line: int, column: int) -> Tuple[int, int]:
    return base.row + line - 1, (base.col + column if line == 1 else column + 1)


def in_notebook(loc: Loc) -> bool:
    return loc.cell is not None and kind_of(loc.path) == "notebook"


def written_at(loc: Optional[Loc], text: Optional[str] = None, sources: Optional[Sources] = None) -> Optional[str]:
    """The text a Python file (a notebook cell, for a cell's Loc) holds between `loc`'s
    ends, or None. `text`: the file's (the cell's) text, when the caller has it."""
    if loc is None or not (is_python(loc.path) and loc.cell is None or in_notebook(loc)):
        return None
    if text is None:
        text = source(loc.path, loc.cell, sources)
    if text is None:
        return None
    starts = line_starts(text)
    a = offset(text, starts, loc.row, loc.col)
    b = offset(text, starts, loc.end_row, loc.end_col)
    if a is None or b is None or b <= a:
        return None
    return text[a:b]


def region(loc: Optional[Loc], text: Optional[str] = None) -> Optional[Region]:
    """The expression written at `loc`, parsed on its own; None if it is not one."""
    code = written_at(loc, text)
    if code is None:
        return None
    import libcst as cst

    try:
        module = cst.parse_module(code)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    if len(module.body) != 1 or not isinstance(module.body[0], cst.SimpleStatementLine):
        return None
    line = module.body[0]
    if len(line.body) != 1 or not isinstance(line.body[0], cst.Expr) or line.body[0].semicolon is not cst.MaybeSentinel.DEFAULT:
        return None
    node = line.body[0].value
    if node.lpar or module.header or module.footer or line.leading_lines:
        return None  # the region is wider than one expression: not what the fact said
    return Region(node, module, loc, code)


def keyword_value(call_loc: Loc, names: Sequence[str], text: Optional[str] = None) -> Optional[Tuple[Region, cst.BaseExpression]]:
    """The value of the first keyword of `names` written in the call at `call_loc`."""
    import libcst as cst

    found = region(call_loc, text)
    if found is None or not isinstance(found.node, cst.Call):
        return None
    for name in names:
        for arg in found.node.args:
            if arg.keyword is not None and arg.keyword.value == name:
                return found, arg.value
    return None


_MARKER = "_claude_lint_value_marker_"


def argument_loc(where: Region, value: cst.BaseExpression) -> Optional[Loc]:
    """Where a keyword value of the region's call is written, without position metadata.

    libcst's code generation is lossless, so the call's code with the value swapped for
    a marker name shows exactly how many characters precede the value.
    """
    import libcst as cst

    call = where.node
    if _MARKER in where.code or not isinstance(call, cst.Call):
        return None
    args = []
    for arg in call.args:
        if arg.value is value:
            args.append(arg.with_changes(value=cst.Name(_MARKER), comma=cst.MaybeSentinel.DEFAULT))
            break
        args.append(arg)
    else:
        return None
    probe = where.module.code_for_node(call.with_changes(args=args, rpar=[]))
    start = probe.find(_MARKER)
    # Positions exclude the value's own parentheses, as libcst's PositionProvider does.
    start += sum(len(where.module.code_for_node(p)) for p in value.lpar)
    written = where.module.code_for_node(value.with_changes(lpar=[], rpar=[]))
    if probe.find(_MARKER) < 0 or where.code[start:start + len(written)] != written:
        return None
    return _loc_in(where, start, start + len(written))


def _loc_in(where: Region, a: int, b: int) -> Loc:
    starts = line_starts(where.code)

    def pos(i: int) -> Tuple[int, int]:
        line = max(n for n, s in enumerate(starts) if s <= i)
        return _shift(where.loc, line + 1, i - starts[line])

    return Loc(where.loc.path, *pos(a), *pos(b))


def text_at(text: str, loc: Loc) -> str:
    starts = line_starts(text)
    return text[offset(text, starts, loc.row, loc.col):offset(text, starts, loc.end_row, loc.end_col)]


def quote_of(node: cst.CSTNode) -> str:
    """The quote the user writes strings with in this call: ' or \" (the default)."""
    single = double = 0
    for string in _strings(node):
        if string.quote == "'":
            single += 1
        elif string.quote == '"':
            double += 1
    return "'" if single > double else '"'


def _strings(node: cst.CSTNode, depth: int = 0) -> List[cst.SimpleString]:
    """The string literals of a call's arguments and of the lists and dicts in them."""
    import libcst as cst

    if depth > 4:
        return []
    if isinstance(node, cst.SimpleString):
        return [node]
    found: List[cst.SimpleString] = []
    if isinstance(node, cst.Call):
        for arg in node.args:
            found += _strings(arg.value, depth + 1)
    elif isinstance(node, (cst.List, cst.Tuple)):
        for el in node.elements:
            found += _strings(el.value, depth + 1)
    elif isinstance(node, cst.Dict):
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                found += _strings(el.key, depth + 1) + _strings(el.value, depth + 1)
    return found
