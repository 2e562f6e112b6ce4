"""What a rule reports."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

from dataclasses import replace

from claude_lint.facts import Loc
from claude_lint.records import frozen

# The rule pages have no public web address yet, and a link to a page that does not exist is
# worse than none: outputs that can carry text (SARIF `help`) carry the page itself, and
# `claude-lint rule CODE` prints it. Set this when the pages are published.
DOCS_URL: Optional[str] = None


@frozen
class Edit:
    """Replace the text between two positions (1-based rows and columns) with `content`."""

    content: str
    row: int
    col: int
    end_row: int
    end_col: int


@frozen
class Fix:
    """The edits that fix a finding, and how safe they are to apply."""
    message: str
    applicability: str  # "safe" | "unsafe" | "display-only"
    edits: Tuple[Edit, ...] = ()


def applicable(fix: Optional[Fix], unsafe: bool) -> bool:
    """Whether `--fix` applies this fix (with `--unsafe-fixes` when `unsafe`)."""
    if fix is None or not fix.edits:
        return False
    return fix.applicability == "safe" or (unsafe and fix.applicability == "unsafe")


@frozen
class Diagnostic:
    """One finding: the rule, its message, where, and its fix and cost when it has them."""
    code: str
    name: str
    message: str
    loc: Loc
    severity: str = "warning"  # "error" | "warning"
    fix: Optional[Fix] = None
    cost: Optional[float] = None  # estimated USD at stake per 1,000 calls, when known
    related: Tuple[Loc, ...] = ()

    @property
    def url(self) -> Optional[str]:
        return DOCS_URL.format(code=self.code) if DOCS_URL else None

    def naming(self, places) -> "Diagnostic":
        """The finding with the places it stands for among its related locations (a request
        reached through a wrapper names its caller too), each once and none its own."""
        others = tuple(p for p in places if p != self.loc and p not in self.related)
        return replace(self, related=self.related + others) if others else self

    def sort_key(self):
        return (self.loc.path, self.loc.cell or 0, self.loc.row, self.loc.col, self.code)
