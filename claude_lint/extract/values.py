"""Expressions to Values, following names through the scopes the Collector recorded.

Everything that cannot be known statically becomes `Unknown` (or `Dynamic` inside
text), so that rules can stay silent instead of guessing.
"""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

from claude_lint.bounds import MAX_EXPRESSION_DEPTH, MAX_OPTIONS, TOO_LARGE, Sizes
from claude_lint.extract import config_values, defaults, kept_values, loaded_files, marked_copies, moves, run_context, sdk, session_values, templates
from claude_lint.extract.positions import Positions
from claude_lint.extract.scopes import Binding, Looped, Scope, Unpacked, positional
from claude_lint.extract.value_files import FileValues
from claude_lint.extract.value_text import NUMBERS, TextValues, spread_items
from claude_lint.extract.walk import walk
from claude_lint.facts import (
    Lit,
    Loc,
    Mapping,
    OneOf,
    Param,
    Ref,
    Seq,
    Text,
    Transform,
    Unknown,
)

MAX_DEPTH = MAX_EXPRESSION_DEPTH
STRIP_METHODS = frozenset({"strip", "lstrip", "rstrip"})
DEDENT_FUNCTIONS = {"textwrap.dedent": "dedent", "inspect.cleandoc": "cleandoc"}


def _read_later(scope: Scope, owner: Scope) -> bool:
    """Is a module's name read inside a function, which runs once the module's body has?"""
    if owner.kind != "module":
        return False
    while scope is not None and scope is not owner:
        if scope.kind == "function":
            return True
        scope = scope.parent
    return False


class Evaluator(TextValues, FileValues):
    def __init__(self, path: str, abspath: str, module: Scope, positions: Positions):
        self.path = path
        self.abspath = abspath
        self.module_scope = module
        self.positions = positions
        self._memo: Dict[Tuple[int, str], object] = {}
        self._active: set = set()
        # Every expression is evaluated once per scope: a name, a parameter default or a
        # `self.x` used many times (`A2 = [A1] * 8` style code, twenty levels deep) would
        # otherwise be evaluated once per path to it, exponentially many.
        self._values: Dict[Tuple[int, int], object] = {}
        self._paths: Dict[Tuple[int, int], object] = {}
        self.sizes = Sizes()

    # --- helpers --------------------------------------------------------------------

    def loc(self, node: ast.AST) -> Optional[Loc]:
        return self.positions.loc(node)

    def code_for(self, node: ast.AST) -> str:
        return self.positions.code(node)

    def qualname(self, node: ast.expr, scope: Scope) -> Optional[str]:
        """The imported name an expression stands for: `a.Anthropic` -> anthropic.Anthropic."""
        if isinstance(node, ast.Name):
            s: Optional[Scope] = scope
            while s is not None:
                if node.id in s.imports:
                    return s.imports[node.id]
                if node.id in s.assigns or node.id in s.params:
                    return None
                s = s.parent
            return None
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, scope)
            return f"{base}.{node.attr}" if base else None
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

    def value(self, node: ast.expr, scope: Scope, depth: int = 0) -> object:
        key = (id(node), id(scope))
        found = self._values.get(key)
        if found is not None:
            return found
        if depth > MAX_DEPTH:
            return Unknown("too deep", self.loc(node))
        result = self._value(node, scope, depth)
        if self.sizes.too_large(result):
            result = Unknown(TOO_LARGE, self.loc(node))
        self._values[key] = result
        return result

    def _value(self, node: ast.expr, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        kind = type(node)
        if kind is ast.Constant:
            v = node.value
            if v is None or isinstance(v, (bool, int, float)):
                return Lit(v, loc)
            if isinstance(v, str):
                return Text((v,), loc)
            return Unknown("bytes" if isinstance(v, bytes) else type(v).__name__, loc)
        if kind is ast.UnaryOp and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            v = node.operand.value
            if isinstance(v, NUMBERS) and not isinstance(v, bool):
                return Lit(-v, loc)
        if kind is ast.Name:
            return self.name(node.id, scope, depth, loc)
        if kind is ast.JoinedStr:
            return self.text(node, scope, depth)
        if kind is ast.BinOp:
            return self.binary(node, scope, depth)
        if kind is ast.Dict:
            return self.mapping(node, scope, depth)
        if kind is ast.List or kind is ast.Tuple:
            items = []
            for el in node.elts:
                if isinstance(el, ast.Starred):
                    spread = self.value(el.value, scope, depth + 1) if isinstance(el.value, ast.Name) else None
                    items.append(spread_items(spread, self.loc(el)))
                else:
                    items.append(self.value(el, scope, depth + 1))
            return Seq(tuple(items), loc)
        if kind is ast.Call:
            return self.call(node, scope, depth)
        if kind is ast.BoolOp and isinstance(node.op, ast.Or):
            return defaults.either(self, node, scope, depth, loc)
        if kind is ast.IfExp:  # `x.a if hasattr(x, "a") else d`: d only stands in for an attribute never set
            body = self.value(node.body, scope, depth + 1)
            return OneOf("if hasattr", loc, (body,)) if kept_values.attribute_guard(node) else OneOf("if", loc, (body, self.value(node.orelse, scope, depth + 1)))
        if kind is ast.Attribute:
            return self.attribute(node, scope, depth)
        if kind is ast.Subscript:
            option = config_values.ini_subscript(self, node, scope, depth, loc)  # `config["Section"]["KEY"]`
            if option is not None:
                return option
            if not isinstance(node.slice, (ast.Slice, ast.Tuple)):
                key = self.value(node.slice, scope, depth + 1)
                if isinstance(key, Text) and key.is_folded and not key.dynamic_parts:
                    return Transform("getitem:" + key.literal, self.value(node.value, scope, depth + 1), loc)
                if isinstance(key, Lit) and type(key.value) is int:
                    # `build(...)[1]`: an item of a tuple or list we can see
                    items = self.value(node.value, scope, depth + 1)
                    if isinstance(items, Seq) and -len(items.items) <= key.value < len(items.items):
                        return items.items[key.value]
                    if isinstance(items, OneOf):  # `TABLE[provider][0]`: that item of each
                        picked = tuple(o.items[key.value] for o in items.options if isinstance(o, Seq) and -len(o.items) <= key.value < len(o.items))
                        return OneOf(items.why, loc, picked) if picked else Unknown("subscript", loc)
                elif config_values.run_time_key(key):
                    options = config_values.table_options(self, node.value, scope, depth)  # a table of this code: one of its values
                    if options:
                        return OneOf("looked up by a run-time key", loc, options)
            found = session_values.kept(self, node, scope, depth, loc)  # `st.session_state["model"]`
            return Unknown("subscript", loc) if found is None else found
        return Unknown(kind.__name__, loc)

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
                again = moves.copied_again(self, name, owner, bindings, loc)  # `messages = self._prepare(messages)`
                if again is not None:
                    return again
                default = owner.params[name]
                first = (self.value(default, owner.parent or owner, depth + 1),) if default is not None else ()
                return self._one_of(f"parameter {name} is reassigned", name, owner, bindings, depth, loc, first)
            default = owner.params[name]
            dv = self.value(default, owner.parent or owner, depth + 1) if default is not None else None
            edits = owner.edits.get(name, ()) if ("name", name) in owner.mutated and loc is not None else ()
            edits = tuple(e for e in edits if e[0] == "set" and e[1][0].lineno < loc.row)  # type: ignore[union-attr]
            if edits:  # `params["messages"] = messages` before the use: the caller's dict and these keys
                return moves.edited(self, Mapping(((None, Param(owner.name, name, dv, loc)),), loc, True), edits, owner, depth + 1, loc)
            return Param(owner.name, name, dv, loc)
        if len(bindings) > 1 and self.path.endswith(".ipynb") and owner.kind == "module" and loc is not None:
            # A notebook's cells run in order: the value is the last one bound before the use.
            before = moves.last_before(bindings, loc)
            if before is not None:
                return self.value(before, owner, depth + 1)
        if len(bindings) == 1 and isinstance(bindings[0], Looped):
            # each item of a written list is the value in its turn: any of them reaches the use
            items = self.value(kept_values.same_items(self, bindings[0].iterable, owner), owner, depth + 1)
            if isinstance(items, Seq) and items.items:
                return OneOf(f"{name} runs over a list", loc, items.items[:MAX_OPTIONS])
        unpacked = len(bindings) == 1 and isinstance(bindings[0], Unpacked)
        if not unpacked and (len(bindings) != 1 or isinstance(bindings[0], Binding) or isinstance(bindings[0], tuple)):
            if len(bindings) == 1 and isinstance(bindings[0], tuple):
                return Unknown(f"{name} is bound by with", loc)
            found = self.grown_options(name, owner, bindings, depth, loc)  # `prompt += ...` after one text
            found = found if found is not None else self._one_of(f"{name} is bound more than once", name, owner, bindings, depth, loc, later=_read_later(scope, owner))
            return kept_values.edited_options(self, found, name, owner, depth, loc)  # `kwargs.update(extra)` after either branch
        mutated = ("name", name) in owner.mutated
        if mutated and not moves.dict_edits_only(owner.edits.get(name, ())) and not moves.list_fills_only(owner.edits.get(name, ())):
            return Unknown(f"{name} is changed in place", loc)
        key = (id(owner), name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Unknown("circular", loc)
        self._active.add(key)
        try:
            if unpacked:
                result = moves.unpacked(self, bindings[0], owner, depth + 1, loc)
            else:
                result = self.value(bindings[0], owner, depth + 1)
            if mutated:
                result = moves.edited(self, result, owner.edits.get(name, ()), owner, depth + 1, loc)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result

    def _one_of(self, why: str, name: str, owner: Scope, bindings, depth: int, loc: Optional[Loc], first: tuple = (),
                later: bool = False) -> object:
        """A name bound in several places: any of the values that may reach a use of it. A
        binding at the top of the scope's body (or of a `with` block there) replaces every
        earlier one (and a parameter's default) unless it is computed from the name itself; a
        binding by a loop, `with` or unpacking adds no option. later: the use runs after the
        scope's body (a module's name read in a function): when nothing follows that binding,
        its value is the one read (`kb = ''`, then `with open(f) as fh: kb = fh.read()`)."""
        body = getattr(owner.node, "body", None)
        if not isinstance(body, list):
            return Unknown(why, loc)
        key = (id(owner), name)
        if key in self._active:
            return Unknown("circular", loc)
        top = [inner for stmt in body for inner in (stmt.body if isinstance(stmt, (ast.With, ast.AsyncWith)) else (stmt,))]
        straight = {id(stmt.value) for stmt in top if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None}
        written = sorted((b for b in bindings if isinstance(b, ast.expr)), key=lambda b: (b.lineno, b.col_offset))
        for i in range(len(written) - 1, -1, -1):
            # `model = model.replace(".", "")` derives from the earlier values: it replaces none
            derived = any(isinstance(n, ast.Name) and n.id == name for n in walk(written[i]))
            if id(written[i]) in straight and not derived:
                written, first = written[i:], ()
                break
        self._active.add(key)
        try:
            if later and not first and len(written) == 1 and len(bindings) == len(
                    [b for b in bindings if isinstance(b, ast.expr)]) and ("name", name) not in owner.mutated and id(written[0]) in straight:
                return self.value(written[0], owner, depth + 1)
            return OneOf(why, loc, first + tuple(self.value(b, owner, depth + 1) for b in written[:MAX_OPTIONS]))
        finally:
            self._active.discard(key)

    def attribute(self, node: ast.Attribute, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        base = node.value
        if isinstance(base, ast.Name) and scope.self_name == base.id and scope.klass is not None:
            return self.self_attr(node.attr, scope.klass, depth, loc)
        if (isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name) and scope.self_name == base.value.id
                and scope.klass is not None):
            held = kept_values.held_field(self, base.attr, node.attr, scope.klass, depth, loc)
            if held is not None:
                return held
        if isinstance(base, ast.Name):
            owner = self.find(base.id, scope)
            if owner is not None and base.id in owner.imports and base.id not in owner.assigns:
                # `import prompts` then `prompts.SYSTEM`: a name of another module.
                return Ref(owner.imports[base.id], node.attr, self.abspath, loc)
            if owner is not None:
                bindings = owner.assigns.get(base.id, [])
                if len(bindings) == 1 and isinstance(bindings[0], Binding) and bindings[0].what == "class":
                    klass = self._class_scope(owner, base.id)
                    if klass is not None and node.attr in klass.assigns:
                        return self.name(node.attr, klass, depth + 1, loc)
                if len(bindings) == 1 and isinstance(bindings[0], ast.Call):
                    # `cfg = Settings()` of a dataclass of this file: a field's default or the argument
                    field = moves.instance_field(self, bindings[0], node.attr, owner, depth + 1, loc)
                    if field is not None:
                        return field
                handed = config_values.handed_field(self, base.id, node.attr, owner, depth, loc)  # `settings: Settings`
                if handed is not None:  # the class's default: what the instance holds unless its caller sets another
                    return OneOf(handed.why, handed.loc, handed.options, default=True)
            option = defaults.cli_option(self, node.attr, depth, loc)
            if option is not None:
                return option
        found = config_values.got_field(self, base, node.attr, scope, loc) or run_context.field(self, node, scope, depth, loc)  # `get_settings().model`; `runtime.context.model`
        found = found or session_values.kept(self, node, scope, depth, loc)  # `st.session_state.model`
        return Unknown("attribute", loc) if found is None else found

    def _class_scope(self, owner: Scope, name: str) -> Optional[Scope]:
        for child in self._children(owner):
            if child.kind == "class" and child.name.rsplit(".", 1)[-1] == name:
                return child
        return None

    def _children(self, scope: Scope):
        return [s for s in self.all_scopes if s.parent is scope]

    all_scopes: Tuple[Scope, ...] = ()
    _cli: Optional[Dict[str, OneOf]] = None  # argparse options by name (`defaults.cli_option`)

    def self_attr(self, attr: str, klass: Scope, depth: int, loc: Optional[Loc]) -> object:
        assigned = klass.self_attrs.get(attr, [])
        if ("self", attr) in {m for s in self._children(klass) for m in s.mutated}:
            return Unknown(f"self.{attr} is changed in place", loc)
        if len(assigned) == 1 and attr not in klass.assigns:
            value, method, _ = assigned[0]
            if isinstance(value, (Binding, tuple)):
                return Unknown(f"self.{attr} is bound indirectly", loc)
            kept = self.value(value, method, depth + 1)
            if isinstance(value, ast.Name) and isinstance(kept, Param) and method.name.rsplit(".", 1)[-1] == "__init__":
                return kept_values.constructed(self, kept, value.id, klass, method, depth, loc)
            return kept
        if not assigned and attr in klass.assigns:
            return self.name(attr, klass, depth + 1, loc)
        return kept_values.assigned_often(self, attr, assigned, klass, depth, loc)

    all_calls: tuple = ()

    # --- strings -----------------------------------------------------------------------

    def mapping(self, node: ast.Dict, scope: Scope, depth: int) -> Mapping:
        entries = []
        key_locs = []
        is_open = False
        for key_node, value_node in zip(node.keys, node.values):
            if key_node is None:  # `**spread`
                entries.append((None, self.value(value_node, scope, depth + 1)))
                continue
            key = self.value(key_node, scope, depth + 1)
            if isinstance(key, Text) and key.is_folded and not key.dynamic_parts:
                entries.append((key.literal, self.value(value_node, scope, depth + 1)))
                self._note_loc(key_locs, key.literal, value_node)
            else:
                is_open = True
        return Mapping(tuple(entries), self.loc(node), is_open, tuple(key_locs))

    def _note_loc(self, key_locs: list, key: str, node: ast.AST) -> None:
        loc = self.loc(node)
        if loc is not None:
            key_locs.append((key, loc))

    def kwargs(self, call: ast.Call, scope: Scope, depth: int, loc: Optional[Loc]) -> Mapping:
        """A call's keyword arguments and `**spreads`, in source order."""
        entries = []
        key_locs: list = []
        for kw in call.keywords:
            if kw.arg is not None:
                entries.append((kw.arg, self.value(kw.value, scope, depth + 1)))
                self._note_loc(key_locs, kw.arg, kw.value)
            else:
                entries.append((None, self.value(kw.value, scope, depth + 1)))
        return Mapping(tuple(entries), loc, False, tuple(key_locs))

    # --- calls -----------------------------------------------------------------------

    def call(self, node: ast.Call, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        func = node.func
        qual = self.qualname(func, scope) or ""
        args = positional(node)
        if qual in DEDENT_FUNCTIONS and args:
            return Transform(DEDENT_FUNCTIONS[qual], self.value(args[0], scope, depth + 1), loc)
        short = qual.rsplit(".", 1)[-1] if qual else (func.id if isinstance(func, ast.Name) else "")
        if short in sdk.DICT_LIKE_CALLS and (qual in ("", "dict") or "anthropic" in qual or short != "dict"):
            if isinstance(func, ast.Name) and func.id == "dict" and self.find("dict", scope) is not None:
                return Unknown("call", loc)
            if not node.args:
                return self.kwargs(node, scope, depth, loc)
        fallback = self._fallback(node, qual, scope, depth, loc)
        if fallback is not None:
            return fallback
        hooked = loaded_files.loaded(self, node, qual, scope, depth) if qual in loaded_files.LOADERS else templates.call(self, node, scope, depth, qual)
        if hooked is not None:  # a YAML or JSON prompt file read by key later, package resources, Jinja templates
            return hooked
        if isinstance(func, ast.Attribute):
            method = func.attr
            if method in STRIP_METHODS and not node.args and not node.keywords:
                return Transform(method, self.value(func.value, scope, depth + 1), loc)
            if method == "format":
                fields = tuple((k.arg, self.format_field(k.value, scope, depth)) for k in node.keywords[:MAX_OPTIONS] if k.arg is not None)
                return Transform("format", self.value(func.value, scope, depth + 1), loc, fields)
            if method == "replace":
                replaced = self._replace(func.value, node, scope, depth, loc)
                if replaced is not None:
                    return replaced
            if method == "join" and len(node.args) == 1 and not node.keywords and args:
                return self._join(func.value, args[0], scope, depth, loc)
            if method in ("read_text", "read"):
                return self.file_read(func.value, method, scope, depth, loc)
        returned = moves.returned(self, node, scope, depth + 1)  # a helper of this file that builds the value
        if returned is not None:
            return returned
        imported = self._imported_function(func, scope)
        if imported is not None:
            # A function of another module: `link` finds what it returns (its `name()` constant).
            return Ref(imported[0], imported[1] + "()", self.abspath, loc)
        inherited = marked_copies.inherited_call(self, node, scope, depth)  # a copy helper of an imported base class
        return Unknown("call", loc) if inherited is None else inherited

    def _fallback(self, node: ast.Call, qual: str, scope: Scope, depth: int, loc: Optional[Loc]) -> Optional[object]:
        """A run-time value with a written fallback or written choices: `os.getenv(k, "x")`,
        `config.get("model", "x")`, `random.choice([...])`, `TABLE.get(tier, "x")`; a field's declared default."""
        if qual in ("typer.Option", "typer.Argument") and node.args and not isinstance(node.args[0], ast.Starred):
            return OneOf("given on the command line", loc, (self.value(node.args[0], scope, depth + 1),))
        if qual == "random.choice" and len(node.args) == 1 and not node.keywords:
            items = self.value(node.args[0], scope, depth + 1)
            return OneOf("random.choice", loc, items.items[:MAX_OPTIONS]) if isinstance(items, Seq) else None
        return defaults.fallback(self, node, qual, scope, depth, loc)  # `.get(k, d)`, `os.getenv(k, d)`, `int(...)`

    def _imported_function(self, func: ast.expr, scope: Scope) -> Optional[Tuple[str, str]]:
        if isinstance(func, ast.Name):
            owner = self.find(func.id, scope)
            if owner is not None and func.id in owner.imports and func.id not in owner.assigns:
                module, _, attr = owner.imports[func.id].rpartition(".")
                if module and not module.endswith("."):
                    return module, attr
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = self.find(func.value.id, scope)
            if owner is not None and func.value.id in owner.imports and func.value.id not in owner.assigns:
                return owner.imports[func.value.id], func.attr
        if isinstance(func, ast.Attribute):
            made = moves.instance_of(self, func.value, scope)  # `P = Prompts()` of another module: its method
            if made is not None and made[0] is not None and made[1] in made[0].imports and made[1] not in made[0].assigns:
                module, _, klass = made[0].imports[made[1]].rpartition(".")
                if module and not module.endswith("."):
                    return module, f"{klass}.{func.attr}"
        return None
