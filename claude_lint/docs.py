"""Rule pages: `python -m claude_lint.docs` writes rules/<CODE>.md from the rule modules."""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

from claude_lint.checks import all_rules
from claude_lint.checks.base import Rule

PAGES = Path(__file__).resolve().parent.parent / "rules"


def page(rule: Rule) -> str:
    doc = inspect.cleandoc(type(rule).__doc__ or "")
    head = f"# {rule.code} {rule.name}\n\n{rule.summary[:1].upper()}{rule.summary[1:]}.\n\n"
    default = "error" if rule.severity == "error" else "warning"
    tail = f"\n\nSeverity: {default}. Suppress with `# noqa: {rule.code}` on any line of the flagged statement.\n"
    if rule.preview:
        tail += f"\nPreview: off by default; `--select ALL` or `--select {rule.code}` turns it on. {rule.preview_reason}\n"
    return head + doc + tail


def index() -> str:
    rows = ["# Rules\n", "| Code | Name | What it flags |", "| --- | --- | --- |"]
    rows += [f"| [{r.code}]({r.code}.md) | {r.name} | {r.summary}{' (preview)' if r.preview else ''} |" for r in all_rules()]
    return "\n".join(rows) + "\n"


def expected() -> dict:
    pages = {f"{r.code}.md": page(r) for r in all_rules()}
    pages["README.md"] = index()
    return pages


def main() -> int:
    PAGES.mkdir(exist_ok=True)
    for name, text in expected().items():
        (PAGES / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(expected())} pages to {PAGES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
