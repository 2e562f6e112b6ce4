"""Reads a hostile repository cannot turn into a hang or a memory blow-up.

Any name in a repository may be a FIFO (an open or a read blocks until a writer comes),
a device (`x.yaml -> /dev/zero` never ends, `-> /dev/tty` waits for a key) or a file far
larger than anything we lint. So every read of the project's files goes through
`read_regular`: open without blocking, then ask the opened descriptor (not the name,
which can be swapped between a test and the open) whether it is a regular file, and
read no more than a cap.
"""
from __future__ import annotations

import os
import stat
TYPE_CHECKING = False  # typing is for the annotations alone (its import is a tenth of a replayed warm run)
if TYPE_CHECKING:
    from typing import Optional, Tuple

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotRegular(OSError):
    """A pipe, socket, device or folder where a file was expected."""

    def __init__(self, path: str):
        super().__init__(f"not a regular file (a pipe, socket or device): {path}")
        self.strerror = "not a regular file (a pipe, socket or device)"
        self.filename = path


class TooLarge(OSError):
    def __init__(self, path: str, limit: int):
        super().__init__(f"larger than {limit} bytes: {path}")
        self.strerror = f"larger than {limit:,} bytes"
        self.filename = path
        self.limit = limit


def open_regular(path: str, *, follow: bool = True, dir_fd: Optional[int] = None) -> int:
    """A read-only descriptor of `path`, which must be a regular file (NotRegular otherwise).

    follow=False: a symlink as the last component is refused (ELOOP) instead of followed.
    """
    return _open_regular(path, follow, dir_fd)[0]


def _open_regular(path: str, follow: bool, dir_fd: Optional[int]) -> Tuple[int, int]:
    """open_regular's descriptor, and the file's size its check read."""
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY | (0 if follow else _NOFOLLOW)
    fd = os.open(path, flags, dir_fd=dir_fd) if dir_fd is not None else os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular(path)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def read_fd(fd: int, limit: int, path: str = "", head: bool = False, size: Optional[int] = None) -> bytes:
    """At most `limit` bytes of an open regular file; more is TooLarge unless `head`.
    size: the file's size when the caller has just taken it (one fstat less per file read)."""
    if size is None:
        size = os.fstat(fd).st_size
    if size > limit and not head:
        raise TooLarge(path, limit)
    chunks = []
    left = limit + (0 if head else 1)  # one more than allowed: a file that grew is caught
    # The first read asks for the size the stat gave and one byte more (os.read allocates
    # what it is asked for: a 1 MB buffer per small file cost more than reading it); what
    # comes after (the end, or bytes the file grew by) in small reads.
    ask = min(left, size + 1)
    while left > 0:
        chunk = os.read(fd, ask)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
        if len(chunk) < ask:
            break  # a regular file reads short only at its end: no read more to hear it (a syscall a file)
        ask = min(left, 1 << 16)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(path, limit)
    return data


def read_regular(path: str, limit: int, *, head: bool = False, follow: bool = True, dir_fd: Optional[int] = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (TooLarge if it is larger).

    head=True: the first `limit` bytes, whatever the file's size (to sniff a format).
    Raises OSError (NotRegular, TooLarge, or the system's) when the file cannot be read.
    """
    fd, size = _open_regular(path, follow, dir_fd)
    try:
        return read_fd(fd, limit, path, head, size)
    finally:
        os.close(fd)


def stat_stamp(st: os.stat_result) -> tuple:
    """What changes when a folder gains, loses or renames an entry, or a file is written."""
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def stamp(path: str) -> Optional[tuple]:
    """`stat_stamp` of a path; None when there is nothing there (or the path cannot be one)."""
    try:
        return stat_stamp(os.stat(path))
    except (OSError, ValueError):
        return None
