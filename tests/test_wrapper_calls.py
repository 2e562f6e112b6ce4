"""One growing conversation, one finding (CL011, CL004): a wrapper whose own tool loop
grows the list it is handed is reported at its request, not again at each call of it;
a call whose list is not the request's own (a dispatcher's other model) keeps its finding."""
from __future__ import annotations

from conftest import lint_tree, write_project

from claude_lint.checks.conversation_examples import CHAT, TOOL_LOOP


def rows(tmp_path, files: dict, rule: str) -> list:
    write_project(tmp_path, files, suite=False)
    return sorted((d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in lint_tree(tmp_path, suite=False, select=(rule,)).diagnostics)


def test_a_wrappers_own_tool_loop_is_said_once(tmp_path):
    assert rows(tmp_path, {"app.py": TOOL_LOOP}, "CL011") == [("app.py", 8)]


def test_the_same_wrapper_called_from_another_file_is_said_once(tmp_path):
    main = "from app import solve\n\n\ndef ask(q):\n    return solve(q, [])\n"
    assert rows(tmp_path, {"app.py": TOOL_LOOP.rsplit("\n\n\nhistory", 1)[0] + "\n", "main.py": main}, "CL011") == [("app.py", 8)]


def test_a_callers_conversation_is_still_the_callers(tmp_path):
    # the wrapper appends the answer to the list it is handed: the growth is the caller's
    caller = CHAT + "\n\nhistory = []\nwhile True:\n    chat(history, input())\n"
    assert rows(tmp_path, {"app.py": caller}, "CL011") != []


def test_cl004_says_a_wrappers_own_loop_once_too(tmp_path):
    assert rows(tmp_path, {"app.py": TOOL_LOOP}, "CL004") == [("app.py", 8)]
