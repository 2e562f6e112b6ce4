"""The pipeline: discover -> extract -> link -> checks -> suppress."""
from __future__ import annotations

import codecs
import fnmatch
import gc
import io
import os
import stat
import time
import tokenize
import warnings
from collections import OrderedDict
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from claude_lint import catalog as catalog_mod
from claude_lint import config as config_mod
from claude_lint import safeio, suppress
from claude_lint.checks import by_code
from claude_lint.checks.base import Context
from claude_lint.config import Settings, package_root, selected
from claude_lint.diagnostics import Diagnostic
from claude_lint.discover import SourceFile, discover, display
from claude_lint.extract import extract_source, module_name, wants
from claude_lint.extract.prefilter import needs_parse
from claude_lint.facts import FileError, FileFacts, Loc
from claude_lint.link import Call, Project
from claude_lint.timeout import DEFAULT_SECONDS, FileTimeout, paused, time_limit

if TYPE_CHECKING:
    from claude_lint.cache import FactsCache

from claude_lint.bounds import MAX_FILE_BYTES  # noqa: E402  (read as engine.MAX_FILE_BYTES by the commands)

# Context files' facts a long-lived caller (the language server) keeps: room for several
# projects at the server's context cap. An LRU smaller than one project would miss on
# every file, as each lint walks the project in the same order.
CONTEXT_CACHE_ENTRIES = 50_000

# The linted code's strings are decoded and parsed here (literal_eval, ast, libcst): their
# invalid escapes would print Python's warnings on the CLI's or the server's stderr.
for _category in (DeprecationWarning, SyntaxWarning):
    warnings.filterwarnings("ignore", message="invalid (octal )?escape sequence", category=_category)


@dataclass
class Result:
    diagnostics: List[Diagnostic]
    files: int
    missing: List[str] = field(default_factory=list)
    calls: List[Call] = field(default_factory=list)
    internal_errors: List[str] = field(default_factory=list)  # bugs caught per file; exit 2
    reads: Dict[str, str] = field(default_factory=dict)  # prompt files: realpath -> why not read ("" = read)
    context_skipped: bool = False  # the project had more files than context_limit: judged without them
    sources: Dict[str, str] = field(default_factory=dict)  # text linted from memory, by absolute path


def read_source(abspath: str, shown: str, data: Optional[bytes] = None) -> Tuple[Optional[str], Optional[FileError], bytes]:
    """The decoded text of a file, or the CL902 error that says why it has none."""
    here = Loc(shown, 1, 1, 1, 1)
    too_large = FileError("CL902", f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; skipped", here)
    if data is None:
        try:
            # Open first, then check what was opened: a FIFO or a device (`x.py -> /dev/zero`)
            # would block or never end.
            data = safeio.read_regular(abspath, MAX_FILE_BYTES)
        except safeio.NotRegular:
            return None, FileError("CL902", "not a regular file (a pipe, socket or device); not linted", here), b""
        except safeio.TooLarge:
            return None, too_large, b""
        except OSError as exc:
            return None, FileError("CL902", f"cannot read file: {exc.strerror or exc}", here), b""
    elif len(data) > MAX_FILE_BYTES:  # standard input, an editor's buffer: the same cap as a file
        return None, too_large, b""
    if data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE) or data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return None, FileError("CL902", "UTF-16/UTF-32 encoded; Python source must be UTF-8 (or declare an ASCII-compatible coding); not linted", here), data
    if b"\x00" in data:
        return None, FileError("CL902", "binary file (contains NUL bytes); not linted", here), data
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        return None, FileError("CL902", f"cannot decode file: {reason}", here), data
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None, data


class _NoCollection:
    """The cyclic garbage collector held off while one file is parsed and walked, then
    run over the young objects only. `compile` builds a tree of hundreds of thousands of
    nodes, all alive until the walk ends: with the collector on, each batch of them is
    traversed again and again and promoted into the old generation, which then triggers
    full collections (a third of the parse's time on the heavy corpus). A tree holds no
    reference cycles, so it is freed by reference counting when the file is done; the
    few cycles the walk makes are freed by the collection of the young generation after
    each file, which keeps memory bounded per file."""

    __slots__ = ("held",)

    def __enter__(self):
        self.held = gc.isenabled()
        if self.held:
            gc.disable()
        return self

    def __exit__(self, *exc):
        if self.held:
            gc.enable()
            gc.collect(0)
        return False


class Linter:
    def __init__(self, settings: Settings, prefilter: bool = True):
        self.settings = settings
        self.prefilter = prefilter  # False: parse every file (tests prove it changes nothing)
        self.root = os.path.abspath(settings.root)
        self._catalog: Optional[catalog_mod.Catalog] = None
        self.codes = selected(settings)
        rules = by_code()
        self.rules = [rules[c] for c in self.codes if c in rules]
        self.project = Project(self.root, self._load_other)
        self.seconds = float(settings.options_for("CL904").get("seconds", DEFAULT_SECONDS))
        self.internal_errors: List[str] = []
        self._packages: Dict[str, str] = {}
        self._real_folders: Dict[str, str] = {}
        self._real_root: Optional[str] = None
        self._callers: Dict[str, FileFacts] = {}
        self._imported_words: Dict[str, tuple] = {}  # the second phase's rounds read each file's imports once
        # Text linted from memory (a buffer, standard input), by absolute path: the rule
        # context's `sources`, so that fixes are built against the text that was linted.
        self.sources: Dict[str, str] = {}
        self._spelled: Dict[str, tuple] = {}  # names key -> the names as bytes
        self.stats: Dict[str, os.stat_result] = {}  # taken by this run's first look at a file, for its later ones

    @property
    def catalog(self) -> catalog_mod.Catalog:
        """Loaded on first use: a run that finds no call never reads models.toml."""
        if self._catalog is None:
            with paused():  # loaded once per run: not the time of the file that first needs it
                self._catalog = catalog_mod.configured(self.settings)
        return self._catalog

    def _load_other(self, abspath: str) -> Optional[FileFacts]:
        """A module some value resolves into: parsed whatever the pre-filter says."""
        try:
            with _NoCollection(), time_limit(self.seconds):
                text, error, _ = read_source(abspath, display(abspath))
                if text is None:
                    return None
                return extract_source(text, display(abspath), abspath, "python", module_name(abspath, self.root), prefilter=False)
        except (FileTimeout, MemoryError):
            return None  # its values stay unknown; the file itself gets its CL904 when it is linted
        except Exception as exc:  # a bug of ours: report it, lint the other files
            self.internal_errors.append(f"{display(abspath)}: {type(exc).__name__}: {exc}")
            return None

    def escapes(self, source: SourceFile) -> Optional[FileFacts]:
        """The CL902 of a file inside the root that is a symlink (or under a symlinked
        folder) leading outside it: a repository must not make us read, and quote in our
        output, a file elsewhere on the machine. None for every other file."""
        prefix = self.root.rstrip(os.sep) + os.sep
        if not source.abspath.startswith(prefix):
            return None  # named outside the project by the user: theirs to lint
        folder, name = os.path.split(source.abspath)
        if folder not in self._real_folders:  # one lstat per folder, one per file
            self._real_folders[folder] = self._real_folder(folder)
        try:
            seen = os.lstat(source.abspath)
            linked = stat.S_ISLNK(seen.st_mode)
            if not linked:  # no symlink: its lstat is its stat, which `gather` then need not take
                self.stats.setdefault(source.abspath, seen)
        except OSError:
            linked = False
        real = os.path.realpath(source.abspath) if linked else os.path.join(self._real_folders[folder], name)
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        if real == self._real_root or real.startswith(self._real_root.rstrip(os.sep) + os.sep):
            return None
        error = FileError("CL902", "a symlink to a file outside the project root; not read", Loc(source.path, 1, 1, 1, 1))
        return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))

    def _real_folder(self, folder: str) -> str:
        """os.path.realpath(folder), from its parent's when that is known and the folder is
        no symlink: realpath alone would lstat every component of every folder again."""
        parent, name = os.path.split(folder)
        known = self._real_folders.get(parent)
        if known is None and name and len(parent) > len(self.root) and parent.startswith(self.root):
            known = self._real_folders[parent] = self._real_folder(parent)  # depth: the folder's below the root
        if known is None or not name:
            return os.path.realpath(folder)
        try:
            if stat.S_ISLNK(os.lstat(folder).st_mode):
                return os.path.realpath(folder)
        except OSError:
            return os.path.realpath(folder)
        return os.path.join(known, name)

    def facts_for(self, source: SourceFile, data: Optional[bytes] = None, triaged: bool = False) -> FileFacts:
        """triaged: `triage` already said this file needs a parse."""
        if data is None:
            refused = self.escapes(source)
            if refused is not None:
                return refused
        if data is None and not wants(source.kind, source.abspath, self.settings, MAX_FILE_BYTES) and not _special(source):
            return FileFacts(source.path, source.abspath, None, source.kind, parsed=False)
        try:
            with _NoCollection(), time_limit(self.seconds):
                return self._facts_for(source, data, triaged)
        except FileTimeout:
            return FileFacts(source.path, source.abspath, None, source.kind, errors=(self._timeout_error(source.path),))
        except MemoryError:
            return FileFacts(source.path, source.abspath, None, source.kind, errors=(self._memory_error(source.path),))
        except Exception as exc:  # a bug of ours: report it (from a pool worker too), lint the other files
            return FileFacts(source.path, source.abspath, None, source.kind, internal_error=f"{type(exc).__name__}: {exc}")

    def _facts_for(self, source: SourceFile, data: Optional[bytes], triaged: bool) -> FileFacts:
        if not triaged:
            cheap = self.triage(source, data)
            if cheap is not None:
                return cheap
        text, error, _ = read_source(source.abspath, source.path, data)
        if data is not None and text is not None and source.kind in ("python", "notebook"):
            self.sources[source.abspath] = text
        if error is not None:
            return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))
        module = module_name(source.abspath, self.root)
        if self.prefilter and source.kind == "python":
            from claude_lint.extract import python

            facts = python.extract(text, source.path, source.abspath, module, calls_only=True)
        else:
            facts = extract_source(text, source.path, source.abspath, source.kind, module, prefilter=self.prefilter, settings=self.settings)
        return suppress.with_comments(facts, text)  # noqa comments of YAML, TOML, front matter; file-level ones

    def triage(self, source: SourceFile, data: Optional[bytes] = None) -> Optional[FileFacts]:
        """The facts of a file that needs no parse (unreadable, or no LLM call per the
        pre-filter's byte test), cheaply; None when it must be parsed (the pre-filter's
        tree test then runs on the parse the extractor uses)."""
        text, error, raw = read_source(source.abspath, source.path, data)
        if error is not None:
            return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))
        if not (self.prefilter and source.kind == "python"):
            return None
        # The byte patterns are ASCII and Python source encodings are ASCII-compatible:
        # the raw bytes answer as the text would.
        if needs_parse(raw):
            return None
        return FileFacts(source.path, source.abspath, module_name(source.abspath, self.root), "python", parsed=False)

    # --- the second phase: calls of the project's wrappers ---------------------------

    def _bytes(self, source: SourceFile, given: Optional[Dict[str, bytes]]) -> Tuple[Optional[os.stat_result], Optional[bytes]]:
        if given is not None and source.abspath in given:
            return None, given[source.abspath]
        try:
            st = os.stat(source.abspath)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
                return None, None
            with open(source.abspath, "rb") as fh:
                return st, fh.read(MAX_FILE_BYTES + 1)
        except OSError:
            return None, None

    def names_present(self, source: SourceFile, wanted: Dict[str, frozenset], key: str, cache: Optional[FactsCache], given: Optional[Dict[str, bytes]] = None) -> set:
        """Which of the project's wrappers (name -> their modules) the file may call from
        another module (a byte test, cached by stat; `key` names `wanted`)."""
        from claude_lint.extract.prefilter import imported_words, names_in

        st = None
        if cache is not None and (given is None or source.abspath not in given):
            st = self.stats.get(source.abspath)
            try:
                st = st or os.stat(source.abspath)
            except OSError:
                return set()
            found = cache.presence(source.abspath, st, key)
            if found is not None:
                return set(found)
        st2, data = self._bytes(source, given)
        if data is None:
            return set()
        spelled = self._spelled.get(key)
        if spelled is None:
            spelled = self._spelled[key] = tuple(name.encode("utf-8", "surrogatepass") for name in wanted)
        if not any(word in data for word in spelled):
            result: set = set()  # names_in finds none of them without their bytes: its import scan is not paid
        else:
            if source.abspath not in self._imported_words:
                self._imported_words[source.abspath] = imported_words(data) if b"import" in data else (set(), {})
            result = names_in(data, wanted, self._imported_words[source.abspath])
        if cache is not None and st2 is not None:
            cache.store_presence(source.abspath, st2, key, result)
        return result

    def callers_for(self, source: SourceFile, names: frozenset, local: frozenset, methods: frozenset, cache: Optional[FactsCache], given: Optional[Dict[str, bytes]] = None) -> Optional[FileFacts]:
        """The file's calls of other files' wrappers it names (parsed; cached by content and names)."""
        from claude_lint.extract import wrappers

        st, data = self._bytes(source, given)
        if data is None:
            return None
        key = ""
        hashed = b""
        if cache is not None and st is not None:
            from claude_lint.cache import digest

            key = _names_key(names) + _names_key(local) + _names_key(methods)
            hashed = digest(data)
            hit, found = cache.callers(source.abspath, st, hashed, key)
            if hit:
                return found
        try:
            with _NoCollection(), time_limit(self.seconds):
                text, error, _ = read_source(source.abspath, source.path, data)
                found = None
                if text is not None:
                    found = wrappers.callers(text, source.path, source.abspath, module_name(source.abspath, self.root), source.kind, names, local, methods)
        except FileTimeout:
            return None
        except Exception as exc:  # a bug of ours: report it, lint the other files
            self.internal_errors.append(f"{source.path}: {type(exc).__name__}: {exc}")
            return None
        if cache is not None and st is not None:
            cache.store_callers(source.abspath, st, hashed, key, found)
        return found

    def _timeout_error(self, path: str) -> FileError:
        return FileError(
            "CL904",
            f"analysis took longer than {self.seconds:g} s; file not linted "
            "(raise `seconds` under [tool.claude-lint.CL904] if the file is legitimately this large)",
            Loc(path, 1, 1, 1, 1),
        )

    def _memory_error(self, path: str) -> FileError:
        return FileError("CL904", "analysis needed more memory than claude-lint allows itself; file not linted", Loc(path, 1, 1, 1, 1))

    def run(self, all_facts: Sequence[FileFacts], callers: Sequence[FileFacts] = ()) -> List[Diagnostic]:
        """callers: the second phase's facts (calls of the project's wrappers in files that
        name another file's wrapper), see `wrapper_callers`."""
        self.internal_errors.extend(f"{f.path}: {f.internal_error}" for f in all_facts if f.internal_error)
        for facts in all_facts:
            if facts.parsed and not facts.errors:
                self.project.add(facts)
        for facts in callers:
            if facts.wrappers is not None:
                self.project.add_table(facts.abspath, facts.wrappers, "callers")
        derived = self.project.wrapper_calls()
        reached = Counter(loc for site in derived for loc in (site.via, *site.also))
        sites = [replace(site, reached=reached[site.loc]) if site.loc in reached else site for facts in all_facts for site in facts.calls]
        contexts = [(rule, Context(_LazyCatalog(self), {**rule.options, **self.settings.options_for(rule.code)}, self.package_of, self.sources)) for rule in self.rules]
        # Linking and the rules run under the same per-file limit as extraction: each
        # file has `seconds` for all its calls, and one that runs out is a CL904 with
        # none of its findings (its calls are left out of the project rules too). A call
        # of a wrapper is the caller's file's.
        left: Dict[str, float] = {}  # seconds each file has left (paused loads not counted)
        overrun: Dict[str, FileError] = {}
        calls: List[Call] = []
        by_call: List[Tuple[Call, List[Diagnostic]]] = []
        for site in sites + derived:
            path = site.loc.path
            if path in overrun:
                continue
            if self.seconds > 0 and left.get(path, self.seconds) <= 0:
                overrun[path] = self._timeout_error(path)
                continue
            limit = time_limit(left.get(path, self.seconds) if self.seconds > 0 else None)
            try:
                with limit:
                    call = self.project.resolve_call(site)
                    places = (call.site.loc,) if call.site.via is None else (call.site.loc, call.site.via, *call.site.also)
                    reported: List[Diagnostic] = []
                    # A local server (Ollama, LM Studio, localhost): nothing is billed, nothing to say about cost.
                    for rule, ctx in contexts if not call.site.local else ():
                        for d in self._checked(rule, rule.check_call, call, ctx, path):
                            # A finding reported where a value is defined can be silenced at the call too;
                            # one through a wrapper names both the caller and the request it reaches.
                            others = tuple(p for p in places if p != d.loc and p not in d.related)
                            reported.append(replace(d, related=d.related + others) if others else d)
            except FileTimeout:
                overrun[path] = self._timeout_error(path)
                continue
            except MemoryError:
                overrun[path] = self._memory_error(path)
                continue
            finally:
                if limit.entry is not None:  # its deadline moved on by the time spent paused
                    left[path] = limit.entry.deadline - time.monotonic()
            calls.append(call)
            by_call.append((call, reported))
        calls = [c for c in calls if c.site.loc.path not in overrun]
        self.calls = calls
        found: List[Diagnostic] = [d for call, reported in by_call if call.site.loc.path not in overrun for d in reported]
        for rule, ctx in contexts:
            found.extend(self._checked(rule, rule.check_project, calls, ctx, "project"))
        errors = [error for facts in all_facts for error in facts.errors] + list(overrun.values())
        for error in errors:
            if error.code in self.codes:
                found.append(by_code()[error.code].from_error(error))
        by_path = {f.path: f for f in all_facts}
        self._callers = {f.path: f for f in callers}
        kept: Dict[tuple, Diagnostic] = {}
        for d in found:
            if any(self._suppressed(d.code, loc, by_path.get(loc.path)) for loc in (d.loc, *d.related)):
                continue
            # One finding per place: the calls of a wrapper that share a deciding value (a
            # default, a keyword the wrapper fixes) give one finding there, naming them all.
            key = (d.code, d.loc.path, d.loc.cell, d.loc.row, d.loc.col)
            first = kept.get(key)
            if first is None:
                kept[key] = d
            else:
                more = tuple(r for r in d.related if r not in first.related and r != first.loc)
                if more:
                    kept[key] = replace(first, related=first.related + more)
        return sorted(kept.values(), key=Diagnostic.sort_key)

    def package_of(self, path: str) -> str:
        return package_root(path, self.root, self._packages)

    def _checked(self, rule, check, subject, ctx: Context, where: str) -> List[Diagnostic]:
        try:
            return list(check(subject, ctx))
        except MemoryError:
            raise  # not a bug: the file's CL904
        except Exception as exc:  # a bug of ours: report it, keep the other findings
            self.internal_errors.append(f"{where}: {rule.code}: {type(exc).__name__}: {exc}")
            return []

    def _suppressed(self, code: str, loc: Loc, facts: Optional[FileFacts]) -> bool:
        if facts is not None and not facts.parsed:
            # Skipped by the pre-filter, so no noqa facts; if a value resolved into it, link parsed it
            # whole; a call of a wrapper found by the second phase has it parsed whole now.
            loaded = self.project.loaded(facts.abspath)
            if loaded is None and facts.path in self._callers:
                loaded = self.project.facts(facts.abspath)
            facts = loaded or facts
        rel = os.path.relpath(os.path.abspath(loc.path), self.root).replace(os.sep, "/")
        for glob, codes in self.settings.per_file_ignores:
            if (fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(os.path.basename(rel), glob)) and any(config_mod.covers(c, code) for c in codes):
                return True
        if facts is None or not facts.noqa:
            return False
        row = loc.row
        if loc.cell is not None:  # notebook: noqa rows are rows of the joined code cells
            row = next((first + row - 1 for first, number in facts.cells if number == loc.cell), row)
        rows = {row}
        for start, end in facts.statements:
            if start <= row <= end:
                rows.update(range(start, end + 1))
        for noqa in facts.noqa:
            if (noqa.row in rows or noqa.row == suppress.WHOLE_FILE) and (noqa.codes is None or code in noqa.codes):
                return True
        return False


class _LazyCatalog:
    """The linter's catalogue, read on first use: a run that finds no call never reads models.toml."""

    def __init__(self, linter: Linter):
        self._linter = linter

    def __getattr__(self, name: str):
        return getattr(self._linter.catalog, name)


def gather(linter: Linter, sources: Sequence[SourceFile], cache: Optional[FactsCache], pool_allowed: bool = True) -> List[FileFacts]:
    """Facts for every source, in order: from the cache, from the pre-filter, or extracted
    (in a process pool when there are many files to parse and `pool_allowed`)."""
    from claude_lint import pool

    if cache is not None:
        from claude_lint.cache import digest
    out: List[Optional[FileFacts]] = [None] * len(sources)
    jobs: List[Tuple[int, object, Optional[bytes]]] = []
    stats: Dict[int, Tuple[os.stat_result, bytes]] = {}
    for i, source in enumerate(sources):
        refused = linter.escapes(source)
        if refused is not None:
            out[i] = refused
            continue
        st = linter.stats.get(source.abspath)  # taken by `escapes` just now
        if st is None:
            try:
                st = linter.stats[source.abspath] = os.stat(source.abspath)
            except OSError:
                st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            out[i] = linter.facts_for(source)  # reports why it cannot be read (a pipe would block an open)
            continue
        if not wants(source.kind, source.abspath, linter.settings, MAX_FILE_BYTES):
            out[i] = linter.facts_for(source)  # a kind's own cheap test says: not worth reading
            continue
        if cache is not None:
            # The module name follows from the path and the root, and the root is in the key.
            hit = cache.by_stat(False, source.abspath, st, source.path, None)
            if hit is not None:
                out[i] = hit
                continue
        module = module_name(source.abspath, linter.root)
        data: Optional[bytes] = None
        if st.st_size <= MAX_FILE_BYTES:
            try:
                data = safeio.read_regular(source.abspath, MAX_FILE_BYTES)
            except OSError:  # swapped for a pipe since the stat, grown, gone: facts_for says why
                data = None
        if data is None:
            out[i] = linter.facts_for(source)
            continue
        hashed = b""
        if cache is not None:
            hashed = digest(data)
            hit = cache.by_content(False, source.abspath, st, hashed, source.path, module)
            if hit is not None:
                out[i] = hit
                continue
        stats[i] = (st, hashed)
        cheap = linter.triage(source, data)  # unreadable, or no call per the byte test
        if cheap is not None:
            out[i] = cheap
        else:
            jobs.append((i, source, data))
    for (i, _, _), found in zip(jobs, pool.extract_all(linter, [(s, d) for _, s, d in jobs], pool_allowed)):
        out[i] = found
    if cache is not None:
        for i, (st, hashed) in stats.items():
            cache.store(False, sources[i].abspath, st, hashed, out[i])
    return out  # type: ignore[return-value]


def lint(
    paths: Sequence[str],
    settings: Settings,
    stdin: Optional[Tuple[str, bytes]] = None,
    context_cache: Optional["ContextCache"] = None,
    prefilter: bool = True,
    context_limit: Optional[int] = None,
) -> Result:
    """Lint `paths` (or one buffer). Each file is linted with the settings of the nearest
    config above it (ruff's hierarchical configs), whatever the order of the paths; the
    files under one config are linted together, as one project rooted at its folder.
    context_limit: at most this many other files of a project are read for the
    project-wide rules (0: none); a project with more is judged on the files given alone.
    Raises config.ConfigError for a nested config that cannot be used."""
    if stdin is not None:
        name, _ = stdin
        abspath = os.path.abspath(name)
        source = SourceFile(display(abspath), abspath, _kind(name), explicit=True)
        return _lint_group(settings, [source], stdin, context_cache, prefilter, None, context_limit)
    sources, missing = discover(paths, settings)
    groups = by_config(sources, settings)
    if not groups:
        groups = [(settings, [])]
    results = [_lint_group(s, group, None, context_cache, prefilter, settings, context_limit) for s, group in groups]
    if len(results) == 1:
        result = results[0]
    else:
        result = Result(sorted((d for r in results for d in r.diagnostics), key=Diagnostic.sort_key), sum(r.files for r in results))
        for r in results:
            result.calls += r.calls
            result.internal_errors += r.internal_errors
            result.reads.update(r.reads)
            result.context_skipped = result.context_skipped or r.context_skipped
    result.missing = missing
    return result


def by_config(sources: Sequence[SourceFile], settings: Settings) -> List[Tuple[Settings, List[SourceFile]]]:
    """The sources grouped by the settings that govern them: the run's first, then those
    of nested configs by folder."""
    from claude_lint.discover import kept_by

    memo: Dict[str, Optional[str]] = {}
    loaded: Dict[str, Settings] = {}
    groups: Dict[int, Tuple[Settings, List[SourceFile]]] = {}
    for source in sources:
        governing = config_mod.governing(settings, os.path.dirname(source.abspath), memo, loaded)
        if governing is not settings and not kept_by(source, governing):
            continue
        groups.setdefault(id(governing), (governing, []))[1].append(source)
    return sorted(groups.values(), key=lambda g: (g[0] is not settings, g[0].root))


def _lint_group(settings: Settings, sources: List[SourceFile], stdin: Optional[Tuple[str, bytes]], context_cache: Optional["ContextCache"],
                prefilter: bool, run: Optional[Settings], context_limit: Optional[int]) -> Result:
    """`run`: the run's settings (context files governed by a nested config belong to
    that config's project, not to this one)."""
    linter = Linter(settings, prefilter=prefilter)
    context, skipped = _project_context(linter, sources, context_limit, context_cache)
    cache = None
    # A buffer (stdin, an editor's) is linted as given, never looked up or stored: the
    # cache serves the rest of the project, read from disk, for the project-wide rules
    # (and is not made for a buffer linted alone, nor in a folder no config or project
    # marker makes a project: an editor's buffer must not leave a cache folder beside it).
    if not settings.no_cache and (stdin is None or (context and _marked(settings))):  # the cache module (pickle, hashlib) only when used
        from claude_lint import cache as cache_mod

        cache = context_cache.facts_cache(settings, prefilter) if context_cache is not None else cache_mod.FactsCache.open(settings, prefilter)
        linter.project = Project(linter.root, cache_mod.cached_loader(cache, linter._load_other, linter.root))
    given: Optional[Dict[str, bytes]] = None
    if stdin is not None:
        facts = [linter.facts_for(sources[0], stdin[1])]
        given = {sources[0].abspath: stdin[1]}
    else:
        facts = gather(linter, sources, cache)
    if run is not None and context:
        memo: Dict[str, Optional[str]] = {}
        loaded: Dict[str, Settings] = {}
        context = [s for s in context if config_mod.governing(run, os.path.dirname(s.abspath), memo, loaded).root == settings.root]
    if context_cache is None:
        context_facts = gather(linter, context, cache) if context else []
    else:
        context_facts = _all_context_facts(linter, context, context_cache, cache)
    alone = bool(sources) and not context and all(s.explicit for s in sources) and len(sources) <= 64
    callers = wrapper_callers(linter, list(sources) + list(context), facts + context_facts, cache, given, alone)
    diagnostics = linter.run(facts + context_facts, callers)
    if cache is not None:
        cache.save()
    calls = linter.calls
    if context:
        # the rest of the project was read for its facts only: report on the files given
        named = {s.abspath for s in sources}
        # A finding reported where a value is written (a model ID in a config module) is
        # kept when one of the requests it names is in a file given.
        diagnostics = [d for d in diagnostics if any(os.path.abspath(loc.path) in named for loc in (d.loc, *d.related))]
        calls = [c for c in calls if os.path.abspath(c.site.loc.path) in named]
    return Result(diagnostics, len(sources), [], calls, linter.internal_errors, dict(linter.project.reads), skipped, linter.sources if stdin is not None else {})


class ContextCache(OrderedDict):
    """(abspath, shown path, kind, root) -> ((mtime_ns, size), facts), least recently used
    first; at most `limit` entries. It also keeps the facts caches it read (one per cache
    file, unpickled once per process, not once per lint)."""

    def __init__(self, limit: int = CONTEXT_CACHE_ENTRIES):
        super().__init__()
        self.limit = limit
        self.facts_caches: Dict[str, "FactsCache"] = {}
        self.listings: Dict[tuple, tuple] = {}  # see `listing`

    def listing(self, root: str, settings: Settings, limit: Optional[int]) -> List[SourceFile]:
        """The project's files as `discover` lists them, walked again only when a folder
        of the last walk (or a .gitignore in it) has changed since: a re-lint on every
        edit would otherwise walk the whole tree each time. The files' own changes are
        seen by their stat, where their facts are read."""
        from claude_lint.discover import stamp

        selection = tuple((name, repr(getattr(settings, name, None))) for name in ("exclude", "extend_exclude", "respect_gitignore", "force_exclude"))
        key = (root, os.getcwd(), selection, limit)  # shown paths are relative to the working folder
        last = self.listings.get(key)
        if last is not None and all(stamp(path) == seen for path, seen in last[0].items()):
            return last[1]
        folders: Dict[str, tuple] = {}
        found, _ = discover([root], settings, limit=limit, folders=folders)
        while len(self.listings) >= 4:
            del self.listings[next(iter(self.listings))]
        self.listings[key] = (folders, found)
        return found

    def facts_cache(self, settings: Settings, prefilter: bool) -> "FactsCache":
        from claude_lint import cache as cache_mod

        name = cache_mod.file_for(settings, prefilter)
        found = self.facts_caches.get(name)
        if found is None:
            while len(self.facts_caches) >= 4:  # a few projects at once: the oldest is dropped
                del self.facts_caches[next(iter(self.facts_caches))]
            found = self.facts_caches[name] = cache_mod.FactsCache.open(settings, prefilter)
        return found


def wrapper_callers(linter: Linter, sources: Sequence[SourceFile], all_facts: Sequence[FileFacts], cache: Optional[FactsCache], given: Optional[Dict[str, bytes]] = None, alone: bool = False) -> List[FileFacts]:
    """The second phase: the calls of the project's wrappers made in other files. A file is
    tested first, on its bytes (no parse), for an import of a wrapper or of its module, so
    a file that cannot call one costs a read. A function found here passing its parameters
    on to a wrapper is a wrapper too once link sees it reach a request; it is looked for in
    the next round, up to the wrapper depth. given: the bytes of files not read from disk.
    alone: the files were named without the rest of the project (none of it is read): each
    is parsed for every call that may reach another module, and link reads those modules."""
    from claude_lint.extract import sdk, wrappers

    project = linter.project
    found: Dict[str, FileFacts] = {}
    for f in all_facts:
        if f.wrappers is not None and f.parsed and not f.errors:
            project.add(f)
            found[f.abspath] = f
    if alone:
        named: List[FileFacts] = []
        for source in sources:
            if source.kind in ("python", "notebook"):
                local = found[source.abspath].wrappers if source.abspath in found else None
                own = frozenset(w.name for w in local.functions) if local is not None else frozenset()
                facts = linter.callers_for(source, wrappers.EVERYTHING, own, wrappers.EVERYTHING, cache, given)
                if facts is not None and facts.wrappers is not None:
                    named.append(facts)
        return named
    if not found:
        return []
    project.cover(s.abspath for s in sources)
    sdk_dirs: Dict[str, bool] = {"": False}
    for module in sdk.SDK_MODULES:
        sdk_dirs[module.split(".")[0]] = True
    readable = [s for s in sources if s.kind in ("python", "notebook")]
    results: Dict[str, FileFacts] = {}
    present: Dict[str, set] = {}
    asked: Dict[str, set] = {}  # name -> modules already asked about
    confirmed: Dict[str, FileFacts] = dict(found)
    for _ in range(wrappers.MAX_DEPTH):
        # Notebooks are never imported: their wrappers are called in the notebook (phase 1).
        # Nor is an SDK's own source looked into (a vendored litellm): the SDK tables model
        # its entry points, and its internal calls are not the project's requests.
        importable = [f for f in confirmed.values() if f.module and not _in_sdk(f.abspath, sdk_dirs, linter.root)]
        wanted: Dict[str, set] = {}
        kinds: Dict[str, set] = {}
        for f, names in zip(importable, wrappers.exported([f.wrappers for f in importable])):  # type: ignore[misc]
            path = f.module.split(".")  # type: ignore[union-attr]
            for name, methods in names.items():
                kinds.setdefault(name, set()).update(methods)
                for stem in path:  # a package re-exporting it: `import app` ... `app.ask(`
                    if (stem, methods) not in asked.get(name, ()):
                        wanted.setdefault(name, set()).add(stem)
        if not wanted:
            break
        for name, stems in wanted.items():
            asked.setdefault(name, set()).update((stem, frozenset(kinds[name])) for stem in stems)
        asking = {n: (frozenset(m), frozenset(kinds[n])) for n, m in wanted.items()}
        key = _names_key(f"{n}:{','.join(sorted(m))}:{','.join(sorted(k))}" for n, (m, k) in asking.items())
        hits = []
        for source in readable:
            names = linter.names_present(source, asking, key, cache, given)
            if names:
                present.setdefault(source.abspath, set()).update(names)
                hits.append(source)
        methods = frozenset(wrappers.methods_of(f.wrappers for f in confirmed.values()))  # type: ignore[misc]
        for source in hits:
            local = found[source.abspath].wrappers if source.abspath in found else None
            own = frozenset(w.name for w in local.functions) if local is not None else frozenset()
            facts = linter.callers_for(source, frozenset(present[source.abspath]), own, methods, cache, given)
            if facts is not None and facts.wrappers is not None:
                results[source.abspath] = facts
                project.add_table(source.abspath, facts.wrappers, "callers")
        # Only functions that do reach a request are wrappers worth looking for elsewhere.
        # (A subclass of a wrapper class, found here, is kept for its name.)
        for path, facts in results.items():
            table = facts.wrappers
            if table is not None:
                real = set(project.reaches(path, table))
                kept = replace(table, functions=tuple(w for w in table.functions if w.name in real))
                confirmed[path + "\0callers"] = replace(facts, wrappers=kept)
    return list(results.values())


def _all_context_facts(linter: Linter, sources: Sequence[SourceFile], cache: ContextCache, facts_cache: Optional[FactsCache]) -> List[FileFacts]:
    """The context files' facts for a long-lived caller: from its memory when unchanged on
    disk, else gathered together (from the facts cache, else extracted; never in a pool:
    the caller's threads would be forked with it)."""
    out: List[Optional[FileFacts]] = [None] * len(sources)
    stamps: Dict[int, tuple] = {}
    missed: List[int] = []
    for i, source in enumerate(sources):
        try:
            st = linter.stats[source.abspath] = os.stat(source.abspath)
        except OSError:
            out[i] = linter.facts_for(source)
            continue
        key = (source.abspath, source.path, source.kind, linter.root)
        stamp = (st.st_mtime_ns, st.st_size)
        entry = cache.pop(key, None)
        if entry is not None and entry[0] == stamp:
            cache[key] = entry  # last: the most recently used
            out[i] = entry[1]
        else:  # a changed file replaces its entry: no stale ones pile up
            stamps[i] = stamp
            missed.append(i)
    if missed:
        found = gather(linter, [sources[i] for i in missed], facts_cache, pool_allowed=False)
        for i, facts in zip(missed, found):
            source = sources[i]
            cache[(source.abspath, source.path, source.kind, linter.root)] = (stamps[i], facts)
            out[i] = facts
    # One entry out per entry in, the least recently used: no wholesale clear, which past
    # the limit made every lint parse the whole project again.
    while len(cache) > cache.limit:
        cache.popitem(last=False)
    return out  # type: ignore[return-value]


def _context_facts(linter: Linter, source: SourceFile, cache: Optional[ContextCache]) -> FileFacts:
    """A context file's facts; a long-lived caller (the language server, which re-lints
    on every edit) passes `cache` so that unchanged files on disk are not parsed again."""
    if cache is None:
        return linter.facts_for(source)
    try:
        st = os.stat(source.abspath)
    except OSError:
        return linter.facts_for(source)
    key = (source.abspath, source.path, source.kind, linter.root)
    stamp = (st.st_mtime_ns, st.st_size)
    entry = cache.pop(key, None)
    if entry is None or entry[0] != stamp:  # a changed file replaces its entry: no stale ones pile up
        entry = (stamp, linter.facts_for(source))
    cache[key] = entry  # last: the most recently used
    # One entry out per entry in, the least recently used: no wholesale clear, which past
    # the limit made every lint parse the whole project again.
    while len(cache) > cache.limit:
        cache.popitem(last=False)
    return entry[1]


def _project_context(linter: Linter, sources: Sequence[SourceFile], limit: Optional[int] = None, memory: Optional[ContextCache] = None) -> Tuple[List[SourceFile], bool]:
    """When single files are named (pre-commit passes only the changed ones; an editor
    lints one buffer), the project's other files, so that project-wide rules (CL003)
    judge the whole project and not the few files given; and whether there were more
    than `limit` of them, so that none are used."""
    from claude_lint.checks.base import Rule

    if limit == 0 or not any(s.explicit for s in sources):
        return [], False
    if not any(type(r).check_project is not Rule.check_project for r in linter.rules):
        return [], False
    given = {s.abspath for s in sources}
    walk_limit = None if limit is None else limit + len(given)
    if memory is not None:
        others = memory.listing(linter.root, linter.settings, walk_limit)
    else:
        # The walk stops a file past the limit: a huge tree is not listed only to be refused.
        others, _ = discover([linter.root], linter.settings, limit=walk_limit)
    context = [s for s in others if s.abspath not in given]
    if limit is not None and len(context) > limit:
        return [], True
    return context, False


def _marked(settings: Settings) -> bool:
    """Is the root a project's: a config was found, or a project marker sits there?"""
    return settings.config_path is not None or any(os.path.exists(os.path.join(settings.root, m)) for m in config_mod.ROOT_MARKERS)


def _special(source: SourceFile) -> bool:
    """A FIFO, socket or device with a linted suffix: reported (CL902), never opened for a
    sniff. Markdown is never read, so never reported."""
    if source.kind == "text":
        return False
    try:
        return not stat.S_ISREG(os.stat(source.abspath).st_mode)
    except OSError:
        return False


def _in_sdk(abspath: str, known: Dict[str, bool], root: str) -> bool:
    """Is a file part of an SDK's package: a folder above it, below the root, that is a
    package (it holds `__init__.py`) named as an SDK module (a vendored `litellm/`)?"""
    folder = os.path.dirname(abspath)
    for _ in range(64):
        if len(folder) <= len(root) or not folder.startswith(root):
            return False
        if known.get(os.path.basename(folder)) and os.path.isfile(os.path.join(folder, "__init__.py")):
            return True
        parent = os.path.dirname(folder)
        if parent == folder:
            return False
        folder = parent
    return False


def _names_key(names) -> str:
    from claude_lint.extract import wrappers

    if isinstance(names, type(wrappers.EVERYTHING)):
        return "*"
    import hashlib  # here: a run over one file names no wrappers, and never loads OpenSSL

    return hashlib.blake2b("\0".join(sorted(names)).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _kind(name: str) -> str:
    from claude_lint.discover import kind_of

    return kind_of(name) or "python"
