"""CL002's fix: put a cache breakpoint on the system prompt.

`system=TEXT` becomes `system=[{"type": "text", "text": TEXT, "cache_control":
{"type": "ephemeral"}}]`, with TEXT kept byte for byte (a name, a literal, an
f-string, any expression). On a block list written in the same file, the last block
written as a dict literal gets `"cache_control": {"type": "ephemeral"}`. Safe: the
API treats a string and a one-block list alike; only the billing changes. Unsafe when
TEXT is a function parameter: it was judged by its default, and a caller may pass a
block list already.

No fix when the keyword is not written at the call (it comes from a `**spread`), or
when the block list lives in another file.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

import libcst as cst

from claude_lint.diagnostics import Edit, Fix
from claude_lint.extract.sdk import CACHE_CONTROL_PROVIDERS
from claude_lint.facts import Loc, Param, Seq, Text
from claude_lint.fixes import Region, Sources, argument_loc, keyword_value, quote_of, region, source, text_at
from claude_lint.text import line_starts, newline_of

# Providers whose `system` parameter takes content blocks with cache_control.
PROVIDERS = CACHE_CONTROL_PROVIDERS


def build(call, arg, sources: Optional[Sources] = None) -> Optional[Fix]:
    if call.site.provider not in PROVIDERS:
        return None
    text = source(call.site.loc.path, call.site.loc.cell, sources)
    if text is None:
        return None
    found = keyword_value(call.site.loc, call.site.keywords("system"), text)
    if found is None:
        return None
    call_region, node = found
    value = arg.value
    q = quote_of(call_region.node)
    if isinstance(value, Text):
        if isinstance(node, (cst.List, cst.Tuple, cst.Dict, cst.Set)):
            return None
        at = argument_loc(call_region, node)
        if at is None:
            return None
        written = text_at(text, at)
        content = f"[{{{q}type{q}: {q}text{q}, {q}text{q}: {written}, {q}cache_control{q}: {{{q}type{q}: {q}ephemeral{q}}}}}]"
        # A function parameter was judged by its default; a caller may pass a block list.
        applicability = "unsafe" if _is_parameter(call) else "safe"
        return Fix("Send the system prompt as one text block with cache_control", applicability, (_edit(content, at),))
    if isinstance(value, Seq):
        if isinstance(node, cst.List):
            return _mark_last_block(call_region, call_region.positions(), node, text, q)
        if isinstance(node, cst.Name) and value.loc is not None and (value.loc.path, value.loc.cell) == (call.site.loc.path, call.site.loc.cell):
            # `system=BLOCKS` with the list written in this file: mark it where it is written.
            defined = region(value.loc, text)
            if defined is not None and isinstance(defined.node, cst.List):
                return _mark_last_block(defined, defined.positions(), defined.node, text, quote_of(defined.node))
    return None


_MARK = "Mark the last system block with cache_control"


def _is_parameter(call) -> bool:
    for name in call.site.keywords("system"):
        raw = call.site.kwargs.get(name)
        if raw is not None:
            return isinstance(raw, Param)
    return False


def _edit(content: str, at: Loc) -> Edit:
    return Edit(content, at.row, at.col, at.end_row, at.end_col)


def _mark_last_block(where: Region, positions, blocks: cst.List, text: str, q: str) -> Optional[Fix]:
    last = None
    for element in blocks.elements:
        if isinstance(element, cst.Element) and isinstance(element.value, cst.Dict):
            last = element.value
    if last is None or not last.elements:
        return None
    if any(isinstance(e, cst.StarredDictElement) for e in last.elements):
        return None
    entry = f"{q}cache_control{q}: {{{q}type{q}: {q}ephemeral{q}}}"
    end = where.loc_of(positions, last.elements[-1])
    separator = ", "
    if len(last.elements) >= 2:
        before = where.loc_of(positions, last.elements[-2])
        start = where.loc_of(positions, last.elements[-1])
        if start.row != before.end_row:
            # One entry per line: the new entry gets its own line, indented like the last.
            indent = _indent(text, start)
            comma = last.elements[-1].comma
            if (
                isinstance(comma, cst.Comma)
                and isinstance(comma.whitespace_before, cst.SimpleWhitespace)
                and isinstance(comma.whitespace_after, cst.SimpleWhitespace)
                and isinstance(last.rbrace.whitespace_before, cst.ParenthesizedWhitespace)
            ):
                # A trailing comma ends the line (maybe with a comment, which stays on its
                # line): the new entry goes on a line of its own below it.
                line = end.end_row + 1
                return Fix(_MARK, "safe", (Edit(indent + entry + "," + newline_of(text), line, 1, line, 1),))
            separator = "," + newline_of(text) + indent
    return Fix(_MARK, "safe", (Edit(separator + entry, end.end_row, end.end_col, end.end_row, end.end_col),))


def _indent(text: str, at: Loc) -> str:
    starts = line_starts(text)
    line = text[starts[at.row - 1]: starts[at.row - 1] + at.col - 1]
    return line if not line.strip() else " " * (at.col - 1)
