"""Binding a call's arguments to a wrapper's parameters: a wrapper's value with its
parameters replaced by what the call passes, and where each keyword is written."""
from __future__ import annotations

from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional

from claude_lint.extract.value_text import ITEMS_OP
from claude_lint.patterns import lazy
from claude_lint.facts import Dynamic, History, Loc, Mapping, OneOf, Param, Seq, Text, Transform, Unknown


def _entry_locs(kwargs: Mapping, fallback: Loc) -> Dict[str, Loc]:
    """Where each keyword is written at the call; keys from a spread point at the spread."""
    out: Dict[str, Loc] = {}
    for key, value in kwargs.entries:
        loc = getattr(value, "loc", None) or fallback
        if key is not None:
            out[key] = kwargs.loc_of(key) or loc
        elif isinstance(value, Mapping):
            for inner_key, inner_loc in _entry_locs(value, loc).items():
                out[inner_key] = inner_loc
    return out



def bound_mapping(value: Mapping, path: str, env: dict, budget: List[int]) -> Mapping:
    """A call's keywords (or a construction's) bound like `_substitute`, always a mapping: a
    call too large to bind whole keeps the wrapper's own writing, its parameters unread,
    rather than lose the request (a bare `Unknown` has no keywords to judge)."""
    out = _substitute(value, path, env, budget)
    return out if isinstance(out, Mapping) else value


def _substitute(value: object, path: str, env: dict, budget: List[int]) -> object:
    """A wrapper's value with its parameters replaced by what the call binds them to.
    path: the file the value was written in (its parameters are named by function)."""
    budget[0] -= 1
    if budget[0] < 0:
        return Unknown("too large to bind", getattr(value, "loc", None))
    kind = type(value)
    if kind is Param:
        frame = env.get((path, value.function))  # type: ignore[attr-defined]
        if frame is not None and value.name in frame[0]:  # type: ignore[attr-defined]
            return frame[0][value.name]  # type: ignore[attr-defined]
        return value
    if kind is Text:
        parts = tuple(p if isinstance(p, str) else _part(p, path, env, budget) for p in value.parts)  # type: ignore[attr-defined]
        return value if parts == value.parts else Text(parts, value.loc)  # type: ignore[attr-defined]
    if kind is Seq:
        items = tuple(_substitute(i, path, env, budget) for i in value.items)  # type: ignore[attr-defined]
        return Seq(items, value.loc)  # type: ignore[attr-defined]
    if kind is Mapping:
        entries = []
        key_locs = list(value.key_locs)  # type: ignore[attr-defined]
        for k, v in value.entries:  # type: ignore[attr-defined]
            new = _substitute(v, path, env, budget)
            if k is not None and type(v) is Param and new is not v:
                # The deciding value is the caller's argument: the keyword is written there.
                at = env[(path, v.function)][1].get(v.name)
                key_locs = [(kk, ll) for kk, ll in key_locs if kk != k]
                if at is not None:
                    key_locs.append((k, at))
            entries.append((k, new))
        return Mapping(tuple(entries), value.loc, value.open, tuple(key_locs))  # type: ignore[attr-defined]
    if kind is OneOf:
        # a helper's several returns, any of which the call may send: each with the arguments bound
        return OneOf(value.why, value.loc, tuple(_substitute(o, path, env, budget) for o in value.options), default=value.default)  # type: ignore[attr-defined]
    if kind is Transform:
        fields = tuple((k, _part(v, path, env, budget)) for k, v in value.fields)  # type: ignore[attr-defined]
        return replace(value, inner=_substitute(value.inner, path, env, budget), fields=fields)  # type: ignore[arg-type]
    return value


_READS_PARAM = lazy(r"([A-Za-z_]\w*)(?=[.\[])")  # `state.url`, `state["url"]`: read from the name `state`
_DOTTED = lazy(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _reads_param(part: Dynamic, path: str, env: dict) -> Dynamic:
    """A run-time part that reads an attribute or item of a wrapper's parameter
    (`state.url`), named by what the caller passes there (`env_state.url`, written at the
    call): so that CL006 reads it against the caller's loop. Only when one wrapper of the
    file entered on the way has that parameter, and the caller passes a plain name to it."""
    head = _READS_PARAM.match(part.source)
    if head is None:
        return part
    name = head.group(1)
    frames = [frame for (where, _), frame in env.items() if where == path and len(frame) > 3 and name in frame[3]]
    if len(frames) != 1:
        return part
    code, value = frames[0][3][name], frames[0][0].get(name)
    if not isinstance(value, Unknown) or not _DOTTED.fullmatch(code):
        return part
    return Dynamic(code + part.source[len(name):], value.loc, part.loc)


def _part(part: object, path: str, env: dict, budget: List[int]) -> object:
    """A text's part with the call's arguments bound: an argument only known at run time
    is named by the caller's code (`step + 1`), where it is written."""
    if type(part) is Dynamic:
        return _reads_param(part, path, env)  # type: ignore[arg-type]
    new = _substitute(part, path, env, budget)
    if type(part) is Param and isinstance(new, Unknown):
        frame = env.get((path, part.function))
        code = frame[3].get(part.name) if frame is not None else None
        if code is not None:
            return Dynamic(code, new.loc, part.loc)
    return new


def _passed_history(value: object, path: str, env: dict) -> Optional[History]:
    """A parameter passed on whole, bound by an outer call to a growing list, or spread whole
    into the list passed on (`[system] + messages`): the next call resends it all the same."""
    if type(value) is Seq:
        spread = _spread_whole(value)
        return _passed_history(spread, path, env) if spread is not None else None
    if isinstance(value, Param):
        frame = env.get((path, value.function))
        if frame is not None:
            return frame[2].get(value.name)
    return None


def _spread_at(value: object, path: str, env: dict) -> Optional[Loc]:
    """Where the caller writes the growing list a wrapper spreads whole into the list it passes
    on (`[system] + messages`): the conversation is the caller's, and is reported there."""
    spread = _spread_whole(value) if type(value) is Seq else None
    frame = env.get((path, spread.function)) if type(spread) is Param else None
    return frame[1].get(spread.name) if frame is not None and spread.name in frame[2] else None


def _spread_whole(value: Seq) -> Optional[object]:
    """The one value a list spreads whole into itself (`[system, *messages]`), if exactly one."""
    spread = [i.inner for i in value.items if type(i) is Transform and i.op == ITEMS_OP]  # type: ignore[attr-defined]
    return spread[0] if len(spread) == 1 else None


def _raw_kwarg(kwargs: Mapping, key: str) -> object:
    return next((v for k, v in kwargs.entries if k == key), None)


def _spreads_param(kwargs: Mapping) -> bool:
    """Does a request spread a parameter (`**kwargs` passed through)? Then the caller's
    keywords reach it."""
    return any(k is None and isinstance(v, Param) for k, v in kwargs.entries)
