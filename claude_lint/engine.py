"""The pipeline: discover -> extract -> link -> checks -> suppress."""
from __future__ import annotations

import codecs
import fnmatch
import io
import os
import stat
import tokenize
import warnings
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from claude_lint import catalog as catalog_mod
from claude_lint import fixes
from claude_lint.checks import by_code
from claude_lint.checks.base import Context
from claude_lint.config import Settings, package_root, selected
from claude_lint.diagnostics import Diagnostic
from claude_lint.discover import SourceFile, discover, display
from claude_lint.extract import extract_source, module_name, wants
from claude_lint.extract.prefilter import needs_parse
from claude_lint.facts import FileError, FileFacts, Loc
from claude_lint.link import Call, Project
from claude_lint.timeout import DEFAULT_SECONDS, FileTimeout, time_limit

if TYPE_CHECKING:
    from claude_lint.cache import FactsCache

MAX_FILE_BYTES = 5_000_000

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


def read_source(abspath: str, shown: str, data: Optional[bytes] = None) -> Tuple[Optional[str], Optional[FileError], bytes]:
    """The decoded text of a file, or the CL902 error that says why it has none."""
    here = Loc(shown, 1, 1, 1, 1)
    if data is None:
        try:
            # Open first, then check what was opened: a FIFO or a device (`x.py -> /dev/zero`)
            # would block or never end; O_NONBLOCK keeps the open itself from blocking.
            fd = os.open(abspath, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
            with open(fd, "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    return None, FileError("CL902", "not a regular file (a pipe, socket or device); not linted", here), b""
                if st.st_size > MAX_FILE_BYTES:
                    return None, FileError("CL902", f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; skipped", here), b""
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            return None, FileError("CL902", f"cannot read file: {exc.strerror or exc}", here), b""
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

    @property
    def catalog(self) -> catalog_mod.Catalog:
        """Loaded on first use: a run that finds no call never reads models.toml."""
        if self._catalog is None:
            base = catalog_mod.load()
            self._catalog = base.with_extra(self.settings.models) if self.settings.models else base
        return self._catalog

    def _load_other(self, abspath: str) -> Optional[FileFacts]:
        """A module some value resolves into: parsed whatever the pre-filter says."""
        try:
            with time_limit(self.seconds):
                text, error, _ = read_source(abspath, display(abspath))
                if text is None:
                    return None
                return extract_source(text, display(abspath), abspath, "python", module_name(abspath, self.root), prefilter=False)
        except FileTimeout:
            return None
        except Exception as exc:  # a bug of ours: report it, lint the other files
            self.internal_errors.append(f"{display(abspath)}: {type(exc).__name__}: {exc}")
            return None

    def facts_for(self, source: SourceFile, data: Optional[bytes] = None, triaged: bool = False) -> FileFacts:
        """triaged: `triage` already said this file needs a parse."""
        if data is None and not wants(source.kind, source.abspath, self.settings, MAX_FILE_BYTES):
            return FileFacts(source.path, source.abspath, None, source.kind, parsed=False)
        try:
            with time_limit(self.seconds):
                return self._facts_for(source, data, triaged)
        except FileTimeout:
            return FileFacts(source.path, source.abspath, None, source.kind, errors=(self._timeout_error(source.path),))
        except Exception as exc:  # a bug of ours: report it (from a pool worker too), lint the other files
            return FileFacts(source.path, source.abspath, None, source.kind, internal_error=f"{type(exc).__name__}: {exc}")

    def _facts_for(self, source: SourceFile, data: Optional[bytes], triaged: bool) -> FileFacts:
        if not triaged:
            cheap = self.triage(source, data)
            if cheap is not None:
                return cheap
        text, error, _ = read_source(source.abspath, source.path, data)
        fixes.remember(source.abspath, text if data is not None and source.kind == "python" else None)
        if error is not None:
            return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))
        module = module_name(source.abspath, self.root)
        if self.prefilter and source.kind == "python":
            from claude_lint.extract import python

            return python.extract(text, source.path, source.abspath, module, calls_only=True)
        return extract_source(text, source.path, source.abspath, source.kind, module, prefilter=self.prefilter, settings=self.settings)

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

    def run(self, all_facts: Sequence[FileFacts]) -> List[Diagnostic]:
        self.internal_errors.extend(f"{f.path}: {f.internal_error}" for f in all_facts if f.internal_error)
        for facts in all_facts:
            if facts.parsed and not facts.errors:
                self.project.add(facts)
        calls = [self.project.resolve_call(site) for facts in all_facts for site in facts.calls]
        self.calls = calls
        found: List[Diagnostic] = []
        for rule in self.rules:
            ctx = Context(_LazyCatalog(self), {**rule.options, **self.settings.options_for(rule.code)}, self.package_of)
            for call in calls:
                if call.site.local:
                    continue  # a local server: nothing is billed, nothing to say about cost
                for d in self._checked(rule, rule.check_call, call, ctx, call.site.loc.path):
                    # A finding reported where a value is defined can be silenced at the call too.
                    found.append(d if d.loc == call.site.loc else replace(d, related=d.related + (call.site.loc,)))
            found.extend(self._checked(rule, rule.check_project, calls, ctx, "project"))
        for facts in all_facts:
            for error in facts.errors:
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
            if noqa.row in rows and (noqa.codes is None or code in noqa.codes):
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
        if not wants(source.kind, source.abspath, linter.settings, MAX_FILE_BYTES):
            out[i] = linter.facts_for(source)  # a kind's own cheap test says: not worth reading
            continue
        try:
            st = os.stat(source.abspath)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            out[i] = linter.facts_for(source)  # reports why it cannot be read (a pipe would block an open)
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
                with open(source.abspath, "rb") as fh:
                    data = fh.read()
            except OSError:
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


def lint(paths: Sequence[str], settings: Settings, stdin: Optional[Tuple[str, bytes]] = None, context_cache: Optional[Dict] = None, prefilter: bool = True) -> Result:
    linter = Linter(settings, prefilter=prefilter)
    cache = None
    if stdin is None and not settings.no_cache:  # the cache module (pickle, hashlib) only when used
        from claude_lint import cache as cache_mod

        cache = cache_mod.FactsCache.open(settings, prefilter)
        linter.project = Project(linter.root, cache_mod.cached_loader(cache, linter._load_other, linter.root))
    if stdin is not None:
        name, data = stdin
        abspath = os.path.abspath(name)
        sources = [SourceFile(display(abspath), abspath, _kind(name), explicit=True)]
        facts = [linter.facts_for(sources[0], data)]
        missing: List[str] = []
    else:
        sources, missing = discover(paths, settings)
        facts = gather(linter, sources, cache)
    context = _project_context(linter, sources)
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
    return Result(diagnostics, len(sources), missing, calls, linter.internal_errors, dict(linter.project.reads))


def _context_facts(linter: Linter, source: SourceFile, cache: Optional[Dict]) -> FileFacts:
    """A context file's facts; a long-lived caller (the language server, which re-lints
    on every edit) passes `cache` so that unchanged files on disk are not parsed again."""
    if cache is None:
        return linter.facts_for(source)
    try:
        st = os.stat(source.abspath)
    except OSError:
        return linter.facts_for(source)
    key = (source.abspath, source.path, source.kind, linter.root, st.st_mtime_ns, st.st_size)
    if key not in cache:
        if len(cache) > 10_000:
            cache.clear()
        cache[key] = linter.facts_for(source)
    return cache[key]


def _project_context(linter: Linter, sources: Sequence[SourceFile]) -> List[SourceFile]:
    """When single files are named (pre-commit passes only the changed ones; an editor
    lints one buffer), the project's other files, so that project-wide rules (CL003)
    judge the whole project and not the few files given."""
    from claude_lint.checks.base import Rule

    if not any(s.explicit for s in sources):
        return []
    if not any(type(r).check_project is not Rule.check_project for r in linter.rules):
        return []
    given = {s.abspath for s in sources}
    others, _ = discover([linter.root], linter.settings)
    return [s for s in others if s.abspath not in given]


def _kind(name: str) -> str:
    from claude_lint.discover import kind_of

    return kind_of(name) or "python"
