"""What a prompt builder of this module returns, for another module's request (CL006), where
`returned_texts` (python.py) leaves it out:
- a messages list whose head is written (the system message, the clock in it) and whose tail
  is filled in a loop (`for turn in history: messages.append(turn)`). The items from the first
  loop-fill on are one run-time item, as `moves._filled` reads the list in its own module, so
  the list's head is still what the cache reads first; the tail is never a known conversation;
- a function or method with several returns that each build text (a `try` returning the joined
  context lines, an `except` returning a fixed line): one of them, a OneOf;
- a factory returning an instance of a class of this module (`def create_manager(): return
  Manager(...)`): a Ref to the class, so `self.manager = create_manager()` in another module
  runs the class's methods (`link_values` follows `create_manager.method()` through it).

Kept apart from python.py, which is at its size bound (one hook in `PythonFacts.facts`).
"""
from __future__ import annotations

import ast
import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Tuple

from claude_lint.extract import loaded_files, moves, python_calls
from claude_lint.facts import Dynamic, Mapping, OneOf, Ref, Seq, Text

MAX_BUILDERS = 64  # functions of one file exported this way: the rest are not followed


def found(collector, ev) -> List[Tuple[str, object]]:
    """`name()` (`Class.name()` for a method of a module-level class) -> the list a function
    returns when it is a local list bound once to a display opening with a message dict and
    filled by appends and extends, some in a loop (its parameters stand as run-time text); the
    returns of one with several that each build text; or the class a module-level factory makes."""
    out: List[Tuple[str, object]] = []
    evaluated = [0]  # functions whose returns were evaluated, exported or not: bounded work per file
    for scope in collector.scopes_by_node.values():
        node = scope.node
        if len(out) >= MAX_BUILDERS or evaluated[0] >= 2 * MAX_BUILDERS or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not scope.returns:
            continue
        owner = scope.parent.parent if scope.parent is not None and scope.parent.kind == "class" else scope.parent
        if owner is not collector.module:
            continue
        returns = scope.returns
        if len(returns) == 1 and _headed_list(returns[0], scope):
            evaluated[0] += 1
            value = _value(ev, scope, returns[0])
            if isinstance(value, Seq) and value.items and isinstance(value.items[0], Mapping):
                out.append((f"{scope.name}()", value))
        elif len(returns) == 1 and scope.parent is collector.module and _made_here(returns[0], collector.module):
            stem = os.path.splitext(os.path.basename(ev.abspath))[0]
            out.append((f"{scope.name}()", Ref("." + stem, returns[0].func.id, ev.abspath, ev.loc(returns[0]))))
        elif len(returns) == 1 and loaded_files.returns_load(ev, scope, returns[0]):  # a prompt file's table (loaded_files.py)
            evaluated[0] += 1
            out.extend(loaded_files.exported(ev, scope, returns[0]))
        elif 1 < len(returns) <= moves.MAX_RETURNS and all(python_calls._builds_text(r, scope) for r in returns):
            evaluated[0] += 1
            values = tuple(_value(ev, scope, r) for r in returns)
            if any(isinstance(v, Text) and v.dynamic_parts for v in values):
                out.append((f"{scope.name}()", OneOf(f"one of the {len(values)} returns of {scope.name}", ev.loc(node), values)))
    return out


def _value(ev, scope, expr: ast.expr) -> object:
    """A return's value, the function's parameters standing as run-time text."""
    node = scope.node
    bound = {a.arg: Dynamic(a.arg) for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if a.arg != scope.self_name}
    return moves._substitute(ev.value(expr, scope), scope.name, bound, [0])


def _made_here(expr: ast.expr, module) -> bool:
    """`return Manager(...)` of a class this module defines (once) at its top level."""
    if not isinstance(expr, ast.Call) or not isinstance(expr.func, ast.Name):
        return False
    bound = module.assigns.get(expr.func.id, [])
    return len(bound) == 1 and getattr(bound[0], "what", None) == "class"


def _headed_list(expr: ast.expr, scope) -> bool:
    """A local name bound once to a list display whose first item is a dict (a message), changed
    only by appends and extends of which some run in a loop (the lists `moves.filled_list` takes,
    filled outside loops, are `returned_texts`'s)."""

    if not isinstance(expr, ast.Name) or expr.id in scope.params:
        return False
    bound = scope.assigns.get(expr.id, [])
    if len(bound) != 1 or not isinstance(bound[0], ast.List) or not bound[0].elts or not isinstance(bound[0].elts[0], ast.Dict):
        return False
    edits = scope.edits.get(expr.id, ())
    return moves.list_fills_only(edits) and not moves.list_edits_only(edits)
