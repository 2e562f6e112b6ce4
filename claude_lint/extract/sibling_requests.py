"""Another request on the same client's messages API sends a list, it does not trim it: a chat
server's plain and streaming endpoints (`client.messages.create(messages=history)` in one
handler, `client.messages.stream(messages=history)` in the other) resend the same conversation."""
from __future__ import annotations

import ast

from claude_lint.extract.walk import same_code

# The methods of a chat API that send a conversation (Anthropic's `messages`, OpenAI's `completions`).
_SENDERS = frozenset({"create", "stream", "acreate", "parse"})


def sibling_request(node: ast.Call, request: ast.Call) -> bool:
    """`node` calls another sending method on the receiver `request` calls (`x.messages.stream`
    beside `x.messages.create`)."""
    func, mine = node.func, request.func
    return (isinstance(func, ast.Attribute) and isinstance(mine, ast.Attribute) and func.attr in _SENDERS and mine.attr in _SENDERS
            and isinstance(func.value, ast.Attribute) and func.value.attr in ("messages", "completions")
            and same_code(func.value, mine.value))
