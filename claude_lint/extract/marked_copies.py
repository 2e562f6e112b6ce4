"""A helper that copies a messages list and marks a role's messages for caching on the way
(`_apply_cache_control(messages)`: each system message's text becomes a block carrying
`cache_control`). The copy sends the caller's list (`copied_param`) with those
breakpoints, not a list without them: the extractor wraps the caller's value in a
`Transform(MARK_OP + role)`, and link applies `marked` once the list is known."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional

from claude_lint.extract.scopes import Scope, has_star, positional
from claude_lint.extract.walk import walk
from claude_lint.facts import Lit, Loc, Mapping, Seq, Text, Transform

MARK_OP = "mark:"  # a Transform's op: MARK_OP + the role whose messages the copy marks
# A Transform's op for a call of a method a class inherits from another module's class
# (`self._sanitize(messages)`): COPY_OP + "<caller's path>\0<module>\0<Class.method>", its
# inner the call's positional arguments. Link reads that module's COPY_FACT of the method.
COPY_OP = "copy:"
COPY_FACT = "<copy>"  # FileFacts.constants name prefix: the helper's copied argument and the role it marks
_CACHE_KEYS = ("cache_control",)


def marked_role(loop: ast.For, item: str) -> Optional[str]:
    """The role whose messages the copying loop marks: an `if item["role"] == "system":` (or
    `item.get("role") == ...`) whose branch writes a `cache_control` key. None when none does."""
    for node in walk(loop):
        if isinstance(node, ast.If):
            role = _role_test(node.test, item)
            if role is not None and any(_writes_mark(n) for stmt in node.body for n in walk(stmt)):
                return role
    return None


def _role_test(test: ast.expr, item: str) -> Optional[str]:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return None
    sides = (test.left, test.comparators[0])
    role = next((s.value for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, str)), None)
    read = any(_reads_role(s, item) for s in sides)
    return role if read else None


def _reads_role(expr: ast.expr, item: str) -> bool:
    """`item["role"]` or `item.get("role")`."""
    if isinstance(expr, ast.Subscript):
        base, key = expr.value, expr.slice
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and expr.args:
        base, key = expr.func.value, expr.args[0]
    else:
        return False
    return isinstance(base, ast.Name) and base.id == item and isinstance(key, ast.Constant) and key.value == "role"


def _writes_mark(node: ast.AST) -> bool:
    """A dict literal with a `cache_control` key, or `x["cache_control"] = ...`."""
    if isinstance(node, ast.Dict):
        return any(isinstance(k, ast.Constant) and k.value in _CACHE_KEYS for k in node.keys)
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value in _CACHE_KEYS for t in node.targets)
    return False


def marked(messages: object, role: str, loc: Optional[Loc]) -> Optional[Seq]:
    """The list with each `role` message marked as the copy marks it: a text content becomes one
    text block carrying the breakpoint, a list of blocks has its last block carry it. None
    when the list or such a message's content is not known."""
    if not isinstance(messages, Seq):
        return None
    mark = Mapping((("type", Text(("ephemeral",), loc)),), loc)
    items = []
    for item in messages.items:
        if isinstance(item, Mapping) and isinstance(item.get("role"), Text) and item.get("role").literal == role:
            content = item.get("content")
            if isinstance(content, Text):
                blocks = Seq((Mapping((("type", Text(("text",), loc)), ("text", content), ("cache_control", mark)), loc),), loc)
            elif isinstance(content, Seq) and content.items and isinstance(content.items[-1], Mapping):
                last = content.items[-1]
                blocks = Seq(content.items[:-1] + (Mapping(last.entries + (("cache_control", mark),), last.loc, last.open, last.key_locs),), content.loc)
            else:
                return None
            item = Mapping(tuple((k, blocks if k == "content" else v) for k, v in item.entries), item.loc, item.open, item.key_locs)
        items.append(item)
    return Seq(tuple(items), messages.loc)


# --- across modules ----------------------------------------------------------------------


def copy_facts(collector) -> List[tuple]:
    """(COPY_FACT + "Class.method" or "function", Seq(index of the copied argument, role or None))
    for each helper of this file that returns a copy of its argument (`copied_param`)."""
    out = []
    for fn in collector.scopes_by_node.values():
        if fn.kind != "function" or len(fn.returns) != 1 or not isinstance(fn.returns[0], ast.Name) or fn.parent is None:
            continue
        if fn.parent is not collector.module and not (fn.parent.kind == "class" and fn.parent.parent is collector.module):
            continue
        copied = copied_param(fn)
        if copied is None:
            continue
        ordered = [a.arg for a in fn.node.args.posonlyargs + fn.node.args.args][1 if fn.self_name else 0:]
        if copied in ordered:
            out.append((COPY_FACT + fn.name, Seq((Lit(ordered.index(copied)), Lit(param_role(fn, copied))))))
    return out


def inherited_call(ev, call: ast.Call, scope: Scope, depth: int) -> Optional[Transform]:
    """`self.helper(messages)` of a method its class inherits from an imported class: a COPY_OP
    Transform of the arguments, which link settles from that module's facts (its copy, or
    unknown). None for anything else."""
    func, klass = call.func, scope.klass
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == scope.self_name and klass is not None):
        return None
    if func.attr in klass.assigns or has_star(call) or not call.args or not isinstance(klass.node, ast.ClassDef):
        return None
    bases = []
    for base in klass.node.bases:
        head = base.value if isinstance(base, ast.Attribute) else base
        owner = ev.find(head.id, klass.parent) if isinstance(head, ast.Name) else None
        if owner is not None and head.id in owner.imports and head.id not in owner.assigns:
            target = owner.imports[head.id] + (f".{base.attr}" if isinstance(base, ast.Attribute) else "")
            bases.append(target.rpartition("."))
    if len(bases) != 1 or not bases[0][0] or bases[0][0].endswith("."):
        return None
    module, _, name = bases[0]
    args = Seq(tuple(ev.value(a, scope, depth + 1) for a in call.args), ev.loc(call))
    return Transform(f"{COPY_OP}{ev.abspath}\0{module}\0{name}.{func.attr}", args, ev.loc(call))


# --- which helper is a copy --------------------------------------------------------------


def copied_param(fn: Scope, index: Optional[int] = None) -> Optional[str]:
    """The parameter a helper returns a copy of: `out = []`, then only `out.append(item)` in
    a `for m in param:` loop, each item `m` itself or rebuilt from it (`{**m, ...}`, `dict(m)`,
    `{k: v for k, v in m.items() if ...}`). The copy sends what the caller's list holds (a
    sanitiser, a marker of cache breakpoints), not a new run-time list. `index`: the item of
    a returned tuple (`return out, tools`) the caller unpacks."""
    out = fn.returns[0] if len(fn.returns) == 1 else None
    if index is not None:
        out = out.elts[index] if isinstance(out, ast.Tuple) and index < len(out.elts) else None
    if not isinstance(out, ast.Name) or out.id in fn.params:
        return None
    bound, edits = fn.assigns.get(out.id, []), fn.edits.get(out.id, ())
    appends = all(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append" for _, n in edits)
    if len(bound) != 1 or not isinstance(bound[0], ast.List) or bound[0].elts or not edits or not appends:
        return None
    loops = [n for n in walk(fn.node) if isinstance(n, (ast.For, ast.AsyncFor)) and isinstance(n.iter, ast.Name) and n.iter.id in fn.params and isinstance(n.target, ast.Name)]
    if len(loops) != 1:
        return None
    loop = loops[0]
    if not _keeps_each(loop.body, out.id):
        return None
    inside = {id(n) for n in walk(loop)}
    item = loop.target.id
    for _, node in edits:
        args = positional(node)
        if id(node) not in inside or len(args) != 1 or not _rebuilt(args[0], item, fn):
            return None
    return loop.iter.id


def param_role(fn: Scope, param: str) -> Optional[str]:
    loop = next(n for n in walk(fn.node) if isinstance(n, (ast.For, ast.AsyncFor)) and isinstance(n.iter, ast.Name) and n.iter.id == param)
    return marked_role(loop, loop.target.id) if isinstance(loop.target, ast.Name) else None


def _keeps_each(body: List[ast.stmt], out: str) -> bool:
    """Every pass through the loop body appends to `out` before it can skip ahead: no item is dropped."""
    return _flow(body, out) == _KEPT


_KEPT, _DROPPED, _ON = "kept", "dropped", "on"  # a path appended; skipped ahead without; went on without either


def _flow(body: List[ast.stmt], out: str) -> str:
    """How the paths through `body` end for the item: a branch that appends and then skips
    ahead (`out.append(clean); continue`, a sanitiser's early exit) has kept it."""
    for stmt in body:
        if isinstance(stmt, ast.Expr) and isinstance(call := stmt.value, ast.Call) and isinstance(call.func, ast.Attribute) \
                and call.func.attr == "append" and isinstance(call.func.value, ast.Name) and call.func.value.id == out:
            return _KEPT
        if isinstance(stmt, ast.If):
            ends = _flow(stmt.body, out), _flow(stmt.orelse, out)
            if _DROPPED in ends:
                return _DROPPED
            if ends == (_KEPT, _KEPT):
                return _KEPT
        elif _skips([stmt]):
            return _DROPPED
    return _ON


def _skips(body: List[ast.stmt]) -> bool:
    return any(isinstance(n, (ast.Continue, ast.Break, ast.Return, ast.Raise)) for stmt in body for n in walk(stmt))


def _rebuilt(expr: ast.expr, item: str, fn: Scope, names: bool = True) -> bool:
    if isinstance(expr, ast.Name):
        bound = fn.assigns.get(expr.id, [])
        return expr.id == item or (names and bool(bound) and all(isinstance(b, ast.expr) and _rebuilt(b, item, fn, False) for b in bound))
    if isinstance(expr, ast.Dict):  # `{**m, "content": blocks}`
        return any(k is None and isinstance(v, ast.Name) and v.id == item for k, v in zip(expr.keys, expr.values))
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "dict":  # `dict(m)`
        return len(expr.args) == 1 and isinstance(expr.args[0], ast.Name) and expr.args[0].id == item
    if isinstance(expr, ast.DictComp) and len(expr.generators) == 1:  # `{k: v for k, v in m.items() if ...}`
        it = expr.generators[0].iter
        return isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "items" and isinstance(it.func.value, ast.Name) and it.func.value.id == item
    return False
