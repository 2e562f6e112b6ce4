"""Syntax trees kept across the second phase's rounds (gather._rounds): a file asked
again with a grown question (a later round's names, more wrapper methods) was parsed
again each time, a third of that phase on a large project. A tree is kept by the file's
absolute path and used only for the very same text (compared whole, so an edit between
rounds is parsed anew); the trees are read, never changed, by those who ask.
Bounded: at most MAX_CHARS of source text kept, and none of a file above a quarter of
that; once full, the trees kept stay and others are not kept (each round asks the files
in the same order: evicting the oldest would drop each tree just before it is asked
again); `forget` drops them all when the rounds end."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Tuple, Union

from claude_lint.facts import FileError

# A tree takes about 30 times its text's size (measured with tracemalloc): about 75 MB at most.
MAX_CHARS = 2_500_000

_kept: Dict[str, Tuple[str, ast.Module]] = {}
_chars = [0]


def parse(code: str, path: str, abspath: str) -> Union[ast.Module, FileError]:
    """`python.parse(code, path)`, from the tree kept for this file and text when there is one."""
    kept = _kept.get(abspath)
    if kept is not None and kept[0] == code:
        return kept[1]
    from claude_lint.extract import python

    tree = python.parse(code, path)
    if isinstance(tree, FileError) and "needs a newer Python" in tree.message:  # as phase 1 reads it (python.extract)
        from claude_lint.extract import newer_syntax

        tree = newer_syntax.recovered(code, path) or tree
    if kept is not None:
        del _kept[abspath]
        _chars[0] -= len(kept[0])
    if isinstance(tree, ast.Module) and len(code) <= MAX_CHARS // 4 and _chars[0] + len(code) <= MAX_CHARS:
        _kept[abspath] = (code, tree)
        _chars[0] += len(code)
    return tree


def forget() -> None:
    """The rounds are over: the trees are freed now, not kept for the rest of the run."""
    _kept.clear()
    _chars[0] = 0
