"""CL006 for a per-request value ahead of a resent conversation: the clock (or a uuid, a
request id) written into a system message that opens a list whose conversation grows across
requests (CL004/CL011's `History`). A prefix cache that would serve the resent history
(automatic caching from the provider's minimum, or a Claude breakpoint after the history)
serves none of it once the value changes. Also the cache minimum of a request whose model is
unknown but whose provider is: the largest minimum of that provider's catalogue models.
Kept apart from `cache_prefix` (the rule), which calls in through two small hooks."""
from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

from claude_lint.checks.base import Context, Invalid
from claude_lint.checks.cache_marks import automatic, claude_caching
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.sdk import provider_facts
from claude_lint.facts import Dynamic, Mapping, OneOf, Seq, Text
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
_SPEC = lazy(r"""(?:strftime\(\s*[rbuf]*["']|\):)(?P<fmt>[^"'}]*)""")


def resolution(source: str) -> Optional[str]:
    """How often the value's text changes: a clock's finest unit, "" for a value new on every
    request (a uuid, a request id), None for a clock coarser than a minute (an hour's change
    costs one miss an hour, not one per turn)."""
    if not _CLOCK.search(source):
        return ""
    spec = _SPEC.search(source)
    if spec is None or not spec.group("fmt"):
        return "the microsecond" if "time.time" not in source else "the fraction of a second"
    for pattern, unit in _RESOLUTIONS:
        if pattern.search(spec.group("fmt")):
            return unit if unit != "the hour" else None
    return None


def provider_minimum(call: Call, ctx: Context) -> Optional[int]:
    """The cache minimum of a request whose model is not known but whose provider caches by
    itself (an Azure OpenAI deployment named only in its URL): the largest minimum among that
    provider's catalogue models, not the largest Claude one."""
    if provider_facts(call.site.provider).prefix_cache != "automatic":
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
    return provider_facts(call.site.provider).prefix_cache == "automatic"


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
    return []


def ahead_of_history(rule, call: Call, ctx: Context, per_request, per_iteration) -> Iterator[Diagnostic]:
    """A per-request value in the system prompt, or a system message opening the list, of a
    request that resends a conversation growing across requests. `per_request` and
    `per_iteration` are the rule's own judges of a value."""
    history = call.site.history or call.site.passed_history
    if history is None:
        return
    model = ctx.model(call)
    if not _caches_history(call, ctx, model):
        return
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
                when = f"changes every time the clock moves (it is written to {unit})" if unit else "is new on every request"
            elif per_iteration(part, call):
                when = f"changes on every iteration of the loop at line {call.site.loop.row}"
            else:
                continue
            yield _report(rule, call, part, when, history)
            return


def _report(rule, call: Call, part: Dynamic, when: str, history) -> Diagnostic:
    loc = part.loc or call.site.loc
    grows = {"loop": "grows round its loop", "handed": "is the caller's conversation, appended after each request"}.get(
        history.kind, "grows across requests")
    where = f"line {history.append.row}" if history.append.path == loc.path else f"{history.append.path}:{history.append.row}"
    return rule.diagnostic(
        loc,
        f"`{part.source}` {when} and sits in the system prompt ahead of `{history.name}`, which {grows} (appended at {where}) "
        "and is resent whole behind it: once the value changes the prefix cache serves none of that history, so at worst every "
        "turn pays the full input price for the whole conversation so far instead of a cached read (its size is not known "
        "statically). Move per-request values after the conversation, e.g. into the newest user message.",
        related=(history.append,) + call.site.through,
    )
