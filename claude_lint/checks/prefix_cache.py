from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING: from typing import Iterator, Optional, Tuple  # noqa: E701 (one line: this module is at the line limit)

from claude_lint.bounds import MAX_OPTIONS  # the texts one value lists, as extraction keeps them
from claude_lint.checks.base import Context, Invalid, Rule, money, tokens
from claude_lint.checks.cache_marks import TOOL_PROMPT_LEAST, breakpoint_anywhere, count, requests_of, unmarked_request
from claude_lint.checks.prefix_place import DECIDING, deciding_place, varies
from claude_lint.checks.system_cache import LONG_SYSTEM
from claude_lint.prompt_text import static_text, system_text
from claude_lint.cost import cache_saving
from claude_lint.diagnostics import Diagnostic
from claude_lint.facts import Mapping, OneOf, Seq, Text
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
RUBRIC = "Grade the answer against this rubric. A score of 5 means complete and correct. " * 120
TOOL_DOC = "Search the knowledge base by keyword and return the best matching passages with their ids. " * 60


def user_head(messages: object) -> Tuple[str, Optional[Mapping]]:
    """The fixed text at the head of the conversation sent, and the first user message when
    that text lies in it alone (what `--fix` may split).

    Only literal text before the first run-time part counts: what follows changes per
    call, and a cache prefix ends where the text first differs. Fixed example turns (few-
    shot user/assistant pairs written out) count whole, up to the first message that is
    not all literal."""
    if not isinstance(messages, Seq) or not messages.items:
        return "", None
    first = messages.items[0]
    if not isinstance(first, Mapping) or not _is(first.get("role"), "user"):
        return "", None
    heads = []
    for item in messages.items[:MAX_FIXED_TURNS]:
        head, whole = _message_head(item)
        heads.append(head)
        if not whole:
            break
    if not heads[0]:
        return "", None
    return "\n".join(h for h in heads if h), first if len([h for h in heads if h]) == 1 else None


MAX_FIXED_TURNS = 40  # few-shot turns followed before the run-time part (bounds.py's spirit)


def _message_head(message: object) -> Tuple[str, bool]:
    """A message's literal head, and whether the message is literal to its end."""
    if not isinstance(message, Mapping) or message.open:
        return "", False
    return _content_head(message.get("content"))


def _content_head(content: object) -> Tuple[str, bool]:
    if isinstance(content, OneOf):
        # Bound to one of several texts (a reply variant of the prompt): what they all start with
        # is sent whichever is chosen. An option unread (a run-time value) has no head; a lone
        # option (`if hasattr`, a name's other bindings left out) or a default behind unknown ones says too little.
        if content.default or not 2 <= len(content.options) <= MAX_OPTIONS:
            return "", False
        return os.path.commonprefix([_content_head(option)[0] for option in content.options]), False
    if isinstance(content, Text):
        return _literal_head(content), not content.dynamic_parts
    if isinstance(content, Seq) and content.items:
        pieces = []
        for block in content.items:
            text = block.get("text") if isinstance(block, Mapping) else None
            if not isinstance(text, Text) or (isinstance(block, Mapping) and block.open):
                return "\n".join(pieces), False
            pieces.append(_literal_head(text))
            if text.dynamic_parts:
                return "\n".join(pieces), False
        return "\n".join(pieces), True
    return "", False


def _literal_head(text: Text) -> str:
    head = []
    for part in text.parts:
        if not isinstance(part, str):
            break
        head.append(part)
    return "".join(head)


def _is(value: object, word: str) -> bool:
    return isinstance(value, Text) and not value.dynamic_parts and value.literal == word


class PromptPrefixUncached(Rule):
    """## What it does
    Flags fixed text of at least the model's minimum cacheable length sent on every
    Claude request (Claude API, Bedrock, Vertex, LiteLLM to a Claude model, a LangChain
    `ChatAnthropic` model invoked once with messages written out) with no
    cache breakpoint anywhere in the request, where CL002 (system prompt only) does not
    look:

    - instructions, a rubric or few-shot examples at the head of the first user
      message (a literal, a constant, an f-string, `%` format, `str.join` of fixed
      parts, or a template, Jinja or `string.Template`, whose fixed head is long, a
      prompt file read at run time, an entry read by key from a YAML or JSON file of prompts), before the part that changes per call, in a
      messages list written in the request or filled by `.append`/`.extend` before it;
      a content bound to one of several such texts (a variant for a reply) counts by
      the head they all share, whichever is sent, when that head reaches the minimum alone;
    - long tool definitions (their names, descriptions and schemas).

    The fixed prefix counted is the one the API caches: tools, then the system
    prompt, then the fixed head of the user turn. A system prompt long enough on its
    own is left to CL002, unless the fixed head of the user turn after it reaches the minimum alone (a breakpoint on the system prompt leaves that head uncached: it is reported, priced alone). A system prompt that changes between calls (a step counter,
    a date), or one built at run time that the linter cannot read, ends the repeated
    prefix at the tools: then only long tools are reported, and the breakpoint goes on
    the last tool. Through project wrappers, the finding is where the prefix is decided:
    at the request when the wrapper writes it all (its callers are related locations),
    else at the outermost call that passes part of it (the caller's, usually); a wrapper that routes a call to
    Claude or another provider at run time has its Claude request judged. Tools long enough on their own count the
    tool-use system prompt the API adds with them (at least 159 tokens).

    ## Why is this bad?
    Every call pays full input price for the same tokens. A cache read costs a tenth
    of the input price and a 5-minute write 1.25x, so a breakpoint after the fixed
    part pays for itself from the second call within five minutes.

    Tokens are counted offline on the literal text (run-time parts count as zero),
    so the estimate is a lower bound; the saving assumes 1,000 calls within the
    cache's lifetime, which is the best case.

    ## Example
    ```python
    prompt = f"{RUBRIC}\\n\\nAnswer to grade:\\n{answer}"
    client.messages.create(model="claude-sonnet-4-6", max_tokens=300,
                           messages=[{"role": "user", "content": prompt}])
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[
        {"role": "user", "content": [
            {"type": "text", "text": RUBRIC, "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": f"Answer to grade:\\n{answer}"}]}])
    ```
    For tools, put `"cache_control": {"type": "ephemeral"}` on the last tool.

    ## Fix safety
    When the first user message is an f-string written in the call's `messages=[...]`,
    `--fix` cuts it where its first run-time field starts: a text block with the fixed
    head and `"cache_control": {"type": "ephemeral"}`, then a text block with the rest.
    Safe: the blocks hold the same text in the same order, and the API reads a string
    and a list of text blocks alike. No fix for a prompt built elsewhere (a variable, a
    helper), nor for tool definitions (which tool to mark is the author's call).

    ## Options
    - `unknown-model-minimum` (int, 4096): the minimum cacheable length used when the
      model is not known statically (the largest of a current Claude model).
    """

    code = "CL012"
    name = "prompt-prefix-uncached"
    summary = "long fixed user-turn prefix or tool definitions sent without prompt caching"
    options = {"unknown-model-minimum": 4096}
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 199 labelled repositories, main and held out, and the "
                      "295 precision samples; 2026-12-03): 16 findings, all right, but recall 0.48 (10 of 21 fire "
                      "labels): it misses more than half of the cases.")

    @staticmethod
    def examples():
        GRADER = (
            HEAD + f"RUBRIC = {RUBRIC!r}\n"
            "def grade(answer):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300,\n'
            '        messages=[{"role": "user", "content": f"{RUBRIC}\\n\\nAnswer to grade:\\n{answer}"}])\n'
        )
        fires = [
            # a rubric constant at the head of an f-string user turn (a model-graded eval)
            Invalid(GRADER, row=6, message="caching saves about $6.71 per 1,000 calls ($7.47 ->",
                    expected_replacement=GRADER.replace(
                        '"content": f"{RUBRIC}\\n\\nAnswer to grade:\\n{answer}"',
                        '"content": [{"type": "text", "text": f"{RUBRIC}\\n\\nAnswer to grade:\\n", "cache_control": {"type": "ephemeral"}}, '
                        '{"type": "text", "text": f"{answer}"}]')),
            # long tool definitions resent each request
            HEAD + "TOOLS = [\n"
            + "".join(f"    {{'name': 'search_{i}', 'description': {TOOL_DOC!r}, 'input_schema': {{'type': 'object', 'properties': {{'q': {{'type': 'string'}}}}}}}},\n" for i in range(3))
            + "]\ndef ask(q):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, tools=TOOLS, messages=[{"role": "user", "content": q}])\n',
            # the instructions come from a prompt file and the dynamic part follows them
            {
                "prompts/extract.md": RUBRIC,
                "app.py": HEAD + "from pathlib import Path\n"
                "INSTRUCTIONS = (Path(__file__).parent / 'prompts' / 'extract.md').read_text()\n"
                "def extract(doc):\n"
                "    prompt = INSTRUCTIONS + '\\n<doc>\\n' + doc + '\\n</doc>'\n"
                '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=800, messages=[{"role": "user", "content": prompt}])\n',
            },
            # an agent's task prompt filled by hand (str.replace), the first message of a growing conversation
            HEAD + f"AGENT_PROMPT = {('<purpose>' + RUBRIC + '</purpose><request>{{user_request}}</request>')!r}\n"
            "def run(request):\n"
            "    messages = [{'role': 'user', 'content': AGENT_PROMPT.replace('{{user_request}}', request)}]\n"
            "    for _ in range(10):\n"
            '        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages)\n'
            "        messages.append({'role': 'assistant', 'content': reply.content})\n",
        ]
        fires = [
            *fires,
            # the rubric reaches the request through a project wrapper: reported at the caller, which writes the prefix
            Invalid({"llm.py": HEAD + "def ask(prompt):\n"
                     '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": prompt}])\n',
                     "grade.py": "from llm import ask\n" + f"RUBRIC = {RUBRIC!r}\n" + "def grade_all(answers):\n    return [ask(f'{RUBRIC}\\n{a}') for a in answers]\n"},
                    path="grade.py", row=4, message="fixed head of the user turn ~2,485"),
        ]
        LONG_TOOLS = ("TOOLS = [\n" + "".join(
            f"    {{'name': 'search_{i}', 'description': {TOOL_DOC!r}, 'input_schema': {{'type': 'object', 'properties': {{'q': {{'type': 'string'}}}}}}}},\n"
            for i in range(3)) + "]\n")
        fires = [
            *fires,
            # the system prompt carries the agent's step counter: only a breakpoint on the tools is ever read
            Invalid(HEAD + LONG_TOOLS + f"BASE = {LONG_SYSTEM!r}\n"
                    "def step(messages, i):\n"
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, tools=TOOLS,\n'
                    '        system=BASE + f"\\nIteration {i} of 25", messages=messages)\n',
                    message="The system prompt changes between calls, so put"),
        ]
        fires = [
            *fires,
            # tools a little under the minimum by their own text: the API's tool-use prompt carries them over it
            Invalid(HEAD + "TOOLS = [" + ", ".join(f"{{'name': 'tool_{i}', 'description': {('Look up a record by its id and return it. ' * 6)!r}, 'input_schema': {{'type': 'object'}}}}" for i in range(9)) + "]\n"
                    "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-5', max_tokens=300, tools=TOOLS, messages=[{'role': 'user', 'content': q}])\n",
                    message="with the API's tool-use prompt"),
        ]
        FEW_SHOT = ("EXAMPLES = [\n" + "".join(
            f"    {{'role': 'user', 'content': {('Classify this support ticket by urgency and product area. Ticket: the export to CSV fails on large files. ' * 3)!r}}},\n"
            f"    {{'role': 'assistant', 'content': 'urgency: high; area: export'}},\n" for _ in range(12)) + "]\n")
        fires = [
            *fires,
            # few-shot example turns written out, then the ticket: the examples are the fixed prefix
            Invalid(HEAD + FEW_SHOT + "def classify(ticket):\n"
                    "    return client.messages.create(model='claude-sonnet-4-5', max_tokens=50,\n"
                    "        messages=EXAMPLES + [{'role': 'user', 'content': ticket}])\n",
                    message="fixed example turns ~"),
        ]
        silent = [
            # the same examples after the ticket: the prefix changes with every call
            HEAD + FEW_SHOT + "def classify(ticket):\n"
            "    return client.messages.create(model='claude-sonnet-4-5', max_tokens=50,\n"
            "        messages=[{'role': 'user', 'content': ticket}] + EXAMPLES)\n",
            # two short example turns
            HEAD + "EXAMPLES = [{'role': 'user', 'content': 'Ticket: login fails'}, {'role': 'assistant', 'content': 'urgency: high'}]\n"
            "def classify(ticket):\n    return client.messages.create(model='claude-sonnet-4-5', max_tokens=50, messages=EXAMPLES + [{'role': 'user', 'content': ticket}])\n",
            # short tools and a short fixed head: the sum passes the minimum only with the tool-use prompt, too close to call
            HEAD + "TOOLS = [" + ", ".join(f"{{'name': 'tool_{i}', 'description': {('Look up a record by its id and return it. ' * 6)!r}, 'input_schema': {{'type': 'object'}}}}" for i in range(7)) + "]\n"
            + f"HEAD = {('Grade the answer against this rubric. A score of 5 means complete and correct. ' * 10)!r}\n"
            "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-5', max_tokens=300, tools=TOOLS, messages=[{'role': 'user', 'content': HEAD + q}])\n",
            # short tools written in Russian: counted as the text the model reads, not as JSON's \\u escapes
            HEAD + "TOOLS = [" + ", ".join(f"{{'name': 'tool_{i}', 'description': {('Найти запись по её номеру и вернуть её. ' * 3)!r}, 'input_schema': {{'type': 'object'}}}}" for i in range(5)) + "]\n"
            "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-5', max_tokens=300, tools=TOOLS, messages=[{'role': 'user', 'content': q}])\n",
            # the system prompt changes per call and the tools are short: no prefix repeats long enough
            HEAD + f"RUBRIC = {RUBRIC!r}\n"
            "def grade(answer, today):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=f"Today is {today}.",\n'
            '        messages=[{"role": "user", "content": f"{RUBRIC}\\n\\nAnswer to grade:\\n{answer}"}])\n',
            # the placeholder comes first: what follows it is not a fixed prefix
            HEAD + f"AGENT_PROMPT = {('<request>{{user_request}}</request>' + RUBRIC)!r}\n"
            "def run(request):\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024,\n"
            "        messages=[{'role': 'user', 'content': AGENT_PROMPT.replace('{{user_request}}', request)}])\n",
            # the fixed part is already its own cached block
            HEAD + f"RUBRIC = {RUBRIC!r}\n"
            "def grade(answer):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": [\n'
            '        {"type": "text", "text": RUBRIC, "cache_control": {"type": "ephemeral"}},\n'
            '        {"type": "text", "text": answer}]}])\n',
            # the dynamic part comes first: no fixed prefix to cache
            HEAD + f"RUBRIC = {RUBRIC!r}\n"
            "def grade(answer):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300,\n'
            '        messages=[{"role": "user", "content": f"Answer: {answer}\\n\\n{RUBRIC}"}])\n',
            # a short instruction
            HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": f"Summarise: {doc}"}])\n',
            # tools with a breakpoint on the last one
            HEAD + f"TOOLS = [{{'name': 'search', 'description': {TOOL_DOC * 3!r}, 'input_schema': {{'type': 'object'}}, 'cache_control': {{'type': 'ephemeral'}}}}]\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, tools=TOOLS, messages=[{"role": "user", "content": q}])\n',
            # OpenAI caches long prefixes by itself
            "from openai import OpenAI\n" + f"RUBRIC = {RUBRIC!r}\n"
            'OpenAI().chat.completions.create(model="gpt-5.4", messages=[{"role": "user", "content": f"{RUBRIC}\\n{answer}"}])\n',
            # a long system prompt alone is CL002's finding
            HEAD + f"SYSTEM = {LONG_SYSTEM!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=SYSTEM, messages=[{"role": "user", "content": q}])\n',
        ]

        # The rubric filled by `string.Template` or printf-style `%`: the fixed text before the first placeholder is the prefix.
        FILLED = (HEAD + "from string import Template\n" + f"RUBRIC = {RUBRIC!r}\n" + "PROMPT = Template(RUBRIC + '\\n\\nAnswer to grade:\\n$answer')\n"
                  "def grade(answer):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': FILL}])\n")
        fires = [
            *fires,
            Invalid(FILLED.replace("FILL", "PROMPT.substitute(answer=answer)"), row=7, message="fixed head of the user turn ~2,48"),
            FILLED.replace("FILL", "PROMPT.safe_substitute(answer=answer)"),
            Invalid(FILLED.replace("FILL", "'%s\\n\\nAnswer to grade:\\n%s' % (RUBRIC, answer)"), row=7, message="fixed head of the user turn ~2,48"),
            FILLED.replace("FILL", "'%(rubric)s\\nAnswer: %(answer)s' % {'rubric': RUBRIC, 'answer': answer}"),
        ]
        silent = [
            *silent,
            # the placeholder comes first: the answer opens the prompt
            FILLED.replace("RUBRIC + '\\n\\nAnswer to grade:\\n$answer'", "'$answer\\n' + RUBRIC").replace("FILL", "PROMPT.substitute(answer=answer)"),
            FILLED.replace("FILL", "'%s\\n\\n%s' % (answer, RUBRIC)"),
            # a short instruction filled with `%`
            FILLED.replace("FILL", "'Summarise: %s' % answer"),
        ]

        # The messages list filled by `.append`/`.extend` before the request
        APPENDED = (HEAD + f"RUBRIC = {RUBRIC!r}\n" + "def grade(answer):\n    messages = []\n    messages.append({'role': 'user', 'content': CONTENT})\n"
                    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages)\n")
        fires = [
            *fires,
            Invalid(APPENDED.replace("CONTENT", "RUBRIC + answer"), row=7, message="fixed head of the user turn ~2,48"),
            # the prompt joined from parts a helper appends, the fixed ones first
            HEAD + f"RUBRIC = {RUBRIC!r}\n" + "def build(answer):\n    parts = []\n    parts.append(RUBRIC)\n    parts.append('Answer: ' + answer)\n"
            "    return '\\n'.join(parts)\n\ndef grade(answer):\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': build(answer)}])\n",
        ]
        silent = [*silent, APPENDED.replace("CONTENT", "answer + RUBRIC"),
                  # the appended message's fixed block is marked afterwards, by subscript
                  APPENDED.replace("CONTENT", "[{'type': 'text', 'text': RUBRIC}, {'type': 'text', 'text': answer}]").replace(
                      "    return", "    messages[-1]['content'][0]['cache_control'] = {'type': 'ephemeral'}\n    return")]

        # The instructions appended first, then one block per page appended in a loop: the head stays known
        PAGES = (HEAD + f"RUBRIC = {RUBRIC!r}\n" + "def extract(pages):\n    content = []\n    FIRST\n    for page in pages:\n"
                 "        content.append({'type': 'image', 'source': {'type': 'base64', 'media_type': 'image/png', 'data': page}})\n    LAST\n"
                 "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': content}])\n")
        fires = [*fires, Invalid(PAGES.replace("FIRST", "content.append({'type': 'text', 'text': RUBRIC})").replace("    LAST\n", ""),
                                 row=9, message="fixed head of the user turn ~2,48")]
        silent = [*silent,
                  # the pages come first and the instructions after them: no fixed head
                  PAGES.replace("    FIRST\n", "").replace("LAST", "content.append({'type': 'text', 'text': RUBRIC})"),
                  # each page is put first: the list's head is a page
                  PAGES.replace("FIRST", "content.append({'type': 'text', 'text': RUBRIC})").replace("    LAST\n", "").replace(
                      "content.append({'type': 'image'", "content.insert(0, {'type': 'image'").replace("'data': page}})", "'data': page}})")]

        from claude_lint.checks import prefix_cache_examples, prefix_place

        placed, read = prefix_place.examples(), prefix_cache_examples.examples()
        return [*fires, *placed[0], *read[0]], [*silent, *placed[1], *read[1]]

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        for judged in requests_of(call):
            yield from self._judged(judged, ctx)

    def _judged(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        opening = unmarked_request(call, ctx, breakpoint_anywhere, langchain=True)
        if opening is None:
            return
        model, minimum, system, system_tokens = opening
        if _one_off(call, system):
            return
        tools = call.value("tools")
        tool_tokens = count(static_text(tools), model, ctx) if isinstance(tools, Seq) else 0
        # The API adds a tool-use system prompt of its own with the tools: counted when the tools
        # alone are judged, not to tip a sum of parts each under the minimum (a reviewer's call).
        with_prompt = tool_tokens + TOOL_PROMPT_LEAST if tool_tokens else 0
        if with_prompt >= minimum:
            tool_tokens = with_prompt
        # A system prompt built at run time (a helper's return not read): it may change per call.
        unread = system is not None and system_text(system) is None
        if varies(system) or unread:
            # The system text changes between calls: the prefix that repeats ends with the tools,
            # and only a breakpoint on the last tool is ever read (CL002 reports the system prompt).
            if tool_tokens < minimum:
                return
            system_tokens, head, message, sent = 0, "", None, None
        else:
            # A growing conversation starts from its seed: the task message an agent begins with is resent every step.
            sent = call.value("messages") if site.history is None else site.history.seed
            head, message = user_head(sent)
        head_tokens = count(head, model, ctx)
        if system_tokens >= minimum and head_tokens < minimum:
            return  # CL002 reports it (its breakpoint caches the tools too); a user head cacheable alone stays uncached behind it
        if head_tokens < minimum and head and _picked(sent):
            # The head several texts share counts when it is cacheable alone: added to tools or a
            # system prompt each short of the minimum, it is a reviewer's call (a run may pick another)
            head, message, head_tokens = "", None, 0
        total = tool_tokens + system_tokens + head_tokens
        if total < minimum or (tool_tokens < minimum and head_tokens == 0 and tool_tokens + system_tokens < minimum):
            return
        parts = []
        if tool_tokens:
            parts.append(f"tool definitions ~{tokens(tool_tokens)}" + (" with the API's tool-use prompt" if tool_tokens == with_prompt else ""))
        if system_tokens:
            parts.append(f"system prompt ~{tokens(system_tokens)}")
        several = head_tokens and message is None  # fixed example turns before the one that changes
        if head_tokens:
            parts.append(f"fixed {'example turns' if several else 'head of the user turn'} ~{tokens(head_tokens)}")
        if several:
            where = "Put \"cache_control\": {\"type\": \"ephemeral\"} on the last fixed example turn (a text block), before the part that changes"
        elif head_tokens:
            where = "Send the fixed head of the user turn as its own text block with \"cache_control\": {\"type\": \"ephemeral\"}, followed by the part that changes"
        elif varies(system) and system is not None:
            where = "The system prompt changes between calls, so put \"cache_control\": {\"type\": \"ephemeral\"} on the last tool"
        elif unread:
            where = "The system prompt is built at run time and may change between calls, so put \"cache_control\": {\"type\": \"ephemeral\"} on the last tool"
        else:
            where = "Put \"cache_control\": {\"type\": \"ephemeral\"} on the last tool (or on the system prompt)"
        saving, cost = "", None
        prices = cache_saving(total if system_tokens < minimum else head_tokens, model)  # CL002 prices a long system prompt
        if prices is not None:
            uncached, cached = prices
            cost = uncached - cached
            saving = f"; at best (1,000 calls within the 5-minute TTL) caching saves about {money(cost)} per 1,000 calls ({money(uncached)} -> {money(cached)})"
        arg = call.arg("messages") if head_tokens else call.arg("tools")
        where_model = model.id if model is not None else "an unknown model (configured minimum)"
        # Through a wrapper, the outermost call that passes a value deciding the prefix is the place (the caller's
        # own, usually); when the wrapper decides it all, the request is, and the engine names every caller there.
        place = 0 if site.via is None or site.history is not None else deciding_place(call, DECIDING if head_tokens else DECIDING[:2 + (system_tokens > 0)])
        at = (arg.at if arg is not None else site.loc) if place is None or site.via is None else site.loc if place == 0 else site.through[place - 1]
        yield self.diagnostic(
            at,
            f"A fixed prefix of ~{tokens(total)} tokens ({', '.join(parts)}; cacheable from {tokens(minimum)} on {where_model}) "
            f"is sent on every request with no cache breakpoint{saving}. {where}.",
            cost=cost,
            # `--fix` splits one written text, not a content bound to one of several
            fix=_fix(call, message, ctx) if head_tokens and message is not None and not isinstance(message.get("content"), OneOf) else None,
        )


def _picked(messages: object) -> bool:
    """The first message's content is one of several texts the code binds."""
    first = messages.items[0] if isinstance(messages, Seq) and messages.items else None
    return isinstance(first, Mapping) and isinstance(first.get("content"), OneOf)


def _one_off(call: Call, system: object) -> bool:
    """A request written out whole at a module's top level (a console export, a one-shot
    script): no loop, function, wrapper or conversation sends it again, and nothing in it
    changes, so there is no second request within the cache's lifetime to read a breakpoint."""
    site = call.site
    if site.function is not None or site.loop is not None or site.via is not None or site.history is not None or site.interactive:
        return False
    messages = call.value("messages")
    if not isinstance(messages, Seq) or not messages.items or varies(system):
        return False
    return all(_message_head(item)[1] for item in messages.items)


def _fix(call: Call, message: Mapping, ctx: Context):
    from claude_lint.fixes import prefix_cache

    return prefix_cache.build(call, message, ctx.sources)
