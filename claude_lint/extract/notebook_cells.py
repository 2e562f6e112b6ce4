"""A notebook with a cell that does not parse: the other cells are still read.

The kernel runs every other cell of such a notebook, so its requests are still made. Only
a notebook whose joined code failed to parse pays for this (one parse per code cell); the
syntax error stays reported at the broken cell."""
from __future__ import annotations

import ast
import dataclasses
TYPE_CHECKING = False  # typing is for the annotations alone (start-up cost)
if TYPE_CHECKING:
    from typing import Callable, List, Optional, Tuple

from claude_lint.facts import FileFacts


def without_broken_cells(facts: FileFacts, lines: List[str], starts: List[Tuple[int, int]],
                         extract: Callable[[str], FileFacts]) -> FileFacts:
    """`facts` again, from the code with every cell that does not parse on its own blanked
    (rows kept, so positions still map to cells), when that is what made the notebook fail."""
    if facts.calls or not any(e.message.startswith("SyntaxError") for e in facts.errors):
        return facts
    kept = _blanked(lines, starts)
    if kept is None:
        return facts
    again = extract("\n".join(kept) + "\n")
    if again.errors:
        return facts
    return dataclasses.replace(again, errors=facts.errors)


def _blanked(lines: List[str], starts: List[Tuple[int, int]]) -> Optional[List[str]]:
    ends = [first - 1 for first, _ in starts[1:]] + [len(lines)]
    kept = list(lines)
    blanked = False
    for (first, _), end in zip(starts, ends):
        try:
            ast.parse("\n".join(lines[first - 1:end]))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            kept[first - 1:end] = [""] * (end - first + 1)
            blanked = True
    return kept if blanked else None
