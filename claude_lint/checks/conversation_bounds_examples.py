"""CL004's and CL011's examples of loops that bound the list or never go round, and of one
conversation a wrapper's calls showed twice. Kept apart from the rule modules for their
size; each rule's `examples()` lists them (`CL004_FIRES`, `CL011_FIRES`, and their silent)."""
from __future__ import annotations

from claude_lint.checks.base import Invalid

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n\n"
ASK = "client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)"

# A tool loop capped by a counter in a conjunct of its test: at most three rounds per answer.
ROUNDS = (HEAD + "def answer(question):\n    messages = [{'role': 'user', 'content': question}]\n    reply = " + ASK + "\n"
          "    rounds = 0\n    while reply.stop_reason == 'tool_use' and rounds < 3:\n        rounds += 1\n"
          "        messages.append({'role': 'assistant', 'content': reply.content})\n"
          "        messages.append({'role': 'user', 'content': run_tools(reply)})\n        reply = " + ASK + "\n    return reply\n")
# `or`: the counter caps nothing while the model keeps asking for tools
ROUNDS_OR = ROUNDS.replace("== 'tool_use' and rounds < 3", "== 'tool_use' or rounds < 3")

# Only server tools (web search): the API runs them inside the request, whose answer never
# stops with `tool_use`, so the loop never appends; a client tool beside it makes it a tool loop.
SEARCH = (HEAD + "def search(query):\n    tools = [{'type': 'web_search_20250305', 'name': 'web_search', 'max_uses': 3}]\n"
          "    messages = [{'role': 'user', 'content': query}]\n    reply = " + ASK.replace("TOOLS", "tools") + "\n"
          "    while reply.stop_reason == 'tool_use':\n        messages.append({'role': 'assistant', 'content': reply.content})\n"
          "        messages.append({'role': 'user', 'content': run_tools(reply)})\n        reply = " + ASK.replace("TOOLS", "tools") + "\n"
          "    return reply\n")
SEARCH_AND_LOOKUP = SEARCH.replace("'max_uses': 3}]", "'max_uses': 3}, {'name': 'lookup', 'input_schema': {'type': 'object'}}]")

# An agent object whose run starts the history afresh and asks through a helper method, ten
# steps at most: the object outlives the run, the list lives one capped run.
RUN = (HEAD + "class Agent:\n    def __init__(self):\n        self.history = []\n\n"
       "    def _ask(self):\n        reply = " + ASK.replace("messages=messages", "messages=self.history") + "\n"
       "        self.history.append({'role': 'assistant', 'content': reply.content})\n        return reply\n\n"
       "    def run(self, task, max_steps=10):\n        self.history = [{'role': 'user', 'content': task}]\n"
       "        for step in range(max_steps):\n            reply = self._ask()\n            if reply.stop_reason != 'tool_use':\n"
       "                return reply\n            self.history.append({'role': 'user', 'content': run_tools(reply)})\n")
# the same helper also asked from a method that starts nothing afresh: the list carries over
RUN_FOLLOWED = RUN + "\n    def follow_up(self, text):\n        self.history.append({'role': 'user', 'content': text})\n        return self._ask()\n"

# A Gradio handler wired to its box: the wrapper call in the handler hands the list, the
# wiring runs the handler; one conversation, said once, where the list is handed.
WIRED = HEAD + """import gradio as gr


def reply(text, history):
    messages = []
    for h in history:
        messages.append({'role': h['role'], 'content': h['content']})
    messages.append({'role': 'user', 'content': text})
    answer = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)
    return answer.content[0].text


with gr.Blocks() as app:
    chat = gr.Chatbot(type='messages')
    box = gr.Textbox()

    def respond(text, chat_history):
        answer = reply(text, chat_history)
        chat_history.append({'role': 'user', 'content': text})
        chat_history.append({'role': 'assistant', 'content': answer})
        return '', chat_history

    box.submit(respond, [box, chat], [box, chat])
"""

# A Streamlit chat rebuilding each message of its session list for the API, every rerun: the
# copy is the whole session list (a comprehension, or a loop keeping the user and assistant turns).
STREAMLIT = """import anthropic
import streamlit as st
client = anthropic.Anthropic()

if "messages" not in st.session_state:
    st.session_state.messages = []

if prompt := st.chat_input("Ask"):
    st.session_state.messages.append({"role": "user", "content": prompt})
    SENT
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=sent)
    st.session_state.messages.append({"role": "assistant", "content": reply.content[0].text})
"""
COMPREHENSION = STREAMLIT.replace("SENT", 'sent = [{"role": m["role"], "content": m["content"]} for m in st.session_state.messages]')
FILTERED = STREAMLIT.replace("SENT", 'sent = []\n    for m in st.session_state.messages:\n        if m["role"] in ("user", "assistant"):\n'
                             '            sent.append({"role": m["role"], "content": m["content"]})')
# the request undone when it fails (its user turn popped), or a saved chat put back whole: no bound
UNDONE = STREAMLIT.replace("    SENT\n    reply = client", "    try:\n        reply = client").replace(
    "messages=sent)\n", "messages=st.session_state.messages)\n    except anthropic.APIError:\n        st.session_state.messages.pop()\n        st.stop()\n")
RESTORED = STREAMLIT.replace("if prompt :=", 'if chosen := st.sidebar.selectbox("Saved chats", list(saved)):\n    st.session_state.messages = saved[chosen][:]\n\nif prompt :=').replace(
    "    SENT\n", "").replace("messages=sent", "messages=st.session_state.messages")

# A chat server's plain and streaming endpoints growing one module-level list through `global`:
# the other endpoint's request sends the list, it does not trim it.
ENDPOINTS = """import anthropic
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

app = FastAPI()
client = anthropic.Anthropic()
memory = []


@app.post("/chat")
def chat(text: str):
    global memory
    memory.append({"role": "user", "content": text})
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=memory)
    memory.append({"role": "assistant", "content": reply.content[0].text})
    return reply.content[0].text


@app.post("/stream")
def stream(text: str):
    global memory
    memory.append({"role": "user", "content": text})

    def events():
        with client.messages.stream(model="claude-sonnet-4-6", max_tokens=1024, messages=memory) as answer:
            yield from answer.text_stream
        memory.append({"role": "assistant", "content": answer.get_final_text()})
    return StreamingResponse(events())
"""

# A bot's handler reloading the chat from its database and saving the turn back, through a reader
# of the same file: read whole it grows; the newest n rows (SQL `LIMIT ?`, a slice) are a window,
# which slides once full, so no breakpoint behind it is read back (CL011 silent, as CL004).
LOADED = HEAD + """def load_turns(chat_id):
    READ


def handle(chat_id, text):
    messages = load_turns(chat_id)
    messages.append({"role": "user", "content": text})
    reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=messages)
    save_turns(chat_id, messages + [{"role": "assistant", "content": reply.content[0].text}])
    return reply
"""
LOADED_WHOLE = LOADED.replace("READ", 'rows = DB.execute("SELECT role, content FROM turns WHERE chat = ? ORDER BY ts", (chat_id,)).fetchall()\n'
                              '    return [{"role": r, "content": c} for r, c in rows]')
LOADED_NEWEST = LOADED.replace("READ", 'rows = DB.execute("SELECT role, content FROM turns WHERE chat = ? ORDER BY ts DESC LIMIT ?", (chat_id, 20)).fetchall()\n'
                               '    return [{"role": r, "content": c} for r, c in reversed(rows)]')
# The same reader in another module, re-exported by the module the handler calls it through
# (`core.load_history` where core.py has `from .store import load_history`): link reads that module's
# facts for the window its body keeps (link_readers.py).
ELSEWHERE = {
    "bot/store.py": "DB = connect()\n\n\ndef load_history(chat_id, limit=20):\n    READ\n\n\n"
    "def save_turn(chat_id, text, answer):\n    DB.execute('INSERT INTO turns VALUES (?, ?, ?)', (chat_id, text, answer))\n",
    "bot/core.py": "from .store import load_history, save_turn\n",
    "bot/handler.py": HEAD + "from . import core\n\n\ndef handle(chat_id, text):\n    history = core.load_history(chat_id)\n"
    "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=history + [{'role': 'user', 'content': text}])\n"
    "    core.save_turn(chat_id, text, reply.content[0].text)\n",
}
ELSEWHERE_WHOLE = {k: v.replace("READ", "rows = DB.execute('SELECT role, content FROM turns WHERE chat = ? ORDER BY ts', (chat_id,)).fetchall()\n"
                                "    return [{'role': r, 'content': c} for r, c in rows]") for k, v in ELSEWHERE.items()}
ELSEWHERE_NEWEST = {k: v.replace("READ", "rows = DB.execute('SELECT role, content FROM turns WHERE chat = ? ORDER BY ts DESC LIMIT ?', (chat_id, limit)).fetchall()\n"
                                 "    return [{'role': r, 'content': c} for r, c in reversed(rows)]") for k, v in ELSEWHERE.items()}

CL004_FIRES = [
    Invalid(ROUNDS_OR, row=12, message="grows with every tool round of one request (a tool loop with no step cap at line 8"),
    SEARCH_AND_LOOKUP,
    Invalid(RUN_FOLLOWED, row=9, message="`self.history` grows every turn (kept on a long-lived object"),
]
CL004_FIRES += [COMPREHENSION, FILTERED, UNDONE, RESTORED, ENDPOINTS, LOADED_WHOLE]
CL004_SILENT = [ROUNDS, SEARCH, RUN, LOADED_NEWEST, COMPREHENSION.replace("in st.session_state.messages]", "in st.session_state.messages[-20:]]"),
                FILTERED.replace("in st.session_state.messages:", "in st.session_state.messages[-20:]:"),
                UNDONE.replace("st.session_state.messages.pop()", "st.session_state.messages.pop(0)"),
                RESTORED.replace("saved[chosen][:]", "saved[chosen][-20:]")]
CL011_FIRES = [
    SEARCH_AND_LOOKUP,
    Invalid(RUN, row=9, message="`self.history` grows each turn"),  # a capped run still resends its growing prefix
    Invalid(WIRED, row=21, message="the caller's list"),
]
CL011_FIRES += [COMPREHENSION, FILTERED, ENDPOINTS, LOADED_WHOLE, ELSEWHERE_WHOLE]
CL011_SILENT = [SEARCH, LOADED_NEWEST, ELSEWHERE_NEWEST, LOADED_WHOLE.replace("for r, c in rows]", "for r, c in rows[-20:]]"), COMPREHENSION.replace("in st.session_state.messages]", "in st.session_state.messages[-20:]]")]

# A demo's tool loop whose tools are stubs of the file (jmedia65/learn-ai-right's get_weather,
# btang01/claude-basics's runners): each round adds a short tool call and a short answer.
STUBS = (HEAD + "TOOLS = [{'name': 'get_weather', 'description': 'Weather of a city', 'input_schema': {'type': 'object'}}]\n\n"
         "def get_weather(city):\n    data = {'Miami': {'temp': 75}, 'London': {'temp': 50}}\n    return data.get(city, {'temp': 70})\n\n"
         "def execute_tool(name, args):\n    if name == 'get_weather':\n        return get_weather(args['city'])\n"
         "    return {'error': f'Unknown tool: {name}'}\n\n"
         "def chat(question):\n    messages = [{'role': 'user', 'content': question}]\n    while True:\n        reply = " + ASK + "\n"
         "        if reply.stop_reason != 'tool_use':\n            return reply\n"
         "        messages.append({'role': 'assistant', 'content': reply.content})\n        results = []\n"
         "        for block in reply.content:\n            if block.type == 'tool_use':\n"
         "                print(f'calling {block.name}')\n                result = execute_tool(block.name, block.input)\n"
         "                results.append({'type': 'tool_result', 'tool_use_id': block.id, 'content': json.dumps(result)})\n"
         "        messages.append({'role': 'user', 'content': results})\n")
RUNNERS = (STUBS.replace("def execute_tool(name, args):", "RUNNERS = {'get_weather': lambda args: get_weather(**args)}\n\n\ndef execute_tool(name, args):")
           .replace("execute_tool(block.name, block.input)", "RUNNERS[block.name](block.input)"))
CL011_SILENT += [STUBS, RUNNERS]
# the tool asks a weather service, or reads a file: its answers are no stub's
CL011_FIRES += [STUBS.replace("import anthropic\n", "import anthropic\nimport requests\n").replace(
                    "    data = {'Miami': {'temp': 75}, 'London': {'temp': 50}}\n    return data.get(city, {'temp': 70})",
                    "    return requests.get(f'https://wttr.in/{city}?format=j1').json()"),
                RUNNERS.replace("    data = {'Miami': {'temp': 75}, 'London': {'temp': 50}}\n    return data.get(city, {'temp': 70})",
                                "    with open(f'{city}.txt') as f:\n        return f.read()")]

# The Anthropic course's helpers: the list grows through functions of the file that only append to it.
HELPERS = (HEAD + "def add_user_message(messages, text):\n    messages.append({'role': 'user', 'content': text})\n\n"
           "def add_assistant_message(messages, text):\n    messages.append({'role': 'assistant', 'content': text})\n\n"
           "def main():\n    messages = []\n    while True:\n        add_user_message(messages, input('> '))\n"
           "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=messages)\n"
           "        add_assistant_message(messages, reply.content[0].text)\n")
CL004_FIRES += [HELPERS]
CL011_FIRES += [HELPERS]
# the helper marks each message it appends for caching; or it keeps only the last twenty
CL011_SILENT += [HELPERS.replace("'content': text})\n\ndef main", "'content': [{'type': 'text', 'text': text, 'cache_control': {'type': 'ephemeral'}}]})\n\ndef main")]
CL004_SILENT += [HELPERS.replace("    messages.append({'role': 'assistant', 'content': text})", "    messages.append({'role': 'assistant', 'content': text})\n    del messages[:-20]")]
# The same helpers in another module: its facts say each only appends to the list it is handed.
HELPERS_ELSEWHERE = {
    "course/__init__.py": "",
    "course/helpers.py": "def add_user_message(messages, text):\n    messages.append({'role': 'user', 'content': text})\n\n"
    "def add_assistant_message(messages, text):\n    messages.append({'role': 'assistant', 'content': text})\n",
    "course/app.py": HEAD + "from course.helpers import add_assistant_message, add_user_message\n\n"
    "def main():\n    messages = []\n    while True:\n        add_user_message(messages, input('> '))\n"
    "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=messages)\n"
    "        add_assistant_message(messages, reply.content[0].text)\n",
}
CL004_FIRES += [HELPERS_ELSEWHERE]
CL011_FIRES += [HELPERS_ELSEWHERE]
# the other module's helper also keeps a window: it may bound the list
CL004_SILENT += [{**HELPERS_ELSEWHERE, "course/helpers.py": HELPERS_ELSEWHERE["course/helpers.py"] + "    del messages[:-20]\n"}]
CL011_SILENT += [{**HELPERS_ELSEWHERE, "course/helpers.py": HELPERS_ELSEWHERE["course/helpers.py"] + "    del messages[:-20]\n"}]

# A scripted demo over a literal list of questions, or a loop capped by a parameter's default:
# the list's length and the default are the conversation's length (three short turns stay under the minimum).
SCRIPTED = (HEAD + "def demo(QUESTIONS_PARAM):\n    messages = []\n    LOOP\n"
            "        messages.append({'role': 'user', 'content': QUESTION})\n"
            "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages)\n"
            "        messages.append({'role': 'assistant', 'content': reply.content[0].text})\n")
LISTED = SCRIPTED.replace("QUESTIONS_PARAM", "").replace("LOOP", "questions = ['Hi', 'What is ML?', 'Thanks']\n    for i, q in enumerate(questions, 1):").replace("QUESTION", "q")
DEFAULTED = SCRIPTED.replace("QUESTIONS_PARAM", "max_turns=3").replace("LOOP", "for turn in range(max_turns):").replace("QUESTION", "input()")
CL011_SILENT += [LISTED, DEFAULTED]
CL011_FIRES += [DEFAULTED.replace("max_turns=3", "max_turns=40"),
                LISTED.replace("['Hi', 'What is ML?', 'Thanks']", "['Hi', 'What is ML?', 'Thanks'] * 20")]

# The loop hands the reply to a function of the file that looks each tool up in a table of entries
# (jiten0709/HelloWorld-Claude's TOOLS[name]["function"]), logging as it goes.
TABLED = (HEAD + "import logging\nlogger = logging.getLogger(__name__)\n\n"
          "def now(fmt='%Y-%m-%d'):\n    return datetime.now().strftime(fmt)\n\n"
          "TABLE = {'now': {'function': now, 'schema': {'name': 'now', 'input_schema': {'type': 'object'}}}}\n\n"
          "def run_tool(name, args):\n    logger.info(f'running {name}')\n    return TABLE[name]['function'](**args)\n\n"
          "def run_tools(content):\n    return [{'type': 'tool_result', 'tool_use_id': b.id, 'content': str(run_tool(b.name, b.input))}\n"
          "            for b in content if b.type == 'tool_use']\n\n"
          "def ask(question):\n    messages = [{'role': 'user', 'content': question}]\n    while True:\n        reply = " + ASK + "\n"
          "        messages.append({'role': 'assistant', 'content': reply.content})\n"
          "        if reply.stop_reason != 'tool_use':\n            return reply\n"
          "        messages.append({'role': 'user', 'content': run_tools(reply.content)})\n")
CL011_SILENT += [TABLED]
# an entry whose function reads a file: no stub
CL011_FIRES += [TABLED.replace("    return datetime.now().strftime(fmt)", "    return open(fmt).read()")]
