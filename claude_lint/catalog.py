"""The model catalogue: tiers, prices, limits and lifecycle, read from models.toml.

Model IDs are normalised before look-up so that provider-prefixed and platform IDs
(`anthropic/claude-sonnet-4-6`, `us.anthropic.claude-opus-4-7`, `...-v1:0`,
`claude-opus-4-6@default`) find the same entry. A platform ID is judged by that
platform's own lifecycle (`platforms.<name>` of the entry) where one is recorded:
Bedrock, Vertex and Foundry retire models on their own dates.

A user's price file (`models-file`: our TOML shape, or LiteLLM's
model_prices_and_context_window.json shape) overrides the entries it names: it is read
by `catalog_files`, which also builds the catalogue a run's settings configure.
"""
from __future__ import annotations

try:  # the C module alone: `datetime` first defines all its classes in Python, then replaces them by these (3 M instructions a start)
    import _datetime as datetime
except ImportError:  # a Python without it
    import datetime
import math
import os
from dataclasses import replace
from functools import lru_cache
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Iterable, Optional, Sequence, Tuple

from claude_lint.patterns import lazy
from claude_lint.records import frozen


DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models.toml")

_PREFIX = lazy(r"^(?:(?:anthropic|bedrock|vertex_ai|azure_ai|openai|azure|litellm_proxy)[/:])+(?:(?:converse|invoke)/)?")  # ":" is init_chat_model's provider:model
_REGION = lazy(r"^(?:us|eu|apac|jp|au|global|us-gov)\.")
_BEDROCK = lazy(r"^anthropic\.(?P<id>.+?)(?:-v\d+(?::\d+)?)?$")
_VERTEX = lazy(r"^(?P<id>claude-[^@]+)@(?P<tag>.+)$")
# LiteLLM's platform prefixes; `azure_ai/` is Microsoft Foundry (`azure/` is Azure OpenAI, not covered).
_LITELLM_PLATFORM = lazy(r"^(?:litellm_proxy/)?(?P<p>bedrock|vertex_ai|azure_ai)/(?:(?:converse|invoke)/)?")
_BEDROCK_ID = lazy(r"^(?:(?P<region>us|eu|apac|jp|au|global|us-gov)\.)?anthropic\.")
_FIRST_PARTY = lazy(r"^(?:anthropic|openai)/")

PLATFORMS = {"bedrock": "Amazon Bedrock", "vertex": "Google Vertex AI", "foundry": "Microsoft Foundry"}
_PLATFORM_KEY = lazy(r"^(?:bedrock(?:-(?:us|eu|apac|jp|au|global|us-gov))?|vertex|foundry)$")
STATUSES = ("active", "deprecated", "retired")
MAX_FILE_BYTES = 20_000_000  # LiteLLM's whole price list is about 1.5 MB
_ISO_DATE = lazy(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# Texts of a user's file reach the terminal (findings, `claude-lint models`): no escape sequences.
_CONTROL = lazy(r"[\x00-\x1f\x7f-\x9f]")


@frozen
class Lifecycle:
    """A model's status and retirement date, and what replaces it."""
    status: str = "active"
    retires: Optional[str] = None  # ISO date
    successor: Optional[str] = None
    source: Tuple[str, ...] = ()

    def state(self, today: datetime.date) -> str:
        """retired, deprecated or active on `today`: a retirement date reached means retired."""
        if self.status == "retired" or (self.retires is not None and datetime.date.fromisoformat(self.retires) <= today):
            return "retired"
        return self.status

    def days_left(self, today: datetime.date) -> Optional[int]:
        return None if self.retires is None else (datetime.date.fromisoformat(self.retires) - today).days


@frozen
class Model:
    """One model's catalogue entry: provider, family, prices, limits and lifecycle."""
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
    # Request parameters the model refuses with a 400 (REJECTABLE), and where that is said.
    rejects: Tuple[str, ...] = ()
    rejects_source: Tuple[str, ...] = ()
    source: Tuple[str, ...] = ()  # source keys ([sources] of models.toml) or plain words
    lifecycle_source: Tuple[str, ...] = ()  # the sources of status, retires and successor
    platforms: Tuple[Tuple[str, Lifecycle], ...] = ()  # ("vertex", ...), ("bedrock-eu", ...)
    # Platforms (bedrock, vertex, foundry) that offer the model no prompt caching at all (no
    # cache_control, no cachePoint), and where that is said: advice to cache is no advice there.
    uncached_on: Tuple[str, ...] = ()
    uncached_on_source: Tuple[str, ...] = ()
    note: str = ""
    origin: str = "built-in"  # or the user file that added or changed the entry

    @property
    def lifecycle(self) -> Lifecycle:
        """On the first-party API (Claude API, OpenAI API)."""
        return Lifecycle(self.status, self.retires, self.successor, self.lifecycle_source or self.source)

    def cache_prices(self) -> Tuple[Optional[float], Optional[float]]:
        """(write, read) in USD per million tokens, each the input price where the catalogue
        has none: a cached prefix is then billed as plain input."""
        return (self.cache_write if self.cache_write is not None else self.input,
                self.cache_read if self.cache_read is not None else self.input)

    def on(self, platform: str) -> Optional[Lifecycle]:
        """The lifecycle on a platform (`bedrock-eu` falls back to `bedrock`), None when not recorded."""
        found = dict(self.platforms)
        return found.get(platform) or found.get(platform.split("-", 1)[0])

    def caches_on(self, platform: Optional[str]) -> bool:
        """Does the platform (None: the first-party API; `bedrock-eu` counts as `bedrock`) offer this model prompt caching?"""
        return platform is None or platform.split("-", 1)[0] not in self.uncached_on


# The names from the record itself: reading `__dataclass_fields__` at import made a `Field` per
# field and a real dataclass to copy them from (`records._model`), at every start.
FIELDS = set(Model.__match_args__) - {"origin"}
TIER_ORDER = {"small": 0, "mid": 1, "top": 2}
_PRICES = ("input", "output", "cache_write", "cache_read")
_COUNTS = ("max_output", "context", "min_cacheable", "nonstreaming_max")
_TEXTS = ("id", "provider", "family", "tokenizer", "successor", "note")
_LIFECYCLE_KEYS = ("status", "retires", "successor")
# What `rejects` may name: sampling parameters with a non-default value, extended
# thinking with a token budget (`thinking={"type": "enabled", "budget_tokens": N}`), and
# OpenAI's `max_tokens` where only `max_completion_tokens` is accepted.
REJECTABLE = ("temperature", "top_p", "top_k", "thinking.budget_tokens", "max_tokens")


class CatalogError(ValueError):
    pass


class Catalog:
    """The model catalogue of a run: entries by ID, the tokenizer ratios, and where the facts come from.
    A plain class with the methods `@dataclass` wrote for it (its making was 0.5 M instructions
    of every start)."""

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __init__(self, models: Dict[str, Model], tokenizers: Dict[str, float], sources: Optional[Dict[str, str]] = None,
                 overrides: Tuple[str, ...] = (), _index: Optional[Dict[str, Model]] = None) -> None:
        self.models = models
        self.tokenizers = tokenizers
        self.sources = {} if sources is None else sources  # source key -> plain words
        self.overrides = overrides  # user files applied, in order
        self._index = {} if _index is None else _index
        for model in self.models.values():
            for key in (model.id, *model.aliases):
                self._index[normalise(key)] = model

    def _values(self) -> tuple:
        return (self.models, self.tokenizers, self.sources, self.overrides, self._index)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __repr__(self) -> str:
        return (f"{self.__class__.__qualname__}(models={self.models!r}, tokenizers={self.tokenizers!r}, sources={self.sources!r}, "
                f"overrides={self.overrides!r}, _index={self._index!r})")

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

    def cite(self, keys: Sequence[str]) -> str:
        """Sources in plain words: a key of the [sources] table becomes its text; other text stays as written."""
        return "; ".join(self.sources.get(k, k) for k in keys)

    def with_extra(self, extra: Iterable[dict], origin: str = "config", sources: Optional[Dict[str, str]] = None) -> "Catalog":
        """Entries added or changed by the user: an entry that names a known model (by ID or
        alias) changes only the fields it gives; any other needs `provider` and `tier`."""
        models = dict(self.models)
        cat = Catalog(models, dict(self.tokenizers), {**self.sources, **(sources or {})}, self.overrides)
        for raw in extra:
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"].strip():
                raise CatalogError(f"{origin}: every model needs an `id` (a non-empty string)")
            platform = platform_of(raw["id"])
            known = cat.lookup(raw["id"])
            if platform is not None:
                hint = f" of {known.id!r}" if known is not None else ""
                raise CatalogError(
                    f"{origin}: model {raw['id']!r} is a model ID of {PLATFORMS[platform.split('-')[0]]}; entries describe first-party "
                    f"models: give that platform's dates under `platforms.{platform}`{hint}"
                )
            model = _merge(known, raw, origin, cat.tokenizers) if known is not None else _model(raw, origin, cat.tokenizers)
            models[model.id] = model
            for key in (model.id, *model.aliases):  # a merged entry keeps (at least) its keys: all are replaced
                cat._index[normalise(key)] = model
        if origin not in cat.overrides:
            cat.overrides = cat.overrides + (origin,)
        return cat


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


def platform_of(model_id: str, client: Optional[str] = None) -> Optional[str]:
    """The platform a model ID is served on: `bedrock` (or `bedrock-eu` etc. for a regional
    inference profile), `vertex`, `foundry`; None for the first-party API. `client` is the
    call's provider when its client class already says (AnthropicBedrock, AnthropicVertex)."""
    key = model_id.strip().lower()
    platform = client if client in ("bedrock", "vertex") else None
    m = _LITELLM_PLATFORM.match(key)
    if m:
        platform = {"bedrock": "bedrock", "vertex_ai": "vertex", "azure_ai": "foundry"}[m.group("p")]
        key = key[m.end():]
    if platform in (None, "bedrock"):
        b = _BEDROCK_ID.match(key)
        if b:
            return "bedrock" + (f"-{b.group('region')}" if b.group("region") else "")
    if platform is None and _VERTEX.match(key):
        return "vertex"
    return platform


# --- validation ---------------------------------------------------------------------


def _date(value, what: str) -> str:
    if isinstance(value, datetime.datetime) or not isinstance(value, (str, datetime.date)):
        raise CatalogError(f"{what} must be a date (YYYY-MM-DD), got {value!r}")
    text = value.isoformat() if isinstance(value, datetime.date) else value
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        datetime.date.fromisoformat(text)
    except ValueError:
        raise CatalogError(f"{what} must be a date (YYYY-MM-DD), got {value!r}") from None
    return text


def _plain(value: str, what: str) -> str:
    if _CONTROL.search(value):
        raise CatalogError(f"{what} must not contain control characters, got {value!r}")
    return value


def _texts(value, what: str) -> Tuple[str, ...]:
    if isinstance(value, str):
        return (_plain(value, what),)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogError(f"{what} must be a string or a list of strings")
    return tuple(_plain(v, what) for v in value)


MAX_PRICE = 1e6  # USD per million tokens: far above any list price
MAX_COUNT = 10 ** 9  # tokens: far above any context window


def _fields(raw: dict, where: str, tokenizers: Dict[str, float]) -> dict:
    """The given fields of one entry, type-checked and converted to Model's types."""
    name = raw.get("id")
    at = f"{where}: model {name!r}:"
    unknown = set(raw) - FIELDS
    if unknown:
        raise CatalogError(f"{at} unknown keys: {', '.join(sorted(map(str, unknown)))}")
    out: dict = {}
    for key, value in raw.items():
        what = f"{at} `{key}`"
        if key in _PRICES:
            # Bounded so that every sum of prices stays finite (and valid JSON) however many calls are priced.
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not 0 <= value <= MAX_PRICE:
                raise CatalogError(f"{what} must be a non-negative number (USD per million tokens, at most {MAX_PRICE:,.0f}), got {value!r}")
            out[key] = float(value)
        elif key in _COUNTS:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_COUNT:
                raise CatalogError(f"{what} must be a positive whole number of tokens (at most {MAX_COUNT:,}), got {value!r}")
            out[key] = value
        elif key in _TEXTS:
            if not isinstance(value, str) or (key in ("id", "provider", "family", "tokenizer") and not value.strip()):
                raise CatalogError(f"{what} must be a non-empty string, got {value!r}")
            if key == "tokenizer" and value not in tokenizers:
                raise CatalogError(f"{what} must be one of {', '.join(sorted(tokenizers))}, got {value!r}")
            out[key] = _plain(value.replace("\n", " ").replace("\t", " ") if key == "note" else value, what)
        elif key == "tier":
            if value not in TIER_ORDER:
                raise CatalogError(f"{at} tier must be one of small, mid, top, got {value!r}")
            out[key] = value
        elif key == "status":
            if value not in STATUSES:
                raise CatalogError(f"{what} must be one of {', '.join(STATUSES)}, got {value!r}")
            out[key] = value
        elif key == "retires":
            out[key] = _date(value, what)
        elif key in ("aliases",):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise CatalogError(f"{what} must be a list of model IDs")
            out[key] = tuple(_plain(v, what) for v in value)
        elif key == "uncached_on":
            if not isinstance(value, list) or not all(isinstance(v, str) and v in PLATFORMS for v in value):
                raise CatalogError(f"{what} must be a list of platforms ({', '.join(PLATFORMS)}), got {value!r}")
            out[key] = tuple(value)
        elif key in ("source", "lifecycle_source", "rejects_source", "uncached_on_source"):
            out[key] = _texts(value, what)
        elif key == "rejects":
            if not isinstance(value, list) or not all(v in REJECTABLE for v in value):
                raise CatalogError(f"{what} must be a list of {', '.join(REJECTABLE)}, got {value!r}")
            out[key] = tuple(value)
        elif key == "platforms":
            out[key] = _platforms(value, what)
    return out


def _platforms(value, what: str) -> Tuple[Tuple[str, Lifecycle], ...]:
    if not isinstance(value, dict):
        raise CatalogError(f"{what} must be a table of platform = {{ retires = ..., successor = ..., source = ... }}")
    out = []
    for name, life in value.items():
        here = f"{what[:-1]}.{name}`"
        if not _PLATFORM_KEY.match(str(name)):
            raise CatalogError(f"{here}: unknown platform (known: bedrock, bedrock-<region>, vertex, foundry)")
        if not isinstance(life, dict):
            raise CatalogError(f"{here} must be a table")
        unknown = set(life) - {"status", "retires", "successor", "source"}
        if unknown:
            raise CatalogError(f"{here} has unknown keys: {', '.join(sorted(map(str, unknown)))}")
        retires = _date(life["retires"], f"{here[:-1]}.retires`") if "retires" in life else None
        status = life.get("status", "deprecated" if retires else "active")
        if status not in STATUSES:
            raise CatalogError(f"{here[:-1]}.status` must be one of {', '.join(STATUSES)}, got {status!r}")
        successor = life.get("successor")
        if successor is not None and (not isinstance(successor, str) or not successor.strip()):
            raise CatalogError(f"{here[:-1]}.successor` must be a model ID, got {successor!r}")
        if successor is not None:
            _plain(successor, f"{here[:-1]}.successor`")
        source = _texts(life["source"], f"{here[:-1]}.source`") if "source" in life else ()
        out.append((name, Lifecycle(status, retires, successor, source)))
    return tuple(out)


def _model(raw: dict, where: str, tokenizers: Optional[Dict[str, float]] = None) -> Model:
    if not isinstance(raw, dict) or "id" not in raw:
        raise CatalogError(f"{where}: every model needs an `id`")
    values = _fields(raw, where, tokenizers if tokenizers is not None else {"claude-legacy": 1.0})
    for key in ("provider", "tier"):
        if key not in values:
            raise CatalogError(f"{where}: model {raw['id']!r} needs `{key}`")
    values.setdefault("family", values["id"].split("-")[0])
    if where != DATA:
        values.setdefault("source", (where,))
        values["origin"] = where
    return Model(**values)


def _merge(base: Model, raw: dict, where: str, tokenizers: Dict[str, float]) -> Model:
    values = _fields(raw, where, tokenizers)
    values.pop("id")
    source = values.pop("source", (where,))
    if any(k in values for k in _LIFECYCLE_KEYS):
        values.setdefault("lifecycle_source", source)
    values["source"] = tuple(dict.fromkeys(source + base.source))
    if "aliases" in values:
        values["aliases"] = tuple(dict.fromkeys(base.aliases + values["aliases"]))
    if "platforms" in values:
        values["platforms"] = tuple({**dict(base.platforms), **dict(values["platforms"])}.items())
    values["origin"] = where
    return replace(base, **values)


@lru_cache(maxsize=1)
def load() -> Catalog:
    with open(DATA, "rb") as fh:
        raw = fh.read()
    from claude_lint import catalog_compiled

    compiled = catalog_compiled.path(raw, DATA, __file__)
    found = catalog_compiled.read(compiled, Catalog) if compiled is not None else None
    if found is not None:
        return found
    catalog = _parse(raw)
    if compiled is not None:
        catalog_compiled.write(compiled, catalog)
    return catalog


def _parse(raw: bytes) -> Catalog:
    # TOML, not YAML: tomllib parses the catalogue in a fifth of the time PyYAML takes to
    # import and read it.
    from claude_lint import toml

    data = toml.loads(raw.decode("utf-8"))
    models = {}
    tokenizers = dict(data["tokenizers"])
    for raw in data["models"]:
        model = _model(raw, DATA, tokenizers)
        models[model.id] = model
    return Catalog(models, tokenizers, dict(data.get("sources", {})))
