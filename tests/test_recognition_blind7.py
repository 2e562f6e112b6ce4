"""Request shapes the seventh blind set missed (eval/realworld/misses-blind7.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line")) for r in report_routes(cli, tmp_path, example)}


# --- a function handing its parameters into a compiled graph's state ----------------------------

GRAPH_CHAT = (
    "from langchain_core.messages import HumanMessage\n"
    "from langchain_openai import ChatOpenAI\n"
    "from langgraph.graph import START, MessagesState, StateGraph\n\n\n"
    "def start_chat(model, system):\n"
    "    workflow = StateGraph(state_schema=MessagesState)\n\n"
    "    def call_model(state):\n"
    "        return {'messages': model.invoke([system] + state['messages'])}\n\n"
    "    workflow.add_node('model', call_model)\n"
    "    workflow.add_edge(START, 'model')\n"
    "    return workflow.compile()\n\n\n"
    "chat = start_chat(ChatOpenAI(model='gpt-4o-mini', max_tokens=200), 'You are a data scientist.')\n\n\n"
    "def ask(prompt, table=None):\n"
    "    return chat.invoke({'messages': [HumanMessage(content=f'{table}: {prompt}')]})\n\n\n"
    "def column_type(column, table=None):\n"
    "    return ask(f'is {column} categorical or numeric?', table)\n\n\n"
    "def ping(verbose):\n"
    "    if verbose:\n        print('ping')\n"
    "    return chat.invoke({'messages': [HumanMessage(content='ping')]})\n\n\n"
    "for name in ['age', 'sex']:\n    column_type(name)\n"
    "ping(True)\n"
)


def test_a_function_handing_its_parameters_into_a_graph_run_is_a_wrapper(cli, tmp_path):
    """`ask` puts its prompt in the state the graph's node sends: its callers (and theirs) make
    the request. `ping` runs the graph with a state of its own, reading no parameter: it stays a
    run of the graph (reported in place), its call no wrapper's."""
    found = _routes(cli, tmp_path, {"chat.py": GRAPH_CHAT})
    request = line_of(GRAPH_CHAT, "model.invoke(")
    runs = {k: v for k, v in found.items() if v[1] == request}
    assert set(runs) == {
        ("chat.py", line_of(GRAPH_CHAT, "return chat.invoke({'messages': [HumanMessage(content=f")),
        ("chat.py", line_of(GRAPH_CHAT, "return ask(")),
        ("chat.py", line_of(GRAPH_CHAT, "    column_type(name)")),
        ("chat.py", line_of(GRAPH_CHAT, "return chat.invoke({'messages': [HumanMessage(content='ping')")),
        ("chat.py", line_of(GRAPH_CHAT, "workflow.add_node('model', call_model)")),  # the node's registration (registrations.py)
    }
    assert ("chat.py", line_of(GRAPH_CHAT, "ping(True)")) not in found


# --- a package whose __init__.py copies its modules' names into itself --------------------------

COPYING_INIT = (
    "import importlib\nimport pkgutil\n\n__all__ = []\n\n"
    "for module_info in pkgutil.iter_modules(__path__):\n"
    "    if module_info.ispkg:\n        continue\n"
    "    module = importlib.import_module(f'{__name__}.{module_info.name}')\n"
    "    for attr in dir(module):\n"
    "        if not attr.startswith('_'):\n"
    "            globals()[attr] = getattr(module, attr)\n"
    "            __all__.append(attr)\n"
)
CORE = (
    "MODEL = 'gpt-4o-mini'\n\n\n"
    "def ask(question, client):\n"
    "    reply = client.chat.completions.create(model=MODEL, max_tokens=300, messages=[{'role': 'user', 'content': question}])\n"
    "    return reply.choices[0].message.content\n"
)
CALLER = "import helper\nfrom openai import OpenAI\n\nc = OpenAI()\nprint(helper.ask('what is a bagel', client=c))\n"
REGISTERING_INIT = (
    "import importlib\nimport pkgutil\n\nPLUGINS = {}\n\n"
    "for module_info in pkgutil.iter_modules(__path__):\n"
    "    PLUGINS[module_info.name] = importlib.import_module(f'{__name__}.{module_info.name}')\n"
)


def test_a_function_a_package_copies_into_itself_is_reached_through_the_package(cli, tmp_path):
    """`helper.ask(...)` names `helper/core.py`'s ask: the loop binds it as `from .core import *`."""
    found = _routes(cli, tmp_path, {"helper/__init__.py": COPYING_INIT, "helper/core.py": CORE, "app.py": CALLER})
    request = line_of(CORE, "client.chat.completions.create")
    assert found == {
        ("helper/core.py", request): ("chat.completions.create", None),
        ("app.py", line_of(CALLER, "helper.ask(")): ("chat.completions.create", request),
    }


def test_a_package_registering_its_modules_elsewhere_binds_none_of_their_names(cli, tmp_path):
    """An import loop that keeps the modules in a dict (not `globals()`) leaves `helper.ask`
    unbound: the call reaches no wrapper."""
    found = _routes(cli, tmp_path, {"helper/__init__.py": REGISTERING_INIT, "helper/core.py": CORE, "app.py": CALLER})
    assert ("app.py", line_of(CALLER, "helper.ask(")) not in found


# --- names bound by star imports (`from src.langgraph.nodes import *`) ---------------------------

OPTIMIZER = (
    "from langchain_openai import ChatOpenAI\n\n\n"
    "class QueryOptimizer:\n"
    "    def __init__(self, model_name='gpt-4o-mini'):\n"
    "        self.llm = ChatOpenAI(model=model_name, max_tokens=200)\n\n"
    "    async def rewrite(self, question):\n"
    "        reply = await self.llm.ainvoke(f'Rewrite as a search query: {question}')\n"
    "        return reply.content\n"
)
STATE = "from typing import TypedDict\n\n\nclass State(TypedDict):\n    question: str\n    query: str\n"
NODES = (
    "from app.evaluator.optimizer import *\nfrom app.graph.state import *\n\n"
    "optimizer = QueryOptimizer()\n\n\n"
    "async def rewrite_node(state: State) -> State:\n"
    "    query = await optimizer.rewrite(state['question'])\n"
    "    return {'query': query}\n"
)
EDGE = (
    "from app.graph.nodes import *\nfrom app.graph.state import *\n"
    "from langgraph.graph import END, START, StateGraph\n\n\n"
    "def create_graph():\n"
    "    workflow = StateGraph(State)\n"
    "    workflow.add_node('rewrite', rewrite_node)\n"
    "    workflow.add_edge(START, 'rewrite')\n"
    "    workflow.add_edge('rewrite', END)\n"
    "    return workflow.compile()\n"
)
RUNNER = (
    "from app.graph.edge import *\n\n"
    "graph = create_graph()\n\n\n"
    "class Runner:\n"
    "    @classmethod\n"
    "    async def run(cls, question):\n"
    "        return await graph.ainvoke({'question': question})\n"
)
UI = "import asyncio\n\nfrom runner import *\n\nquestion = input()\nprint(asyncio.run(Runner.run(question)))\n"


def test_names_bound_by_star_imports_reach_their_modules_wrappers(cli, tmp_path):
    """A class made from a star import (`QueryOptimizer()`), a node handed to the graph by a
    star-imported name, the graph's factory, and a class (`Runner`) so imported: each call is
    followed to the request, as the same names imported one by one are."""
    found = _routes(cli, tmp_path, {
        "app/__init__.py": "", "app/evaluator/__init__.py": "", "app/graph/__init__.py": "",
        "app/evaluator/optimizer.py": OPTIMIZER, "app/graph/state.py": STATE, "app/graph/nodes.py": NODES,
        "app/graph/edge.py": EDGE, "runner.py": RUNNER, "ui.py": UI,
    })
    request = line_of(OPTIMIZER, "self.llm.ainvoke")
    constructor = line_of(OPTIMIZER, "ChatOpenAI(")
    reached = {k for k, (_, via) in found.items() if via in (request, constructor)}
    assert {
        ("app/graph/nodes.py", line_of(NODES, "optimizer.rewrite(")),
        ("runner.py", line_of(RUNNER, "graph.ainvoke(")),
        ("ui.py", line_of(UI, "Runner.run(")),
    } <= reached


OTHER_HELPERS = "def tidy(text):\n    return text.strip()\n"
STAR_ELSEWHERE = "from app.helpers import *\n\nprint(tidy(QueryOptimizer().rewrite('x')))\n"


def test_a_star_import_of_a_module_without_the_name_reaches_no_wrapper(cli, tmp_path):
    """`QueryOptimizer` is not bound by `from app.helpers import *` (helpers does not define it):
    the wrapper class of the same name in another module is not what the call reaches."""
    found = _routes(cli, tmp_path, {
        "app/__init__.py": "", "app/evaluator/__init__.py": "", "app/evaluator/optimizer.py": OPTIMIZER,
        "app/helpers.py": OTHER_HELPERS, "app/main.py": STAR_ELSEWHERE,
    })
    assert not any(f == "app/main.py" for f, _ in found)


# --- a module global built on first use (`global graph; graph = create_graph()`) ---------------

LAZY_MAIN = (
    "from app.graph.edge import create_graph\n\n"
    "tools = None\ngraph = None\n\n\n"
    "def initialize():\n"
    "    global tools, graph\n"
    "    tools = {}\n"
    "    graph = create_graph()\n"
    "    return tools, graph\n\n\n"
    "async def run_chatbot(question):\n"
    "    global tools, graph\n"
    "    if graph is None:\n"
    "        tools, graph = initialize()\n"
    "    async for event in graph.astream({'question': question}):\n"
    "        print(event)\n"
)
TWO_GRAPHS = LAZY_MAIN.replace("        tools, graph = initialize()\n", "        graph = make_other()\n").replace(
    "from app.graph.edge import create_graph\n", "from app.graph.edge import create_graph\nfrom app.other import make_other\n")


def test_a_global_built_on_first_use_is_the_graph_its_factory_made(cli, tmp_path):
    """`graph` is None at module level and built by `initialize` (which run_chatbot calls): the
    run is the factory's graph's run. Bound to a second, other value in run_chatbot, it is not
    known which graph runs: not followed."""
    project = {
        "app/__init__.py": "", "app/evaluator/__init__.py": "", "app/graph/__init__.py": "",
        "app/evaluator/optimizer.py": OPTIMIZER, "app/graph/state.py": STATE, "app/graph/nodes.py": NODES,
        "app/graph/edge.py": EDGE.replace("from app.graph.nodes import *", "from app.graph.nodes import rewrite_node"),
    }
    run = ("main.py", line_of(LAZY_MAIN, "graph.astream("))
    found = _routes(cli, tmp_path, {**project, "main.py": LAZY_MAIN})
    assert found[run][1] == line_of(OPTIMIZER, "ChatOpenAI(")
    other = {**project, "app/other.py": "def make_other():\n    return object()\n", "main.py": TWO_GRAPHS}
    assert ("main.py", line_of(TWO_GRAPHS, "graph.astream(")) not in _routes(cli, tmp_path, other)


# --- neo4j-graphrag's OpenAILLM: a chat model object, its cap inside model_params ------------------

GRAPHRAG = (
    "from neo4j_graphrag.llm import OpenAILLM\n\n"
    "llm = OpenAILLM(model_name='gpt-4.1-mini', model_params={'temperature': 0.1})\n"
    "capped = OpenAILLM(model_name='gpt-4.1-mini', model_params={'temperature': 0.1, 'max_tokens': 400})\n\n\n"
    "def configured(params):\n"
    "    return OpenAILLM(model_name='gpt-4.1-mini', model_params=params)\n\n\n"
    "def answer(context, question):\n"
    "    return llm.invoke(f'context: {context}\\n\\nquestion: {question}').content\n"
)


def test_a_neo4j_graphrag_openai_model_is_a_billed_constructor_capped_inside_model_params(cli, tmp_path):
    """OpenAILLM sends one OpenAI chat completion per invoke with model_params as its keywords:
    without max_tokens there, every answer may run to the model maximum (CL010); a cap there,
    or params handed in from elsewhere, is no finding."""
    routes = {r["line"]: r for r in report_routes(cli, tmp_path, {"rag.py": GRAPHRAG})}
    uncapped, capped, handed = (line_of(GRAPHRAG, text) for text in ("llm = OpenAILLM(", "capped = OpenAILLM(", "model_params=params"))
    assert {uncapped, capped, handed} <= set(routes)
    assert routes[uncapped]["api"] == "OpenAILLM (neo4j-graphrag)" and routes[uncapped]["model"] == "gpt-4.1-mini"
    codes = {line: {f["code"] for f in routes[line]["findings"]} for line in (uncapped, capped, handed)}
    assert "CL010" in codes[uncapped]
    assert "CL010" not in codes[capped] and "CL010" not in codes[handed]
