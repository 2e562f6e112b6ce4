"""Prompts kept in a YAML or JSON file the code loads (`yaml.safe_load(f)`, `json.load(f)`,
`json.loads(path.read_text())`) and then reads by key (`PROMPTS["grader"]["rubric"]`).

Extraction keeps the load as a Transform over the file's read (`LOAD_OP` + "yaml" or "json");
link reads the file as it reads any prompt file (bounded, inside the project only, never
run) and parses it here: YAML through the safe composer alone (`yamlnodes`, no object is
ever constructed), JSON through `nodes`' own parser; every value keeps its place in the file.
The keys the code reads are then `getitem:` Transforms over the parsed table, as for a
table written in Python. A file that cannot be seen, read or parsed is an Unknown."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.extract.value_files import READ_OP
from claude_lint.facts import FileRead, Text, Transform, Unknown

LOAD_OP = "load:"
# What the code calls -> how link parses the file. `yaml.load` is left out: its loader may build objects,
# and the text it yields is not always what the safe composer reads.
LOADERS = {"yaml.safe_load": "yaml", "json.load": "json", "json.loads": "json"}
MAX_LOADED_NODES = 20_000  # a prompt file's values kept as facts (aliases expanded): past it, an Unknown


def loaded(ev, node: ast.Call, qual: str, scope, depth: int) -> Optional[object]:
    """The Transform for a load of a file the code names statically; None when the argument
    is no file read we can see (the call stays what it was: a run-time value)."""
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
        return None
    arg, loc = node.args[0], ev.loc(node)
    read = None
    if qual != "json.loads":  # a file object: `with open(p) as f`, `open(p)`, `with Path(p).open() as f`
        opened = _path_opened(ev, arg, scope, depth)
        read = opened if opened is not None else ev.file_read(arg, "read", scope, depth, loc) if isinstance(arg, ast.Name) or _opens(arg) else None
    if qual != "json.load" and not _is_read(read):
        read = ev.value(arg, scope, depth + 1)  # the text of a file: `Path(p).read_text()`, `f.read()`
    if _is_read(read):
        return Transform(LOAD_OP + LOADERS[qual], read, loc)
    return None


def _is_read(read: object) -> bool:
    return isinstance(read, FileRead) or (isinstance(read, Transform) and read.op.startswith(READ_OP))


def _path_opened(ev, arg: ast.expr, scope, depth: int) -> Optional[FileRead]:
    """`path.open()` of a path written in the code, directly or through the name a `with` binds."""
    if isinstance(arg, ast.Name):
        owner = ev.find(arg.id, scope)
        bound = owner.assigns.get(arg.id, []) if owner is not None else []
        if len(bound) != 1:
            return None
        arg = bound[0][1] if isinstance(bound[0], tuple) and bound[0][0] == "with" else bound[0]
    if not (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and arg.func.attr == "open" and not arg.args
            and all(k.arg != "mode" for k in arg.keywords)):  # a mode may be binary: left to `open(...)`'s own reading
        return None
    path = ev.path_of(arg.func.value, scope, depth + 1)
    return None if path is None else FileRead(path[0], path[1], ev.abspath, ev.loc(arg))


def returns_load(ev, scope, expr: ast.expr) -> bool:
    """A function's one return is a load (`return yaml.safe_load(f)`), or a name bound once to one: worth evaluating."""
    if isinstance(expr, ast.Name) and expr.id not in scope.params:
        bound = scope.assigns.get(expr.id, [])
        expr = bound[0] if len(bound) == 1 else expr
    return isinstance(expr, ast.Call) and (ev.qualname(expr.func, scope) or "") in LOADERS


def exported(ev, scope, expr: ast.expr) -> list:
    """`name()` -> the load, for another module's call (`PROMPTS = load_prompts()`), when the file is
    the same whatever the call passes: a path built from a parameter is not exported (the call's
    argument would choose another file, and another module's call is read without its arguments)."""
    value = ev.value(expr, scope)
    if isinstance(value, Transform) and value.op.startswith(LOAD_OP) and isinstance(value.inner, FileRead):
        return [(f"{scope.name}()", value)]
    return []


def _opens(arg: ast.expr) -> bool:
    return isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "open"


def parsed(value: Transform, content: object, done: dict) -> object:
    """The loaded file as facts values (each with its place in the file), from the text link read;
    `done` holds the run's files already parsed (one file is often loaded for many requests)."""
    if not isinstance(content, Text) or not content.is_folded or content.dynamic_parts or content.loc is None:
        return Unknown("prompt file not read", value.loc)
    key = (value.op, content.loc.path)
    if key not in done:
        done[key] = _parsed(value, content)
    found = done[key]
    return found if not isinstance(found, Unknown) else Unknown(found.why, value.loc)


def _parsed(value: Transform, content: Text) -> object:
    from claude_lint.extract import nodes  # only when a run loads such a file

    try:
        if value.op == LOAD_OP + "yaml":
            from claude_lint.extract.yamlnodes import parse_yaml  # PyYAML is imported only here

            documents = parse_yaml(content.literal)
            if len(documents) != 1:
                return Unknown("a YAML stream of several documents", value.loc)  # safe_load refuses it too
            tree = documents[0]
        else:
            tree = nodes.parse_json(content.literal)
    except (nodes.ParseError, RecursionError):
        return Unknown("prompt file does not parse", value.loc)
    if _size(tree) > MAX_LOADED_NODES:
        return Unknown("prompt file too large to keep", value.loc)
    # Placeholders (`{{ name }}`, `${name}`) are the prompt's own text here: the code fills them later.
    return nodes.value(tree, content.loc.path, runtime=False)


def _size(tree) -> int:
    seen, stack = 0, [tree]
    while stack and seen <= MAX_LOADED_NODES:
        node = stack.pop()
        seen += 1
        if node.kind == "map":
            stack.extend(v for _, _, v in node.value)
        elif node.kind == "seq":
            stack.extend(node.value)
    return seen
