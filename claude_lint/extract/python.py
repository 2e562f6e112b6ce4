"""Python source to FileFacts: LLM call sites, module constants, imports, noqa comments."""
from __future__ import annotations

import ast
import dataclasses
import re
import sys
import warnings
from typing import List, Optional, Tuple

from claude_lint.extract import clients, evidence, http, loops, moves, prefilter, retries, sdk
from claude_lint.extract.positions import Positions
from claude_lint.extract.scopes import Binding, CallRecord, Collector, Scope, keyword, positional, store_key
from claude_lint.extract.values import Evaluator
from claude_lint.facts import CallSite, Dynamic, FileError, FileFacts, FileRead, History, Loc, Mapping, Noqa, Ref, Seq, Text, Transform, Unknown

CHAIN_SKIP = frozenset({"with_raw_response", "with_streaming_response"})
MAX_CLIENT_DEPTH = 8  # hops followed from a receiver back to its client's construction
MAX_ALIAS_BINDINGS = 8  # bindings of one name read when following a client or an alias
MAX_BATCH_ITEMS = 200
MAX_SESSION_NODES = 50000  # nodes of one file read for edits of st.session_state lists  # requests of one batch read as call sites
# An output limit set as a keyword or dict key (`.bind(max_tokens=...)`), not in a comment.
OUTPUT_LIMIT_SET = re.compile(r"""\b(?:max_tokens|max_completion_tokens|max_output_tokens|maxTokens)\b(?:\s*=(?!=)|["']\s*:)""")


def extract(text: str, path: str, abspath: str, module: Optional[str], calls_only: bool = False) -> FileFacts:
    """calls_only: a file without a recognised call comes back unparsed (its constants are
    read later, only if a value resolves into it); the pre-filter's tree test says first
    whether the walk can find one."""
    if text.startswith("\ufeff"):
        text = text[1:]  # a UTF-8 BOM: not part of the code, and not counted in columns
    if calls_only and not prefilter.worth_parsing(text.encode("utf-8", "surrogatepass")):
        return FileFacts(path, abspath, module, "python", parsed=False)
    tree = parse(text, path)
    if isinstance(tree, FileError):
        return FileFacts(path, abspath, module, "python", errors=(tree,))
    if calls_only and not prefilter.may_call(tree):
        return FileFacts(path, abspath, module, "python", parsed=False)
    try:
        collector = Collector().collect(tree)
        extraction = _Extraction(text, path, abspath, module, Positions(path, text), collector)
        if calls_only and not any(extraction.call_sites(record) for record in collector.calls):
            return FileFacts(path, abspath, module, "python", parsed=False)
        return extraction.facts()
    except RecursionError:
        # Valid, but nested deeper than the tree walk can follow (e.g. a `+` chain of
        # hundreds of strings): report it rather than crash the run.
        return FileFacts(path, abspath, module, "python", errors=(FileError("CL901", "file nests too deeply to analyse", Loc(path, 1, 1, 1, 1)),))


def parse(text: str, path: str) -> "ast.Module | FileError":
    """The module's tree, or why it cannot be read: CPython's own parser, which refuses
    code nested too deeply with an error rather than a crash."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
            return compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as err:
        row, col = err.lineno or 1, err.offset or 1
        message = f"SyntaxError: {err.msg or 'invalid syntax'}"
        if not _NESTING_REFUSED.search(message) and _newer_syntax(text):
            message += f" (this is Python {sys.version_info[0]}.{sys.version_info[1]}; the file needs a newer Python: run claude-lint with the Python the code is written for)"
        return FileError("CL901", message, Loc(path, row, col, row, col))
    except (RecursionError, MemoryError):
        return FileError("CL901", "SyntaxError: too deeply nested to parse", Loc(path, 1, 1, 1, 1))
    except ValueError as err:  # NUL bytes (Python < 3.12)
        return FileError("CL901", f"SyntaxError: {err}", Loc(path, 1, 1, 1, 1))


# CPython refuses deep nesting cleanly; libcst's native parser overflows the C stack
# on it (a segfault), so such a file never reaches libcst.
_NESTING_REFUSED = re.compile(r"nested|too complex|recursion", re.IGNORECASE)


def _newer_syntax(text: str) -> bool:
    """Does libcst, which knows the grammar of newer Pythons, accept what this Python refused?"""
    try:
        import libcst as cst

        cst.parse_module(text)
        return True
    except Exception:  # libcst raises several error types on bad input
        return False


class _Extraction:
    def __init__(self, text, path, abspath, module, positions: Positions, collector: Collector):
        self.text = text
        self.path = path
        self.abspath = abspath
        self.module = module
        self.positions = positions
        self.c = collector
        self.ev = Evaluator(path, abspath, collector.module, positions)
        self.ev.all_scopes = tuple(collector.scopes_by_node.values())
        self._limits: Optional[int] = None
        self._parents: dict = {}  # function node id -> its child-to-parent map, built once for the retry search

        self._answer_index: dict = {}
        self._sessions: Optional[dict] = None  # a function's (or the module's) uses of names, indexed once for all its requests

    def _scopes(self) -> List[Scope]:
        return [self.c.module, *self.c.scopes_by_node.values()]

    def facts(self) -> FileFacts:
        calls: List[CallSite] = []
        found = []
        for record in self.c.calls:
            sites = self.call_sites(record)
            calls.extend(s for s in sites if s.pending is None)  # a pending POST is its callers' request
            if sites:
                found.append((record, sites))
        from claude_lint.extract import wrappers  # here: wrappers imports this module

        table = wrappers.summarise(self, found)
        constants = []
        for name, bound in self.c.module.assigns.items():
            if len(bound) == 1 and not isinstance(bound[0], (Binding, tuple)):
                value = self.ev.name(name, self.c.module, 0, None)
                if not isinstance(value, Unknown):
                    constants.append((name, value))
        constants.extend(self.returned_texts())

        # A module-level class's attributes (`class Config: MODEL = "..."`), as "Config.MODEL":
        # another module's `Config.MODEL` resolves to them.
        for klass in self.c.scopes_by_node.values():
            if klass.kind != "class" or klass.parent is not self.c.module:
                continue
            for name, bound in klass.assigns.items():
                if len(bound) == 1 and not isinstance(bound[0], (Binding, tuple)):
                    value = self.ev.name(name, klass, 0, None)
                    if not isinstance(value, Unknown):
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
            statements=self.statement_ranges({n.row for n in noqa}),
            wrappers=table,
        )

    # --- call recognition ---------------------------------------------------------------

    def call_sites(self, record: CallRecord) -> List[CallSite]:
        node, scope = record.node, record.scope
        call = self._called_through(node, scope) or node
        fshape = sdk.FUNCTIONS.get(self.ev.qualname(call.func, scope) or "")
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
        return []

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
        if _shapes_for(chain):
            return
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

    def function_sites(self, record: CallRecord, call: ast.Call, fshape) -> List[CallSite]:
        scope = record.scope
        if fshape.http:
            return http.sites(self, record, call, None, [], scope)
        kwargs = self.shape_kwargs(fshape, call, scope)
        if any(k in kwargs.keys() for k in fshape.no_request):
            return []
        provider = fshape.providers[0]
        local = provider in sdk.LOCAL_PROVIDERS or clients.local_endpoint(self.ev, call, scope)
        return [CallSite(loc=self.ev.loc(record.node), kwargs=kwargs, **self.site_facts(record, fshape, provider, kwargs, None, local))]

    def method_sites(self, record: CallRecord, call: ast.Call, chain, receiver, options, rscope: Scope) -> Optional[List[CallSite]]:
        """The sites of a method call; None when no shape has its chain (another reading may)."""
        scope = record.scope
        shapes = _shapes_for(chain)
        if not shapes:
            return None
        client_chain = chain[: len(chain) - len(shapes[0].chain)]
        provider = self.client_provider(receiver, client_chain, rscope)
        kwargs = None
        if provider is None:
            provider, kwargs = self.untyped(shapes, call, scope)
            if provider is None:
                return []
        shape = next((s for s in shapes if provider in s.providers), None)
        if shape is None:
            return []  # a known client of another kind (an Ollama client's `messages.create`)
        if shape.http:
            return http.sites(self, record, call, receiver, client_chain, rscope)
        if kwargs is None:
            kwargs = self.shape_kwargs(shape, call, scope)
        if options:
            kwargs = Mapping(tuple(options_entries(self.ev, options, scope)) + kwargs.entries, kwargs.loc, kwargs.open, kwargs.key_locs)
        defaults = self.request_defaults(shape, receiver, client_chain, rscope)
        if defaults is not None:
            kwargs = Mapping(((None, defaults),) + kwargs.entries, kwargs.loc, kwargs.open, kwargs.key_locs)
        if any(k in kwargs.keys() for k in shape.no_request):
            return []
        local = provider in sdk.LOCAL_PROVIDERS or self.local_client(receiver, client_chain, rscope)
        base = self.site_facts(record, shape, provider, kwargs, clients.client_timeout(self.ev, receiver, client_chain, rscope, options), local)
        if shape.batch:
            return self.batch_requests(kwargs, base, self.ev.loc(record.node), self.batch_items(keyword(call, "requests"), scope))
        history = self.history(call, scope, record)
        return [CallSite(loc=self.ev.loc(record.node), kwargs=kwargs, history=history, **base)]

    def untyped(self, shapes, call: ast.Call, scope: Scope) -> Tuple[Optional[str], Optional[Mapping]]:
        """The provider of a call whose client is not seen, when its chain or its keywords
        prove the shape (and the keywords, when they had to be evaluated to tell)."""
        for shape in shapes:
            if shape.untyped == "chain":
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

    def site_facts(self, record: CallRecord, shape, provider: str, kwargs: Mapping, client_timeout: Optional[bool], local: bool = False) -> dict:
        node, scope = record.node, record.scope
        own = self.ev.code_for(node)
        return dict(
            path=self.path,
            provider=provider,
            api=shape.api,
            function=self.function_of(scope),
            roles=shape.roles,
            streaming=shape.streaming,
            loop=self.ev.loc(record.loops[-1]) if record.loops else None,
            cache_control_nearby="cache_control" in self.text,
            loop_independent=bool(record.loops) and loops.independent(node, record.loops[-1], scope),
            in_async=loops.enclosing_async(scope),
            client_timeout=client_timeout,
            output_limit_nearby=self._output_limits() > len(OUTPUT_LIMIT_SET.findall(own)),
            local=local,
            retry=self._retry(node, scope),
            awaited_in_loop=bool(record.loops) and loops.awaited_in(node, record.loops[-1]),
            loop_names=loops.per_iteration(record.loops[-1]) if record.loops else (),

            # a raw POST's body parsed as JSON is the API's envelope, not the answer
            answer=evidence.answer_uses(node, _body_of(scope), self.ev.loc, self._answer_index, envelope=shape.api.startswith("POST ")),
        )

    def returned_texts(self) -> List[Tuple[str, object]]:
        """`name()` -> the text a module-level function returns (one `return`), its
        parameters as run-time text: another module's `system=build_prompt(user)` is a
        Ref to it. Only returns that build text are evaluated (bounded work per file)."""
        out = []
        for scope in self._scopes():
            node = scope.node
            if scope.parent is not self.c.module or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or len(scope.returns) != 1:
                continue
            expr = scope.returns[0]
            if not _builds_text(expr, scope):
                continue
            params = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs]
            bound = {name: Dynamic(name) for name in params}
            value = moves._substitute(self.ev.value(expr, scope), scope.name, bound, [0])
            if isinstance(value, (Text, Transform, FileRead, Ref)):
                out.append((f"{node.name}()", value))
        return out

    def _retry(self, node: ast.AST, scope: Scope):
        while scope is not None and scope.kind == "comprehension":
            scope = scope.parent
        if scope is None or scope.kind != "function" or scope.node is None:
            return None
        parents = self._parents.get(id(scope.node), False)
        if parents is False:
            parents = self._parents[id(scope.node)] = retries.parents_of(scope.node)
        if parents is None:
            return None
        return retries.unbounded_retry(node, scope.node, parents, self.ev.loc)

    def _output_limits(self) -> int:
        # Once per file, not per call: a generated file of thousands of calls would scan itself thousands of times.
        if self._limits is None:
            self._limits = len(OUTPUT_LIMIT_SET.findall(self.text))
        return self._limits

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
        return Mapping(named + kwargs.entries + tuple(dotted), kwargs.loc, is_open, locs + kwargs.key_locs)

    # --- which client a receiver is -----------------------------------------------------

    def client_provider(self, receiver: Optional[ast.expr], client_chain: List[str], scope: Scope, depth: int = 0) -> Optional[str]:
        """The provider of the client `receiver.<client_chain>`; None when it is not seen."""
        if receiver is None or depth > MAX_CLIENT_DEPTH:
            return None
        if not client_chain:
            return self._value_provider(receiver, scope, depth)
        klass = self._self_class(receiver, scope)
        if len(client_chain) == 1 and klass is not None:
            return self._self_attr_provider(klass, client_chain[0], depth)
        key = store_key(receiver)
        if key is not None:
            stored = self.c.stores.get(".".join([key, *client_chain]), [])
            return _one({self._value_provider(v, s, depth + 1) for v, s in stored[:MAX_ALIAS_BINDINGS]})
        return None

    def request_defaults(self, shape, receiver, client_chain: List[str], scope: Scope) -> Optional[Mapping]:
        """The arguments a client object fixes for its requests (`sdk.REQUEST_DEFAULTS`), as a
        spread before the call's own: `GenerativeModel("gemini-pro", generation_config=...)`."""
        if receiver is None:
            return None
        built = self.constructions(receiver, client_chain, scope, defaults=True)
        if len(built) != 1:
            return None
        call, owner = built[0]
        names = sdk.REQUEST_DEFAULTS.get(self.ev.qualname(call.func, owner) or ".".join(_decompose(call.func)[0][-3:]))
        if names is None:
            names = sdk.REQUEST_DEFAULTS.get(".".join(_decompose(call.func)[0][-2:]))
        if names is None:
            return None
        return self.shape_kwargs(dataclasses.replace(shape, positional=names), call, owner)

    def local_client(self, receiver: ast.expr, client_chain: List[str], scope: Scope) -> bool:
        """Is every construction seen of this client pointed at a server on the user's machine?"""
        built = self.constructions(receiver, client_chain, scope)
        return bool(built) and all(clients.local_endpoint(self.ev, call, owner) for call, owner in built)

    def constructions(self, receiver, client_chain: List[str], scope: Scope, depth: int = 0, defaults: bool = False) -> List[Tuple[ast.Call, Scope]]:
        """The constructor calls (of a client class) a receiver may have come from; with
        `defaults`, a chat session's creation (`client.chats.create(...)`) counts as one."""
        if receiver is None or depth > MAX_CLIENT_DEPTH:
            return []
        if client_chain:
            klass = self._self_class(receiver, scope)
            if len(client_chain) == 1 and klass is not None:
                out = []
                for value, method, _ in klass.self_attrs.get(client_chain[0], [])[:MAX_ALIAS_BINDINGS]:
                    out += self.constructions(value, [], method, depth + 1, defaults)
                prop = self._method(klass, client_chain[0])
                if prop is not None and _is_property(prop.node):
                    for r in prop.returns[:MAX_ALIAS_BINDINGS]:
                        out += self.constructions(r, [], prop, depth + 1, defaults)
                return out
            key = store_key(receiver)
            stored = self.c.stores.get(".".join([key, *client_chain]), []) if key is not None else []
            return [c for v, s in stored[:MAX_ALIAS_BINDINGS] for c in self.constructions(v, [], s, depth + 1, defaults)]
        expr = receiver
        if isinstance(expr, tuple):
            return self.constructions(expr[1], [], scope, depth + 1, defaults) if expr[0] == "with" else []
        if isinstance(expr, ast.Call):
            qual = self.ev.qualname(expr.func, scope) or ""
            if qual in sdk.CLIENT_CLASSES:
                return [(expr, scope)]
            if qual in sdk.CLIENT_WRAPPERS:
                args = positional(expr)
                return self.constructions(args[0], [], scope, depth + 1, defaults) if args else []
            if qual:
                return []
            chain, inner, _ = _decompose(expr.func)
            if defaults and (".".join(chain[-2:]) in sdk.REQUEST_DEFAULTS or ".".join(chain[-3:]) in sdk.REQUEST_DEFAULTS):
                return [(expr, scope)]
            for deriving in sdk.CLIENT_DERIVING:
                if inner is not None and tuple(chain[-len(deriving):]) == deriving:
                    return self.constructions(inner, chain[: -len(deriving)], scope, depth + 1, defaults)
            factory = self._factory(expr.func, scope)
            if factory is not None:
                return [c for r in factory.returns[:MAX_ALIAS_BINDINGS] for c in self.constructions(r, [], factory, depth + 1, defaults)]
            return []
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None or expr.id in owner.params:
                return []
            return [c for b in owner.assigns.get(expr.id, [])[:MAX_ALIAS_BINDINGS] for c in self.constructions(b, [], owner, depth + 1, defaults)]
        if isinstance(expr, ast.Attribute):
            return self.constructions(expr.value, [expr.attr], scope, depth + 1, defaults)
        if isinstance(expr, (ast.BoolOp, ast.IfExp)):
            values = expr.values if isinstance(expr, ast.BoolOp) else [expr.body, expr.orelse]
            return [c for v in values for c in self.constructions(v, [], scope, depth + 1, defaults)]
        if isinstance(expr, ast.Await):
            return self.constructions(expr.value, [], scope, depth + 1, defaults)
        return []

    def _self_class(self, receiver, scope: Scope) -> Optional[Scope]:
        """The class of `self` (a method's first parameter, also seen from a function nested in the method)."""
        if not isinstance(receiver, ast.Name):
            return None
        owner = self.ev.find(receiver.id, scope)
        if owner is not None and owner.self_name == receiver.id and receiver.id not in owner.assigns:
            return owner.klass
        return None

    def _self_attr_provider(self, klass: Scope, attr: str, depth: int) -> Optional[str]:
        """`self.client`: what the class assigns to it, its annotation, or a property of that name."""
        assigned = klass.self_attrs.get(attr, [])
        providers = {self._value_provider(v, m, depth + 1) for v, m, _ in assigned[:MAX_ALIAS_BINDINGS]}
        if attr in klass.annotations:
            providers.add(self._annotation_provider(klass.annotations[attr], klass))
        prop = self._method(klass, attr)
        if prop is not None and _is_property(prop.node):
            providers.update(self._value_provider(r, prop, depth + 1) for r in prop.returns[:MAX_ALIAS_BINDINGS])
        return _one(providers)

    def _value_provider(self, expr, scope: Scope, depth: int) -> Optional[str]:
        if expr is None or isinstance(expr, Binding) or depth > MAX_CLIENT_DEPTH:
            return None
        if isinstance(expr, tuple):
            # `with Client() as client` / `async with httpx.AsyncClient() as client`
            return self._value_provider(expr[1], scope, depth + 1) if expr[0] == "with" else None
        if isinstance(expr, ast.Call):
            return self._call_provider(expr, scope, depth)
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return None
            if expr.id in owner.params:
                ann = owner.annotations.get(expr.id)
                return self._annotation_provider(ann, owner) if ann is not None else None
            if expr.id in owner.imports and expr.id not in owner.assigns:
                return sdk.MODULE_CLIENTS.get(owner.imports[expr.id])
            bound = owner.assigns.get(expr.id, [])
            return _one({self._value_provider(b, owner, depth + 1) for b in bound[:MAX_ALIAS_BINDINGS]}, strict=True)
        if isinstance(expr, ast.Attribute):
            return self.client_provider(expr.value, [expr.attr], scope, depth + 1)
        if isinstance(expr, ast.BoolOp):
            # `client or Anthropic()`
            return _one({self._value_provider(v, scope, depth + 1) for v in expr.values})
        if isinstance(expr, ast.IfExp):
            return _one({self._value_provider(v, scope, depth + 1) for v in (expr.body, expr.orelse)})
        if isinstance(expr, ast.Await):
            return self._value_provider(expr.value, scope, depth + 1)
        if isinstance(expr, ast.Subscript):
            return self._item_provider(expr, scope, depth)
        return None

    def _call_provider(self, expr: ast.Call, scope: Scope, depth: int) -> Optional[str]:
        func = expr.func
        qual = self.ev.qualname(func, scope) or clients.factory_qualname(self.ev, func, scope)
        service = clients.service_name(expr)
        if service is not None and (qual, service) in sdk.CLIENT_FACTORIES:
            return sdk.CLIENT_FACTORIES[(qual, service)]
        if qual in sdk.CLIENT_CLASSES:
            return sdk.CLIENT_CLASSES[qual]
        if qual in sdk.CLIENT_WRAPPERS:
            args = positional(expr)
            wrapped = args[0] if args else keyword(expr, "client")
            return self._value_provider(wrapped, scope, depth + 1) if wrapped is not None else None
        if qual:
            return None  # a library's function: not a client we know
        chain, receiver, _ = _decompose(func)
        for deriving in sdk.CLIENT_DERIVING:
            n = len(deriving)
            if tuple(chain[-n:]) == deriving and receiver is not None:
                # a re-optioned client or a chat session: the same provider's requests
                return self.client_provider(receiver, chain[:-n], scope, depth + 1)
        factory = self._factory(func, scope)
        if factory is not None:
            # a project function that builds the client: `def get_client(): return Anthropic(...)`
            return _one({self._value_provider(r, factory, depth + 1) for r in factory.returns[:MAX_ALIAS_BINDINGS]})
        return None

    def _item_provider(self, expr: ast.Subscript, scope: Scope, depth: int) -> Optional[str]:
        """`clients["claude"]`, `st.session_state["client"]`: a stored client."""
        key = store_key(expr)
        stored = self.c.stores.get(key, []) if key is not None else []
        if stored:
            return _one({self._value_provider(v, s, depth + 1) for v, s in stored[:MAX_ALIAS_BINDINGS]})
        if isinstance(expr.value, ast.Name):
            owner = self.ev.find(expr.value.id, scope)
            bound = owner.assigns.get(expr.value.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.Dict):
                values = bound[0].values
                if isinstance(expr.slice, ast.Constant):
                    values = [v for k, v in zip(bound[0].keys, bound[0].values) if isinstance(k, ast.Constant) and k.value == expr.slice.value]
                return _one({self._value_provider(v, owner, depth + 1) for v in values[:MAX_ALIAS_BINDINGS]}, strict=True)
        return None

    def _factory(self, func: ast.expr, scope: Scope) -> Optional[Scope]:
        """The project function (of this file) a call runs: `make_client()`, `self._new_client()`."""
        return moves.function_scope(self.ev, func, scope)

    def _method(self, klass: Scope, name: str) -> Optional[Scope]:
        return moves.child(self.ev, klass, name, "function")

    def _annotation_provider(self, ann: ast.expr, scope: Scope, depth: int = 0) -> Optional[str]:
        if depth > 4:
            return None
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):  # not an expression: not a client annotation
                return None
        if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
            # `Anthropic | None`
            return _one({self._annotation_provider(a, scope, depth + 1) for a in (ann.left, ann.right)})
        if isinstance(ann, ast.Subscript) and (self.ev.qualname(ann.value, scope) or "").rsplit(".", 1)[-1] in ("Optional", "Union"):
            items = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            return _one({self._annotation_provider(a, scope, depth + 1) for a in items})
        return sdk.CLIENT_CLASSES.get(self.ev.qualname(ann, scope) or "")

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

    # --- conversation history -------------------------------------------------------------

    def history(self, call: ast.Call, scope: Scope, record: CallRecord, expr: Optional[ast.expr] = None) -> Optional[History]:
        """`call`: the request (`record.node`, or the SDK call a `to_thread(...)` wraps);
        `expr`: a list handed to it other than its `messages=` (an argument of a wrapper call)."""
        node = record.node
        expr = keyword(call, "messages") if expr is None else expr
        if expr is None:
            expr = self._spread_messages(call, scope)
        if expr is None:
            # `llm.invoke(st.session_state.messages)`: a chat model's input is its first argument
            first = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
            return self.session_history(first, scope) if first is not None else None
        session = self.session_history(expr, scope)
        if session is not None:
            return session
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None or expr.id in owner.imports:
                return None
            key, name = ("name", expr.id), expr.id
            if owner.kind == "class":
                return None
            if _bounded_deque(owner.assigns.get(expr.id, []), self.ev, owner):
                return None
            events = [e for e in self.c.events if e.key == key and self.ev.find(expr.id, e.scope) is owner and e.node is not node]
            if record.loops and (owner is scope or owner.kind == "module" and scope.kind == "module"):
                loop = record.loops[-1]
                grows = [e for e in events if e.kind == "grow" and loop in e.loops]
                reset = any(e.kind == "reassign" and loop in e.loops for e in events)
                trimmed = any(e.kind in ("trim", "escape") for e in events)
                if grows and not reset and not trimmed:
                    return History(name, "loop", self.ev.loc(grows[0].node), self._seed(owner.assigns.get(expr.id, []), owner), bound=loops.bound(loop))
                return None
            if owner.kind == "module" and scope is not owner:
                # Growth at import time (building few-shot examples) happens once, not per call.
                grows = [e for e in events if e.kind == "grow" and e.scope.kind != "module"]
                later = [e for e in events if e.kind in ("trim", "escape") or (e.kind == "reassign" and e.scope is not owner)]
                if grows and not later and len(owner.assigns.get(expr.id, [])) == 1:
                    return History(name, "module", self.ev.loc(grows[0].node), self._seed(owner.assigns.get(expr.id, []), owner))
            return None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == scope.self_name and scope.klass is not None:
            klass, attr = scope.klass, expr.attr
            methods = {s for s in self._scopes() if s.klass is klass}
            events = [e for e in self.c.events if e.key == ("self", attr) and e.scope in methods and e.node is not node]
            # Seeding the list in __init__ happens once per object, not per call.
            grows = [e for e in events if e.kind == "grow" and not e.scope.name.endswith(".__init__")]
            trimmed = [e for e in events if e.kind in ("trim", "escape") or (e.kind == "reassign" and not e.scope.name.endswith(".__init__"))]
            assigned = klass.self_attrs.get(attr, [])
            if any(_bounded_deque([v], self.ev, m) for v, m, _ in assigned):
                return None
            if grows and not trimmed:
                return History(f"{scope.self_name}.{attr}", "attribute", self.ev.loc(grows[0].node))
        return None

    def _spread_messages(self, call: ast.Call, scope: Scope) -> Optional[ast.expr]:
        """`create(**args)` where `args` is one dict literal of this scope: its "messages" value."""
        for k in call.keywords:
            if k.arg is not None or not isinstance(k.value, ast.Name):
                continue
            owner = self.ev.find(k.value.id, scope)
            bound = owner.assigns.get(k.value.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.Dict):
                for key, value in zip(bound[0].keys, bound[0].values):
                    if isinstance(key, ast.Constant) and key.value == "messages":
                        return value
        return None

    def _seed(self, bound, owner: Scope) -> Optional[object]:
        if len(bound) == 1 and isinstance(bound[0], ast.List):
            return self.ev.value(bound[0], owner)
        return None

    # --- histories kept in a session store -------------------------------------------------

    def session_history(self, expr: ast.expr, scope: Scope) -> Optional[History]:
        """A list kept in Streamlit's `st.session_state` (or a name bound to it), appended to
        and never trimmed: it lives as long as the user's session, every rerun of the script
        resends it. Seeding it with a literal list (`if "messages" not in st.session_state`,
        a "clear chat" button) is no bound: between resets it grows with every turn."""
        key = self._session_key(expr, scope)
        if key is None and isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            bound = owner.assigns.get(expr.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                key = self._session_key(bound[0], owner)
        if key is None:
            return None
        grows, trims = self._session_edits().get(key, ([], []))
        if not grows or trims:
            return None
        return History(key, "session" if key.startswith("st.") else "store", self.ev.loc(grows[0]))

    def _session_key(self, expr, scope: Scope) -> Optional[str]:
        """`st.session_state.messages` -> "st.session_state.messages"; `histories[user_id]`, a
        module-level dict of per-user (per-channel) lists -> "histories[...]"."""
        if isinstance(expr, ast.Attribute):
            base, key = expr.value, expr.attr
        elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
            base, key = expr.value, expr.slice.value
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and not isinstance(expr.slice, ast.Slice):
            return f"{expr.value.id}[...]" if self._module_dict(expr.value.id) else None
        else:
            return None
        return f"st.session_state.{key}" if self.ev.qualname(base, scope) == "streamlit.session_state" else None

    def _module_dict(self, name: str) -> bool:
        """A dict bound once at module level (`{}`, `dict()`, `defaultdict(list)`): a store that lives
        as long as the process, whose entries a bot or a server keys by user or channel."""
        bound = self.c.module.assigns.get(name, [])
        if len(bound) != 1:
            return False
        value = bound[0]
        if isinstance(value, ast.Dict):
            return not value.keys
        return isinstance(value, ast.Call) and (self.ev.qualname(value.func, self.c.module) or "").rsplit(".", 1)[-1] in ("dict", "defaultdict")

    def _session_edits(self) -> dict:
        """key -> (nodes that grow it, nodes that trim it), over the whole file, once."""
        if self._sessions is not None:
            return self._sessions
        self._sessions = {}
        module = self.c.module
        if module.node is None:
            return self._sessions
        aliases = {}  # a name bound to one session list (`messages = st.session_state.messages`)
        for sc in self._scopes():
            for name, bound in sc.assigns.items():
                if len(bound) == 1 and isinstance(bound[0], ast.expr):
                    key = self._session_key(bound[0], sc)
                    if key is not None:
                        aliases[name] = key

        def key_of(target) -> Optional[str]:
            # `st` is imported at module level: a use inside a function resolves there too
            return aliases.get(target.id) if isinstance(target, ast.Name) else self._session_key(target, module)

        def add(key: Optional[str], node, grows: bool) -> None:
            if key is not None:
                self._sessions.setdefault(key, ([], []))[0 if grows else 1].append(node)

        for seen, node in enumerate(ast.walk(module.node)):
            if seen > MAX_SESSION_NODES:
                break
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("append", "extend", "insert"):
                    add(key_of(node.func.value), node, True)
                elif node.func.attr in ("pop", "clear", "remove", "popitem"):
                    add(key_of(node.func.value), node, False)
                    owner = node.func.value
                    if isinstance(owner, ast.Name) and self._module_dict(owner.id):
                        add(f"{owner.id}[...]", node, False)  # an entry dropped: the store is bounded
            elif isinstance(node, ast.AugAssign):
                add(key_of(node.target), node, True)
            elif isinstance(node, ast.Delete):
                for target in node.targets:
                    if isinstance(target, ast.Subscript):
                        add(key_of(target.value), node, False)
                        add(key_of(target), node, False)  # `del histories[user_id]`
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                        add(key_of(target.value), node, False)  # `history[:] = history[-20:]`
                    elif not isinstance(node.value, (ast.List, ast.ListComp)) and self._session_key(node.value, module) is None:
                        add(key_of(target), node, False)  # reassigned from a window or a helper
        return self._sessions

    def statement_ranges(self, rows: set) -> Tuple[Tuple[int, int], ...]:
        """Row ranges of the statements a noqa row sits in: a simple statement's rows, a
        compound statement's header rows (up to its indented body)."""
        if not rows:
            return ()
        ranges = []
        for stmt, body in self.c.statements:
            start = stmt.lineno
            if body is None:
                end = stmt.end_lineno or start
            else:
                first = body[0].lineno if body else start
                end = max(start, first - 1)
            if any(start <= row <= end for row in rows):
                ranges.append((start, end))
        return tuple(ranges)


# String methods whose result is still the text they are called on (or files read as text).
_TEXT_METHODS = frozenset({"format", "strip", "lstrip", "rstrip", "replace", "join", "read_text", "read", "dedent", "cleandoc", "render"})


def _builds_text(expr: ast.expr, scope: Scope) -> bool:
    """A return that visibly makes text: a string, an f-string, a `+`, a text method, or a
    module-level name. A local variable is not followed: building its value may mean
    evaluating the whole function, for every function of every file."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, (ast.JoinedStr, ast.BinOp)):
        return True
    if isinstance(expr, ast.Name):
        return expr.id not in scope.assigns and expr.id not in scope.params
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _TEXT_METHODS

def _body_of(scope: Scope):
    """The code a request's answer may be used in: its function's, or the module's (a script,
    a notebook); a comprehension or lambda reads its enclosing function."""
    while scope is not None and scope.kind not in ("function", "module"):
        scope = scope.parent
    return None if scope is None else scope.node


def _keywords(node: ast.Call, shape) -> Tuple[str, ...]:
    """The names shape_kwargs will give the arguments (keys of spreads are never final)."""
    named = tuple(getattr(shape, "positional", ()))[: len(positional(node))]
    return named + tuple(k.arg for k in node.keywords if k.arg is not None)


def _decompose(func: ast.expr):
    """`client.with_options(x=1).messages.create` -> (["messages", "create"], client, [options call])."""
    chain: List[str] = []
    options = []
    node = func
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr not in CHAIN_SKIP:
                chain.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "with_options":
            options.append(node)
            node = node.func.value
        else:
            break
    chain.reverse()
    if not chain:
        return chain, None, options
    if isinstance(node, (ast.Name, ast.Call, ast.Subscript)):
        # `self.client.messages.create`: the attribute hop stays part of the client chain.
        return chain, node, options
    return chain, None, options


def _shapes_for(chain) -> Tuple[sdk.MethodShape, ...]:
    """The shapes whose method chain ends `chain`, of the longest such chain."""
    for n in _LENGTHS:
        if n and len(chain) >= n:
            found = _BY_CHAIN.get(tuple(chain[-n:]))
            if found:
                return found
    return ()


_BY_CHAIN: dict = {}
for _shape in sdk.METHODS:
    _BY_CHAIN.setdefault(_shape.chain, ())
    _BY_CHAIN[_shape.chain] += (_shape,)
_LENGTHS = sorted({len(c) for c in _BY_CHAIN}, reverse=True)


def _one(providers: set, strict: bool = False) -> Optional[str]:
    """The one provider among those found (None: not a client we know); with `strict`, one
    binding that is not a known client makes the name unknown too (a name rebound to
    something else may be anything)."""
    providers = set(providers)
    if not strict:
        providers.discard(None)
    return providers.pop() if len(providers) == 1 else None


def _is_property(node) -> bool:
    for d in getattr(node, "decorator_list", ()):
        name = d.attr if isinstance(d, ast.Attribute) else d.id if isinstance(d, ast.Name) else ""
        if name in ("property", "cached_property"):
            return True
    return False


def options_entries(ev: Evaluator, options, scope: Scope):
    for call in reversed(options):
        for kw in call.keywords:
            if kw.arg == "timeout":
                yield ("timeout", ev.value(kw.value, scope))


def _bounded_deque(bindings, ev: Evaluator, scope: Scope) -> bool:
    for b in bindings:
        if isinstance(b, ast.Call) and (ev.qualname(b.func, scope) or "").endswith("deque"):
            if keyword(b, "maxlen") is not None or len(b.args) >= 2:
                return True
    return False


def _noqa_comments(text: str) -> Tuple[Noqa, ...]:
    from claude_lint import noqa

    return tuple(Noqa(row, codes) for row, codes in noqa.line_noqa(text))
