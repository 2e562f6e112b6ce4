"""What a text holds when a helper it calls has several returns (CL006): the run-time parts of
each, marked so that link gives those of another module's helper and not its fixed text (which
return is sent is not known); and `self.helper()` defined on a base class of the same file. Hooks
of the evaluator (`moves.function_scope`, `value_text`), kept apart so that neither imports the
other."""
from __future__ import annotations

import ast
import re

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.facts import Dynamic, OneOf, Text, Transform

# A Transform's op: a part one of a helper's several returns puts in a text, kept for what the run
# writes in it (link gives its run-time parts only: which return's fixed text is sent is not known).
OPTION_OP = "option-of-returns"
RETURNS = re.compile(r"one of the \d+ returns of ")  # moves.returned's words, and prompt_returns'


def inherited(ev, klass, name: str, child, depth: int = 0):
    """`self.helper()` defined on a base class of this file (`class Orders(BaseHandler)`); `child`
    is `moves.child` (moves imports this module)."""
    owner = klass.parent
    for base in getattr(klass.node, "bases", ())[:4] if depth < 3 and owner is not None else ():
        found = child(ev, owner, base.id, "class") if isinstance(base, ast.Name) else None
        method = (child(ev, found, name, "function") or inherited(ev, found, name, child, depth + 1)) if found is not None else None
        if method is not None:
            return method
    return None


def options_parts(value: object, depth: int = 0) -> tuple:
    """A value that is one of several texts (a helper's returns, a branch of an `if`) put in a
    text: the run-time parts of each, to follow the field standing for it, so a clock one of them
    writes is still named where it lands; their fixed text is left out (which return is sent is
    not known). A part link resolves later (another module's helper) is marked for that."""
    if not isinstance(value, OneOf) or depth > 3 or not depth and not RETURNS.match(value.why):
        return ()  # a name bound in a branch may hold another text: only a helper's returns are read
    found: list = []
    for option in value.options[:MAX_OPTIONS]:
        for part in option.parts if isinstance(option, Text) else options_parts(option, depth + 1):
            if isinstance(part, str) or part in found or len(found) >= MAX_OPTIONS:
                continue
            found.append(part if isinstance(part, Dynamic) or getattr(part, "op", None) == OPTION_OP else Transform(OPTION_OP, part, getattr(part, "loc", None)))
    return tuple(found)
