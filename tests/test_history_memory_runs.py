"""A LangChain memory lives across turns only where it is run turn after turn (issue 16): in a
REPL loop or a handler. A script that runs it by two or three calls written one after another,
streams one answer, or never runs it at all, holds those few turns (abhiparashar's
langchain-mastery lessons, rajakumartj's memory demo)."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

HEAD = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.chat_history import InMemoryChatMessageHistory\n"
        "from langchain_core.runnables.history import RunnableWithMessageHistory\n\nstore = {}\n\n"
        "def history_for(session_id):\n    if session_id not in store:\n        store[session_id] = InMemoryChatMessageHistory()\n"
        "    return store[session_id]\n\nchat = RunnableWithMessageHistory(ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500), history_for)\n"
        "config = {'configurable': {'session_id': 'a'}}\n")


def rows(tmp_path, source: str) -> list:
    write_project(tmp_path, {"chat.py": source}, suite=False)
    return [d.loc.row for d in lint_tree(tmp_path, suite=False, select=("CL004",)).diagnostics if d.code == "CL004"]


@pytest.mark.parametrize("runs", [
    "while True:\n    print(chat.invoke(input(), config=config).content)\n",
    "def reply(text):\n    return chat.invoke(text, config=config)\n",
    "while True:\n    for chunk in chat.stream(input(), config=config):\n        print(chunk.content)\n",
])
def test_a_memory_run_each_turn_grows(tmp_path, runs):
    assert rows(tmp_path, HEAD + runs) == [12]


@pytest.mark.parametrize("runs", [
    "chat.invoke('I am Ada.', config=config)\nprint(chat.invoke('Who am I?', config=config).content)\n",
    "for chunk in chat.stream('Who am I?', config=config):\n    print(chunk.content)\n",
    "",
])
def test_a_memory_run_by_a_few_written_calls_is_bounded(tmp_path, runs):
    assert rows(tmp_path, HEAD + runs) == []


CHAIN = ("from langchain_anthropic import ChatAnthropic\nfrom langchain.chains import ConversationChain\n\n"
         "llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500)\nother = ChatAnthropic(model='claude-haiku-4-5', max_tokens=200)\n"
         "conversation = ConversationChain(llm=llm, ARGS)\nwhile True:\n    print(conversation.predict(input=input()))\n")


def test_a_conversation_chain_given_no_memory_keeps_a_buffer_of_its_own(tmp_path):
    # reported at the chain's model only: the other model sends what it is handed
    assert rows(tmp_path, CHAIN.replace(", ARGS", "")) == [4]


@pytest.mark.parametrize("args", ["memory=ConversationBufferWindowMemory(k=6)", "memory=ConversationSummaryMemory(llm=other)"])
def test_a_conversation_chain_with_a_window_is_bounded(tmp_path, args):
    assert rows(tmp_path, CHAIN.replace("ARGS", args)) == []


# the REPL's memory built in main(), through a store of that function
IN_MAIN = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.chat_history import InMemoryChatMessageHistory\n"
           "from langchain_core.runnables.history import RunnableWithMessageHistory\n\n\ndef main(question):\n    store = {}\n\n"
           "    def history_for(session_id):\n        return store.setdefault(session_id, InMemoryChatMessageHistory())\n\n"
           "    chat = RunnableWithMessageHistory(ChatAnthropic(model='claude-sonnet-4-6', max_tokens=500), history_for)\n"
           "    config = {'configurable': {'session_id': 'a'}}\n    RUN\n")


@pytest.mark.parametrize("run, found", [
    ("while True:\n        print(chat.invoke(input(), config=config).content)", [12]),  # its turns: the memory lives across them
    ("print(chat.invoke(question, config=config).content)", []),  # one question per call, a fresh memory each time
])
def test_a_memory_built_in_a_function_grows_with_its_loop(tmp_path, run, found):
    assert rows(tmp_path, IN_MAIN.replace("RUN", run)) == found


LOG = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder\n"
       "from langchain_community.chat_message_histories import ChatMessageHistory\n\nllm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=800)\n"
       "chain = ChatPromptTemplate.from_messages([MessagesPlaceholder('past'), ('human', '{q}')]) | llm\nlog = ChatMessageHistory()\n"
       "while True:\n    q = input('> ')\n    answer = chain.invoke({'past': log.messages, 'q': q})\n    log.add_user_message(q)\n"
       "    log.add_ai_message(answer.content)\n")


@pytest.mark.parametrize("tail, expected", [
    ("", [5]),
    # emptied once past a size: bounded
    ("    if len(log.messages) > 30:\n        log.clear()\n", []),
])
def test_a_message_history_object_a_loop_adds_to_grows(tmp_path, tail, expected):
    # held-out langchain_tinkering's car-details chat: history.messages handed to a prompt | model | parser chain
    assert rows(tmp_path, LOG + tail) == expected
