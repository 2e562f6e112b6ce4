"""--add-noqa: silence every current finding with a `# noqa: CODE` comment, like ruff's.

Where the comment goes: at the end of the finding's own line (its first row), which is
where the engine looks first. When that line cannot carry a comment, the comment moves
down to the first line that can, inside the same statement:
- the line ends inside a multi-line string (the comment would become text): the
  string's last line, as ruff does;
- the line ends with a backslash continuation (a comment there is a syntax error): the
  next line.
An existing `# noqa: X` there is merged into (`# noqa: X, CL001`); a bare `# noqa`
already silences everything; any other comment is kept and the noqa appended after it.
Each file is checked before it is written: it must parse, and every comment added must
tokenize as a comment on its row. Writes are atomic, as with --fix. CL9xx findings
(files that cannot be parsed) get no comment.
"""
from __future__ import annotations

import io
import os
import re
import tokenize
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Set, Tuple

from claude_lint import fix, fixes
from claude_lint.config import Settings
from claude_lint.diagnostics import Diagnostic

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_SPANNING = {tokenize.NEWLINE, tokenize.NL, tokenize.DEDENT, tokenize.INDENT, tokenize.ENDMARKER}


def add(paths: Sequence[str], settings: Settings, diagnostics: Sequence[Diagnostic]) -> Tuple[int, List[str]]:
    """(comments added or extended, files left untouched with why)."""
    rows: Dict[str, Dict[int, Set[str]]] = defaultdict(lambda: defaultdict(set))
    for d in diagnostics:
        if not d.code.startswith("CL9") and d.loc.cell is None:
            rows[os.path.abspath(d.loc.path)][d.loc.row].add(d.code)
    if not rows:
        return 0, []
    from claude_lint import safeio
    from claude_lint.engine import MAX_FILE_BYTES

    added = 0
    skipped: List[str] = []
    project = fix.run_root()
    found = fix.groups(paths, settings)
    for folder in sorted({os.path.dirname(s.abspath) for _, group in found for s in group if s.kind == "python"}):
        fix.remove_stale_temps(folder)
    for governing, group in found:
        for source in group:
            if source.abspath not in rows:
                continue
            real, why = fix.writable(source, governing.root, project)
            if real is None:
                skipped.append(f"{source.path}: {why}; left untouched")
                continue
            try:
                raw = safeio.read_regular(real, MAX_FILE_BYTES)
                text, encoding = fixes.decode(raw)
            except (OSError, SyntaxError, LookupError, UnicodeError):
                skipped.append(f"{source.path}: cannot read or decode")
                continue
            new, n = add_to_text(text, rows[source.abspath])
            if new is None or not n:
                if new is None:
                    skipped.append(f"{source.path}: noqa comments would not parse; left untouched")
                continue
            try:
                fix.write_atomic(real, new.encode(encoding), raw)
            except (fix.ChangedOnDisk, OSError, UnicodeError) as exc:
                skipped.append(f"{source.path}: not written ({exc.__class__.__name__})")
                continue
            added += n
    return added, skipped


def add_to_text(text: str, wanted: Dict[int, Set[str]]) -> Tuple[Optional[str], int]:
    """The text with noqa comments for {row: codes}; None if it would not stay valid."""
    parser = fix.parser_of(text)
    if parser is None:
        return None, 0
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None, 0
    starts = fixes.line_starts(text)
    open_rows = _rows_ending_inside_a_token(tokens)
    comments = {t.start[0]: t for t in tokens if t.type == tokenize.COMMENT}
    merged: Dict[int, Set[str]] = defaultdict(set)
    for row, codes in wanted.items():
        target = _comment_row(text, starts, row, open_rows)
        if target is not None:
            merged[target].update(codes)
    edits: List[Tuple[int, int, str]] = []
    rows: List[int] = []
    for row, codes in sorted(merged.items()):
        edit = _edit_for_row(text, starts, row, codes, comments.get(row))
        if edit is not None:
            edits.append(edit)
            rows.append(row)
    if not edits:
        return text, 0
    new = _splice(text, edits)
    if fix.parses(new, parser) and _all_comments(new, rows):
        return new, len(edits)
    return None, 0


def _rows_ending_inside_a_token(tokens) -> Set[int]:
    rows: Set[int] = set()
    for t in tokens:
        if t.type not in _SPANNING and t.end[0] > t.start[0]:
            rows.update(range(t.start[0], t.end[0]))
    return rows


def _line(text: str, starts: List[int], row: int) -> str:
    end = starts[row] if row < len(starts) else len(text)
    return text[starts[row - 1]:end].rstrip("\r\n")


def _comment_row(text: str, starts: List[int], row: int, open_rows: Set[int]) -> Optional[int]:
    while 1 <= row <= len(starts):
        if row in open_rows or _line(text, starts, row).endswith("\\"):
            row += 1
            continue
        return row
    return None


def _edit_for_row(text: str, starts: List[int], row: int, codes: Set[str], comment) -> Optional[Tuple[int, int, str]]:
    """(start offset, end offset, replacement) adding `codes` on `row`."""
    line = _line(text, starts, row)
    base = starts[row - 1]
    if comment is not None:
        m = NOQA.search(comment.string)
        col = comment.start[1]  # tokenize counts characters on str input
        if m is not None:
            if m.group("codes") is None:
                return None  # a bare noqa already silences every code
            have = [c.upper() for c in re.split(r"[\s,]+", m.group("codes")) if c]
            extra = sorted(codes - set(have))
            if not extra:
                return None
            a = base + col + m.start("codes")
            b = base + col + m.end("codes")
            return a, b, ", ".join(have + extra)
    end = base + len(line.rstrip())
    return end, end, "  # noqa: " + ", ".join(sorted(codes))


def _splice(text: str, edits: List[Tuple[int, int, str]]) -> str:
    out = []
    last = 0
    for a, b, content in sorted(edits):
        out.append(text[last:a])
        out.append(content)
        last = b
    out.append(text[last:])
    return "".join(out)


def _all_comments(text: str, rows: List[int]) -> bool:
    try:
        found = {t.start[0] for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT and NOQA.search(t.string)}
    except (tokenize.TokenError, SyntaxError):
        return False
    return all(r in found for r in rows)
