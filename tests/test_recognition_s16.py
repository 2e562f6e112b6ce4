"""Request shapes of session 16 (recognition of code nobody tuned for), each with look-alikes
that must stay silent. Written anew: short code in the shape, never a repository's own."""
from __future__ import annotations

from conftest import report_routes, route_sites as sites


def test_a_module_level_model_and_graph_imported_by_name_request_where_they_run(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "chat/__init__.py": "",
        "chat/model.py": "from langchain_openai import ChatOpenAI\n\nmodel = ChatOpenAI(model='gpt-4o-mini')\n",
        "flows/__init__.py": "",
        "flows/reply.py": (
            "from langgraph.graph import StateGraph\nfrom chat.model import model\n\n\n"
            "def respond(state):\n"
            "    answer = model.invoke(state['messages'])\n"
            "    return {'messages': state['messages'] + [answer]}\n\n\n"
            "steps = StateGraph(dict)\nsteps.add_node('respond', respond)\nsteps.set_entry_point('respond')\n"
            "flow = steps.compile()\n"
        ),
        "chat/telegram.py": (
            "from flows.reply import flow\n\n\n"
            "async def on_text(update):\n"
            "    out = flow.invoke({'messages': [update.text]})\n"
            "    return out['messages'][-1]\n"
        ),
        "try_it.py": "from flows.reply import flow\n\nprint(flow.invoke({'messages': ['hello']}))\n",
    })
    got = {(f, line) for f, line, _, _ in sites(found)}
    assert got == {
        ("chat/model.py", 3),  # the constructor
        ("flows/reply.py", 6),  # the node invoking another module's model
        ("flows/reply.py", 11),  # the node's registration (registrations.py)
        ("chat/telegram.py", 5),  # another module running the compiled graph
        ("try_it.py", 3),  # a script running it at module level
    }
    assert {r["model"] for r in found} == {"gpt-4o-mini"}


def test_a_module_level_model_or_graph_imported_and_not_run_is_no_request(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "chat/__init__.py": "",
        "chat/model.py": (
            "from langchain_openai import ChatOpenAI\nfrom langchain_ollama import ChatOllama\n\n"
            "model = ChatOpenAI(model='gpt-4o-mini')\nnearby = ChatOllama(model='llama3')\nLIMIT = 3\n"
        ),
        "flows/__init__.py": "",
        "flows/reply.py": (
            "from langgraph.graph import StateGraph\nfrom chat.model import model, nearby, LIMIT\n\n\n"
            "def describe(state):\n"
            "    return {'name': model.model_name, 'count': model.get_num_tokens(state['text'])}\n\n\n"
            "def local(state):\n"
            "    return {'messages': [nearby.invoke(state['messages'])]}\n\n\n"
            "def other(state, model=None):\n"
            "    return model.invoke(state['messages'][:LIMIT])\n\n\n"
            "steps = StateGraph(dict)\nsteps.add_node('describe', describe)\nflow = steps.compile()\n"
        ),
        "show.py": (
            "from flows.reply import flow, local\n\n\n"
            "def draw(path):\n"
            "    flow.get_graph().draw_mermaid_png(output_file_path=path)\n\n\n"
            "def quiet(state):\n"
            "    return local(state)\n"
        ),
    })
    # the constructors only (the local one never billed); reading the model, a local model's
    # invoke, a parameter shadowing the name, and drawing the graph send nothing billed
    billed = [(r["filename"], r["line"]) for r in found if r["billed"]]
    assert ("chat/model.py", 4) in billed
    assert not [s for s in billed if s[0] != "chat/model.py"], billed


TEMPLATE_UTILS = (
    "from langchain.chat_models import init_chat_model\n\n\n"
    "def load_chat_model(fully_specified_name: str):\n"
    "    provider, model = fully_specified_name.split('/', maxsplit=1)\n"
    "    return init_chat_model(model, model_provider=provider)\n"
)
TEMPLATE_CONTEXT = (
    "from dataclasses import dataclass, field\n\n\n"
    "@dataclass(kw_only=True)\n"
    "class Context:\n"
    "    model: str = field(default='anthropic/claude-3-5-sonnet-20240620', metadata={'kind': 'llm'})\n"
    "    rounds: int = 3\n\n"
    "    @classmethod\n"
    "    def from_runnable_config(cls, config=None):\n"
    "        return cls(**((config or {}).get('configurable') or {}))\n"
)


def _retired_at(cli, tmp_path, files) -> list:
    from conftest import write_project

    write_project(tmp_path, {"agent/__init__.py": "", "agent/utils.py": TEMPLATE_UTILS, "agent/context.py": TEMPLATE_CONTEXT, **files})
    done = cli("check", ".", "--select", "CL007", "--output-format", "concise", "--exit-zero")
    return [line.split(":")[0] + ":" + line.split(":")[1] for line in done.stdout.decode().splitlines() if "CL007" in line]


def test_a_template_model_name_split_into_provider_and_model_is_read_by_default(cli, tmp_path):
    found = _retired_at(cli, tmp_path, {"agent/graph.py": (
        "from langgraph.runtime import Runtime\n\nfrom agent.context import Context\nfrom agent.utils import load_chat_model\n\n\n"
        "async def call_model(state, runtime: Runtime[Context]):\n"
        "    model = load_chat_model(runtime.context.model).bind_tools([])\n"
        "    return {'messages': [await model.ainvoke(state['messages'])]}\n\n\n"
        "def plan(state, config):\n"
        "    settings = Context.from_runnable_config(config)\n"
        "    return load_chat_model(settings.model).invoke(state['messages'])\n\n\n"
        "def review(state, config):\n"
        "    return load_chat_model(Context.from_runnable_config(config).model).invoke(state['messages'])\n"
    )})
    # the default the three nodes send unless the run sets another: its retired ID where it is written
    assert found == ["agent/context.py:6"]
    # a written name is split as Python splits it
    done = _retired_at(cli, tmp_path, {"agent/graph.py": (
        "from agent.utils import load_chat_model\n\n\n"
        "def ask(q):\n    return load_chat_model('anthropic/claude-3-5-haiku-20241022').invoke(q)\n"
    )})
    assert done == ["agent/graph.py:5"]


def test_a_configuration_not_shown_to_be_the_runs_or_a_name_split_otherwise_stays_unread(cli, tmp_path):
    found = _retired_at(cli, tmp_path, {
        "agent/graph.py": (
            "from agent.context import Context\nfrom agent.utils import load_chat_model\n\n\n"
            "async def call_model(state, runtime: Session[Context]):\n"  # not LangGraph's Runtime
            "    return await load_chat_model(runtime.context.model).ainvoke(state['messages'])\n\n\n"
            "def plan(state, config, settings: dict):\n"
            "    return load_chat_model(settings.model).invoke(state['messages'])\n\n\n"
            "def review(state, config):\n"
            "    return load_chat_model(Context.build(config).model).invoke(state['messages'])\n"
        ),
        "agent/other.py": (
            "from langchain.chat_models import init_chat_model\n\n\n"
            "def three(name='anthropic/claude-3-5-haiku-20241022/extra'):\n"
            "    provider, model = name.split('/', maxsplit=1)\n"  # its model is the rest, '.../extra': no ID
            "    return init_chat_model(model, model_provider=provider).invoke('hi')\n\n\n"
            "def unsplit(name='anthropic/claude-3-5-haiku-20241022'):\n"
            "    provider, model = name.split('/')\n"
            "    return init_chat_model(model, model_provider=provider).invoke('hi')\n"
        ),
    })
    assert found == []


# A package whose __init__ star-imports the module holding a wrapper.
DIGEST_PACKAGE = {
    "tools/__init__.py": "",
    "tools/text/__init__.py": "from .digest import *\n",
    "tools/text/digest.py": (
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
        "def digest(text):\n"
        "    return client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': text}])\n"
    ),
}


def test_a_function_of_a_dotted_module_import_reached_through_its_packages_star_import(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        **DIGEST_PACKAGE,
        "api.py": "import tools.text\n\n\ndef on_post(body):\n    return tools.text.digest(body['text'])\n",
        "batch.py": "import tools.text.digest\n\nfor line in open('in.txt'):\n    tools.text.digest.digest(line)\n",
    })
    got = {(f, line) for f, line, _, _ in sites(found)}
    assert got == {("tools/text/digest.py", 7), ("api.py", 5), ("batch.py", 4)}


def test_a_dotted_name_that_is_no_imported_module_is_no_call_of_its_functions(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        **DIGEST_PACKAGE,
        "tools/text/digest.py": DIGEST_PACKAGE["tools/text/digest.py"] + "\n\ndef tidy(text):\n    return text.strip()\n",
        "api.py": (
            "import tools.text\nfrom tools import registry\n\n\n"
            "def on_post(body, tools):\n"  # a parameter shadows the module
            "    return tools.text.digest(body['text'])\n\n\n"
            "def on_put(body):\n"
            "    return registry.text.digest(body), tools.text.tidy(body)\n"
        ),
        "tools/registry.py": "text = None\n",
    })
    assert {(f, line) for f, line, _, _ in sites(found)} == {("tools/text/digest.py", 7)}


CHOSEN = {
    "cli/__init__.py": "",
    "cli/models/__init__.py": "from .base import ChatModel\nfrom .claude import ClaudeModel\n",
    "cli/models/base.py": "from abc import ABC, abstractmethod\n\n\nclass ChatModel(ABC):\n    @abstractmethod\n    def chat(self, messages):\n        ...\n",
    "cli/models/claude.py": (
        "import anthropic\n\nfrom .base import ChatModel\n\n\n"
        "class ClaudeModel(ChatModel):\n"
        "    def __init__(self, notes=None):\n        self.client = anthropic.Anthropic()\n\n"
        "    def chat(self, messages):\n"
        "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=500, messages=messages)\n"
    ),
    "cli/settings.py": (
        "import importlib\n\n\n"
        "def make_model(settings: dict):\n"
        "    try:\n"
        "        module = importlib.import_module(f\"cli.models.{settings['module']}\")\n"
        "    except ModuleNotFoundError:\n"
        "        raise SystemExit('no such model module')\n"
        "    return getattr(module, settings['class'])(notes=settings.get('notes'))\n"
    ),
    "cli/app.py": (
        "from cli.settings import make_model\n\n\n"
        "class Shell:\n"
        "    def __init__(self, settings):\n        self.model = make_model(settings)\n        self.messages = []\n\n"
        "    def turn(self, line):\n"
        "        self.messages.append({'role': 'user', 'content': line})\n"
        "        return self.model.chat(self.messages)\n"
    ),
}


def test_a_factory_picking_a_class_of_a_package_by_name_makes_its_instances_requests(cli, tmp_path):
    found = report_routes(cli, tmp_path, CHOSEN)
    assert {(f, line) for f, line, _, _ in sites(found)} == {("cli/models/claude.py", 11), ("cli/app.py", 11)}


def test_a_factory_that_may_pick_a_class_making_no_request_is_no_call_of_the_others(cli, tmp_path):
    echo = "from .base import ChatModel\n\n\nclass EchoModel(ChatModel):\n    def chat(self, messages):\n        return messages[-1]['content']\n"
    found = report_routes(cli, tmp_path, {**CHOSEN, "cli/models/echo.py": echo})
    assert {(f, line) for f, line, _, _ in sites(found)} == {("cli/models/claude.py", 11)}
    # the same class beside the wrapper in its module, or a getattr of another object than the module
    beside = CHOSEN["cli/models/claude.py"] + "\n\n" + echo.split("\n\n\n", 1)[1]
    other = CHOSEN["cli/settings.py"].replace("getattr(module,", "getattr(settings['registry'],")
    (tmp_path / "cli/models/echo.py").unlink()
    for files in ({"cli/models/claude.py": beside}, {"cli/settings.py": other}):
        found = report_routes(cli, tmp_path, {**CHOSEN, **files})
        assert {(f, line) for f, line, _, _ in sites(found)} == {("cli/models/claude.py", 11)}, files
