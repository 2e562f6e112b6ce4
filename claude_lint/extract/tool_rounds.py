"""A loop that is one request's tool rounds, not a conversation's turns: a `while` loop that
reads no user message, handles the model's tool calls and is left from inside (a `break` or
`return` when the model stops calling tools) or by its test (`while reply.stop_reason ==
"tool_use"`), with none of the list's growth in a loop
around it. What it appends is one request's tool calls and results; the turns, if the list
outlives the call, are the caller's (or a store's) to bound. For `python_history.HistoryFinder`:
CL004 says which growth it saw, CL011 reads the function as one turn when the list comes in
from outside (`history = load_history(chat_id)`, a parameter, a copy of another list)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Sequence, Tuple

from claude_lint.extract.chains import called_name
from claude_lint.extract.walk import walk

# Calls that read the user's next message: a loop holding one is a conversation's turn loop.
_READS_USER = frozenset({"input", "readline", "receive", "receive_text", "receive_json", "recv", "chat_input", "ask", "prompt"})
# What a tool loop handles: the model's tool calls (`block.type == "tool_use"`, `message.tool_calls`) and their results.
_TOOL_WORDS = frozenset({"tool_use", "tool_result", "tool"})
_MAX_LOOP_NODES = 4000  # nodes of a loop read: a larger loop is not judged (no rounds said)


def rounds(loop: ast.AST, around: Sequence[ast.AST], edits, scope) -> Tuple[Optional[ast.AST], bool]:
    """(`loop` when it is one request's tool rounds, else None; whether the list comes in from
    outside the function rather than being made afresh as a list display ahead of the loop).
    `around`: the loops of the function that hold `loop`; `edits`: the list's (event, kind)."""
    if not isinstance(loop, ast.While) or not _tool_loop(loop):
        return None, False
    outer = tuple(around[:[i for i, lp in enumerate(around) if lp is loop][0]]) if any(lp is loop for lp in around) else ()
    grows = [e for e, kind in edits if kind == "grow"]
    if not any(loop in e.loops for e in grows) or any(loop not in e.loops and any(lp in e.loops for lp in outer) for e in grows):
        return None, False  # also grown in a loop around the tool loop, outside it: that loop is the turns
    # Made afresh ahead of the loop, at its depth (`messages = [task]` in the question loop around it): no turn outlives it.
    made = [e for e, kind in edits if e.kind == "reassign" and e.scope is scope and tuple(e.loops) == outer
            and getattr(e.node, "lineno", loop.lineno) < loop.lineno]
    return loop, not (made and isinstance(made[-1].value, ast.List))


# A loop test that goes round while the model asks for tools (`while reply.stop_reason == "tool_use"`,
# OpenAI's `finish_reason == "tool_calls"`): left when the model stops calling tools.
_STOPS_ON = frozenset({"tool_use", "tool_calls"})


def _tool_loop(loop: ast.While) -> bool:
    tools = left = any(isinstance(n, ast.Compare) and any(isinstance(c, ast.Constant) and c.value in _STOPS_ON for c in (n.left, *n.comparators))
                       for n in walk(loop.test))
    for seen, node in enumerate(walk(loop)):
        if seen > _MAX_LOOP_NODES or isinstance(node, ast.Call) and called_name(node.func) in _READS_USER:
            return False
        tools = tools or isinstance(node, ast.Constant) and node.value in _TOOL_WORDS or isinstance(node, ast.Attribute) and node.attr == "tool_calls"
        left = left or isinstance(node, (ast.Break, ast.Return))
    return tools and left
