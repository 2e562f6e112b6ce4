"""What a request's prefix holds when the code picks it per turn or among several texts
(issues 15/16, session 11), read through the real engine:
- CL011: a function that makes one turn's request (handed the caller's conversation) and
  builds its system prompt from what it retrieves for that turn: the prefix ahead of the
  conversation is new on every request, so a breakpoint behind it is never read;
- CL012: a user turn bound to one of several texts (a variant for a reply) that all open
  with the same long guide: the head they share is resent whichever is sent;
- CL013: a cached system block picked among short prompts: the longest is below the minimum."""
from __future__ import annotations

import pytest

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
GUIDE = "Answer questions about the Acme framework from its documentation only. " * 200

# conversational RAG: each call is one turn of the caller's conversation
TURN = (HEAD + f"GUIDE = {GUIDE!r}\n" + "def turn(history, question, tone):\n    BUILD\n"
        "    history.append({'role': 'user', 'content': question})\n"
        "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=800, system=SYSTEM, messages=history)\n"
        "    history.append({'role': 'assistant', 'content': reply.content[0].text})\n    return reply\n\n"
        "history = []\nfor q in ['What is Acme?', 'Who wrote it?', 'Which license?']:\n    turn(history, q, 'plain')\n")


def findings(project, source: str, rule: str):
    found = project({"app.py": source}, select=(rule,))
    return [(d.loc.row, d.message, d.fix) for d in found.diagnostics if d.code == rule]


@pytest.mark.parametrize("build, system", [
    # documents found for the question, gathered into a text the function grows
    ("context = ''\n    for doc in search(question):\n        context += doc + '\\n'", "f'{GUIDE}\\nDocuments:\\n{context}'"),
    # fetched by one call with the question
    ("docs = index.query(question, top_k=3)", "f'{GUIDE}\\nDocuments:\\n{docs}'"),
    # the clock to the second
    ("import datetime\n    now = datetime.datetime.now()", "f'{GUIDE}\\nNow: {now}'"),
])
def test_a_system_prompt_rebuilt_each_turn_leaves_the_conversation_uncached_unreported(project, build, system):
    assert findings(project, TURN.replace("BUILD", build).replace("SYSTEM", system), "CL011") == []


def test_a_system_prompt_fixed_for_the_conversation_leaves_it_reported(project):
    source = TURN.replace("BUILD", "pass").replace("SYSTEM", "GUIDE")
    rows = sorted(row for row, _, _ in findings(project, source, "CL011"))
    assert rows and all("the caller's list" in message for _, message, _ in findings(project, source, "CL011"))


def test_a_parameter_in_the_system_prompt_is_judged_at_the_caller_that_passes_it(project):
    """The request alone cannot tell a parameter from a text it builds: the caller shows
    `tone` is the same on every turn, and the finding is there."""
    source = TURN.replace("BUILD", "pass").replace("SYSTEM", "f'{GUIDE}\\nTone: {tone}'")
    rows = [row for row, _, _ in findings(project, source, "CL011")]
    assert rows and all(row >= 10 for row in rows)


REPLY = (HEAD + f"GUIDE = {GUIDE!r}\n" + "def answer(q, earlier=None):\n    content = f'{GUIDE}\\n\\nQuestion: {q}'\n"
         "    if earlier:\n        content = SECOND\n"
         "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=[{'role': 'user', 'content': content}])\n")


def test_a_head_every_variant_of_the_user_turn_shares_is_reported_without_a_fix(project):
    found = findings(project, REPLY.replace("SECOND", "f'{GUIDE}\\n\\nEarlier: {earlier}\\n\\nQuestion: {q}'"), "CL012")
    assert [(row, fix) for row, _, fix in found] == [(8, None)]
    assert "fixed head of the user turn" in found[0][1]


@pytest.mark.parametrize("second", [
    "f'Earlier: {earlier}\\n\\n{GUIDE}\\n\\nQuestion: {q}'",  # the variant opens with the earlier message
    "thread_prompt(earlier, q)",  # built by a helper not read
])
def test_variants_sharing_no_head_are_not_reported(project, second):
    assert findings(project, REPLY.replace("SECOND", second), "CL012") == []


def test_a_shared_head_short_of_the_minimum_is_not_added_to_the_tools(project):
    """Each part under the minimum, together over it: a reviewer's call where the head is one
    several texts share (single-file-agents' seed message rewritten each step)."""
    tools = [{"name": f"lookup_{i}", "description": "Look up an order by its id and return the record. " * 9,
              "input_schema": {"type": "object"}} for i in range(8)]
    source = (REPLY.replace(f"GUIDE = {GUIDE!r}", f"GUIDE = {GUIDE[:6000]!r}\nTOOLS = {tools!r}")
              .replace("messages=[{'role'", "tools=TOOLS, messages=[{'role'"))
    written_once = source.replace("    if earlier:\n        content = SECOND\n", "")
    assert [row for row, _, _ in findings(project, written_once, "CL012")] == [7]
    assert findings(project, source.replace("SECOND", "f'{GUIDE}\\n\\nEarlier: {earlier}\\n\\nQuestion: {q}'"), "CL012") == []


ROUTER = (HEAD + "SHORT = 'Pick the team for this ticket: 1 billing, 2 bugs, 3 other. Digit only.'\n"
          "LONGER = 'You triage support tickets for Acme between billing, bugs and other requests. Reply with one digit.'\n"
          "def route(ticket, careful=False):\n"
          "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=5, messages=[{'role': 'user', 'content': ticket}],\n"
          "        system=[{'type': 'text', 'text': CHOICE, 'cache_control': {'type': 'ephemeral'}}])\n")


def test_a_breakpoint_after_the_longest_of_short_prompts_is_reported(project):
    found = findings(project, ROUTER.replace("CHOICE", "LONGER if careful else SHORT"), "CL013")
    assert len(found) == 1 and "with the longest of the 2 texts the code may send there" in found[0][1]


@pytest.mark.parametrize("choice", [f"{GUIDE!r} if careful else SHORT", "read_prompt() if careful else SHORT"])
def test_a_choice_that_may_be_long_enough_is_not_reported(project, choice):
    assert findings(project, ROUTER.replace("CHOICE", choice), "CL013") == []
