"""A whole `check` run's output, replayed while nothing the run read has changed.

A warm run's facts come from the facts cache, but it still links the project and runs
every rule: most of its time. When the same command runs again in the same folder over
the same files, its output is the same, so the output (standard output, the verbose
lines on standard error, the exit code) is kept beside the facts cache with the list of
everything the run read, and the next run replays it after one stat of each.

What the run read, each with its stamp (`stamp`: mtime, ctime, size, inode; a path
that did not exist is stamped None and must still not exist):
- every folder the walk listed (an entry added, removed or renamed changes its stamp),
  every folder above the paths given and above the working folder (a config or project
  marker that appears there), and the `.gitignore` and config files in them;
- every file linted, every other module and prompt file the linker read, the config
  files and the models file of the settings;
- the folders of `sys.path` (installing or removing a dependency changes one).
The key of the kept output covers the rest: the code of claude-lint (`own_code`), today's
date (CL007 judges retirement dates against it), the working folder, every option of
the command line and the settings. A stamp taken before the run must equal the one taken
after it, or nothing is kept (a file written while the run read it).

Not seen: a module or prompt file the code names in a folder the walk does not enter
(an excluded or ignored folder, outside the project) that appears after the run while
nothing walked changes. Files named one by one are linted without a walk, so such runs
are never kept.

Not kept or replayed: --fix, --diff, --add-noqa, standard input, --diff-base (git
state), --no-cache, files named one by one, a run with internal errors or missing paths,
a run that began within RACY_NS of a write to something it read. Limits: at most
MAX_PATHS paths and MAX_OUTPUT characters per run, at most KEEP kept runs per cache
folder (the oldest go). Written like the facts cache: sealed with the user's key,
atomically, into the cache folder only (`cache_folder`).
"""
from __future__ import annotations

import marshal
import os
import struct
import sys
import time
TYPE_CHECKING = False  # typing (a tenth of a replayed warm run, run_cache) is for the annotations alone
if TYPE_CHECKING:
    from typing import Dict, Iterable, List, Optional, Tuple

from claude_lint.cache_folder import Folder, folder_for, from_command_line, open_folder, own_code
from claude_lint.cache_seal import blake2b, seal, secret, unseal
from claude_lint.config import ROOT_MARKERS, WATCHED_FILES
from claude_lint.safeio import stamp

FORMAT = 2  # 2: paths kept as bytes, relative to the working folder inside it
PREFIX = "run-"
MAX_PATHS = 300_000
MAX_OUTPUT = 32_000_000
KEEP = 8
# A file system stamps mtimes from a coarse clock (a few ms on Linux, 2 s on FAT): a file
# written this close before a run may be written again, unseen, with the same stamp (git's
# "racily clean" entries). Such a run is not kept; the next one is.
RACY_NS = 2_000_000_000
# Above the paths: the files discover stamps in the folders it walks, and the project
# markers, whose presence alone counts.
MARKERS = WATCHED_FILES + tuple(m for m in ROOT_MARKERS if m not in WATCHED_FILES)

if TYPE_CHECKING:
    Stamp = Optional[Tuple[int, ...]]
    Replay = Tuple[str, str, int]  # standard output, standard error, exit code
PRESENT: Stamp = (0,)  # a project marker that is there, whatever its contents
LATER: Stamp = ()  # read by the run, stamped only after it


def _stamps(paths: Iterable[bytes], present: Iterable[bytes] = ()) -> bytes:
    """The stamps of `paths`, then of `present` (project markers), as one string of bytes:
    a kept run holds thousands, and a list of tuples of large integers took longer to
    unmarshal than the stats took. Paths as bytes, relative to the working folder when
    inside it (`_stored`): a str path is encoded again at every stat, and a long one is
    looked up again one folder at a time by the system."""
    # A replay is this loop, one stat of each path of a large project (6,000 on Django):
    # `struct` packs the four numbers in one call, where `array.extend` parsed each number
    # as a call argument (a quarter of the replay).
    found = []
    add = found.append
    st_of = os.stat
    pack = _PACK
    for path in paths:
        try:
            st = st_of(path)
        except (OSError, ValueError):
            add(_ABSENT)
            continue
        add(pack(st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino))
    for path in present:
        add(_THERE if os.path.lexists(path) else _ABSENT)
    return b"".join(found)


_PACK = struct.Struct("=4q").pack  # each stamp as array("q") holds it: native order, 8 bytes a number
_ABSENT = _PACK(-1, -1, -1, -1)
_THERE = _PACK(-2, -2, -2, -2)


def _packed(stamp: Stamp) -> bytes:
    return _ABSENT if stamp is None else _THERE if stamp == PRESENT else _PACK(*stamp)  # type: ignore[misc]


def _stored(paths: List[str]) -> List[bytes]:
    """Paths as a replay stats them: bytes, and relative to the working folder when inside
    it (the kept run's key holds the working folder, so a replay runs from the same one)."""
    inside = os.path.join(os.getcwd(), "")
    cut = len(inside)
    return [os.fsencode(p[cut:] if p.startswith(inside) and len(p) > cut else p) for p in paths]


def key(options: Dict[str, object], settings) -> str:
    """The name of the kept run for this command, folder, date, code and settings."""
    text = repr((FORMAT, own_code(), time.strftime("%Y-%m-%d"), os.getcwd(), sorted(options.items()), settings))
    return PREFIX + blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _open(settings, create: bool) -> Optional[Folder]:
    folder = folder_for(settings)
    fd = open_folder(os.path.abspath(settings.root), folder, not from_command_line(settings), create=create)
    return Folder(folder, fd) if fd is not None else None


def replay(settings, name: str) -> Optional[Replay]:
    """The kept output of this run, if everything it read is as it was."""
    mac_key = secret()
    if mac_key is None:
        return None
    where = _open(settings, create=False)
    if where is None:
        return None
    try:
        payload = unseal(mac_key, name, where.read(name))
        if payload is None:
            return None
        paths, present, stamps, out, err, code = marshal.loads(payload)
    except Exception:  # absent, corrupt, truncated, not ours: run
        return None
    finally:
        where.close()
    if _stamps(paths.split(b"\0") if paths else (), present.split(b"\0") if present else ()) != stamps:
        return None
    return out, err, code


def prepare(settings) -> Optional[str]:
    """The cache folder made before the walk, so that making it does not change the stamp
    of the folder the walk lists first. Returns that folder when this call made the cache
    folder in it: its new mtime is ours, not a racy write (see keep)."""
    folder = folder_for(settings)
    made = not os.path.isdir(folder)
    where = _open(settings, create=True)
    if where is None:
        return None
    try:
        if not where.exists(".gitignore"):
            where.write(".gitignore", b"# Created by claude-lint: the cache ignores itself.\n*\n")
    except OSError:
        pass
    finally:
        where.close()
    return os.path.dirname(folder) if made else None


def above(paths: Iterable[str], found: Dict[str, Stamp], given: bool = True) -> Dict[str, Stamp]:
    """Into `found`: each path (with `given`), and in each folder from it up to the file
    system's root the files that make a project root or hold its config (the folders are
    not stamped: /tmp or a home folder changes all day)."""
    for path in paths:
        folder = os.path.abspath(path)
        if given:
            found[folder] = stamp(folder)
        while True:
            for marker in MARKERS:
                file = os.path.join(folder, marker)
                if file not in found:
                    found[file] = stamp(file) if marker in WATCHED_FILES else _present(file)
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
    return found


def _present(path: str) -> Stamp:
    """A project marker counts by being there (`.git` changes at every commit)."""
    return PRESENT if os.path.lexists(path) else None


def environment() -> List[str]:
    """The folders Python imports from: installing or removing a package changes one."""
    return [p for p in sys.path if p and os.path.isdir(p)]


def keep(settings, name: str, read: Dict[str, Stamp], out: str, err: str, code: int, started: int, made_in: Optional[str] = None) -> None:
    """Keep this run's output, if nothing it read changed while it ran, nor just before it
    (`started`, time.time_ns() before the first stamp; `made_in`: the folder `prepare`
    changed by making the cache folder); never an error."""
    mac_key = secret()
    if mac_key is None or len(read) > MAX_PATHS or len(out) + len(err) > MAX_OUTPUT:
        return
    own = folder_for(settings).rstrip(os.sep) + os.sep
    kept = [p for p in read if not p.startswith(own) and "\0" not in p]
    paths = [p for p in kept if read[p] != PRESENT]
    present = [p for p in kept if read[p] == PRESENT]
    stored, stored_present = _stored(paths), _stored(present)
    stamps = _stamps(stored, stored_present)
    before = b"".join(_packed(read[p]) if read[p] != LATER else stamps[i * 32:i * 32 + 32] for i, p in enumerate(paths + present))
    if before != stamps:
        return  # changed during the run: its output may be of the old or the new text
    mtimes = [stamp[0] for stamp in struct.iter_unpack("=4q", stamps)]
    if made_in is not None and made_in in read:
        mtimes[(paths + present).index(made_in)] = 0
    if max(mtimes, default=0) > started - RACY_NS:
        return  # written just before: a second write within the clock's tick would keep this mtime
    try:
        payload = marshal.dumps((b"\0".join(stored), b"\0".join(stored_present), stamps, out, err, code))
    except ValueError:
        return
    where = _open(settings, create=True)
    if where is None:
        return
    try:
        where.write(name, seal(mac_key, name, payload))
        _forget_oldest(where)
    except OSError:
        pass
    finally:
        where.close()


def _forget_oldest(where: Folder) -> None:
    try:
        names = [n for n in os.listdir(where.fd if where.fd >= 0 else where.path) if n.startswith(PREFIX)]
    except (OSError, TypeError):
        return
    if len(names) <= KEEP:
        return
    dated = []
    for n in names:
        path, kw = where._at(n)
        try:
            dated.append((os.stat(path, follow_symlinks=False, **kw).st_mtime_ns, n))
        except OSError:
            continue
    for _, n in sorted(dated)[: len(dated) - KEEP]:
        path, kw = where._at(n)
        try:
            os.unlink(path, **kw)
        except OSError:
            pass
