"""A conversation sent through a method of its own class that hands back the list whole while
it is short and a window of it past a size (`messages = self._truncate_history()`): the list
still grows, and is resent whole, until it reaches its window. CL011 judges what is resent
(a growing prefix, uncached); CL004 sees the window, a bound."""
from __future__ import annotations

import ast
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint.extract.scopes import Scope

# A helper this long is more than a window: it may summarise or rebuild the list.
_MAX_HELPER_NODES = 400


def windowing_helper(expr: ast.expr, scope: Scope, methods: dict) -> Optional[Tuple[ast.Attribute, str, bool]]:
    """`expr` (a local name bound once to it, or the call itself) is `self.m()`, a method of the
    request's class with no arguments whose every return is `self.X` whole or a slice of it (or
    a sum of such slices), at least one returning it whole: (`self.X` as the request's method
    reads it, the call as written, whether some return is a window). `methods`: the file's
    functions by name."""
    if isinstance(expr, ast.Name) and scope.kind == "function":
        bound = scope.assigns.get(expr.id, [])
        expr = bound[0] if len(bound) == 1 and isinstance(bound[0], ast.expr) else expr
    if not (isinstance(expr, ast.Call) and not expr.args and not expr.keywords and isinstance(expr.func, ast.Attribute)
            and isinstance(expr.func.value, ast.Name) and expr.func.value.id == scope.self_name and scope.klass is not None):
        return None
    found = [s for s in methods.get(expr.func.attr, ()) if s.klass is scope.klass]
    if len(found) != 1 or not isinstance(found[0].node, (ast.FunctionDef, ast.AsyncFunctionDef)) or found[0].node.decorator_list:
        return None
    helper = found[0]
    attr, whole, windowed = None, False, False
    for seen, node in enumerate(ast.walk(helper.node)):
        if seen > _MAX_HELPER_NODES or isinstance(node, (ast.Yield, ast.YieldFrom)):
            return None
        if not isinstance(node, ast.Return):
            continue
        if node.value is None:
            return None
        for part in _parts(node.value, helper):
            if part is None:
                return None
            name, is_whole = part
            if attr is not None and name != attr:
                return None
            attr, whole, windowed = name, whole or is_whole, windowed or not is_whole
    if attr is None or not whole:
        return None
    sent = ast.Attribute(value=ast.Name(id=scope.self_name, ctx=ast.Load()), attr=attr, ctx=ast.Load())
    return ast.copy_location(sent, expr), ast.unparse(expr), windowed


def _parts(value: ast.expr, helper: Scope, depth: int = 0):
    """(attribute, whole?) for each piece a return is made of; None for a piece of anything else."""
    if depth > 4:
        yield None
        return
    if isinstance(value, ast.Name):
        bound = helper.assigns.get(value.id, [])
        if len(bound) != 1 or not isinstance(bound[0], ast.expr):
            yield None
            return
        yield from _parts(bound[0], helper, depth + 1)
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        yield from _parts(value.left, helper, depth + 1)
        yield from _parts(value.right, helper, depth + 1)
    elif isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Slice):
        yield (_self_attr(value.value, helper), False) if _self_attr(value.value, helper) is not None else None
    else:
        yield (_self_attr(value, helper), True) if _self_attr(value, helper) is not None else None


def _self_attr(node: ast.expr, helper: Scope) -> Optional[str]:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == helper.self_name:
        return node.attr
    return None
