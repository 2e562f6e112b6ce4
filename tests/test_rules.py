"""Every rule's own examples, through the real engine: `fires` must fire, `silent` must not."""
from __future__ import annotations

import pytest

from claude_lint.checks import all_rules

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
    write_project(tmp_path, example)
    # A rule may need options to fire at all (CL904: a tiny time limit); silent examples use the defaults.
    options = getattr(rule, "example_options", None) if expect == "fires" else None
    extra = {"rule_options": ((rule.code, tuple(options.items())),)} if options else {}
    result = lint_tree(tmp_path, select=(rule.code,), **extra)
    codes = [d.code for d in result.diagnostics]
    if expect == "fires":
        assert rule.code in codes, f"{rule.code} did not fire on:\n{example}"
    else:
        assert codes == [], f"{rule.code} fired on an example that must stay silent:\n{example}\n{result.diagnostics}"
