"""Project wrappers: every call of a function or method that makes the request is a call
site, in the caller's place and context, with the caller's arguments bound. Through the
real CLI (report JSON, check JSON and SARIF) and the real engine."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claude_lint import engine
from claude_lint.checks import examples as ex
from claude_lint.extract import callers, prefilter, wrappers

from conftest import lint_tree, report_routes, write_project

HEAD = "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
ASK = (
    "def ask(prompt, model='claude-sonnet-4-6', max_tokens=300):\n"
    "    return client.messages.create(model=model, max_tokens=max_tokens, messages=[{'role': 'user', 'content': prompt}])\n"
)
CLIENT_CLASS = (
    "import anthropic\n\n\nclass LLMClient:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
    "    def chat(self, messages, model='claude-sonnet-4-6'):\n"
    "        return self.client.messages.create(model=model, max_tokens=400, messages=messages)\n\n\nllm = LLMClient()\n"
)


report = report_routes


def routes_at(routes, filename: str):
    return sorted((r["line"], r["model"], r["output_limit"], (r["via"] or {}).get("line")) for r in routes if r["filename"] == filename)


def check(cli, *args) -> list:
    done = cli("check", ".", "--no-cache", "--exit-zero", "--output-format", "json", *args)
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def test_wrapper_with_defaults_each_call_a_route(cli, tmp_path):
    routes = report(cli, tmp_path, HEAD + ASK + "\nask('a')\nask('b', model='claude-haiku-4-5', max_tokens=200)\nask('c', 'claude-opus-4-6')\n")
    # the request inside the wrapper, then each call with the caller's arguments bound
    assert routes_at(routes, "example.py") == [
        (7, "claude-sonnet-4-6", 300, None),
        (9, "claude-sonnet-4-6", 300, 7),
        (10, "claude-haiku-4-5-20251001", 200, 7),
        (11, "claude-opus-4-6", 300, 7),
    ]
    inner = next(r for r in routes if r["line"] == 7)
    assert inner["reached_through"] == 3 and inner["route"] == "example.py:ask"
    assert {r["route"] for r in routes if r["via"]} == {"example.py:<module>"}


def test_cross_module_and_two_levels_deep(cli, tmp_path):
    routes = report(cli, tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": HEAD + ASK,
        "app/service.py": "from app.llm import ask\n\n\ndef classify(ticket, model='claude-haiku-4-5'):\n    return ask(f'Label: {ticket}', model=model, max_tokens=50)\n",
        "app/main.py": "import app.service as service\nfrom app import llm\n\nservice.classify('printer on fire')\nllm.ask('hi')\n",
    })
    assert routes_at(routes, "app/main.py") == [(4, "claude-haiku-4-5-20251001", 50, 7), (5, "claude-sonnet-4-6", 300, 7)]
    assert routes_at(routes, "app/service.py") == [(5, "claude-haiku-4-5-20251001", 50, 7)]
    assert {r["via"]["filename"] for r in routes if r["via"]} == {os.path.join("app", "llm.py")}


def test_methods_through_receivers_whose_class_is_known(cli, tmp_path):
    routes = report(cli, tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": CLIENT_CLASS,
        "app/bot.py": (
            "from app.llm import LLMClient, llm\n\n\nclass Bot:\n    def __init__(self, client=None):\n        self.llm = client or LLMClient()\n\n"
            "    def reply(self, text):\n        return self.llm.chat([{'role': 'user', 'content': text}], model='claude-haiku-4-5')\n\n\n"
            "def answer(q, client: LLMClient):\n    return client.chat([{'role': 'user', 'content': q}])\n\n\n"
            "llm.chat([])\nLLMClient().chat([], model='claude-opus-4-6')\n"
        ),
    })
    assert routes_at(routes, "app/bot.py") == [
        (9, "claude-haiku-4-5-20251001", 400, 9),
        (13, "claude-sonnet-4-6", 400, 9),
        (16, "claude-sonnet-4-6", 400, 9),
        (17, "claude-opus-4-6", 400, 9),
    ]


def test_retry_wrappers(cli, tmp_path):
    routes = report(cli, tmp_path, HEAD + ASK + (
        "\n\ndef call_with_retry(fn, *args, tries=3):\n    for _ in range(tries):\n        try:\n            return fn(*args)\n"
        "        except TimeoutError:\n            pass\n\n\n"
        "def ask_again(prompt, attempt=0):\n    try:\n        return ask(prompt, model='claude-haiku-4-5')\n    except TimeoutError:\n"
        "        return ask_again(prompt, attempt + 1)\n\n\n"
        "call_with_retry(ask, 'summarise this', 'claude-opus-4-6')\nask_again('x')\n"
    ))
    found = routes_at(routes, "example.py")
    assert (25, "claude-opus-4-6", 300, 7) in found  # the function handed to the retry helper, with the arguments after it
    assert (26, "claude-haiku-4-5-20251001", 300, 7) in found  # through the retrying wrapper
    assert (22, "claude-haiku-4-5-20251001", 300, 7) in found  # its own retry is a call too


def test_lookalikes_are_not_requests(cli, tmp_path):
    routes = report(cli, tmp_path, {
        "app/__init__.py": "",
        # a project function named like a wrapper that makes no request
        "app/db.py": "def ask(query, model=None):\n    return query.strip()\n",
        # a project class named Client whose messages.create is Django's
        "app/chat.py": "class Client:\n    def send(self, thread, text):\n        return thread.messages.create(body=text)\n",
        "app/main.py": "from app.db import ask\nfrom app.chat import Client\n\nask('select 1', model='claude-opus-4-6')\nClient().send(t, 'hi')\n",
    })
    assert routes == []


def test_wrapper_in_a_notebook_called_from_later_cells(cli, tmp_path):
    nb = ex.notebook(
        "import anthropic\nclient = anthropic.Anthropic()",
        "md:## Classify",
        "def classify(text, model='claude-haiku-4-5'):\n    return client.messages.create(model=model, max_tokens=20, messages=[{'role': 'user', 'content': text}])",
        "labels = [classify(t) for t in tweets]",
        # redefined in a later cell: calls after it reach the new version
        "def classify(text):\n    return client.messages.create(model='claude-opus-4-6', max_tokens=30, messages=[{'role': 'user', 'content': text}])",
        "classify('x')",
    )
    routes = report(cli, tmp_path, {"nb.ipynb": nb})
    calls = sorted((r["cell"], r["line"], r["model"], (r["via"] or {}).get("cell")) for r in routes if r["via"])
    assert calls == [(4, 1, "claude-haiku-4-5-20251001", 3), (6, 1, "claude-opus-4-6", 5)]


def test_finding_lands_where_the_value_is_written_once(cli, tmp_path):
    write_project(tmp_path, HEAD + ASK.replace("claude-sonnet-4-6", "claude-3-opus-20240229") + "\nask('a')\nask('b')\nask('c', model='claude-3-5-sonnet-20241022')\n")
    found = check(cli, "--select", "CL007")
    rows = sorted((d["location"]["row"], d["location"]["column"]) for d in found)
    # where the default is written (issue 15: once per written ID), naming the wrapper's request
    # and its two calls as related places; the caller's own argument
    assert rows == [(6, 23), (11, 16)]
    default = next(d for d in found if d["location"]["row"] == 6)
    related = {(r["location"]["row"], r["cell"]) for r in default["related"]}
    assert {(7, None), (9, None), (10, None)} <= related
    passed = next(d for d in found if d["location"]["row"] == 11)
    assert {r["location"]["row"] for r in passed["related"]} == {11, 7}  # the call, and the request it reaches


def test_sarif_names_the_related_places(cli, tmp_path):
    write_project(tmp_path, HEAD + ASK + "\nask('c', model='claude-3-5-sonnet-20241022')\n")
    done = cli("check", ".", "--no-cache", "--exit-zero", "--select", "CL007", "--output-format", "sarif")
    (result,) = json.loads(done.stdout)["runs"][0]["results"]
    lines = sorted(r["physicalLocation"]["region"]["startLine"] for r in result["relatedLocations"])
    assert lines == [7, 9] and result["locations"][0]["physicalLocation"]["region"]["startLine"] == 9


def test_loop_and_history_are_the_callers(cli, tmp_path):
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": CLIENT_CLASS,
        "app/jobs.py": "from app.llm import llm\n\n\ndef nightly(tickets):\n    for t in tickets:\n        llm.chat([{'role': 'user', 'content': t}])\n",
        "app/repl.py": "from app.llm import llm\n\nturns = []\nwhile True:\n    turns.append({'role': 'user', 'content': input()})\n    llm.chat(turns)\n",
    })
    found = {(d["code"], d["filename"].rsplit(os.sep, 2)[-2:][-1], d["location"]["row"]) for d in check(cli, "--select", "CL004,CL005")}
    assert found == {("CL005", "jobs.py", 6), ("CL004", "repl.py", 6)}


def test_growth_stays_linear_and_recursion_is_bounded(tmp_path):
    """A chain of wrappers deeper than the bound, mutual recursion and a wide fan-out end,
    and the levels within the bound are followed."""
    levels = wrappers.MAX_DEPTH + 3
    chain = HEAD + ASK + "".join(f"\ndef w{i}(p):\n    return {'ask' if i == 0 else f'w{i - 1}'}(p)\n" for i in range(levels))
    chain += "\ndef ping(p):\n    return pong(p)\n\ndef pong(p):\n    return ping(p) or ask(p)\n\nping('x')\n"
    chain += "".join(f"w{i}('q')\n" for i in range(levels))
    write_project(tmp_path, {"deep.py": chain})
    result = lint_tree(tmp_path, select=("CL001",))
    lines = {c.site.loc.row for c in result.calls if c.site.via is not None}
    first_call = chain.count("\n", 0, chain.index("w0('q')")) + 1
    assert {first_call + i for i in range(wrappers.MAX_DEPTH)} <= lines  # w0..w3: within the bound
    assert not {first_call + i for i in range(wrappers.MAX_DEPTH + 1, levels)} & lines  # beyond it
    assert first_call - 1 in lines  # ping('x') through the mutual recursion


def test_second_phase_skips_files_that_cannot_call_and_is_cached(tmp_path, monkeypatch):
    files = {"app/__init__.py": "", "app/llm.py": HEAD + ASK, "app/main.py": "from app.llm import ask\n\nask('hi')\n"}
    files.update({f"app/other{i}.py": "import os\n\ndef ask(q):\n    return os.getenv(q)\n" for i in range(3)})
    files["app/docs.py"] = "# ask() lives in app.llm\nfrom app import db\n"
    write_project(tmp_path, files)
    seen = []
    real = callers.callers

    def counting(text, path, *args, **kwargs):
        seen.append(path)
        return real(text, path, *args, **kwargs)

    monkeypatch.setattr(callers, "callers", counting)
    first = lint_tree(tmp_path)
    assert seen == [os.path.join("app", "main.py")]  # neither the look-alikes nor a mention
    assert any(c.site.via is not None for c in first.calls)
    seen.clear()
    again = lint_tree(tmp_path)
    assert seen == []  # the callers are cached with the file
    assert [c.site for c in again.calls] == [c.site for c in first.calls]
    # a renamed wrapper: the callers are looked for again
    (tmp_path / "app" / "llm.py").write_text(HEAD + ASK.replace("def ask", "def ask_llm"))
    (tmp_path / "app" / "main.py").write_text("from app.llm import ask_llm\n\nask_llm('hi')\n")
    third = lint_tree(tmp_path)
    assert seen == [os.path.join("app", "main.py")] and any(c.site.via is not None for c in third.calls)


def test_names_in_reads_imports_not_mentions():
    wanted = {"ask": (frozenset({"app", "llm"}), frozenset()), "LLMClient": (frozenset({"app", "llm"}), frozenset({"chat"}))}
    assert prefilter.names_in(b"from app.llm import ask\nask('x')\n", wanted) == {"ask"}
    assert prefilter.names_in(b"import app.llm as l\nl.ask('x')\n", wanted) == {"ask"}
    assert prefilter.names_in(b"from app.llm import ask\n", wanted) == set()  # imported, never used
    assert prefilter.names_in(b"# ask the LLMClient to chat\n", wanted) == set()
    assert prefilter.names_in(b"from app.llm import LLMClient\nc = LLMClient()\nc.chat([])\n", wanted) == {"LLMClient"}
    assert prefilter.names_in(b"from app.llm import LLMClient\ndef f(c: LLMClient): return c.name\n", wanted) == set()  # no wrapper method reached
    assert prefilter.names_in(b"from . import (llm,\n  other)\nllm.ask(q)\n", wanted) == {"ask"}


def test_names_in_a_name_imported_from_another_package_is_not_the_wrapper():
    # A project's wrapper class named like a library's (Webwright's `BaseModel`): every file
    # importing pydantic's `BaseModel` and calling some `.query(` is not one of its callers.
    wanted = {"BaseModel": (frozenset({"webwright", "models", "base"}), frozenset({"query"}))}
    assert prefilter.names_in(b"from pydantic import BaseModel\nclass A(BaseModel): pass\nA().query(x)\n", wanted) == set()
    assert prefilter.names_in(b"from webwright.models.base import BaseModel\nclass A(BaseModel): pass\nA().query(x)\n", wanted) == {"BaseModel"}
    assert prefilter.names_in(b"from .base import BaseModel\nm: BaseModel = make()\nm.query(x)\n", wanted) == {"BaseModel"}
    assert prefilter.names_in(b"from .. import BaseModel\nm: BaseModel = make()\nm.query(x)\n", wanted) == {"BaseModel"}  # a bare relative import names no module


def test_bad_wrapper_code_gives_no_traceback(tmp_path):
    write_project(tmp_path, {
        "a.py": HEAD + "def ask(*args, **kwargs):\n    return client.messages.create(*args, **kwargs)\n\nask(**{'model': 1}, max_tokens=None)\nask(*[1, 2])\n",
        "b.py": "from a import ask\nfrom a import *\nask()\nask(1, 2, 3, 4, 5, x=1)\n",
        "c.py": "import a\na.ask.ask.ask()\n(a.ask)()\n",
    })
    result = lint_tree(tmp_path)
    assert result.internal_errors == []


@pytest.mark.parametrize("order", ["caller first", "wrapper first"])
def test_engine_phase_two_runs_once_per_name(tmp_path, order, monkeypatch):
    files = {"app/__init__.py": "", "app/llm.py": HEAD + ASK, "app/svc.py": "from app.llm import ask\n\ndef go(q):\n    return ask(q)\n",
             "app/main.py": "from app.svc import go\n\ngo('x')\n"}
    if order == "caller first":
        files = dict(reversed(list(files.items())))
    write_project(tmp_path, files)
    result = lint_tree(tmp_path, select=("CL001",))
    rows = sorted((c.site.path, c.site.loc.row) for c in result.calls if c.site.via is not None)
    assert rows == [(os.path.join("app", "main.py"), 3), (os.path.join("app", "svc.py"), 4)]
    assert engine.wrapper_callers  # the second phase is the engine's


def test_calls_through_a_base_class_task_objects_and_closures(cli, tmp_path):
    """Calls through an abstract base (an annotated parameter), a subclass in another file
    inheriting the wrapper method, a task object (`f.remote(x)`, `f.map(xs)`), a route
    handler nested in a method, and a file that both defines a wrapper and calls another
    file's one (both kinds of calls kept)."""
    routes = report(cli, tmp_path, {
        "svc/__init__.py": "",
        "svc/base.py": "import abc\n\n\nclass ChatService(abc.ABC):\n    @abc.abstractmethod\n    def ask(self, q):\n        ...\n",
        "svc/openai_chat.py": (
            "import openai\nfrom svc.base import ChatService\n\n\nclass OpenAIChat(ChatService):\n    def ask(self, q):\n"
            "        return openai.OpenAI().chat.completions.create(model='gpt-4o', max_completion_tokens=100, messages=[{'role': 'user', 'content': q}])\n"
        ),
        "svc/quiet.py": "from svc.openai_chat import OpenAIChat\n\n\nclass QuietChat(OpenAIChat):\n    pass\n",
        "svc/router.py": (
            "from svc.base import ChatService\nfrom svc.quiet import QuietChat\n\n\nclass Router:\n    def __init__(self, chat: ChatService):\n        self.chat = chat\n\n"
            "    def routes(self):\n        def handler(q):\n            return self.chat.ask(q)\n        return handler\n\n\n"
            "QuietChat().ask('hello')\n"
        ),
        "svc/jobs.py": (
            "import anthropic\nfrom svc.openai_chat import OpenAIChat\n\nclient = anthropic.Anthropic()\n\n\n@stub.function()\n"
            "def summarise(doc):\n    return client.messages.create(model='claude-haiku-4-5', max_tokens=200, messages=[{'role': 'user', 'content': doc}])\n\n\n"
            "summarise.remote('one')\nsummarise.map(docs)\nOpenAIChat().ask('two')\n"
        ),
    })
    assert routes_at(routes, os.path.join("svc", "router.py")) == [(11, "gpt-4o", 100, 7), (15, "gpt-4o", 100, 7)]
    assert routes_at(routes, os.path.join("svc", "jobs.py")) == [
        (9, "claude-haiku-4-5-20251001", 200, None),
        (12, "claude-haiku-4-5-20251001", 200, 9),
        (13, "claude-haiku-4-5-20251001", 200, 9),
        (14, "gpt-4o", 100, 7),
    ]
    mapped = next(r for r in routes if r["filename"] == os.path.join("svc", "jobs.py") and r["line"] == 13)
    assert mapped["context"].startswith("loop")  # once per item


def test_a_chat_model_built_in_a_function_that_reads_its_parameters(cli, tmp_path):
    routes = report(cli, tmp_path, (
        "from langchain_openai import ChatOpenAI\n\n\ndef respond(text):\n    llm = ChatOpenAI(model='gpt-4o-mini', max_tokens=200)\n    return llm.invoke(text)\n\n\n"
        "respond('hi')\n"
    ))
    assert routes_at(routes, "example.py") == [(5, "gpt-4o-mini", 200, None), (9, "gpt-4o-mini", 200, 5)]


def test_a_caller_linted_on_its_own_reaches_the_wrapper_module(cli, tmp_path):
    """A file named alone (pre-commit, an editor buffer on stdin), with no project-wide rule
    selected so the rest of the project is not read: the modules it imports are."""
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": HEAD + ASK,
        "app/main.py": "from app.llm import ask\n\nask('hi', model='claude-3-5-sonnet-20241022')\n",
    })
    for args, stdin in ((["app/main.py"], None), (["-", "--stdin-filename", "app/main.py"], (tmp_path / "app" / "main.py").read_bytes())):
        done = cli("check", *args, "--no-cache", "--exit-zero", "--select", "CL007", "--output-format", "json", input=stdin)
        found = json.loads(done.stdout)
        assert [(d["code"], d["location"]["row"]) for d in found] == [("CL007", 3)], done.stderr.decode()


KEPT_MODELS = (
    "from langchain_openai import ChatOpenAI\nfrom langchain_anthropic import ChatAnthropic\n\n\n"
    "class AI:\n"
    "    def __init__(self, model_name='gpt-4o'):\n"
    "        self.model_name = model_name\n"
    "        self.llm = self._create_chat_model(model_name)\n"  # 8: a factory called: no request
    "        self.fast = ChatOpenAI(model='gpt-4o-mini', max_tokens=200)\n"  # 9
    "        self.parser = Parser()\n\n"
    "    def _create_chat_model(self, name):\n"
    "        if 'claude' in name:\n"
    "            return ChatAnthropic(model=name, max_tokens=4096)\n"  # 14
    "        return ChatOpenAI(model=name, max_tokens=1000)\n\n"  # 15
    "    def next(self, messages):\n"
    "        return self.llm.invoke(messages)\n\n"
    "    def label(self, text):\n"
    "        return self.fast.with_structured_output(dict).invoke(text)\n\n"
    "    def parse(self, text):\n"
    "        return self.parser.invoke(text)\n\n\n"
    "shared = ChatOpenAI(model='gpt-4o', max_tokens=300)\n\n\n"  # 27
    "def ask(question):\n"
    "    chain = PROMPT | shared\n"
    "    return chain.invoke({'question': question})\n\n\n"
    "def warm_up():\n"
    "    return shared.invoke('ping')\n"
)


def test_a_chat_model_kept_or_made_by_a_factory_is_requested_where_invoked(cli, tmp_path):
    routes = report(cli, tmp_path, {
        "app/__init__.py": "",
        "app/ai.py": KEPT_MODELS,
        "app/main.py": (
            "from app.ai import AI, ask\n\nai = AI('claude-sonnet-4-6')\n"
            "ai.next([{'role': 'user', 'content': 'hi'}])\nai.label('x')\nai.parse('y')\nask('why?')\n"
            "with AI() as scoped:\n    scoped.label('z')\n"
        ),
    })
    main = [r for r in routes if r["filename"] == os.path.join("app", "main.py")]
    # one route per call: the factory's two chat models are one call site naming the other
    assert sorted((r["line"], r["via"]["line"], [a["line"] for a in r["also_via"]]) for r in main) == [(4, 14, [15]), (5, 9, []), (7, 27, []), (9, 9, [])]
    ai = {r["line"] for r in routes if r["filename"] == os.path.join("app", "ai.py")}
    # the constructors are sites; the factory's call in __init__ (8), the parser (24) and an
    # invocation that reads nothing of its function's inputs (36) are not
    assert ai == {9, 14, 15, 27}
    inner = {r["line"]: r["reached_through"] for r in routes if r["filename"] == os.path.join("app", "ai.py")}
    assert inner[14] == inner[15] == 1 and inner[9] == 2


def test_a_factory_binds_the_parameters_of_the_model_it_makes(cli, tmp_path):
    """`self.llm = self._make(api_key, model)`: the constructor's `model=model` is the
    factory's argument, so a deprecated default written in `__init__` is known there."""
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/scorer.py": (
            "from langchain_openai import ChatOpenAI\n\n\nclass Scorer:\n"
            "    def __init__(self, api_key, model='gpt-4o-mini'):\n"
            "        self.llm = self._make(api_key, model)\n\n"
            "    def _make(self, api_key, model):\n        return ChatOpenAI(api_key=api_key, model=model, max_tokens=100)\n\n"
            "    def score(self, text):\n        return self.llm.invoke(text)\n"
        ),
        "app/main.py": "from app.scorer import Scorer\n\nScorer('k').score('x')\n",
    })
    found = check(cli, "--select", "CL007")
    # once, where the ID is written (the default in __init__), not at the constructor it reaches
    assert [(Path(d["filename"]).name, d["location"]["row"]) for d in found] == [("scorer.py", 5)]
    assert "gpt-4o-mini" in found[0]["message"]


def test_a_dispatcher_call_is_one_call_site(cli, tmp_path):
    routes = report(cli, tmp_path, (
        "import anthropic\nimport openai\n\n\n"
        "def ask_claude(prompt):\n"
        "    return anthropic.Anthropic().messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "def ask_gpt(prompt):\n"
        "    return openai.OpenAI().chat.completions.create(model='gpt-4o-mini', max_tokens=300, messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "def ask(prompt, provider='anthropic'):\n"
        "    if provider == 'anthropic':\n        return ask_claude(prompt)\n    return ask_gpt(prompt)\n\n\n"
        "ask('hi')\nask('hello', provider='openai')\n"
    ))
    callers = [(r["line"], r["via"]["line"], [a["line"] for a in r["also_via"]]) for r in routes if r["via"] and r["line"] >= 19]
    assert sorted(callers) == [(19, 6, [10]), (20, 6, [10])]
    assert {r["line"]: r["reached_through"] for r in routes if not r["via"]} == {6: 3, 10: 3}


POST_HELPER = (
    "import requests\n\n\n"
    "def http_request(url, headers, json_data, retry=0):\n"
    "    response = requests.post(url, headers=headers, json=json_data, timeout=60)\n"  # 5
    "    if response.status_code == 429 and retry < 3:\n"
    "        return http_request(url, headers, json_data, retry + 1)\n"  # 7: the same request again
    "    return response\n"
)


def test_a_helper_posting_its_callers_url_and_body_is_requested_by_its_callers(cli, tmp_path):
    routes = report(cli, tmp_path, {
        "app/__init__.py": "",
        "app/util.py": POST_HELPER,
        "app/claude.py": (
            "from app.util import http_request\n\n\n"
            "def ask_claude(prompt, model='claude-haiku-4-5', url=None):\n"
            "    if url is None:\n        url = 'https://api.anthropic.com/v1/messages'\n"
            "    body = {'model': model, 'max_tokens': 300, 'messages': [{'role': 'user', 'content': prompt}]}\n"
            "    return http_request(url, {'x-api-key': 'k', 'anthropic-version': '2023-06-01'}, body)\n"  # 8
        ),
        "app/gemini.py": (
            "from app.util import http_request\n\n\n"
            "def ask_gemini(prompt, model='gemini-2.0-flash'):\n"
            "    endpoint = f'https://generativelanguage.googleapis.com/v1beta/models/{model}:generateContent'\n"
            "    return http_request(endpoint, {}, {'contents': [{'parts': [{'text': prompt}]}]})\n"  # 6
        ),
        "app/local.py": "from app.util import http_request\n\n\ndef ask_local(prompt):\n"
        "    return http_request('http://localhost:11434/api/chat', {}, {'model': 'llama3', 'messages': [{'role': 'user', 'content': prompt}]})\n",  # 5
        # the same helper posting to a service that is no LLM API: no request
        "app/billing.py": "from app.util import http_request\n\n\ndef charge(amount):\n    return http_request('https://billing.example.com/v1/charges', {}, {'amount': amount})\n",
        "app/main.py": "from app import claude, gemini, local, billing\n\nclaude.ask_claude('hi')\ngemini.ask_gemini('hi')\nlocal.ask_local('hi')\nbilling.charge(3)\n",
    })
    got = sorted((r["filename"].replace(os.sep, "/"), r["line"], r["api"], r["billed"]) for r in routes)
    assert got == [
        ("app/claude.py", 8, "POST /v1/messages", True),
        ("app/gemini.py", 6, "POST :generateContent", True),
        ("app/local.py", 5, "POST /api/chat", False),
        ("app/main.py", 3, "POST /v1/messages", True),
        ("app/main.py", 4, "POST :generateContent", True),
        ("app/main.py", 5, "POST /api/chat", False),
        ("app/util.py", 5, "POST /v1/messages", True),  # the helper's own POST, as its first billed call makes it
        ("app/util.py", 7, "POST /v1/messages", True),
    ]
    claude = next(r for r in routes if r["filename"] == os.path.join("app", "main.py") and r["line"] == 3)
    assert claude["model"] == "claude-haiku-4-5-20251001" and claude["output_limit"] == 300


def test_a_post_of_its_callers_url_is_no_request_alone_nor_when_nothing_says_llm(cli, tmp_path):
    routes = report(cli, tmp_path, {
        "app/__init__.py": "",
        "app/util.py": POST_HELPER,
        "app/main.py": (
            "import os\nfrom app.util import http_request\n\n"
            "http_request(os.environ['HOOK_URL'], {}, {'text': 'deploy done'})\n"  # a webhook: no endpoint, no chat body
            "http_request(ENDPOINT, {}, payload)\n"
        ),
    })
    assert routes == []


def test_a_default_given_on_the_way_to_the_call_is_the_value_it_passes(cli, tmp_path):
    """`if url is None: url = DEFAULT` in the branch of a dispatcher, or a URL rebuilt from
    itself before the call: the value that reaches the helper's POST."""
    routes = report(cli, tmp_path, {
        "app/__init__.py": "",
        "app/util.py": POST_HELPER,
        "app/chat.py": (
            "from app.util import http_request\n\n\n"
            "def ask_openai(prompt, url=None, model='gpt-4o-mini'):\n"
            "    if url is None:\n        url = 'https://api.openai.com/v1/chat/completions'\n"
            "    return http_request(url, {}, {'model': model, 'messages': [{'role': 'user', 'content': prompt}]})\n\n\n"
            "def ask_gemini(prompt, url=None, model='gemini-2.0-flash'):\n"
            "    url = f'https://generativelanguage.googleapis.com/v1beta/models/{model}:generateContent'\n"
            "    return http_request(url, {}, {'contents': [{'parts': [{'text': prompt}]}]})\n\n\n"
            "def ask(prompt, provider, url=None):\n"
            "    if provider == 'vllm':\n"
            "        if url is None:\n            url = 'http://localhost:8000/v1/chat/completions'\n"
            "        return ask_openai(prompt, url)\n"  # 19: a local server unless the user says otherwise
            "    if provider == 'gemini':\n        return ask_gemini(prompt, url)\n"  # 21
            "    if provider == 'other':\n        if prompt:\n            url = 'https://billing.example.com/v1/charges'\n"
            "        return ask_openai(prompt, url)\n"  # 25: changed on the way, not known: the body says chat
            "    return ask_openai(prompt, url)\n\n\n"  # 26
            "def ask_either(prompt, url=None, local=False):\n"
            "    if local:\n        url = 'http://localhost:8000/v1/chat/completions'\n"
            "    else:\n        return ask_openai(prompt, url)\n"  # 33: the `if` branch is not on its way
            "    for _ in range(2):\n        ask_openai(prompt, url)\n        url = None\n"  # 35: changed in the loop around it
        ),
    })
    got = {r["line"]: (r["api"], r["billed"]) for r in routes if r["filename"] == os.path.join("app", "chat.py") and r["line"] > 10}
    assert got == {
        12: ("POST :generateContent", True),
        19: ("POST /chat/completions", False),
        21: ("POST :generateContent", True),
        25: ("POST /chat/completions", True),
        26: ("POST /chat/completions", True),
        33: ("POST /chat/completions", True),
        35: ("POST /chat/completions", True),
    }


def test_a_method_handed_to_a_class_is_a_handler_reached_through_its_registration(cli, tmp_path):
    """`CommandHandler("chat", self.prompt)` keeps the method to be called by events (not seen):
    the registration is where the code decides the requests are made, a site reached through the
    handler (registrations.py); a helper that runs what it is handed is one too."""
    routes = report(cli, tmp_path, CLIENT_CLASS + (
        "\n\nclass Bot:\n    def __init__(self):\n        self.llm = LLMClient()\n\n"
        "    def prompt(self, update, context):\n        return self.llm.chat([{'role': 'user', 'content': update}])\n\n"
        "    def run(self, app):\n"
        "        app.add_handler(CommandHandler('chat', self.prompt))\n"  # 23
        "        app.add_handler(MessageHandler(TEXT, self.prompt))\n"  # 24
        "        return with_retry(self.prompt, 'hello', None)\n"  # 25
    ))
    assert sorted(r["line"] for r in routes if r["via"]) == [20, 23, 24, 25]  # 20: the handler's own call of the client


CLIENT_PASSED_IN = {
    "helpers.py": (
        "def ask(client, question, model='llama3'):\n"
        "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': question}])\n"
    ),
    "main.py": (
        "import os\n\nfrom openai import OpenAI\n\nfrom helpers import ask\n\n"
        "ollama = OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n"
        "billed = OpenAI()\n"
        "either = OpenAI(base_url='http://localhost:8000/v1')\n"
        "either = OpenAI(base_url=os.environ['API_BASE'])\n\n\n"
        "def forward(client, question):\n    return ask(client, question)\n\n\n"
        "class Bot:\n    def __init__(self):\n        self.client = OpenAI(base_url='http://127.0.0.1:1234/v1')\n\n"
        "    def reply(self, text):\n        return ask(self.client, text)\n\n\n"
        "ask(ollama, 'a')\n"
        "ask(client=ollama, question='b')\n"
        "ask(OpenAI(base_url='http://localhost:11434/v1'), 'c')\n"
        "forward(ollama, 'd')\n"
        "ask(billed, 'e', model='gpt-5-mini')\n"
        "ask(either, 'f')\n"
        "forward(billed, 'g')\n"
    ),
}


def test_a_client_passed_in_as_a_parameter_is_the_callers_client(cli, tmp_path):
    routes = report(cli, tmp_path, CLIENT_PASSED_IN)
    billed = {r["line"]: r["billed"] for r in routes if r["filename"] == "main.py"}
    # a local server's client, passed by name, by keyword, built inline, through another
    # wrapper, kept on `self`: the wrapper's request goes to that server, never billed
    assert [billed[n] for n in (22, 25, 26, 27, 28)] == [False] * 5
    # a billed client, a name bound to two clients (one may be billed), a billed client
    # forwarded, a parameter not known here: billed, as the request inside the wrapper is
    assert [billed[n] for n in (14, 29, 30, 31)] == [True] * 4


def test_a_local_model_route_or_endpoint_passed_into_a_wrapper(cli, tmp_path):
    routes = report(cli, tmp_path, (
        "import litellm\n\n\n"
        "def ask(model, question, api_base=None):\n"
        "    return litellm.completion(model=model, messages=[{'role': 'user', 'content': question}], api_base=api_base)\n\n\n"
        "ask('ollama/llama3', 'a')\n"
        "ask('llama3', 'b', api_base='http://localhost:11434')\n"
        "ask('gpt-5-mini', 'c')\n"
        "ask('groq/llama3-8b-8192', 'd', api_base='https://api.example.com/v1')\n"
    ))
    billed = {r["line"]: r["billed"] for r in routes}
    # a local server's route prefix or address given by the caller: local; a billed model,
    # an inference host's route to a remote address: billed
    assert [billed[n] for n in (8, 9, 10, 11)] == [False, False, True, True]


def test_a_request_every_call_of_which_goes_to_a_local_server_is_local(cli, tmp_path):
    routes = report(cli, tmp_path, (
        "import litellm\nfrom openai import OpenAI\n\n"
        "ollama = OpenAI(base_url='http://localhost:11434/v1', api_key='ollama')\n\n\n"
        "def chat(client, question):\n"
        "    return client.chat.completions.create(model='llama3', messages=[{'role': 'user', 'content': question}])\n\n\n"
        "def complete(model, question):\n"
        "    return litellm.completion(model=model, messages=[{'role': 'user', 'content': question}])\n\n\n"
        "def mixed(model, question):\n"
        "    return litellm.completion(model=model, messages=[{'role': 'user', 'content': question}])\n\n\n"
        "def uncalled(client, question):\n"
        "    return client.chat.completions.create(model='llama3', messages=[{'role': 'user', 'content': question}])\n\n\n"
        "chat(ollama, 'a')\ncomplete('ollama/llama3', 'b')\nmixed('ollama/llama3', 'c')\nmixed('gpt-5-mini', 'd')\n"
    ))
    billed = {r["line"]: r["billed"] for r in routes if r["via"] is None}
    # the requests only ever sent to a local server by their callers are local; one a
    # caller also sends to a billed model, and one no call is seen to reach, stay billed
    assert billed == {8: False, 12: False, 16: True, 20: True}


def test_a_wrapper_building_its_client_with_the_endpoint_its_caller_passes(cli, tmp_path):
    routes = report(cli, tmp_path, (
        "import os\n\nfrom openai import OpenAI\n\n\n"
        "def ask(question, base_url):\n"
        "    client = OpenAI(base_url=base_url)\n"
        "    return client.chat.completions.create(model='llama3', messages=[{'role': 'user', 'content': question}])\n\n\n"
        "def inline(question, base_url):\n"
        "    return OpenAI(base_url=base_url).chat.completions.create(model='llama3', messages=[{'role': 'user', 'content': question}])\n\n\n"
        "def fixed(question, base_url):\n"
        "    client = OpenAI(base_url='https://api.example.com/v1')\n"
        "    return client.chat.completions.create(model='llama3', messages=[{'role': 'user', 'content': question}])\n\n\n"
        "ask('a', 'http://localhost:11434/v1')\n"
        "ask('b', os.environ['LLM_URL'])\n"
        "inline('c', base_url='http://127.0.0.1:8000/v1')\n"
        "fixed('d', 'http://localhost:11434/v1')\n"
    ))
    billed = {r["line"]: r["billed"] for r in routes if r["via"] is not None}
    # a local address the caller passes for the client's endpoint: local; an address read at
    # run time, or a wrapper whose client does not take the argument: billed
    assert billed == {20: False, 21: True, 22: False, 23: True}


def test_an_object_built_in_the_same_file_binds_what_its_constructor_keeps(cli, tmp_path):
    routes = report(cli, tmp_path, (
        "import anthropic\n\n\nclass LLM:\n"
        "    def __init__(self, model='claude-haiku-4-5', max_tokens=300):\n"
        "        self.client = anthropic.Anthropic()\n        self.model = model\n        self.max_tokens = max_tokens\n\n"
        "    def ask(self, prompt):\n"
        "        return self.client.messages.create(model=self.model, max_tokens=self.max_tokens, messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "smart = LLM(model='claude-sonnet-4-6', max_tokens=2000)\nsmart.ask('a')\n"
        "plain = LLM()\nplain.ask('b')\n"
        "LLM('claude-opus-4-6').ask('c')\n"
    ))
    # each call on an object built here sends what that construction passed (or the
    # constructor's defaults); the request itself is any of them (unknown to the rules), and
    # so is a construction whose positional arguments are not read
    assert routes_at(routes, "example.py") == [
        (11, "?", None, None),
        (15, "claude-sonnet-4-6", 2000, 11),
        (17, "claude-haiku-4-5-20251001", 300, 11),
        (18, "?", None, 11),
    ]


def test_a_private_function_imported_by_another_module(cli, tmp_path):
    routes = report(cli, tmp_path, {
        "src/__init__.py": "",
        "src/main.py": HEAD + (
            "def _ai_generate_outline(novel):\n"
            "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=4000, messages=[{'role': 'user', 'content': novel}])\n\n\n"
            "def _format_outline(outline):\n    return outline.strip()\n"
        ),
        "wizard.py": (
            "class Wizard:\n    def step(self, novel):\n"
            "        from src.main import _ai_generate_outline, _format_outline\n\n"
            "        return _format_outline(_ai_generate_outline(novel))\n"
        ),
    })
    # a private name of several words is looked for where it is imported; the private
    # helper beside it makes no request
    assert routes_at(routes, "wizard.py") == [(5, "claude-sonnet-4-6", 4000, 7)]


def test_a_module_under_a_source_root_above_the_folder_linted(cli, tmp_path):
    write_project(tmp_path, {
        "src/pkg/__init__.py": "",
        "src/pkg/sub/__init__.py": "",
        "src/pkg/sub/utils.py": HEAD + ASK,
        "src/pkg/sub/chat.py": "from pkg.sub.utils import (\n    ask,\n)\n\n\ndef converse(q):\n    return ask(q)\n",
    })
    done = cli("report", "src/pkg/sub", "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    found = sorted((r["filename"], r["line"], (r["via"] or {}).get("line")) for r in json.loads(done.stdout)["routes"])
    # `pkg.sub.utils` is the linted folder's own file, though src/ is above the folder named
    assert found == [("src/pkg/sub/chat.py", 7, 7), ("src/pkg/sub/utils.py", 7, None)]


def test_a_private_method_of_several_words_called_from_another_file(cli, tmp_path):
    chat = (
        "import anthropic\n\n\nclass EggChat:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
        "    def _get_answer(self, text):\n"
        "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': text}])\n\n"
        "    def _ask(self, text):\n"
        "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=100, messages=[{'role': 'user', 'content': text}])\n"
    )
    worker = (
        "from chat import EggChat\n\n\nclass ChatWorker:\n"
        "    def __init__(self, eggchat: EggChat, message: str):\n        self.eggchat = eggchat\n        self.message = message\n\n"
        "    def run(self):\n        return self.eggchat._get_answer(self.message)\n"
    )
    quick = worker.replace("ChatWorker", "QuickWorker").replace("_get_answer", "_ask")
    found = sorted((r["filename"], r["line"], (r["via"] or {}).get("line")) for r in report_routes(
        cli, tmp_path, {"chat.py": chat, "worker.py": worker, "quick.py": quick}))
    # `_get_answer` is distinctive enough to look for in other files; a one-word private
    # `_ask` is, by convention, called in its own file only (that file is not read for it)
    assert [row for row in found if row[0] != "chat.py"] == [("worker.py", 10, 9)]


PROVIDERS = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
    "class Provider:\n"
    "    def make_request(self, messages):\n"
    "        system = messages[0]['content']\n"
    "        messages = messages[1:]\n"
    "        return client.messages.create(model='claude-sonnet-4-6', max_tokens=800, system=system, messages=messages)\n\n\n"
    "class Manager:\n"
    "    def __init__(self):\n        self.provider = Provider()\n\n"
    "    def process(self, system, messages):\n"
    "        combined = [{'role': 'system', 'content': system}] + messages\n"
    "        return self.provider.make_request(combined)\n\n"
    "    def windowed(self, system, messages):\n"
    "        combined = [{'role': 'system', 'content': system}] + messages[-10:]\n"
    "        return self.provider.make_request(combined)\n\n\n"
    "def ask(messages):\n"
    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=800, system=messages[0]['content'], messages=messages[1:])\n\n\n"
    "def ask_recent(messages):\n"
    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=800, system=messages[0]['content'], messages=messages[-6:])\n"
)


def chat_class(name: str, kept: str, grows: bool, call: str) -> str:
    return (
        f"class {name}:\n    def __init__(self):\n        self.pm = Manager()\n        self.{kept} = []\n\n"
        f"    def answer(self, text):\n        message_list = self.{kept} + [{{'role': 'user', 'content': text}}]\n        return {call}\n\n"
        "    def run(self):\n        while True:\n            text = input()\n            reply = self.answer(text)\n"
        + (f"            self.{kept}.append({{'role': 'user', 'content': text}})\n            self.{kept}.append({{'role': 'assistant', 'content': reply}})\n" if grows else "            print(reply)\n")
        + "\n\n"
    )


def test_a_turn_added_to_a_growing_attribute_reaches_the_request_through_forwarding_wrappers(cli, tmp_path):
    # eigengen: `message_list = self.messages + [turn]` handed to a manager that puts a system
    # head before it (`combined = [system] + messages`) for a provider that sends `messages[1:]`
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/providers.py": PROVIDERS,
        "app/chat.py": (
            "from app.providers import Manager, ask, ask_recent\n\n\n"
            + chat_class("Chat", "messages", True, "self.pm.process('Be terse.', message_list)")
            + chat_class("Direct", "history", True, "ask(message_list)")
            # silent: a list kept on the object but never grown; a window on the way; a window sent
            + chat_class("Examples", "examples", False, "self.pm.process('Be terse.', message_list)")
            + chat_class("Windowed", "turns", True, "self.pm.windowed('Be terse.', message_list)")
            + chat_class("Recent", "recent", True, "ask_recent(message_list)")
        ),
    })
    found = sorted((d["filename"].rsplit(os.sep, 1)[-1], d["location"]["row"]) for d in check(cli, "--select", "CL011"))
    assert found == [("chat.py", 10), ("chat.py", 27)]  # where each list is written: not Examples, Windowed, Recent


def test_a_growing_list_extended_in_the_call_of_a_wrapper(cli, tmp_path):
    turn = "{'role': 'user', 'content': text}"
    write_project(tmp_path, {
        "app/__init__.py": "",
        "app/providers.py": PROVIDERS,
        "app/bot.py": (
            "from app.providers import ask, ask_recent\n\nEXAMPLES = [{'role': 'system', 'content': 'Be terse.'}]\n\n\n"
            "class Bot:\n    def __init__(self):\n        self.history = []\n\n"
            "    def run(self):\n        while True:\n            text = input()\n"
            f"            reply = ask(self.history + [{turn}])\n"
            "            self.history += [{'role': 'assistant', 'content': reply}]\n\n\n"
            "def chat():\n    turns = []\n    while True:\n        text = input()\n"
            f"        turns.append(ask([*EXAMPLES, *turns, {turn}]))\n\n\n"
            # silent: a list never grown, and a growing one whose window is sent
            "def once():\n    while True:\n        text = input()\n"
            f"        print(ask([*EXAMPLES, {turn}]))\n\n\n"
            "def recent():\n    turns = []\n    while True:\n        text = input()\n"
            f"        turns.append(ask_recent([*EXAMPLES, *turns, {turn}]))\n"
        ),
    })
    found = sorted((d["filename"].rsplit(os.sep, 1)[-1], d["location"]["row"]) for d in check(cli, "--select", "CL011"))
    assert found == [("bot.py", 13), ("bot.py", 21)]  # Bot.run, chat: not once, recent
