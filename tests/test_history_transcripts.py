"""Conversations CL011 missed on held-out code (issue 16): a transcript kept as one string in
Streamlit's session, seeded empty and grown with `+=`, handed to a wrapper whose request makes
it the user turn's whole text; and a prebuilt agent (LangGraph's `create_react_agent`,
LangChain's `create_agent`) given tools over a Claude chat model, whose own loop resends each
run's growing messages."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

ASK = ("def ask(text, client):\n"
       "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system='You interview candidates.',\n"
       "                                  messages=[{'role': 'user', 'content': TEXT}])\n")
# an interview kept as one text: each answer and each question appended, the whole resent
INTERVIEW = ("import streamlit as st\nimport anthropic\nfrom helpers.ask import ask\n\nclient = anthropic.Anthropic()\n"
             "if 'log' not in st.session_state:\n    st.session_state.log = SEED\nheard = st.text_input('You')\nif heard:\n"
             "    st.session_state.log += '\\nCandidate: ' + heard\n    reply = ask(st.session_state.log, client)\n"
             "    st.session_state.log += '\\nInterviewer: ' + reply.content[0].text\n")


def found(tmp_path, files: dict, rule: str) -> list:
    write_project(tmp_path, files, suite=False)
    return [(d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule]


@pytest.mark.parametrize("seed", ["''", "None"])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_transcript_string_grown_in_the_session_is_resent_whole(tmp_path, rule, seed):
    files = {"helpers/ask.py": ASK.replace("TEXT", "text"), "app.py": INTERVIEW.replace("SEED", seed)}
    assert found(tmp_path, files, rule) == [("app.py", 11)]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_transcript_reset_to_a_summary_is_bounded(tmp_path, rule):
    # rewritten from a helper's result: it may be a summary of the interview so far
    files = {"helpers/ask.py": ASK.replace("TEXT", "text"),
             "app.py": INTERVIEW.replace("SEED", "''") + "    st.session_state.log = shorten(st.session_state.log)\n"}
    assert found(tmp_path, files, rule) == []


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_wrapper_sending_part_of_the_text_is_silent(tmp_path, rule):
    files = {"helpers/ask.py": ASK.replace("TEXT", "text[-4000:]"), "app.py": INTERVIEW.replace("SEED", "''")}
    assert found(tmp_path, files, rule) == []


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_question_asked_afresh_each_turn_is_silent(tmp_path, rule):
    # the wrapper's text parameter alone is no conversation: the caller's value decides
    app = ("import streamlit as st\nimport anthropic\nfrom helpers.ask import ask\n\nclient = anthropic.Anthropic()\n"
           "question = st.text_input('You')\nif question:\n    st.write(ask(question, client).content[0].text)\n")
    assert found(tmp_path, {"helpers/ask.py": ASK.replace("TEXT", "text"), "app.py": app}, rule) == []


REACT = ("from langchain_anthropic import ChatAnthropic\nfrom langgraph.prebuilt import create_react_agent\n\n"
         "model = ChatAnthropic(model=MODEL)\ngraph = create_react_agent(model, TOOLS)\n")


def test_a_react_agent_over_a_claude_model_resends_its_steps(tmp_path):
    assert found(tmp_path, {"agent.py": REACT.replace("MODEL", "'claude-sonnet-4-6'").replace("TOOLS", "[search]")}, "CL011") == [("agent.py", 4)]


@pytest.mark.parametrize("model, tools", [
    ("'claude-sonnet-4-6'", "[]"),  # no tools: one request per run
    ("'gpt-4o'", "[search]"),  # not a Claude model (ChatAnthropic's ID says so)
])
def test_a_react_agent_with_nothing_to_cache_is_silent(tmp_path, model, tools):
    assert found(tmp_path, {"agent.py": REACT.replace("MODEL", model).replace("TOOLS", tools)}, "CL011") == []


def test_a_react_agent_run_is_bounded_for_cl004(tmp_path):
    # the agent's step limit ends each run: CL011's growing prefix, not CL004's unbounded list
    assert found(tmp_path, {"agent.py": REACT.replace("MODEL", "'claude-sonnet-4-6'").replace("TOOLS", "[search]")}, "CL004") == []


def test_an_agent_with_the_caching_middleware_is_silent(tmp_path):
    source = ("from langchain.agents import create_agent\nfrom langchain_anthropic import ChatAnthropic\n"
              "from langchain_anthropic.middleware import AnthropicPromptCachingMiddleware\n\n"
              "agent = create_agent(model=ChatAnthropic(model='claude-sonnet-4-6'), tools=[lookup],\n"
              "                     middleware=[AnthropicPromptCachingMiddleware()])\n")
    assert found(tmp_path, {"agent.py": source}, "CL011") == []


@pytest.mark.parametrize("text", ["text", "f'{text}'"])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_an_f_string_of_the_parameter_alone_is_its_whole_text(tmp_path, rule, text):
    # a voice assistant's transcript grown at module level in a `while True` loop (held-out GrootAi's shape)
    files = {"helpers/ask.py": ASK.replace("TEXT", text),
             "talk.py": "import anthropic\nfrom helpers.ask import ask\n\nclient = anthropic.Anthropic()\nlog = 'Interview notes.'\nwhile True:\n"
                        "    log += '\\nCandidate: ' + input()\n    reply = ask(log, client)\n    log += '\\nInterviewer: ' + reply.content[0].text\n"}
    assert found(tmp_path, files, rule) == [("talk.py", 8)]

