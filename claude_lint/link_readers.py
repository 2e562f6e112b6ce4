"""A conversation read from a store through a reader another module defines (`History.bound`
"any window `load_history` keeps (defined elsewhere)", the reader's dotted name through its
file's imports the third of `History.store`): that module's facts say whether the reader keeps a
window (`extract/history_stores.window_facts`: a slice, a limit, `ORDER BY ts DESC LIMIT ?`),
followed through re-exports (`cc.load_history` where `claude_core` has `from .store import
load_history`). A reader found keeping one bounds the request's conversation as one of its own
file does: CL011 leaves such a sliding window (`checks/stored_windows.py`), as CL004 does."""
from __future__ import annotations

import os
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Optional

    from claude_lint.facts import CallSite

from claude_lint.extract.helper_appends import APPENDS_FACT
from claude_lint.extract.sql_windows import ELSEWHERE, WINDOW_FACT

MAX_HOPS = 6  # re-exports followed from the module the call names to the one defining the reader


def with_reader_windows(project, site: "CallSite") -> "CallSite":
    """`site` with each stored conversation whose reader another module defines with a window
    said to keep that window (its `bound`, "the window `load_history` keeps (in store.py)"), and
    without each growth through another module's helper (`History.through`) that module's facts
    do not show to only append (`extract/helper_appends.appender_facts`): it may trim the list."""
    changed = {}
    for field in ("history", "passed_history"):
        history = getattr(site, field)
        if history is not None and history.through:
            from_path = os.path.abspath(history.append.path)
            if not all(_defined_with(project, helper.rpartition(":")[0], from_path, APPENDS_FACT, helper.rpartition(":")[2]) for helper in history.through):
                changed[field] = history = None
        if history is None or history.kind != "stored" or len(history.store) < 3 or not history.bound.startswith(ELSEWHERE):
            continue
        where = _window_module(project, history.store[2], os.path.abspath(history.append.path))
        if where is not None:
            changed[field] = replace(history, bound=f"the window `{history.store[0]}` keeps (in {where})")
    return replace(site, **changed) if changed else site


def _window_module(project, target: str, from_path: str) -> "Optional[str]":
    """The path of the module whose reader `target` (dotted, as imported) keeps a window; None
    when the reader is not found in the project or keeps none."""
    return _defined_with(project, target, from_path, WINDOW_FACT)


def _defined_with(project, target: str, from_path: str, fact: str, suffix: str = "") -> "Optional[str]":
    """The path of the module defining `target` (dotted, as imported) with `fact` said of it
    (its constant `fact + name + suffix`), followed through re-exports; None when not found."""
    for _ in range(MAX_HOPS):
        module, _, name = target.rpartition(".")
        if not module or not name:
            return None
        path = project.module_path(module, from_path)
        facts = project.facts(path) if path is not None else None
        if facts is None or facts.errors:
            return None
        if facts.constant(fact + name + (":" + suffix if suffix else "")) is not None:
            return facts.path
        target = facts.imported(name)  # a re-export: `from .store import load_history`
        if target is None:
            return None
        from_path = facts.abspath
    return None
