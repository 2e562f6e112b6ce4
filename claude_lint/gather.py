"""Facts for the files of a lint: the first phase (from the cache, the pre-filter or
extracted, in a process pool when many) and the second (the calls of the project's
wrappers made in other files, round by round up to the wrapper depth)."""
from __future__ import annotations

import os
import stat
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple

from claude_lint import safeio
from claude_lint.bounds import MAX_FILE_BYTES
from claude_lint.discover import SourceFile
from claude_lint.extract import module_name, wants
from claude_lint.facts import FileFacts
from claude_lint.caller_questions import Reach, names_key
from claude_lint.checkouts import Checkouts
from claude_lint.reexport_aliases import Aliases
from claude_lint.linter import Linter

if TYPE_CHECKING:
    from claude_lint.cache import FactsCache


def gather(linter: Linter, sources: Sequence[SourceFile], cache: Optional[FactsCache], pool_allowed: bool = True) -> List[FileFacts]:
    """Facts for every source, in order: from the cache, from the pre-filter, or extracted
    (in a process pool when there are many files to parse and `pool_allowed`)."""
    from claude_lint import pool

    if cache is None and pool_allowed:
        shared = pool.share(linter, sources, first_look)  # the workers read and triage too: this process only walks and merges
        if shared is not None:
            return shared
    out: List[Optional[FileFacts]] = [None] * len(sources)
    jobs: List[int] = []  # the sources to parse, as the extraction holds them
    extraction = pool.Extraction(linter, pool_allowed)  # parses them (in a pool) while the triage goes on
    stats: Dict[int, Tuple[os.stat_result, bytes]] = {}
    try:
        for i, source in enumerate(sources):
            extraction.poll()
            found, data, stamp = first_look(linter, source, cache)
            if stamp is not None:
                stats[i] = stamp
            if found is not None:
                out[i] = found
            else:
                jobs.append(i)
                extraction.add(source, data)
    except BaseException:
        extraction.abandon()  # workers started for this gather do not outlive it
        raise
    for i, found in zip(jobs, extraction.finish()):
        out[i] = found
    if cache is not None:
        for i, (st, hashed) in stats.items():
            cache.store(False, sources[i].abspath, st, hashed, out[i])
    return out  # type: ignore[return-value]


def first_look(linter: Linter, source: SourceFile, cache: Optional[FactsCache]) -> Tuple[Optional[FileFacts], Optional[bytes], Optional[Tuple[os.stat_result, bytes]]]:
    """What `gather` knows of a file before any parse: (its facts, None, stamp) when no
    parse is needed (refused, unreadable, from the cache, no call per the byte test), or
    (None, its bytes, stamp) when it must be parsed; stamp: (its stat, its content hash)
    when the facts are to be stored in the cache, else None."""
    refused = linter.escapes(source)
    if refused is not None:
        return refused, None, None
    st = linter.stats.get(source.abspath)  # taken by `escapes` just now
    if st is None:
        try:
            st = linter.stats[source.abspath] = os.stat(source.abspath)
        except OSError:
            st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        return linter.facts_for(source), None, None  # reports why it cannot be read (a pipe would block an open)
    if not wants(source.kind, source.abspath, linter.settings, MAX_FILE_BYTES):
        return linter.facts_for(source), None, None  # a kind's own cheap test says: not worth reading
    if cache is not None:
        # The module name follows from the path and the root, and the root is in the key.
        hit = cache.by_stat(False, source.abspath, st, source.path, None)
        if hit is not None:
            return hit, None, None
    data: Optional[bytes] = None
    if st.st_size <= MAX_FILE_BYTES:
        try:
            data = safeio.read_regular(source.abspath, MAX_FILE_BYTES)
        except OSError:  # swapped for a pipe since the stat, grown, gone: facts_for says why
            data = None
    if data is None:
        return linter.facts_for(source), None, None
    hashed = b""
    if cache is not None:
        from claude_lint.cache import digest

        hashed = digest(data)
        hit = cache.by_content(False, source.abspath, st, hashed, source.path, module_name(source.abspath, linter.root))
        if hit is not None:
            return hit, None, None
    cheap = linter.triage(source, data)  # unreadable, or no call per the byte test
    return cheap, (None if cheap is not None else data), (st, hashed)


def wrapper_callers(linter: Linter, sources: Sequence[SourceFile], all_facts: Sequence[FileFacts], cache: Optional[FactsCache], given: Optional[Dict[str, bytes]] = None, alone: bool = False) -> List[FileFacts]:
    """`_wrapper_callers`; the trees it kept (extract/kept_trees.py) freed when it is done,
    not kept for the rest of the run (or of a language server's life)."""
    try:
        return _wrapper_callers(linter, sources, all_facts, cache, given, alone)
    finally:
        from claude_lint.extract import kept_trees

        kept_trees.forget()


def _wrapper_callers(linter: Linter, sources: Sequence[SourceFile], all_facts: Sequence[FileFacts], cache: Optional[FactsCache], given: Optional[Dict[str, bytes]] = None, alone: bool = False) -> List[FileFacts]:
    """The second phase: the calls of the project's wrappers made in other files. A file is
    tested first, on its bytes (no parse), for an import of a wrapper or of its module, so
    a file that cannot call one costs a read. A function found here passing its parameters
    on to a wrapper is a wrapper too once link sees it reach a request; it is looked for in
    the next round, up to the wrapper depth. given: the bytes of files not read from disk.
    alone: the files were named without the rest of the project (none of it is read): each
    is parsed for every call that may reach another module, and link reads those modules."""
    project = linter.project
    found: Dict[str, FileFacts] = {}
    for f in all_facts:
        if f.wrappers is not None and f.parsed and not f.errors:
            project.add(f)
            found[f.abspath] = f
    if not found and not alone:
        return []  # before the imports: a project without wrappers (most of a plain one) never loads the wrapper finder
    from claude_lint.extract import wrappers

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
    import gc

    # What phase 1 built lives on to the end of the run: the cyclic collector is held off
    # for the rounds, so that its full collections do not walk it again and again; each
    # parsed file's young garbage is collected after it (as `NoCollection` does for a file
    # of phase 1), which keeps memory bounded per file. (Not gc.freeze: its unfreeze also
    # thawed what start-up froze for the life of the process, `cli.main`, `startup.install`.)
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _rounds(linter, project, found, sources, cache, given, collecting)
    finally:
        linter.forget_reads()
        if collecting:
            gc.enable()


def _rounds(linter: Linter, project, found: Dict[str, FileFacts], sources: Sequence[SourceFile], cache: Optional[FactsCache], given: Optional[Dict[str, bytes]], collect: bool = False) -> List[FileFacts]:
    """wrapper_callers' rounds, up to the wrapper depth. collect: the young generation is
    collected after each file asked for its calls (the collector is held off meanwhile)."""
    import gc

    from claude_lint import sdk_copies
    from claude_lint.extract import wrappers

    readable = sdk_copies.asked(linter, sources)
    copies = linter.sdk_copies
    results: Dict[str, FileFacts] = {}
    present: Dict[str, set] = {}
    asked: Dict[str, set] = {}  # name -> modules already asked about
    confirmed: Dict[str, FileFacts] = dict(found)
    reach = Reach(linter.root)
    checkouts = Checkouts(linter.root)  # a folder of unrelated projects: their classes join by name within each
    aliases = Aliases()
    for _ in range(wrappers.MAX_DEPTH):
        # Notebooks are never imported: their wrappers are called in the notebook (phase 1).
        # Nor is an SDK's own source looked into (a vendored litellm): the SDK tables model
        # its entry points, and its internal calls are not the project's requests.
        importable = [f for f in confirmed.values() if f.module and not copies.holds(f.abspath)]
        wanted: Dict[str, set] = {}
        kinds: Dict[str, set] = {}
        based_on: Dict[str, set] = {}  # file -> first words of the modules of its classes' project bases
        scopes = [checkouts.scope(f.abspath) for f in importable]
        for f, scope, names in zip(importable, scopes, wrappers.exported([f.wrappers for f in importable], scopes)):  # type: ignore[misc]
            path = f.module.split(".")  # type: ignore[union-attr]
            # a base named for its subclass's wrapper methods is imported from the base's module
            based = wrappers.base_modules(f.wrappers, lambda m: project.module_path(m, f.abspath) is not None) if f.wrappers.classes else {}  # type: ignore[union-attr]
            if based:
                based_on[f.abspath] = {stems[0] for stems in based.values()}
            for name, methods in names.items():
                kinds.setdefault(name, set()).update(methods)
                if name != wrappers.PROTOCOL and not name.startswith((wrappers.DEFINED, wrappers.HOLDER)) and name not in methods:  # (a method handed in: read anywhere)
                    reach.define(name, f.abspath)
                    if name in based:
                        reach.imported_as(name, based[name][:1])
                for stem in (*path, *based.get(name, ())):  # a package re-exporting it: `import app` ... `app.ask(`
                    if (stem, methods) not in asked.get(name, ()):
                        wanted.setdefault(name, set()).add(stem)
                aliased = aliases.of(f.abspath, name) if len(path) > 1 else None
                if aliased is not None:  # re-exported by its package under another name, which its callers spell
                    kinds.setdefault(aliased[0], set()).update(methods)
                    reach.define(aliased[0], aliased[1])
                    for stem in path[:-1]:
                        if (stem, methods) not in asked.get(aliased[0], ()):
                            wanted.setdefault(aliased[0], set()).add(stem)
        for abspath, facts in results.items():
            # a caller importing a wrapper by name re-exports it (`from api import generate` in app.py,
            # then `from app import generate` in cli.py): the files spelling its module are asked too
            for name in present.get(abspath, ()) if facts.module else ():
                target = project._imported(abspath, name) if name in kinds and name not in kinds[name] else None
                if target is not None and target.endswith("." + name):
                    reach.define(name, abspath)
                    for stem in facts.module.split("."):
                        if (stem, frozenset(kinds[name])) not in asked.get(name, ()):
                            wanted.setdefault(name, set()).add(stem)
        if not wanted:
            break
        # One set of methods per name, shared by its stems' entries: a copy each was most of
        # phase 2's memory when many projects share names (`Context`: hundreds of stems).
        kind_sets = {n: frozenset(kinds[n]) for n in wanted}
        for name, stems in wanted.items():
            asked.setdefault(name, set()).update((stem, kind_sets[name]) for stem in stems)
        asking = {n: (frozenset(m), kind_sets[n]) for n, m in wanted.items()}
        key = names_key(f"{n}:{','.join(sorted(m))}:{','.join(sorted(k))}" for n, (m, k) in asking.items())
        hits = []
        for source in readable:
            names = linter.names_present(source, asking, key, cache, given)
            if names:
                names = reach.reached(source.abspath, names, lambda: linter._bytes(source, given)[1])
            if names:
                present.setdefault(source.abspath, set()).update(names)
                hits.append(source)
        by_top: Dict[Optional[str], Tuple[Tuple[str, ...], frozenset]] = {}
        for f in confirmed.values():
            top, words = reach.top(f.abspath)
            own_methods = wrappers.methods_of([f.wrappers])  # type: ignore[list-item]
            # its methods are reached from its top folder, and through a base imported from elsewhere
            for entry, entry_words in ((top, words), *((f"{top}:{word}", (word,)) for word in based_on.get(f.abspath, ()))):
                by_top[entry] = (entry_words, by_top.get(entry, ((), frozenset()))[1] | own_methods)
        reach.methods_by_top(by_top)
        for source in hits:
            local = found[source.abspath].wrappers if source.abspath in found else None
            own = frozenset(w.name for w in local.functions) if local is not None else frozenset()
            methods = reach.methods(source.abspath, lambda: linter._bytes(source, given)[1])
            methods = methods | {n for n in present[source.abspath] if n in kinds.get(n, ())}  # called on an object handed in
            # a holder class's file: the methods of the registry's classes its caller hands it
            methods = methods.union(*(kinds.get(n, ()) for n in present[source.abspath] if n.startswith(wrappers.HOLDER)))
            facts = linter.callers_for(source, frozenset(present[source.abspath]), own, methods, cache, given)
            if collect:
                gc.collect(0)
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
