"""A request whose model is a key of a written menu because the request indexes the menu with it:
`create(model=self.current, max_tokens=self.MODELS[self.current]["max_tokens"])`. The arguments
are evaluated before the request is sent, so a model that is not a key raises first: whatever
the run picks, it is one of the menu's written keys (CL007 judges each where it is written)."""

from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.extract.bindings import Scope
from claude_lint.extract.config_values import _written_list
from claude_lint.extract.walk import same_code, walk
from claude_lint.facts import Lit, OneOf, Text

MENU_REASON = "a key of the menu the request indexes with its own model"


def indexed_menu(ev, node: ast.Call, model: ast.expr, scope: Scope) -> Optional[OneOf]:
    """The written keys of the dict another argument of `node` subscripts with `model` itself."""
    for kw in node.keywords:
        if kw.value is model:
            continue
        for sub in walk(kw.value):
            if isinstance(sub, ast.Subscript) and same_code(sub.slice, model):
                written = _menu_keys(ev, sub.value, scope)
                if written:
                    items = tuple(ev.value(key, where) for key, where in written[:MAX_OPTIONS])
                    if all(isinstance(i, (Lit, Text)) for i in items):
                        return OneOf(MENU_REASON, ev.loc(model), items)
    return None


def _menu_keys(ev, menu: ast.expr, scope: Scope):
    """A dict literal's keys: a name bound once to one, or `self.NAME` / `Class.NAME` of the
    enclosing class's attribute bound once and never changed."""
    if isinstance(menu, ast.Name):
        return _dict_only(menu, scope, ev)
    if isinstance(menu, ast.Attribute) and isinstance(menu.value, ast.Name):
        owner = scope
        while owner is not None and owner.kind != "class":
            owner = owner.parent
        if owner is None or menu.value.id not in (scope.self_name, getattr(owner.node, "name", None)):
            return None
        bound = owner.assigns.get(menu.attr, [])
        if len(bound) != 1 or not isinstance(bound[0], ast.Dict) or ("name", menu.attr) in owner.mutated:
            return None
        if _reassigned_on_self(owner, menu.attr):
            return None
        return _written_list(ev, ast.Name(menu.attr, ast.Load()), owner)
    return None


def _dict_only(menu: ast.Name, scope: Scope, ev):
    owner = ev.find(menu.id, scope)
    bound = owner.assigns.get(menu.id, []) if owner is not None else []
    if len(bound) != 1 or not isinstance(bound[0], ast.Dict):
        return None
    return _written_list(ev, menu, scope)


def _reassigned_on_self(owner: Scope, attr: str) -> bool:
    """`self.MODELS = ...` or `self.MODELS[k] = ...` anywhere in the class: the menu is not the written one."""
    for node in ast.walk(owner.node):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            while isinstance(target, ast.Subscript):
                target = target.value
            if isinstance(target, ast.Attribute) and target.attr == attr:
                return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "pop", "setdefault", "clear", "__setitem__") \
                and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == attr:
            return True
    return False


def with_menu(ev, node: ast.Call, entries: tuple, scope: Scope) -> tuple:
    """`entries` with a `model` the code leaves unknown replaced by the menu it indexes, if any."""
    model = next((kw.value for kw in node.keywords if kw.arg == "model"), None)
    value = dict((k, v) for k, v in entries if k is not None).get("model")
    if model is None or value is None or _written(value):
        return entries
    menu = indexed_menu(ev, node, model, scope)
    if menu is None:
        return entries
    return tuple((k, menu if k == "model" else v) for k, v in entries)


def _written(value) -> bool:
    if isinstance(value, (Lit, Text)):
        return True
    return isinstance(value, OneOf) and any(isinstance(o, (Lit, Text)) for o in value.options)
