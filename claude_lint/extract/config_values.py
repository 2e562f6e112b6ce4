"""Values read from a configuration object or table: the field of a settings object a
function is handed (`def run(settings: Settings)` then `settings.model`), a dataclass or
pydantic field written as `Field(default=...)`, a table looked up with `.get(key, d)`
by a run-time key, and the written options of a menu a person picks from (Streamlit, click,
questionary, py-cord). Functions of an `Evaluator` (`ev`), kept apart from it for its size."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.extract import object_fields
from claude_lint.extract.arguments import positional
from claude_lint.extract.bindings import Binding, Scope
from claude_lint.facts import FileRead, Lit, Loc, Mapping, OneOf, Param, Ref, Text, Transform, Unknown

# Field declarations whose default is the value an instance holds unless it is built with another.
FIELD_CALLS = frozenset({"pydantic.Field", "pydantic.fields.Field", "dataclasses.field", "attr.ib", "attrs.field"})
MAX_TABLE = 32  # a bigger table looked up by a run-time key is a run-time value, not a list of options
DEFAULT_GETTERS = frozenset({"os.getenv", "os.environ.get"})


def getter(ev, node: ast.Call, qual: str, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """A value read at run time with what the code writes of it: `os.getenv(k, "x")` and
    `config.get("model", "x")` (the fallback), an INI file's option, a table looked up by a
    run-time key, a field's declared default. None when the call is none of these."""
    picked = offered(ev, node, qual, scope, depth, loc)
    if picked is not None:
        return picked
    func = node.func
    if qual and qual not in DEFAULT_GETTERS and isinstance(func, ast.Attribute) and func.attr == "get" and isinstance(func.value, ast.Name):
        table = looked_up(ev, node, scope, depth, loc)  # `MODELS.get(tier, "...")` of another module's table
        if table is not None:
            return table
    is_getter = qual in DEFAULT_GETTERS or (not qual and isinstance(func, ast.Attribute) and func.attr == "get")
    if not is_getter or not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
        return looked_up(ev, node, scope, depth, loc) if is_getter and not qual else field_default(ev, node, qual, scope, depth)
    if not qual:
        option = ini_option(ev, node, scope, depth, loc)
        if option is not None:
            return option
    default = default_argument(node)
    if default is None:
        return None
    return OneOf(f"{node.args[0].value} read at run time", loc, (ev.value(default, scope, depth + 1),))


def default_argument(node: ast.Call) -> Optional[ast.expr]:
    """The fallback a `get(key, d)` (or `get(key, default=d)`, `pop(key, d)`) writes; None when it writes none."""
    if len(node.args) == 2 and not node.keywords:
        return node.args[1]
    if len(node.args) == 1 and len(node.keywords) == 1 and node.keywords[0].arg == "default":
        return node.keywords[0].value
    return None


# Menus a person picks a value from: the value is any of the written options.
MENU_WIDGETS = frozenset({"selectbox", "radio", "pills", "segmented_control", "select_slider"})  # streamlit (and st.sidebar)
MENU_PROMPTS = frozenset({"questionary.select", "questionary.rawselect", "InquirerPy.inquirer.select"})
CHOICE_TYPES = frozenset({"click.Choice"})
OPTION_CHOICES = frozenset({"discord.Option", "discord.commands.Option"})  # py-cord's slash-command option


def offered(ev, node: ast.Call, qual: str, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    """The written options of a menu a person picks from: a Streamlit `selectbox` or `radio`
    (`options=` or the second argument), `click.prompt(type=click.Choice([...]))`,
    `questionary.select(message, choices=[...]).ask()`, a py-cord `discord.Option(str, choices=[...])`.
    A choice object (`OptionChoice(name, value=...)`, `Choice(title, value=...)`) offers its value."""
    options = None
    if qual.startswith("streamlit.") and qual.rsplit(".", 1)[-1] in MENU_WIDGETS:
        options = _keyword(node, "options") or (node.args[1] if len(node.args) > 1 else None)
    elif qual in ("click.prompt", "typer.prompt"):
        kind = _keyword(node, "type")
        if isinstance(kind, ast.Call) and ev.qualname(kind.func, scope) in CHOICE_TYPES and kind.args:
            options = kind.args[0]
    elif qual in OPTION_CHOICES:
        options = _keyword(node, "choices")
    elif isinstance(node.func, ast.Attribute) and node.func.attr in ("ask", "unsafe_ask", "execute") and isinstance(node.func.value, ast.Call):
        inner = node.func.value
        if ev.qualname(inner.func, scope) in MENU_PROMPTS:
            options = _keyword(inner, "choices") or (inner.args[1] if len(inner.args) > 1 else None)
    written = _written_list(ev, options, scope) if options is not None else None
    if not written:
        return None
    items = tuple(ev.value(_keyword(item, "value") if isinstance(item, ast.Call) and _keyword(item, "value") is not None else item, where, depth + 1)
                  for item, where in written[:MAX_OPTIONS])
    return OneOf("picked from a menu", loc, items)


def _keyword(node: ast.Call, name: str) -> Optional[ast.expr]:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _written_list(ev, options: ast.expr, scope: Scope):
    """The items of a written list or tuple, each with the scope it is written in: the literal,
    or a name bound once to one (a module's `MODELS = [...]`); the keys of a written dict offered
    as `list(MODELS)`, `MODELS.keys()` (a dict of model IDs to their descriptions)."""
    while isinstance(options, ast.Call) and not options.keywords and (
            (isinstance(options.func, ast.Name) and options.func.id in ("list", "tuple", "sorted") and len(options.args) == 1)
            or (isinstance(options.func, ast.Attribute) and options.func.attr == "keys" and not options.args)):
        options = options.args[0] if options.args else options.func.value
    written, where = options, scope
    if isinstance(options, ast.Name):
        owner = ev.find(options.id, scope)
        bound = owner.assigns.get(options.id, []) if owner is not None else []
        if len(bound) != 1 or ("name", options.id) in owner.mutated:
            return None
        written, where = bound[0], owner
    if isinstance(written, ast.Dict):
        return None if any(k is None for k in written.keys) else [(key, where) for key in written.keys]
    if not isinstance(written, (ast.List, ast.Tuple)) or any(isinstance(e, ast.Starred) for e in written.elts):
        return None
    return [(item, where) for item in written.elts]


def field_default(ev, node: ast.Call, qual: str, scope: Scope, depth: int) -> Optional[object]:
    """`Field(default="x")`, `Field("x")`, `field(default="x")`: the default an instance holds.
    None for a required field (`Field(...)`) or one built by a factory."""
    if qual not in FIELD_CALLS:
        return None
    default = next((k.value for k in node.keywords if k.arg == "default"), None)
    args = positional(node)
    if default is None and args and qual.startswith("pydantic"):
        default = args[0]  # pydantic's first positional argument is the default
    if default is None or (isinstance(default, ast.Constant) and default.value is Ellipsis):
        return None
    return ev.value(default, scope, depth + 1)


def handed_field(ev, name: str, attr: str, owner: Scope, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    """`settings.model` where `settings` is a parameter annotated with a class (`Settings`, of
    this module or imported): the class's default for the field is what a caller's instance
    holds unless it was built with another, so it is one written option of a run-time value.
    None when the parameter is rebound, unannotated, or the class has no such default here.
    A name bound once to what a function of this file returns (`conv = self.get(key)`, `def
    get(self, key) -> ConversationState`) is read the same way, by the return annotation."""
    if name in owner.params and not owner.assigns.get(name):
        annotation = object_fields.class_named(owner.annotations.get(name))
        why = f"{name}.{attr} of the {annotation} passed in"
    else:
        annotation = object_fields.class_returned(ev, name, attr, owner)
        why = f"{name}.{attr} of the {annotation} returned"
    return class_field(ev, annotation, attr, owner, why, depth, loc) if annotation is not None else None


def class_field(ev, annotation: str, attr: str, owner: Scope, why: str, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    """The written default of a class's field, the class named here (of this module or imported)."""
    home = ev.find(annotation, owner)
    if home is None:
        return None
    if annotation in home.imports and annotation not in home.assigns:
        target = home.imports[annotation]
        module, _, klass = target.rpartition(".")
        if not module or module.endswith("."):
            return None
        # `from .config import Settings`: link reads the class attribute "Settings.model" there.
        return OneOf(why, loc, (Ref(module, f"{klass}.{attr}", ev.abspath, loc),))
    bound = home.assigns.get(annotation, [])
    if len(bound) != 1 or not (isinstance(bound[0], Binding) and bound[0].what == "class"):
        return None
    klass_scope = next((s for s in ev.all_scopes if s.parent is home and s.kind == "class" and s.name.rsplit(".", 1)[-1] == annotation), None)
    if klass_scope is None:
        return None
    if attr not in klass_scope.assigns:  # kept in `self` by a method, perhaps set on the object elsewhere in the file
        return object_fields.kept(ev, annotation, attr, klass_scope, why, depth, loc)
    return OneOf(why, loc, (ev.name(attr, klass_scope, depth + 1, loc),))


def looked_up(ev, node: ast.Call, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[OneOf]:
    """`TABLE.get(tier, fallback)` with a run-time key on a written table: any of its values,
    or the fallback (`.get(tier)` alone may also give None, which sends no model)."""
    func = node.func
    args = positional(node)
    if not (isinstance(func, ast.Attribute) and func.attr == "get" and 1 <= len(args) <= 2 and len(args) == len(node.args) and not node.keywords):
        return None
    if not run_time_key(ev.value(args[0], scope, depth + 1)):
        return None  # a written key: `_fallback` reads `config.get("model", "x")`
    options = table_options(ev, func.value, scope, depth)
    if not options:
        return None
    if len(args) == 2:
        options += (ev.value(args[1], scope, depth + 1),)
    return OneOf("looked up by a run-time key", loc, options)


def run_time_key(key: object) -> bool:
    """A key known only at run time: unknown, a parameter, text with run-time parts, or what a
    function returns (`TABLE[cast(Provider, p)]`)."""
    return (isinstance(key, (Unknown, Param)) or (isinstance(key, Text) and bool(key.dynamic_parts))
            or (isinstance(key, Ref) and key.name.endswith("()")))


def table_options(ev, table: ast.expr, scope: Scope, depth: int) -> tuple:
    """The values of a written table looked up by a run-time key: a dict of this code (its keys
    may be run-time values too, `{Provider.ANTHROPIC: "..."}`), without `**spreads`. () when
    it is none, or too big to be a list of options."""
    value = ev.value(table, scope, depth + 1)
    if isinstance(value, Mapping) and not value.open and 0 < len(value.entries) <= MAX_TABLE:
        return tuple(v for k, v in value.entries if k is not None)
    if isinstance(value, Ref) or (isinstance(value, Transform) and value.op.startswith("getitem:") and isinstance(value.inner, Ref)):
        root = table.value if isinstance(table, ast.Subscript) else table
        if isinstance(root, ast.Name) and ("name", root.id) in scope.mutated | getattr(ev.find(root.id, scope), "mutated", set()):
            return ()  # changed here before it is read
        return (Transform(ANY_ITEM, value, value.loc),)  # another module's table (`from config import MODELS`): link reads it
    written, where = table, scope
    if isinstance(table, ast.Name):
        owner = ev.find(table.id, scope)
        bound = owner.assigns.get(table.id, []) if owner is not None else []
        if len(bound) != 1 or ("name", table.id) in owner.mutated:
            return ()
        written, where = bound[0], owner
    if not isinstance(written, ast.Dict) or not 0 < len(written.keys) <= MAX_TABLE or any(k is None for k in written.keys):
        return ()
    return tuple(ev.value(v, where, depth + 1) for v in written.values)


ANY_ITEM = "anyitem"  # a Transform's op: any value of the table link finds (looked up by a run-time key)


def table_item(op: str, table: object, loc: Optional[Loc]) -> object:
    """What link reads of another module's table: the item a written key names ("getitem:" + key),
    or any of its values for a run-time key (`ANY_ITEM`, as `table_options` reads a table of the file)."""
    if op == ANY_ITEM:
        entries = table.entries if isinstance(table, Mapping) and not table.open else ()
        if not 0 < len(entries) <= MAX_TABLE:
            return Unknown("looked up by a run-time key", loc)
        return OneOf("looked up by a run-time key", loc, tuple(v for k, v in entries if k is not None))
    found = table.get(op[len("getitem:"):]) if isinstance(table, Mapping) else None
    return found if found is not None else Unknown("subscript", loc)


def is_lookup(expr: ast.expr) -> bool:
    """`return TABLE.get(tier, "x")` or `return TABLE[provider]`: a helper that picks a model
    from a table of its module by a run-time key (another module's `get_model(tier)` reads its
    options as the helper's constant `name()`)."""
    if isinstance(expr, ast.Subscript):
        return isinstance(expr.value, ast.Name) and not isinstance(expr.slice, (ast.Constant, ast.Slice, ast.Tuple))
    return (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get"
            and isinstance(expr.func.value, ast.Name) and 1 <= len(expr.args) <= 2 and not expr.keywords)


# --- an INI file read by configparser ------------------------------------------------------

CONFIG_PARSERS = frozenset({"configparser.ConfigParser", "configparser.RawConfigParser", "configparser.SafeConfigParser"})
INI_OPTION = "ini:"  # a Transform's op: "ini:" + section + INI_SEPARATOR + option, on the file's text
INI_SEPARATOR = "\x1f"


def ini_option(ev, node: ast.Call, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """`config.get("Section", "KEY")` on a `configparser.ConfigParser` of this file that reads a
    written path (`config.read("apikey.ini")`): that option's value in that file, found by link
    (with `fallback=`, one of the two). Unknown when the file read is not written here; None when
    the receiver is no parser (a dict's `.get(key, default)` is read elsewhere)."""
    func = node.func
    args = positional(node)
    if not (isinstance(func, ast.Attribute) and func.attr == "get" and len(args) == 2 == len(node.args)
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args)):
        return None
    receiver = func.value
    if not _is_parser(ev, receiver, scope):
        return None
    path = _read_path(ev, receiver, scope, depth)
    if path is None:
        value: object = Unknown("an INI file not written here", loc)
    else:
        value = Transform(INI_OPTION + args[0].value + INI_SEPARATOR + args[1].value, FileRead(path[0], path[1], ev.abspath, loc), loc)
    fallback = next((k.value for k in node.keywords if k.arg == "fallback"), None)
    return value if fallback is None else OneOf(f"{args[1].value} may be missing", loc, (value, ev.value(fallback, scope, depth + 1)))


def ini_subscript(ev, node: ast.Subscript, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
    """`config["Section"]["KEY"]` on a ConfigParser of this file: as `config.get("Section", "KEY")`."""
    outer = node.value
    keys = (getattr(outer, "slice", None), node.slice)
    if not isinstance(outer, ast.Subscript) or not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keys):
        return None
    if not _is_parser(ev, outer.value, scope):
        return None
    path = _read_path(ev, outer.value, scope, depth)
    if path is None:
        return Unknown("an INI file not written here", loc)
    return Transform(INI_OPTION + keys[0].value + INI_SEPARATOR + keys[1].value, FileRead(path[0], path[1], ev.abspath, loc), loc)


def _is_parser(ev, receiver: ast.expr, scope: Scope) -> bool:
    """`config` or `self.config` bound (once) to a ConfigParser()."""
    if isinstance(receiver, ast.Name):
        owner = ev.find(receiver.id, scope)
        bound = [(b, owner) for b in owner.assigns.get(receiver.id, [])] if owner is not None else []
    elif isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name) and scope.self_name == receiver.value.id and scope.klass is not None:
        bound = [(b, method) for b, method, _ in scope.klass.self_attrs.get(receiver.attr, [])]
    else:
        return False
    return len(bound) == 1 and isinstance(bound[0][0], ast.Call) and ev.qualname(bound[0][0].func, bound[0][1]) in CONFIG_PARSERS


def _read_path(ev, receiver: ast.expr, scope: Scope, depth: int):
    """The one written path the parser reads (`config.read("apikey.ini")`), as (segments, anchor)."""
    reads = getattr(ev, "_ini_reads", None)
    if reads is None:  # the file's `x.read(path)` calls by receiver, indexed once
        reads = ev._ini_reads = {}
        for record in ev.all_calls:
            call = record.node
            if isinstance(call.func, ast.Attribute) and call.func.attr == "read" and len(call.args) == 1 and not call.keywords:
                reads.setdefault(ast.dump(call.func.value), []).append((call.args[0], record.scope))
    paths = {ev.path_of(path, where, depth + 1) for path, where in reads.get(ast.dump(receiver), ())[:MAX_TABLE]}
    return paths.pop() if len(paths) == 1 else None


def ini_value(text: str, section: str, option: str):
    """(row, column, value) of an option in an INI text, as configparser reads it: sections by
    name, options case-insensitive, `=` or `:`, the DEFAULT section behind every other. None
    when it is absent, continued on further lines, or interpolated."""
    found = {}
    current = None
    key = option.strip().lower()
    lines = text.splitlines()
    for row, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped[1:-1]
            continue
        if line[:1].isspace() or current not in (section, "DEFAULT"):
            continue
        cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
        if cut < 0 or line[:cut].strip().lower() != key:
            continue
        value = line[cut + 1:].strip()
        following = lines[row] if row < len(lines) else ""
        if "%(" in value or (following[:1].isspace() and following.strip()):
            return None
        found.setdefault(current, (row, line.index(value, cut + 1) + 1 if value else cut + 2, value))
    return found.get(section) or found.get("DEFAULT")


# --- a settings object of this module, read from another ----------------------------------

MAX_FIELDS = 64  # fields kept per settings instance: a bigger class is no settings object


def instance_fields(ev, module: Scope, stores: dict) -> list:
    """What another module reads of a settings object this module builds: `settings =
    Settings()` (read as `settings.model`) and a getter `def get_settings(): return Settings()`
    (read as `get_settings().model`), kept as constants "settings.model", "get_settings().model".
    A field the instance is not built with holds the class's default unless the run (the
    environment, a .env file) sets another: a `OneOf.default`. None for a class of another module,
    or a field this file sets (`settings.model = ...`, stores: the file's assignments by dotted path)."""
    found: list = []
    children: dict = {}  # the module's functions and classes by name, None where a name has several
    for s in ev.all_scopes:
        if s.parent is module and s.kind in ("function", "class"):
            children[s.name] = None if s.name in children else s
    for name, bound in module.assigns.items():
        if len(bound) == 1 and isinstance(bound[0], ast.Call) and ("name", name) not in module.mutated:
            found += [(n, v) for n, v in _fields_of(ev, bound[0], name, module, children) if n not in stores]
        elif len(bound) == 1 and isinstance(bound[0], Binding) and bound[0].what == "def":
            getter = children.get(name)
            if getter is not None and getter.kind == "function" and len(getter.returns) == 1 and isinstance(getter.returns[0], ast.Call):
                found += _fields_of(ev, getter.returns[0], name + "()", module, children)
    return found


def _fields_of(ev, call: ast.Call, name: str, module: Scope, children: dict) -> list:
    func = call.func
    if not isinstance(func, ast.Name) or call.args or any(k.arg is None for k in call.keywords):
        return []
    bound = module.assigns.get(func.id, [])
    if len(bound) != 1 or not (isinstance(bound[0], Binding) and bound[0].what == "class"):
        return []
    klass = children.get(func.id)
    if klass is None or klass.kind != "class" or len(klass.assigns) > MAX_FIELDS:
        return []
    passed = {k.arg for k in call.keywords}
    fields = []
    for attr, values in klass.assigns.items():
        if attr in passed or attr in klass.self_attrs or len(values) != 1 or isinstance(values[0], (Binding, tuple)):
            continue  # built with another value, set by a method, or no one written default
        value = ev.name(attr, klass, 1, None)
        if isinstance(value, OneOf) and value.default:
            fields.append((f"{name}.{attr}", value))
        elif isinstance(value, Text) and not value.dynamic_parts or isinstance(value, Lit) and not isinstance(value.value, bool):
            fields.append((f"{name}.{attr}", OneOf(f"{name}.{attr}: the default of {func.id}.{attr}", value.loc, (value,), default=True)))
    return fields


def got_field(ev, base: ast.expr, attr: str, scope: Scope, loc: Optional[Loc]) -> Optional[Ref]:
    """`get_settings().model`, or `settings = get_settings()` then `settings.model`, where the
    getter is imported: the field of what it returns, a constant of its module ("get_settings().model",
    `instance_fields`) that link finds. None for any other base."""
    call = base
    if isinstance(base, ast.Name):
        owner = ev.find(base.id, scope)
        bound = owner.assigns.get(base.id, []) if owner is not None else []
        if len(bound) != 1 or base.id in owner.params or ("name", base.id) in owner.mutated:
            return None
        call, scope = bound[0], owner
    if not isinstance(call, ast.Call) or call.args or call.keywords or not isinstance(call.func, ast.Name):
        return None
    owner = ev.find(call.func.id, scope)
    if owner is None or call.func.id not in owner.imports or call.func.id in owner.assigns:
        return None
    module, _, getter_name = owner.imports[call.func.id].rpartition(".")
    if not module or module.endswith("."):
        return None
    return Ref(module, f"{getter_name}().{attr}", ev.abspath, loc)
