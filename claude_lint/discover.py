"""Paths to SourceFiles: walks folders, honours .gitignore (with pathspec, which
implements git's matching rules exactly), exclude and extend-exclude. A file named
on the command line is linted even when excluded, unless force-exclude is set.
"""
from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import pathspec

from claude_lint.config import Settings

# suffix -> kind. Other extractors register their suffixes here.
SUFFIX_KINDS: Dict[str, str] = {".py": "python"}
SUFFIX_KINDS.update({
    ".ipynb": "notebook",
    ".prompty": "prompt", ".prompt": "prompt",
    ".yaml": "config", ".yml": "config", ".json": "config", ".toml": "config",
    ".jsonl": "batch",
    ".md": "text", ".markdown": "text",  # accepted (pre-commit passes them) and skipped unread
})


@dataclass(frozen=True)
class SourceFile:
    path: str  # as shown to the user
    abspath: str
    kind: str
    explicit: bool = False


def kind_of(path: str) -> Optional[str]:
    _, suffix = os.path.splitext(path)
    return SUFFIX_KINDS.get(suffix.lower())


def _excluded(rel: str, name: str, patterns: Sequence[str]) -> bool:
    for pat in patterns:
        pat = pat.rstrip("/")
        if fnmatch.fnmatch(name, pat) or fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel, pat + "/*"):
            return True
    return False


class _GitIgnores:
    """The .gitignore files from the root down to each folder walked."""

    def __init__(self, root: str, enabled: bool):
        self.root = root
        self.enabled = enabled
        self.specs: Dict[str, Optional[pathspec.PathSpec]] = {}

    def _spec(self, folder: str) -> Optional[pathspec.PathSpec]:
        if folder not in self.specs:
            spec = None
            path = os.path.join(folder, ".gitignore")
            if os.path.isfile(path):
                try:
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        spec = pathspec.GitIgnoreSpec.from_lines(fh)
                except OSError:
                    spec = None
            self.specs[folder] = spec
        return self.specs[folder]

    def ignored(self, abspath: str, is_dir: bool) -> bool:
        if not self.enabled:
            return False
        folder = os.path.dirname(abspath)
        while True:
            spec = self._spec(folder)
            if spec is not None:
                rel = os.path.relpath(abspath, folder).replace(os.sep, "/")
                if spec.match_file(rel + ("/" if is_dir else "")):
                    return True
            if folder == self.root or not folder.startswith(self.root):
                return False
            parent = os.path.dirname(folder)
            if parent == folder:
                return False
            folder = parent


def display(abspath: str) -> str:
    try:
        rel = os.path.relpath(abspath)
    except ValueError:
        return abspath
    return abspath if rel.startswith("..") else rel


def discover(paths: Sequence[str], settings: Settings) -> Tuple[List[SourceFile], List[str]]:
    """The files to lint, and the paths given that do not exist."""
    root = os.path.abspath(settings.root)
    patterns = tuple(settings.exclude) + tuple(settings.extend_exclude)
    git = _GitIgnores(root, settings.respect_gitignore)
    files: Dict[str, SourceFile] = {}
    missing = []

    def rel_of(abspath: str) -> str:
        rel = os.path.relpath(abspath, root)
        return abspath if rel.startswith("..") else rel.replace(os.sep, "/")

    def skip(abspath: str, is_dir: bool) -> bool:
        return _excluded(rel_of(abspath), os.path.basename(abspath), patterns) or git.ignored(abspath, is_dir)

    for given in paths:
        abspath = os.path.abspath(given)
        if os.path.isfile(abspath):
            kind = kind_of(abspath) or "python"
            if settings.force_exclude and skip(abspath, False):
                continue
            files.setdefault(abspath, SourceFile(display(abspath), abspath, kind, explicit=True))
            continue
        if not os.path.isdir(abspath):
            missing.append(given)
            continue
        for sf in _walk(abspath, skip):
            files.setdefault(sf.abspath, sf)
    return sorted(files.values(), key=lambda f: f.path), missing


def _walk(top: str, skip) -> Iterator[SourceFile]:
    seen = set()
    for folder, dirs, names in os.walk(top, followlinks=False):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not skip(os.path.join(folder, d), True))
        for name in sorted(names):
            path = os.path.join(folder, name)
            kind = kind_of(name)
            if kind is None or skip(path, False):
                continue
            yield SourceFile(display(path), path, kind)
