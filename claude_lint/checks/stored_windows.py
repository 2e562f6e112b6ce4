"""CL011's reading of a conversation read from a store through a reader of the same file whose
body keeps a window (it slices or limits the rows: `ORDER BY ts DESC LIMIT ?` with a `limit`
parameter, `.limit(20)`, `rows[-20:]`): the request is handed the last n messages, not the whole
conversation. Once the window is full it slides, its first message changing every turn, so a
breakpoint behind it is never read back. CL004 leaves such a conversation for its window; CL011
too. A reader of another module counts when link finds it keeping a window there (`link_readers`:
through the file's imports and the re-exports on the way); one it cannot find is still read as whole."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from claude_lint.facts import History


def read_as_window(history: History) -> bool:
    """A stored conversation whose reader keeps a window (`History.bound` as
    `extract/history_stores._reader_window` says it for a reader of the file, "the window
    `load_history` keeps", or `link_readers` for one of another module, "... (in store.py)")."""
    return history.kind == "stored" and history.bound.startswith("the window `")
