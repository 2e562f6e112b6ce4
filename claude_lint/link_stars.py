"""A module's star imports, `from .speak import *` (in a package's `__init__.py` most often):
a name the module neither defines nor imports by name may be one of theirs, so link looks for
it in each of the modules it star-imports (`link_names._in_module`), as Python binds it."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, List, Tuple

MAX_STAR_BYTES = 64 * 1024  # a module larger than this is not read for star imports
MAX_STARS = 8  # star-imported modules followed per module


class Stars:
    """A run's star imports: `read`, the modules each file star-imports (realpath -> their
    dotted names); `done`, each name looked up through them, with the depth it was looked up
    from (`link_names._starred`)."""
    __slots__ = ("read", "done")

    def __init__(self) -> None:
        self.read: Dict[str, Tuple[str, ...]] = {}
        self.done: Dict[tuple, tuple] = {}


def star_targets(read: Dict[str, Tuple[str, ...]], path: str, name: str, inside: Callable[[str], bool]) -> List[str]:
    """The dotted names `name` may be bound to in the module at path (of the project: `inside`),
    one per module it star-imports, in the order a later import wins: last first. Relative
    ones stay relative. read: the modules each file star-imports, kept by the caller's run."""
    modules = read.get(path)
    if modules is None:
        modules = read[path] = _star_modules(path) if inside(path) else ()
    return [f"{module}{'' if module.endswith('.') else '.'}{name}" for module in reversed(modules)]


def _star_modules(path: str) -> Tuple[str, ...]:
    from claude_lint.safeio import read_regular

    try:
        data = read_regular(path, MAX_STAR_BYTES)  # a FIFO named like a module is refused, never waited on
    except OSError:
        return ()
    if b"*" not in data or b"import" not in data:
        return ()
    import ast

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    out: List[str] = []
    for node in tree.body:  # module level only: a star import is refused anywhere else
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            out.append("." * (node.level or 0) + (node.module or ""))
    return tuple(out[:MAX_STARS])
