"""Where a chat model built by a call is kept (a factory's return, an attribute of an object,
a module-level name) and the functions that invoke it, which make its request."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Iterator, List, Optional, Tuple

from claude_lint.extract.lazy_globals import setter_values
from claude_lint.extract.scopes import Binding, CallRecord, Scope
from claude_lint.extract.wrapper_shapes import AGENT_INVOKES, AGENT_TOOLS, CHAIN_MODEL_KEYWORDS, CHAIN_MODULES, MAX_CLASSES, RUNNER_RUNS, MAX_VALUE_NODES, MODEL_INVOKES, MODEL_THROUGH, agent_model, bind_params, holds
from claude_lint.facts import CallSite


class ModelFinder:
    """Chat models (LangChain) kept in one place and invoked in another. A mixin of `Finder`."""

    # --- chat models kept and invoked elsewhere ---

    def kept_as(self, record: CallRecord, d: Optional[Scope]) -> Optional[Tuple[str, str]]:
        """Where a chat model built by this call is kept rather than invoked: ("factory",
        function) when the function returns it, (class, attribute) when a method stores it
        on its object, ("", name) when a module-level name holds it."""
        node = record.node
        if d is None:
            if record.scope is not self.c.module:
                return None
            for name, bound in self.c.module.assigns.items():
                if len(bound) == 1 and isinstance(bound[0], ast.expr) and holds(bound[0], node):
                    return "", name
            return None
        for value in d.returns:
            if _held_by(d, value, node):
                return "factory", d.name
            if isinstance(value, ast.Name):
                bound = d.assigns.get(value.id, [])
                if len(bound) == 2 and any(isinstance(b, Binding) and b.what == "global" for b in bound) and any(isinstance(b, ast.expr) and holds(b, node) for b in bound):
                    return "factory", d.name  # a lazy singleton: `global _llm; if _llm is None: _llm = ChatOpenAI(...)`
        klass = d.klass
        if klass is not None and d.self_name is not None:
            for attr, entries in klass.self_attrs.items():
                if any(isinstance(value, ast.expr) and holds(value, node) for value, _, _ in entries):
                    return klass.name, attr
        return None

    def invoked_models(self, held: Dict[Tuple[str, str], List[CallSite]], factories: Dict[str, List[CallSite]]) -> Iterator[Tuple[Scope, CallSite, Optional[str]]]:
        """(function, chat model, messages parameter) for each function of the file that
        invokes a chat model kept on its object or at module level, or made by a factory
        of the file (`self.llm = self._make_llm()` ... `self.llm.invoke(messages)`)."""
        held = {k: list(v) for k, v in held.items()}
        for klass in self.klasses.values():
            for attr, entries in klass.self_attrs.items():
                for value, method, _ in entries:
                    made = self._factory_of(value, method, factories)
                    if made:
                        held.setdefault((klass.name, attr), []).extend(made)
        for name, bound in self.c.module.assigns.items():
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                made = self._factory_of(bound[0], self.c.module, factories)
                if made:
                    held.setdefault(("", name), []).extend(made)
        for name, made in factories.items():  # `agent = make_agent()` in the function that calls it
            held.setdefault(("factory", name), list(made))
        if not held:
            return
        self._agents_over(held)
        self._kept_models = held
        for record in self.c.calls:
            func, args = record.node.func, record.node.args
            if isinstance(func, ast.Attribute) and func.attr in RUNNER_RUNS and args and (self.ev.qualname(func.value, record.scope) or "").startswith("agents."):
                key = self._model_key(args[0], record.scope, 0)  # `Runner.run(self.agent, query)`: the agent's model
                args = args[1:]
            elif isinstance(func, ast.Attribute) and (func.attr in MODEL_INVOKES or func.attr in AGENT_INVOKES):
                key = self._model_key(func.value, record.scope, 0)
            elif isinstance(func, ast.Attribute) and func.attr in AGENT_TOOLS and isinstance(func.value, ast.Attribute) and func.value.attr == "tool":
                key = self._model_key(func.value.value, record.scope, 0)  # `agent.tool.use_llm(prompt=...)`: a nested agent on its model
            elif isinstance(func, (ast.Attribute, ast.Name)):
                key = self._model_key(func, record.scope, 6)  # the model called: `self.llm([...])`
                if key is None and isinstance(func, ast.Name):  # `agent = make_agent()` ... `agent(prompt)`
                    owner = self.ev.find(func.id, record.scope)
                    bound = owner.assigns.get(func.id, []) if owner is not None else []
                    key = self._model_key(bound[0], owner, 6) if len(bound) == 1 and isinstance(bound[0], ast.Call) else None
            else:
                continue
            if key is None or key not in held:
                continue
            d = self.enclosing_def(record.scope)
            if d is None or (not key[0] and d.self_name is None and not self.reads_params(record.node, record.scope, d)):
                continue  # a module-level model invoked with nothing from the function's inputs
            first = args[0] if args and not isinstance(args[0], ast.Starred) else None
            messages = self._list_param(first, record.scope, self.owners(d), 0) if first is not None else None
            for site in held[key][:MAX_CLASSES]:
                yield d, site, messages

    def _agents_over(self, held: Dict[Tuple[str, str], List[CallSite]]) -> None:
        """An agent kept at module level or on an object, built over a model kept there
        (`agent = Agent(model=model)`, `self.agent = Agent(model=self.model)`), sends that
        model's requests: kept under the agent's name too."""
        places = [(("", name), v, self.c.module) for name, bound in self.c.module.assigns.items() if len(bound) == 1 for v in bound]
        for klass in self.klasses.values():
            for attr, entries in klass.self_attrs.items():
                if len(entries) == 1:
                    places.append(((klass.name, attr), entries[0][0], entries[0][1]))
        self._kept_models = held
        for key, value, scope in places[:MAX_VALUE_NODES]:
            if not key[0] and isinstance(value, ast.Constant) and value.value is None:
                # `rag_llm = None`, set by `global rag_llm; rag_llm = model.bind_tools(...)` in the
                # functions that build it: each value set over the one same kept model is that model
                inner = {self._held_key(v, s, held, 0) for v, s in setter_values(self, key[1])}
                if len(inner) == 1 and None not in inner:
                    held[key] = list(held[inner.pop()])
                continue
            model = agent_model(value)
            if model is None and key not in held and isinstance(value, (ast.Call, ast.BinOp, ast.Attribute, ast.Name)):
                # a runnable kept there over a kept model (`self.chat = RunnableWithMessageHistory(self.model, ...)`,
                # `chain = prompt | llm`), or the kept model itself under another name (`self.model =
                # self.openai`, one of several built): invoking it sends that model's requests
                inner = self._held_key(value, scope, held, 0)
                if inner is not None and inner != key:
                    held[key] = list(held[inner])
                continue
            if model is None or key in held and not isinstance(model, (ast.Name, ast.Attribute)):
                continue
            inner = self._model_key(model, scope, 0) if isinstance(model, (ast.Name, ast.Attribute)) else None
            if inner is not None and inner in held:
                held[key] = list(held[inner])  # (an agent that is a site itself too: its model's values are the model object's)

    def _held_key(self, expr: ast.expr, scope: Scope, held: Dict[Tuple[str, str], List[CallSite]], depth: int) -> Optional[Tuple[str, str]]:
        """The kept model a runnable is built over, any operand of a `|` pipe."""
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr) and depth < 6:
            return self._held_key(expr.left, scope, held, depth + 1) or self._held_key(expr.right, scope, held, depth + 1)
        key = self._model_key(expr, scope, depth)
        return key if key is not None and key in held else None

    def _factory_of(self, value: object, scope: Scope, factories: Dict[str, List[CallSite]]) -> List[CallSite]:
        if not isinstance(value, ast.Call):
            return []
        func = value.func
        name = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and scope.self_name == func.value.id and scope.klass is not None:
            name = f"{scope.klass.name}.{func.attr}"
        elif isinstance(func, ast.Name):
            owner = self.ev.find(func.id, scope)
            if owner is not None and self._bound_as(owner, func.id, "def"):
                name = self._qualified(owner, func.id)
        made = factories.get(name, []) if name is not None else []
        d = self.defs.get(name) if made else None
        if d is None:
            return made
        # The factory's parameters are what this call passes (`self._make_llm(api_key, model)`).
        sig = self.signature(d)
        bound: Dict[str, object] = {}
        for i, a in enumerate(value.args[:len(sig.params)]):
            if isinstance(a, ast.Starred):
                break
            bound[sig.params[i]] = self.ev.value(a, scope)
        for k in value.keywords:
            if k.arg is not None:
                bound[k.arg] = self.ev.value(k.value, scope)
        if not bound:
            return made
        budget = [MAX_VALUE_NODES]
        return [replace(site, kwargs=bind_params(site.kwargs, d.name, bound, budget)) for site in made]

    def _model_key(self, expr: ast.expr, scope: Scope, depth: int) -> Optional[Tuple[str, str]]:
        """Where the chat model an expression invokes is kept, seen through runnables built
        on it (`self.llm.with_structured_output(X)`, `prompt | self.llm | parser`)."""
        if depth > 6:
            return None
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in MODEL_THROUGH:
            return self._model_key(expr.func.value, scope, depth + 1)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            return self._model_key(expr.left, scope, depth + 1) or self._model_key(expr.right, scope, depth + 1)
        if isinstance(expr, (ast.IfExp, ast.BoolOp)):
            # `model = llm_with_tools if llm_with_tools else llm`, `llm or default_llm`: a model
            # handed in, else the kept one, which is then the request's when none is handed
            options = [expr.body, expr.orelse] if isinstance(expr, ast.IfExp) else expr.values
            return next(filter(None, (self._model_key(o, scope, depth + 1) for o in options[:MAX_CLASSES])), None)
        if isinstance(expr, ast.Call) and (self.ev.qualname(expr.func, scope) or "").startswith(CHAIN_MODULES):
            # a chain or agent of the framework built over a kept model (`LLMChain(llm=llm, prompt=p)`,
            # `create_tagging_chain_pydantic(Schema, model)`): invoking it sends the model's requests
            for arg in (*(k.value for k in expr.keywords if k.arg in CHAIN_MODEL_KEYWORDS), *expr.args[:MAX_CLASSES]):
                # (a map of steps, `RunnableMap({"name": prompt | llm})`: each step's model)
                for step in (arg.values[:MAX_CLASSES] if isinstance(arg, ast.Dict) else (arg,)):
                    key = self._held_key(step, scope, self._kept_models, depth + 1) if isinstance(step, (ast.Name, ast.Attribute, ast.BinOp)) else None
                    if key is not None:
                        return key
            return None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            me = self._self_of(scope)
            if me is not None and expr.value.id == me[0]:
                return me[1].name, expr.attr
            return None
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name):
            me = self._self_of(scope)  # `self.gpt_llm().invoke(x)`, `self.create_agent(voice)`: what the object's own method returns
            if me is not None and expr.func.value.id == me[0]:  # (before agent_model: not LangChain's `create_agent`)
                return "factory", f"{me[1].name}.{expr.func.attr}"
        if isinstance(expr, ast.Call) and agent_model(expr) is not None:  # an agent or crew over a model: the model's key
            return self._model_key(agent_model(expr), scope, depth + 1)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):  # `make_agent()`: what the factory returns
            owner = self.ev.find(expr.func.id, scope)
            return ("factory", self._qualified(owner, expr.func.id)) if owner is not None and self._bound_as(owner, expr.func.id, "def") else None
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return None
            if owner is self.c.module:
                return "", expr.id
            bound = owner.assigns.get(expr.id, [])
            if 0 < len(bound) <= MAX_CLASSES and all(isinstance(b, ast.expr) for b in bound) and owner.kind == "function":
                keys = {self._model_key(b, owner, depth + 1) for b in bound}  # (bound in each branch to the same model: that one)
                return keys.pop() if len(keys) == 1 else None
        return None

    _kept_models: Dict[Tuple[str, str], List[CallSite]] = {}

    # --- callees ---

    def _self_of(self, scope: Scope) -> Optional[Tuple[str, Scope]]:
        """The method whose object `self` is here: a function nested in a method (a route
        handler defined in it, a callback) sees the method's `self`."""
        d = self.enclosing_def(scope)
        while d is not None and d.self_name is None and d.parent is not None:
            d = self.enclosing_def(d.parent)
        if d is None or d.self_name is None or d.klass is None:
            return None
        return d.self_name, d.klass

    def _qualified(self, owner: Scope, name: str) -> str:
        return f"{owner.name}.{name}" if owner.name and owner.kind != "comprehension" else name

    def _bound_as(self, owner: Scope, name: str, what: str) -> bool:
        bound = owner.assigns.get(name, [])
        if what == "def":  # redefined (a notebook's next version): the call picks its def
            return bool(bound) and all(isinstance(b, Binding) and b.what == "def" for b in bound)
        return len(bound) == 1 and isinstance(bound[0], Binding) and bound[0].what == what

    def _def_for(self, qual: str, row: int, scope: Scope) -> Optional[Scope]:
        """The def a call reaches: code at module level runs after the defs above it; a
        function's body runs later, after every def."""
        found = self.defs_by_name.get(qual)
        if not found:
            return None
        if len(found) > 1 and self.enclosing_def(scope) is None:
            before = [s for s in found if s.node.lineno < row]
            return before[-1] if before else found[-1]
        return found[-1]


def _held_by(d: Scope, value: ast.expr, node: ast.AST, depth: int = 0) -> bool:
    """Does `d` return the model `node` builds: the value itself, a local bound to it once, or an
    agent built over either (`model = ChatAnthropic(...)`; `return create_react_agent(model, tools)`)?"""
    if holds(value, node):
        return True
    if depth > 3:
        return False
    if isinstance(value, ast.Name):
        bound = d.assigns.get(value.id, [])
        return len(bound) == 1 and isinstance(bound[0], ast.expr) and _held_by(d, bound[0], node, depth + 1)
    model = agent_model(value)
    return model is not None and _held_by(d, model, node, depth + 1)
