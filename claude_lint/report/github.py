"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

https://docs.github.com/actions/reference/workflow-commands-for-github-actions
"""
from __future__ import annotations

from claude_lint.ipynb import shown
from claude_lint.report import in_cell, printable
from claude_lint.report.sarif import relative, repo_root


def _data(text: str) -> str:
    # %, CR and LF as the runner decodes them; any other unsafe character as a visible escape.
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def line(d, root: str, sources=None) -> str:
    level = "error" if d.severity == "error" else "warning"
    row, col, end_row, end_col = shown(d.loc, sources)  # a notebook's: in the raw JSON, where the annotation lands
    props = [
        f"file={_property(relative(d.loc.path, root))}",
        f"line={row}",
        f"col={col}",
        f"endLine={end_row}",
        f"endColumn={end_col}",
        f"title={_property(d.code)}",
    ]
    return f"::{level} {','.join(props)}::{_data(f'{d.code} {in_cell(d.loc)}{d.message}')}"


def render(result, options) -> str:
    root = repo_root()
    return "".join(line(d, root, result.sources) + "\n" for d in result.diagnostics)
