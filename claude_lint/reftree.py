"""REF's tree for `report --diff-base`, read with the local git only (no network): its
merge base with HEAD, as for `check --diff-base`, is exported with `git archive` into the
user's cache folder (`$XDG_CACHE_HOME/claude-lint/trees/<tree id>`, or the platform's
cache folder), one folder per tree, the four most recently used kept. Only regular files
of at most 5 MB are written (the linter reads nothing larger), never outside that
folder, and the export stops at 256 MB or 200,000 files."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from typing import Optional

from claude_lint.diffbase import DiffBaseError, _git

MAX_FILE = 5_000_000
MAX_TOTAL = 256 << 20
MAX_FILES = 200_000
KEEP_TREES = 4


def cache_home() -> str:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if sys.platform == "darwin":
            base = os.path.join(home, "Library", "Caches")
        elif os.name == "nt":
            base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        else:
            base = os.path.join(home, ".cache")
    return os.path.join(base, "claude-lint")


@dataclass(frozen=True)
class Ref:
    name: str
    commit: str  # the commit compared with: REF's merge base with HEAD, else REF
    top: str  # the repository's top folder
    tree: str  # REF's files, exported


def resolve(ref: str, cwd: Optional[str] = None) -> Ref:
    cwd = cwd or os.getcwd()
    if not ref or ref.startswith("-"):  # would be read as an option of git
        raise DiffBaseError(f"--diff-base: `{ref}` is not a commit in this repository")
    try:
        top = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    except DiffBaseError as exc:
        raise DiffBaseError(f"--diff-base needs a git repository: {exc}") from None
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd).strip()
    except DiffBaseError:
        raise DiffBaseError(f"--diff-base: `{ref}` is not a commit in this repository") from None
    try:
        commit = _git(["merge-base", commit, "HEAD"], cwd).strip() or commit
    except DiffBaseError:
        pass  # unrelated histories, or no HEAD yet: REF itself
    tree_id = _git(["rev-parse", f"{commit}^{{tree}}"], cwd).strip()
    return Ref(ref, commit, top, export(top, commit, tree_id))


def _safe_name(name: str) -> Optional[str]:
    parts = name.replace("\\", "/").split("/")
    if name.startswith("/") or any(p in ("..",) for p in parts) or ":" in parts[0]:
        return None
    clean = [p for p in parts if p not in ("", ".")]
    return os.path.join(*clean) if clean else None


def export(top: str, commit: str, tree_id: str) -> str:
    trees = os.path.join(cache_home(), "trees")
    target = os.path.join(trees, tree_id)
    if os.path.isfile(os.path.join(target, ".claude-lint-tree")):
        os.utime(target)
        return target
    os.makedirs(trees, exist_ok=True)
    tmp = f"{target}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        _extract(top, commit, tmp)
        with open(os.path.join(tmp, ".claude-lint-tree"), "w", encoding="utf-8") as fh:
            fh.write(commit + "\n")
        try:
            os.rename(tmp, target)
        except OSError:  # another run exported the same tree meanwhile
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(trees, keep=target)
    return target


def _extract(top: str, commit: str, dest: str) -> None:
    try:
        proc = subprocess.Popen(["git", "archive", "--format=tar", commit], cwd=top, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise DiffBaseError("--diff-base needs git, which is not installed") from None
    total = files = 0
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                # Symlinks, devices and the like are left out: REF's tree is data, and a
                # link could lead out of the export.
                if not member.isfile() or member.size > MAX_FILE:
                    continue
                name = _safe_name(member.name)
                if name is None:
                    continue
                total += member.size
                files += 1
                if total > MAX_TOTAL or files > MAX_FILES:
                    raise DiffBaseError(f"--diff-base: the tree of {commit[:12]} is larger than {MAX_TOTAL >> 20} MB or {MAX_FILES:,} files; not exported")
                path = os.path.join(dest, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                src = tar.extractfile(member)
                if src is None:
                    continue
                with src, open(path, "wb") as out:
                    shutil.copyfileobj(src, out)
    except tarfile.TarError as exc:
        raise DiffBaseError(f"--diff-base: cannot read `git archive {commit[:12]}`: {exc}") from None
    finally:
        if proc.stdout is not None:
            proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace").strip() if proc.stderr is not None else ""
        code = proc.wait()
    if code != 0:
        raise DiffBaseError(f"git archive {commit[:12]}: {err.splitlines()[-1] if err else 'failed'}")


def _prune(trees: str, keep: str) -> None:
    entries = []
    for name in os.listdir(trees):
        path = os.path.join(trees, name)
        if ".tmp-" in name:
            try:
                if time.time() - os.stat(path).st_mtime > 3600:  # left by a run that was killed
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                pass
            continue
        try:
            entries.append((os.stat(path).st_mtime, path))
        except OSError:
            pass
    for _, path in sorted(entries, reverse=True)[KEEP_TREES:]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)
