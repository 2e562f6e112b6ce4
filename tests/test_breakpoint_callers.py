"""CL013 reports a short prefix where its text is written (issue 16, session 16): text the
wrapper's request writes itself, a constant it imports from a third module included, at the
request, never again at each caller up the call graph; text a caller passes into the
wrapper's parameter, a third module's constant included, at that caller."""
from __future__ import annotations

from claude_lint.checks import breakpoint_callers as shapes

SHORT = "RUBRIC = 'Score the listing from 1 to 5.'\n"


def found(project, files):
    return sorted((d.loc.path, d.loc.row) for d in project(files, select=("CL013",)).diagnostics if d.code == "CL013")


def test_an_imported_constant_written_in_the_request_is_reported_at_the_request_alone(project):
    assert found(project, {**shapes.GRADER, "prompts.py": SHORT}) == [("grader.py", 6)]


def test_a_request_behind_two_wrappers_keeps_its_one_finding(project):
    files = {**shapes.GRADER, "prompts.py": SHORT,
             "cli.py": "from app import main\n\ndef run():\n    return main()\n\ndef again():\n    return run()\n"}
    assert found(project, files) == [("grader.py", 6)]


def test_an_imported_list_of_marked_blocks_sent_by_the_request_is_reported_at_the_request(project):
    files = {"prompts.py": f"BLOCKS = [{{'type': 'text', 'text': 'Score the listing from 1 to 5.', {shapes.MARK}}}]\n",
             "grader.py": shapes.HEAD + "from prompts import BLOCKS\n\ndef score(listing):\n"
                          "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=BLOCKS, messages=[{'role': 'user', 'content': listing}])\n",
             "app.py": "from grader import score\n\ndef main():\n    return score('2 bed flat')\n"}
    assert found(project, files) == [("grader.py", 6)]


def test_a_third_modules_constant_each_caller_passes_is_reported_at_the_caller_that_passes_it_short(project):
    files = {"llm.py": shapes.WRAPPER, "prompts.py": f"TRIAGE = 'Answer URGENT or LATER.'\nRULES = {shapes.LONG!r}\n",
             "dm.py": "from llm import send\nfrom prompts import RULES, TRIAGE\n\ndef triage(q):\n    return send(TRIAGE, q)\n\ndef answer(q):\n    return send(RULES, q)\n"}
    assert found(project, files) == [("dm.py", 5)]


def test_a_whole_list_of_blocks_a_caller_passes_is_reported_at_the_caller(project):
    files = {"llm.py": shapes.HEAD + "def send(blocks, text):\n"
                       "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=blocks, messages=[{'role': 'user', 'content': text}])\n",
             "prompts.py": f"BLOCKS = [{{'type': 'text', 'text': 'Answer URGENT or LATER.', {shapes.MARK}}}]\n",
             "dm.py": "from llm import send\nfrom prompts import BLOCKS\n\ndef triage(q):\n    return send(BLOCKS, q)\n"}
    assert found(project, files) == [("dm.py", 5)]
