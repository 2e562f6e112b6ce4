"""Paths to SourceFiles: walks folders, honours .gitignore (claude_lint.gitignore:
git's matching rules, in linear time), exclude and extend-exclude. A file named on the
command line is linted even when excluded, unless force-exclude is set.

Exclude patterns go through fnmatch, whose translation (Python 3.9 on) never
backtracks more than once per `*`, so they too are linear in the path.
"""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from claude_lint.config import WATCHED_FILES, Settings
from claude_lint.kinds import SUFFIX_KINDS, display, kind_of  # noqa: F401 (the names discovery has always offered)
from claude_lint.safeio import stamp

if TYPE_CHECKING:
    from claude_lint.gitignore import GitIgnore

@dataclass(frozen=True)
class SourceFile:
    """A file to lint: its path as shown, its absolute path and kind, and whether it was named."""
    path: str  # as shown to the user
    abspath: str
    kind: str
    explicit: bool = False
    # Its real path, when the walk that found it knows it for free: a regular entry (no
    # symlink, by the listing's type) in folders entered from a top whose real path was
    # taken once. Linter.escapes then needs no lstat of the file nor of its folder.
    real: Optional[str] = field(default=None, compare=False, repr=False)


def _excluded(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return _matcher(tuple(patterns))(os.path.normcase(name), os.path.normcase(rel))


@lru_cache(maxsize=8)
def _matcher(patterns: Tuple[str, ...]) -> Callable[[str, str], bool]:
    """The test fnmatch(name or rel, pat) or fnmatch(rel, pat + "/*") for any pattern.

    Patterns without glob characters (all the default excludes) are looked up in a set;
    only the others are compiled, into one regex: compiling the defaults cost more than
    linting a small file."""
    literal = set()
    globs = []
    for pat in patterns:
        pat = os.path.normcase(pat.rstrip("/"))
        if any(c in pat for c in "*?["):
            globs += [fnmatch.translate(pat), fnmatch.translate(pat + "/*")]
        else:
            literal.add(pat)
    regex = re.compile("|".join(globs)).match if globs else None
    depth = max((pat.count("/") + 1 for pat in literal), default=0)

    def excluded(name: str, rel: str) -> bool:
        if name in literal or rel in literal:
            return True
        # Inside a folder named by a literal pattern (pat + "/*"): a prefix of rel, as
        # many segments deep as the deepest pattern (one, for the defaults).
        slash = rel.find("/")
        for _ in range(depth):
            if slash == -1:
                break
            if rel[:slash] in literal:
                return True
            slash = rel.find("/", slash + 1)
        return regex is not None and (regex(name) is not None or regex(rel) is not None)

    if regex is None and depth <= 1:
        excluded.literal = frozenset(literal)  # type: ignore[attr-defined]  # names only: the walk judges a name once (`_walk`)
    return excluded


class _GitIgnores:
    """The .gitignore files from the root down to each folder walked."""

    def __init__(self, root: str, enabled: bool):
        self.root = root
        self.enabled = enabled
        self.specs: Dict[str, Optional["GitIgnore"]] = {}
        self.chains: Dict[str, List[Tuple[str, "GitIgnore"]]] = {}
        self.deciders_of: Dict[int, Optional[Callable[[str, bool], Optional[bool]]]] = {}  # by the spec's id: specs live as long as this

    def _spec(self, folder: str) -> Optional["GitIgnore"]:
        if folder not in self.specs:
            path = os.path.join(folder, ".gitignore")
            spec = None
            if os.path.isfile(path):
                from claude_lint.gitignore import GitIgnore  # here: a run over named files never reads a .gitignore

                spec = GitIgnore.read(path)
            self.specs[folder] = spec
        return self.specs[folder]

    def listed(self, folder: str, names) -> None:
        """The walk has listed `folder`: a folder without a .gitignore needs no stat to know it."""
        if ".gitignore" not in names:
            self.specs.setdefault(folder, None)

    def ignored(self, abspath: str, is_dir: bool, parents: bool = False) -> bool:
        """parents: also the folders above `abspath` up to the root (a file named on the
        command line; the walk never enters an ignored folder, so it needs no such check)."""
        if not self.enabled:
            return False
        if parents:
            folder = os.path.dirname(abspath)
            if folder != abspath and folder.startswith(self.root.rstrip(os.sep) + os.sep) and self.ignored(folder, True, True):
                return True
        # The nearest .gitignore that has a say decides: a deeper one may re-include.
        for folder, spec in self._specs_above(os.path.dirname(abspath)):
            prefix = folder.rstrip(os.sep) + os.sep
            rel = abspath[len(prefix):] if abspath.startswith(prefix) else os.path.relpath(abspath, folder)
            decided = spec.decide(rel.replace(os.sep, "/"), is_dir)
            if decided is not None:
                return decided
        return False

    def deciders(self, folder: str, chain: List[Tuple[str, "GitIgnore"]]) -> List[Tuple[Optional[str], Callable[[str, bool], Optional[bool]]]]:
        """For the entries of `folder` (its chain, nearest first): each .gitignore's folder
        as a prefix of the entry's path relative to it, and its `decide`; a .gitignore whose
        patterns all name a last component only (`*.pyc`, `build/`, most) is asked the
        entry's name (prefix None) and answers once per name."""
        out: List[Tuple[Optional[str], Callable[[str, bool], Optional[bool]]]] = []
        for spec_folder, spec in chain:
            decider = self.deciders_of.get(id(spec))
            if decider is None:
                decider = self.deciders_of[id(spec)] = _by_name(spec) if all(p.name is not None for p in spec.patterns) else None
            if decider:
                out.append((None, decider))
                continue
            prefix = spec_folder.rstrip(os.sep) + os.sep
            if not (folder + os.sep).startswith(prefix):
                return []  # not below its own .gitignore folders: `ignored` says, path by path
            out.append((folder[len(prefix):].replace(os.sep, "/") + "/" if len(folder) >= len(prefix) else "", spec.decide))
        return out

    def _specs_above(self, folder: str) -> List[Tuple[str, "GitIgnore"]]:
        """The .gitignore specs from `folder` up to the root, nearest first; once per folder,
        from its parent's (a walk asks for the parent first)."""
        chain = self.chains.get(folder)
        if chain is not None:
            return chain
        probes = []
        probe = folder
        above: List[Tuple[str, "GitIgnore"]] = []
        while True:
            probes.append(probe)
            if probe == self.root or not probe.startswith(self.root):
                break
            parent = os.path.dirname(probe)
            if parent == probe:
                break
            if parent in self.chains:
                above = self.chains[parent]
                break
            probe = parent
        for probe in reversed(probes):
            spec = self._spec(probe)
            above = [(probe, spec), *above] if spec is not None else above
            self.chains[probe] = above
        return above


def discover(paths: Sequence[str], settings: Settings, limit: Optional[int] = None, folders: Optional[Dict[str, tuple]] = None,
             found: Optional[Callable[[SourceFile], None]] = None, listed: Optional[Dict[str, List[str]]] = None) -> Tuple[List[SourceFile], List[str]]:
    """The files to lint, and the paths given that do not exist; with `limit`, the walk
    stops once it has found more files than that (the caller only needs to know so).
    folders: filled with the stamp (`stamp`) of each folder walked and of the .gitignore
    and config files in it, so that a caller can tell later whether a walk would find the same.
    found: called with each file the walk finds, as it finds it (not those named).
    listed: filled, before `found` hears of a folder's files, with the .gitignore and config
    files its listing holds (config.governing then looks for no other there)."""
    root = os.path.abspath(settings.root)
    root_prefix = root.rstrip(os.sep) + os.sep
    patterns = tuple(settings.exclude) + tuple(settings.extend_exclude)
    git = _GitIgnores(root, settings.respect_gitignore)
    files: Dict[str, SourceFile] = {}
    missing = []

    def rel_of(abspath: str) -> str:
        if abspath.startswith(root_prefix):  # both normalised by abspath: relpath's answer, cheaply
            return abspath[len(root_prefix):].replace(os.sep, "/")
        rel = os.path.relpath(abspath, root)
        return abspath if rel.startswith("..") else rel.replace(os.sep, "/")

    excluded = _matcher(patterns)  # on POSIX normcase is the identity: the walk calls it directly

    def skip(abspath: str, is_dir: bool, parents: bool = False) -> bool:
        return _excluded(rel_of(abspath), os.path.basename(abspath), patterns) or git.ignored(abspath, is_dir, parents)

    for given in paths:
        abspath = os.path.abspath(given)
        # A FIFO or a device named on the command line is a file to report (CL902), not a missing path.
        if os.path.isfile(abspath) or (os.path.exists(abspath) and not os.path.isdir(abspath)):
            kind = kind_of(abspath) or "python"
            if settings.force_exclude and skip(abspath, False, parents=True):
                continue
            files.setdefault(abspath, SourceFile(display(abspath), abspath, kind, explicit=True))
            continue
        if not os.path.isdir(abspath):
            missing.append(given)
            continue
        for sf in _walk(abspath, skip, git, folders, excluded if os.name == "posix" else None, root_prefix, listed):
            if sf.abspath not in files:
                files[sf.abspath] = sf
                if found is not None:
                    found(sf)
            if limit is not None and len(files) > limit:
                break
        if limit is not None and len(files) > limit:
            break
    return sorted(files.values(), key=lambda f: f.path), missing


def _walk(top: str, skip, git: _GitIgnores, folders: Optional[Dict[str, tuple]] = None, excluded: Optional[Callable[[str, str], bool]] = None, root_prefix: str = "",
          listed: Optional[Dict[str, List[str]]] = None) -> Iterator[SourceFile]:
    """os.walk's order (top-down, folders sorted, files sorted by name) and its choices (a
    symlinked folder is listed but never entered, so a symlink loop cannot loop; a folder
    that cannot be listed is passed over), from one scandir per folder: each entry's type
    comes from the listing, and the settings' tests run per entry only where they can say
    something (no .gitignore above a folder: no gitignore test for its entries). A folder
    with nothing to lint and no folder in it (most of a project's: data, locales) costs
    its listing alone; where the exclusions and every .gitignore above a folder judge a
    name alone (the defaults, `build/`, `*.pyc`), each name is judged once per walk."""
    cwd = os.getcwd()
    cwd_prefix = cwd.rstrip(os.sep) + os.sep  # an absolute top gives normalised folders
    kinds = SUFFIX_KINDS
    watched = frozenset(WATCHED_FILES)
    literal = getattr(excluded, "literal", None)  # the exclusions name names only: a set
    by_name: Dict[tuple, Dict[str, bool]] = {}  # verdicts by name (a folder's with a trailing /), per .gitignore chain
    # Each folder with its real path: a linked folder is never entered, so below the top
    # a real path is its parent's and its name.
    stack = [(top, os.path.realpath(top))]
    while stack:
        folder, real_folder = stack.pop()
        dirs: List[Tuple[str, bool]] = []
        found: List[Tuple[str, str, bool]] = []  # files of a kind we lint: name, kind, linked
        seen: List[str] = []  # the watched files here (.gitignore, configs)
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    name = entry.name
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if is_dir:
                        try:
                            linked = entry.is_symlink()
                        except OSError:
                            linked = False
                        dirs.append((name, linked))
                        continue
                    if name in watched:
                        seen.append(name)
                    # kinds.kind_of of the name (see _kind_of_name), inline: a walk asks it of every file
                    dot = name.rfind(".")
                    if dot <= 0:
                        continue
                    kind = kinds.get(name[dot:].lower())
                    if kind is None or not name[:dot].strip("."):
                        continue
                    try:
                        linked = entry.is_symlink()
                    except OSError:
                        linked = True
                    found.append((name, kind, linked))
        except OSError:
            continue
        if folders is not None:
            folders[folder] = stamp(folder)
            for name in seen:
                path = os.path.join(folder, name)
                folders[path] = stamp(path)
        if not dirs and not found:
            continue
        git.listed(folder, seen)
        if listed is not None:
            listed[folder] = seen
        chain = git._specs_above(folder) if git.enabled else ()
        deciders = git.deciders(folder, chain) if chain else ()
        rel_folder: Optional[str] = None  # None: outside the root, where rel_of decides per path
        if excluded is not None and len(deciders) == len(chain):
            if folder + os.sep == root_prefix:
                rel_folder = ""
            elif folder.startswith(root_prefix):
                rel_folder = folder[len(root_prefix):].replace(os.sep, "/") + "/"
        join = os.path.join
        verdicts: Optional[Dict[str, bool]] = None
        if literal is not None and rel_folder is not None and all(rel is None for rel, _ in deciders):
            # Inside a folder a pattern names (`pat/*`, by the first segment of its path:
            # `_matcher`), everything is excluded; elsewhere a name's verdict is the same in every folder.
            inside = bool(rel_folder) and rel_folder[:rel_folder.find("/")] in literal
            verdicts = _EXCLUDED if inside else by_name.setdefault(tuple(id(decide) for _, decide in deciders), {})

        def skipped(name: str, is_dir: bool) -> bool:
            if verdicts is not None:
                key = name + "/" if is_dir else name
                verdict = verdicts.get(key)
                if verdict is None:
                    verdict = verdicts[key] = name in literal or _decided(deciders, name, is_dir)  # type: ignore[operator]
                return verdict
            if rel_folder is None:
                return skip(join(folder, name), is_dir)
            return excluded(name, rel_folder + name) or _decided(deciders, name, is_dir)  # type: ignore[misc]

        at = folder if folder.endswith(os.sep) else folder + os.sep
        real_at = real_folder if real_folder.endswith(os.sep) else real_folder + os.sep
        if dirs:
            entered = [(d, linked) for d, linked in dirs if not skipped(d, True)]
            entered.sort(reverse=True)
            stack.extend((at + d, real_at + d) for d, linked in entered if not linked)
        if not found:
            continue
        shown = "." if folder == cwd else folder[len(cwd_prefix):] if folder.startswith(cwd_prefix) else display(folder)
        # os.path.join(folder, name) and display(path) from the folder's, by concatenation:
        # one join, splitext and relpath per file were most of a warm run's walk.
        shown_at = "" if shown == "." else shown if shown.endswith(os.sep) else shown + os.sep
        found.sort()
        for name, kind, linked in found:
            if not skipped(name, False):
                yield _source_file(shown_at + name, at + name, kind, None if linked else real_at + name)


class _Excluded(dict):
    def get(self, key, default=None):  # noqa: ARG002 - every name
        return True


_EXCLUDED = _Excluded()


def _decided(deciders, name: str, is_dir: bool) -> bool:
    """The nearest .gitignore that has a say decides (`_GitIgnores.ignored`); a decider
    with a prefix is asked the path below its folder."""
    for rel, decide in deciders:
        decided = decide(name if rel is None else rel + name, is_dir)
        if decided is not None:
            return decided
    return False


def _by_name(spec: "GitIgnore") -> Callable[[str, bool], Optional[bool]]:
    """spec.decide for a .gitignore of last-component patterns, asked an entry's name: once per name."""
    memo: Dict[Tuple[str, bool], Optional[bool]] = {}
    decide = spec.decide

    def decider(name: str, is_dir: bool) -> Optional[bool]:
        key = (name, is_dir)
        found = memo.get(key, memo)
        if found is memo:
            found = memo[key] = decide(name, is_dir)
        return found  # type: ignore[return-value]

    return decider


def _kind_of_name(name: str) -> Optional[str]:
    """kinds.kind_of for a bare file name (no folder), as os.path.splitext reads its
    suffix: after the last dot, when something other than dots comes before it."""
    dot = name.rfind(".")
    if dot <= 0:
        return None
    kind = SUFFIX_KINDS.get(name[dot:].lower())
    if kind is not None and not name[:dot].strip("."):
        return None  # `.py`, `..py`: a hidden name without a suffix
    return kind


_new = object.__new__


def _source_file(path: str, abspath: str, kind: str, real: Optional[str] = None) -> SourceFile:
    """SourceFile(path, abspath, kind, real=real) without a frozen dataclass's __init__, which sets
    each field through object.__setattr__: a walk makes one per file of the project."""
    found = _new(SourceFile)
    found.__dict__.update(path=path, abspath=abspath, kind=kind, explicit=False, real=real)
    return found


def kept_by(source: SourceFile, settings: Settings) -> bool:
    """Whether a file found with the run's settings is kept by the settings of the nested
    config that governs it (its `exclude`, relative to its own root). A file named on
    the command line is kept unless force-exclude is set, as in `discover`."""
    if source.explicit and not settings.force_exclude:
        return True
    rel = os.path.relpath(source.abspath, os.path.abspath(settings.root))
    if rel.startswith(".."):
        return True
    patterns = tuple(settings.exclude) + tuple(settings.extend_exclude)
    parts = rel.split(os.sep)
    return not any(_excluded("/".join(parts[:i]), parts[i - 1], patterns) for i in range(1, len(parts) + 1))
