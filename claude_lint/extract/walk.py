"""`ast.walk` and `ast.iter_child_nodes`, in the same order, at about half the cost.

The extractors walk each function several times (scopes, retries, answer evidence,
wrapper parameters); the standard walk spends most of its time in two nested generators
(`iter_fields`, `iter_child_nodes`) per node. Reading `_fields` directly gives the same
nodes in the same breadth-first order, which callers that stop at the first match rely on.

`CHILD_FIELDS` and `LEAVES` serve a walk that reads no leaf (scopes.Collector): it skips
the fields that hold only expression contexts (`Load`, on a third of a tree's nodes) or
operators, and the nodes that hold no node (names and constants, nearly half of them).
"""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List

_AST = ast.AST


class _ChildFields(dict):
    """node type -> its fields less those that hold only contexts or operators."""

    def __missing__(self, kind: type) -> tuple:
        fields = self[kind] = tuple(f for f in kind._fields if f not in ("ctx", "op", "ops"))
        return fields


CHILD_FIELDS = _ChildFields()
LEAVES = frozenset({ast.Name, ast.Constant})


def _add_children(node: ast.AST, append) -> None:
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, _AST):
            append(value)
        elif value.__class__ is list:
            for item in value:
                if isinstance(item, _AST):
                    append(item)


def child_nodes(node: ast.AST) -> List[ast.AST]:
    """The direct children of `node`, in `ast.iter_child_nodes` order."""
    children: List[ast.AST] = []
    _add_children(node, children.append)
    return children


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under `node` (itself first), in `ast.walk` order."""
    # Breadth first by running along a list that grows behind the reader (a list's iterator
    # reads its length at each step), with `_add_children` written out: a call less and a
    # deque pop less per node of every walk, the extractors' commonest loop.
    todo = [node]
    append = todo.append
    for node in todo:
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, _AST):
                append(value)
            elif value.__class__ is list:
                for item in value:
                    if isinstance(item, _AST):
                        append(item)
        yield node


def same_code(a: object, b: object) -> bool:
    """Do two nodes read alike, field by field: what `ast.dump(a) == ast.dump(b)` says,
    without writing the text. (ast.dump's helper is a closure referring to itself: each call
    leaves a reference cycle for the collector. The history finder compares a request's
    callee with the calls around it: on agno-agi/agno, 40,000 dumps, nine tenths of the
    garbage its second phase collected after each file.)"""
    if a.__class__ is not b.__class__:
        return False
    if isinstance(a, _AST):
        for name in a._fields:
            if not same_code(getattr(a, name, None), getattr(b, name, None)):
                return False
        return True
    if a.__class__ is list:
        if len(a) != len(b):  # type: ignore[arg-type]
            return False
        for x, y in zip(a, b):  # type: ignore[call-overload]  (a loop, not `all(...)`: no generator frame per level)
            if not same_code(x, y):
                return False
        return True
    return a == b if a.__class__ is str else a is b or repr(a) == repr(b)  # (ast.dump writes a leaf's repr: 0.0 is not -0.0)
