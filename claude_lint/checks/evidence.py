"""What a request's own code says about the length of its answer (CL001, CL003, CL009, CL010).

Short: the answer is parsed as a number, a boolean, a label or a small structured object;
a tool call with a small schema is forced; the prompt asks for a short answer. Long: the
prompt asks for code, a file, a rewrite, a transcription or a translation, or the answer
is written to a file. Long wins: a prompt that asks to "classify, then write the fix" is
not a classification. Unknown (neither) is not evidence of anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from claude_lint.estimate import texts
from claude_lint.facts import Lit, Loc, Mapping, Seq, Text
from claude_lint.link import Call

# Instructions that pin the answer to a label, a word, a number or a sentence. Each
# phrase is an instruction, not a topic ("classifiers" is a topic).
SHORT_PROMPT = re.compile(
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
SENTENCE_PROMPT = re.compile(r"\b(?:in|with|using) (?:one|a single) sentence\b|\bone-sentence (?:answer|summary|reply)\b", re.IGNORECASE)
# Work whose answer is long by nature: code or files, a rewrite, a transcription, a translation, a
# report, or reasoning written out before a short verdict.
LONG_PROMPT = re.compile(
    r"\b(?:write|generate|create|implement|produce|output|return|give)\b[^.\n]{0,60}\b(?:code|script|program|function|class|module|files?|html|css|markdown|document|essay|article|report|story|chapter|tests?|patch|diff)\b"
    r"|\b(?:rewrite|refactor|transcri(?:be|ption)|translat(?:e|ion))\b"
    r"|\b(?:full|complete|entire|whole) (?:code|file|document|text|content)\b"
    # reasoning asked for before the answer: the label comes last, after a chain of thought
    r"|\bthink (?:step[- ]by[- ]step|through|it through|carefully)\b|<thinking>|<scratchpad>|\bstep[- ]by[- ]step\b"
    r"|\bexplain (?:your|the) (?:reasoning|answer|choice)\b|\b(?:show|give) your (?:reasoning|work)\b"
    r"|```",
    re.IGNORECASE,
)
MAX_PROMPT_CHARS = 6000  # a long prompt describes more than one small task; its tail is not read
MAX_TOOL_FIELDS = 6  # a forced tool whose schema has at most this many scalar fields answers in a few tokens
# Tokens an answer needs, generously (a label with a stray word, a small object with its keys).
NEEDS = {"number": 16, "bool": 16, "label": 16, "prompt-label": 16, "sentence": 64, "structured": 256, "tool": 256}


@dataclass(frozen=True)
class Short:
    what: str  # the evidence, as the message says it
    needs: int  # tokens that answer needs, generously
    at: Optional[Loc] = None  # where the evidence is written, when not at the request


@dataclass(frozen=True)
class Evidence:
    short: Optional[Short]
    long: Optional[str]  # why the answer is long by nature


def of(call: Call) -> Evidence:
    long = _long(call)
    return Evidence(None if long else _short(call), long)


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
                return Short(f"the answer is {u.how} (line {u.loc.row})", NEEDS[kind], u.loc)
    tool = _forced_tool(call)
    if tool:
        return Short(tool, NEEDS["tool"])
    prompt = _prompt(call)
    if prompt and len(prompt) <= MAX_PROMPT_CHARS:
        m = SHORT_PROMPT.search(prompt)
        if m:
            return Short(f'the prompt asks for a short answer ("{_quote(prompt, m)}")', NEEDS["prompt-label"])
        m = SENTENCE_PROMPT.search(prompt)
        if m:
            return Short(f'the prompt asks for one sentence ("{_quote(prompt, m)}")', NEEDS["sentence"])
    return None


def _forced_tool(call: Call) -> Optional[str]:
    """A tool call is forced (`tool_choice` names one tool) and its schema is a few scalar fields."""
    choice = call.args.get("tool_choice")
    name = None
    if choice is not None and isinstance(choice.value, Mapping):
        kind = _lit(choice.value.get("type"))
        if kind == "tool":
            name = _lit(choice.value.get("name"))
        elif kind == "function":
            fn = choice.value.get("function")
            name = _lit(fn.get("name")) if isinstance(fn, Mapping) else None
    if not name:
        return None
    tools = call.value("tools")
    if not isinstance(tools, Seq):
        return None
    for tool in tools.items:
        if not isinstance(tool, Mapping):
            continue
        spec = tool.get("function") if isinstance(tool.get("function"), Mapping) else tool
        if _lit(spec.get("name")) != name:
            continue
        schema = spec.get("input_schema") or spec.get("parameters")
        props = schema.get("properties") if isinstance(schema, Mapping) else None
        if not isinstance(props, Mapping) or props.open or not props.keys() or len(props.keys()) > MAX_TOOL_FIELDS:
            return None
        for key in props.keys():
            field = props.get(key)
            kind = _lit(field.get("type")) if isinstance(field, Mapping) else None
            if kind not in ("string", "integer", "number", "boolean"):
                return None
            if kind == "string" and not isinstance(field.get("enum"), Seq):
                return None  # free text may be long
        return f"a call of the tool {name!r} is forced and its schema is {len(props.keys())} short field{'s' if len(props.keys()) != 1 else ''}"
    return None


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
