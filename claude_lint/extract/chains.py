"""A called expression's method chain, as the SDK table's shapes spell it. The extractor
(python_calls) reads chains through here, and the pre-filter's byte patterns skip the
same links (`CHAIN_SKIP`, prefilter_table), so that the pre-filter can never pass over a
chain the extractor would recognise."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

# Links that give the same request another kind of answer (`client.messages.with_raw_response.create`):
# left out of a chain, so that the shape of the plain request matches. The pre-filter's byte
# patterns skip them too (prefilter_table).
CHAIN_SKIP = frozenset({"with_raw_response", "with_streaming_response"})


def called_name(func: ast.expr) -> str:
    """The last name of a called (or decorating) expression: `self.store.get_messages` ->
    "get_messages", `ask` -> "ask"; "" for anything else (a call's result, a subscript)."""
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def method_chain(func: ast.expr, options: Optional[List[ast.Call]] = None) -> Tuple[List[str], ast.expr]:
    """`client.with_options(x=1).messages.create` -> (["messages", "create"], the `client` node).
    The `with_options(...)` calls passed over are appended to `options` when it is given."""
    chain: List[str] = []
    node = func
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr not in CHAIN_SKIP:
                chain.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "with_options":
            if options is not None:
                options.append(node)
            node = node.func.value
        else:
            break
    chain.reverse()
    return chain, node
