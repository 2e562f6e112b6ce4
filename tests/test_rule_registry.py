"""The rule registry (checks.RULES) names every rule the modules of checks/ define, with
its class and preview flag, so that a run can load only the rules it selects."""
import importlib
import pkgutil
import subprocess
import sys

import claude_lint.checks as checks
from claude_lint.checks.base import Rule


def _defined():
    for info in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"claude_lint.checks.{info.name}")
    found = {}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if getattr(cls, "code", "") and cls.__module__.startswith("claude_lint.checks."):
            found[cls.code] = (cls.__module__.rsplit(".", 1)[1], cls.__name__, bool(cls.preview))
    return found


def test_registry_names_every_rule_module_defines():
    assert checks.RULES == _defined()


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
