"""The byte test looks only for the chains whose later words the file writes after a dot
(extract/prefilter_dots.py): each way a chain may still be written must let its file through."""
from __future__ import annotations

import pytest

from claude_lint.extract import prefilter
from claude_lint.extract.prefilter_dots import after_dots


def test_words_after_dots_are_read_past_every_gap_a_chain_may_have():
    source = (
        b"a.b\nc . (d)\ne.\\\n  f\ng.  # no dot here\n  h\n"
        b"i.  # a comment. with dots\n  j\n"  # a comment holding a dot: read on past it
        b"s = 'k. #'; l.m\n"  # a `#` in a string is no comment: the dot after it is read
        b"x = ...  # e.g. this\n"
    )
    words = after_dots(source)
    assert {b"b", b"d", b"f", b"h", b"j", b"m"} <= words
    assert b"#" not in words


def _asked_index():
    """The byte test's index of its chains' words, past the run's first files (its own pattern)."""
    from claude_lint.extract.prefilter_dots import PLAIN_FILES, dot_index
    from claude_lint.extract.prefilter_table import _table

    index = dot_index(_table(), prefilter._DOTTED)
    for _ in range(PLAIN_FILES + 1):
        index.pattern()
    return index


def test_the_words_the_byte_test_asks_about_are_read_as_every_word_is():
    index = _asked_index()
    source = (
        b"c.messages.  # the API. see docs\n    create(x)\n"  # behind a comment holding a dot
        b"c.chat  # no dot\n  .completions.create(x)\nx.streamed\n"  # `streamed` is no chain's word
        b"y = 'a. #'; z.invoke(1)\n"
    )
    every, asked = after_dots(source), after_dots(source, index)
    assert {b"messages", b"create", b"chat", b"completions", b"invoke"} <= asked
    assert every & index.asked() <= asked <= every
    assert b"streamed" in every and b"streamed" not in asked


def test_a_word_behind_a_block_of_comment_lines_ending_in_full_stops_is_read():
    block = b"".join(b"    # step %d of the note.\n" % i for i in range(300))
    source = b"c = client.messages.\n" + block + b"    create(x)\n" + b"d = other.\n" + block + b'    "not a word"\n'
    for words in (after_dots(source), after_dots(source, _asked_index())):
        assert {b"messages", b"create"} <= words


CALLED = [
    # a comment holding a dot between two links of the chain
    "import anthropic\nc = anthropic.Anthropic()\nc.messages.  # the API. see docs\n    create(model='m', max_tokens=9, messages=[])\n",
    "import anthropic\nc = anthropic.Anthropic()\n(c.messages  # e.g. this\n  .create)(model='m', max_tokens=9, messages=[])\n",
    # a `#` in a string before the chain, on its line
    "import anthropic\nc = anthropic.Anthropic()\nx = 'a. #'; c.messages.create(model='m', max_tokens=9, messages=[])\n",
    # a one-word chain imported by name, or handed by name to asyncio.to_thread
    "from litellm import completion\ncompletion(model='m', messages=[])\n",
    "import asyncio\nimport litellm\ncompletion = pick()\nasyncio.to_thread(completion, model='m', messages=[])\n",
    "import asyncio\nimport anthropic\nc = anthropic.Anthropic()\nasyncio.to_thread(c.messages.create, model='m', max_tokens=9, messages=[])\n",
    # a file writing `with_options` is held to the chain's words alone
    "import anthropic\nc = anthropic.Anthropic().with_options(timeout=5)\nm = c.messages\nm.create(model='m', max_tokens=9, messages=[])\n",
    # a distinctive chain needs no import
    "def f(client):\n    return client.chat.\\\n        completions.create(model='m', messages=[])\n",
    "def f(rt):\n    return rt.  # bedrock\n        converse(modelId='m', messages=[])\n",
    # a runnable of a file importing LangChain
    "from langchain_core.runnables import R\n\ndef f(llm):\n    return llm.invoke('hi')\n",
]


@pytest.mark.parametrize("source", CALLED)
def test_a_chain_written_any_way_a_call_may_be_is_parsed(source):
    for end in ("\n", "\r\n"):
        assert prefilter.needs_parse(source.replace("\n", end).encode())


NOT_CALLED = [
    # the chain's words, but never one after a dot
    "import anthropic\nmessages = create = 1\nprint(messages, create)\n",
    "import litellm\nfrom x import tool_runner\ngenerate_videos = models = 2\n",
]


@pytest.mark.parametrize("source", NOT_CALLED)
def test_words_no_dot_precedes_make_no_chain(source):
    assert not prefilter.needs_parse(source.encode())


ATTRIBUTE_OR_IMPORT_ONLY = [
    # `with_options` defined, never written after a dot: no chain holds it, the chain is held to its regex
    "import anthropic\n\nclass Client:\n    def with_options(self, **kw):\n        return self\n\nmessages = create = 1\n",
    # a function of the file named `to_thread`, not asyncio's: the chain handed to it is no call
    "import anthropic\n\ndef to_thread(f):\n    return f\n\nc = anthropic.Anthropic()\nto_thread(c.messages.create)\n",
]


@pytest.mark.parametrize("source", ATTRIBUTE_OR_IMPORT_ONLY)
def test_a_word_that_counts_only_as_an_attribute_or_an_import_is_not_searched_for(source, monkeypatch):
    from claude_lint.extract import python

    assert not prefilter.needs_parse(source.encode())
    monkeypatch.setattr(prefilter, "worth_parsing", lambda data: True)
    assert not python.extract(source, "m.py", "/p/m.py", "m", calls_only=True).parsed


def test_a_post_method_defined_in_the_file_is_no_call(tmp_path):
    """`def post(` (an HTTP client Protocol's method) is not judged as a `post(` imported by
    name: a file whose only POSTs go elsewhere is not parsed, and its findings are unchanged."""
    from test_equivalence import _findings, _in_scope

    head = 'import requests\nURL = "https://api.anthropic.com/v1/messages"\n\n\nclass Http(Protocol):\n    def post(self, url, json): ...\n\n\n'
    elsewhere = head + 'def f(h: Http, body):\n    return h.post("https://hooks.example.com/x", json=body)\n'
    called = head + "def f(q):\n    return requests.post(URL, json={'model': 'claude-sonnet-4-5', 'max_tokens': 20000, 'messages': [q]})\n"
    assert not prefilter.worth_parsing(elsewhere.encode())
    assert [prefilter._defined(s, s.find(b"post")) for s in (b"  post(x) def", b"def post(", b"undef post(", b"x.post(")] == [False, True, False, False]
    assert prefilter.worth_parsing(called.encode())
    for name, source in (("elsewhere", elsewhere), ("called", called)):
        root = tmp_path / name
        root.mkdir()
        (root / "m.py").write_text(source)
        found = _findings(root, no_cache=True)
        assert found == _in_scope(root, _findings(root, prefilter_on=False, no_cache=True))
        assert bool(found) == (name == "called")
