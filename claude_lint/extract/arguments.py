"""The arguments of an `ast.Call`, as libcst's single `args` list gave them, and the
store key of a name, attribute or string subscript."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional


def argument_values(call: ast.Call) -> List[ast.expr]:
    """Every argument's expression (`*x` and `**x` as x), in source order."""
    values = [a.value if isinstance(a, ast.Starred) else a for a in call.args] + [k.value for k in call.keywords]
    if call.args and call.keywords:
        values.sort(key=lambda v: (v.lineno, v.col_offset))
    return values


def positional(call: ast.Call) -> List[ast.expr]:
    """Positional arguments that are not `*x`."""
    return [a for a in call.args if not isinstance(a, ast.Starred)]


def keyword(call: ast.Call, name: str) -> Optional[ast.expr]:
    return next((k.value for k in call.keywords if k.arg == name), None)


def has_star(call: ast.Call) -> bool:
    """A `*x` or `**x` argument: the call's arguments are not all seen."""
    return any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)


def store_key(node: ast.expr, depth: int = 0) -> Optional[str]:
    """`st.session_state["client"]` and `st.session_state.client` -> "st.session_state.client";
    None for anything but names, attributes and string subscripts."""
    if depth > 8:
        return None
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = store_key(node.value, depth + 1)
        return f"{base}.{node.attr}" if base is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        base = store_key(node.value, depth + 1)
        return f"{base}.{node.slice.value}" if base is not None else None
    return None
