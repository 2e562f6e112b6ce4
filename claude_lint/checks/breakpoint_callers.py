"""CL013's reading of a breakpoint a wrapper writes on text its callers pass (`system=[{"text":
system_prompt, "cache_control": ...}]`): whether the prefix is long enough depends on each
caller, so a short one is reported at the caller that passes it, not at the wrapper's mark,
which other callers fill with text long enough. Kept apart from `breakpoints.py` for its size."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import List

from claude_lint.checks.cache_marks import Block, as_written, blocks, within
from claude_lint.facts import Mapping
from claude_lint.link import Call


def passed_in(call: Call, found: List[Block], last: int) -> bool:
    """The marked block's text is the caller's: the request is reached through a wrapper
    whose request takes it from a parameter. Read in the request as its code writes it, the
    caller's arguments bound in place of the parameters but names not yet resolved: the text
    is the caller's when what stands there is written outside the wrapper's file (the
    caller's literal, or a name the caller passes) or in the caller's own call. A name the
    wrapper's request writes itself (a constant it imports from a third module) stands
    where the wrapper writes it: the request's text, whichever module holds it."""
    via = call.site.via
    if via is None or found[last].text is None:
        return False
    at = getattr(_written_text(call, found, last), "loc", None)
    if at is None or within(at, via):
        return False
    return at.path != via.path or within(at, call.site.loc)


def _written_text(call: Call, found: List[Block], last: int) -> object:
    """The marked block's text as the request writes it; the block's whole role (a list a
    parameter or a constant supplies) when the written blocks do not match the resolved ones."""
    written, _ = blocks(call, as_written(call))
    if len(written) != len(found) or written[last].role != found[last].role:
        return as_written(call)(found[last].role)
    value = written[last].value
    return value.get("text") if isinstance(value, Mapping) else value


def passed_further(call: Call, role: str) -> bool:
    """The text is written by a wrapper call further on the way to the request (the caller
    calls a helper that passes its own prompt): that call is judged, and reported, itself."""
    from claude_lint.checks.prefix_place import deciding_place

    place = deciding_place(call, (role,))
    return place is not None and place > 0


HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MARK = '"cache_control": {"type": "ephemeral"}'
LONG = "Follow the Acme support policy in every answer. " * 300
# chaos-dungeon's client: every caller's system prompt is marked for caching
WRAPPER = (HEAD + "def send(system_prompt, text):\n"
           f"    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=[{{'type': 'text', 'text': system_prompt, {MARK}}}],\n"
           "        messages=[{'role': 'user', 'content': text}])\n")
CALLERS = "from llm import send\n" + f"RULES = {LONG!r}\n" + "def answer(q):\n    return send(RULES, q)\n\ndef classify(q):\n    return send(SHORT, q)\n"

# A grader whose request writes a prompt imported from a prompts module: the text is the request's, whoever calls it
GRADER = {"grader.py": HEAD + "from prompts import RUBRIC\nclass Grader:\n    def _score(self, listing):\n"
                       f"        return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=[{{'type': 'text', 'text': RUBRIC, {MARK}}}],\n"
                       "            messages=[{'role': 'user', 'content': listing}])\n\n    def score_all(self, listings):\n        return [self._score(x) for x in listings]\n",
          "app.py": "from grader import Grader\n\ndef main():\n    return Grader().score_all(['2 bed flat, garden'])\n"}


def examples():
    from claude_lint.checks.base import Invalid

    fires = [
        # one caller passes a one-line classifier prompt: reported there, the long prompt's caller is fine
        Invalid({"llm.py": WRAPPER, "dm.py": CALLERS.replace("SHORT", "'You are a classifier. Answer HOSTILE or NOT.'")},
                path="dm.py", row=7, message="ends a prefix of ~"),
        # the short prompt is a constant of the caller's module
        Invalid({"llm.py": WRAPPER, "dm.py": CALLERS.replace("SHORT", "NARRATOR") + "NARRATOR = 'Narrate the attack in one sentence.'\n"},
                path="dm.py", row=7, message="ends a prefix of ~"),
        # the short rubric is a constant of a third module, written in the request: reported there, not at its callers
        Invalid({**GRADER, "prompts.py": "RUBRIC = 'Score the listing from 1 to 5.'\n"}, path="grader.py", row=6, message="ends a prefix of ~"),
        # a third module's short constant that the caller passes into the wrapper's parameter: reported at that caller
        Invalid({"llm.py": WRAPPER, "prompts.py": "TRIAGE = 'Answer URGENT or LATER.'\n", "dm.py": "from llm import send\nfrom prompts import TRIAGE\n\ndef triage(q):\n    return send(TRIAGE, q)\n"},
                path="dm.py", row=5, message="ends a prefix of ~"),
    ]
    silent = [
        # the request's imported rubric is long enough, and its callers pass nothing into it
        {**GRADER, "prompts.py": f"RUBRIC = {LONG!r}\n"},
        # the caller passes a third module's long constant
        {"llm.py": WRAPPER, "prompts.py": f"TRIAGE = {LONG!r}\n", "dm.py": "from llm import send\nfrom prompts import TRIAGE\n\ndef triage(q):\n    return send(TRIAGE, q)\n"},
        # every caller passes text long enough
        {"llm.py": WRAPPER, "dm.py": CALLERS.replace("SHORT", "RULES + 'Classify.'")},
        # the caller's prompt is built at run time: it may be long enough
        {"llm.py": WRAPPER, "dm.py": CALLERS.replace("SHORT", "build_prompt(q)")},
    ]
    # The client is picked at run time among a Claude one and another provider's: each request the call may make is judged
    picked = {"llm.py": WRAPPER.replace("def send(", "class Claude:\n    def send(self, ").replace("\n    return", "\n        return").replace("\n        messages=", "\n            messages="),
              "other.py": "import boto3\nclass Mistral:\n    def send(self, system_prompt, text):\n"
                          "        return boto3.client('bedrock-runtime').converse(modelId='mistral.mistral-large-2402-v1:0', messages=[{'role': 'user', 'content': [{'text': text}]}])\n",
              "dm.py": "import os\nfrom llm import Claude\nfrom other import Mistral\n" f"RULES = {LONG!r}\n"
                       "def client():\n    return Mistral() if os.environ.get('PROVIDER') == 'mistral' else Claude()\n"
                       "def classify(q):\n    return client().send(SHORT, q)\n"
                       "def narrate(q):\n    return classify(q)\n"}
    fires.append(Invalid({**picked, "dm.py": picked["dm.py"].replace("SHORT", "'Answer HOSTILE or NOT.'")}, path="dm.py", row=8, message="ends a prefix of ~"))
    # the same through a Claude client with a long prompt; and the outer call (`narrate`) is not reported again
    silent.append({**picked, "dm.py": picked["dm.py"].replace("SHORT", "RULES")})
    return fires, silent
