"""A conversation passed from wrapper to wrapper with the values around it: a wrapper that
spreads the list it is handed whole into the one it passes on (`[system] + messages`,
`[system, *messages]`) still resends the caller's growing conversation (CL011)."""
from __future__ import annotations

import pytest

PROVIDERS = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
    "def make_request(messages):\n"
    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n\n\n"
    "def process_request(system_message, messages):\n"
    "    combined = COMBINED\n"
    "    return make_request(combined)\n"
)
CHAT = (
    "from providers import process_request\n\n\n"
    "class Chat:\n    def __init__(self):\n        self.messages = []\n\n"
    "    def ask(self, text):\n"
    "        self.messages.append({'role': 'user', 'content': text})\n"
    "        answer = process_request('You are terse.', self.messages)\n"
    "        self.messages.append({'role': 'assistant', 'content': answer})\n"
    "        return answer\n"
)
SYSTEM = "{'role': 'system', 'content': system_message}"


def conversation_findings(project, combined: str):
    found = project({"providers.py": PROVIDERS.replace("COMBINED", combined), "chat.py": CHAT}, select=("CL011",))
    return [(d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found.diagnostics if d.code == "CL011"]


@pytest.mark.parametrize("combined", [f"[{SYSTEM}] + messages", f"[{SYSTEM}, *messages]", "messages"])
def test_a_conversation_spread_whole_into_the_list_passed_on_is_reported_at_its_caller(project, combined):
    assert conversation_findings(project, combined) == [("chat.py", 10)]


@pytest.mark.parametrize("combined", [f"[{SYSTEM}] + messages[-10:]", f"[{SYSTEM}, {{'role': 'user', 'content': messages[-1]['content']}}]"])
def test_a_window_or_the_last_turn_passed_on_is_silent(project, combined):
    assert conversation_findings(project, combined) == []
