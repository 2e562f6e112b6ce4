"""What a call of a wrapper hands on, besides the values of its arguments: the code of each
argument only known at run time (named in messages), and a list handed on after a head."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint.extract.value_text import ITEMS_OP
from claude_lint.facts import Mapping, Param, Seq, Transform, Unknown


MAX_ARGUMENT_SOURCE = 200  # a longer expression is not named in a message


def argument_sources(ev, arg_nodes, args, node: ast.Call, kwargs: Mapping) -> Tuple[Tuple[str, str], ...]:
    """The code of each argument only known at run time, by position or keyword."""
    out = []
    for i, (a, value) in enumerate(zip(arg_nodes, args)):
        if isinstance(value, Unknown) and not isinstance(a, ast.Starred):
            out.append((str(i), ev.code_for(a)))
    unknown = {key for key, value in kwargs.entries if key is not None and isinstance(value, Unknown)}
    for k in node.keywords:
        if k.arg in unknown:
            out.append((k.arg, ev.code_for(k.value)))
    return tuple((key, code) for key, code in out if len(code) <= MAX_ARGUMENT_SOURCE)


def kept_head(value: object, param: Optional[Param]) -> object:
    """What a call hands on for an argument that is the caller's parameter rebound: the
    parameter, unless the argument's value is a list of known messages around the whole
    parameter spread once (`combined = [system] + messages`): that list, so the request
    sees the head (its system text) as well as the caller's conversation behind it."""
    if param is None:
        return value
    if type(value) is Seq:
        spread = [i for i in value.items if type(i) is Transform and i.op == ITEMS_OP]
        whole = [i for i in spread if type(i.inner) is Param and (i.inner.function, i.inner.name) == (param.function, param.name)]
        if len(spread) == 1 and whole and not any(isinstance(i, Unknown) for i in value.items):
            return value
    return param
