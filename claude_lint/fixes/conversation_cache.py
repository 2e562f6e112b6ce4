"""CL011's fix: turn on automatic caching for a request that resends a growing conversation.

`client.messages.create(..., messages=history)` gets `cache_control={"type":
"ephemeral"}` after its last argument. The API then places the breakpoint on the last
cacheable block and moves it forward as the conversation grows. Safe: only the billing
changes. Offered on the Claude API only (Bedrock and Vertex refuse the top-level key),
for a direct `messages.create` / `messages.stream` written in the finding's own file;
never through a wrapper (the request is elsewhere) nor when a `cache_control` keyword is
already written.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

import libcst as cst

from claude_lint.diagnostics import Edit, Fix
from claude_lint.extract.sdk import api_facts, provider_facts
from claude_lint.fixes import Sources, newline_of, quote_of, region, source


def build(call, sources: Optional[Sources] = None) -> Optional[Fix]:
    site = call.site
    shape = api_facts(site.provider, site.api)
    if site.via is not None or shape is None or not shape.cache_control_keyword or not provider_facts(site.provider).request_cache_control:
        return None
    text = source(site.loc.path, site.loc.cell, sources)
    found = region(site.loc, text)
    if text is None or found is None or not isinstance(found.node, cst.Call):
        return None
    node = found.node
    if not node.args or any(a.keyword is not None and a.keyword.value == "cache_control" for a in node.args):
        return None
    last = node.args[-1]
    positions = found.positions()
    end = found.loc_of(positions, last.value)
    q = quote_of(node)
    keyword = f"cache_control={{{q}type{q}: {q}ephemeral{q}}}"
    comma = last.comma
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        # One argument per line, with a trailing comma (and maybe a comment): a line of its own below.
        start = found.loc_of(positions, last)
        line = end.end_row + 1
        edit = Edit(" " * (start.col - 1) + keyword + "," + newline_of(text), line, 1, line, 1)
    else:
        edit = Edit(", " + keyword, end.end_row, end.end_col, end.end_row, end.end_col)
    return Fix("Turn on automatic caching: cache_control={\"type\": \"ephemeral\"}", "safe", (edit,))
