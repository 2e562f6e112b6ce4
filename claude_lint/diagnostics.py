"""What a rule reports."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Tuple

from claude_lint.facts import Loc

DOCS_URL = "https://github.com/claude-lint/claude-lint/blob/main/rules/{code}.md"


@dataclass(frozen=True)
class Edit:
    """Replace the text between two positions (1-based rows and columns) with `content`."""

    content: str
    row: int
    col: int
    end_row: int
    end_col: int


@dataclass(frozen=True)
class Fix:
    message: str
    applicability: str  # "safe" | "unsafe" | "display-only"
    edits: Tuple[Edit, ...] = ()


def applicable(fix: Optional[Fix], unsafe: bool) -> bool:
    """Whether `--fix` applies this fix (with `--unsafe-fixes` when `unsafe`)."""
    if fix is None or not fix.edits:
        return False
    return fix.applicability == "safe" or (unsafe and fix.applicability == "unsafe")


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    message: str
    loc: Loc
    severity: str = "warning"  # "error" | "warning"
    fix: Optional[Fix] = None
    cost: Optional[float] = None  # estimated USD at stake per 1,000 calls, when known
    related: Tuple[Loc, ...] = field(default=())

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    def sort_key(self):
        return (self.loc.path, self.loc.cell or 0, self.loc.row, self.loc.col, self.code)
