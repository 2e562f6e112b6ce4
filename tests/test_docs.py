"""rules/*.md are generated from the rule modules and must not be stale."""
from __future__ import annotations

from claude_lint.docs import PAGES, README, expected, readme


def test_rule_pages_are_current():
    for name, text in expected().items():
        page = PAGES / name
        assert page.exists(), f"rules/{name} is missing: run `python -m claude_lint.docs`"
        assert page.read_text(encoding="utf-8") == text, f"rules/{name} is stale: run `python -m claude_lint.docs`"


def test_readme_rule_table_is_current():
    text = README.read_text(encoding="utf-8")
    assert readme(text) == text, "README.md's rule table is stale: run `python -m claude_lint.docs`"


def test_every_rule_doc_follows_the_ruff_order():
    from claude_lint.checks import all_rules

    for rule in all_rules():
        doc = type(rule).__doc__ or ""
        heads = [h for h in ("## What it does", "## Why is this bad?") if h in doc]
        assert heads == ["## What it does", "## Why is this bad?"], rule.code
        if rule.code < "CL900":
            assert doc.index("## Example") < doc.index("## Use instead"), rule.code


def test_no_document_keeps_merge_conflict_markers():
    # a conflicted merge of the module map once committed its markers; nothing else reads the prose
    root = README.parent
    marked = [
        f"{path.relative_to(root)}:{row}"
        for path in [README, *sorted((root / "docs").rglob("*.md")), *sorted(PAGES.glob("*.md"))]
        for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "======="
    ]
    assert not marked, marked
