"""Wrapper calls the blind sets showed unreached (issue 14, session 12): a call through an
attribute annotated with an abstract base whose implementation sits in another package.
Each is shown recognised, and its look-alikes silent."""
from __future__ import annotations

import os

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> the line of the request it reaches (None: the request itself)."""
    return {(r["filename"], r["line"]): (r["via"] or {}).get("line") for r in report_routes(cli, tmp_path, example)}


HEAD_ANTHROPIC = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
BASE = "from abc import ABC, abstractmethod\n\n\nclass Responder(ABC):\n    @abstractmethod\n    def respond(self, messages):\n        ...\n"
GEMINI = (
    "from google import genai\nfrom contracts.base import Responder\n\n\nclass GeminiResponder(Responder):\n"
    "    def __init__(self):\n        self.client = genai.Client()\n\n"
    "    def respond(self, messages):\n"
    "        return self.client.models.generate_content(model='gemini-2.5-flash', contents=messages).text\n"
)
REPORTS = (
    "from contracts.base import Responder\n\n\nclass Reporter:\n    def __init__(self, responder: Responder):\n"
    "        self.responder = responder\n\n    def digest(self, notes):\n        return self.responder.respond([notes])\n"
)
MAIN = "from engines.gemini import GeminiResponder\nfrom services.reports import Reporter\n\nprint(Reporter(GeminiResponder()).digest('q3 notes'))\n"
# Another abstract base of another package, a method of the same name, no request behind it.
STORE_BASE = "from abc import ABC, abstractmethod\n\n\nclass Store(ABC):\n    @abstractmethod\n    def respond(self, key):\n        ...\n"
STORE_USER = (
    "from stores.base import Store\n\n\nclass Cache:\n    def __init__(self, store: Store):\n        self.store = store\n\n"
    "    def get(self, key):\n        return self.store.respond(key)\n"
)


def test_a_call_through_an_abstract_base_of_another_package_reaches_the_implementation(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "contracts/__init__.py": "", "contracts/base.py": BASE,
        "engines/__init__.py": "", "engines/gemini.py": GEMINI,
        "services/__init__.py": "", "services/reports.py": REPORTS,
        "stores/__init__.py": "", "stores/base.py": STORE_BASE, "stores/cache.py": STORE_USER,
        "main.py": MAIN,
    })
    request = line_of(GEMINI, "generate_content")
    assert found == {
        (os.path.join("engines", "gemini.py"), request): None,
        (os.path.join("services", "reports.py"), line_of(REPORTS, ".respond(")): request,
        ("main.py", line_of(MAIN, "digest(")): request,
    }


CHAINS = (
    "from langchain.chains import LLMChain, create_tagging_chain_pydantic\n"
    "from langchain.prompts import ChatPromptTemplate\n"
    "from langchain_openai import AzureChatOpenAI, AzureOpenAI\n"
    "from llama_index.llms.openrouter import OpenRouter\n"
    "from pydantic import BaseModel\n\n"
    "writer = AzureOpenAI(deployment_name='w', model_name='gpt-35-turbo', max_tokens=400)\n"
    "tagger = AzureChatOpenAI(azure_deployment='t', model='gpt-4o-mini')\n\n\n"
    "class Ticket(BaseModel):\n    product: str\n\n\n"
    "def follow_up(missing):\n"
    "    chain = LLMChain(llm=writer, prompt=ChatPromptTemplate.from_template('Ask for one of {missing}'))\n"
    "    return chain.run(missing=missing)\n\n\n"
    "def label(text):\n    return create_tagging_chain_pydantic(Ticket, tagger).invoke({'input': text})\n\n\n"
    "def make_router():\n    return OpenRouter(model='openai/gpt-4o-mini', max_tokens=200)\n\n\n"
    "def rank(question, passages):\n    llm = make_router()\n    return llm.chat([question, *passages])\n\n\n"
    "def schema_only(text):\n    return LLMChain(llm=Ticket, prompt=None).invoke({'x': text})\n\n\n"
    "while True:\n    said = input('> ')\n    label(said)\n    follow_up(['product'])\n    rank(said, [])\n    schema_only(said)\n"
)


def test_a_chain_built_in_a_function_over_a_kept_model_and_a_llamaindex_chat(cli, tmp_path):
    """LangChain chains made inside a function over a module-level model (by keyword or by
    position), a LlamaIndex LLM from a factory asked with `.chat`: each call of the function is
    a request; a chain over something that is no model is none."""
    found = _routes(cli, tmp_path, {"bot.py": CHAINS})
    assert found == {
        ("bot.py", line_of(CHAINS, "writer = ")): None,
        ("bot.py", line_of(CHAINS, "tagger = ")): None,
        ("bot.py", line_of(CHAINS, "return OpenRouter(")): None,
        ("bot.py", line_of(CHAINS, "    label(said)")): line_of(CHAINS, "tagger = "),
        ("bot.py", line_of(CHAINS, "    follow_up(")): line_of(CHAINS, "writer = "),
        ("bot.py", line_of(CHAINS, "    rank(said")): line_of(CHAINS, "return OpenRouter("),
    }


AGENTS = (
    "import os\n\nfrom agents import Agent as OpenAIAgent\n"
    "from agents.extensions.models.litellm_model import LitellmModel\n"
    "from strands import Agent\nfrom strands.models import BedrockModel\nfrom strands_tools import http_request\n\n"
    "HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0'\n\n\n"
    "def triage(claim):\n"
    "    agent = Agent(tools=[http_request], model='anthropic.claude-3-haiku-20240307-v1:0', system_prompt='Triage claims.')\n"
    "    return agent(f'Claim: {claim}')\n\n\n"
    "by_constant = Agent(HAIKU)\nby_env = Agent(model=os.environ['AGENT_MODEL'])\n"
    "nova = BedrockModel(model_id='us.amazon.nova-lite-v1:0', max_tokens=800)\n"
    "over_object = Agent(model=nova)\n"
    "proxy = LitellmModel(model='anthropic/claude-haiku-4-5', api_key='k')\n"
    "over_proxy = OpenAIAgent(name='p', instructions='Be brief.', model=proxy)\n\n"
    "while True:\n    print(triage(input('> ')))\n"
)


def test_an_agent_is_a_request_when_its_model_is_an_id_not_a_model_object(cli, tmp_path):
    """A Strands Agent built with a model ID (literal, constant, environment) sends its own
    requests, and a function that builds and runs one is a wrapper; an Agent (Strands or
    OpenAI Agents) over a model object runs that object's requests, whose site it is."""
    found = report_routes(cli, tmp_path, {"claims.py": AGENTS})
    at = sorted((r["line"], r["api"], r["model"], (r["via"] or {}).get("line")) for r in found)
    request = line_of(AGENTS, "    agent = Agent(")
    assert at == [
        (request, "Agent (Strands)", "claude-3-haiku-20240307", None),
        (line_of(AGENTS, "by_constant"), "Agent (Strands)", "claude-3-haiku-20240307", None),
        (line_of(AGENTS, "by_env"), "Agent (Strands)", "?", None),
        (line_of(AGENTS, "nova = "), "BedrockModel (Strands)", "us.amazon.nova-lite-v1:0", None),
        (line_of(AGENTS, "proxy = "), "LitellmModel (OpenAI Agents)", "claude-haiku-4-5-20251001", None),
        (line_of(AGENTS, "print(triage("), "Agent (Strands)", "claude-3-haiku-20240307", request),
    ]


GENERATE = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
    "def draft(prompt, case):\n"
    "    return client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': prompt + case}])\n"
)
LOOPS = (
    "def each_case(draft, prompt, cases):\n    return [draft(prompt, case) for case in cases]\n\n\n"
    "def run_suite(prompt, cases, draft):\n    return each_case(draft, prompt, cases)\n"
)
RUNNER = "from evals.loops import *\n\nfrom evals.gen import draft\n\nrun_suite('Reply:', ['a', 'b'], draft=draft)\n"
# A callback registered by keyword runs on an event, if ever: no request at registration.
EVENTS = (
    "import streamlit as st\nfrom fastapi import APIRouter\n\nfrom evals.gen import draft\n\nrouter = APIRouter()\n"
    "router.add_api_route('/draft', endpoint=draft)\nst.button('Draft', on_click=draft, args=('Reply:', 'a'))\n"
)


def test_a_request_function_handed_on_by_keyword_through_a_star_import(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "evals/__init__.py": "", "evals/gen.py": GENERATE, "evals/loops.py": LOOPS, "evals/main.py": RUNNER, "evals/ui.py": EVENTS,
    })
    request = line_of(GENERATE, "client.messages.create")
    assert found == {
        (os.path.join("evals", "gen.py"), request): None,
        (os.path.join("evals", "main.py"), line_of(RUNNER, "run_suite(")): request,
    }


BUILT_AGENTS = (
    "from langchain.agents import create_agent\nfrom langchain_anthropic import ChatAnthropic\n"
    "from langchain_openai import ChatOpenAI\nfrom langgraph.prebuilt import create_react_agent\n\n"
    "planner = create_react_agent(ChatOpenAI(model='gpt-4o-mini', max_tokens=400), tools=[])\n\n\n"
    "class Helpdesk:\n    def __init__(self, kb):\n        self.kb = kb\n"
    "        self.agent = create_agent(model=ChatAnthropic(model='claude-sonnet-4-5', max_tokens=1024), tools=[])\n\n"
    "    async def reply(self, messages):\n        return (await self.agent.ainvoke({'messages': messages}))['messages']\n\n"
    "    def tools(self):\n        return self.agent.get_graph()\n\n\n"
    "def plan(goal):\n    return planner.invoke({'messages': [('user', goal)]})\n\n\n"
    "async def main():\n    desk = Helpdesk(None)\n    await desk.reply([{'role': 'user', 'content': 'hi'}])\n    desk.tools()\n    plan('ship')\n"
)


def test_an_agent_built_by_langchain_over_a_model_made_in_place(cli, tmp_path):
    """`create_agent(model=ChatAnthropic(...))` kept on the object, `create_react_agent(ChatOpenAI(...))`
    at module level: invoking the agent sends the model's requests; reading its graph sends none."""
    found = _routes(cli, tmp_path, {"desk.py": BUILT_AGENTS})
    planner, desk = line_of(BUILT_AGENTS, "planner = "), line_of(BUILT_AGENTS, "self.agent = ")
    assert found == {
        ("desk.py", planner): None, ("desk.py", desk): None,
        ("desk.py", line_of(BUILT_AGENTS, "await desk.reply(")): desk,
        ("desk.py", line_of(BUILT_AGENTS, "plan('ship')")): planner,
    }


REGISTRY = (
    "import anthropic\nimport openai\n\n\n"
    "def chunk_claude(text, system):\n"
    "    return anthropic.Anthropic().messages.create(model='claude-haiku-4-5', max_tokens=800, system=system, messages=[{'role': 'user', 'content': text}])\n\n\n"
    "def chunk_gpt(text, system):\n"
    "    return openai.OpenAI().chat.completions.create(model='gpt-4o-mini', max_completion_tokens=800, messages=[{'role': 'user', 'content': system + text}])\n\n\n"
    "def word_count(text, system):\n    return len(text.split())\n\n\n"
    "BACKENDS = {'claude': {'func': chunk_claude, 'window': 200000}, 'gpt': {'func': chunk_gpt, 'window': 128000}}\n"
    "METRICS = {'words': {'func': word_count}}\n\n\n"
    "def summarize(text, backend='claude'):\n    chosen = BACKENDS[backend]\n    func = chosen['func']\n"
    "    return [func(part, 'Summarize.') for part in text.split('\\n\\n')]\n\n\n"
    "def measure(text, metric='words'):\n    row = METRICS[metric]\n    count = row['func']\n    return count(text, '')\n\n\n"
    "summarize(open('talk.txt').read())\nmeasure('a b')\n"
)


ALIASED = (
    "from backends import chunk_claude as summarize_with_claude\n\n"
    "PICK = {'claude': {'func': summarize_with_claude}}\n\n\n"
    "def summarize(text, key='claude'):\n    entry = PICK[key]\n    func = entry['func']\n    return func(text, 'Summarize.')\n"
)


def test_a_function_picked_from_an_entry_of_a_registry_named_first(cli, tmp_path):
    """`chosen = BACKENDS[key]` then `func = chosen["func"]`: any function of that field of the
    registry's entries, here or imported under another name; a registry of functions that make
    no request is no wrapper."""
    found = _routes(cli, tmp_path, {"summ.py": REGISTRY, "backends.py": REGISTRY, "pick.py": ALIASED})
    claude, gpt = line_of(REGISTRY, "anthropic.Anthropic().messages"), line_of(REGISTRY, "openai.OpenAI().chat")
    assert set(found) == {("summ.py", claude), ("summ.py", gpt), ("summ.py", line_of(REGISTRY, "return [func(")),
                          ("summ.py", line_of(REGISTRY, "summarize(open(")), ("backends.py", claude), ("backends.py", gpt),
                          ("backends.py", line_of(REGISTRY, "return [func(")), ("backends.py", line_of(REGISTRY, "summarize(open(")),
                          ("pick.py", line_of(ALIASED, "return func("))}


PROXY = (
    "import json\n\nimport requests\n\nfrom settings import Gateway\n\n\n"
    "def send(messages, system, params, model_id):\n"
    "    params['system'] = system\n    params['messages'] = messages\n    params['model'] = model_id\n"
    "    body = json.dumps(params)\n    reply = requests.post(Gateway.url, headers={'Content-Type': 'application/json'}, data=body, timeout=60)\n"
    "    return reply.json()\n\n\n"
    "def log_event(event, fields):\n    fields['event'] = event\n    return requests.post(Gateway.audit_url, json=fields, timeout=5)\n"
)
SETTINGS = "import os\n\n\nclass Gateway:\n    url = os.environ['GATEWAY_URL']\n    audit_url = os.environ['AUDIT_URL']\n"
TOOLS = (
    "from gateway import send, log_event\n\nPARAMS = {'max_tokens': 2048, 'temperature': 0.3}\n\n\n"
    "def translate(text):\n    return send([{'role': 'user', 'content': text}], 'Translate to French.', PARAMS, 'claude-sonnet-4-5')\n\n\n"
    "log_event('start', {'user': 'u1'})\n"
)


def test_a_post_whose_body_is_a_dict_handed_in_and_filled_with_a_chat_request(cli, tmp_path):
    """A helper that sets `messages` and `model` on a dict its caller hands in and POSTs it to a
    URL read elsewhere is a chat request, each call a wrapper call with the caller's values;
    a POST of a dict filled with other keys is none."""
    found = report_routes(cli, tmp_path, {"settings.py": SETTINGS, "gateway.py": PROXY, "tools.py": TOOLS})
    post = line_of(PROXY, "requests.post(Gateway.url")
    assert sorted((r["filename"], r["line"], r["model"], r["output_limit"], (r["via"] or {}).get("line")) for r in found) == [
        ("gateway.py", post, "?", None, None),
        ("tools.py", line_of(TOOLS, "return send("), "claude-sonnet-4-5-20250929", 2048, post),
    ]


AGENT_RUNNER = (
    "import asyncio\n\nfrom agents import Agent, Runner\nfrom agents.extensions.models.litellm_model import LitellmModel\n\n\n"
    "class Rewriter:\n    def __init__(self, api_key):\n"
    "        self.llm = LitellmModel(model='anthropic/claude-haiku-4-5', api_key=api_key)\n"
    "        self.agent = Agent(name='rewrite', instructions='Rewrite the query.', model=self.llm)\n\n"
    "    async def rewrite(self, query):\n        return (await Runner.run(self.agent, query)).final_output\n\n"
    "    def describe(self, query):\n        return Runner.describe(self.agent, query)\n\n\n"
    "rewriter = Rewriter('k')\nprint(asyncio.run(rewriter.rewrite('what about AI?')))\nrewriter.describe('x')\n"
)


def test_an_openai_agent_over_a_kept_model_object_run_by_the_runner(cli, tmp_path):
    """`Runner.run(self.agent, query)` over an Agent built on a LitellmModel kept on the object:
    the method is a wrapper of the model object's requests; another Runner method is not a run."""
    found = _routes(cli, tmp_path, {"rewrite.py": AGENT_RUNNER})
    model = line_of(AGENT_RUNNER, "self.llm = ")
    assert found == {("rewrite.py", model): None, ("rewrite.py", line_of(AGENT_RUNNER, "asyncio.run(")): model}


def test_a_wrapper_of_a_package_imported_from_the_package_itself(cli, tmp_path):
    """`from . import ask` in a module of the package whose `__init__.py` defines `ask`."""
    init = HEAD_ANTHROPIC + "def ask(text, max_tokens=300):\n    return client.messages.create(model='claude-haiku-4-5', max_tokens=max_tokens, messages=[{'role': 'user', 'content': text}])\n"
    tools = "from . import ask\n\n\ndef translate(text):\n    return ask('Translate: ' + text, max_tokens=600)\n\n\ntranslate('bonjour')\n"
    found = _routes(cli, tmp_path, {"ui/__init__.py": "", "ui/llm/__init__.py": init, "ui/llm/text.py": tools})
    request = line_of(init, "client.messages.create")
    assert found == {
        (os.path.join("ui", "llm", "__init__.py"), request): None,
        (os.path.join("ui", "llm", "text.py"), line_of(tools, "return ask(")): request,
        (os.path.join("ui", "llm", "text.py"), line_of(tools, "translate('bonjour')")): request,
    }
