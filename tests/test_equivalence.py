"""Speed must never change what is found: every fixture, linted with the pre-filter off
(every file parsed), with it on, through a cold and a warm facts cache, and through the
process pool, gives the same findings."""
from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from claude_lint import cache as cache_mod
from claude_lint import pool
from claude_lint.checks import all_rules
from claude_lint.checks.base import example_source
from claude_lint.config import Settings
from claude_lint.engine import lint
from claude_lint.extract import prefilter

from conftest import FIXTURES, lint_tree, write_project

# Files that probe the pre-filter's edges: each must be judged as if parsed.
EDGES = {
    "edges/continued.py": (
        "import os, \\\n    anthropic\n\nc = anthropic.Anthropic()\n"
        "c.with_options(timeout=5).messages.with_raw_response.create(model='claude-sonnet-4-5', max_tokens=9000, messages=m)\n"
    ),
    "edges/untyped.py": (
        "import anthropic\n\n\ndef ask(client, m):\n"
        "    return client.messages.create(model='claude-sonnet-4-5', max_tokens=20000, messages=m)\n"
    ),
    "edges/annotated.py": (
        "import anthropic\n\n\ndef ask(client: 'anthropic.Anthropic', kw):\n"
        "    return client.messages.create(**kw, max_tokens=30000)\n"
    ),
    "edges/aliased.py": (
        "from anthropic import AsyncAnthropic as Maker\n\nclient = Maker()\n"
        "HISTORY = []\n\nasync def chat(text):\n    HISTORY.append(text)\n"
        "    return await client.beta.messages.create(model='claude-haiku-4-5', max_tokens=64000, messages=HISTORY)\n"
    ),
    "edges/no_import.py": (
        "def ask(client, m):\n"
        "    return client.messages.create(model='claude-sonnet-4-5', max_tokens=20000, messages=m)\n"
    ),
    "edges/gaps.py": (
        "import anthropic\n\nc = anthropic.Anthropic()\n"
        "r = (c.messages  # the API ########\n     .create(model='claude-sonnet-4-5', max_tokens=9000, messages=[]))\n"
    ),
    "edges/spread_only.py": (
        "def ask(client, m):\n"
        "    return client.messages.create(**{'model': 'claude-opus-4-1', 'max_tokens': 20000}, messages=m)\n"
    ),
    "edges/litellm_alias.py": "from litellm import completion as chat\n\nchat('claude-sonnet-4-6', [], max_tokens=30000)\n",
    "edges/litellm_imported.py": (
        "from litellm import (\n    acompletion,  # async\n    completion,\n)\n\n"
        "completion(model='claude-sonnet-4-6', messages=[], max_tokens=30000)\n"
    ),
    "edges/litellm_attribute.py": (
        "import litellm as ll\n\nr = (ll.  # the SDK\n     completion)(model='claude-sonnet-4-6', messages=[], max_tokens=30000)\n"
    ),
    "edges/litellm_words.py": (
        "import litellm\n\nCALL_TYPE = 'completion'\ncompletion_tokens = 5\n\n\n"
        "def completion(model, max_tokens):\n    return litellm.acompletion_with_retries(model=model, max_tokens=max_tokens)\n"
    ),
    "edges/paren_call.py": (
        "import anthropic\n\nc = anthropic.Anthropic()\n"
        "r = ((c.messages.create)  # the API\n     (model='claude-sonnet-4-5', max_tokens=9000, messages=[]))\n"
    ),
    "edges/dotted_words.py": (
        "import litellm\nfrom .llms.anthropic.completion.handler import X\n\n"
        "DOC = 'Router.chat.completion.create, or client.messages.create, is called later'\n"
    ),
    "edges/bedrock.py": (
        "import boto3\n\nsession = boto3.Session()\nrt = session.client('bedrock-runtime')\n"
        "rt.converse(modelId='anthropic.claude-sonnet-4-6', messages=[], inferenceConfig={'maxTokens': 30000})\n"
    ),
    "edges/limits.py": "BIG = 50000  # noqa: CL001\nOTHER = 40000\n",
    "edges/uses_limits.py": (
        "import anthropic\nfrom edges.limits import BIG, OTHER\n\nc = anthropic.Anthropic()\n"
        "c.messages.create(model='claude-sonnet-4-5', max_tokens=BIG, messages=[])\n"
        "c.messages.create(model='claude-sonnet-4-5', max_tokens=OTHER, messages=[])\n"
    ),
    "edges/lookalike.py": "import anthropic  # types only\n\n\ndef post(thread):\n    return thread.messages.create(body='x')\n",
    "edges/mention.py": '"""We used to `import anthropic` and call client.messages.create here."""\n',
    "edges/broken_plain.py": "def f(:\n    pass\n",
    "edges/broken_llm.py": "import anthropic\nanthropic.Anthropic().messages.create(model='x',\n",
    "edges/latin1.py": b"# -*- coding: latin-1 -*-\nimport anthropic\nNOTE = '\xe9t\xe9'\nanthropic.Anthropic().messages.create(model='claude-opus-4-1', max_tokens=12000, messages=[])\n",
    "edges/binary.py": b"import anthropic\x00\x01",
    # issue 14: shapes the pre-filter must let through
    "edges/distinct_no_import.py": (
        "from .utils import build_client\n\n\ndef ask(context, m):\n    client = build_client(context)\n"
        "    return client.chat.completions.create(model='gpt-4o', max_completion_tokens=20000, messages=m)\n"
    ),
    "edges/alias_method.py": "import openai\n\ncreate = openai.OpenAI().chat.completions.create\ncreate(model='gpt-4o', max_tokens=20000, messages=[])\n",
    "edges/alias_function.py": "import litellm\n\ncompletion = litellm.completion\ncompletion(model='claude-sonnet-4-6', max_tokens=30000, messages=[])\n",
    "edges/to_thread.py": (
        "import asyncio\nimport anthropic\n\nc = anthropic.Anthropic()\n\n\nasync def f():\n"
        "    return await asyncio.to_thread(c.messages.create, model='claude-sonnet-4-5', max_tokens=9000, messages=[])\n"
    ),
    "edges/spread_proof.py": (
        "def ask(client, m):\n    params = {'model': 'claude-sonnet-4-5', 'max_tokens': 20000}\n"
        "    params['messages'] = m\n    return client.messages.create(**params)\n"
    ),
    "edges/raw_http.py": (
        "import requests\n\n\ndef ask(q):\n    return requests.post('https://api.anthropic.com/v1/messages', "
        "json={'model': 'claude-sonnet-4-5', 'max_tokens': 20000, 'messages': [q]})\n"
    ),
    "edges/url_attribute.py": (
        "import os\nimport httpx\n\n\nclass Azure:\n    def __init__(self):\n        d, m = os.environ['D'], os.environ['M']\n"
        "        self.url = f'https://{d}.openai.azure.com/openai/deployments/{m}/chat/completions?api-version=2024-10-21'\n\n"
        "    def chat(self, messages):\n        payload = {'messages': messages, 'max_tokens': 20000}\n"
        "        return httpx.post(self.url, json=payload)\n"
    ),
    "edges/post_other.py": (
        "import requests\n\n\ndef notify(data):\n    return requests.post('https://hooks.example.com/x', json={'model': 'm', 'messages': data, 'max_tokens': 20000})\n\n\n"
        "class Hook:\n    def forward(self, url, body):\n        return requests.post(url, json=body)\n"
    ),
    "edges/local.py": (
        "from openai import OpenAI\n\nc = OpenAI(base_url='http://localhost:11434/v1')\n"
        "c.chat.completions.create(model='claude-3-opus-20240229', max_tokens=90000, messages=[])\n"
    ),
    # The byte test reads past comments and plain strings (prefilter_code): a call written
    # only there is no call, but one in an f-string's field, or after strings that hold
    # quotes, hashes, escapes and continued lines, is.
    "edges/docstring_only.py": (
        "KEY = 'a{b'.split(\"{\")[0].rstrip(\"?\")  # a name ending in t or f before a quote: no f-string\n"
        '"""Wraps the SDK.\n\n    from litellm import completion\n    completion(model="x", max_tokens=1)\n"""\n'
        "import litellm  # litellm.completion(model=m, max_tokens=1) is called by our callers\n\nMODEL = 'litellm.completion(model)'\n"
        "NOTE = 'see client.chat.completions.create(model=m)'\n"
    ),
    "edges/fstring_call.py": (
        "import litellm\n\n"
        "print(f\"{litellm.completion(model='claude-sonnet-4-6', messages=[], max_tokens=30000)}\")\n"
    ),
    "edges/fstring_text.py": (
        "import openai\n\n\ndef note(name):\n    return f\"\"\"Use it:\nclient = openai.OpenAI()\n"
        "client.chat.completions.create(model=\"{name}\", max_tokens=90000, messages=[])\n\"\"\"\n"
    ),
    "edges/after_strings.py": (
        "import litellm\n\nA = '#' + \"it's\" + r'\\\\' + 'a\\'b' + '''x'y\"z''' + \"\"\"q\\\"\"\"\" + 'con\\\ntinued'  # '\"\n"
        "B = f'{A!r:>{10}}' + f\"{{litellm.completion()}}\"\n"
        "litellm.completion(model='claude-sonnet-4-6', messages=[], max_tokens=30000)\n"
    ),
}


def _examples():
    yield "fixture-project", None
    yield "edges", EDGES
    for rule in all_rules():
        for expect, examples in (("fires", rule.fires), ("silent", rule.silent)):
            for i, example in enumerate(examples):
                yield f"{rule.code}-{expect}-{i}", example_source(example)


EXAMPLES = list(_examples())


def _project(tmp_path: Path, example) -> Path:
    root = tmp_path / "p"
    if example is None:
        # not a facts cache another run left in the fixture: this test counts the cache's files
        shutil.copytree(FIXTURES / "project", root, ignore=shutil.ignore_patterns(cache_mod.CACHE_DIR))
    else:
        root.mkdir()
        write_project(root, example)
    return root


def _findings(root: Path, prefilter_on: bool = True, **settings):
    # Every rule, CL001 in its fixed-threshold mode (the edges' canary is a large limit with
    # no evidence): the settings conftest.lint_tree gives the rest of the suite.
    settings.setdefault("select", ("ALL",))
    settings.setdefault("rule_options", (("CL001", (("mode", "threshold"),)),))
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = lint(["."], Settings(root=str(root), **settings), prefilter=prefilter_on)
    finally:
        os.chdir(cwd)
    return [(d.code, d.loc, d.message, d.related, d.fix, d.cost) for d in result.diagnostics]


def _in_scope(root: Path, findings):
    """CL901 is for files that call an LLM SDK (its rule says so); with the pre-filter off
    every file is parsed, so a broken file that never names an SDK would be reported too.
    That, and only that, is left out of the baseline."""
    def names_an_sdk(path: str) -> bool:
        return prefilter.worth_parsing((root / path).read_bytes())

    return [f for f in findings if not (f[0] == "CL901" and not names_an_sdk(f[1].path))]


@pytest.mark.parametrize("name, example", EXAMPLES, ids=[n for n, _ in EXAMPLES])
def test_same_findings_every_way(tmp_path, monkeypatch, name, example):
    root = _project(tmp_path, example)
    baseline = _in_scope(root, _findings(root, prefilter_on=False, no_cache=True))
    assert _findings(root, no_cache=True) == baseline, "the pre-filter changed the findings"
    assert _findings(root) == baseline, "a cold cache changed the findings"
    assert _findings(root) == baseline, "a warm cache changed the findings"
    monkeypatch.setattr(pool, "MIN_FILES", 1)
    monkeypatch.setattr(pool, "MIN_BYTES", 0)
    assert _findings(root, no_cache=True) == baseline, "the process pool changed the findings"


def test_the_edges_fire_where_they_should(tmp_path):
    """The equivalence above would pass if nothing fired at all: these must."""
    root = _project(tmp_path, EDGES)
    found = {(code, loc.path) for code, loc, *_ in _findings(root, no_cache=True)}
    for path in ("continued.py", "untyped.py", "aliased.py", "latin1.py", "no_import.py", "gaps.py", "litellm_alias.py", "bedrock.py",
                 "litellm_imported.py", "litellm_attribute.py", "paren_call.py", "distinct_no_import.py", "alias_method.py",
                 "alias_function.py", "to_thread.py", "spread_proof.py", "raw_http.py", "url_attribute.py", "fstring_call.py",
                 "after_strings.py"):
        assert ("CL001", os.path.join("edges", path)) in found
    assert ("CL001", os.path.join("edges", "uses_limits.py")) in found  # values from a module the pre-filter skips
    assert ("CL901", os.path.join("edges", "broken_llm.py")) in found
    assert ("CL902", os.path.join("edges", "binary.py")) in found
    assert not any(path.endswith(("lookalike.py", "mention.py", "broken_plain.py", "litellm_words.py", "dotted_words.py", "local.py", "post_other.py",
                                  "docstring_only.py"))
                   for _, path in found)
    # POSTs that are no LLM request are judged before their file is parsed
    assert not prefilter.worth_parsing(EDGES["edges/post_other.py"].encode())
    # A function POSTing the URL and body it is given is a request where a caller passes an
    # LLM endpoint: its file is parsed (an HTTP client class's method is not).
    assert prefilter.worth_parsing(b"import requests\n\n\ndef forward(url, body):\n    return requests.post(url, json=body)\n")
    assert prefilter.worth_parsing(EDGES["edges/url_attribute.py"].encode())
    # A one-word chain is parsed only where it is written as an attribute or imported by name.
    assert not prefilter.needs_parse(EDGES["edges/litellm_words.py"].encode())
    assert not prefilter.needs_parse(EDGES["edges/dotted_words.py"].encode())  # named, never called
    assert prefilter.needs_parse(EDGES["edges/paren_call.py"].encode())
    assert prefilter.needs_parse(EDGES["edges/litellm_imported.py"].encode())
    assert prefilter.needs_parse(EDGES["edges/litellm_attribute.py"].encode())
    # A call written only in a docstring, a comment or a plain string: the file is not parsed.
    assert not prefilter.needs_parse(EDGES["edges/docstring_only.py"].encode())
    assert prefilter.needs_parse(EDGES["edges/fstring_call.py"].encode())
    assert prefilter.needs_parse(EDGES["edges/after_strings.py"].encode())
    # Where the reading is unsure, the rest of the file counts as code: a string left open,
    # an f-string that Python 3.12 may end later (a quote of its own kind inside a field).
    assert prefilter.needs_parse(b"import litellm\nx = 'open\n'''litellm.completion(m)'''\n")
    assert prefilter.needs_parse(b'import litellm\nx = f"{d["k"]} "litellm.completion(m)""\n')


def test_a_word_is_skipped_only_where_a_part_of_it_is_absent():
    """The byte test skips the search of a word when a word it holds is absent (`models`
    without `model`, an endpoint's `/messages"` without `/messages`): each way an endpoint
    is quoted still lets its POST through, and an absent path still holds the file back."""
    guards = prefilter._guards(prefilter._table())
    assert guards[b'/messages"'] == (b"/messages", True) and guards[b"models"][0] == b"model"
    assert all(guard in word for word, (guard, _) in guards.items())
    for url in ("'https://api.anthropic.com/v1/messages'", '"https://api.anthropic.com/v1/messages"',
                "'https://x.openai.azure.com/openai/deployments/m/chat/completions?api-version=1'"):
        body = "import requests\n\n\ndef ask(q):\n    return requests.post(%s, json={'model': 'm', 'max_tokens': 9, 'messages': [q]})\n" % url
        assert prefilter.worth_parsing(body.encode()), url
        assert not prefilter.worth_parsing(body.replace("messages'", "x'").replace('messages"', 'x"').replace("completions?", "x?").encode())


def test_an_f_strings_text_is_no_code_but_its_fields_are():
    """A usage example in a message template (litellm's Slack alerts) calls nothing; a call
    in a replacement field, or nested in a field's format spec, is one."""
    template = ('import openai\n\nNOTE = f"""Use it:\nclient = openai.OpenAI()\n'
                'client.chat.completions.create(model="{name}", messages=[{{"role": "user"}}])\n"""\n')
    assert not prefilter.needs_parse(template.encode())
    assert prefilter.needs_parse(template.replace('{name}', '{openai.OpenAI().chat.completions.create(model="m", messages=[])}').encode())
    assert prefilter.needs_parse(template.replace('{name}', '{x:{openai.OpenAI().chat.completions.create(model="m", messages=[])}}').encode())


def test_comments_and_strings_end_at_each_kind_of_line_end():
    """The code reader looks for a carriage return only in files that hold one."""
    comment_only = "import litellm\n# litellm.completion(m)\nx = 'litellm.completion(m)'\n"
    called = comment_only + "# it's\nlitellm.completion(m)\n"
    for end in ("\n", "\r\n", "\r"):
        assert not prefilter.needs_parse(comment_only.replace("\n", end).encode()), repr(end)
        assert prefilter.needs_parse(called.replace("\n", end).encode()), repr(end)


def test_pool_is_used_and_keeps_order(tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "free_cores", lambda cores, readings=None: cores)  # the machine's load must not skip a test
    if pool.workers_for([(None, b"x" * pool.MIN_BYTES)] * pool.MIN_FILES) < 2:
        pytest.skip("one core, or no fork: the pool never starts here")
    files = {f"pkg/m{i:02d}.py": EDGES["edges/untyped.py"].replace("20000", str(20000 + i)) for i in range(12)}
    root = _project(tmp_path, files)
    serial = _findings(root, no_cache=True)
    monkeypatch.setattr(pool, "MIN_FILES", 2)
    monkeypatch.setattr(pool, "MIN_BYTES", 0)
    assert _findings(root, no_cache=True) == serial
    assert [loc.path for _, loc, *_ in serial] == sorted(loc.path for _, loc, *_ in serial)
    assert [c for c, *_ in serial].count("CL001") == 12


def test_a_gather_that_fails_stops_the_workers_it_started(tmp_path, monkeypatch):
    """The pool starts while the triage goes on (pool.Extraction): a triage that raises
    must not leave its workers waiting for jobs (in a language server, for good)."""
    from claude_lint import pool_fork

    monkeypatch.setattr(pool, "free_cores", lambda cores, readings=None: cores)  # the machine's load must not skip a test
    if pool.workers_for([(None, b"x" * pool.MIN_BYTES)] * pool.MIN_FILES) < 2:
        pytest.skip("one core, or no fork: the pool never starts here")
    monkeypatch.setattr(pool, "MIN_FILES", 2)
    monkeypatch.setattr(pool, "MIN_BYTES", 0)
    files = {f"pkg/m{i:02d}.py": EDGES["edges/untyped.py"] for i in range(6)}
    root = _project(tmp_path, files)
    from claude_lint import linter as linter_mod

    seen = []
    inner = linter_mod.Linter.escapes

    def failing(self, source):
        seen.append(source)
        if len(seen) == 5:  # after the pool started, at the second job
            raise RuntimeError("a bug in the triage")
        return inner(self, source)

    monkeypatch.setattr(linter_mod.Linter, "escapes", failing)
    with pytest.raises(RuntimeError):
        _findings(root, no_cache=True)
    assert pool_fork.live() == []


def test_cache_ignores_itself_and_survives_corruption(tmp_path):
    root = _project(tmp_path, None)
    baseline = _findings(root, no_cache=True)
    _findings(root)
    folder = root / cache_mod.CACHE_DIR
    assert "*" in (folder / ".gitignore").read_text().split()
    (cache_file,) = folder.glob("facts-*.pickle")
    cache_file.write_bytes(b"\x80\x05 not a pickle")
    assert _findings(root) == baseline
    # A cache that names a callable is refused, never run, even with a valid seal.
    cache_file.write_bytes(cache_mod.seal(cache_mod.secret(), cache_file.name, pickle.dumps(os.system)))
    assert _findings(root) == baseline
    # One corrupt entry is one miss: the rest of the cache still serves.
    _findings(root)
    entries = cache_mod.FactsCache.__new__(cache_mod.FactsCache)
    loaded = cache_mod.read_entries(str(cache_file))
    key = next(k for k, v in loaded.items() if v[5][:1] != cache_mod._UNPARSED)
    loaded[key] = loaded[key][:5] + (b"garbage",)
    cache_file.write_bytes(cache_mod.seal(cache_mod.secret(), cache_file.name, pickle.dumps(loaded)))
    assert _findings(root) == baseline
    del entries


def test_changed_file_is_read_again(tmp_path):
    root = _project(tmp_path, {"app.py": EDGES["edges/untyped.py"]})
    first = _findings(root)
    assert "CL001" in [c for c, *_ in first]
    app = root / "app.py"
    app.write_text(app.read_text().replace("max_tokens=20000", "max_tokens=200"))
    os.utime(app, ns=(1, 1))  # an mtime the cache has never seen
    assert "CL001" not in [c for c, *_ in _findings(root)]
    assert _findings(root) == _findings(root, no_cache=True)


def test_no_cache_writes_nothing_and_cache_dir_moves_it(tmp_path, cli):
    root = _project(tmp_path, {"app.py": EDGES["edges/untyped.py"]})
    assert cli("check", "--no-cache", ".", cwd=root).returncode == 1
    assert not (root / cache_mod.CACHE_DIR).exists()
    (root / "pyproject.toml").write_text("[tool.claude-lint]\ncache-dir = 'build/lint-cache'\n")
    assert cli("check", ".", cwd=root).returncode == 1
    assert (root / "build" / "lint-cache" / ".gitignore").is_file()
    assert not (root / cache_mod.CACHE_DIR).exists()
    (root / "pyproject.toml").write_text("[tool.claude-lint]\ncache-dir = 3\n")
    bad = cli("check", ".", cwd=root)
    assert bad.returncode == 2 and b"cache-dir" in bad.stderr


def test_entries_of_deleted_files_are_dropped(tmp_path):
    root = _project(tmp_path, {"a.py": EDGES["edges/untyped.py"], "b.py": EDGES["edges/no_import.py"]})
    _findings(root)
    (cache_file,) = (root / cache_mod.CACHE_DIR).glob("facts-*.pickle")
    assert {os.path.basename(k[1]) for k in cache_mod.read_entries(str(cache_file))} >= {"a.py", "b.py"}
    (root / "b.py").unlink()
    (root / "a.py").write_text(EDGES["edges/untyped.py"] + "\n# changed\n")
    assert [c for c, *_ in _findings(root)].count("CL001") == 1
    assert "b.py" not in {os.path.basename(k[1]) for k in cache_mod.read_entries(str(cache_file))}


def test_a_bug_in_a_pool_worker_is_reported_and_not_cached(tmp_path, monkeypatch):
    """An exception while extracting one file, inside a worker process, still reaches the
    run's internal errors (exit 2 from the CLI), and is not stored in the facts cache."""
    from claude_lint.extract import python as python_extract

    good = 'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n'
    write_project(tmp_path, {f"m{i}.py": good for i in range(4)})
    real = python_extract.extract

    def explode(text, path, *args, **kwargs):
        if path.endswith("m2.py"):
            raise ValueError("boom")
        return real(text, path, *args, **kwargs)

    monkeypatch.setattr(pool, "MIN_FILES", 2)
    monkeypatch.setattr(pool, "MIN_BYTES", 0)
    monkeypatch.setattr(python_extract, "extract", explode)
    result = lint_tree(tmp_path)
    assert [e.split(":")[0] for e in result.internal_errors] == ["m2.py"]
    assert sorted({d.loc.path for d in result.diagnostics if d.code == "CL001"}) == ["m0.py", "m1.py", "m3.py"]
    monkeypatch.setattr(python_extract, "extract", real)
    again = lint_tree(tmp_path)
    assert again.internal_errors == []
    assert "m2.py" in {d.loc.path for d in again.diagnostics if d.code == "CL001"}
