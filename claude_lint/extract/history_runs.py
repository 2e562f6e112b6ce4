"""An object's history that lives for one capped run: a method starts the list afresh, then
calls the method that sends it from a loop with a step cap (an agent's `execute(task)`:
`self.history = [task]`, then `for step in range(max_steps): self._ask()`). The object
outlives the run, the list does not: each run resends at most its cap's steps."""
from __future__ import annotations

import ast

from claude_lint.extract import loops
from claude_lint.extract.walk import walk

# A class's methods read for the calls of the sender: enough for a large agent class.
_MAX_NODES = 20000


def run_cap(attr: str, sender, methods, edits) -> str:
    """The step cap bounding `self.<attr>` when every call of the sender (`sender`, a method
    scope) is made from a capped loop that follows a reset of the list in the same method;
    "" otherwise. `edits`: the list's (event, kind) pairs outside `__init__`."""
    name = sender.name.rsplit(".", 1)[-1]
    resets = {}
    for e, kind in edits:
        if kind == "reset" and e.scope.node is not None:
            resets.setdefault(id(e.scope.node), []).append(getattr(e.node, "lineno", 0))
    caps, seen = [], 0
    for method in methods:
        node = method.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node is sender.node:
            continue
        for call in walk(node):
            seen += 1
            if seen > _MAX_NODES:
                return ""
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == name
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == method.self_name):
                continue
            cap = _capped_after_reset(node, call, resets.get(id(node), []))
            if not cap:
                return ""  # a call of the sender outside a fresh capped run: the list may carry over
            caps.append(cap)
    return caps[0] if caps else ""


def _capped_after_reset(method: ast.AST, call: ast.Call, reset_rows) -> str:
    """The cap of the innermost loop around `call` in `method`, when the list is reset in
    `method` before that loop starts (and not inside it: that would be a reset per step)."""
    around = [n for n in walk(method) if isinstance(n, (ast.For, ast.AsyncFor, ast.While)) and any(c is call for c in walk(n))]
    if not around:
        return ""
    loop = max(around, key=lambda n: n.lineno)
    if not any(row < loop.lineno for row in reset_rows):
        return ""
    return loops.bound(loop)
