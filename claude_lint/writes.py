"""Writing a file we fix or comment (--fix, --add-noqa) without ever leaving it half
written, handing it to someone else, or writing outside the project:

- only regular files inside the project root (after following symlinks) that we may
  write: not read-only, and with an owner and group we can give back (`writable`);
- atomically: a temp file in the same folder, fsync, rename over the original, keeping
  its mode and owner; a file that changed on disk since it was read is not overwritten;
- a temp file left by a killed run is removed by the next run (`remove_stale_temps`).
"""
from __future__ import annotations

import os
import re
import stat
from typing import List, Optional, Sequence, Tuple

from claude_lint import atomic
from claude_lint.discover import SourceFile


def write_atomic(path: str, data: bytes, expected: bytes) -> None:
    """Replace `path`'s contents with `data` unless they are no longer `expected`.

    The new file gets the old one's mode, owner and group; if the owner or the group
    cannot be given back (only root may give a file away), nothing is replaced."""
    st = os.stat(path)
    folder = os.path.dirname(path) or "."

    def keep_mode_and_check(tmp: str) -> None:
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            now = os.stat(tmp)
            if (now.st_uid, now.st_gid) != (st.st_uid, st.st_gid):
                os.chown(tmp, st.st_uid, st.st_gid)  # PermissionError: the file is left as it was
                os.chmod(tmp, stat.S_IMODE(st.st_mode))  # chown may drop set-id bits
        with open(path, "rb") as fh:
            if fh.read(len(expected) + 1) != expected:
                raise ChangedOnDisk(path)

    atomic.replace(path, data, prefix="." + os.path.basename(path) + ".", suffix=TEMP_SUFFIX, before_rename=keep_mode_and_check)
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


class ChangedOnDisk(Exception):
    pass


TEMP_SUFFIX = ".claude-lint-tmp"
# mkstemp's names: the prefix, 8 characters of [a-z0-9_], the suffix.
_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
STALE_SECONDS = 60.0


def remove_stale_temps(folder: str) -> List[str]:
    """Remove the temp files a killed `--fix` left in `folder` (`.NAME.XXXXXXXX.claude-lint-tmp`
    next to an existing NAME); return their names. Only our own regular files, a minute
    old at least: a run fixing the same file right now keeps its temp file."""
    import time

    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    present = set(names)
    now = time.time()
    for name in names:
        m = _TEMP.match(name)
        if m is None or m.group("name") not in present:
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < STALE_SECONDS:
                continue
            if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
                continue
            os.unlink(path)
            removed.append(name)
        except OSError:
            continue
    return removed


def _inside(path: str, folder: str) -> bool:
    folder = folder.rstrip(os.sep)
    return path == folder or path.startswith(folder + os.sep)


def run_root() -> str:
    """The project --fix may write in: the one holding the working directory (where
    pre-commit, CI and editors run us), whatever paths it was given."""
    from claude_lint.config import find_root

    return os.path.realpath(find_root(os.getcwd()))


def writable(source: SourceFile, root: str, project: Optional[str] = None, kinds: Sequence[str] = ("python", "notebook")) -> Tuple[Optional[str], str]:
    """(the real file to write for a source, "") or (None, why it must not be written).

    Written only: a source of one of `kinds` (Python and notebooks; --add-noqa also
    writes comments in YAML, TOML and prompt files); a regular file; inside the project
    root of its settings and inside `project` (default: `run_root()`), after following
    symlinks; not read-only; one whose owner and group we can keep."""
    if source.kind not in kinds:
        return None, f"{source.kind} files are not rewritten"
    real = os.path.realpath(source.abspath)
    project = run_root() if project is None else project
    for folder in (os.path.realpath(root), project):
        if not _inside(real, folder):
            return None, f"outside the project root ({folder})"
    try:
        st = os.stat(real)
    except OSError as exc:
        return None, f"cannot read ({exc.strerror or exc})"
    if not stat.S_ISREG(st.st_mode):
        return None, "not a regular file"
    if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
        return None, "read-only"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if st.st_uid != os.geteuid():
            return None, "owned by another user, who would lose it to us"
        if st.st_gid != os.getegid() and st.st_gid not in os.getgroups():
            return None, "its group is not one of ours and could not be kept"
    return real, ""


def target(source: SourceFile, root: str) -> Optional[str]:
    """The real file to write for a source, or None when it must not be written."""
    return writable(source, root)[0]
