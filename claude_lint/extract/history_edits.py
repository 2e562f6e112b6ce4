"""What an edit of a conversation list does to its growth, read from the syntax alone
(`EditJudge`, a mixin of `python_history.HistoryFinder`): a trim, a reset on every turn's
path or one a user asks for, a `pop` undoing a failed turn, a call that only looks at the
list. Also the lists a request joins into its text (a history kept as joined text), which
the wrapper finder reads too."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional

from claude_lint.extract import retries
from claude_lint.extract.chains import called_name
from claude_lint.extract.history_bodies import handed_back, joined_param  # noqa: F401 (wrapper_finder reads joined_param here)
from claude_lint.extract.scopes import Scope
from claude_lint.extract.sibling_requests import sibling_request
from claude_lint.extract.walk import same_code, walk


def list_ref(node: ast.expr, key: tuple, self_name: Optional[str]) -> bool:
    if key[0] == "name":
        return isinstance(node, ast.Name) and node.id == key[1]
    return isinstance(node, ast.Attribute) and node.attr == key[1] and isinstance(node.value, ast.Name) and node.value.id == self_name


def mentions(value: ast.expr, key: tuple, self_name: Optional[str]) -> bool:
    return any(list_ref(n, key, self_name) for n in ast.walk(value) if isinstance(n, (ast.Name, ast.Attribute)))


def minus_one(node) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and node.operand.value == 1


def command_test(test: ast.expr) -> bool:
    """A comparison of what the user typed with a short literal word, or a `startswith` of
    one: a typed command (`text == "reset"`, `cmd.lower() in ("/clear", "/new")`). A test
    of a response's field (`reply.stop_reason == "end_turn"`) is no command: the model, not
    the user, decides it, on every task."""
    for n in ast.walk(test):
        if isinstance(n, ast.Compare) and _typed(n.left) and any(isinstance(c, (ast.Constant, ast.Tuple, ast.List, ast.Set)) for c in n.comparators):
            words = [c for c in ast.walk(n) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            if words and all(len(w.value) <= 24 for w in words):
                return True
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "startswith" and _typed(n.func.value):
            return True
    return False


def _typed(expr: ast.expr) -> bool:
    """A name, or string methods called on one (`user_input.strip().lower()`)."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in ("lower", "strip", "casefold", "upper", "rstrip", "lstrip"):
        expr = expr.func.value
    return isinstance(expr, ast.Name)


# Functions handed the list to look at it (log, save, show, count, a listener's `on_...`), not to trim it.
_OBSERVERS = ("print", "log", "debug", "info", "warn", "dump", "save", "write", "display", "render", "show", "emit", "count", "format", "serial", "json", "persist", "store", "export", "notify", "callback", "update_ui", "echo")


def observer(call) -> bool:
    if not isinstance(call, ast.Call):
        return False
    name = called_name(call.func)
    name = name.lower()
    return name.startswith("on_") or any(word in name for word in _OBSERVERS)


_SIZE_WORDS = ("token", "len", "size", "count", "limit", "max")


def _copied_into(call) -> bool:
    """`sent.extend(history)`: the items copied into another list; `history` itself is left whole."""
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "extend"
            and len(call.args) == 1 and not call.keywords)


def size_test(test: ast.expr) -> bool:
    """A test of the list's length or of tokens spent: what decides a reset is the size."""
    for n in ast.walk(test):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "len":
            return True
        word = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else ""
        if any(w in word.lower() for w in _SIZE_WORDS):
            return True
    return False


class Edit:
    """A node and its scope, as `_ancestors` reads an event."""

    def __init__(self, node: ast.AST, scope: Scope):
        self.node, self.scope = node, scope


def empty_test(test: ast.expr, name: str) -> bool:
    """`not history`, `len(history) == 0`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return isinstance(test.operand, ast.Name) and test.operand.id == name
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq):
        left, right = test.left, test.comparators[0]
        return (isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id == "len" and len(left.args) == 1
                and isinstance(left.args[0], ast.Name) and left.args[0].id == name and isinstance(right, ast.Constant) and right.value == 0)
    return False


def within(node: ast.AST, body) -> bool:
    return any(node is n for stmt in body for n in ast.walk(stmt))


class EditJudge:
    """What the edits of a growing list do to it. A mixin of `python_history.HistoryFinder`."""

    def _bounded(self, edits, turn_scopes, owner: Optional[Scope]) -> bool:
        """Does anything bound a list that lives across calls? A trim anywhere does; so does a
        reset on the path of every turn (a function that grows or sends the list starts it
        afresh) unless a user asks for it. A reset elsewhere (a `reset()` method, a "clear"
        command) empties it now and then: between two resets it grows every turn."""
        for e, kind in edits:
            if kind == "trim" and not self._user_reset(e):
                return True  # (a `/load` or `/compact` the user may type bounds no turn between two)
            if kind != "reset":
                continue
            # `reset_history()` clearing the list and putting the system message back grows it
            # only to seed it: no turn runs there, unless the turns call it
            apart = e.scope not in turn_scopes or self._seeds_only(e.scope, edits)
            if e.scope is not owner and not apart and not self._user_reset(e):
                return True
            if apart and self._called_each_turn(e.scope, set(turn_scopes) - {e.scope}):
                return True  # `def ask(self, q): self.reset(); ...`: the reset runs on every turn
            if apart and self._size_guarded(e):
                return True  # `if tokens > LIMIT: self.messages = []`: a crude bound, still a bound
        return False

    def _seeds_only(self, sc: Scope, edits) -> bool:
        """Does `sc` only start the list afresh and seed it: every growth there follows a reset
        there, and the request is elsewhere?"""
        request = self._request
        if sc.node is None or sc.kind != "function" or request is not None and spans(sc.node, getattr(request, "lineno", 0)):
            return False
        resets = [getattr(e.node, "lineno", 0) for e, k in edits if e.scope is sc and k == "reset"]
        return all(resets and min(resets) < getattr(e.node, "lineno", 0) for e, k in edits if e.scope is sc and k == "grow")

    def _called_each_turn(self, reset: Scope, turn_scopes) -> bool:
        """Is the function that resets the list called, other than on a typed command, by a
        function that grows or sends it?"""
        name = reset.name.rsplit(".", 1)[-1]
        if reset.kind != "function" or not name:
            return False
        for sc in turn_scopes:
            if sc.node is None or sc.kind != "function":
                continue
            for seen, n in enumerate(ast.walk(sc.node)):
                if seen > 5000:
                    return True  # too large to read: assume it may
                if isinstance(n, ast.Call) and (isinstance(n.func, ast.Attribute) and n.func.attr == name or isinstance(n.func, ast.Name) and n.func.id == name):
                    if not any(isinstance(a, ast.If) and command_test(a.test) for a in self._ancestors(Edit(n, sc))):
                        return True
        return False

    def _edit(self, e) -> str:
        """What an edit does to the list: "grow", "undo" (drops what this turn added: a
        `pop()`, a `[:-1]`, a `pop` in an `except` after a failed request), "reset" (a fresh
        list: `[]`, a literal, `clear()`, a call that builds one) or "trim" (a window, a helper
        handed the list, anything we cannot read: it may bound the list)."""
        node = e.node
        if e.kind == "grow":
            return "grow"
        if e.kind == "escape":
            found = self._callee(node, e)
            does = handed_back(found[0], found[1][0], returned=False) if found is not None and len(found[1]) == 1 else None
            if does == "grow":
                return "grow"  # `add_user_message(messages, text)`: a helper of the file that only appends to it
            if observer(node) or self._same_request(node) or _copied_into(node) or self._ignored_by_callee(found, does):
                return "read"  # looked at, copied into another list, not used, or sent again by the same request function
            return "trim"
        if e.kind == "trim":
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "clear":
                    return "reset"
                if node.func.attr == "pop" and (not node.args or minus_one(node.args[0]) or self._in_except(e)):
                    return "undo"
            if isinstance(node, ast.Delete) and all(isinstance(t, ast.Subscript) and minus_one(t.slice) for t in node.targets):
                return "undo"
            return "trim"
        value = e.value
        if not isinstance(value, ast.expr):
            return "trim"
        if isinstance(value, (ast.BinOp, ast.List)):
            source = self._source(value, e.scope, 0)
            if source is not None and self._key(source, e.scope) == e.key:
                return "grow"  # `history = messages + [answer]`, `messages` a copy of `history` plus this turn
        mine = mentions(value, e.key, e.scope.self_name)
        if mine and self._same_request(value):
            return "grow"  # `messages = ai.next(messages, text)`: the request returns the conversation with its answer
        if mine:
            if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and (list_ref(value.left, e.key, e.scope.self_name) or list_ref(value.right, e.key, e.scope.self_name)):
                return "grow"  # `history = history + [turn]` grows it; it is no trim
            if isinstance(value, ast.List) and any(isinstance(el, ast.Starred) and list_ref(el.value, e.key, e.scope.self_name) for el in value.elts):
                return "grow"
            callee = self._callee(value, e)  # `messages = process_tool_calls(calls, messages)`: the helper hands it back
            if callee is not None and len(callee[1]) == 1:
                return handed_back(callee[0], callee[1][0]) or "trim"
            if isinstance(value, ast.Subscript) and list_ref(value.value, e.key, e.scope.self_name) and isinstance(value.slice, ast.Slice):
                sl = value.slice
                if sl.lower is None and sl.step is None and sl.upper is not None and minus_one(sl.upper):
                    return "undo"
            return "trim"
        if isinstance(value, (ast.List, ast.Tuple, ast.ListComp)) or isinstance(value, ast.Call) or self._loaded_whole(value, e.scope):
            return "reset"
        return "trim"

    def _loaded_whole(self, value: ast.expr, scope: Scope) -> bool:
        """`self.history = data["conversation"]` where `data = json.load(f)`: a whole saved
        conversation put in the list's place (a reset, no window: it grows again from there)."""
        while isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant) and isinstance(value.slice.value, str):
            value = value.value
        if not isinstance(value, ast.Name):
            return False
        bound = scope.assigns.get(value.id, [])
        return len(bound) == 1 and isinstance(bound[0], ast.Call) and self.ev.qualname(bound[0].func, scope) in _LOADERS

    @staticmethod
    def _ignored_by_callee(found, does) -> bool:
        """`self._run_tools(calls, history)` where that method of this class (or a function of
        this module), `found` by `_callee`, never names the parameter it is handed the list as:
        it cannot trim it; or only reads it (`does`: what `handed_back` says it does)."""
        return found is not None and (does is not None or not any(isinstance(n, ast.Name) and n.id in found[1] for stmt in found[0].body for n in ast.walk(stmt)))

    def through_helpers(self, edits, loop, handed):
        """The edits with each list handed whole, in the turn loop, to a helper another module defines
        (`add_user_message(messages, text)` imported) counted as growth, and those helpers as
        "module.name:i" (`History.through`): link keeps the history only when that module's
        facts say each helper only appends to its i-th parameter (`helper_appends.appender_facts`).
        Only when nothing else grows it in the loop: the helpers are then all its growth."""
        if any(kind == "grow" and loop in e.loops for e, kind in edits):
            return edits, ()  # it grows in the loop itself: a helper it is also handed to may bound it, as before
        through, out = [], []
        for e, kind in edits:
            helper = self._imported_helper(e.node, e) if kind == "trim" and e.kind == "escape" and loop in e.loops else None
            if helper is not None:
                through.append(helper)
            out.append((e, "grow" if helper is not None else kind))
        # `handed()`: the list is the caller's, grown after the request (`History.kind` "handed"), which
        # a helper that turns out to trim would hide: that reading stands
        return (out, tuple(through)) if through and not handed() else (edits, ())

    def _imported_helper(self, call, e) -> Optional[str]:
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        owner = self.ev.find(call.func.id, e.scope)
        hits = [i for i, a in enumerate(call.args) if list_ref(a, e.key, e.scope.self_name)]
        if owner is None or call.func.id not in owner.imports or len(hits) != 1 or any(list_ref(k.value, e.key, e.scope.self_name) for k in call.keywords):
            return None
        return f"{owner.imports[call.func.id]}:{hits[0]}"

    def marks_through(self, e) -> bool:
        """Does a growth through a helper of the file (`_edit`: one that only appends) write a cache breakpoint there?"""
        found = self._callee(e.node, e) if e.kind == "escape" else None
        return found is not None and any(isinstance(n, ast.Constant) and n.value in ("cache_control", "cachePoint") for n in walk(found[0]))

    def _callee(self, call, e):
        """(the function of this file a call runs, the parameters it is handed the list as), or None."""
        if not isinstance(call, ast.Call):
            return None
        func, sc = call.func, e.scope
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == sc.self_name and sc.klass is not None:
            found = [s for s in self._functions().get(func.attr, ()) if s.klass is sc.klass]
            skip = 1
        elif isinstance(func, ast.Name):
            found = [s for s in self._functions().get(func.id, ()) if s.parent is self.c.module]
            skip = 0
        else:
            return None
        if len(found) != 1 or not isinstance(found[0].node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        fn = found[0].node
        if fn.decorator_list or fn.args.vararg is not None or fn.args.kwarg is not None:
            return None
        params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
        names = []
        for i, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                return None
            if list_ref(arg, e.key, sc.self_name):
                names.append(params[i + skip] if i + skip < len(params) else None)
        names += [kw.arg for kw in call.keywords if list_ref(kw.value, e.key, sc.self_name)]
        return None if not names or None in names else (fn, names)

    def _functions(self) -> dict:
        """The file's functions by name, gathered once: each list handed to a call looks its callee up."""
        table = getattr(self, "_function_table", None)
        if table is None:
            table = {}
            for s in self._scopes():
                if s.kind == "function" and isinstance(s.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    table.setdefault(s.node.name, []).append(s)
            self._function_table = table
        return table

    def _same_request(self, node) -> bool:
        if not isinstance(node, ast.Call) or self._request is None:
            return False
        request, body = self._body_calls  # the calls building this request's JSON body (`json.dumps(apibody(msgs))`)
        return (same_code(node.func, self._request.func) or request is self._request and any(node is b for b in body)
                or sibling_request(node, self._request))

    _body_calls: tuple = (None, ())

    def _ancestors(self, e) -> list:
        """The statements between the edit and its function (or module), innermost last."""
        root = e.scope.node if e.scope.node is not None else self.c.module.node
        if root is None:
            return []
        # The map the retry search builds per function (python._Extraction._retry), shared.
        parents = self._parents.get(id(root), False)
        if parents is False:
            parents = self._parents[id(root)] = retries.parents_of(root)
        if parents is None:
            return []
        chain, at = [], e.node
        while id(at) in parents and at is not root and len(chain) < 200:
            at = parents[id(at)]
            chain.append(at)
        return chain[::-1]

    def _first_turn(self, node: ast.AST, scope: Scope, name: str) -> bool:
        """The request is made only while the list is still empty (`if not history:`): it
        sends nothing that grew."""
        holder = Edit(node, scope)
        for a in self._ancestors(holder):
            if isinstance(a, ast.If) and empty_test(a.test, name) and within(node, a.body):
                return True
        return False

    def _in_except(self, e) -> bool:
        return any(isinstance(a, ast.ExceptHandler) for a in self._ancestors(e))

    def _user_reset(self, e) -> bool:
        """A reset under a test of a command the user typed (`if text == "reset"`,
        `if cmd in ("/clear", "/new")`, `text.startswith("/reset")`)."""
        return any(isinstance(a, ast.If) and command_test(a.test) for a in self._ancestors(e)) and not self._size_guarded(e)

    def _size_guarded(self, e) -> bool:
        return any(isinstance(a, (ast.If, ast.While)) and size_test(a.test) for a in self._ancestors(e))


# What reads a whole saved structure back: a conversation taken from it is the one saved.
_LOADERS = frozenset({"json.load", "json.loads", "pickle.load", "pickle.loads", "yaml.safe_load", "tomllib.load"})


def spans(node, row: int) -> bool:
    return node is not None and hasattr(node, "lineno") and node.lineno <= row <= (node.end_lineno or node.lineno)


def whole_tail(expr: ast.expr, param: str) -> bool:
    """`messages` or `messages[1:]` (the head set apart, the rest kept): every later turn is in it."""
    if isinstance(expr, ast.Name):
        return expr.id == param
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and expr.value.id == param and isinstance(expr.slice, ast.Slice):
        s = expr.slice
        return s.upper is None and s.step is None and (s.lower is None or (isinstance(s.lower, ast.Constant) and isinstance(s.lower.value, int) and s.lower.value >= 0))
    return False


def _copy_of(expr: ast.expr, param: str) -> bool:
    """`list(messages)`, `messages.copy()`, `messages[:]`, `[*messages]`, `[m for m in messages if ...]`."""
    if isinstance(expr, ast.Subscript):
        return whole_tail(expr, param) and expr.slice.lower is None  # type: ignore[attr-defined]
    if isinstance(expr, ast.Call) and not expr.keywords:
        if isinstance(expr.func, ast.Name) and expr.func.id == "list" and len(expr.args) == 1:
            return whole_tail(expr.args[0], param)
        return isinstance(expr.func, ast.Attribute) and expr.func.attr == "copy" and not expr.args and whole_tail(expr.func.value, param)
    if isinstance(expr, ast.List):
        return len(expr.elts) == 1 and isinstance(expr.elts[0], ast.Starred) and whole_tail(expr.elts[0].value, param)
    if isinstance(expr, ast.ListComp):
        return whole_tail(expr.generators[0].iter, param)
    return False


def rebuilds_whole(fn: ast.AST, param: str) -> bool:
    """Does a helper return a new list holding every message of its parameter (a copy, a
    filter by kind, consecutive messages of one role merged), so that a conversation
    handed through it grows as it did? Every `return` gives such a copy, or a local list
    started empty and filled by a loop over the whole parameter that never breaks off,
    never counts and is never cut. A slice to the last n, a count cap or a new short
    list is a bound: not a whole copy."""
    returns: List[ast.expr] = []
    body = list(ast.iter_child_nodes(fn))
    nodes: List[ast.AST] = []
    while body and len(nodes) < 2000:
        n = body.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # a nested function's returns are not the helper's
        nodes.append(n)
        body.extend(ast.iter_child_nodes(n))
    for n in nodes:
        if isinstance(n, ast.Return):
            if n.value is None:
                return False
            returns.append(n.value)
    if not returns:
        return False
    if any(isinstance(r, ast.Name) and r.id == param for r in returns):
        return False  # handed back as it came (perhaps cut in place): not followed
    built = {r.id for r in returns if isinstance(r, ast.Name)}
    for r in returns:
        if isinstance(r, ast.Name):
            continue  # the parameter itself, or a list built here: judged below
        if not (_copy_of(r, param) or (isinstance(r, ast.List) and not r.elts)):
            return False  # `return messages[-10:]`, `return [summary]`
    for name in built:
        filled = False
        for n in nodes:
            if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    if isinstance(n, ast.AugAssign) or n.value is None:
                        return False
                    if not (isinstance(n.value, ast.List) and not n.value.elts) and not _copy_of(n.value, param):
                        return False  # `out = out[-10:]`, `out = [system]`: cut, or a new short list
                if any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name for t in targets):
                    return False  # `out[:] = ...`
            elif isinstance(n, ast.Delete) and mentions_name(n, name):
                return False
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) and n.func.value.id == name:
                if n.func.attr in ("pop", "remove", "clear"):
                    return False
            elif isinstance(n, (ast.For, ast.AsyncFor)) and whole_tail(n.iter, param):
                inner = [x for s in n.body for x in ast.walk(s)]
                if any(isinstance(x, ast.Break) for x in inner) or any(isinstance(x, ast.Call) and isinstance(x.func, ast.Name) and x.func.id == "len" for x in inner):
                    return False  # a count or a budget decides what is kept
                filled = filled or any(isinstance(x, ast.Call) and isinstance(x.func, ast.Attribute) and x.func.attr in ("append", "extend")
                                       and isinstance(x.func.value, ast.Name) and x.func.value.id == name for x in inner)
        if not filled:
            return False
    return True


def mentions_name(node: ast.AST, name: str) -> bool:
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))
