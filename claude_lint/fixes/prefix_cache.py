"""CL012's fix: split the first user message into a cached fixed block and the rest.

`{"role": "user", "content": f"{RUBRIC}\\n\\nAnswer:\\n{answer}"}` becomes
`{"role": "user", "content": [{"type": "text", "text": f"{RUBRIC}\\n\\nAnswer:\\n",
"cache_control": {"type": "ephemeral"}}, {"type": "text", "text": f"{answer}"}]}`.
The f-string is cut where its first run-time field starts, so the two blocks hold the
same text as before, in the same order. Safe: the API reads a string and a list of text
blocks alike; only the billing changes.

Offered only when the content is an f-string written in the call's own `messages=[...]`
list (first message), on a direct request of the finding's file; a prompt built
elsewhere (a variable, a helper) is left to the author.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

import libcst as cst

from claude_lint.diagnostics import Edit, Fix
from claude_lint.extract.sdk import CACHE_CONTROL_PROVIDERS
from claude_lint.facts import Dynamic, Mapping, Text
from claude_lint.fixes import Sources, keyword_value, quote_of, source

PROVIDERS = CACHE_CONTROL_PROVIDERS


def build(call, message: Mapping, sources: Optional[Sources] = None) -> Optional[Fix]:
    site = call.site
    if site.provider not in PROVIDERS or site.via is not None or site.history is not None:
        return None
    content = message.get("content")
    if not isinstance(content, Text):
        return None
    first = next((p for p in content.parts if not isinstance(p, str)), None)
    if not isinstance(first, Dynamic) or first.loc is None:
        return None
    text = source(site.loc.path, site.loc.cell, sources)
    found = keyword_value(site.loc, site.keywords("messages"), text)
    if text is None or found is None:
        return None
    where, node = found
    if not isinstance(node, cst.List) or not node.elements or not isinstance(node.elements[0].value, cst.Dict):
        return None
    value = _content(node.elements[0].value)
    if not isinstance(value, cst.FormattedString):
        return None
    positions = where.positions()
    cut = None
    for i, part in enumerate(value.parts):
        if isinstance(part, cst.FormattedStringExpression):
            at = where.loc_of(positions, part.expression)
            if (at.row, at.col) == (first.loc.row, first.loc.col):
                cut = i
                break
    if not cut:
        return None  # not found, or the run-time part comes first: nothing fixed to cache
    code = where.module.code_for_node
    head = code(value.with_changes(parts=value.parts[:cut], lpar=[], rpar=[]))
    rest = code(value.with_changes(parts=value.parts[cut:], lpar=[], rpar=[]))
    q = quote_of(where.node)
    block = f"{{{q}type{q}: {q}text{q}, {q}text{q}: "
    content_code = f"[{block}{head}, {q}cache_control{q}: {{{q}type{q}: {q}ephemeral{q}}}}}, {block}{rest}}}]"
    at = where.loc_of(positions, value)
    return Fix("Send the fixed head of the user turn as its own text block with cache_control", "safe",
               (Edit(content_code, at.row, at.col, at.end_row, at.end_col),))


def _content(message: cst.Dict) -> Optional[cst.BaseExpression]:
    for element in message.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString) and element.key.evaluated_value == "content":
            return element.value
    return None
