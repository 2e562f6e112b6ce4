"""Chat models made by another module's factory and invoked here.

A module-level function that returns a chat model it builds (`def make_llm(): return
ChatOpenAI(...)`) requests nothing when it is called: the model makes its request where it
is invoked. Its file's table keeps it as a factory (`Wrapper.made`, phase 1: `factories`);
a file of the project that invokes what it returns (`make_llm().invoke(x)`, `llm =
make_llm()` ... `llm.invoke(x)`, `self.llm = make_llm()` ... `self.llm.invoke(x)`) makes
that model's request there (`Invocation.invoked`, phase 2), with the factory call's
arguments bound to the factory's parameters. A plain call of the factory is no request,
and an invoke reaches a factory only (link checks both)."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Set, Tuple

from claude_lint.extract import graph_prompt, session_stores
from claude_lint.extract.lazy_globals import global_value
from claude_lint.extract.scopes import CallRecord, Scope
from claude_lint.extract.wrapper_shapes import AGENT_INVOKES, MODEL_INVOKES, MODEL_THROUGH, agent_model
from claude_lint.facts import CallSite, Callee, Invocation, Mapping, Signature, Wrapper

MAX_HOPS = 6  # names, attributes and runnables followed back to the factory call
# Expressions read for one invoke, whatever the branching: a method returning six times a
# call of itself, each return followed six hops deep, was 6**7 readings per invoke.
MAX_STEPS = 64
MAX_KEPT = 8  # module-level models of one file offered to other modules
MADE = (-2, "made")  # the reference of an invoke of what a factory returned


def factory_wrappers(finder, factories: Dict[str, List[CallSite]], taken: Set[str]) -> Tuple[Wrapper, ...]:
    """The module-level factories of chat models of a file, as wrappers another module's
    invoke reaches (none already a wrapper of its own requests)."""
    out = []
    for name, sites in sorted(factories.items()):
        d = finder.defs.get(name)
        # a module-level function, or a method of a module-level class (`LLMFactory.create()`)
        klass = d.parent if d is not None and d.parent is not None and d.parent.kind == "class" else None
        if d is None or name in taken or name.count(".") > (klass is not None) or d.parent is not finder.c.module and (klass is None or klass.parent is not finder.c.module):
            continue
        out.append(Wrapper(name, finder.signature(d), finder.ev.loc(d.node), tuple(sites), (None,) * len(sites), True))
    return tuple(out)


def kept_wrappers(finder, taken: Set[str]) -> Tuple[Wrapper, ...]:
    """The chat models (and agents or runnables over them) a file keeps under a module-level
    name (`llm = ChatOpenAI(...)`), as factories of no parameters: another module that
    imports the name by name makes the model's request where it invokes it."""
    out = []
    for (owner, name), sites in sorted(finder._kept_models.items()):
        if owner or name in taken or not sites:
            continue
        out.append(Wrapper(name, Signature(()), sites[0].loc, tuple(sites[:MAX_KEPT]), (None,) * len(sites[:MAX_KEPT]), True))
    return tuple(out[:MAX_KEPT])


def picked_from_kept(finder, held: Dict[Tuple[str, str], List[CallSite]], factories: Dict[str, List[CallSite]], requests, built_model) -> Dict[str, List[CallSite]]:
    """Module-level functions returning an item of a list of chat models the module keeps
    (`models = create_models()`, a function building them, then `def get_model_by_name(name):
    for m in models: if m["name"] == name: return m`): factories of those models (any of them). built_model: whether a site builds a chat model (`wrappers._built_model`)."""
    from claude_lint.extract.bindings import Looped

    built = {d.name: [site for site, _ in sites] for d, sites in requests.items()
             if d.parent is finder.c.module and sites and all(built_model(site) for site, _ in sites)}
    for name, bound in finder.c.module.assigns.items():
        if ("", name) not in held and len(bound) == 1 and isinstance(bound[0], ast.Call) and isinstance(bound[0].func, ast.Name) and built.get(bound[0].func.id):
            held = {**held, ("", name): built[bound[0].func.id]}  # `models = create_models()`
    out: Dict[str, List[CallSite]] = {}
    for name, d in finder.defs.items():
        if "." in name or d.parent is not finder.c.module or name in factories:
            continue
        for value in d.returns[:MAX_HOPS]:
            bound = d.assigns.get(value.id, []) if isinstance(value, ast.Name) else []
            if len(bound) == 1 and isinstance(bound[0], Looped) and isinstance(bound[0].iterable, ast.Name):
                sites = held.get(("", bound[0].iterable.id)) if finder.ev.find(bound[0].iterable.id, d) is finder.c.module else None
                if sites:
                    out[name] = list(sites[:MAX_KEPT])
                    break
    return out


class MadeModelFinder:
    """Invokes of what another module's factory returns. A mixin of `Finder`."""

    def made_invoke(self, record: CallRecord, wanted: Set[str]) -> Optional[Tuple[Tuple[Callee, ...], ast.Call, Scope]]:
        """(the factory's callees, its call, the call's scope) when this call invokes a
        chat model a call of a wanted name made."""
        func = record.node.func
        self._made_steps = MAX_STEPS
        if isinstance(func, ast.Attribute) and (func.attr in MODEL_INVOKES or func.attr in AGENT_INVOKES):
            found = self._factory_call(func.value, record.scope, wanted, 0)
        elif isinstance(func, ast.Name) or isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            found = self._factory_call(func, record.scope, wanted, 0)  # the model or agent called: `agent(prompt)`
        else:
            return None
        if found is None:
            return None
        call, scope = found
        callees = self.callees(call.func if isinstance(call, ast.Call) else call, scope)
        return (callees, call, scope) if callees else None

    def _factory_call(self, expr: ast.expr, scope: Scope, wanted: Set[str], depth: int) -> Optional[Tuple[ast.Call, Scope]]:
        self._made_steps -= 1
        if depth > MAX_HOPS or self._made_steps < 0:
            return None
        if isinstance(expr, ast.Call):
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in MODEL_THROUGH:
                return self._factory_call(expr.func.value, scope, wanted, depth + 1)  # `make_llm().with_structured_output(S)`
            key = session_stores.stored_key(expr)
            if key is not None:  # `cl.user_session.get("graph")`: what a handler of the file set there
                stored = (self._factory_call(value, where, wanted, depth + 1) for value, where in session_stores.stored_values(self.c.calls, key)[:MAX_HOPS])
                return next(filter(None, stored), None)
            if agent_model(expr) is not None:  # an agent or a crew over the model (`Agent(llm=make_llm())`)
                return self._factory_call(agent_model(expr), scope, wanted, depth + 1)
            if isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name) and expr.func.value.id in wanted:
                return expr, scope  # `Factory.create(...)`, `factory.create(...)`: another module's class or instance
            if isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name):
                return self._returned_by(expr.func, scope, wanted, depth)  # `self._make_agent(role)`: what the method returns
            made = expr.func.value if isinstance(expr.func, ast.Attribute) else None
            if isinstance(made, ast.Call) and isinstance(made.func, ast.Name) and made.func.id in wanted and made.func.id[:1].isupper():
                return expr, scope  # `Analyzer().build_graph()`: what a method of another module's class returns
            # (a class called, `K().run()`, is an instance of a wrapper class: not a factory's model)
            return (expr, scope) if isinstance(expr.func, ast.Name) and expr.func.id in wanted and not expr.func.id[:1].isupper() else None
        if isinstance(expr, ast.Await):  # `self.graph = await create_graph()`
            return self._factory_call(expr.value, scope, wanted, depth + 1)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):  # `prompt | llm | parser`
            return self._factory_call(expr.left, scope, wanted, depth + 1) or self._factory_call(expr.right, scope, wanted, depth + 1)
        if isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
            return self._factory_call(expr.value, scope, wanted, depth + 1)  # `entry["model"]` of an entry a factory picked
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if expr.id in wanted and owner is not None and expr.id in owner.imports and expr.id not in owner.assigns:
                return expr, owner  # a model another module keeps, imported by name: `from bot.llm import llm`
            if expr.id in wanted and owner is None and self.star_callees(expr.id, scope):
                return expr, scope  # or by a star import: `from bot.llm import *`
            lazy = global_value(self, expr.id, owner) if owner is not None else None  # `global graph; graph = build()`
            if lazy is not None:
                return self._factory_call(lazy[0], lazy[1], wanted, depth + 1)
            bound = owner.assigns.get(expr.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                return self._factory_call(bound[0], owner, wanted, depth + 1)
            return None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            me = self._self_of(scope)
            entries = me[1].self_attrs.get(expr.attr, []) if me is not None and expr.value.id == me[0] else []
            entries = [e for e in entries if not (isinstance(e[0], ast.Constant) and e[0].value is None)]  # (`self.graph = None` until built)
            if len(entries) == 1 and isinstance(entries[0][0], ast.expr):
                value, method, _ = entries[0]
                return self._factory_call(value, method, wanted, depth + 1)
        return None

    def _returned_by(self, func: ast.Attribute, scope: Scope, wanted: Set[str], depth: int) -> Optional[Tuple[ast.Call, Scope]]:
        me = self._self_of(scope)
        d = self.defs.get(f"{me[1].name}.{func.attr}") if me is not None and func.value.id == me[0] else None
        for value in d.returns[:MAX_HOPS] if d is not None else ():
            found = self._factory_call(value, d, wanted, depth + 1) if isinstance(value, ast.expr) else None
            if found is not None:
                return found
        return None

    def model_factories(self, known: Set[Scope], invocations: List[Invocation], wanted: Set[str], requests) -> Tuple[Wrapper, ...]:
        """Module-level functions of this file returning an agent or runnable over the model
        another module's factory made here (`llm = load_chat_model(cfg.model)` ... `return
        create_react_agent(model=llm, tools=tools)`): factories too, taken out of `known`. Their
        call requests nothing; invoking what they return sends that model's request, so their
        call of the inner factory is an invoke of it (`invoked`), followed where they are
        invoked. A function returning the inner factory's result as it is (`return make(x)`) may
        be returning an answer: not read so."""
        found = []
        for d in sorted(known, key=lambda d: (d.node.lineno, d.node.col_offset)):
            if d.parent is not self.c.module or requests.get(d):
                continue
            mine = [i for i, v in enumerate(invocations) if v.function == d.name]
            calls = {self.ev.loc(c) for c in (self._built_over(r, d, wanted, 0, False) for r in d.returns[:MAX_HOPS] if isinstance(r, ast.expr)) if c is not None}
            # every wrapper call of d is such a factory's, of another module (a same-file
            # wrapper, or another call d makes, would be lost where d is only called)
            if mine and all(invocations[i].loc in calls and not any(c.local for c in invocations[i].callees) for i in mine):
                for i in mine:
                    invocations[i] = replace(invocations[i], invoked=True)
                found.append(d)
        known.difference_update(found)
        return tuple(Wrapper(d.name, self.signature(d), self.ev.loc(d.node), made=True) for d in found)

    def _built_over(self, expr: ast.expr, scope: Scope, wanted: Set[str], depth: int, over: bool) -> Optional[ast.Call]:
        """The call of a wanted factory whose model `expr` is an agent, a runnable or a pipe over
        (over: one such step was taken)."""
        if depth > MAX_HOPS:
            return None
        if isinstance(expr, ast.Name):
            bound = scope.assigns.get(expr.id, []) if self.ev.find(expr.id, scope) is scope else []
            return self._built_over(bound[0], scope, wanted, depth + 1, over) if len(bound) == 1 and isinstance(bound[0], ast.expr) else None
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):  # `prompt | llm | parser`
            return self._built_over(expr.left, scope, wanted, depth + 1, True) or self._built_over(expr.right, scope, wanted, depth + 1, True)
        if not isinstance(expr, ast.Call):
            return None
        if agent_model(expr) is not None:
            return self._built_over(agent_model(expr), scope, wanted, depth + 1, True)
        if isinstance(expr.func, ast.Attribute) and expr.func.attr in MODEL_THROUGH:  # `llm.bind_tools(tools)`
            return self._built_over(expr.func.value, scope, wanted, depth + 1, True)
        return expr if over and isinstance(expr.func, ast.Name) and expr.func.id in wanted and not expr.func.id[:1].isupper() else None

    def agents_over_factories(self, factories: Dict[str, List[CallSite]], requests) -> Dict[str, List[CallSite]]:
        """Module-level functions returning an agent or runnable over the model a factory of
        this file makes (`llm = get_llm(provider)` ... `return create_react_agent(model=llm,
        tools=tools)`): factories of that factory's models too, as `model_factories` reads one
        over another module's factory."""
        wanted = {name for name in factories if "." not in name}
        out: Dict[str, List[CallSite]] = {}
        for name, d in self.defs.items() if wanted else ():
            if "." in name or d.parent is not self.c.module or name in factories or requests.get(d):
                continue
            over = (self._built_over(r, d, wanted, 0, False) for r in d.returns[:MAX_HOPS] if isinstance(r, ast.expr))
            call = next(filter(None, over), None)
            if call is not None:
                out[name] = list(factories[call.func.id][:MAX_KEPT])
        return out

    def invokes_for_callers(self, d: Scope) -> bool:
        """A function invoking a model is its request for its callers as one making the request
        itself is (`wrappers.summarise`): a method, one without parameters, or one reading them
        (a crew's task written from the prompt, which the invoke itself does not take)."""
        return d.self_name is not None or not d.params or self.reads_any_param(d)

    def made_invocation(self, record: CallRecord, callees: Tuple[Callee, ...], call: ast.Call, scope: Scope) -> Invocation:
        """The invoke as a call of the factory: in the invoke's place and context, with the
        factory call's arguments."""
        inv = self.invocation(record, callees, None)
        loc = inv.loc
        args: List[object] = []
        star = False
        if not isinstance(call, ast.Call):  # the kept model itself, named: nothing passed to a factory
            return replace(inv, args=(), kwargs=Mapping((), loc), star=False, histories=(), sources=(), built=None, clients=(), invoked=True,
                           graph_prompt=graph_prompt.invoked(self, record))
        for a in call.args:
            if isinstance(a, ast.Starred):
                star = True
                break
            args.append(self.ev.value(a, scope))
        return replace(inv, args=tuple(args), kwargs=self.ev.kwargs(call, scope, 0, loc), star=star, histories=(), sources=(), built=None, clients=(), invoked=True,
                       graph_prompt=graph_prompt.invoked(self, record))  # CL006's reading of a graph node
