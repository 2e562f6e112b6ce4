"""Structured files (YAML, JSON, TOML) to a small tree that keeps every position.

YAML is in `yamlnodes` (PyYAML is imported only when a YAML file is read). JSON has
its own small parser (strings decoded by the json module's C
scanner) because JSON is not quite YAML (tabs, `\\/`, duplicate keys, long keys).
TOML is in `tomlnodes`.

`value()` turns a tree into facts values (Text, Lit, Seq, Mapping) with exact Locs,
so that config files feed the same rules as code.
"""
from __future__ import annotations

import json
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from claude_lint.facts import INVALID_INPUT_FILE, FileError, Lit, Loc, Mapping, Seq, Text, Unknown

CODE = INVALID_INPUT_FILE
MAX_NODES = 200_000  # YAML aliases can expand exponentially ("billion laughs"): stop early
# Values that name an environment variable or a template: known only at run time.
_SURROGATE = re.compile("[\ud800-\udfff]")
_RUNTIME = re.compile(r"^\s*(?:os\.environ/|\$\{|\{\{|\$[A-Z_])")


class Node:
    """A mapping, sequence or scalar, with its 1-based start and end position."""

    __slots__ = ("kind", "value", "row", "col", "end_row", "end_col")

    def __init__(self, kind: str, value, row: int, col: int, end_row: int, end_col: int):
        self.kind = kind  # "map" | "seq" | "scalar"
        self.value = value  # map: [(key, key_node, value_node)]; seq: [node]; scalar: a Python value
        self.row, self.col, self.end_row, self.end_col = row, col, end_row, end_col

    def get(self, key: str) -> Optional["Node"]:
        if self.kind != "map":
            return None
        found = None
        for k, _, v in self.value:
            if k == key:
                found = v
        return found

    def path(self, *keys: str) -> Optional["Node"]:
        node: Optional[Node] = self
        for key in keys:
            node = node.get(key) if node is not None else None
        return node

    def items(self) -> List["Node"]:
        return list(self.value) if self.kind == "seq" else []

    def text(self) -> Optional[str]:
        return self.value if self.kind == "scalar" and isinstance(self.value, str) else None

    def loc(self, path: str) -> Loc:
        return Loc(path, self.row, self.col, self.end_row, self.end_col)


class ParseError(Exception):
    def __init__(self, message: str, row: int = 1, col: int = 1):
        super().__init__(message)
        self.message, self.row, self.col = message, row, col

    def error(self, path: str, what: str) -> FileError:
        return FileError(CODE, f"{what}: {self.message}", Loc(path, self.row, self.col, self.row, self.col))


# --- JSON ---------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_scanstring = json.decoder.scanstring


class _JSON:
    def __init__(self, text: str, row_offset: int):
        self.s = text
        self.row_offset = row_offset
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.count = 0

    def pos(self, i: int) -> Tuple[int, int]:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= i:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1 + self.row_offset, i - self.line_starts[lo] + 1

    def fail(self, message: str, i: int):
        row, col = self.pos(min(i, len(self.s)))
        raise ParseError(message, row, col)

    def ws(self, i: int) -> int:
        return _WS.match(self.s, i).end()

    def _container(self, start: int, depth: int) -> Tuple[Node, int]:
        """An object (a map of (key, key node, value) entries) or an array (a seq), from its opening bracket."""
        kind, close = ("map", "}") if self.s[start] == "{" else ("seq", "]")
        items: list = []
        i = self.ws(start + 1)
        if self.s[i : i + 1] == close:
            return self._made(kind, items, start, i + 1), i + 1
        while True:
            if kind == "map":
                i = self.ws(i)
                if self.s[i : i + 1] != '"':
                    self.fail("expecting a property name in double quotes", i)
                key_node, i = self.string(i)
                i = self.ws(i)
                if self.s[i : i + 1] != ":":
                    self.fail("expecting ':' delimiter", i)
                value, i = self.node(i + 1, depth + 1)
                items.append((key_node.value, key_node, value))
            else:
                value, i = self.node(i, depth + 1)
                items.append(value)
            i = self.ws(i)
            ch = self.s[i : i + 1]
            if ch == close:
                return self._made(kind, items, start, i + 1), i + 1
            if ch != ",":
                self.fail("expecting ',' delimiter", i)
            i += 1

    def node(self, i: int, depth: int) -> Tuple[Node, int]:
        self.count += 1
        if depth > 200 or self.count > MAX_NODES * 5:
            self.fail("document is too deeply nested", i)
        i = self.ws(i)
        ch = self.s[i : i + 1]
        start = i
        if ch == "{" or ch == "[":
            return self._container(i, depth)
        if ch == '"':
            return self.string(i)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(word, i):
                return self._made("scalar", value, start, i + len(word)), i + len(word)
        m = _NUMBER.match(self.s, i)
        if m and m.end() > i:
            text = m.group(0)
            try:
                value = float(text) if (m.group(1) or m.group(2)) else int(text)
            except ValueError:  # int() refuses more than 4,300 digits
                self.fail("number has too many digits", i)
            return self._made("scalar", value, start, m.end()), m.end()
        self.fail("expecting a value", i)
        raise AssertionError

    def string(self, i: int) -> Tuple[Node, int]:
        try:
            value, end = _scanstring(self.s, i + 1, True)
        except ValueError as exc:
            self.fail(getattr(exc, "msg", "invalid string"), getattr(exc, "pos", i))
        return self._made("scalar", value, i, end), end

    def _made(self, kind: str, value, start: int, end: int) -> Node:
        return Node(kind, value, *self.pos(start), *self.pos(end))


def parse_json(text: str, row_offset: int = 0) -> Node:
    parser = _JSON(text, row_offset)
    node, i = parser.node(0, 0)
    i = parser.ws(i)
    if i != len(text):
        parser.fail("extra data after the JSON value", i)
    return node


# --- to facts values -------------------------------------------------------------------


def value(node: Node, path: str, depth: int = 0, runtime: bool = True) -> object:
    """A tree as facts values with exact Locs.

    With `runtime`, strings that name an environment variable or a template
    (`os.environ/KEY`, `${env:KEY}`, `{{ ... }}`) are Unknown: set at run time.
    """
    loc = node.loc(path)
    if depth > 60:
        return Unknown("too deep", loc)
    if node.kind == "map":
        return Mapping(tuple((k, value(v, path, depth + 1, runtime)) for k, _, v in node.value if k is not None), loc)
    if node.kind == "seq":
        return Seq(tuple(value(v, path, depth + 1, runtime) for v in node.value), loc)
    v = node.value
    if isinstance(v, str):
        v = _SURROGATE.sub("\ufffd", v)  # JSON `\ud800` escapes: no encoder downstream accepts them
        if runtime and _RUNTIME.match(v):
            return Unknown(f"set at run time: {v[:40]}", loc)
        return Text((v,), loc)
    if v is None or isinstance(v, (bool, int, float)):
        return Lit(v, loc)
    return Unknown("value", loc)


def walk_maps(node: Node, depth: int = 0) -> Iterator[Node]:
    """Every mapping of a tree, outermost first."""
    if depth > 60:
        return
    if node.kind == "map":
        yield node
        for _, _, v in node.value:
            yield from walk_maps(v, depth + 1)
    elif node.kind == "seq":
        for v in node.value:
            yield from walk_maps(v, depth + 1)
