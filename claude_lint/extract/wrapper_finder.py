"""The finder of one file's wrappers: which functions make a request with their parameters'
values, their signatures, and the table of them (`WrapperTable`). Finding callees, calls
and chat models are its mixins."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from claude_lint.extract import http, new_dispatch
from claude_lint.extract.history_edits import joined_param, rebuilds_whole, whole_tail
from claude_lint.extract.python_history import _past_head
from claude_lint.extract.scopes import Binding, CallRecord, Collector, Scope, keyword
from claude_lint.extract.walk import walk
from claude_lint.extract.graph_nodes import GraphFinder
from claude_lint.extract.kept_runnables import kept_runnables
from claude_lint.extract.made_models import MADE, MadeModelFinder
from claude_lint.extract.wrapper_callees import CalleeFinder
from claude_lint.extract.wrapper_receivers import HANDED
from claude_lint.extract.registry_holders import holders
from claude_lint.extract.wrapper_invocations import InvocationFinder
from claude_lint.extract.wrapper_models import ModelFinder
from claude_lint.extract.wrapper_shapes import ANY_CLASS, BINDING_NODES, DEFINED, MAX_CLASSES, binding_of, submitted, MAX_DEPTH, MAX_INVOCATIONS, FUNCTION_NODES, Everything, EVERYTHING, last, protocol_methods, spread_get
from claude_lint.facts import CallSite, Callee, ClassInfo, Invocation, Param, Signature, Wrapper, WrapperTable


class Finder(CalleeFinder, InvocationFinder, ModelFinder, GraphFinder, MadeModelFinder):
    def __init__(self, path: str, abspath: str, text: str, collector: Collector, ev, history=None):
        self.path = path
        self.abspath = abspath
        self.text = text
        self.c = collector
        self.ev = ev
        self.history = history  # (call node, scope, record, expr) -> Optional[History]
        self.cache_control = "cache_control" in text
        self._serves: Optional[bool] = None
        self._limits: Optional[List[int]] = None  # offsets of output limits no request of the file sets (python_calls.free_limits)
        self.requests: List[ast.Call] = []  # the file's recognised requests, when known (phase 1)
        scopes = list(collector.scopes_by_node.values())
        functions = sorted((s for s in scopes if s.kind == "function" and isinstance(s.node, FUNCTION_NODES)), key=lambda s: (s.node.lineno, s.node.col_offset))
        self.defs_by_name: Dict[str, List[Scope]] = {}
        for s in functions:
            self.defs_by_name.setdefault(s.name, []).append(s)
        self.defs: Dict[str, Scope] = {name: found[-1] for name, found in self.defs_by_name.items()}
        self.klasses: Dict[str, Scope] = {s.name: s for s in scopes if s.kind == "class"}
        self._methods: Dict[str, Set[str]] = {}
        for name, s in self.defs.items():
            if s.parent is not None and s.parent.kind == "class":
                self._methods.setdefault(s.parent.name, set()).add(last(name))
        self._bases: Dict[str, Tuple[Callee, ...]] = {}
        self._taint: Dict[str, Set[str]] = {}
        self._growing: Optional[Set[tuple]] = None
        self._submitted: Dict[int, CallRecord] = {}
        self._copies: Dict[Tuple[str, str], bool] = {}  # (helper, parameter) -> returns a whole copy of it

    # --- scopes and signatures ---

    def enclosing_def(self, scope: Optional[Scope]) -> Optional[Scope]:
        """The function a call is written in: lambdas and comprehensions are seen through."""
        s = scope
        while s is not None:
            if s.kind == "function" and isinstance(s.node, FUNCTION_NODES):
                return s
            if s.kind in ("module", "class"):
                return None
            s = s.parent
        return None

    def owners(self, d: Scope) -> Set[str]:
        """d and the functions around it: a closure's values may be their parameters."""
        names = set()
        s: Optional[Scope] = d
        while s is not None:
            if s.kind == "function":
                names.add(s.name)
            s = s.parent
        return names

    def reads_params(self, node: ast.AST, scope: Scope, d: Scope) -> bool:
        """Does an expression read a parameter of d (or of a function around it), directly or
        through d's local names? Read from the syntax, so a parameter reassigned or a list
        built over several statements still counts (values.py gives those up)."""
        tainted = self._tainted(d)
        owners = self.owners(d)
        for n in walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                owner = self.ev.find(n.id, scope)
                if owner is None:
                    continue
                if (owner is d or (owner.kind == "comprehension" and self.enclosing_def(owner) is d)) and n.id in tainted:
                    return True
                if owner.kind == "module" and n.id in tainted:
                    return True  # a module-level list d fills from its parameters (`history.append(prompt)`), then sends
                if owner.kind == "function" and owner.name in owners and n.id in owner.params:
                    return True
        return False

    def reads_any_param(self, d: Scope) -> bool:
        params = set(d.params) - {d.self_name}
        return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in params for stmt in d.node.body for n in walk(stmt))

    def _tainted(self, d: Scope) -> Set[str]:
        """d's names whose value may come from its parameters (flow-insensitive)."""
        if d.name in self._taint:
            return self._taint[d.name]
        sources: Dict[str, List[ast.AST]] = {}
        for n in walk(d.node):
            bound = binding_of(n) if n.__class__ in BINDING_NODES else None  # (most nodes, names and constants, bind nothing)
            if bound is None:
                continue
            value, targets = bound
            for t in targets:
                for name in walk(t):
                    if isinstance(name, ast.Name):
                        sources.setdefault(name.id, []).append(value)
        tainted: Set[str] = set(d.params)
        reads = {name: {x.id for v in values for x in walk(v) if isinstance(x, ast.Name)} for name, values in sources.items()}
        grew = True
        while grew:
            grew = False
            for name, read in reads.items():
                if name not in tainted and read & tainted:
                    tainted.add(name)
                    grew = True
        self._taint[d.name] = tainted
        return tainted

    def signature(self, d: Scope) -> Signature:
        args = d.node.args
        ordered = [a.arg for a in list(args.posonlyargs) + list(args.args)]
        receiver = d.self_name
        if receiver is not None and ordered and ordered[0] == receiver:
            ordered = ordered[1:]
        classmethod = any(isinstance(x, ast.Name) and x.id == "classmethod" for x in d.node.decorator_list)
        return Signature(
            tuple(ordered),
            tuple(a.arg for a in args.kwonlyargs),
            args.vararg.arg if args.vararg is not None else None,
            args.kwarg.arg if args.kwarg is not None else None,
            receiver,
            classmethod,
        )

    def messages_param(self, record: CallRecord, site: CallSite, owners: Set[str]) -> Optional[str]:
        """The parameter a request's messages list is (or is built from, whole): a growing
        list the caller passes there is resent by every call."""
        for name in site.keywords("messages"):
            value = spread_get(site.kwargs, name)
            if isinstance(value, Param) and value.function in owners:
                return value.name
            expr = keyword(record.node, name)
            if expr is not None:
                found = self._list_param(expr, record.scope, owners, 0)
                if found is not None:
                    return found
        spread = self._spread_messages_param(record, owners)
        if spread is not None:
            return spread
        return joined_param(record.node, record.scope, self.ev, owners, (*site.keywords("messages"), *site.keywords("system")))

    def _spread_messages_param(self, record: CallRecord, owners: Set[str]) -> Optional[str]:
        """`kwargs["messages"] = messages` then `create(**kwargs)`: a provider filling its
        request's arguments one key at a time sends the list it was handed."""
        scope, node = record.scope, record.node
        if not isinstance(node, ast.Call) or scope.node is None:
            return None
        spread = {k.value.id for k in node.keywords if k.arg is None and isinstance(k.value, ast.Name)}
        if not spread:
            return None
        for seen, n in enumerate(walk(scope.node)):
            if seen > 5000:
                return None
            if isinstance(n, ast.Assign) and len(n.targets) == 1 and isinstance(n.targets[0], ast.Subscript):
                target = n.targets[0]
                if isinstance(target.value, ast.Name) and target.value.id in spread and isinstance(target.slice, ast.Constant) and target.slice.value == "messages":
                    return self._list_param(n.value, scope, owners, 0)
        return None

    def _list_param(self, expr: ast.expr, scope: Scope, owners: Set[str], depth: int) -> Optional[str]:
        if depth > 6:
            return None
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return None
            if expr.id in owner.params and owner.name in owners:
                if any(self._cut(b, owner, expr.id) for b in owner.assigns.get(expr.id, [])):
                    return None  # `messages = messages[-10:]`, `messages = self._window(messages)`: a bound
                return expr.id
            bound = owner.assigns.get(expr.id, [])
            if len(bound) == 1 and isinstance(bound[0], ast.List) and not bound[0].elts:
                return self._filled_from(expr.id, owner, owners, depth)
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                return self._list_param(bound[0], owner, owners, depth + 1)
            return None
        if isinstance(expr, ast.List):
            for el in expr.elts:
                if isinstance(el, ast.Starred):
                    found = self._list_param(el.value, scope, owners, depth + 1)
                    if found is not None:
                        return found
            return None
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._list_param(expr.left, scope, owners, depth + 1) or self._list_param(expr.right, scope, owners, depth + 1)
        if isinstance(expr, ast.Call) and not expr.keywords:
            if isinstance(expr.func, ast.Name) and expr.func.id == "list" and len(expr.args) == 1:
                return self._list_param(expr.args[0], scope, owners, depth + 1)
            if (expr.func.id if isinstance(expr.func, ast.Name) else expr.func.attr if isinstance(expr.func, ast.Attribute) else "") == "cast" and len(expr.args) == 2:
                return self._list_param(expr.args[1], scope, owners, depth + 1)  # `typing.cast(T, messages)` is the list itself
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "copy" and not expr.args:
                return self._list_param(expr.func.value, scope, owners, depth + 1)
            for a in expr.args:  # `self._collapse(messages)`: the project's helper rebuilds the whole list
                if isinstance(a, ast.Name) and self._helper_copy(expr, scope, a.id):
                    return self._list_param(a, scope, owners, depth + 1)
        if isinstance(expr, ast.Subscript) and _past_head(expr.slice):
            return self._list_param(expr.value, scope, owners, depth + 1)  # `messages[1:]`: all but a system head sent apart
        return None  # another slice or anything else: a window, not the whole list

    def _filled_from(self, name: str, owner: Scope, owners: Set[str], depth: int) -> Optional[str]:
        """`messages = []` then `for m in previous: messages.append(...)`: a copy of `previous`
        (a loop over a slice of it, or one that may `break`, is a window)."""
        for e in self.c.events:
            if e.key == ("name", name) and e.scope is owner and e.kind == "grow" and e.loops and isinstance(e.loops[-1], (ast.For, ast.AsyncFor)):
                if not any(isinstance(n, ast.Break) for n in walk(e.loops[-1])):
                    return self._list_param(e.loops[-1].iter, owner, owners, depth + 1)
        return None

    def _helper_copy(self, call: ast.expr, scope: Scope, name: str) -> Optional[bool]:
        """`messages = self._collapse_text_messages(messages)`: True when this file's helper
        returns a new list with every message of the one handed to it (consecutive ones of a
        role merged, some kinds left out), False when it returns less (a window, a new short
        list), None when the helper is not this file's or is not handed `name`."""
        if not isinstance(call, ast.Call) or call.keywords:
            return None
        func, d = call.func, None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == scope.self_name and scope.klass is not None:
            d = self.defs.get(f"{scope.klass.name}.{func.attr}")
        elif isinstance(func, ast.Name):
            d = self.defs.get(func.id)
        at = next((i for i, a in enumerate(call.args) if isinstance(a, ast.Name) and a.id == name), None)
        if d is None or at is None:
            return None
        params = self.signature(d).params
        if at >= len(params):
            return None
        key = (d.name, params[at])
        if key not in self._copies:  # judged once per helper: it may be called on every turn's path
            self._copies[key] = rebuilds_whole(d.node, params[at])
        return self._copies[key]

    def _cut(self, bound: object, owner: Scope, name: str) -> bool:
        """A parameter rebound to less than itself: a slice of it other than its tail past
        a head, or what a helper of the file that trims it returns."""
        if isinstance(bound, ast.Subscript) and isinstance(bound.value, ast.Name) and bound.value.id == name and isinstance(bound.slice, ast.Slice):
            return not whole_tail(bound, name)
        return isinstance(bound, ast.Call) and self._helper_copy(bound, owner, name) is False

    # --- the table ---

    def table(self, requests: Dict[Scope, List[Tuple[CallSite, Optional[str]]]], names: Optional[FrozenSet[str]], local: FrozenSet[str], methods: FrozenSet[str] = frozenset()) -> Optional[WrapperTable]:
        """requests: the wrappers that make requests (phase 1); names: None in phase 1, else
        the other files' wrapper names this file mentions; local: this file's phase-1
        wrappers; methods: the other files' wrapper method names."""
        known: Set[Scope] = set(requests)
        if names and not isinstance(names, Everything):
            # other files' wrapper classes, for a parameter named after one (`named_like`)
            self.foreign_classes = frozenset(n for n in names if "." not in n)
            self.handed_names = frozenset(n for n in names if n in methods)  # (wrappers.exported's `handed`)
        wanted: Set[str] = EVERYTHING if isinstance(names, Everything) else {last(d.name) for d in known} | set(names or ()) | set(methods)  # type: ignore[assignment]
        local_calls: List[Tuple[CallRecord, Tuple[Callee, ...], Scope, Optional[Tuple[int, str]]]] = []
        foreign: List[Tuple[CallRecord, Tuple[Callee, ...], Optional[Tuple[int, str]]]] = []
        seen: Set[Tuple[int, Optional[Tuple[int, str]]]] = set()
        built: Dict[Tuple[int, Optional[Tuple[int, str]]], Invocation] = {}

        def inv(record, callees, reference) -> Invocation:
            key = (id(record), reference)
            if key not in built:
                made = self.made_invoke(record, wanted) if reference == MADE else None
                built[key] = self.made_invocation(record, *made) if made else self._passes_rebound(record, self.invocation(record, callees, reference), reference)
            return built[key]

        def scan() -> None:
            for record in self.c.calls:
                if record.node.keywords:  # `Thread(target=f, args=(x,))` runs f(x): read once, as `submit(f, x)`
                    record = self._submitted.setdefault(id(record), submitted(record))
                for callees, reference in self.called(record, wanted):
                    key = (id(record), reference)
                    if key in seen:
                        continue
                    seen.add(key)
                    target = next((t for t in (self.local_def(c) for c in callees) if t is not None and not self._declared(t)), None)
                    if target is not None:
                        if target.name not in local:
                            local_calls.append((record, callees, target, reference))
                    elif names is not None and (self.mentions(callees, names) or any(c.target == HANDED and c.method in methods for c in callees)):
                        foreign.append((record, callees, reference))
                made = self.made_invoke(record, wanted) if names is not None and (id(record), None) not in seen else None  # (not a wrapper's call)
                if made is not None and (id(record), MADE) not in seen and self.mentions(made[0], names):
                    seen.add((id(record), MADE))
                    foreign.append((record, made[0], MADE))

        scan()
        for record, callees, reference in foreign:
            d = self.enclosing_def(record.scope)
            if d is not None and d.name not in local and (self._passes_on(record, d, inv(record, callees, reference), None, reference) or reference == MADE and self.invokes_for_callers(d)):
                known.add(d)
        for _ in range(MAX_DEPTH):
            more = {last(d.name) for d in known} - wanted
            if more:  # calls of the functions just found to be wrappers
                wanted |= more
                scan()
            grew = False
            for record, callees, target, reference in local_calls:
                if target not in known and not self._overridden(target, known) and not self._overridden_elsewhere(target, names, methods):
                    continue
                d = self.enclosing_def(record.scope)
                if d is None or d in known or d.name in local:
                    continue
                if self._passes_on(record, d, inv(record, callees, reference), target.name, reference):
                    known.add(d)
                    grew = True
            if not grew and not ({last(d.name) for d in known} - wanted):
                break
        more = {last(d.name) for d in known} - wanted
        if more:  # the calls of the last level found
            wanted |= more
            scan()
        invocations = [inv(record, callees, reference) for record, callees, reference in foreign]
        invocations += [inv(record, callees, reference) for record, callees, target, reference in local_calls
                        if target in known or self._overridden(target, known) or self._overridden_elsewhere(target, names, methods)]
        graphs, runs = self.graph_factories(known, names)  # a graph built here, run elsewhere
        invocations += runs
        graphs += self.model_factories(known, invocations, wanted, requests) if names is not None else ()  # an agent over another module's model
        kept, runs = kept_runnables(self, wanted, names is not None, {g.name for g in graphs} | {d.name for d in known})  # a runnable kept, run elsewhere
        graphs, invocations = graphs + kept, invocations + runs
        instances = self.instances() + tuple(holders(self, self.foreign_classes))  # (phase 2: a class handed a registry of wrapper objects)
        if not known and not invocations and not (names and (
            any(last(b.target) in names for c in self.klasses for b in self.bases(c))
            or any(last(k.target) in names or k.target.endswith(ANY_CLASS) for _, ks in instances for k in ks)
        )) and not (methods and any(protocol_methods(info) & methods for info in self.class_table())):
            # (kept: a subclass of another file's wrapper class, or a factory of instances of
            # one, whose calls are looked for next; a Protocol declaring a wrapper method's
            # name, whose implementations link and the next round look for)
            return None
        functions = [Wrapper(d.name, self.signature(d), self.ev.loc(d.node), tuple(site for site, _ in requests.get(d, ())), tuple(m for _, m in requests.get(d, ())))
                     for d in sorted(known, key=lambda d: (d.node.lineno, d.node.col_offset))]
        invocations.sort(key=lambda v: (v.loc.row, v.loc.col) if v.loc is not None else (0, 0))
        return WrapperTable(tuple(functions) + graphs, tuple(invocations[:MAX_INVOCATIONS]), self.class_table(), instances)

    def _overridden(self, target: Scope, known: Set[Scope]) -> bool:
        """Is `target` a method (`Base._chat`) that a wrapper of a subclass of this file
        overrides? A call of it through `self` in the base (a template method) then reaches
        the wrapper when the object is an instance of that subclass; link finds which."""
        klass = target.parent.name if target.parent is not None and target.parent.kind == "class" else None
        if klass is None:
            return False
        method = last(target.name)
        for d in known:
            owner = d.parent.name if d.parent is not None and d.parent.kind == "class" else None
            if owner is None or owner == klass or last(d.name) != method:
                continue
            if any(b.local and b.target == klass for b in self.ancestry(owner)):
                return True
        return False

    def _overridden_elsewhere(self, target: Scope, names: Optional[FrozenSet[str]], methods: FrozenSet[str]) -> bool:
        """Is `target` a method of a class of this file that another file's wrapper class
        derives from, and one of the names of those wrappers' methods (phase 2 asked for
        this file as the one defining that class)? A template method calling it through
        `self` reaches the subclass's request; link finds which subclass."""
        if not names or isinstance(names, Everything) or target.parent is None or target.parent.kind != "class":
            return False
        return DEFINED + target.parent.name in names and last(target.name) in methods

    def _declared(self, d: Scope) -> bool:
        """A method a `typing.Protocol` declares: a call of it runs an implementation's."""
        klass = d.parent.name if d.parent is not None and d.parent.kind == "class" else None
        return klass is not None and any(info.name == klass and last(d.name) in protocol_methods(info) for info in self.class_table())

    def class_table(self) -> Tuple[ClassInfo, ...]:
        if self._class_infos is None:
            self._class_infos = self._classes()
        return self._class_infos

    _class_infos: Optional[Tuple[ClassInfo, ...]] = None

    def _classes(self) -> Tuple[ClassInfo, ...]:
        out = []
        for name in sorted(self.klasses):
            methods = tuple(sorted(self._methods.get(name, ())))
            bases = self.bases(name)
            # a subclass's URL methods: what it hands a base's POST to `self._post_url()`
            urls = http.returned_urls(self.ev, self.klasses[name], methods) if bases else ()
            out.append(ClassInfo(name, bases, methods, urls, new_dispatch.picks(self, self.klasses[name]) if "__new__" in methods else ()))
        return tuple(out)

    def instances(self) -> Tuple[Tuple[str, Tuple[Callee, ...]], ...]:
        """Module-level names whose value is an instance of known classes: an object built at
        module level, or a factory function (`def get_llm(cfg): return LLMProvider(**cfg)`),
        whose calls are instances too: `get_llm(cfg).generate(...)` reaches the class's method
        as `llm.generate(...)` does (link looks both up the same way)."""
        module = self.c.module
        out = []
        for name, bound in module.assigns.items():
            if len(bound) != 1:
                continue
            if isinstance(bound[0], ast.Call):
                ks = self.classes_of(bound[0], module, 0)
            elif isinstance(bound[0], Binding) and bound[0].what == "def":
                ks = self._factory_classes(self.defs.get(name))
            else:
                continue
            if ks:
                out.append((name, tuple(ks)))
        for name in self.klasses:
            # a module-level class's factory methods (`Config.get_model`, `Models.create`): what
            # they return, as a function factory's (link looks up `Class.method(...).m(...)`)
            if "." in name:
                continue
            methods = self._methods.get(name, ())
            for method in methods:
                ks = self._factory_classes(self.defs.get(f"{name}.{method}"), self.klasses[name])
                if ks:
                    out.append((f"{name}.{method}", tuple(ks)))
            # what it keeps (`self.chatbot = chatbot`, `chatbot: Chatbot`): another module's
            # `evaluation.chatbot.chat(...)` reaches the kept object's class as a factory's
            klass = self.klasses[name]
            for attr in sorted(set(klass.self_attrs) | set(klass.annotations)):
                ks = self.kept_classes(klass, attr, 1) if attr not in methods else []
                if ks:
                    out.append((f"{name}.{attr}", tuple(ks[:MAX_CLASSES])))
        return tuple(sorted(out, key=lambda x: x[0]))

    def _factory_classes(self, d: Optional[Scope], parent: Optional[Scope] = None) -> List[Callee]:
        """The classes a module-level function (or a method of `parent`, a module-level
        class) returns instances of: its return statements, else its return annotation
        (`-> BaseLLM`). Read from the returns the scope pass collected: no walk of the body."""
        if d is None or d.parent is not (parent or self.c.module) or d.node is None or d.node.name.startswith("__"):
            return []
        out: List[Callee] = []
        for value in d.returns:
            if isinstance(value, ast.expr):
                out.extend(k for k in self.classes_of(value, d, 1) if k not in out)
        if d.node.returns is not None and all(k in self.method_made for k in out):
            # (a return of another file's object's method, `_current.get()`, may be no factory's)
            out = self.annotation_classes(d.node.returns, self.c.module) + out
        return out[:MAX_CLASSES]

