"""The model catalogue: tiers, prices, limits and lifecycle, read from models.toml.

Model IDs are normalised before look-up so that provider-prefixed and platform IDs
(`anthropic/claude-sonnet-4-6`, `us.anthropic.claude-opus-4-7`, `...-v1:0`,
`claude-opus-4-6@default`) find the same entry.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, Iterable, Optional, Tuple


DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models.toml")

_PREFIX = re.compile(r"^(?:(?:anthropic|bedrock|vertex_ai|openai|azure|litellm_proxy)[/:])+")  # ":" is init_chat_model's provider:model
_REGION = re.compile(r"^(?:us|eu|apac|jp|au|global|us-gov)\.")
_BEDROCK = re.compile(r"^anthropic\.(?P<id>.+?)(?:-v\d+(?::\d+)?)?$")
_VERTEX = re.compile(r"^(?P<id>claude-[^@]+)@(?P<tag>.+)$")


@dataclass(frozen=True)
class Model:
    id: str
    provider: str
    family: str
    tier: str
    aliases: Tuple[str, ...] = ()
    input: Optional[float] = None
    output: Optional[float] = None
    cache_write: Optional[float] = None
    cache_read: Optional[float] = None
    max_output: Optional[int] = None
    context: Optional[int] = None
    min_cacheable: Optional[int] = None
    tokenizer: str = "claude-legacy"
    status: str = "active"
    retires: Optional[str] = None
    successor: Optional[str] = None
    nonstreaming_max: Optional[int] = None
    source: str = ""
    note: str = ""


FIELDS = {f for f in Model.__dataclass_fields__}
TIER_ORDER = {"small": 0, "mid": 1, "top": 2}


class CatalogError(ValueError):
    pass


@dataclass
class Catalog:
    models: Dict[str, Model]
    tokenizers: Dict[str, float]
    _index: Dict[str, Model] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for model in self.models.values():
            for key in (model.id, *model.aliases):
                self._index[key.lower()] = model

    def lookup(self, model_id: str) -> Optional[Model]:
        if not isinstance(model_id, str):
            return None
        key = normalise(model_id)
        found = self._index.get(key)
        if found is None and "@" in key:
            found = self._index.get(key.split("@", 1)[0])
        return found

    def token_ratio(self, model: Optional[Model]) -> float:
        if model is None:
            return min(self.tokenizers.values())
        return self.tokenizers.get(model.tokenizer, 1.0)

    def cheapest(self, provider: str) -> Optional[Model]:
        """The cheapest active model of a provider, by output price."""
        candidates = [m for m in self.models.values() if m.provider == provider and m.status == "active" and m.output]
        return min(candidates, key=lambda m: (m.output, m.input or 0), default=None)

    def with_extra(self, extra: Iterable[dict]) -> "Catalog":
        models = dict(self.models)
        for raw in extra:
            model = _model(raw, "config")
            models[model.id] = model
        return Catalog(models, dict(self.tokenizers))


def normalise(model_id: str) -> str:
    key = model_id.strip().lower()
    key = _PREFIX.sub("", key)
    key = _REGION.sub("", key)
    m = _BEDROCK.match(key)
    if m:
        key = m.group("id")
    m = _VERTEX.match(key)
    if m:
        tag = m.group("tag")
        key = m.group("id") if tag in ("default", "latest") else f"{m.group('id')}-{tag}"
    return key


def _model(raw: dict, where: str) -> Model:
    if not isinstance(raw, dict) or "id" not in raw:
        raise CatalogError(f"{where}: every model needs an `id`")
    unknown = set(raw) - FIELDS
    if unknown:
        raise CatalogError(f"{where}: model {raw['id']!r} has unknown keys: {', '.join(sorted(unknown))}")
    for key in ("provider", "tier"):
        if key not in raw:
            raise CatalogError(f"{where}: model {raw['id']!r} needs `{key}`")
    _check_types(raw, where)
    if raw["tier"] not in TIER_ORDER:
        raise CatalogError(f"{where}: model {raw['id']!r}: tier must be one of small, mid, top")
    values = dict(raw)
    values.setdefault("family", raw["id"].split("-")[0])
    values["aliases"] = tuple(raw.get("aliases") or ())
    for key in ("retires",):
        if values.get(key) is not None:
            values[key] = str(values[key])
    return Model(**values)


# A project's config adds models (`[[tool.claude-lint.models]]`): each value must have the
# type the rules compute with, and numbers must stay finite in every sum and in JSON.
_TEXT = ("id", "provider", "family", "tier", "tokenizer", "status", "successor", "source", "note")
_PRICES = ("input", "output", "cache_write", "cache_read")  # USD per million tokens
_COUNTS = ("max_output", "context", "min_cacheable", "nonstreaming_max")  # tokens
STATUSES = ("active", "deprecated", "retired")
MAX_PRICE = 1e6
MAX_COUNT = 10 ** 9


def _check_types(raw: dict, where: str) -> None:
    name = raw["id"] if isinstance(raw.get("id"), str) else "?"

    def bad(key: str, what: str) -> CatalogError:
        return CatalogError(f"{where}: model {name[:60]!r}: `{key}` must be {what}")

    for key, v in raw.items():
        if key in _TEXT and not isinstance(v, str):
            raise bad(key, "a string")
        if key in _PRICES and v is not None and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= MAX_PRICE):
            raise bad(key, f"a number from 0 to {MAX_PRICE:,.0f} (USD per million tokens)")
        if key in _COUNTS and v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_COUNT):
            raise bad(key, f"a whole number from 0 to {MAX_COUNT:,}")
        if key == "aliases" and v is not None and not (isinstance(v, list) and all(isinstance(a, str) for a in v)):
            raise bad(key, "a list of strings")
        if key == "retires" and v is not None and not (isinstance(v, str) or type(v).__name__ == "date"):
            raise bad(key, "a date (2026-01-31) or a string")
    if not raw["id"].strip():
        raise bad("id", "a non-empty string")
    if raw.get("status", "active") not in STATUSES:
        raise bad("status", "one of " + ", ".join(STATUSES))


@lru_cache(maxsize=1)
def load() -> Catalog:
    # TOML, not YAML: tomllib parses the catalogue in a fifth of the time PyYAML takes to
    # import and read it, and a one-file run (pre-commit, on save) pays that at every start.
    from claude_lint import toml

    with open(DATA, "rb") as fh:
        data = toml.load(fh)
    models = {}
    for raw in data["models"]:
        model = _model(raw, DATA)
        models[model.id] = model
    return Catalog(models, dict(data["tokenizers"]))
