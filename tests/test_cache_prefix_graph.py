"""CL006 on a LangGraph node that writes the clock into the system message it puts ahead of
the graph state's conversation, on a model OpenAI caches by itself (extract/graph_prompt.py)."""
from __future__ import annotations

from claude_lint.checks import cache_prefix_graph as shapes

from conftest import lint_tree, write_project

# A node function of the module (not a method), the model built at module level, a pydantic state.
MODULE_NODE = ("from datetime import datetime\nfrom langchain_core.messages import SystemMessage\n"
               "from langchain_openai import ChatOpenAI\nfrom langgraph.graph import StateGraph, START\n"
               "from langgraph.checkpoint.memory import MemorySaver\n"
               "llm = ChatOpenAI(model='gpt-4.1-mini')\n\n"
               "def answer(state):\n    note = f'Local time {{datetime.now().strftime(\"{fmt}\")}}'\n"
               "    return {{'messages': [llm.invoke({sent})]}}\n\n"
               "builder = StateGraph(dict)\nbuilder.add_node('answer', answer)\nbuilder.add_edge(START, 'answer')\n"
               "app = builder.compile(checkpointer=MemorySaver())\n")


def _found(tmp_path, source):
    write_project(tmp_path, suite=False, example={"graph.py": source})
    return lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics


def test_a_node_function_of_the_module_names_the_clock_and_the_checkpointer(tmp_path):
    found = _found(tmp_path, MODULE_NODE.format(fmt="%H:%M", sent="[SystemMessage(content=note), *state.messages]"))
    assert len(found) == 1, found
    assert found[0].loc.row == 9
    assert "the clock to the minute, sits in the system prompt ahead of `state.messages`" in found[0].message
    assert "kept by the checkpointer the graph is compiled with at line 15" in found[0].message


def test_a_date_or_an_hour_or_the_clock_after_the_conversation_stays_silent(tmp_path):
    assert not _found(tmp_path / "a", MODULE_NODE.format(fmt="%Y-%m-%d", sent="[SystemMessage(content=note), *state.messages]"))
    assert not _found(tmp_path / "b", MODULE_NODE.format(fmt="%Y-%m-%d %H:00", sent="[SystemMessage(content=note), *state.messages]"))
    assert not _found(tmp_path / "c", MODULE_NODE.format(fmt="%H:%M", sent="state.messages + [SystemMessage(content=note)]"))


def test_another_key_of_the_state_is_not_its_conversation(tmp_path):
    assert not _found(tmp_path, MODULE_NODE.format(fmt="%H:%M", sent="[SystemMessage(content=note), *state['documents']]"))


def test_a_function_no_graph_runs_is_not_a_node(tmp_path):
    source = MODULE_NODE.format(fmt="%H:%M", sent="[SystemMessage(content=note), *state.messages]")
    assert not _found(tmp_path, source.replace("builder.add_node('answer', answer)", "builder.add_node('other', print)"))


def test_the_class_shape_fires_once_per_clock(tmp_path):
    found = _found(tmp_path, shapes.graph())
    assert [d.loc.row for d in found] == [23], found
    assert "(about $" in found[0].message  # gpt-4o-mini's price: the money per 1,000 tokens of history


def test_a_chat_page_resending_the_session_behind_a_new_clock_fires_and_a_fresh_list_does_not(tmp_path):
    fires = shapes.CHAT.format(stamp="{datetime.now():%H:%M}", sent="[SystemMessage(content=guide), *st.session_state.turns]")
    found = _found(tmp_path / "a", fires)
    assert [d.loc.row for d in found] == [10], found
    assert "the clock to the minute" in found[0].message
    assert not _found(tmp_path / "b", fires.replace("ChatOpenAI(model='gpt-4o-mini')", "ChatOpenAI(model='llama3', base_url='http://localhost:8000/v1')"))


def test_the_state_conversation_behind_another_list_of_the_state(tmp_path):
    found = _found(tmp_path, MODULE_NODE.format(fmt="%H:%M:%S", sent="[SystemMessage(content=note)] + state.summary + state.messages"))
    assert [d.loc.row for d in found] == [9], found
    assert "ahead of `state.messages`" in found[0].message


def test_the_checkpointer_of_another_graph_of_the_file_is_not_this_ones(tmp_path):
    source = MODULE_NODE.format(fmt="%H:%M", sent="[SystemMessage(content=note), *state.messages]")
    other = source.replace("app = builder.compile(checkpointer=MemorySaver())", "app = builder.compile()\nkept = StateGraph(dict).compile(checkpointer=MemorySaver())")
    assert not _found(tmp_path, other)


def _template_found(tmp_path, **parts):
    write_project(tmp_path, suite=False, example=shapes.template(**parts))
    return lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics


def test_the_react_agent_template_names_the_clock_a_template_it_cannot_read_is_filled_with(tmp_path):
    # the model made by another module's helper, the system message a plain dict, the prompt a setting
    found = _template_found(tmp_path)
    assert len(found) == 1, found
    assert (found[0].loc.path.endswith("graph.py"), found[0].loc.row) == (True, 11)
    assert "`datetime.now(tz=UTC).isoformat()`, the clock to the microsecond, sits in the system prompt ahead of `state.messages`" in found[0].message


def test_the_template_stays_silent_where_its_evidence_is_missing(tmp_path):
    # a readable template with no field for the clock; the clock to the hour; an older OpenAI route through a gateway
    assert not _template_found(tmp_path / "a", template="'Answer briefly.'")
    assert not _template_found(tmp_path / "b", stamp="datetime.now(tz=UTC).strftime('%Y-%m-%d %H:00')")
    assert not _template_found(tmp_path / "c", model="ChatOpenAI(model='gpt-4o-mini', base_url='https://openrouter.ai/api/v1')")
    # the state rebuilt per run: the node's list is not the graph's conversation
    assert not _template_found(tmp_path / "d", sent="[{'role': 'system', 'content': system_message}, *state.documents]")


def test_a_readable_template_keeps_only_the_fields_it_names():
    from claude_lint.checks.cache_prefix_history import _filled
    from claude_lint.facts import Dynamic, Text, Transform
    now, user = Dynamic("datetime.now()", None), Dynamic("user.name", None)
    fields = (("now", now), ("user", user))
    assert _filled(Transform("format", Text(("Time: {now}",), None), None, fields)) == (now,)
    assert _filled(Transform("format", object(), None, fields)) == (now, user)


def test_a_node_the_graph_brings_back_through_a_reviewer_still_names_the_clock(tmp_path):
    # The edge back through another model node also gives the model the state's conversation
    # as its own history (CL011's reading): CL006 still reads the node's system text ahead of it
    # (CarolinaCapilla/sidekick-ai-assistant's worker and evaluator, judged right).
    reviewed = MODULE_NODE.format(fmt="%H:%M:%S", sent="[SystemMessage(content=note), *state['messages']]").replace(
        "builder.add_edge(START, 'answer')\n",
        "builder.add_edge(START, 'answer')\n\ndef review(state):\n    return {'messages': [llm.invoke(state['messages'])]}\n\n"
        "builder.add_node('review', review)\nbuilder.add_edge('answer', 'review')\nbuilder.add_edge('review', 'answer')\n")
    found = _found(tmp_path, reviewed)
    assert [d.loc.row for d in found] == [9], found
    assert "the clock to the second" in found[0].message
