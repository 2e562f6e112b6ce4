"""The extractor's cheap tests must never change what it finds: each one only skips work
whose answer it already knows (a call whose last name no recogniser keys on, a one-word
method named only inside a longer name)."""
from __future__ import annotations

import pytest

from claude_lint.checks import all_rules
from claude_lint.checks.base import example_source
from claude_lint.extract import prefilter, python

from conftest import FIXTURES


class _Everything(frozenset):
    def __contains__(self, item) -> bool:
        return True


def _sources():
    for rule in all_rules():
        for examples in (rule.fires, rule.silent):
            for example in examples:
                files = example_source(example)
                for name, text in (files.items() if isinstance(files, dict) else (("example.py", files),)):
                    if name.endswith(".py") and isinstance(text, str):
                        yield f"{rule.code}/{name}", text
    for path in sorted(FIXTURES.rglob("*.py")):
        try:
            yield str(path.relative_to(FIXTURES)), path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


SOURCES = list(_sources())


def test_the_call_gate_changes_no_facts(monkeypatch):
    gated = [python.extract(text, name, "/p/" + name, "m") for name, text in SOURCES]
    monkeypatch.setattr(python, "CALLABLE_WORDS", _Everything())
    monkeypatch.setattr(python._Extraction, "_callable_names", lambda self: _Everything())
    for (name, text), facts in zip(SOURCES, gated):
        assert python.extract(text, name, "/p/" + name, "m") == facts, name
    assert sum(len(f.calls) for f in gated) > 100  # the sources hold requests: the comparison says something


@pytest.mark.parametrize("source", [
    "def ask(rt, m):\n    return rt.converse(modelId='anthropic.claude-3-haiku', messages=m)\n",
    "def ask(rt, m):\n    send = rt.converse\n    return send(modelId='anthropic.claude-3-haiku', messages=m)\n",
    "import asyncio\n\nasync def ask(rt, m):\n    return await asyncio.to_thread(rt .\n        converse, modelId='x', messages=m)\n",
])
def test_a_one_word_method_written_as_an_attribute_is_parsed(source):
    assert prefilter.needs_parse(source.encode())


def test_a_one_word_method_inside_a_longer_name_is_not():
    """litellm names its helpers after Bedrock's methods (`_filter_for_bedrock_converse(`):
    no request, and no parse of the file for it."""
    source = (
        "def _filter_for_bedrock_converse(params):\n    return params\n\n\n"
        "def build(params):\n    out = _filter_for_bedrock_converse(params)\n    out['route'] = converse_route\n"
        "    return invoke_model_payload(out)\n"
    )
    assert not prefilter.needs_parse(source.encode())
    assert not python.extract(source, "x.py", "/p/x.py", "x").calls


def _fragments(words, n, seed):
    import random

    rnd = random.Random(seed)
    return ["".join(rnd.choice(words) for _ in range(rnd.randint(1, 30))) for _ in range(n)]


def test_the_person_test_reads_as_its_patterns_read():
    """serves_a_person tries its patterns only where a word they hold is: the same answers
    as a search of the whole text."""
    from claude_lint.extract import loops

    def whole(text):
        return bool(loops._SERVES_A_PERSON.search(text)) or bool(loops._LOOP_STATEMENT.search(text)) and bool(loops._READS_A_PERSON.search(text))

    cases = ["import streamlit as st\n", "  @app.route('/')\ndef f(): pass\n", "x = a @ b\n@app.get('/x')\n", "# @app.route(\n",
             "while True:\n    x = input('> ')\n", "while x:\n  y.input('>')\n", "while x:\n  console.input('>')\n", "while 1:\n  IntPrompt.ask('x')\n",
             "while 1:\n  myPrompt.ask('x')\n", "while\tz:\n from prompt_toolkit import a\n", "x\r@app.route(\n", "a@b\n   @x.command()\n"]
    words = ["@", "\n", " ", "app", ".", "route", "get", "(", "while", "input", "getpass", "x", "\t", "import ", "from ", "streamlit", "Int", "Prompt",
             "ask", "console", "prompt_toolkit", "click", "typer", "confirm", "_", "\r", "questionary"]
    for text in cases + _fragments(words, 5000, 11):
        assert loops._serves(text) == whole(text), repr(text)
    assert loops.serves_a_person(cases[0]) and loops.serves_a_person(cases[0])  # asked again: the kept answer


def test_output_limits_are_found_as_the_whole_word_pattern_finds_them():
    import re

    from claude_lint.extract import python_calls

    whole = re.compile(r"""\b(?:max_tokens|max_completion_tokens|max_output_tokens|maxTokens)\b(?:\s*=(?!=)|["']\s*:)""")
    words = ["max_tokens", "max_completion_tokens", "maxTokens", "max_output_tokens", "x", "_", "é", " ", "=", "==", "'", '"', ":", "\n", "max"]
    for text in _fragments(words, 5000, 12):
        assert python_calls.limit_offsets(text) == [m.start() for m in whole.finditer(text)], repr(text)
