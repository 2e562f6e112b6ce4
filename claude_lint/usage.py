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

import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from claude_lint.catalog import Catalog, Model
from claude_lint.jsonstream import Stream, StreamError
from claude_lint.usage_records import BadRecord, Record, classify
from claude_lint.usage_sites import Sites

ONE_HOUR_WRITE = 2.0  # 1-hour cache writes cost 2x the input price (models.toml's header, DOCS-PC)
BATCH = 0.5
MAX_SKIPPED = 100  # skipped records listed one by one; the rest are counted
MAX_GROUPS = 10_000  # unmatched groups kept apart; beyond it they merge per reason
PROGRESS_FROM = 4 << 20  # files at least this large show a progress bar on a terminal


class UsageError(Exception):
    """A usage file that cannot be read at all: exit 2."""


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
    write, read = model.cache_prices()
    usd = (rec.uncached * model.input + rec.cache_read * read + rec.cache_write * write
           + rec.cache_write_1h * model.input * ONE_HOUR_WRITE + rec.output * model.output) / 1e6
    return usd * (BATCH if (rec.batch or batch) else 1.0)


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
