"""Where openai<1.0's module-level requests go: `openai.api_base = "..."` (or 1.x's
`openai.base_url`), set once for the whole module instead of on a client. Without it, a
script pointing `openai.ChatCompletion.create` at a local server was billed, and one pointing
it at OpenRouter was judged as OpenAI's own request (blind set 7: noor-un-nisa5's
2_openrouter/main.py)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import clients, gateways, sdk

_ENDPOINT_ATTRS = frozenset({"api_base", "base_url"})
MAX_MODULE_NODES = 50_000  # nodes of one file searched for the assignment


def route(finder) -> Tuple[bool, Optional[str]]:
    """(local, gateway) of the endpoint the file assigns to the `openai` module, read once
    per file: (False, None) when it assigns none, or one that names neither."""
    found = finder.__dict__.get("_module_route")
    if found is None:
        texts = _texts(finder)
        found = finder.__dict__["_module_route"] = (sdk.local_evidence(texts), gateways.named(texts) if texts else None)
    return found


def _texts(finder) -> List[str]:
    module = finder.c.module
    tree = module.node
    names = {local for local, qual in module.imports.items() if qual == "openai"}
    if tree is None or not names:
        return []
    texts: List[str] = []
    for seen, node in enumerate(ast.walk(tree)):
        if seen > MAX_MODULE_NODES:
            break
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr in _ENDPOINT_ATTRS and isinstance(t.value, ast.Name) and t.value.id in names for t in node.targets):
            texts += clients.endpoint_texts(finder.ev, node.value, module)
    return texts
