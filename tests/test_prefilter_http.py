"""The byte pre-filter's test of a raw POST's receiver (prefilter_receivers.py, `post` and
`request`): the extractor reads such a call only through an HTTP client the file makes or
annotates (`requests.Session`, `httpx.Client`, `aiohttp.ClientSession`) or as the module
function (`requests.post`, `httpx.post`), so a file naming neither is left unparsed. Every
example that must be parsed is one the extractor reads; every example left unparsed is one
it finds nothing in, even when forced to parse."""
from __future__ import annotations

import pytest

from conftest import extractor_finds, prefilter_passes

BODY = "json={'model': 'gpt-4o', 'messages': messages}"

READ = [
    # the module function, as an attribute of the imported module (also under another name)
    f"import requests\n\ndef ask(messages):\n    return requests.post('https://api.openai.com/v1/chat/completions', {BODY})\n",
    f"import httpx as web\n\ndef ask(messages):\n    return web.post('https://api.openai.com/v1/chat/completions', {BODY})\n",
    # imported by name
    f"from requests import post\n\ndef ask(messages):\n    return post('https://api.openai.com/v1/chat/completions', {BODY})\n",
    # a session made in the file
    f"from requests import Session\n\nhttp = Session()\n\ndef ask(messages):\n    return http.post('https://api.openai.com/v1/chat/completions', {BODY})\n",
    f"import aiohttp\n\nasync def ask(messages):\n    async with aiohttp.ClientSession() as session:\n"
    f"        return await session.post('https://api.openai.com/v1/chat/completions', {BODY})\n",
    # a client annotated in a string
    f"import httpx\n\ndef ask(client: 'httpx.Client', messages):\n    return client.post('https://api.openai.com/v1/chat/completions', {BODY})\n",
    # the method named first
    f"import requests\n\nhttp = requests.Session()\n\ndef ask(messages):\n    return http.request('POST', 'https://api.openai.com/v1/chat/completions', {BODY})\n",
    # a helper posting its caller's URL and body through a client it makes: its callers decide
    "import httpx\n\ndef send(url, payload):\n    with httpx.Client() as client:\n        return client.post(url, json=payload)\n",
]

NOT_READ = [
    # a gateway's own HTTP handler, made elsewhere, handed the caller's URL and body
    "import httpx\nfrom .http_handler import AsyncHTTPHandler\n\n\nasync def make_call(client: AsyncHTTPHandler, api_base: str, data: str):\n"
    "    return await client.post(api_base, data=data, timeout=httpx.Timeout(600))\n",
    # a chat body posted through an object of unknown class; the client named only in a docstring
    "import httpx\n\n\nclass Logger:\n    \"\"\"Sends each record with an ``httpx.Client``.\"\"\"\n\n    def send(self, messages):\n"
    "        return self.transport.post(self.url, json={'model': 'gpt-4o', 'messages': messages})\n",
    # `request` on an object the file does not make
    "import requests\n\n\ndef forward(proxy, messages):\n    return proxy.request('POST', '/v1/chat/completions', json={'model': 'gpt-4o', 'messages': messages})\n",
]


@pytest.mark.parametrize("source", READ)
def test_a_post_through_an_http_client_or_module_of_the_file_is_parsed(source, monkeypatch):
    assert prefilter_passes(source)
    assert extractor_finds(source, monkeypatch)


@pytest.mark.parametrize("source", NOT_READ)
def test_a_post_through_an_object_made_elsewhere_is_not_parsed(source, monkeypatch):
    assert not prefilter_passes(source)
    assert not extractor_finds(source, monkeypatch)


def test_a_post_to_a_written_url_of_no_endpoint_is_parsed_only_for_a_chat_written_whole(monkeypatch):
    proxy = ("import requests\n\nfor m in ['Hi']:\n    requests.post('https://zerokey.onrender.com/proxy/u/groq/k',\n"
             "        json={'model': 'groq/compound-mini', 'messages': [{'role': 'user', 'content': m}]})\n")
    webhook = "import requests\n\n\ndef notify(text):\n    return requests.post('https://hooks.slack.com/services/x', json={'text': text, 'model': 'a'})\n"
    assert prefilter_passes(proxy) and extractor_finds(proxy, monkeypatch)
    assert not prefilter_passes(webhook) and not extractor_finds(webhook, monkeypatch)
