"""The built catalogue, pickled in the user's cache folder (the folder of the facts
cache's key, see cache_seal.user_cache_folder) under a name that hashes what it was built
from: parsing models.toml was a third of a one-file run (pre-commit, on save). Only ever
read from that folder, which is the user's own, never from a project.

Each install (a project's venv, pre-commit's, an editor's) has its own catalogue there,
and the others' are kept, a few recent ones: deleting every other one made two installs
used in turn parse models.toml again at each start, each deleting the other's."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

FOLDER = "catalogue"
PREFILTER_FOLDER = "prefilter"  # the pre-filter's table, kept the same way (its own folder: pruned apart)
KEEP = 16  # catalogues in the folder, this one's included
KEEP_DAYS = 30  # one not rewritten for longer is removed when another is written


def path(raw: bytes, data: str, builder: str, folder: str = FOLDER) -> Optional[str]:
    """Where the catalogue built from `raw` (the bytes of `data`, models.toml) by the code
    in the file `builder` is kept (in `folder` of the user's cache folder), or None."""
    import sys

    from claude_lint.cache_seal import blake2b, user_cache_folder  # BLAKE2 without hashlib, which loads OpenSSL

    home = user_cache_folder()
    if home is None:
        return None
    try:
        with open(builder, "rb") as fh:  # the code that builds the objects: a change of it is a new catalogue
            code = fh.read()
    except OSError:
        return None
    key = blake2b(digest_size=16)
    for part in (raw, code, data.encode("utf-8", "surrogatepass"), sys.version.encode()):
        key.update(len(part).to_bytes(8, "little") + part)
    return os.path.join(home, folder, key.hexdigest() + ".pickle")


def read(where: str, kind: type) -> Optional[object]:
    """The catalogue kept at `where` if it is one (of the class `kind`), else None."""
    import gc

    try:  # the C unpickler itself: `pickle` adds the Python pickler, 4 M instructions of a one-file run's import
        from _pickle import load
    except ImportError:  # a Python without it
        from pickle import load

    collecting = gc.isenabled()
    gc.disable()  # the objects loaded live as long as the process: frozen, never looked at by the collector
    try:
        with open(where, "rb") as fh:
            found = load(fh)
    except Exception:  # absent, unreadable, truncated: parsed from the TOML again
        return None
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    return found if isinstance(found, kind) else None


def write(where: str, built: object) -> None:
    """Written whole under a temporary name, then renamed (`atomic.replace`): a run reading
    it at the same time sees the old file or the new one."""
    import pickle

    from claude_lint import atomic

    folder = os.path.dirname(where)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        atomic.replace(where, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL), prefix="." + os.path.basename(where) + ".", suffix=".tmp")
    except (OSError, pickle.PicklingError):  # a read-only home: the next run parses again
        return
    from claude_lint.startup import prune

    prune(folder, os.path.basename(where), ".pickle", KEEP, KEEP_DAYS)
