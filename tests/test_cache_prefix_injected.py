"""CL006 and LiteLLM's `cache_control_injection_points`: LiteLLM writes the breakpoints
itself, on the system messages or on the message at an index; a per-request value before
one busts the prefix, and points that are not written out mark nothing we can name."""
from __future__ import annotations

from claude_lint.checks import cache_prefix_examples as shapes

from conftest import lint_tree, write_project

CLOCK = "f'Now: {datetime.datetime.now()}\\n' + RULES"


def _found(tmp_path, system, user="q", points=shapes.SYSTEM_POINT):
    write_project(tmp_path, suite=False, example={"bot.py": shapes.INJECTED.format(system=system, user=user, points=points)})
    return lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics


def test_a_clock_in_the_system_message_litellm_marks_fires_there(tmp_path):
    found = _found(tmp_path, CLOCK)
    assert [(d.loc.row, d.loc.col) for d in found] == [(5, 47)], found
    assert "`datetime.datetime.now()` changes on every request" in found[0].message


def test_a_point_on_the_last_message_caches_the_system_message_before_it(tmp_path):
    found = _found(tmp_path, CLOCK, points="[{'location': 'message', 'index': -1}]")
    assert len(found) == 1 and "before the last cache breakpoint" in found[0].message, found


def test_a_point_on_the_first_message_marks_it_and_nothing_after(tmp_path):
    assert len(_found(tmp_path, CLOCK, points="[{'location': 'message', 'index': 0}]")) == 1
    assert not _found(tmp_path, "RULES", user="f'Now: {datetime.datetime.now()}\\n{q}'", points="[{'location': 'message', 'index': 0}]")


def test_points_that_cannot_be_read_mark_nothing(tmp_path):
    # an index past the list, a point of another kind, a role named at run time
    for points in ("[{'location': 'message', 'index': 5}]", "[{'location': 'tool'}]", "[{'location': 'message', 'role': ROLE}]"):
        assert not _found(tmp_path, CLOCK, points=points), points


def test_a_date_in_the_marked_system_message_stays_silent(tmp_path):
    assert not _found(tmp_path, "f'Today: {datetime.date.today()}\\n' + RULES")


def test_points_on_a_request_to_a_model_that_caches_by_itself_are_not_breakpoints(tmp_path):
    # LiteLLM writes `cache_control` for Claude; an OpenAI model's prefix is judged as its own (short head here)
    write_project(tmp_path, suite=False, example={"bot.py": shapes.INJECTED.format(system="f'Now: {datetime.datetime.now()}\\nBe brief.'", user="q",
                                                                                  points=shapes.SYSTEM_POINT).replace("anthropic/claude-sonnet-4-6", "gpt-5.4")})
    assert not lint_tree(tmp_path, suite=False, select=("CL006",)).diagnostics
