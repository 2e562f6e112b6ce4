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
    write_project(tmp_path, example_source(example), suite=False)
    # A rule may need options to fire at all (CL904: a tiny time limit); silent examples use the defaults.
    options = getattr(rule, "example_options", None) if expect == "fires" else None
    extra = {"rule_options": ((rule.code, tuple(options.items())),)} if options else {}
    result = lint_tree(tmp_path, suite=False, select=(rule.code,), **extra)
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


# A lint run of every rule (and every other file format) in a new process, then what it built.
LINT_RUN = """
import sys
from claude_lint.checks import base
from claude_lint.cli import main
main(["check", "--select", "ALL", "--no-cache", "--exit-zero", "--quiet", sys.argv[1]])
print(len(base._built), "claude_lint.checks.examples" in sys.modules, "claude_lint.checks.retired_examples" in sys.modules)
"""


def test_a_lint_run_builds_no_example(tmp_path):
    """The examples are built when `fires` or `silent` is read (the tests), never by a lint
    run: built at import, they were a tenth of a one-file run."""
    import subprocess
    import sys

    (tmp_path / "app.py").write_text("import anthropic\nanthropic.Anthropic().messages.create(model='claude-3-opus-20240229', messages=[])\n")
    proc = subprocess.run([sys.executable, "-c", LINT_RUN, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-3:] == ["0", "False", "False"], proc.stdout
    for rule in all_rules():
        assert "fires" not in vars(type(rule)) and "silent" not in vars(type(rule)), f"{rule.code} builds its examples at import: move them into its examples()"


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


def test_retired_id_reported_once_where_written(tmp_path):
    """CL007 lands on the line that writes the ID, once, with every request it reaches as a related location."""
    head = "import anthropic\nclient = anthropic.Anthropic()\nfrom config import Config\n"
    call = "client.messages.create(model=Config.MODEL, max_tokens=300, messages=[])\n"
    write_project(tmp_path, suite=False, example={"config.py": 'class Config:\n    MODEL = "claude-3-opus-20240229"\n', "a.py": head + call, "b.py": head + call + call})
    found = [d for d in lint_tree(tmp_path, suite=False, select=("CL007",)).diagnostics]
    assert len(found) == 1, found
    assert found[0].loc.path.endswith("config.py") and found[0].loc.row == 2
    assert sorted({(r.path.rsplit("/", 1)[-1], r.row) for r in found[0].related}) == [("a.py", 4), ("b.py", 4), ("b.py", 5)]


def test_preview_rule_needs_all_or_its_own_code(monkeypatch):
    from claude_lint import config
    from claude_lint.checks import all_rules

    rule = next(r for r in all_rules() if r.code == "CL001")
    monkeypatch.setattr(type(rule), "preview", True)
    pick = lambda **kw: "CL001" in config.selected(config.Settings(root=".", **{k: tuple(v) for k, v in kw.items()}))
    assert not pick()
    assert not pick(select=["CL00"])
    assert pick(select=["ALL"])
    assert pick(extend_select=["CL001"])
    assert not pick(select=["ALL"], ignore=["CL001"])


def test_max_tokens_threshold_mode_is_opt_in(tmp_path):
    """CL001 `mode = "threshold"` keeps the fixed review threshold: a large limit with no evidence is reported."""
    write_project(tmp_path, suite=False, example={
        "app.py": 'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n',
    })
    threshold = (("CL001", (("mode", "threshold"),)),)
    assert [d.code for d in lint_tree(tmp_path, suite=False, select=("CL001",), rule_options=threshold).diagnostics] == ["CL001"]
    assert lint_tree(tmp_path, suite=False, select=("CL001",)).diagnostics == []


def test_output_limit_message_names_the_evidence(tmp_path):
    """CL010 proposes a cap from the call's own evidence: an answer read as a number needs a few tokens."""
    write_project(tmp_path, suite=False, example='from openai import OpenAI\nr = OpenAI().chat.completions.create(model="gpt-4o", messages=[])\n'
                            'n = int(r.choices[0].message.content)\n')
    [found] = lint_tree(tmp_path, suite=False, select=("CL010",)).diagnostics
    assert "parsed with int() (line 3)" in found.message and "max_completion_tokens=32" in found.message, found.message
    assert "worst case" in found.message
