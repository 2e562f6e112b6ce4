"""A tool loop whose tools are a demo's stubs: every tool call the loop answers goes, by the
tool's name, to a function of the file that computes its answer from literals and its own
inputs (`get_weather` looking a city up in a dict it writes, a calculator's arithmetic). Such
a round adds the model's short tool call and a short answer, not a file or a page: nothing
says the conversation of one request ever reaches a cache minimum (CL011, `History.stubbed`).

Read conservatively: a dispatch this module cannot follow to the file's functions (a method
of another object, `getattr`, an import), or a function calling anything beyond plain value
work (a file, a process, the network, another object's method), makes the tools real."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Set

    from claude_lint.extract.bindings import Scope

from claude_lint.extract.chains import called_name
from claude_lint.extract.walk import walk

# Calls that only shape values already at hand: a stub's answer stays as short as its literals.
_VALUE_CALLS = frozenset({
    "print", "str", "int", "float", "bool", "round", "abs", "len", "min", "max", "sum", "sorted", "range", "enumerate",
    "zip", "list", "dict", "tuple", "set", "isinstance", "format", "get", "lower", "upper", "strip", "title",
    "capitalize", "split", "join", "replace", "startswith", "endswith", "items", "keys", "values", "append", "dumps",
    "loads", "randint", "choice", "uniform", "random", "now", "today", "strftime", "isoformat", "eval", "sqrt", "pow",
    "floor", "ceil", "Exception", "ValueError", "KeyError", "TypeError", "strptime", "timedelta", "date",
    "info", "debug", "warning", "error", "exception",  # a logger's: said, not answered
})
# Modules whose functions are plain value work (`json.dumps`, `random.choice`, `math.sqrt`).
_VALUE_MODULES = frozenset({"json", "math", "random", "datetime", "time", "statistics", "decimal", "fractions"})
# What else a loop does with a tool call's name: says it, logs it, files the result under it.
_ASIDE_CALLS = frozenset({"print", "info", "debug", "warning", "error", "exception", "log", "append", "dumps", "format", "get"})
MAX_DEPTH = 3  # functions followed from the dispatch
MAX_NODES = 600  # nodes of one stub read: a longer function is no stub
MAX_HELPERS = 8  # functions of the file the loop calls, read for a dispatch


def stubbed(loop: ast.AST, functions: Dict[str, List[Scope]], module: Scope) -> bool:
    """Does every call in the tool loop that is handed a tool's name (`execute_tool(block.name,
    block.input)`, `runners[block.name](args)`) reach only stubs of the file?"""
    dispatches = _dispatches(loop)
    if not dispatches:
        # `run_tools(reply.content)`: a function of the file the loop hands the reply to dispatches there
        helpers = [functions[n.func.id][0].node for n in walk(loop) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and len(functions.get(n.func.id, ())) == 1]
        dispatches = [d for helper in helpers[:MAX_HELPERS] for d in _dispatches(helper)]
    if not dispatches:
        return False
    seen: Set[int] = set()
    return all(_stub_callee(call.func, functions, module, 0, seen) for call in dispatches)


def _dispatches(node: ast.AST) -> List[ast.Call]:
    return [n for n in walk(node) if isinstance(n, ast.Call) and _by_name(n) and called_name(n.func) not in _ASIDE_CALLS]


def _by_name(call: ast.Call) -> bool:
    handed = [*call.args, *(k.value for k in call.keywords)]
    if isinstance(call.func, ast.Subscript):
        handed.append(call.func.slice)
    return any(isinstance(h, ast.Attribute) and h.attr == "name" for h in handed)


def _stub_callee(func: ast.expr, functions, module: Scope, depth: int, seen: Set[int]) -> bool:
    if isinstance(func, ast.Name):
        defined = functions.get(func.id, [])
        return len(defined) == 1 and _stub(defined[0].node, functions, module, depth, seen)
    if isinstance(func, ast.Subscript):
        # `tool_runners[block.name]`, `TOOLS[name]["function"]`: a module dict of the file's functions or lambdas calling them
        values = _table_values(func, module)
        return values is not None and all(_stub_callee(v, functions, module, depth, seen) if isinstance(v, ast.Name)
                                          else isinstance(v, ast.Lambda) and _stub(v, functions, module, depth, seen) for v in values)
    return False


def _table_values(expr: ast.expr, module: Scope) -> Optional[List[ast.expr]]:
    """What a lookup in a module-level dict literal may give: every value of `RUNNERS[name]`,
    each entry's "function" of `TOOLS[name]["function"]`; None when not such a lookup."""
    if not isinstance(expr, ast.Subscript):
        return None
    if isinstance(expr.value, ast.Name):
        bound = module.assigns.get(expr.value.id, [])
        table = bound[0] if len(bound) == 1 else None
        return list(table.values) if isinstance(table, ast.Dict) and table.values and None not in table.keys else None
    inner = _table_values(expr.value, module)
    if inner is None or not isinstance(expr.slice, ast.Constant):
        return None
    out = []
    for entry in inner:
        value = next((v for k, v in zip(entry.keys, entry.values) if isinstance(k, ast.Constant) and k.value == expr.slice.value), None) if isinstance(entry, ast.Dict) else None
        if value is None:
            return None
        out.append(value)
    return out


def _stub(node: ast.AST, functions, module: Scope, depth: int, seen: Set[int]) -> bool:
    if id(node) in seen:
        return True
    if depth > MAX_DEPTH:
        return False
    seen.add(id(node))
    for count, inner in enumerate(walk(node)):
        if count > MAX_NODES or isinstance(inner, (ast.Await, ast.With, ast.AsyncWith, ast.Global, ast.Nonlocal)):
            return False
        if not isinstance(inner, ast.Call):
            continue
        if isinstance(inner.func, ast.Name) and inner.func.id in functions or isinstance(inner.func, ast.Subscript):
            if not _stub_callee(inner.func, functions, module, depth + 1, seen):
                return False
        elif called_name(inner.func) not in _VALUE_CALLS or not _value_module(inner.func, module):
            return False
    return True


def _value_module(func: ast.expr, module: Scope) -> bool:
    """Is a call's receiver, when it is an imported module, one of plain value work? (`requests.get`
    is a download, `answers.get` a lookup.)"""
    root = func
    while isinstance(root, ast.Attribute):
        root = root.value
    if root is func or not isinstance(root, ast.Name) or root.id not in module.imports:
        return True
    return module.imports[root.id].split(".", 1)[0] in _VALUE_MODULES
