"""Retry handlers around a request: an `except` that sends the same request again.

Two shapes reissue a request from its own error handler: the handler calls the enclosing
function again (recursion), or the request sits in a `while` loop that the success path
leaves and the handler does not (it sleeps and goes round again). Either is unbounded
when nothing counts the attempts: no argument of the recursive call changes by
arithmetic, names an attempt count or is a name the function counts and compares, no counter of the loop is compared, and the handler
neither raises, returns nor breaks. A recursive call that cannot bind the function's
required parameters raises TypeError instead of retrying.
"""
from __future__ import annotations

import ast
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional

from claude_lint.extract.chains import called_name
from claude_lint.extract.walk import child_nodes, walk
from claude_lint.facts import Retry
from claude_lint.patterns import lazy

# Keyword names that carry an attempt count through a recursive retry.
_COUNT_WORDS = lazy(r"retr|attempt|tries|depth|count|remaining|max_|left", re.IGNORECASE)
MAX_FUNCTION_NODES = 20_000  # a larger function is not searched (bounded work per call)


def parents_of(function: ast.AST) -> Optional[Dict[int, ast.AST]]:
    parents: Dict[int, ast.AST] = {}
    for node in walk(function):
        for child in child_nodes(node):
            parents[id(child)] = node
        if len(parents) > MAX_FUNCTION_NODES:
            return None
    return parents


def unbounded_retry(call: ast.AST, function: ast.AST, parents: Dict[int, ast.AST], loc_of) -> Optional[Retry]:
    """The handler that reissues `call` with no attempt bound, if there is one."""
    name = getattr(function, "name", None)
    child, node = call, parents.get(id(call))
    while node is not None and node is not function:
        if isinstance(node, ast.Try) and any(child is s for s in node.body):
            for handler in node.handlers:
                if _recursion(handler, name, function):
                    return Retry("recursion", loc_of(handler), _caught(handler))
                loop = _enclosing_while(node, parents, function)
                if loop is not None and _loops_again(handler, node, loop):
                    return Retry("loop", loc_of(handler), _caught(handler))
        child, node = node, parents.get(id(node))
    return None


def _caught(handler: ast.ExceptHandler) -> str:
    if handler.type is None:
        return "any exception"
    return ast.unparse(handler.type) if hasattr(ast, "unparse") else "an exception"


def _recursion(handler: ast.ExceptHandler, name: Optional[str], function: ast.AST) -> bool:
    if not name:
        return False
    for node in walk(handler):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        same = (isinstance(func, ast.Name) and func.id == name) or (
            isinstance(func, ast.Attribute) and func.attr == name and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"))
        if not same or not _binds(function, node):
            continue
        counted = any(isinstance(a, ast.BinOp) for a in node.args) or any(
            isinstance(k.value, ast.BinOp) or (k.arg is not None and _COUNT_WORDS.search(k.arg)) for k in node.keywords)
        if not counted and not _counter_passed(node, function):
            return True
    return False


def _counter_passed(call: ast.Call, function: ast.AST) -> bool:
    """Does the recursive call pass on a name the function counts (`i += 1`, `n = n + 1`) and
    compares (`if i > 3: return`): the attempt count, under any name?"""
    passed = {a.id for a in call.args if isinstance(a, ast.Name)} | {k.value.id for k in call.keywords if isinstance(k.value, ast.Name)}
    if not passed:
        return False
    counted, compared = set(), set()
    for n in walk(function):
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            counted.add(n.target.id)
        elif isinstance(n, ast.Assign) and isinstance(n.value, ast.BinOp):
            counted.update(t.id for t in n.targets if isinstance(t, ast.Name))
        elif isinstance(n, ast.Compare):
            compared.update(x.id for x in walk(n) if isinstance(x, ast.Name))
    return bool(passed & counted & compared)


def _binds(function: ast.AST, call: ast.Call) -> bool:
    """Whether `call` can bind `function`'s parameters: a recursive call that leaves a
    required parameter out raises TypeError in the handler and never reissues the request."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return True
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return True  # unpacked arguments: their number is not known
    params = function.args
    positional = params.posonlyargs + params.args
    static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list)
    if isinstance(call.func, ast.Attribute) and positional and not static:
        positional = positional[1:]  # self or cls, bound by the attribute
    if len(call.args) > len(positional) and params.vararg is None:
        return False
    named = {k.arg for k in call.keywords}
    required = positional[:len(positional) - len(params.defaults)] if params.defaults else positional
    if any(i >= len(call.args) and p.arg not in named for i, p in enumerate(required)):
        return False
    return all(p.arg in named for p, default in zip(params.kwonlyargs, params.kw_defaults) if default is None)


def _enclosing_while(node: ast.AST, parents: Dict[int, ast.AST], function: ast.AST) -> Optional[ast.While]:
    child, up = node, parents.get(id(node))
    while up is not None and up is not function:
        if isinstance(up, (ast.For, ast.AsyncFor)):
            return None  # a for loop ends by itself
        if isinstance(up, ast.While):
            return up if any(child is s for s in up.body) else None
        child, up = up, parents.get(id(up))
    return None


def _loops_again(handler: ast.ExceptHandler, attempt: ast.Try, loop: ast.While) -> bool:
    """The handler goes round the loop again, success leaves it, and nothing counts."""
    if any(isinstance(n, (ast.Raise, ast.Break, ast.Return)) or _exits(n) for n in walk(handler)):
        return False
    if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "input" for n in walk(loop)):
        return False  # each round waits for the user (a chat prompt's loop): a new request, not a retry
    test = loop.test
    flag = test.id if isinstance(test, ast.Name) else None
    if not (isinstance(test, ast.Constant) and test.value is True) and flag is None:
        return False  # a loop condition that compares something may well be the bound
    success = list(attempt.body) + list(attempt.orelse)
    leaves = any(isinstance(n, (ast.Break, ast.Return)) for s in success for n in walk(s))
    if flag is not None:
        leaves = leaves or any(_assigns(n, flag) for s in success for n in walk(s))
        if any(_assigns(n, flag) for n in walk(handler)):
            return False  # the handler may stop the loop
    if not leaves:
        return False  # not a retry: the loop goes on after a success too (polling, a worker)
    counters = {n.target.id for n in walk(loop) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}
    compared = {n.id for c in walk(loop) if isinstance(c, ast.Compare) for n in walk(c) if isinstance(n, ast.Name)}
    return not (counters & compared)


def _assigns(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)


def _exits(node: ast.AST) -> bool:
    """`sys.exit(...)`, `exit(...)`, `os._exit(...)`: the program stops instead of retrying."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = called_name(func)
    return name in ("exit", "_exit", "quit")
