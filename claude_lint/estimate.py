"""Cost estimates of one call site from the catalogue's list prices.

Used by rules that put a figure on a finding and by `claude-lint report`. Only what
is statically known is counted: literal prompt text (run-time parts count as zero, so
input figures are lower bounds) and the output limit (the worst case you agree to pay).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start

from claude_lint import cost
from claude_lint import tokens as tok
from claude_lint.catalog import Catalog, Model
from claude_lint.checks.cache_marks import automatic, blocks
from claude_lint.extract.sdk import api_facts, provider_facts
from claude_lint.link import Call
from claude_lint.prompt_text import system_message, system_text, texts

BATCH_DISCOUNT = 0.5  # Message Batches / Batch API: half price on input and output

# What CL013 concludes of a request's cache breakpoints (`estimate(..., breakpoints=)`;
# the report asks the rule, `audit.breakpoint_verdicts`):
AS_MARKED = "as marked"  # they cache the prefix they end, when it reaches the model's minimum
CACHES_NOTHING = "caches nothing"  # the prefix the last one ends is literal text below the minimum
UNREAD = "unread"  # it comes after content each call passes in: every call writes it, none reads it


@frozen
class CallCost:
    """One call site's token counts and what they cost."""
    model: Optional[Model]
    system_tokens: int  # literal system prompt tokens (lower bound), the keyword's or the opening system message's
    prompt_tokens: int  # literal tokens of system, tools and messages (lower bound)
    cached_tokens: int  # of prompt_tokens, those before a cache breakpoint
    output_limit: Optional[int]  # the output cap in force (explicit, or the model maximum when none is set)
    limit_source: str  # "explicit" | "model maximum" | "unknown"
    calls: int
    fill: float
    input_usd: Optional[float]  # uncached input over `calls` calls
    cached_usd: Optional[float]  # cached prefix: one write, then reads (or a write on every call when unread)
    output_usd: Optional[float]  # output at limit * fill
    unread: bool = False  # the cached prefix is written by every call and read by none (CL013)

    @property
    def total(self) -> Optional[float]:
        parts = [self.input_usd, self.cached_usd, self.output_usd]
        if all(p is None for p in parts):
            return None
        return sum(p for p in parts if p is not None)


# Below this size a prompt is priced at BYTES_PER_TOKEN without loading the tokenizer
# (about 0.2 s, most of a one-file run): it moves a price by fractions of a cent, and no
# finding depends on it (CL002 and CL006 decide on exact counts).
EXACT_FROM_BYTES = 2048
BYTES_PER_TOKEN = 4


def count(text_list: List[str], ratio: float) -> int:
    joined = "\n".join(t for t in text_list if t)
    if not joined:
        return 0
    size = len(joined.encode("utf-8"))
    if size < EXACT_FROM_BYTES:
        return int(-(-size // BYTES_PER_TOKEN) * ratio)
    return int(tok.count(joined) * ratio)


def output_limit(call: Call, model: Optional[Model]):
    limit = call.int_value("max_tokens")
    if limit is not None:
        return limit, "explicit"
    if call.value("max_tokens") is None and provider_facts(call.site.provider).uncapped_is_maximum and model is not None and model.max_output:
        return model.max_output, "model maximum"
    return None, "unknown"


# A limit is priced at most at this many tokens: no request outputs more, and a limit
# written with 400 digits would overflow float arithmetic (OverflowError).
MAX_PRICED_TOKENS = 10 ** 12


def estimate(call: Call, catalog: Catalog, calls: int = 1000, fill: float = 1.0, breakpoints: str = AS_MARKED) -> CallCost:
    model_id = call.model_id()
    model = catalog.lookup(model_id) if model_id else None
    ratio = catalog.token_ratio(model)
    system = call.value("system")
    tools = call.value("tools")
    messages = call.value("messages")
    system_tokens = count([system_text(system) or ""], ratio)
    tool_tokens = count(texts(tools), ratio)
    message_tokens = count(texts(messages), ratio)  # an opening system message counts here
    prompt = system_tokens + tool_tokens + message_tokens
    # The system prompt as the report shows it: where the request has no system keyword, the
    # system message that opens an OpenAI-style list (already in the prompt's count above).
    shown_system = system_tokens if system is not None else count([system_text(system_message(messages)) or ""], ratio)
    marked = {block.role for block in blocks(call)[0] if block.mark is not None}
    cached = 0
    if breakpoints == CACHES_NOTHING:
        pass
    elif automatic(call) or "messages" in marked or "system" in marked:
        cached = system_tokens + tool_tokens
    elif "tools" in marked:
        cached = tool_tokens
    minimum = (model.min_cacheable if model is not None else None) or 1024
    if cached < minimum:
        cached = 0  # below the minimum nothing is cached
    unread = bool(cached) and breakpoints == UNREAD
    shape = api_facts(call.site.provider, call.site.api)
    if shape is not None and shape.output != "text":
        model = None  # billed by the minute of audio, the image or the second of video: a token price or limit would be wrong
    limit, source = output_limit(call, model)
    input_usd = cached_usd = output_usd = None
    scale = BATCH_DISCOUNT if shape is not None and shape.batch_job else 1.0
    if model is not None and model.input is not None:
        input_usd = cost.plain_usd(prompt - cached, model.input, calls) * scale
        if cached:
            write, read = model.cache_prices()
            cached_usd = (cost.rewritten_usd(cached, write, calls) if unread else cost.cached_usd(cached, write, read, calls)) * scale
    if model is not None and model.output is not None and limit is not None:
        output_usd = min(limit, MAX_PRICED_TOKENS) * fill * model.output * calls / 1e6 * scale
    return CallCost(model, shown_system, prompt, cached, limit, source, calls, fill, input_usd, cached_usd, output_usd, unread)
