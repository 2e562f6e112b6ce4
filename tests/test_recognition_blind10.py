"""Request shapes the tenth blind set missed (eval/realworld/misses-blind10.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

import json

from conftest import line_of, report_routes, routes_by_place


# --- agno's agents over its model objects -------------------------------------------------------

AGNO = (
    "from agno.agent import Agent\n"
    "from agno.models.anthropic import Claude\n"
    "from agno.models.ollama import Ollama\n"
    "from agno.models.openai import OpenAIChat\n\n\n"
    "class Analyst:\n"
    "    def __init__(self):\n"
    "        self.agent = Agent(name='analyst', model=OpenAIChat(id='gpt-4o'), markdown=True)\n\n"
    "    def analyze(self, url):\n"
    "        return self.agent.run(f'Analyse {url}').content\n\n\n"
    "def make_writer(style):\n"
    "    return Agent(model=Claude(id='claude-sonnet-4-6', max_tokens=2048), instructions=[style])\n\n\n"
    "def write(topic):\n"
    "    writer = make_writer('news')\n"
    "    writer.print_response(topic)\n\n\n"
    "local = Agent(model=Ollama(id='llama3.1'))\n\n\n"
    "def ask_local(q):\n"
    "    return local.run(q)\n\n\n"
    "def main():\n"
    "    Analyst().analyze(input('url: '))\n"
    "    write('llamas')\n"
)


def test_an_agno_agent_sends_its_model_objects_requests(cli, tmp_path):
    """`Agent(model=OpenAIChat(id=...))` is a site at the model object (its ID is `id`); the
    agent's `run` / `print_response` are its requests, so the functions calling them are
    wrappers; an Ollama model is local."""
    found = routes_by_place(cli, tmp_path, {"agents.py": AGNO})
    chat, claude = line_of(AGNO, "OpenAIChat(id="), line_of(AGNO, "Claude(id=")
    assert found[("agents.py", chat)] == ("OpenAIChat (agno)", None, "gpt-4o")
    assert found[("agents.py", claude)] == ("Claude (agno)", None, "claude-sonnet-4-6")
    assert found[("agents.py", line_of(AGNO, "Analyst().analyze("))] == ("OpenAIChat (agno)", chat, "gpt-4o")
    assert found[("agents.py", line_of(AGNO, "    write('llamas')"))] == ("Claude (agno)", claude, "claude-sonnet-4-6")
    local = [r for r in report_routes(cli, tmp_path, {"agents.py": AGNO}) if r["line"] == line_of(AGNO, "Ollama(id=")]
    assert local and all(not r["billed"] for r in local), local


def test_agno_openaichat_without_a_cap_is_uncapped_and_claude_with_one_is_not(cli, tmp_path):
    (tmp_path / "agents.py").write_text(AGNO)
    done = cli("check", ".", "--select", "CL010", "--output-format", "json", "--exit-zero")
    rows = sorted(f["location"]["row"] for f in json.loads(done.stdout))
    assert rows == [line_of(AGNO, "OpenAIChat(id=")], done.stdout


# --- a caller whose parameters only decide whether the wrapper is called ------------------------

HOURLY = (
    "import requests\n\n\n"
    "def ask(prompt):\n"
    "    body = {'model': 'gpt-4o-mini', 'max_tokens': 80, 'messages': [{'role': 'user', 'content': prompt}]}\n"
    "    return requests.post('https://api.openai.com/v1/chat/completions', json=body).json()\n\n\n"
    "def post_hourly(client):\n"
    "    text = ask('Write a short post.')\n"
    "    client.create_post(text=text)\n\n\n"
    "def unread(argv):\n"
    "    return ask('Say hi.')\n\n\n"
    "while True:\n"
    "    post_hourly(make_client())\n"
    "    unread(['-v'])\n"
)


def test_a_caller_reading_its_parameters_after_a_fixed_wrapper_call_is_a_wrapper(cli, tmp_path):
    """`post_hourly(client)` hands nothing of `client` to `ask`, but reads it: each call of it
    makes ask's request, as a request written in its body would (wrappers.summarise); a function
    that never reads its parameter stays its own request, its calls no site (the seed's `main(argv)`)."""
    found = routes_by_place(cli, tmp_path, {"bot.py": HOURLY})
    post = line_of(HOURLY, "requests.post(")
    assert found[("bot.py", line_of(HOURLY, "    post_hourly(make_client())"))][:2] == ("POST /chat/completions", post)
    assert ("bot.py", line_of(HOURLY, "    unread(['-v'])")) not in found


# --- a LangGraph node that is a lambda calling a node function ----------------------------------

LAMBDA_NODES = {
    "nodes/__init__.py": "",
    "nodes/chatbot.py": (
        "from langchain.chat_models import init_chat_model\n\n"
        "llm = init_chat_model('anthropic:claude-sonnet-4-6')\n\n\n"
        "def chatbot_node(state, llm_with_tools=None):\n"
        "    model = llm_with_tools if llm_with_tools else llm\n"
        "    return {'messages': [model.invoke(state['messages'])]}\n\n\n"
        "def route(state):\n"
        "    return {'messages': state['messages'][-1:]}\n"
    ),
    "main.py": (
        "from langgraph.graph import StateGraph, START\n"
        "from nodes.chatbot import chatbot_node, llm, route\n\n"
        "llm_with_tools = llm.bind_tools([])\n"
        "builder = StateGraph(dict)\n"
        "builder.add_node('chatbot', lambda state: chatbot_node(state, llm_with_tools))\n"
        "builder.add_edge(START, 'chatbot')\n"
        "graph = builder.compile()\n\n"
        "while True:\n"
        "    events = graph.stream({'messages': [{'role': 'user', 'content': input()}]}, stream_mode='values')\n"
    ),
    "quiet.py": (
        "from langgraph.graph import StateGraph, START\n"
        "from nodes.chatbot import route\n\n"
        "builder = StateGraph(dict)\n"
        "builder.add_node('route', lambda state: route(state))\n"
        "builder.add_edge(START, 'route')\n"
        "graph = builder.compile()\n"
        "graph.invoke({'messages': []})\n"
    ),
}


def test_a_lambda_node_calling_a_node_function_runs_its_request(cli, tmp_path):
    """The node function picks a model handed in, else the module's kept model
    (`llm_with_tools if llm_with_tools else llm`): it invokes that model. The lambda registered as
    a node runs it, so the registration and each run of the compiled graph are its sites; a lambda
    node calling a function that requests nothing is no site, nor is its graph's run."""
    found = routes_by_place(cli, tmp_path, LAMBDA_NODES)
    main, made = LAMBDA_NODES["main.py"], line_of(LAMBDA_NODES["nodes/chatbot.py"], "init_chat_model('")
    assert found[("main.py", line_of(main, "lambda state"))][1:] == (made, "claude-sonnet-4-6")
    assert found[("main.py", line_of(main, "graph.stream("))][1:] == (made, "claude-sonnet-4-6")
    assert not [key for key in found if key[0] == "quiet.py"], found


# --- an agent built over another module's model factory, invoked in a third module --------------

FACTORY_CHAIN = {
    "src/app/__init__.py": "from app.graph import create_graph, create_store\n",
    "src/app/utils.py": (
        "from langchain.chat_models import init_chat_model\n\n\n"
        "def load_chat_model(name):\n"
        "    provider, model = name.split('/', maxsplit=1)\n"
        "    return init_chat_model(model, model_provider=provider)\n"
    ),
    "src/app/graph.py": (
        "from langgraph.prebuilt import create_react_agent\n"
        "from app.utils import load_chat_model\n"
        "from app.stores import VectorStore\n\n\n"
        "def create_graph(config):\n"
        "    llm = load_chat_model(config.model)\n"
        "    graph = create_react_agent(name='agent', model=llm, tools=[], prompt=config.prompt)\n"
        "    return graph\n\n\n"
        "def create_store(config):\n"
        "    llm = load_chat_model(config.model)\n"
        "    return VectorStore(path=config.path)\n"
    ),
    "src/run_agent.py": (
        "import asyncio\n"
        "from app import create_graph, create_store\n\n"
        "agent = create_graph(Configuration())\n"
        "store = create_store(Configuration())\n\n\n"
        "async def main():\n"
        "    result = await agent.ainvoke({'messages': [('user', 'cookies')]})\n"
        "    print(result, store.invoke('cookies'))\n\n\n"
        "async def events(question):\n"
        "    async for event in agent.astream_events({'messages': [('user', question)]}, version='v2'):\n"
        "        yield event\n\n\n"
        "if __name__ == '__main__':\n"
        "    asyncio.run(main())\n"
    ),
}


def test_an_agent_over_another_modules_model_factory_requests_where_it_is_invoked(cli, tmp_path):
    """`create_graph` returns an agent over the model `load_chat_model` (another module's factory)
    makes: a factory too. The module-level agent requests where it is invoked (`ainvoke`, and
    `astream_events`, a runnable's run too), so `main()` and its call are sites; making it is
    none. `create_store` returns something else: invoking what it returns is no request."""
    found = routes_by_place(cli, tmp_path, FACTORY_CHAIN)
    run, made = FACTORY_CHAIN["src/run_agent.py"], line_of(FACTORY_CHAIN["src/app/utils.py"], "return init_chat_model(")
    for needle in ("agent.ainvoke(", "agent.astream_events(", "asyncio.run(main())"):
        assert found[("src/run_agent.py", line_of(run, needle))][:2] == ("init_chat_model", made), needle
    assert ("src/run_agent.py", line_of(run, "agent = create_graph(")) not in found
    assert ("src/run_agent.py", line_of(run, "store = create_store(")) not in found
    assert [key for key in found if key[0] == "src/app/graph.py"] == []


# --- raw POSTs to Cohere's and Aleph Alpha's own APIs -------------------------------------------

VENDOR_POSTS = (
    "import requests\n\n\n"
    "def run_cohere(api_key, body):\n"
    "    return requests.post('https://api.cohere.com/v1/chat', headers={'Authorization': f'Bearer {api_key}'}, json=body)\n\n\n"
    "def run_aleph_alpha(api_key, body):\n"
    "    return requests.post('https://api.aleph-alpha.com/complete', headers={'Authorization': f'Bearer {api_key}'}, json=body)\n\n\n"
    "def embed(api_key, body):\n"
    "    return requests.post('https://api.cohere.com/v1/embed', headers={'Authorization': f'Bearer {api_key}'}, json=body)\n\n\n"
    "def finish(body):\n"
    "    return requests.post('https://tasks.example.com/complete', json=body)\n\n\n"
    "def proxy(provider, key, body):\n"
    "    if provider == 'cohere':\n"
    "        return run_cohere(key, body)\n"
    "    return run_aleph_alpha(key, body)\n"
)


def test_posts_to_cohere_chat_and_aleph_alpha_complete_are_requests(cli, tmp_path):
    """Their paths (`/v1/chat`, `/complete`) are too plain to name an LLM API alone: with the
    vendor's host they do, and the dispatch calls are wrapper sites. Cohere's embedding endpoint
    and another host's `/complete` are no chat request."""
    found = routes_by_place(cli, tmp_path, {"proxy.py": VENDOR_POSTS})
    cohere, aleph = line_of(VENDOR_POSTS, "api.cohere.com/v1/chat"), line_of(VENDOR_POSTS, "api.aleph-alpha.com")
    assert found[("proxy.py", cohere)][:2] == ("POST /chat (Cohere)", None)
    assert found[("proxy.py", aleph)][:2] == ("POST /complete (Aleph Alpha)", None)
    assert found[("proxy.py", line_of(VENDOR_POSTS, "return run_cohere("))][1] == cohere
    assert found[("proxy.py", line_of(VENDOR_POSTS, "return run_aleph_alpha("))][1] == aleph
    assert ("proxy.py", line_of(VENDOR_POSTS, "v1/embed")) not in found
    assert ("proxy.py", line_of(VENDOR_POSTS, "tasks.example.com")) not in found
