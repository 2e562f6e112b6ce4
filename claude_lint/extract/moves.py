"""Values and clients that come from elsewhere in the file: the function of this file a
call runs (a project factory that builds a client, a helper that builds a request).

Bounded like the Evaluator: one function found by name, never followed into itself.
"""
from __future__ import annotations

import ast
from typing import Dict, List, Optional

from claude_lint.extract.scopes import Binding, Scope


# --- helpers of the same file ---------------------------------------------------------


def function_scope(ev, func: ast.expr, scope: Scope) -> Optional[Scope]:
    """The function of this file a call runs: `build(...)` (a def bound once) or `self.build(...)`."""
    if isinstance(func, ast.Name):
        owner = ev.find(func.id, scope)
        if owner is None or func.id in owner.params or func.id in owner.imports:
            return None
        bound = owner.assigns.get(func.id, [])
        if len(bound) == 1 and isinstance(bound[0], Binding) and bound[0].what == "def":
            return child(ev, owner, func.id, "function")
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == scope.self_name and scope.klass is not None:
        return child(ev, scope.klass, func.attr, "function")
    return None


def child(ev, owner: Scope, name: str, kind: str) -> Optional[Scope]:
    children = _children(ev).get(id(owner), ())
    found = [s for s in children if s.kind == kind and s.name.rsplit(".", 1)[-1] == name]
    return found[0] if len(found) == 1 else None


def _children(ev) -> Dict[int, List[Scope]]:
    index = getattr(ev, "_children_index", None)
    if index is None or len(getattr(ev, "_children_of", ())) != len(ev.all_scopes):
        index = {}
        for s in ev.all_scopes:
            if s.parent is not None:
                index.setdefault(id(s.parent), []).append(s)
        ev._children_index = index
        ev._children_of = ev.all_scopes
    return index
