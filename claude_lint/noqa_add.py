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

Notebooks: the comment goes on the cell's line, with the same rules applied to the cell
(its IPython lines blanked, as the linter reads it), and only that source string of the
JSON changes. YAML, TOML and prompt front matter take `# noqa: CODE` at the end of the
line; the file must load to the very same data afterwards. JSON and JSONL have no
comments: their findings are listed as left, with `per-file-ignores` as the way.
"""
from __future__ import annotations

import io
import os
import tokenize
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Set, Tuple

from claude_lint import fix, ipynb, noqa, writes
from claude_lint.text import decode, line_starts, splice
from claude_lint.config import Settings
from claude_lint.diagnostics import Diagnostic
from claude_lint.facts import FILE_ERROR_CODES



def add(paths: Sequence[str], settings: Settings, diagnostics: Sequence[Diagnostic]) -> Tuple[int, List[str]]:
    """(comments added or extended, files left untouched with why)."""
    rows: Dict[str, Dict[int, Set[str]]] = defaultdict(lambda: defaultdict(set))
    cells: Dict[str, Dict[int, Dict[int, Set[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for d in diagnostics:
        if d.code in FILE_ERROR_CODES:  # a file that cannot be parsed takes no comment
            continue
        if d.loc.cell is None:
            rows[os.path.abspath(d.loc.path)][d.loc.row].add(d.code)
        else:
            cells[os.path.abspath(d.loc.path)][d.loc.cell][d.loc.row].add(d.code)
    if not rows and not cells:
        return 0, []
    from claude_lint import safeio
    from claude_lint.engine import MAX_FILE_BYTES

    added = 0
    skipped: List[str] = []
    project = writes.run_root()
    found = fix.groups(paths, settings)
    for folder in sorted({os.path.dirname(s.abspath) for _, group in found for s in group if s.abspath in rows or s.abspath in cells}):
        writes.remove_stale_temps(folder)
    for governing, group in found:
        for source in group:
            if source.abspath not in rows and source.abspath not in cells:
                continue
            wanted = rows.get(source.abspath) or {}
            count = sum(len(codes) for codes in wanted.values()) + sum(len(c) for r in cells.get(source.abspath, {}).values() for c in r.values())
            left = f"; {count} finding{'s' if count != 1 else ''} left as {'they were' if count != 1 else 'it was'}"
            if source.kind in ("batch",) or (source.kind == "config" and source.path.lower().endswith(".json")):
                skipped.append(f"{source.path}: JSON has no comments; silence its findings with per-file-ignores{left}")
                continue
            real, why = writes.writable(source, governing.root, project, kinds=("python", "notebook", "config", "prompt"))
            if real is None:
                skipped.append(f"{source.path}: {why}; left untouched{left}")
                continue
            try:
                raw = safeio.read_regular(real, MAX_FILE_BYTES)
                if source.kind == "python":
                    text, encoding = decode(raw)
                else:
                    text, bom = ipynb.decode(raw)
            except (OSError, SyntaxError, LookupError, UnicodeError):
                skipped.append(f"{source.path}: cannot read or decode{left}")
                continue
            if source.kind == "notebook":
                new, n, why = add_to_notebook(text, cells.get(source.abspath, {}))
            elif source.kind in ("config", "prompt"):
                new, n, why = add_to_config(source.kind, source.path, text, wanted)
            else:
                new, n = add_to_text(text, wanted)
                why = "noqa comments would not parse"
            if new is None or not n:
                if new is None:
                    skipped.append(f"{source.path}: {why}; left untouched{left}")
                continue
            try:
                writes.write_atomic(real, new.encode(encoding) if source.kind == "python" else ipynb.encode(new, bom), raw)
            except (writes.ChangedOnDisk, OSError, UnicodeError) as exc:
                skipped.append(f"{source.path}: not written ({exc.__class__.__name__})")
                continue
            added += n
    return added, skipped


def add_to_text(text: str, wanted: Dict[int, Set[str]]) -> Tuple[Optional[str], int]:
    """The text with noqa comments for {row: codes}; None if it would not stay valid."""
    parser = fix.parser_of(text)
    planned = _plan(text, wanted) if parser is not None else None
    if planned is None:
        return None, 0
    edits, rows = planned
    if not edits:
        return text, 0
    new = splice(text, edits)
    if fix.parses(new, parser) and _all_comments(new, rows):
        return new, len(edits)
    return None, 0


def _plan(text: str, wanted: Dict[int, Set[str]]) -> Optional[Tuple[List[Tuple[int, int, str]], List[int]]]:
    """(edits as (start, end, replacement) offsets, the rows they put a comment on), or
    None when the text does not tokenize."""
    try:
        for _ in tokenize.generate_tokens(io.StringIO(text).readline):
            pass
    except (tokenize.TokenError, SyntaxError):
        return None
    starts = line_starts(text)
    edits: List[Tuple[int, int, str]] = []
    rows: List[int] = []
    for row, a, b, content in noqa.placements(text, wanted):
        base = starts[row - 1]
        edits.append((base + a, base + b, content))
        rows.append(row)
    return edits, rows


def _line(text: str, starts: List[int], row: int) -> str:
    end = starts[row] if row < len(starts) else len(text)
    return text[starts[row - 1]:end].rstrip("\r\n")


def _all_comments(text: str, rows: List[int]) -> bool:
    try:
        found = {t.start[0] for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type == tokenize.COMMENT and noqa.NOQA.search(t.string)}
    except (tokenize.TokenError, SyntaxError):
        return False
    return all(r in found for r in rows)


def add_to_notebook(raw: str, wanted: Dict[int, Dict[int, Set[str]]]) -> Tuple[Optional[str], int, str]:
    """(the notebook's new text or None, comments added, why not) for {cell: {row: codes}}."""
    from claude_lint.extract.notebook import clean_cell

    sources = ipynb.code_cells(raw)
    new_sources: Dict[int, str] = {}
    added = 0
    for number, rows in sorted(wanted.items()):
        source = sources.get(number)
        if source is None:
            return None, 0, f"cell {number} was not found in the notebook's JSON"
        if "\r" in source:
            return None, 0, f"cell {number} has carriage returns in its source"
        # The cell as the linter reads it: IPython lines blanked, rows unchanged.
        cleaned = "\n".join(clean_cell(source)) + "\n"
        parser = fix.parser_of(cleaned)
        planned = _plan(cleaned, rows)
        if parser is None or planned is None:
            return None, 0, f"cell {number} does not parse"
        edits, targets = planned
        if not edits:
            continue
        real_starts, clean_starts = line_starts(source), line_starts(cleaned)
        moved = []
        for a, b, content in edits:
            row = max(i for i, start in enumerate(clean_starts) if start <= a) + 1
            if _line(cleaned, clean_starts, row) != _line(source, real_starts, row):
                return None, 0, f"cell {number}, line {row} is IPython syntax, where a comment would change the command"
            base = real_starts[row - 1] - clean_starts[row - 1]
            moved.append((a + base, b + base, content))
        new = splice(source, moved)
        again = "\n".join(clean_cell(new)) + "\n"
        if not (fix.parses(again, parser) and _all_comments(again, targets)):
            return None, 0, f"noqa comments in cell {number} would not parse"
        new_sources[number] = new
        added += len(edits)
    if not new_sources:
        return raw, 0, ""
    try:
        return ipynb.replace_sources(raw, new_sources), added, ""
    except ipynb.EditError as exc:
        return None, 0, str(exc)


def add_to_config(kind: str, path: str, text: str, wanted: Dict[int, Set[str]]) -> Tuple[Optional[str], int, str]:
    """`# noqa: CODE` at the end of YAML, TOML or front-matter lines; the file must load
    to the same data afterwards, and each comment must read as one."""
    from claude_lint import suppress

    if not path.lower().endswith((".yaml", ".yml", ".toml")) and kind != "prompt":
        return None, 0, "this kind of file has no comments"
    existing = dict(suppress.comments(kind, path, text))
    starts = line_starts(text)
    edits: List[Tuple[int, int, str]] = []
    for row, codes in sorted(wanted.items()):
        if not 1 <= row <= len(starts):
            continue
        line = _line(text, starts, row)
        comment = existing.get(row)
        edit = noqa.edit_for_line(line, None if comment is None else (len(line) - len(comment), comment), codes)
        if edit is not None:
            a, b, content = edit
            edits.append((starts[row - 1] + a, starts[row - 1] + b, content))
    if not edits:
        return text, 0, ""
    new = splice(text, edits)
    if _data(kind, path, new) != _data(kind, path, text) or _data(kind, path, text) is None:
        return None, 0, "a comment there would change the file's data (the line ends inside a value)"
    found = {row for row, c in suppress.comments(kind, path, new) if noqa.NOQA.search(c)}
    if not all(row in found for row in wanted if 1 <= row <= len(starts)):
        return None, 0, "a comment there would not read as one"
    return new, len(edits), ""


def _data(kind: str, path: str, text: str):
    """What the file holds, to compare before and after; None when it cannot be loaded."""
    try:
        if path.lower().endswith(".toml"):
            from claude_lint import toml

            return toml.loads(text)
        import yaml

        if kind == "prompt":
            lines = text.splitlines()
            end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
            return (yaml.safe_load("\n".join(lines[1:end])), lines[end:])
        return list(yaml.safe_load_all(text))
    except Exception:  # any loader error: not provably unchanged
        return None
