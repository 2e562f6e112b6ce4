"""A lambda bound once to a module-level name (`invoke = lambda: client.invoke_model(...)`)
is that name's function: the tree is given `def invoke(): return client.invoke_model(...)`
in its place, so each `invoke()` is a call of a wrapper like any def's (the wrapper finder
sees a lambda through to the function around it, and at module level there is none).
Only a name no other module-level statement binds: rebound, it may be another function
when called."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List

_ASSIGNS = (ast.Assign, ast.AnnAssign)
_BINDERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)


def as_defs(tree: ast.Module, text: str) -> ast.Module:
    """The module with each lambda bound once to a name made a def of that name (in place).
    text: the module's source (most has no lambda: its statements are not looked at)."""
    if text.find("lambda") < 0:
        return tree
    named = [i for i, stmt in enumerate(tree.body) if type(stmt) in _ASSIGNS and type(stmt.value) is ast.Lambda and _named_lambda(stmt)]
    if not named:
        return tree
    bound = _bindings(tree.body)
    for i in named:
        stmt = tree.body[i]
        name = (stmt.target if isinstance(stmt, ast.AnnAssign) else stmt.targets[0]).id  # type: ignore[attr-defined]
        if bound.get(name, 0) == 1:
            tree.body[i] = _as_def(name, stmt.value, stmt)  # type: ignore[attr-defined]
    return tree


def _named_lambda(stmt: ast.stmt) -> bool:
    """`name = lambda ...: ...`, or annotated (`name: Callable[[str], str] = lambda ...`)."""
    if isinstance(stmt, ast.AnnAssign):
        return isinstance(stmt.target, ast.Name) and isinstance(stmt.value, ast.Lambda)
    return (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Lambda))


def _bindings(body: "List[ast.stmt]") -> "Dict[str, int]":
    """How many module-level statements bind each name (a loop, a `with` or a branch too)."""
    count: Dict[str, int] = {}
    for stmt in body:
        for node in ast.walk(stmt):
            names: List[str] = []
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names = [node.id]
            elif isinstance(node, _BINDERS):
                names = [a.asname or a.name.split(".")[0] for a in node.names] if isinstance(node, (ast.Import, ast.ImportFrom)) else [node.name]
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                names = list(node.names)
            for name in names:  # (a function's local of that name counts too: stricter, never wrong)
                count[name] = count.get(name, 0) + 1
    return count


def _as_def(name: str, fn: ast.Lambda, at: ast.Assign) -> ast.FunctionDef:
    returned = ast.copy_location(ast.Return(value=fn.body), fn.body)
    made = ast.FunctionDef(name=name, args=fn.args, body=[returned], decorator_list=[], returns=None, type_comment=None)
    if hasattr(ast.FunctionDef, "type_params") or "type_params" in ast.FunctionDef._fields:
        made.type_params = []  # type: ignore[attr-defined]
    return ast.copy_location(made, at)
