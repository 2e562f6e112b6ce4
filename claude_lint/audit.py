"""`claude-lint report`: where the money goes, call site by call site.

Built on the engine: every resolved call of `engine.lint` becomes a row with its route
(file and function), model, output limit, prompt tokens, caching and loop context, an
estimated cost for N calls from the catalogue's list prices, and the findings that
would cut it with the saving each brings.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional

from claude_lint.catalog import Catalog
from claude_lint.checks.base import money
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import BATCH_DISCOUNT, CallCost, estimate
from claude_lint.facts import Unknown
from claude_lint.link import Call

FORMATS = ("table", "markdown", "json", "html")
SUGGESTED_LIMIT = 1024  # CL001's default suggestion, used to price its saving


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
    billed: bool = True  # False: a local server (Ollama, LM Studio, localhost)

    @property
    def total(self) -> float:
        return self.cost.total or 0.0

    @property
    def saving(self) -> float:
        return sum(f.saving or 0.0 for f in self.findings)


@dataclass
class Audit:
    rows: List[Row]
    calls: int
    fill: float
    files: int

    @property
    def total(self) -> float:
        return sum(r.total for r in self.rows)

    @property
    def saving(self) -> float:
        return sum(min(r.saving, r.total) for r in self.rows)

    def assumptions(self) -> List[str]:
        return [
            f"{self.calls:,} calls per route (--calls-per-route)",
            f"output fills {self.fill:.0%} of the output limit (--output-fill); with no limit set, the model's maximum output",
            "list prices per million tokens from the model catalogue (claude_lint/models.toml), first-party API",
            "input counts only the prompt text readable statically (system, tools, literal messages), so it is a lower bound",
            "prompt text under 2 KB is priced at 4 bytes per token; longer text is counted with tiktoken (cl100k) times the model's tokenizer ratio",
            "a cached prefix is written once and read on every other call (all calls within the cache TTL)",
            "requests of a Batch API job (context `batch`) at 50% of the list price",
        ]


def build(calls: List[Call], diagnostics: List[Diagnostic], catalog: Catalog, files: int, per_route: int = 1000, fill: float = 1.0) -> Audit:
    rows = []
    for call in calls:
        site = call.site
        cost = estimate(call, catalog, per_route, fill)
        if site.local:
            cost = replace(cost, input_usd=None, cached_usd=None, output_usd=None)  # a local server bills nothing
        model = cost.model.id if cost.model is not None else (call.model_id() or "?")
        if cost.output_limit is None:
            limit = "?"
        elif cost.limit_source == "explicit":
            limit = f"{cost.output_limit:,}"
        else:
            limit = f"none ({cost.output_limit:,} max)"
        system = call.value("system")
        cached = "yes" if cost.cached_tokens else ("?" if isinstance(system, Unknown) else "no" if system is not None else "-")
        if site.api.endswith("batches.create"):
            context = "batch"
        elif site.loop is not None:
            context = f"loop L{site.loop.row}" + (" (independent)" if site.loop_independent else "")
        else:
            context = "-"
        row = Row(
            route=f"{site.path}:cell {site.loc.cell}" if site.loc.cell is not None else f"{site.path}:{site.function or '<module>'}",
            path=site.path,
            line=site.loc.row,
            provider=site.provider,
            api=site.api,
            model=model,
            limit=limit,
            system_tokens=cost.system_tokens,
            cached=cached,
            context=context,
            cost=cost,
            billed=not site.local,
        )
        at = {(a.at.path, a.at.row, a.at.col) for a in call.args.values()}
        for d in diagnostics:
            if (d.loc.path == site.path and site.loc.row <= d.loc.row <= site.loc.end_row) or (d.loc.path, d.loc.row, d.loc.col) in at:
                row.findings.append(Finding(d.code, d.name, d.message, _saving(d, row, per_route, fill)))
        model = cost.model
        if cost.cached_tokens and model is not None and any(f.code == "CL006" for f in row.findings):
            # A per-request value in the cached prefix: every call writes, none reads.
            write = model.cache_write if model.cache_write is not None else (model.input or 0.0)
            row.cost = replace(cost, cached_usd=cost.cached_tokens * write * per_route / 1e6)
        rows.append(row)
    rows.sort(key=lambda r: (-r.total, r.path, r.line))
    return Audit(rows, per_route, fill, files)


def _saving(d: Diagnostic, row: Row, calls: int, fill: float) -> Optional[float]:
    cost = row.cost
    if d.code in ("CL001", "CL010"):
        if cost.output_usd is None or cost.output_limit is None or cost.output_limit <= SUGGESTED_LIMIT:
            return None
        return cost.output_usd * (cost.output_limit - SUGGESTED_LIMIT) / cost.output_limit
    if d.code == "CL005":
        return row.total * BATCH_DISCOUNT if row.total else None
    if d.cost is None:
        return None
    scale = BATCH_DISCOUNT if row.context == "batch" else 1.0
    return d.cost * calls / 1000 * scale


# --- renderers ------------------------------------------------------------------------

COLUMNS = ("Route", "Line", "Provider", "Model", "Output limit", "System tok", "Cached", "Context", "Input", "Cached input", "Output (worst)", "Total", "Findings")


def cells(row: Row) -> List[str]:
    c = row.cost
    fmt = lambda v: "-" if v is None else money(v)  # noqa: E731
    found = ", ".join(f.code for f in row.findings) or "-"
    return [row.route, str(row.line), row.provider, row.model, row.limit, f"{row.system_tokens:,}", row.cached, row.context,
            fmt(c.input_usd), fmt(c.cached_usd), fmt(c.output_usd), fmt(c.total), found]


def savings_lines(audit: Audit, code: str = "") -> List[str]:
    """One line per finding; `code` wraps the location (e.g. "`" for Markdown)."""
    out = []
    for row in audit.rows:
        for f in row.findings:
            saving = f" (saves ~{money(f.saving)} per {audit.calls:,} calls)" if f.saving else ""
            out.append(f"{code}{row.route}:{row.line}{code} {f.code} {f.name}{saving}: {f.message}")
    return out


def render_table(audit: Audit) -> str:
    body = [cells(r) for r in audit.rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(COLUMNS)]
    line = lambda vals: "  ".join(v.ljust(w) if i < 8 or i == 12 else v.rjust(w) for i, (v, w) in enumerate(zip(vals, widths)))  # noqa: E731
    out = [f"Estimated cost per {audit.calls:,} calls of each route", "", line(list(COLUMNS)), line(["-" * w for w in widths])]
    out += [line(b) for b in body]
    out += ["", f"Total: {money(audit.total)} per {audit.calls:,} calls of every route (worst-case output); acting on the findings would cut ~{money(audit.saving)}.", ""]
    out += ["Findings that cut the cost:"] + [f"  {s}" for s in savings_lines(audit)] if audit.rows else ["No LLM call sites found."]
    out += ["", "Assumptions:"] + [f"  - {a}" for a in audit.assumptions()]
    return "\n".join(out) + "\n"


def render_markdown(audit: Audit) -> str:
    esc = lambda s: s.replace("|", "\\|")  # noqa: E731
    out = ["# LLM cost audit", "", f"{len(audit.rows)} call sites in {audit.files} files. Estimated cost per **{audit.calls:,} calls** of each route: "
           f"**{money(audit.total)}** in total (worst-case output); acting on the findings below would cut that by about **{money(audit.saving)}**.", ""]
    out += ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---:" if 8 <= i <= 11 else "---" for i in range(len(COLUMNS))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in cells(r)) + " |" for r in audit.rows]
    out += ["", "## Findings that cut the cost", ""]
    out += [f"- {esc(line)}" for line in savings_lines(audit, "`")] or ["None."]
    out += ["", "## Assumptions", ""] + [f"- {a}" for a in audit.assumptions()]
    return "\n".join(out) + "\n"


def as_dict(audit: Audit) -> Dict[str, object]:
    def usd(v):
        return None if v is None else round(v, 6)

    return {
        "assumptions": {"calls_per_route": audit.calls, "output_fill": audit.fill, "notes": audit.assumptions()},
        "total_usd": usd(audit.total),
        "saving_usd": usd(audit.saving),
        "routes": [
            {
                "route": r.route, "filename": r.path, "line": r.line, "provider": r.provider, "api": r.api, "billed": r.billed, "model": r.model,
                "output_limit": r.cost.output_limit, "output_limit_source": r.cost.limit_source, "system_tokens": r.system_tokens,
                "prompt_tokens": r.cost.prompt_tokens, "cached_tokens": r.cost.cached_tokens, "cached": r.cached, "context": r.context,
                "cost_usd": {"input": usd(r.cost.input_usd), "cached_input": usd(r.cost.cached_usd), "output": usd(r.cost.output_usd), "total": usd(r.cost.total)},
                "findings": [{"code": f.code, "name": f.name, "message": f.message, "saving_usd": usd(f.saving)} for f in r.findings],
            }
            for r in audit.rows
        ],
    }


def render_json(audit: Audit) -> str:
    return json.dumps(as_dict(audit), indent=2, ensure_ascii=False) + "\n"


def render(audit: Audit, fmt: str) -> str:
    if fmt == "html":
        from claude_lint.audit_html import render_html

        return render_html(audit)
    return {"table": render_table, "markdown": render_markdown, "json": render_json}[fmt](audit)
