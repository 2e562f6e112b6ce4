"""`ast.walk` and `ast.iter_child_nodes`, in the same order, at about half the cost.

The extractors walk each function several times (scopes, retries, answer evidence,
wrapper parameters); the standard walk spends most of its time in two nested generators
(`iter_fields`, `iter_child_nodes`) per node. Reading `_fields` directly gives the same
nodes in the same breadth-first order, which callers that stop at the first match rely on.
"""
from __future__ import annotations

import ast
from collections import deque
from typing import Iterator, List

_AST = ast.AST


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
    todo = deque((node,))
    pop, append = todo.popleft, todo.append
    while todo:
        node = pop()
        _add_children(node, append)
        yield node
