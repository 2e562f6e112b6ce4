"""Model IDs as CL007 reads them: the catalogued model an unknown ID belongs to (an OpenAI
snapshot, an old spelling of a Claude major version, a `-latest` alias), a Claude ID that names a known model
wrongly (a snapshot date it never had, the 3.x word order on a newer model), and the written
IDs among a run-time model's possible values."""
from __future__ import annotations

import re
from collections import namedtuple

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional

from claude_lint.catalog import normalise
from claude_lint.facts import OneOf, Text
from claude_lint.patterns import lazy
from claude_lint.prompt_text import MAX_OPTIONS_DEPTH

# An OpenAI snapshot or context variant of a catalogued model: `gpt-4-0613`, `gpt-4o-2024-05-13`,
# `gpt-3.5-turbo-16k-0613`, `gpt-4-1106-preview`. A snapshot is retired no later than its model.
_SNAPSHOT = lazy(r"^(?P<base>(?:gpt|o\d)[-.a-z0-9]*?)(?:-(?:16k|32k))?(?:-(?:\d{4}|\d{4}-\d{2}-\d{2}))?(?:-preview)?$")
# The Anthropic SDK's old spellings: `claude-v1`, `claude-instant-v1.2` for claude-1, claude-instant-1.2.
_OLD_SPELLING = lazy(r"-v(?=\d)")
# A dated Claude snapshot (`claude-opus-4-5-20251101`; Vertex writes `claude-opus-4@20250514`).
_DATED = lazy(r"^(?P<stem>claude-[a-z0-9.-]+?)-(?P<date>20\d{6})$")
# The 3.x word order (`claude-3-5-sonnet-latest`) on a model named family first (`claude-sonnet-4-6`).
_OLD_ORDER = lazy(r"^claude-(?P<version>\d+(?:-\d+)?)-(?P<line>opus|sonnet|haiku)(?:-(?P<tail>latest|20\d{6}))?$")


class Misnamed(namedtuple("Misnamed", ("model", "wrong", "right", "why"))):
    """A model ID the API does not know whose model is nonetheless certain: `wrong` as written
    in the ID is `right` for `model`; `why` says how the two differ."""

    __slots__ = ()


def family(catalog, bare: str, undated: bool = True):
    """A catalogued model whose lifecycle an unknown ID shares, and how it is related: an
    OpenAI snapshot of a known model, a `-latest` alias (`claude-3-5-sonnet-latest`) or an undated
    major version (`claude-2`, `claude-v1`) every catalogued member of which is retired. (None, "") when there is none.
    undated: read a Claude name without its date too (`claude-3-sonnet`), for a request that may send one."""
    key = bare.strip().lower()
    m = _SNAPSHOT.match(key)
    if m and m.group("base") != key:
        name = m.group("base")
        if name == "gpt-4" and key.endswith("-preview"):
            name = "gpt-4-turbo"  # gpt-4-1106-preview, gpt-4-0125-preview: the GPT-4 Turbo previews
        base = catalog.lookup(name)
        if base is not None and base.provider == "openai":
            # A preview came before the model and is not one of its versions: the sources date the model only.
            return base, f" ({'a preview' if key.endswith('-preview') else 'a version'} of {base.id})"
    # An alias points at a snapshot of its model, and a Claude name written without its date
    # (`claude-3-sonnet`, never an ID of the API) can mean no other: when every catalogued snapshot is retired, so is it.
    stem = key[: -len("-latest")] if key.endswith("-latest") else key if undated and key.startswith("claude-") and not _DATED.match(key) else ""
    if stem:
        members = [mm for mm in catalog.models.values() for d in [_DATED.match(mm.id)] if d and d.group("stem") == stem]
        if members and all(mm.status == "retired" and mm.retires for mm in members):
            return max(members, key=lambda mm: mm.retires), f" (every {stem} snapshot is retired)"
    key = _OLD_SPELLING.sub("-", key)
    if re.fullmatch(r"claude(?:-instant)?-\d(?:\.\d)?", key):
        exact = catalog.lookup(key)
        if exact is not None:
            return exact, f" ({exact.id})"
        members = [mm for mm in catalog.models.values() if mm.id.startswith(key + ".") or mm.id.startswith(key + "-")]
        if members and all(mm.status == "retired" and mm.retires for mm in members):
            last = max(members, key=lambda mm: mm.retires)
            return last, f" (every {key}.x model is retired)"
    return None, ""



def major_versions(catalog) -> set:
    """`claude-2`, `claude-instant-1`: undated major versions the code writes and `family` resolves,
    which the catalogue lists only as `claude-2.0`, `claude-2.1`."""
    return {m.group(1) for model in catalog.models.values() for m in [re.match(r"^(claude(?:-instant)?-\d)\.\d$", model.id)] if m}


def misnamed(catalog, raw: str) -> Optional[Misnamed]:
    """A Claude ID no catalogue entry answers to but whose model is plain: a dated snapshot whose
    model has exactly one other snapshot date (`claude-opus-4-5-20251124`, Vertex
    `claude-opus-4@20250508`), or a Claude 4+ name written in the 3.x order
    (`claude-4-6-sonnet-latest`). Both are certain: the API answers each with not_found."""
    key = normalise(raw)
    if catalog.lookup(key) is not None:
        return None
    dated = _DATED.match(key)
    if dated:
        stem, date = dated.group("stem"), dated.group("date")
        snapshots = {m.group("date"): model for model in catalog.models.values() for m in [_DATED.match(model.id)] if m and m.group("stem") == stem}
        if len(snapshots) == 1 and date in raw:
            right, model = next(iter(snapshots.items()))
            return Misnamed(model, date, right, f"{stem} has one snapshot, dated {right}, not {date}")
    old = _OLD_ORDER.match(key)
    if old and int(old.group("version").split("-")[0]) >= 4:
        tail = old.group("tail")
        name = f"claude-{old.group('line')}-{old.group('version')}"
        model = catalog.lookup(name + (f"-{tail}" if tail and tail != "latest" else ""))
        written = raw.lower().find(key)
        if model is not None and written >= 0:
            right = name if model.id.startswith(name) else model.id
            if tail and tail != "latest" and model.id.startswith(name):
                right = model.id
            return Misnamed(model, raw[written:written + len(key)], right, f"a Claude {old.group('version').replace('-', '.')} model is named family first ({right})")
    return None


def retired_sibling(catalog, model, platform: str, today):
    """A newer model of the same line (`haiku`, `sonnet`) that `platform` has already retired, when
    the catalogue has no date of its own for `model` there and the first-party API retired it:
    a platform that retired Claude Haiku 4.5 serves no Claude 3 Haiku. None otherwise."""
    if model.lifecycle.state(today) != "retired" or model.retires is None:
        return None
    for other in catalog.models.values():
        life = other.on(platform)
        if (other.provider == model.provider and other.family == model.family and life is not None and life.state(today) == "retired"
                and (other.retires is None or other.retires > model.retires)):
            return other, life
    return None


def written_options(value: OneOf, depth: int = 0) -> Iterator[Text]:
    """The literal model IDs among a run-time value's possible values, nested ones included."""
    for option in value.options:
        if isinstance(option, OneOf) and depth < MAX_OPTIONS_DEPTH:
            yield from written_options(option, depth + 1)
        elif isinstance(option, Text) and option.is_folded and not option.dynamic_parts and option.literal.strip():
            yield option
