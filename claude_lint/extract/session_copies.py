"""A request's list copied whole from a session list just before it: Streamlit apps rebuild each
message of `st.session_state.messages` for the API (`[{"role": m["role"], "content": m["content"]}
for m in st.session_state.messages]`, or a `for` loop appending to a fresh list). The copy is
remade every rerun from the whole session list, so it is that list: it grows as the session does."""
from __future__ import annotations

import ast

from claude_lint.extract.chains import called_name
from claude_lint.extract.history_edits import minus_one
from claude_lint.extract.node_memo import per_node
from claude_lint.extract.walk import walk

# A Streamlit script is one module: enough to reach its request's copy loop, bounded.
_MAX_NODES = 20000


def copied_from(expr: ast.expr, scope) -> ast.expr:
    """The list `expr` is a whole copy of (each item kept or rebuilt from itself), else `expr`."""
    if isinstance(expr, (ast.ListComp, ast.GeneratorExp)) and len(expr.generators) == 1:
        made = expr.generators[0]
        if all(_item_filter(test, made.target) for test in made.ifs):
            return made.iter
    if isinstance(expr, ast.Call) and called_name(expr.func) == "list" and len(expr.args) == 1 and not expr.keywords:
        return expr.args[0]
    if isinstance(expr, ast.Name) and scope.node is not None:
        bound = scope.assigns.get(expr.id, [])
        if len(bound) == 1 and isinstance(bound[0], (ast.ListComp, ast.GeneratorExp, ast.Call)):
            return copied_from(bound[0], scope)  # `sent = [... for m in st.session_state.messages]`
        filling = _filling_loops(scope.node, expr.id)
        if len(filling) == 1:
            return filling[0].iter
    return expr


@per_node  # asked at each request copying a list
def _filling_loops(root: ast.AST, name: str) -> list:
    """The `for` loops whose body appends to `name` (`sent.append({...})`), under a filter or not."""
    found = []
    for seen, node in enumerate(walk(root)):
        if seen > _MAX_NODES:
            return []
        if isinstance(node, (ast.For, ast.AsyncFor)) and any(_appends(n, name, node.target) for n in node.body):
            found.append(node)
    return found


def _appends(stmt: ast.stmt, name: str, target: ast.expr) -> bool:
    if isinstance(stmt, ast.If) and not stmt.orelse and _item_filter(stmt.test, target):
        return any(_appends(s, name, target) for s in stmt.body)
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name) and call.func.value.id == name)


def bounding(trims: list) -> list:
    """The edits of a session list that may bound it, judged as any list's edits are
    (`history_edits`): a `pop()` of the last message undoes a turn (a failed request, or
    the turn's message swapped for a shorter one), and a saved chat put back whole
    (`st.session_state.messages = saved["messages"][:]`) grows again from there."""
    return [t for t in trims if not _undoes(t) and not _whole_copy(t)]


def _undoes(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "pop"
            and (not node.args or minus_one(node.args[0])) and not node.keywords)


def _item_filter(test: ast.expr, target: ast.expr) -> bool:
    """A filter that reads the message alone (its role, a marker in its text) keeps the rest of
    the list whole; one that reads anything else (a position, a helper) may make it a window."""
    items = {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return all(n.id in items for n in ast.walk(test) if isinstance(n, ast.Name))


def _whole_copy(node: ast.AST) -> bool:
    value = node.value if isinstance(node, ast.Assign) else None
    return (isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice)
            and value.slice.lower is None and value.slice.upper is None and value.slice.step is None)
