"""Python source to FileFacts: LLM call sites, module constants, imports, noqa comments."""
from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from typing import List, Optional, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from claude_lint.extract import clients, loops, sdk
from claude_lint.extract.scopes import Binding, CallRecord, Collector, Scope
from claude_lint.extract.values import Evaluator
from claude_lint.facts import CallSite, FileError, FileFacts, History, Loc, Mapping, Noqa, Seq, Transform, Unknown

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
CHAIN_SKIP = frozenset({"with_raw_response", "with_streaming_response"})
# An output limit set as a keyword or dict key (`.bind(max_tokens=...)`), not in a comment.
OUTPUT_LIMIT_SET = re.compile(r"""\b(?:max_tokens|max_completion_tokens|max_output_tokens|maxTokens)\b(?:\s*=(?!=)|["']\s*:)""")


def needs_parse(data: bytes) -> bool:
    """Byte-level pre-filter: could this file hold an LLM call at all? (see prefilter.py)"""
    from claude_lint.extract.prefilter import needs_parse as needs

    return needs(data)


def extract(text: str, path: str, abspath: str, module: Optional[str], calls_only: bool = False) -> FileFacts:
    """calls_only: a file without a recognised call comes back unparsed (its constants are
    read later, only if a value resolves into it), so positions are never computed for it."""
    too_deep = _too_deep(text)
    if too_deep:
        return FileFacts(path, abspath, module, "python", errors=(FileError("CL901", too_deep, Loc(path, 1, 1, 1, 1)),))
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return FileFacts(path, abspath, module, "python", errors=(_syntax_error(text, path, exc),))
    except RecursionError:
        return FileFacts(path, abspath, module, "python", errors=(FileError("CL901", "file nests too deeply to parse", Loc(path, 1, 1, 1, 1)),))
    try:
        positions = _LazyPositions(tree)
        collector = Collector()
        tree.visit(collector)
        extraction = _Extraction(text, path, abspath, module, tree, positions, collector)
        if calls_only and not any(extraction.call_sites(record) for record in collector.calls):
            return FileFacts(path, abspath, module, "python", parsed=False)
        return extraction.facts()
    except RecursionError:
        # Valid, but nested deeper than the tree walk can follow (e.g. a `+` chain of
        # hundreds of strings): report it rather than crash the run.
        return FileFacts(path, abspath, module, "python", errors=(FileError("CL901", "file nests too deeply to analyse", Loc(path, 1, 1, 1, 1)),))


class _LazyPositions:
    """PositionProvider costs a full code generation of the tree (most of a parse's time):
    resolved on the first position asked for, which files without an LLM call never ask."""

    def __init__(self, tree: cst.Module):
        self.tree = tree
        self.resolved = None

    def get(self, node, default=None):
        if self.resolved is None:
            self.resolved = MetadataWrapper(self.tree, unsafe_skip_copy=True).resolve(PositionProvider)
        return self.resolved.get(node, default)


# libcst's native parser overflows the C stack (a segfault, not an exception) on
# nesting around 1,500 levels deep; CPython's own parser refuses such code cleanly
# (at 200 brackets, or with RecursionError / MemoryError), so it vets large files first.
# A file this small cannot nest deep enough to matter.
_VET_ABOVE_BYTES = 1000


def _too_deep(text: str) -> Optional[str]:
    """Why CPython refuses this file as too deeply nested, or None."""
    if len(text) < _VET_ABOVE_BYTES:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like: not ours to report
            compile(text, "<vet>", "exec", ast.PyCF_ONLY_AST)
    except (RecursionError, MemoryError):
        return "SyntaxError: too deeply nested to parse"
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg) or "too complex" in str(exc.msg):
            return f"SyntaxError: {exc.msg}"
    except (ValueError, OverflowError):  # e.g. NUL bytes: libcst reports these itself
        pass
    return None


class _Extraction:
    def __init__(self, text, path, abspath, module, tree, positions, collector: Collector):
        self.text = text
        self.path = path
        self.abspath = abspath
        self.module = module
        self.tree = tree
        self.positions = positions
        self.c = collector
        self.ev = Evaluator(path, abspath, collector.module, positions, tree.code_for_node)
        self.ev.all_scopes = tuple(collector.scopes_by_node.values())

    def _scopes(self) -> List[Scope]:
        return [self.c.module, *self.c.scopes_by_node.values()]

    def facts(self) -> FileFacts:
        calls: List[CallSite] = []
        for record in self.c.calls:
            calls.extend(self.call_sites(record))
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
                return []  # decided before the arguments are evaluated: they need positions
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
            output_limit_nearby=len(OUTPUT_LIMIT_SET.findall(self.text)) > len(OUTPUT_LIMIT_SET.findall(own)),
        )

    def shape_kwargs(self, shape, node: cst.Call, scope: Scope) -> Mapping:
        """Keyword arguments, with positional ones named by the shape and dotted roles reached into."""
        kwargs = self.ev.kwargs(node.args, scope, 0, self.ev.loc(node))
        positional = [a for a in node.args if a.keyword is None and not a.star]
        named = tuple((name, self.ev.value(a.value, scope)) for name, a in zip(shape.positional, positional))
        is_open = kwargs.open or any(a.star == "*" for a in node.args) or len(positional) > len(shape.positional)
        dotted = []
        for _, names in shape.roles:
            for name in names:
                if "." not in name:
                    continue
                head, key = name.split(".", 1)
                arg = next((a for a in node.args if a.keyword is not None and a.keyword.value == head), None)
                if arg is None:
                    continue
                inner = clients.decoded(self.ev, arg.value, scope)
                if isinstance(inner, Mapping) and not inner.open and inner.get(key) is None and None not in dict(inner.entries):
                    continue  # surely absent
                found = inner.get(key) if isinstance(inner, Mapping) else None
                dotted.append((name, Transform("getitem:" + key, inner, getattr(found, "loc", None) or self.ev.loc(arg.value))))
        locs = tuple((name, self.ev.loc(a.value)) for name, a in zip(shape.positional, positional) if self.ev.loc(a.value) is not None)
        locs += tuple((name, value.loc) for name, value in dotted if value.loc is not None)
        return Mapping(named + kwargs.entries + tuple(dotted), kwargs.loc, is_open, locs + kwargs.key_locs)

    def client_provider(self, receiver: cst.BaseExpression, client_chain: List[str], scope: Scope, depth: int = 0) -> Optional[str]:
        if client_chain or depth > 8:
            # `self.client` is the one attribute hop we follow.
            if client_chain == [] or not (len(client_chain) == 1 and isinstance(receiver, cst.Name) and receiver.value == scope.self_name):
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
        if isinstance(expr, cst.Call):
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "with_options":
                return self._value_provider(expr.func.value, scope, depth + 1)
            qual = self.ev.qualname(expr.func, scope) or clients.factory_qualname(self.ev, expr.func, scope)
            service = clients.service_name(expr)
            if service is not None and (qual, service) in sdk.CLIENT_FACTORIES:
                return sdk.CLIENT_FACTORIES[(qual, service)]
            return sdk.CLIENT_CLASSES.get(qual)
        if isinstance(expr, cst.Name):
            owner = self.ev.find(expr.value, scope)
            if owner is None:
                return None
            if expr.value in owner.params:
                ann = owner.annotations.get(expr.value)
                return self._annotation_provider(ann, owner) if ann is not None else None
            bound = owner.assigns.get(expr.value, [])
            providers = {self._value_provider(b, owner, depth + 1) for b in bound}
            return providers.pop() if len(providers) == 1 else None
        if isinstance(expr, cst.Attribute):
            return self.client_provider(expr.value, [expr.attr.value], scope, depth + 1)
        return None

    def _annotation_provider(self, ann: cst.BaseExpression, scope: Scope) -> Optional[str]:
        if isinstance(ann, cst.SimpleString):
            try:
                ann = cst.parse_expression(ann.evaluated_value)
            except Exception:  # not an expression: not a client annotation
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

    def history(self, node: cst.Call, scope: Scope, record: CallRecord) -> Optional[History]:
        arg = next((a for a in node.args if a.keyword is not None and a.keyword.value == "messages"), None)
        if arg is None:
            return None
        expr = arg.value
        if isinstance(expr, cst.Name):
            owner = self.ev.find(expr.value, scope)
            if owner is None or expr.value in owner.imports:
                return None
            key, name = ("name", expr.value), expr.value
            if owner.kind == "class":
                return None
            if _bounded_deque(owner.assigns.get(expr.value, []), self.ev, owner):
                return None
            events = [e for e in self.c.events if e.key == key and self.ev.find(expr.value, e.scope) is owner and e.node is not node]
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
                if grows and not later and len(owner.assigns.get(expr.value, [])) == 1:
                    return History(name, "module", self.ev.loc(grows[0].node))
            return None
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == scope.self_name and scope.klass is not None:
            klass, attr = scope.klass, expr.attr.value
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
        if not rows:
            return ()
        ranges = []
        for stmt, body in self.c.statements:
            r = self.positions.get(stmt)
            if r is None:
                continue
            end = r.end.line
            if body is not None:
                first = body.body[0] if getattr(body, "body", None) else None
                br = self.positions.get(first) if first is not None else None
                end = max(r.start.line, (br.start.line - 1) if br is not None and isinstance(body, cst.IndentedBlock) else r.start.line)
            if any(r.start.line <= row <= end for row in rows):
                ranges.append((r.start.line, end))
        return tuple(ranges)


def _syntax_error(text: str, path: str, exc: cst.ParserSyntaxError) -> FileError:
    """Python's own message says more than libcst's ("'(' was never closed" vs "Syntax Error @ 4:1")."""
    row, col, message = exc.raw_line or 1, (exc.raw_column or 0) + 1, "invalid syntax"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST: parse, never run
    except SyntaxError as err:
        row, col, message = err.lineno or row, err.offset or col, err.msg or message
    except (ValueError, RecursionError, MemoryError):
        pass
    return FileError("CL901", f"SyntaxError: {message}", Loc(path, row, col, row, col))


def _keywords(node: cst.Call, shape) -> Tuple[str, ...]:
    """The names shape_kwargs will give the arguments (keys of spreads are never final)."""
    positional = [a for a in node.args if a.keyword is None and not a.star]
    named = tuple(getattr(shape, "positional", ()))[: len(positional)]
    return named + tuple(a.keyword.value for a in node.args if a.keyword is not None)


def _decompose(func: cst.BaseExpression):
    """`client.with_options(x=1).messages.create` -> (["messages", "create"], client, [options call])."""
    chain: List[str] = []
    options = []
    node = func
    while True:
        if isinstance(node, cst.Attribute):
            if node.attr.value not in CHAIN_SKIP:
                chain.append(node.attr.value)
            node = node.value
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "with_options":
            options.append(node)
            node = node.func.value
        else:
            break
    chain.reverse()
    if not chain:
        return chain, None, options
    if isinstance(node, cst.Name) and len(chain) >= 1:
        # `self.client.messages.create`: keep the attribute hop as part of the client chain.
        return chain, node, options
    if isinstance(node, cst.Call):
        return chain, node, options
    return chain, None, options


def options_entries(ev: Evaluator, options, scope: Scope):
    for call in reversed(options):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "timeout":
                yield ("timeout", ev.value(arg.value, scope))


def _bounded_deque(bindings, ev: Evaluator, scope: Scope) -> bool:
    for b in bindings:
        if isinstance(b, cst.Call) and (ev.qualname(b.func, scope) or "").endswith("deque"):
            if any(a.keyword is not None and a.keyword.value == "maxlen" for a in b.args) or len(b.args) >= 2:
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
