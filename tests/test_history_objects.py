"""Conversations kept on a long-lived object that no check saw (issue 16): a per-thread store
made with the builtin `dict()`, a list a `load()` method replaces with a saved conversation
(no window: it grows again from there), a list sent through a method that hands it back
whole while short and a window past a size (CL011: still a growing prefix up to the window;
CL004: bounded), and a comprehension copy of the list."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

HEAD = "import json\nimport anthropic\n\n\nclass Chat:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n"
SEND = "        reply = self.client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=SENT)\n"

# threads keyed by channel, each created on its first message, on a bot's one object
THREADS = (HEAD + "        self.threads = dict()\n\n"
           "    def reply(self, channel, text):\n"
           "        if channel not in self.threads:\n            self.threads[channel] = []\n"
           "        self.threads[channel].append({'role': 'user', 'content': text})\n"
           + SEND.replace("SENT", "self.threads[channel]") +
           "        self.threads[channel].append({'role': 'assistant', 'content': reply.content[0].text})\n"
           "        return reply\nEXTRA")

# a history the user may save and load back whole; each turn resends the list
SAVED = (HEAD + "        self.history = []\n\n"
         "    def send(self, text):\n"
         "        self.history.append({'role': 'user', 'content': text, 'at': 0})\n"
         "        sent = [{'role': m['role'], 'content': m['content']} for m in self.history]\n"
         + SEND.replace("SENT", "sent") +
         "        self.history.append({'role': 'assistant', 'content': reply.content[0].text, 'at': 1})\n\n"
         "    def load(self, path):\n        LOAD\n"
         "        self.history = saved['messages']\n")

# the list sent through a method of the class that picks what goes out
WINDOWED = (HEAD + "        self.history = []\n\n"
            "    def _window(self):\n        BODY\n\n"
            "    def send(self, text):\n"
            "        self.history.append({'role': 'user', 'content': text})\n"
            "        sent = self._window()\n"
            + SEND.replace("SENT", "sent") +
            "        self.history.append({'role': 'assistant', 'content': reply.content[0].text})\n")
KEEP_FIRST_AND_LAST = ("if len(self.history) <= 30:\n            return self.history\n"
                       "        first = self.history[:2]\n        return first + self.history[-28:]")


def rows(tmp_path, source: str, rule: str) -> list:
    write_project(tmp_path, {"chat.py": source}, suite=False)
    return [d.loc.row for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics if d.code == rule]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_threads_in_a_dict_made_by_the_builtin_grow_on_the_object(tmp_path, rule):
    assert rows(tmp_path, THREADS.replace("EXTRA", ""), rule) == [14]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_thread_dropped_from_the_store_is_bounded(tmp_path, rule):
    dropped = "\n    def close(self, channel):\n        self.threads.pop(channel, None)\n"
    assert rows(tmp_path, THREADS.replace("EXTRA", dropped), rule) == []


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
@pytest.mark.parametrize("load", ["saved = json.load(open(path))", "saved = json.loads(open(path).read())"])
def test_a_conversation_loaded_back_whole_is_no_window(tmp_path, rule, load):
    assert rows(tmp_path, SAVED.replace("LOAD", load), rule) == [13]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_list_put_in_place_from_what_a_helper_returns_may_be_a_window(tmp_path, rule):
    # `saved` from the project's own code: it may be a summary or the last few turns
    assert rows(tmp_path, SAVED.replace("LOAD", "saved = self.compact(path)"), rule) == []


def test_a_list_sent_whole_until_its_window_still_grows_uncached(tmp_path):
    assert rows(tmp_path, WINDOWED.replace("BODY", KEEP_FIRST_AND_LAST), "CL011") == [19]


def test_a_list_sent_whole_until_its_window_is_bounded(tmp_path):
    assert rows(tmp_path, WINDOWED.replace("BODY", KEEP_FIRST_AND_LAST), "CL004") == []


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_method_handing_back_the_whole_list_sends_it_whole(tmp_path, rule):
    assert rows(tmp_path, WINDOWED.replace("BODY", "return self.history"), rule) == [16]


@pytest.mark.parametrize("body", [
    "return self.history[-20:]",  # always a window: never the growing whole
    "return [self.summary()] + self.history[-4:]",  # a summary ahead of a window
    "return self.summarise(self.history)",
    "if len(self.history) > 30:\n            return self.history[-20:]\n        return list(self.turns)",
])
@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_method_that_never_hands_back_the_whole_list_is_silent(tmp_path, rule, body):
    assert rows(tmp_path, WINDOWED.replace("BODY", body), rule) == []


# A bot's handler: the user's turn goes into the store, the conversation is read back whole
# under the same key and sent, and the answer is written back: the turn enters through the
# store, not through a list of the file, and the next read returns it all grown.
KEYED = ("import anthropic\nfrom chatdb import ChatStore\n\n\nclass Cog:\n    def __init__(self):\n"
         "        self.db = ChatStore()\n        self.client = anthropic.Anthropic()\n\n"
         "    def ask(self, user_id, text):\n        self.db.add_message(user_id, 'user', text)\n"
         "        log = self.db.get_chat_log(user_id)\n"
         "        reply = self.client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=log)\n"
         "        WRITE\n        return reply\n")
WRITE_BACK = "self.db.add_message(user_id, 'assistant', reply.content[0].text)"


def test_a_conversation_written_back_under_the_readers_key_grows_uncached(tmp_path):
    assert rows(tmp_path, KEYED.replace("WRITE", WRITE_BACK), "CL011") == [13]


def test_a_conversation_written_back_through_another_modules_reader_is_not_cl004s(tmp_path):
    # the reader is elsewhere: it may keep a window (`ORDER BY id DESC LIMIT 20`)
    assert rows(tmp_path, KEYED.replace("WRITE", WRITE_BACK), "CL004") == []


@pytest.mark.parametrize("write", [
    WRITE_BACK.replace("self.db.", "self.audit."),  # another store: the conversation read stays as it was
    WRITE_BACK.replace("(user_id,", "(channel_id,"),  # another key
    "self.db.add_message(user_id, 'assistant', '')",  # nothing of the answer written
    "pass",  # only the user's turn is written, before the request: no answer goes back
])
def test_a_conversation_not_written_back_under_the_readers_key_is_silent(tmp_path, write):
    assert rows(tmp_path, KEYED.replace("WRITE", write), "CL011") == []


def test_a_window_asked_of_the_store_is_silent(tmp_path):
    windowed = KEYED.replace("WRITE", WRITE_BACK).replace("get_chat_log(user_id)", "get_chat_log(user_id, limit=20)")
    assert rows(tmp_path, windowed, "CL011") == []
