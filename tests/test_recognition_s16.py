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
