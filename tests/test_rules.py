"""Every rule's own examples, through the real engine: `fires` must fire, `silent` must not."""
from __future__ import annotations

import pytest

from claude_lint.checks import all_rules
from claude_lint.checks.base import Invalid, example_source

from conftest import lint_tree, write_project

CASES = [
    pytest.param(rule, example, expect, id=f"{rule.code}-{expect}-{i}")
    for rule in all_rules()
    for expect, examples in (("fires", rule.fires), ("silent", rule.silent))
    for i, example in enumerate(examples)
]


def test_every_rule_has_examples_both_ways():
    for rule in all_rules():
        assert rule.fires, f"{rule.code} has no example that fires"
        assert rule.silent, f"{rule.code} has no example that stays silent"


@pytest.mark.parametrize("rule, example, expect", CASES)
def test_rule_example(tmp_path, rule, example, expect):
    write_project(tmp_path, example_source(example))
    # A rule may need options to fire at all (CL904: a tiny time limit); silent examples use the defaults.
    options = getattr(rule, "example_options", None) if expect == "fires" else None
    extra = {"rule_options": ((rule.code, tuple(options.items())),)} if options else {}
    result = lint_tree(tmp_path, select=(rule.code,), **extra)
    codes = [d.code for d in result.diagnostics]
    if expect == "fires":
        assert rule.code in codes, f"{rule.code} did not fire on:\n{example}"
        if isinstance(example, Invalid):
            _as_stated(tmp_path, rule, example, [d for d in result.diagnostics if d.code == rule.code])
    else:
        assert codes == [], f"{rule.code} fired on an example that must stay silent:\n{example}\n{result.diagnostics}"


def _as_stated(root, rule, example: Invalid, found):
    """The finding the example states: one in its file, on its row, saying its fragment,
    whose fix turns the file into `expected_replacement`."""
    import os

    from claude_lint.fix import apply_edits

    path = os.path.realpath(root / example.path)
    found = [d for d in found if os.path.realpath(os.path.join(root, d.loc.path)) == path]
    if example.row:
        found = [d for d in found if d.loc.row == example.row]
    assert found, f"{rule.code} fired, but not in {example.path}" + (f" at row {example.row}" if example.row else "")
    if example.message:
        assert any(example.message in d.message for d in found), f"{example.message!r} not in {[d.message for d in found]}"
        found = [d for d in found if example.message in d.message]
    if example.expected_replacement is not None:
        fixes = [d.fix for d in found if d.fix is not None and d.fix.edits]
        assert fixes, f"{rule.code}'s finding carries no fix edits"
        with open(path, encoding="utf-8") as fh:
            fixed = apply_edits(fh.read(), list(fixes[0].edits))
        assert fixed == example.expected_replacement


def test_stated_examples_state_something():
    for rule in all_rules():
        for example in rule.fires:
            if isinstance(example, Invalid):
                assert example.message or example.row or example.expected_replacement is not None, rule.code


def test_retirement_dates_compare_with_today():
    import datetime

    import pytest

    from claude_lint.catalog import CatalogError, Lifecycle, load

    today = datetime.date.today()
    assert Lifecycle("active", today.isoformat()).state(today) == "retired"
    assert Lifecycle("deprecated", "2020-01-31").state(today) == "retired"
    assert Lifecycle("deprecated", f"{today.year + 1:04d}-01-01").state(today) == "deprecated"
    assert Lifecycle("active", f"{today.year + 1:04d}-01-01").state(today) == "active"
    for bad in ("", "soon", "2020-1-5", "2020-01-05T00:00", "２０２０-01-05", "2020-01-05\n"):
        with pytest.raises(CatalogError):
            load().with_extra([{"id": "claude-sonnet-4-6", "retires": bad}])
