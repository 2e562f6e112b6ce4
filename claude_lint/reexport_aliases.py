"""A package's `__init__.py` that re-exports a wrapper under another name
(`from .reflection_agent import Reflection_Agent as ReflectionAgent`): the second phase asks
for that name too, since a file importing it from the package never spells the first. Link
already follows the re-export (`link_names._imported`)."""
from __future__ import annotations

import os
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

MAX_INIT_BYTES = 64 * 1024  # a package's `__init__.py` larger than this is not read for aliases


class Aliases:
    """The aliases a folder's `__init__.py` gives to the names of its modules, read once per folder."""

    def __init__(self) -> None:
        self._by_folder: Dict[str, Dict[Tuple[str, str], str]] = {}

    def of(self, abspath: str, name: str) -> Optional[Tuple[str, str]]:
        """(alias, the `__init__.py` giving it) for a module-level name of the file at abspath, or None."""
        folder, module = os.path.split(abspath)
        table = self._by_folder.get(folder)
        if table is None:
            table = self._by_folder[folder] = _read(os.path.join(folder, "__init__.py"))
        alias = table.get((os.path.splitext(module)[0], name))
        return (alias, os.path.join(folder, "__init__.py")) if alias is not None else None


def _read(init: str) -> Dict[Tuple[str, str], str]:
    """(module stem, name) -> alias, for `from .stem import name as alias` at its module level."""
    from claude_lint.safeio import read_regular

    try:
        data = read_regular(init, MAX_INIT_BYTES)  # a FIFO or a device named `__init__.py` is refused, never waited on
    except OSError:
        return {}
    if b" as " not in data:
        return {}
    import ast

    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    out: Dict[Tuple[str, str], str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module and "." not in node.module:
            for alias in node.names:
                if alias.asname and alias.asname != alias.name:
                    out[(node.module, alias.name)] = alias.asname
    return out
