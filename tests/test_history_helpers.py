"""A conversation handed to a helper of the file (issue 16): one that only appends to it (the
tool results) or reads it cannot bound it, nor can one that hands it back grown
(`messages = process_tool_calls(calls, messages)`, Struki84/exa's search REPL); one that may
remove messages, rebinds it, or hands back something else may (a window, a summary)."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

SOURCE = ("import anthropic\nclient = anthropic.Anthropic()\n\n\ndef run_tools(reply, messages):\n    BODY\n\n\n"
          "def main():\n    messages = []\n    while True:\n        messages.append({'role': 'user', 'content': input()})\n"
          "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n"
          "        messages.append({'role': 'assistant', 'content': reply.content})\n        CALL\n")
APPENDS = "for block in reply.content:\n        messages.append({'role': 'user', 'content': str(block)})"


def rows(tmp_path, body: str, call: str, rule: str) -> list:
    write_project(tmp_path, {"repl.py": SOURCE.replace("BODY", body).replace("CALL", call)}, suite=False)
    return [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule]


@pytest.mark.parametrize("body, call", [
    (APPENDS + "\n    return messages", "messages = run_tools(reply, messages)"),  # handed back grown
    (APPENDS, "run_tools(reply, messages)"),  # grown in place
    ("print(len(messages))\n    return messages", "messages = run_tools(reply, messages)"),  # handed back as it was
])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_helper_that_only_adds_to_the_list_does_not_bound_it(tmp_path, rule, body, call):
    request = SOURCE.replace("BODY", body).splitlines().index("        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)")
    assert rows(tmp_path, body, call, rule) == [request + 1]


@pytest.mark.parametrize("body, call", [
    ("return messages[-10:]", "messages = run_tools(reply, messages)"),  # a window handed back
    ("messages.pop(0)\n    return messages", "messages = run_tools(reply, messages)"),  # cut in place
    ("del messages[:2]", "run_tools(reply, messages)"),
    ("shorten(messages)\n    return messages", "messages = run_tools(reply, messages)"),  # handed on: that call may cut it
    ("return [summarise(messages)]", "messages = run_tools(reply, messages)"),
])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_helper_that_may_cut_the_list_bounds_it(tmp_path, rule, body, call):
    assert rows(tmp_path, body, call, rule) == []


# A coding assistant's object: `reset_history()` clears the list and puts the system message
# back (pavel444-byte/WTFCode); each question appends to it and the answer too.
RESEED = ("import anthropic\n\n\nclass Assistant:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n"
          "        self.history = []\n        self.reset_history()\n\n    def reset_history(self):\n        self.history.clear()\n"
          "        self.history.append({'role': 'user', 'content': 'You review code.'})\n\n    def ask(self, text):\n        CALL"
          "self.history.append({'role': 'user', 'content': text})\n"
          "        reply = self.client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=self.history)\n"
          "        self.history.append({'role': 'assistant', 'content': reply.content})\n")


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_method_that_starts_the_list_over_and_seeds_it_runs_no_turn(tmp_path, rule):
    write_project(tmp_path, {"assistant.py": RESEED.replace("CALL", "")}, suite=False)
    assert [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule] == [16]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_restart_on_every_question_bounds_it(tmp_path, rule):
    write_project(tmp_path, {"assistant.py": RESEED.replace("CALL", "self.reset_history()\n        ")}, suite=False)
    assert [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule] == []


# A REPL whose `/load` command puts a saved conversation in the list's place: between two
# loads the list grows every turn, as between two resets.
LOADING = ("import anthropic\nclient = anthropic.Anthropic()\nmessages = []\nwhile True:\n    text = input()\n"
           "    if text.startswith('/load '):\n        messages = saved_chat(text[6:])\n        continue\n"
           "    messages.append({'role': 'user', 'content': text})\n"
           "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n"
           "    messages.append({'role': 'assistant', 'content': reply.content})\n")


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_conversation_the_user_may_replace_by_a_command_still_grows(tmp_path, rule):
    write_project(tmp_path, {"repl.py": LOADING}, suite=False)
    assert [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule] == [10]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_conversation_replaced_on_every_turn_is_bounded(tmp_path, rule):
    every = LOADING.replace("    if text.startswith('/load '):\n        messages = saved_chat(text[6:])\n        continue\n",
                            "    messages = saved_chat(text)\n")
    write_project(tmp_path, {"repl.py": every}, suite=False)
    assert [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule] == []


# A REPL streaming each answer: the request is the iterable of the loop over its chunks, and
# the turn is the loop around that one.
STREAMED = ("import litellm\n\n\nasync def chat():\n    messages = []\n    while True:\n"
            "        messages.append({'role': 'user', 'content': input()})\n        answer = ''\n"
            "        async for chunk in await litellm.acompletion(model='anthropic/claude-sonnet-4-5', max_tokens=800, messages=SENT, stream=True):\n"
            "            answer += chunk.choices[0].delta.content or ''\n        messages.append({'role': 'assistant', 'content': answer})\n")


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_streamed_answer_is_one_turn_of_the_loop_around_it(tmp_path, rule):
    write_project(tmp_path, {"chat.py": STREAMED.replace("SENT", "messages")}, suite=False)
    assert [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule] == [9]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_streamed_window_is_silent(tmp_path, rule):
    write_project(tmp_path, {"chat.py": STREAMED.replace("SENT", "messages[-12:]")}, suite=False)
    assert [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule] == []
