"""The functions of a Python file found on its bytes, for the pre-filter's reading of a
raw POST's body (prefilter_scope.py): the `def` around an offset, by indentation; its
block parsed alone; the `def`s of a name; whether the file defines a name itself or
imports it. Read loosely, in the safe direction: a text that does not parse, or a name
the file may bind, is said so."""
from __future__ import annotations

import ast
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Set, Tuple

from claude_lint.extract.prefilter_table import _closing, _words

MAX_FUNCTION_BYTES = 200_000  # a longer function is not parsed alone (its reader keeps the looser test)


MAX_HELPER_DEFS = 4  # definitions of one name followed (methods of several classes of the file)


def def_starts(data: bytes, name: str) -> List[Tuple[int, int]]:
    """(offset of its line, offset of its `(`) of each `def name(` at a line's start, at any
    indentation (a function's, or a method's of any class); more than MAX_HELPER_DEFS: stops there."""
    word = name.encode()
    found: List[Tuple[int, int]] = []
    for at, end in _words(data, word):
        line = data.rfind(b"\n", 0, at) + 1
        head = data[line:at].strip()
        if head == b"def" or head.startswith(b"async") and head.endswith(b"def") and not head[5:-3].strip():  # (`async  def` too)
            paren = end
            while paren < len(data) and data[paren] in (0x20, 0x09):
                paren += 1
            if paren < len(data) and data[paren] == 0x28:
                found.append((line, paren))
                if len(found) > MAX_HELPER_DEFS:
                    break
    return found


_TARGET_LIST_BYTES = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t,()[]*"


def defines(data: bytes, name: str) -> bool:
    """Does the file define or bind `name` itself (`def name(`, `class name`, `name = ...`,
    `a, name = ...`), as opposed to importing it? Read loosely (a superset): the word after
    `def` or `class`; or first on its line (or in a target list), followed by `=`, `:` or,
    with an `=` later on the line that is no comparison, by a comma or a closing bracket."""
    word = name.encode()
    for at, end in _words(data, word):
        before = data[data.rfind(b"\n", 0, at) + 1:at].rstrip()
        if before.endswith((b"def", b"class")):
            return True
        in_target_list = before.endswith((b",", b"(", b"[")) and not before.translate(None, _TARGET_LIST_BYTES)  # names, commas, brackets, stars
        if before.strip(b" \t") and not in_target_list:
            continue
        line_end = data.find(b"\n", end)
        rest = data[end:line_end if line_end >= 0 else len(data)].lstrip(b" \t")
        # `name = ...`, `name: T = ...`, or a target list (`name, other = ...`), not a call (`name(...)`)
        if rest[:1] in (b"=", b":", b",", b")", b"]") and not rest.startswith(b"=="):
            if rest[:1] in (b"=", b":") or b"=" in rest.replace(b"==", b"").replace(b"!=", b"").replace(b"<=", b"").replace(b">=", b""):
                return True
    return False


def def_params(data: bytes, found: Tuple[int, int, int]) -> Set[str]:
    """The parameters of the `def` `enclosing_def` found; empty when they cannot be read."""
    close = _closing(data, found[2])
    if close is None:
        return set()
    try:
        fn = ast.parse(b"def f" + data[found[2]:close + 1] + b": pass").body[0]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    return {x.arg for x in parameters(fn.args)}  # type: ignore[attr-defined]


def parameters(args: ast.arguments) -> List[ast.arg]:
    """Every parameter of a signature, `*args` and `**kwargs` too."""
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *(x for x in (args.vararg, args.kwarg) if x)]


def enclosing_def(data: bytes, at: int) -> Optional[Tuple[int, int, int]]:
    """(offset of its line, its indentation, offset of its `(`) of the innermost `def`
    whose block holds offset `at`, read by indentation; None at a class's or the module's level."""
    line = data.rfind(b"\n", 0, at) + 1
    indent = indent_of(data, line)
    while line > 0:
        line = data.rfind(b"\n", 0, line - 1) + 1
        end = data.find(b"\n", line)
        stripped = data[line:end if end >= 0 else len(data)].strip()
        if not stripped or stripped.startswith((b"#", b")", b"]", b"}")):
            continue  # blank, a comment, or the close of a bracket (`) -> Result:` of a long signature)
        level = indent_of(data, line)
        if level >= indent:
            continue
        indent = level
        if stripped.startswith((b"def ", b"async def ")):
            paren = data.find(b"(", line)
            return (line, level, paren) if paren >= 0 else None
        if stripped.startswith(b"class ") or level == 0:
            return None
    return None


def parsed_function(data: bytes, line: int, indent: int, paren: int) -> Optional[Tuple[ast.AST, bytes]]:
    """The `def` at `line`, parsed alone, and its bytes: its block runs to the first line of
    code indented no deeper than it. (A string's line cut there leaves the text unparsable: None.)"""
    close = _closing(data, paren)
    at = data.find(b"\n", close if close is not None else paren)
    while at >= 0:
        start = at + 1
        at = data.find(b"\n", start)
        stripped = data[start:at if at >= 0 else len(data)].strip()
        if stripped and not stripped.startswith(b"#") and indent_of(data, start) <= indent:
            at = start - 1
            break
    end = at if at >= 0 else len(data)
    if end - line > MAX_FUNCTION_BYTES:
        return None
    try:
        tree = ast.parse(b"if 1:\n" + data[line:end] if indent else data[line:end])
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    node = tree.body[0].body[0] if indent else tree.body[0]  # type: ignore[attr-defined]
    return (node, data[line:end]) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


_INDENT = re.compile(rb"[ \t]*")


def indent_of(data: bytes, line: int) -> int:
    return _INDENT.match(data, line).end() - line  # type: ignore[union-attr]
