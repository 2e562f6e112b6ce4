"""A tool loop that never goes round: the request offers only Anthropic's server tools.

Web search, web fetch and code execution run on Anthropic's side inside one request: their
calls and results come back in the same answer, which stops with `end_turn` (or
`pause_turn`), never `tool_use`. A loop that resends the list only while the answer stops
with `tool_use` therefore never appends to it, and the list it sends is one request's."""
from __future__ import annotations

import ast

from claude_lint.extract.scopes import Scope, keyword
from claude_lint.extract.walk import walk

# The type prefixes of the tools the API runs itself (a dated suffix follows: `web_search_20250305`).
# `bash_`, `text_editor_` and `computer_` are Anthropic-defined too but run by the client: not here.
SERVER_TOOL_TYPES = ("web_search_", "web_fetch_", "code_execution_")


def never_goes_round(loop: ast.AST, request: ast.Call, scope: Scope) -> bool:
    """Does `loop` go round only on a `tool_use` stop while `request` offers server tools alone?"""
    return _on_tool_use(loop) and _server_tools_only(keyword(request, "tools"), scope)


def _on_tool_use(loop: ast.AST) -> bool:
    """The loop's own test names the `tool_use` stop (`while r.stop_reason == "tool_use"`)."""
    return isinstance(loop, ast.While) and any(isinstance(n, ast.Constant) and n.value == "tool_use" for n in walk(loop.test))


def _server_tools_only(tools, scope: Scope) -> bool:
    """A written list of tool dicts, each typed as a server tool; a local name bound once to one."""
    if isinstance(tools, ast.Name):
        bound = scope.assigns.get(tools.id, [])
        tools = bound[0] if len(bound) == 1 and isinstance(bound[0], ast.expr) else None
    if not isinstance(tools, ast.List) or not tools.elts:
        return False
    return all(_server_tool(el) for el in tools.elts)


def _server_tool(el: ast.expr) -> bool:
    if not isinstance(el, ast.Dict):
        return False
    for k, v in zip(el.keys, el.values):
        if isinstance(k, ast.Constant) and k.value == "type":
            return isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value.startswith(SERVER_TOOL_TYPES)
    return False
