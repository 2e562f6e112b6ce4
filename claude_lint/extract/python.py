"""Python source to FileFacts: LLM call sites, module constants, imports, noqa comments."""
from __future__ import annotations

import ast
import re
import sys
import warnings
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import clients, config_values, graph_prompt, env_route, evidence, gateways, helper_appends, history_stores, http, loops, marked_copies, menu_index, module_endpoints, moves, named_lambdas, newer_syntax, overrides, passed_models, prefilter, retries, sdk
from claude_lint.extract.positions import Positions
from claude_lint.extract.python_calls import CALLABLE_WORDS, embedding_only, written_id, cache_control_outside, statement_ranges, MAX_ALIAS_BINDINGS, MAX_BATCH_ITEMS, _builds_text, _builds_body, free_limits, _body_of, _keywords, _decompose, _shapes_for, options_entries, _noqa_comments, module_param_qualname
from claude_lint.extract.python_clients import ClientFinder
from claude_lint.extract.python_history import HistoryFinder
from claude_lint.extract.scopes import Binding, CallRecord, Collector, Scope, keyword, positional
from claude_lint.extract.values import Evaluator
from claude_lint.facts import SYNTAX_ERROR, CallSite, Dynamic, FileError, FileFacts, FileRead, Loc, Mapping, OneOf, Ref, Seq, Text, Transform, Unknown
from claude_lint.patterns import lazy

__all__ = ["extract", "parse"]


def extract(text: str, path: str, abspath: str, module: Optional[str], calls_only: bool = False, scopes: Optional[Collector] = None) -> FileFacts:
    """calls_only: a file without a recognised call comes back unparsed (its constants are
    read later, only if a value resolves into it). scopes: the collector to fill (one held
    for phase 2)."""
    if text.startswith("\ufeff"):
        text = text[1:]  # a UTF-8 BOM: not part of the code, and not counted in columns
    if calls_only and not prefilter.worth_parsing(text.encode("utf-8", "surrogatepass")):
        return FileFacts(path, abspath, module, "python", parsed=False)
    tree, error = parse(text, path), None
    if isinstance(tree, FileError):  # written for a newer Python: read without what this one refuses, the error kept
        error, tree = tree, newer_syntax.recovered(text, path) if "needs a newer Python" in tree.message else None
        if tree is None:
            return FileFacts(path, abspath, module, "python", errors=(error,))
    collector = Collector() if scopes is None else scopes
    collector.positions = positions = Positions(path, text)  # (kept with it: a held collector's second phase places the same nodes)
    try:
        extraction = _Extraction(text, path, abspath, module, positions, collector.collect(tree))
        facts = extraction.facts(calls_only) or FileFacts(path, abspath, module, "python", parsed=False)
        return facts if error is None else replace(facts, errors=facts.errors + (error,))
    except RecursionError:
        # Valid, but nested deeper than the tree walk can follow (e.g. a `+` chain of
        # hundreds of strings): report it rather than crash the run.
        return FileFacts(path, abspath, module, "python", errors=(FileError(SYNTAX_ERROR, "file nests too deeply to analyse", Loc(path, 1, 1, 1, 1)),))
    finally:
        collector.release()  # the tree freed now, by reference counting


def parse(text: str, path: str) -> "ast.Module | FileError":
    """The module's tree, or why it cannot be read: CPython's own parser, which refuses
    code nested too deeply with an error rather than a crash."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
            return named_lambdas.as_defs(compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True), text)
    except SyntaxError as err:
        row, col = err.lineno or 1, err.offset or 1
        message = f"SyntaxError: {err.msg or 'invalid syntax'}"
        if not _NESTING_REFUSED.search(message) and newer_syntax.accepted(text):
            message += f" (this is Python {sys.version_info[0]}.{sys.version_info[1]}; the file needs a newer Python: run claude-lint with the Python the code is written for)"
        return FileError(SYNTAX_ERROR, message, Loc(path, row, col, row, col))
    except (RecursionError, MemoryError):
        return FileError(SYNTAX_ERROR, "SyntaxError: too deeply nested to parse", Loc(path, 1, 1, 1, 1))
    except ValueError as err:  # NUL bytes (Python < 3.12)
        return FileError(SYNTAX_ERROR, f"SyntaxError: {err}", Loc(path, 1, 1, 1, 1))


# CPython refuses deep nesting cleanly; libcst's native parser overflows the C stack
# on it (a segfault), so such a file never reaches libcst.
_NESTING_REFUSED = lazy(r"nested|too complex|recursion", re.IGNORECASE)


class _Extraction(ClientFinder, HistoryFinder):
    def __init__(self, text, path, abspath, module, positions: Positions, collector: Collector):
        self.text = text
        self.path = path
        self.abspath = abspath
        self.module = module
        self.positions = positions
        self.c = collector
        self.ev = Evaluator(path, abspath, collector.module, positions)
        self.ev.all_scopes, self.ev.all_calls = tuple(collector.scopes_by_node.values()), tuple(collector.calls)
        self._serves: Optional[bool] = None
        self.limits_outside: List[int] = []  # offsets of output limits no request of the file sets (free_limits)
        self._parents: dict = {}  # function node id -> its child-to-parent map, built once for the retry search

        self._answer_index: dict = {}
        self._request: Optional[ast.Call] = None  # the request whose history is being judged
        self._grown_keys: Optional[set] = None  # the lists the file grows somewhere, for the history's cheap test
        self._sessions: Optional[dict] = None  # a function's (or the module's) uses of names, indexed once for all its requests

    def _scopes(self) -> List[Scope]:
        return [self.c.module, *self.c.scopes_by_node.values()]

    def facts(self, calls_only: bool = False) -> Optional[FileFacts]:
        """None: calls_only, and no recognised call (each record's sites are found once)."""
        found = []
        for record in self.c.calls:
            sites = self.call_sites(record)
            if sites:
                found.append((record, sites))
        if calls_only and not found:
            return None
        if found:
            self.limits_outside = free_limits(self.text, self.positions, [r.node for r, _ in found], self.c.calls, self.c.scopes_by_node.values())
        if self.limits_outside:
            found = [(r, [replace(s, output_limit_nearby=True) for s in sites]) for r, sites in found]
        calls = [s for _, sites in found for s in sites if s.pending is None]  # a pending POST is its callers' request
        from claude_lint.extract import wrappers  # here: wrappers imports this module

        table = wrappers.summarise(self, found)
        if calls and not cache_control_outside(self.text, found, self.ev.code_for):
            # Every mention is inside a request's own arguments, seen in its values: none can
            # reach another request's messages or tools unseen.
            calls = [replace(site, cache_control_nearby=False) for site in calls]
        constants = []
        for name, bound in self.c.module.assigns.items():
            if len(bound) == 1 and not isinstance(bound[0], (Binding, tuple)):
                value = self.ev.name(name, self.c.module, 0, None)
                if not isinstance(value, Unknown) or isinstance(value, OneOf) and value.default:  # `os.getenv(k, d)`: d by default
                    constants.append((name, value))
        constants.extend(self.returned_texts() + overrides.found(self.c, self.ev) + marked_copies.copy_facts(self.c) + history_stores.window_facts(self.c) + helper_appends.appender_facts(self.c))  # + what others read of it
        from claude_lint.extract import prompt_returns  # a builder's list filled in a loop, read by another module
        constants.extend(prompt_returns.found(self.c, self.ev))
        constants.extend(config_values.instance_fields(self.ev, self.c.module, self.c.stores))  # `settings = Settings()`: its fields' defaults

        # A module-level class's attributes (`class Config: MODEL = "..."`), as "Config.MODEL":
        # another module's `Config.MODEL` resolves to them.
        for klass in self.c.scopes_by_node.values():
            if klass.kind != "class" or klass.parent is not self.c.module:
                continue
            for name, bound in klass.assigns.items():
                if len(bound) == 1 and not isinstance(bound[0], (Binding, tuple)):
                    value = self.ev.name(name, klass, 0, None)
                    if not isinstance(value, Unknown) or isinstance(value, OneOf) and value.default:
                        constants.append((f"{klass.name.rsplit('.', 1)[-1]}.{name}", value))
        noqa = _noqa_comments(self.text)
        return FileFacts(
            self.path,
            self.abspath,
            self.module,
            "python",
            calls=tuple(calls),
            constants=tuple(constants),
            imports=tuple(self.c.module.imports.items()),
            noqa=noqa,
            statements=statement_ranges(self.c.statements, {n.row for n in noqa}),
            wrappers=table,
        )

    # --- call recognition ---------------------------------------------------------------

    def call_sites(self, record: CallRecord) -> List[CallSite]:
        node, scope = record.node, record.scope
        func = node.func
        if func.__class__ is ast.Attribute and func.attr not in CALLABLE_WORDS:
            return []  # no shape, function, runner or agent method ends with this name (most of a file's calls)
        if func.__class__ is ast.Name and func.id not in self._callable_names() and not passed_models.agent_named(func.id):
            return []  # `len(x)`: a name called is recognised only imported, as an alias, or as an agent
        call = self._called_through(node, scope) or node
        fshape = sdk.function_shape(self.ev.qualname(call.func, scope) or module_param_qualname(self.ev, call.func, scope) or "")
        if fshape is not None:
            return self.function_sites(record, call, fshape)
        for chain, receiver, options, rscope in self._decompositions(call.func, scope):
            if receiver is None and len(chain) == 1:
                # an alias of a module function: `completion = litellm.completion`
                fshape = sdk.FUNCTIONS.get(chain[0])
                if fshape is not None:
                    return self.function_sites(record, call, fshape)
                continue
            found = self.method_sites(record, call, chain, receiver, options, rscope)
            if found is not None:
                return found
        return passed_models.sites(self, record)

    def _called_through(self, node: ast.Call, scope: Scope) -> Optional[ast.Call]:
        """`asyncio.to_thread(client.models.generate_content, model=...)` as the call it makes."""
        if not node.args or isinstance(node.args[0], ast.Starred) or not isinstance(node.args[0], (ast.Attribute, ast.Name)):
            return None
        if self.ev.qualname(node.func, scope) not in sdk.CALL_THROUGH:
            return None
        return ast.copy_location(ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords), node)

    def _decompositions(self, func: ast.expr, scope: Scope):
        """The (method chain, receiver, with_options calls, receiver's scope) a called
        expression may stand for: as written, then through one alias (`create =
        client.chat.completions.create`, `messages = client.messages`). A module function
        reached through an alias comes back as ([qualified name], None, [], scope)."""
        chain, receiver, options = _decompose(func)
        yield chain, receiver, options, scope
        if any(not s.http for s in _shapes_for(chain)):
            return  # (an HTTP verb's chain, `stream`, may still be an SDK resource's alias's)
        head = func if isinstance(func, ast.Name) else receiver if isinstance(receiver, ast.Name) else None
        if head is None or head.id not in self._alias_names():
            return
        rest = [] if head is func else chain
        owner = self.ev.find(head.id, scope)
        if owner is None or head.id in owner.params or head.id in owner.imports:
            return
        for bound in owner.assigns.get(head.id, [])[:MAX_ALIAS_BINDINGS]:
            if not isinstance(bound, ast.Attribute):
                continue
            qual = self.ev.qualname(bound, owner)
            if not rest and qual in sdk.FUNCTIONS:
                yield [qual], None, [], owner
                continue
            inner, inner_receiver, inner_options = _decompose(bound)
            if inner_receiver is not None:
                yield inner + rest, inner_receiver, inner_options + options, owner

    def _alias_names(self) -> set:
        """Names bound to an attribute somewhere in the file: the only ones an alias can be."""
        if self._aliases is None:
            self._aliases = {name for scope in self._scopes() for name, bound in scope.assigns.items()
                             if any(isinstance(b, ast.Attribute) for b in bound)}
        return self._aliases

    _aliases: Optional[set] = None

    def _callable_names(self) -> set:
        """Names a call written `name(...)` may be recognised by: imported (a module
        function, `to_thread`), or bound to an attribute (an alias)."""
        if self._callables is None:
            self._callables = self._alias_names().union(*(scope.imports for scope in self._scopes()))
        return self._callables

    _callables: Optional[set] = None

    def function_sites(self, record: CallRecord, call: ast.Call, fshape) -> List[CallSite]:
        scope = record.scope
        if fshape.http:
            return http.sites(self, record, call, None, [], scope)
        kwargs = self.shape_kwargs(fshape, call, scope)
        if any(k in kwargs.keys() for k in fshape.no_request) or fshape.model_id_only and not written_id(kwargs.get("model")):
            return []
        provider = fshape.providers[0]
        local = provider in sdk.LOCAL_PROVIDERS or clients.local_endpoint(self.ev, call, scope)
        gateway = gateways.of_constructor(self.ev, call, scope)
        if provider == "openai" and not local and gateway is None:  # openai<1.0: `openai.api_base = ...` for the module
            local, gateway = module_endpoints.route(self)
        history = self.history(call, scope, record) or (self.model_history(record) if provider == "langchain" else None)
        facts = self.site_facts(record, fshape, provider, kwargs, None, local, gateway,
                                env=() if local else env_route.names(self.ev, call, scope))
        site = self.with_invoked_messages(record, CallSite(loc=self.ev.loc(record.node), kwargs=kwargs, history=history, **facts))
        return [graph_prompt.attach(self, record, site)]

    def method_sites(self, record: CallRecord, call: ast.Call, chain, receiver, options, rscope: Scope) -> Optional[List[CallSite]]:
        """The sites of a method call; None when no shape has its chain (another reading may)."""
        scope = record.scope
        shapes = _shapes_for(chain)
        if not shapes:
            return None
        client_chain = chain[: len(chain) - len(shapes[0].chain)]
        provider = self.client_provider(receiver, client_chain, rscope)
        kwargs = None
        other_reading = None if all(s.http for s in shapes) else []  # `stream`: an HTTP verb, or an SDK alias's (`messages.stream`)
        if provider is None:
            provider, kwargs = self.untyped(shapes, call, scope)
            if (provider := provider or self.proven_apart(shapes, call, receiver, client_chain, rscope)) is None:
                return other_reading
        shape = self.client_shape(shapes, provider, receiver, client_chain, rscope, call, scope)
        if shape is None:
            return other_reading  # a known client of another kind (an Ollama client's `messages.create`)
        if shape.http:
            return http.sites(self, record, call, receiver, client_chain, rscope)
        if kwargs is None:
            kwargs = self.shape_kwargs(shape, call, scope)
        if options:
            kwargs = Mapping(tuple(options_entries(self.ev, options, scope)) + kwargs.entries, kwargs.loc, kwargs.open, kwargs.key_locs)
        defaults = self.request_defaults(shape, receiver, client_chain, rscope)
        if defaults is not None:
            kwargs = Mapping(((None, defaults),) + kwargs.entries, kwargs.loc, kwargs.open, kwargs.key_locs)
        if any(k in kwargs.keys() for k in shape.no_request) or embedding_only(shape, kwargs):
            return []
        local = provider in sdk.LOCAL_PROVIDERS or self.local_client(receiver, client_chain, rscope)
        base = self.site_facts(record, shape, provider, kwargs, clients.client_timeout(self.ev, receiver, client_chain, rscope, options), local,
                               gateways.of_client(self, receiver, client_chain, rscope), self.client_param(receiver, client_chain, rscope),
                               env=() if local else env_route.of_clients(self.ev, self.constructions(receiver, client_chain, rscope), call, scope))
        if shape.batch:
            return self.batch_requests(kwargs, base, self.ev.loc(record.node), self.batch_items(keyword(call, "requests"), scope))
        history = self.history(call, scope, record)
        return [CallSite(loc=self.ev.loc(record.node), kwargs=kwargs, history=history, **base)]

    def untyped(self, shapes, call: ast.Call, scope: Scope) -> Tuple[Optional[str], Optional[Mapping]]:
        """The provider of a call whose client is not seen, when its chain or its keywords
        prove the shape (and the keywords, when they had to be evaluated to tell)."""
        for shape in shapes:
            if shape.untyped == "chain" and not shape.proof:  # (with a proof: proven_apart reads it)
                return shape.providers[0], None
        shape = next((s for s in shapes if s.untyped == "keywords"), None)
        if shape is None:
            return None, None
        spread = any(k.arg is None for k in call.keywords)
        if not spread and not all(k in _keywords(call, shape) for k in sdk.UNTYPED_RECEIVER_PROOF):
            return None, None  # decided before the arguments are evaluated
        kwargs = self.shape_kwargs(shape, call, scope)
        keys = set(kwargs.keys())
        for key, value in kwargs.entries:
            if key is None and isinstance(value, Mapping):
                keys.update(value.keys())  # a `**params` dict of this file
        if all(k in keys for k in sdk.UNTYPED_RECEIVER_PROOF):
            return shape.providers[0], kwargs
        return None, None

    def site_facts(self, record: CallRecord, shape, provider: str, kwargs: Mapping, client_timeout: Optional[bool], local=False, gateway=None, client_param=None, env=()) -> dict:
        node, scope = record.node, record.scope
        return dict(
            path=self.path,
            provider=provider,
            api=shape.api,
            function=self.function_of(scope),
            roles=shape.roles,
            streaming=shape.streaming,
            loop=self.ev.loc(record.loops[-1]) if record.loops else None,
            cache_control_nearby="cache_control" in self.text,
            interactive=self._interactive(),
            loop_independent=bool(record.loops) and loops.independent(node, record.loops[-1], scope),
            in_async=loops.enclosing_async(scope),
            client_timeout=client_timeout,
            local=local,
            gateway=gateway, client_param=client_param, env_route=env,
            retry=self._retry(node, scope),
            awaited_in_loop=bool(record.loops) and loops.awaited_in(node, record.loops[-1]),
            loop_names=loops.per_iteration(record.loops[-1]) if record.loops else (),
            # a raw POST's body parsed as JSON is the API's envelope, not the answer
            answer=evidence.answer_uses(node, _body_of(scope), self.ev.loc, self._answer_index, envelope=shape.api.startswith("POST ")),
        )

    def returned_texts(self) -> List[Tuple[str, object]]:
        """`name()` (`Class.name()` for a method) -> the text a module-level function returns (one `return`), its parameters
        as run-time text: another module's `system=build_prompt(user)` or `P.system()` is a Ref to it (bounded work)."""
        out = []
        for scope in self._scopes():
            node = scope.node
            owner = scope.parent.parent if scope.parent is not None and scope.parent.kind == "class" else scope.parent
            if owner is not self.c.module or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or len(scope.returns) != 1:
                continue
            lookup = config_values.is_lookup(expr := scope.returns[0])
            filled = moves.filled_list(expr, scope)  # a messages list built by appends: CL006 reads its system block
            if not (lookup or filled or _builds_text(expr, scope) or _builds_body(expr, scope)):
                continue
            bound = {a.arg: Dynamic(a.arg) for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if a.arg != scope.self_name}
            value = moves._substitute(self.ev.value(expr, scope), scope.name, bound, [0])
            if isinstance(value, (Text, Transform, FileRead, Ref, Mapping)) or (lookup and isinstance(value, OneOf)) or (filled and isinstance(value, Seq)):
                out.append((f"{scope.name}()", value))
        return out

    def _retry(self, node: ast.AST, scope: Scope):
        while scope is not None and scope.kind == "comprehension":
            scope = scope.parent
        if scope is None or scope.kind != "function" or scope.node is None or not scope.has_try:
            return None
        parents = self._parents.get(id(scope.node), False)
        if parents is False:
            parents = self._parents[id(scope.node)] = retries.parents_of(scope.node)
        if parents is None:
            return None
        return retries.unbounded_retry(node, scope.node, parents, self.ev.loc)

    def _interactive(self) -> bool:
        if self._serves is None:  # once per file, not per call
            self._serves = loops.serves_a_person(self.text)
        return self._serves

    def shape_kwargs(self, shape, node: ast.Call, scope: Scope) -> Mapping:
        """Keyword arguments, with positional ones named by the shape and dotted roles reached into."""
        kwargs = self.ev.kwargs(node, scope, 0, self.ev.loc(node))
        args = positional(node)
        named = tuple((name, self.ev.value(a, scope)) for name, a in zip(shape.positional, args))
        is_open = kwargs.open or len(args) < len(node.args) or len(args) > len(shape.positional)
        dotted = []
        for _, names in shape.roles:
            for name in names:
                if "." not in name:
                    continue
                head, key = name.split(".", 1)
                arg = keyword(node, head)
                if arg is None:
                    continue
                inner = clients.decoded(self.ev, arg, scope)
                if isinstance(inner, Mapping) and not inner.open and inner.get(key) is None and None not in dict(inner.entries):
                    continue  # surely absent
                found = inner.get(key) if isinstance(inner, Mapping) else None
                dotted.append((name, Transform("getitem:" + key, inner, getattr(found, "loc", None) or self.ev.loc(arg))))
        locs = tuple((name, self.ev.loc(a)) for name, a in zip(shape.positional, args))
        locs += tuple((name, value.loc) for name, value in dotted if value.loc is not None)
        entries = menu_index.with_menu(self.ev, node, named + kwargs.entries, scope)
        return Mapping(entries + tuple(dotted), kwargs.loc, is_open, locs + kwargs.key_locs)

    def function_of(self, scope: Scope) -> Optional[str]:
        s: Optional[Scope] = scope
        while s is not None and s.kind == "comprehension":
            s = s.parent
        return s.name if s is not None and s.name else None

    def batch_items(self, expr: Optional[ast.expr], scope: Scope, depth: int = 0) -> Optional[List[object]]:
        """The requests of a batch as written: a list, a comprehension (its element stands for
        every request), or a list built by `append`/`extend` calls. None: not seen."""
        if expr is None or depth > 4:
            return None
        if isinstance(expr, (ast.List, ast.Tuple)):
            return [self.ev.value(e, scope) for e in expr.elts[:MAX_BATCH_ITEMS] if not isinstance(e, ast.Starred)]
        if isinstance(expr, ast.ListComp) and expr in self.c.scopes_by_node:
            return [self.ev.value(expr.elt, self.c.scopes_by_node[expr])]
        if not isinstance(expr, ast.Name):
            return None
        owner = self.ev.find(expr.id, scope)
        bound = owner.assigns.get(expr.id, []) if owner is not None else []
        if len(bound) != 1 or not isinstance(bound[0], ast.expr):
            return None
        items = self.batch_items(bound[0], owner, depth + 1)
        if items is None:
            return None
        for event in self.c.events:
            if event.kind == "grow" and event.key == ("name", expr.id) and self.ev.find(expr.id, event.scope) is owner:
                node = event.node
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and len(node.args) == 1):
                    return None
                if node.func.attr == "append":
                    items.append(self.ev.value(node.args[0], event.scope))
                else:
                    more = self.batch_items(node.args[0], event.scope, depth + 1)
                    if more is None:
                        return None
                    items.extend(more)
            if len(items) > MAX_BATCH_ITEMS:
                break
        return items[:MAX_BATCH_ITEMS]

    def batch_requests(self, kwargs: Mapping, base: dict, at: Optional[Loc], items=None) -> List[CallSite]:
        """One site per request of a batch, each at the batch call (the job is the request a
        reader sees; findings land where each value is written). Requests that are not
        seen are one site whose arguments are unknown."""
        requests = kwargs.get("requests")
        if items is None:
            items = list(requests.items) if isinstance(requests, Seq) else []
        sites = []
        for request in items:
            if not isinstance(request, Mapping) or request.get("params") is None:
                continue
            params = request.get("params")
            site_kwargs = params if isinstance(params, Mapping) else Mapping(((None, params),), getattr(params, "loc", None))
            sites.append(CallSite(loc=at or request.loc or kwargs.loc, kwargs=site_kwargs, **base))
        if not sites:
            sites.append(CallSite(loc=at or kwargs.loc, kwargs=Mapping(((None, requests if requests is not None else Unknown("no requests")),), kwargs.loc, True), **base))
        return sites
