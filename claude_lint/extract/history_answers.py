"""Does a growing conversation keep the model's answers? A list that gains only the user's own
messages (`{"role": "user", "content": prompt}` each turn, the answer shown and never appended)
grows by what the user types, not by whole turns: CL011's estimate of a turn (a question and its
answer) does not hold, and nothing says the resent prefix reaches the cache minimum. Read from
the module's text: every growth of the list spelled as its name is a literal user message, and no
message literal the file appends anywhere has another role (an alias that appends the answer)."""
from __future__ import annotations

import ast

from claude_lint.extract.walk import walk

_GROW = ("append", "extend", "insert")
_MAX_NODES = 200_000  # a larger module is not read (the list is taken to keep its answers)


def user_only(module: ast.AST, name: str) -> bool:
    """Is every growth of `name` (as written: `st.session_state.messages`, `self.h`) a literal
    user message, and does nothing in the file append a message of another role?"""
    own = 0
    for seen, node in enumerate(walk(module)):
        if seen > _MAX_NODES:
            return False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _GROW:
            items = _items(node.func.attr, node.args)
            mine = _spelled(node.func.value) == name
            if items is None:
                if mine:
                    return False  # `history.extend(others)`: what it adds is not seen
                continue
            for item in items:
                if _role(item) not in ("user", None if not mine else "user"):
                    return False  # an answer, a tool result turn, or a message we cannot read
            own += mine
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and _spelled(node.target) == name:
            items = node.value.elts if isinstance(node.value, ast.List) else None
            if items is None or any(_role(i) != "user" for i in items):
                return False
            own += 1
    return own > 0


def _items(method: str, args) -> object:
    """The items a growth adds, when written as literals; None when not seen."""
    if method == "append" and len(args) == 1:
        return [args[0]]
    if method == "insert" and len(args) == 2:
        return [args[1]]
    if method == "extend" and len(args) == 1 and isinstance(args[0], (ast.List, ast.Tuple)):
        return list(args[0].elts)
    return None


def _role(item: ast.AST) -> object:
    """The literal role of a message dict; "" for a dict whose role is not a literal, None for
    anything that is no message dict (a string appended to some other list)."""
    if not isinstance(item, ast.Dict):
        return None
    for key, value in zip(item.keys, item.values):
        if isinstance(key, ast.Constant) and key.value == "role":
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""
    return None


def _spelled(expr: ast.AST) -> str:
    """The list as written, with a session key read either way (`st.session_state["messages"]`
    and `st.session_state.messages` are one list)."""
    if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        return f"{_spelled(expr.value)}.{expr.slice.value}"
    if isinstance(expr, ast.Attribute):
        return f"{_spelled(expr.value)}.{expr.attr}"
    return ast.unparse(expr) if isinstance(expr, ast.expr) else ""
