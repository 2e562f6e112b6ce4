"""ruff's `grouped` text: findings under a heading per file, rows and columns aligned."""
from __future__ import annotations

from collections import OrderedDict

from claude_lint.report import printable, shown_path
from claude_lint.report.text import statistics, summary


def render(result, options) -> str:
    if options.get("statistics"):
        return statistics(result)
    by_file = OrderedDict()
    for d in result.diagnostics:
        by_file.setdefault(d.loc.path, []).append(d)
    out = []
    for path, found in by_file.items():
        out.append(f"{shown_path(path)}:")
        rows = max(len(str(d.loc.row)) for d in found)
        cols = max(len(str(d.loc.col)) for d in found)
        for d in found:
            cell = f"cell {d.loc.cell}:" if d.loc.cell is not None else ""
            out.append(f"  {cell}{str(d.loc.row).rjust(rows)}:{str(d.loc.col).ljust(cols)} {d.code} {printable(d.message)}")
        out.append("")
    return "\n".join(out + summary(result, options)) + "\n"
