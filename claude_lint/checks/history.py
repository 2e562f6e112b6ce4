from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List

from claude_lint.checks import conversation_once, wrapper_calls
from claude_lint.checks.base import Context, Invalid, Rule
from claude_lint.diagnostics import Diagnostic, Fix
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
CREATE = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages={msgs})'


_LIFETIME = {"loop": "loop runs", "attribute": "object lives", "module": "process lives", "session": "user's session lives", "store": "process lives",
             "memory": "memory lives (the user's session, or the process)", "stored": "store keeps the conversation"}
_WHERE = {"loop": "kept across the turns of a loop with no bound", "attribute": "kept on a long-lived object", "module": "kept at module level",
          "session": "kept in the user's session", "store": "kept per user in a module-level store", "memory": "kept in a LangChain memory"}


class UnboundedHistory(Rule):
    """## What it does
    Flags a conversation that grows every turn and is sent whole on every call, with
    nothing on the turns' path that bounds it, for as long as it lives: a messages list
    (or a whole copy of it, `[system] + history`), or a history kept as joined text in
    the prompt or the system prompt. It lives across turns when it is kept in
    Streamlit's `st.session_state`, in a module-level dict keyed by user or channel, on a
    long-lived object (`self.messages`, or a dict of per-session lists such as
    `self._sessions[session_id]` appended in one method and sent in another), at module level, in a LangChain memory without
    a window (`ConversationBufferMemory`, `RunnableWithMessageHistory` with no trimmer, a
    `ConversationChain` given no memory) run in a loop or a handler (a script's few calls
    written one after another hold only those turns), in a `ChatMessageHistory` a turn loop adds
    each turn to (`add_user_message`, `add_ai_message`; never cleared) and hands a chain as messages,
    or when it is appended in a loop with no bound (`while True`, a loop over
    `sys.stdin`, an `input()` REPL). It also lives in a database or chat store read whole
    before each request and written back after it (`get_job_messages` / `add_job_message`
    in an agent's `while True`; `load_history` then `save_history` in a handler, when the
    reader is a function of the same file with no window in it; Chainlit's `cl.user_session.get("history")` then `.set("history", ...)`), or in a file it is loaded
    from and dumped back to (`pickle.load` ... `pickle.dump`): every run resumes it, so a
    step cap bounds one run, not the list. A chat model's `invoke`, an agent's `run` or a
    project's wrapper handed such a list counts the same, also when the wrapper first
    rebuilds it through a helper that returns a whole copy (`messages =
    self._collapse(messages)`, merging consecutive messages of a role); a helper
    returning the last n messages or a new short list is a bound (so is a method that hands
    the list back whole only while it is short). A `load()` method that puts a saved
    conversation back whole (`json.load`) is no bound: the list grows again from there. A wrapper whose own loop
    grows the list is reported once, at its request, naming the calls of it.

    What bounds it: a window sent, kept or read from the store (a slice, `deque(maxlen=...)`,
    `pop(0)`, `limit=20`, `get_recent_messages`), a
    helper handed the list (it may trim or summarise it; not one of the file's that only
    appends to it or reads its length, and hands it back or not), a reset on every turn's path
    (the list rebuilt per call), a reset when it grows past a size or token budget, and
    a loop with a step cap (`for step in range(10)`, `while step < max_steps`, a `break`
    on a counter) or one turn per item: an agent's tool loop capped at ten steps is not
    reported (one question's tool loop with no cap is: only the model stopping ends it, and a
    long task piles up every tool result; the finding then says the list grows with every tool round of one request, whatever bounds its turns). What does not: a `reset()` method (also one that seeds the list again) or a
    "reset", `/load` or `/compact` command the user may type (between two it grows every
    turn), `history = history + [turn]`, a `pop()`
    undoing a failed request, a request made only while the list is still empty.

    ## Why is this bad?
    Every call pays for the whole conversation so far. With turns of similar size,
    the input billed over a conversation grows with the square of its length: turn 50
    re-sends the 49 turns before it. A sliding window, a summary of old turns, or a
    token budget keeps each call's input bounded.

    ## Example
    ```python
    history = []
    while True:
        history.append({"role": "user", "content": input()})
        reply = client.messages.create(model=M, max_tokens=500, messages=history)
        history.append({"role": "assistant", "content": reply.content})
    ```

    ## Use instead
    ```python
        reply = client.messages.create(model=M, max_tokens=500, messages=history[-20:])
    ```
    or a `collections.deque(maxlen=20)`, or trimming `history` when it grows past a
    token budget.

    ## Fix safety
    No automatic fix: how much history a conversation needs is the author's call. The
    finding carries a display-only fix naming the window to add.
    """

    code = "CL004"
    name = "history-unbounded"
    summary = "conversation history that grows every turn, never trimmed"
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 237 labelled repositories, main and held out, and the "
                      "404 precision samples; 2026-12-03): precision 0.95 (108 of 114 findings right: 29 of 30 on the "
                      "main set, 49 of 51 held out, 30 of 33 samples), but recall 0.62 (89 of 144 fire labels): it "
                      "misses too many of the conversations that grow to be on by default.")

    @staticmethod
    def examples():
        fires = [
            # a module-level history appended per call
            HEAD
            + "HISTORY = []\n\ndef chat(text):\n    HISTORY.append({'role': 'user', 'content': text})\n    reply = "
            + CREATE.format(msgs="HISTORY")
            + "\n    HISTORY.append({'role': 'assistant', 'content': reply.content})\n    return reply\n",
            HEAD
            + "history = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    reply = "
            + CREATE.format(msgs="history")
            + "\n    history.append({'role': 'assistant', 'content': reply.content})\n",
            HEAD
            + "class Chat:\n    def __init__(self):\n        self.messages = []\n\n    def send(self, text):\n"
            "        self.messages.append({'role': 'user', 'content': text})\n        reply = "
            + CREATE.format(msgs="self.messages")
            + "\n        self.messages.append({'role': 'assistant', 'content': reply.content})\n        return reply\n",
        ]
        silent = [
            # few-shot examples built once at import time, then sent as they are
            HEAD
            + "FEW_SHOT = []\nfor q, a in PAIRS:\n    FEW_SHOT.append({'role': 'user', 'content': q})\n"
            "def ask(q):\n    return "
            + CREATE.format(msgs="FEW_SHOT")
            + "\n",
            # seeded in __init__ only
            HEAD
            + "class Job:\n    def __init__(self, task):\n        self.messages = []\n        self.messages.append({'role': 'user', 'content': task})\n"
            "    def run(self):\n        return "
            + CREATE.format(msgs="self.messages")
            + "\n",
            # a window is sent
            HEAD
            + "history = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    reply = "
            + CREATE.format(msgs="history[-20:]")
            + "\n",
            # trimmed in the loop
            HEAD
            + "history = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    if len(history) > 20:\n        history.pop(0)\n    reply = "
            + CREATE.format(msgs="history")
            + "\n",
            # rebuilt every iteration
            HEAD
            + "for doc in docs:\n    msgs = [{'role': 'user', 'content': doc}]\n    msgs.append({'role': 'user', 'content': 'summarise'})\n    "
            + CREATE.format(msgs="msgs")
            + "\n",
            # reassigned through a trimming helper
            HEAD
            + "history = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    history = trim(history)\n    "
            + CREATE.format(msgs="history")
            + "\n",
            # a bounded deque
            HEAD
            + "from collections import deque\nhistory = deque(maxlen=20)\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    "
            + CREATE.format(msgs="list(history)")
            + "\n",
        ]

        AGENT = ("messages = [{'role': 'user', 'content': task}]\nLOOP\n    reply = " + CREATE.format(msgs="messages")
                 + "\n    messages.append({'role': 'assistant', 'content': reply.content})\n    messages.append({'role': 'user', 'content': run_tools(reply)})\nAFTER")
        fires = [
            *fires,
            # a REPL over standard input runs as long as someone types
            HEAD + "import sys\n" + AGENT.replace("LOOP", "for line in sys.stdin:").replace("AFTER", ""),
        ]
        ST = ("import streamlit as st\nfrom openai import OpenAI\nclient = OpenAI()\n"
              "if 'messages' not in st.session_state:\n    st.session_state['messages'] = []\n"
              "if prompt := st.chat_input():\n    st.session_state.messages.append({'role': 'user', 'content': prompt})\n"
              "    r = client.chat.completions.create(model='gpt-4o', max_tokens=500, messages=SENT)\n"
              "    st.session_state.messages.append({'role': 'assistant', 'content': r.choices[0].message.content})\n")
        fires = [
            *fires,
            # kept in Streamlit's session state: every rerun resends the whole chat
            ST.replace("SENT", "st.session_state.messages"),
            # through a name bound to the session list
            ST.replace("SENT", "history").replace("if prompt", "history = st.session_state.messages\nif prompt"),
        ]
        BOT = ("import anthropic\nfrom collections import defaultdict\nclient = anthropic.AsyncAnthropic()\nhistories = defaultdict(list)\n\n"
               "async def on_message(message):\n    history = histories[message.author.id]\n"
               "    histories[message.author.id].append({'role': 'user', 'content': message.content})\n"
               "    reply = await client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=histories[message.author.id])\n"
               "    histories[message.author.id].append({'role': 'assistant', 'content': reply.content})\n")
        fires = [
            *fires,
            # a bot's per-user histories in a module-level dict: they live as long as the process
            BOT,
        ]
        silent = [
            *silent,
            # the bot trims each user's history
            BOT + "    histories[message.author.id] = histories[message.author.id][-20:]\n",
            # the session list is sent through a window
            ST.replace("SENT", "st.session_state.messages[-20:]"),
            # trimmed in place after each turn
            ST.replace("SENT", "st.session_state.messages") + "    st.session_state.messages = st.session_state.messages[-20:]\n",
            # handed to a helper after each turn: it may trim or summarise the list in place
            ST.replace("SENT", "st.session_state.messages") + "    compact_history(st.session_state.messages)\n",
            # an agent's tool loop capped at 10 steps
            HEAD + AGENT.replace("LOOP", "for step in range(10):").replace("AFTER", "    if reply.stop_reason != 'tool_use':\n        break\n"),
            # a step counter caps a while loop
            HEAD + "step = 0\n" + AGENT.replace("LOOP", "while step < max_steps:").replace("AFTER", "    step += 1\n"),
            # `while True` with a break on a counter
            HEAD + "step = 0\n" + AGENT.replace("LOOP", "while True:").replace("AFTER", "    step += 1\n    if step >= 10:\n        break\n"),
        ]

        # Through a project's wrapper: the list the caller passes is what grows.
        ASK = "def ask(messages, model='claude-sonnet-4-6'):\n    return " + CREATE.format(msgs="messages") + "\n"
        fires = [
            *fires,
            HEAD + ASK + "\nhistory = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n"
            "    reply = ask(history)\n    history.append({'role': 'assistant', 'content': reply.content})\n",
            # in another module, through a method that builds its request on the caller's list
            {
                "bot/llm.py": HEAD + "class Claude:\n    def chat(self, history, system='Be brief.'):\n"
                "        return client.messages.create(model='claude-sonnet-4-6', max_tokens=500, system=system, messages=[*history])\n",
                "bot/repl.py": "from bot.llm import Claude\n\nllm = Claude()\nturns = []\nwhile True:\n"
                "    turns.append({'role': 'user', 'content': input()})\n    turns.append({'role': 'assistant', 'content': llm.chat(turns)})\n",
            },
        ]
        silent = [
            *silent,
            # the caller sends a window
            HEAD + ASK + "\nhistory = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    ask(history[-20:])\n",
            # the wrapper windows what it is given
            HEAD + "def ask(messages):\n    return " + CREATE.format(msgs="messages[-10:]") + "\n"
            "\nhistory = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    ask(history)\n",
            # a fresh list per call
            HEAD + ASK + "\nfor q in questions:\n    ask([{'role': 'user', 'content': q}])\n",
        ]

        # Lifetimes the issue names (issue 15, item 2): a reset a user asks for is no bound, nor a
        # `pop` undoing a failed turn, nor `history = history + [turn]`; a trim on the turn's path is.
        RESET = (HEAD + "class Chat:\n    def __init__(self):\n        self.messages = []\n\n    def reset(self):\n        self.messages = []\n\n"
                 "    def send(self, text):\n        self.messages.append({'role': 'user', 'content': text})\n        reply = "
                 + CREATE.format(msgs="self.messages") + "\n        self.messages.append({'role': 'assistant', 'content': reply.content})\n        return reply\n")
        REPL = (HEAD + "history = []\nwhile True:\n    text = input()\n    if text == 'reset':\n        history = []\n        continue\n"
                "    history = history + [{'role': 'user', 'content': text}]\n    try:\n        reply = " + CREATE.format(msgs="history")
                + "\n    except anthropic.APIError:\n        history.pop()\n        continue\n    history.append({'role': 'assistant', 'content': reply.content})\n")
        fires = [
            *fires,
            # a `reset()` method the user calls now and then: between resets the list grows every turn
            Invalid(RESET, row=12, message="`self.messages` grows every turn (kept on a long-lived object, appended at line 11)"),
            # a REPL with a "reset" command, `history = history + [...]`, and a `pop()` undoing a failed request
            Invalid(REPL, row=11, message="`history` grows every turn (kept across the turns of a loop with no bound, appended at line 9)"),
            # a module-level list reset only by a `global` helper, sent as a copy (`[SYSTEM] + HISTORY`)
            Invalid(HEAD + "HISTORY = []\n\ndef reset_conversation():\n    global HISTORY\n    HISTORY = []\n\n"
                    "def chat(text):\n    HISTORY.append({'role': 'user', 'content': text})\n    messages = [{'role': 'user', 'content': 'You are terse.'}] + HISTORY\n"
                    "    reply = " + CREATE.format(msgs="messages") + "\n    HISTORY.append({'role': 'assistant', 'content': reply.content})\n",
                    row=12, message="`HISTORY` grows every turn (kept at module level, appended at line 10)"),
            # the history kept as joined text: a wrapper joins the caller's growing results into its prompt
            Invalid(HEAD + "def orchestrate(objective, previous_results):\n    done = '\\n'.join(previous_results)\n    reply = "
                    + CREATE.format(msgs="[{'role': 'user', 'content': f'{objective}\\n\\nDone so far:\\n{done}'}]")
                    + "\n    return reply.content[0].text\n\nresults = []\nwhile True:\n    results.append(orchestrate('write a book', results))\n",
                    row=10, message="`results` grows every turn"),
            # the request returns the conversation with its answer, rebound each turn of a REPL
            HEAD + "def next_turn(messages, text):\n    messages = messages + [{'role': 'user', 'content': text}]\n    reply = "
            + CREATE.format(msgs="messages") + "\n    return messages + [{'role': 'assistant', 'content': reply.content}]\n\n"
            "messages = []\nwhile True:\n    messages = next_turn(messages, input())\n",
        ]
        # gpt-engineer's AI.next: the wrapper rebinds the list it is handed through a helper of its class
        # (consecutive messages of one role merged) before the request: every message is still sent.
        COLLAPSE = (HEAD + "class AI:\n    def _collapse(self, messages):\n        HELPER\n\n"
                    "    def _send(self, messages):\n        return " + CREATE.format(msgs="messages") + "\n\n"
                    "    def next(self, messages, prompt):\n        messages.append({'role': 'user', 'content': prompt})\n"
                    "        messages = self._collapse(messages)\n        reply = self._send(messages)\n"
                    "        messages.append({'role': 'assistant', 'content': reply.content})\n        return messages\n\n"
                    "ai = AI()\nmessages = []\nwhile True:\n    messages = ai.next(messages, input())\n")
        fires = [
            *fires,
            Invalid(COLLAPSE.replace("HELPER", "collapsed = []\n        for m in messages:\n            collapsed.append(dict(m))\n        return collapsed"),
                    row=23, message="`messages` grows every turn"),
            COLLAPSE.replace("HELPER", "return [m for m in messages if m['content']]"),
            # the request written in the wrapper itself, on the helper's copy
            HEAD + "class AI:\n    def _copy(self, messages):\n        return list(messages)\n\n    def next(self, messages):\n"
            "        messages = self._copy(messages)\n        return " + CREATE.format(msgs="messages") + "\n\n"
            "ai = AI()\nhistory = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    ai.next(history)\n",
        ]
        silent = [
            *silent,
            # the helper keeps the last ten messages: a window
            COLLAPSE.replace("HELPER", "return messages[-10:]"),
            # the helper returns a new one-message list (a summary of the conversation)
            COLLAPSE.replace("HELPER", "return [{'role': 'user', 'content': summarise(messages)}]"),
            # the helper copies until a count is reached
            COLLAPSE.replace("HELPER", "kept = []\n        for m in messages:\n            if len(kept) >= 20:\n                break\n"
                             "            kept.append(m)\n        return kept"),
            # the wrapper windows its parameter before the request
            HEAD + "def ask(messages):\n    messages = messages[-10:]\n    return " + CREATE.format(msgs="messages") + "\n\n"
            "history = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n    ask(history)\n",
        ]
        LC = ("import streamlit as st\nfrom langchain_openai import ChatOpenAI\n")
        MEMORY = ("from langchain_anthropic import ChatAnthropic\nfrom langchain.chains import ConversationChain\nfrom langchain.memory import MEMORY_CLASS\n"
                  "memory = MEMORY_CLASS(ARGS)\nchain = ConversationChain(llm=ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500), memory=memory)\n"
                  "while True:\n    print(chain.invoke({'input': input()}))\n")
        fires = [
            *fires,
            # a chat model invoked on Streamlit's session list (LangChain)
            Invalid(LC + "if 'messages' not in st.session_state:\n    st.session_state['messages'] = []\nif prompt := st.chat_input():\n"
                    "    st.session_state.messages.append(('user', prompt))\n    llm = ChatOpenAI(model='gpt-4o', max_tokens=500)\n"
                    "    reply = llm.invoke(st.session_state.messages)\n    st.session_state.messages.append(('assistant', reply.content))\n",
                    row=7, message="`st.session_state.messages` grows every turn (kept in the user's session, appended at line 6)"),
            # a LangChain memory with no window, kept for the whole program
            Invalid(MEMORY.replace("MEMORY_CLASS", "ConversationBufferMemory").replace("ARGS", ""), row=5,
                    message="`memory` grows every turn (a LangChain memory with no window, built at line 4)"),
            # RunnableWithMessageHistory over Streamlit's session history, no trimmer
            LC + "from langchain_community.chat_message_histories import StreamlitChatMessageHistory\n"
            "from langchain_core.runnables.history import RunnableWithMessageHistory\nmsgs = StreamlitChatMessageHistory()\n"
            "chain = PROMPT | ChatOpenAI(model='gpt-4o', max_tokens=500)\n"
            "with_history = RunnableWithMessageHistory(chain, lambda session_id: msgs, input_messages_key='question', history_messages_key='history')\n"
            "if prompt := st.chat_input():\n    with_history.invoke({'question': prompt}, {'configurable': {'session_id': 'any'}})\n",
        ]
        silent = [
            *silent,
            # started afresh on every call: the reset is on the turn's own path
            HEAD + "class Job:\n    def __init__(self):\n        self.messages = []\n\n    def ask(self, text):\n"
            "        self.messages = [{'role': 'user', 'content': 'Be terse.'}]\n        self.messages.append({'role': 'user', 'content': text})\n"
            "        return " + CREATE.format(msgs="self.messages") + "\n",
            # emptied when it grows past a token budget: a crude bound, still a bound
            RESET.replace("        self.messages.append({'role': 'user', 'content': text})\n",
                          "        self.messages.append({'role': 'user', 'content': text})\n        if count_tokens(self.messages) > 50_000:\n            self.messages = []\n"),
            # the REPL windows what it sends
            REPL.replace("messages=history)", "messages=history[-20:])"),
            # a `pop(0)` in the loop drops the oldest turn: a window
            REPL.replace("    try:\n", "    if len(history) > 20:\n        history.pop(0)\n    try:\n"),
            # only the first turn, while the list is still empty, makes this request
            HEAD + "results = []\nwhile True:\n    if not results:\n        reply = " + CREATE.format(msgs="results")
            + "\n    results.append({'role': 'user', 'content': input()})\n",
            # a windowed memory
            MEMORY.replace("MEMORY_CLASS", "ConversationBufferWindowMemory").replace("ARGS", "k=5"),
            # a memory built per request: nothing outlives the call
            "from langchain_anthropic import ChatAnthropic\nfrom langchain.chains import ConversationChain\nfrom langchain.memory import ConversationBufferMemory\n"
            "llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500)\n\ndef answer(question):\n    memory = ConversationBufferMemory()\n"
            "    return ConversationChain(llm=llm, memory=memory).invoke({'input': question})\n",
            # a Streamlit script reruns its module every turn: a module-level memory starts empty each time
            LC + "from langchain.chains import ConversationChain\nfrom langchain.memory import ConversationBufferMemory\nmemory = ConversationBufferMemory()\n"
            "chain = ConversationChain(llm=ChatOpenAI(model='gpt-4o', max_tokens=500), memory=memory)\n"
            "if prompt := st.chat_input():\n    st.write(chain.invoke({'input': prompt}))\n",
        ]

        MEMO = (HEAD + "EDIT_MEMORY = []\n\ndef edit(path, instructions):\n    notes = '\\n'.join(f'Edit: {m}' for m in JOINED)\n"
                "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=500, system=f'Earlier edits:\\n{notes}',\n"
                "                                   messages=[{'role': 'user', 'content': instructions}])\n"
                "    EDIT_MEMORY.append(reply.content[0].text)\n")
        fires = [
            *fires,
            # a module-level log of earlier answers joined into the system prompt of every call
            Invalid(MEMO.replace("JOINED", "EDIT_MEMORY"), row=8, message="`EDIT_MEMORY` grows every turn (kept at module level, appended at line 9)"),
        ]
        silent = [
            *silent,
            # only the latest five are joined in
            MEMO.replace("JOINED", "EDIT_MEMORY[-5:]"),
        ]

        fires = [
            *fires,
            # the reset runs when the user types "reset" (claude-engineer's Assistant.chat)
            RESET.replace("    def send(self, text):\n", "    def send(self, text):\n        if text == 'reset':\n            return self.reset()\n"),
        ]
        silent = [
            *silent,
            # the reset runs at the start of every call: the list is rebuilt per turn
            RESET.replace("    def send(self, text):\n", "    def send(self, text):\n        self.reset()\n"),
            # a log of answers joined into one summary request after the work: sent once
            HEAD + "RESULTS = []\n\ndef work(item):\n    RESULTS.append(item.upper())\n\ndef summary():\n    done = '\\n'.join(RESULTS)\n    return "
            + CREATE.format(msgs="[{'role': 'user', 'content': f'Summarise:\\n{done}'}]") + "\n",
        ]

        fires = [
            *fires,
            # gpt-cli's session: `self.messages = self.messages + [...]`, undone by `[:-1]`, reset by a
            # ":clear" command, sent through a provider that `cast`s the list it is handed
            {
                "cli/provider.py": "from typing import Any, cast\nfrom openai import OpenAI\nclient = OpenAI()\n\n"
                "def complete(messages):\n    return client.responses.create(model='gpt-5.4', max_output_tokens=800, input=cast(Any, messages))\n",
                "cli/session.py": "from cli.provider import complete\n\nclass Session:\n    def __init__(self):\n        self.messages = []\n\n"
                "    def clear(self):\n        self.messages = []\n\n    def rerun(self):\n        self.messages = self.messages[:-1]\n\n"
                "    def turn(self, text):\n        self.messages = self.messages + [{'role': 'user', 'content': text}]\n"
                "        answer = complete(self.messages)\n        self.messages = self.messages + [{'role': 'assistant', 'content': answer.output_text}]\n",
            },
        ]

        silent = [
            *silent,
            # emptied whenever the model finishes a task: the model ends each conversation, not a user
            RESET.replace("        return reply\n", "        if reply.stop_reason == 'end_turn':\n            self.reset()\n        return reply\n"),
        ]

        # A backend object's per-session store (claude-slack-bot's MessagesBackend): the dict lives as
        # long as the object serving every thread; sibling methods append, another sends.
        SESSIONS = (HEAD + "class Backend:\n    def __init__(self):\n        self._sessions = {}\n\n    def open(self, sid):\n        self._sessions[sid] = []\n\n"
                    "    def send(self, sid, text):\n        messages = self._sessions[sid]\n        messages.append({'role': 'user', 'content': text})\n"
                    "        return self._turn(sid)\n\n    def _turn(self, sid):\n        messages = self._sessions[sid]\n        reply = "
                    + CREATE.format(msgs="messages") + "\n        messages.append({'role': 'assistant', 'content': reply.content})\n        return reply\n")
        fires = [*fires, SESSIONS]
        silent = [
            *silent,
            # each session's list trimmed by a helper after the turn
            SESSIONS.replace("        return reply\n", "        self._sessions[sid] = trim(messages)\n        return reply\n"),
            # the session is closed (dropped) when its task ends
            SESSIONS.replace("        return reply\n", "        self._sessions.pop(sid)\n        return reply\n"),
            # a dict of per-request lists rebuilt on every turn is no store that outlives it
            SESSIONS.replace("        messages = self._sessions[sid]\n        reply", "        messages = [{'role': 'user', 'content': 'go'}]\n        reply"),
        ]

        # KandDOM's REPL: each request's list is copied message by message from the growing
        # history, then the new turn appended where the copy starts; a window copied is a bound.
        COPIED = (HEAD + "history = []\nwhile True:\n    text = input()\n    messages = []\n    for m in history:\n"
                  "        messages.append({'role': m['role'], 'content': m['text']})\n    messages.append({'role': 'user', 'content': text})\n"
                  "    reply = " + CREATE.format(msgs="messages") + "\n    history.append({'role': 'user', 'text': text})\n"
                  "    history.append({'role': 'assistant', 'text': reply.content[0].text})\n")
        fires, silent = [*fires, COPIED], [*silent, COPIED.replace("for m in history:", "for m in history[-20:]:")]
        from claude_lint.checks import conversation_bounds_examples as bounds, history_examples as stored

        return [*fires, *stored.FIRES, *bounds.CL004_FIRES], [*silent, *stored.SILENT, *bounds.CL004_SILENT]

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        return self._judge(call) if call.site.via is None else iter(())  # a wrapper's calls: `check_project`

    def check_project(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        return conversation_once.judged(calls, lambda call: list(self._judge(call)))

    def _judge(self, call: Call) -> Iterator[Diagnostic]:
        history = call.site.history
        if history is None or history.bound:
            return  # an agent's step cap (`range(10)`) or a loop over items ends the growth
        name, row = history.name, history.append.row
        if history.kind == "memory":
            # a LangChain memory: the window is the memory's
            where, advice = (f"a LangChain memory with no window, built at line {row}",
                             "Keep a window (ConversationBufferWindowMemory(k=20), trim_messages before the model) or summarise old turns.")
            fix = Fix("Use a windowed memory: ConversationBufferWindowMemory(k=20)", "display-only")
        else:
            if history.kind == "stored":
                where = f"read whole by `{history.store[0]}` before the request and written back by `{history.store[1]}` at line {row}"
            else:
                where = f"{_WHERE[history.kind]}, appended at line {row}"
            advice = (f"Send a window that keeps the first (task) message and starts on a user turn, never between a tool_use and its tool_result "
                      f"(messages=[{name}[0], *{name}[-20:]] adjusted to that), summarise old turns, or trim to a token budget.")
            # No automatic rewrite: how many turns to keep is the author's decision.
            fix = Fix(f"Send a window: messages={name}[-20:]", "display-only")
        grows, length, lifetime = "every turn", "the conversation length", _LIFETIME[history.kind]
        if history.rounds is not None and history.kind == "loop":  # one request's tool loop (tool_rounds.py): its rounds grow, not turns
            grows, length, lifetime, advice = "with every tool round of one request", "the number of rounds", "model keeps calling tools", f"Cap the loop's steps, or {advice[0].lower()}{advice[1:]}"
            where = f"a tool loop with no step cap at line {history.rounds[0].row}, ended only by the model; appended at line {row}"
        yield self.diagnostic(
            wrapper_calls.history_at(call),
            f"`{name}` grows {grows} ({where}) and is sent whole on every call, "
            f"so input cost grows with the square of {length}, for as long as the {lifetime}. {advice}",
            fix=fix,
        )
