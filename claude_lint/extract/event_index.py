"""The events of one list (`Collector.events`: what the file does to it), by its key.

The history finder asks for one list's events at each request or wrapper call that sends
a list: a filter of every event of the file each time cost the file's events times its
calls, most of the second phase's time on a large module (agno's 430 KB team runner: 4,000
events asked 867 times, 2.4 s of one round's 10 s). The index is built once the walk is
done and rebuilt if the walk adds events after (a collector held for a file's second phase).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Tuple


def events_of(collector, key: tuple) -> "List":
    """The collector's events whose key is `key`, in the walk's order."""
    index: "Tuple[int, Dict[tuple, List]] | None" = collector.__dict__.get("_event_index")
    events = collector.events
    if index is None or index[0] != len(events):
        by_key: "Dict[tuple, List]" = {}
        for e in events:
            by_key.setdefault(e.key, []).append(e)
        index = collector.__dict__["_event_index"] = (len(events), by_key)
    return index[1].get(key, [])
