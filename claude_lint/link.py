"""Resolve what extraction left open: names of other modules, files read at run time,
function defaults, `**spread` merges and string transforms.

Everything is confined to the project root: a prompt path leading outside it is not
read, and the value stays Unknown (so rules stay silent).
"""
from __future__ import annotations

import inspect
import os
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from claude_lint.bounds import MAX_RUN_CHARS, MAX_TEXT_CHARS, MAX_VALUE_NODES, TOO_LARGE, Sizes
from claude_lint.facts import (
    CallSite,
    Callee,
    Dynamic,
    FileFacts,
    FileRead,
    History,
    Invocation,
    Lit,
    Loc,
    Mapping,
    Param,
    Ref,
    Seq,
    Signature,
    Text,
    Transform,
    Unknown,
    Wrapper,
    WrapperTable,
)
from claude_lint.kinds import display

MAX_DEPTH = 30
MAX_WRAPPER_DEPTH = 4  # wrappers calling wrappers, followed from one call
MAX_REACHED = 16  # requests one call of a wrapper may reach (a dispatcher over providers)
MAX_STEPS = 64  # wrappers entered for one call
MAX_BOUND_NODES = 4000  # value nodes rebuilt when binding one call's arguments
MAX_PROMPT_BYTES = MAX_TEXT_CHARS  # a prompt file is one value's text
# Jinja expressions, statements and comments: (opener, closer), found by `_jinja_tags`.
_JINJA = (("{{", "}}"), ("{%", "%}"), ("{#", "#}"))
_FORMAT_FIELD = re.compile(r"(?<!\{)\{[^{}]*\}(?!\})")  # `[^{}]*` stops at the next brace: linear
_PLACEHOLDER_BASE = 0xF0000  # supplementary private use area: never in real prompts
_PLACEHOLDERS = 0x110000 - _PLACEHOLDER_BASE  # chr() ends at U+10FFFF


@dataclass(frozen=True)
class Arg:
    """A resolved argument: its value and where it is written at the call."""

    value: object
    at: Loc


@dataclass(frozen=True)
class Call:
    """A call site with its arguments resolved across the project."""

    site: CallSite
    args: Dict[str, Arg]
    open: bool  # keys we could not see may be passed (an unresolved **spread)

    def arg(self, role: str) -> Optional[Arg]:
        for name in self.site.keywords(role):
            if name in self.args:
                return self.args[name]
        return None

    def value(self, role: str) -> object:
        """The resolved value of a role; None when it is surely absent."""
        found = self.arg(role)
        if found is not None:
            return found.value
        return Unknown("may come from an unresolved **spread") if self.open else None

    def model_id(self) -> Optional[str]:
        v = self.value("model")
        if isinstance(v, Text) and v.is_folded and not v.dynamic_parts:
            return v.literal
        return None

    def int_value(self, role: str) -> Optional[int]:
        v = self.value(role)
        if isinstance(v, Lit) and isinstance(v.value, int) and not isinstance(v.value, bool):
            return v.value
        return None

    def request_loc(self) -> Loc:
        """Where a keyword missing from the request would be written: in the wrapper, unless
        the caller's keywords reach the request (`**kwargs` passed through)."""
        site = self.site
        return site.via if site.via is not None and site.fixed else site.loc


class Project:
    """Every file's facts, plus the means to load a module nobody asked for yet."""

    def __init__(self, root: str, load: Callable[[str], Optional[FileFacts]]):
        self.root = os.path.realpath(root)
        self._load = load
        self._facts: Dict[str, Optional[FileFacts]] = {}
        self._memo: Dict[Tuple[str, str], object] = {}
        self._active: set = set()
        self.reads: Dict[str, str] = {}  # prompt files read, realpath -> why not read ("" when read)
        # Each value is resolved once (keyed by the object, kept alive here so its id is not
        # reused): a value that holds one subtree many times is resolved as the graph it
        # is, not as the tree it stands for (8**20 nodes for twenty lines of code).
        self._resolved: Dict[int, Tuple[object, object]] = {}
        self._files: Dict[str, Text] = {}  # realpath -> its text, read once per run
        self.sizes = Sizes()
        self.spent = 0  # characters created so far (MAX_RUN_CHARS)
        self._tables: Dict[str, Dict[str, WrapperTable]] = {}  # realpath -> wrapper tables by phase ("facts", "callers")
        self._indexes: Dict[str, "_Index"] = {}
        self._imports: Dict[str, Optional["_ModuleImports"]] = {}  # realpath -> its module-level imports
        self._covered: set = set()
        self._covered_real: Optional[set] = None
        self._inside: Dict[str, bool] = {}
        self._modules: Dict[Tuple[str, str], Optional[str]] = {}
        self._callees: Dict[Tuple[Callee, str], List[Tuple[str, Wrapper, bool]]] = {}
        self._mros: Dict[Tuple[str, str], List[Tuple[str, str, bool]]] = {}
        self._subs: Optional[Dict[Tuple[str, str], List[Tuple[str, str]]]] = None
        self._posts: Dict[Loc, CallSite] = {}  # a helper's POST made a request by a call of it
        self._retrying = False
        self._reals: Dict[str, str] = {}  # path -> os.path.realpath(path), once per run

    def _real(self, path: str) -> str:
        """os.path.realpath, once per path and run: it lstats every component of the path,
        and the same files are looked up again for every call and every wrapper."""
        found = self._reals.get(path)
        if found is None:
            found = self._reals[path] = os.path.realpath(path)
        return found

    def add(self, facts: FileFacts) -> None:
        self._facts[self._real(facts.abspath)] = facts
        if facts.wrappers is not None:
            self.add_table(facts.abspath, facts.wrappers)

    def add_table(self, abspath: str, table: WrapperTable, phase: str = "facts") -> None:
        """A file's wrapper table: from its facts, or ("callers") from the second phase,
        which replaces the one an earlier round found."""
        key = self._real(abspath)
        self._tables.setdefault(key, {})[phase] = table
        self._indexes.pop(key, None)
        self._callees.clear()
        self._mros.clear()
        self._subs = None

    def cover(self, abspaths) -> None:
        """Files whose wrapper tables, if any, the run has (the others are loaded when asked)."""
        self._covered.update(abspaths)
        self._covered_real = None

    def _is_covered(self, path: str) -> bool:
        if path in self._covered:
            return True
        if self._covered_real is None:  # a symlinked path: resolved once, only when asked
            self._covered_real = {self._real(p) for p in self._covered}
        return path in self._covered_real

    def reaches(self, abspath: str, table: WrapperTable) -> List[str]:
        """The functions of a table that reach a request (through the calls they make)."""
        path = self._real(abspath)
        out = []
        for w in table.functions:
            if w.requests:
                out.append(w.name)
                continue
            for inv in table.invocations:
                if inv.function == w.name and any(True for _ in self._reach(inv, path, {}, 0, frozenset({(path, w.name)}), [MAX_STEPS - 16])):
                    out.append(w.name)
                    break
        return out

    def facts(self, abspath: str) -> Optional[FileFacts]:
        key = self._real(abspath)
        if key not in self._facts:
            self._facts[key] = self._load(key) if self.inside(key) else None
        return self._facts[key]

    def loaded(self, abspath: str) -> Optional[FileFacts]:
        """The facts of a file already added or loaded, without loading it."""
        return self._facts.get(self._real(abspath))

    def inside(self, path: str) -> bool:
        found = self._inside.get(path)
        if found is None:
            real = self._real(path)
            found = self._inside[path] = real == self.root or real.startswith(self.root + os.sep)
        return found

    # --- calls -------------------------------------------------------------------------

    def resolve_call(self, site: CallSite) -> Call:
        # Call keywords are final: Python refuses a **spread that repeats one.
        merged = self._mapping(site.kwargs, 0, keywords_final=True)
        args: Dict[str, Arg] = {}
        is_open = True
        if isinstance(merged, Mapping):
            is_open = merged.open
            at_of = _entry_locs(site.kwargs, site.loc)
            for key, value in merged.entries:
                if key is not None:
                    args[key] = Arg(value, at_of.get(key, site.loc))
        return Call(site, args, is_open)

    # --- wrappers ----------------------------------------------------------------------

    def wrapper_calls(self) -> List[CallSite]:
        """A call site for every call of a project wrapper and request it reaches: the
        wrapper's request with the caller's arguments bound to its parameters, in the
        caller's place and context."""
        out: List[CallSite] = []
        seen = set()
        unmade: List[Tuple[Invocation, str]] = []  # calls that made no request (yet)
        for path in list(self._tables):
            for table in list(self._tables[path].values()):
                for inv in table.invocations:
                    sites = self._sites(inv, path)
                    if not sites:
                        unmade.append((inv, path))
                    for site in sites:
                        key = (site.loc, site.via, site.api)
                        if key not in seen:
                            seen.add(key)
                            out.append(site)
        if self._posts:
            # A helper calling itself with its own URL (a retry) makes the request its callers
            # make: known once they are all seen.
            self._retrying = True
            for inv, path in unmade:
                for site in self._sites(inv, path) if any(p.path == inv.path for p in self._posts) else ():
                    key = (site.loc, site.via, site.api)
                    if key not in seen:
                        seen.add(key)
                        out.append(site)
            self._retrying = False
            reached = Counter(loc for site in out for loc in (site.via, *site.also))
            out.extend(replace(post, reached=reached[loc]) for loc, post in self._posts.items())
        return out

    def _sites(self, inv: Invocation, path: str) -> List[CallSite]:
        sites = []
        for req, kwargs, history, fixed in self._reach(inv, path, {}, 0, frozenset(), [0]):
            # The request as the wrapper makes it (its API, provider, client: every fact of it),
            # in the caller's place and context, with the caller's arguments bound.
            sites.append(
                replace(
                    req,
                    path=inv.path,
                    loc=inv.loc,
                    function=inv.function,
                    kwargs=kwargs,
                    loop=inv.loop,
                    history=history,
                    cache_control_nearby=inv.cache_control_nearby or req.cache_control_nearby,
                    loop_independent=inv.loop_independent,
                    in_async=inv.in_async,
                    output_limit_nearby=inv.output_limit_nearby or req.output_limit_nearby,
                    via=req.via or req.loc,
                    fixed=fixed and req.fixed,
                    reached=0,
                )
            )
            if len(sites) >= MAX_REACHED:
                break
        if len(sites) < 2:
            return sites
        # One call is one call site, whatever number of requests the wrapper may make: the
        # first billed one stands for the call, the others are named beside it.
        first = next((s for s in sites if not s.local), sites[0])
        others: List[Loc] = []
        for s in sites:
            if s.via != first.via and s.via not in others:
                others.append(s.via)
        return [replace(first, also=tuple(others))]

    def _reach(self, inv: Invocation, path: str, env: dict, depth: int, seen: frozenset, steps: List[int]):
        """(request, its arguments bound, history, fixed) for each request a call reaches.
        env: (file, function) -> (bindings, where each is written, histories) of the
        wrappers entered on the way, whose parameters the values below may still name."""
        if depth > MAX_WRAPPER_DEPTH:
            return
        for callee in inv.callees:
            for wpath, wrapper, bound in self._resolve(callee, path, 0):
                key = (wpath, wrapper.name)
                if key in seen or steps[0] >= MAX_STEPS:
                    continue
                steps[0] += 1
                frame = self._bind(wrapper.signature, inv, bound, env, path)
                inner = dict(env)
                inner[key] = frame
                budget = [MAX_BOUND_NODES]
                for i, req in enumerate(wrapper.requests):
                    kwargs = _substitute(req.kwargs, wpath, inner, budget)
                    if req.pending is not None:
                        req = self._bound_post(req, kwargs, wpath, inner, budget)
                        if req is None:
                            continue  # this call passes no LLM endpoint, nor a chat body
                        kwargs = req.kwargs
                    param = wrapper.messages[i] if i < len(wrapper.messages) else None
                    history = frame[2].get(param) if param is not None else None
                    if history is not None and param in frame[1]:
                        # The list the request sends is the caller's: it is written there.
                        at = frame[1][param]
                        names = set(req.keywords("messages")) & set(kwargs.keys())
                        kwargs = replace(kwargs, key_locs=tuple((k, l) for k, l in kwargs.key_locs if k not in names) + tuple((k, at) for k in sorted(names)))
                    yield req, kwargs, history or req.history, not _spreads_param(req.kwargs)
                for forward in self._index(wpath).forwards.get(wrapper.name, ()):
                    yield from self._reach(forward, wpath, inner, depth + 1, seen | {key}, steps)

    def _bound_post(self, req: CallSite, kwargs: Mapping, path: str, env: dict, budget: List[int]) -> Optional[CallSite]:
        """A helper's POST of the URL and body its caller passes (`CallSite.pending`), as
        the request the caller's values make it, or None when they make it none. The
        helper's own POST is listed once too, as the first such call makes it."""
        from claude_lint.extract import http

        passed = _substitute(req.pending[0], path, env, budget)
        url = self.resolve(passed)
        headers = self.resolve(_substitute(req.pending[1], path, env, budget)) if req.pending[1] is not None else None
        body = kwargs.entries[0][1] if len(kwargs.entries) == 1 and kwargs.entries[0][0] is None else kwargs
        found = http.classify(url, self.resolve(body), headers)
        if found is None:
            known = self._posts.get(req.loc)
            if self._retrying and known is not None and isinstance(passed, Param) and passed.function == req.function:
                return replace(known, kwargs=kwargs)  # its own URL passed back to it: its callers' request
            return None
        api, provider, roles, local = found
        made = dict(api=api, provider=provider, roles=roles, local=local or req.local, pending=None)
        known = self._posts.get(req.loc)
        if known is None or (known.local and not local):
            self._posts[req.loc] = replace(req, **made)
        return replace(req, kwargs=body if isinstance(body, Mapping) else kwargs, **made)

    def _bind(self, sig: Signature, inv: Invocation, bound: bool, env: dict, path: str):
        """The caller's arguments bound to a wrapper's parameters by its signature: values,
        where each is written, and the growing lists among them."""
        budget = [MAX_BOUND_NODES]
        raw = list(inv.args)
        args = [_substitute(a, path, env, budget) for a in raw]
        histories: Dict[str, History] = dict(inv.histories)
        for i, a in enumerate(raw):
            passed = _passed_history(a, path, env)
            if passed is not None:
                histories.setdefault(str(i), passed)
        kwargs = _substitute(inv.kwargs, path, env, budget)
        for key, value in inv.kwargs.entries:
            passed = _passed_history(value, path, env) if key is not None else None
            if passed is not None:
                histories.setdefault(key, passed)
        shift = 0
        if sig.receiver is not None and not bound and not sig.classmethod:
            shift = 1  # `Class.method(obj, ...)`: the first argument is the object
        params = sig.params
        values: Dict[str, object] = {}
        locs: Dict[str, Loc] = {}
        found: Dict[str, History] = {}
        for i, name in enumerate(params):
            j = i + shift
            if j >= len(args):
                if inv.star:
                    values[name] = Unknown("may come from a *args argument", inv.loc)
                continue
            values[name] = args[j]
            loc = getattr(args[j], "loc", None)
            if loc is not None:
                locs[name] = loc
            if str(j) in histories:
                found[name] = histories[str(j)]
        if sig.varargs is not None and len(args) > len(params) + shift:
            values[sig.varargs] = Seq(tuple(args[len(params) + shift:]), inv.loc)
        named = set(params) | set(sig.kwonly)
        extra: List[Tuple[Optional[str], object]] = []
        extra_locs: List[Tuple[str, Loc]] = []
        is_open = False
        for key, value in kwargs.entries:
            if key is None:
                spread = self.resolve(value)
                if not isinstance(spread, Mapping):
                    is_open = True
                    continue
                for k, v in spread.entries:
                    if k in named and k not in values:
                        values[k] = v
                    elif k is not None and k not in named:
                        extra.append((k, v))
                is_open = is_open or spread.open
            elif key in named:
                values[key] = value
                loc = kwargs.loc_of(key) or getattr(value, "loc", None)
                if loc is not None:
                    locs[key] = loc
                if key in histories:
                    found[key] = histories[key]
            else:
                extra.append((key, value))
                loc = kwargs.loc_of(key)
                if loc is not None:
                    extra_locs.append((key, loc))
        if is_open:
            for name in named:
                values.setdefault(name, Unknown("may come from an unresolved **spread", inv.loc))
        if sig.varkw is not None:
            values[sig.varkw] = Mapping(tuple(extra), kwargs.loc, is_open, tuple(extra_locs))
        return values, locs, found

    def _index(self, path: str) -> "_Index":
        if path not in self._indexes:
            tables = list(self._tables.get(path, {}).values())
            if not tables and not self._is_covered(path):
                # A module outside the files linted (one file named): its table, parsed whole.
                # A file linted without a table has no wrapper: it made no request (phase 1)
                # and calls none of another file (phase 2).
                facts = self.facts(path)
                tables = [facts.wrappers] if facts is not None and facts.wrappers is not None else []
            self._indexes[path] = _Index(tables)
        return self._indexes[path]

    def _resolve(self, callee: Callee, from_path: str, depth: int) -> List[Tuple[str, Wrapper, bool]]:
        """The wrappers a callee reaches: (file, wrapper, receiver bound)."""
        if depth > MAX_WRAPPER_DEPTH:
            return []
        key = (callee, from_path)
        if depth == 0 and key in self._callees:
            return self._callees[key]
        found = self._resolve_now(callee, from_path, depth)
        if depth == 0:
            self._callees[key] = found
        return found

    def _resolve_now(self, callee: Callee, from_path: str, depth: int) -> List[Tuple[str, Wrapper, bool]]:
        path = self._real(from_path)
        if callee.local:
            if not callee.method:
                found = self._index(path).function(callee.target, callee.where)
                return [(path, found, False)] if found is not None else []
            return self._method(path, callee.target, callee.method, callee.bound, callee.bases_only, depth)
        dots = len(callee.target) - len(callee.target.lstrip("."))
        rest = callee.target[dots:].split(".") if callee.target[dots:] else []
        tail = [callee.method] if callee.method else []
        # The longest module prefix that is a file of the project; one or two names inside it.
        for cut in range(len(rest) - 1, max(len(rest) - 3, -1), -1):
            if cut == 0 and not dots:
                break
            module = "." * dots + ".".join(rest[:cut])
            found_path = self.module_path(module, from_path)
            if found_path is None:
                continue
            names = rest[cut:] + tail
            return self._in_module(self._real(found_path), names, callee.bound if callee.method else None, depth)
        return []

    def _in_module(self, path: str, names: List[str], bound: Optional[bool], depth: int) -> List[Tuple[str, Wrapper, bool]]:
        index = self._index(path)
        first = names[0]
        if len(names) == 1:
            found = index.function(first)
            if found is not None:
                return [(path, found, False)]
        elif len(names) == 2:
            if first in index.classes:
                return self._method(path, first, names[1], bool(bound), False, depth)
            if first in index.instances:
                out: List[Tuple[str, Wrapper, bool]] = []
                for k in index.instances[first]:
                    out.extend(self._resolve(Callee(k.target, k.local, names[1], True), path, depth + 1))
                return out
        else:
            return []
        target = self._imported(path, first)
        if target is not None and "." in target.strip("."):  # re-exported: `from .llm import ask` in a package
            dotted = ".".join([target] + names[1:-1]) if len(names) > 1 else target
            method = names[-1] if len(names) > 1 else ""
            return self._resolve(Callee(dotted, False, method, bool(bound) if method else True), path, depth + 1)
        if len(names) == 2 and (path, first) in self._subclass_index():
            # a class of a file without a table (an abstract base): its subclasses may override
            return self._method(path, first, names[1], bool(bound), False, depth)
        return []

    def _method(self, path: str, klass: str, method: str, bound: bool, bases_only: bool, depth: int) -> List[Tuple[str, Wrapper, bool]]:
        for cpath, cname, first in self._mro(path, klass, depth):
            if bases_only and first:
                continue
            index = self._index(cpath)
            found = index.function(f"{cname}.{method}")
            if found is not None:
                return [(cpath, found, bound)]
            info = index.classes.get(cname)
            if info is not None and method in info.methods:
                break  # defined there, and it is no wrapper (an abstract method, say)
        if bases_only or not bound:
            return []
        # Called through a base: an instance of a subclass whose method is a wrapper may be
        # the receiver (a provider interface, a parameter annotated with the base).
        out: List[Tuple[str, Wrapper, bool]] = []
        for cpath, cname in self._subclasses(path, klass):
            found = self._index(cpath).function(f"{cname}.{method}")
            if found is not None:
                out.append((cpath, found, bound))
        return out

    def _subclasses(self, path: str, klass: str) -> List[Tuple[str, str]]:
        index = self._subclass_index()
        out: List[Tuple[str, str]] = []
        stack = list(index.get((path, klass), ()))
        while stack and len(out) < MAX_REACHED:
            found = stack.pop(0)
            if found in out:
                continue
            out.append(found)
            stack.extend(index.get(found, ()))
        return out

    def _subclass_index(self) -> Dict[Tuple[str, str], List[Tuple[str, str]]]:
        """(file, class) -> the classes of the tables that name it as a base."""
        if self._subs is None:
            self._subs = {}
            for path in list(self._tables):
                for info in self._index(path).classes.values():
                    for base in info.bases:  # type: ignore[attr-defined]
                        where = (path, base.target) if base.local else self._class(base.target, path, 1, guess=True)
                        if where is not None:
                            self._subs.setdefault(where, []).append((path, info.name))  # type: ignore[attr-defined]
        return self._subs

    def _mro(self, path: str, klass: str, depth: int) -> List[Tuple[str, str, bool]]:
        """A class and its bases, depth first (an approximation of Python's order)."""
        if (path, klass) not in self._mros:
            self._mros[(path, klass)] = self._mro_now(path, klass, depth)
        return self._mros[(path, klass)]

    def _mro_now(self, path: str, klass: str, depth: int) -> List[Tuple[str, str, bool]]:
        out: List[Tuple[str, str, bool]] = []
        stack = [(path, klass)]
        seen = set()
        while stack and len(out) < 8:
            cpath, cname = stack.pop()
            if (cpath, cname) in seen:
                continue
            seen.add((cpath, cname))
            out.append((cpath, cname, not out))
            info = self._index(cpath).classes.get(cname)
            if info is None:
                continue
            found = []
            for base in info.bases:
                if base.local:
                    found.append((cpath, base.target))
                else:
                    where = self._class(base.target, cpath, depth + 1)
                    if where is not None:
                        found.append(where)
            stack.extend(reversed(found))
        return out

    def _class(self, dotted: str, from_path: str, depth: int, guess: bool = False) -> Optional[Tuple[str, str]]:
        """The file and qualified name of an imported class (guess: the module that the
        import names, when the class is not among its known classes)."""
        if depth > MAX_WRAPPER_DEPTH:
            return None
        module, _, name = dotted.rpartition(".")
        if not module.strip("."):
            return None
        path = self.module_path(module, from_path)
        if path is None:
            return None
        path = self._real(path)
        if name in self._index(path).classes:
            return path, name
        target = self._imported(path, name)
        if target is not None and "." in target.strip("."):
            return self._class(target, path, depth + 1, guess)
        return (path, name) if guess else None

    def _imported(self, path: str, name: str) -> Optional[str]:
        """What a module-level name of a file is imported from (a re-export), read from its
        import statements only: most files asked about were never parsed, and need not be."""
        facts = self._facts.get(path)
        if facts is not None and facts.parsed:
            return facts.imported(name)
        if path not in self._imports:
            self._imports[path] = _ModuleImports(path) if self.inside(path) else None
        found = self._imports[path]
        return found.get(name) if found is not None else None

    # --- values ------------------------------------------------------------------------

    def resolve(self, value: object, depth: int = 0) -> object:
        if isinstance(value, (Lit, Dynamic, Unknown)) or value is None:
            return value
        found = self._resolved.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        if depth > MAX_DEPTH:
            return Unknown("too deep")
        result = self._resolve_value(value, depth)
        if self.sizes.too_large(result):
            result = Unknown(TOO_LARGE, getattr(value, "loc", None))
        self._resolved[id(value)] = (value, result)
        return result

    def _resolve_value(self, value: object, depth: int) -> object:
        if isinstance(value, Text):
            return self._text(value, depth)
        if isinstance(value, Seq):
            return Seq(tuple(self.resolve(i, depth + 1) for i in value.items), value.loc)
        if isinstance(value, Mapping):
            return self._mapping(value, depth)
        if isinstance(value, Ref):
            return self._ref(value, depth)
        if isinstance(value, FileRead):
            return self._file(value)
        if isinstance(value, Param):
            if value.default is None:
                return Unknown(f"parameter {value.name} has no default", value.loc)
            return self.resolve(value.default, depth + 1)
        if isinstance(value, Transform):
            return self._transform(value, depth)
        return Unknown("unsupported value")

    def _text(self, value: Text, depth: int) -> object:
        if value.is_folded:
            return value
        parts: List[object] = []
        chars = 0
        for part in value.parts:
            if isinstance(part, (str, Dynamic)):
                parts.append(part)
                continue
            resolved = self.resolve(part, depth + 1)
            if isinstance(resolved, Text):
                parts.extend(resolved.parts)
                chars += self.sizes.of(resolved)[1]
            elif isinstance(resolved, Lit):
                parts.append(str(resolved.value))
            else:
                parts.append(Dynamic(_source_of(part), getattr(part, "loc", None)))
            # Stop as soon as it is too large: many parts that are each a large prompt.
            if len(parts) > MAX_VALUE_NODES or chars > MAX_TEXT_CHARS:
                return Unknown(TOO_LARGE, value.loc)
        return Text(tuple(parts), value.loc)

    def _mapping(self, value: Mapping, depth: int, keywords_final: bool = False) -> Mapping:
        entries: Dict[str, object] = {}
        final = {k for k, _ in value.entries if k is not None} if keywords_final else set()
        is_open = value.open
        for key, item in value.entries:
            if key is not None:
                entries[key] = self.resolve(item, depth + 1)
                continue
            spread = self.resolve(item, depth + 1)
            if isinstance(spread, Mapping):
                entries.update((k, v) for k, v in spread.entries if k not in final)
                is_open = is_open or spread.open
            else:
                # Keys written before an unknown spread may be overridden by it.
                entries = {k: v if k in final else Unknown("may be overridden by **spread", getattr(v, "loc", None)) for k, v in entries.items()}
                is_open = True
        return Mapping(tuple(entries.items()), value.loc, is_open)

    def _ref(self, ref: Ref, depth: int) -> object:
        path = self.module_path(ref.module, ref.from_path)
        if path is None and "." in ref.module.strip("."):
            # `from config import Config` then `Config.MODEL`: an attribute of a class of that module
            module, _, klass = ref.module.rpartition(".")
            if self.module_path(module, ref.from_path) is not None:
                return self._ref(Ref(module, f"{klass}.{ref.name}", ref.from_path, ref.loc), depth + 1)
        if path is None:
            return Unknown(f"module {ref.module} is not in the project", ref.loc)
        key = (path, ref.name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Unknown("circular import", ref.loc)
        self._active.add(key)
        try:
            facts = self.facts(path)
            result: object = Unknown(f"{ref.module}.{ref.name} is not a constant", ref.loc)
            if facts is not None and not facts.errors:
                found = facts.constant(ref.name)
                target = facts.imported(ref.name)
                if found is not None:
                    result = self.resolve(found, depth + 1)
                elif target is not None and "." in target.strip("."):
                    module, _, name = target.rpartition(".")
                    result = self.resolve(Ref(module, name, facts.abspath, ref.loc), depth + 1)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def module_path(self, module: str, from_path: str) -> Optional[str]:
        """The file of a dotted module name, searched from the importing file and the root."""
        key = (module, os.path.dirname(from_path))
        if key not in self._modules:
            self._modules[key] = self._module_path(module, from_path)
        return self._modules[key]

    def _module_path(self, module: str, from_path: str) -> Optional[str]:
        dots = len(module) - len(module.lstrip("."))
        rest = module[dots:].split(".") if module[dots:] else []
        if dots:
            base = os.path.dirname(from_path)
            for _ in range(dots - 1):
                base = os.path.dirname(base)
            bases = [base]
        else:
            bases = [self.root, os.path.join(self.root, "src")]
            d = os.path.dirname(from_path)
            while self.inside(d):
                bases.append(d)
                if self._real(d) == self.root:
                    break
                d = os.path.dirname(d)
        for base in bases:
            stem = os.path.join(base, *rest) if rest else base
            for candidate in (stem + ".py", os.path.join(stem, "__init__.py")):
                if os.path.isfile(candidate) and self.inside(candidate):
                    return candidate
        return None

    def package_dir(self, package: str, from_path: str) -> Optional[str]:
        """The folder of a package named by `importlib.resources` or a Jinja PackageLoader."""
        found = self.module_path(package, from_path)
        if found is not None:
            return os.path.dirname(found)
        for base in (self.root, os.path.join(self.root, "src")):
            folder = os.path.join(base, *package.split("."))
            if os.path.isdir(folder) and self.inside(folder):
                return folder  # a namespace package
        return None

    def _file(self, read: FileRead) -> object:
        candidates = []
        if read.anchor == "file":
            path = read.from_path
            for seg in read.segments:
                if seg == "<file>":
                    path = read.from_path
                elif seg == "..":
                    path = os.path.dirname(path)
                elif seg not in ("", "."):
                    path = os.path.join(path, seg)
            candidates.append(path)
        elif read.anchor == "package":
            folder = self.package_dir(read.segments[0], read.from_path) if read.segments else None
            if folder is None:
                return Unknown(f"package {read.segments[0] if read.segments else ''} is not in the project", read.loc)
            candidates.append(os.path.join(folder, *[s for s in read.segments[1:] if s not in ("", ".")]))
        else:
            rel = os.path.join(*read.segments) if read.segments else ""
            if os.path.isabs(rel):
                candidates.append(rel)
            else:
                candidates += [os.path.join(os.path.dirname(read.from_path), rel), os.path.join(os.getcwd(), rel), os.path.join(self.root, rel)]
        for candidate in candidates:
            real = self._real(candidate)
            if real in self._files:
                return self._files[real]
            if not os.path.isfile(real):
                continue
            if not self.inside(real):
                self.reads[real] = "outside the project root"
                return Unknown(f"{candidate} is outside the project root", read.loc)
            try:
                if os.path.getsize(real) > MAX_PROMPT_BYTES:
                    self.reads[real] = "too large"
                    return Unknown(f"{candidate} is too large to read", read.loc)
                with open(real, encoding="utf-8") as fh:
                    content = fh.read()
            except (OSError, UnicodeDecodeError) as exc:
                self.reads[real] = str(exc)
                return Unknown(f"cannot read {candidate}", read.loc)
            if not self._spend(len(content)):
                self.reads[real] = "too much prompt text in this run"
                return Unknown(TOO_LARGE, read.loc)
            self.reads[real] = ""
            rows = content.count("\n") + 1
            self._files[real] = Text((content,), Loc(display(real), 1, 1, rows, 1))
            return self._files[real]
        return Unknown("prompt file not found", read.loc)

    def _transform(self, value: Transform, depth: int) -> object:
        inner = self.resolve(value.inner, depth + 1)
        if value.op.startswith("getitem:"):
            if isinstance(inner, Mapping):
                found = inner.get(value.op[len("getitem:"):])
                if found is not None:
                    return found
            return Unknown("subscript", value.loc)
        if not isinstance(inner, Text):
            return Unknown(f"{value.op} of an unknown value", value.loc)
        try:
            text, dynamics = _with_placeholders(inner)
            if not self._spend(len(text)):
                return Unknown(TOO_LARGE, value.loc)
            if value.op == "dedent":
                text = textwrap.dedent(text)
            elif value.op == "cleandoc":
                text = inspect.cleandoc(text)
            elif value.op in ("strip", "lstrip", "rstrip"):
                text = getattr(text, value.op)()
            elif value.op == "jinja":
                text = _sub_spans(text, _jinja_tags(text), lambda tag: "" if tag.startswith("{#") else _placeholder(len(dynamics), dynamics, Dynamic(tag)))
            elif value.op == "format":
                text = _FORMAT_FIELD.sub(lambda m: _placeholder(len(dynamics), dynamics, Dynamic(m.group(0))), text)
                text = text.replace("{{", "{").replace("}}", "}")
        except _OutOfPlaceholders:
            return Unknown(TOO_LARGE, value.loc)
        return Text(_from_placeholders(text, dynamics), inner.loc)

    def _spend(self, chars: int) -> bool:
        """Count characters about to be created; False once the run's budget is spent."""
        self.spent += chars
        return self.spent <= MAX_RUN_CHARS


def _source_of(part: object) -> str:
    """A short description of an unresolved text part, for messages."""
    if isinstance(part, Param):
        return part.name
    if isinstance(part, Ref):
        return f"{part.module}.{part.name}"
    if isinstance(part, FileRead):
        return "/".join(part.segments)
    if isinstance(part, Transform):
        return f"{_source_of(part.inner)}.{part.op}()"
    return type(part).__name__


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


class _OutOfPlaceholders(Exception):
    """More run-time parts than placeholder characters (131,072)."""


def _placeholder(index: int, dynamics: list, part: Dynamic) -> str:
    if index >= _PLACEHOLDERS:
        raise _OutOfPlaceholders
    dynamics.append(part)
    return chr(_PLACEHOLDER_BASE + index)


def _jinja_tags(text: str) -> Iterator[Tuple[int, int]]:
    """(start, end) of each Jinja tag, as the regex `\\{\\{.*?\\}\\}|\\{%.*?%\\}|\\{#.*?#\\}`
    (DOTALL) finds them, in linear time. The regex, at each opener whose closer never
    comes, scans to the end of the text: 500,000 unclosed `{{` took hours. Here an opener
    without a closer after it rules out every later one of its kind."""
    closers = dict(_JINJA)
    ahead = {opener: text.find(opener) for opener in closers}  # next position of each opener
    pos = 0
    while True:
        for opener in closers:
            if 0 <= ahead[opener] < pos:
                ahead[opener] = text.find(opener, pos)
        found = [(at, opener) for opener, at in ahead.items() if opener in closers and at >= 0]
        if not found:
            return
        start, opener = min(found)
        end = text.find(closers[opener], start + 2)
        if end < 0:
            del closers[opener]  # the openers are told apart by their second character: none other starts here
            continue
        yield start, end + 2
        pos = end + 2


def _sub_spans(text: str, spans, replace: Callable[[str], str]) -> str:
    pieces = []
    last = 0
    for start, end in spans:
        pieces.append(text[last:start])
        pieces.append(replace(text[start:end]))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _with_placeholders(text: Text):
    dynamics: List[Dynamic] = []
    pieces = []
    for part in text.parts:
        pieces.append(part if isinstance(part, str) else _placeholder(len(dynamics), dynamics, part))
    return "".join(pieces), dynamics


def _from_placeholders(text: str, dynamics: List[Dynamic]) -> Tuple[object, ...]:
    parts: List[object] = []
    buf = []
    for ch in text:
        i = ord(ch) - _PLACEHOLDER_BASE
        if 0 <= i < len(dynamics):
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(dynamics[i])
        else:
            buf.append(ch)
    if buf:
        parts.append("".join(buf))
    return tuple(parts)


class _ModuleImports:
    """A file's module-level imports (local name -> "module.name"), parsed only when a name
    asked about is among the names its import statements list (most are not)."""

    def __init__(self, path: str):
        from claude_lint.extract.prefilter import imported_words

        self.path = path
        self.table: Optional[Dict[str, str]] = None
        try:
            if os.path.getsize(path) > MAX_PROMPT_BYTES * 5:
                self.data = b""
            else:
                with open(path, "rb") as fh:
                    self.data = fh.read()
        except OSError:
            self.data = b""
        self.names = imported_words(self.data)[1] if b"import" in self.data else set()

    def get(self, name: str) -> Optional[str]:
        if name.encode("utf-8", "surrogatepass") not in self.names:
            return None
        if self.table is None:
            self.table = self._parse()
        return self.table.get(name)

    def _parse(self) -> Dict[str, str]:
        import ast

        try:
            tree = ast.parse(self.data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return {}
        self.data = b""
        out: Dict[str, str] = {}
        stack = list(reversed(tree.body))
        while stack:  # module level: `try: from .x import y` and `if TYPE_CHECKING:` blocks too
            node = stack.pop()
            if isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
                for block in ("body", "orelse", "finalbody"):
                    stack.extend(reversed(getattr(node, block, [])))
                for handler in getattr(node, "handlers", []):
                    stack.extend(reversed(handler.body))
                continue
            if isinstance(node, ast.ImportFrom):
                module = "." * (node.level or 0) + (node.module or "")
                sep = "" if module.endswith(".") else "."
                for alias in node.names:
                    if alias.name != "*":
                        out[alias.asname or alias.name] = f"{module}{sep}{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    out[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        return out


class _Index:
    """One file's wrappers, forwards (calls of wrappers by the function they are written
    in), classes and module-level instances, from its wrapper tables."""

    def __init__(self, tables: List[WrapperTable]):  # noqa: D107
        self.by_name: Dict[str, List[Wrapper]] = {}
        self.forwards: Dict[Optional[str], List[Invocation]] = {}
        self.classes: Dict[str, object] = {}
        self.instances: Dict[str, Tuple[Callee, ...]] = {}
        for table in tables:
            for w in table.functions:
                self.by_name.setdefault(w.name, []).append(w)
            for inv in table.invocations:
                if inv.function is not None:
                    self.forwards.setdefault(inv.function, []).append(inv)
            for info in table.classes:
                self.classes.setdefault(info.name, info)
            for name, ks in table.instances:
                self.instances.setdefault(name, ks)

    def function(self, name: str, where: Optional[Loc] = None) -> Optional[Wrapper]:
        """A wrapper by name; `where` picks one def of a name defined more than once (the last by default)."""
        found = self.by_name.get(name)
        if not found:
            return None
        if where is not None:
            return next((w for w in found if w.loc == where), None)
        return found[-1]


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
        parts = tuple(p if isinstance(p, str) else _substitute(p, path, env, budget) for p in value.parts)  # type: ignore[attr-defined]
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
    if kind is Transform:
        return Transform(value.op, _substitute(value.inner, path, env, budget), value.loc)  # type: ignore[attr-defined]
    return value


def _passed_history(value: object, path: str, env: dict) -> Optional[History]:
    """A parameter passed on whole, bound by an outer call to a growing list."""
    if isinstance(value, Param):
        frame = env.get((path, value.function))
        if frame is not None:
            return frame[2].get(value.name)
    return None


def _spreads_param(kwargs: Mapping) -> bool:
    """Does a request spread a parameter (`**kwargs` passed through)? Then the caller's
    keywords reach it."""
    return any(k is None and isinstance(v, Param) for k, v in kwargs.entries)
