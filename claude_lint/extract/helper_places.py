"""Where a helper of the file that builds text runs: `system = build_system()` inside a turn
function runs the helper, and reads its clock, on every turn; `SYSTEM = build_system()` at
import time, or `self.system = build_system()` in `__init__`, runs it once. A run-time part of
the text a helper returns is located in the helper's body (`Dynamic.loc`); this adds the
function that calls it and the call (`Dynamic.called`), so that CL011 can tell a system prompt
rebuilt for each turn from one built once (`conversation_turns.rebuilt_each_turn`). The
outermost call wins: a helper called by a helper is run where the outer one is called."""
from __future__ import annotations

from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional

from claude_lint.facts import Dynamic, Loc, Mapping, OneOf, Seq, Text, Transform

MAX_PARTS = 200  # values walked per helper call: a larger return keeps its parts unplaced


def placed(value: object, call: Optional[Loc], scope) -> object:
    """`value`, a helper's return, with its run-time parts placed at `call` in the caller's function."""
    if call is None:
        return value
    while scope is not None and scope.kind == "comprehension":
        scope = scope.parent
    where = ((scope.name if scope is not None and scope.kind == "function" and scope.name else None), call)
    return _place(value, where, [0])


def _place(value: object, where, seen: List[int]) -> object:
    seen[0] += 1
    if seen[0] > MAX_PARTS:
        return value
    if isinstance(value, Dynamic):
        return replace(value, called=where)
    if isinstance(value, Text):
        return replace(value, parts=tuple(p if isinstance(p, str) else _place(p, where, seen) for p in value.parts))
    if isinstance(value, OneOf):
        return replace(value, options=tuple(_place(o, where, seen) for o in value.options))
    if isinstance(value, Seq):
        return replace(value, items=tuple(_place(v, where, seen) for v in value.items))
    if isinstance(value, Mapping):
        return replace(value, entries=tuple((k, _place(v, where, seen)) for k, v in value.entries))
    if isinstance(value, Transform):
        return replace(value, inner=_place(value.inner, where, seen), fields=tuple((k, _place(v, where, seen)) for k, v in value.fields))
    return value
