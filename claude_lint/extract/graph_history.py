"""The conversation a LangGraph node sends its chat model, read from the graph the file
builds: the node's state (`state["messages"]`, or the state handed to a prompt whose
`MessagesPlaceholder` takes its messages) and what keeps it growing across requests (the
graph bringing the node back through another model node, or a checkpointer keeping one fixed
thread that a handler runs again). CL011 reads it as the model's `History`; `graph_prompt`
borrows the node and state reading for CL006. Kept apart so that `history_models` can ask it
without importing `graph_prompt`, which borrows its message reading."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Set, Tuple

from claude_lint.extract.chains import called_name
from claude_lint.facts import History

# How a chat model is asked: the one argument is the whole list of messages.
_INVOKES = frozenset({"invoke", "ainvoke", "stream", "astream"})
# LangGraph's key for the conversation (`MessagesState`, `add_messages`): a node returns the
# new message under it and the reducer appends it.
_MESSAGES_KEY = "messages"
# What LangGraph's prebuilt `tools_condition` routes to: the tool node, or the end (`END`).
_END = "__end__"
_TOOLS_CONDITION = ("tools", _END)
_MAX_CALLS = 4000  # calls of one file looked at; a larger file is left unread


def node_conversation(ex, record) -> Optional[History]:
    """The graph state's conversation a LangGraph node sends the chat model built at `record`,
    where the node's graph keeps it growing (a checkpointer keeps the thread, or an edge from
    its tools brings the node back): the model invoked with `state["messages"]`, or through a
    prompt whose `MessagesPlaceholder` takes the state's messages (`(prompt | llm).invoke(state)`).
    The growth CL011 reads; CL004 reads the graph as bounded (its runs end, a thread is the caller's)."""
    if "add_node" not in ex.text:
        return None
    holders, attrs = _model_holders(ex, record)
    if not holders and not attrs:
        return None
    growth = _kept_growth(ex)
    if not growth:
        return None
    placeholder = "MessagesPlaceholder" in ex.text
    for other in ex.c.calls[:_MAX_CALLS]:
        func = other.node.func
        if not (isinstance(func, ast.Attribute) and func.attr in _INVOKES and len(other.node.args) == 1):
            continue
        scope = other.scope
        piped = _piped_model(ex, func.value, scope, record.scope, holders, attrs)
        if not piped and not _invokes_model(ex, func.value, scope, record.scope, holders, attrs):
            continue
        history = _graph_history(ex, scope, other.node.args[0], growth, whole_state=piped and placeholder)
        if history is not None:
            return history
    return None


def _kept_growth(ex) -> dict:
    """Function name -> (what keeps its state's conversation growing across requests, where):
    a checkpointer whose thread the file invokes under a fixed id (`{"thread_id": "abc123"}`),
    so each run resumes the same conversation; or an edge that brings the node back after
    another model node (`generate` -> `reflect` -> `generate`), each round resending the
    state, along edges a run can take (a conditional edge's targets its router returns). A
    tool loop (an edge back from a `ToolNode`) ends when the model stops calling tools, like
    a prebuilt agent's: not read here. A checkpointer alone keeps each thread the
    caller names, which may be new for every question."""
    calls = ex.c.calls[:_MAX_CALLS]
    nodes = _node_functions(calls)
    fixed_thread = "thread_id" in ex.text and _run_per_request(calls) and any(
        isinstance(n, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "thread_id" and isinstance(v, ast.Constant) for k, v in zip(n.keys, n.values))
        for n in ast.walk(ex.c.module.node))
    found: dict = {}
    edges: dict = {}
    for record in calls:
        node, func = record.node, record.node.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr == "compile" and fixed_thread:
            saver = next((k.value for k in node.keywords if k.arg == "checkpointer"), None)
            if saver is not None and not (isinstance(saver, ast.Constant) and saver.value in (None, False)):
                builder = ast.dump(func.value)
                found.update((fn, ("kept by the checkpointer under a fixed thread id", node)) for fn, b in nodes.values() if b == builder)
        elif func.attr in ("add_edge", "add_conditional_edges") and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant):
            targets = _edge_targets(ex, node) if func.attr == "add_conditional_edges" else [node.args[1]]
            edges.setdefault(node.args[0].value, []).extend((t.value, node) for t in targets if isinstance(t, ast.Constant))
    for label, (fn, _) in nodes.items():
        back = _edge_back(label, edges, nodes)
        if fn != "ToolNode" and back is not None:
            found.setdefault(fn, ("resent by the graph's edge back to it", back))
    return found


def _run_per_request(calls) -> bool:
    """A graph run with a config (`app.invoke(state, config)`) in a function or a loop: a
    handler or a REPL runs it again on the same thread. Run once at a script's top level,
    the thread holds one run."""
    for record in calls:
        func, node = record.node.func, record.node
        if (isinstance(func, ast.Attribute) and func.attr in _INVOKES and (len(node.args) > 1 or any(k.arg == "config" for k in node.keywords))
                and (record.scope.kind == "function" or record.loops)):
            return True
    return False


def _edge_targets(ex, node: ast.Call) -> List[ast.expr]:
    """Where a conditional edge may go: its mapping's values for the keys its router can
    return (all of them where a return is not read), or, without a mapping, the texts its
    router returns. A mapping entry the router never returns is not a way the run goes:
    `add_conditional_edges("chatbot", tools_condition, {"human": "human", "tools": "tools",
    END: END})` goes to `tools` or ends, never to `human`."""
    mapping = node.args[2] if len(node.args) > 2 else next((k.value for k in node.keywords if k.arg == "path_map"), None)
    returns, whole = _router_returns(ex, node.args[1])
    if isinstance(mapping, ast.Dict):
        return [v for k, v in zip(mapping.keys, mapping.values) if not whole or _text(k) in returns]
    if isinstance(mapping, (ast.List, ast.Tuple)):
        return [e for e in mapping.elts if not whole or _text(e) in returns]
    return [ast.Constant(value=r) for r in returns]


def _router_returns(ex, router: ast.expr) -> Tuple[List[str], bool]:
    """The texts a conditional edge's router returns, and whether every return was read:
    a function of the file (`"review"`, `END if done else "review"`, `tools_condition(state)`),
    or LangGraph's prebuilt `tools_condition`, which returns "tools" or END alone."""
    name = router.id if isinstance(router, ast.Name) else router.attr if isinstance(router, ast.Attribute) else None
    for scope in ex._scopes():
        if scope.kind == "function" and getattr(scope.node, "name", None) == name:
            texts = [t for r in ast.walk(scope.node) if isinstance(r, ast.Return) for t in _returned(r.value)]
            return [t for t in texts if t is not None][:16], 0 < len(texts) <= 16 and None not in texts
    if name == "tools_condition":
        return list(_TOOLS_CONDITION), True
    return [], False


def _returned(value: Optional[ast.expr]) -> List[Optional[str]]:
    """The texts a return may give (None for one not read): `"review"`, `END if done else
    "review"`, `tools_condition(state)`."""
    if isinstance(value, ast.IfExp):
        return _returned(value.body) + _returned(value.orelse)
    if isinstance(value, ast.Call) and called_name(value.func) == "tools_condition":
        return list(_TOOLS_CONDITION)
    return [_text(value)]


def _text(expr: Optional[ast.expr]) -> Optional[str]:
    """A node name as written: `"review"`, or LangGraph's `END` ("__end__")."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return _END if isinstance(expr, ast.Name) and expr.id == "END" else None


def _edge_back(start: str, edges: dict, nodes: dict) -> Optional[ast.Call]:
    """The edge that brings the run back to node `start` through other model nodes (no tool node), if any."""
    seen, todo = set(), [start]
    while todo and len(seen) < 64:
        for target, where in edges.get(todo.pop(), []):
            if target == start:
                return where
            if target in nodes and nodes[target][0] != "ToolNode" and target not in seen:
                seen.add(target)
                todo.append(target)
    return None


def _piped_model(ex, receiver: ast.expr, scope, home, holders: Set[str], attrs: Set[str]) -> bool:
    """`receiver` names a chain that ends in the model: `chain = prompt | llm` (`| self.llm`)."""
    if not isinstance(receiver, ast.Name):
        return False
    owner = ex.ev.find(receiver.id, scope)
    for bound in (owner.assigns.get(receiver.id, []) if owner is not None else [])[:4]:
        if isinstance(bound, ast.BinOp) and isinstance(bound.op, ast.BitOr) and _invokes_model(ex, bound.right, owner, home, holders, attrs):
            return True
    return False


def _graph_history(ex, scope, rest: ast.expr, growth: dict, whole_state: bool = False) -> Optional[History]:
    """The state's conversation of a graph node that keeps it growing (`whole_state`: the
    state itself, handed to a prompt whose placeholder takes its messages)."""
    kept = growth.get(getattr(scope.node, "name", None)) if scope.kind == "function" else None
    state = _state_param(scope) if kept is not None else None
    if state is not None and whole_state and _is(rest, state):
        return History(f"{state}['{_MESSAGES_KEY}']", "graph", ex.ev.loc(kept[1]), bound=kept[0])
    conversation = _state_messages(rest, scope, state) if state is not None else None
    if conversation is None:
        return None
    return History(ast.unparse(conversation)[:60], "graph", ex.ev.loc(kept[1]), bound=kept[0])


def _model_holders(ex, record) -> Tuple[Set[str], Set[str]]:
    """The names holding the model (`llm = ChatOpenAI(...)`, `with_tools = llm.bind_tools(t)`),
    and the attributes of its class set from one of them (`self.llm = llm.bind_tools(t)`)."""
    scope = record.scope
    bound = ex._bound_to(record.node, scope)
    holders = ex._holders({bound}, scope) if bound is not None else set()
    attrs: Set[str] = set()
    klass = scope.klass
    if klass is not None:
        for attr, values in klass.self_attrs.items():
            for value, where, _ in values[:4]:
                if isinstance(value, ast.expr) and any(
                        n is record.node or isinstance(n, ast.Name) and n.id in holders and where is scope for n in ast.walk(value)):
                    attrs.add(attr)
    return holders, attrs


def _invokes_model(ex, receiver: ast.expr, scope, home, holders: Set[str], attrs: Set[str]) -> bool:
    if isinstance(receiver, ast.Name):
        return receiver.id in holders and ex.ev.find(receiver.id, scope) is home
    return (isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and receiver.attr in attrs
            and receiver.value.id == scope.self_name and scope.klass is not None and scope.klass is home.klass)


def _node_functions(calls) -> dict:
    """The graphs' nodes: node name -> (the function `add_node` registers, the builder it is
    added to): `graph_builder.add_node("worker", self.worker)`."""
    nodes = {}
    for record in calls:
        func = record.node.func
        if isinstance(func, ast.Attribute) and func.attr == "add_node" and record.node.args:
            args = record.node.args
            target = args[-1]
            fn = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else None
            if isinstance(target, ast.Call) and called_name(target.func) == "ToolNode":
                fn = "ToolNode"  # the node that runs the model's tool calls
            label = args[0].value if len(args) == 2 and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) else fn
            if fn is not None and label is not None:
                nodes[label] = (fn, ast.dump(func.value))
    return nodes


def _state_param(scope) -> Optional[str]:
    args = getattr(scope.node, "args", None)
    params = [a.arg for a in args.args if a.arg != scope.self_name] if args is not None else []
    return params[0] if params else None


def _state_messages(expr: ast.expr, scope, state: str, depth: int = 0) -> Optional[ast.expr]:
    """`state["messages"]`, `state.messages`, `state.get("messages")`, a copy of it
    (`[m for m in state["messages"]]`), or a name bound to one of them."""
    if isinstance(expr, ast.Subscript) and _is(expr.value, state):
        key = expr.slice
        return expr if isinstance(key, ast.Constant) and key.value == _MESSAGES_KEY else None
    if isinstance(expr, ast.Attribute) and _is(expr.value, state):
        return expr if expr.attr == _MESSAGES_KEY else None
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and _is(expr.func.value, state):
        first = expr.args[0] if expr.args else None
        return expr if isinstance(first, ast.Constant) and first.value == _MESSAGES_KEY else None
    if isinstance(expr, ast.ListComp) and len(expr.generators) == 1 and depth < 2:
        return _state_messages(expr.generators[0].iter, scope, state, depth + 1)
    if isinstance(expr, ast.Name) and depth < 2:
        bound = [b for b in scope.assigns.get(expr.id, [])[:4] if isinstance(b, ast.expr)]
        # Only the state's list itself or a copy of it; the head written onto it is read by the caller.
        reads = [_state_messages(b, scope, state, depth + 1) for b in bound]
        return next((r for r in reads if r is not None), None)
    return None


def _is(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name
