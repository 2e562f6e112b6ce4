"""The byte pre-filter's test of an HTTP call naming its method first (prefilter_methods.py):
`client.request(...)` counts only where it may name the method "POST" as extract/http.py
reads it. Every example that must be parsed is one the extractor reads as a request (or one
the test cannot read for sure); every example left unparsed is one it finds nothing in, even
when forced to parse."""
from __future__ import annotations

import pytest

from claude_lint.extract import http, prefilter, python, sdk
from claude_lint.extract.prefilter_methods import METHOD_FIRST
from conftest import prefilter_passes

URL = "'https://api.openai.com/v1/chat/completions'"
BODY = "json={'model': 'gpt-4o', 'messages': messages}"
CLIENT = "import httpx\n\nclient = httpx.Client()\n\n\ndef ask(messages, request=None):\n"

READ = [
    f"{CLIENT}    return client.request('POST', {URL}, {BODY})\n",
    f"{CLIENT}    return client.request(method='post', url={URL}, {BODY})\n",
    f"import requests\n\n\ndef ask(messages):\n    return requests.request('POST', {URL}, {BODY})\n",
]

KEPT = READ + [
    # the verb taken as a value: its calls are not seen with their arguments
    f"{CLIENT}    send = client.request\n    return send('POST', {URL}, {BODY})\n",
    # imported by name (maybe called under another name)
    f"from requests import request as send\n\n\ndef ask(messages):\n    return send('POST', {URL}, {BODY})\n",
    # arguments not read
    f"{CLIENT}    args = ('POST', {URL})\n    return client.request(*args, {BODY})\n",
]

NOT_READ = [
    # a proxy forwarding the method its caller was sent with
    f"{CLIENT}    return client.request(method=request.method, url={URL}, {BODY})\n",
    # another method; the verb in a comment, and an attribute of an exception's request
    f"{CLIENT}    # client.request('POST', ...) is not used here\n    response = client.request('GET', {URL}, {BODY})\n"
    "    log(request=response.request, url=response.request.url)\n    return response\n",
]


def _found(source: str, monkeypatch) -> int:
    monkeypatch.setattr(prefilter, "worth_parsing", lambda data: True)
    return len(python.extract(source, "m.py", "/p/m.py", "m", calls_only=True).calls)


@pytest.mark.parametrize("source", READ)
def test_a_post_named_first_is_parsed_and_read(source, monkeypatch):
    assert prefilter_passes(source)
    assert _found(source, monkeypatch) == 1


@pytest.mark.parametrize("source", KEPT)
def test_a_verb_not_seen_with_its_arguments_keeps_the_file(source):
    assert prefilter_passes(source)


@pytest.mark.parametrize("source", NOT_READ)
def test_a_verb_never_named_post_is_not_parsed(source, monkeypatch):
    assert not prefilter_passes(source)
    assert _found(source, monkeypatch) == 0


def test_the_verbs_tested_are_http_ones_no_sdk_chain_ends_with():
    sdk_last = {s.chain[-1] for s in sdk.METHODS if s.chain and not s.http}
    assert METHOD_FIRST == {(w.encode(),) for w in http.METHOD_FIRST - sdk_last}
