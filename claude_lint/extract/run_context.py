"""A field of a configuration object a LangGraph node is handed or builds at run time, read
as the class's written default (the react-agent templates): `runtime.context.model` where
`runtime: Runtime[Context]`, and `Configuration.from_runnable_config(config).model` or
`Configuration.from_context()` (bound to a name first, or not). The run may pass another
value, so the default is one written option of a run-time value (`OneOf`, `default`)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Optional

    from claude_lint.extract.bindings import Scope
    from claude_lint.facts import Loc

from claude_lint.extract import config_values
from claude_lint.facts import OneOf

RUNTIMES = frozenset({"Runtime"})  # langgraph.runtime.Runtime[Context]: its `.context` is a Context
CONTEXT_ATTRIBUTE = "context"
MADE_FROM = "from_"  # `Configuration.from_runnable_config(config)`: a class's constructor by convention


def field(ev, node: ast.Attribute, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    base = node.value
    klass = None
    if isinstance(base, ast.Attribute) and base.attr == CONTEXT_ATTRIBUTE and isinstance(base.value, ast.Name):
        klass = _runtime_context(ev, base.value.id, scope)
    elif isinstance(base, ast.Call):
        klass = _made_by(ev, base, scope)
    elif isinstance(base, ast.Name):
        owner = ev.find(base.id, scope)
        bound = owner.assigns.get(base.id, []) if owner is not None and base.id not in owner.params else []
        klass = _made_by(ev, bound[0], owner) if len(bound) == 1 and isinstance(bound[0], ast.Call) else None
    if klass is None:
        return None
    found = config_values.class_field(ev, klass, node.attr, scope, f"{klass}.{node.attr} of the run's configuration", depth, loc)
    return OneOf(found.why, found.loc, found.options, default=True) if found is not None else None


def _runtime_context(ev, name: str, scope: Scope) -> Optional[str]:
    """`runtime: Runtime[Context]`, a parameter not rebound: "Context"."""
    owner = ev.find(name, scope)
    if owner is None or name not in owner.params or owner.assigns.get(name):
        return None
    annotation = owner.annotations.get(name)
    if not (isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute))):
        return None
    runtime = annotation.value.id if isinstance(annotation.value, ast.Name) else annotation.value.attr
    inner = annotation.slice
    if runtime not in RUNTIMES:
        return None
    if isinstance(inner, ast.Constant) and isinstance(inner.value, str) and inner.value.isidentifier():
        return inner.value
    return inner.id if isinstance(inner, ast.Name) and inner.id[:1].isupper() else None


def _made_by(ev, call: ast.Call, scope: Scope) -> Optional[str]:
    """`Configuration.from_runnable_config(config)`: "Configuration", a class by its name's case."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr.startswith(MADE_FROM) and isinstance(func.value, ast.Name) and func.value.id[:1].isupper():
        return func.value.id
    return None
