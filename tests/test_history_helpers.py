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
