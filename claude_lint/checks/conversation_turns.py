"""CL011's reading of what each turn changes. A system prompt rebuilt on every turn with that turn's content (the
documents retrieved for this question, the current time) ahead of the growing messages:
the prefix changes at its start on every request, so a breakpoint on the conversation is
written and never read, and "cache the conversation" would be wrong advice. A system
prompt fixed for a session (the user's name, settings loaded once before the loop) keeps
the conversation cacheable. And the thinking a tool step keeps, resent with its results.
Kept apart from `conversation_cache.py` for its size."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional

from claude_lint.checks.cache_marks import within
from claude_lint.checks.cache_prefix import per_request
from claude_lint.facts import Dynamic, Mapping, OneOf, Seq, Text
from claude_lint.link import Call
from claude_lint.patterns import lazy

# A call with arguments (`store.search(q, k=5)`, `retrieve(question)`): made again for each
# request, it fetches for that request's data. Formatting of a value the session holds
# (`json.dumps(profile)`, `", ".join(tags)`) gives the same text every time.
_CALL_WITH_ARGS = lazy(r"[A-Za-z_][\w.]*\(\s*[^)\s]")
_FORMATTER = lazy(r"(?:^|\.)(?:dumps|join|format|strip|lstrip|rstrip|upper|lower|title|str|repr|len|int|float|round|sorted|dedent)\(")
MAX_OPTIONS = 8


def rebuilt_each_turn(call: Call) -> Optional[Dynamic]:
    """The run-time part of the system prompt that makes each request's prefix new, when the
    code shows one: evaluated for each request (written in the request or in the loop around
    it) and changing each time (the clock, a value the loop reads anew, a lookup with
    arguments). None when the system prompt may stay the same for the whole conversation."""
    site = call.site
    places = [p for p in (site.loc, site.loop, site.via) if p is not None]
    for part in _parts(call.value("system")):
        if part.loc is None or not any(within(part.loc, p) for p in places):
            continue  # built before the loop (once per session), or somewhere we cannot place
        source = part.source
        if source.startswith("Unknown."):
            continue  # a subscript or attribute of a value held outside: the session's
        if per_request(part) or _reads(source, site.loop_names):
            return part
        if _CALL_WITH_ARGS.match(source) and not _FORMATTER.search(source):
            return part
    return None


def _reads(source: str, names) -> bool:
    head = source.split(".", 1)[0].split("[", 1)[0].split("(", 1)[0].strip()
    return head in names


def _parts(value: object, depth: int = 0) -> Iterator[Dynamic]:
    if depth > 2:
        return
    if isinstance(value, OneOf):
        for option in value.options[:MAX_OPTIONS]:
            yield from _parts(option, depth + 1)
    elif isinstance(value, Text):
        yield from (p for p in value.parts if isinstance(p, Dynamic))
    elif isinstance(value, Seq):
        for block in value.items:
            text = block.get("text") if isinstance(block, Mapping) else block
            if isinstance(text, Text):
                yield from (p for p in text.parts if isinstance(p, Dynamic))


# The smallest `budget_tokens` the API accepts: a step's thinking is counted at no more.
_THINKING_FLOOR = 1024


def kept_thinking(call: Call) -> int:
    """Tokens of thinking a step of a tool loop adds to what is resent. With thinking on and
    tools offered, the thinking blocks of a tool-using turn must go back with its tool
    results, billed as input on every later step of that turn (newer Opus and Sonnet models
    keep all earlier turns' thinking too)."""
    if call.value("tools") is None:
        return 0
    thinking = call.value("thinking")
    kind = thinking.get("type") if isinstance(thinking, Mapping) else None
    return _THINKING_FLOOR if isinstance(kind, Text) and kind.parts in (("enabled",), ("adaptive",)) else 0


HEAD = "import anthropic, datetime\nclient = anthropic.Anthropic()\n" + f"RULES = {('You are a helpful assistant for the Acme store. ' * 20)!r}\n"
CHAT = ("def chat(SIGNATURE):\n    BEFORE\n    messages = []\n    while True:\n        q = input('> ')\n        INSIDE\n"
        "        messages.append({'role': 'user', 'content': q})\n"
        "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=SYSTEM, messages=messages)\n"
        "        messages.append({'role': 'assistant', 'content': reply.content})\n")


def _chat(signature: str = "store", before: str = "pass", inside: str = "pass", system: str = "RULES") -> str:
    return HEAD + CHAT.replace("SIGNATURE", signature).replace("BEFORE", before).replace("INSIDE", inside).replace("SYSTEM", system)


def examples():
    from claude_lint.checks.base import Invalid

    fires = [
        # the user's name, passed once for the session: the system prompt is the same on every turn
        Invalid(_chat("user_name", system="f'{RULES}\\nYou are talking to {user_name}.'"), row=11, message="grows each turn"),
        # settings loaded once before the loop
        Invalid(_chat("load", before="settings = load()", system="f\"{RULES}\\nTone: {settings['tone']}\""), row=11, message="grows each turn"),
        # the date, to the day: one new prefix a day
        _chat(system="f'{RULES}\\nToday is {datetime.date.today()}.'"),
    ]
    silent = [
        # documents retrieved for this question, ahead of the conversation
        _chat(inside="docs = store.search(q, k=5)", system="f'{RULES}\\nAnswer from these documents:\\n{docs}'"),
        # the current time to the second in the system prompt of every turn
        _chat(system="f'Now: {datetime.datetime.now()}\\n{RULES}'"),
        # the context fetched in the request itself
        _chat(system="RULES + '\\nContext:\\n' + store.lookup(q)"),
    ]
    return fires, silent
