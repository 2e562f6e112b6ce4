"""One project's linter: the facts of each file (read, triaged by the pre-filter, extracted
within its time and memory bounds), the second phase's calls of wrappers per file, and
the rules run over the linked calls with suppressions applied."""
from __future__ import annotations

import fnmatch
import os
import stat
import time
import warnings
from collections import Counter
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
from claude_lint import catalog as catalog_mod
from claude_lint import catalog_files
from claude_lint import config as config_mod
from claude_lint import suppress
from claude_lint.bounds import MAX_FILE_BYTES
from claude_lint.checks import by_code
from claude_lint.checks.base import Context
from claude_lint.config import Settings, package_root, selected
from claude_lint.dependency_pins import Pins
from claude_lint.diagnostics import Diagnostic
from claude_lint.discover import SourceFile, display
from claude_lint.extract import extract_source, module_name, wants
from claude_lint.facts import FILE_TIMEOUT, UNREADABLE_FILE, FileError, FileFacts, Loc
from claude_lint.link import Call, Project
from claude_lint.linter_phase2 import SecondPhase
from claude_lint.memory import NoCollection
from claude_lint.source_read import plainly_readable, read_source
from claude_lint.timeout import DEFAULT_SECONDS, FileTimeout, paused, time_limit

if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple


# The linted code's strings are decoded and parsed here (literal_eval, ast, libcst): their
# invalid escapes would print Python's warnings on the CLI's or the server's stderr.
for _category in (DeprecationWarning, SyntaxWarning):
    warnings.filterwarnings("ignore", message="invalid (octal )?escape sequence", category=_category)


class Linter(SecondPhase):
    def __init__(self, settings: Settings, prefilter: bool = True):
        self.settings = settings
        self.prefilter = prefilter  # False: parse every file (tests prove it changes nothing)
        self.root = os.path.abspath(settings.root)
        self._catalog: Optional[catalog_mod.Catalog] = None
        self.codes = selected(settings)
        rules = by_code(self.codes)
        self.rules = [rules[c] for c in self.codes if c in rules]
        self.project = Project(self.root, self._load_other)
        self.seconds = float(settings.options_for(FILE_TIMEOUT).get("seconds", DEFAULT_SECONDS))
        self.internal_errors: List[str] = self.project.internal_errors  # one list: link's wrapper-call bugs join it
        self._packages: Dict[str, str] = {}
        self.pins = Pins(self.root)  # the project's SDK pins, read when a rule first asks
        self._real_folders: Dict[str, str] = {}
        self._real_root: Optional[str] = None
        self._callers: Dict[str, FileFacts] = {}
        self._imported_words: Dict[str, tuple] = {}  # the second phase's rounds read each file's imports once
        self._absent: Dict[str, set] = {}  # and search it once for each wrapper name (prefilter_names.names_imported's `absent`)
        # abspath -> ((its stat's identity, or the text given, names, local, methods), answer): the second
        # phase's last question to each file, which a later round often asks again unchanged (no bytes kept).
        self._last_asked: Dict[str, tuple] = {}
        self.sources: Dict[str, str] = {}  # text linted from memory (a buffer, stdin) by absolute path: fixes are built on the text linted
        self._spelled: Dict[str, tuple] = {}  # names key -> the names as bytes, and by the import words that may bring them
        self.stats: Dict[str, os.stat_result] = {}  # taken by this run's first look at a file, for its later ones
        # A file linted alone (a buffer, one path): phase 1's parse of it, kept for its second phase, which parsed and walked it again (a tenth
        # of an editor's lint). One file's at most, taken by its first `callers_for`, dropped by `forget_parsed`.
        self.keep_parsed: Optional[str] = None
        self._parsed: Dict[str, tuple] = {}
        self.helpers = None  # pool_names.Helpers: a cold run's workers, kept for the second phase's byte test
        self.sdk_copies = None  # sdk_copies.SdkCopies: the project's copies of SDK packages, found by folder once asked
        self.preloaded: Dict[str, FileFacts] = {}  # `_load_other`'s answers the helpers found first (by the same path)

    @property
    def catalog(self) -> catalog_mod.Catalog:
        """Loaded on first use: a run that finds no call never reads models.toml."""
        if self._catalog is None:
            with paused():  # loaded once per run: not the time of the file that first needs it
                self._catalog = catalog_files.configured(self.settings)
        return self._catalog

    def _load_other(self, abspath: str) -> Optional[FileFacts]:
        """A module some value resolves into: parsed whatever the pre-filter says."""
        found = self.preloaded.pop(abspath, None)
        if found is not None:
            return found
        try:
            with NoCollection(), time_limit(self.seconds):
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
        """The CL902 of a file inside the root that is a symlink (or under a symlinked folder) leading outside
        it: a repository must not make us read, and quote in our output, a file elsewhere. None for every other file."""
        prefix = self.root.rstrip(os.sep) + os.sep
        if not source.abspath.startswith(prefix):
            return None  # named outside the project by the user: theirs to lint
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        real = source.real  # the walk's, when it knows it: no lstat here (gather takes the stat)
        if real is None:
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
        if real == self._real_root or real.startswith(self._real_root.rstrip(os.sep) + os.sep):
            return None
        error = FileError(UNREADABLE_FILE, "a symlink to a file outside the project root; not read", Loc(source.path, 1, 1, 1, 1))
        return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))

    def _real_folder(self, folder: str) -> str:
        """os.path.realpath(folder), from its parent's when that is known and the folder is no symlink: realpath alone would lstat every component of every folder again."""
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
            with NoCollection(), time_limit(self.seconds):
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

            scopes = self._held_scopes() if source.abspath == self.keep_parsed else None
            facts = python.extract(text, source.path, source.abspath, module, calls_only=True, scopes=scopes)
            # Kept when its walk was whole: not refused by the pre-filter first, not too deep.
            if scopes is not None and scopes.module.node is not None and not facts.errors:
                self._parsed = {source.abspath: (text, scopes)}
        else:
            facts = extract_source(text, source.path, source.abspath, source.kind, module, prefilter=self.prefilter, settings=self.settings)
        return suppress.with_comments(facts, text)  # noqa comments of YAML, TOML, front matter; file-level ones

    def triage(self, source: SourceFile, data: Optional[bytes] = None) -> Optional[FileFacts]:
        """The facts of a file that needs no parse (unreadable, or no LLM call per the pre-filter's byte test),
        cheaply; None when it must be parsed (the pre-filter's tree test then runs on the parse the extractor uses)."""
        plain = data is not None and plainly_readable(data)  # then not decoded: the byte test reads bytes
        error, raw = (None, data) if plain else read_source(source.abspath, source.path, data)[1:]
        if error is not None:
            return FileFacts(source.path, source.abspath, None, source.kind, errors=(error,))
        if not (self.prefilter and source.kind == "python"):
            return None
        from claude_lint.extract.prefilter import needs_parse  # here: a run whose facts all come from the cache never builds its tables

        # ASCII byte patterns on ASCII-compatible source encodings: the bytes answer as the text would.
        if needs_parse(raw):
            return None
        return FileFacts(source.path, source.abspath, module_name(source.abspath, self.root), "python", parsed=False)

    # --- the second phase: calls of the project's wrappers ---------------------------

    @staticmethod
    def _held_scopes():
        from claude_lint.extract.scopes import Collector
        scopes = Collector()
        scopes.held = True
        return scopes

    def forget_parsed(self) -> None:
        """The second phase is over: a tree kept for it is freed now, not with the linter."""
        for _, scopes in self._parsed.values():
            scopes.held = False
            scopes.release()
        self._parsed = {}

    def _timeout_error(self, path: str) -> FileError:
        return FileError(FILE_TIMEOUT, f"analysis took longer than {self.seconds:g} s; file not linted "
                         "(raise `seconds` under [tool.claude-lint.CL904] if the file is legitimately this large)", Loc(path, 1, 1, 1, 1))

    def _memory_error(self, path: str) -> FileError:
        return FileError(FILE_TIMEOUT, "analysis needed more memory than claude-lint allows itself; file not linted", Loc(path, 1, 1, 1, 1))

    def run(self, all_facts: Sequence[FileFacts], callers: Sequence[FileFacts] = ()) -> List[Diagnostic]:
        """callers: the second phase's facts (calls of the project's wrappers in files naming one), see `wrapper_callers`."""
        self.internal_errors.extend(f"{f.path}: {f.internal_error}" for f in all_facts if f.internal_error)
        for facts in all_facts:
            if facts.parsed and not facts.errors:
                self.project.add(facts)
        for facts in callers:
            self.project.note_overrides(facts)  # `te.PROMPT = MINE` in a file calling te
            if facts.wrappers is not None:
                self.project.add_table(facts.abspath, facts.wrappers, "callers")
        derived = self.project.wrapper_calls()
        reached = Counter(loc for site in derived for loc in (site.via, *site.also))
        passed = self.project.passed_histories
        sites = [replace(site, reached=reached[site.loc], passed_history=passed.get(site.loc)) if site.loc in reached else site for facts in all_facts for site in facts.calls]
        contexts = [(rule, Context(_LazyCatalog(self), {**rule.options, **self.settings.options_for(rule.code)}, self.package_of, self.sources, self.pins.below)) for rule in self.rules]
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
                            reported.append(d.naming(places))
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
        rules = {rule.code: rule for rule in self.rules}  # by_code(self.codes), once for all the errors
        for error in errors:
            if error.code in self.codes:
                found.append(rules[error.code].from_error(error))
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


def _special(source: SourceFile) -> bool:
    """A FIFO, socket or device with a linted suffix: reported (CL902), never opened for a
    sniff. Markdown is never read, so never reported."""
    if source.kind == "text":
        return False
    try:
        return not stat.S_ISREG(os.stat(source.abspath).st_mode)
    except OSError:
        return False
