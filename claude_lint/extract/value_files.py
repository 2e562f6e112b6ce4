"""Prompt files read by the code (`open(...).read()`, `Path(...).read_text()`) and the
paths they are read from, one responsibility of `values.Evaluator` (a mixin: `self` is
the evaluator)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint.bounds import MAX_EXPRESSION_DEPTH, MAX_PATH_SEGMENTS
from claude_lint.extract import templates
from claude_lint.extract.scopes import Scope, keyword, positional
from claude_lint.facts import FileRead, Param, Transform, Unknown

PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
# A Transform's op: READ_OP + the reading file, on the path a helper's parameter names
# (`def load(path): with open(path) as f: return f.read()`): its caller's argument says which file.
READ_OP = "read:"

class FileValues:
    def file_read(self, receiver: ast.expr, method: str, scope: Scope, depth: int, loc) -> object:
        if method == "read":
            opened = receiver
            if isinstance(receiver, ast.Name):
                owner = self.find(receiver.id, scope)
                bound = owner.assigns.get(receiver.id, []) if owner is not None else []
                if len(bound) == 1 and isinstance(bound[0], tuple) and bound[0][0] == "with":
                    opened = bound[0][1]
                elif len(bound) == 1 and isinstance(bound[0], ast.Call):
                    opened = bound[0]
                else:
                    return Unknown("read of an unknown file", loc)
            if isinstance(opened, ast.Call) and (
                (isinstance(opened.func, ast.Name) and opened.func.id == "open" and self.qualname(opened.func, scope) is None)
                or self.qualname(opened.func, scope) in ("io.open", "codecs.open")
            ):
                args = positional(opened)
                file = args[0] if args else keyword(opened, "file")
                if file is None:
                    return Unknown("open()", loc)
                mode = args[1] if len(args) > 1 else keyword(opened, "mode")
                if mode is not None and "b" in self.code_for(mode):
                    return Unknown("binary read", loc)
                path = self.path_of(file, scope, depth + 1)
                if path is None:
                    return self._read_of_param(file, scope, depth, loc)
                return FileRead(path[0], path[1], self.abspath, loc)
            return Unknown("read", loc)
        path = self.path_of(receiver, scope, depth + 1)
        if path is None:
            return Unknown("path", loc)
        return FileRead(path[0], path[1], self.abspath, loc)

    def _read_of_param(self, file: ast.expr, scope: Scope, depth: int, loc) -> object:
        """`open(path)` of the function's own parameter: read once the call's argument is bound."""
        if isinstance(file, ast.Name):
            param = self.value(file, scope, depth + 1)
            if isinstance(param, Param) and param.name == file.id:
                return Transform(READ_OP + self.abspath, param, loc)
        return Unknown("read of a file not known statically", loc)

    def path_of(self, node: ast.expr, scope: Scope, depth: int) -> Optional[Tuple[Tuple[str, ...], str]]:
        """A path expression as (segments, anchor); None when it is not static."""
        key = (id(node), id(scope))
        if key in self._paths:
            return self._paths[key]  # type: ignore[return-value]
        if depth > MAX_EXPRESSION_DEPTH:
            return None
        found = self._path_of(node, scope, depth)
        if found is not None and len(found[0]) > MAX_PATH_SEGMENTS:
            found = None  # `P2 = P1 / P1` doubles per line
        self._paths[key] = found
        return found

    def _path_of(self, node: ast.expr, scope: Scope, depth: int) -> Optional[Tuple[Tuple[str, ...], str]]:
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return (("<file>",), "file")
            owner = self.find(node.id, scope)
            bound = owner.assigns.get(node.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                return self.path_of(bound[0], owner, depth + 1)
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return (tuple(node.value.split("/")), "cwd")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = self.path_of(node.left, scope, depth + 1)
            right = self.path_of(node.right, scope, depth + 1)
            if left is None or right is None or right[1] != "cwd":
                return None
            return (left[0] + right[0], left[1])
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self.path_of(node.value, scope, depth + 1)
            return None if inner is None else (inner[0] + ("..",), inner[1])
        if isinstance(node, ast.Call):
            qual = self.qualname(node.func, scope) or ""
            args = positional(node)
            if qual in templates.RESOURCE_FILES:
                return templates.package_path(self, node, scope, depth)
            if qual in PATH_CLASSES or qual in ("os.path.join",):
                pieces = [self.path_of(a, scope, depth + 1) for a in args]
                if not pieces or any(p is None for p in pieces) or any(p[1] != "cwd" for p in pieces[1:]):
                    return None
                return (tuple(s for p in pieces for s in p[0]), pieces[0][1])
            if qual in ("os.path.dirname",) and len(args) == 1:
                inner = self.path_of(args[0], scope, depth + 1)
                return None if inner is None else (inner[0] + ("..",), inner[1])
            if qual in ("os.path.abspath", "os.path.realpath") and len(args) == 1:
                return self.path_of(args[0], scope, depth + 1)
            if isinstance(node.func, ast.Attribute):
                method = node.func.attr
                if method in ("resolve", "absolute", "expanduser") and not args:
                    return self.path_of(node.func.value, scope, depth + 1)
                if method == "joinpath":
                    base = self.path_of(node.func.value, scope, depth + 1)
                    pieces = [self.path_of(a, scope, depth + 1) for a in args]
                    if base is None or any(p is None or p[1] != "cwd" for p in pieces):
                        return None
                    return (base[0] + tuple(s for p in pieces for s in p[0]), base[1])
                if method == "with_name" and len(args) == 1:
                    base = self.path_of(node.func.value, scope, depth + 1)
                    name = self.path_of(args[0], scope, depth + 1)
                    if base is None or name is None:
                        return None
                    return (base[0] + ("..",) + name[0], base[1])
        return None
