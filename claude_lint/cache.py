"""The per-file facts cache: a re-run over unchanged files extracts nothing.

Facts are a pure function of a file's bytes, its path (shown and as a module name),
the extractor's code and the settings that reach extraction. An entry stores the
facts with the content hash of the bytes they came from; the key of the whole cache
file covers the rest (tool version, a fingerprint of the package's own source files,
the settings, the project root, pre-filter on or off). A file whose size and mtime are
unchanged is taken on trust, as ruff and git do; any other file is read and hashed,
and its entry is used only if the hash matches.

Layout: `.claude-lint-cache/` at the project root (or `cache-dir`), holding a
`.gitignore` of `*` so that it ignores itself, and one `facts-<key>.pickle` per key.
Writes are atomic (temp file, fsync, rename). A cache is never trusted with code: it is
unpickled with a loader that admits only the plain data types of `claude_lint.facts`,
and anything it cannot read (corrupt, truncated, from another version) is a miss.

A repository is not trusted with the cache either:
- The folder is reached from the project root one component at a time, never through a
  symlink (a committed `.claude-lint-cache -> ../elsewhere` would make `check` write
  there), and a `cache-dir` from the project's config must lie inside the project
  (config.py); only `--cache-dir` on the command line may point elsewhere.
- Each cache file is sealed with a keyed BLAKE2b MAC whose key lives outside the project, created
  once (mode 0600) in the user's cache folder (`$XDG_CACHE_HOME/claude-lint/key`). A
  cache committed to a repository cannot carry a valid seal, so it is ignored: otherwise
  entries forged for files of the same size and mtime would hide their findings.
- The cache file is read as a regular file of bounded size (a FIFO or a link to
  /dev/zero in its place is a miss, not a hang).
"""
from __future__ import annotations

import dataclasses
import io
import os
import pickle
import stat
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, Optional, Tuple

from claude_lint import safeio
from claude_lint import facts as facts_mod
from claude_lint.cache_folder import CACHE_DIR, Folder, folder_for, open_folder, own_code  # noqa: F401  (CACHE_DIR: cache.* for the tests)
from claude_lint.cache_folder import from_command_line as _from_command_line
from claude_lint.cache_seal import blake2b, seal, secret, unseal, user_cache_folder  # noqa: F401  (user_cache_folder: cache.* for the tests)
from claude_lint.facts import FILE_TIMEOUT, FileFacts

FORMAT = 3  # 2: sealed (MAGIC + HMAC + pickle); 3: sealed with keyed BLAKE2b
_UNPARSED = b"\x00"  # entry blob for facts the pre-filter left unparsed: NUL + kind
# Settings that only choose files or judge facts: changing them keeps the facts valid.
NOT_EXTRACTION = frozenset(
    {"config_path", "select", "ignore", "extend_select", "per_file_ignores", "rule_options", "models",
     "exclude", "extend_exclude", "respect_gitignore", "force_exclude", "cache_dir", "no_cache", "cli", "hierarchical"}
)

# (size, mtime_ns, content hash, shown path, module name, pickled facts)
if TYPE_CHECKING:
    Entry = Tuple[int, int, bytes, str, Optional[str], bytes]


class _DataOnly(pickle.Unpickler):
    """Admits the dataclasses of claude_lint.facts and nothing callable besides."""

    def find_class(self, module: str, name: str):
        if module == facts_mod.__name__:
            found = getattr(facts_mod, name, None)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found
        if module == "builtins" and name in ("frozenset", "set"):
            return frozenset if name == "frozenset" else set
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a facts cache")


def _loads(blob: bytes):
    return _DataOnly(io.BytesIO(blob)).load()


_BARE: dict = {}
_new = object.__new__


def _unparsed(path: str, abspath: str, module: Optional[str], kind: str) -> FileFacts:
    """FileFacts(path, abspath, module, kind, parsed=False), the facts of a file the
    pre-filter passed over: a warm run makes one per such file (most of a project), and a
    frozen dataclass's __init__ sets each of its fourteen fields through
    object.__setattr__. The other fields are copied from one made by __init__."""
    if not _BARE:
        _BARE.update(vars(FileFacts("", "", None, "", parsed=False)))
    found = _new(FileFacts)
    fields = found.__dict__
    fields.update(_BARE)
    fields.update(path=path, abspath=abspath, module=module, kind=kind)
    return found


def digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


def _fingerprint() -> str:
    """The package's own code: a changed extractor must not read facts an older one wrote."""
    return f"{own_code()}\nfacts format {FORMAT}"


def file_for(settings, prefilter: bool) -> str:
    """The path of the cache file for these settings."""
    return os.path.join(folder_for(settings), f"facts-{_key(settings, prefilter)}.pickle")


def _key(settings, prefilter: bool) -> str:
    relevant = [(f.name, repr(getattr(settings, f.name))) for f in dataclasses.fields(settings) if f.name not in NOT_EXTRACTION]
    text = repr((_fingerprint(), relevant, os.path.abspath(settings.root), prefilter))
    return blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class FactsCache:
    def __init__(self, folder: str, key: str, *, root: Optional[str] = None, confined: bool = True, secret: Optional[bytes] = None):
        self.folder = folder
        self.root = root if root is not None else os.path.dirname(folder)
        self.confined = confined
        self.name = f"facts-{key}.pickle"
        self.file = os.path.join(folder, self.name)
        self.secret = secret
        self.entries: Dict[Tuple[bool, str], Entry] = {}
        self.changed = False
        self.touched: set = set()
        if secret is None:
            return
        fd = open_folder(self.root, folder, confined, create=False)
        if fd is None:
            return
        where = Folder(folder, fd)
        try:
            payload = unseal(secret, self.name, where.read(self.name))
            loaded = _loads(payload) if payload is not None else None
            if isinstance(loaded, dict):
                self.entries = loaded
        except Exception:  # absent, corrupt, truncated, foreign, not a regular file: start empty
            self.entries = {}
        finally:
            where.close()

    @classmethod
    def open(cls, settings, prefilter: bool) -> "FactsCache":
        """The cache for these settings (the engine does not call this with --no-cache)."""
        return cls(folder_for(settings), _key(settings, prefilter), root=os.path.abspath(settings.root),
                   confined=not _from_command_line(settings), secret=secret())

    # --- look-ups ----------------------------------------------------------------------

    def by_stat(self, full: bool, abspath: str, st: os.stat_result, path: str, module: Optional[str]) -> Optional[FileFacts]:
        self.touched.add((full, abspath))
        entry = self.entries.get((full, abspath))
        if entry is None or entry[0] != st.st_size or entry[1] != st.st_mtime_ns:
            return None
        return self._facts(entry, abspath, path, module)

    def by_content(self, full: bool, abspath: str, st: os.stat_result, hashed: bytes, path: str, module: Optional[str]) -> Optional[FileFacts]:
        entry = self.entries.get((full, abspath))
        if entry is None or entry[2] != hashed:
            return None
        found = self._facts(entry, abspath, path, module)
        if found is not None:  # touched, not changed: remember the new stat
            self.entries[(full, abspath)] = (st.st_size, st.st_mtime_ns) + entry[2:]
            self.changed = True
        return found

    def _facts(self, entry, abspath: str, path: str, module: Optional[str]) -> Optional[FileFacts]:
        try:
            size, mtime, hashed, shown, mod, blob = entry
            if shown != path or (module is not None and mod != module):
                return None  # linted from another folder: paths in the facts would differ
            module = mod
            if blob[:1] == _UNPARSED:  # most entries: a few bytes instead of a pickled FileFacts
                return _unparsed(path, abspath, module, blob[1:].decode("ascii"))
            found = _loads(blob)
        except Exception:  # a corrupt entry is a miss
            return None
        return found if isinstance(found, FileFacts) else None

    def store(self, full: bool, abspath: str, st: os.stat_result, hashed: bytes, facts: FileFacts) -> None:
        if facts.internal_error or any(e.code == FILE_TIMEOUT for e in facts.errors):
            return  # a bug or a time-out says nothing lasting about the file
        bare = FileFacts(facts.path, facts.abspath, facts.module, facts.kind, parsed=False)
        try:
            blob = _UNPARSED + facts.kind.encode("ascii") if facts == bare else pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        self.entries[(full, abspath)] = (st.st_size, st.st_mtime_ns, hashed, facts.path, facts.module, blob)
        self.changed = True

    # --- the second phase: calls of the project's wrappers ------------------------------
    # One entry per file, ("callers", abspath): (size, mtime_ns, content hash, {names key:
    # names found}, {names key: pickled facts}). Which wrapper names a file holds depends on
    # its bytes and the names asked about; its calls of them, on its bytes and the names it holds.

    def presence(self, abspath: str, st: os.stat_result, key: str) -> Optional[frozenset]:
        self.touched.add(("callers", abspath))
        entry = self.entries.get(("callers", abspath))  # type: ignore[call-overload]
        if entry is None or entry[0] != st.st_size or entry[1] != st.st_mtime_ns:
            return None
        found = entry[3].get(key)
        return frozenset(found) if found is not None else None

    def store_presence(self, abspath: str, st: os.stat_result, key: str, found) -> None:
        entry = self._callers_entry(abspath, st)
        entry[3][key] = tuple(sorted(found))
        self.changed = True

    def callers(self, abspath: str, st: os.stat_result, hashed: bytes, key: str):
        """(True, facts or None) on a hit; (False, None) on a miss."""
        entry = self.entries.get(("callers", abspath))  # type: ignore[call-overload]
        if entry is None or entry[2] != hashed or key not in entry[4]:
            return False, None
        blob = entry[4][key]
        if not blob:
            return True, None
        try:
            found = _loads(blob)
        except Exception:  # a corrupt entry is a miss
            return False, None
        return (True, found) if isinstance(found, FileFacts) else (False, None)

    def store_callers(self, abspath: str, st: os.stat_result, hashed: bytes, key: str, facts: Optional[FileFacts]) -> None:
        try:
            blob = b"" if facts is None else pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        entry = self._callers_entry(abspath, st, hashed)
        entry[4][key] = blob
        self.changed = True

    def _callers_entry(self, abspath: str, st: os.stat_result, hashed: Optional[bytes] = None) -> list:
        old = self.entries.get(("callers", abspath))  # type: ignore[call-overload]
        same = old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns and (hashed is None or old[2] in (b"", hashed))
        entry = [st.st_size, st.st_mtime_ns, hashed or (old[2] if same else b""), dict(old[3]) if same else {}, dict(old[4]) if same else {}]
        for table in (entry[3], entry[4]):
            while len(table) > 4:  # a few sets of names at most: the project's changes
                del table[next(iter(table))]
        self.entries[("callers", abspath)] = entry  # type: ignore[index]
        return entry

    # --- writing -----------------------------------------------------------------------

    def save(self) -> None:
        """Atomically replace the cache file; a cache that cannot be written is no error."""
        if not self.changed or self.secret is None:
            return
        # Entries of files that are gone (deleted, renamed) are dropped, not carried forever.
        for key in [k for k in self.entries if k not in self.touched and not os.path.exists(k[1])]:
            del self.entries[key]
        fd = open_folder(self.root, self.folder, self.confined, create=True)
        if fd is None:
            return
        where = Folder(self.folder, fd)
        try:
            if not where.exists(".gitignore"):
                where.write(".gitignore", b"# Created by claude-lint: the cache ignores itself.\n*\n")
            payload = pickle.dumps(self.entries, protocol=pickle.HIGHEST_PROTOCOL)
            where.write(self.name, seal(self.secret, self.name, payload))
            self.changed = False
            where.remove_stale_temps()
        except OSError:
            pass
        finally:
            where.close()


def read_entries(path: str) -> Dict:
    """The entries of a cache file this user sealed (for tests and debugging)."""
    with open(path, "rb") as fh:
        data = fh.read()
    key = secret()
    payload = unseal(key, os.path.basename(path), data) if key is not None else None
    if payload is None:
        raise ValueError(f"{path}: not a cache file sealed with this user's key")
    return _loads(payload)


# --- the run's facts -----------------------------------------------------------------


def cached_loader(cache: FactsCache, load: Callable[[str], Optional[FileFacts]], root: str) -> Callable[[str], Optional[FileFacts]]:
    """link's loader for modules a value resolves into, behind the same cache."""
    from claude_lint.discover import display
    from claude_lint.bounds import MAX_FILE_BYTES
    from claude_lint.extract import module_name

    def cached(abspath: str) -> Optional[FileFacts]:
        try:
            st = os.stat(abspath)
        except OSError:
            return load(abspath)
        if not stat.S_ISREG(st.st_mode):
            return load(abspath)
        path, module = display(abspath), module_name(abspath, root)
        hit = cache.by_stat(True, abspath, st, path, module)
        if hit is not None:
            return hit
        try:
            hashed = digest(safeio.read_regular(abspath, MAX_FILE_BYTES))
        except OSError:
            return load(abspath)
        hit = cache.by_content(True, abspath, st, hashed, path, module)
        if hit is not None:
            return hit
        found = load(abspath)
        if found is not None:
            cache.store(True, abspath, st, hashed, found)
        return found

    return cached
