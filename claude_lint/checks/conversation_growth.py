"""How CL011 says a conversation grows: across turns (a chat loop, an object, a store, the
caller's list), or, for one request's tool loop (`History.rounds`), with every tool round of
that request. A tool loop's list may be made for the one question: what grows is that request's
rounds, and "grows each turn" would name growth the code does not show. Kept apart from
`conversation_cache.py` for its size."""
from __future__ import annotations

import os

from claude_lint.checks.conversation_langchain import AGENT_STEPS


def one_request(history) -> bool:
    """The list grows in one request's tool loop (its rounds), not across a conversation's turns."""
    return history.kind == "loop" and history.rounds is not None


def growth(history, at) -> str:
    """`grows each turn (appended at line 7)` or `grows with every tool round of one request (...)`."""
    if one_request(history):
        capped = f"capped: {history.bound}" if history.bound else "ended only by the model"
        return (f"grows with every tool round of one request (the tool loop at {_where(history.rounds[0], at)}, {capped}; "
                f"appended at {_where(history.append, at)})")
    return f"grows each turn ({_grows_at(history, at)})"


def _grows_at(history, at) -> str:
    if history.bound == AGENT_STEPS:
        return f"each step of the agent built at {_where(history.append, at)} adds its tool call and the tool's result"
    if history.kind == "graph":  # a LangGraph node's state: what brings it back, or keeps it
        return f"{history.bound} at {_where(history.append, at)}"
    if history.kind == "handed":
        return f"the caller's list, appended after the request at {_where(history.append, at)}"
    if history.kind == "stored":
        return f"read whole by `{history.store[0]}`, written back by `{history.store[1]}` at {_where(history.append, at)}"
    if history.bound.startswith("a window: "):  # sent whole until it passes its window
        return f"appended at {_where(history.append, at)}, sent whole by `{history.bound[10:]}` until it passes its window"
    return f"appended at {_where(history.append, at)}"


def _where(place, at) -> str:
    """The line of `place`, with its file when a caller in another file grows the list."""
    return f"line {place.row}" if place.path == at.path else f"{os.path.basename(place.path)}:{place.row}"
