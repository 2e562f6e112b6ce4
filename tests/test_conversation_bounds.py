"""Loops that bound a conversation or never grow it, and one conversation said once (CL004, CL011):
a counter compared in a conjunct of a `while` caps it; a tool loop whose request offers only
server tools never goes round; an object's list started afresh by a run of capped steps lives
one run; a wrapper's calls that hand the same list, or a request resending only its caller's
list, give one finding."""
from __future__ import annotations

import ast

import pytest
from conftest import lint_tree, write_project

from claude_lint.checks import conversation_bounds_examples as ex
from claude_lint.extract import loops


def found(tmp_path, files: dict, rule: str) -> list:
    write_project(tmp_path, files, suite=False)
    return sorted((d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics)


def loop_of(code: str) -> ast.AST:
    return next(n for n in ast.walk(ast.parse(code)) if isinstance(n, (ast.While, ast.For)))


@pytest.mark.parametrize("code, bound", [
    ("while reply.stop_reason == 'tool_use' and rounds < 3:\n    rounds += 1\n", "while rounds < 3"),
    ("while pending and not done and step <= limit:\n    step += 1\n", "while step <= limit"),
    ("while reply.stop_reason == 'tool_use' or rounds < 3:\n    rounds += 1\n", ""),
    ("while reply.stop_reason == 'tool_use' and rounds < 3:\n    pass\n", ""),  # never counted: no cap
])
def test_a_counter_in_a_conjunct_caps_the_loop(code, bound):
    assert loops.bound(loop_of(code)) == bound


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_loop_offering_only_server_tools_never_grows_the_list(tmp_path, rule):
    assert found(tmp_path, {"app.py": ex.SEARCH}, rule) == []
    inline = ex.SEARCH.replace("tools=tools", "tools=[{'type': 'web_fetch_20250910', 'name': 'web_fetch'}]")
    assert found(tmp_path, {"app.py": inline}, rule) == []


@pytest.mark.parametrize("tools", [
    "[{'type': 'web_search_20250305', 'name': 'web_search'}, {'name': 'lookup', 'input_schema': {}}]",  # a client tool too
    "[{'type': 'bash_20250124', 'name': 'bash'}]",  # Anthropic-defined, run by the client: stops with tool_use
    "load_tools()",  # not written here
])
def test_a_client_tool_makes_it_a_tool_loop(tmp_path, tools):
    code = ex.SEARCH.replace("tools = [{'type': 'web_search_20250305', 'name': 'web_search', 'max_uses': 3}]", f"tools = {tools}")
    assert found(tmp_path, {"app.py": code}, "CL004") == [("app.py", 11)]


def test_an_object_list_started_afresh_by_a_capped_run_is_bounded(tmp_path):
    assert found(tmp_path, {"app.py": ex.RUN}, "CL004") == []
    assert found(tmp_path, {"app.py": ex.RUN}, "CL011") == [("app.py", 9)]  # still resent, uncached, step by step


@pytest.mark.parametrize("change", [
    ("for step in range(max_steps):", "while True:"),  # the run has no cap
    ("        self.history = [{'role': 'user', 'content': task}]\n", "        self.history.append({'role': 'user', 'content': task})\n"),  # never restarted
])
def test_a_run_without_a_cap_or_a_fresh_start_still_fires(tmp_path, change):
    assert found(tmp_path, {"app.py": ex.RUN.replace(*change)}, "CL004") == [("app.py", 9)]


def test_a_helper_asked_outside_the_run_still_fires(tmp_path):
    assert found(tmp_path, {"app.py": ex.RUN_FOLLOWED}, "CL004") == [("app.py", 9)]


def test_a_handler_wired_to_its_box_is_said_once_where_it_hands_the_list(tmp_path):
    assert found(tmp_path, {"app.py": ex.WIRED}, "CL011") == [("app.py", 21)]


SERVICE = ("import anthropic\n\n\nclass Service:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
           "    def ask(self, messages):\n        tools = self.tools()\n        if tools:\n"
           "            return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=4096, system=SYSTEM, messages=messages, tools=tools)\n"
           "        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=4096, system=SYSTEM, messages=messages)\n\n"
           "    def tools(self):\n        return []\n\n\nSYSTEM = 'You answer questions about the shop.' * 40\n")
HANDLER = ("from service import Service\n\nservice = Service()\nhistory = []\n\n\ndef turn(text):\n"
           "    history.append({'role': 'user', 'content': text})\n    reply = service.ask(history)\n"
           "    history.append({'role': 'assistant', 'content': reply.content})\n    return reply\n")


def test_a_request_resending_its_callers_list_is_said_at_the_caller_once(tmp_path):
    # the caller's call is judged as the wrapper's first request and names the other: one finding
    assert found(tmp_path, {"service.py": SERVICE, "handler.py": HANDLER}, "CL011") == [("handler.py", 4)]  # at the list the caller hands


@pytest.mark.parametrize("name", ["COMPREHENSION", "FILTERED", "UNDONE", "RESTORED"])
def test_a_streamlit_session_list_copied_undone_or_restored_whole_still_grows(tmp_path, name):
    assert len(found(tmp_path, {"app.py": getattr(ex, name)}, "CL004")) == 1


@pytest.mark.parametrize("name, window", [
    ("COMPREHENSION", ("in st.session_state.messages]", "in st.session_state.messages[-20:]]")),
    ("FILTERED", ("in st.session_state.messages:", "in st.session_state.messages[-20:]:")),
    ("COMPREHENSION", ("for m in st.session_state.messages]", "for m in st.session_state.messages if keep(m)]")),  # filtered by what?
    ("UNDONE", ("st.session_state.messages.pop()", "st.session_state.messages.pop(0)")),
    ("RESTORED", ("saved[chosen][:]", "saved[chosen][-20:]")),
])
def test_a_window_of_the_session_list_or_a_trim_stays_silent(tmp_path, name, window):
    assert found(tmp_path, {"app.py": getattr(ex, name).replace(*window)}, "CL004") == []


def test_a_module_list_sent_by_two_endpoints_grows_in_both(tmp_path):
    assert found(tmp_path, {"app.py": ex.ENDPOINTS}, "CL004") == [("app.py", 14), ("app.py", 25)]
    trimmed = ex.ENDPOINTS.replace("    return reply.content[0].text\n", "    memory = memory[-20:]\n    return reply.content[0].text\n")
    assert found(tmp_path, {"app.py": trimmed}, "CL004") == []


@pytest.mark.parametrize("test", ['m["role"] != "system"', '"[note]" not in m["content"]'])
def test_a_copy_filtered_by_what_each_message_says_is_the_whole_list(tmp_path, test):
    code = ex.COMPREHENSION.replace("for m in st.session_state.messages]", f"for m in st.session_state.messages if {test}]")
    assert len(found(tmp_path, {"app.py": code}, "CL004")) == 1
    loop = ex.FILTERED.replace('m["role"] in ("user", "assistant")', test)
    assert len(found(tmp_path, {"app.py": loop}, "CL004")) == 1


def test_a_loop_copy_filtered_by_position_may_be_a_window(tmp_path):
    code = ex.FILTERED.replace("for m in st.session_state.messages:", "for i, m in enumerate(st.session_state.messages):").replace(
        'if m["role"] in ("user", "assistant"):', "if i >= len(st.session_state.messages) - 20:")
    assert found(tmp_path, {"app.py": code}, "CL004") == []


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_reader_querying_the_newest_rows_hands_a_window(tmp_path, rule):
    assert len(found(tmp_path, {"app.py": ex.LOADED_WHOLE}, rule)) == 1
    assert found(tmp_path, {"app.py": ex.LOADED_NEWEST}, rule) == []
    for limit in ("LIMIT 20", "LIMIT %s", "LIMIT :n"):
        assert found(tmp_path, {"app.py": ex.LOADED_NEWEST.replace("LIMIT ?", limit)}, rule) == []


@pytest.mark.parametrize("text, window", [
    ("SELECT role, content FROM turns WHERE chat = ? ORDER BY ts DESC LIMIT ?", True),
    ("select * from messages order by id desc limit 10", True),
    ("SELECT TOP 20 role FROM turns", True),
    ("SELECT role, content FROM turns WHERE chat = ?", False),
    ("the limit 20 of this text is no query", False),
])
def test_sql_window(text, window):
    from claude_lint.extract.sql_windows import sql_window

    assert sql_window(text) is window
