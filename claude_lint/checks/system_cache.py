from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator

from claude_lint import tokens as tok
from claude_lint.checks.base import Context, Invalid, Rule, money, tokens
from claude_lint.checks.cache_marks import breakpoint_anywhere, cache_minimum, claude_caching
from claude_lint.checks.cache_prefix import per_request
from claude_lint.cost import cache_saving
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.sdk import provider_facts
from claude_lint.link import Call
from claude_lint.prompt_text import system_message, system_text

LONG_SYSTEM = "You are a meticulous support agent for Acme billing. " * 500
MID_SYSTEM = "You are a meticulous support agent for Acme billing. " * 250  # between 1,024 and 4,096 tokens


class UncachedSystemPrompt(Rule):
    """## What it does
    Flags a system prompt long enough to be cached (at least the model's minimum
    cacheable length, 512 to 4,096 tokens) sent with no `cache_control` anywhere in the
    request: not on a system block, a tool, a message, nor the request's top-level
    `cache_control` (automatic caching).

    ## Why is this bad?
    Without a cache breakpoint every call pays full input price for the same prefix.
    A cache read costs a tenth of the input price (less on newer models), and a
    5-minute cache write 1.25x: caching pays for itself from the second call.

    Tokens are counted offline with tiktoken's cl100k encoding on the literal text
    only (run-time parts count as zero), scaled by the model family's tokenizer ratio
    from the catalogue, so the estimate is a lower bound. Text is followed through
    constants, other modules, f-strings, `textwrap.dedent`, `.format`, `"".join` and
    files read with `Path(...).read_text()` or `open(...).read()`.

    Through LiteLLM to a Claude model, the system message that opens `messages` is the
    system prompt (LiteLLM passes its `cache_control` blocks on). OpenAI calls are not
    reported: OpenAI caches long prompt prefixes automatically.

    ## Example
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                           system=LONG_PROMPT, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=1024,
                           system=[{"type": "text", "text": LONG_PROMPT,
                                    "cache_control": {"type": "ephemeral"}}],
                           messages=msgs)
    ```

    ## Fix safety
    `--fix` turns `system=TEXT` into a one-block list with
    `"cache_control": {"type": "ephemeral"}`, keeping TEXT as written, or marks the last
    block of a block list written in the same file. Safe: the API treats both forms
    alike; only the bill changes. No fix when `system` comes from a `**params` spread,
    nor for a LiteLLM system message.

    ## Options
    - `unknown-model-minimum` (int, 4096): the minimum cacheable length used when the
      model is not known statically: the largest minimum of a current Claude model, so
      an unknown model never makes a prompt look cacheable when it is not.
    """

    code = "CL002"
    name = "system-prompt-uncached"
    summary = "long system prompt sent without prompt caching"
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 172 labelled repositories, main and held out, and the "
                      "186 precision samples; 2026-12-03): precision 0.87 (20 of 23 judged findings right, 3 debatable: "
                      "estimates within 3% of the model's minimum cacheable length, where the offline token count "
                      "cannot tell). Below 0.90.")
    options = {"unknown-model-minimum": 4096}

    @staticmethod
    def examples():
        from claude_lint.checks import examples as ex

        INLINE = (
            "import anthropic\nclient = anthropic.Anthropic()\n"
            f"SYSTEM = {LONG_SYSTEM!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=SYSTEM, messages=[{"role": "user", "content": "hi"}])\n'
        )
        fires = [
            Invalid(INLINE, row=4, message="caching saves about $17.06 per 1,000 calls ($18.98 -> $1.92",
                    expected_replacement=INLINE.replace("system=SYSTEM,", 'system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],')),
            # read from a prompt file next to the code, through a dedent and an f-string
            {
                "prompts/support.txt": LONG_SYSTEM,
                "bot.py": "import anthropic\nfrom pathlib import Path\n\nclient = anthropic.Anthropic()\n"
                'BASE = (Path(__file__).parent / "prompts" / "support.txt").read_text()\n\n'
                "def reply(user, q):\n"
                '    system = f"{BASE}\\nThe customer is {user}."\n'
                '    return client.messages.create(model="claude-haiku-4-5", max_tokens=300, system=system,\n'
                '                                  messages=[{"role": "user", "content": q}])\n',
            },
            # the long fixed head comes before the per-request part: that head is what to cache (no
            # automatic fix: marking the whole block would cache the changing part too)
            Invalid("import anthropic\nfrom datetime import datetime\nclient = anthropic.Anthropic()\n"
                    f"RULES = {LONG_SYSTEM!r}\n"
                    "def reply(q):\n"
                    '    system = f"{RULES}\\nNow: {datetime.now().isoformat()}"\n'
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=system, messages=[])\n',
                    row=7, message="The fixed head of the system prompt (before the part that changes per request) of ~6,3",
                    expected_replacement=None),
            # the model the code sends by default (the environment may name another): its minimum
            Invalid("import os\nimport anthropic\nclient = anthropic.Anthropic()\n"
                    'MODEL = os.getenv("CLAUDE_MODEL", "claude-sonnet-5")\n'
                    f"SYSTEM = {MID_SYSTEM!r}\n"
                    'client.messages.create(model=MODEL, max_tokens=512, system=SYSTEM, messages=[])\n',
                    row=6, message="on claude-sonnet-5, the model it sends by default)"),
            # the same default written in another module
            {"settings.py": 'import os\nMODEL = os.getenv("CLAUDE_MODEL", "claude-sonnet-5")\n',
             "example.py": "import anthropic\nfrom settings import MODEL\nclient = anthropic.Anthropic()\n"
             f"SYSTEM = {MID_SYSTEM!r}\n"
             'client.messages.create(model=MODEL, max_tokens=512, system=SYSTEM, messages=[])\n'},
        ]
        silent = [
            # the same prompt on a model only the environment names: under the largest minimum
            "import os\nimport anthropic\nclient = anthropic.Anthropic()\n"
            'MODEL = os.getenv("CLAUDE_MODEL")\n'
            f"SYSTEM = {MID_SYSTEM!r}\n"
            'client.messages.create(model=MODEL, max_tokens=512, system=SYSTEM, messages=[])\n',
            # cached on the system block
            "import anthropic\nclient = anthropic.Anthropic()\n"
            f"SYSTEM = {LONG_SYSTEM!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=512,\n'
            '    system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}], messages=[])\n',
            # automatic caching at the top level
            "import anthropic\nclient = anthropic.Anthropic()\n"
            f"SYSTEM = {LONG_SYSTEM!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=SYSTEM, messages=[],\n'
            '    cache_control={"type": "ephemeral"})\n',
            # a breakpoint on a later message caches the system prompt too
            "import anthropic\nclient = anthropic.Anthropic()\n"
            f"SYSTEM = {LONG_SYSTEM!r}\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=SYSTEM,\n'
            '    messages=[{"role": "user", "content": [{"type": "text", "text": "q", "cache_control": {"type": "ephemeral"}}]}])\n',
            # too short to be cached at all
            "import anthropic\nclient = anthropic.Anthropic()\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system="You are terse.", messages=[])\n',
            # OpenAI caches prompt prefixes automatically
            "from openai import OpenAI\n"
            f"SYSTEM = {LONG_SYSTEM!r}\n"
            'OpenAI().responses.create(model="gpt-5.4", max_output_tokens=300, instructions=SYSTEM, input="hi")\n',
            # the prompt is built at run time: nothing to count
            "import anthropic\nclient = anthropic.Anthropic()\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=load_prompt("support"), messages=[])\n',
            # a random pick near its start changes the prompt on every request: only the short head
            # before it could be cached (CL006 reports the value)
            "import random\nimport anthropic\nclient = anthropic.Anthropic()\n"
            f"RULES = {LONG_SYSTEM!r}\n"
            "def persona(info):\n"
            '    mood = random.choice(["Direct", "Reserved"])\n'
            '    system = f"Play a buyer of {info}. Personality: {mood}.\\n{RULES}"\n'
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=system, messages=[])\n',
        ]
        # prompts outside .py files and prompt text loaded through resources and templates
        fires = [
            *fires,
            {"batches/nightly.jsonl": ex.batch(2, model="claude-sonnet-4-6", max_tokens=512, system=LONG_SYSTEM)},
            {"support.ipynb": ex.notebook(
                "import anthropic\nclient = anthropic.Anthropic()",
                f"SYSTEM = {LONG_SYSTEM!r}",
                'client.messages.create(model="claude-sonnet-4-6", max_tokens=512, system=SYSTEM, messages=[])')},
            {
                "bot/__init__.py": "",
                "bot/prompts/support.txt": LONG_SYSTEM,
                "bot/app.py": "import anthropic\nfrom importlib.resources import files\n\n"
                'SYSTEM = files("bot").joinpath("prompts/support.txt").read_text(encoding="utf-8")\n'
                'anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, system=SYSTEM, messages=[])\n',
            },
            {
                "templates/support.j2": "Today is {{ today }}.\n" + LONG_SYSTEM + "{% if vip %}Be extra kind.{% endif %}",
                "app.py": "import anthropic\nfrom jinja2 import Environment, FileSystemLoader\n\n"
                'env = Environment(loader=FileSystemLoader("templates"))\n'
                "def reply(q, today):\n"
                '    system = env.get_template("support.j2").render(today=today)\n'
                '    return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, system=system, messages=[])\n',
            },
        ]
        # a system prompt returned by a function of another module
        fires = [
            *fires,
            {
                "bot/__init__.py": "",
                "bot/prompts.py": f"RULES = {LONG_SYSTEM!r}\n\ndef build_system_prompt(user):\n    return f\"{{RULES}}\\nThe customer is {{user}}.\"\n",
                "bot/app.py": "import anthropic\nfrom bot.prompts import build_system_prompt\n\n"
                "def reply(user, q):\n"
                '    return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300,\n'
                '        system=build_system_prompt(user), messages=[{"role": "user", "content": q}])\n',
            },
        ]
        # a method of a prompts object made from another module's class (`P = Prompts()`)
        OBJECT = ("import anthropic\nfrom bot.prompts import Prompts\nP = Prompts()\n"
                  'anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, system=P.system(), messages=[])\n')
        PROMPTS = f"class Prompts:\n    def system(self):\n        return {LONG_SYSTEM!r}\n"
        KEPT = ("import anthropic\nfrom bot.prompts import Prompts\nclass Bot:\n    def __init__(self):\n        self.prompts = Prompts()\n"
                "    def reply(self, q):\n        return anthropic.Anthropic().messages.create(model=\"claude-sonnet-4-6\", max_tokens=300,\n"
                '            system=self.prompts.system(), messages=[{"role": "user", "content": q}])\n')  # kept on the object that sends
        fires = [*fires, {"bot/__init__.py": "", "bot/prompts.py": PROMPTS, "bot/app.py": OBJECT}, {"bot/__init__.py": "", "bot/prompts.py": PROMPTS, "bot/app.py": KEPT}]
        # a module's prompt its importer may set again first (`import te; te.SYSTEM = MINE`): the
        # importer that never sets it sends the module's text; one that sets it sends its own
        AGENT = ("import anthropic\nclient = anthropic.Anthropic()\n"
                 f"SYSTEM = {MID_SYSTEM!r}\n"
                 "def answer(model, q):\n"
                 "    return client.messages.create(model=model, max_tokens=300, system=SYSTEM, messages=[{'role': 'user', 'content': q}])\n")
        JOB = "import agent\n\ndef run(qs):\n    SET\n    for q in qs:\n        agent.answer('claude-sonnet-4-6', q)\n"
        fires = [*fires, {"agent.py": AGENT, "job.py": JOB.replace("SET", "pass")}]
        silent = [*silent, {"agent.py": AGENT, "job.py": JOB.replace("SET", "agent.SYSTEM = 'You are terse.'")},
                  {"agent.py": AGENT, "job.py": JOB.replace("SET", "setattr(agent, 'SYSTEM', 'You are terse.')")}]
        silent = [
            *silent,
            # the method loads its text at run time: nothing fixed to count
            {"bot/__init__.py": "", "bot/prompts.py": "class Prompts:\n    def system(self):\n        return load_prompt('support')\n", "bot/app.py": OBJECT},
            # the function of another module returns what its caller passes: nothing fixed to count
            {
                "bot/__init__.py": "",
                "bot/prompts.py": "def wrap(text):\n    return f\"{text}\\nAnswer briefly.\"\n",
                "bot/app.py": "import anthropic\nfrom bot import prompts\n\n"
                "def reply(doc, q):\n"
                '    return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300,\n'
                '        system=prompts.wrap(doc), messages=[{"role": "user", "content": q}])\n',
            },
            {"batches/nightly.jsonl": ex.batch(2, model="claude-sonnet-4-6", max_tokens=512,
                                               system=[{"type": "text", "text": LONG_SYSTEM, "cache_control": {"type": "ephemeral"}}])},
            # a template that is mostly run-time content: too little literal text to cache
            {
                "templates/short.j2": "{{ long_policy_document }}\nAnswer as {{ persona }}.",
                "app.py": "import anthropic\nfrom jinja2 import Template\n\n"
                'system = Template(open("templates/short.j2").read()).render(long_policy_document=doc, persona="Ann")\n'
                'anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, system=system, messages=[])\n',
            },
        ]

        # a system prompt built by a helper with several returns (a mode switch), each of which
        # starts with the same long fixed text
        MODES = (
            "import anthropic\nclient = anthropic.Anthropic()\n"
            f"BASE = {LONG_SYSTEM!r}\n"
            "def system_prompt(automode, step):\n"
            "    if automode:\n"
            "        return BASE + f\"\\nYou are on step {step}.\"\n"
            "    return BASE\n"
            "def reply(q, automode, step):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=system_prompt(automode, step),\n'
            '                                  messages=[{"role": "user", "content": q}])\n'
        )
        fires = [*fires, Invalid(MODES, row=9, message="is sent without cache_control")]  # no fix: the helper's value is not one text
        # The file marks another request's system prompt: a mark inside that request's own
        # arguments cannot reach this request's run-time messages.
        NEIGHBOUR = (
            "import anthropic\nclient = anthropic.Anthropic()\n"
            f"SYSTEM = {LONG_SYSTEM!r}\n"
            "def plan(history):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=history,\n'
            '        system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}])\n'
            "def check(history):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=SYSTEM, messages=history)\n'
        )
        fires = [*fires, Invalid(NEIGHBOUR, row=8)]
        silent = [
            *silent,
            # a mark written outside every request may be in the run-time messages: not reported
            NEIGHBOUR.replace("def check(history):\n", "MARK = {'cache_control': {'type': 'ephemeral'}}\ndef check(history):\n"),
        ]
        silent = [
            *silent,
            # one of the returns is short: not every request sends a cacheable prompt
            MODES.replace("    return BASE\n", "    return 'You are terse.'\n"),
            # one of the returns is already cached
            MODES.replace("    return BASE\n", "    return [{'type': 'text', 'text': BASE, 'cache_control': {'type': 'ephemeral'}}]\n"),
        ]
        # A system prompt a function returns: a method of the agent's class, and a helper of
        # another module that joins a list filled by appends, its return kept in a name first.
        AGENT = ("import anthropic\n" f"RULES = {LONG_SYSTEM!r}\n"
                 "class Agent:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n"
                 "    def system_prompt(self):\n        return RULES\n"
                 "    def step(self, history):\n"
                 '        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=300, system=self.system_prompt(), messages=history)\n')
        JOINED = {
            "bot/__init__.py": "",
            "bot/prompts.py": f"RULES = {LONG_SYSTEM!r}\n\ndef build(user):\n    parts = []\n    parts.append(RULES)\n"
            "    parts.append(f'The customer is {user}.')\n    return '\\n\\n'.join(parts)\n",
            "bot/app.py": "import anthropic\nfrom bot.prompts import build\n\ndef reply(user, q):\n    system = build(user)\n"
            '    return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, system=system,\n'
            '        messages=[{"role": "user", "content": q}])\n',
        }
        fires = [*fires, Invalid(AGENT, row=9, message="System prompt of ~"), Invalid(JOINED, path="bot/app.py", row=6)]
        silent = [
            *silent,
            # the method's return is already a cached block list
            AGENT.replace("        return RULES\n", "        return [{'type': 'text', 'text': RULES, 'cache_control': {'type': 'ephemeral'}}]\n"),
            # the helper's list holds only what each call passes: nothing fixed to count
            {**JOINED, "bot/prompts.py": JOINED["bot/prompts.py"].replace("parts.append(RULES)", "parts.append(user)")},
        ]
        # LiteLLM to a Claude model: the system prompt is the message that opens the list
        LITELLM = ("import litellm\n" f"SYSTEM = {LONG_SYSTEM!r}\n"
                   "def ask(q):\n    return litellm.completion(model={model!r}, max_tokens=300, messages=[\n"
                   "        {{'role': 'system', 'content': {content}}}, {{'role': 'user', 'content': q}}])\n")
        fires = [*fires, Invalid(LITELLM.format(model="anthropic/claude-sonnet-4-5", content="SYSTEM"), row=5,
                                 message="Make the system message's content a block list with cache_control on its last block")]
        silent = [
            *silent,
            LITELLM.format(model="gpt-5.4", content="SYSTEM"),  # OpenAI caches the prefix itself
            # google-genai: a long system instruction on a model the code reads at run time (Gemini takes no cache_control)
            "from google import genai\nfrom google.genai import types\n" f"SYSTEM = {LONG_SYSTEM!r}\n"
            "def ask(client, model_name, q):\n    return client.models.generate_content(model=model_name, contents=q,\n"
            "        config=types.GenerateContentConfig(system_instruction=SYSTEM, max_output_tokens=300))\n",
            LITELLM.format(model="anthropic/claude-sonnet-4-5",
                           content="[{'type': 'text', 'text': SYSTEM, 'cache_control': {'type': 'ephemeral'}}]"),
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        if provider_facts(call.site.provider).prefix_cache == "automatic":
            return  # the provider caches long prompt prefixes itself; there is no cache_control to add
        if call.site.provider == "google":
            return  # Gemini caches by its own means (implicit caching, cached contents), never by cache_control
        arg = call.arg("system")
        if arg is not None:
            value, at = arg.value, arg.at
        else:
            # LiteLLM to a Claude model: the system prompt is the message that opens the list
            listed = call.value("messages")
            value = system_message(listed) if claude_caching(call, ctx.model(call)) else None
            if value is None:
                return
            at = listed.items[0].loc_of("content") or listed.items[0].loc or call.arg("messages").at  # where the message is written
        # A cache prefix ends where the prompt changes per request (CL006 reports that value):
        # only the fixed head before it can be cached, and marking the whole block would not.
        changing = []

        def per_request_part(part) -> bool:
            if per_request(part):
                changing.append(part)
                return True
            return False

        text = system_text(value, until=per_request_part)
        if text is None or breakpoint_anywhere(call):
            return
        changes = bool(changing)
        model = ctx.model(call)
        default = ctx.default_model(call) if model is None else None
        model = model or default
        minimum = cache_minimum(model, ctx)
        ratio = ctx.catalog.token_ratio(model)
        if len(text.encode("utf-8")) * ratio < minimum:
            return  # a token is at least one byte: it cannot reach the minimum
        estimate = int(tok.count(text) * ratio)
        if estimate < minimum:
            return
        where = (f"{model.id}, the model it sends by default" if default else model.id) if model is not None else "an unknown model (configured minimum)"
        saving = ""
        cost = None
        prices = cache_saving(estimate, model)
        if prices is not None:
            uncached, cached = prices
            cost = uncached - cached
            saving = f"; caching saves about {money(cost)} per 1,000 calls ({money(uncached)} -> {money(cached)}, if calls come within the 5-minute TTL)"
        how = ("Pass system as a block list with cache_control on the last block, or set the request's cache_control."
               if arg is not None else "Make the system message's content a block list with cache_control on its last block.")
        what = "System prompt"
        if changes:
            what = "The fixed head of the system prompt (before the part that changes per request)"
            how = "Put that head in its own system block with cache_control, and the changing part after it."
        yield self.diagnostic(
            at,
            f"{what} of ~{tokens(estimate)} tokens (cacheable from {tokens(minimum)} on {where}) is sent without "
            f"cache_control{saving}. {how}",
            cost=cost,
            fix=_fix(call, arg, ctx) if arg is not None and not changes else None,
        )


def _fix(call: Call, arg, ctx: Context):
    from claude_lint.fixes import system_cache

    return system_cache.build(call, arg, ctx.sources)
