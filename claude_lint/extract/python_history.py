"""A request's conversation history: the list passed as its messages, how it grows (in a
loop, across Streamlit reruns through st.session_state) and whether it is windowed."""
from __future__ import annotations

import ast
from typing import Optional

from claude_lint.extract import loops
from claude_lint.extract.python_calls import MAX_SESSION_NODES, _bounded_deque
from claude_lint.extract.scopes import CallRecord, Scope, keyword
from claude_lint.extract.walk import walk
from claude_lint.facts import History


class HistoryFinder:
    """A request's conversation history. A mixin of `python._Extraction`."""

    # --- conversation history -------------------------------------------------------------

    def history(self, call: ast.Call, scope: Scope, record: CallRecord, expr: Optional[ast.expr] = None) -> Optional[History]:
        """`call`: the request (`record.node`, or the SDK call a `to_thread(...)` wraps);
        `expr`: a list handed to it other than its `messages=` (an argument of a wrapper call)."""
        node = record.node
        expr = keyword(call, "messages") if expr is None else expr
        if expr is None:
            expr = self._spread_messages(call, scope)
        if expr is None:
            # `llm.invoke(st.session_state.messages)`: a chat model's input is its first argument
            first = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
            return self.session_history(first, scope) if first is not None else None
        session = self.session_history(expr, scope)
        if session is not None:
            return session
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None or expr.id in owner.imports:
                return None
            key, name = ("name", expr.id), expr.id
            if owner.kind == "class":
                return None
            if _bounded_deque(owner.assigns.get(expr.id, []), self.ev, owner):
                return None
            events = [e for e in self.c.events if e.key == key and self.ev.find(expr.id, e.scope) is owner and e.node is not node]
            if record.loops and (owner is scope or owner.kind == "module" and scope.kind == "module"):
                loop = record.loops[-1]
                grows = [e for e in events if e.kind == "grow" and loop in e.loops]
                reset = any(e.kind == "reassign" and loop in e.loops for e in events)
                trimmed = any(e.kind in ("trim", "escape") for e in events)
                if grows and not reset and not trimmed:
                    return History(name, "loop", self.ev.loc(grows[0].node), self._seed(owner.assigns.get(expr.id, []), owner), bound=loops.bound(loop))
                return None
            if owner.kind == "module" and scope is not owner:
                # Growth at import time (building few-shot examples) happens once, not per call.
                grows = [e for e in events if e.kind == "grow" and e.scope.kind != "module"]
                later = [e for e in events if e.kind in ("trim", "escape") or (e.kind == "reassign" and e.scope is not owner)]
                if grows and not later and len(owner.assigns.get(expr.id, [])) == 1:
                    return History(name, "module", self.ev.loc(grows[0].node), self._seed(owner.assigns.get(expr.id, []), owner))
            return None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == scope.self_name and scope.klass is not None:
            klass, attr = scope.klass, expr.attr
            methods = {s for s in self._scopes() if s.klass is klass}
            events = [e for e in self.c.events if e.key == ("self", attr) and e.scope in methods and e.node is not node]
            # Seeding the list in __init__ happens once per object, not per call.
            grows = [e for e in events if e.kind == "grow" and not e.scope.name.endswith(".__init__")]
            trimmed = [e for e in events if e.kind in ("trim", "escape") or (e.kind == "reassign" and not e.scope.name.endswith(".__init__"))]
            assigned = klass.self_attrs.get(attr, [])
            if any(_bounded_deque([v], self.ev, m) for v, m, _ in assigned):
                return None
            if grows and not trimmed:
                return History(f"{scope.self_name}.{attr}", "attribute", self.ev.loc(grows[0].node))
        return None

    def _spread_messages(self, call: ast.Call, scope: Scope) -> Optional[ast.expr]:
        """`create(**args)` where `args` is one dict literal of this scope: its "messages" value."""
        for k in call.keywords:
            if k.arg is not None or not isinstance(k.value, ast.Name):
                continue
            owner = self.ev.find(k.value.id, scope)
            bound = owner.assigns.get(k.value.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.Dict):
                for key, value in zip(bound[0].keys, bound[0].values):
                    if isinstance(key, ast.Constant) and key.value == "messages":
                        return value
        return None

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
        grows, trims = self._session_edits().get(key, ([], []))
        if not grows or trims:
            return None
        return History(key, "session" if key.startswith("st.") else "store", self.ev.loc(grows[0]))

    def _session_key(self, expr, scope: Scope) -> Optional[str]:
        """`st.session_state.messages` -> "st.session_state.messages"; `histories[user_id]`, a
        module-level dict of per-user (per-channel) lists -> "histories[...]"."""
        if isinstance(expr, ast.Attribute):
            base, key = expr.value, expr.attr
        elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
            base, key = expr.value, expr.slice.value
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name) and not isinstance(expr.slice, ast.Slice):
            return f"{expr.value.id}[...]" if self._module_dict(expr.value.id) else None
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
        return isinstance(value, ast.Call) and (self.ev.qualname(value.func, self.c.module) or "").rsplit(".", 1)[-1] in ("dict", "defaultdict")

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

        def add(key: Optional[str], node, grows: bool) -> None:
            if key is not None:
                self._sessions.setdefault(key, ([], []))[0 if grows else 1].append(node)

        for seen, node in enumerate(walk(module.node)):
            if seen > MAX_SESSION_NODES:
                break
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("append", "extend", "insert"):
                    add(key_of(node.func.value), node, True)
                elif node.func.attr in ("pop", "clear", "remove", "popitem"):
                    add(key_of(node.func.value), node, False)
                    owner = node.func.value
                    if isinstance(owner, ast.Name) and self._module_dict(owner.id):
                        add(f"{owner.id}[...]", node, False)  # an entry dropped: the store is bounded
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
                    elif not isinstance(node.value, (ast.List, ast.ListComp)) and self._session_key(node.value, module) is None:
                        add(key_of(target), node, False)  # reassigned from a window or a helper
        return self._sessions
