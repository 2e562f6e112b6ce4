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
