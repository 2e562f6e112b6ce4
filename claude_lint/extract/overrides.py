"""Names of another module set from outside it: `import prompts as p; p.SYSTEM = MINE`,
`setattr(p, "SYSTEM", MINE)`, `from pkg import prompts; prompts.SYSTEM = ...`, and a class's
attribute set from outside its body (`from config import Config; Config.MODEL = ...`).

Such a constant is not the one value its module writes: a request of that module sends
whatever the last assignment left there. The assignments are kept in the file's
`FileFacts.constants` under a name no Python name can be (`key`), the value as the
assigning code writes it; `link_overrides` gathers them across the project.
"""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

SET = "<set>"
MAX_OVERRIDES = 64  # per file


def key(target: str, name: str) -> str:
    """target: the dotted module (or `module.Class`) as imported, "" for a class of this file."""
    return f"{SET}{target}:{name}"


def parse(name: str) -> Optional[Tuple[str, str]]:
    """(target, name) of a `key`, None for an ordinary constant's name."""
    if not name.startswith(SET):
        return None
    target, _, attr = name[len(SET):].rpartition(":")
    return target, attr


def found(collector, ev) -> List[Tuple[str, object]]:
    """Every assignment of this file to a name of an imported module or class (`collector.stores`
    has them all, from the one walk) and every `setattr(module, "NAME", value)`."""
    out: List[Tuple[str, object]] = []
    for path, stored in collector.stores.items():
        head, _, rest = path.partition(".")
        if not rest or rest.count(".") > 1:
            continue
        for value, scope in stored:
            target = _target(ev, head, scope, collector.module)
            if target is not None and len(out) < MAX_OVERRIDES:  # a class of this file: its constant is "Class.NAME"
                out.append((key(target, path if target == "" else rest), ev.value(value, scope, 0)))
    for record in collector.calls:
        node = record.node
        func, args = node.func, node.args
        if not (isinstance(func, ast.Name) and func.id == "setattr" and len(args) == 3 and not node.keywords):
            continue
        if not (isinstance(args[0], ast.Name) and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str)):
            continue
        target = _target(ev, args[0].id, record.scope, collector.module)
        if target is not None and len(out) < MAX_OVERRIDES:
            name = args[1].value if target else f"{args[0].id}.{args[1].value}"
            out.append((key(target, name), ev.value(args[2], record.scope, 0)))
    return out


def _target(ev, head: str, scope, module) -> Optional[str]:
    """What `head` names where it is assigned through: an imported module or class (as
    imported), "" for a class of this module, None for anything else (an object)."""
    owner = ev.find(head, scope)
    if owner is None:
        return None
    if head in owner.imports and head not in owner.assigns:
        return owner.imports[head]
    bound = owner.assigns.get(head, [])
    if owner is module and len(bound) == 1 and getattr(bound[0], "what", None) == "class":
        return ""
    return None
