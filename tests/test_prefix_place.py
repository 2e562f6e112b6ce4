"""CL012 through wrappers: one finding per request when no caller decides the prefix, with
the callers as related locations; a caller that writes the prefix keeps its own finding."""
from __future__ import annotations

from claude_lint.checks import prefix_place

from conftest import lint_tree, write_project

RUBRIC = "Grade the answer against this rubric. A score of 5 means complete and correct. " * 120


def _found(tmp_path, files):
    write_project(tmp_path, suite=False, example=files)
    return [d for d in lint_tree(tmp_path, suite=False, select=("CL012",)).diagnostics]


def _places(d):
    return sorted({(r.path.rsplit("/", 1)[-1], r.row) for r in d.related})


def test_the_wrappers_own_template_is_one_finding_at_the_request(tmp_path):
    found = _found(tmp_path, {"llm.py": prefix_place.TRANSLATOR.replace("MODEL", "SONNET"), **prefix_place.CALLERS})
    assert len(found) == 1, found
    assert found[0].loc.path.endswith("llm.py") and found[0].loc.row == 8
    assert {("book.py", 3), ("notes.py", 4), ("llm.py", 10)} <= set(_places(found[0]))


def test_a_model_written_in_a_helper_call_is_reported_there(tmp_path):
    found = _found(tmp_path, {"llm.py": prefix_place.TRANSLATOR.replace("MODEL", "'claude-sonnet-4-6'"), **prefix_place.CALLERS})
    assert len(found) == 1, found
    assert found[0].loc.path.endswith("llm.py") and found[0].loc.row == 10
    assert {("book.py", 3), ("notes.py", 4)} <= set(_places(found[0]))


def test_callers_that_write_their_own_prefix_keep_their_findings(tmp_path):
    llm = ("import anthropic\nclient = anthropic.Anthropic()\ndef ask(instructions, q):\n"
           "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
           "        messages=[{'role': 'user', 'content': f'{instructions}\\n{q}'}])\n")
    callers = ("from llm import ask\n" + f"RUBRIC = {RUBRIC!r}\n" + "def grade(a):\n    return ask(RUBRIC, a)\n"
               "def grade_strict(a):\n    return ask(RUBRIC + 'Be strict.', a)\n")
    found = _found(tmp_path, {"llm.py": llm, "grade.py": callers})
    assert sorted((d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found) == [("grade.py", 4), ("grade.py", 6)]


def test_tools_before_a_changing_system_are_one_finding_whatever_system_each_caller_passes(tmp_path):
    """Only the tools repeat when the system prompt carries the step: the callers' own system
    prefixes do not decide the finding, so it is one, at the request's tools."""
    session = (prefix_place.HEAD + prefix_place.TOOLS + "def exchange(prefix, step, text):\n"
               "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=500, tools=TOOLS,\n"
               "        system=f'{prefix}\\nCycle {step}', messages=[{'role': 'user', 'content': text}])\n")
    callers = ("from session import exchange\ndef a(qs):\n    return [exchange('You are A.', i, q) for i, q in enumerate(qs)]\n"
               "def b(qs):\n    return [exchange('You are B.', i, q) for i, q in enumerate(qs)]\n")
    found = _found(tmp_path, {"session.py": session, "chat.py": callers})
    assert len(found) == 1, found
    assert found[0].loc.path.endswith("session.py") and found[0].loc.row == 9
    assert {("chat.py", 3), ("chat.py", 5)} <= set(_places(found[0]))
    assert "on the last tool" in found[0].message


def test_no_prefix_advice_where_the_platform_caches_nothing(tmp_path):
    """Claude 3 Haiku on Bedrock takes no cachePoint (models.toml `uncached_on`): a long rubric
    at the head of its user turn has nothing to cache; Claude 3.5 Haiku on Bedrock has."""
    body = ("from anthropic import AnthropicBedrock\nclient = AnthropicBedrock()\n" f"RUBRIC = {RUBRIC!r}\n"
            "def grade(answer):\n    return client.messages.create(model=MODEL, max_tokens=300,\n"
            "        messages=[{'role': 'user', 'content': f'{RUBRIC}\\n\\nAnswer:\\n{answer}'}])\n")
    assert _found(tmp_path / "a", {"app.py": body.replace("MODEL", "'anthropic.claude-3-5-haiku-20241022-v1:0'")})
    assert not _found(tmp_path / "b", {"app.py": body.replace("MODEL", "'anthropic.claude-3-haiku-20240307-v1:0'")})
