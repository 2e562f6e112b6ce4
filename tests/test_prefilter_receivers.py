"""The byte pre-filter's test of LiteLLM's `acompletion` / `completion` (prefilter_receivers.py):
such a call is worth a parse only with a client made in the file or a module function
reached through an import. Every example that must be parsed is one the extractor reads as
a request; every example left unparsed is one it finds nothing in, even when forced to parse."""
from __future__ import annotations

import pytest

from claude_lint.extract import prefilter, python

READ = [
    # the module function, as an attribute of the imported module
    "import litellm\n\nasync def ask(m):\n    return await litellm.acompletion(model='gpt-4o', messages=m)\n",
    # through an alias of the module, and a submodule on the way
    "import litellm as ll\n\nasync def ask(m):\n    return await ll.main.acompletion(model='gpt-4o', messages=m)\n",
    "from litellm import main\n\ndef ask(m):\n    return main.completion(model='gpt-4o', messages=m)\n",
    # imported by name, under another name
    "import litellm\nfrom litellm import acompletion as ask_llm\n\nasync def ask(m):\n    return await ask_llm(model='gpt-4o', messages=m)\n",
    # an alias of the function, then called
    "import litellm\n\nsend = litellm.completion\n\ndef ask(m):\n    return send(model='gpt-4o', messages=m)\n",
    # a Router made in the file, called through an attribute
    "from litellm import Router\n\nclass Service:\n    def __init__(self, models):\n        self.router = Router(model_list=models)\n\n"
    "    async def ask(self, m):\n        return await self.router.acompletion(model='main', messages=m)\n",
    # a Router annotated in a string
    "import litellm\n\nasync def ask(router: 'litellm.Router', m):\n    return await router.acompletion(model='main', messages=m)\n",
    # ... written with an escape
    "import litellm\n\nasync def ask(router: 'litellm.\\x52outer', m):\n    return await router.acompletion(model='main', messages=m)\n",
]

KEPT = READ + [
    # the chain split across lines: not read for sure, so parsed
    "import litellm\n\nasync def ask(m):\n    return await (litellm\n        .acompletion)(model='gpt-4o', messages=m)\n",
    # a client made from a provider string
    "import instructor\nimport litellm\n\nclient = instructor.from_provider('litellm/gpt-4o')\n\ndef ask(m):\n    return client.completion(messages=m)\n",
]

NOT_READ = [
    # an object made elsewhere (litellm's own Rust core), the Router only in comments and docstrings
    "import litellm\n\n\nclass Core:\n    \"\"\"The ``Router`` that owns the core.\"\"\"\n\n    def __init__(self, core):\n        self._core = core  # not a Router\n\n"
    "    async def ask(self, m):\n        return await self._core.acompletion(model='gpt-4o', messages=m)\n",
    # the Router named in a message with an escape, and in a bytes literal
    "import litellm\n\nHOW = 'set it in the Router:\\n `Router(x=1)`'\nRAW = b'Router'\n\n"
    "async def ask(core, m):\n    return await core.acompletion(model='gpt-4o', messages=m)\n",
    # the word reached through an imported enum, and named in a string
    "import litellm\nfrom litellm.types.utils import CallTypes\n\nNAMES = {'acompletion': 'litellm.acompletion'}\n\n"
    "def route(call_type, handlers):\n    return handlers.acompletion(call_type == CallTypes.acompletion)\n",
]


def _calls(source: str, monkeypatch) -> int:
    monkeypatch.setattr(prefilter, "worth_parsing", lambda data: True)
    return len(python.extract(source, "m.py", "/p/m.py", "m", calls_only=True).calls)


@pytest.mark.parametrize("source", READ)
def test_a_request_through_an_import_or_a_client_of_the_file_is_parsed(source, monkeypatch):
    assert prefilter.needs_parse(source.encode())
    assert _calls(source, monkeypatch) == 1


@pytest.mark.parametrize("source", KEPT)
def test_what_the_byte_reading_cannot_settle_is_parsed(source):
    assert prefilter.needs_parse(source.encode())


@pytest.mark.parametrize("source", NOT_READ)
def test_a_call_on_an_object_made_elsewhere_is_not_parsed(source, monkeypatch):
    assert not prefilter.needs_parse(source.encode())
    assert _calls(source, monkeypatch) == 0
