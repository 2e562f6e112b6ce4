"""Prompt text loaded through package resources and Jinja templates.

- `importlib.resources.files(pkg).joinpath("x.txt").read_text()` (and `/ "x.txt"`,
  `files(__package__)`, the legacy `read_text(pkg, "x.txt")`) become a FileRead
  anchored at the package's folder ("package" anchor, resolved by link).
- `Environment(loader=FileSystemLoader(dir)).get_template("x.j2").render(...)`,
  `PackageLoader(pkg, "templates")`, `Template(open(...).read()).render(...)` and
  `env.from_string(s).render(...)` become Transform("jinja", text): link counts the
  literal text and turns `{{ ... }}` / `{% ... %}` into dynamic parts.
- `string.Template(s).substitute(...)` / `.safe_substitute(...)` and `s % args` (printf-style
  formatting) become Text: the fixed text stays, each `$name` / `%s` becomes the value it
  is filled with (a `%s` of text is that text) or a run-time part. Only a template whose
  text is known in this file is read (its placeholders must be found before link).

Everything else is None: the caller goes on as before.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

import ast

from claude_lint.extract.scopes import keyword as _keyword, positional as _positional
from claude_lint.facts import Dynamic, FileRead, Lit, Param, Ref, Text, Transform
from claude_lint.patterns import lazy

RESOURCE_FILES = frozenset({"importlib.resources.files", "importlib_resources.files"})
RESOURCE_READ_TEXT = frozenset({"importlib.resources.read_text", "importlib_resources.read_text"})
ENVIRONMENTS = frozenset({
    "jinja2.Environment", "jinja2.environment.Environment",
    "jinja2.sandbox.SandboxedEnvironment", "jinja2.sandbox.ImmutableSandboxedEnvironment",
})
TEMPLATES = frozenset({"jinja2.Template", "jinja2.environment.Template"})
FS_LOADERS = frozenset({"jinja2.FileSystemLoader", "jinja2.loaders.FileSystemLoader"})
PACKAGE_LOADERS = frozenset({"jinja2.PackageLoader", "jinja2.loaders.PackageLoader"})
STRING_TEMPLATES = frozenset({"string.Template"})
SUBSTITUTE = ("substitute", "safe_substitute")
# `$$`, `$name`, `${name}` (string.Template's default pattern).
_DOLLAR = lazy(r"\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})")
# `%%`, `%s`, `%(name)s`, `%-10.2f`: printf-style conversions.
_PERCENT = lazy(r"%(?:(%)|(?:\(([^()]*)\))?([#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?)([diouxXeEfFgGcrsa]))")
MAX_FILLS = 64  # placeholders filled with their values; more are run-time parts

if TYPE_CHECKING:
    Path = Optional[Tuple[Tuple[str, ...], str]]


def call(ev, node: ast.Call, scope, depth: int, qual: str) -> Optional[object]:
    """The value of a call when it reads a resource or renders a template, else None."""
    loc = ev.loc(node)
    if qual in RESOURCE_READ_TEXT:
        args = _positional(node)
        package = _package(ev, args[0], scope) if args else None
        name = ev.path_of(args[1], scope, depth + 1) if len(args) > 1 else None
        if package is None or name is None:
            return None
        return FileRead(package[0] + name[0], package[1], ev.abspath, loc)
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr == "render":
        template = template_of(ev, func.value, scope, depth + 1)
        if template is not None:
            return Transform("jinja", template, loc)
    if isinstance(func, ast.Attribute) and func.attr in SUBSTITUTE:
        return _substituted(ev, node, scope, depth)
    return None


def _substituted(ev, node: ast.Call, scope, depth: int) -> Optional[Text]:
    """`Template(PROMPT).substitute(answer=a)`: the template's text with each `$name` filled."""
    found = bound_call(ev, node.func.value, scope)
    if found is None or found[2] not in STRING_TEMPLATES:
        return None
    template, where, _ = found
    source = _argument(template, 0, "template")
    text = ev.value(source, where, depth + 1) if source is not None else None
    if not isinstance(text, Text) or not text.is_folded:
        return None
    fills = {k.arg: k.value for k in node.keywords if k.arg is not None}
    budget = [MAX_FILLS]

    def fill(match) -> tuple:
        if match.group(1):
            return ("$",)
        name = match.group(2) or match.group(3)
        given = fills.get(name)
        return _inline(ev, given, scope, depth, budget) if given is not None else (Dynamic("$" + name, ev.loc(node)),)

    return Text(_split(text, _DOLLAR, fill), ev.loc(node))


def percent(ev, node: ast.BinOp, scope, depth: int) -> Optional[Text]:
    """`FORMAT % (a, b)`, `FORMAT % a`, `FORMAT % {"k": v}`: printf-style text. A value fills
    its `%s` (text stays text); any other conversion, or a value not matched, is run-time."""
    text = ev.value(node.left, scope, depth + 1)
    if not isinstance(text, Text) or not text.is_folded:
        return None
    right = node.right
    values = list(right.elts) if isinstance(right, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in right.elts) else None
    named = ({k.value: v for k, v in zip(right.keys, right.values) if isinstance(k, ast.Constant) and isinstance(k.value, str)}
             if isinstance(right, ast.Dict) else {})
    single = right if values is None and not isinstance(right, ast.Dict) else None
    budget, at = [MAX_FILLS], [0]

    def fill(match) -> tuple:
        if match.group(1):
            return ("%",)
        name, spec, kind = match.group(2), match.group(3), match.group(4)
        if name is not None:
            given = named.get(name)
        elif values is not None:
            given = values[at[0]] if at[0] < len(values) else None
            at[0] += 1
        else:
            given = single
        if given is None or spec or kind != "s":
            return (Dynamic(ev.code_for(given) if given is not None else match.group(0), ev.loc(given if given is not None else node)),)
        return _inline(ev, given, scope, depth, budget)

    return Text(_split(text, _PERCENT, fill), ev.loc(node))


def _split(text: Text, pattern, fill) -> tuple:
    """The text's parts with each placeholder in a literal part replaced by what `fill` gives."""
    parts: list = []
    for part in text.parts:
        if not isinstance(part, str):
            parts.append(part)
            continue
        start = 0
        for match in pattern.finditer(part):
            parts.append(part[start:match.start()])
            parts.extend(fill(match))
            start = match.end()
        parts.append(part[start:])
    return tuple(p for p in parts if p != "")


def _inline(ev, expr: ast.expr, scope, depth: int, budget: list) -> tuple:
    """What a value puts in the text, as an f-string field without a format would: its text,
    a number's digits, a value link resolves, else a run-time part named by its source."""
    budget[0] -= 1
    inner = ev.value(expr, scope, depth + 1) if budget[0] >= 0 else None
    parts = inlined(inner)
    return parts if parts is not None else (Dynamic(ev.code_for(expr), ev.loc(expr)),)


def inlined(inner: object) -> Optional[tuple]:
    """The text parts a value puts in a text as it is (an f-string field, a placeholder): its
    text, a number's digits, a value link resolves later; None for anything else."""
    if isinstance(inner, Text):
        return inner.parts
    if isinstance(inner, Lit):
        return (str(inner.value),)
    if isinstance(inner, (Ref, FileRead, Param, Transform)):
        return (inner,)
    return None


def package_path(ev, node: ast.Call, scope, depth: int) -> Path:
    """`importlib.resources.files(pkg)` as a path."""
    args = _positional(node)
    return _package(ev, args[0], scope) if len(args) == 1 else None


def _package(ev, arg: ast.expr, scope) -> Path:
    if isinstance(arg, ast.Name) and arg.id in ("__package__", "__name__"):
        return (("<file>", ".."), "file")
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        text = ev.text(arg, scope, 0)
        literal = getattr(text, "literal", None)
        if literal and not getattr(text, "dynamic_parts", ()):
            return ((literal,), "package")
        return None
    qual = ev.qualname(arg, scope)  # an imported module object
    return ((qual,), "package") if qual else None


def _bound(ev, node: ast.expr, scope):
    """A name's single assigned expression (and the scope it lives in), else the node."""
    if isinstance(node, ast.Name):
        owner = ev.find(node.id, scope)
        bound = owner.assigns.get(node.id, []) if owner is not None else []
        if len(bound) == 1 and isinstance(bound[0], ast.expr):
            return bound[0], owner
        return None, scope
    return node, scope


def bound_call(ev, node: Optional[ast.expr], scope) -> Optional[Tuple[ast.Call, object, str]]:
    """The call a name is bound to (or the node itself), its scope and its qualified name
    ("" when not known); None when it is not a call."""
    if node is None:
        return None
    node, scope = _bound(ev, node, scope)
    if not isinstance(node, ast.Call):
        return None
    return node, scope, ev.qualname(node.func, scope) or ""


def template_of(ev, node: ast.expr, scope, depth: int) -> Optional[object]:
    """The source text of a Jinja template object, as a value (Text, FileRead, ...)."""
    if depth > 20:
        return None
    found = bound_call(ev, node, scope)
    if found is None:
        return None
    node, scope, qual = found
    args = _positional(node)
    if qual in TEMPLATES:
        source = _argument(node, 0, "source")
        return ev.value(source, scope, depth + 1) if source is not None else None
    if not isinstance(node.func, ast.Attribute):
        return None
    method = node.func.attr
    if method == "from_string" and args:
        return ev.value(args[0], scope, depth + 1)
    if method == "get_template" and args:
        folder = _loader_folder(ev, node.func.value, scope, depth + 1)
        name = ev.path_of(args[0], scope, depth + 1)
        if folder is None or name is None or name[1] != "cwd":
            return None
        return FileRead(folder[0] + name[0], folder[1], ev.abspath, ev.loc(node))
    return None


def _argument(call: ast.Call, index: int, name: str) -> Optional[ast.expr]:
    """The argument at `index`, or the keyword `name` when fewer are given by position."""
    args = _positional(call)
    return args[index] if len(args) > index else _keyword(call, name)


def _loader_folder(ev, env: ast.expr, scope, depth: int) -> Path:
    found = bound_call(ev, env, scope)
    if found is None or found[2] not in ENVIRONMENTS:
        return None
    env, scope, _ = found
    loader, scope, qual = bound_call(ev, _keyword(env, "loader"), scope) or (None, scope, "")
    if loader is None:
        return None
    args = _positional(loader)
    if qual in FS_LOADERS:
        where = _argument(loader, 0, "searchpath")
        if isinstance(where, (ast.List, ast.Tuple)):
            if len(where.elts) != 1:
                return None  # several folders: which one holds the template is a run-time question
            where = where.elts[0]
        return ev.path_of(where, scope, depth + 1) if where is not None else None
    if qual in PACKAGE_LOADERS and args:
        package = _package(ev, args[0], scope)
        sub = _argument(loader, 1, "package_path")
        inner = ev.path_of(sub, scope, depth + 1) if sub is not None else (("templates",), "cwd")
        if package is None or inner is None:
            return None
        return (package[0] + inner[0], package[1])
    return None
