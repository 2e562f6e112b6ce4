"""The byte pre-filter's reading of a raw POST's body passed by name (prefilter_scope.py):
the keys the function around the call may give it (the dicts it binds the name to, its
edits in place, a helper of the file's returns). Each file below also writes `"model"` and
`"messages"` elsewhere, so the looser test (the keys anywhere in the file) let every one
through. Every example that must be parsed is one the extractor reads; every example left
unparsed is one it finds nothing in, even when forced to parse."""
from __future__ import annotations

import pytest

from claude_lint.extract.prefilter_scope import ByteKeys
from conftest import extractor_finds, prefilter_passes

# Keys written elsewhere in each file, in a dict no request sends (a docstring's example would do too).
HEAD = "import os\n\nimport requests\n\nEXAMPLE = {'model': 'gpt-4o', 'messages': []}\nURL = os.environ['LLM_URL']\n\n\n"

READ = [
    # a dict the function writes whole
    "def ask(q):\n    payload = {'model': 'gpt-4o', 'messages': [{'role': 'user', 'content': q}]}\n"
    "    return requests.post(URL, json=payload)\n",
    # filled key by key, then sent as JSON text
    "import json\n\n\ndef ask(q):\n    body = {}\n    body['model'] = 'gpt-4o'\n    body['messages'] = [{'role': 'user', 'content': q}]\n"
    "    return requests.post(URL, data=json.dumps(body))\n",
    # updated from a dict it writes
    "def ask(q):\n    body = {'model': 'gpt-4o'}\n    body.update({'messages': [{'role': 'user', 'content': q}]})\n"
    "    return requests.post(URL, json=body)\n",
    # unpacked from a helper of the file that returns the headers and the body
    "def _prepare(q):\n    return {'Accept': 'json'}, {'model': 'gpt-4o', 'messages': [{'role': 'user', 'content': q}]}\n\n\n"
    "def ask(q):\n    headers, body = _prepare(q)\n    return requests.post(URL, headers=headers, json=body)\n",
    # a parameter the caller hands in, filled in place (test_wrapper_reach's gateway)
    "import json\n\n\ndef send(messages, params, model_id):\n    params['messages'] = messages\n    params['model'] = model_id\n"
    "    body = json.dumps(params)\n    return requests.post(URL, data=body)\n",
    # updated with a dict spread by name
    "def ask(q):\n    extra = {'model': 'gpt-4o', 'messages': [{'role': 'user', 'content': q}]}\n    body = {'stream': False}\n"
    "    body.update(**extra)\n    return requests.post(URL, json=body)\n",
    # a parameter filled in place and sent as it is (the caller hands the dict in)
    "def send(messages, params):\n    params['messages'] = messages\n    params['model'] = 'gpt-4o'\n"
    "    return requests.post(URL, json=params)\n",
    # a helper POSTing its caller's URL and body, the body encoded on the way (a pass-through POST)
    "import json\n\n\ndef send(url, params):\n    return requests.post(url, data=json.dumps(params))\n",
    # a module-level dict: not the function's to read (the looser test)
    "def ask():\n    return requests.post(URL, json=EXAMPLE)\n",
]

NOT_READ = [
    # unpacked from another object's method (a gateway's request signer)
    "def ask(signer, request):\n    headers, body = signer.sign(request)\n    return requests.post(URL, headers=headers, data=body)\n",
    # built by another module's function
    "from .bodies import build_body\n\n\ndef ask(q):\n    body = build_body(q)\n    return requests.post(URL, json=body)\n",
    # a comprehension over what the caller hands in, and an update from another object
    "def ask(options, extra):\n    body = {k: v for k, v in options.items() if k != 'files'}\n    body.update(extra.as_dict())\n"
    "    return requests.post(URL, json=body)\n",
    # a helper of the file whose dict holds other keys
    "def _form(q):\n    return {'query': q, 'top_k': 5}\n\n\ndef ask(q):\n    body = _form(q)\n    return requests.post(URL, json=body)\n",
    # a helper of the file that returns rows, posted to a URL whose end is written and is no endpoint
    "import json\n\n\ndef _rows(rows):\n    return tuple({k: v for k, v in r.items()} for r in rows)\n\n\n"
    "def export(base, rows):\n    data = json.dumps(_rows(rows))\n    del rows\n    return requests.post(base + 'spend/update', data=data)\n",
]


@pytest.mark.parametrize("source", READ)
def test_a_body_the_function_may_fill_with_a_chat_request_is_parsed(source, monkeypatch):
    assert prefilter_passes(HEAD + source)
    assert extractor_finds(HEAD + source, monkeypatch)


@pytest.mark.parametrize("source", NOT_READ)
def test_a_body_the_function_never_gives_those_keys_is_not_parsed(source, monkeypatch):
    assert not prefilter_passes(HEAD + source)
    assert not extractor_finds(HEAD + source, monkeypatch)


@pytest.mark.parametrize("shape", [
    "    for body in bodies:\n        requests.post(URL, json=body)\n",  # a loop's
    "    global body\n    requests.post(URL, json=body)\n",  # declared global
    "    body = {**q.defaults}\n    requests.post(URL, json=body)\n",  # a spread of something not read here
    "    body = other = make()\n    requests.post(URL, json=body)\n",  # a helper returning what is not read here (below)
])
def test_a_body_name_not_read_in_the_function_keeps_the_looser_test(shape):
    source = (HEAD + "def ask(q, bodies):\n" + shape + "\n\ndef make():\n    return {**os.environ}\n" * ("make()" in shape)).encode()
    keys = ByteKeys(source)
    keys.at = source.rfind(b"post(")
    assert keys.bound_keys("body", None) is None


def test_a_function_cut_inside_a_string_is_not_read_alone():
    """The block ends at the first line of code indented no deeper than the `def`: a line of
    a string at the margin cuts the text, which does not parse, so the looser test stands."""
    source = (HEAD + "def ask(q):\n    note = '''\nA note at the margin\n'''\n    body = signer.sign(q)\n"
              "    return requests.post(URL, json=body)\n").encode()
    keys = ByteKeys(source)
    keys.at = source.rfind(b"post(")
    assert keys.bound_keys("body", None) is None


@pytest.mark.parametrize("source, defined", [
    (b"def build(x):\n    pass\n", True),
    (b"class build:\n    pass\n", True),
    (b"build = partial(make, 1)\n", True),
    (b"    build: Callable = make\n", True),
    (b"build, other = make(), 1\n", True),
    (b"(other, build) = make(), 1\n", True),
    (b"from helpers import build\nx = build(1)\n", False),
    (b"if build == 3:\n    pass\n", False),
    (b"    build(x), key=1\n", False),  # a call inside a call's arguments, not a binding
    (b"X: Final[build] = 3\n", False),
])
def test_a_name_defined_by_the_file_is_told_from_an_imported_one(source, defined):
    """A call of a function the file does not define returns what the extractor does not
    read where the request is made (no keys); one it defines is read by its returns."""
    from claude_lint.extract.prefilter_functions import defines

    assert defines(source, "build") is defined


def test_a_parameters_alias_may_be_the_callers_body():
    """A name bound to a parameter may be the body a pass-through POST sends for its
    callers (extract/http.py): every key, not none."""
    from claude_lint.extract.prefilter_scope import EVERY

    source = (HEAD + "def send(url, q):\n    body = q\n    return requests.post(url, json=body)\n").encode()
    keys = ByteKeys(source)
    keys.at = source.rfind(b"post(")
    call = __import__("ast").parse("requests.post(url, json=body)").body[0].value
    assert keys.bound_keys("body", call) is EVERY


@pytest.mark.parametrize("source", [
    b"url = self._url()\n",
    b"    url=self.base(\n",
    b"x = 1; url = self.u(",
    b"\xc3\xb1url = self.f(",  # a name after a byte `\w` does not match: a boundary all the same
    b"my_url = self.f(\n",  # the tail of a longer name: not this one
    b"url == self.f(\n",  # a comparison
    b"url = self.f\n",  # not called
    b"url = other.f(\n",
    b"urls = self.f(\n",
    b"",
])
def test_a_url_bound_to_a_method_of_self_is_found_as_the_regular_expression_finds_it(source):
    """`_passes_through`'s reading of a URL bound to what a method of `self` returns: each
    place the name is written, tried as `re.search(rb"\\burl\\s*=\\s*self\\.\\w+\\(")` would."""
    import re

    from claude_lint.extract.prefilter_table import _bound_to_self_call

    for name in (b"url", b"\xc3\xb1url", b"u"):
        expected = re.search(rb"\b" + name + rb"\s*=\s*self\.\w+\(", source) is not None
        assert _bound_to_self_call(source, name) is expected, (source, name)
