"""Start-up, continued (`startup`): the modules' code, from one file.

Finding and loading a module through the import system's own finders is about 0.2 M
instructions before its code runs (the path entries searched, the .pyc opened, read and
checked): with the hundred modules of ours and the fifty standard ones a one-file run
imports, a twentieth of it. Their code is kept in one file beside the dataclasses' (each
module marshalled on its own: a run unmarshals only what it imports), and served by a
finder ahead of the others when its source file has the size and time it had when kept,
which is what the .pyc beside it was checked against. A module it lacks or finds changed
is imported as usual, and kept at exit. Only ever read from the user's cache folder, and
only a file this user alone can write. The file is an index, then the modules' code: a run
reads the index and, for each module it imports, that module's bytes alone (reading the
whole file, every command's modules, into memory cost more in page faults than it saved).
"""
import os
import sys


MAX_MODULES = 600  # past this (every command's modules, twice over), a save keeps only what its own run imported
MAGIC = b"CLMODS1\n"
# name -> (source path, .pyc path, is a package, st_mtime_ns, st_size, offset, length): the
# module's marshalled code is `length` bytes at `offset` past the index in the file `_file`
_modules: dict = {}
_unread: set = set()  # modules found, whose kept code the loader has not read yet
_served: set = set()
_modules_path = [None]
_file = [None]  # the kept file, open for the run
_after: dict = {}  # name -> what runs once that kept module has run (`startup._on_import`)


def install(path: str, unrun: type) -> None:
    """Put the finder first, with the kept file of the install whose dataclasses' file is
    `path`. `unrun`: the type of a module in sys.modules not run yet (never kept)."""
    _unrun[0] = unrun
    folder, name = os.path.split(path)
    where = os.path.join(folder, "modules" + name[len("dataclasses"):-len(".marshal")] + ".modules")
    _modules_path[0] = where
    _standard[0] = os.path.dirname(os.__file__) + os.sep
    _modules.update(_read_index(where))
    sys.meta_path.insert(0, _KeptModules)


def after_import(name: str, hook) -> bool:
    """Run `hook()` right after kept module `name` runs; False when it is not kept."""
    if _entry(name) is None:
        return False
    _after[name] = hook
    return True


def written_by_this_user_alone(st: os.stat_result) -> bool:
    """A kept file whose code or data a run uses (start-up's, a config's parsed document):
    owned by this user and writable by no one else."""
    return not hasattr(os, "geteuid") or (st.st_uid == os.geteuid() and not st.st_mode & 0o022)


def _read_index(where: str) -> dict:
    import marshal

    try:
        fh = open(where, "rb", buffering=0)
    except OSError:
        return {}
    try:
        st = os.fstat(fh.fileno())
        if not written_by_this_user_alone(st):
            raise ValueError("code that someone else could have written is not run")
        head = fh.read(len(MAGIC) + 8)
        if len(head) != len(MAGIC) + 8 or not head.startswith(MAGIC):
            raise ValueError("not ours")
        size = int.from_bytes(head[len(MAGIC):], "little")
        index = fh.read(size)
        found = marshal.loads(index) if len(index) == size else None
    except Exception:  # unreadable, truncated, another build's: imported as usual
        fh.close()
        return {}
    if not isinstance(found, dict):
        fh.close()
        return {}
    _file[0] = (fh, len(MAGIC) + 8 + size)
    # Each entry is checked when its module is asked for (`_entry`): a run imports a
    # fraction of the modules every command kept (checking all of them at each start was
    # about 0.6 M instructions).
    return found


def _entry(name):
    """The index entry of module `name`, if it has the shape `save` writes."""
    v = _modules.get(name) if type(name) is str else None
    if (type(v) is tuple and len(v) == 7 and type(v[0]) is str and type(v[1]) is str and type(v[2]) is bool
            and type(v[3]) is int and type(v[4]) is int and type(v[5]) is int and type(v[6]) is int):
        return v
    return None


def _code_bytes(entry) -> bytes:
    """The marshalled code of an index entry, read from the kept file."""
    fh, start = _file[0]
    offset, length = start + entry[5], entry[6]
    if hasattr(os, "pread"):
        found = os.pread(fh.fileno(), length, offset)
    else:  # (the finder runs under the import lock: nothing else moves the position meanwhile)
        fh.seek(offset)
        found = fh.read(length)
    if len(found) != length:
        raise ValueError("truncated")
    return found


class _KeptModules:
    """The finder and loader of the kept modules."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        entry = _entry(name)
        if entry is None or target is not None:
            return None
        source, cached, package, mtime, size = entry[:5]
        try:
            st = os.stat(source)
        except OSError:
            return None
        if st.st_mtime_ns != mtime or st.st_size != size:
            return None
        spec = _ModuleSpec(name, _KeptModules, origin=source, is_package=package)
        spec.has_location = True
        spec.cached = cached
        if package:
            spec.submodule_search_locations = [os.path.dirname(source)]
        # Its code is read when the module runs: a module start-up defers (`startup.DEFERRED`,
        # inspect's 140 KB of code) is found at every start and run in few of them.
        _unread.add(name)
        _served.add(name)
        return spec

    @staticmethod
    def create_module(spec):
        # Made with the attributes the import system sets next: it first reads each of
        # `__file__`, `__cached__` and `__path__`, and on a bare module each read raised and
        # formatted an AttributeError (three per module, about 3.5 M instructions a start).
        module = _ModuleType(spec.name)
        module.__file__ = spec.origin
        module.__cached__ = spec.cached
        # `__path__` too, read for every module: a package's own, else None until `exec_module`
        # removes it (the import system sets nothing on a module whose `__path__` is None).
        module.__path__ = spec.submodule_search_locations
        return module

    @staticmethod
    def exec_module(module):
        if module.__dict__.get("__path__", 0) is None:
            del module.__path__
        exec(_KeptModules.get_code(module.__spec__.name), module.__dict__)
        hook = _after.pop(module.__spec__.name, None)
        if hook is not None:
            hook()

    @staticmethod
    def get_code(name):
        if name in _unread:
            _unread.discard(name)
            import marshal

            try:
                code = marshal.loads(_code_bytes(_modules[name]))
            except Exception:
                code = None
            if isinstance(code, _CODE_TYPE):
                return code
            _served.discard(name)  # damaged: compiled from its source below, and kept again at exit
        # asked again (runpy, a reload), or its kept code damaged: the source as it is now
        with open(_modules[name][0], "rb") as fh:
            return compile(fh.read(), _modules[name][0], "exec", dont_inherit=True)

    @staticmethod
    def is_package(name):
        return _modules[name][2]

    @staticmethod
    def get_source(name):
        with open(_modules[name][0], encoding="utf-8") as fh:
            return fh.read()


_CODE_TYPE = type(_KeptModules.find_spec.__code__)
_ModuleSpec = sys.modules["_frozen_importlib"].ModuleSpec  # imported by nothing: the finder must import nothing
_ModuleType = type(sys)
_standard = [None]
_unrun = [None]


def _keepable(name: str, module) -> bool:
    spec = getattr(module, "__spec__", None)
    if spec is None or not isinstance(spec.origin, str) or not spec.origin.endswith(".py") or not hasattr(spec.loader, "get_code"):
        return False
    if name == "claude_lint" or name.startswith("claude_lint."):
        return True
    # The standard library's own modules (a library's, loaded by a fix, would only grow the file).
    return _standard[0] is not None and spec.origin.startswith(_standard[0]) and "-packages" not in spec.origin


def save():
    """Keep the modules this run imported as usual (new, or changed since kept), at exit:
    the path written, or None."""
    where = _modules_path[0]
    if where is None:
        return None
    new = {}
    for name, module in list(sys.modules.items()):
        if name in _served or type(module) is _unrun[0] or not _keepable(name, module):
            continue
        spec = module.__spec__
        try:
            st = os.stat(spec.origin)
            kept = _entry(name)
            if kept is not None and kept[3] == st.st_mtime_ns and kept[4] == st.st_size:
                continue  # imported before the finder was in place (this package, what start-up needs)
            code = spec.loader.get_code(name)
        except Exception:
            continue
        if isinstance(code, _CODE_TYPE):
            new[name] = (spec.origin, spec.cached or "", spec.submodule_search_locations is not None, st.st_mtime_ns, st.st_size, code)
    if not new:
        return None
    import marshal

    from claude_lint import atomic

    index, blobs, offset = {}, [], 0
    for name in list(_modules):
        entry = _entry(name)
        if entry is None or name in new or (len(_modules) + len(new) > MAX_MODULES and name not in _served):
            continue
        try:
            blob = _code_bytes(entry)
        except (OSError, ValueError):
            continue
        index[name] = entry[:5] + (offset, len(blob))
        blobs.append(blob)
        offset += len(blob)
    for name, entry in new.items():
        blob = marshal.dumps(entry[5])
        index[name] = entry[:5] + (offset, len(blob))
        blobs.append(blob)
        offset += len(blob)
    head = marshal.dumps(index)
    try:
        os.makedirs(os.path.dirname(where), mode=0o700, exist_ok=True)
        atomic.replace(where, b"".join([MAGIC, len(head).to_bytes(8, "little"), head, *blobs]), prefix="." + os.path.basename(where) + ".", suffix=".tmp")
    except (OSError, ValueError):  # a read-only home: imported as usual next time
        return None
    return where
