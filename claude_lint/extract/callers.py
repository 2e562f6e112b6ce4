"""Phase 2 of the wrapper passes (see `wrappers`): in a file that names a wrapper of
another file, the calls that may reach one and the functions passing their parameters on
to those. It parses the file as the Python (or notebook) extractor does, so it sits above
them: `wrappers` itself, which `python` calls in phase 1, imports neither."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import FrozenSet, Optional, Tuple

from claude_lint.extract import kept_trees
from claude_lint.extract.scopes import Collector
from claude_lint.extract.wrapper_finder import Finder
from claude_lint.extract.wrapper_shapes import Everything
from claude_lint.facts import FileFacts


def _unused(used: frozenset, names, methods) -> bool:
    """Does the file use none of the names (`used`: those its tree uses, kept_trees.used_names)?
    A call of a wrapper, a function handed over, a dict of them all do."""
    return used.isdisjoint(names) and used.isdisjoint(methods)


def callers(text: str, path: str, abspath: str, module: Optional[str], kind: str, names: FrozenSet[str], local: FrozenSet[str], methods: FrozenSet[str] = frozenset(),
            parsed: Optional[tuple] = None) -> Optional[FileFacts]:
    """Phase 2: the calls of other files' wrappers (`names`: the wrappers' names this file
    mentions) and the functions passing their parameters on to them. `local`: the file's
    own wrappers from phase 1, whose calls phase 1 has. The facts come back unparsed
    (constants are not read here) with the table, noqa comments and notebook cells.
    parsed: phase 1's (text, scopes) of this Python file, used when the text is the same
    rather than parsed and walked again (a file linted alone)."""
    from claude_lint.extract import overrides, python
    from claude_lint.extract.positions import Positions

    mapper = None
    cells: Tuple[Tuple[int, int], ...] = ()
    code = text
    if kind == "notebook":
        joined = _notebook_code(text)
        if joined is None:
            return None
        code, starts, lines = joined
        from claude_lint.extract import notebook

        mapper = notebook._Mapper(path, starts, lines)
        cells = tuple(starts)
    if code.startswith("\ufeff"):
        code = code[1:]
    collector: Optional[Collector] = None
    if parsed is not None and kind == "python" and parsed[0] == text:
        collector = parsed[1]
        collector.held = False  # released here, as one of its own
        tree = collector.module.node
    else:
        tree = kept_trees.parse(code, path, abspath)  # perf11a: parsed once across the rounds
    if not isinstance(tree, ast.Module):
        return None
    try:
        if not isinstance(names, Everything) and _unused(kept_trees.used_names(tree, abspath), names, methods):
            if collector is not None:
                collector.release()
            return None  # named in an import or a comment only: no scopes to build
        if collector is None:
            collector = Collector().collect(tree)
        kept = getattr(collector, "positions", None)  # phase 1's (python.extract), for the same text (a file linted alone)
        positions = kept if kept is not None and kept.text == code and kept.path == path else Positions(path, code)
        ex = python._Extraction(code, path, abspath, module, positions, collector)
        finder = _RoundFinder(path, abspath, code, collector, ex.ev, ex.history, invocations=kept_trees.invocations(abspath, code))
        table = finder.table({}, names, local, methods)
        set_names = tuple(overrides.found(collector, ex.ev)) if table is not None else ()  # `te.PROMPT = MINE` before calling te
        collector.release()  # the tree freed now, by reference counting
    except RecursionError:
        return None
    if table is None:
        return None
    if mapper is not None:
        table = mapper.remap(table)
    return FileFacts(path, abspath, module, kind, constants=set_names, cells=cells, parsed=False, wrappers=table)


class _RoundFinder(Finder):
    """Phase 2's finder: a call read in an earlier round (the same text, callees and
    reference) is not read again (`kept_trees.invocation`). A method, not a function kept on
    the finder: that would be a reference cycle, holding the file's scopes to the collector."""

    def __init__(self, *args, invocations: dict):
        super().__init__(*args)
        self.invocations = invocations

    def invocation(self, record, callees, reference):
        return kept_trees.invocation(self.invocations, super().invocation, record, callees, reference)


def _notebook_code(text: str):
    """A notebook's code cells joined as the notebook extractor joins them."""
    import json  # here: only a notebook needs it

    from claude_lint.extract import notebook

    try:
        nb = json.loads(text)
    except ValueError:
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not notebook._is_python(nb.get("metadata")):
        return None
    lines, starts = notebook.code_cells(nb["cells"])
    if not starts:
        return None
    return notebook._SURROGATE.sub("\ufffd", "\n".join(lines) + "\n"), starts, lines
