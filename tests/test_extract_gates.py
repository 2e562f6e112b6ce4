"""The extractor's cheap tests must never change what it finds: each one only skips work
whose answer it already knows (a call whose last name no recogniser keys on, a one-word
method named only inside a longer name)."""
from __future__ import annotations

import pytest

from claude_lint.extract import prefilter, python


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
