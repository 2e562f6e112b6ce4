"""Apply the text edits that diagnostics carry: --fix, --unsafe-fixes, --diff.

Safety, in order:
- Only Python files found from the paths given are touched, and only regular files
  inside the project root (after following symlinks) that we may write: not read-only,
  and with an owner and group we can give back (`writable`).
- Each file is fixed in memory: lint, apply every fix that does not overlap another,
  lint the new text again, repeat; then it is written once. So a file on disk is
  either as it was or fully fixed, whatever happens to the process.
- The result must parse (with the parser that accepted the original); otherwise the
  file is left untouched.
- The write is atomic: a temp file in the same folder, fsync, rename over the original,
  keeping its mode, owner, encoding, BOM and line endings. A file that changed on disk
  since it was read is not overwritten. A temp file left by a killed run is removed by
  the next `--fix` (`remove_stale_temps`).
- A fix's edits are all applied or none; applying fixes twice changes nothing the
  second time (a fixed finding no longer fires).
"""
from __future__ import annotations

import ast
import difflib
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

from claude_lint import atomic, fixes
from claude_lint.config import Settings
from claude_lint.diagnostics import Diagnostic, Edit, Fix, applicable
from claude_lint.discover import SourceFile, discover

MAX_PASSES = 10
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass
class Outcome:
    """What fixing a set of paths did."""

    fixed: Dict[str, Counter] = field(default_factory=dict)  # display path -> codes fixed
    diffs: List[str] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)  # "path: why" for files left untouched

    @property
    def count(self) -> int:
        return sum(sum(c.values()) for c in self.fixed.values())


# --- edits on text ----------------------------------------------------------------------


def apply_edits(text: str, edits: Sequence[Edit]) -> Optional[str]:
    """`text` with every edit applied; None when an edit is out of range or edits overlap."""
    starts = fixes.line_starts(text)
    spans = []
    for e in edits:
        a = fixes.offset(text, starts, e.row, e.col)
        b = fixes.offset(text, starts, e.end_row, e.end_col)
        if a is None or b is None or b < a:
            return None
        spans.append((a, b, e.content))
    spans.sort(key=lambda s: (s[0], s[1]))
    for (a1, b1, _), (a2, b2, _) in zip(spans, spans[1:]):
        if a2 < b1 or (a2 == a1 and b2 == b1):
            return None
    newline = fixes.newline_of(text)
    out = []
    last = 0
    for a, b, content in spans:
        if newline != "\n":
            content = _LINE_BREAK.sub(newline, content)
        out.append(text[last:a])
        out.append(content)
        last = b
    out.append(text[last:])
    return "".join(out)


def _span(text: str, starts, fix: Fix) -> Optional[Tuple[int, int]]:
    lo, hi = None, None
    for e in fix.edits:
        a = fixes.offset(text, starts, e.row, e.col)
        b = fixes.offset(text, starts, e.end_row, e.end_col)
        if a is None or b is None:
            return None
        lo = a if lo is None else min(lo, a)
        hi = b if hi is None else max(hi, b)
    return (lo, hi) if lo is not None else None


def choose(text: str, diagnostics: Sequence[Diagnostic], unsafe: bool) -> List[Diagnostic]:
    """The applicable fixes of one file that do not overlap, first come first served."""
    starts = fixes.line_starts(text)
    taken: List[Tuple[int, int]] = []
    seen = set()
    chosen = []
    for d in sorted(diagnostics, key=Diagnostic.sort_key):
        if not applicable(d.fix, unsafe) or d.fix.edits in seen:
            continue
        span = _span(text, starts, d.fix)
        if span is None or any(_conflict(span, other) for other in taken):
            continue
        taken.append(span)
        seen.add(d.fix.edits)
        chosen.append(d)
    return chosen


def _conflict(s: Tuple[int, int], t: Tuple[int, int]) -> bool:
    """Two spans overlap, or an insertion touches the other span (order is ambiguous)."""
    (a, b), (c, d) = s, t
    if a < d and c < b:
        return True
    if a == b:
        return c <= a <= d
    if c == d:
        return a <= c <= b
    return False


def parser_of(text: str) -> Optional[str]:
    """Which parser accepts the text: the running Python's, else libcst's (newer syntax)."""
    try:
        ast.parse(text)
        return "ast"
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    import libcst as cst

    try:
        cst.parse_module(text)
        return "cst"
    except Exception:  # libcst raises several error types on bad input
        return None


def parses(text: str, parser: Optional[str]) -> bool:
    if parser is None:
        return False
    if parser == "ast":
        try:
            ast.parse(text)
            return True
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return parser_of(text) is not None


# --- one file ---------------------------------------------------------------------------


def per_call(settings: Settings) -> Settings:
    """The settings with project-wide rules (CL003) left out: their findings carry no fix,
    and judging them would read the whole project again for every file fixed."""
    from claude_lint.checks import by_code
    from claude_lint.checks.base import Rule
    from claude_lint.config import selected

    rules = by_code()
    codes = tuple(c for c in selected(settings) if c in rules and type(rules[c]).check_project is Rule.check_project)
    return replace(settings, select=codes, extend_select=(), ignore=())


def relint(display_path: str, settings: Settings, data: bytes) -> List[Diagnostic]:
    """The findings of one file's in-memory contents, from the per-call rules."""
    from claude_lint.engine import lint

    result = lint([display_path], per_call(settings), stdin=(display_path, data))
    shown = {os.path.abspath(display_path)}
    return [d for d in result.diagnostics if os.path.abspath(d.loc.path) in shown]


def fix_text(path: str, raw: bytes, settings: Settings, unsafe: bool, lint=None) -> Tuple[Optional[bytes], Counter, str]:
    """(fixed bytes or None, codes fixed, why not) for one file's contents.

    `lint(path, settings, data)` gives the findings of in-memory contents (`relint`).
    """
    lint = lint or relint
    from claude_lint.discover import kind_of

    if kind_of(path) == "notebook":
        return fix_notebook(path, raw, settings, unsafe, lint)
    if not fixes.is_python(path):
        return None, Counter(), "only Python files and notebooks are rewritten"
    try:
        text, encoding = fixes.decode(raw)
        # A BOM is part of the encoding (utf-8-sig): decoding drops it, encoding restores it.
        if text.encode(encoding) != raw:
            return None, Counter(), "cannot re-encode byte for byte"
    except (SyntaxError, LookupError, UnicodeError):
        return None, Counter(), "cannot decode"
    parser = parser_of(text)
    if parser is None:
        return None, Counter(), "does not parse"
    done: Counter = Counter()
    current = text
    for _ in range(MAX_PASSES):
        data = current.encode(encoding)
        chosen = choose(current, lint(path, settings, data), unsafe)
        if not chosen:
            break
        new = apply_edits(current, [e for d in chosen for e in d.fix.edits])
        if new is None or not parses(new, parser):
            # Together they break the file: keep only the fixes that parse on their own.
            new, chosen = _one_by_one(current, chosen, parser)
        if new is None or new == current:
            break
        done.update(d.code for d in chosen)
        current = new
    if current == text:
        return None, done, ""
    try:
        return current.encode(encoding), done, ""
    except UnicodeEncodeError:
        return None, Counter(), f"the fix cannot be written in the file's encoding ({encoding})"


def fix_notebook(path: str, raw: bytes, settings: Settings, unsafe: bool, lint) -> Tuple[Optional[bytes], Counter, str]:
    """fix_text for a notebook: each cell's fixes applied to its source, as for a file;
    the cell must still parse as the linter reads it (IPython lines blanked); only the
    source strings that change are rewritten in the JSON (`ipynb.replace_sources`)."""
    from claude_lint import ipynb

    try:
        text, bom = ipynb.decode(raw)
    except UnicodeDecodeError:
        return None, Counter(), "cannot decode (a notebook is UTF-8)"
    done: Counter = Counter()
    current = text
    for _ in range(MAX_PASSES):
        found = [d for d in lint(path, settings, ipynb.encode(current, bom)) if applicable(d.fix, unsafe) and d.loc.cell is not None]
        if not found:
            break
        sources = ipynb.code_cells(current)
        new_sources: Dict[int, str] = {}
        fixed: List[Diagnostic] = []
        for number, cell_found in sorted(ipynb.edits_by_cell(found).items()):
            source = sources.get(number)
            if source is None or "\r" in source:
                continue
            new, chosen = _fix_cell(source, choose(source, cell_found, unsafe))
            if new is not None and new != source:
                new_sources[number] = new
                fixed.extend(chosen)
        if not new_sources:
            break
        try:
            current = ipynb.replace_sources(current, new_sources)
        except ipynb.EditError as exc:
            return None, Counter(), f"the fixed cells cannot be written back: {exc}"
        done.update(d.code for d in fixed)
    if current == text:
        return None, done, ""
    return ipynb.encode(current, bom), done, ""


def _fix_cell(source: str, chosen: List[Diagnostic]) -> Tuple[Optional[str], List[Diagnostic]]:
    """A cell's source with its chosen fixes, all of them or those that parse one by one."""
    from claude_lint.extract.notebook import clean_cell

    def linted(text: str) -> str:
        return "\n".join(clean_cell(text)) + "\n"

    parser = parser_of(linted(source))
    if parser is None or not chosen:
        return None, []
    new = apply_edits(source, [e for d in chosen for e in d.fix.edits])
    if new is not None and parses(linted(new), parser):
        return new, chosen
    kept = []
    current = source
    for d in sorted(chosen, key=lambda d: min((e.row, e.col) for e in d.fix.edits), reverse=True):
        new = apply_edits(current, d.fix.edits)
        if new is not None and parses(linted(new), parser):
            current = new
            kept.append(d)
    return (current if kept else None), kept


def _one_by_one(text: str, chosen: List[Diagnostic], parser: Optional[str]):
    kept = []
    current = text
    # From the end of the file backwards, so that earlier positions stay valid.
    for d in sorted(chosen, key=lambda d: min((e.row, e.col) for e in d.fix.edits), reverse=True):
        new = apply_edits(current, d.fix.edits)
        if new is not None and parses(new, parser):
            current = new
            kept.append(d)
    return (current if kept else None), kept


def write_atomic(path: str, data: bytes, expected: bytes) -> None:
    """Replace `path`'s contents with `data` unless they are no longer `expected`.

    The new file gets the old one's mode, owner and group; if the owner or the group
    cannot be given back (only root may give a file away), nothing is replaced."""
    st = os.stat(path)
    folder = os.path.dirname(path) or "."

    def keep_mode_and_check(tmp: str) -> None:
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            now = os.stat(tmp)
            if (now.st_uid, now.st_gid) != (st.st_uid, st.st_gid):
                os.chown(tmp, st.st_uid, st.st_gid)  # PermissionError: the file is left as it was
                os.chmod(tmp, stat.S_IMODE(st.st_mode))  # chown may drop set-id bits
        with open(path, "rb") as fh:
            if fh.read(len(expected) + 1) != expected:
                raise ChangedOnDisk(path)

    atomic.replace(path, data, prefix="." + os.path.basename(path) + ".", suffix=TEMP_SUFFIX, before_rename=keep_mode_and_check)
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


class ChangedOnDisk(Exception):
    pass


TEMP_SUFFIX = ".claude-lint-tmp"
# mkstemp's names: the prefix, 8 characters of [a-z0-9_], the suffix.
_TEMP = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
STALE_SECONDS = 60.0


def remove_stale_temps(folder: str) -> List[str]:
    """Remove the temp files a killed `--fix` left in `folder` (`.NAME.XXXXXXXX.claude-lint-tmp`
    next to an existing NAME); return their names. Only our own regular files, a minute
    old at least: a run fixing the same file right now keeps its temp file."""
    import time

    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    present = set(names)
    now = time.time()
    for name in names:
        m = _TEMP.match(name)
        if m is None or m.group("name") not in present:
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < STALE_SECONDS:
                continue
            if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
                continue
            os.unlink(path)
            removed.append(name)
        except OSError:
            continue
    return removed


# --- many files -------------------------------------------------------------------------


def _inside(path: str, folder: str) -> bool:
    folder = folder.rstrip(os.sep)
    return path == folder or path.startswith(folder + os.sep)


def run_root() -> str:
    """The project --fix may write in: the one holding the working directory (where
    pre-commit, CI and editors run us), whatever paths it was given."""
    from claude_lint.config import find_root

    return os.path.realpath(find_root(os.getcwd()))


def writable(source: SourceFile, root: str, project: Optional[str] = None, kinds: Sequence[str] = ("python", "notebook")) -> Tuple[Optional[str], str]:
    """(the real file to write for a source, "") or (None, why it must not be written).

    Written only: a source of one of `kinds` (Python and notebooks; --add-noqa also
    writes comments in YAML, TOML and prompt files); a regular file; inside the project
    root of its settings and inside `project` (default: `run_root()`), after following
    symlinks; not read-only; one whose owner and group we can keep."""
    if source.kind not in kinds:
        return None, f"{source.kind} files are not rewritten"
    real = os.path.realpath(source.abspath)
    project = run_root() if project is None else project
    for folder in (os.path.realpath(root), project):
        if not _inside(real, folder):
            return None, f"outside the project root ({folder})"
    try:
        st = os.stat(real)
    except OSError as exc:
        return None, f"cannot read ({exc.strerror or exc})"
    if not stat.S_ISREG(st.st_mode):
        return None, "not a regular file"
    if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
        return None, "read-only"
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        if st.st_uid != os.geteuid():
            return None, "owned by another user, who would lose it to us"
        if st.st_gid != os.getegid() and st.st_gid not in os.getgroups():
            return None, "its group is not one of ours and could not be kept"
    return real, ""


def target(source: SourceFile, root: str) -> Optional[str]:
    """The real file to write for a source, or None when it must not be written."""
    return writable(source, root)[0]


def groups(paths: Sequence[str], settings: Settings) -> List[Tuple[Settings, List[SourceFile]]]:
    """The files found from `paths`, each with the settings of its nearest config (as `lint`)."""
    from claude_lint.engine import by_config

    sources, _ = discover(paths, settings)
    return by_config(sources, settings)


def fix_paths(paths: Sequence[str], settings: Settings, diagnostics: Sequence[Diagnostic], unsafe: bool, write: bool) -> Outcome:
    """Fix (or, with write=False, diff) every file that has an applicable fix."""
    from claude_lint import safeio
    from claude_lint.engine import MAX_FILE_BYTES

    outcome = Outcome()
    wanted = {os.path.abspath(d.loc.path) for d in diagnostics if applicable(d.fix, unsafe)}
    found = groups(paths, settings)
    if write:
        for folder in sorted({os.path.dirname(s.abspath) for _, group in found for s in group if s.kind in ("python", "notebook")}):
            remove_stale_temps(folder)
    if not wanted:
        return outcome
    done_real = set()
    project = run_root()
    for governing, sources in found:
        for source in sources:
            if source.abspath not in wanted:
                continue
            real, why = writable(source, governing.root, project)
            if real is None:
                outcome.skipped.append(f"{source.path}: {why}; left untouched")
                continue
            if real in done_real:
                continue
            done_real.add(real)
            try:
                raw = safeio.read_regular(real, MAX_FILE_BYTES)
            except OSError as exc:
                outcome.skipped.append(f"{source.path}: cannot read ({exc.strerror or exc})")
                continue
            data, codes, why = fix_text(source.path, raw, governing, unsafe)
            if data is None:
                if why:
                    outcome.skipped.append(f"{source.path}: {why}; left untouched")
                continue
            if write:
                try:
                    write_atomic(real, data, raw)
                except ChangedOnDisk:
                    outcome.skipped.append(f"{source.path}: changed on disk while fixing; left untouched")
                    continue
                except OSError as exc:
                    outcome.skipped.append(f"{source.path}: cannot write ({exc.strerror or exc}); left untouched")
                    continue
            else:
                outcome.diffs.append(unified_diff(source.path, raw, data))
            outcome.fixed[source.path] = codes
    return outcome


def unified_diff(path: str, before: bytes, after: bytes) -> str:
    a = fixes.decode(before)[0]
    b = fixes.decode(after)[0]
    from claude_lint.report import printable

    # The name goes into `---`/`+++` lines: a newline in it would start a line of its own
    # (a forged `::error` command in a CI log). The file's own lines are the patch: kept.
    shown = printable(path)
    lines = []
    for line in difflib.unified_diff(_lines(a), _lines(b), fromfile=shown, tofile=shown):
        if not _LINE_BREAK.search(line[-1:] or "x"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def _lines(text: str) -> List[str]:
    out = []
    last = 0
    for m in _LINE_BREAK.finditer(text):
        out.append(text[last:m.end()])
        last = m.end()
    if last < len(text):
        out.append(text[last:])
    return out
