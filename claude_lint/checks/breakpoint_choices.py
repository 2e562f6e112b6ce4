"""CL013's reading of a cached block whose text the code picks among several it writes out
(`AGENT_ROUTER if use_agent else ROUTER`, `random.choice([...])`): each text may be the one
sent, so the prefix is as long as its longest choice at most. When even that stays below the
model's minimum, the breakpoint caches nothing whichever is sent. Kept apart from
`breakpoints.py` for its size, with its examples."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone (start-up cost)
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.bounds import MAX_OPTIONS  # the texts one value lists, as extraction keeps them
from claude_lint.checks.cache_marks import Block, known
from claude_lint.facts import Mapping, OneOf, Text

# Choices whose options are every text that may be sent: a conditional expression's two branches,
# the items `random.choice` or a menu picks from. A name bound in several statements is not among
# them: its options leave out what a `+=` appends, which may make the text long enough.
_WHOLE_CHOICES = frozenset({"if", "random.choice", "picked from a menu"})


def longest(block: Block) -> Optional[Tuple[str, int]]:
    """The longest text the block may hold and how many it is picked among, when it is a
    choice among texts all written out (and the rest of the block is known too); else None."""
    value = block.value
    text = value.get("text") if isinstance(value, Mapping) else value
    if not isinstance(text, OneOf) or text.why not in _WHOLE_CHOICES or not text.options or len(text.options) > MAX_OPTIONS:
        return None
    if isinstance(value, Mapping) and (value.open or not all(k is not None and (v is text or known(v)) for k, v in value.entries)):
        return None
    if not all(isinstance(option, Text) and known(option) for option in text.options):
        return None  # an option read at run time may be long enough
    literals = [option.literal for option in text.options]
    return max(literals, key=len), len(set(literals))


def said(chosen: List[Optional[Tuple[str, int]]]) -> str:
    """What the message says of a prefix measured by a choice's longest text."""
    counts = [c[1] for c in chosen if c is not None and c[1] > 1]
    return f" (with the longest of the {counts[0]} texts the code may send there)" if counts else ""


HEAD = "import boto3\nrt = boto3.client('bedrock-runtime')\n"
ROUTE = ("ROUTER = 'Pick the assistant for the message: 1 orders, 2 products, 3 anything else. Answer with the number only.'\n"
         "AGENT_ROUTER = 'You route messages between the order, product and help assistants. Reply with one digit.'\n"
         "def route(text, use_agent=False):\n    system_prompt = CHOICE\n"
         "    return rt.converse(modelId='us.anthropic.claude-3-5-haiku-20241022-v1:0', messages=[{'role': 'user', 'content': [{'text': text}]}],\n"
         "                       system=[{'text': system_prompt}, {'cachePoint': {'type': 'default'}}])\n")


def examples():
    from claude_lint.checks.base import Invalid

    long = "Follow the Acme routing policy for every message you are shown. " * 300
    fires = [
        # a router picking one of two short prompts by a flag: neither reaches Haiku 3.5's 2,048 tokens
        Invalid(HEAD + ROUTE.replace("CHOICE", "AGENT_ROUTER if use_agent else ROUTER"), row=8,
                message="(with the longest of the 2 texts the code may send there)"),
        # one of the two picked at random
        HEAD + "import random\n" + ROUTE.replace("CHOICE", "random.choice([ROUTER, AGENT_ROUTER])"),
    ]
    silent = [
        # one of the choices is long enough to be cached
        HEAD + f"LONG = {long!r}\n" + ROUTE.replace("CHOICE", "LONG if use_agent else ROUTER"),
        # one of the choices is read at run time
        HEAD + ROUTE.replace("CHOICE", "load_prompt() if use_agent else ROUTER"),
        # bound in statements, one appending the caller's context: the text may be long enough
        HEAD + ROUTE.replace("    system_prompt = CHOICE\n", "    system_prompt = ROUTER\n    if use_agent:\n        system_prompt = AGENT_ROUTER\n"
                             "    if context:\n        system_prompt += context\n").replace("use_agent=False", "use_agent=False, context=''"),
    ]
    return fires, silent
