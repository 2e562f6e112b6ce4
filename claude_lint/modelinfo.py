"""`claude-lint models`: the catalogue the rules use, as a table or as JSON.

The table fits 100 columns: one line of figures per model, then an indented line
with its aliases, successor, platform dates and source keys, and at the end the
plain words of every source key shown. JSON carries every field.
"""
from __future__ import annotations

import datetime
import fnmatch
import json
import textwrap
from typing import Dict, List, Optional, Sequence

from claude_lint.catalog import DATA, PLATFORMS, Catalog, Lifecycle, Model

WIDTH = 100
_GLOB = set("*?[")
_SHORT_PLATFORMS = {"bedrock": "Bedrock", "vertex": "Vertex AI", "foundry": "Foundry"}


def select(cat: Catalog, pattern: Optional[str]) -> List[Model]:
    """Models whose ID or alias matches PATTERN (a glob, or else a substring; case-insensitive),
    and the model a platform or prefixed ID resolves to; every model without a pattern."""
    models = list(cat.models.values())
    if not pattern:
        return models
    wanted = pattern.strip().lower()
    resolved = cat.lookup(pattern)
    glob = bool(_GLOB & set(wanted))

    def matches(model: Model) -> bool:
        keys = [k.lower() for k in (model.id, *model.aliases)]
        if glob:
            return any(fnmatch.fnmatchcase(k, wanted) for k in keys)
        return any(wanted in k for k in keys)

    return [m for m in models if m is resolved or matches(m)]


def _num(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:g}"


def _pair(a: Optional[float], b: Optional[float]) -> str:
    return "-" if a is None and b is None else f"{_num(a)}/{_num(b)}"


def _tokens(n: Optional[int]) -> str:
    if n is None:
        return "-"
    return f"{n // 1000}K" if n >= 1000 and n % 1000 == 0 else str(n)


def _platform_name(name: str) -> str:
    base, _, region = name.partition("-")
    return _SHORT_PLATFORMS[base] + (f" ({region})" if region else "")


def _life(life: Lifecycle, today: datetime.date) -> str:
    state = life.state(today)
    text = {"retired": "retired", "deprecated": "retires", "active": "active"}[state]
    if life.retires:
        text += f" {life.retires}" if state != "active" else f", retires {life.retires}"
    elif state == "retired":
        text = "retired"
    return text + (f" -> {life.successor}" if life.successor else "")


COLUMNS = ("MODEL", "TIER", "IN/OUT", "CACHE W/R", "MAX OUT", "MIN CACHE", "STATUS", "RETIRES")


def _cells(model: Model, today: datetime.date) -> List[str]:
    return [
        model.id,
        model.tier,
        _pair(model.input, model.output),
        _pair(model.cache_write, model.cache_read),
        _tokens(model.max_output),
        "-" if model.min_cacheable is None else str(model.min_cacheable),
        model.lifecycle.state(today),
        model.retires or "-",
    ]


def render_table(cat: Catalog, models: Sequence[Model], today: datetime.date) -> str:
    rows = [_cells(m, today) for m in models]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(COLUMNS)]
    rest = sum(widths[1:]) + 2 * (len(COLUMNS) - 1)
    widths[0] = max(len(COLUMNS[0]), min(widths[0], WIDTH - rest))

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [
        "Prices in USD per million tokens (input/output, 5-minute cache write/read), first-party API.",
        "STATUS is as of " + today.isoformat() + "; sources are keys, explained at the end.",
    ]
    if cat.overrides:
        out.append("Overridden by: " + ", ".join(cat.overrides) + ".")
    used: List[str] = []
    provider = None
    for model, cells in zip(models, rows):
        if model.provider != provider:
            provider = model.provider
            count = sum(1 for m in models if m.provider == provider)
            out += ["", f"{provider} ({count} model{'s' if count != 1 else ''})", line(COLUMNS)]
        if len(cells[0]) > widths[0]:  # a long ID on its own line, the figures below it
            out.append(cells[0])
            cells = [""] + cells[1:]
        out.append(line(cells))
        details = []
        if model.aliases:
            details.append("aliases " + ", ".join(model.aliases))
        if model.successor:
            details.append("successor " + model.successor)
        for name, life in model.platforms:
            details.append(f"{_platform_name(name)}: {_life(life, today)}")
            used += [k for k in life.source if k not in used]
        sources = tuple(dict.fromkeys(model.source + model.lifecycle_source))
        used += [k for k in sources if k not in used]
        if sources:
            details.append("sources " + " ".join(sources) if all(k in cat.sources for k in sources) else "sources " + "; ".join(sources))
        if model.origin != "built-in":
            details.append("from " + model.origin)
        text = "; ".join(details)
        out += textwrap.wrap(text, WIDTH, initial_indent="    ", subsequent_indent="      ", break_on_hyphens=False) if text else []
    legend = sorted((k, cat.sources[k]) for k in used if k in cat.sources)
    if legend:
        out += ["", "Sources:"]
        for key, words in legend:
            out += textwrap.wrap(f"{key}: {words}", WIDTH, initial_indent="  ", subsequent_indent="      ", break_on_hyphens=False)
    return "\n".join(out) + "\n"


def _as_dict(cat: Catalog, model: Model, today: datetime.date) -> Dict[str, object]:
    def life(lc: Lifecycle) -> Dict[str, object]:
        return {
            "status": lc.status, "status_today": lc.state(today), "retires": lc.retires,
            "days_left": lc.days_left(today), "successor": lc.successor,
            "source": [cat.sources.get(k, k) for k in lc.source], "source_keys": list(lc.source),
        }

    first = model.lifecycle
    return {
        "id": model.id, "aliases": list(model.aliases), "provider": model.provider, "family": model.family, "tier": model.tier,
        "input": model.input, "output": model.output, "cache_write": model.cache_write, "cache_read": model.cache_read,
        "max_output": model.max_output, "context": model.context, "min_cacheable": model.min_cacheable,
        "nonstreaming_max": model.nonstreaming_max, "tokenizer": model.tokenizer, "tokenizer_ratio": cat.token_ratio(model),
        "status": model.status, "status_today": first.state(today), "retires": model.retires, "days_left": first.days_left(today),
        "successor": model.successor,
        "rejects": list(model.rejects), "rejects_source": [cat.sources.get(k, k) for k in model.rejects_source],
        "uncached_on": list(model.uncached_on), "uncached_on_source": [cat.sources.get(k, k) for k in model.uncached_on_source],
        "source": [cat.sources.get(k, k) for k in model.source], "source_keys": list(model.source),
        "lifecycle_source": [cat.sources.get(k, k) for k in first.source], "lifecycle_source_keys": list(first.source),
        "platforms": {name: {"platform": PLATFORMS[name.split("-")[0]], **life(lc)} for name, lc in model.platforms},
        "note": model.note, "origin": model.origin,
    }


def render_json(cat: Catalog, models: Sequence[Model], today: datetime.date) -> str:
    doc = {
        "today": today.isoformat(),
        "units": {"prices": "USD per million tokens, first-party API", "cache_write": "5-minute cache write", "limits": "tokens"},
        "catalogue": DATA,
        "overrides": list(cat.overrides),
        "sources": dict(cat.sources),
        "models": [_as_dict(cat, m, today) for m in models],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
