"""A reader's SQL that takes a window of the rows: `... ORDER BY ts DESC LIMIT ?` (or `LIMIT 20`,
`LIMIT %s`, `LIMIT :n`, `FETCH FIRST 20 ROWS`, `TOP 20`). A chat store's reader querying the newest
n messages hands the request the last n turns, not the conversation."""
from __future__ import annotations

from claude_lint.patterns import lazy

# A reader another module defines: `History.bound` starts so, and link may find the window it keeps there.
ELSEWHERE = "any window "
# FileFacts.constants name prefix: a module-level conversation reader of that module whose body keeps a
# window (`load_history` ... `ORDER BY ts DESC LIMIT ?`), for the requests of other modules that call it.
WINDOW_FACT = "<window>"
_SELECT = lazy(r"(?i)\bselect\b")
_LIMIT = lazy(r"(?i)\blimit\s+(?:\?|%s|:\w+|\{\w*\}|\d+)|\bfetch\s+first\b|\btop\s+\d+")


def sql_window(text: object) -> bool:
    """Is `text` (a string constant of the reader's body) a query limited to some rows?"""
    return isinstance(text, str) and len(text) < 4000 and _SELECT.search(text) is not None and _LIMIT.search(text) is not None
