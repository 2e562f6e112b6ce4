"""CL013 calls a breakpoint short only when the whole prefix up to the request's last
breakpoint is measured (issue 16, session 14): a later breakpoint the code sets on blocks it
fills at run time, a system block added under `if system:` to a `create(**params)` dict whose
text is a parameter (None by default), or a caller that leaves that block out, are no
evidence that nothing is cached."""
from __future__ import annotations

from claude_lint.checks import breakpoint_hidden as shapes

HEAD = shapes.HEAD
MARK = shapes.MARK


def rows(project, files, path):
    found = project(files if isinstance(files, dict) else {"app.py": files}, select=("CL013",))
    return [d.loc.row for d in found.diagnostics if d.code == "CL013" and d.loc.path == path]


def test_a_later_breakpoint_set_in_a_loop_over_documents_keeps_the_short_one_unreported(project):
    assert rows(project, shapes.NOTES, "app.py") == []


def test_documents_appended_in_a_loop_with_no_breakpoint_written_there_stay_unjudged(project):
    """The loop's blocks are not seen: whether one carries a breakpoint cannot be told, so
    the short system breakpoint is not called the last."""
    source = shapes.NOTES.replace("        if n == len(notes) - 1:\n            block['cache_control'] = {'type': 'ephemeral'}\n", "")
    assert rows(project, source, "app.py") == []


def test_a_breakpoint_written_out_after_the_short_one_is_measured_to_its_own_end(project):
    long_note = "Mitosis splits one nucleus into two identical nuclei. " * 300
    source = (HEAD + f"NOTE = {long_note!r}\ndef quiz(topic):\n"
              f"    return client.messages.create(model='claude-sonnet-4-6', max_tokens=900, system=[{{'type': 'text', 'text': 'You write quizzes.', {MARK}}}],\n"
              f"        messages=[{{'role': 'user', 'content': [{{'type': 'text', 'text': NOTE, {MARK}}}, {{'type': 'text', 'text': topic}}]}}])\n")
    assert rows(project, source, "app.py") == []
    assert rows(project, source.replace("NOTE, ", "'Cells divide.', "), "app.py") == [6]


def test_a_system_block_filled_by_the_callers_argument_is_judged_at_each_caller(project):
    short = "from llm import send\n\ndef yes_no(q):\n    return send(q, system='Answer yes or no.')\n"
    layout = "from llm import send\n\ndef to_sql(q, db):\n    return send(q, system='Write SQL for these tables:\\n' + db.describe())\n"
    assert rows(project, {"llm.py": shapes.SEND, "short.py": short}, "short.py") == [4]
    assert rows(project, {"llm.py": shapes.SEND, "short.py": short}, "llm.py") == []
    assert rows(project, {"llm.py": shapes.SEND, "sql.py": layout}, "sql.py") == []


def test_a_caller_that_passes_no_system_prompt_sends_no_breakpoint(project):
    caller = "from llm import send\n\ndef hello():\n    return send('Hello')\n"
    assert rows(project, {"llm.py": shapes.SEND, "chat.py": caller}, "chat.py") == []
    assert rows(project, {"llm.py": shapes.SEND, "chat.py": caller}, "llm.py") == []


def test_tools_left_at_their_default_none_are_not_sent(project):
    """`if tools: params["tools"] = tools` with no tools passed: the prefix is the system block
    alone, so a short one is still reported (tools a caller passes are counted in its favour)."""
    caller = "from llm import send\n\ndef brief(q):\n    return send(q, system='Answer in one line.')\n"
    assert rows(project, {"llm.py": shapes.SEND, "brief.py": caller}, "brief.py") == [4]
    with_tools = caller.replace("system=", "tools=[{'name': 'clock', 'input_schema': {'type': 'object'}}], system=")
    assert rows(project, {"llm.py": shapes.SEND, "brief.py": with_tools}, "brief.py") == [4]
