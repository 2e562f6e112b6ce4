"""A growing conversation resent behind a head of fixed messages (issues 15/16): a list
started from literal messages and then extended with the whole history where it is started
(`sent = [system]; sent.extend(history)`, `sent += history`) is a copy of that history, and
a wrapper handed `[system] + messages` by its caller keeps the caller's head. Read through
the real engine by CL006 (a clock ahead of the resent history) and CL004 (no bound)."""
from __future__ import annotations

import pytest

# A tool loop (dodokolu's agent): each turn rebuilds a system message stamped with the clock,
# then sends it ahead of the whole conversation, which grows round the loop.
LOOP = (
    "from datetime import datetime\nfrom openai import OpenAI\n\nclient = OpenAI()\n\n\n"
    "def stream_response(messages):\n"
    "    full_messages = list(messages)\n"
    "    while True:\n"
    "        sent = [{'role': 'system', 'content': f'You are a helpful assistant. Now: {datetime.now():%H:%M:%S}'}]\n"
    "        EXTEND\n"
    "        reply = client.chat.completions.create(model='gpt-5.4', max_completion_tokens=512, messages=sent)\n"
    "        full_messages.append({'role': 'assistant', 'content': reply.choices[0].message.content})\n"
    "        HELPER\n"
    "        full_messages.append({'role': 'user', 'content': input()})\n"
)
# A helper of the same file handed the conversation (a tool runner), defined before the loop.
RUNNER = "def run_tools(calls, history):\n    BODY\n    return [c for c in calls]\n\n\n"


def findings(project, files, rule):
    found = project(files, select=(rule,))
    return [(d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found.diagnostics if d.code == rule]


def loop(extend: str, helper: str = "pass", body: str = "") -> dict:
    source = LOOP.replace("EXTEND", extend).replace("HELPER", helper)
    if body:
        source = source.replace("\n\ndef stream_response", "\n\n" + RUNNER.replace("BODY", body) + "def stream_response")
    return {"agent.py": source}


@pytest.mark.parametrize("extend", ["sent.extend(full_messages)", "sent += full_messages"])
def test_a_literal_head_extended_with_the_growing_conversation_resends_it(project, extend):
    assert findings(project, loop(extend), "CL006") == [("agent.py", 10)]


@pytest.mark.parametrize("extend", [
    "sent.extend(full_messages[-10:])",  # a window: bounded, and its start moves anyway
    "sent.extend([{'role': 'user', 'content': 'Go on.'}])",  # a fresh list, not the conversation
    "sent.append({'role': 'user', 'content': 'Go on.'})",
])
def test_a_window_or_a_fresh_list_after_the_head_is_no_resent_conversation(project, extend):
    assert findings(project, loop(extend), "CL006") == []


def test_a_helper_that_never_uses_the_conversation_it_is_handed_does_not_bound_it(project):
    files = loop("sent.extend(full_messages)", "tools = run_tools([], full_messages)", body="print(calls)")
    assert findings(project, files, "CL006") == [("agent.py", 15)]


@pytest.mark.parametrize("body", ["del history[:-10]", "trim(history)", "history[:] = history[-10:]"])
def test_a_helper_that_touches_the_conversation_it_is_handed_may_bound_it(project, body):
    files = loop("sent.extend(full_messages)", "tools = run_tools([], full_messages)", body=body)
    assert findings(project, files, "CL006") == []


def test_an_endless_chat_extended_into_a_list_behind_its_head_is_unbounded(project):
    chat = (
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
        "def chat():\n"
        "    history = []\n"
        "    while True:\n"
        "        history.append({'role': 'user', 'content': input()})\n"
        "        sent = [{'role': 'user', 'content': 'Rules: be brief.'}, {'role': 'assistant', 'content': 'OK.'}]\n"
        "        sent.extend(history)\n"
        "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=512, messages=sent)\n"
        "        history.append({'role': 'assistant', 'content': reply.content})\n"
    )
    assert findings(project, {"chat.py": chat}, "CL004") == [("chat.py", 12)]
    windowed = chat.replace("sent.extend(history)", "sent.extend(history[-20:])")
    assert findings(project, {"chat.py": windowed}, "CL004") == []


# A provider module whose wrapper puts a system message ahead of the conversation its caller
# hands it, then passes the combined list to the function that makes the request.
PROVIDERS = (
    "from datetime import datetime\n\nfrom openai import OpenAI\n\nclient = OpenAI()\n\n\n"
    "def make_request(messages):\n"
    "    return client.chat.completions.create(model='gpt-5.4', max_completion_tokens=1024, messages=messages)\n\n\n"
    "def process_request(messages):\n"
    "    combined = COMBINED\n"
    "    return make_request(combined)\n"
)
CHAT = (
    "from providers import process_request\n\n\n"
    "class Chat:\n    def __init__(self):\n        self.messages = []\n\n"
    "    def ask(self, text):\n"
    "        self.messages.append({'role': 'user', 'content': text})\n"
    "        answer = process_request(self.messages)\n"
    "        self.messages.append({'role': 'assistant', 'content': answer})\n"
    "        return answer\n"
)
CLOCK = "{'role': 'system', 'content': f'You are terse. Now: {datetime.now():%H:%M:%S}'}"


def handed(project, combined: str):
    return findings(project, {"providers.py": PROVIDERS.replace("COMBINED", combined), "chat.py": CHAT}, "CL006")


@pytest.mark.parametrize("combined", [f"[{CLOCK}] + messages", f"[{CLOCK}, *messages]"])
def test_a_wrapper_keeps_the_head_it_puts_before_the_callers_conversation(project, combined):
    assert handed(project, combined) == [("providers.py", 13)]


@pytest.mark.parametrize("combined", [
    f"[{CLOCK}] + messages[-10:]",  # a window of the caller's conversation
    "[{'role': 'system', 'content': 'You are terse.'}] + messages",  # a fixed head: nothing changes ahead of the history
    f"[{CLOCK}, {{'role': 'user', 'content': messages[-1]['content']}}]",  # only the newest turn
])
def test_a_window_a_fixed_head_or_the_last_turn_handed_on_is_silent(project, combined):
    assert handed(project, combined) == []
