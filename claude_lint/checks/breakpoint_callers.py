"""CL013's reading of a breakpoint a wrapper writes on text its callers pass (`system=[{"text":
system_prompt, "cache_control": ...}]`): whether the prefix is long enough depends on each
caller, so a short one is reported at the caller that passes it, not at the wrapper's mark,
which other callers fill with text long enough. Kept apart from `breakpoints.py` for its size."""
from __future__ import annotations

from claude_lint.checks.cache_marks import Block, within
from claude_lint.link import Call


def passed_in(call: Call, block: Block) -> bool:
    """The marked block's text is the caller's: the request is reached through a wrapper, and
    the text is written outside the wrapper's file (the caller's literal, or a constant it
    names) or in the caller's own call."""
    via, text = call.site.via, block.text
    if via is None or text is None or text.loc is None or within(text.loc, via):
        return False
    return text.loc.path != via.path or within(text.loc, call.site.loc)


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


def examples():
    from claude_lint.checks.base import Invalid

    fires = [
        # one caller passes a one-line classifier prompt: reported there, the long prompt's caller is fine
        Invalid({"llm.py": WRAPPER, "dm.py": CALLERS.replace("SHORT", "'You are a classifier. Answer HOSTILE or NOT.'")},
                path="dm.py", row=7, message="ends a prefix of ~"),
        # the short prompt is a constant of the caller's module
        Invalid({"llm.py": WRAPPER, "dm.py": CALLERS.replace("SHORT", "NARRATOR") + "NARRATOR = 'Narrate the attack in one sentence.'\n"},
                path="dm.py", row=7, message="ends a prefix of ~"),
    ]
    silent = [
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
