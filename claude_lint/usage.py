"""Measured usage, joined to the call sites of `claude-lint report`.

`claude-lint report --usage FILE...` reads usage records offline, in these formats
(detected per record, so one file may mix them):

- OpenTelemetry GenAI spans, OTLP JSON (one document, or one per line as the
  collector's file exporter writes them): `gen_ai.request.model`,
  `gen_ai.usage.input_tokens`, `gen_ai.usage.output_tokens`,
  `gen_ai.usage.cache_read.input_tokens`, `gen_ai.usage.cache_creation.input_tokens`
  (and the older names), `gen_ai.request.max_tokens`, `gen_ai.response.finish_reasons`,
  and `code.file.path` / `code.line.number` / `code.function.name` (or the deprecated
  `code.filepath` / `code.lineno` / `code.function`) for the call site;
- the documented JSON-lines record (`route`, `model`, `input_tokens`, `output_tokens`,
  `cache_read_input_tokens`, `cache_creation_input_tokens`, optional `file`, `line`,
  `function`, `stop_reason`, `cost_usd`), as the SDK's `response.usage` gives them;
- LiteLLM spend logs (`/spend/logs` JSON, or the SpendLogs table exported as JSON):
  `model`, `prompt_tokens`, `completion_tokens`, `spend`, `metadata`, `request_tags`;
- Anthropic usage report API responses (`GET /v1/organizations/usage_report/messages`,
  grouped by model): `data[].results[]` token counts per model, no call counts.

Each record is joined to call sites by code location (file, line, function), else by
route, else by model: a record that names only a model is split evenly across the
call sites of that model, and the report says so. A record that matches nothing is
listed, never dropped. Files are streamed (see jsonstream), and every aggregate is
bounded: output lengths are kept as a histogram, unmatched records as groups.
"""
from __future__ import annotations

import datetime
import json
import math
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from claude_lint.catalog import Catalog, Model, normalise
from claude_lint.jsonstream import Event, Stream, StreamError

ONE_HOUR_WRITE = 2.0  # 1-hour cache writes cost 2x the input price (models.toml's header, DOCS-PC)
BATCH = 0.5
MAX_SKIPPED = 100  # skipped records listed one by one; the rest are counted
MAX_GROUPS = 10_000  # unmatched groups kept apart; beyond it they merge per reason
PROGRESS_FROM = 4 << 20  # files at least this large show a progress bar on a terminal


class UsageError(Exception):
    """A usage file that cannot be read at all: exit 2."""


# --- records ----------------------------------------------------------------------------


@dataclass
class Record:
    model: Optional[str]
    uncached: int = 0
    cache_read: int = 0
    cache_write: int = 0  # 5-minute writes, or writes of unknown TTL
    cache_write_1h: int = 0
    output: int = 0
    calls: Optional[int] = 1  # None: an aggregate without a call count (usage report)
    cost: Optional[float] = None  # recorded by the source (LiteLLM `spend`, `cost_usd`)
    file: Optional[str] = None
    line: Optional[int] = None
    function: Optional[str] = None
    route: Optional[str] = None
    batch: bool = False
    truncated: Optional[bool] = None  # stopped at the output limit
    limit: Optional[int] = None  # max_tokens as recorded
    when: Optional[str] = None  # ISO time, for the period covered
    source: str = ""
    where: str = ""


class BadRecord(ValueError):
    pass


def _count(value: Any, name: str, required: bool = False) -> int:
    if value is None:
        if required:
            raise BadRecord(f"no `{name}`")
        return 0
    if isinstance(value, bool):
        raise BadRecord(f"`{name}` is not a number: {value!r}")
    if isinstance(value, str):  # OTLP JSON writes int64 as a string
        try:
            value = int(value.strip())
        except ValueError:
            raise BadRecord(f"`{name}` is not a number: {value[:40]!r}") from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise BadRecord(f"`{name}` must be a whole number of tokens >= 0, got {str(value)[:40]!r}")
    return value


MAX_TEXT = 1000  # a model, route, path or function name longer than this is cut


def _text(value: Any) -> Optional[str]:
    return value.strip()[:MAX_TEXT] or None if isinstance(value, str) else None


def _usd(value: Any, name: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise BadRecord(f"`{name}` must be an amount in USD >= 0, got {str(value)[:40]!r}")
    return float(value)


def _line(value: Any) -> Optional[int]:
    try:
        n = _count(value, "line")
    except BadRecord:
        return None
    return n or None


def _inclusive(total: int, read: int, write: int) -> int:
    """Uncached input from an input count that includes cache reads and writes (OTel,
    OpenAI-style counts); a total smaller than its parts cannot include them."""
    return total - read - write if total >= read + write else total


def _attr_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    for kind in ("stringValue", "intValue", "doubleValue", "boolValue"):
        if kind in value:
            return value[kind]
    if "arrayValue" in value:
        items = value["arrayValue"].get("values") if isinstance(value["arrayValue"], dict) else None
        return [_attr_value(v) for v in items] if isinstance(items, list) else []
    return None


SPAN_KEYS = frozenset({
    "gen_ai.request.model", "gen_ai.response.model", "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens",
    "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens", "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens",
    "gen_ai.response.finish_reasons", "gen_ai.request.max_tokens", "code.file.path", "code.filepath", "code.line.number",
    "code.lineno", "code.function.name", "code.function",
})


def _attributes(raw: Any) -> Dict[str, Any]:
    """The attributes a usage record needs (spans carry many others, prompts included)."""
    out: Dict[str, Any] = {}
    if isinstance(raw, list):
        for kv in raw:
            if isinstance(kv, dict):
                key = kv.get("key")
                if key in SPAN_KEYS:
                    out[key] = _attr_value(kv.get("value"))
    return out


def _first(attrs: Dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if attrs.get(k) is not None:
            return attrs[k]
    return None


_MINUTES: Dict[int, Optional[str]] = {}


def _iso_from_ns(value: Any) -> Optional[str]:
    """The span's start, to the minute (the report shows the period covered, by day)."""
    try:
        minute = int(value) // 60_000_000_000
    except (TypeError, ValueError):
        return None
    if minute <= 0:
        return None
    if minute not in _MINUTES:
        if len(_MINUTES) > 10_000:
            _MINUTES.clear()
        try:
            _MINUTES[minute] = datetime.datetime.fromtimestamp(minute * 60, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
        except (OverflowError, OSError, ValueError):
            _MINUTES[minute] = None
    return _MINUTES[minute]


def from_span(span: Any, where: str) -> Optional[Record]:
    """A GenAI span's record; None for a span of something else (an HTTP request)."""
    if not isinstance(span, dict):
        raise BadRecord("a span that is not an object")
    a = _attributes(span.get("attributes"))
    model = _text(_first(a, "gen_ai.response.model", "gen_ai.request.model"))
    inp = _first(a, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")
    out = _first(a, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")
    if inp is None and out is None:
        if model is not None:
            raise BadRecord("a GenAI span without gen_ai.usage.input_tokens / output_tokens")
        return None
    read = _count(_first(a, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"), "gen_ai.usage.cache_read.input_tokens")
    write = _count(_first(a, "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens"), "gen_ai.usage.cache_creation.input_tokens")
    total = _count(inp, "gen_ai.usage.input_tokens")
    reasons = a.get("gen_ai.response.finish_reasons")
    truncated = None
    if isinstance(reasons, list) and reasons:
        truncated = any(r in ("max_tokens", "length") for r in reasons)
    elif isinstance(reasons, str):
        truncated = reasons in ("max_tokens", "length")
    limit = a.get("gen_ai.request.max_tokens")
    return Record(
        model=_text(a.get("gen_ai.request.model")) or model,
        uncached=_inclusive(total, read, write), cache_read=read, cache_write=write,
        output=_count(out, "gen_ai.usage.output_tokens"),
        file=_text(_first(a, "code.file.path", "code.filepath")),
        line=_line(_first(a, "code.line.number", "code.lineno")),
        function=_text(_first(a, "code.function.name", "code.function")),
        truncated=truncated, limit=_line(limit), when=_iso_from_ns(span.get("startTimeUnixNano")),
        source="otel", where=where,
    )


def from_simple(r: Dict[str, Any], where: str) -> Record:
    cost = _usd(r.get("cost_usd"), "cost_usd")
    stop = r.get("stop_reason")
    return Record(
        model=_text(r.get("model")),
        uncached=_count(r.get("input_tokens"), "input_tokens", required=True),
        cache_read=_count(r.get("cache_read_input_tokens"), "cache_read_input_tokens"),
        cache_write=_count(r.get("cache_creation_input_tokens"), "cache_creation_input_tokens"),
        output=_count(r.get("output_tokens"), "output_tokens", required=True),
        cost=cost,
        file=_text(r.get("file")), line=_line(r.get("line")), function=_text(r.get("function")),
        route=_text(r.get("route")), batch=r.get("service_tier") == "batch",
        truncated=stop in ("max_tokens", "length") if isinstance(stop, str) else None,
        limit=_line(r.get("max_tokens")), when=_text(r.get("time") or r.get("timestamp")),
        source="record", where=where,
    )


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value


def from_litellm(r: Dict[str, Any], where: str) -> Record:
    meta = _maybe_json(r.get("metadata"))
    meta = meta if isinstance(meta, dict) else {}
    extra = meta.get("additional_usage_values")
    extra = extra if isinstance(extra, dict) else {}
    details = extra.get("prompt_tokens_details") if isinstance(extra.get("prompt_tokens_details"), dict) else {}
    read = _count(extra.get("cache_read_input_tokens") or details.get("cached_tokens") or r.get("cache_read_input_tokens"), "cache_read_input_tokens")
    write = _count(extra.get("cache_creation_input_tokens") or r.get("cache_creation_input_tokens"), "cache_creation_input_tokens")
    prompt = _count(r.get("prompt_tokens"), "prompt_tokens")
    spend = r.get("spend")
    spend = float(spend) if isinstance(spend, (int, float)) and not isinstance(spend, bool) and math.isfinite(spend) and spend >= 0 else None
    # Per-call key-value pairs: `metadata={"spend_logs_metadata": {"route": ...}}` on the request.
    mine = meta.get("spend_logs_metadata") if isinstance(meta.get("spend_logs_metadata"), dict) else {}
    route = _text(mine.get("route"))
    tags = _maybe_json(r.get("request_tags"))
    if route is None and isinstance(tags, list):
        route = next((t[6:].strip() for t in tags if isinstance(t, str) and t.startswith("route:")), None)
    start = r.get("startTime")
    return Record(
        model=_text(r.get("model")) or _text(r.get("model_group")),
        uncached=_inclusive(prompt, read, write), cache_read=read, cache_write=write,
        output=_count(r.get("completion_tokens"), "completion_tokens"),
        cost=spend,
        file=_text(mine.get("file")), line=_line(mine.get("line")), function=_text(mine.get("function")), route=route,
        when=start[:19] + "Z" if isinstance(start, str) and len(start) >= 19 else None,
        source="litellm", where=where,
    )


def from_report_result(r: Dict[str, Any], bucket: Dict[str, Any], where: str) -> Record:
    cc = r.get("cache_creation") if isinstance(r.get("cache_creation"), dict) else {}
    w5 = cc.get("ephemeral_5m_input_tokens", r.get("cache_creation_5m_input_tokens"))
    w1 = cc.get("ephemeral_1h_input_tokens", r.get("cache_creation_1h_input_tokens"))
    return Record(
        model=_text(r.get("model")),
        uncached=_count(r.get("uncached_input_tokens"), "uncached_input_tokens"),
        cache_read=_count(r.get("cache_read_input_tokens"), "cache_read_input_tokens"),
        cache_write=_count(w5, "cache_creation.ephemeral_5m_input_tokens"),
        cache_write_1h=_count(w1, "cache_creation.ephemeral_1h_input_tokens"),
        output=_count(r.get("output_tokens"), "output_tokens"),
        calls=None, batch=r.get("service_tier") == "batch",
        when=_text(bucket.get("starting_at")), source="anthropic-usage-report", where=where,
    )


def classify(event: Event, where: str) -> Iterable[Record]:
    """The records one decoded value holds (none for an envelope); BadRecord for a value
    of no known shape."""
    v = event.value
    if event.path[-1:] == ("spans",):
        rec = from_span(v, where)
        return [rec] if rec is not None else []
    if not isinstance(v, dict):
        kind = {str: "a string", list: "an array", type(None): "null", bool: "true/false"}.get(type(v), "a number")
        raise BadRecord(f"{kind} where a usage record (an object) was expected")
    if event.streamed:
        return []  # an envelope whose records were handed out one by one
    if isinstance(v.get("resourceSpans"), list):  # an OTLP document inside a JSON array
        return [r for rs in v["resourceSpans"] if isinstance(rs, dict) for ss in rs.get("scopeSpans") or [] if isinstance(ss, dict)
                for s in ss.get("spans") or [] for r in [from_span(s, where)] if r is not None]
    if isinstance(v.get("results"), list) and "starting_at" in v:
        return [from_report_result(r, v, where) for r in v["results"] if isinstance(r, dict)]
    if "uncached_input_tokens" in v:
        return [from_report_result(v, {}, where)]
    if "spend" in v or ("prompt_tokens" in v and "completion_tokens" in v):
        return [from_litellm(v, where)]
    if "input_tokens" in v or "output_tokens" in v:
        return [from_simple(v, where)]
    if event.path == () and set(v) <= {"has_more", "next_page", "data", "total", "page", "page_size", "total_pages"}:
        return []
    keys = ", ".join(k[:40] for k in sorted(v)[:6])
    raise BadRecord(f"not a usage record of a known format (keys: {keys})")


# --- measured aggregates ----------------------------------------------------------------


@dataclass
class Measured:
    records: int = 0
    calls: float = 0.0
    uncounted: int = 0  # records without a call count (usage report aggregates)
    uncached: float = 0.0
    cache_read: float = 0.0
    cache_write: float = 0.0
    output: float = 0.0
    cost: float = 0.0
    unpriced: int = 0  # records whose cost is unknown (a model without list prices)
    outputs: Counter = field(default_factory=Counter)  # output tokens -> calls, per-call records only
    truncated: int = 0
    finish_known: int = 0
    models: Counter = field(default_factory=Counter)
    limits: Counter = field(default_factory=Counter)
    basis: Counter = field(default_factory=Counter)

    def add(self, rec: Record, cost: Optional[float], weight: float = 1.0, basis: str = "", sample: bool = True) -> None:
        self.records += 1
        if rec.calls is None:
            self.uncounted += 1
        else:
            self.calls += rec.calls * weight
        self.uncached += rec.uncached * weight
        self.cache_read += rec.cache_read * weight
        self.cache_write += (rec.cache_write + rec.cache_write_1h) * weight
        self.output += rec.output * weight
        if cost is None:
            self.unpriced += 1
        else:
            self.cost += cost * weight
        if sample and rec.calls == 1:
            self.outputs[rec.output] += 1
            if rec.truncated is not None:
                self.finish_known += 1
                self.truncated += rec.truncated
            if rec.limit is not None:
                self.limits[rec.limit] += 1
        if rec.model:
            self.models[rec.model] += rec.calls if rec.calls is not None else 1
        if basis:
            self.basis[basis] += 1

    def merge(self, other: "Measured", weight: float, basis: str) -> None:
        self.records += other.records
        self.calls += other.calls * weight
        self.uncounted += other.uncounted
        self.uncached += other.uncached * weight
        self.cache_read += other.cache_read * weight
        self.cache_write += other.cache_write * weight
        self.output += other.output * weight
        self.cost += other.cost * weight
        self.unpriced += other.unpriced
        # Models are not merged: a site's models say what its own located calls used.
        self.basis[basis] += other.records

    @property
    def input(self) -> float:
        return self.uncached + self.cache_read + self.cache_write

    @property
    def cache_hit(self) -> Optional[float]:
        return self.cache_read / self.input if self.input else None

    def quantiles(self) -> Optional[Tuple[int, int, int, int]]:
        """(median, p95, max, calls) of the output lengths, nearest-rank."""
        n = sum(self.outputs.values())
        if not n:
            return None
        marks = {0.5: None, 0.95: None}
        seen = 0
        for value in sorted(self.outputs):
            seen += self.outputs[value]
            for q in marks:
                if marks[q] is None and seen >= -(-q * n // 1):
                    marks[q] = value
        return marks[0.5], marks[0.95], max(self.outputs), n

    def above(self, limit: int) -> int:
        """Output tokens billed beyond `limit`, over every sampled call."""
        return sum((v - limit) * c for v, c in self.outputs.items() if v > limit)


def price(rec: Record, model: Optional[Model], batch: bool = False) -> Optional[float]:
    if rec.cost is not None:
        return rec.cost
    if model is None or model.input is None or model.output is None:
        return None
    read = model.cache_read if model.cache_read is not None else model.input
    write = model.cache_write if model.cache_write is not None else model.input
    usd = (rec.uncached * model.input + rec.cache_read * read + rec.cache_write * write
           + rec.cache_write_1h * model.input * ONE_HOUR_WRITE + rec.output * model.output) / 1e6
    return usd * (BATCH if (rec.batch or batch) else 1.0)


# --- the join ---------------------------------------------------------------------------


@dataclass
class Site:
    index: int  # of the audit row
    parts: Tuple[str, ...]  # path from the project root, by component
    start: int
    end: int
    function: Optional[str]
    cell: Optional[int]
    model: Optional[str]  # catalogue ID, or the normalised literal ID
    batch: bool


def _parts(path: str) -> Tuple[str, ...]:
    return tuple(p for p in path.replace("\\", "/").split("/") if p and p != ".")


def _fn_match(a: str, b: Optional[str]) -> bool:
    b = b or "<module>"
    return a == b or a.endswith("." + b) or b.endswith("." + a)


class Sites:
    def __init__(self, audit, calls, root: str, catalog: Catalog, routes: Sequence[Tuple[str, str]] = ()):
        self.catalog = catalog
        self.routes = dict(routes)
        self.all: List[Site] = []
        by_key: Dict[Tuple[str, int, str], List] = {}
        for call in sorted(calls, key=lambda c: (c.site.loc.row, c.site.loc.col)):
            s = call.site
            route = f"{s.path}:cell {s.loc.cell}" if s.loc.cell is not None else f"{s.path}:{s.function or '<module>'}"
            by_key.setdefault((s.path, s.loc.row, route), []).append(call)
        for i, row in enumerate(audit.rows):
            found = by_key.get((row.path, row.line, row.route))
            if not found:
                continue
            site = found.pop(0).site
            rel = os.path.relpath(os.path.abspath(site.path), root)
            self.all.append(Site(i, _parts(rel), site.loc.row, max(site.loc.end_row, site.loc.row), site.function,
                                 site.loc.cell, self.model_key(row.model), row.context == "batch"))
        self.by_name: Dict[str, List[Site]] = {}
        for site in self.all:
            self.by_name.setdefault(site.parts[-1], []).append(site)

        # A usage file names the same few places over and over: each is looked up once.
        self._files: Dict[str, Tuple[Optional[List[Site]], str]] = {}
        self._located: Dict[Tuple, Tuple[Optional[List[Site]], str, str]] = {}

    def model_key(self, model: Optional[str]) -> Optional[str]:
        if not model or model == "?":
            return None
        found = self.catalog.lookup(model)
        return found.id if found is not None else normalise(model)

    def file(self, path: str) -> Tuple[Optional[List[Site]], str]:
        """The sites of the project file a recorded path names (matched by its longest
        tail: a recorded /srv/app/bot.py is the project's app/bot.py)."""
        if path not in self._files:
            if len(self._files) > 10_000:
                self._files.clear()
            self._files[path] = self._file(path)
        return self._files[path]

    def _file(self, path: str) -> Tuple[Optional[List[Site]], str]:
        want = _parts(path)
        if not want:
            return None, "an empty file path"
        best: Dict[Tuple[str, ...], int] = {}
        for site in self.by_name.get(want[-1], []):
            n = 0
            while n < min(len(want), len(site.parts)) and want[-1 - n] == site.parts[-1 - n]:
                n += 1
            best[site.parts] = n
        if not best:
            return None, f"{path} holds no call site of the linted files"
        top = max(best.values())
        files = [p for p, n in best.items() if n == top]
        if len(files) > 1:
            return None, f"{path} could be any of {', '.join('/'.join(f) for f in sorted(files)[:3])}"
        return [s for s in self.by_name[want[-1]] if s.parts == files[0]], ""

    def by_route(self, route: str) -> Tuple[Optional[List[Site]], str, str]:
        target = self.routes.get(route, route)
        head, sep, tail = target.rpartition(":")
        if sep and head and ("/" in head or "." in head or "\\" in head):
            sites, why = self.file(head)
            if sites is None:
                return None, f"route {route!r}: {why}", ""
            if tail.isdigit():
                found = [s for s in sites if s.start <= int(tail) <= s.end]
            elif tail.startswith("cell ") and tail[5:].isdigit():
                found = [s for s in sites if s.cell == int(tail[5:])]
            else:
                found = [s for s in sites if _fn_match(tail, s.function)]
            return (found, "", "route") if found else (None, f"route {route!r}: no call site at {target}", "")
        if "/" in target or target.endswith(".py"):
            sites, why = self.file(target)
            return (sites, "", "route") if sites else (None, f"route {route!r}: {why}", "")
        found = [s for s in self.all if s.function is not None and _fn_match(target, s.function)]
        if found:
            return found, "", "route"
        return None, f"no call site has route {route!r} (name a function, `file:function`, or map it under usage-routes)", ""

    def locate(self, rec: Record) -> Tuple[Optional[List[Site]], str, str]:
        """(sites, "", basis) or (None, reason, "")."""
        key = (rec.file, rec.line, rec.function, rec.route, rec.model, rec.source == "anthropic-usage-report")
        found = self._located.get(key)
        if found is None:
            if len(self._located) > 100_000:
                self._located.clear()
            found = self._located[key] = self._locate(rec)
        return found

    def _locate(self, rec: Record) -> Tuple[Optional[List[Site]], str, str]:
        if rec.file:
            sites, why = self.file(rec.file)
            if sites is None:
                if rec.route:
                    return self.by_route(rec.route)
                return None, why, ""
            where = f"{rec.file}:{rec.line}" if rec.line else rec.file
            if rec.line:
                hit = [s for s in sites if s.start <= rec.line <= s.end]
                if hit:
                    return hit, "", "location"
            if rec.function:
                hit = [s for s in sites if _fn_match(rec.function, s.function)]
                if hit:
                    return hit, "", "function"
            if rec.route:
                return self.by_route(rec.route)
            same = self._same_model(sites, rec) if len(sites) > 1 else sites
            if len(same) == 1:
                return same, "", "file"
            lines = ", ".join(str(s.start) for s in sites[:8])
            return None, f"no call site at {where} (calls at lines {lines})", ""
        if rec.route:
            return self.by_route(rec.route)
        if rec.model:
            return [], "", "model"  # pooled, then split across the model's sites
        if rec.source == "anthropic-usage-report":
            return None, "a usage report row without a model (request the report with group_by=model)", ""
        return None, "the record names no location, route or model", ""

    def _same_model(self, sites: List[Site], rec: Record) -> List[Site]:
        key = self.model_key(rec.model)
        same = [s for s in sites if s.model == key]
        return same or sites

    def of_model(self, key: Optional[str]) -> List[Site]:
        return [s for s in self.all if key is not None and s.model == key]


@dataclass
class Usage:
    files: List[str]
    sites: Dict[int, Measured] = field(default_factory=dict)  # audit row index -> measured
    pools: Dict[str, Tuple[Measured, int]] = field(default_factory=dict)  # model -> (unlocated usage, sites it was split across)
    unmatched: Dict[Tuple[str, str, str, str], Measured] = field(default_factory=dict)  # (reason, file, route, model)
    skipped: List[Tuple[str, str]] = field(default_factory=list)
    skipped_count: int = 0
    records: int = 0
    other_spans: int = 0  # spans of other operations (HTTP, DB), not usage
    first: Optional[str] = None
    last: Optional[str] = None
    formats: Counter = field(default_factory=Counter)
    empty: List[str] = field(default_factory=list)  # files without a single usage record
    site_models: Dict[int, Optional[str]] = field(default_factory=dict)  # audit row index -> model key

    @property
    def matched(self) -> int:
        return self.records - sum(m.records for m in self.unmatched.values())

    @property
    def unmatched_records(self) -> int:
        return sum(m.records for m in self.unmatched.values())

    @property
    def total(self) -> float:
        return sum(m.cost for m in self.sites.values()) + sum(m.cost for m in self.unmatched.values())

    def site(self, index: int) -> Measured:
        if index not in self.sites:
            self.sites[index] = Measured()
        return self.sites[index]

    def skip(self, where: str, message: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < MAX_SKIPPED:
            self.skipped.append((where, message))

    def unmatch(self, rec: Record, reason: str, cost: Optional[float]) -> None:
        key = (reason, os.path.basename(rec.where.rsplit(":", 1)[0]), rec.route or "", rec.model or "")
        if key not in self.unmatched and len(self.unmatched) >= MAX_GROUPS:
            key = (reason, "", "", "")
        self.unmatched.setdefault(key, Measured()).add(rec, cost, sample=False)


class Progress:
    """A one-line bar on a terminal, redrawn at most ten times a second."""

    def __init__(self, name: str, total: int, stream):
        self.name = name if len(name) <= 40 else "..." + name[-37:]
        self.total = total
        self.stream = stream
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < self.total:
            return
        self.last = now
        share = min(done / self.total, 1.0) if self.total else 1.0
        bar = "#" * int(share * 30)
        self.stream.write(f"\rreading {self.name} [{bar:<30}] {share:4.0%} {done >> 20}/{self.total >> 20} MB")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _open(path: str):
    if path == "-":
        return sys.stdin.buffer, 0
    if os.path.isdir(path):
        raise UsageError(f"--usage {path}: is a folder, not a usage file")
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise UsageError(f"--usage {path}: cannot read: {exc.strerror or exc}") from None
    try:
        size = os.fstat(fh.fileno()).st_size
    except OSError:
        size = 0
    return fh, size


def read(paths: Sequence[str], audit, calls, root: str, catalog: Catalog, routes: Sequence[Tuple[str, str]] = (), progress=None, chunk: Optional[int] = None) -> Usage:
    """Stream every file, joining each record as it comes: nothing is kept per record."""
    sites = Sites(audit, calls, root, catalog, routes)
    usage = Usage(list(paths))
    usage.site_models = {s.index: s.model for s in sites.all}
    for path in paths:
        _read_one(path, sites, usage, progress, chunk)
    for key, pool in usage.pools.items():
        targets = sites.of_model(key)
        for s in targets:
            usage.site(s.index).merge(pool[0], 1 / len(targets), f"split by model ({len(targets)} site{'s' if len(targets) != 1 else ''} of {key})")
        usage.pools[key] = (pool[0], len(targets))
    return usage


def _read_one(path: str, sites: Sites, usage: Usage, progress, chunk: Optional[int]) -> None:
    fh, size = _open(path)
    name = "<stdin>" if path == "-" else os.path.basename(path)
    bar = Progress(name, size, progress) if progress is not None and size >= PROGRESS_FROM and _tty(progress) else None
    models: Dict[str, Optional[Model]] = {}
    before = usage.records
    errors = 0
    first_error = ""
    try:
        stream = Stream(fh, chunk=chunk or (1 << 20), on_read=bar)
        for event in stream.values():
            if isinstance(event, StreamError):
                errors += 1
                tail = "; the rest of the file is not read" if event.fatal else "; line skipped"
                usage.skip(f"{name}:{event.line}", event.message + tail)
                first_error = first_error or f"{name}:{event.line}: {event.message}"
                continue
            where = f"{name}:{event.line}"
            try:
                records = classify(event, where)
                for rec in records:
                    _join(rec, sites, usage, models)
            except BadRecord as exc:
                errors += 1
                usage.skip(where, str(exc))
                first_error = first_error or f"{where}: {exc}"
                continue
            if event.path[-1:] == ("spans",) and not records:
                usage.other_spans += 1
    except OSError as exc:
        raise UsageError(f"--usage {path}: cannot read: {exc.strerror or exc}") from None
    finally:
        if bar is not None:
            bar.close()
        if fh is not sys.stdin.buffer:
            fh.close()
    if errors and usage.records == before:
        raise UsageError(f"--usage {path}: no usage record could be read ({first_error})")
    if usage.records == before:
        usage.empty.append(path)


def _tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _join(rec: Record, sites: Sites, usage: Usage, models: Dict[str, Optional[Model]]) -> None:
    usage.records += 1
    usage.formats[rec.source] += 1
    if rec.when:
        usage.first = rec.when if usage.first is None or rec.when < usage.first else usage.first
        usage.last = rec.when if usage.last is None or rec.when > usage.last else usage.last
    if rec.model not in models:
        models[rec.model] = sites.catalog.lookup(rec.model) if rec.model else None
    model = models[rec.model]
    if model is not None:
        rec.model = model.id  # `anthropic/claude-opus-4-6` and `claude-opus-4-6` are one model
    found, reason, basis = sites.locate(rec)
    if found is None:
        usage.unmatch(rec, reason, price(rec, model))
        return
    if basis == "model":
        key = sites.model_key(rec.model)
        if not sites.of_model(key):
            usage.unmatch(rec, f"no call site uses model {rec.model}", price(rec, model))
            return
        usage.pools.setdefault(key, (Measured(), 0))[0].add(rec, price(rec, model))
        return
    if len(found) > 1:
        found = sites._same_model(found, rec)
    weight = 1 / len(found)
    how = basis if len(found) == 1 else f"{basis}, split across {len(found)} sites"
    for s in found:
        usage.site(s.index).add(rec, price(rec, model, s.batch), weight, how, sample=len(found) == 1)
