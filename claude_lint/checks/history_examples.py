"""CL004's examples of a conversation kept in a database or chat store: read whole before
each request, the turn written back after it (an agent's `while True` reloading its job,
a handler reloading a chat). Kept apart from the rule module for its size; the rule's
`examples()` imports and lists them, and so does CL011's (`CL011_FIRES`, `CL011_SILENT`)."""
from __future__ import annotations

from claude_lint.checks.base import Invalid

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
CREATE = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages={msgs})'

# legacy-use's sampling loop: the job's messages reloaded from the database every step
LOOP = (HEAD + "def run(db, job_id):\n    while True:\n        rows = db.get_job_messages(job_id)\n"
        "        messages = [to_param(r) for r in rows]\n        reply = " + CREATE.format(msgs="messages") + "\n"
        "        db.add_job_message(job_id, {'role': 'assistant', 'content': reply.content})\n"
        "        if reply.stop_reason == 'end_turn':\n            break\n")
# vmpilot's handler: the chat's state reloaded, the new turn appended, the state saved back
TURN = (HEAD + "def handle(chat_id, text):\n    previous, info = get_conversation_state(chat_id)\n    if previous:\n        messages = previous\n"
        "        messages.append({'role': 'user', 'content': text})\n    else:\n        messages = [{'role': 'user', 'content': text}]\n"
        "    reply = " + CREATE.format(msgs="messages") + "\n    messages.append({'role': 'assistant', 'content': reply.content})\n"
        "    save_conversation_state(chat_id, messages, info)\n")
# A handler's reader is judged when it is a function of the same file: one elsewhere may
# return a window (a chat store's `.limit(20)`), which only its body shows.
READER = "\ndef get_conversation_state(chat_id):\n    return STATES.get(chat_id, ([], None))\n"

# babylm's search: the proposals so far, pickled between runs and joined into every prompt
RESUMED = (HEAD + "import os, pickle\n\ndef propose(history):\n    notes = '\\n'.join(str(h) for h in history)\n    return "
           + CREATE.format(msgs="[{'role': 'user', 'content': f'Past proposals:\\n{notes}\\nPropose the next.'}]") + "\n\n"
           "def main(steps):\n    if os.path.exists('h.pkl'):\n        with open('h.pkl', 'rb') as f:\n            history = pickle.load(f)\n"
           "    else:\n        history = []\n    for i in range(steps):\n        history.append(propose(history))\n"
           "        with open('h.pkl', 'wb') as f:\n            pickle.dump(history, f)\n")

# the same loop handing the reloaded copy to the project's wrapper of the request
ASK = "def ask(messages):\n    return " + CREATE.format(msgs="messages") + "\n\n"
WRAPPED = LOOP.replace("reply = " + CREATE.format(msgs="messages"), "reply = ask(messages)").replace(HEAD, HEAD + ASK)

# KandDOM's REPL: the wrapper copies the history it is handed into a new list, turn by turn
COPIED = (HEAD + "def start_chat(text, previous):\n    messages = []\n    odd = True\n    for m in previous:\n"
          "        messages.append({'role': 'user' if odd else 'assistant', 'content': m})\n        odd = not odd\n"
          "    messages.append({'role': 'user', 'content': text})\n    return " + CREATE.format(msgs="messages") + ".content[0].text\n\n"
          "history = []\nwhile True:\n    question = input('> ')\n    answer = start_chat(question, history)\n"
          "    history.append(question)\n    history.append(answer)\n")

# On a bot's one object: per-channel threads in a dict made by the builtin; a list that a
# `load()` puts back whole from a saved file (no window: it grows again from there).
THREADS = (HEAD + "class Bot:\n    def __init__(self):\n        self.threads = dict()\n\n    def reply(self, channel, text):\n"
           "        self.threads.setdefault(channel, []).append({'role': 'user', 'content': text})\n"
           "        reply = " + CREATE.format(msgs="self.threads[channel]") + "\n"
           "        self.threads[channel].append({'role': 'assistant', 'content': reply.content})\n")
LOADED = (HEAD + "import json\n\nclass Chat:\n    def __init__(self):\n        self.turns = []\n\n    def send(self, text):\n"
          "        self.turns.append({'role': 'user', 'content': text})\n"
          "        reply = " + CREATE.format(msgs="[{'role': t['role'], 'content': t['content']} for t in self.turns]") + "\n"
          "        self.turns.append({'role': 'assistant', 'content': reply.content})\n\n"
          "    def load(self, path):\n        saved = json.load(open(path))\n        self.turns = saved['turns']\n")
# Sent through a method that hands the list back whole until it passes 30 messages, then the
# first two and the last 28: a bound for CL004; CL011 still sees a growing prefix up to there.
WINDOWED = (HEAD + "class Chat:\n    def __init__(self):\n        self.turns = []\n\n    def _window(self):\n"
            "        if len(self.turns) <= 30:\n            return self.turns\n        return self.turns[:2] + self.turns[-28:]\n\n"
            "    def send(self, text):\n        self.turns.append({'role': 'user', 'content': text})\n"
            "        reply = " + CREATE.format(msgs="self._window()").replace("500", "1024") + "\n"
            "        self.turns.append({'role': 'assistant', 'content': reply.content})\n")

FIRES = [
    THREADS,
    LOADED,
    LOOP,
    WRAPPED,
    COPIED,
    # a step cap bounds one run; every run resumes the list it saved
    RESUMED,
    TURN + READER,
    # camelCase names, a store object's methods
    TURN.replace("get_conversation_state(chat_id)", "store.loadChatHistory(chat_id), None")
    .replace("save_conversation_state(chat_id, messages, info)", "store.saveChatHistory(chat_id, messages)")
    + READER.replace("get_conversation_state", "loadChatHistory"),
    # the conversation copied message by message into the request's list
    HEAD + "async def on_message(channel_id, text):\n    convo = await storage.get_convo(channel_id)\n    messages = []\n"
    "    for m in convo:\n        messages.append({'role': m['role'], 'content': m['text']})\n"
    "    messages.append({'role': 'user', 'content': text})\n    reply = " + CREATE.format(msgs="messages") + "\n"
    "    await storage.update_convo(channel_id, {'role': 'assistant', 'text': reply.content})\n"
    "\nclass Storage:\n    async def get_convo(self, channel_id):\n        return [m async for m in self.db.find({'channel': channel_id})]\n",
]

# A LangChain memory a script runs by a few calls written one after another: those turns, no more.
SCRIPTED = ("from langchain_anthropic import ChatAnthropic\nfrom langchain.chains import ConversationChain\n"
            "from langchain.memory import ConversationBufferMemory\nmemory = ConversationBufferMemory()\n"
            "chain = ConversationChain(llm=ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500), memory=memory)\nRUNS")
FIRES += [
    # a ConversationChain given no memory keeps a ConversationBufferMemory of its own
    "from langchain_anthropic import ChatAnthropic\nfrom langchain.chains import ConversationChain\n"
    "chat = ConversationChain(llm=ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500))\nwhile True:\n    print(chat.predict(input=input()))\n",
    # built in main() and run by its REPL: the memory lives across the loop's turns
    "from langchain_anthropic import ChatAnthropic\nfrom langchain.chains import ConversationChain\nfrom langchain.memory import ConversationBufferMemory\n"
    "def main():\n    memory = ConversationBufferMemory()\n    chat = ConversationChain(llm=ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500), memory=memory)\n"
    "    while True:\n        print(chat.predict(input=input()))\n",
    # run by a handler, once per request: the memory outlives every call
    SCRIPTED.replace("RUNS", "\ndef answer(question):\n    return chain.invoke({'input': question})\n"),
]
# A REPL whose helper adds the tool results and hands the list back (Struki84/exa's search loop).
HELPED = ("import anthropic\nclient = anthropic.Anthropic()\n\ndef add_results(reply, messages):\n    BODY\n    return messages\n\n"
          "messages = []\nwhile True:\n    messages.append({'role': 'user', 'content': input()})\n"
          "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n"
          "    messages = add_results(reply, messages)\n")
FIRES += [HELPED.replace("BODY", "messages.append({'role': 'assistant', 'content': reply.content})")]
SILENT = [
    WINDOWED,
    # the helper goes through the messages it is handed: it may shorten them in place
    HELPED.replace("BODY", "for m in messages:\n        m['content'] = m['content'][:500]"),
    SCRIPTED.replace("RUNS", "print(chain.invoke({'input': 'I am Ada.'}))\nprint(chain.invoke({'input': 'Who am I?'}))\n"),
    # streamed: the loop is over the answer's chunks, the memory run once
    SCRIPTED.replace("RUNS", "for chunk in chain.stream({'input': 'Hi'}):\n    print(chunk)\n"),
    # built and never run
    SCRIPTED.replace("RUNS", ""),
    # a thread dropped when its channel closes: the store is bounded
    THREADS + "\n    def close(self, channel):\n        self.threads.pop(channel, None)\n",
    # what `load()` puts back comes from the project's code: it may be a summary or a window
    LOADED.replace("json.load(open(path))", "self.compact(path)"),
    # never saved back: each run starts from the same file and stops at its step cap
    RESUMED.replace("        with open('h.pkl', 'wb') as f:\n            pickle.dump(history, f)\n", ""),
    # the reader is elsewhere: it may keep a window
    TURN,
    # the reader keeps a window
    TURN + "\ndef get_conversation_state(chat_id):\n    return db.find({'chat': chat_id}).limit(20), None\n",
    # the store is asked for a window
    LOOP.replace("get_job_messages(job_id)", "get_job_messages(job_id, limit=20)"),
    LOOP.replace("get_job_messages(job_id)", "get_recent_job_messages(job_id)"),
    # through the wrapper: a window asked of the store, or a slice of the copy handed down
    WRAPPED.replace("get_job_messages(job_id)", "get_recent_job_messages(job_id)"),
    WRAPPED.replace("ask(messages)", "ask(messages[-20:])"),
    # the wrapper copies a window of what it is handed, or a list of its own
    COPIED.replace("for m in previous:", "for m in previous[-10:]:"),
    COPIED.replace("for m in previous:", "for m in ['Hi.', 'Hello, how can I help?']:"),
    # an agent loop bounded by a small constant
    LOOP.replace("while True:", "for step in range(10):"),
    # one conversation per item: nothing carries over from one to the next
    LOOP.replace("def run(db, job_id):\n    while True:", "def run(db, jobs):\n    for job_id in jobs:"),
    # nothing written back: the conversation read is sent as it is
    TURN.replace("    save_conversation_state(chat_id, messages, info)\n", "") + READER,
    # a window of what the store holds is sent
    TURN.replace("messages=messages", "messages=messages[-20:]") + READER,
    # an object's accessor, no store key: the object keeps the list (and its class may trim it)
    TURN.replace("get_conversation_state(chat_id)", "conv.get_messages(), None").replace("save_conversation_state(chat_id, messages, info)", "conv.add_message(reply)"),
    # the writer is a function of this file, which keeps a window
    TURN + READER + "\ndef save_conversation_state(chat_id, messages, info):\n    STATES[chat_id] = messages[-20:], info\n",
    # documents, not a conversation
    LOOP.replace("job_messages", "job_documents").replace("job_message", "job_document"),
]

# CL011 reads the same growth whatever bounds it: a handler whose reader is elsewhere (and may
# keep a window) still resends a growing prefix; OpenAI caches it by itself.
# A question answered by a tool loop: it ends when the model stops calling tools, on a list made for the question.
TOOLS = (HEAD + "def answer(question):\n    MADE\n    while True:\n"
         "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)\n"
         "        messages.append({'role': 'assistant', 'content': reply.content})\n"
         "        results = [{'type': 'tool_result', 'tool_use_id': b.id, 'content': run(b)} for b in reply.content if b.type == 'tool_use']\n"
         "        if not results:\n            return reply\n        messages.append({'role': 'user', 'content': results})\n")
# The same loop in a REPL, the list made once before it: every question's tool rounds pile up.
TOOL_REPL = (HEAD + "messages = []\nwhile True:\n    messages.append({'role': 'user', 'content': input('> ')})\n    while True:\n"
             "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)\n"
             "        messages.append({'role': 'assistant', 'content': reply.content})\n"
             "        if reply.stop_reason != 'tool_use':\n            break\n"
             "        messages.append({'role': 'user', 'content': [{'type': 'tool_result', 'tool_use_id': reply.content[-1].id, 'content': 'ok'}]})\n")
# What is known to grow is said: a REPL's turns, or one request's tool rounds (tool_rounds.py).
ROUNDS = "grows with every tool round of one request (a tool loop with no step cap at line"
FIRES += [
    Invalid(TOOL_REPL, message="`messages` grows every turn (kept across the turns of a loop with no bound"),
    TOOLS.replace("MADE", "messages = HISTORY").replace("def answer(question):", "HISTORY = []\n\ndef answer(question):"),
    # one question's tool loop on a list made for it, with no step cap: only the model stopping
    # ends it, and a long task piles up every tool result (judged right in mattppal/claude-codes)
    Invalid(TOOLS.replace("MADE", "messages = [{'role': 'user', 'content': question}]"), row=6, message=ROUNDS + " 5, ended only by the model"),
    Invalid(TOOL_REPL.replace("messages = []\nwhile True:\n    messages.append({'role': 'user', 'content': input('> ')})\n",
                              "while True:\n    messages = [{'role': 'user', 'content': input('> ')}]\n"), message=ROUNDS),
    # a chat bot's turn: the conversation read from its store is windowed, the tool rounds on it are not
    # (87Albert87/telegram-claude-bot, LyonMoncef/TimeTV): the message names the rounds, not the turns
    Invalid(TOOLS.replace("MADE", "messages = load_history(chat_id)[-20:]\n    messages.append({'role': 'user', 'content': question})")
            .replace("answer(question)", "answer(chat_id, question)"), row=7, message=ROUNDS + " 6"),
]
# A voice assistant's transcript kept as one text at module level, handed whole to a helper whose
# message is that text (`f"{prompt}"` is the text itself), then the answer added to it.
SPOKEN = (HEAD + "persona = 'You are Juno, a cheerful assistant.'\n\ndef ask(prompt):\n"
          "    reply = " + CREATE.format(msgs="[{'role': 'user', 'content': f'{prompt}'}]") + "\n    return reply.content[0].text\n\n"
          "while True:\n    heard = listen()\n    persona += f'\\nUser: {heard}\\nJuno: '\n    answer = ask(SENT)\n    persona += answer\n")
FIRES += [SPOKEN.replace("SENT", "persona")]
# only what was heard this turn is sent
SILENT += [SPOKEN.replace("SENT", "heard")]
# A LangChain message history object the loop adds each turn to, its messages handed to a chain over the model.
KEPT_LOG = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder\n"
            "from langchain_community.chat_message_histories import ChatMessageHistory\n\nllm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=800)\n"
            "prompt = ChatPromptTemplate.from_messages([('system', 'You answer questions about bikes.'), MessagesPlaceholder('past'), ('human', '{q}')])\n"
            "chain = prompt | llm\nlog = ChatMessageHistory()\nwhile True:\n    q = input('> ')\n"
            "    answer = chain.invoke({'past': log.messages, 'q': q})\n    log.add_user_message(q)\n    log.add_ai_message(answer.content)\nCUT")
FIRES += [KEPT_LOG.replace("CUT", "")]
SILENT += [
    # emptied when it grows past twenty messages
    KEPT_LOG.replace("CUT", "    if len(log.messages) > 20:\n        log.clear()\n"),
    # cut to its last ten messages each turn
    KEPT_LOG.replace("CUT", "    log.messages = log.messages[-10:]\n"),
    # a script's two written turns: no loop
    KEPT_LOG.replace("while True:\n    q = input('> ')\n    answer", "q = 'Which tyres?'\nif q:\n    answer").replace("CUT", ""),
]
# A Chainlit handler: the session's conversation read by key, the turn added, set back under the key.
CHAINLIT = ("import chainlit as cl\nfrom litellm import completion\n\n@cl.on_message\nasync def on_message(msg: cl.Message):\n"
            "    conversation = cl.user_session.get('history') or []\n    conversation.append({'role': 'user', 'content': msg.content})\n"
            "    reply = completion(model='gpt-4o', messages=SENT, max_tokens=300)\n"
            "    conversation.append({'role': 'assistant', 'content': reply.choices[0].message.content})\n"
            "    cl.user_session.set('history', conversation)\n")
FIRES += [Invalid(CHAINLIT.replace("SENT", "conversation"), row=8,
                  message="read whole by `cl.user_session.get` before the request and written back by `cl.user_session.set` at line 10")]
SILENT += [
    CHAINLIT.replace("SENT", "conversation[-10:]"),  # a window sent
    CHAINLIT.replace("    cl.user_session.set('history', conversation)\n", ""),  # never set back: each turn starts from what the session had
    CHAINLIT.replace("'history'", "'settings'"),  # a key that names no conversation
]
OPENAI = ("from openai import OpenAI\nclient = OpenAI()\n", "client.chat.completions.create(model='gpt-4o'", "reply.choices[0].message.content")
STORED = (HEAD + "def run(db, job):\n    while True:\n        messages = [to_param(r) for r in db.get_job_messages(job)]\n"
          "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n"
          "        db.add_job_message(job, {'role': 'assistant', 'content': reply.content})\n")
# The turn goes in through the store: written under the user's key, the conversation read back
# whole under it and sent, the answer written back on the same store object.
KEYED = (HEAD + "from chatdb import ChatStore\ndb = ChatStore()\n\ndef ask(user_id, text):\n    db.add_message(user_id, 'user', text)\n"
         "    log = db.get_chat_log(user_id)\n    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=log)\n"
         "    db.add_message(user_id, 'assistant', reply.content[0].text)\n")
CL011_FIRES = [STORED, TURN.replace("max_tokens=500", "max_tokens=1024"), WINDOWED, KEYED, KEPT_LOG.replace("CUT", "")]
CL011_SILENT = [
    # the answer goes to another object's log: the conversation read is never written back
    KEYED.replace("    db.add_message(user_id, 'assistant'", "    audit.add_message(user_id, 'assistant'"),
    # the method only ever hands back a window, or a summary ahead of one
    WINDOWED.replace("return self.turns\n", "return self.turns[-10:]\n"),
    WINDOWED.replace("return self.turns\n", "return [self.summary()] + self.turns[-4:]\n"),
    STORED.replace(HEAD, OPENAI[0]).replace("client.messages.create(model='claude-sonnet-4-6'", OPENAI[1]).replace("reply.content", OPENAI[2]),
    TURN.replace(HEAD, OPENAI[0]).replace('client.messages.create(model="claude-sonnet-4-6"', OPENAI[1]).replace("reply.content", OPENAI[2]),
    # the store is asked for a window: the list sent does not grow
    STORED.replace("get_job_messages(job)", "get_job_messages(job, limit=6)"),
]
