"""Values read from a configuration object or table: the field of a settings object a
function is handed (`def run(settings: Settings)` then `settings.model`), a dataclass or
pydantic field written as `Field(default=...)`, and a table looked up with `.get(key, d)`
by a run-time key. Functions of an `Evaluator` (`ev`), kept apart from it for its size."""
from __future__ import annotations

import ast
from typing import Optional

from claude_lint.extract.arguments import positional
from claude_lint.extract.bindings import Binding, Scope
from claude_lint.facts import Loc, Mapping, OneOf, Param, Ref, Text, Unknown

# Field declarations whose default is the value an instance holds unless it is built with another.
FIELD_CALLS = frozenset({"pydantic.Field", "pydantic.fields.Field", "dataclasses.field", "attr.ib", "attrs.field"})
MAX_TABLE = 32  # as values.MAX_TABLE: a bigger table is a run-time value, not a list of options


def field_default(ev, node: ast.Call, qual: str, scope: Scope, depth: int) -> Optional[object]:
    """`Field(default="x")`, `Field("x")`, `field(default="x")`: the default an instance holds.
    None for a required field (`Field(...)`) or one built by a factory."""
    if qual not in FIELD_CALLS:
        return None
    default = next((k.value for k in node.keywords if k.arg == "default"), None)
    args = positional(node)
    if default is None and args and qual.startswith("pydantic"):
        default = args[0]  # pydantic's first positional argument is the default
    if default is None or (isinstance(default, ast.Constant) and default.value is Ellipsis):
        return None
    return ev.value(default, scope, depth + 1)


def handed_field(ev, name: str, attr: str, owner: Scope, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    """`settings.model` where `settings` is a parameter annotated with a class (`Settings`, of
    this module or imported): the class's default for the field is what a caller's instance
    holds unless it was built with another, so it is one written option of a run-time value.
    None when the parameter is rebound, unannotated, or the class has no such default here."""
    if name not in owner.params or owner.assigns.get(name):
        return None
    annotation = _class_named(owner.annotations.get(name))
    if annotation is None:
        return None
    home = ev.find(annotation, owner)
    if home is None:
        return None
    why = f"{name}.{attr} of the {annotation} passed in"
    if annotation in home.imports and annotation not in home.assigns:
        target = home.imports[annotation]
        module, _, klass = target.rpartition(".")
        if not module or module.endswith("."):
            return None
        # `from .config import Settings`: link reads the class attribute "Settings.model" there.
        return OneOf(why, loc, (Ref(module, f"{klass}.{attr}", ev.abspath, loc),))
    bound = home.assigns.get(annotation, [])
    if len(bound) != 1 or not (isinstance(bound[0], Binding) and bound[0].what == "class"):
        return None
    klass_scope = next((s for s in ev.all_scopes if s.parent is home and s.kind == "class" and s.name.rsplit(".", 1)[-1] == annotation), None)
    if klass_scope is None or attr not in klass_scope.assigns:
        return None
    return OneOf(why, loc, (ev.name(attr, klass_scope, depth + 1, loc),))


def _class_named(annotation: Optional[ast.expr]) -> Optional[str]:
    """The class an annotation names: `Settings`, `"Settings"`, `Optional[Settings]`, `Settings | None`."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str) and annotation.value.isidentifier():
        return annotation.value
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, ast.Name) and annotation.value.id == "Optional":
        return _class_named(annotation.slice)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [s for s in (annotation.left, annotation.right) if not (isinstance(s, ast.Constant) and s.value is None)]
        return _class_named(sides[0]) if len(sides) == 1 else None
    if isinstance(annotation, ast.Name) and annotation.id[:1].isupper():
        return annotation.id
    return None


def looked_up(ev, node: ast.Call, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    """`TABLE.get(tier, fallback)` with a run-time key on a written table: any of its values,
    or the fallback (`.get(tier)` alone may also give None, which sends no model)."""
    func = node.func
    args = positional(node)
    if not (isinstance(func, ast.Attribute) and func.attr == "get" and 1 <= len(args) <= 2 and len(args) == len(node.args) and not node.keywords):
        return None
    key = ev.value(args[0], scope, depth + 1)
    if not (isinstance(key, (Unknown, Param)) or (isinstance(key, Text) and key.dynamic_parts)):
        return None  # a written key: `_fallback` reads `config.get("model", "x")`
    table = ev.value(func.value, scope, depth + 1)
    if not isinstance(table, Mapping) or table.open or not 0 < len(table.entries) <= MAX_TABLE:
        return None
    options = tuple(v for k, v in table.entries if k is not None)
    if len(args) == 2:
        options += (ev.value(args[1], scope, depth + 1),)
    return OneOf("looked up by a run-time key", loc, options)


def is_lookup(expr: ast.expr) -> bool:
    """`return TABLE.get(tier, "x")`: a helper that picks a model from a table of its module
    (another module's `get_model(tier)` reads its options as the helper's constant `name()`)."""
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get"
            and isinstance(expr.func.value, ast.Name) and 1 <= len(expr.args) <= 2 and not expr.keywords)
