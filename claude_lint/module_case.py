"""A module imported with other letter cases than its file (`from Concurrency import
Concurrency` for concurrency.py): it imports on the case-insensitive file systems of macOS
and Windows, where such code is written and run. Link takes the file when exactly one
matches with the cases folded (`link_values._module_path`, after the exact search failed);
two that differ only by case leave the import unresolved."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, List, Optional, Sequence

MAX_LISTED = 4096  # folders whose listing one project keeps


def _entries(folder: str, listed: "Dict[str, Dict[str, List[str]]]") -> "Dict[str, List[str]]":
    """The folder's entries by folded name, each folder listed once a project (a failed exact
    search is every third-party import, asked from each folder up to the root)."""
    found = listed.get(folder)
    if found is None:
        if len(listed) >= MAX_LISTED:
            listed.clear()
        found = {}
        try:
            names = [] if _too_wide(folder) else os.listdir(folder)
        except OSError:
            names = []
        for name in names:
            found.setdefault(name.casefold(), []).append(name)
        listed[folder] = found
    return found


def _too_wide(folder: str) -> bool:
    """A filesystem root, the home folder or a folder above it (a project rooted at `/`, a
    buffer with no project): never listed, as the language server never walks them."""
    probe = os.path.abspath(folder)
    home = os.path.abspath(os.path.expanduser("~"))
    return os.path.dirname(probe) == probe or home == probe or home.startswith(probe.rstrip(os.sep) + os.sep)


def _folded(base: str, parts: "Sequence[str]", listed: dict) -> "List[str]":
    """The files `parts` names under base, each part matched with its cases folded."""
    folders = [base]
    for part in parts[:-1]:
        folders = [os.path.join(f, n) for f in folders for n in _entries(f, listed).get(part.casefold(), ()) if os.path.isdir(os.path.join(f, n))]
    last = parts[-1].casefold()
    found = []
    for folder in folders:
        entries = _entries(folder, listed)
        found += [os.path.join(folder, n) for n in entries.get(last + ".py", ()) if os.path.isfile(os.path.join(folder, n))]
        found += [os.path.join(folder, n, "__init__.py") for n in entries.get(last, ()) if os.path.isfile(os.path.join(folder, n, "__init__.py"))]
    return found


def unique_file(bases: "Sequence[str]", parts: "Sequence[str]", inside: "Callable[[str], bool]", listed: dict) -> "Optional[str]":
    """The one file of the project a dotted module's parts name with their cases folded,
    searched under each base; None when none or several do. listed: the project's folder
    listings (see _entries)."""
    if not parts:
        return None
    found = {path for base in bases for path in _folded(base, parts, listed) if inside(path)}
    return found.pop() if len(found) == 1 else None
