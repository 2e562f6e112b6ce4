"""`claude-lint report --diff-base REF`: the estimated cost of every call site at a git
revision and now, the sites added, removed and changed and why (model, output limit,
caching, prompt size, loop or batch context), and a budget gate
(`--fail-on-increase 10%` or `$5`, or `fail-on-increase` in the configuration) that
exits 1 when the estimate rises by more than that.

REF's tree is exported by `reftree` (local git only); the budget is parsed by `budget`.
Both sides are priced with today's catalogue
and the same assumptions, so the difference is the code's.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from claude_lint.audit import WIDTH, _fit, _wrap
from claude_lint.budget import Budget, parse_budget
from claude_lint.checks.base import money
from claude_lint.diffbase import DiffBaseError
from claude_lint.reftree import Ref, resolve

FORMATS = ("table", "markdown", "json")


# --- the diff ---------------------------------------------------------------------------


@dataclass
class Change:
    status: str  # added | removed | changed | unchanged
    route: str
    path: str
    line: int
    before: Optional[object]  # audit Row at REF
    after: Optional[object]  # audit Row now
    reasons: List[str] = field(default_factory=list)

    @property
    def before_usd(self) -> float:
        return self.before.total if self.before is not None else 0.0

    @property
    def after_usd(self) -> float:
        return self.after.total if self.after is not None else 0.0

    @property
    def delta(self) -> float:
        return self.after_usd - self.before_usd


@dataclass
class Diff:
    ref: Ref
    calls: int
    fill: float
    changes: List[Change]
    budget: Optional[Budget] = None

    @property
    def before(self) -> float:
        return sum(c.before_usd for c in self.changes)

    @property
    def after(self) -> float:
        return sum(c.after_usd for c in self.changes)

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def percent(self) -> Optional[float]:
        return self.delta / self.before * 100 if self.before > 0 else None

    @property
    def exceeded(self) -> bool:
        return self.budget is not None and self.budget.exceeded(self.before, self.after)

    def shown(self) -> List[Change]:
        order = {"changed": 0, "added": 1, "removed": 2}
        return sorted((c for c in self.changes if c.status != "unchanged"), key=lambda c: (order[c.status], -abs(c.delta), c.path, c.line))


def _key_rows(rows, base: str) -> Dict[Tuple[str, str, str, str], List]:
    out: Dict[Tuple[str, str, str, str], List] = {}
    for row in rows:
        rel = os.path.relpath(os.path.abspath(row.path), base).replace(os.sep, "/")
        tail = row.route[len(row.path) + 1:]
        out.setdefault((rel, tail, row.provider, row.api), []).append(row)
    for group in out.values():
        group.sort(key=lambda r: r.line)
    return out


def _reasons(a, b) -> List[str]:
    out = []
    if a.model != b.model:
        out.append(f"model {a.model} -> {b.model}")
    if (a.cost.output_limit, a.cost.limit_source) != (b.cost.output_limit, b.cost.limit_source):
        out.append(f"output limit {a.limit} -> {b.limit}")
    if a.cached != b.cached or a.cost.cached_tokens != b.cost.cached_tokens:
        out.append(f"caching {a.cached} ({a.cost.cached_tokens:,} tokens) -> {b.cached} ({b.cost.cached_tokens:,} tokens)")
    if a.cost.prompt_tokens != b.cost.prompt_tokens:
        out.append(f"prompt {a.cost.prompt_tokens:,} -> {b.cost.prompt_tokens:,} tokens")
    if a.context != b.context:
        out.append(f"context {a.context} -> {b.context}")
    if not out and abs(a.total - b.total) > 1e-9:
        out.append("cost of the findings' pricing (e.g. a per-request value in the cached prefix)")
    return out


def compare(before_rows, after_rows, ref: Ref, calls: int, fill: float) -> Diff:
    old = _key_rows(before_rows, ref.tree)
    new = _key_rows(after_rows, ref.top)
    changes: List[Change] = []
    shown = lambda rel: os.path.relpath(os.path.join(ref.top, rel))  # noqa: E731  (as the working tree's paths are shown)
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key, []), new.get(key, [])
        for i in range(max(len(a), len(b))):
            ra = a[i] if i < len(a) else None
            rb = b[i] if i < len(b) else None
            if rb is not None:
                route, path, line = rb.route, rb.path, rb.line
            else:
                path = shown(key[0])
                route, line = f"{path}:{key[1]}", ra.line
            if ra is None:
                changes.append(Change("added", route, path, line, None, rb, [f"{rb.model}, output limit {rb.limit}"]))
            elif rb is None:
                changes.append(Change("removed", route, path, line, ra, None, [f"{ra.model}, output limit {ra.limit}"]))
            else:
                why = _reasons(ra, rb)
                changes.append(Change("changed" if why else "unchanged", route, path, line, ra, rb, why))
    return Diff(ref, calls, fill, changes)


# --- rendering --------------------------------------------------------------------------


def _side(change: "Change", after: bool) -> str:
    row = change.after if after else change.before
    return money(row.total) if row is not None else "-"


def _sites(n: int) -> str:
    return f"{n} call site{'' if n == 1 else 's'}"


def _signed(v: float) -> str:
    return ("+" if v > 0 else "-" if v < 0 else "") + money(abs(v))


def _pct(d: Diff) -> str:
    p = d.percent
    if p is None:
        return "new" if d.delta > 0 else "0%"
    return f"{p:+.1f}%"


def _unchanged(d: Diff) -> str:
    return f"{_sites(sum(1 for c in d.changes if c.status == 'unchanged'))} unchanged."


def _budget_line(d: Diff) -> Optional[str]:
    if d.budget is None:
        return None
    verdict = "exceeds" if d.exceeded else "is within"
    return f"Budget: the change {_signed(d.delta)} ({_pct(d)}) {verdict} --fail-on-increase {d.budget.text}."


def _ref_name(d: Diff) -> str:
    return f"{d.ref.name} ({d.ref.commit[:12]})"


def render_table(d: Diff) -> str:
    out = [f"Estimated cost per {d.calls:,} calls of each route: {_ref_name(d)} -> now",
           f"  at REF {money(d.before)}, now {money(d.after)}, change {_signed(d.delta)} ({_pct(d)})", ""]
    shown = d.shown()
    if shown:
        # the figures on one line, the reasons wrapped under it: within audit.WIDTH columns
        width = min(max(len(f"{c.route}:{c.line}") for c in shown), WIDTH - 48)
        for c in shown:
            where = _fit(f"{c.route}:{c.line}", width, left=True)
            out.append(f"  {c.status:<8} {where:<{width}}  {_side(c, False):>9} -> {_side(c, True):>9}  {_signed(c.delta):>10}".rstrip())
            if c.reasons:
                out += _wrap("; ".join(c.reasons), "      ", "      ")
    else:
        out.append("  No call site was added, removed or changed.")
    out += ["", _unchanged(d)]
    line = _budget_line(d)
    if line:
        out += [line]
    out += ["", f"Both sides priced with the current catalogue; {d.calls:,} calls per route, output at {d.fill:.0%} of its limit."]
    return "\n".join(out) + "\n"


def render_markdown(d: Diff) -> str:
    esc = lambda s: s.replace("|", "\\|")  # noqa: E731
    arrow = "🔺" if d.delta > 0 else "🔻" if d.delta < 0 else ""
    out = ["## LLM cost diff", "",
           f"Estimated cost per **{d.calls:,} calls** of each route, `{esc(d.ref.name)}` (`{d.ref.commit[:12]}`) → this change: "
           f"**{money(d.before)} → {money(d.after)}**, {arrow}**{_signed(d.delta)}** ({_pct(d)}).", ""]
    shown = d.shown()
    if shown:
        out += ["| | Call site | Before | After | Change | Why |", "|---|---|---:|---:|---:|---|"]
        for c in shown:
            out.append(f"| {c.status} | `{esc(c.route)}:{c.line}` | {_side(c, False)} | {_side(c, True)} | {_signed(c.delta)} | {esc('; '.join(c.reasons))} |")
    else:
        out.append("No call site was added, removed or changed.")
    out += ["", _unchanged(d)]
    line = _budget_line(d)
    if line:
        out += ["", ("**" + line + "**") if d.exceeded else line]
    out += ["", f"<sub>claude-lint: static estimate, both sides priced with the current model catalogue; {d.calls:,} calls per route, "
            f"output at {d.fill:.0%} of its limit. See docs/report.md.</sub>"]
    return "\n".join(out) + "\n"


def as_dict(d: Diff) -> Dict[str, object]:
    r6 = lambda v: round(v, 6)  # noqa: E731

    def side(row):
        if row is None:
            return None
        return {"line": row.line, "model": row.model, "output_limit": row.cost.output_limit, "output_limit_source": row.cost.limit_source,
                "cached": row.cached, "cached_tokens": row.cost.cached_tokens, "prompt_tokens": row.cost.prompt_tokens,
                "context": row.context, "cost_usd": r6(row.total)}

    return {
        "ref": d.ref.name, "commit": d.ref.commit, "calls_per_route": d.calls, "output_fill": d.fill,
        "before_usd": r6(d.before), "after_usd": r6(d.after), "change_usd": r6(d.delta),
        "change_percent": None if d.percent is None else round(d.percent, 4),
        "sites": [{"status": c.status, "route": c.route, "filename": c.path, "line": c.line, "before_usd": r6(c.before_usd),
                   "after_usd": r6(c.after_usd), "change_usd": r6(c.delta), "reasons": c.reasons,
                   "before": side(c.before), "after": side(c.after)} for c in d.shown()],
        "unchanged": sum(1 for c in d.changes if c.status == "unchanged"),
        "budget": None if d.budget is None else {"fail_on_increase": d.budget.text, "exceeded": d.exceeded},
    }


def render(d: Diff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_dict(d), indent=2, ensure_ascii=False) + "\n"
    return render_markdown(d) if fmt == "markdown" else render_table(d)


# --- the command ------------------------------------------------------------------------


def ref_audit(ref: Ref, paths: Sequence[str], settings, explicit_config: Optional[str], catalog, files_calls: Tuple[int, float]):
    """The audit of REF's tree for the same paths, with REF's configuration (`--config`
    if one is given) and today's catalogue."""
    from dataclasses import replace

    from claude_lint import audit, config
    from claude_lint.engine import lint

    mapped = []
    for p in paths:
        rel = os.path.relpath(os.path.abspath(p), ref.top)
        if rel.startswith(".."):
            raise DiffBaseError(f"--diff-base: {p} is outside the repository at {ref.top}")
        target = os.path.normpath(os.path.join(ref.tree, rel))
        if os.path.exists(target):
            mapped.append(target)
    calls, fill = files_calls
    if not mapped:
        return audit.build([], [], catalog, 0, calls, fill)
    try:
        ref_settings = config.load(mapped[0], explicit_config)
    except config.ConfigError as exc:
        raise DiffBaseError(f"--diff-base: the configuration at {ref.name}: {exc}") from None
    rel_root = os.path.relpath(settings.root, ref.top)
    if not rel_root.startswith(".."):
        ref_settings = replace(ref_settings, root=os.path.normpath(os.path.join(ref.tree, rel_root)))
    result = lint(mapped, ref_settings)
    return audit.build(result.calls, result.diagnostics, catalog, result.files, calls, fill)


def command(args, paths, settings, catalog, found):
    """`report --diff-base`: (the report, exit code), or (None, 2) after an error."""
    if args.usage:
        return _error("--usage and --diff-base cannot be combined; run them as two reports")
    if args.format not in FORMATS:
        return _error(f"--diff-base reports in {', '.join(FORMATS)}, not {args.format}")
    budget = args.fail_on_increase if args.fail_on_increase is not None else settings.fail_on_increase
    try:
        budget = parse_budget(budget) if budget is not None else None
    except ValueError as exc:
        return _error(f"--fail-on-increase: {exc}")
    try:
        ref = resolve(args.diff_base)
        before = ref_audit(ref, paths, settings, args.config, catalog, (args.calls_per_route, args.output_fill))
    except DiffBaseError as exc:
        return _error(str(exc))
    diff = compare(before.rows, found.rows, ref, args.calls_per_route, args.output_fill)
    diff.budget = budget
    if diff.exceeded:
        sys.stderr.write(f"claude-lint: the estimated cost rises by {_signed(diff.delta)} ({_pct(diff)}), more than --fail-on-increase {budget.text}\n")
        return render(diff, args.format), 1
    return render(diff, args.format), 0


def _error(message: str):
    sys.stderr.write(f"claude-lint: error: {message}\n")
    return None, 2
