"""Syntax trees kept across the second phase's rounds (gather._rounds): a file asked
again with a grown question (a later round's names, more wrapper methods) was parsed
again each time, a third of that phase on a large project. A tree is kept by the file's
absolute path and used only for the very same text (compared whole, so an edit between
rounds is parsed anew); the trees are read, never changed, by those who ask.
Bounded: at most MAX_CHARS of source text kept, and none of a file above a quarter of
that; once full, the trees kept stay and others are not kept (each round asks the files
in the same order: evicting the oldest would drop each tree just before it is asked
again); `forget` drops them all when the rounds end.

Three things are kept past that bound, each bounded on its own: the names each parsed tree uses
(`used_names`), by which `Linter.callers_for` answers a later round whose question grew
only by names the file never uses with the last round's answer (half the re-asks of a
folder of checkouts, each a parse, a scopes walk and a wrapper search); a tree read
for a newer Python (`newer_syntax.recovered`, a libcst parse: a hundred times a plain
one), up to MAX_RECOVERED of them; and the invocations read in a file (`invocation`: the
wrapper calls' arguments and histories, read from the file alone), up to MAX_KEPT_INVOCATIONS,
by which a later round reads only the calls it had not read yet (agno-agi/agno's second
phase read 10,537 invocations, 4,096 of them distinct: 13 s of a 60 s run in one process)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple, Union

from claude_lint.facts import FileError

# A tree takes about 30 times its text's size (measured with tracemalloc): about 75 MB at most.
MAX_CHARS = 2_500_000

_kept: Dict[str, Tuple[str, ast.Module]] = {}
_chars = [0]
MAX_RECOVERED = 64  # and MAX_CHARS / 2 of their text
_recovered: Dict[str, Tuple[str, Union[ast.Module, FileError]]] = {}
_recovered_chars = [0]
# The names of the trees parsed, by file: at most MAX_USED names in all (a few hundred a file).
MAX_USED = 2_000_000
_used: Dict[str, frozenset] = {}
_used_count = [0]


# Invocations read, by file: ((the text's length, its hash), {call's key: Invocation}).
MAX_KEPT_INVOCATIONS = 100_000
_invocations: Dict[str, Tuple[Tuple[int, int], dict]] = {}
_invocation_count = [0]


def parse(code: str, path: str, abspath: str) -> Union[ast.Module, FileError]:
    """`python.parse(code, path)`, from the tree kept for this file and text when there is one."""
    kept = _kept.get(abspath) or _recovered.get(abspath)
    if kept is not None and kept[0] == code:
        return kept[1]
    from claude_lint.extract import python

    tree = python.parse(code, path)
    newer = isinstance(tree, FileError) and "needs a newer Python" in tree.message
    if newer:  # as phase 1 reads it (python.extract)
        from claude_lint.extract import newer_syntax

        tree = newer_syntax.recovered(code, path) or tree
    if abspath in _kept:
        _chars[0] -= len(_kept.pop(abspath)[0])
    if abspath in _recovered:
        _recovered_chars[0] -= len(_recovered.pop(abspath)[0])
    if newer:  # kept whether or not it was recovered: the question is as costly either way
        if len(_recovered) < MAX_RECOVERED and _recovered_chars[0] + len(code) <= MAX_CHARS // 2:
            _recovered[abspath] = (code, tree)  # type: ignore[assignment]
            _recovered_chars[0] += len(code)
    elif isinstance(tree, ast.Module) and len(code) <= MAX_CHARS // 4 and _chars[0] + len(code) <= MAX_CHARS:
        _kept[abspath] = (code, tree)
        _chars[0] += len(code)
    return tree


def used_names(tree: ast.AST, abspath: str) -> frozenset:
    """The names the tree uses as a name or an attribute, and those it imports under another
    name (`import ask as ask_claude`): all a wrapper's call can be spelled with. Kept for
    the file (`used`) while fewer than MAX_USED are."""
    from claude_lint.extract.walk import walk

    found = set()
    add = found.add
    for node in walk(tree):
        kind = type(node)
        if kind is ast.Name:
            add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            add(node.attr)  # type: ignore[attr-defined]
        elif kind is ast.alias and node.asname:  # type: ignore[attr-defined]
            add(node.name)  # type: ignore[attr-defined]
    names = frozenset(found)
    if _used_count[0] + len(names) <= MAX_USED:
        old = _used.get(abspath)
        _used[abspath] = names
        _used_count[0] += len(names) - (len(old) if old is not None else 0)
    return names


def used(abspath: str) -> Optional[frozenset]:
    """The names of the file's last tree parsed (`used_names`), then forgotten; None if not kept."""
    names = _used.pop(abspath, None)
    if names is not None:
        _used_count[0] -= len(names)
    return names


def alike(last: Optional[tuple], asked: tuple) -> bool:
    """Has a file's phase-2 question (`Linter.callers_for`: its stamp, the names, its own
    wrappers, the methods) the answer of `last` (the last question, its answer, and the
    names the tree read for it uses, `used`)? So when the file and its own wrappers are the
    same and every name or method asked anew (or no longer) is one it does not use: the
    wrapper search reads a name only where the tree uses it."""
    if last is None or last[2] is None:
        return False
    (stamp, names, local, methods), used_names = last[0], last[2]
    if stamp != asked[0] or local != asked[2] or not all(type(s) is frozenset for s in (names, methods, asked[1], asked[3])):
        return False
    return used_names.isdisjoint(names ^ asked[1]) and used_names.isdisjoint(methods ^ asked[3])


def invocations(abspath: str, code: str) -> dict:
    """The invocations kept for this file and text (`invocation` reads and fills them); the
    ones of another text of the file are dropped."""
    stamp = (len(code), hash(code))
    kept = _invocations.get(abspath)
    if kept is None or kept[0] != stamp:
        if kept is not None:
            _invocation_count[0] -= len(kept[1])
        kept = _invocations[abspath] = (stamp, {})
    return kept[1]


def invocation(known: dict, read, record, callees: tuple, reference):
    """`read(record, callees, reference)` (a phase-2 finder's own `invocation`), once per
    call, callees and reference of a text across the rounds (`known`, from `invocations`):
    what it reads is the file's (the call's arguments, loop, histories, clients), nothing of
    the round (the names asked, the methods)."""
    node = record.node
    # the call's span, and what tells a call read as another (`Thread(target=f, args=a)` as `submit(f, *a)`) from it
    key = (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, len(node.args), len(node.keywords),
           getattr(node.func, "id", None), callees, reference)
    found = known.get(key)
    if found is None:
        found = read(record, callees, reference)
        if _invocation_count[0] < MAX_KEPT_INVOCATIONS:
            known[key] = found
            _invocation_count[0] += 1
    return found


def forget() -> None:
    """The rounds are over: the trees are freed now, not kept for the rest of the run."""
    _invocations.clear()
    _invocation_count[0] = 0
    _kept.clear()
    _chars[0] = 0
    _recovered.clear()
    _recovered_chars[0] = 0
    _used.clear()
    _used_count[0] = 0
