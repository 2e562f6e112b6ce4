"""A LangGraph graph run: `app.invoke(state)` where `app = builder.compile()` and `builder` is a
`StateGraph(...)` whose nodes (`add_node`, `add_sequence`) are the project's functions. Running
the compiled graph runs its nodes, so it makes their requests: the call is a wrapper call of each
node that is one. So does a LangChain `RunnableLambda(fn).invoke(x)`: a call of fn with x. A mixin
of `Finder`; the graph is read in its own file only."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from dataclasses import replace

from claude_lint.extract.chains import called_name
from claude_lint.extract.lazy_globals import setter_values
from claude_lint.facts import Mapping, Signature, Wrapper
from claude_lint.extract.scopes import Scope

GRAPH_RUNS = frozenset({"invoke", "ainvoke", "stream", "astream", "astream_events", "batch", "abatch"})
GRAPH_CLASSES = frozenset({"StateGraph", "MessageGraph"})
NODE_ADDERS = frozenset({"add_node", "add_sequence"})
RUNNABLE_LAMBDAS = frozenset({"RunnableLambda"})  # a LangChain runnable that runs the function it is handed
MAX_NODES = 16  # nodes of one graph looked at
MAX_HOPS = 4  # names followed from the run back to the graph's constructor


class GraphFinder:
    """The nodes a compiled LangGraph graph runs."""

    def graph_nodes(self, receiver: ast.expr, scope: Scope) -> List[Tuple[ast.expr, Scope]]:
        """The node functions (each with the scope it is written in) that running `receiver`
        runs, when it is a graph compiled from a `StateGraph` of this file; [] otherwise."""
        if isinstance(receiver, ast.Call):
            return self._compiled_nodes(self._compiled((receiver, scope), 0))
        made = self._bound_value(receiver, scope)
        if made is None and isinstance(receiver, ast.Name) and self.ev.find(receiver.id, scope) is self.c.module:
            # `graph = None` at module level, compiled by the functions declaring it global
            # (`main()` for a REPL, `serve()` for a server): a run runs the nodes of each
            nodes = [n for value in setter_values(self, receiver.id) for n in self._compiled_nodes(self._compiled(value, 0))]
            return nodes[:MAX_NODES]
        return self._compiled_nodes(self._compiled(made, 0))

    def _compiled_nodes(self, compiled: Optional[Tuple[ast.Call, Scope]]) -> List[Tuple[ast.expr, Scope]]:
        if compiled is None:
            return []
        value, where = compiled
        builder = value.func.value
        made = self._bound_value(builder, where) if isinstance(builder, (ast.Name, ast.Attribute)) else (builder, where)
        if made is None or not self._graph_made(made[0]):
            return []
        nodes: List[Tuple[ast.expr, Scope]] = list(self._chained_nodes(made[0], made[1]))
        key = self._place(builder, where)
        if key is not None:
            for record in self.c.calls:
                func = record.node.func
                if isinstance(func, ast.Attribute) and func.attr in NODE_ADDERS and self._place(func.value, record.scope) == key:
                    nodes.extend((n, record.scope) for n in _added(record.node))
                if len(nodes) >= MAX_NODES:
                    break
        return nodes[:MAX_NODES]

    def graph_runs(self, record, wanted) -> Iterator[Tuple[tuple, Tuple[int, str]]]:
        """(callees, how) for each node of the graph this call runs that is a wrapper: run by the
        graph with the state it keeps (none of this call's positional arguments)."""
        func = record.node.func
        if not (isinstance(func, ast.Attribute) and func.attr in GRAPH_RUNS and isinstance(func.value, (ast.Name, ast.Attribute, ast.Call))):
            return
        lambda_of = self._lambda_of(func.value, record.scope)
        if lambda_of is not None:  # `RunnableLambda(step).invoke(x)`: step(x)
            if called_name(lambda_of[0]) in wanted:
                handed = self.callees(lambda_of[0], lambda_of[1], False)
                if handed:
                    yield handed, None
            return
        for node, where in self.graph_nodes(func.value, record.scope):
            if called_name(node) in wanted:
                handed = self.callees(node, where, False)
                if handed:
                    yield handed, (len(record.node.args), "")

    def runs_graph(self, record) -> bool:
        """Is this call a run of a compiled graph (`app.invoke({"messages": [question]})`)? Its
        state is what the nodes read: a function handing its parameters into it hands them on."""
        func = record.node.func
        return isinstance(func, ast.Attribute) and func.attr in GRAPH_RUNS and bool(self.graph_nodes(func.value, record.scope))

    def graph_factories(self, known, names) -> Tuple[tuple, list]:
        """The module-level functions of this file that return a compiled graph running a
        wrapper, as factories (`Wrapper.made`: another module running what they return runs
        the nodes), and their calls of those nodes (made where the graph is run, not here)."""
        made, calls = [], []
        taken = {k.name for k in known}
        if "StateGraph" not in self.text and "MessageGraph" not in self.text:
            return (), calls
        module = self.c.module
        for d in self.defs.values():
            # a module-level function, or a method of a module-level class (`Agent().build()`)
            if not (d.parent is module or d.parent is not None and d.parent.kind == "class" and d.parent.parent is module) or d.name in taken:
                continue
            compiled = next(filter(None, (self._compiled((r, d) if isinstance(r, ast.Call) else self._bound_value(r, d), 0) for r in d.returns[:MAX_HOPS] if isinstance(r, (ast.Call, ast.Name)))), None)
            if self._node_calls(compiled, d.name, known, names, calls):
                made.append(Wrapper(d.name, self.signature(d), self.ev.loc(d.node), made=True))
        # a graph compiled at module level (`graph = builder.compile()`), imported by name and run elsewhere
        for name, bound in module.assigns.items():
            if len(bound) == 1 and isinstance(bound[0], ast.Call) and name not in taken:
                compiled = self._compiled((bound[0], module), 0)
                if self._node_calls(compiled, name, known, names, calls):
                    made.append(Wrapper(name, Signature(()), self.ev.loc(bound[0]), made=True))
        return tuple(made), calls

    def _node_calls(self, compiled, function: str, known, names, calls: list) -> bool:
        """Adds to `calls` the graph's runs of its nodes that are wrappers, as calls made by
        `function` (where the graph is run): were there any?"""
        nodes = self._compiled_nodes(compiled)
        record = next((r for r in self.c.calls if r.node is compiled[0]), None) if nodes else None
        count = len(calls)
        for node, where in nodes if record is not None else ():
            callees = self.callees(node, where, False)
            if any(self.local_def(c) in known for c in callees) or (names is not None and self.mentions(callees, names)):
                inv = self.invocation(record, callees, (len(record.node.args), ""))
                calls.append(replace(inv, kwargs=Mapping((), inv.loc), function=function))
        return len(calls) > count

    def _compiled(self, made: Optional[Tuple[ast.expr, Scope]], depth: int) -> Optional[Tuple[ast.Call, Scope]]:
        """The `builder.compile()` call a value is, or a function of this file returns (a graph
        built in one function, `def build(): ... return g.compile()`, and run in another)."""
        if made is None or depth > MAX_HOPS or not isinstance(made[0], ast.Call):
            return None
        value, where = made
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr == "compile":
            return value, where
        d = None
        if isinstance(func, ast.Name) and self._bound_as(self.ev.find(func.id, where) or where, func.id, "def"):
            d = self.defs.get(self._qualified(self.ev.find(func.id, where), func.id))
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            me = self._self_of(where)
            d = self.defs.get(f"{me[1].name}.{func.attr}") if me is not None and func.value.id == me[0] else None
        for returned in d.returns[:MAX_HOPS] if d is not None else ():
            if isinstance(returned, ast.expr):
                found = self._compiled((returned, d) if isinstance(returned, ast.Call) else self._bound_value(returned, d), depth + 1)
                if found is not None:
                    return found
        return None

    def _lambda_of(self, receiver: ast.expr, scope: Scope) -> Optional[Tuple[ast.expr, Scope]]:
        """The function a LangChain `RunnableLambda(fn)` wraps (written there, or bound to the name run)."""
        made = (receiver, scope) if isinstance(receiver, ast.Call) else self._bound_value(receiver, scope)
        if made is None or not (isinstance(made[0], ast.Call) and called_name(made[0].func) in RUNNABLE_LAMBDAS and made[0].args):
            return None
        step = made[0].args[0]
        return (step, made[1]) if isinstance(step, (ast.Name, ast.Attribute)) else None

    def _graph_made(self, value: ast.expr) -> bool:
        """A `StateGraph(...)` call, perhaps with node adders chained on it."""
        for _ in range(MAX_HOPS + MAX_NODES):
            if not isinstance(value, ast.Call):
                return False
            if called_name(value.func) in GRAPH_CLASSES:
                return True
            if not (isinstance(value.func, ast.Attribute) and value.func.attr in NODE_ADDERS | {"add_edge"}):
                return False
            value = value.func.value
        return False

    def _chained_nodes(self, value: ast.expr, scope: Scope) -> Iterator[Tuple[ast.expr, Scope]]:
        """`StateGraph(State).add_sequence([retrieve, generate])`: the nodes added in the chain."""
        while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr in NODE_ADDERS:
                yield from ((n, scope) for n in _added(value))
            value = value.func.value

    def _place(self, expr: ast.expr, scope: Scope) -> Optional[Tuple[object, str]]:
        """Where a name or `self` attribute is kept: (its owning scope or class, its name)."""
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            return (owner, expr.id) if owner is not None else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            me = self._self_of(scope)
            if me is not None and expr.value.id == me[0]:
                return me[1], expr.attr
        return None

    def _bound_value(self, expr: ast.expr, scope: Scope) -> Optional[Tuple[ast.expr, Scope]]:
        """The one value a name or `self` attribute is bound to, and the scope it is written in."""
        place = self._place(expr, scope)
        if place is None:
            return None
        owner, name = place
        if isinstance(expr, ast.Name):
            bound = [b for b in owner.assigns.get(name, []) if isinstance(b, ast.expr)]
            return (bound[-1], owner) if bound and all(_same_shape(b, bound[-1]) for b in bound) else None
        entries = [(v, m) for v, m, _ in owner.self_attrs.get(name, []) if isinstance(v, ast.expr)]
        return entries[-1] if entries and all(_same_shape(v, entries[-1][0]) for v, _ in entries) else None


def _same_shape(a: ast.expr, b: ast.expr) -> bool:
    """Two bindings of one name that make the same kind of thing (a notebook cell run again)."""
    return isinstance(a, ast.Call) and isinstance(b, ast.Call) and called_name(a.func) == called_name(b.func)


def _added(call: ast.Call) -> List[ast.expr]:
    """The functions one `add_node(name, fn)` / `add_node(fn)` / `add_sequence([f, g])` adds."""
    if called_name(call.func) == "add_sequence":
        seq = call.args[0] if call.args else None
        items = seq.elts if isinstance(seq, (ast.List, ast.Tuple)) else []
        return [e.elts[-1] if isinstance(e, ast.Tuple) and e.elts else e for e in items[:MAX_NODES]]
    action = next((k.value for k in call.keywords if k.arg == "action"), None)
    if action is None and call.args and not isinstance(call.args[-1], ast.Starred):
        action = call.args[-1] if len(call.args) <= 2 else call.args[1]
    if isinstance(action, ast.Lambda) and isinstance(action.body, ast.Call):
        # `add_node("chatbot", lambda state: chatbot_node(state, llm))`: the node runs the function
        # its body calls (one that is no wrapper is no call of one: graph_runs asks)
        action = action.body.func
    return [action] if isinstance(action, (ast.Name, ast.Attribute)) else []
