"""ruff-style text: `path:row:col: CODE message`, then a count."""
from __future__ import annotations

from collections import Counter


def line(d) -> str:
    cell = f"cell {d.loc.cell}:" if d.loc.cell is not None else ""
    return f"{d.loc.path}:{cell}{d.loc.row}:{d.loc.col}: {d.code} {d.message}"


def render(result, options) -> str:
    out = [line(d) for d in result.diagnostics]
    if options.get("statistics"):
        return statistics(result)
    n = len(result.diagnostics)
    if n:
        out.append(f"Found {n} error{'s' if n != 1 else ''}.")
    elif not options.get("quiet"):
        out.append("All checks passed!")
    return "\n".join(out) + "\n"


def statistics(result) -> str:
    counts = Counter((d.code, d.name) for d in result.diagnostics)
    rows = [f"{n:>5}\t{code}\t{name}" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(rows) + ("\n" if rows else "")
