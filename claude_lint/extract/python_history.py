"""A request's conversation history: the list passed as its messages (or a whole copy of
it, or a list joined into its text), how long it lives (a loop, an object, the module, a
Streamlit session, a per-user store, a database read whole and written back) and whether anything on the turns' path bounds it.
What each edit does is judged in `history_edits`; LangChain models in `history_models`."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.extract import history_answers, loops, tool_rounds, tool_stubs
from claude_lint.extract.bindings import Binding
from claude_lint.extract.chains import called_name
from claude_lint.extract.event_index import events_of
from claude_lint.extract.history_bodies import body_messages, joined_lists, loop_calls_sender, spread_item, turn_loop
from claude_lint.extract.history_edits import EditJudge, observer, spans
from claude_lint.extract.history_models import ModelHistory
from claude_lint.extract.history_runs import run_cap
from claude_lint.extract.history_stores import StoreHistory
from claude_lint.extract.history_windows import windowing_helper
from claude_lint.extract.python_calls import MAX_SESSION_NODES, _bounded_deque
from claude_lint.extract.scopes import PURE_CALLS, CallRecord, Scope, argument_values, keyword
from claude_lint.extract.server_tool_loops import never_goes_round
from claude_lint.extract.session_copies import bounding, copied_from
from claude_lint.extract.walk import same_code, walk
from claude_lint.facts import History

# `History.bound` of a list handed in by the caller: its bound, if any, is in the caller's code.
HANDED = "the caller's"
# Kinds whose every growth the module shows by the list's own name (a store's or a graph's does not).
_USER_ONLY_KINDS = frozenset({"loop", "attribute", "module", "session"})


class HistoryFinder(ModelHistory, StoreHistory, EditJudge):
    """A request's conversation history. A mixin of `python._Extraction`."""

    # --- conversation history -------------------------------------------------------------

    def history(self, call: ast.Call, scope: Scope, record: CallRecord, expr: Optional[ast.expr] = None) -> Optional[History]:
        """`call`: the request (`record.node`, or the SDK call a `to_thread(...)` wraps);
        `expr`: a list handed to it other than its `messages=` (an argument of a wrapper call)."""
        found = self._history(call, scope, record, expr)
        if found is None or found.user_only or found.kind not in _USER_ONLY_KINDS:
            return found
        known = self.__dict__.setdefault("_user_only_names", {})
        if found.name not in known:  # one read of the module per list
            known[found.name] = history_answers.user_only(self.c.module.node, found.name)
        return replace(found, user_only=True) if known[found.name] else found

    def _history(self, call: ast.Call, scope: Scope, record: CallRecord, expr: Optional[ast.expr] = None) -> Optional[History]:
        node = record.node
        self._request = node if isinstance(node, ast.Call) else None
        expr = keyword(call, "messages") if expr is None else expr
        if expr is None:
            through: list = []
            expr = spread_item(call, scope, self.ev, "messages", here_only=False) or body_messages(call, scope, self.ev, self._functions(), through)
            self._body_calls = (self._request, through)
        if expr is None:
            # `llm.invoke(st.session_state.messages)`: a chat model's input is its first argument
            first = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
            return self.session_history(first, scope) if first is not None else None
        session = self.session_history(expr, scope) or (self.session_history(copied_from(expr, scope), scope) if "session_state" in self.text else None)
        if session is not None:
            return session
        source = self._source(expr, scope, 0)
        if source is not None and source is not expr:
            return self.history(call, scope, record, source)
        if source is None or source is expr:
            stored = self.stored_history(expr, scope, record)
            if stored is not None:
                return stored
        window = windowing_helper(expr, scope, self._functions()) if source is None else None
        if window is not None:
            found = self.history(call, scope, record, window[0])
            return replace(found, bound=f"a window: {window[1]}") if found is not None and window[2] else found
        if expr is keyword(call, "messages"):
            # a history kept as joined text in the prompt or the system prompt
            for listed, sc in joined_lists(call, scope, self.ev, ("messages", "system")):
                if sc is scope and self._key(listed, scope) is not None and (self._key(listed, scope), self._holder(self._key(listed, scope), scope)) in self._grown():
                    found = self.history(call, scope, record, listed)
                    # A log joined into one final request (a summary after the work) is sent
                    # once: the text is resent only when the request grows it or runs in its loop.
                    if found is not None and (found.kind == "loop" or spans(scope.node, found.append.row)):
                        return found
        if isinstance(expr, ast.Name):
            owner = self._owner(expr.id, scope)
            if owner is None or expr.id in owner.imports:
                return None
            key, name = ("name", expr.id), expr.id
            if owner.kind == "class":
                return None
            if _bounded_deque(owner.assigns.get(expr.id, []), self.ev, owner):
                return None
            events = [e for e in events_of(self.c, key) if self._owner(expr.id, e.scope) is owner and e.node is not node]
            edits = [(e, self._edit(e)) for e in events]
            loop = turn_loop(record.loops, node)
            if loop is not None and (owner is scope or owner.kind == "module" and scope.kind == "module"):
                edits, through = self.through_helpers(edits, loop, lambda: owner is scope and self._handed(expr, owner, node) is not None)  # link checks the helpers
                grows = [e for e, k in edits if k == "grow" and loop in e.loops]
                # Rebuilt inside the loop (each turn starts afresh) or trimmed anywhere: bounded.
                # A reset a user asks for (`if text == "reset": history = []`) is no bound.
                rebuilt = any(k == "reset" and loop in e.loops and not self._user_reset(e) for e, k in edits)
                # A trim before or after the loop in this function runs once; it bounds no turn.
                trimmed = any(k == "trim" and (loop in e.loops or e.scope is not scope) and not self._user_reset(e) for e, k in edits)
                if grows and not rebuilt and not trimmed and not self._first_turn(node, scope, name) and not never_goes_round(loop, call, scope):
                    kept = self.persisted(name, owner)
                    tool_loop, carried = tool_rounds.rounds(loop, record.loops, edits, owner)  # one request's tool rounds, not turns
                    if kept is not None:
                        return History(name, "stored", self.ev.loc(kept[1]), bound="", store=tuple(ast.unparse(c.func)[:40] for c in kept),
                                       marked=self._marked(name, grows, scope), rounds=tool_loop and (self.ev.loc(tool_loop), True))
                    return History(name, "loop", self.ev.loc(grows[0].node), self._seed(owner.assigns.get(expr.id, []), owner), bound=loops.bound(loop, scope),
                                   marked=self._marked(name, grows, scope), piled_marks=self.piled_marks(grows),
                                   rounds=tool_loop and (self.ev.loc(tool_loop), carried),
                                   stubbed=tool_loop is not None and tool_stubs.stubbed(tool_loop, self._functions(), self.c.module), through=through)
                return self._handed(expr, owner, node) if owner is scope else None
            if owner.kind == "module" and scope is not owner:
                # Growth at import time (building few-shot examples) happens once, not per call;
                # a module-level loop that also calls this function grows it step by step.
                grows = [e for e, k in edits if k == "grow" and (e.scope.kind != "module" or e.loops and loop_calls_sender(e.loops[-1], scope))]
                if grows and len(owner.assigns.get(expr.id, [])) == 1 and not self._bounded(edits, {e.scope for e in grows} | {scope}, owner):
                    # grown only by the module's loop around the sender: that loop's cap bounds it
                    bound = loops.bound(grows[0].loops[-1]) if all(e.scope is owner for e in grows) else ""
                    return History(name, "module", self.ev.loc(grows[0].node), self._seed(owner.assigns.get(expr.id, []), owner), bound=bound,
                                   marked=self._marked(name, grows, scope), piled_marks=self.piled_marks(grows))
            return self._handed(expr, owner, node) if owner is scope else None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == scope.self_name and scope.klass is not None:
            klass, attr = scope.klass, expr.attr
            methods = {s for s in self._scopes() if s.klass is klass}
            events = [e for e in events_of(self.c, ("self", attr)) if e.scope in methods and e.node is not node]
            # Seeding the list in __init__ happens once per object, not per call.
            edits = [(e, self._edit(e)) for e in events if not e.scope.name.endswith(".__init__")]
            grows = [e for e, k in edits if k == "grow"]
            assigned = klass.self_attrs.get(attr, [])
            if any(_bounded_deque([v], self.ev, m) for v, m, _ in assigned):
                return None
            if grows and not self._bounded(edits, {e.scope for e in grows} | {scope}, None):
                return History(f"{scope.self_name}.{attr}", "attribute", self.ev.loc(grows[0].node), bound=run_cap(attr, scope, methods, edits), marked=self._marked(f"{scope.self_name}.{attr}", grows, scope),
                               piled_marks=self.piled_marks(grows))
        return None

    def _handed(self, expr: ast.Name, owner: Scope, request: ast.AST) -> Optional[History]:
        """A list the function is handed (a parameter, never rebound) and appends to after
        its request: the answer, the tool results. That list is the caller's conversation,
        kept for its next call, which resends it grown. How long it lives and what bounds it
        are the caller's business, which `bound` says (CL004 judges the caller's list there)."""
        end = getattr(request, "end_lineno", None)
        if owner.kind != "function" or expr.id not in owner.params or expr.id == owner.self_name or end is None:
            return None
        events = [e for e in events_of(self.c, ("name", expr.id)) if e.scope is owner]
        if any(e.kind == "reassign" for e in events):
            return None  # rebound to a list of its own: what it appends stays here
        after = [e for e in events if e.kind == "grow" and getattr(e.node, "lineno", 0) > end]
        if not after:
            return None
        return History(expr.id, "handed", self.ev.loc(after[0].node), bound=HANDED, marked=self._marked(expr.id, after, owner))

    def _source(self, expr: ast.expr, scope: Scope, depth: int) -> Optional[ast.expr]:
        """The growing list a request's list is a whole copy of (or all of it past its first
        few messages, `history[1:]`): `[system] + history`,
        `[*self.messages, turn]`, `list(history)`, `[m for m in history]`, a local list
        appended to in a loop over it, or a name bound to one of those. None for a window
        (`history[-20:]`) or a helper's result, which may trim it."""
        if depth > 5:
            return None
        key = self._key(expr, scope)
        grown = key is not None and (key, self._holder(key, scope)) in self._grown()
        if grown:
            # a local copy refilled each call from a growing list stands for that list
            copied = self._copied(expr, scope, depth) if isinstance(expr, ast.Name) else None
            return copied if copied is not None else expr
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._source(expr.left, scope, depth + 1) or self._source(expr.right, scope, depth + 1)
        if isinstance(expr, ast.List):
            for el in expr.elts:
                found = self._source(el.value, scope, depth + 1) if isinstance(el, ast.Starred) else None
                if found is not None:
                    return found
            return None
        if isinstance(expr, ast.Subscript) and _past_head(expr.slice):
            return self._source(expr.value, scope, depth + 1)  # `messages[1:]`: all but the system message kept apart
        if isinstance(expr, ast.Call) and len(expr.args) == 1 and not expr.keywords:
            name = called_name(expr.func)
            if name in ("list", "deepcopy"):
                return self._source(expr.args[0], scope, depth + 1)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "copy" and not expr.args:
            return self._source(expr.func.value, scope, depth + 1)
        if isinstance(expr, ast.ListComp) and len(expr.generators) == 1 and not expr.generators[0].ifs:
            inner = self.c.scopes_by_node.get(expr)
            return self._source(expr.generators[0].iter, inner.parent if inner is not None and inner.parent is not None else scope, depth + 1)
        if isinstance(expr, ast.Name):
            return self._copied(expr, scope, depth)
        return None

    def _copied(self, expr: ast.Name, scope: Scope, depth: int) -> Optional[ast.expr]:
        """A function's local name bound (each time) to a whole copy of a growing list."""
        owner = self.ev.find(expr.id, scope)
        bound = owner.assigns.get(expr.id, []) if owner is not None and owner.kind in ("function", "module") else []
        started = [b for b in bound if not (isinstance(b, Binding) and b.what == "augmented")]
        if started and all(_literal_head(b) for b in started):
            bound = started  # `sent = [system]; sent += history`: the `+=` is judged with the list's other edits
        if not bound or len(bound) > 3 or not all(isinstance(b, ast.expr) for b in bound):
            return None
        if owner.kind == "module" and not any(e.scope is owner and e.loops for e in events_of(self.c, ("name", expr.id)) if e.kind == "reassign"):
            return None  # a module-level copy made once, at import, is a snapshot; one remade each turn of a loop is not
        found = None
        for b in bound:
            if _literal_head(b):
                b_source = self._filled_from(expr.id, owner, depth)
            else:
                b_source = self._source(b, owner, depth + 1)
            if b_source is None:
                return None
            if found is not None and not same_code(found, b_source):
                return None
            found = b_source
        return found

    def _filled_from(self, name: str, owner: Scope, depth: int) -> Optional[ast.expr]:
        """`filtered = []` then `for m in history: filtered.append(...)`: a copy of `history`
        (also with the new turn appended after the copy, where the list was started).
        `sent = [system]` then `sent.extend(history)` (or `sent += history`) where the list is
        started: the fixed head followed by the whole of `history`, so a copy of it too."""
        found = None
        events = [e for e in events_of(self.c, ("name", name)) if e.scope is owner and e.kind != "escape"]
        starts = {e.loops for e in events if e.kind == "reassign" and _literal_head(e.value)}
        for e in events:
            if e.kind == "reassign" and _literal_head(e.value):
                continue  # the literal head it starts from
            if e.kind == "grow" and e.loops in starts:
                whole = _extended_by(e.node)
                source = self._source(whole, owner, depth + 1) if whole is not None else None
                if source is not None:
                    if found is not None and not same_code(found, source):
                        return None  # two growing lists joined: neither alone is the copy
                    found = source
                continue  # otherwise the turn added after the copy, at the level the list is started
            loop = e.loops[-1] if e.loops else None
            if e.kind != "grow" or not isinstance(loop, (ast.For, ast.AsyncFor)):
                return None
            source = self._source(loop.iter, owner, depth + 1)
            if source is None:
                return None
            found = source
        return found

    def _key(self, expr: ast.expr, scope: Scope) -> Optional[tuple]:
        if isinstance(expr, ast.Name):
            return ("name", expr.id)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == scope.self_name and scope.klass is not None:
            return ("self", expr.attr)
        return None

    def _holder(self, key: tuple, scope: Scope) -> int:
        """Who holds the list a key names from `scope`: the binding scope of a name, the class of an attribute."""
        holder = self._owner(key[1], scope) if key[0] == "name" else scope.klass
        return id(holder)

    def _grown(self) -> set:
        """(key, holder) of every list the file grows."""
        if self._grown_keys is None:
            self._grown_keys = {(e.key, self._holder(e.key, e.scope)) for e in self.c.events if e.kind == "grow"}
        return self._grown_keys

    def _owner(self, name: str, scope: Scope) -> Optional[Scope]:
        """The scope that binds `name`; a function that declares it `global` edits the module's."""
        owner = self.ev.find(name, scope)
        if owner is not None and owner.kind == "function" and any(isinstance(b, Binding) and b.what == "global" for b in owner.assigns.get(name, [])):
            return self.c.module
        return owner

    def _marked(self, name: str, grows, scope: Scope) -> bool:
        """Does the code put a cache breakpoint into the list: in a message it appends, or on
        a line of a function that grows or sends it that names the list and `cache_control`?"""
        if any(self.marks_through(e) for e in grows):
            return True
        lines = self.text.splitlines()
        spans = [(e.node.lineno, e.node.end_lineno) for e in grows if hasattr(e.node, "lineno")]
        for sc in {e.scope for e in grows} | {scope}:
            if sc.node is not None and sc.kind == "function":
                spans.append((sc.node.lineno, sc.node.end_lineno))
        for seen, (first, last) in enumerate(spans):
            if seen > 64:
                return True  # too much to read: a breakpoint may be there
            for row in range(first - 1, min(last or first, len(lines), first + 2000)):
                line = lines[row]
                if ("cache_control" in line or "cachePoint" in line) and (name in line or any(first <= e.node.lineno <= row + 1 <= (e.node.end_lineno or 0) for e in grows if hasattr(e.node, "lineno"))):
                    return True
        return False

    def _seed(self, bound, owner: Scope) -> Optional[object]:
        if len(bound) == 1 and isinstance(bound[0], ast.List):
            return self.ev.value(bound[0], owner)
        return None

    # --- histories kept in a session store -------------------------------------------------

    def session_history(self, expr: ast.expr, scope: Scope) -> Optional[History]:
        """A list kept in Streamlit's `st.session_state` (or a name bound to it), appended to
        and never trimmed: it lives as long as the user's session, every rerun of the script
        resends it. Seeding it with a literal list (`if "messages" not in st.session_state`,
        a "clear chat" button) is no bound: between resets it grows with every turn."""
        key = self._session_key(expr, scope)
        if key is None and isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            bound = owner.assigns.get(expr.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                key = self._session_key(bound[0], owner)
        if key is None:
            return None
        grows, trims, handed = self._session_edits().get(key, ([], [], []))
        request = self._request
        trims = bounding(trims) + [h for h in handed if h is not request and not self._same_request(h) and not any(h is t for t in trims)]
        # `st.session_state.messages = await sampling_loop(messages=st.session_state.messages)`:
        # rebound to the conversation the request returns, grown by its answer; no trim.
        regrown = [t for t in trims if isinstance(t, ast.Assign) and self._same_request(t.value.value if isinstance(t.value, ast.Await) else t.value)]
        grows, trims = grows + regrown, [t for t in trims if not any(t is r for r in regrown)]
        if not grows or trims:
            return None
        kind = "session" if key.startswith("st.") else "attribute" if key.startswith("self.") else "store"
        return History(key, kind, self.ev.loc(grows[0]))

    def _session_key(self, expr, scope: Scope) -> Optional[str]:
        """`st.session_state.messages` -> "st.session_state.messages"; `histories[user_id]`, a
        module-level dict of per-user (per-channel) lists -> "histories[...]"."""
        if isinstance(expr, ast.Attribute):
            base, key = expr.value, expr.attr
        elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
            base, key = expr.value, expr.slice.value
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and not isinstance(expr.slice, ast.Slice):
            return f"{expr.value.id}[...]" if self._module_dict(expr.value.id) else None
        elif isinstance(expr, ast.Subscript) and not isinstance(expr.slice, ast.Slice) and self._object_dict(expr.value):
            return f"{expr.value.value.id}.{expr.value.attr}[...]"
        else:
            return None
        return f"st.session_state.{key}" if self.ev.qualname(base, scope) == "streamlit.session_state" else None

    def _module_dict(self, name: str) -> bool:
        """A dict bound once at module level (`{}`, `dict()`, `defaultdict(list)`): a store that lives
        as long as the process, whose entries a bot or a server keys by user or channel."""
        bound = self.c.module.assigns.get(name, [])
        if len(bound) != 1:
            return False
        value = bound[0]
        if isinstance(value, ast.Dict):
            return not value.keys
        return isinstance(value, ast.Call) and self._dict_maker(value, self.c.module)

    def _object_dict(self, expr) -> bool:
        """`self._sessions`, a dict attribute only ever bound to an empty dict: a backend object's
        store of per-session lists, which lives as long as the object serving the sessions."""
        if not (isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "self"):
            return False
        for klass in self._scopes():
            bound = klass.self_attrs.get(expr.attr, []) if klass.kind == "class" else []
            if bound and all(isinstance(v, ast.Dict) and not v.keys or isinstance(v, ast.Call) and not v.args and not v.keywords
                             and self._dict_maker(v, m) for v, m, _ in bound):
                return True
        return False

    def _dict_maker(self, call: ast.Call, scope: Scope) -> bool:
        """`dict()`, `defaultdict(list)`, `collections.defaultdict(list)`: the builtin `dict`
        has no qualified name, so it is read by its own name where nothing rebinds it."""
        name = self.ev.qualname(call.func, scope)
        if name is None and isinstance(call.func, ast.Name) and self.ev.find(call.func.id, scope) is None:
            name = call.func.id
        return (name or "").rsplit(".", 1)[-1] in ("dict", "defaultdict")

    def _session_edits(self) -> dict:
        """key -> (nodes that grow it, nodes that trim it), over the whole file, once."""
        if self._sessions is not None:
            return self._sessions
        self._sessions = {}
        module = self.c.module
        if module.node is None:
            return self._sessions
        aliases = {}  # a name bound to one session list (`messages = st.session_state.messages`)
        for sc in self._scopes():
            for name, bound in sc.assigns.items():
                if len(bound) == 1 and isinstance(bound[0], ast.expr):
                    key = self._session_key(bound[0], sc)
                    if key is not None:
                        aliases[name] = key

        def key_of(target) -> Optional[str]:
            # `st` is imported at module level: a use inside a function resolves there too
            return aliases.get(target.id) if isinstance(target, ast.Name) else self._session_key(target, module)

        def add(key: Optional[str], node, grows) -> None:
            if key is not None:
                self._sessions.setdefault(key, ([], [], []))[{True: 0, False: 1, None: 2}[grows]].append(node)

        for seen, node in enumerate(walk(module.node)):
            if seen > MAX_SESSION_NODES:
                break
            if isinstance(node, ast.Call) and not observer(node) and not (isinstance(node.func, ast.Name) and node.func.id in PURE_CALLS):
                for value in argument_values(node):
                    add(key_of(value) if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)) else None, node, None)  # handed on: may be trimmed there
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("append", "extend", "insert"):
                    add(key_of(node.func.value), node, True)
                elif node.func.attr in ("pop", "clear", "remove", "popitem"):
                    add(key_of(node.func.value), node, False)
                    owner = node.func.value
                    if isinstance(owner, ast.Name) and self._module_dict(owner.id):
                        add(f"{owner.id}[...]", node, False)  # an entry dropped: the store is bounded
                    elif self._object_dict(owner):
                        add(f"self.{owner.attr}[...]", node, False)
            elif isinstance(node, ast.AugAssign):
                add(key_of(node.target), node, True)
            elif isinstance(node, ast.Delete):
                for target in node.targets:
                    if isinstance(target, ast.Subscript):
                        add(key_of(target.value), node, False)
                        add(key_of(target), node, False)  # `del histories[user_id]`
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                        add(key_of(target.value), node, False)  # `history[:] = history[-20:]`
                    elif not isinstance(node.value, (ast.List, ast.ListComp)) and not _empty_text(node.value) and self._session_key(node.value, module) is None:
                        add(key_of(target), node, False)  # reassigned from a window or a helper (an empty text is a seed, as `[]`)
        return self._sessions


def _empty_text(value: ast.expr) -> bool:
    """`""`, `None`: a transcript kept as one string started (or started over) empty."""
    return isinstance(value, ast.Constant) and value.value in ("", None)


def _past_head(part: ast.expr) -> bool:
    """`[1:]`, `[2:]`: a slice that leaves out a fixed head of at most a few messages (a system
    message sent apart) and keeps everything after it, however long it grows. A window
    (`[-20:]`) or a cut (`[:n]`) is a bound."""
    return (isinstance(part, ast.Slice) and part.upper is None and part.step is None and isinstance(part.lower, ast.Constant)
            and type(part.lower.value) is int and 0 <= part.lower.value <= 3)


def _literal_head(value: object) -> bool:
    """`[]`, `[{"role": "system", ...}]`: a list started from its own items, none spread from another list."""
    return isinstance(value, ast.List) and not any(isinstance(el, ast.Starred) for el in value.elts)


def _extended_by(node: ast.AST) -> Optional[ast.expr]:
    """The list `node` adds whole to another: `x.extend(history)`, `x += history`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "extend" and len(node.args) == 1 and not node.keywords:
        return node.args[0]
    if isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add):
        return node.value
    return None
