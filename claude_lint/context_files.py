"""The project's other files, read for the project-wide rules when single files are named
(pre-commit, an editor's buffer), and a long-lived caller's memory of their facts
(`ContextCache`, least recently used out first)."""
from __future__ import annotations

import os
from collections import OrderedDict
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple

from claude_lint import config as config_mod
from claude_lint.config import Settings
from claude_lint.discover import SourceFile, discover
from claude_lint.facts import FileFacts
from claude_lint.gather import gather
from claude_lint.linter import Linter

if TYPE_CHECKING:
    from claude_lint.cache import FactsCache


# Context files' facts a long-lived caller (the language server) keeps: room for several
# projects at the server's context cap. An LRU smaller than one project would miss on
# every file, as each lint walks the project in the same order.
CONTEXT_CACHE_ENTRIES = 50_000


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
        from claude_lint.safeio import stamp

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


def all_context_facts(linter: Linter, sources: Sequence[SourceFile], cache: ContextCache, facts_cache: Optional[FactsCache]) -> List[FileFacts]:
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


def project_context(linter: Linter, sources: Sequence[SourceFile], limit: Optional[int] = None, memory: Optional[ContextCache] = None) -> Tuple[List[SourceFile], bool]:
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


def marked(settings: Settings) -> bool:
    """Is the root a project's: a config was found, or a project marker sits there?"""
    return settings.config_path is not None or any(os.path.exists(os.path.join(settings.root, m)) for m in config_mod.ROOT_MARKERS)
