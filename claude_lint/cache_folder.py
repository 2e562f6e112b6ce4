"""The facts cache's folder, reached from the project root one component at a time and
never through a symlink, and written atomically (see cache.py for why)."""
from __future__ import annotations

import os
import stat
TYPE_CHECKING = False  # typing (a tenth of a replayed warm run, run_cache) is for the annotations alone
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

from claude_lint import safeio

MAX_CACHE_BYTES = 256_000_000
CACHE_DIR = ".claude-lint-cache"


def folder_for(settings) -> str:
    configured = getattr(settings, "cache_dir", None)
    return os.path.join(os.path.abspath(settings.root), configured or CACHE_DIR)


def from_command_line(settings) -> bool:
    """--cache-dir (the only cache folder allowed outside the project)."""
    return "cache_dir" in dict(getattr(settings, "cli", ()) or ())


_OWN_CODE: list = []


def own_code() -> str:
    """The version, the Python and a stamp of each of the package's own source files: what
    a cache written by other code must not be read by. Taken once per process: the code
    running is the code that was imported (a language server lints many times)."""
    if not _OWN_CODE:
        import sys

        from claude_lint import __version__

        here = os.path.dirname(os.path.abspath(__file__))
        parts = [__version__, sys.version]
        skip = len(here) + 1  # the path below the package (relpath's answer, without its splits: every run takes this)
        # One pass over each folder's entries: os.walk's lists of names, joined again into
        # paths, cost a replayed warm run (which takes this at every start) more than the stats.
        folders = [here]
        while folders:
            with os.scandir(folders.pop()) as listing:
                entries = sorted(listing, key=_name)
            for entry in entries:
                if entry.name.endswith((".py", ".toml")):
                    st = entry.stat()
                    parts.append(f"{entry.path[skip:]}:{st.st_size}:{st.st_mtime_ns}")
                elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):  # as os.walk
                    folders.append(entry.path)
        _OWN_CODE.append("\n".join(parts))
    return _OWN_CODE[0]


def _name(entry) -> str:
    return entry.name


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_AT = all(f in os.supports_dir_fd for f in (os.open, os.mkdir, os.unlink, os.rename, os.stat))


def open_folder(root: str, folder: str, confined: bool, create: bool) -> Optional[int]:
    """A descriptor of the cache folder, or None. `confined`: `folder` must be inside
    `root` and is reached from it one name at a time, each opened with O_NOFOLLOW."""
    if not confined:
        try:
            if create:
                os.makedirs(folder, exist_ok=True)
            return os.open(folder, _DIR_FLAGS)
        except OSError:
            return None
    rel = os.path.relpath(os.path.normpath(folder), os.path.normpath(root))
    parts = [p for p in rel.split(os.sep) if p not in ("", os.curdir)]
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel) or not parts:
        return None
    if not _AT:  # no *at() calls (Windows): test every component, then use paths
        probe = root
        for part in parts:
            probe = os.path.join(probe, part)
            if os.path.islink(probe) or (os.path.lexists(probe) and not os.path.isdir(probe)):
                return None
            if not os.path.lexists(probe):
                if not create:
                    return None
                try:
                    os.mkdir(probe)
                except OSError:
                    return None
        return -1
    try:
        fd = os.open(root, _DIR_FLAGS)
    except OSError:
        return None
    try:
        for part in parts:
            try:
                nxt = os.open(part, _DIR_FLAGS | getattr(os, "O_NOFOLLOW", 0), dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                os.mkdir(part, 0o777, dir_fd=fd)
                nxt = os.open(part, _DIR_FLAGS | getattr(os, "O_NOFOLLOW", 0), dir_fd=fd)
            os.close(fd)
            fd = nxt
    except OSError:  # a symlink (ELOOP), a file where a folder should be, no permission
        os.close(fd)
        return None
    return fd


_TEMP_PREFIX = ".tmp-"


class Folder:
    """File operations inside an opened cache folder: by descriptor where the platform
    has the *at() calls, so that nothing swapped in later redirects them."""

    def __init__(self, path: str, fd: int):
        self.path = path
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)

    def _at(self, name: str) -> Tuple[str, Dict[str, int]]:
        if self.fd >= 0:
            return name, {"dir_fd": self.fd}
        return os.path.join(self.path, name), {}

    def read(self, name: str) -> bytes:
        path, kw = self._at(name)
        return safeio.read_regular(path, MAX_CACHE_BYTES, follow=False, **kw)

    def exists(self, name: str) -> bool:
        path, kw = self._at(name)
        try:
            os.stat(path, follow_symlinks=False, **kw)
            return True
        except OSError:
            return False

    def remove_stale_temps(self) -> None:
        """Temp files of a run killed while saving: ours, regular, a minute old at least."""
        import time

        try:
            names = os.listdir(self.fd if self.fd >= 0 else self.path)
        except (OSError, TypeError):
            return
        for name in names:
            if not name.startswith(_TEMP_PREFIX):
                continue
            path, kw = self._at(name)
            try:
                st = os.stat(path, follow_symlinks=False, **kw)
                if stat.S_ISREG(st.st_mode) and time.time() - st.st_mtime > 60 and (not hasattr(os, "geteuid") or st.st_uid == os.geteuid()):
                    os.unlink(path, **kw)
            except OSError:
                continue

    def write(self, name: str, data: bytes) -> None:
        """Atomically: a new temp file (never an existing name, never through a link),
        fsync, rename over `name`."""
        tmp = f"{_TEMP_PREFIX}{os.getpid()}-{os.urandom(6).hex()}"
        tmp_path, kw = self._at(tmp)
        fd = os.open(tmp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0), 0o600, **kw)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if self.fd >= 0:
                os.replace(tmp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            else:
                os.replace(tmp_path, os.path.join(self.path, name))
        except BaseException:
            try:
                os.unlink(tmp_path, **kw)
            except OSError:
                pass
            raise
