"""CL006 for a per-request value at the head of a prompt that a provider caches by itself
(OpenAI caches every prefix of 1,024 tokens or more) when the value is not in the system
prompt the rule reads first: in the first user message of a list with no system message, in
the Responses API's `input` given as one string, or in a short system message (or
`instructions`) ahead of a long fixed one. The prompt is read in the order the cache reads
it, message after message, while each message is text written in the code; only the fixed
text right behind the value counts (up to the next run-time part: a question, a name), as
that is what moving the value would let the cache serve. Kept apart from `cache_prefix`
(the rule), which calls `head` when its own reading of the system prompt finds nothing."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.checks.base import Invalid
from claude_lint.checks.cache_prefix_history import caches_by_itself
from claude_lint.facts import Dynamic, Mapping, OneOf, Seq, Text
from claude_lint.link import Call
from claude_lint.prompt_text import MAX_OPTIONS_DEPTH, system_message

MAX_MESSAGES = 8  # the head of a prompt: a value further in is rarely ahead of a long fixed text


def head(call: Call) -> Optional[Text]:
    """The prompt's head as one text, in the order the cache reads it: the system prompt
    (or `instructions`), then the messages while each is written text; None when the
    provider does not cache prefixes by itself or nothing of the head is seen."""
    if not caches_by_itself(call):
        return None
    parts: list = []
    system = call.value("system")
    if system is not None:
        if not isinstance(system, Text):
            return None  # a system prompt we cannot read: what stands behind the value is unknown
        parts.extend(system.parts)
        parts.append("\n")
    messages = call.value("messages")
    if isinstance(messages, Text):  # the Responses API's `input` as one string
        parts.extend(messages.parts)
    elif isinstance(messages, Seq):
        for item in messages.items[:MAX_MESSAGES]:
            texts, whole = _texts(item.get("content")) if isinstance(item, Mapping) and not item.open else ([], False)
            for text in texts:
                parts.extend(text.parts)
                parts.append("\n")
            if not whole:
                break  # a part we cannot read ends what is known of the head
    return Text(tuple(parts)) if any(isinstance(p, Dynamic) for p in parts) else None


def opening_system(messages: object, depth: int = 0) -> Optional[object]:
    """The content of the system message opening the list, for each list the name may hold
    (`messages = []`, then `messages = build_prompt(history)` in a `try`): a OneOf of those that
    open with one, judged each on its own as a prompt builder's returns are."""
    if isinstance(messages, OneOf) and depth < MAX_OPTIONS_DEPTH:
        found = tuple(c for c in (opening_system(o, depth + 1) for o in messages.options) if c is not None)
        return (found[0] if len(found) == 1 else OneOf(messages.why, messages.loc, found)) if found else None
    return system_message(messages)


def _texts(content: object) -> Tuple[List[Text], bool]:
    """A message's texts up to the first part that is not written text, and whether that is all of it."""
    if isinstance(content, Text):
        return [content], True
    found: List[Text] = []
    for block in content.items if isinstance(content, Seq) else ():  # content parts: [{"type": "text", "text": ...}]
        text = block.get("text") if isinstance(block, Mapping) else None
        if not isinstance(text, Text):
            return found, False
        found.append(text)
    return found, isinstance(content, Seq)


def fixed_after(text: Text, i: int) -> str:
    """The literal text right behind part `i`, up to the next run-time part."""
    rest = []
    for part in text.parts[i + 1:]:
        if not isinstance(part, str):
            break
        rest.append(part)
    return "".join(rest)


# --- examples (the rule's `examples()` lists them) ------------------------------------------

RULES = "Follow the Acme support policy in every answer. " * 300
ASK = ("from openai import OpenAI\nimport datetime, uuid\n" + f"RULES = {RULES!r}\n"
       "def ask(q):\n    return OpenAI().{call})\n")
CHAT = 'chat.completions.create(model="gpt-5.4", max_completion_tokens=300, messages=[{messages}]'
USER_HEAD = CHAT.format(messages='{{"role": "user", "content": f"Now: {{datetime.datetime.now()}}\\n{{RULES}}\\n{after}"}}')
FIRES = [
    # the clock opens the only message, ahead of the fixed rules and then the question
    Invalid(ASK.format(call=USER_HEAD.format(after="Question: {q}")), row=5,
            message="`datetime.datetime.now()` changes on every request and sits at the head of the prompt, ahead of ~3,005 cacheable tokens"),
    # the Responses API's input as one string
    Invalid(ASK.format(call='responses.create(model="gpt-5.4", max_output_tokens=300, input=f"Request {uuid.uuid4()}\\n{RULES}\\n{q}"'), row=5,
            message="`uuid.uuid4()` changes on every request and sits at the head of the prompt"),
    # a request id in the first content part, the rules in the next
    Invalid(ASK.format(call=CHAT.format(messages='{"role": "user", "content": [{"type": "text", "text": f"Request {uuid.uuid4()}"}, '
                                                 '{"type": "text", "text": RULES}, {"type": "text", "text": q}]}')), row=5,
            message="`uuid.uuid4()` changes on every request and sits at the head of the prompt"),
    # a short system message with the clock, then the long fixed one
    Invalid(ASK.format(call=CHAT.format(messages='{"role": "system", "content": f"Now: {datetime.datetime.now():%H:%M}"}, '
                                                 '{"role": "system", "content": RULES}, {"role": "user", "content": q}')), row=5,
            message="`datetime.datetime.now():%H:%M` changes every minute and sits at the head of the prompt"),
]
SILENT = [
    # the question comes right after the clock: the rules behind it are not cached anyway
    ASK.format(call=CHAT.format(messages='{"role": "user", "content": f"Now: {datetime.datetime.now()}\\nQuestion: {q}\\n{RULES}"}')),
    # the clock after the fixed rules
    ASK.format(call=CHAT.format(messages='{"role": "user", "content": f"{RULES}\\nNow: {datetime.datetime.now()}\\n{q}"}')),
    # a date; a short fixed text behind the clock
    ASK.format(call=USER_HEAD.format(after="").replace("datetime.datetime.now()", "datetime.date.today()")),
    ASK.format(call=CHAT.format(messages='{"role": "user", "content": f"Now: {datetime.datetime.now()}\\nBe brief. {q}"}')),
    # a third-party service: how (or whether) it caches is its own
    ASK.format(call=USER_HEAD.format(after="Question: {q}")).replace("OpenAI()", "OpenAI(base_url='https://openrouter.ai/api/v1')"),
]
