"""A package's `__init__.py` that copies its modules' public names into itself at import time:

    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for attr in dir(module):
            if not attr.startswith("_"):
                globals()[attr] = getattr(module, attr)

binds what `from .name import *` of each module would (`pkg.ask` is `pkg/name.py`'s `ask`), so
link reads it as those star imports (`link_stars`). Read from the syntax alone: the folder's
module files are listed, never imported."""
from __future__ import annotations

import ast
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Tuple

MAX_LISTED = 256  # names of a package's folder looked at


def copied_modules(tree: ast.Module, path: str, limit: int) -> Tuple[str, ...]:
    """The package's modules (relative dotted names, in the order pkgutil lists them: by file
    name) when its `__init__.py` at path copies their names into itself; () otherwise."""
    if os.path.basename(path) != "__init__.py" or not any(_copies(node) for node in tree.body):
        return ()
    try:
        names = sorted(os.listdir(os.path.dirname(path)))[:MAX_LISTED]
    except OSError:
        return ()
    # pkgutil lists a module file once by its stem; a folder (a subpackage) is left out, as the
    # loop of the shape above skips `info.ispkg` (its names would be its own `__init__.py`'s)
    stems = [n[:-3] for n in names if n.endswith(".py") and n != "__init__.py" and n[:-3].isidentifier()]
    return tuple("." + stem for stem in stems[:limit])


def _copies(node: ast.stmt) -> bool:
    """A module-level loop over `pkgutil.iter_modules(...)` that imports each module and writes
    `globals()` (an item set, or `globals().update(...)`)."""
    if not (isinstance(node, ast.For) and isinstance(node.iter, ast.Call) and _name(node.iter.func) == "iter_modules"):
        return False
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
    return any(_name(c.func) == "import_module" for c in calls) and any(_name(c.func) == "globals" for c in calls)


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
