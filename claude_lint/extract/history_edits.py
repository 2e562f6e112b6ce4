"""What an edit of a conversation list does to its growth, read from the syntax alone:
whether a reset is one a user asks for, a `pop` undoes a failed turn, a call only looks at
the list; and a history kept as joined text in a wrapper's prompt. Used by
`python_history.HistoryFinder` and the wrapper finder."""
from __future__ import annotations

import ast
from typing import Optional

from claude_lint.extract.scopes import Scope, keyword
def list_ref(node: ast.expr, key: tuple, self_name: Optional[str]) -> bool:
    if key[0] == "name":
        return isinstance(node, ast.Name) and node.id == key[1]
    return isinstance(node, ast.Attribute) and node.attr == key[1] and isinstance(node.value, ast.Name) and node.value.id == self_name


def mentions(value: ast.expr, key: tuple, self_name: Optional[str]) -> bool:
    return any(list_ref(n, key, self_name) for n in ast.walk(value) if isinstance(n, (ast.Name, ast.Attribute)))


def minus_one(node) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and node.operand.value == 1


def command_test(test: ast.expr) -> bool:
    """A comparison with a short literal word, or a `startswith` of one: a typed command."""
    for n in ast.walk(test):
        if isinstance(n, ast.Compare) and any(isinstance(c, (ast.Constant, ast.Tuple, ast.List, ast.Set)) for c in n.comparators):
            words = [c for c in ast.walk(n) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if words and all(len(w.value) <= 24 for w in words):
                return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "startswith":
            return True
    return False


# Functions handed the list to look at it (log, save, show, count, a listener's `on_...`), not to trim it.
_OBSERVERS = ("print", "log", "debug", "info", "warn", "dump", "save", "write", "display", "render", "show", "emit", "count", "format", "serial", "json", "persist", "store", "export", "notify", "callback", "update_ui", "echo")


def observer(call) -> bool:
    if not isinstance(call, ast.Call):
        return False
    name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id if isinstance(call.func, ast.Name) else ""
    name = name.lower()
    return name.startswith("on_") or any(word in name for word in _OBSERVERS)


_SIZE_WORDS = ("token", "len", "size", "count", "limit", "max")


def size_test(test: ast.expr) -> bool:
    """A test of the list's length or of tokens spent: what decides a reset is the size."""
    for n in ast.walk(test):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len":
            return True
        word = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else ""
        if any(w in word.lower() for w in _SIZE_WORDS):
            return True
    return False


def joined_param(call: ast.Call, scope: Scope, ev, owners, roles) -> Optional[str]:
    """The parameter whose items a request joins into its text (`"\\n".join(previous_results)`
    in the user turn or the system prompt, through local names): a history kept as joined
    text. A growing list the caller passes there is resent whole by every call."""
    for it, sc in joined_lists(call, scope, ev, roles):
        if isinstance(it, ast.Name):
            owner = ev.find(it.id, sc)
            if owner is not None and it.id in owner.params and owner.name in owners:
                return it.id
    return None


def joined_lists(call: ast.Call, scope: Scope, ev, roles):
    """(list expression, its scope) for each list a request joins into the text of its
    `roles` (`"\\n".join(results)`, `"".join(f"..." for m in self.memory)`, through local names)."""
    budget = [200]

    def find(expr: ast.expr, sc: Scope, depth: int):
        if depth > 4:
            return
        for n in ast.walk(expr):
            budget[0] -= 1
            if budget[0] < 0:
                return
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "join" and len(n.args) == 1:
                it = n.args[0]
                if isinstance(it, (ast.GeneratorExp, ast.ListComp)) and len(it.generators) == 1 and not it.generators[0].ifs:
                    it = it.generators[0].iter
                    if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" and len(it.args) == 1:
                        it = it.args[0]
                if isinstance(it, (ast.Name, ast.Attribute)):
                    yield it, sc
            elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                owner = ev.find(n.id, sc)
                bound = owner.assigns.get(n.id, []) if owner is not None and owner.kind == "function" else []
                if len(bound) == 1 and isinstance(bound[0], ast.expr):
                    yield from find(bound[0], owner, depth + 1)

    for name in roles:
        expr = keyword(call, name)
        if expr is not None:
            yield from find(expr, scope, 0)


class Edit:
    """A node and its scope, as `_ancestors` reads an event."""

    def __init__(self, node: ast.AST, scope: Scope):
        self.node, self.scope = node, scope


def empty_test(test: ast.expr, name: str) -> bool:
    """`not history`, `len(history) == 0`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id == name
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        left, right = test.left, test.comparators[0]
        return (isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "len" and len(left.args) == 1
                and isinstance(left.args[0], ast.Name) and left.args[0].id == name and isinstance(right, ast.Constant) and right.value == 0)
    return False


def within(node: ast.AST, body) -> bool:
    return any(node is n for stmt in body for n in ast.walk(stmt))
