"""The pipeline: discover -> extract -> link -> checks -> suppress."""
from __future__ import annotations

import codecs
import fnmatch
import io
import os
import stat
import time
import tokenize
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from claude_lint import catalog as catalog_mod
from claude_lint import config as config_mod
from claude_lint import fixes, safeio, suppress
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

MAX_FILE_BYTES = 5_000_000

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
            with time_limit(self.seconds):
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
        if folder not in self._real_folders:  # one realpath per folder, one lstat per file
            self._real_folders[folder] = os.path.realpath(folder)
        try:
            linked = stat.S_ISLNK(os.lstat(source.abspath).st_mode)
        except OSError:
            linked = False
        real = os.path.realpath(source.abspath) if linked else os.path.join(self._real_folders[folder], name)
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        if real == self._real_root or real.startswith(self._real_root.rstrip(os.sep) + os.sep):
            return None
        error = FileError("CL902", "a symlink to a file outside the project root; not read", Loc(source.path, 1, 1, 1, 1))
        return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))

    def facts_for(self, source: SourceFile, data: Optional[bytes] = None, triaged: bool = False) -> FileFacts:
        """triaged: `triage` already said this file needs a parse."""
        if data is None:
            refused = self.escapes(source)
            if refused is not None:
                return refused
        if data is None and not wants(source.kind, source.abspath, self.settings, MAX_FILE_BYTES) and not _special(source):
            return FileFacts(source.path, source.abspath, None, source.kind, parsed=False)
        try:
            with time_limit(self.seconds):
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
        fixes.remember(source.abspath, text if data is not None and source.kind in ("python", "notebook") else None)
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

    def _timeout_error(self, path: str) -> FileError:
        return FileError(
            "CL904",
            f"analysis took longer than {self.seconds:g} s; file not linted "
            "(raise `seconds` under [tool.claude-lint.CL904] if the file is legitimately this large)",
            Loc(path, 1, 1, 1, 1),
        )

    def _memory_error(self, path: str) -> FileError:
        return FileError("CL904", "analysis needed more memory than claude-lint allows itself; file not linted", Loc(path, 1, 1, 1, 1))

    def run(self, all_facts: Sequence[FileFacts]) -> List[Diagnostic]:
        self.internal_errors.extend(f"{f.path}: {f.internal_error}" for f in all_facts if f.internal_error)
        for facts in all_facts:
            if facts.parsed and not facts.errors:
                self.project.add(facts)
        contexts = [(rule, Context(_LazyCatalog(self), {**rule.options, **self.settings.options_for(rule.code)}, self.package_of)) for rule in self.rules]
        # Linking and the rules run under the same per-file limit as extraction: each
        # file has `seconds` for all its calls, and one that runs out is a CL904 with
        # none of its findings (its calls are left out of the project rules too).
        left: Dict[str, float] = {}  # seconds each file has left (paused loads not counted)
        overrun: Dict[str, FileError] = {}
        calls: List[Call] = []
        by_call: List[Tuple[Call, List[Diagnostic]]] = []
        for facts in all_facts:
            for site in facts.calls:
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
                        reported: List[Diagnostic] = []
                        for rule, ctx in contexts:
                            for d in self._checked(rule, rule.check_call, call, ctx, path):
                                # A finding reported where a value is defined can be silenced at the call too.
                                reported.append(d if d.loc == call.site.loc else replace(d, related=d.related + (call.site.loc,)))
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
        kept = {}
        for d in found:
            if any(self._suppressed(d.code, loc, by_path.get(loc.path)) for loc in (d.loc, *d.related)):
                continue
            kept.setdefault((d.code, d.loc.path, d.loc.row, d.loc.col, d.message), d)
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
            # Skipped by the pre-filter, so no noqa facts; if a value resolved into it, link parsed it whole.
            facts = self.project.loaded(facts.abspath) or facts
        rel = os.path.relpath(os.path.abspath(loc.path), self.root).replace(os.sep, "/")
        for glob, codes in self.settings.per_file_ignores:
            if (fnmatch.fnmatch(rel, glob) or fnmatch.fnmatch(os.path.basename(rel), glob)) and any(code.startswith(c) for c in codes):
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


def gather(linter: Linter, sources: Sequence[SourceFile], cache: Optional[FactsCache]) -> List[FileFacts]:
    """Facts for every source, in order: from the cache, from the pre-filter, or extracted
    (in a process pool when there are many files to parse)."""
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
        try:
            st = os.stat(source.abspath)
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
    for (i, _, _), found in zip(jobs, pool.extract_all(linter, [(s, d) for _, s, d in jobs])):
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
    cache = None
    if stdin is None and not settings.no_cache:  # the cache module (pickle, hashlib) only when used
        from claude_lint import cache as cache_mod

        cache = cache_mod.FactsCache.open(settings, prefilter)
        linter.project = Project(linter.root, cache_mod.cached_loader(cache, linter._load_other, linter.root))
    if stdin is not None:
        facts = [linter.facts_for(sources[0], stdin[1])]
    else:
        facts = gather(linter, sources, cache)
    context, skipped = _project_context(linter, sources, context_limit)
    if run is not None and context:
        memo: Dict[str, Optional[str]] = {}
        loaded: Dict[str, Settings] = {}
        context = [s for s in context if config_mod.governing(run, os.path.dirname(s.abspath), memo, loaded).root == settings.root]
    if context_cache is None:
        context_facts = gather(linter, context, cache) if context else []
    else:
        context_facts = [_context_facts(linter, s, context_cache) for s in context]
    diagnostics = linter.run(facts + context_facts)
    if cache is not None:
        cache.save()
    calls = linter.calls
    if context:
        # the rest of the project was read for its facts only: report on the files given
        given = {s.abspath for s in sources}
        diagnostics = [d for d in diagnostics if os.path.abspath(d.loc.path) in given]
        calls = [c for c in calls if os.path.abspath(c.site.loc.path) in given]
    return Result(diagnostics, len(sources), [], calls, linter.internal_errors, dict(linter.project.reads), skipped)


class ContextCache(OrderedDict):
    """(abspath, shown path, kind, root) -> ((mtime_ns, size), facts), least recently used
    first; at most `limit` entries."""

    def __init__(self, limit: int = CONTEXT_CACHE_ENTRIES):
        super().__init__()
        self.limit = limit


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


def _project_context(linter: Linter, sources: Sequence[SourceFile], limit: Optional[int] = None) -> Tuple[List[SourceFile], bool]:
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
    # The walk stops a file past the limit: a huge tree is not listed only to be refused.
    others, _ = discover([linter.root], linter.settings, limit=None if limit is None else limit + len(given))
    context = [s for s in others if s.abspath not in given]
    if limit is not None and len(context) > limit:
        return [], True
    return context, False


def _special(source: SourceFile) -> bool:
    """A FIFO, socket or device with a linted suffix: reported (CL902), never opened for a
    sniff. Markdown is never read, so never reported."""
    if source.kind == "text":
        return False
    try:
        return not stat.S_ISREG(os.stat(source.abspath).st_mode)
    except OSError:
        return False


def _kind(name: str) -> str:
    from claude_lint.discover import kind_of

    return kind_of(name) or "python"
