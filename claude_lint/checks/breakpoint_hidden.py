"""CL013's examples of prefixes it cannot measure whole, so a short breakpoint in them is no
evidence that nothing is cached (issue 16, session 14):
- a breakpoint after a later block the code fills at run time (the last of a list of documents
  appended in a loop, marked there): the API ignores the short breakpoint at no cost and caches
  at the later one;
- a block added under `if system:` to a dict of arguments sent by `create(**params)`: its text
  is a parameter whose default (None) is all the request shows, and callers fill it (with
  text read at run time) or leave the block out.
Kept apart from `breakpoints.py` for its size."""
from __future__ import annotations

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MARK = '"cache_control": {"type": "ephemeral"}'

# course notes sent as blocks, the last one marked inside the loop; a short marked system prompt first
NOTES = (HEAD + "def quiz(notes, topic):\n    blocks = []\n    for n, note in enumerate(notes):\n"
         "        block = {'type': 'text', 'text': f'# Note {n}\\n{note}'}\n"
         "        if n == len(notes) - 1:\n            block['cache_control'] = {'type': 'ephemeral'}\n"
         "        blocks.append(block)\n    blocks.append({'type': 'text', 'text': f'Write five quiz questions on {topic}.'})\n"
         f"    return client.messages.create(model='claude-sonnet-4-6', max_tokens=900, system=[{{'type': 'text', 'text': 'You write quizzes.', {MARK}}}],\n"
         "        messages=[{'role': 'user', 'content': blocks}])\n")

# a client whose system block exists only when the caller passes a system prompt
SEND = (HEAD + "def send(question, system=None, tools=None):\n"
        "    params = {'model': 'claude-sonnet-4-6', 'max_tokens': 600, 'messages': [{'role': 'user', 'content': question}]}\n"
        f"    if system:\n        params['system'] = [{{'type': 'text', 'text': system, {MARK}}}]\n"
        "    if tools:\n        params['tools'] = tools\n    return client.messages.create(**params)\n")
# a prompt joined from a role line and the table layout the caller reads at run time
JOINED = ("def joined(role='', layout=''):\n    parts = []\n    if role:\n        parts.append(role)\n"
          "    if layout:\n        parts.append(f'Tables:\\n{layout}')\n    return '\\n\\n'.join(parts)\n")


def examples():
    from claude_lint.checks.base import Invalid

    fires = [
        # the caller's system prompt is a one-line literal: the only breakpoint ends ~10 tokens
        Invalid({"llm.py": SEND, "sql.py": "from llm import send\n\ndef to_sql(q):\n    return send(q, system='Answer with one SQL query and nothing else.')\n"},
                path="sql.py", row=4, message="ends a prefix of ~"),
        # the later breakpoint is written out and the whole prefix up to it is still short
        Invalid(HEAD + "def quiz(note):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=900, "
                f"system=[{{'type': 'text', 'text': 'You write quizzes.', {MARK}}}],\n"
                f"        messages=[{{'role': 'user', 'content': [{{'type': 'text', 'text': 'Cells divide by mitosis.', {MARK}}}, {{'type': 'text', 'text': note}}]}}])\n",
                row=5, message="ends a prefix of ~"),
    ]
    silent = [
        # the last note's breakpoint caches the notes; the short system one is ignored at no cost
        NOTES,
        # the caller's system prompt holds the table layout it reads at run time: its size is unknown
        {"llm.py": SEND.replace(", tools=None", "").replace("    if tools:\n        params['tools'] = tools\n", "") + JOINED, "sql.py": "from llm import send, joined\n\ndef to_sql(q, db):\n"
         "    layout = db.describe()\n    return send(q, system=joined(role='You write SQL for the warehouse.', layout=layout))\n"},
        # a caller that passes no system prompt: the marked block is never sent
        {"llm.py": SEND, "chat.py": "from llm import send\n\ndef hello():\n    return send('Hello', tools=[{'name': 'clock', 'input_schema': {'type': 'object'}}])\n"},
    ]
    return fires, silent
