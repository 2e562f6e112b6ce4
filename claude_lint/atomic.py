"""Replace a file's contents so that a reader (or a crash) sees the old bytes or the new, never a mix."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Optional


def replace(path: str, data: bytes, *, prefix: str, suffix: str = "", before_rename: Optional[Callable[[str], None]] = None) -> None:
    """Write `data` to a temp file in `path`'s folder, fsync it, run `before_rename(temp)`,
    then rename it over `path`. The temp file is removed if anything fails."""
    import tempfile  # here: most runs write nothing (a cache with no change is not saved)

    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=os.path.dirname(path) or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if before_rename is not None:
            before_rename(tmp)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
