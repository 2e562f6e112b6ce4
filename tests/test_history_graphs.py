"""A LangGraph node's conversation grows across requests where its graph brings the node
back after another model node, or a checkpointer keeps one fixed thread that a handler runs
again (issue 16: a writer/reviewer essay graph, an analytics API on one thread id). CL011
reports it at the model; CL004 reads the graph as bounded. A tool loop, a thread per
question and a graph run once by a script are left as they were."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

MODEL = ("from langchain_anthropic import ChatAnthropic\nfrom langgraph.graph import StateGraph, MessagesState, START, END\n"
         "from langgraph.checkpoint.memory import MemorySaver\nfrom langgraph.prebuilt import ToolNode\n\n"
         "llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=1500)\n\n"
         "def plan(state):\n    return {'messages': [llm.invoke(state['messages'])]}\n\n"
         "def critique(state):\n    return {'messages': [llm.invoke(state['messages'])]}\n\n"
         "def route(state):\n    if len(state['messages']) > 8:\n        return END\n    return OTHER\n\n"
         "g = StateGraph(MessagesState)\ng.add_node('plan', plan)\ng.add_node('critique', critique)\ng.add_node('tools', ToolNode([lookup]))\n"
         "g.add_edge(START, 'plan')\ng.add_conditional_edges('plan', route)\nTAIL\n")


def findings(tmp_path, source: str, code: str) -> list:
    write_project(tmp_path, {"graph.py": source}, suite=False)
    return [d for d in lint_tree(tmp_path, suite=False, select=(code,)).diagnostics if d.code == code]


def test_a_round_back_through_another_model_node_grows(tmp_path):
    source = MODEL.replace("OTHER", "'critique'").replace("TAIL", "g.add_edge('critique', 'plan')\napp = g.compile()")
    found = findings(tmp_path, source, "CL011")
    assert [d.loc.row for d in found] == [6]
    assert "resent by the graph's edge back to it" in found[0].message
    assert findings(tmp_path, source, "CL004") == []


@pytest.mark.parametrize("other, tail", [
    # the critique ends the run
    ("'critique'", "g.add_edge('critique', END)\napp = g.compile()"),
    # a tool loop ends when the model stops calling tools
    ("'tools'", "g.add_edge('tools', 'plan')\napp = g.compile()"),
    # a checkpointer, but each question its own thread
    ("'critique'", "g.add_edge('critique', END)\napp = g.compile(checkpointer=MemorySaver())\n\n"
                   "def ask(q):\n    return app.invoke({'messages': [('user', q)]}, {'configurable': {'thread_id': str(uuid.uuid4())}})"),
    # one fixed thread, run once by the script
    ("'critique'", "g.add_edge('critique', END)\napp = g.compile(checkpointer=MemorySaver())\n"
                   "app.invoke({'messages': [('user', 'hi')]}, {'configurable': {'thread_id': '1'}})"),
])
def test_one_run_or_a_thread_per_question_is_not_read(tmp_path, other, tail):
    assert findings(tmp_path, MODEL.replace("OTHER", other).replace("TAIL", tail), "CL011") == []


def test_a_fixed_thread_a_handler_runs_again_grows(tmp_path):
    tail = ("g.add_edge('critique', END)\napp = g.compile(checkpointer=MemorySaver())\nCONFIG = {'configurable': {'thread_id': 'shared'}}\n\n"
            "def ask(q):\n    return app.invoke({'messages': [('user', q)]}, CONFIG)")
    found = findings(tmp_path, MODEL.replace("OTHER", "'critique'").replace("TAIL", tail), "CL011")
    assert [d.loc.row for d in found] == [6] and "kept by the checkpointer under a fixed thread id" in found[0].message


# The tutorial's chatbot with a human node (JoeTonDev/agent main.py): an edge comes back from
# `human`, but only where a conditional edge out of `chatbot` can go to it.
HUMAN = ("from langchain_anthropic import ChatAnthropic\nfrom langgraph.graph import StateGraph, MessagesState, START, END\n"
         "from langgraph.prebuilt import ToolNode, tools_condition\n\n"
         "llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=1500)\n\n"
         "def chatbot(state):\n    return {'messages': [llm.invoke(state['messages'])]}\n\n"
         "def human(state):\n    return {'messages': []}\n\n"
         "def select_next_node(state):\n    if state['ask_human']:\n        return 'human'\n    return tools_condition(state)\n\n"
         "def finish_or_revise(state):\n    return 'finish' if len(state['messages']) > 8 else END\n\n"
         "g = StateGraph(MessagesState)\ng.add_node('chatbot', chatbot)\ng.add_node('human', human)\ng.add_node('tools', ToolNode([lookup]))\n"
         "g.add_edge(START, 'chatbot')\nROUTE\ng.add_edge('tools', 'chatbot')\ng.add_edge('human', 'chatbot')\napp = g.compile()\n")


@pytest.mark.parametrize("route", [
    # the router itself names the human node
    "g.add_conditional_edges('chatbot', select_next_node, {'human': 'human', 'tools': 'tools', END: END})",
    "g.add_conditional_edges('chatbot', select_next_node)",
    # a router the linter cannot read, with a path map naming the node
    "g.add_conditional_edges('chatbot', lambda s: s['next'], {'human': 'human', 'tools': 'tools', END: END})",
    "g.add_conditional_edges('chatbot', lambda s: s['next'], ['human', 'tools', END])",
])
def test_a_route_to_the_node_that_comes_back_grows(tmp_path, route):
    found = findings(tmp_path, HUMAN.replace("ROUTE", route), "CL011")
    assert [d.loc.row for d in found] == [5] and "edge back to it at line 28" in found[0].message


@pytest.mark.parametrize("route", [
    # the prebuilt tools_condition returns "tools" or END: the path map's "human" is never taken
    "g.add_conditional_edges('chatbot', tools_condition, {'human': 'human', 'tools': 'tools', END: END})",
    "g.add_conditional_edges('chatbot', tools_condition)",
    "g.add_conditional_edges('chatbot', tools_condition, ['human', 'tools', END])",
    # a path map that does not name it
    "g.add_conditional_edges('chatbot', select_next_node, {'tools': 'tools', END: END})",
    # a router whose every return is read and none is the path map's key to it
    "g.add_conditional_edges('chatbot', finish_or_revise, {'revise': 'human', 'finish': END, END: END})",
])
def test_a_node_no_route_reaches_does_not_bring_it_back(tmp_path, route):
    assert findings(tmp_path, HUMAN.replace("ROUTE", route), "CL011") == []


@pytest.mark.parametrize("route", [
    "g.add_conditional_edges('chatbot', tools_condition, {'tools': 'tools', END: END})",
    # without a path map tools_condition's "tools" is the node's own name
    "g.add_conditional_edges('chatbot', tools_condition)",
])
def test_tools_condition_reaches_a_tools_node_of_the_files_own(tmp_path, route):
    """tools_condition does go to "tools": a tools node the file writes itself (the tutorial's
    BasicToolNode, not the prebuilt ToolNode) brings the run back to the chatbot, with a path
    map or without one."""
    source = HUMAN.replace("ToolNode([lookup])", "basic_tool_node").replace("ROUTE", route).replace("g.add_edge('human', 'chatbot')\n", "")
    found = findings(tmp_path, source, "CL011")
    assert [d.loc.row for d in found] == [5] and "edge back to it at line 27" in found[0].message
