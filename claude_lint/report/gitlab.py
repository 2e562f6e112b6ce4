"""GitLab Code Quality report (the CodeClimate subset GitLab reads), with a stable
fingerprint per finding so merge requests show new and fixed issues.

https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
"""
from __future__ import annotations

from claude_lint.ipynb import shown
from claude_lint.report import dumps, in_cell
from claude_lint.report.sarif import fingerprints, relative, repo_root


def render(result, options) -> str:
    root = repo_root()
    issues = []
    for d, fp in zip(result.diagnostics, fingerprints(result.diagnostics, root, result.sources)):
        row, _, end_row, _ = shown(d.loc, result.sources)
        issues.append(
            {
                "type": "issue",
                "check_name": d.code,
                "description": f"{d.code} {in_cell(d.loc)}{d.message}",
                "categories": ["Performance"],
                "severity": "major" if d.severity == "error" else "minor",
                "fingerprint": fp[:32],
                "location": {
                    "path": relative(d.loc.path, root),
                    "lines": {"begin": row, "end": end_row},
                },
            }
        )
    return dumps(issues, indent=2) + "\n"
