"""Which client a request's receiver is: its provider, its request defaults and whether it
is a local server, followed back to the client's construction (an attribute, a factory,
a dict of clients, an annotation)."""
from __future__ import annotations

import ast
import dataclasses
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import clients, kept_values, moves, sdk
from claude_lint.extract.chains import called_name
from claude_lint.extract.python_calls import MAX_CLIENT_DEPTH, MAX_ALIAS_BINDINGS, _decompose, _function_scope, _one, _is_property, _shapes_for, image_body, _passes_kwargs_on
from claude_lint.extract.scopes import Binding, Scope, keyword, positional, store_key
from claude_lint.facts import Mapping


class ClientFinder:
    """Which client a receiver is. A mixin of `python._Extraction`."""

    # --- which client a receiver is -----------------------------------------------------

    def client_param(self, receiver, client_chain: List[str], scope: Scope, depth: int = 0) -> Optional[str]:
        """The parameter of the request's own function that its client is (`def ask(client, q):
        client.messages.create(...)`), or the endpoint its client is built with there
        (`OpenAI(base_url=base_url)`), nothing else bound to it: each caller's client or
        endpoint (a local server's, a gateway's) is the one its call sends to."""
        d = _function_scope(scope)
        if client_chain or d is None or d.kind != "function" or depth > 1:
            return None
        if isinstance(receiver, ast.Call) and (self.ev.qualname(receiver.func, scope) or "") in sdk.CLIENT_CLASSES:
            ends = [k.value for k in receiver.keywords if k.arg in clients.ENDPOINT_KEYWORDS]
            return self.client_param(ends[0], [], scope, depth + 1) if len(ends) == 1 else None
        if not isinstance(receiver, ast.Name) or self.ev.find(receiver.id, scope) is not d:
            return None
        bound = d.assigns.get(receiver.id)
        if receiver.id in d.params:
            return None if bound else receiver.id
        return self.client_param(bound[0], [], scope, depth) if bound and len(bound) == 1 and isinstance(bound[0], ast.Call) and not depth else None

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
            found = _one({self._value_provider(v, s, depth + 1) for v, s in stored[:MAX_ALIAS_BINDINGS]})
            if found is not None or depth:
                return found
        return self._sibling_provider(receiver, client_chain, scope) if depth == 0 else None

    def _sibling_provider(self, receiver: ast.expr, client_chain: List[str], scope: Scope) -> Optional[str]:
        """The provider a call of the same function proves for the same client expression
        with a chain no other library has (`cog.client.beta.messages.create(...)` beside
        `cog.client.messages.create(**params)`): one object, one client. Indexed once per file."""
        if self._proven is None:
            self._proven = {}
            for record in self.c.calls:
                chain, other, _ = _decompose(record.node.func)
                shapes = _shapes_for(chain)
                if other is None or not shapes or shapes[0].untyped != "chain" or shapes[0].proof:
                    continue
                where = (id(_function_scope(record.scope)), ast.dump(other), tuple(chain[: len(chain) - len(shapes[0].chain)]))
                self._proven.setdefault(where, set()).add(shapes[0].providers[0])
        found = self._proven.get((id(_function_scope(scope)), ast.dump(receiver), tuple(client_chain)), set())
        return next(iter(found)) if len(found) == 1 else None

    _proven: Optional[dict] = None

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
            # a project's `get_model(NAME)`: its argument is the model where the shape names it so
            names = sdk.MODEL_GETTERS.get(called_name(call.func) or "")
            if names is None or not set(names) <= set(dict(shape.roles).get("model", ())):
                return None
        made = self.shape_kwargs(dataclasses.replace(shape, positional=names), call, owner)
        return self._bound_by_factory_call(made, owner, receiver, scope)

    def _bound_by_factory_call(self, made: Mapping, factory: Scope, receiver, scope: Scope, depth: int = 0) -> Mapping:
        """A factory's construction with its parameters replaced by what the call of it that
        made the receiver passes (`get_model("gemini-2.0-flash").generate_content(...)`, or a
        name bound once to that call)."""
        if isinstance(receiver, ast.Name) and depth < 2:
            owner = self.ev.find(receiver.id, scope)
            bound = owner.assigns.get(receiver.id, []) if owner is not None and receiver.id not in owner.params else []
            return self._bound_by_factory_call(made, factory, bound[0], owner, depth + 1) if len(bound) == 1 else made
        node = factory.node
        if not isinstance(receiver, ast.Call) or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or self._factory(receiver.func, scope) is not factory:
            return made
        plain = [a.arg for a in (*node.args.posonlyargs, *node.args.args)][1 if factory.self_name else 0:]
        if any(isinstance(a, ast.Starred) for a in receiver.args) or any(k.arg is None for k in receiver.keywords):
            return made
        passed = {**dict(zip(plain, receiver.args)), **{k.arg: k.value for k in receiver.keywords}}
        values = {name: self.ev.value(expr, scope) for name, expr in passed.items()}
        every = [*node.args.posonlyargs, *node.args.args]
        defaults = {**dict(zip([a.arg for a in every[len(every) - len(node.args.defaults):]], node.args.defaults)),
                    **{a.arg: d for a, d in zip(node.args.kwonlyargs, node.args.kw_defaults) if d is not None}}
        for name, expr in defaults.items():
            if name not in values and factory.parent is not None:
                values[name] = self.ev.value(expr, factory.parent)
        return moves._substitute(made, factory.name, values, [0])

    def client_shape(self, shapes, provider: str, receiver, client_chain: List[str], scope: Scope, call: Optional[ast.Call] = None, at: Optional[Scope] = None):
        """The shape of a request on a client of this provider; None when none of `shapes` is
        its. A client made from a provider string (`instructor.from_provider`) has OpenAI's
        request shapes whatever provider serves (and bills) them. A Bedrock `invoke_model` whose
        body (`call`'s, read in `at`) is an image model's is that shape's image variant."""
        shape = next((s for s in shapes if provider in s.providers), None)
        if shape is None and self._unified_client(receiver, client_chain, scope):
            shape = next((s for s in shapes if "openai" in s.providers), None)
        image = next((s for s in shapes if s.output == "image" and provider in s.providers and s is not shape), None) if shape is not None else None
        return image if image is not None and call is not None and image_body(self.ev, keyword(call, "body"), at or scope, keyword(call, "modelId")) else shape

    def _unified_client(self, receiver, client_chain: List[str], scope: Scope) -> bool:
        built = self.constructions(receiver, client_chain, scope)
        return bool(built) and all((self.ev.qualname(call.func, owner) or "") in clients.PROVIDER_STRING_FACTORIES for call, owner in built)

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
            if qual in sdk.CLIENT_CLASSES or qual in clients.PROVIDER_STRING_FACTORIES:
                return [(expr, scope)]
            if qual in sdk.CLIENT_WRAPPERS:
                args = positional(expr)
                return self.constructions(args[0], [], scope, depth + 1, defaults) if args else []
            if qual:
                return []
            chain, inner, _ = _decompose(expr.func)
            if defaults and (".".join(chain[-2:]) in sdk.REQUEST_DEFAULTS or ".".join(chain[-3:]) in sdk.REQUEST_DEFAULTS
                             or (inner is not None and chain[-1] in sdk.MODEL_GETTERS)):
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
                return self._annotation_provider(ann, owner) if ann is not None else self._passed_to_constructor(expr.id, owner, depth)
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
        if qual in clients.PROVIDER_STRING_FACTORIES:
            return clients.string_provider(self.ev, expr, scope)
        if qual in sdk.CLIENT_WRAPPERS:
            args = positional(expr)
            wrapped = args[0] if args else keyword(expr, "client")
            return self._value_provider(wrapped, scope, depth + 1) if wrapped is not None else None
        chain, receiver, _ = _decompose(func)
        for deriving in sdk.CLIENT_DERIVING:
            n = len(deriving)
            if tuple(chain[-n:]) == deriving and receiver is not None:
                # a re-optioned client or a chat session: the same provider's requests (also
                # `model.start_chat()` on a model bound first, which factory_qualname names)
                return self.client_provider(receiver, chain[:-n], scope, depth + 1)
        if qual:
            return None  # a library's function: not a client we know
        factory = self._factory(func, scope)
        if factory is not None:
            # a project function that builds the client: `def get_client(): return Anthropic(...)`
            return _one({self._value_provider(r, factory, depth + 1) for r in factory.returns[:MAX_ALIAS_BINDINGS]})
        return None

    def proven_apart(self, shapes, call: ast.Call, receiver, client_chain: List[str], scope: Scope) -> Optional[str]:
        """The provider of a request whose client is not seen where it is made, proven another
        way: the client every call of its function in this file passes for the parameter it
        is (when such a call is seen, it decides), or its keywords in a file that imports the
        provider's SDK (`MethodShape.proof`)."""
        klass = self._self_class(receiver, scope) if not client_chain else None
        if klass is not None and self._method(klass, shapes[0].chain[-1]) is not None:
            return None  # the class's own method of that name (a wrapper), not the SDK's
        param = self.client_param(receiver, client_chain, scope)
        d = _function_scope(scope)
        if param is not None and d is not None and param not in d.annotations and self._calls_of_function(d):
            provider = self._passed_to_function(param, d, 0)
            if any(provider in s.providers for s in shapes):
                return provider
            for passed, at in self._passed_args(param, d):
                other = self._value_provider(passed, at, 1)
                if (other is not None and not any(other in s.providers for s in shapes)) or self._made_as_other(passed, [], at):
                    return None  # a caller hands it a client of another kind: its keywords prove nothing
        written = {k.arg for k in call.keywords if k.arg is not None} | clients.spread_keys(self.ev, call, scope)
        # (a chain found in no other library is proven by its keywords in any file: a client imported by name)
        imported = {s.providers[0] for s in shapes if (s.untyped == "chain" and s.proof) or self._imports_sdk(s.providers[0])
                    or s.proof_imported and not client_chain and clients.imported_object(self.ev, receiver, scope)}
        proven = {s.providers[0] for s in shapes if s.providers[0] in imported and any(all(k in written for k in group) for group in s.proof)}
        if not proven and param is not None and d is not None and _passes_kwargs_on(call, d):
            # a retry wrapper handing its `**kwargs` on whole: the file's one SDK with the chain is its client's
            proven = set(imported)
        if len(imported) == 1 and proven and not self._made_as_other(receiver, client_chain, scope):
            return proven.pop()  # (a file with an Ollama client too: its `chat` may be that one's)
        return None

    def _made_as_other(self, receiver, client_chain: List[str], scope: Scope, depth: int = 0) -> bool:
        """Is the receiver seen made as something else: by a client factory for another
        service (`boto3.client("s3")`), or handed to the constructors this file makes of its
        class (which said it is no client we know)? Then its keywords prove nothing."""
        if depth > 2:
            return False
        klass = self._self_class(receiver, scope)
        if klass is not None and len(client_chain) == 1:
            for value, method, _ in klass.self_attrs.get(client_chain[0], [])[:MAX_ALIAS_BINDINGS]:
                init = isinstance(method.node, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.node.name == "__init__"
                if isinstance(value, ast.Name) and value.id in method.params and init:
                    if kept_values._calls_of(self.ev).get(klass.name.rsplit(".", 1)[-1]):
                        return True
                elif isinstance(value, ast.expr) and self._made_as_other(value, [], method, depth + 1):
                    return True
            return False
        if client_chain:
            return False
        if isinstance(receiver, ast.Call):
            made, service = self.ev.qualname(receiver.func, scope) or clients.factory_qualname(self.ev, receiver.func, scope), clients.service_name(receiver)
            return service is not None and made in {q for q, _ in sdk.CLIENT_FACTORIES} and (made, service) not in sdk.CLIENT_FACTORIES
        if not isinstance(receiver, ast.Name):
            return False
        owner = self.ev.find(receiver.id, scope)
        return any(self._made_as_other(bound, [], owner, depth + 1) for bound in (owner.assigns.get(receiver.id, []) if owner is not None else [])[:MAX_ALIAS_BINDINGS]
                   if isinstance(bound, ast.Call))

    def _imports_sdk(self, provider: str) -> bool:
        if self._imported_roots is None:  # the file's imported top-level modules, once per file
            self._imported_roots = {q.split(".")[0] for s in (self.c.module, *self.c.scopes_by_node.values()) for q in s.imports.values()}
        roots = {q.split(".")[0] for q, p in (*sdk.CLIENT_CLASSES.items(), *sdk.MODULE_CLIENTS.items(), *((q, p) for (q, _), p in sdk.CLIENT_FACTORIES.items())) if p == provider}
        return not roots.isdisjoint(self._imported_roots)

    _imported_roots: Optional[set] = None

    def _passed_to_function(self, param: str, d: Scope, depth: int) -> Optional[str]:
        """The client every call of a function of this file passes for its parameter
        (`ai_request(bedrock_client, ...)` called with `create_bedrock_client()`, a module-level
        client, or its caller's own parameter, followed the same way; a method called on
        `self`); None when one passes something else, or none is seen."""
        if depth > 3:
            return None
        providers = set()
        for passed, at in self._passed_args(param, d):
            provider = self._value_provider(passed, at, depth + 1) if passed is not None else None
            if provider is None and isinstance(passed, ast.Name):
                owner = self.ev.find(passed.id, at)
                if owner is not None and passed.id in owner.params and passed.id not in owner.assigns and passed.id not in owner.annotations:
                    provider = self._passed_to_function(passed.id, owner, depth + 1)
            providers.add(provider)
        return _one(providers, strict=True) if providers else None

    def _passed_args(self, param: str, d: Scope):
        """(argument or None, its scope) for the parameter at each call of the function in this file."""
        node = d.node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        plain = [a.arg for a in (*node.args.posonlyargs, *node.args.args)][1 if d.self_name else 0:]
        index = plain.index(param) if param in plain else None
        for record in self._calls_of_function(d)[:MAX_ALIAS_BINDINGS]:
            call = record.node
            passed = keyword(call, param)
            if passed is None and index is not None and index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
                passed = call.args[index]
            yield passed, record.scope

    def _calls_of_function(self, d: Scope) -> list:
        """The file's calls of a function by its name, or of a method on `self` of its class (a lambda has no name)."""
        if not isinstance(d.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return []
        name = d.node.name
        if d.klass is None:
            return [r for r in kept_values._calls_of(self.ev).get(name, ()) if self.ev.find(name, r.scope) is d.parent]
        index = getattr(self.ev, "_calls_by_attribute", None)
        if index is None:
            index = {}
            for record in self.ev.all_calls:
                if isinstance(record.node.func, ast.Attribute):
                    index.setdefault(record.node.func.attr, []).append(record)
            self.ev._calls_by_attribute = index
        return [r for r in index.get(name, ()) if self._self_class(r.node.func.value, r.scope) is d.klass]

    def _passed_to_constructor(self, param: str, init: Scope, depth: int) -> Optional[str]:
        """A client handed to a class's constructor (`Handler(boto3.client("bedrock-runtime"))`,
        `Agent(client=Anthropic())`): the provider every construction of the class in this
        file passes for that parameter. None when a construction passes nothing we know."""
        klass = init.klass
        node = init.node
        if klass is None or not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name != "__init__":
            return None
        plain = [a.arg for a in (*node.args.posonlyargs, *node.args.args)][1:]
        index = plain.index(param) if param in plain else None
        short = klass.name.rsplit(".", 1)[-1]
        providers = set()
        for record in kept_values._calls_of(self.ev).get(short, ())[:MAX_ALIAS_BINDINGS]:
            call = record.node
            if self.ev.find(short, record.scope) is not klass.parent:
                continue
            passed = keyword(call, param)
            if passed is None and index is not None and index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
                passed = call.args[index]
            providers.add(self._value_provider(passed, record.scope, depth + 1) if passed is not None else None)
        return _one(providers, strict=True) if providers else None

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
