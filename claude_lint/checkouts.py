"""A folder of many unrelated projects linted as one (a folder of checkouts): which
project each file belongs to, so that the second phase's joins by name (a class's
wrapper methods inherited by every same-named base, a Protocol's implementations) stay
within one of them. Joined across hundreds of applications, every `Agent`, `Tool` or
pydantic-derived class took the wrapper methods of all the others' and each round
asked more of every file: the real-world corpus as one project grew with the square
of its size in time and memory.

Only when the root is no project itself (none of its markers) and at least two folders
under it are; then every folder under it is one (a checkout's copy may lack its markers:
the real-world corpus keeps only its source). A project's own top folders (`app/`,
`tests/`, a `backend/` with its own requirements beside the root's `pyproject.toml`)
import one another and stay one scope."""
from __future__ import annotations

import os
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List, Optional

from claude_lint.config import PACKAGE_MARKERS

# What marks a folder as a project's root (a checkout of its own): a package's markers, or
# what an application that is no package keeps at its root.
MARKERS = (*PACKAGE_MARKERS, "requirements.txt", ".git")


def _is_project(folder: str) -> bool:
    return any(os.path.exists(os.path.join(folder, marker)) for marker in MARKERS)


class Checkouts:
    """scope(abspath): the top folder of the checkout holding a file, or None (one scope
    for all) when the root is not a folder of several checkouts or the file is in the root."""

    def __init__(self, root: str):
        self.root = root.rstrip(os.sep) + os.sep
        self._tops: Dict[str, bool] = {}
        self._many: Optional[bool] = None

    def _top_is_project(self, top: str) -> bool:
        found = self._tops.get(top)
        if found is None:
            found = self._tops[top] = _is_project(self.root + top)
        return found

    def _several(self) -> bool:
        if self._many is None:
            self._many = False
            if not _is_project(self.root):
                try:
                    names: List[str] = sorted(e.name for e in os.scandir(self.root) if e.is_dir(follow_symlinks=False))
                except OSError:
                    names = []
                count = 0
                for name in names:
                    if self._top_is_project(name):
                        count += 1
                        if count >= 2:
                            self._many = True
                            break
        return self._many

    def scope(self, abspath: str) -> Optional[str]:
        if not abspath.startswith(self.root):
            return None
        top, sep, _ = abspath[len(self.root):].partition(os.sep)
        if not sep or not self._several():
            return None
        return top
