"""The cost audit's rows and totals, and the cells every format shows: what
`audit.build` fills and the renderers (`audit.py`, `audit_html.py`) read."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from claude_lint.checks.base import money
from claude_lint.estimate import CallCost
from claude_lint.facts import Loc


@dataclass
class Finding:
    code: str
    name: str
    message: str
    saving: Optional[float]  # USD over the report's number of calls


@dataclass
class Row:
    route: str
    path: str
    line: int
    provider: str
    api: str
    model: str
    limit: str
    system_tokens: int
    cached: str
    context: str
    cost: CallCost
    findings: List[Finding] = field(default_factory=list)
    fails: bool = False  # its model is retired (CL007 error) or the API refuses it (CL014): every request fails, nothing is billed
    failure: str = ""  # why: "retired" or "rejected"
    cell: Optional[int] = None  # notebook cell of the call
    via: Optional[Loc] = None  # a call of a project wrapper: the request inside it
    reached: int = 0  # a request inside a wrapper: the calls of the wrapper listed as routes of their own
    also: Tuple[Loc, ...] = ()  # a call of a wrapper: the other requests it may make
    billed: bool = True  # False: a local server (Ollama, LM Studio, localhost)
    per_token: bool = True  # False: billed by the audio it transcribes or makes, or per image or video (not priced)

    @property
    def total(self) -> float:
        return 0.0 if self.fails else self.cost.total or 0.0

    @property
    def priced(self) -> bool:
        return not self.fails and self.cost.total is not None

    @property
    def saving(self) -> float:
        return sum(f.saving or 0.0 for f in self.findings)


@dataclass
class Audit:
    rows: List[Row]
    calls: int
    fill: float
    files: int
    price_files: Tuple[str, ...] = ()  # the user's files that override catalogue prices

    @property
    def total(self) -> float:
        # A request inside a wrapper is paid through its calls, each a route: counted there.
        return sum(r.total for r in self.rows if not r.reached)

    @property
    def saving(self) -> float:
        return sum(min(r.saving, r.total) for r in self.rows if not r.reached)

    @property
    def known_total(self) -> Optional[float]:
        """The total over the routes with a known price; None when no route has one."""
        return self.total if any(r.priced for r in self.rows) else None

    def headline(self) -> Tuple[str, str, List[str]]:
        """(total, saving, notes) in words: "unknown" rather than $0 when no price is known."""
        known = self.known_total
        total = "unknown" if known is None else money(known)
        saving = "unknown" if known is None else money(self.saving)
        unpriced = sum(1 for r in self.rows if not r.fails and r.cost.total is None and r.per_token)
        notes = [f"{plural(unpriced, 'route')} with no known price (model or output limit unknown) not counted."] if unpriced else []
        media = sum(1 for r in self.rows if not r.per_token and r.billed)
        if media:  # (Whisper at $0.006 a minute: no token figure is its price)
            notes.append(f"{plural(media, 'route')} billed by the minute of audio, per image or per video, not per token (`modality`), not priced.")
        for refused, why, code in ((False, "on a retired model", "CL007"), (True, "the API refuses", "CL014")):
            failing = sum(1 for r in self.rows if r.fails and (r.failure == "rejected") == refused)
            if failing:
                notes.append(f"{plural(failing, 'route')} {why}: every request fails ({code}), so {'it is' if failing == 1 else 'they are'} not priced.")
        return total, saving, notes

    def assumptions(self) -> List[str]:
        return [
            f"{self.calls:,} calls per route (--calls-per-route)",
            f"output fills {self.fill:.0%} of the output limit (--output-fill); with no limit set, the model's maximum output",
            "list prices per million tokens from the model catalogue (claude_lint/models.toml), first-party API"
            + (f"; the prices in {' and '.join(self.price_files)} override them" if self.price_files else ""),
            "input counts only the prompt text readable statically (system, tools, literal messages), so it is a lower bound",
            "prompt text under 2 KB is priced at 4 bytes per token; longer text is counted with tiktoken (cl100k) times the model's tokenizer ratio",
            "a cached prefix is written once and read on every other call (all calls within the cache TTL), unless CL013 "
            "judges its breakpoint ineffective: below the model's minimum nothing is cached; after content each call passes in "
            "(or, CL006, a per-request value) every call writes it and none reads it (`unread`)",
            "requests of a Batch API job (context `batch`) at 50% of the list price",
            "a call of a project wrapper is a route of its own (`via` names the request it reaches); "
            "a request inside a wrapper whose calls are routes is not counted again in the total",
        ]


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


COLUMNS = ("Route", "Line", "Provider", "Model", "Output limit", "System tok", "Cached", "Context", "Input", "Cached input", "Output (worst)", "Total", "Findings")


def cells(row: Row) -> List[str]:
    c = row.cost
    fmt = lambda v: "-" if v is None else money(v)  # noqa: E731
    found = ", ".join(f.code for f in row.findings) or "-"
    total = f"fails ({row.failure or 'retired'})" if row.fails else fmt(c.total)
    return [row.route, str(row.line), row.provider, row.model, row.limit, f"{row.system_tokens:,}", row.cached, row.context,
            fmt(c.input_usd), fmt(c.cached_usd), fmt(c.output_usd), total, found]
