"""A helper that copies a messages list and marks a role's messages for caching on the way
(`_apply_cache_control(messages)`: each system message's text becomes a block carrying
`cache_control`). The copy sends the caller's list (`moves.copied_param`) with those
breakpoints, not a list without them: the extractor wraps the caller's value in a
`Transform(MARK_OP + role)`, and link applies `marked` once the list is known."""
from __future__ import annotations

import ast
from typing import Optional

from claude_lint.facts import Loc, Mapping, Seq, Text

MARK_OP = "mark:"  # a Transform's op: MARK_OP + the role whose messages the copy marks
_CACHE_KEYS = ("cache_control",)


def marked_role(loop: ast.For, item: str) -> Optional[str]:
    """The role whose messages the copying loop marks: an `if item["role"] == "system":` (or
    `item.get("role") == ...`) whose branch writes a `cache_control` key. None when none does."""
    for node in ast.walk(loop):
        if isinstance(node, ast.If):
            role = _role_test(node.test, item)
            if role is not None and any(_writes_mark(n) for stmt in node.body for n in ast.walk(stmt)):
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
