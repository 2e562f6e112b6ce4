"""CL008's fix: `x = client.messages.create(...)` becomes a streamed call.

`messages.stream(...)` returns a context manager whose `get_final_message()` is the
same `Message` that `create(...)` returns, so the rewrite keeps every later use of the
result. It is offered only where that holds by construction: the call is the whole
right-hand side of a one-name assignment, or the whole value of a `return`, on a line
of its own, awaited in async code or not awaited at all. Anything else (the call inside
another expression, a `with_raw_response` chain, an explicit `stream=`) gets no edit.
The fix is unsafe: streaming changes how the request is sent (and retried).
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

import libcst as cst

from claude_lint.diagnostics import Edit, Fix
from claude_lint.fixes import Sources, region, source
from claude_lint.text import line_starts, newline_of, offset

_STATEMENT = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<target>[A-Za-z_]\w*)\s*=\s*|(?P<ret>return)\s+)(?P<aw>await\s+)?$")
_TAIL = re.compile(r"^[ \t]*(#.*)?$")
_STREAM_NAMES = ("stream", "message_stream")


def build(call, sources: Optional[Sources] = None) -> Optional[Fix]:
    loc = call.site.loc
    text = source(loc.path, loc.cell, sources)
    found = region(loc, text)
    if text is None or found is None or not isinstance(found.node, cst.Call):
        return None
    node = found.node
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "create" and isinstance(func.value, cst.Attribute) and func.value.attr.value == "messages"):
        return None
    if any(a.keyword is not None and a.keyword.value == "stream" for a in node.args):
        return None
    starts = line_starts(text)
    line_start = starts[loc.row - 1]
    call_start = offset(text, starts, loc.row, loc.col)
    call_end = offset(text, starts, loc.end_row, loc.end_col)
    if call_start is None or call_end is None:
        return None
    head = _STATEMENT.match(text[line_start:call_start])
    end_line_end = starts[loc.end_row] if loc.end_row < len(starts) else len(text)
    if head is None or not _TAIL.match(text[call_end:end_line_end].rstrip("\r\n")):
        return None
    name = next((n for n in _STREAM_NAMES if not re.search(rf"(?<![\w.]){n}\b", text)), None)
    if name is None:
        return None
    indent, awaited = head.group("indent"), bool(head.group("aw"))
    streamed = found.module.code_for_node(node.with_changes(func=func.with_changes(attr=cst.Name("stream"))))
    final = f"{'await ' if awaited else ''}{name}.get_final_message()"
    use = f"return {final}" if head.group("ret") else f"{head.group('target')} = {final}"
    inner = indent + ("    " if "\t" not in indent else "\t")
    nl = newline_of(text)
    content = f"{indent}{'async ' if awaited else ''}with {streamed} as {name}:{nl}{inner}{use}"
    return Fix(
        f"Stream the call: `with ...messages.stream(...) as {name}:` and `{name}.get_final_message()`",
        "unsafe",
        (Edit(content, loc.row, 1, loc.end_row, loc.end_col),),
    )
