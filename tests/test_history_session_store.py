"""CL004 on a conversation kept in a chat framework's session store (blind set 7, issue 16:
noor-un-nisa5's Chainlit chat reads `cl.user_session.get("history")`, adds the turn, sends
it whole and sets it back). Through the real engine, beside a window, a history never set
back, and another key of the same session."""
from __future__ import annotations

import pytest

from conftest import lint_tree, write_project

HANDLER = ("import chainlit as cl\nfrom litellm import completion\n\n@cl.on_message\nasync def handle(msg: cl.Message):\n"
           "    conversation = cl.user_session.get('{key}'){default}\n    conversation.append({{'role': 'user', 'content': msg.content}})\n"
           "    reply = completion(model='gpt-4o', messages={sent}, max_tokens=300)\n"
           "    conversation.append({{'role': 'assistant', 'content': reply.choices[0].message.content}})\n"
           "    {store}.set('{key}', conversation)\n")


def findings(tmp_path, **parts) -> list:
    values = dict(key="history", default=" or []", sent="conversation", store="cl.user_session")
    values.update(parts)
    write_project(tmp_path, {"app.py": HANDLER.format(**values)}, suite=False)
    return [(d.loc.row, d.message) for d in lint_tree(tmp_path, suite=False, select=("CL004",)).diagnostics]


@pytest.mark.parametrize("default", [" or []", ""])
def test_a_session_conversation_read_whole_and_set_back_grows(tmp_path, default):
    [(row, message)] = findings(tmp_path, default=default)
    assert row == 8
    assert "read whole by `cl.user_session.get` before the request and written back by `cl.user_session.set` at line 10" in message


@pytest.mark.parametrize("parts", [
    dict(sent="conversation[-10:]"),  # a window is sent
    dict(store="cache"),  # set back on another object: the session's list never grows
    dict(key="profile"),  # a key that names no conversation
])
def test_a_window_another_store_or_key_stays_silent(tmp_path, parts):
    assert findings(tmp_path, **parts) == []
