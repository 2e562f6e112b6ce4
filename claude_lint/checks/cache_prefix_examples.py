"""CL006's examples for where real agents keep the system prompt: the first message of an
OpenAI-style list, a messages list filled by appends in another function or module before
a wrapper sends it, and an attribute of the state a loop hands an agent step. Kept apart
from the rule module for its size; the rule's `examples()` imports and lists them."""
from __future__ import annotations

from claude_lint.checks.base import Invalid

RULES = "Follow the Acme support policy in every answer. " * 300

# OpenAI-style requests carry the system prompt as the first message (chat completions, the
# Responses API's input, LiteLLM): the clock at its head defeats automatic caching too.
CHAT = ("from openai import OpenAI\nimport datetime, time\n" + f"RULES = {RULES!r}\n"
        "def ask(q):\n    return OpenAI().chat.completions.create(model=\"gpt-5.4\", max_completion_tokens=300, messages=[\n"
        '        {{"role": "system", "content": {system}}}, {{"role": "user", "content": q}}])\n')

# An agent's messages list filled by appends in a builder, the system message marked there,
# sent by a wrapper: the builder's clock (to the minute) sits in the cached system block.
APPENDED = ("import datetime, litellm\n" + f"RULES = {RULES!r}\n"
            "def identity():\n    now = datetime.datetime.now().strftime({fmt!r})\n"
            "    return f'## Current Time\\n{{now}}\\n\\n' + RULES\n"
            "def build_messages(question):\n    messages = []\n"
            "    messages.append({{'role': 'system', 'content': [{{'type': 'text', 'text': identity(), 'cache_control': {{'type': 'ephemeral'}}}}]}})\n"
            "    messages.append({{'role': 'user', 'content': question}})\n    return messages\n"
            "def chat(messages):\n    return litellm.completion(model='anthropic/claude-sonnet-4-5', max_tokens=300, messages=messages)\n"
            "def turn(question):\n    return chat(build_messages(question))\n")

# An agent step whose helper writes an attribute of the state it is handed (the page the
# browser is on) into the cached system text, called once per page: each step's prefix is new.
STATE = ("import anthropic\nclient = anthropic.Anthropic()\n" + f"RULES = {RULES!r}\n"
         "def instructions(state):\n    return f'{RULES}\\nThe current URL is {state.url}.'\n"
         "def act(state, history):\n"
         "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=history,\n"
         "        system=[{'type': 'text', 'text': instructions(state), 'cache_control': {'type': 'ephemeral'}}])\n"
         "def run(pages, history, settings):\n    for page in pages:\n        act({state}, history)\n")

# The step as a method of an agent the caller builds (what its constructor keeps is bound too).
AGENT = ("import anthropic\n" + f"RULES = {RULES!r}\n"
         "class Agent:\n    def __init__(self, model):\n        self.model = model\n        self.client = anthropic.Anthropic()\n"
         "    def act(self, state, history):\n"
         "        return self.client.messages.create(model=self.model, max_tokens=300, messages=history,\n"
         "            system=[{'type': 'text', 'text': f'{RULES}\\nThe current URL is {state.url}.', 'cache_control': {'type': 'ephemeral'}}])\n"
         "def run(pages, history, settings):\n    agent = Agent(model='claude-sonnet-4-6')\n    for page in pages:\n        agent.act({state}, history)\n")

# The same builder in another module, whose list the agent loop's module sends.
CONTEXT = APPENDED.split("def chat(")[0]
LOOP = ("import litellm\nfrom bot.context import build_messages\n"
        "def chat(messages):\n    return litellm.completion(model='anthropic/claude-sonnet-4-5', max_tokens=300, messages=messages)\n"
        "def turn(question):\n    messages = build_messages(question)\n    return chat(messages)\n")

# The system prompt as a method of a prompts object (`P = Prompts()` in another module or this one).
PROMPTS = ("import datetime\n" + f"RULES = {RULES!r}\n"
           "class Prompts:\n    def system(self):\n        return f'Now: {{{now}}}\\n' + RULES\n")
ASKS = ("import anthropic\nfrom bot.prompts import Prompts\nP = Prompts()\n"
        "def ask(q):\n    return anthropic.Anthropic().messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': q}],\n"
        "        system=[{'type': 'text', 'text': P.system(), 'cache_control': {'type': 'ephemeral'}}])\n")

# An agent step that calls the model through a helper also used by its trajectory compression
# (the same request by two routes: the step's own is what each call sends), with the page state
# fetched anew in the caller's loop.
TWO_ROUTES = ("import anthropic\nclient = anthropic.Anthropic()\n" + f"RULES = {RULES!r}\n"
              "def call_model(system_prompt, history):\n"
              "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=history,\n"
              "        system=[{'type': 'text', 'text': system_prompt, 'cache_control': {'type': 'ephemeral'}}])\n"
              "def compress(history):\n    return call_model('Summarize the trajectory so far.', history)\n"
              "def act(state, history):\n    if len(history) > 20:\n        compress(history)\n"
              "    return call_model(f'{RULES}\\nThe current URL is {state.url}.', history)\n"
              "async def run(env, history):\n")

# The request sends a helper's copy of the list (a sanitiser, a marker of breakpoints), each
# message kept or rebuilt from itself: what the copy holds is the caller's list.
COPY = ("from openai import OpenAI\nimport time\n" + f"RULES = {RULES!r}\n"
        "class Bot:\n    @staticmethod\n    def clean(messages):\n        out = []\n        for m in messages:\n"
        "            if {keep}:\n                out.append({{**m, 'content': [{{'type': 'text', 'text': m['content']}}]}})\n"
        "            else:\n                out.append({{k: v for k, v in m.items() if k in ('role', 'content')}})\n        return out\n"
        "    def ask(self, q):\n        messages = [{{'role': 'system', 'content': f'Now: {{time.time()}}\\n{{RULES}}'}}, {{'role': 'user', 'content': q}}]\n"
        "        return OpenAI().chat.completions.create(model='gpt-5.4', max_completion_tokens=300, messages=self.clean(messages))\n")

# The builder is a method of an object the agent keeps (`self.context`), and the stored history
# is spliced in after the system message: the head of the list is still known.
BUILDER = ("import datetime\n" + f"RULES = {RULES!r}\n"
           "class ContextBuilder:\n    def build_messages(self, history, question):\n        messages = []\n"
           "        messages.append({{'role': 'system', 'content': f'Now: {{datetime.datetime.now():{fmt}}}\\n' + RULES}})\n"
           "        messages.extend(history)\n        messages.append({{'role': 'user', 'content': question}})\n        return messages\n")
CLAUDE_VIA_LITELLM = "anthropic/claude-sonnet-4-5"
AGENT_LOOP = ("import litellm\nfrom bot.context import ContextBuilder\n"
              "class Agent:\n    def __init__(self):\n        self.context = ContextBuilder()\n"
              "    def turn(self, history, question):\n        messages = self.context.build_messages(history, question)\n"
              "        return litellm.completion(model='anthropic/claude-sonnet-4-5', max_tokens=300, messages=messages)\n")

# The step hands the prompt its helper built to a method that marks it for caching: the
# finding at the caller's loop names the call that carries the prompt (a noqa there holds).
HANDED = ("import anthropic\nclient = anthropic.Anthropic()\n" + f"RULES = {RULES!r}\n"
          "def instructions(state):\n    return f'{RULES}\\nThe current URL is {state.url}.'\n"
          "def call_model(system_prompt, history):\n"
          "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=history,\n"
          "        system=[{'type': 'text', 'text': system_prompt, 'cache_control': {'type': 'ephemeral'}}])\n"
          "def act(state, history):\n    system_prompt = instructions(state)\n    return call_model(system_prompt, history){noqa}\n"
          "async def run(env, history):\n    while True:\n        state = await env.get_state()\n        act(state, history)\n")

# A provider's helper copies the list and marks each system message for caching on the way
# (the system text becomes a block carrying `cache_control`): the caller's clock lands in it.
MARKER = ("import datetime, litellm\n" + f"RULES = {RULES!r}\n"
          "class Provider:\n    @staticmethod\n    def _apply_cache_control(messages):\n        new_messages = []\n        for msg in messages:\n"
          "            if msg.get('role') == 'system':\n                content = msg['content']\n"
          "                new_content = [{'type': 'text', 'text': content, 'cache_control': {'type': 'ephemeral'}}]\n"
          "                new_messages.append({**msg, 'content': new_content})\n            else:\n                new_messages.append(msg)\n"
          "        return new_messages\n    def chat(self, messages):\n"
          "        return litellm.completion(model='anthropic/claude-sonnet-4-5', max_tokens=300, messages=self._apply_cache_control(messages))\n"
          "def turn(question):\n    now = datetime.datetime.now().strftime('<FMT>')\n"
          "    messages = [{'role': 'system', 'content': <SYSTEM>}, {'role': 'user', 'content': <USER>}]\n"
          "    return Provider().chat(messages)\n")

# The same helper returning the copy with the tools, the wrapper's parameter reassigned to it.
UNPACKED = (MARKER.replace("_apply_cache_control(messages):", "_apply_cache_control(messages, tools):")
            .replace("return new_messages\n", "return new_messages, tools\n")
            .replace("    def chat(self, messages):\n", "    def chat(self, messages, tools=None):\n        messages, tools = self._apply_cache_control(messages, tools)\n")
            .replace("messages=self._apply_cache_control(messages))", "messages=messages)"))

# The provider marks the list only where caching is supported (`if self.caching:`), and a
# sanitiser that keeps each message (a branch appends its cleaned copy and `continue`s) sends it on.
MARKED_IF = UNPACKED.replace("        messages, tools = self._apply_cache_control(messages, tools)\n",
                             "        if self.caching:\n            messages, tools = self._apply_cache_control(messages, tools)\n")
CLEAN = ("    @staticmethod\n    def _clean(messages):\n        result = []\n        for msg in messages:\n"
         "            if not msg.get('content'):\n                clean = dict(msg)\n                clean['content'] = '(empty)'\n"
         "                result.append(clean)\n                continue\n            result.append(msg)\n        return result\n")
SANITISED = (MARKER.replace("    def chat(self, messages):\n", CLEAN + "    def chat(self, messages):\n")
             .replace("messages=self._apply_cache_control(messages))", "messages=self._clean(self._apply_cache_control(messages)))"))


def _row(source: str, text: str) -> int:
    return source[: source.index(text)].count("\n") + 1


def _clock(source: str, fmt: str) -> str:
    return source.replace("<FMT>", fmt).replace("<SYSTEM>", "f'Time: {now}\\n' + RULES").replace("<USER>", "question")


FIRES = [
    Invalid(_clock(MARKED_IF, "%H:%M"), row=_row(MARKED_IF, "now = datetime"),
            message="`datetime.datetime.now().strftime('%H:%M')` changes every minute and sits in the messages block that carries the cache breakpoint"),
    Invalid(_clock(SANITISED, "%H:%M"), row=_row(SANITISED, "now = datetime"),
            message="`datetime.datetime.now().strftime('%H:%M')` changes every minute and sits in the messages block that carries the cache breakpoint"),
    Invalid(UNPACKED.replace("<FMT>", "%H:%M").replace("<SYSTEM>", "f'Time: {now}\\n' + RULES").replace("<USER>", "question"), row=19,
            message="`datetime.datetime.now().strftime('%H:%M')` changes every minute and sits in the messages block that carries the cache breakpoint"),
    Invalid(MARKER.replace("<FMT>", "%H:%M").replace("<SYSTEM>", "f'Time: {now}\\n' + RULES").replace("<USER>", "question"), row=18,
            message="`datetime.datetime.now().strftime('%H:%M')` changes every minute and sits in the messages block that carries the cache breakpoint"),
    Invalid(HANDED.replace("{noqa}", ""), row=14, message="`state.url` changes on every iteration of the loop at line 13 (it enters the prompt at line 5)"),
    Invalid({"bot/__init__.py": "", "bot/context.py": BUILDER.format(fmt="%H:%M"), "bot/loop.py": AGENT_LOOP.replace(CLAUDE_VIA_LITELLM, "openai/gpt-5.4")},
            path="bot/context.py", row=6,
            message="changes every minute and sits at the start of the system prompt"),
    Invalid(COPY.format(keep="m['role'] == 'system'"), row=15, message="`time.time()` changes on every request and sits at the start of the system prompt"),
    Invalid(TWO_ROUTES + "    while True:\n        state = await env.get_state()\n        act(state, history)\n", row=15,
            message="`state.url` changes on every iteration of the loop at line 14"),
    Invalid({"bot/__init__.py": "", "bot/prompts.py": PROMPTS.format(now="datetime.datetime.now()"), "bot/app.py": ASKS},
            path="bot/prompts.py", row=5, message="`datetime.datetime.now()` changes on every request"),
    Invalid("import anthropic\n" + PROMPTS.format(now="datetime.datetime.now()") + ASKS.split("\n", 2)[2], row=6,
            message="`datetime.datetime.now()` changes on every request"),
    Invalid(AGENT.replace("{state}", "page"), row=13, message="`page.url` changes on every iteration of the loop at line 12"),
    Invalid({"bot/__init__.py": "", "bot/context.py": CONTEXT.format(fmt="%H:%M"), "bot/loop.py": LOOP}, path="bot/context.py", row=4,
            message="changes every minute and sits in the messages block that carries the cache breakpoint"),
    Invalid(STATE.replace("{state}", "page"), row=11,
            message="`page.url` changes on every iteration of the loop at line 10 (it enters the prompt at line 5)"),
    Invalid(CHAT.format(system='f"Now: {time.time()}\\n{RULES}"'), row=6,
            message="`time.time()` changes on every request and sits at the start of the system prompt"),
    Invalid(APPENDED.format(fmt="%Y-%m-%d %H:%M"), row=4,
            message="changes every minute and sits in the messages block that carries the cache breakpoint"),
]
# A cached block written ahead of the conversation with `+` (`[block] + history`): the clock
# to the minute in that block busts the prefix like `[block, *history]` does.
PREPENDED = ("import datetime, anthropic\nclient = anthropic.Anthropic()\n" + f"RULES = {RULES!r}\n"
             "def turn(history):\n    now = datetime.datetime.now().strftime({fmt!r})\n"
             "    head = [{{'role': 'user', 'content': [{{'type': 'text', 'text': f'Time: {{now}}\\n' + RULES, 'cache_control': {{'type': 'ephemeral'}}}}]}}]\n"
             "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=head + history)\n")
FIRES.append(Invalid(PREPENDED.format(fmt="%H:%M"), row=5,
                     message="changes every minute and sits in the messages block that carries the cache breakpoint"))

SILENT = [
    _clock(MARKED_IF, "%Y-%m-%d"),  # a date
    _clock(SANITISED, "%Y-%m-%d"),
    # a branch that skips ahead without keeping the message drops it: not a copy of the caller's list
    _clock(SANITISED.replace("                result.append(clean)\n                continue\n", "                continue\n"), "%H:%M"),
    PREPENDED.format(fmt="%Y-%m-%d"),  # to the day
    UNPACKED.replace("<FMT>", "%Y-%m-%d").replace("<SYSTEM>", "f'Time: {now}\\n' + RULES").replace("<USER>", "question"),
    MARKER.replace("<FMT>", "%Y-%m-%d").replace("<SYSTEM>", "f'Time: {now}\\n' + RULES").replace("<USER>", "question"),  # a date
    # the clock in the user turn, after the system breakpoint the copy adds
    MARKER.replace("<FMT>", "%H:%M").replace("<SYSTEM>", "RULES").replace("<USER>", "f'{now} {question}'"),
    HANDED.replace("{noqa}", "  # noqa: CL006"),
    {"bot/__init__.py": "", "bot/context.py": BUILDER.format(fmt="%Y-%m-%d"), "bot/loop.py": AGENT_LOOP},  # a date
    # to Claude with no breakpoint anywhere: nothing is cached, so the clock busts nothing
    {"bot/__init__.py": "", "bot/context.py": BUILDER.format(fmt="%H:%M"), "bot/loop.py": AGENT_LOOP},
    # the copy drops the system message: what it sends is not the caller's list
    COPY.format(keep="m['role'] == 'user'").replace("            else:\n", "            elif m['role'] == 'system':\n                continue\n            else:\n"),
    # the state fetched once, before the loop: every step sends the same prefix
    TWO_ROUTES + "    state = await env.get_state()\n    while True:\n        act(state, history)\n",
    # looked up by the loop's item: per-call task data in the cached block, CL013's finding
    TWO_ROUTES + "    for path in env.paths:\n        state = env.pages.get(path)\n        act(state, history)\n",
    TWO_ROUTES + "    for path in env.paths:\n        with open(path) as f:\n            state = f.read()\n        act(state, history)\n",
    {"bot/__init__.py": "", "bot/prompts.py": PROMPTS.format(now="datetime.date.today()"), "bot/app.py": ASKS},  # a date
    AGENT.replace("{state}", "settings"),
    {"bot/__init__.py": "", "bot/context.py": CONTEXT.format(fmt="%Y-%m-%d"), "bot/loop.py": LOOP},
    STATE.replace("{state}", "settings"),  # the same state on every iteration: the prefix repeats
    CHAT.format(system='f"{RULES}\\nNow: {time.time()}"'),  # after the cacheable text: the prefix stays stable
    CHAT.format(system='f"Now: {time.time()}"'),  # nothing long after it to cache
    # a Claude request with no breakpoint at all caches nothing: the clock at the head of its
    # long system prompt busts nothing (CL002 asks for the breakpoint)
    "import anthropic, time\n" + f"RULES = {RULES!r}\n"
    'anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[], system=f"Now: {time.time()}\\n{RULES}")\n',
    APPENDED.format(fmt="%Y-%m-%d"),  # to the day: one extra write a day
    # the clock's time zone (or year) read at request time is the same on every request
    CHAT.format(system='f"Zone: {datetime.datetime.now().astimezone().tzinfo}\\n{RULES}"'),    # the day of the month read from a local clock: one extra write a day
    CHAT.format(system='f"Day {now.day} of the month.\\n{RULES}"').replace("def ask(q):\n", "def ask(q):\n    now = datetime.datetime.now()\n"),
]

# OpenAI caches long prefixes by itself: a builder's return that opens with the time defeats it
OPENAI_BUILDER = ("from openai import OpenAI\nimport datetime, time\n" + f"RULES = {RULES!r}\n"
                  "def build_instructions(verbose):\n    if verbose:\n        return f\"Now: {{{value}}}\\n\" + RULES\n    return RULES\n"
                  'OpenAI().responses.create(model="gpt-5.4", max_output_tokens=300, input="hi", instructions=build_instructions(True))\n')
FIRES.append(Invalid(OPENAI_BUILDER.format(value="time.time()"), row=6,
                     message="`time.time()` changes on every request and sits at the start of the system prompt, ahead of ~3,002 "
                     "cacheable tokens, so the prefix never matches the cache: every call pays the full input price instead of a "
                     "cached read, about $6.75 per 1,000 calls"))
SILENT.append(OPENAI_BUILDER.format(value="datetime.date.today()"))

# A helper the provider class inherits from another module's base class returns a copy of the
# messages (a sanitiser): the request sends the caller's list, cached block and all.
INHERITED = {
    "bot/__init__.py": "",
    "bot/base.py": "class Provider:\n    def _clean(self, messages):\n        out = []\n        for m in messages:\n"
                   "            out.append({k: v for k, v in m.items() if k != 'name'})\n        return out\n",
    "bot/claude.py": "import anthropic\nfrom bot.base import Provider\n\nclass Claude(Provider):\n    def chat(self, messages):\n"
                     "        return anthropic.Anthropic().messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=self._clean(messages))\n",
    "bot/app.py": "import time\nfrom bot.claude import Claude\n" + f"RULES = {RULES!r}\n" + "bot = Claude()\n\ndef ask(q):\n"
                  "    head = {'role': 'user', 'content': [{'type': 'text', 'text': f'Now: {time.time()}\\n' + RULES, 'cache_control': {'type': 'ephemeral'}}]}\n"
                  "    return bot.chat([head, {'role': 'user', 'content': q}])\n",
}
FIRES.append(Invalid(INHERITED, path="bot/app.py", row=7, message="`time.time()` changes on every request and sits in the messages block that carries the cache breakpoint"))
# the inherited helper sends a list of its own (not a copy of its argument): nothing to judge
SILENT.append({**INHERITED, "bot/base.py": "class Provider:\n    def _clean(self, messages):\n        return load_history()\n"})

HELPER_HEAD = "import anthropic, datetime, uuid\nclient = anthropic.Anthropic()\n"
# The system text a helper builds, with the clock at its head: a method of the agent's
# class, or a function of another module, whose return the cached block carries.
HELPER_IDENTITY = (HELPER_HEAD + f"RULES = {RULES!r}\n"
            "class Agent:\n    def identity(self):\n"
            "        return f\"## Current Time\\n{{{value}}}\\n\\n\" + RULES\n"
            "    def step(self, history):\n"
            '        return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=history,\n'
            '            system=[{{"type": "text", "text": self.identity(), "cache_control": {{"type": "ephemeral"}}}}])\n')
HELPER_PROMPTS = ("import datetime\n" + f"RULES = {RULES!r}\n"
           "STARTED = datetime.datetime.now().isoformat()\n"
           "def build_system_prompt(user):\n    return f\"{{{value}}}\\n{{RULES}}\\nThe customer is {{user}}.\"\n")
HELPER_APP = ("import anthropic\nfrom bot.prompts import build_system_prompt\n\n"
       "def reply(user, q):\n"
       '    return anthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[{"role": "user", "content": q}],\n'
       '        system=[{"type": "text", "text": build_system_prompt(user), "cache_control": {"type": "ephemeral"}}])\n')
HELPER_FIRES = [
    Invalid(HELPER_IDENTITY.format(value="datetime.datetime.now():%Y-%m-%d %H:%M"), row=6,
            message="`datetime.datetime.now():%Y-%m-%d %H:%M` changes every minute and sits in the system prompt block that carries the cache breakpoint"),
    Invalid({"bot/__init__.py": "", "bot/prompts.py": HELPER_PROMPTS.format(value="datetime.datetime.now().isoformat()"), "bot/app.py": HELPER_APP},
            path="bot/prompts.py", row=5, message="`datetime.datetime.now().isoformat()` changes on every request"),
]
HELPER_SILENT = [
    # the helper's clock formatted to the day, or a value fixed when the process starts
    HELPER_IDENTITY.format(value="datetime.datetime.now():%Y-%m-%d"),
    {"bot/__init__.py": "", "bot/prompts.py": HELPER_PROMPTS.format(value="STARTED"), "bot/app.py": HELPER_APP},
    {"bot/__init__.py": "", "bot/prompts.py": HELPER_PROMPTS.format(value="datetime.date.today()"), "bot/app.py": HELPER_APP},
]

# The clock held in a name first (`now = ...strftime(...)`): judged by what the name holds.
NAMED = (HELPER_HEAD + f"RULES = {RULES!r}\n"
         "def identity():\n    now = datetime.datetime.now().strftime({fmt!r})\n"
         "    return f\"## Current Time\\n{{now}}\\n\\n\" + RULES\n"
         'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{{"role": "user", "content": "q"}}],\n'
         '    system=[{{"type": "text", "text": identity(), "cache_control": {{"type": "ephemeral"}}}}])\n')
NAMED_FIRES = [Invalid(NAMED.format(fmt="%Y-%m-%d %H:%M (%A)"), row=5,
                       message="`datetime.datetime.now().strftime('%Y-%m-%d %H:%M (%A)')` changes every minute")]
NAMED_SILENT = [NAMED.format(fmt="%Y-%m-%d (%A)")]

# LiteLLM writes the breakpoints itself where `cache_control_injection_points` says: on the
# system messages (`role`) or on one message (`index`, -1 the last, after the system prompt).
INJECTED = ("import datetime, litellm\n" + f"RULES = {RULES!r}\n"
            "def ask(q):\n    return litellm.completion(model='anthropic/claude-sonnet-4-6', max_tokens=300, messages=[\n"
            "        {{'role': 'system', 'content': {system}}}, {{'role': 'user', 'content': {user}}}],\n"
            "        cache_control_injection_points={points})\n")
SYSTEM_POINT = "[{'location': 'message', 'role': 'system'}]"
INJECTED_FIRES = [
    Invalid(INJECTED.format(system="f'Now: {datetime.datetime.now()}\\n' + RULES", user="q", points=SYSTEM_POINT), row=5,
            message="`datetime.datetime.now()` changes on every request and sits in the messages block that carries the cache breakpoint"),
    Invalid(INJECTED.format(system="f'Now: {datetime.datetime.now():%H:%M:%S}\\n' + RULES", user="q", points="[{'location': 'message', 'index': -1}]"),
            row=5, message="changes on every request and sits in the messages before the last cache breakpoint"),
]
INJECTED_SILENT = [
    # the clock in the user turn, after the system message LiteLLM marks
    INJECTED.format(system="RULES", user="f'Now: {datetime.datetime.now()}\\n{q}'", points=SYSTEM_POINT),
    # points read from settings: where LiteLLM puts the breakpoints is not known
    INJECTED.format(system="f'Now: {datetime.datetime.now()}\\n' + RULES", user="q", points="load_points()"),
]

# A prompt builder with several returns: whichever it sends lands in the cached block.
BUILDER_HEAD = HELPER_HEAD + f"RULES = {RULES!r}\n"
BUILDER = ("def build_system(verbose):\n    if verbose:\n        return f\"Now: {{{value}}}\\n\" + RULES\n    return RULES\n"
           'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=[{{"role": "user", "content": "next"}}],\n'
           '    system=[{{"type": "text", "text": build_system(True), "cache_control": {{"type": "ephemeral"}}}}])\n')
BUILDER_FIRES = [
    Invalid(BUILDER_HEAD + BUILDER.format(value="datetime.datetime.now():%H:%M"), row=6,
            message="`datetime.datetime.now():%H:%M` changes every minute and sits in the system prompt block that "
            "carries the cache breakpoint, so the prefix matches the cache only for calls in the same minute: the others pay a "
            "cache write (1.25x input) instead of a read (0.1x or less). Move per-request values"),
    # to the second: new on every request; to the hour; a clock with its seconds zeroed: to the minute
    Invalid(BUILDER_HEAD + BUILDER.format(value="datetime.datetime.now():%H:%M:%S"), row=6,
            message="`datetime.datetime.now():%H:%M:%S` changes on every request and sits in the system prompt block that "
            "carries the cache breakpoint, so the prefix never matches the cache: every call pays a cache write"),
    Invalid(BUILDER_HEAD + BUILDER.format(value="datetime.datetime.now():%Y-%m-%d %H:00"), row=6,
            message="changes every hour and sits in the system prompt block that carries the cache breakpoint, so the prefix "
            "matches the cache only for calls in the same hour"),
    Invalid(BUILDER_HEAD + BUILDER.format(value="datetime.datetime.now().replace(second=0, microsecond=0)"), row=6,
            message="changes every minute"),
]
BUILDER_SILENT = [
    # the builder's run-time part is a date: one extra write a day
    BUILDER_HEAD + BUILDER.format(value="datetime.datetime.now():%Y-%m-%d"),
]

# The project's own clock, named for the time and formatted to the minute at the head of the
# system message: the current time, read on every request (an argument means a stored time).
ZONED = ("from openai import OpenAI\nfrom datetime import datetime\nfrom zoneinfo import ZoneInfo\n" + f"RULES = {RULES!r}\n"
         "def get_local_time():\n    return datetime.now(ZoneInfo('America/Cancun'))\n"
         "def parse_time(text):\n    return datetime.fromisoformat(text)\n"
         "def ask(q, booked):\n    return OpenAI().chat.completions.create(model='gpt-5.4', max_completion_tokens=300, messages=[\n"
         "        {{'role': 'system', 'content': f'Current time: {{{value}}}\\n{{RULES}}'}}, {{'role': 'user', 'content': q}}])\n")
FIRES.append(Invalid(ZONED.format(value="get_local_time():%d/%m/%Y %H:%M"), row=11,
                     message="`get_local_time():%d/%m/%Y %H:%M` changes every minute and sits at the start of the system prompt"))
SILENT.extend([ZONED.format(value="get_local_time():%d/%m/%Y"), ZONED.format(value="parse_time(booked):%H:%M")])

# A system text filled from a template, then grown under an `if` with the context of the
# moment (`prompt += f"...{now}"`) and sent with a Bedrock cache point after it: the grown
# text is what the breakpoint caches whenever the `if` holds.
GROWN = ("import boto3, datetime\nclient = boto3.client('bedrock-runtime')\n" + f"RULES = {RULES!r} + 'Shop: {{{{shop}}}}.'\n"
         "def answer(q, shop, notes):\n    prompt = RULES.format(shop=shop)\n    if notes:\n"
         "        prompt += f'\\n\\nContext:\\n{{{value}}}\\n{{notes}}'\n"
         "    return client.converse(modelId='anthropic.claude-3-5-haiku-20241022-v1:0', messages=[{{'role': 'user', 'content': [{{'text': q}}]}}],\n"
         "        system=[{{'text': {sent}}}, {{'cachePoint': {{'type': 'default'}}}}])\n")
FIRES.append(Invalid(GROWN.format(value="datetime.datetime.now().isoformat()", sent="prompt"), row=7,
                     message="`datetime.datetime.now().isoformat()` changes on every request and sits in the system prompt"))
SILENT.extend([
    # what is appended is a date, or text the linter cannot name
    GROWN.format(value="datetime.date.today()", sent="prompt"),
    GROWN.format(value="shop.upper()", sent="prompt"),
    # the text sent is read before the growth: only its head
    GROWN.format(value="datetime.datetime.now().isoformat()", sent="prompt").replace(
        "    if notes:\n", "    sent = prompt\n    if notes:\n").replace("'text': prompt}", "'text': sent}"),
])

# The context appended is a helper method's lines joined, the first the current time, one
# put behind it later (`parts.insert(1, ...)`): the clock still heads what is appended.
JOINED = ("import boto3, datetime\nclient = boto3.client('bedrock-runtime')\n" + f"RULES = {RULES!r}\n"
          "class Shop:\n    def context(self, seen):\n        parts = [f'Current time: {{{value}}}']\n"
          "        if seen:\n            parts.append(f'Seen: {{seen}}')\n            parts.insert({at}, 'Earlier:')\n"
          "        return '\\n'.join(parts)\n    def answer(self, q, seen):\n        context = self.context(seen)\n"
          "        prompt = RULES\n        if context:\n            prompt += f'\\n\\nContext:\\n{{context}}'\n"
          "        return client.converse(modelId='anthropic.claude-3-5-haiku-20241022-v1:0', messages=[{{'role': 'user', 'content': [{{'text': q}}]}}],\n"
          "            system=[{{'text': prompt}}, {{'cachePoint': {{'type': 'default'}}}}])\n")
FIRES.append(Invalid(JOINED.format(value="datetime.datetime.now().isoformat()", at=1), row=6,
                     message="`datetime.datetime.now().isoformat()` changes on every request and sits in the system prompt"))
SILENT.extend([
    # the first line a date; or an item put at the head (`insert(0, ...)`): the list is the run's
    JOINED.format(value="datetime.date.today()", at=1),
    JOINED.format(value="datetime.datetime.now().isoformat()", at=0),
])

# A prompt builder of another module returns the messages list it fills: the system message
# with the clock first, then the stored conversation appended turn by turn in a loop. The
# caller binds the list in a `try` after an empty one; whichever it sends opens with the clock.
LOOPED_PROMPT = ("import datetime\n" + f"RULES = {RULES!r}\n"
                 "def build_prompt(history):\n    now = datetime.datetime.now().strftime({fmt!r})\n"
                 "    messages = [{{'role': 'system', 'content': f'Current time: {{now}}\\n\\n{{RULES}}'}}]\n"
                 "    for turn in history:\n        messages.append(turn)\n{after}    return messages\n")
LOOPED_APP = ("from openai import OpenAI\nfrom bot.prompt import build_prompt\n"
              "def reply(history):\n    messages = []\n    try:\n        messages = build_prompt(history)\n"
              "    except ValueError:\n        return None\n"
              "    return OpenAI().chat.completions.create(model='gpt-5.4', max_completion_tokens=300, messages=messages)\n")
FIRES.append(Invalid({"bot/prompt.py": LOOPED_PROMPT.format(fmt="%H:%M", after=""), "bot/app.py": LOOPED_APP}, path="bot/prompt.py", row=4,
                     message="changes every minute and sits at the start of the system prompt, ahead of ~3,0"))
SILENT.extend([
    # a date: one new prefix a day
    {"bot/prompt.py": LOOPED_PROMPT.format(fmt="%Y-%m-%d", after=""), "bot/app.py": LOOPED_APP},
    # Claude with no breakpoint caches nothing: the clock busts nothing (CL002 asks for the breakpoint)
    {"bot/prompt.py": LOOPED_PROMPT.format(fmt="%H:%M", after=""), "bot/app.py": LOOPED_APP.replace("from openai import OpenAI", "import anthropic").replace(
        "OpenAI().chat.completions.create(model='gpt-5.4', max_completion_tokens=300, messages=messages)",
        "anthropic.Anthropic().messages.create(model='claude-sonnet-4-6', max_tokens=300, system=messages[0]['content'], messages=messages[1:])")},
    # the clock in a message appended after the conversation: what follows a loop's fill is the run's
    {"bot/prompt.py": LOOPED_PROMPT.format(fmt="%H:%M", after="    messages.append({'role': 'system', 'content': f'Now: {now}'})\n").replace(
        "f'Current time: {now}\\n\\n{RULES}'", "RULES"), "bot/app.py": LOOPED_APP},
])

# A factory of another module makes the object whose method writes the clock into the context
# (`self.manager = create_manager()`): the method is the class's, as for `Manager()` itself.
FACTORY = {
    "shop/context.py": "import datetime\nclass Manager:\n    def context(self, session):\n"
                       "        return f'Current time: {datetime.datetime.now().isoformat()}'\n"
                       "def create_manager():\n    return Manager()\n",
    "shop/handler.py": "import boto3\nfrom shop.context import create_manager\n" + f"RULES = {RULES!r}\n"
                       "class Handler:\n    def __init__(self):\n        self.manager = create_manager()\n"
                       "    def answer(self, q, session):\n        prompt = RULES + self.manager.context(session)\n"
                       "        return boto3.client('bedrock-runtime').converse(modelId='anthropic.claude-3-5-haiku-20241022-v1:0',\n"
                       "            messages=[{'role': 'user', 'content': [{'text': q}]}], system=[{'text': prompt}, {'cachePoint': {'type': 'default'}}])\n",
}
FIRES.append(Invalid(FACTORY, path="shop/context.py", row=4, message="`datetime.datetime.now().isoformat()` changes on every request and sits in the system prompt"))
SILENT.extend([
    # the factory's object writes the date; or the context comes after the cache point
    {**FACTORY, "shop/context.py": FACTORY["shop/context.py"].replace("datetime.datetime.now().isoformat()", "datetime.date.today()")},
    {**FACTORY, "shop/handler.py": FACTORY["shop/handler.py"].replace("prompt = RULES + self.manager.context(session)", "prompt = RULES").replace(
        "[{'text': q}]", "[{'text': self.manager.context(session) + q}]")},
])

# The context appended to the cached system text comes from a helper with several returns (a
# `try` and its `except`), defined on the handler's base class, which asks an object of another
# module made by a factory; that module's method, with returns of its own, opens with the clock.
SESSIONS = ("import datetime\nclass Sessions:\n    def context(self, session):\n        try:\n"
            "            lines = [f'Current time: {{{value}}}']\n            for item in session.get('seen', []):\n"
            "                lines.append(f'- {{item}}')\n            return '\\n'.join(lines)\n        except KeyError:\n"
            "            return 'No context.'\ndef open_sessions():\n    return Sessions()\n")
ORDERS = ("import boto3\nfrom shop.sessions import open_sessions\n" + f"RULES = {RULES!r}\n"
          "class Base:\n    def __init__(self):\n        self.sessions = open_sessions()\n"
          "    def extra(self, session):\n        try:\n            found = self.sessions.context(session)\n"
          "            return f'\\n\\n{found}' if found else ''\n        except Exception:\n            return ''\n"
          "class Orders(Base):\n    def answer(self, q, session):\n        prompt = RULES\n        extra = self.extra(session)\n"
          "        if extra:\n            prompt += f'\\n\\nContext:{extra}'\n"
          "        return boto3.client('bedrock-runtime').converse(modelId='anthropic.claude-3-5-haiku-20241022-v1:0',\n"
          "            messages=[{'role': 'user', 'content': [{'text': q}]}], system=[{'text': prompt}, {'cachePoint': {'type': 'default'}}])\n")
FIRES.append(Invalid({"shop/sessions.py": SESSIONS.format(value="datetime.datetime.now().isoformat()"), "shop/orders.py": ORDERS}, path="shop/sessions.py", row=5,
                     message="`datetime.datetime.now().isoformat()` changes on every request and sits in the system prompt before the last cache breakpoint"))
SILENT.extend([
    # the first line a date; or the context sent after the cache point, in the user turn
    {"shop/sessions.py": SESSIONS.format(value="datetime.date.today()"), "shop/orders.py": ORDERS},
    {"shop/sessions.py": SESSIONS.format(value="datetime.datetime.now().isoformat()"), "shop/orders.py": ORDERS.replace(
        "            prompt += f'\\n\\nContext:{extra}'\n", "            q += f'\\n\\nContext:{extra}'\n")},
])
