"""What a request's own code says about the length of its answer (CL001, CL003, CL009, CL010).

Short: the answer is parsed as a number, a boolean, a label or a small structured object;
a tool call with a small schema is forced; the prompt asks for a short answer. Bounded:
the answer is a call of one named tool (forced, or the prompt asks for it) whose schema is
not small: a structured object, not a document, yet with no size the code pins. Long: the
prompt asks for code, a file, a rewrite, a transcription or a translation, or the answer
is written to a file. Long wins: a prompt that asks to "classify, then write the fix" is
not a classification. Unknown (none of these) is not evidence of anything.

`light` is the subset a rule may call a light task (CL003, CL009): a number, a boolean, a
label, a forced small tool call, a prompt asking for a label. A parsed JSON object and a
one-sentence answer are short, yet the work behind them may not be light (a plan, a summary
of a long document).
"""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start

from claude_lint.prompt_text import texts
from claude_lint.facts import Lit, Loc, Mapping, Seq, Text
from claude_lint.link import Call
from claude_lint.patterns import lazy

# Instructions that pin the answer to a label, a word, a number or a sentence. Each
# phrase is an instruction, not a topic ("classifiers" is a topic).
SHORT_PROMPT = lazy(
    r"\b(?:classify|categori[sz]e)\b(?=[^.\n]{0,80}\b(?:into|as|one of|the following|categor|label)\b)"
    r"|\b(?:answer|respond|reply)(?: only)?(?: with)?(?: only)? (?:a )?(?:yes or no|yes/no|true or false|\"?yes\"? or \"?no\"?)\b"
    r"|\b(?:answer|respond|reply)(?: only)? (?:with |in )?(?:only )?(?:one|a single) (?:word|label|number|digit|letter|character)\b"
    r"|\b(?:respond|reply|answer)(?: only)? with (?:only )?(?:the|a|one)(?: \w+){0,2}? (?:label|labels|category|categories|number|numeric digit|digit|letter|score)\b"
    r"|\b(?:only|just) (?:respond|reply|answer|return|output) (?:with )?(?:the|a|one)(?: \w+){0,2}? (?:label|labels|category|categories|number|numeric digit|digit|letter|score|word)\b"
    r"|\breturn only the (?:label|category|number|name|score)\b"
    r"|\boutput only the (?:label|category|number|score)\b"
    r"|\b(?:single|one) (?:word|character|digit|integer) (?:answer|response|only)\b",
    re.IGNORECASE,
)
SENTENCE_PROMPT = lazy(r"\b(?:in|with|using) (?:one|a single) sentence\b|\bone-sentence (?:answer|summary|reply)\b", re.IGNORECASE)
# Work whose answer is long by nature: code or files, a rewrite, a transcription, a translation, a
# report, or reasoning written out before a short verdict.
LONG_PROMPT = lazy(
    r"\b(?:write|generate|create|implement|produce|output|return|give)\b[^.\n]{0,60}\b(?:code|script|program|function|class|module|files?|html|css|markdown|document|essay|article|report|story|chapter|tests?|patch|diff)\b"
    r"|\b(?:rewrite|refactor|transcri(?:be|ption)|translat(?:e|ion))\b"
    r"|\b(?:full|complete|entire|whole) (?:code|file|document|text|content)\b"
    # reasoning asked for before the answer: the label comes last, after a chain of thought
    r"|\bthink (?:step[- ]by[- ]step|through|it through|carefully)\b|<thinking>|<scratchpad>|\bstep[- ]by[- ]step\b"
    r"|\bexplain (?:your|the) (?:reasoning|answer|choice)\b|\b(?:show|give) your (?:reasoning|work)\b"
    r"|```",
    re.IGNORECASE,
)
OPTIONAL_BEFORE = lazy(r"\b(?:may|can|could|might|free to|able to|if you need to|when needed,?)\s+$", re.IGNORECASE)
MAX_PROMPT_CHARS = 6000  # a long prompt describes more than one small task; its tail is not read
MAX_TOOL_FIELDS = 6  # a forced tool whose schema has at most this many scalar fields answers in a few tokens
# Tokens an answer needs, generously (a label with a stray word, a small object with its keys).
NEEDS = {"number": 16, "bool": 16, "label": 16, "prompt-label": 16, "sentence": 64, "structured": 256, "tool": 256, "any-tool": 512}
LIGHT_KINDS = frozenset({"number", "bool", "label", "prompt-label", "tool"})


@frozen
class Short:
    """One piece of evidence that an answer is short, and the tokens it needs."""
    what: str  # the evidence, as the message says it
    needs: int  # tokens that answer needs, generously
    at: Optional[Loc] = None  # where the evidence is written, when not at the request
    kind: str = ""  # a key of NEEDS

    @property
    def light(self) -> bool:
        return self.kind in LIGHT_KINDS


@frozen
class Evidence:
    """How the code uses a request's answer: evidence that it is short, or long by nature."""
    short: Optional[Short]
    long: Optional[str]  # why the answer is long by nature
    bounded: Optional[Short] = None  # a structured answer of no pinned size (a named tool's call)

    @property
    def light(self) -> Optional[Short]:
        return self.short if self.short is not None and self.short.light else None


def of(call: Call) -> Evidence:
    long = _long(call)
    if long:
        return Evidence(None, long)
    short = _short(call)
    return Evidence(short, None, None if short else _any_tool(call))


def _prompt(call: Call) -> str:
    pieces = texts(call.value("system")) + texts(call.value("messages")) + texts(call.value("prompt"))
    return "\n".join(pieces)


def _quote(prompt: str, m) -> str:
    said = re.split(r"(?<=[.!?\n])", prompt[m.start():], maxsplit=1)[0].strip()
    return said[:80]


def _long(call: Call) -> Optional[str]:
    written = [u for u in call.site.answer if u.kind == "file"]
    if written:
        return f"the answer is {written[0].how} (line {written[0].loc.row})"
    prompt = _prompt(call)
    m = LONG_PROMPT.search(prompt[:MAX_PROMPT_CHARS])
    if m:
        return f'the prompt asks for long output ("{_quote(prompt, m)}")'
    return None


def _short(call: Call) -> Optional[Short]:
    uses = call.site.answer
    # The whole answer parsed as JSON or YAML is a structured object: short next to a
    # document, yet a plan or a file list can run long, so it needs the most room.
    for kind in ("number", "bool", "label", "structured"):
        for u in uses:
            if u.kind == kind:
                return Short(f"the answer is {u.how} (line {u.loc.row})", NEEDS[kind], u.loc, kind)
    tool = _called_tool(call)
    if tool is not None:
        name, how, spec = tool
        fields = _short_fields(spec)
        if fields:
            return Short(f"the answer is a call of the tool {name!r} ({how}), whose schema is {fields} short field{'s' if fields != 1 else ''}",
                         NEEDS["tool"], kind="tool")
    prompt = _prompt(call)
    if prompt and len(prompt) <= MAX_PROMPT_CHARS:
        m = SHORT_PROMPT.search(prompt)
        if m:
            return Short(f'the prompt asks for a short answer ("{_quote(prompt, m)}")', NEEDS["prompt-label"], kind="prompt-label")
        m = SENTENCE_PROMPT.search(prompt)
        if m:
            return Short(f'the prompt asks for one sentence ("{_quote(prompt, m)}")', NEEDS["sentence"], kind="sentence")
    return None


def _any_tool(call: Call) -> Optional[Short]:
    """The answer is a call of one named tool whose schema is not small: an object of the
    schema's fields (a few paragraphs at most), not a document."""
    tool = _called_tool(call)
    if tool is None:
        return None
    name, how, _ = tool
    return Short(f"the answer is a call of the tool {name!r} ({how}): a structured object, not a document", NEEDS["any-tool"], kind="any-tool")


def _called_tool(call: Call) -> Optional[Tuple[str, str, Mapping]]:
    """(name, how we know, spec) of the tool the answer is a call of: `tool_choice` forces it,
    or the prompt asks for it by name ("Use the print_summary tool.") among the tools given."""
    tools = call.value("tools")
    if not isinstance(tools, Seq):
        return None
    specs = {}
    for tool in tools.items:
        if isinstance(tool, Mapping):
            spec = tool.get("function") if isinstance(tool.get("function"), Mapping) else tool
            name = _lit(spec.get("name"))
            if name:
                specs[name] = spec
    forced = _forced_name(call)
    if forced:
        return (forced, "forced by tool_choice", specs[forced]) if forced in specs else None
    prompt = _prompt(call)[:MAX_PROMPT_CHARS]
    for name, spec in specs.items():
        m = re.search(rf"\b(?:use|using|call|calling) (?:the )?`?{re.escape(name)}`? (?:tool|function)\b", prompt, re.IGNORECASE)
        # "You may use the search tool": offered, not asked for; the answer may be text.
        if m and not OPTIONAL_BEFORE.search(prompt[max(0, m.start() - 20):m.start()]):
            return name, "the prompt asks for it", spec
    return None


def _forced_name(call: Call) -> Optional[str]:
    choice = call.args.get("tool_choice")
    if choice is None or not isinstance(choice.value, Mapping):
        return None
    kind = _lit(choice.value.get("type"))
    if kind == "tool":
        return _lit(choice.value.get("name"))
    if kind == "function":
        fn = choice.value.get("function")
        return _lit(fn.get("name")) if isinstance(fn, Mapping) else None
    return None


def _short_fields(spec: Mapping) -> int:
    """How many fields the tool's schema has when each is a number, a boolean or an enum
    (a few tokens each); 0 when any may be free text, a list or an object."""
    schema = spec.get("input_schema") or spec.get("parameters")
    props = schema.get("properties") if isinstance(schema, Mapping) else None
    if not isinstance(props, Mapping) or props.open or not props.keys() or len(props.keys()) > MAX_TOOL_FIELDS:
        return 0
    for key in props.keys():
        field = props.get(key)
        kind = _lit(field.get("type")) if isinstance(field, Mapping) else None
        if kind not in ("string", "integer", "number", "boolean"):
            return 0
        if kind == "string" and not isinstance(field.get("enum"), Seq):
            return 0  # free text may be long
    return len(props.keys())


def _lit(value) -> Optional[str]:
    if isinstance(value, Text) and value.is_folded and not value.dynamic_parts:
        return value.literal
    if isinstance(value, Lit) and isinstance(value.value, str):
        return value.value
    return None


def suggested(needs: int) -> int:
    """A limit with room for the evidenced answer: twice what it needs, on a round number."""
    for step in (32, 64, 128, 256, 512, 1024):
        if step >= 2 * needs:
            return step
    return 2048
