"""A Streamlit app's `st.session_state.model` (or `st.session_state["model"]`): a value kept
between reruns, so any value the file puts there may reach a use of it: an assignment
(`st.session_state.model = ...`), `setdefault`, or a widget keyed to it (`st.selectbox("Model",
[...], key="model")`: its options; `st.text_input(..., value="...", key="model")`: its
default). Functions of an `Evaluator` (`ev`), kept apart from it for its size."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.extract.arguments import positional
from claude_lint.extract.bindings import Scope
from claude_lint.facts import Loc, OneOf, Seq, Unknown

SESSION = "streamlit.session_state"
MENUS = frozenset({"streamlit.selectbox", "streamlit.radio", "streamlit.select_slider", "streamlit.sidebar.selectbox", "streamlit.sidebar.radio"})
TEXT_INPUTS = frozenset({"streamlit.text_input", "streamlit.sidebar.text_input"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def kept(ev, node: ast.expr, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """The values the file keeps under a session-state key read at `node`; None when `node`
    reads no session state, Unknown when the file puts nothing written there."""
    key = _key(ev, node, scope)
    if key is None:
        return None
    written = _index(ev).get(key, [])
    guard = ("session", key)
    if not written or guard in ev._active:
        return Unknown(f"st.session_state.{key}", loc)
    ev._active.add(guard)
    try:
        options: List[object] = []
        for kind, expr, where in written[:MAX_OPTIONS]:
            value = ev.value(expr, where, depth + 1)
            if kind == "menu" and isinstance(value, Seq):
                options.extend(value.items[:MAX_OPTIONS])
            elif kind != "menu":
                options.append(value)
        return OneOf(f"st.session_state.{key} is kept between reruns", loc, tuple(options[:MAX_OPTIONS]))
    finally:
        ev._active.discard(guard)


def _key(ev, node: ast.expr, scope: Scope) -> Optional[str]:
    if isinstance(node, ast.Attribute):
        base, key = node.value, node.attr
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        base, key = node.value, node.slice.value
    else:
        return None
    if not isinstance(base, ast.Attribute) or base.attr != "session_state":
        return None
    return key if ev.qualname(base, scope) == SESSION else None


def _index(ev) -> Dict[str, List[Tuple[str, ast.expr, Scope]]]:
    """Every place the file puts a value under a session-state key, by key: once per file."""
    index = getattr(ev, "_session_index", None)
    if index is not None:
        return index
    index = {}
    ev._session_index = index
    module = ev.module_scope
    if module.node is None or "session_state" not in ev.positions.text:
        return index
    scopes = {id(s.node): s for s in ev.all_scopes if s.node is not None}
    stack = [(module.node, module)]
    while stack:
        node, scope = stack.pop()
        for child in ast.iter_child_nodes(node):
            inner = scopes.get(id(child), scope) if isinstance(child, _FUNCTIONS) else scope
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    key = _key(ev, target, scope)
                    if key is not None:
                        index.setdefault(key, []).append(("set", child.value, scope))
            elif isinstance(child, ast.Call):
                _note_call(ev, child, scope, index)
            stack.append((child, inner))
    return index


def _note_call(ev, call: ast.Call, scope: Scope, index: dict) -> None:
    func = call.func
    args = positional(call)
    if isinstance(func, ast.Attribute) and func.attr == "setdefault" and len(args) == 2 and isinstance(args[0], ast.Constant):
        if isinstance(args[0].value, str) and ev.qualname(func.value, scope) == SESSION:
            index.setdefault(args[0].value, []).append(("set", args[1], scope))
        return
    keyword = {k.arg: k.value for k in call.keywords if k.arg}
    key = keyword.get("key")
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return
    qual = ev.qualname(func, scope) or ""
    if qual in MENUS:
        options = keyword.get("options", args[1] if len(args) > 1 else None)
        if options is not None:
            index.setdefault(key.value, []).append(("menu", options, scope))
    elif qual in TEXT_INPUTS:
        default = keyword.get("value", args[1] if len(args) > 1 else None)
        if default is not None:
            index.setdefault(key.value, []).append(("set", default, scope))
