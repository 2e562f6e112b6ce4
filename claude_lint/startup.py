"""A new process's start-up: the compiled methods of the dataclasses, kept between runs.

`@dataclass` writes each class's `__init__`, `__eq__`, `__hash__`, `__repr__` ... as
source text and compiles it when the class is created: with about fifty classes (the
facts, the settings, the rules' records) that was a fifth of the imports of a one-file
run (pre-commit, on save). The text is the same from run to run, so the code objects
compiled from it are kept (marshalled) in the user's cache folder, the folder of the
built catalogue and of the facts cache's key: only ever read from there, never from a
project. A run whose classes are all found compiles nothing and writes nothing.

The hook is a module-level `exec` in `dataclasses`, which shadows the builtin for that
module only: every Python since 3.7 compiles the generated text through that one call,
so nothing else of `dataclasses` is copied or depends on its private helpers. The code
object is what `exec` would have compiled from the same text (same file name, mode and
no inherited future flags), so the classes are the same.

Two more kinds of start-up work are kept or saved here: our regular expressions'
compiled code (below), and standard modules imported everywhere but rarely used, which
are run at their first use (`DEFERRED`).
"""
from __future__ import annotations

import _thread
import os
import sys
import types

FOLDER = "startup"
MAX_ENTRIES = 640  # past this (two versions of our own classes and patterns), a save keeps only what its own run used
KEEP = 16  # files in the folder, one per install (a project's venv, pre-commit's, an editor's)

_codes: dict = {}
_used: set = set()
_missed = [False]
_path = [None]


def install() -> None:
    """Hook `dataclasses` before any class of ours is made; a no-op the second time, or
    when there is no user cache folder."""
    import gc

    # What this loads (dataclasses with inspect, typing, the kept code objects) lives as
    # long as the process: the cyclic collector's passes over it, a dozen in a new
    # process, found nothing to free. Frozen (never looked at again) once loaded: merely
    # holding the collector off would leave it all to the next pass.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _install()
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _install() -> None:
    if _path[0] is None:
        path = _cache_path()
        if path is not None:
            from claude_lint import startup_modules

            startup_modules.install(path, _Deferred)
    for name in DEFERRED:
        _defer(name)
    if _path[0] is not None or path is None:
        return
    _path[0] = path
    _codes.update(_read(path))
    # Hooked as each is imported, `re` before `dataclasses` (which compiles a pattern as it
    # is imported): a replayed warm run (`run_cache`) imports neither, and their import
    # (with enum, functools, collections) was a fifth of its instructions.
    _on_import("re", _hook_regexes)
    _on_import("dataclasses", _hook_dataclasses)
    import atexit

    atexit.register(save)


def _on_import(name: str, hook) -> None:
    """`hook()` once module `name` is imported: now when it is imported already or the kept
    modules (`startup_modules`) do not hold it (a module they hold but find changed is
    imported as usual, unhooked: that run compiles its patterns and methods itself)."""
    from claude_lint import startup_modules

    if name in sys.modules or not startup_modules.after_import(name, hook):
        hook()


def _hook_dataclasses() -> None:
    import dataclasses

    dataclasses.exec = _exec  # type: ignore[attr-defined]


# --- standard modules run at their first use ---------------------------------------------
# Modules that every run imports at their top but that a lint uses only on request:
# `dataclasses` imports `inspect` (and with it dis, tokenize, linecache: 11 M of the 272 M
# instructions of a one-file run) for a class without a docstring, and `copy` (with weakref)
# for `asdict`; link_values imports inspect for `cleandoc`. Each is put in sys.modules not
# yet run, and runs at the first use of one of its names: then it is that module itself.

DEFERRED = ("inspect", "copy")
_loading_lock = _thread.RLock()
_loading: set = set()


class _Deferred(types.ModuleType):
    """A module found but not run yet: reading a name it lacks runs it, once, in whichever
    thread asks first (another waits for it), and makes it an ordinary module."""

    def __getattr__(self, attr):
        if attr == "__path__":  # the import system asking whether it is a package: it is not
            raise AttributeError(attr)
        with _loading_lock:
            if type(self) is _Deferred and self.__name__ not in _loading:
                _loading.add(self.__name__)  # a name asked while it runs is missing, as in any module being imported
                try:
                    self.__spec__.loader.exec_module(self)
                finally:
                    _loading.discard(self.__name__)
                self.__class__ = types.ModuleType
        return types.ModuleType.__getattribute__(self, attr)


def _defer(name: str) -> None:
    """Put `name` (a plain module, not a package) in sys.modules, found where an import
    would find it now, and not run; nothing when it is imported already."""
    if name in sys.modules:
        return
    # The import system's own search and module making, as importlib.util's find_spec and
    # module_from_spec do them for a top-level name: importing importlib.util (with
    # importlib._abc) cost every start about 0.5 M instructions for these two calls.
    bootstrap = sys.modules["_frozen_importlib"]
    spec = bootstrap._find_spec(name, None)
    if spec is None or spec.loader is None or spec.submodule_search_locations is not None:
        return
    module = bootstrap.module_from_spec(spec)
    if module.__dict__.get("__path__", 0) is None:  # made by startup_modules, which removes it when the module runs
        del module.__path__
    module.__class__ = _Deferred
    sys.modules[name] = module


def _exec(source, globals=None, locals=None):
    # Only our own classes: a run that loads libcst (fixes) or another library's
    # dataclasses would otherwise grow the file with a thousand texts that every later
    # run reads (1.3 MB, 25 ms: more than the cache saves).
    if isinstance(source, str) and isinstance(globals, dict) and str(globals.get("__name__", "")).startswith("claude_lint"):
        code = _entry(source)
        if type(code) is not types.CodeType:  # not kept (or not a code object: compiled again)
            code = _codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _missed[0] = True
        _used.add(source)
        source = code
    exec(source, globals, locals)


def run_kept(source: str, globals: dict, locals: dict) -> None:
    """`exec` of generated source whose code is kept as the dataclasses' is (`records`)."""
    _exec(source, globals, locals)


def _cache_path():
    from claude_lint.cache_seal import user_cache_folder

    folder = user_cache_folder()
    if folder is None:
        return None
    # Code objects and marshal's format belong to one Python build; the texts, to one
    # install of claude-lint. One file for every install made each run read every other
    # install's texts too (550 KB, 443 texts of which a run uses 48: 2.5 ms of each start).
    from claude_lint.cache_seal import blake2b

    here = os.path.dirname(os.path.abspath(__file__)).encode("utf-8", "surrogatepass")
    install = blake2b(here, digest_size=8).hexdigest()
    return os.path.join(folder, FOLDER, f"dataclasses-{sys.implementation.cache_tag}-{sys.hexversion:x}-{install}.marshal")


def _read(path: str) -> dict:
    import marshal

    from claude_lint.startup_modules import written_by_this_user_alone

    try:
        with open(path, "rb") as fh:
            if not written_by_this_user_alone(os.fstat(fh.fileno())):
                return {}  # code that someone else could have written is not run
            # One read, then loads: `marshal.load` on a file reads object by object
            # (13 ms for this file, against 2 ms).
            found = marshal.loads(fh.read())
    except Exception:  # absent, unreadable, truncated, another build's: compiled again
        return {}
    # Each entry is checked where it is used (`_exec`, the patterns' `compile`): checking
    # all of them at each start, most of which a run does not use, was 0.3 M instructions.
    return found if isinstance(found, dict) else {}


def _entry(key):
    """The kept value of `key` (None when not kept), unmarshalled at its first use: the
    file holds each value marshalled on its own (`save`), because it holds every command's
    classes and patterns (a heavy cold run's, a one-file run's), and unmarshalling all of
    them at each start cost a one-file run 2% of its instructions for entries it never
    used. A value that does not unmarshal is not kept (compiled again)."""
    value = _codes.get(key)
    if type(value) is bytes:
        import marshal

        try:
            value = marshal.loads(value)
        except Exception:  # damaged: compiled again, and saved again
            value = None
        if value is None:
            _codes.pop(key, None)
        else:
            _codes[key] = value
    return value


def _valid(key, value) -> bool:
    return (isinstance(key, str) and type(value) is types.CodeType) or _is_regex_entry(key, value)


# --- regular expressions ------------------------------------------------------------------
# A new process compiled about fifty patterns of ours (the pre-filter's, the rules' and
# the extractors' at first use): `re` parses each and turns it into the code of its
# matching engine in Python, a twentieth of a one-file run. That code depends only on the
# pattern, the flags and the Python build (the file's name holds the build), so it is kept
# here with the dataclasses' methods and handed to `_sre.compile`, which checks it, as
# `re` itself does. Only patterns compiled from our own modules are kept.

_REGEX = "re"


def _is_regex_entry(key, value) -> bool:
    return (isinstance(key, tuple) and len(key) == 3 and key[0] == _REGEX and isinstance(key[1], (str, bytes)) and isinstance(key[2], int)
            and isinstance(value, tuple) and len(value) == 5 and isinstance(value[0], int) and isinstance(value[1], list)
            and isinstance(value[2], int) and isinstance(value[3], dict) and isinstance(value[4], tuple))


def _hook_regexes() -> None:
    import re

    compiler = getattr(re, "_compiler", None)  # 3.11 on; before, the compiler was sre_compile
    if compiler is None or getattr(compiler.compile, "_kept", False) or not all(
            hasattr(compiler, name) for name in ("_code", "_parser", "_sre", "SRE_FLAG_DEBUG")):
        return
    original = compiler.compile
    parse, code_of, make = compiler._parser.parse, compiler._code, compiler._sre.compile
    skipped = compiler.SRE_FLAG_DEBUG | re.LOCALE

    def compile(p, flags=0):
        if not isinstance(p, (str, bytes)) or flags & skipped or not _ours(sys._getframe(1)):
            return original(p, flags)
        key = (_REGEX, p, int(flags))  # str and bytes patterns never compare equal; a RegexFlag is no int to marshal
        kept = _entry(key)
        if kept is not None and not _is_regex_entry(key, kept):
            kept = None
        if kept is None:
            # what compiler.compile does, its pieces kept
            parsed = parse(p, flags)
            groupindex = dict(parsed.state.groupdict)
            indexgroup = [None] * parsed.state.groups
            for name, i in groupindex.items():
                indexgroup[i] = name
            code = [int(op) for op in code_of(parsed, flags)]  # its opcodes are named ints, which marshal refuses
            kept = (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
            _codes[key] = kept
            _missed[0] = True
        _used.add(key)
        try:
            return make(p, kept[0], kept[1], kept[2], dict(kept[3]), kept[4])
        except Exception:  # code `_sre` refuses (a damaged file): compiled as usual
            _codes.pop(key, None)
            return original(p, flags)

    compile._kept = True  # type: ignore[attr-defined]
    compile._original = original  # type: ignore[attr-defined]
    compiler.compile = compile


# Modules of the standard library that every run imports, and that compile patterns as
# they are imported: kept too (a library's, loaded by a fix, would only grow the file).
_STANDARD = frozenset({"argparse", "dataclasses", "gettext", "locale", "json.decoder", "json.encoder", "json.scanner", "pickle", "tokenize", "tomllib._re"})
# argparse compiles its patterns as it parses (from the parser's own options, never from
# the values given): a fixed set for our parsers.
_STANDARD_ANYWHERE = frozenset({"argparse"})
# Functions of ours that compile, at their first call, a pattern of a fixed set: the
# pre-filter's chains (one per chain of the SDK table, never a word of the linted code).
_OURS_AT_FIRST_USE = frozenset({("claude_lint.extract.prefilter_table", "_chain_re")})
# A standard function compiling the pattern our code hands it: `cli` filters the warnings
# of the linted code's escapes by their message (a constant), at every start.
_STANDARD_FOR_US = frozenset({("warnings", "filterwarnings")})


def _ours(frame) -> bool:
    """Is the pattern one of a fixed set of ours: written in a module (compiled as it is
    imported, or at its first use through `patterns.lazy`), or unpickled from a table of
    ours (`pickle` calls `re._compile` itself)? `frame` is `re._compile`'s. A pattern made
    at run time from the linted code (a wrapper's name) is not kept: the file would grow
    with every project, and be written again at the end of every run."""
    caller = frame.f_back
    if caller is None:
        return False
    name = str(caller.f_globals.get("__name__", ""))
    if name != "re":
        return name.startswith("claude_lint")  # from C: an unpickled pattern
    caller = caller.f_back  # re.compile, re.search ...: whoever called them
    if caller is None:
        return False
    name = str(caller.f_globals.get("__name__", ""))
    if name == "claude_lint.patterns":
        return True
    if name in _STANDARD_ANYWHERE:
        return True
    code = caller.f_code.co_name
    if (name, code) in _OURS_AT_FIRST_USE:
        return True
    if (name, code) in _STANDARD_FOR_US:
        return caller.f_back is not None and str(caller.f_back.f_globals.get("__name__", "")).startswith("claude_lint")
    if code == "<listcomp>" and caller.f_back is not None:  # a comprehension at module level (pickle's `__all__`)
        code = caller.f_back.f_code.co_name
    return code == "<module>" and (name.startswith("claude_lint") or name in _STANDARD)


def save() -> None:
    """Written whole under a temporary name, then renamed (runs in parallel see the old
    file or a new one), and only when this run compiled a text the file lacked."""
    path = _path[0]
    if path is None:
        return
    from claude_lint import startup_modules

    written = startup_modules.save()
    if written is not None:
        prune(os.path.dirname(written), os.path.basename(written), ".modules", KEEP)
    if not _missed[0]:
        return
    import marshal

    from claude_lint import atomic

    # Each value marshalled on its own (see `_entry`); one this run did not use is written
    # back as it was read (it was checked when a run made it, and is where it is used).
    kept = {k: v if type(v) is bytes else marshal.dumps(v) for k, v in _codes.items()
            if (len(_codes) <= MAX_ENTRIES or k in _used) and (type(v) is bytes and isinstance(k, (str, tuple)) or _valid(k, v))}
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        atomic.replace(path, marshal.dumps(kept), prefix="." + os.path.basename(path) + ".", suffix=".tmp")
        _missed[0] = False
    except (OSError, ValueError):  # a read-only home: the next run compiles again
        return
    prune(folder, os.path.basename(path), ".marshal", KEEP)


def prune(folder: str, own: str, suffix: str, keep: int, max_age_days: float | None = None) -> None:
    """Keep the keep - 1 most recently written other files of the folder ending in suffix
    (other installs', other Pythons'), and none older than max_age_days. Shared with the
    built catalogue (`catalog_compiled`)."""
    found = []
    try:
        for name in os.listdir(folder):
            if name.endswith(suffix) and name != own:
                found.append((os.stat(os.path.join(folder, name)).st_mtime, name))
    except OSError:  # another run removed one meanwhile: pruned at the next write
        return
    found.sort(reverse=True)
    too_old = None
    if max_age_days is not None:
        import time

        too_old = time.time() - max_age_days * 86400
    for i, (mtime, name) in enumerate(found):
        if i >= keep - 1 or (too_old is not None and mtime < too_old):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass


