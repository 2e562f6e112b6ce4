"""GitLab Code Quality report (the CodeClimate subset GitLab reads), with a stable
fingerprint per finding so merge requests show new and fixed issues.

https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
"""
from __future__ import annotations

from claude_lint.report import dumps
from claude_lint.report.sarif import fingerprints, relative, repo_root


def render(result, options) -> str:
    root = repo_root()
    issues = []
    for d, fp in zip(result.diagnostics, fingerprints(result.diagnostics, root)):
        issues.append(
            {
                "type": "issue",
                "check_name": d.code,
                "description": f"{d.code} {d.message}",
                "categories": ["Performance"],
                "severity": "major" if d.severity == "error" else "minor",
                "fingerprint": fp[:32],
                "location": {
                    "path": relative(d.loc.path, root),
                    "lines": {"begin": d.loc.row, "end": max(d.loc.end_row, d.loc.row)},
                },
            }
        )
    return dumps(issues, indent=2) + "\n"
