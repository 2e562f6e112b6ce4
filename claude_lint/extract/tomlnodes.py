"""TOML to the positioned tree of `nodes`.

tomllib decides what the file means (and rejects invalid TOML); a scan of the text
then finds where each value is written: table headers (`[a.b]`, `[[a.b]]` with their
array index), `key = value` lines, and inside values the elements of arrays and the
keys of inline tables, across lines. The scan only ever reads text tomllib accepted.
"""
from __future__ import annotations

import bisect
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Tuple

from claude_lint import toml
from claude_lint.extract.nodes import Node, ParseError

if TYPE_CHECKING:
    Pos = Tuple[int, int, int, int]
_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = _PART + r"(?:[ \t]*\.[ \t]*" + _PART + r")*"
_HEADER = re.compile(r"[ \t]*(\[\[?)[ \t]*(" + _DOTTED + r")[ \t]*\]\]?[ \t]*(?:#.*)?$")
_KEY = re.compile(r"[ \t]*(" + _DOTTED + r")[ \t]*=[ \t]*")
_SPACE = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_SCALAR = re.compile(r"[^,\]}\n#]*")


def _key(dotted: str) -> Tuple[str, ...]:
    parts = re.findall(_PART, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def parse_toml(text: str) -> Node:
    try:
        data = toml.loads(text)
        return _tree(data, (), _Scan(text).positions(), (1, 1, 1, 1))
    except toml.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        raise ParseError(str(exc).split(" (at line")[0], int(m.group(1)) if m else 1, int(m.group(2)) if m else 1) from None
    except RecursionError:  # tomllib and the walk below recurse once per level of nesting
        raise ParseError("document is too deeply nested") from None
    except ValueError as exc:  # int() refuses more than 4,300 digits
        raise ParseError(f"cannot read a value: {str(exc).split(':')[0]}") from None


class _Scan:
    def __init__(self, text: str):
        self.s = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.out: Dict[Tuple[object, ...], Pos] = {}

    def pos(self, i: int) -> Tuple[int, int]:
        line = bisect.bisect_right(self.starts, i) - 1
        return line + 1, i - self.starts[line] + 1

    def positions(self) -> Dict[Tuple[object, ...], Pos]:
        s, n, i = self.s, len(self.s), 0
        table: Tuple[object, ...] = ()
        arrays: Dict[Tuple[str, ...], int] = {}
        while i < n:
            end = s.find("\n", i)
            end = n if end < 0 else end
            header = _HEADER.match(s, i, end)
            if header:
                name = _key(header.group(2))
                if header.group(1) == "[[":
                    arrays[name] = arrays.get(name, -1) + 1
                table = ()
                for k in range(1, len(name) + 1):
                    table += (name[k - 1],)
                    if name[:k] in arrays:
                        table += (arrays[name[:k]],)
                i = end + 1
                continue
            m = _KEY.match(s, i, end)
            if m:
                end = self.value(m.end(), table + _key(m.group(1)), 0)
                nl = s.find("\n", end)
                end = n if nl < 0 else nl
            i = end + 1
        return self.out

    def value(self, j: int, path: Tuple[object, ...], depth: int) -> int:
        """Record where the value starting at j is written; return the offset after it."""
        s, n, start = self.s, len(self.s), j
        if depth > 60:
            return j
        if s.startswith(('"""', "'''"), j):
            q = s[j : j + 3]
            k = j + 3
            while True:
                k = s.find(q, k)
                if k < 0:
                    k = n
                    break
                if q == '"""' and _escaped(s, k):
                    k += 1
                    continue
                break
            j = k + 3
            while s[j : j + 1] == q[0]:  # up to two quotes may end the content
                j += 1
        elif s[j : j + 1] == '"':
            k = j + 1
            while k < n and s[k] != '"':
                k += 2 if s[k] == "\\" else 1
            j = k + 1
        elif s[j : j + 1] == "'":
            k = s.find("'", j + 1)
            j = (n if k < 0 else k) + 1
        elif s[j : j + 1] == "[":
            j, index = j + 1, 0
            while True:
                j = _SPACE.match(s, j).end()
                if j >= n or s[j] == "]":
                    j += 1
                    break
                after = self.value(j, path + (index,), depth + 1)
                j = _SPACE.match(s, max(after, j + 1)).end()
                index += 1
                if s[j : j + 1] == ",":
                    j += 1
        elif s[j : j + 1] == "{":
            j += 1
            while True:
                j = _SPACE.match(s, j).end()
                if j >= n or s[j] == "}":
                    j += 1
                    break
                m = _KEY.match(s, j)
                if not m:
                    j += 1
                    continue
                after = self.value(m.end(), path + _key(m.group(1)), depth + 1)
                j = _SPACE.match(s, max(after, m.end())).end()
                if s[j : j + 1] == ",":
                    j += 1
        else:
            m = _SCALAR.match(s, j)
            j = j + len(m.group(0).rstrip())
        self.out[path] = (*self.pos(start), *self.pos(min(j, n)))
        return j


def _escaped(s: str, k: int) -> bool:
    backslashes = 0
    while k - backslashes - 1 >= 0 and s[k - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _tree(data, path: Tuple[object, ...], positions, fallback: Pos) -> Node:
    pos = positions.get(path, fallback)
    if isinstance(data, dict):
        entries = []
        for k, v in data.items():
            child = _tree(v, path + (k,), positions, pos)
            entries.append((k, child, child))
        return Node("map", entries, *pos)
    if isinstance(data, list):
        return Node("seq", [_tree(v, path + (i,), positions, pos) for i, v in enumerate(data)], *pos)
    if not isinstance(data, (str, int, float, bool)):
        data = str(data)  # dates and times
    return Node("scalar", data, *pos)
