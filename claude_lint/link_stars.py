"""A module's star imports, `from .speak import *` (in a package's `__init__.py` most often):
a name the module neither defines nor imports by name may be one of theirs, so link looks for
it in each of the modules it star-imports (`link_names._in_module`), as Python binds it."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, List, Optional, Tuple

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
    if b"import" not in data or b"*" not in data and b"iter_modules" not in data:
        return ()
    import ast

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    from claude_lint.link_star_loops import copied_modules  # a loop copying each module's names in

    out: List[str] = list(copied_modules(tree, path, MAX_STARS))
    for node in tree.body:  # module level only: a star import is refused anywhere else
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            out.append("." * (node.level or 0) + (node.module or ""))
    return tuple(out[:MAX_STARS])


MAX_PACKAGE_MODULES = 64  # modules of a package looked at for a class picked by name


def any_module(resolver, package: str, name: str, from_path: str, depth: int, method: Optional[str], bound: bool, limit: int) -> list:
    """A function of the module chosen at run time among a package's modules (`importlib.
    import_module(f"app.providers.{provider}").prompt`): each module of the package that
    defines it as a wrapper (the candidates the run may pick). name ANY_MODULE: a method of
    any class of the package (`getattr(module, class_name)(...)`), taken only when every class
    of the package's modules defining it makes its request there, and every other module of
    the package holds none of its own (no table: a base class's, which the others derive from).
    limit: the wrappers one call may reach."""
    import os

    from claude_lint.extract.wrapper_shapes import ANY_MODULE

    init = resolver.module_path(package, from_path)
    if init is not None and os.path.basename(init) == "__init__.py":
        folder = os.path.dirname(resolver._real(init))
        matches = lambda f: f == folder  # noqa: E731
    else:  # a namespace package: its folder by its dotted path
        folder, tail = None, os.sep + package.replace(".", os.sep)
        matches = lambda f: f.endswith(tail)  # noqa: E731
    out: list = []
    modules = [path for path in sorted(resolver._tables) if matches(os.path.dirname(path)) and os.path.basename(path) != "__init__.py"]
    if name != ANY_MODULE:
        for path in modules:
            out.extend(resolver._in_module(path, [name], None, depth + 1))
            if len(out) >= limit:
                break
        return out[:limit]
    if method is None or folder is None or not modules or not _all_known(resolver, folder, modules):
        return []
    for path in modules[:MAX_PACKAGE_MODULES]:
        for klass, info in resolver._index(path).classes.items():
            if "." in klass or method not in info.methods:
                continue
            found = resolver._method(path, klass, method, bound, False, depth + 1)
            if not found:
                return []  # a class the factory may pick whose method makes no request
            out.extend(found)
    return out[:limit]


def _all_known(resolver, folder: str, modules: List[str]) -> bool:
    """Every module of the package's folder has a table, or defines a base of a class of one."""
    import os

    try:
        names = sorted(os.listdir(folder))[:MAX_PACKAGE_MODULES * 2]
    except OSError:
        return False
    bases = {path for path, _ in resolver._subclass_index()}
    have = {os.path.basename(p) for p in modules}
    return all(n in have or os.path.join(folder, n) in bases for n in names if n.endswith(".py") and n != "__init__.py")
