"""One question's tool loop is no conversation across turns (issue 16: CL004 on workshop and
tutorial agents): a `while` loop that reads no user message, runs the model's tool calls on a
list made afresh just ahead of it and stops when the model stops. CL004 stays silent there;
CL011 still reads the prefix each tool step resends. A list made before a REPL, a loop that
reads the user's next message, or a chat loop with no tools keeps firing."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

HEAD = "import anthropic\nclient = anthropic.Anthropic()\nTOOLS = []\n\n"
LOOP = ("    while True:\n        READ\n"
        "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)\n"
        "        messages.append({'role': 'assistant', 'content': reply.content})\n"
        "        if not any(b.type == 'tool_use' for b in reply.content):\n            return reply\n"
        "        messages.append({'role': 'user', 'content': [{'type': 'tool_result', 'tool_use_id': 'x', 'content': run(reply)}]})\n")


def codes(tmp_path, source: str) -> list:
    write_project(tmp_path, {"agent.py": source}, suite=False)
    return sorted({d.code for d in lint_tree(tmp_path, suite=False, select=("CL004", "CL011")).diagnostics})


def test_a_question_s_tool_loop_is_one_turn(tmp_path):
    source = HEAD + "def solve(task):\n    messages = [{'role': 'user', 'content': task}]\n" + LOOP.replace("READ", "pass")
    assert codes(tmp_path, source) == ["CL011"]


@pytest.mark.parametrize("source", [
    # the list outlives the question: made once at module level
    HEAD + "messages = []\n\ndef solve(task):\n    messages.append({'role': 'user', 'content': task})\n" + LOOP.replace("READ", "pass"),
    # the loop reads the user's next message: a chat's turns
    HEAD + "def chat():\n    messages = []\n" + LOOP.replace("READ", "messages.append({'role': 'user', 'content': input('> ')})"),
])
def test_a_list_that_outlives_the_question_still_grows(tmp_path, source):
    assert codes(tmp_path, source) == ["CL004", "CL011"]


def test_a_chat_loop_without_tools_is_not_a_tool_loop(tmp_path):
    source = (HEAD + "async def serve(ws):\n    messages = []\n    while True:\n        messages.append({'role': 'user', 'content': await ws.receive_text()})\n"
              "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n"
              "        messages.append({'role': 'assistant', 'content': reply.content})\n")
    assert "CL004" in codes(tmp_path, source)
