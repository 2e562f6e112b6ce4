"""`--diff-base REV`: keep only findings on lines changed since a git revision, so a pull
request is judged on what it changes. Uses the local `git` (no network): the lines added
or modified between the merge base of REV and HEAD and the working tree, plus every line
of untracked files that are not ignored.
"""
from __future__ import annotations

import os
import re
import subprocess
from typing import Dict, List, Optional, Sequence, Set

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class DiffBaseError(Exception):
    pass


def _git(args: Sequence[str], cwd: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60)
    except FileNotFoundError as exc:
        raise DiffBaseError("--diff-base needs git, which is not installed") from exc
    except subprocess.TimeoutExpired as exc:
        raise DiffBaseError(f"git {' '.join(args)} took longer than 60 s") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffBaseError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout.decode("utf-8", "surrogateescape")


def _unquote(path: str) -> str:
    """git quotes paths with unusual characters C-style ("a\\tb", octal UTF-8 bytes)."""
    if not (path.startswith('"') and path.endswith('"')):
        return path
    raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8", "surrogateescape")


def parse(diff: str, top: str) -> Dict[str, Set[int]]:
    """Absolute path -> the line numbers (in the new file) that the diff adds or changes."""
    changed: Dict[str, Set[int]] = {}
    current: Optional[Set[int]] = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = _unquote(line[4:].rstrip("\t"))
            if target == "/dev/null":
                current = None
                continue
            if target.startswith("b/"):
                target = target[2:]
            current = changed.setdefault(os.path.realpath(os.path.join(top, target)), set())
            continue
        match = HUNK.match(line)
        if match and current is not None:
            start, count = int(match.group(1)), int(match.group(2) or "1")
            current.update(range(start, start + count))
    return changed


def changed_lines(rev: str, cwd: Optional[str] = None) -> Dict[str, Set[int]]:
    cwd = cwd or os.getcwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd).strip()
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    except DiffBaseError as exc:
        raise DiffBaseError(f"--diff-base: `{rev}` is not a commit in this repository") from exc
    try:
        base = _git(["merge-base", rev, "HEAD"], cwd).strip() or rev
    except DiffBaseError:
        base = rev  # unrelated histories, or no HEAD yet: diff against REV itself
    diff = _git(["-c", "core.quotePath=false", "diff", "-U0", "--no-color", "--no-ext-diff", base, "--"], cwd)
    changed = parse(diff, top)
    untracked = _git(["-c", "core.quotePath=false", "ls-files", "--others", "--exclude-standard", "-z"], top)
    for rel in filter(None, untracked.split("\0")):
        changed[os.path.realpath(os.path.join(top, rel))] = ALL_LINES
    return changed


class _All(frozenset):
    def __contains__(self, item) -> bool:  # every line of a new file is new
        return True


ALL_LINES = _All()


def keep(diagnostics: List, changed: Dict[str, Set[int]]) -> List:
    out = []
    for d in diagnostics:
        lines = changed.get(os.path.realpath(d.loc.path))
        if lines is not None and any(row in lines for row in range(d.loc.row, max(d.loc.end_row, d.loc.row) + 1)):
            out.append(d)
    return out
