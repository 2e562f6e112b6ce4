"""A registry of the project's wrapper objects handed to a class's constructor, for phase 2
(`Finder.table`): `agents[a["id"]] = Agent(...)` then `Executor(agents)`. The class's own
file (which imports nothing of the project: the caller hands the objects in) keeps them,
`self.agents = agents`, and calls a method of an entry, `self.agents[k].run(...)`; no byte
of it names the wrapper class. The caller says which class it is, so the rounds ask the
file defining the holder class about that class's wrapper methods (`HOLDER` + its name, an
entry of `WrapperTable.instances` whose classes are the registry's). A one-word method of
one class (`run`) is no handed name (every file calling `.run(` would be read); here only
the file defining the holder class is, and only when the caller hands it such objects."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, FrozenSet, List, Tuple

from claude_lint.extract.chains import called_name
from claude_lint.extract.scopes import Scope
from claude_lint.extract.wrapper_shapes import HOLDER, MAX_CLASSES, last
from claude_lint.facts import Callee

MAX_ARGUMENTS = 8  # arguments of one constructor call looked at
_FILLED = (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.DictComp, ast.ListComp)


def holders(finder, classes: FrozenSet[str]) -> List[Tuple[str, Tuple[Callee, ...]]]:
    """(HOLDER + class name, the wrapper classes of the registry its constructor is handed),
    for each call of a class (by convention, a capitalised name) handed a collection of
    instances of `classes` (the other files' wrapper classes this file names): a literal,
    a comprehension, or a name bound once to one and filled by item (`agents[k] = Agent()`,
    `agents.append(Agent())`)."""
    if not classes:
        return []
    found: Dict[str, List[Callee]] = {}
    for record in finder.c.calls:
        node = record.node
        name = called_name(node.func)
        if not name[:1].isupper() or not (node.args or node.keywords):
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)][:MAX_ARGUMENTS]:
            for k in _entry_classes(finder, arg, record.scope):
                if not k.method and last(k.target) in classes and k not in found.setdefault(name, []):
                    found[name].append(k)
    return [(HOLDER + name, tuple(ks[:MAX_CLASSES])) for name, ks in sorted(found.items()) if ks]


def _entry_classes(finder, arg: ast.expr, scope: Scope) -> List[Callee]:
    if isinstance(arg, ast.Starred):
        return []
    items = _items(finder, arg, scope)
    if not items and isinstance(arg, ast.Name):
        owner = finder.ev.find(arg.id, scope)
        bound = owner.assigns.get(arg.id, []) if owner is not None and owner.kind != "class" else []
        if len(bound) == 1 and isinstance(bound[0], _FILLED):
            items = _items(finder, bound[0], owner) + _filled(owner, arg.id)
    out: List[Callee] = []
    for value, where in items[:MAX_CLASSES]:
        out.extend(k for k in finder.classes_of(value, where, 0) if k not in out)
    return out


def _items(finder, value: ast.expr, scope: Scope) -> List[Tuple[ast.expr, Scope]]:
    if isinstance(value, ast.Dict):
        return [(v, scope) for v in value.values if v is not None]
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return [(e, scope) for e in value.elts if not isinstance(e, ast.Starred)]
    if isinstance(value, (ast.DictComp, ast.ListComp)):
        inner = finder.c.scopes_by_node.get(value) or scope
        return [(value.value if isinstance(value, ast.DictComp) else value.elt, inner)]
    return []


def _filled(owner: Scope, name: str) -> List[Tuple[ast.expr, Scope]]:
    """What the function puts in the collection by item: `x[k] = v`, `x.append(v)`, `x.setdefault(k, v)`."""
    out: List[Tuple[ast.expr, Scope]] = []
    for kind, node in owner.edits.get(name, ()):
        if kind == "set" and isinstance(node, tuple) and isinstance(node[1], ast.expr):
            out.append((node[1], owner))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if node.func.attr == "append":
                out.append((node.args[0], owner))
            elif node.func.attr == "setdefault" and len(node.args) == 2:
                out.append((node.args[1], owner))
    return out
