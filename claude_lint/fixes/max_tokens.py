"""CL001's fix: lower max_tokens to the rule's `suggested` value.

The integer is edited where it is written: at the call, or in the same file's constant,
dict entry or function default the value came from (so every call sharing it gets the
new limit, which is why the fix is unsafe). A value written in another file gets no
fix: an edit belongs to the file of its finding, and that file may not be among the
paths being fixed. Nor is there a fix with extended thinking on (max_tokens must stay
above budget_tokens), nor when the suggestion is not lower than the current value.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.diagnostics import Edit, Fix
from claude_lint.facts import Lit
from claude_lint.fixes import Sources, written_at

# An integer literal as written (`16000`, `16_000`, `0x4000`): the text the edit replaces.
# Read without libcst, whose import would cost a one-file run (pre-commit) more than the lint.
_INTEGER = re.compile(r"[0-9](?:_?[0-9])*|0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+")


def build(call, arg, suggested: int, limit: int, sources: Optional[Sources] = None, keyword: str = "max_tokens") -> Optional[Fix]:
    if call.value("thinking") is not None or suggested >= limit or suggested < 1:
        return None
    value = arg.value
    loc = value.loc if isinstance(value, Lit) else None
    if loc is None or (loc.path, loc.cell) != (arg.at.path, arg.at.cell):
        return None  # an edit is applied in the finding's own file (notebook cell)
    written = written_at(loc, sources=sources)
    if written is None or _INTEGER.fullmatch(written) is None or _value(written) != limit:
        return None  # not the integer the facts say (the file changed since it was linted)
    where = "" if (loc.row, loc.col) == (arg.at.row, arg.at.col) else f" (at line {loc.row})"
    return Fix(f"Lower {keyword} to {suggested}{where}", "unsafe", (Edit(str(suggested), loc.row, loc.col, loc.end_row, loc.end_col),))


def _value(literal: str) -> Optional[int]:
    try:
        return int(literal, 0)
    except ValueError:  # `007`: not a Python integer
        return None
