"""A module global built on first use, in a function that declares it global:

    graph = None

    def initialize():
        global graph
        graph = create_graph()          # the one value it is built from
        return tools, graph

    async def run(query):
        global graph
        if graph is None:
            tools, graph = initialize()   # set again by the function that built it
        async for event in graph.astream({"question": query}): ...

Every run uses what `create_graph()` made, though no scope binds the name once (`made_models`
follows a name bound once). Read from the file's scopes alone."""
from __future__ import annotations

import ast
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from claude_lint.extract.bindings import Binding, Scope, Unpacked
from claude_lint.extract.chains import called_name

MAX_SCOPES = 256  # functions of a file looked at for `global` declarations
MAX_SETTERS = 4  # values of one placeholder global followed (`setter_values`)


def global_value(finder, name: str, owner: Scope) -> Optional[Tuple[ast.expr, Scope]]:
    """The one value (and its scope) the module global `name` is built from, when `owner`
    (the scope a read finds it in) is the module or a function declaring it global, and
    every other binding is the module's `None`, a `global` declaration, or an unpacked call
    of a function that sets it itself; None otherwise."""
    setters = _setters(finder).get(name)
    module = finder.c.module
    if not setters or owner is not module and owner not in setters:
        return None
    values: List[Tuple[object, Scope]] = []
    for scope in [module, *setters]:
        for bound in scope.assigns.get(name, []):
            if type(bound) is Binding and bound.what == "global" or isinstance(bound, ast.Constant) and bound.value is None:
                continue
            if isinstance(bound, Unpacked) and isinstance(bound.value, ast.Call) and _sets_it(finder, bound.value, setters):
                continue  # `tools, graph = initialize()`: what initialize built and set
            values.append((bound, scope))
            if len(values) > 1:
                return None
    return values[0] if values and isinstance(values[0][0], ast.expr) else None  # type: ignore[return-value]


def _setters(finder) -> Dict[str, List[Scope]]:
    """Module global name -> the functions of the file that declare it global (once per file)."""
    found = finder.__dict__.get("_global_setters")
    if found is None:
        found = {}
        for d in list(finder.defs.values())[:MAX_SCOPES]:
            for name, bound in d.assigns.items():
                if d.kind == "function" and any(type(b) is Binding and b.what == "global" for b in bound):
                    found.setdefault(name, []).append(d)
        finder._global_setters = found
    return found


def _sets_it(finder, call: ast.Call, setters: List[Scope]) -> bool:
    """A call of a module-level function of the file that is one of the global's setters."""
    if not isinstance(call.func, ast.Name):
        return False
    name = called_name(call.func)
    return any(d.parent is finder.c.module and d.name == name for d in setters)


def setter_values(finder, name: str) -> List[Tuple[ast.expr, Scope]]:
    """The values the functions declaring the module global `name` set it to, when the module
    itself binds it only to `None` (a placeholder: `graph = None`, then `global graph; graph =
    builder.compile()` in `main()` and in `serve()`); [] otherwise. At most MAX_SETTERS."""
    module = finder.c.module
    placeholders = module.assigns.get(name, [])
    if not placeholders or not all(isinstance(b, ast.Constant) and b.value is None for b in placeholders):
        return []
    values: List[Tuple[ast.expr, Scope]] = []
    for scope in _setters(finder).get(name, ())[:MAX_SETTERS]:
        for bound in scope.assigns.get(name, []):
            if isinstance(bound, ast.expr) and not (isinstance(bound, ast.Constant) and bound.value is None):
                values.append((bound, scope))
    return values[:MAX_SETTERS]
