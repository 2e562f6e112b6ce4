"""The rule registry (checks.RULES, generated into checks/registry.py) names every rule the
modules of checks/ define, with its class and preview flag, so that a run can load only the
rules it selects."""
import subprocess
import sys

import claude_lint.checks as checks
from claude_lint.docs import REGISTRY, defined_rules, registry


def test_registry_is_generated_from_the_rule_modules():
    # A rule module added without `python -m claude_lint.docs` is not in the registry: a run
    # would never load it.
    assert REGISTRY.read_text(encoding="utf-8") == registry(), "checks/registry.py is stale: run `python -m claude_lint.docs`"
    assert {r.code: (type(r).__module__.rsplit(".", 1)[1], type(r).__name__, bool(r.preview)) for r in defined_rules()} == checks.RULES


def test_all_rules_are_the_registered_ones_in_code_order():
    rules = checks.all_rules()
    assert [r.code for r in rules] == sorted(checks.RULES)
    assert all(checks.by_code()[r.code] is r for r in rules)


def test_a_default_run_loads_no_preview_rule_module():
    # In a new process: this one has imported every rule already.
    code = (
        "import sys; from claude_lint.config import Settings, selected; from claude_lint.checks import by_code, RULES;"
        "by_code(selected(Settings(root='.')));"
        "print(sorted(m for c, (m, _, p) in RULES.items() if p and 'claude_lint.checks.' + m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
