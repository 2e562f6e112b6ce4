"""A function handed by name to a framework that keeps it and calls it later, with arguments
of its own: a chat bot's handler (`MessageHandler(filters.TEXT, reply)`, `CommandHandler("ask",
self.ask)`), a LangGraph node (`builder.add_node("answer", answer)`), a UI toolkit's event
(`gr.Interface(fn=chat)`). When the function makes requests, the registration is the place the
code decides they are made: a request site reached through it (the report's route names the
registration as the caller). None of the registration's own arguments reaches the function,
and the function's own parameters are the framework's, unknown here.

Only a call of a class (a constructor keeps what it is handed) or of a graph's node adder
counts; a lowercase call handing a function on is read by `InvocationFinder.called` as
running it (`executor.submit(f, x)`, `map(f, xs)`). A reference stored without a call
(`HANDLERS = {"a": f}`) is no site; nor is one handed to a call that only looks at it
(`inspect.signature(f)`, `callable(f)`: lowercase calls, not constructors)."""
from __future__ import annotations

import ast
import re
import sys

from claude_lint.extract.chains import called_name
from claude_lint.extract.wrapper_shapes import sdk_roots
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Iterator, Set, Tuple

REGISTERED = "registered"  # an Invocation's runner: kept by a framework, called later with its own arguments
MAX_REGISTERED = 8  # arguments of one registration looked at
# Calls that only look at a function handed to them, never run it (`inspect.signature(f)`,
# `callable(f)`, `print(f)`, `functools.wraps(f)`): no site.
LOOKS_AT = frozenset({"callable", "id", "repr", "str", "print", "isinstance", "hasattr", "getattr", "setattr", "signature", "getsource",
                      "getdoc", "iscoroutinefunction", "isfunction", "ismethod", "wraps", "update_wrapper", "getfullargspec", "get_type_hints", "type", "hash"})
# Keywords that hand a function to be called (`CommandHandler("ask", callback=ask)`, `gr.Interface(fn=chat)`,
# `Button(on_click=send)`); another keyword may only name it (FastHTML's `Form(hx_post=send)` writes
# the route's path into the page: the request comes to the route, not through the form).
CALLBACK_KEYWORDS = frozenset({"callback", "fn", "func", "function", "handler", "action", "coroutine", "afunc", "target"})
# Classes whose argument is looked at, not kept to be called (`TypeVar("T", bound=f)` is no
# function; a dataclass `Field(default_factory=f)` makes values, not requests), and LangChain's
# `RunnableLambda(f)`, whose `.invoke(x)` is read as the call of f (graph_nodes: no second site;
# kept under a module-level name, it is a registration there: kept_runnables).
NOT_REGISTRATIONS = frozenset({"TypeVar", "NewType", "Field", "ValueError", "TypeError", "RuntimeError", "Exception", "RunnableLambda"})


def registered(finder, record, wanted: Set[str]) -> Iterator[Tuple[tuple, Tuple[int, str]]]:
    """(callees, (argument index, REGISTERED)) for each function of `wanted` a registration
    (`record`, a call of a class or a node adder) is handed by name, positionally or by keyword."""
    node = record.node
    name = called_name(node.func)
    if name in NOT_REGISTRATIONS or name in LOOKS_AT:
        return
    handed = [(i, a) for i, a in enumerate(node.args[:MAX_REGISTERED])]
    handed += [(len(node.args), k.value) for k in node.keywords[:MAX_REGISTERED] if k.arg is not None and (k.arg in CALLBACK_KEYWORDS or k.arg.startswith("on_"))]
    for i, arg in handed:
        if isinstance(arg, ast.Name):
            if arg.id not in wanted and not finder._indirect(arg, record.scope, wanted, called=False):
                continue
        elif not (isinstance(arg, ast.Attribute) and arg.attr in wanted and isinstance(arg.value, ast.Name)):
            continue  # `self.reply`, `bot.reply`: a bound method of a named object
        callees = finder.callees(arg, record.scope, False)
        if callees:
            yield callees, (i, REGISTERED)


def decorated_then_run(finder, record, wanted: Set[str]) -> Iterator[Tuple[tuple, None]]:
    """A call of what a call returns, `app.event("mention")(reply)`, `retry(stop=3)(ask)`, is a
    decorator written as a call: it keeps or wraps the function, never runs it (Slack Bolt
    registers `reply`; no site). Called at once, `retry(stop=3)(ask)(question)`, it runs the
    function it wrapped with this call's arguments: a plain call of it."""
    applied = record.node.func
    if isinstance(applied, ast.Call) and isinstance(applied.func, ast.Call) and applied.args and isinstance(applied.args[0], ast.Name) and (
            applied.args[0].id in wanted or finder._indirect(applied.args[0], record.scope, wanted, called=False)):
        callees = finder.callees(applied.args[0], record.scope, False)
        if callees:
            yield callees, None


# A keyword that names what it is handed a function (`process_item_func=fill`, `fn=step`).
_STEP_KEYWORD = re.compile(r"^(?:fn|func|function|callback)$|_(?:fn|func|function|callback)$")
# (Python 3.9 has no list of its standard modules: the ones whose calls take a function so named)
_STANDARD = getattr(sys, "stdlib_module_names", frozenset({"unittest", "functools", "threading", "concurrent", "asyncio", "multiprocessing", "atexit", "signal"}))


def handed_step(finder, call: ast.Call, passed: ast.keyword, scope) -> bool:
    """A function handed by such a keyword to a function of the project, defined in the file or
    imported from a module that is neither standard nor an SDK's (`run_with_checkpointing_parallel(items,
    process_item_func=fill)`): run by it, as one handed positionally is. Not to `mock.patch(func=f)`."""
    if not (passed.arg and _STEP_KEYWORD.search(passed.arg) and isinstance(call.func, ast.Name)):
        return False
    owner = finder.ev.find(call.func.id, scope)
    if owner is None:
        return False
    target = owner.imports.get(call.func.id)
    if target is None:
        return finder._bound_as(owner, call.func.id, "def")
    root = target.split(".")[0]
    return target.startswith(".") or root not in _STANDARD and root not in sdk_roots()
