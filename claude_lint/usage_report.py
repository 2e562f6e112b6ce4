"""The measured part of `claude-lint report --usage`: per call site, what the usage
files say it did and cost; the findings ranked by measured saving, with the measured
output lengths as CL001's evidence; routes that always use one model; the measured
cost of CL005's batch candidates; and every record that matched no call site.

It is appended to the estimated audit in every format (a section of the table,
Markdown and HTML reports; a `measured` object per route and a `usage` object in JSON),
so the estimate and the measurement can be read side by side.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from typing import Dict, List, Optional, Tuple

from claude_lint.audit import SUGGESTED_LIMIT, WIDTH, Audit, Row, _fit, _wrap, as_dict
from claude_lint.catalog import Catalog
from claude_lint.checks.base import money
from claude_lint.usage import BATCH, Measured, Usage

COLUMNS = ("Route", "Line", "Model", "Calls", "Input tok", "Cache hit", "Output tok", "Output p50/p95/max", "Limit", "Measured cost", "Joined by")
FORMAT_NAMES = {"otel": "OpenTelemetry spans", "record": "usage records", "litellm": "LiteLLM spend logs", "anthropic-usage-report": "Anthropic usage report rows"}


@dataclass
class MeasuredFinding:
    row: Row
    code: str
    name: str
    saving: Optional[float]
    evidence: str


@dataclass
class View:
    usage: Usage
    rows: List[Tuple[Row, Measured]]
    findings: List[MeasuredFinding] = field(default_factory=list)
    evidence: Dict[Tuple[int, str], MeasuredFinding] = field(default_factory=dict)  # (row id, code) -> finding
    single_model: List[Tuple[str, str, str, float, float]] = field(default_factory=list)  # route, model, tier, calls, cost
    batch: List[Tuple[Row, float]] = field(default_factory=list)
    unmeasured: int = 0


def plural(n: float, word: str) -> str:
    return f"{_num(n)} {word}" + ("" if n == 1 else "s")


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 0.05 or v >= 100 else f"{v:,.1f}"


def _dist(m: Measured, pool: Optional[Measured]) -> Tuple[Optional[Tuple[int, int, int, int]], str]:
    q = m.quantiles()
    if q is not None:
        return q, "site"
    if pool is not None and pool.quantiles() is not None:
        return pool.quantiles(), "model"
    return None, ""


def build(audit: Audit, usage: Usage, catalog: Catalog) -> View:
    rows = [(r, usage.sites[i]) for i, r in enumerate(audit.rows) if i in usage.sites]
    rows.sort(key=lambda rm: (-rm[1].cost, rm[0].path, rm[0].line))
    view = View(usage, rows, unmeasured=len(audit.rows) - len(rows))
    index = {id(r): i for i, r in enumerate(audit.rows)}
    for row, m in rows:
        model = catalog.lookup(row.model) if row.model != "?" else None
        pool = usage.pools.get(usage.site_models.get(index[id(row)]) or "", (None, 0))[0]
        q, of = _dist(m, pool)
        for f in row.findings:
            saving: Optional[float] = None
            evidence = ""
            if f.code in ("CL001", "CL010"):
                if q is not None:
                    source = m if m.quantiles() is not None else pool
                    limit = row.cost.output_limit
                    evidence = f"p95 output {q[1]:,} tokens, limit {limit:,}" if limit else f"p95 output {q[1]:,} tokens"
                    evidence += f" (median {q[0]:,}, max {q[2]:,}; {plural(q[3], 'call')} " + ("of this site" if of == "site" else "of its model that named no call site")
                    if source.finish_known:
                        evidence += f"; {source.truncated:,} hit the limit" if source.truncated else "; none hit the limit"
                    evidence += ")"
                    if model is not None and model.output is not None and source is m:
                        saving = m.above(SUGGESTED_LIMIT) * model.output / 1e6 * (BATCH if row.context == "batch" else 1.0)
            elif f.code == "CL005":
                saving = m.cost * BATCH if m.cost else None
                evidence = f"50% of {money(m.cost)} measured" if m.cost else ""
            elif f.saving and row.total:
                # The estimate's share of the cost this finding would cut, applied to the measured cost.
                saving = m.cost * min(f.saving / row.total, 1.0)
            mf = MeasuredFinding(row, f.code, f.name, saving, evidence)
            view.findings.append(mf)
            view.evidence[(id(row), f.code)] = mf
    view.findings.sort(key=lambda f: (f.saving is None, -(f.saving or 0.0), f.row.path, f.row.line))
    by_route: Dict[str, Measured] = {}
    for row, m in rows:
        agg = by_route.setdefault(row.route, Measured())
        agg.models.update({k: v for k, v in m.models.items()})
        agg.calls += m.calls
        agg.cost += m.cost
    for route, agg in sorted(by_route.items(), key=lambda kv: -kv[1].cost):
        if len(agg.models) == 1:
            (name, _), = agg.models.items()
            found = catalog.lookup(name)
            view.single_model.append((route, name, found.tier if found else "?", agg.calls, agg.cost))
    view.batch = [(row, m.cost) for row, m in rows if any(f.code == "CL005" for f in row.findings)]
    return view


def _row_cells(row: Row, m: Measured, view: View, index: Dict[int, int]) -> List[str]:
    pool = view.usage.pools.get(view.usage.site_models.get(index[id(row)]) or "", (None, 0))[0]
    q, of = _dist(m, pool)
    models = ", ".join(sorted(m.models)) or row.model
    dist = f"{q[0]:,}/{q[1]:,}/{q[2]:,}" + ("*" if of == "model" else "") if q else "-"
    calls = _num(m.calls) + ("+" if m.uncounted else "") if m.calls else ("?" if m.uncounted else "0")
    hit = f"{m.cache_hit:.0%}" if m.cache_hit is not None else "-"
    basis = ", ".join(sorted(m.basis))
    cost = money(m.cost) + ("+?" if m.unpriced else "")
    return [row.route, str(row.line), models, calls, _num(m.input), hit, _num(m.output), dist, row.limit, cost, basis]


def _summary(view: View) -> List[str]:
    u = view.usage
    kinds = ", ".join(f"{FORMAT_NAMES.get(k, k)} {n:,}" for k, n in u.formats.most_common())
    period = f" from {u.first[:10]} to {u.last[:10]}" if u.first and u.last else ""
    out = [f"{plural(len(u.files), 'usage file')}, {plural(u.records, 'record')}{period}" + (f" ({kinds})" if kinds else "") + "."]
    out.append(f"{plural(u.matched, 'record')} joined to {plural(len(view.rows), 'call site')}; {u.unmatched_records:,} matched no call site"
               + (" (listed below)" if u.unmatched_records else "") + f"; {u.skipped_count:,} could not be read.")
    unmatched_cost = sum(m.cost for m in u.unmatched.values())
    out.append(f"Measured cost: {money(u.total)} ({money(u.total - unmatched_cost)} at call sites, {money(unmatched_cost)} unmatched).")
    if view.unmeasured:
        out.append(f"{plural(view.unmeasured, 'call site')} had no measured usage.")
    return out


def notes(view: View) -> List[str]:
    u = view.usage
    out = [
        "measured cost = measured tokens x the catalogue's list prices (cache reads and writes at their prices, 1-hour writes at 2x input, Batch API at 50%); LiteLLM rows and records with `cost_usd` use the cost they recorded",
        "records are joined by code location (file and line, else function), else by route, else by model; `Joined by` says how",
        "p50/p95/max: nearest-rank percentiles of the output tokens of each call; `*` marks a site whose figures come from the calls of its model that named no location",
        "saving of CL001/CL010: output tokens measured above 1,024 (the suggested limit) at the output price; CL005: 50% of the measured cost; other findings: the estimate's share of the row's cost, applied to the measured cost",
    ]
    if u.pools:
        for key, (pool, n) in sorted(u.pools.items()):
            out.append(f"{plural(pool.records, 'record')} of {key} named no location or route: split evenly across its {plural(n, 'call site')}")
    if u.formats.get("anthropic-usage-report"):
        out.append("Anthropic usage report rows carry no call counts (`+` or `?` in Calls); long-context pricing (over 200K input tokens) is not applied")
    if u.other_spans:
        out.append(f"{plural(u.other_spans, 'span')} of other operations (no gen_ai usage attributes) read and left aside")
    for path in u.empty:
        out.append(f"{path}: no usage record found")
    return out


def _unmatched_lines(u: Usage) -> List[str]:
    out = []
    for (reason, source, route, model), m in sorted(u.unmatched.items(), key=lambda kv: (-kv[1].cost, -kv[1].records)):
        what = " ".join(x for x in (source, f"route {route!r}" if route else "", model) if x)
        out.append(f"{what}: {plural(m.records, 'record')}, {money(m.cost)}{'+?' if m.unpriced else ''} - {reason}")
    return out


def _finding_lines(view: View, code: str = "") -> List[str]:
    out = []
    for f in view.findings:
        if f.saving is None:
            saving = "saving not measurable"
        else:
            saving = f"saves ~{money(f.saving)} measured" if f.saving >= 0.00005 else "no measured saving"
        evidence = f"; {f.evidence}" if f.evidence else ""
        out.append(f"{code}{f.row.route}:{f.row.line}{code} {f.code} {f.name}: {saving}{evidence}")
    return out


def _sections(view: View, code: str = "") -> List[Tuple[str, List[str]]]:
    return [
        ("Findings by measured saving", _finding_lines(view, code)),
        ("Routes that always use one model (measured)",
         [f"{code}{r}{code}: {m} ({t} tier), {plural(c, 'call')}, {money(cost)}" for r, m, t, c, cost in view.single_model]),
        ("Batch candidates (CL005), measured",
         [f"{code}{row.route}:{row.line}{code} {money(cost)} measured; ~{money(cost * BATCH)} with the Batch API" for row, cost in view.batch]),
        ("Usage that matched no call site", _unmatched_lines(view.usage)),
        ("Records that could not be read", [f"{code}{w}{code} {msg}" for w, msg in view.usage.skipped]
         + ([f"... and {view.usage.skipped_count - len(view.usage.skipped):,} more"] if view.usage.skipped_count > len(view.usage.skipped) else [])),
    ]


def render_table(audit: Audit, view: View) -> str:
    """One line per call site (where, model, calls, cost, how joined) and an indented line of
    its token figures, every line within audit.WIDTH columns (as the estimate's table)."""
    index = {id(r): i for i, r in enumerate(audit.rows)}
    heads = ("Route", "Model", "Calls", "Measured cost", "Joined by")
    cells = [_row_cells(r, m, view, index) for r, m in view.rows]
    body = [[f"{c[0]}:{c[1]}", _fit(c[2], 30), c[3], c[9], _fit(c[10], 16)] for c in cells]
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(heads)]
    widths[0] = max(12, min(widths[0], WIDTH - sum(widths[1:]) - 2 * (len(heads) - 1)))
    line = lambda vals: "  ".join(  # noqa: E731
        (_fit(v, w, left=True) if i == 0 else v).rjust(w) if i in (2, 3) else (_fit(v, w, left=True) if i == 0 else v).ljust(w)
        for i, (v, w) in enumerate(zip(vals, widths))
    ).rstrip()
    out = ["Measured usage", ""]
    for s in _summary(view):
        out += _wrap(s, "", "")
    out.append("")
    if body:
        out += [line(list(heads)), line(["-" * w for w in widths])]
        for c, b in zip(cells, body):
            out.append(line(b))
            out += _wrap(f"input {c[4]} tok, cache hit {c[5]}; output {c[6]} tok, p50/p95/max {c[7]}; limit {c[8]}", "    ", "      ")
    for title, lines in _sections(view):
        if lines:
            out += ["", f"{title}:"]
            for x in lines:
                out += _wrap(x, "  ", "      ")
    out += ["", "Measurement notes:"]
    for n in notes(view):
        out += _wrap(n, "  - ", "    ")
    return "\n".join(out) + "\n"


def render_markdown(audit: Audit, view: View) -> str:
    esc = lambda s: s.replace("|", "\\|")  # noqa: E731
    index = {id(r): i for i, r in enumerate(audit.rows)}
    out = ["## Measured usage", ""] + [" ".join(_summary(view)), ""]
    if view.rows:
        out += ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---:" if 3 <= i <= 9 and i != 8 else "---" for i in range(len(COLUMNS))) + "|"]
        out += ["| " + " | ".join(esc(c) for c in _row_cells(r, m, view, index)) + " |" for r, m in view.rows]
    for title, lines in _sections(view, "`"):
        if lines:
            out += ["", f"### {title}", ""] + [f"- {esc(x)}" for x in lines]
    out += ["", "### Measurement notes", ""] + [f"- {n}" for n in notes(view)]
    return "\n".join(out) + "\n"


def _measured_dict(m: Measured, view: View, index: int) -> Dict[str, object]:
    pool = view.usage.pools.get(view.usage.site_models.get(index) or "", (None, 0))[0]
    q, of = _dist(m, pool)
    r6 = lambda v: round(v, 6)  # noqa: E731
    return {
        "records": m.records, "calls": r6(m.calls), "records_without_call_count": m.uncounted,
        "input_tokens": r6(m.input), "uncached_input_tokens": r6(m.uncached), "cache_read_input_tokens": r6(m.cache_read),
        "cache_creation_input_tokens": r6(m.cache_write), "output_tokens": r6(m.output),
        "cache_hit_ratio": None if m.cache_hit is None else round(m.cache_hit, 4),
        "cost_usd": r6(m.cost), "unpriced_records": m.unpriced, "models": dict(m.models),
        "output": None if q is None else {"median": q[0], "p95": q[1], "max": q[2], "calls": q[3], "of": "this site" if of == "site" else "unlocated calls of its model"},
        "hit_limit": m.truncated if m.finish_known else None, "recorded_limits": {str(k): v for k, v in m.limits.items()},
        "joined_by": dict(m.basis),
    }


def as_json(audit: Audit, view: View) -> str:
    data = as_dict(audit)
    u = view.usage
    for i, (row, route) in enumerate(zip(audit.rows, data["routes"])):  # type: ignore[arg-type]
        m = u.sites.get(i)
        route["measured"] = None if m is None else _measured_dict(m, view, i)
        for f in route["findings"]:
            mf = view.evidence.get((id(row), f["code"]))
            if mf is not None:
                f["measured_saving_usd"] = None if mf.saving is None else round(mf.saving, 6)
                f["evidence"] = mf.evidence or None
    data["usage"] = {
        "files": u.files, "records": u.records, "matched_records": u.matched, "unmatched_records": u.unmatched_records,
        "skipped_records": u.skipped_count, "other_spans": u.other_spans, "formats": dict(u.formats),
        "period": {"first": u.first, "last": u.last}, "measured_total_usd": round(u.total, 6),
        "findings_by_measured_saving": [
            {"route": f.row.route, "filename": f.row.path, "line": f.row.line, "code": f.code, "name": f.name,
             "measured_saving_usd": None if f.saving is None else round(f.saving, 6), "evidence": f.evidence or None} for f in view.findings],
        "single_model_routes": [{"route": r, "model": m, "tier": t, "calls": round(c, 6), "cost_usd": round(cost, 6)} for r, m, t, c, cost in view.single_model],
        "batch_candidates": [{"route": row.route, "filename": row.path, "line": row.line, "measured_cost_usd": round(cost, 6),
                              "batch_cost_usd": round(cost * BATCH, 6)} for row, cost in view.batch],
        "unmatched": [{"reason": reason, "source": source, "route": route or None, "model": model or None, "records": m.records,
                       "calls": round(m.calls, 6), "input_tokens": round(m.input, 6), "output_tokens": round(m.output, 6),
                       "cost_usd": round(m.cost, 6), "unpriced_records": m.unpriced}
                      for (reason, source, route, model), m in sorted(u.unmatched.items(), key=lambda kv: -kv[1].cost)],
        "skipped": [{"where": w, "message": msg} for w, msg in u.skipped],
        "notes": notes(view),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_html(audit: Audit, view: View) -> str:
    from claude_lint.audit_html import render_html as page

    index = {id(r): i for i, r in enumerate(audit.rows)}
    head = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
    body = "".join("<tr>" + "".join(f'<td{" class=num" if 3 <= i <= 9 and i != 8 else ""}>{escape(v)}</td>' for i, v in enumerate(_row_cells(r, m, view, index))) + "</tr>"
                   for r, m in view.rows)
    parts = ["<h2>Measured usage</h2>", f'<div class="summary">{escape(" ".join(_summary(view)))}</div>']
    if body:
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    for title, lines in _sections(view):
        if lines:
            parts.append(f"<h2>{escape(title)}</h2><ul>" + "".join(f"<li>{escape(x)}</li>" for x in lines) + "</ul>")
    parts.append("<h2>Measurement notes</h2><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes(view)) + "</ul>")
    html = page(audit)
    cut = html.rfind("<h2>Assumptions</h2>")
    return html[:cut] + "\n".join(parts) + "\n" + html[cut:] if cut != -1 else html


def render(audit: Audit, usage: Usage, catalog: Catalog, fmt: str) -> str:
    from claude_lint.audit import render as render_audit

    view = build(audit, usage, catalog)
    if fmt == "json":
        return as_json(audit, view)
    if fmt == "html":
        return render_html(audit, view)
    if fmt == "markdown":
        return render_audit(audit, fmt) + "\n" + render_markdown(audit, view)
    return render_audit(audit, fmt) + "\n" + render_table(audit, view)


def command(args, settings, catalog, found, calls):
    """`report --usage`: (the report, exit code), or (None, 2) when a usage file cannot be read."""
    import sys

    from claude_lint import usage

    files = [f for group in args.usage for f in group]
    try:
        measured = usage.read(files, found, calls, settings.root, catalog, settings.usage_routes, progress=sys.stderr)
    except usage.UsageError as exc:
        sys.stderr.write(f"claude-lint: error: {exc}\n")
        return None, 2
    if measured.skipped_count:
        sys.stderr.write(f"claude-lint: warning: {measured.skipped_count:,} usage record(s) could not be read; the report lists them\n")
    return render(found, measured, catalog, args.format), 0
