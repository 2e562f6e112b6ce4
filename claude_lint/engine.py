"""The pipeline: discover -> extract -> link -> checks -> suppress.

Each file is read (`source_read`) and its facts extracted by the project's `Linter`
(`linter`); `gather` collects them, the first phase and the second; `context_files` adds
the project's other files when single files are named."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple

    from claude_lint.facts import FileFacts

from claude_lint import config as config_mod
from claude_lint.bounds import MAX_FILE_BYTES
from claude_lint.config import Settings
from claude_lint.context_files import ContextCache, all_context_facts, marked, project_context
from claude_lint.diagnostics import Diagnostic
from claude_lint.discover import SourceFile, discover, display
from claude_lint.gather import gather, wrapper_callers
from claude_lint.link import Call, Project
from claude_lint.linter import Linter
from claude_lint.source_read import read_source

# Read from here by the commands and tests: the file cap, reading a file, the linter, its phases.
__all__ = ["MAX_FILE_BYTES", "ContextCache", "Linter", "Result", "by_config", "gather", "lint", "read_source", "wrapper_callers"]


@dataclass
class Result:
    """What a lint found, and what it read to find it."""

    diagnostics: List[Diagnostic]
    files: int
    missing: List[str] = field(default_factory=list)
    calls: List[Call] = field(default_factory=list)
    internal_errors: List[str] = field(default_factory=list)  # bugs caught per file; exit 2
    reads: Dict[str, str] = field(default_factory=dict)  # prompt files: realpath -> why not read ("" = read)
    context_skipped: bool = False  # the project had more files than context_limit: judged without them
    sources: Dict[str, str] = field(default_factory=dict)  # text linted from memory, by absolute path
    # False when run_cache could not list what the run read (the project's context, files named one by one).
    replayable: bool = True


def lint(
    paths: Sequence[str],
    settings: Settings,
    stdin: Optional[Tuple[str, bytes]] = None,
    context_cache: Optional["ContextCache"] = None,
    prefilter: bool = True,
    context_limit: Optional[int] = None,
    read: Optional[Dict[str, tuple]] = None,
) -> Result:
    """Lint `paths` (or one buffer). Each file is linted with the settings of the nearest
    config above it (ruff's hierarchical configs), whatever the order of the paths; the
    files under one config are linted together, as one project rooted at its folder.
    context_limit: at most this many other files of a project are read for the
    project-wide rules (0: none); a project with more is judged on the files given alone.
    read: filled with what the run read, for `run_cache` (path -> its stamp before the
    run read it, `run_cache.LATER` when not taken).
    Raises config.ConfigError for a nested config that cannot be used."""
    if stdin is not None:
        name, _ = stdin
        abspath = os.path.abspath(name)
        source = SourceFile(display(abspath), abspath, _kind(name), explicit=True)
        return _lint_group(settings, [source], stdin, context_cache, prefilter, None, context_limit)
    # A cold run from the command line: the pool's workers may start while the walk goes on.
    early = _Early(settings, prefilter) if settings.no_cache and context_cache is None else None
    try:
        sources, missing = discover(paths, settings, folders=read, found=early.add if early is not None else None,
                                    listed=early.listed if early is not None else None)
        groups = by_config(sources, settings, *((early.memo, early.loaded, early.by_folder) if early is not None else ()))
        if not groups:
            groups = [(settings, [])]
        results = [_lint_group(s, group, None, context_cache, prefilter, settings, context_limit, read, early if s is settings else None)
                   for s, group in groups]
    finally:
        if early is not None:
            early.abandon()
    if len(results) == 1:
        result = results[0]
    else:
        result = Result(sorted((d for r in results for d in r.diagnostics), key=Diagnostic.sort_key), sum(r.files for r in results))
        for r in results:
            result.calls += r.calls
            result.internal_errors += r.internal_errors
            result.reads.update(r.reads)
            result.context_skipped = result.context_skipped or r.context_skipped
            result.replayable = result.replayable and r.replayable
    result.missing = missing
    return result


def by_config(sources: Sequence[SourceFile], settings: Settings, memo: Optional[Dict[str, Optional[str]]] = None,
              loaded: Optional[Dict[str, Settings]] = None, by_folder: Optional[Dict[str, Settings]] = None) -> List[Tuple[Settings, List[SourceFile]]]:
    """The sources grouped by the settings that govern them: the run's first, then those
    of nested configs by folder. memo, loaded, by_folder: config.governing's and its
    answers by folder, when the walk asked already."""
    from claude_lint.discover import kept_by

    memo = {} if memo is None else memo
    loaded = {} if loaded is None else loaded
    groups: Dict[int, Tuple[Settings, List[SourceFile]]] = {}
    by_folder = {} if by_folder is None else by_folder  # the files of one folder share their settings
    for source in sources:
        folder = os.path.dirname(source.abspath)
        governing = by_folder.get(folder)
        if governing is None:
            governing = by_folder[folder] = config_mod.governing(settings, folder, memo, loaded)
        if governing is not settings and not kept_by(source, governing):
            continue
        groups.setdefault(id(governing), (governing, []))[1].append(source)
    return sorted(groups.values(), key=lambda g: (g[0] is not settings, g[0].root))


class _Early:
    """The start of a cold run's first phase while the walk goes on (`add`, called with
    each file it finds): the files the run's own settings govern are handed to the pool
    (`pool_share.Stream`) as they are found, so that its workers read and triage them
    while the rest of the project is still being listed. The linter is made at the first
    file, and is the one that lints the run's group."""

    def __init__(self, settings: Settings, prefilter: bool):
        self.settings = settings
        self.prefilter = prefilter
        self.memo: Dict[str, Optional[str]] = {}  # config.governing's, then by_config's
        self.listed: Dict[str, List[str]] = {}  # the walk's (discover's `listed`), for config.governing
        self.loaded: Dict[str, Settings] = {}
        self.by_folder: Dict[str, Settings] = {}  # by_config's
        self.linter: Optional[Linter] = None
        self.stream = None
        self.folder = ""
        self.governed = False  # whether the run's settings govern the files of `folder`

    def add(self, source: SourceFile) -> None:
        folder = os.path.dirname(source.abspath)
        if folder != self.folder:
            self.folder = folder
            try:
                governing = self.by_folder[folder] = config_mod.governing(self.settings, folder, self.memo, self.loaded, self.listed)
            except config_mod.ConfigError:
                governing = None  # by_config reports it, in its order
            self.governed = governing is self.settings
        if not self.governed:
            return
        if self.stream is None:
            from claude_lint.gather import first_look
            from claude_lint.pool_share import Stream

            self.linter = Linter(self.settings, prefilter=self.prefilter)
            self.stream = Stream(self.linter, first_look)
        self.stream.add(source)

    def facts(self, sources: Sequence[SourceFile]) -> Optional[List["FileFacts"]]:
        return self.stream.facts(sources) if self.stream is not None else None

    def abandon(self) -> None:
        if self.stream is not None:
            self.stream.abandon()
            self.stream = None


def _lint_group(settings: Settings, sources: List[SourceFile], stdin: Optional[Tuple[str, bytes]], context_cache: Optional["ContextCache"],
                prefilter: bool, run: Optional[Settings], context_limit: Optional[int], read: Optional[Dict[str, tuple]] = None,
                early: Optional[_Early] = None) -> Result:
    """`run`: the run's settings (context files governed by a nested config belong to
    that config's project, not to this one). early: the walk's start of the first phase."""
    linter = early.linter if early is not None and early.linter is not None else Linter(settings, prefilter=prefilter)
    context, skipped = project_context(linter, sources, context_limit, context_cache)
    cache = None
    # A buffer (stdin, an editor's) is linted as given, never looked up or stored: the
    # cache serves the rest of the project, read from disk, for the project-wide rules
    # (and is not made for a buffer linted alone, nor in a folder no config or project
    # marker makes a project: an editor's buffer must not leave a cache folder beside it).
    if not settings.no_cache and (stdin is None or (context and marked(settings))):  # the cache module (pickle, hashlib) only when used
        from claude_lint import cache as cache_mod

        cache = context_cache.facts_cache(settings, prefilter) if context_cache is not None else cache_mod.FactsCache.open(settings, prefilter)
        linter.project = Project(linter.root, cache_mod.cached_loader(cache, linter._load_other, linter.root))
    given: Optional[Dict[str, bytes]] = None
    if len(sources) == 1:
        linter.keep_parsed = sources[0].abspath  # for the second phase (see Linter.keep_parsed)
    if stdin is not None:
        facts = [linter.facts_for(sources[0], stdin[1])]
        given = {sources[0].abspath: stdin[1]}
    else:
        found = early.facts(sources) if early is not None and cache is None else None
        facts = found if found is not None else gather(linter, sources, cache)
    if run is not None and context:
        memo: Dict[str, Optional[str]] = {}
        loaded: Dict[str, Settings] = {}
        context = [s for s in context if config_mod.governing(run, os.path.dirname(s.abspath), memo, loaded).root == settings.root]
    if context_cache is None:
        context_facts = gather(linter, context, cache) if context else []
    else:
        context_facts = all_context_facts(linter, context, context_cache, cache)
    alone = bool(sources) and not context and all(s.explicit for s in sources) and len(sources) <= 64
    callers = wrapper_callers(linter, list(sources) + list(context), facts + context_facts, cache, given, alone)
    if linter.helpers is not None:  # the pool's workers, kept for the second phase's byte test
        linter.helpers.stop()
        linter.helpers = None
    linter.forget_parsed()
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
    result = Result(diagnostics, len(sources), [], calls, linter.internal_errors, dict(linter.project.reads), skipped, linter.sources if stdin is not None else {})
    if read is not None:
        # Files named one by one are linted without a walk: no folder stamp would show a
        # module or prompt file appearing beside them (and such runs are short anyway).
        result.replayable = not context and not skipped and not any(s.explicit for s in sources)
        _note_read(read, linter, sources)
    return result


def _note_read(read: Dict[str, tuple], linter: Linter, sources: Sequence[SourceFile]) -> None:
    """What a project's lint read besides the folders walked: the files linted (stamped
    by their first look), the modules and prompt files the linker read, the settings' files."""
    from claude_lint.run_cache import LATER
    from claude_lint.safeio import stat_stamp

    for source in sources:
        st = linter.stats.get(source.abspath)
        read[source.abspath] = stat_stamp(st) if st is not None else LATER
    project = linter.project
    for table in (project._facts, project._files, project._imports, project.reads, linter.pins.read):
        for path in table:
            read.setdefault(path, LATER)
    for path in (linter.settings.config_path, linter.settings.models_file):
        if path:
            read.setdefault(os.path.abspath(path), LATER)


def _kind(name: str) -> str:
    from claude_lint.discover import kind_of

    return kind_of(name) or "python"
