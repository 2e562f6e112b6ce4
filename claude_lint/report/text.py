"""ruff-style text: `path:row:col: CODE message`, then a count."""
from __future__ import annotations

from collections import Counter

from claude_lint.report import printable, shown_path


def line(d) -> str:
    cell = f"cell {d.loc.cell}:" if d.loc.cell is not None else ""
    return f"{shown_path(d.loc.path)}:{cell}{d.loc.row}:{d.loc.col}: {d.code} {printable(d.message)}"


def render(result, options) -> str:
    if options.get("statistics"):
        return statistics(result)
    lines = [line(d) for d in result.diagnostics] + summary(result, options)
    return "\n".join(lines) + "\n" if lines else ""


def summary(result, options) -> list:
    """The closing line of a run, as ruff prints it."""
    n = len(result.diagnostics)
    if n:
        return [f"Found {n} error{'s' if n != 1 else ''}."]
    if getattr(result, "missing", None) or getattr(result, "internal_errors", None):
        return []  # a path was not there, or a file was not judged: not "all passed" (the error is on stderr)
    return [] if options.get("quiet") else ["All checks passed!"]


def statistics(result) -> str:
    counts = Counter((d.code, d.name) for d in result.diagnostics)
    rows = [f"{n:>5}\t{code}\t{name}" for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(rows) + ("\n" if rows else "")
