"""A Python file written for a newer Python than the one running: whether it is (libcst knows
the newer grammars), and its tree with only what this Python refuses taken out.

The common case is an f-string of Python 3.12 (PEP 701: the enclosing quote reused inside a
replacement field, a backslash there) in a file otherwise valid: losing the whole file lost every
request in it. Each refused f-string is replaced, over the same rows and byte columns, by a
parenthesised name the file never uses, so its value is unknown (no rule judges it) and every
other node keeps its place; the file's CL901 diagnostic is kept by the caller. Only on the
failure path: a file this Python parses never reaches here."""
from __future__ import annotations

import ast
import io
import warnings
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

MAX_REFUSED = 64  # f-strings replaced in one file; more, and the file stays unread


def accepted(text: str) -> bool:
    """Does libcst, which knows the grammar of newer Pythons, accept what this Python refused?"""
    try:
        import libcst as cst

        cst.parse_module(text)
        return True
    except Exception:  # libcst raises several error types on bad input
        return False


def recovered(text: str, path: str) -> Optional[ast.Module]:
    """The tree of `text` with each f-string this Python refuses replaced by a name the file never
    uses (its value unknown); None when libcst does not parse the file either, something else is
    refused, a replacement does not fit its place, or more than MAX_REFUSED need replacing."""
    spans = _refused_fstrings(text)
    if not spans:
        return None
    rows = io.StringIO(text, newline="").readlines()
    name = "__newer_syntax"
    while name in text:
        name += "_"
    for start, end in sorted(spans, reverse=True):  # from the end, so earlier places stay put
        if not _replace(rows, start, end, name):
            return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile("".join(rows), path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _refused_fstrings(text: str) -> List[Tuple[Tuple[int, int], Tuple[int, int]]]:
    """((row, column), (row, column)) of each outermost f-string this Python's compiler refuses
    (rows 1-based, columns in characters, the end exclusive)."""
    try:
        import libcst as cst
        from libcst import metadata

        module = cst.parse_module(text)
        positions = metadata.MetadataWrapper(module, unsafe_skip_copy=True).resolve(metadata.PositionProvider)
    except Exception:  # libcst raises several error types on bad input (and its native parser on deep nesting)
        return []
    spans: List[Tuple[Tuple[int, int], Tuple[int, int]]] = []

    class _Refused(cst.CSTVisitor):
        def visit_FormattedString(self, node) -> bool:
            if len(spans) <= MAX_REFUSED and not _compiles(module.code_for_node(node)):
                at = positions[node]
                spans.append(((at.start.line, at.start.column), (at.end.line, at.end.column)))
            return False  # one accepted whole holds none refused; one refused is replaced whole

    module.visit(_Refused())
    return spans if len(spans) <= MAX_REFUSED else []


def _compiles(code: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(code, "<f-string>", "eval", ast.PyCF_ONLY_AST, dont_inherit=True)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def _replace(rows: List[str], start: Tuple[int, int], end: Tuple[int, int], name: str) -> bool:
    """Put `(name)` where the f-string was, padded with spaces to the same UTF-8 length on its
    first and last rows (the tree's columns are byte offsets) and blank rows between."""
    (first, col), (last, end_col) = start, end
    if not 1 <= first <= last <= len(rows):
        return False
    head, tail = rows[first - 1][:col], rows[last - 1][end_col:]
    if first == last:
        width = len(rows[first - 1][col:end_col].encode("utf-8", "surrogatepass"))
        if width < len(name) + 2:
            return False
        rows[first - 1] = head + "(" + name + " " * (width - len(name) - 2) + ")" + tail
        return True
    opening = rows[first - 1][col:].rstrip("\r\n")
    closing = rows[last - 1][:end_col]
    room = len(opening.encode("utf-8", "surrogatepass"))
    if room < len(name) + 1 or end_col < 1:
        return False
    ending = rows[first - 1][len(head) + len(opening):]
    rows[first - 1] = head + "(" + name + " " * (room - len(name) - 1) + ending
    for row in range(first, last - 1):
        rows[row] = "\n"
    rows[last - 1] = " " * (len(closing.encode("utf-8", "surrogatepass")) - 1) + ")" + tail
    return True
