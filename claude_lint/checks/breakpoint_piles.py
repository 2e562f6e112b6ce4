"""CL013's judgement of breakpoints that pile up with a conversation: each turn appends a
message carrying its own `cache_control` and nothing removes the older ones, so the request
that first holds a fifth breakpoint, and every one after it, is refused (400). Kept apart
from `breakpoints.py` for its size."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.facts import Loc
from claude_lint.link import Call

MAX_BREAKPOINTS = 4  # DOCS-PC: at most 4 cache_control markers per request; the top-level one takes a slot


def piled(call: Call, found, marks: List[int], top: bool) -> Optional[Tuple[Loc, str]]:
    """(where, message) when the request's growing list piles breakpoints up past the limit
    within the turns its loop may run; None otherwise."""
    history = call.site.history
    if history is None or history.piled_marks <= 0:
        return None
    from claude_lint.checks.conversation_turns import step_cap  # CL011's reading of a loop's cap; imported only when marks pile

    # Breakpoints the request carries besides the conversation's (tools, system, the top level).
    others = sum(1 for i in marks if found[i].role != "messages") + (1 if top else 0)
    per_turn = history.piled_marks
    room = MAX_BREAKPOINTS - others
    failing = max(1, room // per_turn + 1)  # the first request whose marked messages exceed the room left
    cap = step_cap(history.bound)
    if cap is not None and cap < failing:
        return None  # the loop stops before the breakpoints pass the limit
    if history.bound and cap is None:
        return None  # one turn per item, or a cap we cannot read: the list may never get that long
    counting = f" (counting the {others} on the system prompt, tools or request)" if others else ""
    return history.append, (
        f"Each turn appends {'a message' if per_turn == 1 else f'{per_turn} messages'} to `{history.name}` "
        f"{'with its' if per_turn == 1 else 'each with its'} own cache breakpoint, and nothing removes the older ones: from request {failing} on, the request carries more than {MAX_BREAKPOINTS} breakpoints{counting} "
        "and the API answers 400, so the conversation fails from then on. Keep the breakpoint on the newest message only "
        "(delete `cache_control` from the older ones before the request), or pass the top-level cache_control instead.")


HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MARKED = "[{'type': 'text', 'text': TEXT, 'cache_control': {'type': 'ephemeral'}}]"
# A chat loop marking every user message it appends: the fifth request holds five breakpoints.
CHAT = (HEAD + "messages = []\nwhile True:\n    messages.append({'role': 'user', 'content': " + MARKED.replace("TEXT", "input()") + "})\n"
        "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=messages)\n"
        "    messages.append({'role': 'assistant', 'content': reply.content})\n")
FIRES = [
    CHAT,
    # a marked system prompt takes one of the four slots: the fourth request fails
    CHAT.replace("messages=messages)", "messages=messages,\n        system=[{'type': 'text', 'text': 'Be terse.', 'cache_control': {'type': 'ephemeral'}}])"),
    # an object's conversation, marked on both sides of each turn
    HEAD + "class Chat:\n    def __init__(self):\n        self.history = []\n\n    def send(self, text):\n"
    "        self.history.append({'role': 'user', 'content': " + MARKED.replace("TEXT", "text") + "})\n"
    "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=self.history)\n"
    "        self.history.append({'role': 'assistant', 'content': " + MARKED.replace("TEXT", "reply.content[0].text") + "})\n        return reply\n",
]
SILENT = [
    # the older marks are deleted before each request: at most a few breakpoints at a time
    CHAT.replace("    reply =", "    for m in messages[:-1]:\n        if isinstance(m['content'], list):\n            m['content'][-1].pop('cache_control', None)\n    reply ="),
    # an agent loop capped at three steps never holds a fifth
    CHAT.replace("while True:", "for step in range(3):"),
    # only the request's own top-level mark moves forward
    CHAT.replace(MARKED.replace("TEXT", "input()"), "input()").replace("messages=messages)", "messages=messages, cache_control={'type': 'ephemeral'})"),
]
