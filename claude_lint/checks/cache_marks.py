"""Where a request's cache breakpoints are: the one reading of `cache_control` marks the
caching rules share (CL002, CL011, CL012, CL013 and `estimate`),
and the opening CL011 and CL012 share (`unmarked_request`: a billed Claude request with
no breakpoint, its model, minimum and system tokens).

A breakpoint is a `cache_control` (Claude API) or `cachePoint` (Bedrock Converse) key
whose value is not `None`, on a block, or the request's top-level `cache_control`
(automatic caching)."""
from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, List, Optional, Set, Tuple

from claude_lint import tokens as tok
from claude_lint.catalog import platform_of
from claude_lint.checks.base import Context
from claude_lint.extract.sdk import CACHE_CONTROL_PROVIDERS
from claude_lint.facts import Lit, Loc, Mapping, OneOf, Param, Seq, Text, Transform, Unknown
from claude_lint.link import Call
from claude_lint.prompt_text import MAX_DEPTH  # the one bound on nesting followed into blocks and schemas
from claude_lint.prompt_text import static_text, system_text

CACHE_KEYS = ("cache_control", "cachePoint")  # the Claude API's, Bedrock Converse's

# When a request carries tools, the API adds a tool-use system prompt of its own to the
# prefix: 159 to 530 tokens by model and tool_choice (Anthropic's "tool use pricing and
# tokens" page). A rule that wants a prefix long enough counts the least; one that wants it
# too short counts the most.
TOOL_PROMPT_LEAST = 159
TOOL_PROMPT_MOST = 530


def is_mark(key: Optional[str], value: object) -> bool:
    return key in CACHE_KEYS and not (isinstance(value, Lit) and value.value is None)


def mark_of(block: Mapping) -> Optional[Loc]:
    """Where the breakpoint on this block is written, or None when it carries none."""
    for key, item in block.entries:
        if is_mark(key, item):
            return block.loc_of(key) or block.loc
    return None


def marked_inside(value: object, depth: int = 0) -> bool:
    """A breakpoint anywhere inside a value, or a part we cannot see into (which may hold one).
    A run-time choice (`OneOf`) is marked when any value it may take is: the author placed a
    breakpoint on that path (a prompt builder whose other return is left unmarked is a
    choice, not an oversight we can name)."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, OneOf):
        return any(marked_inside(o, depth + 1) for o in value.options)
    if isinstance(value, Mapping):
        if value.open:
            return True
        return any(is_mark(key, item) or marked_inside(item, depth + 1) for key, item in value.entries)
    if isinstance(value, Seq):
        return any(marked_inside(i, depth + 1) for i in value.items)
    return False


def unseen(value: object, depth: int = 0) -> bool:
    """A value that could hide a breakpoint we cannot see."""
    if depth > MAX_DEPTH or isinstance(value, Unknown):
        return True
    if isinstance(value, Seq):
        return any(unseen(i, depth + 1) for i in value.items)
    if isinstance(value, Mapping):
        return value.open or any(unseen(v, depth + 1) for _, v in value.entries)
    return False


def automatic(call: Call) -> bool:
    """The request's top-level `cache_control`: the API places the breakpoint itself; or
    LiteLLM's `cache_control_injection_points`, which has LiteLLM place them."""
    top = call.value("cache_control")
    if call.site.provider == "litellm" and call.site.kwargs.get("cache_control_injection_points") is not None:
        return True
    return top is not None and is_mark("cache_control", top)


def claude_caching(call: Call, model) -> bool:
    """A request whose prompt is cached only where breakpoints mark it: Claude's platforms,
    or LiteLLM's own functions sending to a Claude model (it passes `cache_control` blocks
    through). A LiteLLM Router's deployments, and their caching settings, live elsewhere."""
    site = call.site
    if site.provider in CACHE_CONTROL_PROVIDERS:
        return True
    return (site.provider == "litellm" and not site.api.startswith("router.")
            and model is not None and model.provider == "anthropic")


def caches_here(call: Call, model) -> bool:
    """Does the platform the request goes to offer its model prompt caching? Not Claude 3 Haiku
    on Bedrock, for one (`uncached_on` in models.toml): a breakpoint there caches nothing."""
    return model is None or not model.uncached_on or model.caches_on(platform_of(call.model_id() or "", call.site.provider))


def langchain_claude(call: Call, model) -> bool:
    """A LangChain `ChatAnthropic` model: the messages it is invoked with take `cache_control`
    on their content blocks (or in `additional_kwargs`), but the model's site does not show
    them, so only a rule that needs no message text (a growing conversation) judges it."""
    site = call.site
    return (site.provider == "langchain" and site.api == "ChatAnthropic"
            and model is not None and model.provider == "anthropic")


def breakpoint_anywhere(call: Call) -> bool:
    """A breakpoint on the system prompt, a tool, a message or the request, or a part of
    the request we cannot see that may hold one: the author has placed one (or may
    have), so the rules about uncached prefixes say nothing."""
    if call.open or automatic(call):
        return True
    if call.site.provider == "langchain" and (call.site.cache_control_nearby or "model_kwargs" in call.site.kwargs.keys()):
        return True  # a chat model bound with cache settings, or marks placed where its site does not show
    system = call.value("system")
    if system is not None and marked_inside(system):
        return True
    for role in ("tools", "messages"):
        value = call.value(role)
        if value is None:
            continue
        if marked_inside(value) or (unseen(value) and call.site.cache_control_nearby):
            return True
    return False


def cache_minimum(model, ctx: Context) -> int:
    """The shortest prefix the model caches: the catalogue's, else the rule's option for unknown models."""
    return (model.min_cacheable if model is not None else None) or int(ctx.option("unknown-model-minimum"))


def count(text: str, model, ctx: Context) -> int:
    """Tokens of a literal text as the model counts them (offline count times the model's ratio)."""
    return int(tok.count(text) * ctx.catalog.token_ratio(model)) if text else 0


class Unmarked(namedtuple("Unmarked", ("model", "minimum", "system", "system_tokens"))):
    """A Claude request with no breakpoint: what the uncached-prefix rules (CL011, CL012) start
    from. `minimum`: the model's minimum cacheable length; `system`: the request's system
    prompt as resolved (None: none sent); `system_tokens`: its literal text, counted."""

    __slots__ = ()


def requests_of(call: Call) -> Tuple[Call, ...]:
    """The call, then every other request a wrapper call may make (a client or provider its
    code picks at run time): the one that stands for the call may be another provider's."""
    return (call, *(call.others() if call.others is not None else ()))


def unmarked_request(call: Call, ctx: Context, marked: Callable[[Call], bool], langchain: bool = False) -> Optional[Unmarked]:
    """The request when it is billed, cached only where breakpoints mark it, and `marked`
    finds no breakpoint in it (nor one it may carry unseen); else None. `langchain`: a
    LangChain `ChatAnthropic` model counts too."""
    model = ctx.model(call)
    if call.site.local or not (claude_caching(call, model) or langchain and langchain_claude(call, model)) or not caches_here(call, model) or marked(call):
        return None
    system = call.value("system")
    text = system_text(system) if system is not None else None
    return Unmarked(model, cache_minimum(model, ctx), system, count(text or "", model, ctx))


class Block:
    """One prompt block in cache order (tools, system, messages): where it is (`role`),
    the value as resolved, and where its breakpoint is written (None: it has none). A
    message's block also knows its message: `message`, its index in the list, and
    `speaker`, the message's role as written (None when not literal)."""

    def __init__(self, role: str, value: object, mark: Optional[Loc], message: Optional[int] = None, speaker: Optional[str] = None):
        self.role, self.value, self.mark, self.message, self.speaker = role, value, mark, message, speaker

    @property
    def text(self) -> Optional[Text]:
        """The block's text (a string, or a text block's `text`), None for other blocks (a tool, an image)."""
        if isinstance(self.value, Text):
            return self.value
        if isinstance(self.value, Mapping):
            text = self.value.get("text")
            return text if isinstance(text, Text) else None
        return None


def blocks(call: Call, value_of: Optional[Callable[[str], object]] = None, whole: bool = False) -> Tuple[List[Block], bool]:
    """The request's blocks in the order the cache reads them, and whether every list was
    seen whole (a run-time list or an open message may hold more blocks and breakpoints).
    `value_of`: another reading of a role than the resolved one (`as_written`).
    `whole`: a role's value that is not a list (a prompt builder's several returns, a
    run-time value) is kept as one block, for a rule that reads each possible text."""
    out: List[Block] = []
    seen = True
    for role in ("tools", "system", "messages"):
        value = (value_of or call.value)(role)
        if value is None or isinstance(value, Lit) and value.value is None:
            continue  # not sent (`if tools: params["tools"] = tools` with the default None)
        if isinstance(value, Text):
            out.append(Block(role, value, None))
            continue
        if not isinstance(value, Seq):
            seen = False
            if whole:
                out.append(_block(role, value))
            continue
        for index, item in enumerate(value.items):
            if role == "messages" and isinstance(item, Mapping):
                content, speaker = item.get("content"), item.get("role")
                speaker = speaker.literal if isinstance(speaker, Text) and all(isinstance(p, str) for p in speaker.parts) else None
                for block in content.items if isinstance(content, Seq) else (content,):
                    out.append(_block(role, block, index, speaker))
                    seen = seen and not filled_at_run_time(block)
                if item.open:
                    seen = False
            else:
                out.append(_block(role, item))
                seen = seen and not filled_at_run_time(item)
    return out, seen


# How extraction (`extract/moves.py`) names a list, or a list's tail, that code fills at run
# time (`for doc in docs: blocks.append(...)`): blocks built that way may carry breakpoints
# (the last document's, set in the loop), which a prefix's last breakpoint must not overlook.
_RUN_TIME_FILLS = frozenset({"filled in a loop", "changed in place", "inserted", "extended with a list not known statically"})


def shown_text(block: Block) -> str:
    """The block's literal text as the cache counts it (a tool: its JSON)."""
    text = block.text
    if text is not None:
        return text.literal
    return static_text(block.value) if isinstance(block.value, Mapping) else ""


def text_unset(block: Block) -> bool:
    """A text block whose text resolves to None: the API refuses it, so the code sends it only
    once something fills it (a guard `if system:` around it, a caller's argument over a None
    default). What is measured is not what is sent."""
    text = block.value.get("text") if isinstance(block.value, Mapping) else block.value
    return isinstance(text, Lit) and text.value is None


def filled_at_run_time(value: object) -> bool:
    """A list of blocks (or messages), or its tail, filled by code at run time: unseen blocks."""
    return isinstance(value, Unknown) and value.why in _RUN_TIME_FILLS


def _block(role: str, value: object, message: Optional[int] = None, speaker: Optional[str] = None) -> Block:
    return Block(role, value, mark_of(value) if isinstance(value, Mapping) else None, message, speaker)


def injected(call: Call, found: List[Block]) -> Set[int]:
    """The positions in `found` (the request's `blocks`) where LiteLLM writes a breakpoint
    itself, by the request's `cache_control_injection_points`: the last block of each message
    a point names by role (`{"location": "message", "role": "system"}`) or by index (`-1`, the
    last). Empty when the points are not all written out, or the messages not seen whole."""
    arg = call.args.get("cache_control_injection_points") if call.site.provider == "litellm" else None
    points = arg.value if arg is not None else None
    messages = call.value("messages")
    if not isinstance(points, Seq) or not isinstance(messages, Seq) or not points.items:
        return set()
    wanted_roles, wanted_indices = set(), set()
    for point in points.items:
        where = point.get("location") if isinstance(point, Mapping) else None
        role, index = (point.get("role"), point.get("index")) if isinstance(point, Mapping) else (None, None)
        if point.open or not isinstance(where, Text) or where.literal != "message":
            return set()  # a point we cannot read may mark any block
        if isinstance(role, Text) and all(isinstance(p, str) for p in role.parts):
            wanted_roles.add(role.literal)
        elif isinstance(index, Lit) and isinstance(index.value, int) and -len(messages.items) <= index.value < len(messages.items):
            wanted_indices.add(index.value % len(messages.items))
        else:
            return set()
    last = {b.message: i for i, b in enumerate(found) if b.role == "messages" and b.message is not None}
    return {i for i, b in enumerate(found) if b.message is not None and last[b.message] == i
            and (b.message in wanted_indices or b.speaker in wanted_roles)}


def as_written(call: Call) -> Callable[[str], object]:
    """A role's value as the request's own code writes it, before the linker resolves it:
    a parameter of the enclosing function is still a `Param` there (for a request reached
    through a wrapper, the caller's arguments are already in its place)."""

    def value_of(role: str) -> object:
        for name in call.site.keywords(role):
            value = call.site.kwargs.get(name)
            if value is not None:
                return value
        # `create(**params)`: the dict the function builds, a key filled under `if system:`
        # by a parameter whose default (None) is all the resolved request shows
        for key, splat in call.site.kwargs.entries:
            for name in call.site.keywords(role) if key is None and isinstance(splat, Mapping) else ():
                value = splat.get(name)
                if value is not None:
                    return value
        return None

    return value_of


def within(loc: Optional[Loc], span: Loc) -> bool:
    """A location inside a span's rows (a mark written in the request's own lines)."""
    return loc is not None and loc.path == span.path and span.row <= loc.row <= (span.end_row or span.row)


def unmarked_history(call: Call) -> bool:
    """Only the messages are unseen, and they are a conversation whose every edit the
    extractor read without a breakpoint written into it: no later breakpoint hides there."""
    history = call.site.history
    if history is None or history.marked or call.site.via is not None:
        return False
    return all(isinstance(call.value(role), (Seq, Text, type(None))) for role in ("tools", "system"))


def known(value: object, depth: int = 0) -> bool:
    """A value known whole statically: literal text, numbers, and lists and dicts of them."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, Text):
        return all(isinstance(p, str) for p in value.parts)
    if isinstance(value, Lit):
        return True
    if isinstance(value, Seq):
        return all(known(i, depth + 1) for i in value.items)
    if isinstance(value, Mapping):
        return not value.open and all(k is not None and known(v, depth + 1) for k, v in value.entries)
    return False


def params_in(value: object, depth: int = 0) -> Set[str]:
    """The enclosing function's parameters a value is made of, as written: each call passes its own."""
    if depth > MAX_DEPTH:
        return set()
    if isinstance(value, Param):
        return {value.name}
    if isinstance(value, Text):
        return set().union(*(params_in(p, depth + 1) for p in value.parts if not isinstance(p, str)))
    if isinstance(value, Seq):
        return set().union(*(params_in(i, depth + 1) for i in value.items))
    if isinstance(value, Mapping):
        return set().union(*(params_in(v, depth + 1) for _, v in value.entries))
    if isinstance(value, Transform):
        # A request body's key (boto3's `body.system`): only that entry is sent there.
        if value.op.startswith("getitem:") and isinstance(value.inner, Mapping):
            found = value.inner.get(value.op[len("getitem:"):])
            if found is not None:
                return params_in(found, depth + 1)
        return params_in(value.inner, depth + 1)
    return set()
