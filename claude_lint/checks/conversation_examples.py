"""CL011's examples of a conversation handed in by the caller (a function appends the answer,
and the tool results, to the list it was handed, after its request, so the caller's next
call resends it grown) and of one sent past its system message (`messages[1:]`). Kept apart from the rule module for its size; the rule's `examples()`
imports and lists them."""
from __future__ import annotations

from claude_lint.checks.base import Invalid

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
CREATE = "client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=history)"

# a chat turn: the user's text and the answer both go into the caller's list
CHAT = (HEAD + "def chat(history, text):\n    history.append({'role': 'user', 'content': text})\n"
        "    reply = " + CREATE + "\n"
        "    history.append({'role': 'assistant', 'content': reply.content})\n    return reply\n")

# gitauto's agent step: the request through the project's wrapper, then the answer and the
# tool results appended to the conversation the agent loop (elsewhere) hands in each step
ASK = "def ask(messages):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n\n"
STEP = (HEAD + ASK + "def step(messages):\n    reply = ask(messages)\n"
        "    messages.append({'role': 'assistant', 'content': reply.content})\n"
        "    messages.append({'role': 'user', 'content': run_tools(reply)})\n    return messages\n")

# the system message kept at the head of the list and sent apart: `messages[1:]` is the rest, however long
SPLIT = (HEAD + "messages = [{'role': 'system', 'content': 'You are terse.'}]\nwhile True:\n"
         "    messages.append({'role': 'user', 'content': input()})\n"
         "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=messages[0]['content'], messages=messages[1:])\n"
         "    messages.append({'role': 'assistant', 'content': reply.content})\n")

# A tool loop inside the wrapper: the wrapper's own request grows the list it is handed, step by
# step. Said once, at the request (`wrapper_calls.py`); the module's call of the wrapper is the same growth.
TOOL_LOOP = (HEAD + "TOOLS = [{'name': 'lookup', 'description': 'Look a word up', 'input_schema': {'type': 'object'}}]\n\n"
             "def solve(question, history):\n    history.append({'role': 'user', 'content': question})\n    while True:\n"
             "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=history)\n"
             "        history.append({'role': 'assistant', 'content': reply.content})\n"
             "        if reply.stop_reason != 'tool_use':\n            return reply\n"
             "        history.append({'role': 'user', 'content': run_tools(reply)})\n\n\nhistory = []\nsolve('Define cache', history)\n")

# a Streamlit chat that appends only the user's prompts (Datos4All/chatbot_with_sonnet3.5): the answers are shown, never kept
USER_ONLY = (HEAD + "import streamlit as st\nif 'messages' not in st.session_state:\n    st.session_state.messages = []\n"
             "if prompt := st.chat_input():\n    st.session_state.messages.append({'role': 'user', 'content': prompt})\n"
             "    with st.chat_message('assistant'):\n        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024,\n"
             "            messages=[{'role': m['role'], 'content': m['content']} for m in st.session_state.messages])\n"
             "        st.markdown(reply.content[0].text)\n")
KEPT = "    st.session_state.messages.append({'role': 'assistant', 'content': reply.content[0].text})\n"

FIRES = [
    # the answer goes back into the session list too: the conversation grows by whole turns
    USER_ONLY + KEPT,
    # the same, through a name bound to the session list
    USER_ONLY.replace("if prompt", "chat = st.session_state.messages\nif prompt") + KEPT.replace("st.session_state.messages", "chat"),
    # one finding, at the request: the call at the last line is not reported again
    Invalid(TOOL_LOOP, row=8, message="`history` grows with every tool round of one request (the tool loop at line 7, ended only by the model; appended at line 9)"),
    Invalid(SPLIT, row=6, message="`messages` grows each turn (appended at line 5)"),
    Invalid(CHAT, row=5, message="`history` grows each turn (the caller's list, appended after the request at line 6)"),
    Invalid(STEP, row=7, message="`messages` grows each turn (the caller's list, appended after the request at line 8)"),
]
SILENT = [
    # only the user's prompts pile up: no question-and-answer turns to estimate, nothing says it reaches the minimum
    USER_ONLY,
    # a window of the last messages: what is sent stops growing
    SPLIT.replace("messages=messages[1:])", "messages=messages[-20:])"),
    # only the new turn is added before the request: nothing shows the caller keeps the list
    CHAT.replace("    history.append({'role': 'assistant', 'content': reply.content})\n", ""),
    # the function works on its own copy: what it appends never reaches the caller
    CHAT.replace("def chat(history, text):\n", "def chat(history, text):\n    history = list(history)\n"),
    # the answer goes into a log, not into the list sent
    CHAT.replace("    history.append({'role': 'assistant'", "    log.append({'role': 'assistant'"),
    # a breakpoint moves with the conversation already
    CHAT.replace("messages=history)", "messages=history, cache_control={'type': 'ephemeral'})"),
    # OpenAI caches long prefixes by itself
    STEP.replace(HEAD, "from openai import OpenAI\nclient = OpenAI()\n").replace(
        "client.messages.create(model='claude-sonnet-4-6', max_tokens=1024,", "client.chat.completions.create(model='gpt-5.4',"),
]
