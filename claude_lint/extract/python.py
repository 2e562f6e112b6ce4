"""Python source to FileFacts: LLM call sites, module constants, imports, noqa comments."""
from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from typing import List, Optional, Tuple

from claude_lint.extract import clients, loops, prefilter, sdk
from claude_lint.extract.positions import Positions
from claude_lint.extract.scopes import Binding, CallRecord, Collector, Scope, keyword, positional
from claude_lint.extract.values import Evaluator
from claude_lint.facts import CallSite, FileError, FileFacts, History, Loc, Mapping, Noqa, Seq, Transform, Unknown

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
CHAIN_SKIP = frozenset({"with_raw_response", "with_streaming_response"})
# An output limit set as a keyword or dict key (`.bind(max_tokens=...)`), not in a comment.
OUTPUT_LIMIT_SET = re.compile(r"""\b(?:max_tokens|max_completion_tokens|max_output_tokens|maxTokens)\b(?:\s*=(?!=)|["']\s*:)""")


def extract(text: str, path: str, abspath: str, module: Optional[str], calls_only: bool = False) -> FileFacts:
    """calls_only: a file without a recognised call comes back unparsed (its constants are
    read later, only if a value resolves into it); the pre-filter's tree test says first
    whether the walk can find one."""
    if text.startswith("\ufeff"):
        text = text[1:]  # a UTF-8 BOM: not part of the code, and not counted in columns
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

    def _scopes(self) -> List[Scope]:
        return [self.c.module, *self.c.scopes_by_node.values()]

    def facts(self) -> FileFacts:
        calls: List[CallSite] = []
        found = []
        for record in self.c.calls:
            sites = self.call_sites(record)
            calls.extend(sites)
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
        fshape = sdk.FUNCTIONS.get(self.ev.qualname(node.func, scope) or "")
        if fshape is not None:
            kwargs = self.shape_kwargs(fshape, node, scope)
            if any(k in kwargs.keys() for k in fshape.no_request):
                return []
            return [CallSite(loc=self.ev.loc(node), kwargs=kwargs, **self.site_facts(record, fshape, fshape.providers[0], kwargs, None))]
        chain, receiver, options = _decompose(node.func)
        if receiver is None:
            return []
        for shape in sdk.METHODS_LONGEST_FIRST:
            n = len(shape.chain)
            if tuple(chain[-n:]) != shape.chain:
                continue
            client_chain = chain[:-n]
            provider = self.client_provider(receiver, client_chain, scope)
            if provider is None and not all(k in _keywords(node, shape) for k in sdk.UNTYPED_RECEIVER_PROOF):
                return []  # decided before the arguments are evaluated
            kwargs = self.shape_kwargs(shape, node, scope)
            if options:
                kwargs = Mapping(tuple(options_entries(self.ev, options, scope)) + kwargs.entries, kwargs.loc, kwargs.open, kwargs.key_locs)
            if provider is None:
                if not all(k in kwargs.keys() for k in sdk.UNTYPED_RECEIVER_PROOF):
                    return []
                provider = "anthropic"
            if provider not in shape.providers or any(k in kwargs.keys() for k in shape.no_request):
                return []
            base = self.site_facts(record, shape, provider, kwargs, clients.client_timeout(self.ev, receiver, client_chain, scope, options))
            if shape.batch:
                return self.batch_requests(kwargs, base)
            history = self.history(node, scope, record)
            return [CallSite(loc=self.ev.loc(node), kwargs=kwargs, history=history, **base)]
        return []

    def site_facts(self, record: CallRecord, shape, provider: str, kwargs: Mapping, client_timeout: Optional[bool]) -> dict:
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
        )

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

    def client_provider(self, receiver: ast.expr, client_chain: List[str], scope: Scope, depth: int = 0) -> Optional[str]:
        if client_chain or depth > 8:
            # `self.client` is the one attribute hop we follow.
            if client_chain == [] or not (len(client_chain) == 1 and isinstance(receiver, ast.Name) and receiver.id == scope.self_name):
                return None
            klass = scope.klass
            assigned = klass.self_attrs.get(client_chain[0], []) if klass else []
            providers = {self._value_provider(v, m, depth) for v, m, _ in assigned}
            if klass is not None and client_chain[0] in klass.annotations:
                providers.add(self._annotation_provider(klass.annotations[client_chain[0]], klass))
            providers.discard(None)
            return providers.pop() if len(providers) == 1 else None
        return self._value_provider(receiver, scope, depth)

    def _value_provider(self, expr, scope: Scope, depth: int) -> Optional[str]:
        if isinstance(expr, (Binding, tuple)) or expr is None:
            return None
        if isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "with_options":
                return self._value_provider(expr.func.value, scope, depth + 1)
            qual = self.ev.qualname(expr.func, scope) or clients.factory_qualname(self.ev, expr.func, scope)
            service = clients.service_name(expr)
            if service is not None and (qual, service) in sdk.CLIENT_FACTORIES:
                return sdk.CLIENT_FACTORIES[(qual, service)]
            return sdk.CLIENT_CLASSES.get(qual)
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return None
            if expr.id in owner.params:
                ann = owner.annotations.get(expr.id)
                return self._annotation_provider(ann, owner) if ann is not None else None
            bound = owner.assigns.get(expr.id, [])
            providers = {self._value_provider(b, owner, depth + 1) for b in bound}
            return providers.pop() if len(providers) == 1 else None
        if isinstance(expr, ast.Attribute):
            return self.client_provider(expr.value, [expr.attr], scope, depth + 1)
        return None

    def _annotation_provider(self, ann: ast.expr, scope: Scope) -> Optional[str]:
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):  # not an expression: not a client annotation
                return None
        return sdk.CLIENT_CLASSES.get(self.ev.qualname(ann, scope) or "")

    def function_of(self, scope: Scope) -> Optional[str]:
        s: Optional[Scope] = scope
        while s is not None and s.kind == "comprehension":
            s = s.parent
        return s.name if s is not None and s.name else None

    def batch_requests(self, kwargs: Mapping, base: dict) -> List[CallSite]:
        requests = kwargs.get("requests")
        items: Tuple[object, ...] = ()
        if isinstance(requests, Seq):
            items = requests.items
        sites = []
        for request in items:
            if not isinstance(request, Mapping) or request.get("params") is None:
                continue
            params = request.get("params")
            site_kwargs = params if isinstance(params, Mapping) else Mapping(((None, params),), getattr(params, "loc", None))
            sites.append(CallSite(loc=request.loc or kwargs.loc, kwargs=site_kwargs, **base))
        return sites

    # --- conversation history -------------------------------------------------------------

    def history(self, node: ast.Call, scope: Scope, record: CallRecord, expr: Optional[ast.expr] = None) -> Optional[History]:
        """`expr`: a list handed to `node` other than its `messages=` (an argument of a wrapper call)."""
        expr = keyword(node, "messages") if expr is None else expr
        if expr is None:
            return None
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
                    return History(name, "loop", self.ev.loc(grows[0].node))
                return None
            if owner.kind == "module" and scope is not owner:
                # Growth at import time (building few-shot examples) happens once, not per call.
                grows = [e for e in events if e.kind == "grow" and e.scope.kind != "module"]
                later = [e for e in events if e.kind in ("trim", "escape") or (e.kind == "reassign" and e.scope is not owner)]
                if grows and not later and len(owner.assigns.get(expr.id, [])) == 1:
                    return History(name, "module", self.ev.loc(grows[0].node))
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
    if isinstance(node, (ast.Name, ast.Call)):
        # `self.client.messages.create`: the attribute hop stays part of the client chain.
        return chain, node, options
    return chain, None, options


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
    if "noqa" not in text and "NOQA" not in text:
        return ()
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                m = NOQA.search(tok.string)
                if m:
                    codes = m.group("codes")
                    found.append(Noqa(tok.start[0], tuple(c.upper() for c in re.split(r"[\s,]+", codes) if c) if codes else None))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return ()
    return tuple(found)
