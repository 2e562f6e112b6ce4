"""Resolve what extraction left open: names of other modules, files read at run time, function defaults,
`**spread` merges and string transforms.

`Project` follows calls into wrappers and binds their arguments (here); which wrapper a name reaches is
`link_names`, resolving a value is `link_values`, substituting a call's arguments into a wrapper is `link_bind`.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING: from typing import Callable, Dict, List, Optional, Tuple  # noqa: E701 (one line: this module is at the line limit)
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start
from claude_lint.bounds import Sizes
from claude_lint.extract import registrations, sdk
from claude_lint.facts import CallSite, Callee, FileFacts, History, Invocation, Lit, Loc, Mapping, OneOf, Param, Seq, Signature, Text, Unknown, Wrapper, WrapperTable
from claude_lint.link_bind import _entry_locs, _passed_history, _raw_kwarg, _spread_at, _spreads_param, _substitute, bound_mapping
from claude_lint.link_overrides import OverrideResolver
from claude_lint.link_picks import PickedClasses
from claude_lint.link_readers import with_reader_windows
from claude_lint.link_names import MAX_REACHED, MAX_WRAPPER_DEPTH, NameResolver, Stars, _Index, _ModuleImports
from claude_lint.link_sent import built_choice, env_local, guarded_sites, handed_clients, only_local, sent_to
from claude_lint.link_values import ValueResolver

MAX_STEPS = 64  # wrappers entered for one call
MAX_BOUND_NODES = 4000  # value nodes rebuilt when binding one call's arguments


@frozen
class Arg:
    """A resolved argument: its value and where it is written at the call."""
    value: object
    at: Loc


@frozen
class Call:
    """A call site with its arguments resolved across the project."""

    site: CallSite
    args: Dict[str, Arg]
    open: bool  # keys we could not see may be passed (an unresolved **spread)
    others: Optional[Callable[[], Tuple["Call", ...]]] = None  # a wrapper call's other requests (`site.also`), resolved when asked

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

    def written(self, role: str) -> Tuple[object, Optional[Loc]]:
        """A role's value, or the default the code writes for a value the run may supply
        (`data.get("max_tokens", 64000)`, `os.getenv("MODEL", "claude-...")`) and where that
        default is read (None for a value sent as written): a rule judging it says "by default"."""
        v = self.value(role)
        if isinstance(v, OneOf) and v.default and v.options and all(type(o) is Unknown for o in v.options[:-1]):
            return v.options[-1], v.loc
        return v, None

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


class Project(NameResolver, ValueResolver, OverrideResolver, PickedClasses):
    """Every file's facts, plus the means to load a module nobody asked for yet."""

    def __init__(self, root: str, load: Callable[[str], Optional[FileFacts]]):
        self.root = os.path.realpath(root)
        self._load = load
        self._facts: Dict[str, Optional[FileFacts]] = {}
        self._memo: Dict[Tuple[str, str], object] = {}
        self._active: set = set()
        self.reads: Dict[str, str] = {}  # prompt files read, realpath -> why not read ("" when read)
        # Each value is resolved once (keyed by the object, kept alive here so its id is not reused): a value that
        # holds one subtree many times is resolved as the graph it is, not as the tree (8**20 nodes for twenty lines).
        self._resolved: Dict[int, Tuple[object, object]] = {}
        self._files: Dict[str, Text] = {}  # realpath -> its text, read once per run
        self.sizes = Sizes()
        self.spent = 0  # characters created so far (MAX_RUN_CHARS)
        self._tables: Dict[str, Dict[str, WrapperTable]] = {}  # realpath -> wrapper tables by phase ("facts", "callers")
        self._indexes: Dict[str, "_Index"] = {}
        self._imports: Dict[str, Optional["_ModuleImports"]] = {}  # realpath -> its module-level imports
        self._stars = Stars()  # the modules each file star-imports, and the names looked up through them
        self._covered, self._covered_real = set(), None  # type: Tuple[set, Optional[set]]
        self.internal_errors: List[str] = []  # a bug of ours met on one wrapper call: reported, the other calls kept
        self._inside: Dict[str, bool] = {}
        self._modules: Dict[Tuple[str, str], Optional[str]] = {}
        self._callees: Dict[Tuple[Callee, str], List[Tuple[str, Wrapper, bool]]] = {}
        self._mros: Dict[Tuple[str, str], List[Tuple[str, str, bool]]] = {}
        self._subs: Optional[Dict[Tuple[str, str], List[Tuple[str, str]]]] = None
        self._by_class_name: Optional[Dict[str, List[Tuple[str, str]]]] = None  # link_names._classes_named
        self._by_wrapper_method: Optional[Dict[str, List[Tuple[str, str, frozenset]]]] = None  # link_names._implementations
        self._posts: Dict[Loc, CallSite] = {}  # a helper's POST made a request by a call of it
        self._local_only: set = set()  # requests in wrappers every seen call of which goes to a local server
        self.passed_histories: Dict[Loc, History] = {}  # a request named only in `also`: a growing list a call hands it
        self._other_requests: Dict[Tuple[Loc, Optional[Loc]], Dict[Optional[Loc], CallSite]] = {}  # (call, its request) -> the others, billed
        self._retrying, self._reals = False, {}  # type: Tuple[bool, Dict[str, str]]  # path -> os.path.realpath(path), once per run

    def _real(self, path: str) -> str:
        """os.path.realpath, once per path and run (it lstats every component; the same files come back for every call)."""
        found = self._reals.get(path)
        if found is None:
            found = self._reals[path] = os.path.realpath(path)
        return found

    def add(self, facts: FileFacts) -> None:
        self._facts[self._real(facts.abspath)] = facts
        self.note_overrides(facts)
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
        self._by_class_name = None
        self._by_wrapper_method = None

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
        site = with_reader_windows(self, self.with_overrides(site))  # a store's reader of another module may keep a window
        if site.via is None and site.loc in self._local_only or env_local(self, site):
            site = replace(site, local=True)  # its client is its callers', each a local server's; or the environment's
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
        others = self._other_requests.get((site.loc, site.via))  # (preview rules ask for them: resolved only then)
        return Call(site, args, is_open, (lambda: tuple(self.resolve_call(other) for other in others.values())) if others else None)

    # --- wrappers ----------------------------------------------------------------------

    def wrapper_calls(self) -> List[CallSite]:
        """A call site for every call of a project wrapper and request it reaches: the wrapper's request
        with the caller's arguments bound to its parameters, in the caller's place and context."""
        out: List[CallSite] = []
        seen = set()
        unmade: List[Tuple[Invocation, str]] = []  # calls that made no request (yet)
        for path in list(self._tables):
            for table in list(self._tables[path].values()):
                made = {w.name for w in table.functions if w.made}  # a factory's calls run where what it makes is run
                for inv in table.invocations:
                    sites = () if inv.function in made and inv.reference != registrations.REGISTERED else guarded_sites(self, inv, path)
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
                for site in guarded_sites(self, inv, path) if any(p.path == inv.path for p in self._posts) else ():
                    key = (site.loc, site.via, site.api)
                    if key not in seen:
                        seen.add(key)
                        out.append(site)
            self._retrying = False
            reached = Counter(loc for site in out for loc in (site.via, *site.also))
            out.extend(replace(post, reached=reached[loc]) for loc, post in self._posts.items())
        self._local_only = only_local(out)
        return out

    def _sites(self, inv: Invocation, path: str) -> List[CallSite]:
        sites = []
        depths = []
        for req, kwargs, history, fixed, depth, route in self._reach(inv, path, {}, 0, frozenset(), [0]):
            depths.append(depth)
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
                    loop_names=inv.loop_names,
                    history=history,
                    cache_control_nearby=inv.cache_control_nearby or req.cache_control_nearby,
                    loop_independent=inv.loop_independent,
                    interactive=inv.interactive,
                    in_async=inv.in_async,
                    # awaited per item, the function awaited making the request itself (one request per
                    # call, not a whole job run per configuration whose own loops make them)
                    awaited_in_loop=inv.awaited_in_loop and req.loop is None and _makes_it(inv, req),
                    output_limit_nearby=inv.output_limit_nearby or req.output_limit_nearby,
                    via=req.via or req.loc,
                    through=route, graph_prompt=inv.graph_prompt or req.graph_prompt,  # (CL006's reading of a graph node)
                    fixed=fixed and req.fixed,
                    reached=0,
                )
            )
            if len(sites) >= MAX_REACHED:
                break
        if len(sites) < 2:
            return sites
        # One call is one call site, whatever number of requests the wrapper may make: the
        # first billed one stands for the call (a text request before an audio or image one, which
        # no rule judges), the others are named beside it (and kept, bound, for `Call.others`).
        first = next((s for s in sites if not s.local and sdk.makes_text(s.provider, s.api)), next((s for s in sites if not s.local), sites[0]))
        # The same request reached by several routes: the one through fewest wrappers is what the
        # call sends each time; a deeper one is the wrapper's side path (a compression, a retry).
        first = sites[min((i for i, s in enumerate(sites) if s.via == first.via), key=depths.__getitem__)]
        others: List[Loc] = []
        text = sdk.makes_text(first.provider, first.api)  # (an audio or image request beside it is no other place of its findings)
        for s in sites:
            if s.via != first.via and s.via not in others and (not text or sdk.makes_text(s.provider, s.api)):
                others.append(s.via)
                if not s.local: self._other_requests.setdefault((first.loc, first.via), {})[s.via] = s  # noqa: E701
                if s.history is not None and s.via is not None:
                    self.passed_histories.setdefault(s.via, s.history)
        return [replace(first, also=tuple(others))]

    def _reach(self, inv: Invocation, path: str, env: dict, depth: int, seen: frozenset, steps: List[int], receiver: Optional[Tuple[str, str]] = None,
               route: Tuple[Loc, ...] = ()):
        """(request, its arguments bound, history, fixed, depth, the wrapper calls on the way) for each request a call reaches.
        env: (file, function) -> (bindings, where each is written, histories) of the
        wrappers entered on the way, whose parameters the values below may still name.
        receiver: (file, class) of the object the methods entered run on, when known."""
        if depth > MAX_WRAPPER_DEPTH:
            return
        for callee in inv.callees:
            found, on = self._dispatched_for(inv, callee, path, receiver, env)
            for wpath, wrapper, bound in found:
                key = (wpath, wrapper.name)
                if key in seen or steps[0] >= MAX_STEPS or wrapper.made != inv.invoked:
                    continue  # (a factory's model requests where it is invoked, never where it is made)
                steps[0] += 1
                frame = self._bind(wrapper.signature, inv, bound, env, path)
                inner = dict(env)
                inner[key] = frame
                if inv.built is not None and wrapper.signature.receiver is not None and "." in wrapper.name:
                    # The object the method runs on was built here: what its constructor keeps in `self`.
                    made = bound_mapping(inv.built, path, env, [MAX_BOUND_NODES])
                    if isinstance(made, Mapping):
                        init = (wpath, wrapper.name.rsplit(".", 1)[0] + ".__init__")
                        inner.setdefault(init, ({k: v for k, v in made.entries if k is not None}, dict(made.key_locs), {}))
                budget = [MAX_BOUND_NODES]
                for i, req in enumerate(wrapper.requests):
                    kwargs = bound_mapping(built_choice(req.kwargs, wpath, inner), wpath, inner, budget)
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
                    req = sent_to(self.resolve, req, kwargs, frame[0], frame[4])
                    yield req, kwargs, history or req.history, not _spreads_param(req.kwargs), depth, route
                for forward in self._index(wpath).forwards.get(wrapper.name, ()):
                    yield from self._reach(forward, wpath, inner, depth + 1, seen | {key}, steps, on, route + (forward.loc,))

    def _bound_post(self, req: CallSite, kwargs: Mapping, path: str, env: dict, budget: List[int]) -> Optional[CallSite]:
        """A helper's POST of the URL and body its caller passes (`CallSite.pending`), as
        the request the caller's values make it, or None when they make it none. The
        helper's own POST is listed once too, as the first such call makes it."""
        from claude_lint.extract import http

        passed = _substitute(req.pending[0], path, env, budget)
        url = self.resolve(passed)
        headers = self.resolve(_substitute(req.pending[1], path, env, budget)) if req.pending[1] is not None else None
        body = kwargs.entries[0][1] if len(kwargs.entries) == 1 and kwargs.entries[0][0] is None else kwargs
        resolved = self.resolve(body)
        found = http.classify(url, resolved, headers)
        if found is None and len(req.pending) > 2:
            # `self._post_url()` of a base class: the URL a subclass's override returns
            found = next(filter(None, (http.classify(Text((u,)), resolved, headers) for u in self._hook_urls(path, *req.pending[2]))), None)
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
        """The caller's arguments bound to a wrapper's parameters by its signature: values, where each is written, the growing lists among them."""
        budget = [MAX_BOUND_NODES]
        raw = list(inv.args)
        args = [_substitute(a, path, env, budget) for a in raw]
        histories: Dict[str, History] = dict(inv.histories)
        for i, a in enumerate(raw):
            passed = _passed_history(a, path, env)
            if passed is not None:
                histories.setdefault(str(i), passed)
        kwargs = bound_mapping(inv.kwargs, path, env, budget)
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
        code = dict(inv.sources)
        sources: Dict[str, str] = {}
        for i, name in enumerate(params):
            j = i + shift
            if j >= len(args):
                if inv.star:
                    values[name] = Unknown("may come from a *args argument", inv.loc)
                continue
            values[name] = args[j]
            if str(j) in code:
                sources[name] = code[str(j)]
            loc = _spread_at(raw[j], path, env) or getattr(args[j], "loc", None)  # a conversation spread: the caller's
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
                if key in code:
                    sources[key] = code[key]
                loc = _spread_at(_raw_kwarg(inv.kwargs, key), path, env) or kwargs.loc_of(key) or getattr(value, "loc", None)
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
        return values, locs, found, sources, handed_clients(inv, raw, env, path, params, shift, sig.kwonly), self._picked_params(inv, path, params, shift, sig.kwonly)


def _makes_it(inv: Invocation, req: CallSite) -> bool:
    """The function an invocation calls is the one whose body makes the request."""
    name = req.function.rsplit(".", 1)[-1] if req.function else ""
    return bool(name) and any((c.method or c.target.rsplit(".", 1)[-1]) == name for c in inv.callees)
