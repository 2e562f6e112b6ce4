from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

from claude_lint.checks.base import Context, Invalid, Rule, tokens
from claude_lint.checks.conversation_cache import CLAUDE, count, static_text
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import CACHE_KEYS
from claude_lint.facts import Lit, Loc, Mapping, Param, Seq, Text, Transform
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MARK = '"cache_control": {"type": "ephemeral"}'
LONG = "Follow the Acme support policy in every answer. " * 300
MAX_BREAKPOINTS = 4  # DOCS-PC: at most 4 cache_control markers per request; the top-level one takes a slot


class Block:
    """One prompt block in cache order: its literal text as sent, whether all of it is
    known, and whether it carries a breakpoint (where)."""

    def __init__(self, text: str, known: bool, mark: Optional[Loc]):
        self.text, self.known, self.mark = text, known, mark


def _marked(value: Mapping) -> Optional[Loc]:
    for key, item in value.entries:
        if key in CACHE_KEYS and not (isinstance(item, Lit) and item.value is None):
            return value.loc_of(key) or value.loc
    return None


def _known(value: object, depth: int = 0) -> bool:
    if depth > 12:
        return False
    if isinstance(value, Text):
        return all(isinstance(p, str) for p in value.parts)
    if isinstance(value, Lit):
        return True
    if isinstance(value, Seq):
        return all(_known(i, depth + 1) for i in value.items)
    if isinstance(value, Mapping):
        return not value.open and all(k is not None and _known(v, depth + 1) for k, v in value.entries)
    return False


def blocks(call: Call) -> Tuple[List[Block], bool]:
    """The request's blocks (tools, system, messages), and whether every list was seen."""
    out: List[Block] = []
    seen = True
    for role in ("tools", "system", "messages"):
        value = call.value(role)
        if value is None:
            continue
        if isinstance(value, Text):
            out.append(Block(value.literal, _known(value), None))
            continue
        if not isinstance(value, Seq):
            seen = False
            continue
        for item in value.items:
            if role == "messages" and isinstance(item, Mapping):
                content = item.get("content")
                inner = content.items if isinstance(content, Seq) else (content,)
                for block in inner:
                    out.append(_block(block))
                if item.open:
                    seen = False
            else:
                out.append(_block(item))
    return out, seen


def _block(value: object) -> Block:
    if isinstance(value, Mapping):
        text = value.get("text")
        shown = text.literal if isinstance(text, Text) else static_text(value)
        return Block(shown, _known(value), _marked(value))
    if isinstance(value, Text):
        return Block(value.literal, _known(value), None)
    return Block("", False, None)


def _parameter_inside(call: Call) -> bool:
    """A function parameter in the prompt as written: its default is what we see, not what callers pass."""
    for role in ("tools", "system", "messages"):
        for name in call.site.keywords(role):
            if _has_param(call.site.kwargs.get(name), 0):
                return True
    return False


def _has_param(value: object, depth: int) -> bool:
    if depth > 12 or isinstance(value, Param):
        return depth <= 12
    if isinstance(value, Text):
        return any(_has_param(p, depth + 1) for p in value.parts if not isinstance(p, str))
    if isinstance(value, Seq):
        return any(_has_param(i, depth + 1) for i in value.items)
    if isinstance(value, Mapping):
        return any(_has_param(v, depth + 1) for _, v in value.entries)
    if isinstance(value, Transform):
        return _has_param(value.inner, depth + 1)
    return False


class CacheBreakpointIneffective(Rule):
    """## What it does
    Flags `cache_control` breakpoints that cannot work:

    - more than 4 in one request (counting the request's top-level `cache_control`,
      which takes a slot): the API answers 400;
    - a last breakpoint whose whole prefix (tools, system, messages up to it) is
      literal text below the model's minimum cacheable length: the API caches
      nothing and says nothing (`cache_creation_input_tokens` stays 0).

    A per-request value (a timestamp, a UUID) inside the cached prefix is CL006's
    finding, not this rule's.

    ## Why is this bad?
    A fifth breakpoint makes every request fail. A breakpoint below the minimum looks
    like caching in the code and in review, while every call pays full input price.

    Only prefixes made entirely of text known statically are judged: a run-time part
    (a file, a document) could make the prefix long enough.

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
    preview_reason = "no judged finding on the real-world corpus yet (its labelled cases are per-call content in a cached block, not judged by this version)"
    fires = [
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

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        if site.provider not in CLAUDE or site.local or call.open:
            return
        found, seen = blocks(call)
        marks = [i for i, b in enumerate(found) if b.mark is not None]
        top = call.value("cache_control")
        automatic = top is not None and not (isinstance(top, Lit) and top.value is None)
        total = len(marks) + (1 if automatic else 0)
        if total > MAX_BREAKPOINTS:
            extra = " (the top-level cache_control counts as one)" if automatic else ""
            yield self.diagnostic(
                found[marks[MAX_BREAKPOINTS if not automatic else MAX_BREAKPOINTS - 1]].mark or site.loc,
                f"{total} cache breakpoints in one request{extra}: the API accepts at most {MAX_BREAKPOINTS} and answers 400, so "
                "the request fails every time. Keep the last breakpoint of each stable part (tools, system, conversation).",
                severity="error",
            )
            return
        if not marks or automatic or not seen:
            return  # unseen blocks may hold a later breakpoint that ends a longer prefix
        last = marks[-1]
        prefix = found[: last + 1]
        if not all(b.known for b in prefix) or _parameter_inside(call):
            return  # a run-time part (or a caller's argument in place of a default) may make the prefix long enough
        model = ctx.model(call)
        minimum = (model.min_cacheable if model is not None else None) or int(ctx.option("unknown-model-minimum"))
        size = count("\n".join(b.text for b in prefix), model, ctx)
        if size >= minimum:
            return
        where = model.id if model is not None else "an unknown model (configured minimum)"
        yield self.diagnostic(
            found[last].mark or site.loc,
            f"This cache breakpoint ends a prefix of ~{tokens(size)} tokens, below the {tokens(minimum)} that {where} caches: "
            "the API caches nothing and reports no error, so every call pays full input price. Drop the breakpoint, or place it "
            "after enough fixed text to reach the minimum.",
        )
