"""Request shapes the ninth blind set missed (eval/realworld/misses-blind9.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes, routes_by_place


# --- a request-making function handed by name to a framework that calls it later -----------------

BOT = (
    "import openai\n"
    "from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, Updater, filters\n\n"
    "messages = [{'role': 'system', 'content': 'You are a helpful bot.'}]\n\n\n"
    "def text_message(update, context, model='gpt-4o-mini'):\n"
    "    messages.append({'role': 'user', 'content': update.message.text})\n"
    "    r = openai.ChatCompletion.create(model=model, messages=messages, max_tokens=300)\n"
    "    update.message.reply_text(r['choices'][0]['message']['content'])\n\n\n"
    "def start(update, context):\n"
    "    update.message.reply_text('hi')\n\n\n"
    "def main():\n"
    "    updater = Updater('token')\n"
    "    updater.dispatcher.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text_message))\n"
    "    updater.dispatcher.add_handler(CommandHandler('ask', callback=text_message))\n"
    "    updater.dispatcher.add_handler(CommandHandler('start', start))\n"
    "    conv = ConversationHandler(entry_points=[CommandHandler('start', start)],\n"
    "                               states={1: [MessageHandler(filters.TEXT, text_message)]}, fallbacks=[])\n"
    "    updater.dispatcher.add_handler(conv)\n"
    "    updater.start_polling()\n\n\n"
    "if __name__ == '__main__':\n"
    "    main()\n"
)


def test_a_handler_registered_by_name_is_a_site_reached_through_it(cli, tmp_path):
    """`MessageHandler(filters, text_message)` keeps the function and the bot calls it on every
    message: the registration (positional, `callback=`, or a conversation state's) is a route
    through the handler's request, with the model the handler's request sends (its default:
    the framework passes `update` and `context`, not the model)."""
    found = routes_by_place(cli, tmp_path, {"bot.py": BOT})
    request = line_of(BOT, "openai.ChatCompletion.create(")
    for needle in ("MessageHandler(filters.TEXT & ~", "callback=text_message", "states={1: [MessageHandler("):
        assert found[("bot.py", line_of(BOT, needle))] == ("ChatCompletion.create (openai<1.0)", request, "gpt-4o-mini"), needle


def test_registering_a_handler_makes_no_request_of_its_own(cli, tmp_path):
    """A handler that makes no request is no site; and the function that registers (main)
    makes no request by registering, so its own call is no site either."""
    found = routes_by_place(cli, tmp_path, {"bot.py": BOT})
    assert ("bot.py", line_of(BOT, "CommandHandler('start', start))")) not in found
    assert ("bot.py", line_of(BOT, "    main()")) not in found


LOOKS = (
    "import inspect\n"
    "from anthropic import Anthropic\n"
    "from fasthtml.common import Form\n"
    "from typing import TypeVar\n\n"
    "client = Anthropic()\n\n\n"
    "def ask(question):\n"
    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=512, messages=[{'role': 'user', 'content': question}])\n\n\n"
    "HANDLERS = {'ask': ask}\n"
    "signature = inspect.signature(ask)\n"
    "usable = callable(ask)\n"
    "page = Form(hx_post=ask, hx_target='#out')\n"
    "T = TypeVar('T', bound=ask)\n"
)


def test_a_function_only_named_stored_or_looked_at_is_no_site(cli, tmp_path):
    """A reference kept in a dict, one a call only inspects (`inspect.signature`, `callable`),
    a keyword that only names the function (FastHTML's `hx_post=` writes its route's path into
    the page) and a class that reads it as a type (`TypeVar(bound=...)`) call nothing."""
    found = routes_by_place(cli, tmp_path, {"app.py": LOOKS})
    assert set(found) == {("app.py", line_of(LOOKS, "client.messages.create("))}


MAPPED = (
    "from concurrent.futures import ThreadPoolExecutor\n"
    "from anthropic import Anthropic\n\n"
    "client = Anthropic()\n\n\n"
    "def summarise(text):\n"
    "    return client.messages.create(model='claude-haiku-4-5', max_tokens=256, messages=[{'role': 'user', 'content': text}])\n\n\n"
    "def run(texts):\n"
    "    done = list(map(summarise, texts))\n"
    "    with ThreadPoolExecutor() as pool:\n"
    "        done += list(pool.map(summarise, texts))\n"
    "    return done\n"
)


def test_a_function_handed_to_map_is_still_called_there(cli, tmp_path):
    """`map(f, xs)` and a pool's `map` run the function on each item now: sites as before."""
    found = routes_by_place(cli, tmp_path, {"jobs.py": MAPPED})
    request = line_of(MAPPED, "client.messages.create(")
    assert found[("jobs.py", line_of(MAPPED, "list(map(summarise"))][1] == request
    assert found[("jobs.py", line_of(MAPPED, "pool.map(summarise"))][1] == request


GRAPH = (
    "from langchain_openai import ChatOpenAI\n"
    "from langgraph.graph import StateGraph, END\n\n"
    "model = ChatOpenAI(model='gpt-4o-mini', max_tokens=800)\n"
    "graph = None\n"
    "llm = None\n\n\n"
    "async def answer(state):\n"
    "    response = await llm.ainvoke(state['messages'])\n"
    "    return {'messages': [response]}\n\n\n"
    "async def chat_loop():\n"
    "    state = {'messages': []}\n"
    "    while True:\n"
    "        state['messages'] = state['messages'] + [input('> ')]\n"
    "        state = await graph.ainvoke(state)\n\n\n"
    "async def main():\n"
    "    global graph, llm\n"
    "    llm = model.bind_tools([])\n"
    "    builder = StateGraph(dict)\n"
    "    builder.add_node('answer', answer)\n"
    "    builder.add_edge('answer', END)\n"
    "    builder.set_entry_point('answer')\n"
    "    graph = builder.compile()\n"
    "    await chat_loop()\n"
)


def test_a_graph_and_a_model_kept_in_module_globals_set_by_the_function_that_builds_them(cli, tmp_path):
    """`graph = None` and `llm = None` at module level, set by `main()` through `global`: the
    node invoking `llm` makes the model's request, the node's registration (`add_node`) is a
    site, and so is the REPL's run of the graph, with the model's values."""
    found = routes_by_place(cli, tmp_path, {"agent.py": GRAPH})
    model = line_of(GRAPH, "model = ChatOpenAI(")
    for needle in ("builder.add_node('answer', answer)", "state = await graph.ainvoke(state)", "    await chat_loop()"):
        assert found[("agent.py", line_of(GRAPH, needle))][1:] == (model, "gpt-4o-mini"), needle


def test_a_global_set_to_two_different_models_is_neither(cli, tmp_path):
    """A placeholder global set to two different models by two functions is not one kept model."""
    two = GRAPH.replace("model = ChatOpenAI(model='gpt-4o-mini', max_tokens=800)\n",
                        "model = ChatOpenAI(model='gpt-4o-mini', max_tokens=800)\nother = ChatOpenAI(model='gpt-4o', max_tokens=800)\n")
    two += "\n\ndef rebuild():\n    global llm\n    llm = other.bind_tools([])\n"
    found = routes_by_place(cli, tmp_path, {"agent.py": two})
    assert ("agent.py", line_of(two, "builder.add_node('answer', answer)")) not in found


KEPT_GRAPH = (
    "import asyncio\n"
    "from langchain_openai import ChatOpenAI\n"
    "from langgraph.graph import StateGraph, END\n\n"
    "model = ChatOpenAI(model='gpt-4o-mini', max_tokens=800)\n\n\n"
    "def answer(state):\n"
    "    return {'messages': [model.invoke(state['messages'])]}\n\n\n"
    "async def create_graph():\n"
    "    builder = StateGraph(dict)\n"
    "    builder.add_node('answer', answer)\n"
    "    builder.set_entry_point('answer')\n"
    "    return builder.compile()\n"
)
KEPT_SERVER = (
    "from graph import create_graph\n\n\n"
    "class Wrapper:\n"
    "    def __init__(self):\n"
    "        self.graph = None\n\n"
    "    async def ready(self):\n"
    "        if self.graph is None:\n"
    "            self.graph = await create_graph()\n\n"
    "    async def run(self, query):\n"
    "        await self.ready()\n"
    "        return await self.graph.ainvoke({'messages': [query]})\n"
)


def test_a_graph_kept_on_the_object_once_a_factory_built_it(cli, tmp_path):
    """`self.graph = None` until `self.graph = await create_graph()`: the run of it runs the
    nodes another module's factory compiled (the `None` is a placeholder, not a second value)."""
    found = routes_by_place(cli, tmp_path, {"graph.py": KEPT_GRAPH, "server.py": KEPT_SERVER})
    assert found[("server.py", line_of(KEPT_SERVER, "self.graph.ainvoke("))][1:] == (line_of(KEPT_GRAPH, "model = ChatOpenAI("), "gpt-4o-mini")
    assert found[("graph.py", line_of(KEPT_GRAPH, "builder.add_node('answer', answer)"))][1] == line_of(KEPT_GRAPH, "model = ChatOpenAI(")


# --- Google ADK agents --------------------------------------------------------------------------

ADK = (
    "from google.adk.agents import LlmAgent, Agent\n"
    "from google.adk.models.lite_llm import LiteLlm\n"
    "from google.genai import types\n\n"
    "writer = LlmAgent(model='gemini-2.0-flash', name='writer', instruction='Write SQL.')\n"
    "capped = Agent(model='gemini-2.5-pro', name='capped',\n"
    "               generate_content_config=types.GenerateContentConfig(max_output_tokens=1024))\n"
    "claude = LlmAgent(model=LiteLlm(model='anthropic/claude-sonnet-4-6'), name='claude')\n"
)


def test_an_adk_agent_with_a_model_id_is_a_request_site_with_its_values(cli, tmp_path):
    """google-adk's `LlmAgent` / `Agent` make their own requests with the model ID they are
    given; the output limit is `generate_content_config`'s `max_output_tokens`. Over a
    `LiteLlm` model object, the object is the site (once, not the agent again)."""
    routes = report_routes(cli, tmp_path, {"agent.py": ADK})
    by_line = {r["line"]: r for r in routes}
    assert by_line[line_of(ADK, "writer = LlmAgent(")]["model"] == "gemini-2.0-flash"
    capped = by_line[line_of(ADK, "capped = Agent(")]
    assert (capped["model"], capped["output_limit"]) == ("gemini-2.5-pro", 1024)
    assert by_line[line_of(ADK, "claude = LlmAgent(")]["api"] == "LiteLlm (Google ADK)"
    assert len(routes) == 3


def test_another_frameworks_agent_class_is_no_adk_agent(cli, tmp_path):
    """An `Agent` of the project's own (or of a library we do not know) is no request."""
    mine = "class Agent:\n    def __init__(self, model, name):\n        self.model = model\n\n\nhelper = Agent(model='gemini-2.0-flash', name='x')\n"
    assert not report_routes(cli, tmp_path, {"agent.py": mine})


# --- a graph built by a method over nodes that invoke a model the object's own method returns ------

ANALYZER = (
    "from langchain_openai import ChatOpenAI\n"
    "from langgraph.graph import StateGraph, END\n\n\n"
    "class Analyzer:\n"
    "    def llm(self):\n"
    "        return ChatOpenAI(model='gpt-4o-mini', max_tokens=500)\n\n"
    "    def classify(self, state):\n"
    "        return {'label': self.llm().invoke(f\"Classify: {state['text']}\").content}\n\n"
    "    def tidy(self, state):\n"
    "        return {'text': state['text'].strip()}\n\n"
    "    def build(self):\n"
    "        flow = StateGraph(dict)\n"
    "        flow.add_node('classify', self.classify)\n"
    "        flow.add_node('tidy', self.tidy)\n"
    "        flow.set_entry_point('classify')\n"
    "        flow.add_edge('classify', END)\n"
    "        return flow.compile()\n"
)
ROUTER = (
    "from fastapi import APIRouter\n\n"
    "from analyzer import Analyzer\n\n"
    "router = APIRouter()\n\n\n"
    "@router.post('/analyze')\n"
    "async def analyze(text: str):\n"
    "    graph = Analyzer().build()\n"
    "    return graph.invoke({'text': text})\n"
)


def test_a_node_invoking_the_model_its_objects_method_returns_and_the_graph_a_method_builds(cli, tmp_path):
    """`self.llm().invoke(x)`: the model the object's own method returns makes the request, so
    the method is a node worth registering (`add_node(..., self.classify)`, a site); the graph
    `Analyzer().build()` compiles is run in another module: that run is a site too."""
    found = routes_by_place(cli, tmp_path, {"analyzer.py": ANALYZER, "router.py": ROUTER})
    model = line_of(ANALYZER, "return ChatOpenAI(")
    assert found[("analyzer.py", line_of(ANALYZER, "flow.add_node('classify'"))][1:] == (model, "gpt-4o-mini")
    assert ("analyzer.py", line_of(ANALYZER, "flow.add_node('tidy'")) not in found  # no request in it
    assert found[("router.py", line_of(ROUTER, "return graph.invoke("))][1:] == (model, "gpt-4o-mini")


def test_a_method_returning_a_model_called_with_arguments_or_on_another_object_is_not_followed(cli, tmp_path):
    """Only `self.m()` with no arguments is read as the object's kept model: `other.llm()` is
    another object's, whose class the call does not say."""
    other = ANALYZER.replace("self.llm().invoke(", "state['helper'].llm().invoke(")
    found = routes_by_place(cli, tmp_path, {"analyzer.py": other})
    assert ("analyzer.py", line_of(other, "flow.add_node('classify'")) not in found


# --- a wrapper re-exported by a plain module that imports it by name -------------------------------

SQL_API = (
    "import requests\n\n\n"
    "def query_api(prompt):\n"
    "    body = {'model': 'claude-3-haiku-20240307', 'max_tokens': 1000, 'messages': [{'role': 'user', 'content': prompt}]}\n"
    "    return requests.post('https://api.anthropic.com/v1/messages', headers={'x-api-key': 'k'}, json=body).json()\n\n\n"
    "def generate_sql(question):\n"
    "    return query_api(f'Write SQL for: {question}')\n"
)
SQL_APP = "from flask import Flask, request\nfrom api import generate_sql\n\napp = Flask(__name__)\n\n\n@app.post('/q')\ndef q():\n    return generate_sql(request.json['q'])\n"
SQL_CLI = "from app import generate_sql\n\n\ndef main():\n    while True:\n        print(generate_sql(input('> ')))\n"


def test_a_wrapper_imported_through_a_module_that_imports_it_by_name(cli, tmp_path):
    """cli.py imports `generate_sql` from app.py, which imports it from api.py: cli.py never spells
    `api`, yet its call is a site of the request (app.py's import re-exports the wrapper)."""
    found = routes_by_place(cli, tmp_path, {"api.py": SQL_API, "app.py": SQL_APP, "cli.py": SQL_CLI})
    request = line_of(SQL_API, "requests.post(")
    assert found[("cli.py", line_of(SQL_CLI, "print(generate_sql("))][1:] == (request, "claude-3-haiku-20240307")
    assert found[("app.py", line_of(SQL_APP, "return generate_sql("))][1] == request


def test_a_same_named_function_of_a_module_that_does_not_import_it_is_not_the_wrapper(cli, tmp_path):
    """A module defining its own `generate_sql` (no import of the wrapper) re-exports nothing."""
    own = "def generate_sql(question):\n    return 'SELECT 1'\n\n\ndef q(x):\n    return generate_sql(x)\n"
    found = routes_by_place(cli, tmp_path, {"api.py": SQL_API, "app.py": own, "cli.py": SQL_CLI})
    assert ("cli.py", line_of(SQL_CLI, "print(generate_sql(")) not in found


ADK_RUN = (
    "from google.adk.agents import LlmAgent\n"
    "from google.adk.runners import Runner\n"
    "from google.adk.sessions import InMemorySessionService\n\n"
    "root_agent = LlmAgent(model='gemini-2.0-flash', name='root', instruction='Plan.')\n\n\n"
    "async def adk_run(query):\n"
    "    runner = Runner(agent=root_agent, app_name='app', session_service=InMemorySessionService())\n"
    "    async for event in runner.run_async(user_id='u', session_id='s', new_message=query):\n"
    "        last = event\n"
    "    return last\n"
)
ADK_API = "from fastapi import FastAPI\n\nfrom agent import adk_run\n\napp = FastAPI()\n\n\n@app.post('/run')\nasync def run(text: str):\n    return await adk_run(text)\n"


def test_an_adk_runner_over_a_kept_agent_makes_its_requests(cli, tmp_path):
    """`Runner(agent=root_agent).run_async(...)` runs the agent: the function doing it is a
    wrapper of the agent's request, so the endpoint calling it is a site with its model."""
    found = routes_by_place(cli, tmp_path, {"agent.py": ADK_RUN, "api.py": ADK_API})
    assert found[("api.py", line_of(ADK_API, "return await adk_run("))][1:] == (line_of(ADK_RUN, "root_agent = LlmAgent("), "gemini-2.0-flash")


def test_a_runner_over_no_agent_seen_is_no_site(cli, tmp_path):
    """A `Runner` of something else (a test runner handed a suite) runs no model."""
    other = "from unittest import TextTestRunner as Runner\n\n\ndef go(suite):\n    return Runner().run_async(suite)\n"
    assert not routes_by_place(cli, tmp_path, {"runner.py": other})


SUPERVISOR = (
    "from langchain_openai import ChatOpenAI\n"
    "from langgraph.prebuilt import create_react_agent\n"
    "from langgraph_supervisor import create_supervisor\n\n\n"
    "class Team:\n"
    "    def __init__(self):\n"
    "        self.model = ChatOpenAI(model='gpt-4o-mini')\n\n"
    "    def run(self, question):\n"
    "        math = create_react_agent(model=self.model, tools=[], name='math')\n"
    "        app = create_supervisor([math], model=self.model, prompt='Route it.').compile()\n"
    "        return app.invoke({'messages': [{'role': 'user', 'content': question}]})\n\n\n"
    "def ask(q):\n"
    "    return Team().run(q)\n"
)


def test_a_compiled_supervisor_over_a_kept_model_makes_its_requests(cli, tmp_path):
    """langgraph_supervisor's `create_supervisor([...], model=m).compile().invoke(x)` sends m's
    requests: the method doing it is a wrapper, and its caller a site with m's model."""
    found = routes_by_place(cli, tmp_path, {"team.py": SUPERVISOR})
    assert found[("team.py", line_of(SUPERVISOR, "return Team().run(q)"))][1:] == (line_of(SUPERVISOR, "self.model = ChatOpenAI("), "gpt-4o-mini")


def test_a_compiled_pattern_is_no_model(cli, tmp_path):
    """`re.compile(...)` and a graph of no kept model compile nothing that requests."""
    plain = "import re\n\n\ndef find(text):\n    return re.compile(r'\\\\d+').findall(text)\n\n\ndef go(t):\n    return find(t)\n"
    assert not routes_by_place(cli, tmp_path, {"plain.py": plain})


# --- Cloudflare Workers AI: the model follows the endpoint's path -------------------------------

WORKERS_AI = (
    "import os\nimport requests\n\n"
    "ACCOUNT_ID = os.getenv('CLOUDFLARE_ACCOUNT_ID')\n"
    "API_BASE_URL = f'https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/'\n"
    "headers = {'Authorization': 'Bearer ' + os.environ['CF_TOKEN']}\n\n\n"
    "def run(model, inputs):\n"
    "    payload = {'messages': inputs}\n"
    "    return requests.post(f'{API_BASE_URL}{model}', headers=headers, json=payload).json()\n\n\n"
    "def draw(prompt):\n"
    "    url = f'https://api.cloudflare.com/client/v4/accounts/{ACCOUNT_ID}/ai/run/@cf/black-forest-labs/flux-1-schnell'\n"
    "    return requests.post(url, headers=headers, json={'prompt': prompt}).json()\n\n\n"
    "def embed(text):\n"
    "    return requests.post(f'{API_BASE_URL}@cf/baai/bge-base-en-v1.5', headers=headers, json={'text': text}).json()\n\n\n"
    "def summary(text):\n"
    "    return requests.post(f'{API_BASE_URL}@cf/meta/llama-3-8b-instruct', json={'messages': [{'role': 'user', 'content': text}]})\n\n\n"
    "print(run('@cf/meta/llama-3-8b-instruct', [{'role': 'user', 'content': 'Write a story'}]))\n"
    "draw('an orange cloud')\nembed('a llama')\n"
)


def test_a_chat_post_to_workers_ai_whose_path_ends_with_the_model(cli, tmp_path):
    """`/ai/run/{model}` runs any kind of model: a `messages` body makes it a text request; an
    image model's `prompt` and an embedding model's `text` are none."""
    found = routes_by_place(cli, tmp_path, {"cf.py": WORKERS_AI})
    post, story, summary = line_of(WORKERS_AI, "requests.post(f'{API_BASE_URL}{model}'"), line_of(WORKERS_AI, "print(run("), line_of(WORKERS_AI, "@cf/meta/llama-3-8b-instruct', json=")
    assert found == {
        ("cf.py", post): ("POST /ai/run/{model}", None, "?"),
        ("cf.py", story): ("POST /ai/run/{model}", post, "?"),
        ("cf.py", summary): ("POST /ai/run/{model}", None, "?"),
    }, found


def test_workers_ai_requests_without_max_tokens_are_capped_by_its_default(cli, tmp_path):
    """Workers AI answers at most 256 tokens unless `max_tokens` says more: no missing cap (CL010)."""
    (tmp_path / "cf.py").write_text(WORKERS_AI)
    done = cli("check", ".", "--select", "ALL", "--output-format", "json", "--exit-zero")
    import json
    assert [f["code"] for f in json.loads(done.stdout)] == [], done.stdout
