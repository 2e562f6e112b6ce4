"""How a conversation reaches a request other than as its `messages=` list, and the helpers
it passes through: the messages of a JSON body (Bedrock's `invoke_model(body=json.dumps({
"messages": history, ...}))`, also encoded, spread, through a local name, or returned by a
helper of the file handed the list); a wrapper's parameter sent as a message's whole text;
a module-level loop that grows a list and calls the function sending it (an agent loop
around `invoke()`); and a helper that hands the list back (`messages = run_tools(calls,
messages)`), grown or as it was. For `python_history.HistoryFinder` and `history_edits`."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional

from claude_lint.extract.chains import called_name
from claude_lint.extract.node_memo import per_node
from claude_lint.extract.scopes import Scope, keyword
from claude_lint.extract.walk import walk

_MAX_HOPS = 6  # encodings, dumps, names and a helper between the request and its body
_MAX_LOOP_NODES = 4000  # nodes of a loop read for a call of the sending function


def body_messages(call: ast.Call, scope: Scope, ev, functions: dict, through: List[ast.Call]) -> Optional[ast.expr]:
    """The expression a request's JSON body sends as its "messages", in `scope`; None when
    the body is not written here whole (a dict of another scope, an unknown helper).
    `through` gets the calls that build the body: handing them the list is the request's own."""
    expr = keyword(call, "body") or spread_item(call, scope, ev, "body", here_only=True)
    for _ in range(_MAX_HOPS):
        if isinstance(expr, ast.Call):
            through.append(expr)
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "encode":
                expr = func.value
            elif called_name(func) == "dumps" and expr.args:
                expr = expr.args[0]
            else:
                return _helper_messages(expr, scope, ev, functions)
        elif isinstance(expr, ast.Name):
            owner = ev.find(expr.id, scope)
            bound = owner.assigns.get(expr.id, []) if owner is not None else []
            if owner is not scope or len(bound) != 1 or not isinstance(bound[0], ast.expr):
                return None
            expr = bound[0]
        else:
            return dict_item(expr, "messages")
    return None


def spread_item(call: ast.Call, scope: Scope, ev, key: str, here_only: bool) -> Optional[ast.expr]:
    """`create(**args)` where `args` is one dict literal (of this scope, with here_only; of
    any scope the name is found in, else): its value at `key`."""
    for k in call.keywords:
        if k.arg is None and isinstance(k.value, ast.Name):
            owner = ev.find(k.value.id, scope)
            bound = owner.assigns.get(k.value.id, []) if owner is scope or owner is not None and not here_only else []
            found = dict_item(bound[0], key) if len(bound) == 1 else None
            if found is not None:
                return found
    return None


def dict_item(expr: Optional[ast.expr], key: str) -> Optional[ast.expr]:
    """A dict literal's value at a written string key."""
    if isinstance(expr, ast.Dict):
        for written, value in zip(expr.keys, expr.values):
            if isinstance(written, ast.Constant) and written.value == key:
                return value
    return None


def _helper_messages(call: ast.Call, scope: Scope, ev, functions: dict) -> Optional[ast.expr]:
    """`apibody(msgs=history)`, the file's one function (or a name bound once to a lambda)
    returning a dict literal whose "messages" is its parameter: the argument given for it."""
    if not isinstance(call.func, ast.Name) or any(isinstance(a, ast.Starred) for a in call.args):
        return None
    name = call.func.id
    owner = ev.find(name, scope)
    bound = owner.assigns.get(name, []) if owner is not None else []
    params: List[str] = []
    if len(bound) == 1 and isinstance(bound[0], ast.Lambda):
        params, returned = [a.arg for a in bound[0].args.args], bound[0].body
    elif not any(isinstance(b, ast.expr) for b in bound) and len(functions.get(name, [])) == 1:
        node = functions[name][0].node
        returns = [n for n in walk(node) if isinstance(n, ast.Return)]
        if len(returns) != 1:
            return None
        params, returned = [a.arg for a in node.args.args], returns[0].value
    else:
        return None
    value = dict_item(returned, "messages")
    if not isinstance(value, ast.Name) or value.id not in params:
        return None
    at = params.index(value.id)
    if at < len(call.args):
        return call.args[at]
    return keyword(call, value.id)


def turn_loop(around, node: ast.AST) -> Optional[ast.AST]:
    """The innermost loop around a request that runs it once per pass: not the `for chunk in
    client.stream(messages=history)` whose items are the answer's chunks (the request is its
    iterable, made once)."""
    for loop in reversed(around):
        if not (isinstance(loop, (ast.For, ast.AsyncFor)) and any(n is node for n in walk(loop.iter))):
            return loop
    return None


def loop_calls_sender(loop: ast.AST, scope: Scope) -> bool:
    """Does a module-level loop call the function (or the lambda bound to a name) `scope` is,
    which sends the list the loop grows: each step of the loop is one request."""
    node = scope.node
    names = {node.name} if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else set()
    if isinstance(node, ast.Lambda) and scope.parent is not None:
        names = {n for n, bound in scope.parent.assigns.items() if any(b is node for b in bound)}
    for seen, n in enumerate(walk(loop)):
        if seen > _MAX_LOOP_NODES:
            return False
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in names:
            return True
    return False


def content_param(call: ast.Call, scope: Scope, ev, owners) -> Optional[str]:
    """`messages=[{"role": "user", "content": text}]`: the parameter that is a message's whole
    text. A caller growing the text it passes (a transcript kept as one string, `+=` each turn)
    has it resent whole by every call."""
    expr = keyword(call, "messages")
    for el in expr.elts[:_MAX_WRITTEN] if isinstance(expr, ast.List) else ():
        for key, value in zip(el.keys, el.values) if isinstance(el, ast.Dict) else ():
            value = _whole_text(value)
            if isinstance(key, ast.Constant) and key.value == "content" and isinstance(value, ast.Name):
                owner = ev.find(value.id, scope)
                if owner is not None and value.id in owner.params and owner.name in owners and not owner.assigns.get(value.id):
                    return value.id
    return None


_MAX_WRITTEN = 8  # messages of a written list read for a parameter's text


def _whole_text(value: ast.expr) -> ast.expr:
    """`f"{prompt}"`, an f-string of one name and nothing else, is that name's text."""
    if isinstance(value, ast.JoinedStr) and len(value.values) == 1:
        field = value.values[0]
        if isinstance(field, ast.FormattedValue) and field.conversion == -1 and field.format_spec is None and isinstance(field.value, ast.Name):
            return field.value
    return value


@per_node  # asked at each edit of a list handed to the helper
def handed_back(fn: ast.AST, param: str, returned: bool = True) -> Optional[str]:
    """What a helper of the file does to the list it is handed as `param`: "grow" when it
    only adds to it (`messages.append(tool_result)`), "read" when it only measures or prints
    it; None when it uses it any other way (rebinds it, removes from it, goes through its
    messages, which it may edit in place, or hands it on). `returned`: the helper's every
    return must hand the list back (`messages = run_tools(calls, messages)`)."""
    allowed, grows, returns = set(), False, 0
    nodes = []
    for seen, n in enumerate(walk(fn)):
        if seen > _MAX_LOOP_NODES:
            return None
        nodes.append(n)
        if isinstance(n, ast.Return):
            if isinstance(n.value, ast.Name) and n.value.id == param:
                allowed.add(id(n.value))
            elif returned:
                return None
            returns += 1
        elif isinstance(n, ast.Call):
            func = n.func
            if isinstance(func, ast.Attribute) and func.attr in ("append", "extend", "insert") and isinstance(func.value, ast.Name) and func.value.id == param:
                allowed.add(id(func.value))
                grows = True
            elif called_name(func) in _READERS:
                allowed.update(id(a) for a in n.args)
    if any(isinstance(n, ast.Name) and n.id == param and id(n) not in allowed for n in nodes):
        return None
    return ("grow" if grows else "read") if returns or not returned else None


# Calls that only read a list handed to them.
_READERS = frozenset({"len", "print", "str", "repr", "dumps", "enumerate", "reversed", "any", "all", "debug", "info"})


def joined_param(call: ast.Call, scope: Scope, ev, owners, roles) -> Optional[str]:
    """The parameter whose items a request joins into its text (`"\\n".join(previous_results)`
    in the user turn or the system prompt, through local names): a history kept as joined
    text; or the list a JSON body sends as its messages, or a message's whole text. A growing
    list (or text) the caller passes there is resent whole by every call."""
    for it, sc in joined_lists(call, scope, ev, roles):
        if isinstance(it, ast.Name):
            owner = ev.find(it.id, sc)
            if owner is not None and it.id in owner.params and owner.name in owners:
                return it.id
    body = body_messages(call, scope, ev, {}, [])  # `invoke_model(body=json.dumps({"messages": messages}))`
    if isinstance(body, ast.Name):
        owner = ev.find(body.id, scope)
        if owner is not None and body.id in owner.params and owner.name in owners and not owner.assigns.get(body.id):
            return body.id
    return content_param(call, scope, ev, owners)


def joined_lists(call: ast.Call, scope: Scope, ev, roles) -> List[tuple]:
    """(list expression, its scope) for each list a request joins into the text of its
    `roles` (`"\\n".join(results)`, `"".join(f"..." for m in self.memory)`, through local names).
    Kept per request on the evaluator: the history of a request and its wrapper's messages
    parameter both ask it of the same request, with the same roles."""
    memo = ev.__dict__.setdefault("_joined_lists", {})
    key = (id(call), id(scope), tuple(roles))
    kept = memo.get(key)
    if kept is None:
        budget = [200]
        found = [item for name in roles if (expr := keyword(call, name)) is not None for item in _joined_in(expr, scope, 0, ev, budget)]
        # the call is kept with its answer: a request made up for a `to_thread(...)` wrapper
        # would otherwise be freed, and its id taken by another
        kept = memo[key] = (call, scope, found)
    return kept[2]


def _joined_in(expr: ast.expr, sc: Scope, depth: int, ev, budget: List[int]):
    """joined_lists' search of one argument. (Not a closure: a recursive one is a reference
    cycle through its own cell that would keep the evaluator, and the whole tree, alive
    until the cyclic collector runs.)"""
    if depth > 4:
        return
    for n in walk(expr):
        budget[0] -= 1
        if budget[0] < 0:
            return
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "join" and len(n.args) == 1:
            it = n.args[0]
            if isinstance(it, (ast.GeneratorExp, ast.ListComp)) and len(it.generators) == 1 and not it.generators[0].ifs:
                it = it.generators[0].iter
                if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" and len(it.args) == 1:
                    it = it.args[0]
            if isinstance(it, (ast.Name, ast.Attribute)):
                yield it, sc
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            owner = ev.find(n.id, sc)
            bound = owner.assigns.get(n.id, []) if owner is not None and owner.kind == "function" else []
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                yield from _joined_in(bound[0], owner, depth + 1, ev, budget)
