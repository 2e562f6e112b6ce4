"""The calls of wrappers in a file, directly or through a call that runs a function handed to
it, each as an `Invocation`: its callees, arguments, and whether it passes its own
function's parameters on."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Set, Tuple

from claude_lint.extract import clients, gateways, loops, new_dispatch, sdk
from claude_lint.extract.chains import called_name
from claude_lint.extract.graph_nodes import NODE_ADDERS
from claude_lint.extract.history_stores import reads_store
from claude_lint.extract.invocation_args import argument_sources, kept_head
from claude_lint.extract.mocked_tests import patched_sdk
from claude_lint.extract.python_calls import free_limits
from claude_lint.extract.registrations import LOOKS_AT, REGISTERED, decorated_then_run, handed_step, registered
from claude_lint.extract.scopes import Binding, CallRecord, Scope, keyword
from claude_lint.extract.wrapper_receivers import _BUILTINS, HANDED
from claude_lint.extract.wrapper_shapes import MAX_CLASSES, MAX_VALUE_NODES, BINDS_FIRST_ARGS, RUNS_WITH_ARGS, RUNS_LATER, RUNS_PER_ITEM, APPLY, TASK_CALLS, TASK_MAPS, params_in, none_default, assigns_name, functions_bound
from claude_lint.facts import Callee, History, Invocation, Mapping, Param, Unknown


MAX_PASSED = 8  # arguments of one call looked at for a client passed in
MAX_CLIENT_HOPS = 3  # names and attributes followed back to a client's construction
POOL_WORDS = ("executor", "pool")  # a receiver not bound in the file (a parameter, an attribute) named as one


class InvocationFinder:
    """The calls of wrappers and how they bind. A mixin of `Finder`."""

    # --- calls ---

    def called(self, record: CallRecord, wanted: Set[str]) -> Iterator[Tuple[Tuple[Callee, ...], Optional[Tuple[int, str]]]]:
        """The callees of a call, and of functions handed to a call that runs them:
        (callees, None) or (callees, (argument index, how the call runs it)). Only names
        in `wanted` are followed (a wrapper, a method name of one), besides names bound to
        one indirectly (`fn = PROVIDERS[name]`, an instance called): most calls cost a set look-up."""
        node = record.node
        if patched_sdk(self, record):
            return  # a test that replaced the SDK's client with a mock: nothing it calls is billed
        func = node.func
        last_id = called_name(func)
        if last_id in wanted or self._indirect(func, record.scope, wanted):
            callees = self.callees(func, record.scope)
            if callees:
                yield callees, None
        elif (last_id in TASK_CALLS or last_id in TASK_MAPS) and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in wanted:
            task = self.callees(func.value, record.scope, False)
            if task:
                yield task, (None if last_id in TASK_CALLS else (-1, "map"))
        yield from self.graph_runs(record, wanted)  # `app.invoke(state)`: a compiled LangGraph graph runs its nodes
        known = last_id in RUNS_WITH_ARGS or last_id in RUNS_PER_ITEM or last_id in APPLY or last_id in BINDS_FIRST_ARGS
        if not known and (last_id[:1].isupper() or last_id in NODE_ADDERS or last_id in LOOKS_AT):
            yield from registered(self, record, wanted)  # `CommandHandler("chat", self.prompt)`, a graph's node: kept, called later
            return  # (`inspect.signature(f)`: only looked at)
        if isinstance(func, ast.Call):
            yield from decorated_then_run(self, record, wanted)
            return
        for i, arg in enumerate(node.args[:4]):
            # A function handed to another call is run by it: `executor.submit(f, x)`,
            # `df.col.apply(f)`, a project's `call_with_retry(f, *args)`.
            if isinstance(arg, ast.Name):
                if arg.id not in wanted and not self._indirect(arg, record.scope, wanted, called=False):
                    continue
            elif isinstance(arg, ast.Attribute):
                if arg.attr not in wanted or not (known or last_id in RUNS_LATER or self._on_self(arg, record.scope)):
                    continue
            else:
                continue
            handed = self.callees(arg, record.scope, False)
            if handed:
                yield handed, (i, last_id if known else "")
        if not known and isinstance(func, ast.Name):
            # handed by a keyword named after it (`run_suite(cases, generate=generate)`), or naming it a function to a
            # project's (`process_item_func=f`): a step run with arguments of its own (none of this call's positional
            # ones). Not otherwise (`patch(func=f)`, `endpoint=f`: kept to be called later; a class's `on_click=f` is a
            # registration), nor to a method or what a call returns.
            for k in node.keywords[:MAX_PASSED]:
                if isinstance(k.value, ast.Name) and (k.arg == k.value.id or handed_step(self, node, k, record.scope)) and (k.value.id in wanted or self._indirect(k.value, record.scope, wanted, called=False)):
                    handed = self.callees(k.value, record.scope, False)
                    if handed:
                        yield handed, (len(node.args), "")

    def _indirect(self, func: ast.expr, scope: Scope, wanted: Set[str], called: bool = True) -> bool:
        """A name bound to a function indirectly: an alias, an entry of a dict of functions,
        or (called) an object whose class may have a wrapper `__call__`."""
        if isinstance(func, ast.Attribute):
            return called and "__call__" in wanted and self._on_self(func, scope)
        if called and (isinstance(func, ast.Subscript) or isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr == "get"):
            return True  # a function picked from a dict of them (`HANDLERS[kind](text)`)
        if not isinstance(func, ast.Name):
            return False
        owner = self.ev.find(func.id, scope)
        bound = owner.assigns.get(func.id, []) if owner is not None else []
        if called and "__call__" in wanted and bound and all(isinstance(b, ast.Call) for b in bound[:MAX_CLASSES]):
            return True  # an object called, made again (`abot = Agent(...)` in two notebook cells)
        handed = not called and functions_bound(bound, wanted)  # `step = tools.a`, or `tools.b` in another branch
        if handed or len(bound) != 1:
            return handed
        if isinstance(bound[0], Binding):  # a loop's name over a collection of functions, one of them a wrapper
            return any(called_name(v) in wanted for v, _ in self.looped_functions(bound, owner))
        return isinstance(bound[0], (ast.Name, ast.Subscript))

    def _grows(self, expr: ast.expr, scope: Optional[Scope] = None, depth: int = 0) -> bool:
        """Is this a list the file grows somewhere (a cheap test before the history's own)?"""
        if self._growing is None:
            # grown in place, rebound to what a call handed it returns (`messages = ai.next(messages, text)`), or handed to a helper in a loop
            self._growing = {e.key for e in self.c.events if e.kind == "grow" or e.key[0] == "name" and (
                e.kind == "reassign" and isinstance(e.value, ast.Call) and any(isinstance(a, ast.Name) and a.id == e.key[1] for a in e.value.args)
                or e.kind == "escape" and e.loops and isinstance(e.node, ast.Call) and isinstance(e.node.func, ast.Name) and e.node.func.id not in _BUILTINS)}
        if isinstance(expr, ast.Name):
            if ("name", expr.id) in self._growing:
                return True
            # `previous = [r for _, r in exchanges]`: a copy of a growing list, made each turn
            owner = self.ev.find(expr.id, scope) if scope is not None else None
            bound = owner.assigns.get(expr.id, []) if owner is not None else []
            if len(bound) != 1 or not isinstance(bound[0], (ast.ListComp, ast.BinOp, ast.List, ast.Call, ast.Await)):
                return False
            if any(isinstance(n, ast.Name) and ("name", n.id) in self._growing or self._grown_attribute(n, owner) for n in ast.walk(bound[0])):
                return True  # `message_list = self.messages + [turn]`: the object's history and this turn
            # a copy of what a conversation store returns (`[to_param(m) for m in rows]`, rows read
            # by `get_job_messages(job_id)`): the history finder judges whether it is written back
            return reads_store(bound[0]) or any(
                isinstance(n, ast.Name) and n is not expr and self._store_read(n, owner) for n in ast.walk(bound[0]))
        if depth < MAX_CLIENT_HOPS and isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):  # `ask(self.history + [turn])`
            return self._grows(expr.left, scope, depth + 1) or self._grows(expr.right, scope, depth + 1)
        if depth < MAX_CLIENT_HOPS and isinstance(expr, ast.List):  # `ask([system, *history])`
            return any(isinstance(e, ast.Starred) and self._grows(e.value, scope, depth + 1) for e in expr.elts[:MAX_PASSED])
        if isinstance(expr, (ast.Attribute, ast.Subscript)) and isinstance(expr.value, ast.Attribute) and expr.value.attr == "session_state":
            return True  # `st.session_state.messages`: the history finder judges session lists itself
        return isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and ("self", expr.attr) in self._growing

    def _grown_attribute(self, node: ast.AST, scope: Scope) -> bool:
        """`self.messages` where the file grows the object's `messages`."""
        return (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and ("self", node.attr) in self._growing
                and node.value.id == scope.self_name)

    def _pool(self, receiver: ast.expr, scope: Scope) -> bool:
        """Is this an executor or a process/thread pool (`with ThreadPoolExecutor() as ex`,
        `pool = Pool(4)`, a parameter `executor`)? Its `map` runs concurrently; a pandas
        column's `map` runs one item after another."""
        made: List[object] = [receiver]
        if isinstance(receiver, ast.Name):
            owner = self.ev.find(receiver.id, scope)
            made = list(owner.assigns.get(receiver.id, [])[:MAX_CLASSES]) if owner is not None else []
        elif isinstance(receiver, ast.Attribute) and not isinstance(receiver.value, ast.Call):
            return any(word in receiver.attr.lower() for word in POOL_WORDS)
        for value in made:
            if isinstance(value, tuple) and len(value) == 2 and value[0] == "with":
                value = value[1]  # `with ThreadPoolExecutor() as ex`
            if isinstance(value, ast.Call):
                func = value.func
                name = called_name(func)
                if name.endswith("Executor") or name.endswith("Pool"):
                    return True
        # made by a call of another name (`pool = get_pool()`): the name says what it holds
        return isinstance(receiver, ast.Name) and any(word in receiver.id.lower() for word in POOL_WORDS)

    def _store_read(self, name: ast.Name, scope: Optional[Scope]) -> bool:
        owner = self.ev.find(name.id, scope) if scope is not None else None
        bound = owner.assigns.get(name.id, []) if owner is not None and owner.kind == "function" else []
        return len(bound) == 1 and isinstance(bound[0], ast.expr) and reads_store(bound[0])

    def _on_self(self, expr: ast.Attribute, scope: Scope) -> bool:
        me = self._self_of(scope)
        return me is not None and isinstance(expr.value, ast.Name) and expr.value.id == me[0]

    def serves_a_person(self) -> bool:
        if self._serves is None:  # once per file
            self._serves = loops.serves_a_person(self.text)
        return self._serves

    def invocation(self, record: CallRecord, callees: Tuple[Callee, ...], reference: Optional[Tuple[int, str]]) -> Invocation:
        node, scope = record.node, record.scope
        ev = self.ev
        loc = ev.loc(node)
        d = self.enclosing_def(scope)
        loop_node = record.loops[-1] if record.loops else None
        loop = ev.loc(loop_node) if loop_node is not None else None
        independent = loop_node is not None and loops.independent(node, loop_node, scope)
        star = False
        args: List[object] = []
        arg_nodes: List[ast.expr] = []
        positional = node.args
        kwargs = ev.kwargs(node, scope, 0, loc)
        if reference is not None and reference[1] == REGISTERED:  # called by a framework with arguments of its own (none of
            positional, kwargs, loop, independent = [], Mapping((), loc), None, False  # these): its parameters' defaults hold
        elif reference is not None and reference[0] < 0:  # `task.map(items, **kw)`: once per item
            positional = []
            args.append(Unknown("an item of the collection", loc))
            arg_nodes.append(node.args[0] if node.args else node)
            loop, independent = loc, True
        elif reference is not None:
            index, runner = reference
            if runner in RUNS_WITH_ARGS or runner in BINDS_FIRST_ARGS or not runner:
                positional = node.args[index + 1:]
                if runner in BINDS_FIRST_ARGS:  # the later call's arguments: any parameter not bound here
                    kwargs = Mapping(kwargs.entries + ((None, Unknown("passed where the partial is called", loc)),), kwargs.loc, True, kwargs.key_locs)
                if runner in RUNS_WITH_ARGS:
                    independent = False  # handed to a pool or a thread: run concurrently, written for latency (as asyncio.gather)
            else:
                positional = []
                args.append(Unknown("an item of the collection", loc))
                arg_nodes.append(node.args[index])
                if runner not in APPLY:
                    kwargs = Mapping((), loc)
                if isinstance(node.func, ast.Attribute) and runner in RUNS_PER_ITEM and self._pool(node.func.value, scope):
                    independent = False  # a pool's map runs them concurrently, written for latency (as `submit`)
                elif loop_node is None or runner in APPLY or (isinstance(node.func, ast.Name) and runner == "map"):
                    loop, independent = loc, True  # one request per item, none reading another's answer
        for a in positional:
            if isinstance(a, ast.Starred):
                star = True
                break
            value = ev.value(a, scope)
            if isinstance(value, Unknown) and isinstance(a, ast.Name) and d is not None:
                value = self._defaulted(a, node, d) or value
            args.append(value)
            arg_nodes.append(a)
        if reference is not None and reference[1] in BINDS_FIRST_ARGS:
            star = True
        histories: List[Tuple[str, History]] = []
        if self.history is not None:
            for i, a in enumerate(arg_nodes):
                if self._grows(a, scope) and not (reference is not None and i == 0 and reference[1] and reference[1] not in RUNS_WITH_ARGS):
                    h = self.history(node, scope, record, a)
                    if h is not None:
                        histories.append((str(i), h))
            for k in node.keywords:
                if k.arg is not None and self._grows(k.value, scope):
                    h = self.history(node, scope, record, k.value)
                    if h is not None:
                        histories.append((k.arg, h))
        if self._limits is None:
            self._limits = free_limits(self.text, ev.positions, self.requests, self.c.calls, self.c.scopes_by_node.values())
        start, end = ev.positions.offset(node.lineno, node.col_offset), ev.positions.offset(node.end_lineno, node.end_col_offset)
        return Invocation(
            path=self.path,
            loc=loc,
            callees=callees,
            args=tuple(args),
            kwargs=kwargs,
            function=d.name if d is not None else None,
            star=star,
            loop=loop,
            loop_independent=independent,
            in_async=loops.enclosing_async(scope),
            awaited_in_loop=loop_node is not None and reference is None and loops.awaited_in(node, loop_node),
            histories=tuple(histories),
            cache_control_nearby=self.cache_control,
            interactive=self.serves_a_person(),
            output_limit_nearby=any(not start <= at < end for at in self._limits),
            reference=REGISTERED if reference is not None and reference[1] == REGISTERED else reference is not None,
            built=self._built_with(node, scope, callees) if reference is None else None,
            loop_names=loops.per_iteration(loop_node) if loop_node is not None and loop == ev.loc(loop_node) else (),
            sources=argument_sources(ev, arg_nodes, args, node, kwargs),
            clients=self._passed_clients(arg_nodes, node, scope) if reference is None else (),
            made=new_dispatch.constructions(self, node, scope) if reference is None else (), receiver_param=new_dispatch.receiver_param(node, d) if reference is None else None)

    def rebound_param(self, arg: Optional[ast.expr], scope: Scope, d: Scope) -> Optional[Param]:
        """A parameter handed on after being rebound only to whole copies of itself
        (`messages = self._collapse_text_messages(messages)`, `messages = list(messages)`), or
        a name bound once to the whole parameter after a head (`combined = [system] + messages`):
        the caller's list, so a history growing there reaches the request."""
        if not isinstance(arg, ast.Name):
            return None
        owner = self.ev.find(arg.id, scope)
        if owner is None or owner.name not in self.owners(d):
            return None
        bound = owner.assigns.get(arg.id, [])
        name: Optional[str] = arg.id
        if arg.id not in owner.params:
            name = self._list_param(bound[0], owner, {owner.name}, 1) if len(bound) == 1 and isinstance(bound[0], ast.expr) else None
            if name is None or name not in owner.params:
                return None
        elif not bound or not all(isinstance(b, ast.expr) and (self._helper_copy(b, owner, arg.id) or self._list_param(b, owner, {owner.name}, 1) == arg.id) for b in bound):
            return None
        default = owner.params[name]
        value = self.ev.value(default, owner.parent or owner) if default is not None else None
        return Param(owner.name, name, value, self.ev.loc(arg))

    def _passes_rebound(self, record: CallRecord, inv: Invocation, reference) -> Invocation:
        """A call handing on a parameter rebound to a whole copy of itself passes the parameter."""
        d = self.enclosing_def(record.scope)
        if d is None or reference is not None or inv.star or not isinstance(inv.kwargs, Mapping):
            return inv
        args = list(inv.args)
        for i, a in enumerate(record.node.args[:len(args)]):
            if not isinstance(args[i], Param):
                args[i] = kept_head(args[i], self.rebound_param(a, record.scope, d))
        entries = tuple((k, kept_head(v, self.rebound_param(keyword(record.node, k), record.scope, d))) if k is not None and not isinstance(v, Param) and keyword(record.node, k) is not None else (k, v)
                        for k, v in inv.kwargs.entries)
        return replace(inv, args=tuple(args), kwargs=replace(inv.kwargs, entries=entries))

    def _passed_clients(self, arg_nodes: List[ast.expr], node: ast.Call, scope: Scope) -> Tuple[Tuple[str, bool, Optional[str]], ...]:
        """(argument, local, gateway) for each argument that is an SDK client built to reach a
        local server or a third-party gateway: a wrapper's request on that parameter goes there."""
        found = [(str(i), a) for i, a in enumerate(arg_nodes)] + [(k.arg, k.value) for k in node.keywords if k.arg is not None]
        out = []
        for key, expr in found[:MAX_PASSED]:
            seen = self._client_sent_to(expr, scope, 0)
            if seen is not None and (seen[0] or seen[1] is not None):
                out.append((key, *seen))
        return tuple(out)

    def _client_sent_to(self, expr: ast.expr, scope: Scope, depth: int) -> Optional[Tuple[bool, Optional[str]]]:
        """(local, gateway) of the client an expression is, when every construction seen of it
        agrees: a client class's constructor (instructor's wrapper of one), a name bound to
        one, or an attribute of `self` kept from one."""
        if depth > MAX_CLIENT_HOPS:
            return None
        if isinstance(expr, ast.Call):
            qual = self.ev.qualname(expr.func, scope) or ""
            if qual in sdk.CLIENT_CLASSES:
                return clients.local_endpoint(self.ev, expr, scope), gateways.of_constructor(self.ev, expr, scope)
            if qual in sdk.CLIENT_WRAPPERS and expr.args:
                return self._client_sent_to(expr.args[0], scope, depth + 1)
            return None
        values: List[Tuple[object, Scope]] = []
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None or expr.id in owner.params:
                return None
            values = [(v, owner) for v in owner.assigns.get(expr.id, [])]
        elif isinstance(expr, ast.Attribute) and self._on_self(expr, scope):
            values = [(v, method) for v, method, _ in self._self_of(scope)[1].self_attrs.get(expr.attr, [])]
        seen = {self._client_sent_to(v, s, depth + 1) if isinstance(v, ast.expr) else None for v, s in values[:MAX_CLASSES]}
        return seen.pop() if len(seen) == 1 else None

    def _built_with(self, node: ast.Call, scope: Scope, callees: Tuple[Callee, ...]) -> Optional[Mapping]:
        """`ai = AICaller(model="gpt-4o")` then `ai.call_model(...)`: the keywords the receiver
        was built with, which its constructor keeps in `self` for the method's request. Only a
        name bound once, to a call of a class, with no `**spread`."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)) or not any(c.method for c in callees):
            return None
        owner = self.ev.find(func.value.id, scope)
        bound = owner.assigns.get(func.value.id, []) if owner is not None else []
        if len(bound) != 1 or not isinstance(bound[0], ast.Call):
            return None
        made = bound[0]
        name = called_name(made.func)
        # built with nothing: the constructor's defaults; positional arguments are not read
        if not name[:1].isupper() or not made.keywords and made.args or any(k.arg is None for k in made.keywords):
            return None
        return self.ev.kwargs(made, owner, 0, self.ev.loc(made))

    def _defaulted(self, name: ast.Name, call: ast.Call, d: Scope) -> Optional[object]:
        """A name given a default on the way to a call, `if url is None: url = DEFAULT`
        in a block the call sits in (a dispatcher's branch, a function's top): a parameter
        is then the caller's value or that default; another name, that default (the other
        value is not known here: a CLI option, a setting)."""
        row = call.lineno
        found: Optional[ast.expr] = None
        overwritten = False  # found is the name's own value, not a default of the parameter
        budget = [MAX_VALUE_NODES]  # nodes looked at on the way
        block: List[ast.stmt] = list(d.node.body)
        for _ in range(16):
            inner: List[ast.stmt] = []
            for stmt in block:
                budget[0] -= 1
                if budget[0] <= 0:
                    return None
                if stmt.lineno > row:
                    break
                end = getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno
                if end < row:
                    default = none_default(stmt, name.id)
                    if default is not None:
                        if found is None or overwritten:
                            found, overwritten = default, False
                    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name.id:
                        found, overwritten = stmt.value, True  # `url = f"{base}/chat/completions"`: what the call sends
                    elif assigns_name(stmt, name.id, budget):
                        found = None  # changed some other way on the way: not known here
                        overwritten = True
                    if budget[0] <= 0:
                        return None  # a long way to the call: not followed
                    continue
                if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)) and assigns_name(stmt, name.id, budget):
                    return None  # changed in the loop around the call: a later turn sends another value
                # the one block of the statement the call sits in (an `if`'s body or its `else`)
                blocks = [getattr(stmt, f, None) or [] for f in ("body", "orelse", "finalbody")]
                blocks += [h.body for h in getattr(stmt, "handlers", None) or []]
                inner = next((b for b in blocks if any(isinstance(x, ast.stmt) and x.lineno <= row <= (getattr(x, "end_lineno", x.lineno) or x.lineno) for x in b)), [])
                break
            if not inner:
                break
            block = inner
        if found is None:
            return None
        value = self.ev.value(found, d)
        if isinstance(value, Unknown):  # a OneOf too: only a value known here is passed
            return None
        if not overwritten and name.id in d.params and self.ev.find(name.id, d) is d:
            return Param(d.name, name.id, value, self.ev.loc(name))
        return value

    def _passes_on(self, record: CallRecord, d: Scope, inv: Invocation, target: Optional[str], reference: Optional[Tuple[int, str]]) -> bool:
        """Does a call in function d hand d's parameters (or its object, or its closure) on?"""
        if reference is not None and reference[1] == REGISTERED:
            return False  # registering a handler makes no request: the framework's later call does
        if target is not None and target.startswith(d.name + "."):
            return True  # a closure of d: it reads d's parameters
        if not d.params:
            return True  # nothing of the caller's to pass: each call of d makes the requests (as a request of its own, `wrappers`)
        func = record.node.args[reference[0]] if reference is not None and 0 <= reference[0] < len(record.node.args) else record.node.func
        if d.self_name is not None and isinstance(func, ast.Name):
            # `for n, stage in [(1, self.a), (2, self.b)]: stage()`: a method of the object itself
            owner = self.ev.find(func.id, record.scope)
            looped = self.looped_functions(owner.assigns.get(func.id, []), owner) if owner is not None else []
            func = next((v for v, _ in looped if isinstance(v, ast.Attribute)), func)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and any(c.target == HANDED for c in inv.callees) and func.value.id in d.params:
            return True  # `llm.async_message(...)` on an object handed in: the caller's object
        if d.self_name is not None and isinstance(func, ast.Attribute):
            base = func.value
            while isinstance(base, ast.Attribute):  # `self.llm.chat(...)`: the object's own state
                base = base.value
            if isinstance(base, ast.Name) and base.id == d.self_name or _made_from_self(base, d, 0):
                return True
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super":
                return True
        owners = self.owners(d)
        if any(p.function in owners for p in params_in(list(inv.args) + [inv.kwargs])):
            return True
        node = record.node
        passed = node.args[reference[0] + 1:] if reference is not None and reference[0] >= 0 and not self.runs_graph(record) else node.args
        if any(self.reads_params(a, record.scope, d) for a in list(passed) + [k.value for k in node.keywords]):
            return True
        # As for a request written in d (wrappers.summarise): parameters that decide only whether
        # the wrapper is called (`def post_hourly(client): text = ask(FIXED); client.post(text)`)
        # still make each call of d that request; one never reading them is its own request. A
        # call returned as it is may be another module's factory handing its model on (`if k:
        # return make_llm()`), no request: not read so (each wrapper more is a round more).
        return reference is None and not any(r is record.node for r in d.returns) and self.reads_any_param(d)


def _made_from_self(expr: ast.expr, d: Scope, depth: int) -> bool:
    """What the object's own method makes of its state, `self.clone()` or a name bound once to
    it (`bot = self.clone(); bot.chat(...)`): the caller's object still, as `self.llm` is."""
    while isinstance(expr, (ast.Attribute, ast.Call)):
        typed = isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "type" and len(expr.args) == 1
        expr = expr.args[0] if typed else expr.value if isinstance(expr, ast.Attribute) else expr.func  # (`type(self)(...)`)
        if isinstance(expr, ast.Name) and expr.id == d.self_name:
            return True
    bound = d.assigns.get(expr.id, []) if isinstance(expr, ast.Name) and expr.id != d.self_name and depth < 3 else []
    return len(bound) == 1 and isinstance(bound[0], (ast.Attribute, ast.Call)) and _made_from_self(bound[0], d, depth + 1)
