"""Values that reach a use through an object's state or a loop: a constructor's parameter kept
in `self` (what this file's constructions of the class pass), a dataclass field read through
an attribute holding an instance built here (`self.config.model`), and the items a `for` loop
runs over. Functions of an `Evaluator` (`ev`), kept apart from it for its size."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Iterator, List, Optional

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.extract import moves
from claude_lint.extract.scopes import Binding, CallRecord, Scope
from claude_lint.extract.walk import same_code
from claude_lint.facts import Loc, Mapping, OneOf, Param, Unknown

# Calls that yield the items of their first argument unchanged, in some order (a progress bar).
SAME_ITEMS = frozenset({"tqdm", "tqdm.tqdm", "tqdm.auto.tqdm", "tqdm.notebook.tqdm", "sorted", "reversed", "list", "tuple"})


def constructed(ev, kept: Param, param: str, klass: Scope, init: Scope, depth: int, loc: Optional[Loc]) -> object:
    """A constructor's parameter kept in `self`: what the constructions of the class in this
    file pass for it, and its default when one of them passes nothing. With no construction
    in sight (or one that passes a spread), the parameter as it is: its default is judged, and
    a construction in another module binds it (link: `Invocation.built`)."""
    short = klass.name.rsplit(".", 1)[-1]
    node = init.node
    # A construction inside the class's own methods (`LLM(model=self.model)`) passes its state on: it decides nothing.
    built = [r for r in _calls_of(ev).get(short, ()) if ev.find(short, r.scope) is klass.parent and not _within(r.scope, klass)]
    if not built or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return kept
    plain = [a.arg for a in (*node.args.posonlyargs, *node.args.args)][1:]
    index = plain.index(param) if param in plain else None
    options = []
    omitted = False
    for record in built[:MAX_OPTIONS]:
        call = record.node
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return kept
        passed = next((k.value for k in call.keywords if k.arg == param), None)
        if passed is None and index is not None and index < len(call.args):
            passed = call.args[index]
        if passed is None:
            omitted = True
        else:
            options.append(ev.value(passed, record.scope, depth + 1))
    if omitted and kept.default is not None:
        options.insert(0, kept.default)
    return OneOf(f"{param} passed to {short}()", loc, tuple(options), kept=kept)


def assigned_often(ev, attr: str, assigned, klass: Scope, depth: int, loc: Optional[Loc]) -> object:
    """`self.model` assigned in several places (a default in `__init__`, a branch's override):
    any of the written values may reach a use, as for a name bound more than once."""
    why = f"self.{attr} is assigned more than once"
    if len(assigned) < 2 or len(assigned) > MAX_OPTIONS or attr in klass.assigns or any(isinstance(v, (Binding, tuple)) for v, _, _ in assigned):
        return Unknown(why, loc)
    key = ("self", id(klass), attr)
    if key in ev._active:
        return Unknown("circular", loc)  # `self.x = self.x + [...]`
    ev._active.add(key)
    try:
        return OneOf(why, loc, tuple(ev.value(value, method, depth + 1) for value, method, _ in assigned))
    finally:
        ev._active.discard(key)


def edited_options(ev, found: object, name: str, owner: Scope, depth: int, loc: Optional[Loc]) -> object:
    """A name bound more than once and changed in place (`kwargs.update(extra)` after either
    branch's dict): each written dict as the edits leave it, so a key an edit may set is not
    read as missing; unknown when an edit cannot be applied to a dict."""
    if ("name", name) not in owner.mutated or not isinstance(found, OneOf) or not any(isinstance(o, Mapping) for o in found.options):
        return found
    edits = owner.edits.get(name, ())
    if not moves.dict_edits_only(edits):
        return Unknown(f"{name} is changed in place", loc)
    return OneOf(found.why, found.loc, tuple(moves.edited(ev, o, edits, owner, depth + 1, loc) if isinstance(o, Mapping) else o for o in found.options))


def _calls_of(ev) -> Dict[str, List[CallRecord]]:
    """The file's calls of a plain name, by name: indexed once per file, for every attribute read."""
    index = getattr(ev, "_calls_by_name", None)
    if index is None:
        index = {}
        for record in ev.all_calls:
            if isinstance(record.node.func, ast.Name):
                index.setdefault(record.node.func.id, []).append(record)
        ev._calls_by_name = index
    return index


def _within(scope: Optional[Scope], klass: Scope) -> bool:
    for _ in range(32):
        if scope is None:
            return False
        if scope is klass:
            return True
        scope = scope.parent
    return False


def held_field(ev, attr: str, field: str, klass: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """`self.config.model` where `self.config = config or ModelConfig()` (or the parameter's
    default is `ModelConfig()`) and ModelConfig is a dataclass of this file: the field of each
    instance the code builds is what the attribute may hold. One built instance is certain;
    beside a value from elsewhere (the caller's `config`) it is one option of a run-time value.
    None when the attribute holds no instance built here."""
    assigned = klass.self_attrs.get(attr, [])
    if len(assigned) != 1 or ("self", attr) in {m for s in ev._children(klass) for m in s.mutated}:
        return None
    value, method, _ = assigned[0]
    if not isinstance(value, ast.expr):
        return None
    built = [c for c in _alternatives(value, method.node) if isinstance(c, ast.Call)]
    options = [moves.instance_field(ev, c, field, method, depth + 1, loc) for c in built[:MAX_OPTIONS]]
    options = [o for o in options if o is not None]
    if not options:
        return None
    if len(options) == 1 and value is built[0]:
        return options[0]
    return OneOf(f"self.{attr} may be built elsewhere", loc, tuple(options))


def same_items(ev, iterable: ast.expr, scope: Scope) -> ast.expr:
    """The collection a loop runs over, through a call that yields its items unchanged
    (`tqdm([...])`, `sorted([...])`)."""
    for _ in range(3):
        if not (isinstance(iterable, ast.Call) and iterable.args and not isinstance(iterable.args[0], ast.Starred)):
            break
        if (ev.qualname(iterable.func, scope) or "") not in SAME_ITEMS:
            break
        iterable = iterable.args[0]
    return iterable


def _alternatives(expr: ast.expr, function: object, depth: int = 0) -> Iterator[ast.expr]:
    """The expressions a value may come from: either side of `a or b` and `a if c else b`, and the
    default of a parameter of `function` named there."""
    if depth > 4:
        return
    if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
        for v in expr.values:
            yield from _alternatives(v, function, depth + 1)
    elif isinstance(expr, ast.IfExp):
        yield from _alternatives(expr.body, function, depth + 1)
        yield from _alternatives(expr.orelse, function, depth + 1)
    elif isinstance(expr, ast.Name) and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        a = function.args
        plain = [*a.posonlyargs, *a.args]
        pairs = list(zip(plain[len(plain) - len(a.defaults):], a.defaults)) + [(k, d) for k, d in zip(a.kwonlyargs, a.kw_defaults) if d is not None]
        for arg, default in pairs:
            if arg.arg == expr.id:
                yield from _alternatives(default, None, depth + 1)
    else:
        yield expr


def attribute_guard(node: ast.IfExp) -> bool:
    """`x.a if hasattr(x, "a") else ...`: the test only asks whether the body's attribute exists."""
    test, body = node.test, node.body
    return (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "hasattr" and len(test.args) == 2
            and not test.keywords and isinstance(test.args[1], ast.Constant) and isinstance(body, ast.Attribute)
            and body.attr == test.args[1].value and same_code(body.value, test.args[0]))
