"""The cost audit as one self-contained HTML page: inline CSS and an inline SVG bar
chart of cost by route. No scripts, no fonts, no network."""
from __future__ import annotations

import os
from html import escape
from typing import List

from claude_lint import __version__
from claude_lint.audit_rows import COLUMNS, Audit, cells, plural
from claude_lint.checks.base import money

COLOURS = (("input", "#4e79a7", "Input"), ("cached", "#59a14f", "Cached input"), ("output", "#e15759", "Output (worst case)"))
CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.summary{color:#444;margin-bottom:16px}.big{font-weight:600;color:#000}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid #e3e3e3;padding:5px 7px;text-align:left;vertical-align:top}
td.route{overflow-wrap:anywhere;min-width:14em}td.num{white-space:nowrap}
th{background:#f6f6f6;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums}
code{background:#f3f3f3;padding:1px 4px;border-radius:3px;overflow-wrap:anywhere}
svg{max-width:100%;height:auto}li{overflow-wrap:anywhere}
.legend span{display:inline-block;margin-right:14px}.sw{display:inline-block;width:11px;height:11px;margin-right:5px;vertical-align:-1px}
ul.findings li{margin-bottom:6px}.saving{color:#1a7f37;font-weight:600}
svg text{font:12px system-ui,sans-serif;fill:#222}
"""


def _chart(audit: Audit) -> str:
    rows = [r for r in audit.rows if r.total > 0][:25]
    if not rows:
        return "<p>No call site has a known price.</p>"
    label_w, bar_w, h, gap = 370, 520, 20, 6
    peak = max(r.total for r in rows)
    base = _common_dir([r.path for r in rows])
    height = len(rows) * (h + gap) + 10
    parts: List[str] = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" height="{height}" role="img" aria-label="Cost by route">']
    for i, r in enumerate(rows):
        y = i * (h + gap) + 4
        label = f"{r.route[len(base):]}:{r.line}"
        if len(label) > 50:
            label = "…" + label[-49:]
        parts.append(f'<text x="{label_w - 8}" y="{y + h * 0.72:.1f}" text-anchor="end">{escape(label)}</text>')
        x = float(label_w)
        for key, colour, name in COLOURS:
            value = {"input": r.cost.input_usd, "cached": r.cost.cached_usd, "output": r.cost.output_usd}[key] or 0.0
            w = bar_w * value / peak
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 0.8):.1f}" height="{h}" fill="{colour}"><title>{escape(name)}: {money(value)}</title></rect>')
                x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + h * 0.72:.1f}">{money(r.total)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _base_note(audit: Audit) -> str:
    base = _common_dir([r.path for r in audit.rows if r.total > 0][:25])
    return f'<span style="color:#666">routes under <code>{escape(base)}</code></span>' if base else ""


def _common_dir(paths: List[str]) -> str:
    """The folder every route shares, dropped from chart labels ("tests/fixtures/sdks/")."""
    if not paths:
        return ""
    try:
        common = os.path.commonpath([os.path.dirname(p) or "." for p in paths])
    except ValueError:
        return ""
    return "" if common in ("", ".") else common.rstrip("/") + "/"


def render_html(audit: Audit) -> str:
    legend = "".join(f'<span><i class="sw" style="background:{c}"></i>{escape(n)}</span>' for _, c, n in COLOURS)
    head = "".join(f"<th>{escape(c)}</th>" for c in COLUMNS)
    body = []
    for r in audit.rows:
        tds = []
        for i, value in enumerate(cells(r)):
            # A route is a path that may be long and unbroken: it wraps anywhere so the table fits the page.
            cls = ' class="num"' if 8 <= i <= 11 or i in (1, 5) else ' class="route"' if i == 0 else ""
            tds.append(f"<td{cls}>{escape(value)}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    findings = []
    for r in audit.rows:
        for f in r.findings:
            saving = f' <span class="saving">saves ~{money(f.saving)} per {audit.calls:,} calls</span>' if f.saving else ""
            findings.append(f"<li><code>{escape(r.route)}:{r.line}</code> <b>{escape(f.code)}</b> {escape(f.name)}{saving}<br>{escape(f.message)}</li>")
    assumptions = "".join(f"<li>{escape(a)}</li>" for a in audit.assumptions())
    total, saving, notes = audit.headline()
    notes = "".join(f" {escape(n)}" for n in notes)
    cut = f'acting on the findings would cut that by about <span class="big">{saving}</span>' if audit.known_total is not None else "the saving is unknown too"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>LLM cost audit</title><style>{CSS}</style></head>
<body>
<h1>LLM cost audit</h1>
<div class="summary">{plural(len(audit.rows), "call site")} in {plural(audit.files, "file")}. Estimated cost per <span class="big">{audit.calls:,} calls</span> of each route:
<span class="big">{total}</span> in total (worst-case output); {cut}.{notes}</div>
<h2>Cost by route</h2>
<div class="legend">{legend}{_base_note(audit)}</div>
{_chart(audit)}
<h2>Call sites, most expensive first</h2>
<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>
<h2>Findings that cut the cost</h2>
<ul class="findings">{''.join(findings) or '<li>None.</li>'}</ul>
<h2>Assumptions</h2>
<ul>{assumptions}</ul>
<p style="color:#777;font-size:12px">Generated by claude-lint {escape(__version__)} — static analysis, no network.</p>
</body></html>
"""
