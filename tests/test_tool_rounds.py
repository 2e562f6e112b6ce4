"""One request's tool loop is not a conversation's turns (issue 16; 87Albert87/telegram-claude-bot
claude_client.py, LyonMoncef/TimeTV bot_core.py): CL004 says the list grows with every tool round
(a `while True` the model ends), not every turn, when nothing shows the turns grow it."""
from __future__ import annotations

from conftest import lint_tree, write_project

HEAD = "import anthropic, datetime\nclient = anthropic.Anthropic()\nRULES = '" + "You are the assistant of the Acme store. " * 40 + "'\n\n\n"
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
