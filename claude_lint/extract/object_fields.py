"""An attribute of an object whose class this file writes, read where the object is handed in or
got from a function annotated to return it (`session = get_session(uid)`, `def
get_session(uid) -> Session`), when the class keeps the attribute in `self` (`__init__`:
`self.model = os.getenv("MODEL", "...")`) instead of declaring a field: what `__init__` (or
any method) sets, and what the file assigns to any object it knows is of that class
(`session.model = MODELS.get(key, "...")` in a menu's handler). `config_values.handed_field`
reads a declared field's default itself."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

    from claude_lint.extract.bindings import Scope
    from claude_lint.facts import Loc

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.extract.bindings import Binding
from claude_lint.facts import OneOf, Unknown

MAX_WALKED = 4000  # statements read per file for the index: a bigger file keeps only what `self` sets
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def kept(ev, klass: str, attr: str, klass_scope: "Scope", why: str, depth: int, loc: "Optional[Loc]") -> "Optional[OneOf]":
    """Every value the file gives `attr` of a `klass` object: the assignments to objects
    `class_of` says are of that class, then what the class sets in `self` (last: what
    an object holds unless one of those changes it). None when the class does not set it in
    `self`, or changes it in place."""
    key = ("object", id(klass_scope), attr)
    if attr not in klass_scope.self_attrs or attr in klass_scope.assigns or key in ev._active:
        return None  # (active: a value assigned from the attribute itself, `s.model = s.model or "..."`)
    ev._active.add(key)
    try:
        held = ev.self_attr(attr, klass_scope, depth + 1, loc)
        if isinstance(held, Unknown) and not isinstance(held, OneOf):
            return None  # bound indirectly or changed in place: nothing written to offer
        stored = [ev.value(value, scope, depth + 1) for name, value, scope in _stores(ev).get(attr, ())
                  if class_of(ev, name, attr, scope) == klass][:MAX_OPTIONS - 1]
    finally:
        ev._active.discard(key)
    return OneOf(why, loc, (*stored, held))


def class_of(ev, name: str, attr: str, scope: "Scope") -> "Optional[str]":
    """The class of this file a name holds, by its annotation as a parameter or by the return
    annotation of the function whose call it is bound to."""
    if name in scope.params and not scope.assigns.get(name):
        return class_named(scope.annotations.get(name))
    return class_returned(ev, name, attr, scope)


def class_returned(ev, name: str, attr: str, owner: "Scope") -> "Optional[str]":
    """The class a name holds by the return annotation of the one function of this file whose
    call it is bound to: `self.get(key)` (a method of the class) or `get_state(key)`. None when
    every `return` builds the instance with `attr` given: the default is then never what it holds."""
    if name in owner.params:
        return None
    bound = owner.assigns.get(name, [])
    if len(bound) != 1 or not isinstance(bound[0], ast.Call):
        return None
    func = bound[0].func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == owner.self_name and owner.klass is not None:
        parent, called = owner.klass, func.attr
    elif isinstance(func, ast.Name):
        parent = ev.find(func.id, owner)
        found = parent.assigns.get(func.id, []) if parent is not None else []
        if len(found) != 1 or not (isinstance(found[0], Binding) and found[0].what == "def"):
            return None
        called = func.id
    else:
        return None
    defs = [s for s in ev.all_scopes if s.parent is parent and s.kind == "function" and s.name.rsplit(".", 1)[-1] == called]
    if len(defs) != 1 or not isinstance(defs[0].node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    klass = class_named(defs[0].node.returns)
    built = [r for r in defs[0].returns if isinstance(r, ast.Call) and isinstance(r.func, ast.Name) and r.func.id == klass
             and (r.args or any(k.arg in (attr, None) for k in r.keywords))]
    if defs[0].returns and len(built) == len(defs[0].returns):
        return None
    return klass


def class_named(annotation: "Optional[ast.expr]") -> "Optional[str]":
    """The class an annotation names: `Settings`, `"Settings"`, `Optional[Settings]`, `Settings | None`."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str) and annotation.value.isidentifier():
        return annotation.value
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) and annotation.value.id == "Optional":
        return class_named(annotation.slice)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        return class_named(sides[0]) if len(sides) == 1 else None
    if isinstance(annotation, ast.Name) and annotation.id[:1].isupper():
        return annotation.id
    return None


def _stores(ev) -> "Dict[str, List[Tuple[str, ast.expr, Scope]]]":
    """`name.attr = value` in the file's functions, by attribute (not `self.attr`: the class's
    own, in `self_attrs`): indexed once per file, at the first object attribute read this way."""
    index = getattr(ev, "_object_stores", None)
    if index is not None:
        return index
    index = ev._object_stores = {}
    budget = MAX_WALKED
    for scope in ev.all_scopes:
        if scope.kind != "function" or not isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        pending = list(scope.node.body)
        while pending and budget > 0:
            node = pending.pop()
            budget -= 1
            if isinstance(node, _NESTED):
                continue  # its own scope: read when that scope is
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                for target in node.targets if isinstance(node, ast.Assign) else (node.target,):
                    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id != scope.self_name:
                        index.setdefault(target.attr, []).append((target.value.id, node.value, scope))
            elif isinstance(node, ast.stmt):
                pending.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt) or isinstance(child, ast.excepthandler))
            elif isinstance(node, ast.excepthandler):
                pending.extend(node.body)
    return index
