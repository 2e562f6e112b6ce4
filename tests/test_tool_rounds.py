"""One request's tool loop is not a conversation's turns (issue 16; 87Albert87/telegram-claude-bot
claude_client.py, LyonMoncef/TimeTV bot_core.py): CL004 says the list grows with every tool round
(a `while True` the model ends), not every turn, when nothing shows the turns grow it; CL011 reads
the function as one turn when its loop is only tool rounds over a conversation carried in, and a
system prompt rebuilt there by a helper of the file (the time to the second) is rebuilt every turn.
A helper counts where it is called: at import, or in `__init__`, it runs once."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

HEAD = "import anthropic, datetime\nclient = anthropic.Anthropic()\nRULES = '" + "You are the assistant of the Acme store. " * 40 + "'\n\n\n"
CLOCK = "def build_system():\n    now = datetime.datetime.now()\n    return f'Now: {now:%H:%M:%S}\\n{RULES}'\n\n\n"
TURN = ("def answer(chat_id, question):\n    SYSTEM\n    LIST\n    history.append({'role': 'user', 'content': question})\n    while True:\n"
        "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=system, tools=TOOLS, messages=history)\n"
        "        history.append({'role': 'assistant', 'content': reply.content})\n        if reply.stop_reason != 'tool_use':\n            break\n"
        "        history.append({'role': 'user', 'content': run_tools(reply)})\n    return reply\n")
WINDOWED = "history = get_history(chat_id)\n    history[:] = history[-35:]"
READER = "def get_history(chat_id):\n    return load_history(chat_id)\n\n\n"


def findings(tmp_path, source: str, rule: str) -> list:
    write_project(tmp_path, {"bot.py": source}, suite=False)
    return [d.message for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule]


def test_cl004_names_the_tool_rounds_of_one_request(tmp_path):
    found = findings(tmp_path, HEAD + READER + TURN.replace("SYSTEM", "system = RULES").replace("LIST", WINDOWED), "CL004")
    assert len(found) == 1 and found[0].startswith("`history` grows with every tool round of one request (a tool loop with no step cap at line")
    assert "grows every turn" not in found[0] and "for as long as the model keeps calling tools" in found[0]


def test_cl004_still_names_the_turns_of_a_repl_around_the_tool_loop(tmp_path):
    repl = (HEAD + "messages = []\nwhile True:\n    messages.append({'role': 'user', 'content': input('> ')})\n    while True:\n"
            "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)\n"
            "        messages.append({'role': 'assistant', 'content': reply.content})\n        if reply.stop_reason != 'tool_use':\n            break\n"
            "        messages.append({'role': 'user', 'content': run_tools(reply)})\n")
    found = findings(tmp_path, repl, "CL004")
    assert len(found) == 1 and "grows every turn (kept across the turns of a loop with no bound" in found[0]


@pytest.mark.parametrize("system, made", [
    ("system = build_system()", WINDOWED),  # the chat bot's turn: the clock stamped anew ahead of the stored conversation
    ("system = build_system()", "history = load_history(chat_id)"),
])
def test_cl011_silent_when_the_turn_rebuilds_the_system_prompt_through_a_helper(tmp_path, system, made):
    assert findings(tmp_path, HEAD + CLOCK + READER + TURN.replace("SYSTEM", system).replace("LIST", made), "CL011") == []


@pytest.mark.parametrize("source", [
    # the helper runs once, at import: the prefix is the same every turn
    HEAD + CLOCK + "SYSTEM = build_system()\n\n\n" + READER + TURN.replace("SYSTEM", "system = SYSTEM").replace("LIST", WINDOWED),
    # a helper returning a fixed text
    HEAD + "def build_system():\n    return RULES + 'Be brief.'\n\n\n" + READER + TURN.replace("SYSTEM", "system = build_system()").replace("LIST", WINDOWED),
    # one question's tool loop on a list made for it: its rounds share the system prompt
    HEAD + CLOCK + TURN.replace("SYSTEM", "system = build_system()").replace("LIST", "history = []"),
    # the object's system prompt, built by the helper once in __init__
    HEAD + CLOCK + "class Bot:\n    def __init__(self):\n        self.system = build_system()\n        self.history = []\n\n"
    "    def chat(self, text):\n        self.history.append({'role': 'user', 'content': text})\n"
    "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=self.system, messages=self.history)\n"
    "        self.history.append({'role': 'assistant', 'content': reply.content})\n        return reply\n",
])
def test_cl011_fires_when_the_helper_text_is_the_same_every_turn(tmp_path, source):
    assert len(findings(tmp_path, source, "CL011")) == 1


# The loop of the Anthropic docs: `while reply.stop_reason == "tool_use"` goes round while the model
# asks for tools, its test ends it (rohillasandeep/Prompt-Engineering-Bedrock-Converse-API's converse_multi).
TESTED = ("def solve(question):\n    messages = [{'role': 'user', 'content': question}]\n"
          "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)\n"
          "    while reply.stop_reason == 'tool_use':\n        messages.append({'role': 'assistant', 'content': reply.content})\n"
          "        messages.append({'role': 'user', 'content': run_tools(reply)})\n"
          "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)\n    return reply\n")


def test_a_loop_its_test_ends_when_the_model_stops_calling_tools_is_said_as_tool_rounds(tmp_path):
    found = findings(tmp_path, HEAD + TESTED, "CL004")
    assert found and all(m.startswith("`messages` grows with every tool round of one request (a tool loop with no step cap at line 9") for m in found), found
    said = findings(tmp_path, HEAD + TESTED, "CL011")
    assert said and all("grows with every tool round of one request (the tool loop at line 9, ended only by the model" in m for m in said), said


def test_a_repl_around_such_a_loop_still_grows_every_turn(tmp_path):
    repl = HEAD + TESTED.replace("def solve(question):\n    messages = [{'role': 'user', 'content': question}]\n",
                                 "messages = []\nwhile True:\n    messages.append({'role': 'user', 'content': input('> ')})\n").replace("    return reply\n", "")
    found = findings(tmp_path, repl, "CL004")
    assert found and all("grows every turn (kept across the turns of a loop with no bound" in m for m in found), found
