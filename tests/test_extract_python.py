"""Which calls are LLM calls, and how far values are followed."""
from __future__ import annotations

import pytest

from claude_lint.facts import Text

CREATE = 'model="claude-sonnet-4-6", max_tokens=9000, messages=[]'


def calls_in(project, source, **kw):
    return project(source, select=("CL001",), **kw)


@pytest.mark.parametrize(
    "source",
    [
        f"import anthropic\nanthropic.Anthropic().messages.create({CREATE})\n",
        f"import anthropic as a\nc = a.AsyncAnthropic()\nasync def f():\n    return await c.messages.create({CREATE})\n",
        f"from anthropic import Anthropic as A\nc = A()\nc.messages.create({CREATE})\n",
        f"from anthropic import AnthropicBedrock\nc = AnthropicBedrock(aws_region='us-east-1')\nc.messages.create({CREATE})\n",
        f"from anthropic import AnthropicVertex\nc = AnthropicVertex(region='x', project_id='p')\nc.beta.messages.create({CREATE})\n",
        f"import anthropic\nc = anthropic.Anthropic()\nwith c.messages.stream({CREATE}) as s:\n    pass\n",
        f"import anthropic\nc = anthropic.Anthropic()\nc.with_options(max_retries=5).messages.create({CREATE})\n",
        f"import anthropic\nc = anthropic.Anthropic()\nc.messages.with_raw_response.create({CREATE})\n",
        f"import anthropic\n\nclass Bot:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
        f"    def ask(self):\n        return self.client.messages.create({CREATE})\n",
        f"import anthropic\n\ndef ask(client: anthropic.Anthropic):\n    return client.messages.create({CREATE})\n",
        # a client passed in untyped: the model + max_tokens keywords prove the Anthropic shape
        f"import anthropic\n\ndef ask(client):\n    return client.messages.create({CREATE})\n",
        # a client imported from another module of the project
        f"from .llm import client\nclient.messages.create({CREATE})\n",
        "import anthropic\nc = anthropic.Anthropic()\nc.messages.batches.create(requests=[\n"
        f'    {{"custom_id": "a", "params": {{{CREATE.replace("=", ": ").replace("model", chr(34) + "model" + chr(34)).replace("max_tokens", chr(34) + "max_tokens" + chr(34)).replace("messages:", chr(34) + "messages" + chr(34) + ":")}}}}},\n])\n',
        # --- issue 14: clients reached indirectly, aliases, module clients ---
        # the openai module is itself a client (openai>=1.0); beta.chat.completions.parse likewise
        "import openai\nopenai.chat.completions.create(model='gpt-4o', max_completion_tokens=9000, messages=[])\n",
        "import openai\nopenai.beta.chat.completions.parse(model='gpt-4o', max_tokens=9000, messages=[])\n",
        # returned by a project factory
        f"import anthropic\n\ndef make_client(key):\n    return anthropic.Anthropic(api_key=key)\n\nmake_client('k').messages.create({CREATE})\n",
        f"from openai import OpenAI\n\nclass Svc:\n    def _new(self):\n        return OpenAI(base_url='https://openrouter.ai/api/v1')\n\n"
        f"    def __init__(self):\n        self.c = self._new()\n\n    def ask(self):\n        return self.c.responses.create(model='gpt-4o', input='x', max_output_tokens=9000)\n",
        # `client or Anthropic()` with an Optional annotation
        f"from typing import Optional\nfrom anthropic import Anthropic\n\nclass Agent:\n    def __init__(self, client: Optional[Anthropic] = None):\n"
        f"        self.client = client or Anthropic()\n\n    def run(self, **params):\n        return self.client.messages.stream({CREATE})\n",
        # a lazy property
        f"from anthropic import Anthropic\n\nclass Bot:\n    _c = None\n\n    @property\n    def client(self):\n        if self._c is None:\n"
        f"            self._c = Anthropic()\n        return self._c\n\n    def ask(self):\n        return self.client.messages.parse({CREATE})\n",
        # stored in a dict, in st.session_state
        f"from anthropic import Anthropic\nfrom openai import OpenAI\nCLIENTS = {{'claude': Anthropic(), 'gpt': OpenAI()}}\nCLIENTS['claude'].messages.stream({CREATE})\n",
        f"import streamlit as st\nfrom anthropic import Anthropic\nif 'client' not in st.session_state:\n    st.session_state.client = Anthropic()\n"
        f"st.session_state['client'].messages.stream({CREATE})\n",
        # wrapped
        f"import instructor\nfrom anthropic import Anthropic\nc = instructor.from_anthropic(Anthropic())\nc.messages.create(response_model=int, {CREATE})\n",
        # `with Client() as c`, and self seen from a function nested in a method
        f"import anthropic\nwith anthropic.Anthropic() as c:\n    c.messages.parse({CREATE})\n",
        f"import anthropic\n\nclass S:\n    def __init__(self, c: anthropic.Anthropic):\n        self.c = c\n\n    def run(self):\n"
        f"        def once():\n            return self.c.messages.stream({CREATE})\n        return once()\n",
        # aliases
        "from openai import OpenAI\ncreate = OpenAI().chat.completions.create\ncreate(model='gpt-4o', max_tokens=9000, messages=[])\n",
        f"import anthropic\nmessages = anthropic.Anthropic().messages\nmessages.stream({CREATE})\n",
        "import litellm\ncompletion = litellm.completion\ncompletion(model='claude-sonnet-4-6', max_tokens=9000, messages=[])\n",
        # distinctive chains prove the request on any receiver
        "def ask(client):\n    return client.chat.completions.create(model='gpt-4o', max_tokens=9000, messages=[])\n",
        "def ask(cog, params):\n    return cog.client.beta.messages.create(**params, max_tokens=9000, model='claude-sonnet-4-6')\n",
        # an untyped receiver proven by the keys of a `**params` dict of the file
        "def ask(client, m):\n    params = {'model': 'claude-sonnet-4-6', 'max_tokens': 9000, 'messages': m}\n"
        "    params['system'] = 'Be brief.'\n    return client.messages.create(**params)\n",
        # a method handed to asyncio.to_thread
        f"import asyncio, anthropic\nc = anthropic.Anthropic()\n\nasync def f():\n    return await asyncio.to_thread(c.messages.create, {CREATE})\n",
    ],
    ids=["constructor", "async-alias", "from-import-alias", "bedrock", "vertex-beta", "stream", "with-options",
         "raw-response", "self-attribute", "annotated-param", "untyped-param", "imported-client", "batch-request",
         "openai-module", "openai-module-beta", "factory", "factory-method", "or-optional", "property", "dict", "session-state",
         "instructor", "with-as", "nested-self", "alias-method", "alias-resource", "alias-function", "distinct-chain",
         "distinct-beta", "spread-proof", "to-thread"],
)
def test_recognised_call_shapes(project, source):
    result = calls_in(project, source)
    assert [d.code for d in result.diagnostics] == ["CL001"], source


@pytest.mark.parametrize(
    "source",
    [
        "import anthropic\nthread.messages.create(body='hi', max_tokens=9000)\n",  # Django-style: no model
        "from django.contrib import messages\nmessages.create(model='claude-sonnet-4-6', max_tokens=9000)\n",
        "import anthropic\nTokenizer().truncate(text, max_tokens=9000)\n",
        "import anthropic\nclass Thread:\n    messages = Manager()\nThread().messages.create(model_name='x', max_tokens=9000)\n",
        'X = "claude-opus-4-6 max_tokens=9000 messages.create"\nimport anthropic\n',
        # no model keyword: not the Anthropic shape
        "client.messages.create(max_tokens=9000, messages=[])\n",
        # a project's own class named Client, and a client-like object of the project
        "import anthropic\nfrom .api import Client\nClient().messages.create(body='x', max_tokens=9000)\n",
        "import anthropic\nclass Client:\n    pass\nClient().completions.create(model='claude-2', max_tokens_to_sample=9000)\n",
        # an alias of something else, and a name rebound to a non-client
        "import anthropic\nmessages = thread.messages\nmessages.create(body='x', max_tokens=9000)\n",
        "import anthropic\nc = anthropic.Anthropic()\nc = Tokenizer()\nc.completions.create(model='m', max_tokens=9000)\n",
        # a known client of another kind: Ollama's client has no Anthropic API
        "import ollama\nc = ollama.AsyncClient()\nc.messages.create(model='claude-sonnet-4-6', max_tokens=9000, messages=[])\n",
        # the spread's keys do not prove it
        "def ask(client):\n    params = {'body': 'x', 'max_tokens': 9000}\n    return client.messages.create(**params)\n",
        # asyncio.to_thread of something else
        "import asyncio\nasync def f(tok):\n    return await asyncio.to_thread(tok.truncate, model='m', max_tokens=9000)\n",
    ],
    ids=["django-thread", "django-messages-module", "tokenizer", "orm-manager", "string", "no-model", "project-client",
         "project-client-class", "alias-of-other", "rebound", "ollama-client", "spread-no-proof", "to-thread-other"],
)
def test_look_alikes_stay_silent(project, source):
    assert calls_in(project, source).diagnostics == []


def system_text(project, source, files=None):
    example = dict(files or {}, **{"main.py": source})
    result = project(example, select=("CL002",))
    call = result.calls[0]
    return call.value("system")


HEAD = "import anthropic\nc = anthropic.Anthropic()\n"


@pytest.mark.parametrize(
    "body, expected",
    [
        ('S = "You are " + "terse."\n', "You are terse."),
        ('S = ("You are "\n     "terse.")\n', "You are terse."),
        ('import textwrap\nS = textwrap.dedent("""\n    You are\n      terse.\n""")\n', "\nYou are\n  terse.\n"),
        ('S = "  You are terse.  ".strip()\n', "You are terse."),
        ('S = "\\n".join(["You are", "terse."])\n', "You are\nterse."),
        ('ROLE = "terse"\nS = f"You are {ROLE}."\n', "You are terse."),
        ('S = "You are {tone}.".format(tone=t)\n', "You are ."),
        ("class P:\n    S = 'You are terse.'\nS = P.S\n", "You are terse."),
        ('CONFIG = {"system": "You are terse."}\nS = CONFIG["system"]\n', "You are terse."),
        ('S = "You are NAME, be terse.".replace("NAME", "Ann")\n', "You are Ann, be terse."),
        ('T = "Rules first. {{request}} Then answer."\nS = T.replace("{{request}}", q)\n', "Rules first.  Then answer."),
    ],
    ids=["plus", "implicit-concat", "dedent", "strip", "join", "fstring-constant", "format", "class-attr", "dict-subscript",
         "replace-literal", "replace-placeholder"],
)
def test_text_folding(project, body, expected):
    value = system_text(project, HEAD + body + 'c.messages.create(model="m", max_tokens=1, system=S, messages=[])\n')
    assert isinstance(value, Text)
    assert value.literal == expected


def test_fstring_runtime_parts_are_dynamic(project):
    value = system_text(project, HEAD + 'def f(user):\n    return c.messages.create(model="m", max_tokens=1, system=f"Hi {user} at {now()}", messages=[])\n')
    assert value.literal == "Hi  at "
    assert [d.source for d in value.dynamic_parts] == ["user", "now()"]


def test_fstring_conversions_and_format_specs_keep_their_source(project):
    """A format spec tells a daily value (`%Y-%m-%d`) from a per-request one: it stays in the source."""
    value = system_text(project, HEAD + 'def f(user):\n    return c.messages.create(model="m", max_tokens=1, '
                                        'system=f"{user!r}: {now():%Y-%m-%d} {n:>{width}}", messages=[])\n')
    assert [d.source for d in value.dynamic_parts] == ["user", "now():%Y-%m-%d", "n:>{width}"]


def test_columns_count_characters_not_bytes(project):
    """Python's parser counts columns in UTF-8 bytes; editors, SARIF and fixes count characters."""
    line = "note = 'café, naïve'; r = c.messages.create(model='claude-sonnet-4-5', max_tokens=9000, messages=[])"
    result = project({"main.py": HEAD + line + "\n"}, select=("CL001",))
    [call] = result.calls
    assert (call.site.loc.row, call.site.loc.col) == (3, line.index("c.messages") + 1)
    assert call.site.loc.end_col == len(line) + 1
    limit = call.site.kwargs.key_locs[[k for k, _ in call.site.kwargs.key_locs].index("max_tokens")][1]
    assert (limit.col, limit.end_col) == (line.index("9000") + 1, line.index("9000") + 5)


@pytest.mark.parametrize(
    "read",
    [
        'open("prompts/s.txt").read()',
        'Path("prompts/s.txt").read_text()',
        '(Path(__file__).parent / "prompts" / "s.txt").read_text(encoding="utf-8")',
        'Path(__file__).with_name("prompts").joinpath("s.txt").read_text()',
        'open(os.path.join(os.path.dirname(__file__), "prompts", "s.txt")).read()',
    ],
)
def test_prompt_files_are_read(project, read):
    body = f"import os\nfrom pathlib import Path\nS = {read}\n"
    value = system_text(project, HEAD + body + 'c.messages.create(model="m", max_tokens=1, system=S, messages=[])\n',
                        {"prompts/s.txt": "You are terse."})
    assert isinstance(value, Text) and value.literal == "You are terse."


def test_with_open_read(project):
    body = 'with open("s.txt") as fh:\n    S = fh.read()\n'
    value = system_text(project, HEAD + body + 'c.messages.create(model="m", max_tokens=1, system=S, messages=[])\n', {"s.txt": "Be brief."})
    assert isinstance(value, Text) and value.literal == "Be brief."


def test_prompt_file_outside_the_root_is_not_read(project, tmp_path):
    outside = tmp_path.parent / "outside-secret.txt"
    outside.write_text("secret")
    body = f'S = open("../{outside.name}").read()\n'
    value = system_text(project, HEAD + body + 'c.messages.create(model="m", max_tokens=1, system=S, messages=[])\n')
    assert not isinstance(value, Text)


def test_a_placeholder_replaced_at_run_time_ends_the_fixed_head(project):
    value = system_text(project, HEAD + 'T = "Rules. {{q}} More rules."\ndef f(q):\n'
                                        '    return c.messages.create(model="m", max_tokens=1, system=T.replace("{{q}}", q), messages=[])\n')
    assert value.parts[0] == "Rules. " and value.dynamic_parts[0].source == "q"


def test_text_returned_by_a_function_of_another_module(project):
    files = {"prompts.py": 'RULES = "Be terse."\n\ndef build(user):\n    return f"{RULES} The user is {user}."\n'}
    value = system_text(project, HEAD + "from prompts import build\nc.messages.create(model='m', max_tokens=1, system=build(name), messages=[])\n", files)
    assert isinstance(value, Text) and value.literal == "Be terse. The user is ."


def test_constants_followed_across_modules(project):
    files = {
        "pkg/__init__.py": "from .limits import BIG\n",
        "pkg/limits.py": "BIG = 20000\n",
        "pkg/params.py": "from . import limits\nBASE = {'model': 'claude-sonnet-4-6', 'max_tokens': limits.BIG}\n",
        "main.py": "import anthropic\nfrom pkg.params import BASE\nc = anthropic.Anthropic()\n"
        "c.messages.create(**{**BASE, 'messages': []})\n",
    }
    result = project(files, select=("CL001",))
    assert [d.code for d in result.diagnostics] == ["CL001"]
    assert "max_tokens=20000" in result.diagnostics[0].message


def test_a_later_unknown_spread_makes_a_value_unknown(project):
    src = HEAD + "def f(extra):\n    return c.messages.create(model='claude-sonnet-4-6', max_tokens=9000, messages=[], **extra)\n"
    assert project(src, select=("CL001",)).diagnostics != []  # keyword after the spread wins
    src2 = HEAD + "def f(extra):\n    return c.messages.create(**{'max_tokens': 9000, **extra}, model='m', messages=[])\n"
    assert project(src2, select=("CL001",)).diagnostics == []


def test_reassigned_names_are_unknown(project):
    src = HEAD + "N = 9000\nif cond:\n    N = 100\nc.messages.create(model='claude-sonnet-4-6', max_tokens=N, messages=[])\n"
    assert project(src, select=("CL001",)).diagnostics == []


# --- values that move (issue 14, item 6) ---------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "    p = {'model': 'claude-sonnet-4-6', 'messages': m}\n    p['max_tokens'] = 9000\n",
        "    p = dict(model='claude-sonnet-4-6', messages=m)\n    p.update({'max_tokens': 9000})\n",
        "    p = {'model': 'claude-sonnet-4-6', 'messages': m}\n    p.update(max_tokens=9000)\n    p.setdefault('max_tokens', 10)\n",
        "    p = {'model': 'claude-sonnet-4-6', 'messages': m}\n    p.setdefault('max_tokens', 9000)\n",
        "    h, p = build(m)\n",
        "    p = build(m)[1]\n",
    ],
    ids=["set-item", "update-dict", "update-keywords", "setdefault", "unpacked-helper", "helper-subscript"],
)
def test_params_dict_changed_after_it_is_built(project, body):
    helper = "def build(m, limit=9000):\n    return {}, {'model': 'claude-sonnet-4-6', 'max_tokens': limit, 'messages': m}\n\n"
    src = HEAD + helper + "def ask(m):\n" + body + "    return c.messages.create(**p)\n"
    result = project(src, select=("CL001",))
    assert [d.code for d in result.diagnostics] == ["CL001"], body


@pytest.mark.parametrize(
    "body",
    [
        # removed: no longer the 9000 written above
        "    p = {'model': 'claude-sonnet-4-6', 'messages': m, 'max_tokens': 9000}\n    p.pop('max_tokens')\n",
        "    p = {'model': 'claude-sonnet-4-6', 'messages': m, 'max_tokens': 9000}\n    del p['max_tokens']\n",
        # set under a key not known statically
        "    p = {'model': 'claude-sonnet-4-6', 'messages': m, 'max_tokens': 9000}\n    p[key] = 10\n",
        # the caller's argument, not the helper's default
        "    h, p = build(m, limit=300)\n",
        "    h, p = build(m, *extra)\n",
    ],
    ids=["pop", "del", "unknown-key", "helper-argument", "helper-spread"],
)
def test_params_dict_changes_that_hide_the_value(project, body):
    helper = "def build(m, limit=9000):\n    return {}, {'model': 'claude-sonnet-4-6', 'max_tokens': limit, 'messages': m}\n\n"
    src = HEAD + helper + "def ask(m, key, extra):\n" + body + "    return c.messages.create(**p)\n"
    assert project(src, select=("CL001",)).diagnostics == [], body


def test_dataclass_defaults_and_arguments(project):
    src = (HEAD + "from dataclasses import dataclass\n\n@dataclass\nclass Settings:\n    model: str = 'claude-3-opus-20240229'\n    limit: int = 100\n\n"
           "def ask(m):\n    s = Settings()\n    return c.messages.create(model=s.model, max_tokens=s.limit, messages=m)\n\n"
           "def ask2(m):\n    s = Settings(model='claude-sonnet-4-6', limit=9000)\n    return c.messages.create(model=s.model, max_tokens=s.limit, messages=m)\n")
    result = project(src, select=("CL001", "CL007"))
    assert sorted((d.code, d.loc.row) for d in result.diagnostics) == [("CL001", 16), ("CL007", 7)]
    # CL007 lands where the ID is written (issue 15); the request it reaches is ask's, not ask2's
    [retired] = [d for d in result.diagnostics if d.code == "CL007"]
    assert {r.row for r in retired.related} == {12}


def test_a_plain_class_instance_is_not_read_as_a_dataclass(project):
    src = (HEAD + "class Settings:\n    model = 'claude-3-opus-20240229'\n    def __init__(self, model):\n        self.model = model\n\n"
           "def ask(m):\n    s = Settings('claude-sonnet-4-6')\n    return c.messages.create(model=s.model, max_tokens=100, messages=m)\n")
    assert project(src, select=("CL007",)).diagnostics == []


def _notebook(*cells):
    import json

    return json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_notebook_name_takes_the_value_bound_before_the_call(project):
    nb = _notebook("import anthropic\nc = anthropic.Anthropic()\nMODEL = 'claude-3-opus-20240229'",
                   "c.messages.create(model=MODEL, max_tokens=100, messages=[])",
                   "MODEL = 'claude-sonnet-4-6'",
                   "c.messages.create(model=MODEL, max_tokens=100, messages=[])")
    result = project({"nb.ipynb": nb}, select=("CL007",))
    # CL007 lands where the ID is written, cell 1 (issue 15); the request it reaches is cell 2's, not cell 4's
    assert [(d.code, d.loc.cell) for d in result.diagnostics] == [("CL007", 1)]
    assert {r.cell for r in result.diagnostics[0].related} == {2}


def test_a_script_name_bound_twice_stays_unknown(project):
    src = HEAD + "MODEL = 'claude-3-opus-20240229'\nMODEL = 'claude-sonnet-4-6'\nc.messages.create(model=MODEL, max_tokens=100, messages=[])\n"
    assert project(src, select=("CL007",)).diagnostics == []


@pytest.mark.parametrize(
    "build",
    [
        "reqs = [{'custom_id': str(i), 'params': {'model': 'claude-3-opus-20240229', 'max_tokens': 100, 'messages': [q]}} for i, q in enumerate(qs)]\n",
        "reqs = []\nfor i, q in enumerate(qs):\n    reqs.append({'custom_id': str(i), 'params': {'model': 'claude-3-opus-20240229', 'max_tokens': 100, 'messages': [q]}})\n",
    ],
    ids=["comprehension", "appended"],
)
def test_batch_params_built_at_run_time(project, build):
    result = project(HEAD + "qs = ['a', 'b']\n" + build + "c.messages.batches.create(requests=reqs)\n", select=("CL007",))
    assert [d.code for d in result.diagnostics] == ["CL007"]
    [call] = result.calls
    assert call.site.api == "messages.batches.create" and call.site.loc.row == len((HEAD + build).splitlines()) + 2


def test_batch_of_unseen_requests_is_one_site(project):
    result = project(HEAD + "def submit(reqs):\n    return c.messages.batches.create(requests=reqs)\n", select=("CL001",))
    [call] = result.calls
    assert call.open and call.site.api == "messages.batches.create"


# --- issue 15: where a request goes, and what a template's fields hold ---

@pytest.mark.parametrize(
    "source, gateway",
    [
        ("from openai import OpenAI\nc = OpenAI(base_url='https://openrouter.ai/api/v1')\nc.chat.completions.create(model='gpt-4o', messages=[])\n", "OpenRouter"),
        ("import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.getenv('TOGETHER_BASE_URL'))\nc.chat.completions.create(model='m', messages=[])\n", "Together AI"),
        ("from groq import Groq\nGroq().chat.completions.create(model='llama3-8b-8192', messages=[])\n", "Groq"),
        ("import httpx\nhttpx.post('https://api.groq.com/openai/v1/chat/completions', json={'model': 'm', 'messages': []})\n", "Groq"),
        # the host written decides, whatever the code around it is called
        ("import httpx\ndef openrouter_fallback(m):\n    return httpx.post('https://api.openai.com/v1/chat/completions', json={'model': m, 'messages': []})\n", None),
        ("from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o', messages=[])\n", None),
        ("from openai import OpenAI\nc = OpenAI(base_url='http://litellm-proxy:4000')\nc.chat.completions.create(model='gpt-4o', messages=[])\n", None),
    ],
)
def test_gateway_of_a_request(project, source, gateway):
    [call] = project(source, select=("CL010",)).calls
    assert call.site.gateway == gateway


def test_format_keywords_fill_their_fields(project):
    source = ("import anthropic, datetime\nc = anthropic.Anthropic()\nT = 'At {now}, as {who}: {rest}'\n"
              "c.messages.create(model='claude-sonnet-4-6', max_tokens=10, messages=[], system=T.format(now=datetime.date.today(), who=name))\n")
    [call] = project(source, select=("CL006",)).calls
    system = call.value("system")
    assert isinstance(system, Text) and system.literal == "At , as : "
    assert [p.source for p in system.dynamic_parts] == ["datetime.date.today()", "name", "{rest}"]
    assert system.dynamic_parts[0].loc.row == 4


def test_hasattr_fallback_is_no_option(project):
    source = ("import anthropic\nc = anthropic.Anthropic()\nclass B:\n    def ask(self):\n"
              "        return c.messages.create(model=self.model if hasattr(self, 'model') else 'claude-3-opus-20240229', max_tokens=9, messages=[])\n")
    [call] = project(source, select=("CL007",)).calls
    assert "claude-3-opus-20240229" not in repr(call.value("model"))
