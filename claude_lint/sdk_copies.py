"""Which files of a project are a copy of an SDK's own package (a vendored `litellm/`, a
checkout of `langchain_openai` beside the project's code). The second phase takes no
wrapper from them (the SDK tables model an SDK's entry points, and its internal calls are
not the project's requests), and does not ask them whether they call the project's
wrappers: an SDK's code does not import the project that uses it. (On the bench's heavy
corpus, a copy of litellm and of the LangChain packages, that question read and searched
3,180 files of 3,378 each round, a sixth of a cold run's wall time.)"""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict

# The folders a package is vendored in, and a release's files beside its `__init__.py`.
_VENDORING = frozenset(("_vendor", "vendor", "vendored", "third_party", "site-packages", "dist-packages"))
_RELEASE_MARKERS = ("_version.py", "version.py", "py.typed")
_MAX_DEPTH = 64


class SdkCopies:
    """`holds(abspath)`, answered once per folder (a project's files share few folders)."""

    def __init__(self, root: str):
        from claude_lint.extract import sdk

        self.root = root
        self.names = frozenset(module.split(".")[0] for module in sdk.SDK_MODULES)
        self.folders: Dict[str, bool] = {}

    def holds(self, abspath: str) -> bool:
        """Is the file part of a copy of an SDK's package: a folder above it, below the
        root, that is a package (it holds `__init__.py`) named as an SDK module, and is a
        copy of the SDK: it holds a file every release of the SDKs ships beside
        `__init__.py` (`_version.py`, `py.typed`), or sits in a vendoring folder (`_vendor/`)
        or at the top of the project? A project's own subpackage so named
        (`app/providers/anthropic/`, a namespace package's too) is its code, whose requests count."""
        return self._folder(os.path.dirname(abspath))

    def _folder(self, folder: str) -> bool:
        climbed = []
        found = False
        for _ in range(_MAX_DEPTH):
            known = self.folders.get(folder)
            if known is not None:
                found = known
                break
            root = self.root
            parent = os.path.dirname(folder)
            if len(folder) <= len(root) or not folder.startswith(root) or parent == folder:
                break
            climbed.append(folder)
            if self._copy(folder, parent):
                found = True
                break
            folder = parent
        for seen in climbed:
            self.folders[seen] = found  # (a folder below a copy is in it; one above, where found, is not looked at)
        return found

    def _copy(self, folder: str, parent: str) -> bool:
        if os.path.basename(folder) not in self.names or not os.path.isfile(os.path.join(folder, "__init__.py")):
            return False
        if parent == self.root or os.path.basename(parent) in _VENDORING:
            return True
        return any(os.path.isfile(os.path.join(folder, marker)) for marker in _RELEASE_MARKERS)


# The files the second phase asks whether they call a wrapper (gather's `readable`).
ASKED_KINDS = ("python", "notebook")


def asked(linter, sources):
    """The sources the second phase asks, in order: Python files and notebooks, not in an
    SDK's copy (the answers by folder kept with the linter, for each round and the pool's helpers)."""
    copies = linter.sdk_copies
    if copies is None:
        copies = linter.sdk_copies = SdkCopies(linter.root)
    return [s for s in sources if s.kind in ASKED_KINDS and not copies.holds(s.abspath)]
