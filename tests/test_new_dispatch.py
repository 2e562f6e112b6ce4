"""A class whose `__new__` picks a subclass by the model it is given (seen in an evaluation
harness: `Chatbot("mistral")` is an Ollama bot, `Chatbot("claude-...")` a Claude one): a call
on an object built with a written model reaches the picked subclass's request only, so a local
model's calls are no billed requests. Run through the real CLI (`report --format json`)."""
from __future__ import annotations

import pytest

from conftest import line_of, report_routes
from test_recognition_blind11 import TEMPLATE as SUBCLASSES

BASE = (
    "class Chatbot:\n"
    "    @classmethod\n"
    "    def subclass_for_model(cls, model):\n"
    "        if model == 'dummy':\n"
    "            return DummyChatbot\n"
    "        elif model.startswith('claude'):\n"
    "            from bots.claude import Claude\n\n"
    "            return Claude\n"
    "        else:\n"
    "            from bots.local import Local\n\n"
    "            return Local\n\n"
    "    def __new__(cls, model, **kwargs):\n"
    "        kwargs['model'] = model\n"
    "        subclass = cls.subclass_for_model(model)\n"
    "        result = object.__new__(subclass)\n"
    "        result.__init__(**kwargs)\n"
    "        return result\n\n"
    "    def __init__(self, model, messages=None):\n"
    "        self.model = model\n"
    "        self.messages = list(messages or [])\n\n"
    "    def complete(self):\n"
    "        raise NotImplementedError()\n\n"
    "    def chat(self, message):\n"
    "        self.messages.append({'role': 'user', 'content': message})\n"
    "        return self.complete()\n\n"
    "    def confidence(self):\n"
    "        return self.chat('How sure are you, from 0 to 100?')\n\n\n"
    "class DummyChatbot(Chatbot):\n"
    "    def complete(self):\n"
    "        return 'hello'\n"
)

TEMPLATE = {
    "bots/__init__.py": "from bots.base import Chatbot\n",
    "bots/base.py": BASE,
    # the Claude and local (Ollama) subclasses the recognition tests of blind set 11 use
    "bots/claude.py": SUBCLASSES["bots/claude.py"],
    "bots/local.py": SUBCLASSES["bots/local.py"],
    "use.py": (
        "from bots import Chatbot\n\n\n"
        "def check_confidence(bot):\n"
        "    return bot.confidence()\n\n\n"
        "def on_mistral():\n"
        "    return Chatbot('mistral').chat('Hello')\n\n\n"
        "def on_llama():\n"
        "    bot = Chatbot('llama3', messages=[{'role': 'user', 'content': 'Is 72 bigger than 10?'}])\n"
        "    check_confidence(bot)\n"
        "    return bot.confidence()\n\n\n"
        "def on_claude():\n"
        "    bot = Chatbot('claude-haiku-4-5')\n"
        "    check_confidence(bot)\n"
        "    return bot.chat('Hello')\n\n\n"
        "def on_any(model):\n"
        "    return Chatbot(model).chat('Hello')\n\n\n"
        "def on_dummy():\n"
        "    return Chatbot('dummy').chat('Hello')\n"
    ),
}


def _routes(cli, tmp_path, example) -> dict:
    return {r["line"]: (r["api"], r["billed"]) for r in report_routes(cli, tmp_path, example) if r["filename"] == "use.py"}


def test_the_subclass_new_picks_is_the_one_a_call_reaches(cli, tmp_path):
    use = TEMPLATE["use.py"]
    found = _routes(cli, tmp_path, TEMPLATE)
    assert found == {
        line_of(use, "Chatbot('mistral').chat"): ("chat", False),
        line_of(use, "    check_confidence(bot)\n    return bot.confidence()"): ("chat", False),
        line_of(use, "    check_confidence(bot)\n    return bot.confidence()") + 1: ("chat", False),
        line_of(use, "bot = Chatbot('claude-haiku-4-5')") + 1: ("messages.create", True),
        line_of(use, "return bot.chat('Hello')"): ("messages.create", True),
        # the model is the caller's: any subclass, the billed one counted (as before)
        line_of(use, "Chatbot(model).chat"): ("messages.create", True),
        # the bare `check_confidence(bot)` wrapper itself: its parameter may be any bot
        line_of(use, "def check_confidence(bot)") + 1: ("messages.create", True),
    }  # `Chatbot('dummy')`: DummyChatbot answers itself, no request


@pytest.mark.parametrize("picking", [
    # a dict of classes, a test on something else, no last `return`: not read, every subclass as before
    "    @classmethod\n    def subclass_for_model(cls, model):\n        return {'claude': Claude}.get(model, Local)\n",
    "    @classmethod\n    def subclass_for_model(cls, model):\n        if LOCAL:\n            return Local\n        return Claude\n",
    "    @classmethod\n    def subclass_for_model(cls, model):\n        if model.startswith('claude'):\n            return Claude\n",
])
def test_a_choice_not_written_as_tests_of_the_model_picks_nothing(cli, tmp_path, picking):
    base = ("from bots.claude import Claude\nfrom bots.local import Local\nLOCAL = False\n\n\nclass Chatbot:\n" + picking
            + BASE[BASE.index("    def __new__"):BASE.index("class DummyChatbot")])
    example = dict(TEMPLATE, **{"bots/base.py": base, "use.py": "from bots import Chatbot\n\nChatbot('mistral').chat('Hello')\n"})
    assert _routes(cli, tmp_path, example) == {3: ("messages.create", True)}


def _picks(source: str):
    """The class Chatbot's `ClassInfo.picks`, as the extractor reads the file (a request in
    a method of it makes it a wrapper class, whose table lists its classes)."""
    from claude_lint.extract import python

    source = "import anthropic\n" + source + (
        "\n\ndef ask(bot):\n    return anthropic.Anthropic().messages.create(model=bot, max_tokens=8, messages=[])\n")
    facts = python.extract(source, "m.py", "/p/m.py", "m")
    return next(c.picks for c in facts.wrappers.classes if c.name == "Chatbot")


@pytest.mark.parametrize("test, rules", [
    ("model == 'a'", [("==", "a")]),
    ("'a' == model", [("==", "a")]),
    ("model.startswith(('a', 'b'))", [("starts", "a"), ("starts", "b")]),
    ("'a' in model or model == 'b'", [("in", "a"), ("==", "b")]),
])
def test_the_tests_a_picking_method_is_read_by(test, rules):
    source = ("class Chatbot:\n    @staticmethod\n    def pick(model):\n"
              f"        if {test}:\n            return Chatbot\n        return Other\n\n"
              "    def __new__(cls, name, model):\n        return super().__new__(Chatbot.pick(model))\n\n\nclass Other(Chatbot):\n    pass\n")
    param, position, read, other = _picks(source)
    assert (param, position, [(how, needle) for how, needle, _ in read], other.target) == ("model", 1, rules, "Other")
    assert {k.target for _, _, k in read} == {"Chatbot"}


@pytest.mark.parametrize("new", [
    "    def __new__(cls, model):\n        return object.__new__(cls)\n",  # no pick
    "    def __new__(cls, model):\n        model = model.lower()\n        return object.__new__(cls.pick(model))\n",  # rebound
    "    def __new__(cls, model):\n        return object.__new__(cls.pick(model), model)\n",
    "    def __new__(cls, model):\n        if model:\n            return object.__new__(cls.pick(model))\n        return object.__new__(cls)\n",
])
def test_a_new_that_makes_no_picked_instance_picks_nothing(new):
    source = ("class Chatbot:\n    @classmethod\n    def pick(cls, model):\n        if model == 'a':\n            return Chatbot\n"
              "        return Chatbot\n\n" + new)
    assert _picks(source) == ()
