"""A user's price file (`models-file`: our TOML shape, or LiteLLM's
model_prices_and_context_window.json shape), read and checked, and the catalogue a
run's settings configure: the built-in one with those files' entries over it."""
from __future__ import annotations

import math
import os
import stat
from functools import lru_cache
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Tuple
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start

from claude_lint.catalog import MAX_COUNT, MAX_FILE_BYTES, _FIRST_PARTY, Catalog, CatalogError, Model, _date, _plain, load, platform_of


# LiteLLM's field -> (ours, kind). Prices there are USD per token; ours per million tokens.
LITELLM_FIELDS = {
    "input_cost_per_token": ("input", "price"),
    "output_cost_per_token": ("output", "price"),
    "cache_creation_input_token_cost": ("cache_write", "price"),
    "cache_read_input_token_cost": ("cache_read", "price"),
    "max_output_tokens": ("max_output", "count"),
    "max_input_tokens": ("context", "count"),
    "prompt_cache_min_tokens": ("min_cacheable", "count"),
    "deprecation_date": ("retires", "date"),
    "successor_model": ("successor", "text"),
}


@frozen
class ModelsFile:
    """A user's price file, read and checked: its entries and their sources."""
    entries: Tuple[dict, ...]  # in our shape, for Catalog.with_extra
    sources: Dict[str, str]


def read_models_file(path: str, shown: str) -> ModelsFile:
    """A user's price file, read and checked (CatalogError names the file and the key)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise CatalogError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise CatalogError(f"{shown}: not a regular file")
    if st.st_size > MAX_FILE_BYTES:
        raise CatalogError(f"{shown}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    return _read_models_file(path, shown, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=4)
def _read_models_file(path: str, shown: str, mtime_ns: int, size: int) -> ModelsFile:
    # Keyed on the file's mtime and size: the config check and the run share one parse, and
    # the language server, which loads the config on every lint, sees an edited file.
    if not path.lower().endswith((".toml", ".json")):
        raise CatalogError(f"{shown}: a price file must be .toml (claude-lint's models format) or .json (LiteLLM's format)")
    try:
        # Non-blocking, and checked again after the open: a file swapped for a FIFO must not hang the run.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise CatalogError(f"{shown}: not a regular file")
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise CatalogError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise CatalogError(f"{shown}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if path.lower().endswith(".toml"):
        return _read_toml(data, shown)
    return _read_litellm(data, shown)


def _utf8(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{shown}: not UTF-8 text ({exc.reason})") from None


def _read_toml(data: bytes, shown: str) -> ModelsFile:
    from claude_lint import toml

    try:
        doc = toml.loads(_utf8(data, shown))
    except toml.TOMLDecodeError as exc:
        raise CatalogError(f"{shown}: not valid TOML: {exc}") from None
    unknown = set(doc) - {"models", "sources"}
    if unknown:
        raise CatalogError(f"{shown}: unknown top-level keys: {', '.join(sorted(unknown))} (expected [[models]] and [sources])")
    models = doc.get("models", [])
    if not isinstance(models, list) or not all(isinstance(m, dict) for m in models):
        raise CatalogError(f"{shown}: `models` must be an array of tables ([[models]])")
    sources = doc.get("sources", {})
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        raise CatalogError(f"{shown}: `sources` must be a table of key = \"plain words\"")
    for key, words in sources.items():
        _plain(words, f"{shown}: `sources.{key}`")
    # Checked now, against the built-in catalogue, so that a mistake is reported when the config is read.
    load().with_extra(models, shown, sources)
    return ModelsFile(tuple(models), dict(sources))


def _read_litellm(data: bytes, shown: str) -> ModelsFile:
    import json

    try:
        doc = json.loads(_utf8(data, shown))
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{shown}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise CatalogError(f"{shown}: not valid JSON: nested too deeply") from None
    if not isinstance(doc, dict):
        raise CatalogError(f"{shown}: expected a JSON object of model ID -> {{input_cost_per_token, ...}} (LiteLLM's format)")
    base = load()
    entries: List[dict] = []
    for key, spec in doc.items():
        if key == "sample_spec":
            continue
        if not isinstance(spec, dict):
            raise CatalogError(f"{shown}: `{key}` must be an object of LiteLLM fields, got {type(spec).__name__}")
        platform = platform_of(key)
        model = base.lookup(key)
        if model is None or (platform is None and not _names(model, key)):
            continue  # a model the catalogue does not know (add it with the TOML format), or another gateway's ID
        values = _litellm_values(spec, f"{shown}: `{key}`")
        if platform is not None:
            life = {k: values[k] for k in ("retires", "successor") if k in values}
            if life:
                life["source"] = shown
                entries.append({"id": model.id, "platforms": {platform: life}})
            continue
        if not values:
            continue
        if "retires" in values and model.status == "active":
            values["status"] = "deprecated"  # LiteLLM's deprecation_date: the announced end of service
        values["source"] = shown
        entries.append({"id": model.id, **values})
    if not entries:
        raise CatalogError(f"{shown}: names no model the catalogue knows (LiteLLM's format overrides known models; add new ones with the TOML format)")
    return ModelsFile(tuple(entries), {})


def _names(model: Model, key: str) -> bool:
    """Whether a LiteLLM key is the first-party ID (or alias) itself: `azure/gpt-4o` or
    `openrouter/...` keys are other services' prices."""
    bare = _FIRST_PARTY.sub("", key.strip().lower())
    return bare in (k.lower() for k in (model.id, *model.aliases))


def _litellm_values(spec: dict, at: str) -> dict:
    out: dict = {}
    for name, (ours, kind) in LITELLM_FIELDS.items():
        if name not in spec or spec[name] is None:
            continue
        value = spec[name]
        what = f"{at}.{name}"
        if kind == "price":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise CatalogError(f"{what} must be a non-negative number (USD per token), got {value!r}")
            out[ours] = round(value * 1_000_000, 9)
        elif kind == "count":
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_COUNT:
                raise CatalogError(f"{what} must be a positive whole number of tokens (at most {MAX_COUNT:,}), got {value!r}")
            out[ours] = value
        elif kind == "date":
            out[ours] = _date(value, what)
        elif not isinstance(value, str) or not value.strip():
            raise CatalogError(f"{what} must be a model ID, got {value!r}")
        else:
            out[ours] = _plain(_FIRST_PARTY.sub("", value.strip()), what)
    return out


def configured(settings) -> Catalog:
    """The built-in catalogue, then the user's price file (`models-file`), then the config's
    `[[tool.claude-lint.models]]`: a later one overrides what an earlier one says."""
    cat = load()
    path = getattr(settings, "models_file", None)
    if path:
        shown = shown_path(path, settings.root)
        found = read_models_file(path, shown)
        cat = cat.with_extra(found.entries, shown, found.sources)
    if settings.models:
        cat = cat.with_extra(settings.models, os.path.basename(settings.config_path) if settings.config_path else "config")
    return cat


def shown_path(path: str, root: str) -> str:
    try:
        return os.path.relpath(path, root).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return path
