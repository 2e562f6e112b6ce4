"""CL006 for a per-request value ahead of a resent conversation: the clock (or a uuid, a
request id) written into a system message that opens a list whose conversation grows across
requests (CL004/CL011's `History`). A prefix cache that would serve the resent history
(automatic caching from the provider's minimum, or a Claude breakpoint after the history)
serves none of it once the value changes. Also the cache minimum of a request whose model is
unknown but whose provider is: the largest minimum of that provider's catalogue models.
Kept apart from `cache_prefix` (the rule), which calls in through two small hooks."""
from __future__ import annotations

import functools
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from claude_lint.checks.base import Context, Invalid, money
from claude_lint.checks.cache_marks import automatic, claude_caching
from claude_lint.cost import lost_reads_usd
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.sdk import provider_facts
from claude_lint.facts import Dynamic, Mapping, OneOf, Seq, Text, Transform
from claude_lint.link import Call
from claude_lint.patterns import lazy
from claude_lint.prompt_text import MAX_OPTIONS_DEPTH, SYSTEM_ROLES

# How often a clock's text changes, by its finest format directive (strftime and f-string
# format specs alike); a clock written whole (`datetime.now()`, `.isoformat()`, `time.time()`)
# shows fractions of a second.
_RESOLUTIONS = (
    (lazy(r"%-?f"), "the microsecond"),
    (lazy(r"%-?[SXTcs]"), "the second"),
    (lazy(r"%-?[MR]"), "the minute"),
    (lazy(r"%-?[HIklp]"), "the hour"),
)
_CLOCK = lazy(r"\b(?:now|utcnow|time|time_ns|timestamp)\b")
# `isoformat(timespec="minutes")`
_TIMESPEC = lazy(r"""timespec\s*=\s*["'](?P<unit>\w+)""")
_TIMESPECS = {"hours": None, "minutes": "the minute", "seconds": "the second", "milliseconds": "the millisecond"}
# The format a clock is written with: strftime's argument or an f-string field's spec (CL006 reads it too).
FORMAT_SPEC = lazy(r"""(?:strftime\(\s*[rbuf]*["']|\):)(?P<fmt>[^"'}]*)""")
# A project's own clock: a call with no arguments named for the current time (`get_local_time()`,
# `self._now()`, `getCurrentTime()`) whose result is formatted to the hour or finer. One with
# arguments (`parse_time(row)`) or of another name (`user.last_login_time()`) reads a stored time.
_CLOCK_HELPER = lazy(r"\b(?:\w*(?:_now|Now)|(?:get|current|local)\w*(?:_time|Time|_datetime|DateTime))\(\)")
_TIME_OF_DAY = lazy(r"%-?[HIMSfpXcTsRkl]")


def clock_helper(source: str) -> bool:
    spec = FORMAT_SPEC.search(source)
    return bool(_CLOCK_HELPER.search(source) and spec is not None and _TIME_OF_DAY.search(spec.group("fmt")))


def resolution(source: str) -> Optional[str]:
    """How often the value's text changes: a clock's finest unit, "" for a value new on every
    request (a uuid, a request id), None for a clock coarser than a minute (an hour's change
    costs one miss an hour, not one per turn) or a name whose clock we do not see read."""
    if not _CLOCK.search(source) and not clock_helper(source):
        return ""
    if "(" not in source:
        return None  # `{time}`: a name we could not follow to the clock it holds
    timespec = _TIMESPEC.search(source)
    if timespec is not None:
        return _TIMESPECS.get(timespec.group("unit"), "the microsecond")
    spec = FORMAT_SPEC.search(source)
    if spec is None or not spec.group("fmt"):
        if "time.time" in source:
            return "the second" if source.startswith(("int(", "round(")) else "the fraction of a second"
        return "the microsecond"
    for pattern, unit in _RESOLUTIONS:
        if pattern.search(spec.group("fmt")):
            return unit if unit != "the hour" else None
    return None


def provider_minimum(call: Call, ctx: Context) -> Optional[int]:
    """The cache minimum of a request whose model is not known but whose provider caches by
    itself (an Azure OpenAI deployment named only in its URL): the largest minimum among that
    provider's catalogue models, not the largest Claude one."""
    if not caches_by_itself(call):
        return None
    known = [m.min_cacheable for m in ctx.catalog.models.values() if m.provider == call.site.provider and m.min_cacheable]
    return max(known, default=None)


def _caches_history(call: Call, ctx: Context, model) -> bool:
    """A prefix cache would serve the resent conversation: the provider caches prefixes by
    itself, or a Claude request carries a breakpoint that moves with the conversation (the
    top-level `cache_control`, or one the code writes into the list it grows)."""
    history = call.site.history or call.site.passed_history
    if claude_caching(call, model) or (model is not None and model.provider == "anthropic"):
        return automatic(call) or history.marked
    return caches_by_itself(call)


def caches_by_itself(call: Call) -> bool:
    """The provider caches long prefixes by itself. Not a local server (never billed), nor a
    third-party service (OpenRouter, Groq) whose models cache, or not, each its own way."""
    site = call.site
    return provider_facts(site.provider).prefix_cache == "automatic" and not site.local and site.gateway is None


def _head_system_texts(messages: object, depth: int = 0) -> List[Text]:
    """The texts of the system messages that open the list (a fixed one, then one with the
    clock), ahead of the conversation; each option of a list with several on its own."""
    if isinstance(messages, OneOf) and depth < MAX_OPTIONS_DEPTH:
        return [t for option in messages.options for t in _head_system_texts(option, depth + 1)]
    if not isinstance(messages, Seq):
        return []
    found: List[Text] = []
    for item in messages.items:
        role = item.get("role") if isinstance(item, Mapping) else None
        if not isinstance(role, Text) or not all(isinstance(p, str) for p in role.parts) or role.literal not in SYSTEM_ROLES:
            break
        found.extend(_texts(item.get("content"), depth))
    return found


def _texts(content: object, depth: int) -> List[Text]:
    if isinstance(content, Text):
        return [content]
    if isinstance(content, OneOf) and depth < MAX_OPTIONS_DEPTH:
        return [t for option in content.options for t in _texts(option, depth + 1)]
    if isinstance(content, Seq):  # content parts: [{"type": "text", "text": ...}]
        return [t for block in content.items for t in _texts(block.get("text") if isinstance(block, Mapping) else block, depth + 1)]
    if isinstance(content, Transform) and content.op == "format":
        return [Text(filled, content.loc)] if (filled := _filled(content)) else []
    return []


def _filled(template: Transform) -> Tuple[Dynamic, ...]:
    """What `.format(...)` writes into a template the linter cannot read (a setting, the
    graph's configuration: `runtime.context.system_prompt.format(system_time=now)`): each
    keyword's value lands somewhere in the message, all of which is ahead of the conversation.
    A template it reads keeps only the fields it names."""
    literal = "".join(p for p in template.inner.parts if isinstance(p, str)) if isinstance(template.inner, Text) else None
    return tuple(v for name, v in template.fields if isinstance(v, Dynamic) and (literal is None or "{" + name in literal))


def or_ahead_of_history(judges):
    """The rule's `check_call`, then, where it finds nothing in the prefix itself, a value
    ahead of a resent conversation (one finding per value, never both). `judges` gives the
    rule's `per_request` and `per_iteration` (defined in its module, which imports this one)."""

    def wrap(check_call):
        @functools.wraps(check_call)
        def checked(rule, call: Call, ctx: Context) -> Iterator[Diagnostic]:
            found = list(check_call(rule, call, ctx))
            yield from found or ahead_of_history(rule, call, ctx, *judges())

        return checked

    return wrap


def ahead_of_history(rule, call: Call, ctx: Context, per_request, per_iteration) -> Iterator[Diagnostic]:
    """A per-request value in the system prompt, or a system message opening the list, of a
    request that resends a conversation growing across requests."""
    history = call.site.history or call.site.passed_history
    model = ctx.model(call)
    # A LangGraph node's model also carries the state's conversation as its own history (CL011
    # reads it there): the node's system text ahead of it is still the graph head's.
    if call.site.graph_prompt is not None and (history is None or history.kind == "graph"):
        model = model or ctx.default_model(call)  # `os.getenv("MODEL", "gpt-4o-mini")`: what it sends unless the run says otherwise
        texts, history = graph_head(call, model)
    elif history is None or not _caches_history(call, ctx, model):
        return
    else:
        system = call.value("system")
        texts = _texts(system, 0) if system is not None else _head_system_texts(call.value("messages"))
    for text in texts:
        for part in text.parts:
            if not isinstance(part, Dynamic):
                continue
            if per_request(part):
                unit = resolution(part.source)
                if unit is None:
                    continue
                when = f"the clock to {unit}" if unit else "new on every request"
            elif per_iteration(part, call):
                when = f"new on every iteration of the loop at line {call.site.loop.row}"
            else:
                continue
            yield _report(rule, call, part, when, history, model)
            return


def graph_head(call: Call, model) -> Tuple[List[Text], Optional[object]]:
    """The system texts a LangGraph node writes ahead of its state's conversation, and that
    conversation, where the model is OpenAI's (which caches prefixes by itself) called directly."""
    messages, history = call.site.graph_prompt
    direct = not call.site.local and call.site.gateway is None and not any(k in _ROUTES for k in call.site.kwargs.keys())
    # A model the catalogue lacks (`gpt-5.2-chat-latest`) that `ChatOpenAI` sends to OpenAI by its name.
    named = model is None and call.site.api == "ChatOpenAI" and (call.model_id() or "").startswith(_OPENAI_NAMES)
    if not direct or not (named or model is not None and model.provider == "openai"):
        return [], None
    return _head_system_texts(messages), history


# A chat model constructor's keywords that send it elsewhere than the provider's own API.
_ROUTES = frozenset({"base_url", "openai_api_base", "api_base", "azure_endpoint", "model_provider"})
_OPENAI_NAMES = ("gpt-", "chatgpt-", "o1", "o3", "o4")


def _report(rule, call: Call, part: Dynamic, when: str, history, model) -> Diagnostic:
    loc = part.loc or call.site.loc
    grows = {"loop": "grows round its loop", "handed": "is the caller's conversation, appended after each request",
             "graph": "grows with each answer and tool result the graph adds to its state"}.get(history.kind, "grows across requests")
    where = f"line {history.append.row}" if history.append.path == loc.path else f"{history.append.path}:{history.append.row}"
    where = f"{history.bound} at {where}" if history.kind == "graph" else f"appended at {where}"
    # The history's size is not known statically: the money is per 1,000 tokens of it, a worst case.
    usd = lost_reads_usd(1000, model)
    return rule.diagnostic(
        loc,
        f"`{part.source}`, {when}, sits in the system prompt ahead of `{history.name}`, which {grows} ({where}) "
        "and is resent whole behind it: each time the value changes the prefix cache loses all of that history, so at worst "
        "every turn pays the full input price for the whole conversation so far instead of a cached read"
        + (f" (about {money(usd)} per 1,000 turns for each 1,000 tokens of history; " if usd else " (")
        + "the history's size is not known statically). Move per-request values after the conversation, e.g. into the "
        "newest user message.",
        related=(history.append,) + call.site.through,
    )


# --- examples (the rule's `examples()` lists them) ------------------------------------------

# A chat bot's module-level history resent behind a fixed system message and a second one
# with the clock (xiaozhi's and dodokolu's shape: the clock, then the whole dialogue).
CHAT = ("from openai import OpenAI\nfrom datetime import datetime\nimport uuid\nclient = OpenAI()\nhistory = []\n"
        "def turn(q):\n    history.append({{'role': 'user', 'content': q}})\n"
        "    reply = client.chat.completions.create(model='gpt-5.4', messages=[\n"
        "        {{'role': 'system', 'content': 'You are a helpful assistant.'}},\n"
        "        {{'role': 'system', 'content': {stamp}}},\n        *history{after}])\n"
        "    history.append({{'role': 'assistant', 'content': reply.choices[0].message.content}})\n")
# An assistant object keeping the conversation, its short system prompt opening with a request id.
CLAUDE = ("import anthropic, time\nclient = anthropic.Anthropic()\n"
          "class Bot:\n    def __init__(self):\n        self.messages = []\n"
          "    def ask(self, q):\n        self.messages.append({{'role': 'user', 'content': q}})\n"
          "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=self.messages,\n"
          "            system=f'Request time: {{time.time()}}'{extra})\n"
          "        self.messages.append({{'role': 'assistant', 'content': reply.content}})\n")

# An OpenAI request whose model is known only at run time (an Azure deployment, a setting):
# OpenAI's minimum (1,024) decides, not the largest Claude one (AFShowcase's shape).
UNKNOWN_MODEL = ("import os, datetime\nfrom openai import OpenAI\n" + "POLICY = {policy!r}\n"
                 "def first_answer(email):\n    return OpenAI().chat.completions.create(model=os.environ['DEPLOYMENT'], messages=[\n"
                 "        {{'role': 'system', 'content': f'Today is {{datetime.datetime.now()}} ' + POLICY}}, {{'role': 'user', 'content': email}}])\n")
POLICY = "Answer as the sales manager of a freight company, quoting the tariff rules. "

FIRES = [
    Invalid(UNKNOWN_MODEL.format(policy=POLICY * 150), row=6, message="ahead of ~2,"),
    # the model unknown: no price, and no money
    Invalid(CHAT.replace("model='gpt-5.4'", "model=os.environ['CHAT_MODEL']").replace("import uuid", "import uuid, os").format(
        stamp="f'Now: {datetime.now():%H:%M:%S}'", after=""), row=10,
        message="the clock to the second, sits in the system prompt ahead of `history`, which grows across requests (appended at line 7) "
        "and is resent whole behind it: each time the value changes the prefix cache loses all of that history, so at worst every turn "
        "pays the full input price for the whole conversation so far instead of a cached read (the history's size is not known statically)"),
    Invalid(CHAT.format(stamp="f'Now: {datetime.now():%H:%M}'", after=""), row=10,
            message="`datetime.now():%H:%M`, the clock to the minute, sits in the system prompt ahead of `history`, which grows "
            "across requests (appended at line 7) and is resent whole behind it"),
    Invalid(CHAT.format(stamp="f'Request {uuid.uuid4()}'", after=""), row=10, message="new on every request"),
    # a Claude breakpoint the code writes on each new turn, past the history
    Invalid(CLAUDE.replace("'content': q}}", "'content': [{{'type': 'text', 'text': q, 'cache_control': {{'type': 'ephemeral'}}}}]}}").format(extra=""),
            row=9, message="`time.time()`, the clock to the fraction of a second, sits in the system prompt ahead of `self.messages`"),
]
SILENT = [
    # under OpenAI's 1,024-token minimum: nothing cacheable behind the clock
    UNKNOWN_MODEL.format(policy=POLICY * 40),
    # a Claude request with no breakpoint at all caches nothing: nothing to lose (CL002's and CL011's findings)
    CLAUDE.format(extra=""),
    # a date changes once a day; a clock to the hour once an hour
    CHAT.format(stamp="f'Today is {datetime.now():%Y-%m-%d}'", after=""),
    CHAT.format(stamp="f'Now: {datetime.now():%Y-%m-%d %H:00}'", after=""),
    # a value the linter cannot name
    CHAT.format(stamp="f'Context: {q.upper()}'", after=""),
    # the clock after the history, in the newest user turn: the prefix stays stable
    CHAT.format(stamp="'Be brief.'", after=", {'role': 'user', 'content': f'Now: {datetime.now():%H:%M}'}"),
    # a third-party service, or a local server: how (or whether) it caches is its own
    CHAT.replace("OpenAI()", "OpenAI(base_url='https://openrouter.ai/api/v1')").format(stamp="f'Now: {datetime.now():%H:%M}'", after=""),
    # a vendor's own OpenAI-compatible API (Alibaba's Qwen): its caching is not OpenAI's
    CHAT.replace("OpenAI()", "OpenAI(base_url='https://dashscope.aliyuncs.com/compatible-mode/v1')").replace("gpt-5.4", "qwen-turbo").format(
        stamp="f'Now: {datetime.now():%H:%M}'", after=""),
    CHAT.replace("OpenAI()", "OpenAI(base_url='http://localhost:11434/v1')").format(stamp="f'Now: {datetime.now():%H:%M}'", after=""),
    # a list built anew for each request does not grow: nothing resent behind the clock
    CHAT.replace("*history{after}", "{{'role': 'user', 'content': q}}").format(stamp="f'Now: {datetime.now():%H:%M}'"),
]
