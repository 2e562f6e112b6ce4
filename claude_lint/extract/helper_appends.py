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
MAX_APPENDER_NODES = 200  # a helper longer than this is not read as one that only appends


def appender_facts(collector) -> List[tuple]:
    """(APPENDS_FACT + "name:i", Lit(True)) for each module-level function that only appends
    to its i-th parameter and writes no cache breakpoint (`handed_back`): another module's
    list handed to it grows (`EditJudge.through_helpers`)."""
    out = []
    for fn in collector.scopes_by_node.values():
        node = fn.node
        if fn.kind != "function" or fn.parent is not collector.module or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.decorator_list:
            continue
        nodes = []
        for seen, n in enumerate(walk(node)):
            if seen > MAX_APPENDER_NODES or isinstance(n, ast.Constant) and n.value in ("cache_control", "cachePoint"):
                break
            nodes.append(n)
        else:
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            grown = {n.func.value.id for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                     and n.func.attr in ("append", "extend", "insert") and isinstance(n.func.value, ast.Name)}
            out.extend((f"{APPENDS_FACT}{node.name}:{i}", Lit(True)) for i, p in enumerate(params)
                       if p in grown and handed_back(node, p, returned=False) == "grow")
    return out
