"""Chat frameworks' per-user session stores, read and written by key: Chainlit's
`cl.user_session.get("history")` and `cl.user_session.set("history", conversation)`. A
handler that reads the conversation whole, adds the turn and sets it back keeps it for the
whole chat session, as a store's `get_chat_history` / `save_chat_history` pair does
(`history_stores.StoreHistory`): the store's noun is its key, and a plain dict keeps no
window (noor-un-nisa5/Agentic-AI-Assignment's Chainlit chat, blind set 7)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

# The session objects (an attribute or a name imported from the framework) and their verbs.
SESSIONS = frozenset({"user_session"})
_VERBS = {"get": "read", "set": "write"}


def session_key(call: ast.AST, kind: str, talk) -> Optional[str]:
    """The key a session store's call reads (`kind` "read") or writes ("write"), when it
    names a conversation (a word of `talk`: "history", "messages"); None for any other call."""
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute) or _VERBS.get(call.func.attr) != kind:
        return None
    if not _session(call.func.value):
        return None
    key = call.args[0] if call.args else None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and any(t in key.value.lower() for t in talk)):
        return None
    return f"session {key.value}"


def label(call: ast.Call) -> str:
    """How a message names the store's call: `cl.user_session.get`."""
    return ast.unparse(call.func)[:40]


def stored_key(call: ast.AST) -> Optional[str]:
    """The key a session store's read names, whatever it keeps (`cl.user_session.get("graph")`)."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "get" and _session(call.func.value)):
        return None
    key = call.args[0] if call.args else None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else None


def stored_values(records, key: str) -> List[Tuple[ast.expr, object]]:
    """(value, the scope it is written in) of each of the file's writes of `key` to a session
    store (`cl.user_session.set("graph", graph)`): what a read of the key may give back."""
    out = []
    for record in records:
        node = record.node
        if (isinstance(node.func, ast.Attribute) and node.func.attr == "set" and _session(node.func.value) and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == key):
            out.append((node.args[1], record.scope))
    return out


def _session(owner: ast.expr) -> bool:
    return isinstance(owner, ast.Attribute) and owner.attr in SESSIONS or isinstance(owner, ast.Name) and owner.id in SESSIONS
