"""The values a loop's name may take when the loop runs over a collection written in the
file: `for fn in [self.a, self.b]`, `for n, fn in [(1, self.a), (2, self.b)]`, `for name,
fn in STEPS.items()`. A pipeline's stages, a list of checks, handlers by name: the function
called in the loop's body is one of the listed ones, so each listed one that makes a
request is a request of that call."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, List, Optional, Tuple

from claude_lint.extract.bindings import Binding, Looped, Scope

MAX_ITEMS = 16  # items of one collection looked at
MAX_HOPS = 3  # names followed back to the collection


class LoopedItem(Binding):
    """One name of a tuple a `for` loop unpacks: `for n, fn in stages` binds `fn` to item 1 of
    each element of `stages`. Read as a plain unpacked name (`what`) by everything else."""

    def __init__(self, iterable: ast.expr, index: int, count: int):
        super().__init__("unpacked")
        self.iterable = iterable
        self.index = index
        self.count = count


def loop_bindings(target: ast.expr, iterable: ast.expr) -> List[Tuple[ast.expr, Binding]]:
    """What a `for` loop binds its target to: a plain name each item (`Looped`), each name
    of a tuple of plain names an item of each element (`for n, fn in stages`), anything
    else an unknown binding (unpacked by `_bind_target`)."""
    if isinstance(target, ast.Name):
        return [(target, Looped(iterable))]
    if isinstance(target, ast.Tuple) and all(type(e) is ast.Name for e in target.elts):
        return [(e, LoopedItem(iterable, i, len(target.elts))) for i, e in enumerate(target.elts)]
    return [(target, Binding("for"))]


if TYPE_CHECKING:
    Finder = Callable[[str, Scope], Optional[Scope]]
    SelfAttrs = Callable[[ast.Attribute, Scope], Optional[List[Tuple[ast.expr, Scope]]]]


def looped_values(binding: object, scope: Scope, find: Finder, self_attr: SelfAttrs) -> List[Tuple[ast.expr, Scope]]:
    """The expressions (with the scope to read each in) a loop's name may hold, when every
    item of the collection is written in the file; [] when not known."""
    if isinstance(binding, Looped):
        index, count = None, 0
    elif isinstance(binding, LoopedItem):
        index, count = binding.index, binding.count
    else:
        return []
    iterable: Optional[ast.expr] = binding.iterable  # type: ignore[attr-defined]
    where = scope
    pairs = False  # a dict's `.items()`: (key, value)
    values = False  # a dict's `.values()`
    for _ in range(MAX_HOPS + 1):
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and iterable.func.attr in ("items", "values") and not iterable.args:
            if pairs or values:
                return []
            pairs, values = iterable.func.attr == "items", iterable.func.attr == "values"
            iterable = iterable.func.value
            continue
        if isinstance(iterable, ast.Name):
            owner = find(iterable.id, where)
            bound = owner.assigns.get(iterable.id, []) if owner is not None else []
            if owner is None or len(bound) != 1 or not isinstance(bound[0], ast.expr):
                return []
            iterable, where = bound[0], owner
            continue
        if isinstance(iterable, ast.Attribute):
            found = self_attr(iterable, where)
            if not found or len(found) != 1:
                return []
            iterable, where = found[0]
            continue
        break
    if isinstance(iterable, ast.Dict):
        if pairs and index is not None and count == 2:
            items = list(iterable.keys if index == 0 else iterable.values)
        elif values and index is None:
            items = list(iterable.values)
        else:
            return []  # a dict itself gives its keys; its values unpacked are not read
        return [(v, where) for v in items[:MAX_ITEMS] if v is not None]
    if pairs or not isinstance(iterable, (ast.List, ast.Tuple)):
        return []
    out: List[Tuple[ast.expr, Scope]] = []
    for e in iterable.elts[:MAX_ITEMS]:
        if index is None:
            out.append((e, where))
        elif isinstance(e, (ast.Tuple, ast.List)) and len(e.elts) == count:
            out.append((e.elts[index], where))
        else:
            return []  # an element not written as a tuple of that size: not known
    return out


class LoopCallees:
    """The functions a loop's name may be, for `CalleeFinder` (a mixin of it)."""

    def looped_functions(self, bound: list, owner: Scope) -> List[Tuple[ast.expr, Scope]]:
        """The functions or methods (names, attributes) a loop's name may hold: the items of a
        collection written in the file; [] unless every item is one."""
        if len(bound) != 1 or not isinstance(bound[0], (Looped, LoopedItem)):
            return []
        items = looped_values(bound[0], owner, self.ev.find, self._self_attr_values)  # type: ignore[attr-defined]
        return items if items and all(isinstance(v, (ast.Name, ast.Attribute)) for v, _ in items) else []

    def _self_attr_values(self, attr: ast.Attribute, scope: Scope) -> Optional[List[Tuple[ast.expr, Scope]]]:
        me = self._self_of(scope)  # type: ignore[attr-defined]
        if me is None or not isinstance(attr.value, ast.Name) or attr.value.id != me[0]:
            return None
        return [(v, method) for v, method, _ in me[1].self_attrs.get(attr.attr, []) if isinstance(v, ast.expr)]
