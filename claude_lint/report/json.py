"""ruff-compatible JSON: tools that read `ruff check --output-format json` read this."""
from __future__ import annotations

import os

from claude_lint.report import dumps


def fix_json(fix):
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [
            {"content": e.content, "location": {"row": e.row, "column": e.col}, "end_location": {"row": e.end_row, "column": e.end_col}}
            for e in fix.edits
        ],
    }


def as_dict(d) -> dict:
    return {
        "cell": d.loc.cell,
        "code": d.code,
        "end_location": {"column": d.loc.end_col, "row": d.loc.end_row},
        "filename": os.path.abspath(d.loc.path),
        "fix": fix_json(d.fix),
        "location": {"column": d.loc.col, "row": d.loc.row},
        "message": d.message,
        "name": d.name,
        "noqa_row": d.loc.row,
        "url": d.url,
        "severity": d.severity,
        "cost_per_1000_calls": None if d.cost is None else round(d.cost, 4),
        # The other places a finding names: the call of a wrapper, the request inside it,
        # the call whose value is defined elsewhere.
        "related": [
            {
                "filename": os.path.abspath(r.path),
                "location": {"column": r.col, "row": r.row},
                "end_location": {"column": r.end_col, "row": r.end_row},
                "cell": r.cell,
            }
            for r in d.related
        ],
    }


def render(result, options) -> str:
    return dumps([as_dict(d) for d in result.diagnostics], indent=2) + "\n"
