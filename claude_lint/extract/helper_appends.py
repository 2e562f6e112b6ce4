"""Helpers another module's conversation grows through (`add_user_message(messages, text)`
imported): each module says which of its functions only append to the list they are handed
(`appender_facts`, facts read by `link_readers.with_reader_windows` for `History.through`)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List

from claude_lint.extract.history_bodies import handed_back
from claude_lint.extract.walk import walk
from claude_lint.facts import Lit


APPENDS_FACT = "<appends>"  # a constant's name prefix: "<appends>add_user_message:0"
MAX_APPENDER_STATEMENTS = 5  # top-level statements of a helper read as one that may only append (a docstring counts)
MAX_APPENDER_NODES = 80  # nodes of such a helper read
_ADDS = ("append", "extend", "insert")


def appender_facts(collector) -> List[tuple]:
    """(APPENDS_FACT + "name:i", Lit(True)) for each module-level function that only appends
    to its i-th parameter and writes no cache breakpoint (`handed_back`): another module's
    list handed to it grows (`EditJudge.through_helpers`)."""
    out = []
    for node in getattr(collector.module.node, "body", ()):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.decorator_list or len(node.body) > MAX_APPENDER_STATEMENTS:
            continue  # a helper that only appends is a few lines: a longer function is not read
        if not any(isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Attribute)
                   and st.value.func.attr in _ADDS for st in node.body):
            continue  # its append is a statement of its own (`messages.append(message)`)
        nodes = []
        for seen, n in enumerate(walk(node)):
            if seen > MAX_APPENDER_NODES or isinstance(n, ast.Constant) and n.value in ("cache_control", "cachePoint"):
                break
            nodes.append(n)
        else:
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            grown = {n.func.value.id for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr in _ADDS and isinstance(n.func.value, ast.Name)}
            out.extend((f"{APPENDS_FACT}{node.name}:{i}", Lit(True)) for i, p in enumerate(params)
                       if p in grown and handed_back(node, p, returned=False) == "grow")
    return out
