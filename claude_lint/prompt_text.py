"""The literal text a request's prompt values send, read the same way by the rules
(CL002, CL011, CL012, CL013) and by `estimate` (`claude-lint report`), so that a token
count in a finding and in the report cannot drift apart.

Only what is known statically counts: run-time parts (`Dynamic`, `Unknown`) are
nothing, so every count made from these is a lower bound.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, List, Optional

from claude_lint.facts import Dynamic, Lit, Mapping, OneOf, Seq, Text

MAX_DEPTH = 12  # nesting followed into blocks and schemas (a deeper value is not a prompt)
MAX_OPTIONS_DEPTH = 4  # run-time choices (`OneOf`) followed inside each other


def system_text(value: object, depth: int = 0, until: Optional[Callable[[Dynamic], bool]] = None) -> Optional[str]:
    """The literal text of a system prompt: a string, or the text blocks of a list; for one
    of several values (a helper with several returns), the least literal text any of them
    has. None when no literal text is known. `until`: stop at the first run-time part it
    accepts (what a cache prefix can hold ends at a value that changes per request)."""
    if isinstance(value, OneOf) and value.options and depth < MAX_OPTIONS_DEPTH:
        found = [system_text(o, depth + 1, until) for o in value.options]
        return None if any(t is None for t in found) else min(found, key=len)
    if isinstance(value, Text):
        return _literal_until(value, until)
    if isinstance(value, Seq):
        pieces = []
        for block in value.items:
            text = block.get("text") if isinstance(block, Mapping) else block
            if isinstance(text, Text):
                pieces.append(_literal_until(text, until))
                if until is not None and len(pieces[-1]) < len(text.literal):
                    break  # the blocks after a changing one are not a shared prefix either
        return "\n".join(pieces) if pieces else None
    return None


def _literal_until(text: Text, until: Optional[Callable[[Dynamic], bool]]) -> str:
    if until is None:
        return text.literal
    pieces = []
    for part in text.parts:
        if isinstance(part, str):
            pieces.append(part)
        elif isinstance(part, Dynamic) and until(part):
            return "".join(pieces)
    return text.literal


SYSTEM_ROLES = ("system", "developer")  # the roles of a message that carries instructions (OpenAI-style lists)


def system_message(messages: object) -> Optional[object]:
    """The content of the system (or developer) message that opens an OpenAI-style message
    list: where chat completions, the Responses API's `input` and LiteLLM carry the system
    prompt. None when the list is not known to open with one."""
    if not isinstance(messages, Seq) or not messages.items or not isinstance(messages.items[0], Mapping):
        return None
    role = messages.items[0].get("role")
    if not isinstance(role, Text) or not all(isinstance(p, str) for p in role.parts) or role.literal not in SYSTEM_ROLES:
        return None
    return messages.items[0].get("content")


def static_text(value: object, depth: int = 0) -> str:
    """The literal text a value sends, as the JSON the request carries (tool schemas are
    mostly punctuation and keys): run-time parts count as nothing."""
    if depth > MAX_DEPTH:
        return ""
    import json  # here: a run whose requests carry no tool schema or dict never needs it (1% of a one-file run)

    if isinstance(value, Text):
        return json.dumps(value.literal, ensure_ascii=False)
    if isinstance(value, Lit):
        return json.dumps(value.value, ensure_ascii=False)
    if isinstance(value, Seq):
        return "[" + ", ".join(static_text(i, depth + 1) for i in value.items) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {static_text(v, depth + 1)}" for k, v in value.entries if k) + "}"
    return ""


def texts(value: object, depth: int = 0) -> List[str]:
    """Every literal text inside a value (messages, tools, a prompt): strings, and the
    text, content, description and instructions of blocks and messages; no JSON keys."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, Text):
        return [value.literal]
    if isinstance(value, Seq):
        return [t for item in value.items for t in texts(item, depth + 1)]
    if isinstance(value, Mapping):
        out: List[str] = []
        for key, item in value.entries:
            if key in ("text", "content", "description", "instructions") or (key is None):
                out.extend(texts(item, depth + 1))
        return out
    return []
