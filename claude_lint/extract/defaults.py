"""Values the run may supply, with the default the code writes for them: the fallback of
`data.get("max_tokens", 64000)`, `os.getenv("MODEL", "claude-...")` or `os.getenv("MODEL") or
"claude-..."`, `getattr(settings, "MODEL", "claude-...")`, an argparse option's default; also through `int(...)`. The default is what the request carries unless the payload, the environment
or the settings override it, so a rule may judge it, saying "by default"
(`OneOf.default`). Functions of an `Evaluator` (`ev`), kept apart from it for its size."""
from __future__ import annotations

import ast
import math
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.extract import config_values
from claude_lint.extract.bindings import Scope
from claude_lint.facts import Lit, Loc, OneOf, Param, Ref, Seq, Text, Transform, Unknown

# A web request's payload read with `.get(key, default)`: Flask's `request.json` / `args` /
# `form` / `values`, Django's `request.GET` / `POST`, Starlette's `request.query_params`. The
# receiver is an imported object (`from flask import request`), unlike a module's `get` function.
PAYLOADS = frozenset({"json", "args", "form", "values", "GET", "POST", "query_params"})
INT_OP = "int"  # a Transform's op: `int(x)` of a value link resolves (another module's constant)
DJANGO_SETTINGS = "django.conf.settings"  # `getattr(settings, "MODEL", "x")`: x unless the project's settings set MODEL


def fallback(ev, node: ast.Call, qual: str, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """A getter's value (`config_values.getter`), marked as a default when it is the one
    fallback a `.get(key, d)` or `os.getenv(key, d)` writes; `int(...)` of such a value or
    of a written number. None when the call is neither."""
    func = node.func
    if isinstance(func, ast.Name) and func.id == INT_OP and len(node.args) == 1 and not node.keywords and ev.find(INT_OP, scope) is None:
        return _int_of(ev, node.args[0], scope, depth, loc)
    if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) == 3 and not node.keywords and ev.find("getattr", scope) is None:
        name = node.args[1]
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and ev.qualname(node.args[0], scope) == DJANGO_SETTINGS:
            # the project's settings module may set it, else "x"; `getattr(self, "model", "x")` is the object's own
            return OneOf(f"{name.value} read from settings", loc, (ev.value(node.args[2], scope, depth + 1),), default=True)
    if not qual and isinstance(func, ast.Attribute) and func.attr == "pop" and _written_default(node, "", "pop"):
        # `kwargs.pop("max_tokens", 64000)`: a wrapper's keyword the caller may pass, with its default
        key = node.args[0].value
        default = config_values.default_argument(node)
        return OneOf(f"{key} read at run time", loc, (ev.value(default, scope, depth + 1),), default=True)
    payload = qual and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr in PAYLOADS
    found = config_values.getter(ev, node, "" if payload else qual, scope, depth, loc)
    if isinstance(found, OneOf) and len(found.options) == 1 and _written_default(node, "" if payload else qual):
        return replace(found, default=True)
    return found


def _written_default(node: ast.Call, qual: str, method: str = "get") -> bool:
    """`os.getenv("K", d)`, `os.environ.get("K", d)`, `x.get("k", d)`, `x.get("k", default=d)`."""
    func = node.func
    if not (qual in config_values.DEFAULT_GETTERS or (not qual and isinstance(func, ast.Attribute) and func.attr == method)):
        return False
    key = node.args[0] if node.args else None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return False
    return config_values.default_argument(node) is not None


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


def either(ev, node: ast.BoolOp, scope: Scope, depth: int, loc: Optional[Loc]) -> OneOf:
    """`a or b or "x"`: any operand may be the value; where every operand but the last is only
    known at run time (`os.getenv("MODEL") or "claude-..."`), the last is the default."""
    options = tuple(ev.value(v, scope, depth + 1) for v in node.values[:MAX_OPTIONS])
    last = options[-1] if options else None
    # `os.getenv("MODEL")` is a Ref until link finds it is no value of the project: `Call.written` checks.
    default = isinstance(last, (Lit, Text)) and len(options) == len(node.values) and all(type(o) in (Unknown, Ref) for o in options[:-1])
    return OneOf("or", loc, options, default=default)


def cli_option(ev, attr: str, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    """`args.model` in a file that defines `--model` with argparse: what the user passes, else
    its written default (the default when no `choices` are written), one of its `choices`."""
    if ev._cli is None:
        ev._cli = {}
        module = ev.module_scope.node
        if "add_argument" in ev.positions.text and module is not None:
            for node in ast.walk(module):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                    _note_cli_option(ev, node, depth)
    found = ev._cli.get(attr)
    return replace(found, loc=loc) if found is not None else None


def _note_cli_option(ev, node: ast.Call, depth: int) -> None:
    flags = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    dest = keywords.get("dest")
    if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
        name = dest.value
    else:
        long = [f for f in flags if f.startswith("--")]
        name = (long[0] if long else flags[0] if flags else "").lstrip("-").replace("-", "_")
    if not name.isidentifier():
        return
    written = []
    if "default" in keywords:
        default = ev.value(keywords["default"], ev.module_scope, depth + 1)
        kind = keywords.get("type")
        # argparse passes a string default through `type`: `default="64000", type=int` is 64000
        written.append(as_int(default, default.loc) if isinstance(kind, ast.Name) and kind.id == INT_OP and isinstance(default, Text) else default)
    choices = ev.value(keywords["choices"], ev.module_scope, depth + 1) if "choices" in keywords else None
    if isinstance(choices, Seq):
        written.extend(choices.items[:MAX_OPTIONS])
    if written:
        ev._cli[name] = OneOf(f"--{name} given on the command line", None, tuple(written), default=len(written) == 1 and "default" in keywords)
