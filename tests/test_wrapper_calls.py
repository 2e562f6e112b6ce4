"""One growing conversation, one finding (CL004, CL011): a wrapper whose own tool loop grows the
list it is handed is reported at its request, naming the calls of it, not again at each
call; a call whose list is not the request's own (the caller's) keeps its finding."""
from __future__ import annotations

import pytest
from conftest import lint_tree, write_project

from claude_lint.checks.conversation_examples import HEAD, TOOL_LOOP

ASK = HEAD + "def ask(messages):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n\n\n"


def found(tmp_path, files: dict, rule: str = "CL004") -> list:
    write_project(tmp_path, files, suite=False)
    return lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics


def rows(diagnostics) -> list:
    return sorted((d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in diagnostics)


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_wrappers_own_tool_loop_is_said_once_naming_its_call(tmp_path, rule):
    (only,) = found(tmp_path, {"app.py": TOOL_LOOP}, rule)
    assert 16 in {r.row for r in only.related}  # the module's call of the wrapper
    assert rows([only]) == [("app.py", 8)]


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_the_same_wrapper_called_from_another_file_is_said_once(tmp_path, rule):
    main = "from app import solve\n\n\ndef ask(q):\n    return solve(q, [])\n"
    assert rows(found(tmp_path, {"app.py": TOOL_LOOP.rsplit("\n\n\nhistory", 1)[0] + "\n", "main.py": main}, rule)) == [("app.py", 8)]


def test_the_request_keeps_its_fix_and_names_the_call(tmp_path):
    # CL011's safe fix is on the request's own finding; the call of the wrapper is named, not reported
    (only,) = found(tmp_path, {"app.py": TOOL_LOOP}, "CL011")
    assert only.fix is not None and only.fix.applicability == "safe"
    assert 16 in {r.row for r in only.related}


@pytest.mark.parametrize("rule", ["CL004", "CL011"])
def test_a_callers_conversation_is_still_the_callers(tmp_path, rule):
    # the caller's loop grows the list; the wrapper only sends it: the finding is the caller's
    caller = (ASK + "history = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n"
              "    reply = ask(history)\n    history.append({'role': 'assistant', 'content': reply.content})\n")
    assert rows(found(tmp_path, {"app.py": caller}, rule)) == [("app.py", 10)]
