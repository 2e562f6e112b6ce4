"""Apply the text edits that diagnostics carry: --fix, --unsafe-fixes, --diff.

Safety, in order:
- Only Python files found from the paths given are touched, and only regular files
  inside the project root (after following symlinks) that we may write: not read-only,
  and with an owner and group we can give back (`writes.writable`).
- Each file is fixed in memory: lint, apply every fix that does not overlap another,
  lint the new text again, repeat; then it is written once. So a file on disk is
  either as it was or fully fixed, whatever happens to the process.
- The result must parse (with the parser that accepted the original); otherwise the
  file is left untouched.
- The write is atomic (`writes.py`): a temp file in the same folder, fsync, rename over
  the original, keeping its mode, owner, encoding, BOM and line endings. A file that
  changed on disk since it was read is not overwritten. A temp file left by a killed run
  is removed by the next `--fix` (`remove_stale_temps`).
- A fix's edits are all applied or none; applying fixes twice changes nothing the
  second time (a fixed finding no longer fires).
"""
from __future__ import annotations

import ast
import difflib
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from claude_lint.config import Settings
from claude_lint.diagnostics import Diagnostic, Edit, Fix, applicable
from claude_lint.discover import SourceFile, discover
from claude_lint.kinds import kind_of
from claude_lint.text import LINE_BREAK, decode, line_starts, newline_of, offset, splice, split_lines
# The safe writing --fix does, named here for the callers that have always found it here.
from claude_lint.writes import ChangedOnDisk, remove_stale_temps, run_root, target, writable, write_atomic  # noqa: F401

if TYPE_CHECKING:
    from claude_lint.context_files import ContextCache

MAX_PASSES = 10


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
    """`text` with every edit applied, its line breaks written as the text's own; None
    when an edit is out of range or edits overlap."""
    starts = line_starts(text)
    spans = []
    newline = newline_of(text)
    for e in edits:
        a = offset(text, starts, e.row, e.col)
        b = offset(text, starts, e.end_row, e.end_col)
        if a is None or b is None or b < a:
            return None
        spans.append((a, b, e.content if newline == "\n" else LINE_BREAK.sub(newline, e.content)))
    spans.sort(key=lambda s: (s[0], s[1]))
    for (a1, b1, _), (a2, b2, _) in zip(spans, spans[1:]):
        if a2 < b1 or (a2 == a1 and b2 == b1):
            return None
    return splice(text, spans)


def _span(text: str, starts, fix: Fix) -> Optional[Tuple[int, int]]:
    lo, hi = None, None
    for e in fix.edits:
        a = offset(text, starts, e.row, e.col)
        b = offset(text, starts, e.end_row, e.end_col)
        if a is None or b is None:
            return None
        lo = a if lo is None else min(lo, a)
        hi = b if hi is None else max(hi, b)
    return (lo, hi) if lo is not None else None


def choose(text: str, diagnostics: Sequence[Diagnostic], unsafe: bool) -> List[Diagnostic]:
    """The applicable fixes of one file that do not overlap, first come first served."""
    starts = line_starts(text)
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
    """The settings with the rules that judge only the project as a whole (CL003) left out:
    their findings carry no fix. A rule that also judges each call (CL004, CL011, CL013:
    a wrapper's calls said once, at its request) stays: its per-call findings carry its fixes."""
    from claude_lint.checks import by_code
    from claude_lint.checks.base import Rule
    from claude_lint.config import selected

    enabled = selected(settings)
    rules = by_code(enabled)
    codes = tuple(c for c in enabled if c in rules and (type(rules[c]).check_project is Rule.check_project
                                                         or type(rules[c]).check_call is not Rule.check_call))
    return replace(settings, select=codes, extend_select=(), ignore=())


def relint(display_path: str, settings: Settings, data: bytes, context: Optional[ContextCache] = None) -> List[Diagnostic]:
    """The findings of one file's in-memory contents, from the per-call rules, judged on the
    file alone (`context_limit=0`): the rest of the project, read for a rule's project
    judgement on every pass of every file fixed, adds no fix to most files. With `context`,
    judged with the rest of the project, whose facts it keeps across passes and files."""
    from claude_lint.engine import lint

    if context is None:
        result = lint([display_path], per_call(settings), stdin=(display_path, data), context_limit=0)
    else:
        result = lint([display_path], per_call(settings), stdin=(display_path, data), context_cache=context)
    shown = {os.path.abspath(display_path)}
    return [d for d in result.diagnostics if os.path.abspath(d.loc.path) in shown]


class ProjectRelint:
    """`fix_text`'s lint for one file of a project linted whole: the file alone, unless a fix
    the project's lint found in it is not found there (a request whose growing conversation
    a caller in another file hands it, CL011): then, for every pass, with the rest of the
    project, read once for all such files (`memory`)."""

    def __init__(self, expected: Sequence[Diagnostic], memory: List[ContextCache]):
        self.expected = {(d.code, d.fix.edits) for d in expected if d.fix is not None}
        self.memory = memory
        self.first = True
        self.whole = False

    def __call__(self, display_path: str, settings: Settings, data: bytes) -> List[Diagnostic]:
        if not self.whole:
            found = relint(display_path, settings, data)
            first, self.first = self.first, False
            if not first or self.expected <= {(d.code, d.fix.edits) for d in found if d.fix is not None}:
                return found
            self.whole = True
        if not self.memory:
            from claude_lint.context_files import ContextCache

            self.memory.append(ContextCache())
        return relint(display_path, settings, data, self.memory[0])


def fix_text(path: str, raw: bytes, settings: Settings, unsafe: bool, lint=None) -> Tuple[Optional[bytes], Counter, str]:
    """(fixed bytes or None, codes fixed, why not) for one file's contents.

    `lint(path, settings, data)` gives the findings of in-memory contents (`relint`).
    """
    lint = lint or relint
    if kind_of(path) == "notebook":
        return fix_notebook(path, raw, settings, unsafe, lint)
    if kind_of(path) not in (None, "python"):
        return None, Counter(), "only Python files and notebooks are rewritten"
    try:
        text, encoding = decode(raw)
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


# --- many files -------------------------------------------------------------------------


def groups(paths: Sequence[str], settings: Settings) -> List[Tuple[Settings, List[SourceFile]]]:
    """The files found from `paths`, each with the settings of its nearest config (as `lint`)."""
    from claude_lint.engine import by_config

    sources, _ = discover(paths, settings)
    return by_config(sources, settings)


def fix_paths(paths: Sequence[str], settings: Settings, diagnostics: Sequence[Diagnostic], unsafe: bool, write: bool) -> Outcome:
    """Fix (or, with write=False, diff) every file that has an applicable fix."""
    from claude_lint import safeio
    from claude_lint.bounds import MAX_FILE_BYTES

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
    memory: List[ContextCache] = []  # the project's other files' facts, read when a file's fix needs them
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
            here = [d for d in diagnostics if applicable(d.fix, unsafe) and os.path.abspath(d.loc.path) == source.abspath]
            data, codes, why = fix_text(source.path, raw, governing, unsafe, ProjectRelint(here, memory))
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
    a = decode(before)[0]
    b = decode(after)[0]
    from claude_lint.report import printable

    # The name goes into `---`/`+++` lines: a newline in it would start a line of its own
    # (a forged `::error` command in a CI log). The file's own lines are the patch: kept.
    shown = printable(path)
    lines = []
    for line in difflib.unified_diff(split_lines(a), split_lines(b), fromfile=shown, tofile=shown):
        if not LINE_BREAK.search(line[-1:] or "x"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)
