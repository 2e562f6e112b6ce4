"""What a LangGraph node sends its chat model: the messages it writes ahead of the graph
state's conversation (`[SystemMessage(content=f"...{now}...")] + state["messages"]`), and the
evidence that this conversation outlives one request (a checkpointer keeps the thread, or
the graph's edges bring the node back after its tools); or ahead of a history the other rules
know grows (`[SystemMessage(...)] + st.session_state.history`). Read for a chat model built and
invoked in the same file; CL006 alone reads it (`CallSite.graph_prompt`): the other rules keep
judging the site as they did (CL011's reading of a node's conversation is `graph_history`'s)."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract.graph_history import _INVOKES, _MAX_CALLS, _graph_history, _invokes_model, _model_holders, _node_functions
from claude_lint.extract.history_models import ModelHistory
from claude_lint.facts import CallSite, History, Seq

_MAX_HEAD = 8  # messages written ahead of the state's conversation


def attach(ex, record, site: CallSite) -> CallSite:
    """`site` (a LangChain chat model's construction) with the messages written ahead of a
    growing conversation where this file invokes that model: a graph node's state, or a
    history the other rules know grows (`[SystemMessage(...)] + st.session_state.history`)."""
    if site.provider != "langchain" or "SystemMessage" not in ex.text:
        return site
    calls = ex.c.calls[:_MAX_CALLS]
    holders, attrs = _model_holders(ex, record)
    if not holders and not attrs:
        return site
    growth = _file_growth(ex) if "add_node" in ex.text else {}
    for other in calls:
        func = other.node.func
        if not (isinstance(func, ast.Attribute) and func.attr in _INVOKES and len(other.node.args) == 1):
            continue
        scope = other.scope
        if not _invokes_model(ex, func.value, scope, record.scope, holders, attrs):
            continue
        sent = _head_and_rest(other.node.args[0], scope)
        if sent is None:
            continue
        head, lists = sent
        # The lists behind the head, in order (`[system] + state["chat_history"] + state["messages"]`): the first that grows.
        history = next((h for h in (_graph_history(ex, scope, rest, growth) or ex.history(other.node, scope, other, rest) for rest in lists)
                        if h is not None), None)
        if history is not None:
            messages = Seq(tuple(ex._message(el, scope) for el in head), ex.ev.loc(head[0]))
            return replace(site, graph_prompt=(messages, history))
    return site


def invoked(ex, record) -> Optional[Tuple[Seq, History]]:
    """What a graph node sends a chat model another module's factory made (`model =
    load_chat_model(name).bind_tools(TOOLS)` then `model.ainvoke([{"role": "system", ...},
    *state.messages])`, LangGraph's react-agent template): the head it writes ahead of the
    state's conversation and that conversation, where the node's graph keeps it growing."""
    if "add_node" not in ex.text or len(record.node.args) != 1:
        return None
    sent = _head_and_rest(record.node.args[0], record.scope)
    if sent is None:
        return None
    head, lists = sent
    growth = _file_growth(ex)
    history = next((h for h in (_graph_history(ex, record.scope, rest, growth) for rest in lists) if h is not None), None)
    if history is None:
        return None
    # (the wrapper finder reads it, not the file's extraction: the message reading is borrowed, it needs `ev` alone)
    return Seq(tuple(ModelHistory._message(ex, el, record.scope) for el in head), ex.ev.loc(head[0])), history


def _file_growth(ex) -> dict:
    """`_growth` of the file's graphs, read once a file: every chat model constructed, and
    every invoke of another module's, asks the same question of the same calls."""
    kept = getattr(ex, "_graph_growth", None)
    if kept is None or kept[0] is not ex.c:
        calls = ex.c.calls[:_MAX_CALLS]
        kept = ex._graph_growth = (ex.c, _growth(ex, calls, _node_functions(calls)))
    return kept[1]


def _growth(ex, calls, nodes: dict) -> dict:
    """Function name -> (what keeps its state's conversation growing, where): a checkpointer
    its graph is compiled with keeps the thread across runs; an edge from a tool node back to
    the node resends the conversation grown by each round of tools."""
    found: dict = {}
    tools = {label for label, (fn, _) in nodes.items() if fn == "ToolNode"}
    for record in calls:
        node, func = record.node, record.node.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr == "compile":
            saver = next((k.value for k in node.keywords if k.arg == "checkpointer"), None)
            if saver is not None and not (isinstance(saver, ast.Constant) and saver.value in (None, False)):
                builder = ast.dump(func.value)
                # Kept across runs outweighs grown within one: it is said first.
                found.update((fn, ("kept by the checkpointer the graph is compiled with", node)) for fn, b in nodes.values() if b == builder)
        elif func.attr == "add_edge" and len(node.args) == 2 and all(isinstance(a, ast.Constant) for a in node.args):
            source, target = (a.value for a in node.args)
            if target in nodes and source != target and source in tools:
                found.setdefault(nodes[target][0], ("resent by the graph's edge back from its tools", node))
    return found


def _head_and_rest(arg: ast.expr, scope, depth: int = 0) -> Optional[Tuple[List[ast.expr], List[ast.expr]]]:
    """The messages written ahead of lists and those lists: `[SystemMessage(...)] + rest`
    (`+ more`), `[SystemMessage(...), *rest]`, or a name bound to one of them."""
    if depth > 2:
        return None
    if isinstance(arg, ast.Name):
        for bound in scope.assigns.get(arg.id, [])[:4]:
            if isinstance(bound, ast.expr) and bound is not arg:
                found = _head_and_rest(bound, scope, depth + 1)
                if found is not None:
                    return found
        return None
    added = _addends(arg)
    if len(added) > 1 and isinstance(added[0], ast.List):
        head, rest = added[0].elts, added[1:]
    elif isinstance(arg, ast.List) and arg.elts and isinstance(arg.elts[-1], ast.Starred):
        head, rest = arg.elts[:-1], [arg.elts[-1].value]
    else:
        return None
    if not head or len(head) > _MAX_HEAD or any(isinstance(h, ast.Starred) for h in head):
        return None
    return list(head), rest


def _addends(expr: ast.expr) -> List[ast.expr]:
    """`a + b + c` as [a, b, c] (a few at most)."""
    found: List[ast.expr] = []
    while isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add) and len(found) < _MAX_HEAD:
        found.insert(0, expr.right)
        expr = expr.left
    return [expr, *found]

