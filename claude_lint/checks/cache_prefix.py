from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING: from typing import Iterator, List, Optional  # noqa: E701 (one line: this module is at the line limit)
from claude_lint import tokens as tok
from claude_lint.checks.base import Context, Invalid, Rule, money, tokens
from claude_lint.diagnostics import Diagnostic
from claude_lint.checks.cache_marks import blocks as all_blocks, claude_caching, injected, within
from claude_lint.checks import cache_prefix_history as history
from claude_lint.cost import lost_reads_usd, unread_cache_usd
from claude_lint.facts import Dynamic, Lit, Mapping, OneOf, Seq, Text
from claude_lint.link import Call
from claude_lint.patterns import lazy
from claude_lint.prompt_text import MAX_OPTIONS_DEPTH

HEAD = "import anthropic, datetime, uuid\nclient = anthropic.Anthropic()\n"
RULES = "Follow the Acme support policy in every answer. " * 300
# Per-request values by the code that produces them. Names are matched whole, so a
# field `{now}` counts (it almost always holds datetime.now()) but `{known}` does not.
PER_REQUEST = lazy(
    r"\b(?:now|utcnow|time|time_ns|monotonic|perf_counter|uuid[14]?|random|randint|token_hex|token_urlsafe|"
    r"timestamp|request_id|req_id|trace_id|nonce)\b",
    re.IGNORECASE,
)
# A date changes once a day: one extra cache write a day, not a miss on every request.
_DAILY = lazy(r"\btoday\b|\.date\(\)")
_FORMAT = history.FORMAT_SPEC
_TIME_DIRECTIVE = lazy(r"%-?[HIMSfpXcTsRkl]")
# What the clock says about the zone or the calendar, not the moment: the same on every request.
_CLOCK_ZONE = lazy(r"\.(?:tzinfo|tzname|utcoffset|year|month|day|weekday|isoweekday)\b(?:\(\))?\)?$")

_SECONDS, _MINUTES, _HOURS = lazy(r"%-?[SfXcTs]"), lazy(r"%-?[MR]"), lazy(r"%-?[HIklp]")  # format directives by resolution
_REPLACED = lazy(r"\.replace\((?P<args>[^()]*)\)")


def resolution(source: str) -> Optional[str]:
    """A clock's resolution, "minute" or "hour" (`now():%H:%M`, `now().replace(second=0)`); None: new per request."""
    fmt = _FORMAT.search(source)
    if fmt is not None and fmt.group("fmt") and not _SECONDS.search(fmt.group("fmt")):
        return "minute" if _MINUTES.search(fmt.group("fmt")) else "hour" if _HOURS.search(fmt.group("fmt")) else None
    replaced = _REPLACED.search(source)
    if fmt is None and replaced is not None and "second=0" in replaced.group("args").replace(" ", ""):
        return "hour" if "minute=0" in replaced.group("args").replace(" ", "") else "minute"
    return None


def per_request(part: Dynamic) -> bool:
    source = part.source
    if not (PER_REQUEST.search(source) or history.clock_helper(source)) or _DAILY.search(source) or _CLOCK_ZONE.search(source.strip()):
        return False
    fmt = _FORMAT.search(source)
    if fmt is not None and fmt.group("fmt") and not _TIME_DIRECTIVE.search(fmt.group("fmt")):
        return False  # formatted to the day (or coarser)
    return True


class CachePrefixDynamic(Rule):
    """## What it does
    Flags a per-request value (the current time, also from the project's own clock
    named for it: `{get_local_time():%H:%M}`, a UUID, a random number, a request ID)
    inside a cached prompt prefix: before the last `cache_control` breakpoint, in
    the block that carries it, or near the start of a long system prompt (or of the
    system message that opens an OpenAI-style message list) whose remaining text would
    otherwise be cacheable. For a provider that caches by itself the prompt's head is read
    message after message (the first user message of a list with no system message, the
    Responses API's `input` string, a short system message ahead of a long fixed one), and
    only the fixed text right behind the value counts. LiteLLM's `cache_control_injection_points` are breakpoints
    where LiteLLM writes them: on the system messages (`"role": "system"`) or on the
    message at an `index` (`-1`, the last, caches all before it).

    ## Why is this bad?
    Prompt caching matches prefixes exactly. A timestamp before the breakpoint makes
    every request's prefix new: each call pays the cache write (1.25x input) and never
    gets the read (0.1x or less). Without explicit breakpoints the same value at the
    start of a long system prompt defeats automatic caching (OpenAI caches prompt
    prefixes of 1,024 tokens or more). A Claude request with no breakpoint at all
    caches nothing, so a value there busts nothing: CL002 asks for the breakpoint. Moving the value after the cached part (into
    the user message) keeps the prefix stable.

    A value the request's loop changes on each iteration (the loop's item, a step
    counter: `f"Step {i} of {n}"`, what a call in its body fetches anew:
    `state = await env.get_state()`) busts the prefix the same way, also when it reaches
    the text through a wrapper and its prompt helper (`act(page)` whose helper writes
    `{state.url}`); the finding names where it enters the prompt and the wrapper calls
    that carry it to the request (a `# noqa` on any of them holds). A template filled by
    `.format(...)` is judged by what each keyword passes (`TEMPLATE.format(now=today)` is
    a date), not by the field's name; a text grown with `+=` after it (under an `if`
    too: `if context: prompt += f"...{now}"`) is judged with and without what is
    appended. A prompt builder with several returns is judged
    by each of them: whichever it sends lands in the same place. A prompt builder may be a
    method of an object (`P.system()`, `self.context.build_messages(...)`), and a helper
    that copies the list (a sanitiser) sends the caller's messages, with the breakpoint
    it puts on the way (`messages, tools = self._apply_cache_control(messages, tools)`,
    also when an `if` applies it only where the provider caches), even when a branch
    appends its cleaned copy of a message and `continue`s, and when the helper is a method
    the class inherits from another module's base class. A builder of another module that
    returns the messages list it fills in a loop (`for turn in history: messages.append(turn)`)
    sends its written head: the system message, with the clock in it, then the run's turns.
    Context a helper appends (`prompt += f"Context: {self.extra()}"`) is read through each of its
    returns (a `try` and its `except`), on a base class of the same file too, and through an
    object another module's factory makes (`self.sessions = open_sessions()`).

    Values are followed across modules: `f"Today is {datetime.now():%Y-%m-%d}. {RULES}"`
    is seen even when `RULES` lives elsewhere. Dynamic content after the last
    breakpoint is fine and stays silent; so do values the linter cannot name, and
    dates (`date.today()`, `now():%Y-%m-%d`, `now().date()`): a value that changes
    once a day costs one extra cache write a day, not a miss on every request. The
    clock's zone or calendar (`now.tzinfo`, `now.year`, `now.day`) changes once a day at most. A
    clock read to the minute or the hour (`now():%H:%M`, `now().replace(second=0)`) is
    said to change every minute (hour): calls within it still match, so the loss given
    is a worst case. A value in a system prompt, short or not (or a second system
    message), ahead of a conversation resent whole and growing across requests (CL004's
    evidence) busts that history each time it changes, where a cache would serve it: a
    provider that caches by itself, or a Claude breakpoint that moves with the
    conversation (top-level `cache_control`, or one the code writes into the list). So does a
    LangGraph node's system message ahead of its state's `messages` (`[SystemMessage(content=f"...{now}")] + state["messages"]`)
    on an OpenAI model (also one another module's helper makes, and a prompt the linter cannot read filled by `.format(system_time=now)`:
    LangGraph's react-agent template), where the graph is compiled with a checkpointer or comes back after its tools. A
    clock to the hour or coarser, a Claude request with no breakpoint, a value after the history
    and messages rebuilt for each request stay silent; the history's size is not known statically, so the money is per 1,000 tokens of it.

    ## Example
    ```python
    system = [{"type": "text", "text": f"Now: {datetime.now()}\\n{RULES}",
               "cache_control": {"type": "ephemeral"}}]
    ```

    ## Use instead
    ```python
    system = [{"type": "text", "text": RULES, "cache_control": {"type": "ephemeral"}}]
    messages = [{"role": "user", "content": f"Now: {datetime.now()}\\n{question}"}]
    ```

    ## Options
    - `unknown-model-minimum` (int, 4096): the cacheable length assumed when the model
      is not known statically (the largest of a current Claude model); a route to a provider that caches by itself (OpenAI) uses that provider's largest minimum (1,024).
    """

    code = "CL006"
    name = "cache-prefix-dynamic"
    summary = "per-request value inside a cached prompt prefix"
    options = {"unknown-model-minimum": 4096}

    @staticmethod
    def examples():
        from claude_lint.checks import cache_prefix_examples as shapes, cache_prefix_graph as graph

        fires = [
            Invalid(HEAD + f"RULES = {RULES!r}\n"
                    'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[],\n'
                    '    system=[{"type": "text", "text": f"Now: {datetime.datetime.now()}\\n{RULES}", "cache_control": {"type": "ephemeral"}}])\n',
                    row=5, message="`datetime.datetime.now()` changes on every request and sits in the system prompt block that carries "
                    "the cache breakpoint, so the prefix never matches the cache: every call pays a cache write (1.25x input) instead "
                    "of a read (0.1x or less), about $11.90 per 1,000 calls"),
            # before the breakpoint, in an earlier block
            HEAD + f"RULES = {RULES!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[],\n'
            '    system=[{"type": "text", "text": f"Request {uuid.uuid4()}"}, {"type": "text", "text": RULES, "cache_control": {"type": "ephemeral"}}])\n',
            # at the start of a long, uncached system prompt (resolved from another module)
            {
                "rules.py": f"RULES = {RULES!r}\n",
                "bot.py": "from openai import OpenAI\nimport time\nfrom rules import RULES\n"
                'OpenAI().responses.create(model="gpt-5.4", max_output_tokens=300, input="hi",\n'
                '    instructions=f"Timestamp: {time.time()}\\n{RULES}")\n',
            },
        ]
        fires = [
            *fires,
            # an agent's step counter inside the cached system block
            HEAD + f"RULES = {RULES!r}\n"
            "for step in range(25):\n"
            '    client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{"role": "user", "content": "next"}],\n'
            '        system=[{"type": "text", "text": f"{RULES}\\nYou are on iteration {step} of 25.", "cache_control": {"type": "ephemeral"}}])\n',
            # the loop's document inside the cached block: each write is never read
            HEAD + f"RULES = {RULES!r}\n"
            "for doc in docs:\n"
            '    client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{"role": "user", "content": "Summarise it."}],\n'
            '        system=[{"type": "text", "text": f"{RULES}\\n<doc>{doc}</doc>", "cache_control": {"type": "ephemeral"}}])\n',
        ]
        silent = [
            # the loop's item after the breakpoint, in the user turn: the prefix stays stable
            HEAD + f"RULES = {RULES!r}\n"
            "for doc in docs:\n"
            '    client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{"role": "user", "content": f"Summarise: {doc}"}],\n'
            '        system=[{"type": "text", "text": RULES, "cache_control": {"type": "ephemeral"}}])\n',
            # after the last breakpoint: fine
            HEAD + f"RULES = {RULES!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=500,\n'
            '    system=[{"type": "text", "text": RULES, "cache_control": {"type": "ephemeral"}}],\n'
            '    messages=[{"role": "user", "content": f"Now: {datetime.datetime.now()}. Question?"}])\n',
            # at the end of an uncached system prompt: the prefix stays stable
            HEAD + f"RULES = {RULES!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[], system=f"{RULES}\\nNow: {datetime.datetime.now()}")\n',
            # short prompt: nothing to cache anyway
            HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[], system=f"Now: {datetime.datetime.now()}")\n',
            # a date changes once a day: one extra write a day, not a miss per request
            HEAD + f"RULES = {RULES!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[],\n'
            '    system=[{"type": "text", "text": f"Today is {datetime.date.today()}. Now: {datetime.datetime.now():%Y-%m-%d}\\n{RULES}", "cache_control": {"type": "ephemeral"}}])\n',
            # a value that is not per request
            HEAD + f"RULES = {RULES!r}\n"
            'def ask(user_name):\n    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[],\n'
            '        system=[{"type": "text", "text": f"Policy for {user_name}\\n{RULES}", "cache_control": {"type": "ephemeral"}}])\n',
        ]

        # A template filled by `.format(...)`: a field is what its keyword passes, not its name.
        TEMPLATE = f"TEMPLATE = 'Current time: {{now}}\\n' + {RULES!r}\n"
        FORMATTED = ('client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{{"role": "user", "content": "next"}}],\n'
                     '    system=[{{"type": "text", "text": TEMPLATE.format(now={value}), "cache_control": {{"type": "ephemeral"}}}}])\n')
        fires = [
            *fires,
            Invalid(HEAD + TEMPLATE + FORMATTED.format(value="datetime.datetime.now().isoformat()"), row=5,
                    message="`datetime.datetime.now().isoformat()` changes on every request"),
            # passed through a name assigned once
            Invalid(HEAD + TEMPLATE + "stamp = datetime.datetime.now().isoformat()\n" + FORMATTED.format(value="stamp"), row=4,
                    message="`datetime.datetime.now().isoformat()` changes on every request"),
            # the loop's counter passed to the template
            Invalid(HEAD + TEMPLATE + "for step in range(25):\n    " + FORMATTED.format(value="step").replace("\n    system", "\n        system"),
                    row=6, message="`step` changes on every iteration of the loop at line 4"),
        ]
        silent = [
            *silent,
            # the field is named `now`, but its keyword passes a date, or a value fixed for the run
            HEAD + TEMPLATE + FORMATTED.format(value="datetime.date.today()"),
            HEAD + TEMPLATE + "VERSION = '2.1'\n" + FORMATTED.format(value="VERSION"),
            HEAD + TEMPLATE + "stamp = datetime.date.today().isoformat()\n" + FORMATTED.format(value="stamp"),
        ]

        # A field whose name has an empty default and one real value: the real value is what is sent.
        OPTIONAL = 'stamp = ""\nif verbose:\n    stamp = {value}\n'
        fires = [
            *fires,
            Invalid(HEAD + TEMPLATE + OPTIONAL.format(value="datetime.datetime.now().isoformat()") + FORMATTED.format(value="stamp"),
                    row=6, message="`datetime.datetime.now().isoformat()` changes on every request"),
        ]
        silent = [*silent, HEAD + TEMPLATE + OPTIONAL.format(value="datetime.date.today().isoformat()") + FORMATTED.format(value="stamp")]

        # the loop's counter in an optional line the template receives
        COUNTER = 'for step in range(25):\n    info = ""\n    if verbose:\n        info = f"You are on iteration {step} of 25."\n    ' + FORMATTED.replace("\n    system", "\n        system").format(value="info")
        fires = [*fires, Invalid(HEAD + TEMPLATE + COUNTER, row=7, message="changes on every iteration of the loop at line 4")]
        silent = [*silent, HEAD + TEMPLATE + COUNTER.replace("{step}", "{user_name}")]

        fires, silent = [*fires, *shapes.BUILDER_FIRES], [*silent, *shapes.BUILDER_SILENT]  # a prompt builder with several returns

        from claude_lint.checks import cache_prefix_head as prompt_head  # here and below: read only for requests not Claude's
        fires, silent = [*fires, *shapes.FIRES, *history.FIRES, *prompt_head.FIRES, *graph.FIRES], [*silent, *shapes.SILENT, *history.SILENT, *prompt_head.SILENT, *graph.SILENT]  # OpenAI-style system messages, lists filled by appends

        fires, silent = [*fires, *shapes.NAMED_FIRES, *shapes.INJECTED_FIRES], [*silent, *shapes.NAMED_SILENT, *shapes.INJECTED_SILENT]  # a name first; LiteLLM's points

        # A wrapper's cached system text with a field its caller fills: the caller's loop counter
        # or clock, bound through the wrapper's parameters (and a prompt builder's, through a
        # template's optional line) into the block that carries the breakpoint.
        WRAPPER = (HEAD + f"RULES = {RULES!r}\n"
                   "def ask(q, step=None, total=None):\n"
                   '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{{"role": "user", "content": q}}],\n'
                   '        system=[{{"type": "text", "text": f"{{RULES}}\\nYou are on step {{step}} of {{total}}.", "cache_control": {{"type": "ephemeral"}}}}])\n'
                   "def run(goal, questions, persona):\n{caller}")
        AUTOMODE = (HEAD + f"RULES = {RULES!r}\n" + "AUTOMODE = 'You are in automode.\\n{iteration_info}\\n'\n"
                    "def system_prompt(current=None, most=None):\n"
                    "    info = ''\n    if current is not None:\n        info = f'You are on iteration {current} out of {most}.'\n"
                    "    return RULES + AUTOMODE.format(iteration_info=info)\n"
                    "def chat(q, current_iteration=None, max_iterations=None):\n"
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{"role": "user", "content": q}],\n'
                    '        system=[{"type": "text", "text": system_prompt(current_iteration, max_iterations), "cache_control": {"type": "ephemeral"}}])\n'
                    "def automode(goal, max_iterations=25):\n    count = 0\n    while count < max_iterations:\n"
                    "        chat(goal, current_iteration=count + 1, max_iterations=max_iterations)\n        count += 1\n")
        fires = [*fires,
            Invalid(WRAPPER.format(caller="    for i in range(25):\n        ask(goal, step=i + 1, total=25)\n"), row=9,
                    message="`i + 1` changes on every iteration of the loop at line 8 (it enters the prompt at line 6) and sits in the system prompt block that carries the cache breakpoint"),
            Invalid(WRAPPER.format(caller="    ask(goal, datetime.datetime.now().isoformat())\n"), row=8,
                    message="`datetime.datetime.now().isoformat()` changes on every request"),
            # the finding stays where the counter changes and names the line of the helper that writes it into the prompt
            Invalid(AUTOMODE, row=16, message="`count + 1` changes on every iteration of the loop at line 15 (it enters the prompt at line 8)"),
        ]
        silent = [*silent,  # the caller's value stays the same round the loop, is a date, or is fixed
            WRAPPER.format(caller="    for q in questions:\n        ask(q, step=persona)\n"),
            WRAPPER.format(caller="    ask(goal, datetime.date.today())\n"),
            WRAPPER.format(caller="    for q in questions:\n        ask(q, step=1, total=1)\n"),
            # not in automode: the optional line is never filled
            AUTOMODE.replace("        chat(goal, current_iteration=count + 1, max_iterations=max_iterations)\n", "        chat(goal)\n"),
        ]

        fires, silent = [*fires, *shapes.HELPER_FIRES], [*silent, *shapes.HELPER_SILENT]  # the clock in a helper's system text
        return fires, silent

    @history.or_ahead_of_history(lambda: (per_request, per_iteration))  # the rule's judges of a value
    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        found = all_blocks(call, whole=True)[0]
        placed = injected(call, found) if claude_caching(call, ctx.model(call)) else set()  # LiteLLM writes these itself, for Claude
        blocks = [((_WHERE[b.role], _block_text(b.value)), b.mark is not None or i in placed) for i, b in enumerate(found)]
        marks = [i for i, (_, cached) in enumerate(blocks) if cached]
        top = call.value("cache_control")
        automatic = top is not None and not (isinstance(top, Lit) and top.value is None)
        if marks or automatic:
            # Automatic caching moves the breakpoint along the messages, which vary per
            # request anyway; only tools and system are a stable prefix to judge there.
            last = marks[-1] if marks else -1
            if automatic:
                last = max(last, max((i for i, (b, _) in enumerate(blocks) if b[0] != "messages"), default=-1))
            from claude_lint.estimate import estimate  # here: only a request with a breakpoint is priced
            cost = estimate(call, ctx.catalog)
            model = cost.model
            usd = unread_cache_usd(cost.cached_tokens, model) if cost.cached_tokens else None
            for i in range(last + 1):
                where, text = blocks[i][0]
                for part in _dynamic(text, call):
                    yield self._report(call, part, f"in the {where} before the last cache breakpoint" if i < last else f"in the {where} block that carries the cache breakpoint", usd)
            return
        model = ctx.model(call)
        if claude_caching(call, model) or (model is not None and model.provider == "anthropic"):
            # Claude caches only where a breakpoint is written: with none, the value busts
            # nothing (the missing breakpoint is CL002's finding, not this one).
            return
        from claude_lint.checks import cache_prefix_head as prompt_head  # a prompt's head: never a Claude request's (returned above)
        minimum = (model.min_cacheable if model is not None else None) or history.provider_minimum(call, ctx) or int(ctx.option("unknown-model-minimum"))
        ratio = ctx.catalog.token_ratio(model)
        system = call.value("system")
        for text in _system_texts(system if system is not None else prompt_head.opening_system(call.value("messages"))):
            found = self._ahead_of_prompt(call, text, model, minimum, ratio)
            if found is not None:
                yield found
                return
        text = prompt_head.head(call)  # the value in a message ahead of the fixed text, message after message
        found = self._ahead_of_prompt(call, text, model, minimum, ratio, "at the head of the prompt") if text is not None else None
        if found is not None:
            yield found

    def _ahead_of_prompt(self, call: Call, text: Text, model, minimum: int, ratio: float, head: str = "") -> Optional[Diagnostic]:
        """`head`: the text is the prompt's head read across messages, where only the fixed
        text right behind the value counts (what follows a question is not cached anyway)."""
        for i, part in enumerate(text.parts):
            if isinstance(part, Dynamic) and (per_request(part) or not head and per_iteration(part, call)):  # a message's loop item is its content
                from claude_lint.checks import cache_prefix_head as prompt_head
                rest = prompt_head.fixed_after(text, i) if head else "".join(p for p in text.parts[i + 1:] if isinstance(p, str))
                if len(rest.encode("utf-8")) * ratio < minimum:
                    return None
                after = int(tok.count(rest) * ratio)
                if after >= minimum:
                    usd = lost_reads_usd(after, model)
                    return self._report(call, part, f"{head or 'at the start of the system prompt'}, ahead of ~{tokens(after)} cacheable tokens", usd,
                                        marked=False)
                return None
        return None

    def _report(self, call: Call, part: Dynamic, where: str, usd: Optional[float], marked: bool = True) -> Diagnostic:
        """`marked`: a breakpoint is written, so each call pays a cache write; without one (a
        prefix the provider would cache by itself, or could be marked) the loss is the read."""
        arg = call.arg("system")
        loc = part.loc or (arg.at if arg is not None else call.site.loc)
        every = resolution(part.source) if per_request(part) else None
        when = f"every {every}" if every else "on every request" if per_request(part) else f"on every iteration of the loop at line {call.site.loop.row}"
        # A caller's value that a wrapper (or its prompt builder) writes into the text: the
        # finding stays at the caller, where the value changes, and names where it enters.
        entered = part.entered if part.entered is not None and part.entered != loc else None
        if entered is not None:
            when += f" (it enters the prompt at {'line ' if entered.path == loc.path else entered.path + ':'}{entered.row})"
        # A clock read to the minute (or hour) matches the calls of that same minute: the loss is a worst case.
        matches = f"matches the cache only for calls in the same {every}: the others pay " if every else "never matches the cache: every call pays "
        return self.diagnostic(
            loc,
            f"`{part.source}` changes {when} and sits {where}, so the prefix {matches}"
            + ("a cache write (1.25x input) instead of a read (0.1x or less)" if marked else "the full input price instead of a cached read")
            + (f", {'up to ' if every else ''}about {money(usd)} per 1,000 calls" if usd else "")
            + ". Move per-request values after the cached part, e.g. into the user message.",
            cost=usd,
            # where the value changes is far from the request: the wrapper calls that carry the prompt there
            related=((entered,) if entered is not None else ()) + call.site.through,
        )


_WHERE = {"tools": "tools", "system": "system prompt", "messages": "messages"}  # as a message names the role


def _block_text(value: object) -> Text:
    """A block's text as CL006 reads it: each return of a prompt builder counts (`_any_text`)."""
    text = _any_text(value.get("text") if isinstance(value, Mapping) else value)
    return text if text is not None else Text(())


def _any_text(value: object, depth: int = 0) -> Optional[Text]:
    """The block's text; for a value with several possible texts (a prompt builder with two
    returns), the run-time parts of all of them: whichever is sent lands in the same block."""
    if isinstance(value, Text):
        return value
    if not isinstance(value, OneOf) or depth >= MAX_OPTIONS_DEPTH:
        return None
    parts: list = []
    seen = set()
    for option in value.options:
        inner = _any_text(option, depth + 1)
        for part in inner.parts if inner is not None else ():
            key = (part.source, part.loc) if isinstance(part, Dynamic) else None
            if key is None or key not in seen:
                seen.add(key)
                parts.append(part)
    return Text(tuple(parts), value.loc) if parts else None


def _dynamic(text: Text, call: Call) -> List[Dynamic]:
    return [p for p in text.parts if isinstance(p, Dynamic) and (per_request(p) or per_iteration(p, call))]


_NAME = lazy(r"[A-Za-z_]\w*")


def per_iteration(part: Dynamic, call: Call) -> bool:
    """A value the request's own loop changes each time round: its item, its counter. For a
    call of a wrapper the loop is the caller's, and only what the caller passes (an argument
    the linker bound into the wrapper's text, written at the call) is read against it."""
    site = call.site
    if site.loop is None or not site.loop_names:
        return False
    if site.via is not None and not (within(part.loc, site.loc) or within(part.loc, site.loop)):  # the caller's, or fetched in its loop
        return False
    return any(name in site.loop_names for name in _heads(part.source))


_F_STRING = lazy(r"""^[rR]?[fF][rR]?["']""")
_FIELD = lazy(r"(?<!\{)\{([^{}]*)\}(?!\})")  # `{{x}}` is literal text


def _heads(source: str) -> List[str]:
    """The names a value is read from: the head of an expression (`doc.text`), or of each field
    of an f-string (a name bound to `f"Step {step} of {n}"` reads `step` and `n`)."""
    fields = [m.group(1).strip() for m in _FIELD.finditer(source)] if _F_STRING.match(source) else [source]
    return [m.group(0) for m in map(_NAME.match, fields) if m is not None]


def _system_texts(value: object, depth: int = 0) -> List[Text]:
    """The system prompt as sent; each return of a prompt builder with several on its own,
    since what matters is what stands ahead of the rest of that same text."""
    if isinstance(value, OneOf) and depth < MAX_OPTIONS_DEPTH:
        return [t for option in value.options for t in _system_texts(option, depth + 1)]
    text = _join(value)
    return [text] if text is not None else []


def _join(value: object) -> Optional[Text]:
    if isinstance(value, Text):
        return value
    if isinstance(value, Seq):
        parts: list = []
        for block in value.items:
            t = block.get("text") if isinstance(block, Mapping) else block
            if isinstance(t, Text):
                parts.extend(t.parts)
                parts.append("\n")
        return Text(tuple(parts)) if parts else None
    return None
