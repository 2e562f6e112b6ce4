from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING: from typing import Dict, Iterator, List, Optional, Tuple  # noqa: E701 (one line: this module is at the line limit)
from claude_lint.checks.base import Context, Invalid, Rule, money, tokens
from claude_lint.checks import breakpoint_callers as callers, breakpoint_choices as choices, breakpoint_files as files, breakpoint_hidden as hidden, breakpoint_piles as piles
from claude_lint.checks.breakpoint_piles import MAX_BREAKPOINTS, piled
from claude_lint.checks.cache_marks import (
    TOOL_PROMPT_MOST, Block, as_written, automatic, blocks, cache_minimum, claude_caching, count, known, langchain_claude, params_in, requests_of, shown_text, text_unset, unmarked_history, within)
from claude_lint.checks.cache_prefix import per_iteration, per_request
from claude_lint.cost import unread_cache_usd
from claude_lint.diagnostics import Diagnostic
from claude_lint.facts import Dynamic, Loc, Mapping, Seq, Text
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MARK = '"cache_control": {"type": "ephemeral"}'
LONG = "Follow the Acme support policy in every answer. " * 300
ROLE_SHOWN = {"tools": "tool definitions", "system": "system prompt", "messages": "messages"}


def _parameter_inside(call: Call, last: int, found: List[Block]) -> bool:
    """A function parameter in the prefix as written (up to the block holding the last
    breakpoint): its default is what we see, not what callers pass. A parameter after the
    breakpoint (the user's question) does not change the prefix's size."""
    written, _ = blocks(call, as_written(call))
    if len(written) == len(found):
        return any(params_in(b.value) for b in written[: last + 1])
    # Written otherwise than resolved (a helper's blocks): the roles up to the breakpoint's.
    value_of = as_written(call)
    roles = ("tools", "system", "messages")
    return any(params_in(value_of(role)) for role in roles[: roles.index(found[last].role) + 1])


def per_call_prefix(request: Call) -> Optional[Tuple[List[str], bool]]:
    """The parameters of the request's function written before its last breakpoint (on
    the tools or the system prompt), when that cached write can only be read by a call
    that repeats the whole request: the same parameters are sent again after the
    breakpoint (True), or nothing after it changes between calls (False). None otherwise.

    A breakpoint on a message is left alone (the next turn of a conversation reads it),
    unless the request is a single exchange: its messages written out in the call, no
    conversation kept, and the marked block of the last message holds the parameter."""
    written, _ = blocks(request, as_written(request))
    marks = [i for i, b in enumerate(written) if b.mark is not None]
    if not marks or automatic(request):
        return None
    last = marks[-1]
    if written[last].role == "messages" and not _single_exchange(request, len(written) - last, written[last]):
        return None
    before = set().union(*(params_in(b.value) for b in written[: last + 1]))
    if not before:
        return None
    if before & set().union(*(params_in(b.value) for b in written[last + 1:])):
        return sorted(before), True
    if written[last].role == "messages":  # the blocks after it are the rest of the last message, as written
        return (sorted(before), False) if all(known(b.value) for b in written[last + 1:]) else None
    resolved, seen = blocks(request)
    if seen and len(resolved) == len(written) and all(known(b.value) for b in resolved[last + 1:]):
        return sorted(before), False
    return None


def _single_exchange(request: Call, from_end: int, marked: Block) -> bool:
    """The mark is in the last message of a list written out in the request (no history
    handed in or kept), on a block made of the function's parameters: nothing will send
    this prefix again but an identical call."""
    if request.site.history is not None or not params_in(marked.value):
        return False
    messages = as_written(request)("messages")
    if not isinstance(messages, Seq) or not messages.items:
        return False
    if not all(isinstance(m, Mapping) and not m.open and isinstance(m.get("role"), Text) for m in messages.items):
        return False
    content = messages.items[-1].get("content")
    in_last = len(content.items) if isinstance(content, Seq) else 1
    return from_end <= in_last


def _cl006_reports(call: Call, prefix: List[Block]) -> bool:
    """CL006 names a per-request or per-iteration value in this prefix: one problem, one finding."""
    for block in prefix:
        text = block.text
        for part in text.parts if text is not None else ():
            if isinstance(part, Dynamic) and (per_request(part) or per_iteration(part, call)):
                return True
    return False


class CacheBreakpointIneffective(Rule):
    """## What it does
    Flags `cache_control` breakpoints that cannot work:

    - more than 4 in one request (counting the request's top-level `cache_control`,
      which takes a slot), also once a conversation whose every new message carries its
      own breakpoint, none ever removed, grows past 4 (`checks/breakpoint_piles.py`): a 400;
    - a last breakpoint whose whole prefix (tools, system, messages up to it) is literal text below the model's
      minimum cacheable length, also when a block's text is picked among several written out (`A if flag else B`:
      the longest is measured): the API caches nothing and says nothing (`cache_creation_input_tokens` stays 0).
    - a breakpoint on the tools or the system prompt after content each call passes in
      (a parameter of the function that makes the request, or of a wrapper its callers
      fill), when nothing after the breakpoint changes between calls or the same
      content is sent again after it: each call writes a cache entry that only an
      identical request would read. The same for a breakpoint on the caller's content in
      the last message of a single exchange (messages written out in the request, no
      conversation kept or handed in).

    A per-request value (a timestamp, a UUID) inside the cached prefix is CL006's
    finding, not this rule's.

    ## Why is this bad?
    A fifth breakpoint makes every request fail. A breakpoint below the minimum looks
    like caching in the code and in review, while every call pays full input price.
    A breakpoint after per-call content makes every call pay the cache write (1.25x
    input) on the whole prefix and never the read (0.1x); the message gives that extra
    cost per 1,000 calls.

    Only prefixes made entirely of text known statically, up to the request's last breakpoint, are judged: a run-time part
    (a file, a document, a caller's argument over a `None` default) could make the prefix long enough, and blocks the code fills at
    run time (documents appended in a loop) may carry a later breakpoint, which caches while the short one costs nothing; a block
    added only `if system:` is judged at each caller that fills it. The marks are read wherever
    the code writes them: a helper that builds the cached block, a block or a `**kwargs`
    dict filled in after it is built, a list of blocks or messages filled by
    `.append`/`.extend` before the request, text filled by `%` or `string.Template` or read by key from a YAML or JSON file of prompts, a boto3 `invoke_model` body or a
    Converse `cachePoint`, on the Claude API, Bedrock and Vertex, in OpenAI-style content parts sent by LiteLLM to a
    Claude model, and in the messages a LangChain `ChatAnthropic` model is invoked with (content blocks,
    `additional_kwargs`). Text the request writes (an imported constant too) is reported at the request, not at its callers, as
    is a mark written in a helper (the request names the model); a wrapper's mark on text its callers pass to its parameters, once,
    at the call that writes the short text (other callers may pass enough). A wrapper call that picks its client at run time has
    each Claude request judged. The tool-use system prompt the API adds with tools (up to 530 tokens) counts in the prefix's favour.

    ## Example
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=msgs,
        system=[{"type": "text", "text": "You are terse.", "cache_control": {"type": "ephemeral"}}])
    ```

    ## Use instead
    Drop the breakpoint, or move it to the end of a prefix that reaches the minimum
    (after the tools and a longer system prompt, or on the conversation).

    ## Options
    - `unknown-model-minimum` (int, 1024): the minimum cacheable length used when the
      model is not known statically.
    """

    code = "CL013"
    name = "cache-breakpoint-ineffective"
    summary = "cache breakpoint that caches nothing, or one too many"
    options = {"unknown-model-minimum": 1024}
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 199 labelled repositories, main and held out, and the "
                      "295 precision samples; 2026-12-03): 50 findings judged, 47 right (three debatable: unit tests through a patched SDK), "
                      "but recall 0.59 (10 of 17 fire labels): it misses close to half of the cases.")

    @staticmethod
    def examples():
        PER_CALL = (HEAD + f"RULES = {LONG!r}\n" "def review(code):\n"
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=800,\n'
                    f'        system=[{{"type": "text", "text": f"{{RULES}}\\n<code>{{code}}</code>", {MARK}}}],\n'
                    "        messages=[{'role': 'user', 'content': 'Review the code.'}])\n")
        fires = [
            # the code to review is written into the cached system block; the user turn never changes
            Invalid(PER_CALL, row=6, message="comes after content each call passes in (`code`), and nothing after it changes between calls: "
                    "every call writes a new cache entry that no later call reads; it pays the write (1.25x input) on the ~3,456 fixed tokens "
                    "and never the read: with the per-call content after the breakpoint, caching saves about $11.91 per 1,000 calls"),
            # a wrapper's parameters, filled by its callers, before the breakpoint and again in the user turn
            Invalid({"llm.py": HEAD + f"RULES = {LONG!r}\n"
                     "def analyse(code, output):\n"
                     f'    system = [{{"type": "text", "text": f"{{RULES}}\\nCode:\\n{{code}}\\nOutput:\\n{{output}}", {MARK}}}]\n'
                     "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=500, system=system,\n"
                     "        messages=[{'role': 'user', 'content': f'Analyse this run.\\n{code}\\n{output}'}])\n",
                     "jobs.py": "from llm import analyse\n\ndef report(run):\n    return analyse(run.code, run.stdout)\n"},  # one run: a loop's item is CL006's
                    path="jobs.py", row=4, message="and the same values are sent again after it"),
            # a short system prompt marked for caching: below the minimum, nothing is cached
            Invalid(HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": q}],\n'
                    f'    system=[{{"type": "text", "text": "You are a terse assistant.", {MARK}}}])\n',
                    row=4, message="ends a prefix of ~6 tokens, below the 2,048 that claude-sonnet-4-6 caches"),
            # five breakpoints: a 400
            HEAD + f"LONG = {LONG!r}\n"
            "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=[\n"
            + "".join(f'    {{"type": "text", "text": LONG, {MARK}}},\n' for _ in range(5))
            + "], messages=[{'role': 'user', 'content': q}])\n",
            # four explicit ones plus the top-level one
            HEAD + f"LONG = {LONG!r}\n"
            "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, cache_control={'type': 'ephemeral'}, system=[\n"
            + "".join(f'    {{"type": "text", "text": LONG, {MARK}}},\n' for _ in range(4))
            + "], messages=[{'role': 'user', 'content': q}])\n",
        ]
        silent = [
            # the cached block is what callers pass as the system prompt; the question comes after it
            HEAD + "def ask(system_prompt, question):\n"
            f'    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=[{{"type": "text", "text": system_prompt, {MARK}}}],\n'
            "        messages=[{'role': 'user', 'content': question}])\n",
            # a breakpoint on the newest message: the next turn of the conversation reads it
            HEAD + "def turn(history, text):\n"
            f"    messages = history + [{{'role': 'user', 'content': [{{'type': 'text', 'text': text, {MARK}}}]}}]\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages)\n",
            # a timestamp in the cached block is CL006's finding: one problem, one finding
            HEAD + "import datetime\n" + f"RULES = {LONG!r}\n"
            "def review(code):\n"
            f'    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=[{{"type": "text", "text": f"{{RULES}} {{datetime.datetime.now()}} {{code}}", {MARK}}}],\n'
            "        messages=[{'role': 'user', 'content': 'Review it.'}])\n",
            # per-call content after the breakpoint only: the right layout
            HEAD + f"RULES = {LONG!r}\n"
            "def review(code):\n"
            f'    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=[{{"type": "text", "text": RULES, {MARK}}}],\n'
            "        messages=[{'role': 'user', 'content': code}])\n",
            # a long prefix: cached
            HEAD + f"LONG = {LONG!r}\n"
            f'client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[], system=[{{"type": "text", "text": LONG, {MARK}}}])\n',
            # the prefix holds run-time text that may be long
            HEAD + "def ask(doc, q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': q}],\n"
            f'        system=[{{"type": "text", "text": f"Answer from this document: {{doc}}", {MARK}}}])\n',
            # four breakpoints: the maximum
            HEAD + f"LONG = {LONG!r}\n"
            "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=[\n"
            + "".join(f'    {{"type": "text", "text": LONG, {MARK}}},\n' for _ in range(4))
            + "], messages=[{'role': 'user', 'content': q}])\n",
            # a short first breakpoint is fine when the last one reaches the minimum
            HEAD + f"LONG = {LONG!r}\n"
            "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[], system=[\n"
            f'    {{"type": "text", "text": "You are terse.", {MARK}}},\n    {{"type": "text", "text": LONG, {MARK}}}])\n',
            # a function parameter: its empty default is not what callers pass
            HEAD + "async def cached_call(system_prompt='', messages=()):\n"
            "    system = [{'type': 'text', 'text': system_prompt, 'cache_control': {'type': 'ephemeral'}}]\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=system, messages=[{'role': 'user', 'content': 'hi'}])\n",
            # OpenAI has no breakpoints
            "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-5.4', messages=[{'role': 'user', 'content': 'hi'}])\n",
        ]

        SHORT_BLOCK = f'[{{"type": "text", "text": "You are a terse assistant.", {MARK}}}]'
        ASK = "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=SYSTEM, messages=[{'role': 'user', 'content': q}])\n"
        fires = [*fires,
            # the block is built by a helper: reported at the request, naming the helper's line
            Invalid(HEAD + f"def cached(text):\n    return [{{'type': 'text', 'text': text, {MARK}}}]\n\n"
                    "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
                    "        system=cached('You are a terse assistant.'), messages=[{'role': 'user', 'content': q}])\n",
                    row=8, message="ends a prefix of ~6 tokens"),
            # a breakpoint on a short tool list
            HEAD + f"TOOLS = [{{'name': 'add', 'description': 'Add two numbers', 'input_schema': {{'type': 'object'}}, {MARK}}}]\n"
            "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, tools=TOOLS, messages=[{'role': 'user', 'content': q}])\n",
            # the mark added to a block after it is built
            HEAD + "def ask(q):\n    block = {'type': 'text', 'text': 'You are a terse assistant.'}\n    block['cache_control'] = {'type': 'ephemeral'}\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=[block], messages=[{'role': 'user', 'content': q}])\n",
            # Bedrock's invoke_model: the body dict, serialised
            "import json, boto3\nrt = boto3.client('bedrock-runtime')\ndef ask(q):\n"
            f"    body = {{'anthropic_version': 'bedrock-2023-05-31', 'max_tokens': 300, 'system': {SHORT_BLOCK}, 'messages': [{{'role': 'user', 'content': q}}]}}\n"
            "    return rt.invoke_model(modelId='anthropic.claude-sonnet-4-5-20250929-v1:0', body=json.dumps(body))\n",
            # Bedrock Converse's cachePoint block
            "import boto3\nrt = boto3.client('bedrock-runtime')\ndef ask(q):\n"
            "    return rt.converse(modelId='anthropic.claude-sonnet-4-5-20250929-v1:0', system=[{'text': 'Be terse.'}, {'cachePoint': {'type': 'default'}}],\n"
            "                       messages=[{'role': 'user', 'content': [{'text': q}]}])\n",
            # the model is a parameter whose default is a module constant
            HEAD + "MODEL = 'claude-sonnet-4-6'\ndef ask(q, model=MODEL):\n"
            f"    return client.messages.create(model=model, max_tokens=300, system={SHORT_BLOCK}, messages=[{{'role': 'user', 'content': q}}])\n",
            # the request's arguments gathered in a dict, the system added to it later
            HEAD + "def ask(q):\n    kwargs = dict(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': q}])\n"
            f"    kwargs['system'] = {SHORT_BLOCK}\n    return client.messages.create(**kwargs)\n",
        ]
        fires = [*fires,
            # LiteLLM to Claude: a short system message marked in OpenAI-style content parts
            "import litellm\ndef ask(q):\n    return litellm.completion(model='anthropic/claude-sonnet-4-5', max_tokens=300, messages=[\n"
            f"        {{'role': 'system', 'content': {SHORT_BLOCK}}}, {{'role': 'user', 'content': q}}])\n",
            # a single exchange whose user turn, the caller's question, is marked: no later call sends it again
            Invalid(HEAD + "def answer(question):\n"
                    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system='Answer briefly.',\n"
                    f"        messages=[{{'role': 'user', 'content': [{{'type': 'text', 'text': f'Question: {{question}}', {MARK}}}]}}])\n",
                    row=5, message="The cache breakpoint on the messages comes after content each call passes in (`question`)"),
        ]
        CHAT = (HEAD + "messages = []\nwhile True:\n    messages.append({'role': 'user', 'content': USER})\n"
                "    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages,\n"
                f"        system={SHORT_BLOCK})\n    messages.append({{'role': 'assistant', 'content': r.content}})\n")
        fires = [
            *fires,
            # a chat loop whose only mark is on a short system prompt: the growing conversation is never cached
            Invalid(CHAT.replace("USER", "input()"), row=7, message="(here: on the last message of the growing `messages`)"),
        ]
        silent = [
            *silent,
            # the same loop, three turns, marks each new one: those breakpoints end a long prefix (never more than 4)
            CHAT.replace("USER", f"[{{'type': 'text', 'text': input(), {MARK}}}]").replace("while True:", "for turn in range(3):"),
            # the document is marked and the question follows: later questions on the same document read it
            HEAD + "def answer(document, question):\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': [\n"
            f"        {{'type': 'text', 'text': document, {MARK}}}, {{'type': 'text', 'text': question}}]}}])\n",
            # the caller hands the conversation in: the next turn reads the marked one
            HEAD + "def turn(history, text):\n"
            f"    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=history + [{{'role': 'user', 'content': [{{'type': 'text', 'text': text, {MARK}}}]}}])\n",
            # a conversation kept by the loop: the next turn reads the marked one
            HEAD + "messages = []\nfor turn in range(4):\n"
            f"    messages.append({{'role': 'user', 'content': [{{'type': 'text', 'text': input(), {MARK}}}]}})\n"
            "    r = client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages)\n"
            "    messages.append({'role': 'assistant', 'content': r.content})\n",
            # the same through LiteLLM to an OpenAI model: no breakpoints there
            "import litellm\ndef ask(q):\n    return litellm.completion(model='gpt-4o', max_tokens=300, messages=[\n"
            f"        {{'role': 'system', 'content': {SHORT_BLOCK}}}, {{'role': 'user', 'content': q}}])\n",
            # the helper marks a long block
            HEAD + f"LONG = {LONG!r}\ndef cached(text):\n    return [{{'type': 'text', 'text': text, {MARK}}}]\n"
            "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=cached(LONG), messages=[{'role': 'user', 'content': q}])\n",
            # Bedrock with a long system prompt
            "import json, boto3\nrt = boto3.client('bedrock-runtime')\n" + f"LONG = {LONG!r}\n" + "def ask(q):\n"
            f"    body = {{'max_tokens': 300, 'system': [{{'type': 'text', 'text': LONG, {MARK}}}], 'messages': [{{'role': 'user', 'content': q}}]}}\n"
            "    return rt.invoke_model(modelId='anthropic.claude-sonnet-4-5-20250929-v1:0', body=json.dumps(body))\n",
            # tools near the minimum: the tool-use system prompt the API adds may carry them over it
            HEAD + "TOOLS = [" + ", ".join(f"{{'name': 'tool_{i}', 'description': {('Look up a record by its id and return it. ' * 6)!r}, 'input_schema': {{'type': 'object'}}}}" for i in range(8))
            + f", {{'name': 'last', 'description': 'Last.', 'input_schema': {{'type': 'object'}}, {MARK}}}]\n"
            "def ask(q):\n    return client.messages.create(model='claude-sonnet-4-5', max_tokens=300, tools=TOOLS, messages=[{'role': 'user', 'content': q}])\n",
        ]
        # The request's lists filled before it is sent (`.append`/`.extend`, in the function or a helper), and text filled by `%`.
        FILLED = (HEAD + f"LONG = {LONG!r}\n" + "def system_blocks(text):\n    blocks = []\n    blocks.append({'type': 'text', 'text': text, 'cache_control': {'type': 'ephemeral'}})\n"
                  "    return blocks\n\ndef ask(q):\n    messages = []\n    messages.extend([{'role': 'user', 'content': q}])\n"
                  "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=SYSTEM, messages=messages)\n")
        fires = [
            *fires,
            Invalid(FILLED.replace("SYSTEM", "system_blocks('You are terse.')"), row=12, message="ends a prefix of ~4 tokens"),
            FILLED.replace("SYSTEM", "system_blocks('You answer for %s.' % 'Acme')"),
            Invalid(HEAD + "def ask(q):\n    messages = []\n"
                    f"    messages.append({{'role': 'user', 'content': [{{'type': 'text', 'text': 'Be terse.', {MARK}}}, {{'type': 'text', 'text': q}}]}})\n"
                    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages)\n",
                    row=6, message="ends a prefix of ~3 tokens"),
        ]
        silent = [
            *silent,
            # the helper's block holds the long rules
            FILLED.replace("SYSTEM", "system_blocks(LONG)"),
            FILLED.replace("SYSTEM", "system_blocks('%s\\nYou answer for Acme.' % LONG)"),
        ]
        fires = [
            *fires,
            # five marked blocks appended to the system list: a 400
            HEAD + f"LONG = {LONG!r}\ndef ask(q):\n    system = []\n"
            + "".join(f"    system.append({{'type': 'text', 'text': LONG, {MARK}}})\n" for _ in range(5))
            + "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=system, messages=[{'role': 'user', 'content': q}])\n",
            # the question filled into the cached block by `%`, and sent again after it
            Invalid(FILLED.replace("SYSTEM", "system_blocks('Context: %s' % q)"), row=6, message="comes after content each call passes in (`q`)"),
        ]

        # LangChain's ChatAnthropic invoked once with messages written out: their content blocks and `additional_kwargs` carry the marks.
        LC = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.messages import HumanMessage, SystemMessage\n" + f"LONG = {LONG!r}\n"
              "llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=300)\n\ndef ask(q):\n    return llm.invoke([SYSTEM, HumanMessage(content=q)])\n")
        fires = [*fires, Invalid(LC.replace("SYSTEM", f"SystemMessage(content=[{{'type': 'text', 'text': 'You are terse.', {MARK}}}])"), row=4, message="ends a prefix of ~4 tokens"),
                 LC.replace("SYSTEM", f"SystemMessage(content='You are terse.', additional_kwargs={{{MARK}}})")]
        # tools bound to the model come first in the prefix, unseen; a long marked system message
        silent = [*silent, LC.replace("SYSTEM", f"SystemMessage(content=[{{'type': 'text', 'text': 'You are terse.', {MARK}}}])").replace("max_tokens=300)", "max_tokens=300).bind_tools(TOOLS)"),
                  LC.replace("SYSTEM", f"SystemMessage(content=[{{'type': 'text', 'text': LONG, {MARK}}}])"),
                  LC.replace("SYSTEM", f"SystemMessage(content=LONG, additional_kwargs={{{MARK}}})")]
        picked, unmeasured = choices.examples(), hidden.examples()
        return [*fires, *piles.FIRES, *files.FIRES, *callers.examples()[0], *picked[0], *unmeasured[0]], [*silent, *piles.SILENT, *files.SILENT, *callers.examples()[1], *picked[1], *unmeasured[1]]

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        for judged in requests_of(call):
            yield from self.judge_request(judged, ctx)

    def judge_request(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:  # (this request alone: the report asks it)
        site = call.site
        if site.local or call.open or not (claude_caching(call, ctx.model(call)) or langchain_claude(call, ctx.model(call))):
            return
        found, seen = blocks(call)
        marks = [i for i, b in enumerate(found) if b.mark is not None]
        top = automatic(call)
        total = len(marks) + (1 if top else 0)
        if total > MAX_BREAKPOINTS:
            extra = " (the top-level cache_control counts as one)" if top else ""
            yield self.diagnostic(
                found[marks[MAX_BREAKPOINTS if not top else MAX_BREAKPOINTS - 1]].mark or site.loc,
                f"{total} cache breakpoints in one request{extra}: the API accepts at most {MAX_BREAKPOINTS} and answers 400, so "
                "the request fails every time. Keep the last breakpoint of each stable part (tools, system, conversation).",
                severity="error",
            )
            return
        for where, message in filter(None, [piled(call, found, marks, top)]):
            yield self.diagnostic(where, message, severity="error")
            return
        if not marks or top or not (seen or unmarked_history(call)):
            return  # unseen blocks may hold a later breakpoint that ends a longer prefix
        last = marks[-1]
        prefix = found[: last + 1]
        chosen = [choices.longest(b) for b in prefix]  # a text picked among known ones: judged by the longest
        if not all(known(b.value) and not text_unset(b) or c is not None for b, c in zip(prefix, chosen)) or _parameter_inside(call, last, found):
            return  # a run-time part (or a caller's argument in place of a default) may make the prefix long enough
        model = ctx.model(call)
        minimum = cache_minimum(model, ctx)
        size = count("\n".join(shown_text(b) if c is None else c[0] for b, c in zip(prefix, chosen)), model, ctx)
        if size + (TOOL_PROMPT_MOST if call.value("tools") is not None else 0) >= minimum:
            return
        where = model.id if model is not None else "an unknown model (configured minimum)"
        mark = found[last].mark
        # A breakpoint written in a helper or a constant: reported at the request that sends it, naming where it is
        # written (one helper may serve requests on different models); one on text a caller passes: at that caller.
        inside = not (theirs := callers.passed_in(call, found, last)) and within(mark, site.via or site.loc)
        if not inside and callers.passed_further(call, found[last].role):
            return
        arg = call.arg(found[last].role)
        at = mark if inside else site.loc if theirs else arg.at if arg is not None and within(arg.at, site.via or site.loc) else site.via or site.loc
        yield self.diagnostic(
            at,
            f"This cache breakpoint ends a prefix of ~{tokens(size)} tokens{choices.said(chosen)}, below the {tokens(minimum)} that {where} caches: "
            "the API caches nothing and reports no error, so every call pays full input price. Drop the breakpoint, or place it "
            "after enough fixed text to reach the minimum"
            + (f" (here: on the last message of the growing `{site.history.name}`)" if site.history is not None else "") + ".",
            related=(mark,) if mark is not None and not inside else (),
        )

    def check_project(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        """A breakpoint after content each call brings (the request's parameters, or a
        wrapper's, filled by its callers): judged on the request as its function writes
        it, so that every call reaching it through the wrapper is judged alike."""
        requests: Dict[Loc, Call] = {c.site.loc: c for c in calls if c.site.via is None}
        calls = [judged for c in calls for judged in requests_of(c)]
        for call in calls:
            site = call.site
            if site.local or call.open or not (claude_caching(call, ctx.model(call)) or langchain_claude(call, ctx.model(call))):
                continue
            request = call if site.via is None else requests.get(site.via)
            if request is None:
                continue
            judged = per_call_prefix(request)
            if judged is None:
                continue
            names, repeated = judged
            found, _ = blocks(call)
            marks = [i for i, b in enumerate(found) if b.mark is not None]
            if not marks:
                continue
            prefix = found[: marks[-1] + 1]
            if all(known(b.value) for b in prefix) or _cl006_reports(call, prefix):
                continue  # the caller passes fixed text, or CL006 already names the changing value
            yield self._per_call(call, prefix, names, repeated, ctx)

    def _per_call(self, call: Call, prefix: List[Block], names: List[str], repeated: bool, ctx: Context) -> Diagnostic:
        site = call.site
        model = ctx.model(call)
        size = count("\n".join(shown_text(b) for b in prefix), model, ctx)
        cost, waste = (unread_cache_usd(size, model) if model is not None and model.input else None), ""
        if cost is not None:
            waste = (f"; it pays the write ({model.cache_write / model.input:.2f}x input) on the ~{tokens(size)} fixed tokens "
                     f"and never the read: with the per-call content after the breakpoint, caching saves about {money(cost)} per 1,000 calls")
        shown = ", ".join(f"`{n}`" for n in names[:4]) + (" ..." if len(names) > 4 else "")
        why = ("the same values are sent again after it" if repeated
               else "nothing after it changes between calls")
        marked = prefix[-1].mark
        return self.diagnostic(
            marked if site.via is None and marked is not None else site.loc,
            f"The cache breakpoint on the {ROLE_SHOWN[prefix[-1].role]} comes after content each call passes in ({shown}), and {why}: "
            f"every call writes a new cache entry that no later call reads{waste}. Put the fixed instructions in the cached "
            "block and move the per-call content after the breakpoint (into the user message).",
            cost=cost,
            related=(site.via,) if site.via is not None else (),
        )
