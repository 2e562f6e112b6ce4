"""Suppression comments outside Python's own `# noqa` (which the Python extractor reads):

- `# noqa` / `# noqa: CODE` at the end of a line of YAML, TOML, or a prompt file's front
  matter (`.prompty`, `.prompt`), as in Python: the finding on that line is silenced;
- `# claude-lint: noqa` or `# claude-lint: noqa: CODE, ...` as a comment of its own, in any
  kind of file that has comments (Python, notebook cells, YAML, TOML, front matter): the
  whole file (ruff's `# ruff: noqa`).

JSON and JSONL have no comments: `per-file-ignores` is their way. Comments are found by
a scan that knows each format's strings, so a `#` inside a quoted value, a TOML
multi-line string or a YAML block scalar is not a comment.
"""
from __future__ import annotations

import dataclasses
import os
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from claude_lint.facts import FileFacts, Noqa
from claude_lint.noqa import FILE_NOQA, NOQA, WHOLE_FILE, codes_of
from claude_lint.patterns import lazy

_ANY = lazy("noqa", re.IGNORECASE)


def with_comments(facts: FileFacts, text: Optional[str]) -> FileFacts:
    """`facts` with the suppression comments of `text` this module reads added."""
    if text is None or not facts.parsed or _ANY.search(text) is None:
        return facts
    found: List[Noqa] = []
    for row, comment in comments(facts.kind, facts.path, text):
        whole = FILE_NOQA.match(comment)
        if whole is not None:
            found.append(Noqa(WHOLE_FILE, codes_of(whole)))
        elif facts.kind in ("config", "prompt"):  # Python's line noqa is the extractor's
            m = NOQA.search(comment)
            if m is not None:
                found.append(Noqa(row, codes_of(m)))
    if not found:
        return facts
    return dataclasses.replace(facts, noqa=facts.noqa + tuple(found))


def comments(kind: str, path: str, text: str) -> Iterator[Tuple[int, str]]:
    """(row, comment text from its `#`) for each comment of a file of this kind."""
    suffix = os.path.splitext(path)[1].lower()
    if kind == "python":
        if "claude-lint" in text:
            yield from _python(text)
    elif kind == "notebook":
        if "claude-lint" in text:
            from claude_lint import ipynb
            from claude_lint.extract.notebook import clean_cell

            for source in ipynb.code_cells(text).values():
                # Whole-file comments only: a cell's rows are not the file's.
                yield from ((0, c) for _, c in _python("\n".join(clean_cell(source.replace("\r\n", "\n")))))
    elif kind == "config" and suffix in (".yaml", ".yml"):
        yield from _yaml(text.splitlines())
    elif kind == "config" and suffix == ".toml":
        yield from _toml(text.splitlines())
    elif kind == "prompt":
        lines = text.splitlines()
        if lines and lines[0].strip() == "---":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
            yield from ((row + 1, c) for row, c in _yaml(lines[1:end]))


def _python(text: str) -> Iterator[Tuple[int, str]]:
    from claude_lint import noqa

    return ((row, comment) for row, _, comment in noqa.comments(text))


_BLOCK_SCALAR = lazy(r"(?:^|[:\-]\s+|^\s*-\s+)[|>][0-9+\-]*\s*(?:#.*)?$")


def _yaml(lines: List[str]) -> Iterator[Tuple[int, str]]:
    block: Optional[int] = None  # indent of the line that opened a block scalar
    for row, line in enumerate(lines, 1):
        indent = len(line) - len(line.lstrip(" "))
        if block is not None:
            if not line.strip() or indent > block:
                continue  # the block scalar's text
            block = None
        at = _yaml_comment(line)
        if at is not None:
            yield row, line[at:]
        if _BLOCK_SCALAR.search(line if at is None else line[:at].rstrip()):
            block = indent


def _yaml_comment(line: str) -> Optional[int]:
    quote: Optional[str] = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote == '"':
            if c == "\\":
                i += 2
                continue
            if c == '"':
                quote = None
        elif quote == "'":
            if c == "'":
                quote = None  # '' is an escaped quote: closes and reopens
        elif c in "\"'" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            return i
        i += 1
    return None


def _toml(lines: List[str]) -> Iterator[Tuple[int, str]]:
    multi: Optional[str] = None  # the delimiter of a multi-line string being read
    for row, line in enumerate(lines, 1):
        i = 0
        while i < len(line):
            if multi is not None:
                if multi == '"""' and line[i] == "\\":
                    i += 2
                    continue
                if line.startswith(multi, i):
                    multi = None
                    i += 3
                    continue
                i += 1
                continue
            c = line[i]
            if line.startswith('"""', i) or line.startswith("'''", i):
                multi = line[i:i + 3]
                i += 3
                continue
            if c in "\"'":
                j = i + 1
                while j < len(line) and line[j] != c:
                    j += 2 if c == '"' and line[j] == "\\" else 1
                i = j + 1
                continue
            if c == "#":
                yield row, line[i:]
                break
            i += 1
