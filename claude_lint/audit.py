"""`claude-lint report`: where the money goes, call site by call site.

Built on the engine: every resolved call of `engine.lint` becomes a row with its route
(file and function), model, output limit, prompt tokens, caching and loop context, an
estimated cost for N calls from the catalogue's list prices, and the findings that
would cut it with the saving each brings.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Dict, List, Optional

from claude_lint.audit_rows import COLUMNS, Audit, Finding, Row, cells, plural  # noqa: F401  (read as audit.* by the reports)
from claude_lint.catalog import Catalog
from claude_lint.checks.base import Context, money
from claude_lint.checks.breakpoints import CacheBreakpointIneffective
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import AS_MARKED, BATCH_DISCOUNT, CACHES_NOTHING, UNREAD, estimate
from claude_lint.extract.sdk import api_facts, makes_text
from claude_lint.facts import Unknown
from claude_lint.link import Call
from claude_lint.report import printable, shown_path

FORMATS = ("table", "markdown", "json", "html")
SUGGESTED_LIMIT = 1024  # CL001's default suggestion, used to price its saving


def build(calls: List[Call], diagnostics: List[Diagnostic], catalog: Catalog, files: int, per_route: int = 1000, fill: float = 1.0) -> Audit:
    rows = []
    verdicts = breakpoint_verdicts(calls, catalog)
    for call in calls:
        site = call.site
        cost = estimate(call, catalog, per_route, fill, verdicts.get(id(call), AS_MARKED))
        if site.local:
            cost = replace(cost, input_usd=None, cached_usd=None, output_usd=None)  # a local server bills nothing
        model = cost.model.id if cost.model is not None else (call.model_id() or "?")
        per_token = makes_text(site.provider, site.api)
        if not per_token:
            limit = "-"  # no token limit: billed by the audio, image or video (not priced)
        elif cost.output_limit is None:
            limit = "?"
        elif cost.limit_source == "explicit":
            limit = f"{cost.output_limit:,}"
        else:
            limit = f"none ({cost.output_limit:,} max)"
        system = call.value("system")
        cached = "unread" if cost.unread else "yes" if cost.cached_tokens else ("?" if isinstance(system, Unknown) else "no" if system is not None else "-")
        shape = api_facts(site.provider, site.api)
        if shape is not None and shape.batch_job:
            context = "batch"
        elif site.loop is not None:
            context = f"loop L{site.loop.row}" + (" (independent)" if site.loop_independent else "")
        else:
            context = "-"
        route = f"{site.path}:cell {site.loc.cell}" if site.loc.cell is not None else f"{site.path}:{site.function or '<module>'}"
        # Names and model IDs come from the repository: no control character reaches any format.
        row = Row(
            route=shown_path(route),
            path=printable(site.path),
            line=site.loc.row,
            provider=printable(site.provider),
            api=printable(site.api),
            model=printable(model),
            limit=limit,
            system_tokens=cost.system_tokens,
            cached=cached,
            context=context,
            cost=cost,
            cell=site.loc.cell,
            via=site.via,
            reached=site.reached,
            also=site.also,
            billed=not site.local,
            per_token=per_token,
        )
        # Rows repeat from cell to cell of a notebook: a place is its cell too.
        at = {(a.at.path, a.at.cell, a.at.row, a.at.col) for a in call.args.values()}
        if site.via is not None:
            at.add((site.via.path, site.via.cell, site.via.row, site.via.col))
        here = (site.path, site.loc.cell or None, site.loc.row, site.loc.col)
        for d in diagnostics:
            inside = d.loc.path == site.path and (d.loc.cell or None) == (site.loc.cell or None) and site.loc.row <= d.loc.row <= site.loc.end_row
            # A finding written where its value is (a time read two lines above the request)
            # names the request it reaches among its related places.
            reaches = any((r.path, r.cell or None, r.row, r.col) == here for r in d.related)
            if inside or reaches or (d.loc.path, d.loc.cell, d.loc.row, d.loc.col) in at:
                row.findings.append(Finding(d.code, d.name, printable(d.message), _saving(d, row, per_route, fill)))
                if d.code in FAILING and d.severity == "error" and not row.fails:
                    row.fails, row.failure = True, FAILING[d.code]
        if cost.cached_tokens and not cost.unread and not site.local and any(f.code == "CL006" for f in row.findings):
            # A per-request value in the cached prefix: every call writes, none reads.
            row.cost = estimate(call, catalog, per_route, fill, UNREAD)
            row.cached = "unread"
        rows.append(row)
    rows.sort(key=lambda r: (-r.total, r.path, r.line))
    return Audit(rows, per_route, fill, files, catalog.overrides)


def breakpoint_verdicts(calls: List[Call], catalog: Catalog) -> Dict[int, str]:
    """What CL013 says of each call's cache breakpoints (by `id` of the call), selected or
    not: the report prices a breakpoint as the rule judges it, so that a route the rule
    says caches nothing is never shown as cached. Its options at their defaults."""
    rule = CacheBreakpointIneffective()
    ctx = Context(catalog, dict(rule.options))
    requests = {c.site.loc: c for c in calls if c.site.via is None}
    verdicts: Dict[int, str] = {}
    for call in calls:
        if call.site.local:
            continue
        if any(d.severity != "error" for d in rule.judge_request(call, ctx)):  # this request, not the others a wrapper call may make
            verdicts[id(call)] = CACHES_NOTHING  # the last breakpoint ends a prefix below the minimum
            continue
        # The per-call judgement reads the request as its function writes it: through a
        # wrapper, the wrapper's own call; only the finding on this call counts.
        via = call.site.via
        request = requests.get(via) if via is not None else None
        if via is not None and request is None:
            continue
        judged = [call] if request is None else [call, request]
        if any(d.related == ((via,) if via is not None else ()) for d in rule.check_project(judged, ctx)):
            verdicts[id(call)] = UNREAD
    return verdicts


# Findings whose error means no request of the route is answered (nor billed), and the word for it.
FAILING = {"CL007": "retired", "CL014": "rejected"}


def _saving(d: Diagnostic, row: Row, calls: int, fill: float) -> Optional[float]:
    cost = row.cost
    if d.code in ("CL001", "CL010"):
        if cost.output_usd is None or cost.output_limit is None or cost.output_limit <= SUGGESTED_LIMIT:
            return None
        return cost.output_usd * (1 - SUGGESTED_LIMIT / cost.output_limit)  # no float of the limit itself: it may have 400 digits
    if d.code == "CL005":
        return row.total * BATCH_DISCOUNT if row.total else None
    if d.cost is None:
        return None
    scale = BATCH_DISCOUNT if row.context == "batch" else 1.0
    return d.cost * calls / 1000 * scale


# --- renderers ------------------------------------------------------------------------

WIDTH = 100  # the terminal table and its notes fit a 100-column terminal


def _fit(text: str, width: int, left: bool = False) -> str:
    """`text` cut to `width` characters with an ellipsis (on the left for a path)."""
    if len(text) <= width:
        return text
    return "..." + text[len(text) - width + 3:] if left else text[:width - 3] + "..."


def _wrap(text: str, first: str, rest: str) -> List[str]:
    import textwrap

    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=True, break_on_hyphens=False) or [first.rstrip()]


def savings_lines(audit: Audit, code=None, text=None) -> List[str]:
    """One line per finding; `code` writes the location (a Markdown code span), `text`
    the rest (Markdown-escaped); by default both as they are."""
    out = []
    for row in audit.rows:
        for f in row.findings:
            saving = f" (saves ~{money(f.saving)} per {audit.calls:,} calls)" if f.saving else ""
            where = f"{row.route}:{row.line}"
            rest = f"{f.code} {f.name}{saving}: {f.message}"
            out.append(f"{code(where) if code else where} {text(rest) if text else rest}")
    return out


def render_table(audit: Audit) -> str:
    """One line per route (where, model, total, findings) and an indented line of its
    details, every line within WIDTH columns: routes are paths, cut on the left."""
    heads = ("Route", "Model", "Total", "Findings")
    body = []
    for r in audit.rows:
        c = cells(r)
        body.append([f"{r.route}:{r.line}", _fit(r.model, 30), c[11], _fit(c[12], 24)])
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(heads)]
    widths[0] = max(12, min(widths[0], WIDTH - sum(widths[1:]) - 2 * (len(heads) - 1)))
    line = lambda vals: "  ".join(  # noqa: E731
        (_fit(v, w, left=True) if i == 0 else v).ljust(w) if i != 2 else v.rjust(w) for i, (v, w) in enumerate(zip(vals, widths))
    ).rstrip()
    out = [f"Estimated cost per {audit.calls:,} calls of each route", "", line(list(heads)), line(["-" * w for w in widths])]
    fmt = lambda v: "-" if v is None else money(v)  # noqa: E731
    for r, b in zip(audit.rows, body):
        out.append(line(b))
        details = (f"{r.provider} {r.api}; output limit {r.limit}; system {r.system_tokens:,} tok, cached {r.cached}; context {r.context}; "
                   f"input {fmt(r.cost.input_usd)}, cached input {fmt(r.cost.cached_usd)}, output (worst) {fmt(r.cost.output_usd)}")
        out += _wrap(details, "    ", "      ")
    total, saving, notes = audit.headline()
    cut = f"acting on the findings would cut ~{saving}." if audit.known_total is not None else "the saving is unknown too."
    out += [""] + _wrap(f"Total: {total} per {audit.calls:,} calls of every route (worst-case output); {cut} " + " ".join(notes), "", "") + [""]
    if audit.rows:
        out += ["Findings that cut the cost:"]
        for s in savings_lines(audit):
            out += _wrap(s, "  ", "      ")
    else:
        out += ["No LLM call sites found."]
    out += ["", "Assumptions:"]
    for a in audit.assumptions():
        out += _wrap(a, "  - ", "    ")
    return "\n".join(out) + "\n"


# ASCII punctuation that Markdown (CommonMark, GFM tables) would act on, backslash-escaped:
# a model ID or a file name from the repository must not become HTML (`<script>`), a link
# or a table cell of its own.
_MARKDOWN = re.compile(r"([\\`*_\[\]|<>~&])")


def md_text(s: str) -> str:
    return _MARKDOWN.sub(r"\\\1", s)


def md_code(s: str) -> str:
    """A code span that holds `s` whatever backticks it contains (CommonMark's rule);
    inside it nothing is HTML or a link."""
    fence = "`" * (max((len(run) for run in re.findall("`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def render_markdown(audit: Audit) -> str:
    esc = md_text
    total, saving, notes = audit.headline()
    out = ["# LLM cost audit", "", f"{plural(len(audit.rows), 'call site')} in {plural(audit.files, 'file')}. Estimated cost per **{audit.calls:,} calls** of each route: "
           f"**{total}** in total (worst-case output); "
           + (f"acting on the findings below would cut that by about **{saving}**." if audit.known_total is not None else "the saving is unknown too.")
           + "".join(" " + n for n in notes), ""]
    out += ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---:" if 8 <= i <= 11 else "---" for i in range(len(COLUMNS))) + "|"]
    out += ["| " + " | ".join(esc(c) for c in cells(r)) + " |" for r in audit.rows]
    out += ["", "## Findings that cut the cost", ""]
    out += [f"- {line}" for line in savings_lines(audit, md_code, md_text)] or ["None."]
    out += ["", "## Assumptions", ""] + [f"- {a}" for a in audit.assumptions()]
    return "\n".join(out) + "\n"


def as_dict(audit: Audit) -> Dict[str, object]:
    def usd(v):
        return None if v is None else round(v, 6)

    return {
        "assumptions": {"calls_per_route": audit.calls, "output_fill": audit.fill, "notes": audit.assumptions()},
        "total_usd": usd(audit.known_total),  # null: no route has a known price
        "saving_usd": None if audit.known_total is None else usd(audit.saving),
        "routes": [
            {
                "route": r.route, "filename": r.path, "line": r.line, "cell": r.cell, "provider": r.provider, "api": r.api, "billed": r.billed, "modality": _modality(r), "model": r.model,
                "via": None if r.via is None else {"filename": r.via.path, "line": r.via.row, "cell": r.via.cell},
                "reached_through": r.reached,
                "also_via": [{"filename": a.path, "line": a.row, "cell": a.cell} for a in r.also],
                "output_limit": r.cost.output_limit, "output_limit_source": r.cost.limit_source, "system_tokens": r.system_tokens,
                "prompt_tokens": r.cost.prompt_tokens, "cached_tokens": r.cost.cached_tokens, "cached": r.cached, "context": r.context,
                "cost_usd": {"input": usd(r.cost.input_usd), "cached_input": usd(r.cost.cached_usd), "output": usd(r.cost.output_usd), "total": usd(r.cost.total)},
                "findings": [{"code": f.code, "name": f.name, "message": f.message, "saving_usd": usd(f.saving)} for f in r.findings],
                "fails": r.fails,
                "failure": r.failure or None,
            }
            for r in audit.rows
        ],
    }


def _modality(row: Row) -> str:
    """What the request makes: "text", or "transcript" (text from audio), "audio", "image", "video" (a billed
    request no text rule judges, priced by the minute of audio or per image, not per token: not priced here)."""
    shape = api_facts(row.provider, row.api)
    return shape.output if shape is not None else "text"


def render_json(audit: Audit) -> str:
    from claude_lint.report import dumps

    return dumps(as_dict(audit), indent=2) + "\n"


def render(audit: Audit, fmt: str) -> str:
    if fmt == "html":
        from claude_lint.audit_html import render_html

        return render_html(audit)
    return {"table": render_table, "markdown": render_markdown, "json": render_json}[fmt](audit)
