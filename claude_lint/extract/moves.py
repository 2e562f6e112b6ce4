"""Values that move after they are written: a `**params` dict edited in place, a tuple
unpacked from a helper of the same file, a helper's returned dict, a dataclass field's
default, a notebook name bound in several cells.

Split from values.py (the Evaluator calls in here at a few points). Each step is bounded
by the Evaluator's depth and by the sizes below; anything not followed stays Unknown.
"""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from claude_lint.extract import helper_places, marked_copies, return_options
from claude_lint.extract.model_guards import guarded, split_op, split_piece
from claude_lint.extract.scopes import Binding, Scope, Unpacked, has_star, keyword, positional
from claude_lint.facts import Loc, Mapping, OneOf, Param, Seq, Text, Transform, Unknown

MAX_DEPTH = 40  # as values.MAX_DEPTH: the Evaluator's depth carries through
MAX_SUBSTITUTE = 2000  # values visited when a helper's parameters are replaced by a caller's arguments
MAX_HELPER_DEPTH = 3  # helpers followed inside helpers
MAX_RETURNS = 8  # a helper with more returns than this is a run-time value, not a list of options

_EDITS = frozenset({"set", "update", "setdefault", "pop", "del"})
_LIST_EDITS = frozenset({"append", "extend"})
MAX_LIST_ITEMS = 256  # items of a list filled in place; more make it unknown


# --- a dict edited in place ---------------------------------------------------------------


def dict_edits_only(edits) -> bool:
    """Is every in-place change of the name one we can apply to a dict?"""
    return bool(edits) and all(kind in _EDITS for kind, _ in edits)


def list_edits_only(edits) -> bool:
    """Is every in-place change of the name an `append` or `extend` (outside a loop)?"""
    return bool(edits) and all(kind in _LIST_EDITS for kind, _ in edits)


def list_fills_only(edits) -> bool:
    """Is every in-place change of the name an `append` or `extend`, some perhaps in a loop, or
    an `insert` behind the list's first item?"""
    return bool(edits) and all(kind in _LIST_EDITS or _filled_in_loop(kind, node) or _behind_head(node) for kind, node in edits)


def _behind_head(node: object) -> bool:
    """`parts.insert(1, "Earlier:")`: an item put at a written index past the first, which the
    list's head (a clock written first, say) keeps, wherever the insert runs."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "insert"
            and len(node.args) == 2 and not node.keywords and isinstance(node.args[0], ast.Constant)
            and type(node.args[0].value) is int and node.args[0].value >= 1)


def _filled_in_loop(kind: str, node: object) -> bool:
    """An `append`/`extend` in a loop (scopes records it as a change it does not follow): how
    many items it adds, and which, is known only at run time."""
    return kind == "other" and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _LIST_EDITS


def filled_list(expr: ast.expr, scope: Scope) -> bool:
    """A return of a local list bound once to a list display and changed only by appends and
    extends outside loops (`messages = []`, `messages.append(...)`): the list it becomes is
    known, so another module's request can send it (`returned_texts`)."""
    if not isinstance(expr, ast.Name) or expr.id in scope.params:
        return False
    bound = scope.assigns.get(expr.id, [])
    return len(bound) == 1 and isinstance(bound[0], ast.List) and list_edits_only(scope.edits.get(expr.id, ()))


def edited(ev, value: object, edits, scope: Scope, depth: int, loc: Optional[Loc]) -> object:
    """A dict after its in-place edits, applied in source order wherever they sit (a
    conditional `params["system"] = s` counts as made: the linter reads code, not runs);
    a list after its appends and extends, the same way."""
    if isinstance(value, Seq) and list_fills_only(edits):
        return _filled(ev, value, edits, scope, depth, loc)
    if not isinstance(value, Mapping):
        return Unknown("changed in place", loc)
    entries = list(value.entries)
    key_locs = list(value.key_locs)
    is_open = value.open
    for kind, node in edits:
        if kind == "set":
            target, new = node
            key = _key(ev, target.slice, scope, depth)
            if key is None:
                return Unknown("changed in place under a key not known statically", loc)
            entries.append((key, guarded(ev, target, value, ev.value(new, scope, depth + 1), scope, depth)))
            _note(ev, key_locs, key, new)
        elif kind in ("del", "pop"):
            removed = node.slice if kind == "del" else next(iter(positional(node)), None)
            key = _key(ev, removed, scope, depth) if removed is not None else None
            if key is None:
                return Unknown("an entry not known statically is removed", loc)
            entries.append((key, Unknown(f"{key} may be removed", ev.loc(node))))
        elif kind == "setdefault":
            args = positional(node)
            key = _key(ev, args[0], scope, depth) if args else None
            if key is None or len(args) < 2:
                return Unknown("changed in place under a key not known statically", loc)
            if is_open or key not in {k for k, _ in entries} and None in {k for k, _ in entries}:
                entries.append((key, Unknown(f"{key} may be set before", ev.loc(args[1]))))
            elif key not in {k for k, _ in entries}:
                entries.append((key, ev.value(args[1], scope, depth + 1)))
                _note(ev, key_locs, key, args[1])
        elif kind == "update":
            if any(isinstance(a, ast.Starred) for a in node.args) or len(node.args) > 1:
                return Unknown("changed in place", loc)
            for arg in node.args:
                other = ev.value(arg, scope, depth + 1)
                if isinstance(other, Mapping):
                    entries.extend(other.entries)
                    key_locs.extend(other.key_locs)
                    is_open = is_open or other.open
                else:
                    entries.append((None, other))  # an update with a dict we cannot see: a spread
            for kw in node.keywords:
                if kw.arg is None:
                    entries.append((None, ev.value(kw.value, scope, depth + 1)))
                else:
                    entries.append((kw.arg, ev.value(kw.value, scope, depth + 1)))
                    _note(ev, key_locs, kw.arg, kw.value)
    return Mapping(tuple(entries), value.loc, is_open, tuple(key_locs))


def _filled(ev, value: Seq, edits, scope: Scope, depth: int, loc: Optional[Loc]) -> object:
    """`messages = []`, then `messages.append({...})` and `messages.extend([...])`: the items in order.
    From the first append in a loop on, the rest is one run-time item: the items before it are
    still the list's known head (a fixed instruction block, then the pages appended per item).
    A list filled only in a loop has no known head: it stays unknown, as a list of one unknown
    message would read as a conversation of one turn, with no breakpoint of its own."""
    items = list(value.items)
    for kind, node in edits:
        if _behind_head(node):
            if not items:
                return Unknown("changed in place", loc)
            # maybe in a loop, maybe past the known items: from its index on, the list is the run's
            items = items[:node.args[0].value] + [Unknown("inserted", ev.loc(node))]  # type: ignore[union-attr]
            break
        if _filled_in_loop(kind, node):
            if not items:
                return Unknown("filled in a loop", loc)
            items.append(Unknown("filled in a loop", ev.loc(node)))
            break
        args = positional(node)
        if len(args) != 1 or node.keywords or len(items) > MAX_LIST_ITEMS:
            return Unknown("changed in place", loc)
        added = ev.value(args[0], scope, depth + 1)
        if kind == "append":
            items.append(added)
        elif isinstance(added, Seq):
            items.extend(added.items)
        else:  # a run-time list (a stored history): the messages before it are still known
            items.append(Unknown("extended with a list not known statically", loc))
    return Seq(tuple(items), value.loc)


def _key(ev, node: ast.expr, scope: Scope, depth: int) -> Optional[str]:
    key = ev.value(node, scope, depth + 1)
    if isinstance(key, Text) and key.is_folded and not key.dynamic_parts:
        return key.literal
    return None


def _note(ev, key_locs: list, key: str, node: ast.AST) -> None:
    at = ev.loc(node)
    if at is not None:
        key_locs.append((key, at))


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
        return child(ev, scope.klass, func.attr, "function") or return_options.inherited(ev, scope.klass, func.attr, child)  # or a base class of this file defines it
    if isinstance(func, ast.Attribute):
        made = instance_of(ev, func.value, scope)
        if made is not None and made[0] is not None and made[1] not in made[0].imports:
            klass = child(ev, made[0], made[1], "class")
            return child(ev, klass, func.attr, "function") if klass is not None else None
    return None


def instance_of(ev, receiver: ast.expr, scope: Scope) -> Optional[Tuple[Optional[Scope], str]]:
    """`P` bound once to `Prompts()`, or `self.context` to `ContextBuilder(...)` in one place:
    the scope that names the class and its name, so `P.system()` runs that class's method
    (the instance's own state is not followed)."""
    if isinstance(receiver, ast.Name):
        owner = ev.find(receiver.id, scope)
        if owner is None or receiver.id in owner.params or receiver.id in owner.imports:
            return None
        bound = [(b, owner) for b in owner.assigns.get(receiver.id, [])]
    elif isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.value.id == scope.self_name and scope.klass is not None:
        bound = [(b, method) for b, method, _ in scope.klass.self_attrs.get(receiver.attr, [])]
    else:
        return None
    if len(bound) != 1 or not isinstance(made := bound[0][0], ast.Call) or not isinstance(made.func, ast.Name):
        return None
    return ev.find(made.func.id, bound[0][1]), made.func.id


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


def returned(ev, call: ast.Call, scope: Scope, depth: int) -> Optional[object]:
    """What a helper of this file returns to this call, with its parameters bound to the
    call's arguments (a OneOf when it has several `return`s); None when the call is not to
    such a helper."""
    if depth > MAX_DEPTH or getattr(ev, "_helper_depth", 0) >= MAX_HELPER_DEPTH:
        return None
    fn = function_scope(ev, call.func, scope)
    if fn is None or not fn.returns or len(fn.returns) > MAX_RETURNS or not isinstance(fn.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    key = (id(fn), "<return>")
    if key in ev._active:
        return Unknown("recursive helper", ev.loc(call))
    ev._active.add(key)
    ev._helper_depth = getattr(ev, "_helper_depth", 0) + 1
    try:
        bound = _arguments(ev, call, fn, scope, depth)
        copied = marked_copies.copied_param(fn)
        if copied is not None and bound is not None and copied in bound:
            # a copy of the caller's list, each item kept or rebuilt from itself; with the
            # breakpoints the copy puts on a role's messages (link applies them to the list)
            role = marked_copies.param_role(fn, copied)
            return bound[copied] if role is None else Transform(marked_copies.MARK_OP + role, bound[copied], ev.loc(call))
        # its run-time parts placed at this call: a clock in the helper is read where it is called
        values = tuple(_substitute(helper_places.placed(ev.value(r, fn, depth + 1), ev.loc(call), scope), fn.name, bound, [0]) for r in fn.returns)
        # Several returns: the value is one of them, known only at run time.
        return values[0] if len(values) == 1 else OneOf(f"one of the {len(values)} returns of {fn.name}", ev.loc(call), values)
    finally:
        ev._helper_depth -= 1
        ev._active.discard(key)


def copied_again(ev, name: str, owner: Scope, bindings: list, loc: Optional[Loc]) -> Optional[object]:
    """A parameter reassigned once, at the top of its function's body, to a helper's copy of
    itself: `messages = self._prepare(messages)`, `messages, tools = self._mark(messages, tools)`.
    What the call sends is the caller's list (the `Param`), as the helper copies (and marks) it.
    The reassignment may be all an `if` at the top does (`if self._supports_cache(model): messages,
    tools = self._apply_cache_control(messages, tools)`): where the provider caches at all, the
    breakpoints are those the copy puts, which is what the caching rules judge. None for any other
    reassignment."""
    found = bindings[0] if len(bindings) == 1 else None
    call, index = (found.value, found.index) if isinstance(found, Unpacked) else (found, None)
    body = getattr(owner.node, "body", None)
    if not isinstance(call, ast.Call) or not isinstance(body, list) or not any(_reassigns(st, call) for st in body):
        return None
    fn = function_scope(ev, call.func, owner)
    if fn is None or not isinstance(fn.node, (ast.FunctionDef, ast.AsyncFunctionDef)) or has_star(call):
        return None
    copied = marked_copies.copied_param(fn, index)
    ordered = [a.arg for a in fn.node.args.posonlyargs + fn.node.args.args]
    if fn.self_name is not None and isinstance(call.func, ast.Attribute):
        ordered = ordered[1:]
    passed = dict(zip(ordered, call.args))
    passed.update((k.arg, k.value) for k in call.keywords)
    if copied is None or not (isinstance(passed.get(copied), ast.Name) and passed[copied].id == name):
        return None
    default = owner.params[name]
    param = Param(owner.name, name, ev.value(default, owner.parent or owner) if default is not None else None, loc)
    role = marked_copies.param_role(fn, copied)
    return param if role is None else Transform(marked_copies.MARK_OP + role, param, ev.loc(call))


def _reassigns(stmt: ast.stmt, call: ast.Call) -> bool:
    """`x = call` at the top of the body, or as the one statement of an `if` there (no `else`)."""
    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1:
        stmt = stmt.body[0]
    return isinstance(stmt, ast.Assign) and stmt.value is call


def _arguments(ev, call: ast.Call, fn: Scope, scope: Scope, depth: int) -> Optional[Dict[str, object]]:
    """Parameter name -> the caller's value; None when `*args`/`**kwargs` hide which is which."""
    if has_star(call):
        return None
    args = fn.node.args
    ordered = [p.arg for p in list(args.posonlyargs) + list(args.args)]
    if fn.self_name is not None and isinstance(call.func, ast.Attribute):
        ordered = ordered[1:]
    out: Dict[str, object] = {}
    for name, arg in zip(ordered, call.args):
        out[name] = ev.value(arg, scope, depth + 1)
    for kw in call.keywords:
        out[kw.arg] = ev.value(kw.value, scope, depth + 1)
    return out


def _substitute(value: object, function: str, bound: Optional[Dict[str, object]], seen: List[int]) -> object:
    """`value` with the helper's parameters replaced: by the caller's argument, by the
    default when the caller passes none, by Unknown when a spread may pass it."""
    seen[0] += 1
    if seen[0] > MAX_SUBSTITUTE:
        return Unknown("too large to follow")
    if isinstance(value, Param) and value.function == function:
        if bound is None:
            return Unknown(f"parameter {value.name} may come from a spread", value.loc)
        return bound.get(value.name, value)
    if isinstance(value, Mapping):
        return Mapping(tuple((k, _substitute(v, function, bound, seen)) for k, v in value.entries), value.loc, value.open, value.key_locs)
    if isinstance(value, Seq):
        return Seq(tuple(_substitute(v, function, bound, seen) for v in value.items), value.loc)
    if isinstance(value, Text) and not value.is_folded:
        return Text(tuple(p if isinstance(p, str) else _text_part(p, function, bound, seen) for p in value.parts), value.loc)
    if isinstance(value, Transform):
        fields = tuple((k, _substitute(v, function, bound, seen)) for k, v in value.fields)
        return replace(value, inner=_substitute(value.inner, function, bound, seen), fields=fields)
    if isinstance(value, OneOf):
        return OneOf(value.why, value.loc, tuple(_substitute(o, function, bound, seen) for o in value.options), default=value.default)
    return value


def _text_part(part: object, function: str, bound: Optional[Dict[str, object]], seen: List[int]) -> object:
    """A text's part with the helper's parameters replaced. A caller's own parameter passed
    straight on stays read where the helper's text reads it: that is where its value
    enters the prompt (CL006 names it when a wrapper's caller binds a loop counter there)."""
    new = _substitute(part, function, bound, seen)
    if isinstance(part, Param) and isinstance(new, Param) and new is not part and part.loc is not None:
        return replace(new, loc=part.loc)
    return new


def unpacked(ev, binding: Unpacked, scope: Scope, depth: int, loc: Optional[Loc]) -> object:
    """One name of `a, b = <tuple>` or `headers, payload = build(...)`."""
    source = binding.value
    if isinstance(source, (ast.Tuple, ast.List)) and len(source.elts) == binding.count:
        element = source.elts[binding.index]
        if isinstance(element, ast.Starred):
            return Unknown("starred", loc)
        return ev.value(element, scope, depth + 1)
    if isinstance(source, ast.Call):
        piece = _split_piece(ev, source, binding, scope, depth, loc)
        if piece is not None:
            return piece
        whole = returned(ev, source, scope, depth + 1)
        if isinstance(whole, Seq) and len(whole.items) == binding.count:
            return whole.items[binding.index]
    return Unknown("unpacked", loc)


def _split_piece(ev, call: ast.Call, binding: Unpacked, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """`provider, model = name.split("/", maxsplit=1)`: a piece of the text, where the split's
    pieces are as many as the names (link settles a text not known here)."""
    func = call.func
    args = [*call.args, *(k.value for k in call.keywords if k.arg == "maxsplit")]
    if not (isinstance(func, ast.Attribute) and func.attr == "split" and len(args) == 2 and len(call.args) + len(call.keywords) == 2
            and all(isinstance(a, ast.Constant) for a in args) and isinstance(args[0].value, str) and args[0].value and args[1].value == binding.count - 1):
        return None
    whole = ev.value(func.value, scope, depth + 1)
    op = split_op(binding.index, binding.count, args[0].value)
    return split_piece(op, whole, loc) if isinstance(whole, Text) else Transform(op, whole, loc)


# --- a dataclass instance of this file ----------------------------------------------------

_DATACLASS_DECORATORS = ("dataclass", "dataclasses.dataclass")
_MODEL_BASES = ("BaseModel", "BaseSettings")


def instance_field(ev, call: ast.Call, attr: str, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """`Settings().model` for a dataclass (or pydantic model) of this file: the argument
    passed for the field, else the class's default."""
    if not isinstance(call.func, ast.Name):
        return None
    owner = ev.find(call.func.id, scope)
    if owner is None:
        return None
    bound = owner.assigns.get(call.func.id, [])
    if len(bound) != 1 or not (isinstance(bound[0], Binding) and bound[0].what == "class"):
        return None
    klass = child(ev, owner, call.func.id, "class")
    if klass is None or not _fields_by_keyword(klass.node):
        return None
    passed = keyword(call, attr)
    if passed is not None:
        return ev.value(passed, scope, depth + 1)
    if call.args or has_star(call) or attr not in klass.assigns:
        return None  # passed positionally or in a spread, or no class-level default
    return ev.name(attr, klass, depth + 1, loc)


def _fields_by_keyword(node) -> bool:
    """A class whose constructor takes its fields by name: a dataclass or a pydantic model."""
    if not isinstance(node, ast.ClassDef):
        return False
    for d in node.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        name = target.id if isinstance(target, ast.Name) else f"{getattr(target.value, 'id', '')}.{target.attr}" if isinstance(target, ast.Attribute) else ""
        if name in _DATACLASS_DECORATORS:
            return True
    for base in node.bases:
        name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
        if name in _MODEL_BASES:
            return True
    return False


# --- a notebook name bound in several cells ----------------------------------------------


def last_before(bindings, loc: Loc) -> Optional[ast.expr]:
    """The last binding written before `loc`, when every binding is a plain value."""
    best: Optional[Tuple[Tuple[int, int], ast.expr]] = None
    for b in bindings:
        if not isinstance(b, ast.expr) or getattr(b, "lineno", None) is None:
            return None
        at = (b.lineno, b.col_offset)
        if at < (loc.row, loc.col - 1) and (best is None or at > best[0]):
            best = (at, b)
    return best[1] if best is not None else None
