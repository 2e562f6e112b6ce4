"""Expressions to Values, following names through the scopes the Collector recorded.

Everything that cannot be known statically becomes `Unknown` (or `Dynamic` inside
text), so that rules can stay silent instead of guessing.
"""
from __future__ import annotations

import ast
from typing import Callable, Dict, Mapping as TMapping, Optional, Tuple

import libcst as cst
from libcst.metadata import CodeRange

from claude_lint.extract import templates
from claude_lint.extract.scopes import Binding, Scope
from claude_lint.facts import (
    Dynamic,
    FileRead,
    Lit,
    Loc,
    Mapping,
    Param,
    Ref,
    Seq,
    Text,
    Transform,
    Unknown,
)

MAX_DEPTH = 40
STRIP_METHODS = frozenset({"strip", "lstrip", "rstrip"})
DEDENT_FUNCTIONS = {"textwrap.dedent": "dedent", "inspect.cleandoc": "cleandoc"}
PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})
# Typed request helpers that are plain dicts at run time.
DICT_LIKE_CALLS = frozenset({"dict", "Request", "MessageCreateParamsNonStreaming", "MessageCreateParams"})


class Evaluator:
    def __init__(self, path: str, abspath: str, module: TMapping, positions: TMapping[cst.CSTNode, CodeRange], code_for: Callable[[cst.CSTNode], str]):
        self.path = path
        self.abspath = abspath
        self.module_scope = module
        self.positions = positions
        self.code_for = code_for
        self._memo: Dict[Tuple[int, str], object] = {}
        self._active: set = set()

    # --- helpers --------------------------------------------------------------------

    def loc(self, node: cst.CSTNode) -> Optional[Loc]:
        r = self.positions.get(node)
        if r is None:
            return None
        return Loc(self.path, r.start.line, r.start.column + 1, r.end.line, r.end.column + 1)

    def qualname(self, node: cst.BaseExpression, scope: Scope) -> Optional[str]:
        """The imported name an expression stands for: `a.Anthropic` -> anthropic.Anthropic."""
        if isinstance(node, cst.Name):
            s: Optional[Scope] = scope
            while s is not None:
                if node.value in s.imports:
                    return s.imports[node.value]
                if node.value in s.assigns or node.value in s.params:
                    return None
                s = s.parent
            return None
        if isinstance(node, cst.Attribute):
            base = self.qualname(node.value, scope)
            return f"{base}.{node.attr.value}" if base else None
        return None

    def find(self, name: str, scope: Scope) -> Optional[Scope]:
        """The scope that binds `name` as seen from `scope` (class bodies are skipped)."""
        s: Optional[Scope] = scope
        first = True
        while s is not None:
            if (s.kind != "class" or first) and (name in s.assigns or name in s.params or name in s.imports):
                return s
            first = False
            s = s.parent
        return None

    # --- evaluation -------------------------------------------------------------------

    def value(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> object:
        if depth > MAX_DEPTH:
            return Unknown("too deep", self.loc(node))
        loc = self.loc(node)
        if isinstance(node, (cst.Integer, cst.Float)):
            return Lit(node.evaluated_value, loc)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and isinstance(node.expression, (cst.Integer, cst.Float)):
            return Lit(-node.expression.evaluated_value, loc)
        if isinstance(node, cst.Name):
            if node.value in ("True", "False", "None"):
                return Lit({"True": True, "False": False, "None": None}[node.value], loc)
            return self.name(node.value, scope, depth, loc)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return self.text(node, scope, depth)
        if isinstance(node, cst.BinaryOperation):
            return self.binary(node, scope, depth)
        if isinstance(node, cst.Dict):
            return self.mapping(node, scope, depth)
        if isinstance(node, (cst.List, cst.Tuple)):
            items = []
            for el in node.elements:
                if isinstance(el, cst.StarredElement):
                    items.append(Unknown("starred", self.loc(el)))
                else:
                    items.append(self.value(el.value, scope, depth + 1))
            return Seq(tuple(items), loc)
        if isinstance(node, cst.Call):
            return self.call(node, scope, depth)
        if isinstance(node, cst.Attribute):
            return self.attribute(node, scope, depth)
        if isinstance(node, cst.Subscript):
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
                key = self.value(node.slice[0].slice.value, scope, depth + 1)
                if isinstance(key, Text) and key.is_folded and not key.dynamic_parts:
                    return Transform("getitem:" + key.literal, self.value(node.value, scope, depth + 1), loc)
            return Unknown("subscript", loc)
        return Unknown(type(node).__name__, loc)

    def name(self, name: str, scope: Scope, depth: int, loc: Optional[Loc]) -> object:
        owner = self.find(name, scope)
        if owner is None:
            return Unknown(f"undefined name {name}", loc)
        if name in owner.imports and name not in owner.assigns:
            target = owner.imports[name]
            module, _, attr = target.rpartition(".")
            if not module or module.endswith("."):
                # `import x` or `from . import x`: a module object, not a value.
                return Unknown(f"module {target}", loc)
            return Ref(module, attr, self.abspath, loc)
        bindings = owner.assigns.get(name, [])
        if name in owner.params:
            if bindings:
                return Unknown(f"parameter {name} is reassigned", loc)
            default = owner.params[name]
            dv = self.value(default, owner.parent or owner, depth + 1) if default is not None else None
            return Param(owner.name, name, dv, loc)
        if len(bindings) != 1 or isinstance(bindings[0], Binding) or isinstance(bindings[0], tuple):
            if len(bindings) == 1 and isinstance(bindings[0], tuple):
                return Unknown(f"{name} is bound by with", loc)
            return Unknown(f"{name} is bound more than once", loc)
        if ("name", name) in owner.mutated:
            return Unknown(f"{name} is changed in place", loc)
        key = (id(owner), name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Unknown("circular", loc)
        self._active.add(key)
        try:
            result = self.value(bindings[0], owner, depth + 1)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def attribute(self, node: cst.Attribute, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        if isinstance(node.value, cst.Name) and scope.self_name == node.value.value and scope.klass is not None:
            return self.self_attr(node.attr.value, scope.klass, depth, loc)
        if isinstance(node.value, cst.Name):
            owner = self.find(node.value.value, scope)
            if owner is not None and node.value.value in owner.imports and node.value.value not in owner.assigns:
                # `import prompts` then `prompts.SYSTEM`: a name of another module.
                return Ref(owner.imports[node.value.value], node.attr.value, self.abspath, loc)
            if owner is not None:
                bindings = owner.assigns.get(node.value.value, [])
                if len(bindings) == 1 and isinstance(bindings[0], Binding) and bindings[0].what == "class":
                    klass = self._class_scope(owner, node.value.value)
                    if klass is not None and node.attr.value in klass.assigns:
                        return self.name(node.attr.value, klass, depth + 1, loc)
        return Unknown("attribute", loc)

    def _class_scope(self, owner: Scope, name: str) -> Optional[Scope]:
        for child in self._children(owner):
            if child.kind == "class" and child.name.rsplit(".", 1)[-1] == name:
                return child
        return None

    def _children(self, scope: Scope):
        return [s for s in self.all_scopes if s.parent is scope]

    all_scopes: Tuple[Scope, ...] = ()

    def self_attr(self, attr: str, klass: Scope, depth: int, loc: Optional[Loc]) -> object:
        assigned = klass.self_attrs.get(attr, [])
        if ("self", attr) in {m for s in self._children(klass) for m in s.mutated}:
            return Unknown(f"self.{attr} is changed in place", loc)
        if len(assigned) == 1 and attr not in klass.assigns:
            value, method, _ = assigned[0]
            if isinstance(value, (Binding, tuple)):
                return Unknown(f"self.{attr} is bound indirectly", loc)
            return self.value(value, method, depth + 1)
        if not assigned and attr in klass.assigns:
            return self.name(attr, klass, depth + 1, loc)
        return Unknown(f"self.{attr} is assigned more than once", loc)

    # --- strings -----------------------------------------------------------------------

    def text(self, node: cst.BaseExpression, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        if isinstance(node, cst.SimpleString):
            if "b" in node.prefix.lower():
                return Unknown("bytes", loc)
            try:
                return Text((node.evaluated_value,), loc)
            except Exception:  # malformed escapes: libcst parses what Python would reject
                return Unknown("string literal", loc)
        if isinstance(node, cst.ConcatenatedString):
            left = self.text(node.left, scope, depth)
            right = self.text(node.right, scope, depth)
            if isinstance(left, Text) and isinstance(right, Text):
                return Text(left.parts + right.parts, loc)
            return Unknown("string literal", loc)
        assert isinstance(node, cst.FormattedString)
        parts = []
        raw = "r" in node.prefix.lower()
        quote = node.end
        for piece in node.parts:
            if isinstance(piece, cst.FormattedStringText):
                parts.append(_fstring_text(piece.value, raw, quote))
            else:
                parts.extend(self._field(piece, scope, depth))
        return Text(tuple(parts), loc)

    def _field(self, piece: cst.FormattedStringExpression, scope: Scope, depth: int) -> Tuple[object, ...]:
        # A format spec stays in the source (`now():%Y-%m-%d`): it tells a daily value from a per-request one.
        source = self.code_for(piece)[1:-1] if piece.format_spec is not None else self.code_for(piece.expression)
        dynamic = Dynamic(source, self.loc(piece.expression))
        if piece.conversion is not None or piece.format_spec is not None:
            return (dynamic,)
        inner = self.value(piece.expression, scope, depth + 1)
        if isinstance(inner, Text):
            return inner.parts
        if isinstance(inner, Lit):
            return (str(inner.value),)
        if isinstance(inner, (Ref, FileRead, Param, Transform)):
            return (inner,)
        return (dynamic,)

    def binary(self, node: cst.BinaryOperation, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        if not isinstance(node.operator, cst.Add):
            return Unknown("operator", loc)
        left = self.value(node.left, scope, depth + 1)
        right = self.value(node.right, scope, depth + 1)
        if isinstance(left, Lit) and isinstance(right, Lit) and isinstance(left.value, (int, float)) and isinstance(right.value, (int, float)):
            return Lit(left.value + right.value, loc)
        if isinstance(left, Text) or isinstance(right, Text):
            return Text(self._as_parts(left, node.left) + self._as_parts(right, node.right), loc)
        if isinstance(left, (Ref, FileRead, Param, Transform)) and isinstance(right, (Ref, FileRead, Param, Transform)):
            return Text((left, right), loc)
        return Unknown("expression", loc)

    def _as_parts(self, value: object, node: cst.BaseExpression) -> Tuple[object, ...]:
        if isinstance(value, Text):
            return value.parts
        if isinstance(value, (Ref, FileRead, Param, Transform)):
            return (value,)
        return (Dynamic(self.code_for(node), self.loc(node)),)

    # --- containers --------------------------------------------------------------------

    def mapping(self, node: cst.Dict, scope: Scope, depth: int) -> Mapping:
        entries = []
        key_locs = []
        is_open = False
        for el in node.elements:
            if isinstance(el, cst.StarredDictElement):
                entries.append((None, self.value(el.value, scope, depth + 1)))
                continue
            key = self.value(el.key, scope, depth + 1)
            if isinstance(key, Text) and key.is_folded and not key.dynamic_parts:
                entries.append((key.literal, self.value(el.value, scope, depth + 1)))
                self._note_loc(key_locs, key.literal, el.value)
            else:
                is_open = True
        return Mapping(tuple(entries), self.loc(node), is_open, tuple(key_locs))

    def _note_loc(self, key_locs: list, key: str, node: cst.CSTNode) -> None:
        loc = self.loc(node)
        if loc is not None:
            key_locs.append((key, loc))

    def kwargs(self, args, scope: Scope, depth: int, loc: Optional[Loc]) -> Mapping:
        entries = []
        key_locs: list = []
        for arg in args:
            if arg.keyword is not None:
                entries.append((arg.keyword.value, self.value(arg.value, scope, depth + 1)))
                self._note_loc(key_locs, arg.keyword.value, arg.value)
            elif arg.star == "**":
                entries.append((None, self.value(arg.value, scope, depth + 1)))
        return Mapping(tuple(entries), loc, False, tuple(key_locs))

    # --- calls -----------------------------------------------------------------------

    def call(self, node: cst.Call, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        func = node.func
        qual = self.qualname(func, scope) or ""
        first = node.args[0].value if node.args and not node.args[0].star else None
        if qual in DEDENT_FUNCTIONS and first is not None:
            return Transform(DEDENT_FUNCTIONS[qual], self.value(first, scope, depth + 1), loc)
        short = qual.rsplit(".", 1)[-1] if qual else (func.value if isinstance(func, cst.Name) else "")
        if short in DICT_LIKE_CALLS and (qual in ("", "dict") or "anthropic" in qual or short != "dict"):
            if isinstance(func, cst.Name) and func.value == "dict" and self.find("dict", scope) is not None:
                return Unknown("call", loc)
            if all(a.keyword is not None or a.star == "**" for a in node.args):
                return self.kwargs(node.args, scope, depth, loc)
        hooked = templates.call(self, node, scope, depth, qual)  # package resources, Jinja templates
        if hooked is not None:
            return hooked
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in STRIP_METHODS and not node.args:
                return Transform(method, self.value(func.value, scope, depth + 1), loc)
            if method == "format":
                return Transform("format", self.value(func.value, scope, depth + 1), loc)
            if method == "join" and len(node.args) == 1:
                return self._join(func.value, node.args[0].value, scope, depth, loc)
            if method in ("read_text", "read"):
                return self.file_read(func.value, method, scope, depth, loc)
        return Unknown("call", loc)

    def _join(self, sep_node, items_node, scope: Scope, depth: int, loc) -> object:
        sep = self.value(sep_node, scope, depth + 1)
        items = self.value(items_node, scope, depth + 1)
        if not (isinstance(sep, Text) and sep.is_folded and not sep.dynamic_parts and isinstance(items, Seq)):
            return Unknown("join", loc)
        parts: list = []
        for i, item in enumerate(items.items):
            if i:
                parts.append(sep.literal)
            if isinstance(item, Text):
                parts.extend(item.parts)
            elif isinstance(item, (Ref, FileRead, Param, Transform)):
                parts.append(item)
            else:
                parts.append(Dynamic("<item>", getattr(item, "loc", None)))
        return Text(tuple(parts), loc)

    # --- files ---------------------------------------------------------------------------

    def file_read(self, receiver: cst.BaseExpression, method: str, scope: Scope, depth: int, loc) -> object:
        if method == "read":
            opened = receiver
            if isinstance(receiver, cst.Name):
                owner = self.find(receiver.value, scope)
                bound = owner.assigns.get(receiver.value, []) if owner is not None else []
                if len(bound) == 1 and isinstance(bound[0], tuple) and bound[0][0] == "with":
                    opened = bound[0][1]
                elif len(bound) == 1 and isinstance(bound[0], cst.Call):
                    opened = bound[0]
                else:
                    return Unknown("read of an unknown file", loc)
            if isinstance(opened, cst.Call) and self.qualname(opened.func, scope) in (None, "io.open", "codecs.open") and (
                (isinstance(opened.func, cst.Name) and opened.func.value == "open") or self.qualname(opened.func, scope) in ("io.open", "codecs.open")
            ):
                if not opened.args:
                    return Unknown("open()", loc)
                mode = opened.args[1].value if len(opened.args) > 1 and opened.args[1].keyword is None else None
                if mode is not None and "b" in self.code_for(mode):
                    return Unknown("binary read", loc)
                path = self.path_of(opened.args[0].value, scope, depth + 1)
                return path if path is None else FileRead(path[0], path[1], self.abspath, loc)
            if method == "read":
                return Unknown("read", loc)
        path = self.path_of(receiver, scope, depth + 1)
        if path is None:
            return Unknown("path", loc)
        return FileRead(path[0], path[1], self.abspath, loc)

    def path_of(self, node: cst.BaseExpression, scope: Scope, depth: int) -> Optional[Tuple[Tuple[str, ...], str]]:
        """A path expression as (segments, anchor); None when it is not static."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(node, cst.Name):
            if node.value == "__file__":
                return (("<file>",), "file")
            owner = self.find(node.value, scope)
            bound = owner.assigns.get(node.value, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], cst.BaseExpression):
                return self.path_of(bound[0], owner, depth + 1)
            return None
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = self.text(node, scope, depth)
            if isinstance(value, Text) and value.is_folded and not value.dynamic_parts:
                return (tuple(value.literal.split("/")), "cwd")
            return None
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Divide):
            left = self.path_of(node.left, scope, depth + 1)
            right = self.path_of(node.right, scope, depth + 1)
            if left is None or right is None or right[1] != "cwd":
                return None
            return (left[0] + right[0], left[1])
        if isinstance(node, cst.Attribute) and node.attr.value == "parent":
            inner = self.path_of(node.value, scope, depth + 1)
            return None if inner is None else (inner[0] + ("..",), inner[1])
        if isinstance(node, cst.Call):
            qual = self.qualname(node.func, scope) or ""
            args = [a.value for a in node.args if a.keyword is None and not a.star]
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
            if isinstance(node.func, cst.Attribute):
                method = node.func.attr.value
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


def _fstring_text(value: str, raw: bool, quote: str) -> str:
    text = value.replace("{{", "{").replace("}}", "}")
    if raw or "\\" not in text:
        return text
    try:
        return ast.literal_eval(quote + text + quote)
    except Exception:  # an escape we cannot decode: keep the source text
        return text
