"""Usage records from the formats `claude-lint report --usage` reads (see `usage`):
each event of a usage file becomes zero or more Records, or a BadRecord that says why it
is skipped. Parsing only: joining and pricing are `usage`'s and `usage_sites`'."""
from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional

from claude_lint.jsonstream import Event


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
