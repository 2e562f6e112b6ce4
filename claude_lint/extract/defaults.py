"""Values the run may supply, with the default the code writes for them: the fallback of
`data.get("max_tokens", 64000)` or `os.getenv("MODEL", "claude-...")`, also through
`int(...)`. The default is what the request carries unless the payload, the environment
or the settings override it, so a rule may judge it, saying "by default"
(`OneOf.default`). Functions of an `Evaluator` (`ev`), kept apart from it for its size."""
from __future__ import annotations

import ast
import math
from dataclasses import replace
from typing import Optional

from claude_lint.extract import config_values
from claude_lint.extract.bindings import Scope
from claude_lint.facts import Lit, Loc, OneOf, Param, Ref, Text, Transform

INT_OP = "int"  # a Transform's op: `int(x)` of a value link resolves (another module's constant)


def fallback(ev, node: ast.Call, qual: str, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """A getter's value (`config_values.getter`), marked as a default when it is the one
    fallback a `.get(key, d)` or `os.getenv(key, d)` writes; `int(...)` of such a value or
    of a written number. None when the call is neither."""
    func = node.func
    if isinstance(func, ast.Name) and func.id == INT_OP and len(node.args) == 1 and not node.keywords and ev.find(INT_OP, scope) is None:
        return _int_of(ev, node.args[0], scope, depth, loc)
    found = config_values.getter(ev, node, qual, scope, depth, loc)
    if isinstance(found, OneOf) and len(found.options) == 1 and _written_default(node, qual):
        return replace(found, default=True)
    return found


def _written_default(node: ast.Call, qual: str) -> bool:
    """`os.getenv("K", d)`, `os.environ.get("K", d)`, `x.get("k", d)`, `x.get("k", default=d)`."""
    func = node.func
    if not (qual in config_values.DEFAULT_GETTERS or (not qual and isinstance(func, ast.Attribute) and func.attr == "get")):
        return False
    key = node.args[0] if node.args else None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return False
    return len(node.args) == 2 and not node.keywords or len(node.args) == 1 and [k.arg for k in node.keywords] == ["default"]


def _int_of(ev, arg: ast.expr, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """`int(x)`: a written number as an integer, and a default's option converted; None (the
    call stays unknown) for anything else."""
    value = ev.value(arg, scope, depth + 1)
    if isinstance(value, OneOf) and value.default:
        return replace(value, options=tuple(as_int(o, loc) for o in value.options), loc=loc)
    converted = as_int(value, loc)
    return converted if isinstance(converted, (Lit, Transform)) else None


def as_int(value: object, loc: Optional[Loc]) -> object:
    """What `int(value)` gives: a Lit for a written integer or numeric text, a Transform for
    a value only link knows (another module's constant), else the value unconverted (unknown
    to a rule that wants an integer)."""
    if isinstance(value, Lit) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool) and math.isfinite(value.value):
        return Lit(int(value.value), value.loc)
    if isinstance(value, Text) and value.is_folded and not value.dynamic_parts:
        digits = value.literal.strip()
        if digits.isdigit() and len(digits) <= 12:
            return Lit(int(digits), value.loc)
    if isinstance(value, (Ref, Param)):
        return Transform(INT_OP, value, loc)
    return value
