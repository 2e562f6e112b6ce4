"""One pass over a module that records what later evaluation needs.

Read from the standard library's `ast` tree, which is about ten times faster to build
than a libcst tree and far smaller. A deliberately small name model: per scope, every binding of a
name, imports, parameters, `self.x` assignments per class, and the events that matter
for conversation history (grow, trim, reassign, hand-off), each with the loops around
it. Evaluation is flow-insensitive: a name bound once is known, a name bound twice is
not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import ast

GROW_METHODS = frozenset({"append", "extend", "insert"})
TRIM_METHODS = frozenset({"pop", "popleft", "clear", "remove", "popitem"})
MUTATE_METHODS = GROW_METHODS | TRIM_METHODS | frozenset({"update", "setdefault", "sort", "reverse", "appendleft"})
# Calls that read a list without changing it; handing a list to anything else may trim it.
PURE_CALLS = frozenset({"len", "print", "str", "repr", "list", "tuple", "enumerate", "reversed", "sorted", "bool", "any", "all", "isinstance", "id", "iter", "next"})


class Binding:
    """A marker for a binding we do not evaluate (loop target, with-as, del, ...)."""

    def __init__(self, what: str):
        self.what = what


class Unpacked(Binding):
    """One name of a tuple assignment: `headers, payload = build(...)` binds `payload` to item 1."""

    def __init__(self, value: ast.expr, index: int, count: int):
        super().__init__("unpacked")
        self.value = value
        self.index = index
        self.count = count


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function" | "comprehension"
    name: str  # qualified name ("" for the module)
    parent: Optional["Scope"]
    node: Optional[ast.AST] = None
    assigns: Dict[str, List[object]] = field(default_factory=dict)  # name -> [expr | Binding]
    params: Dict[str, Optional[ast.expr]] = field(default_factory=dict)
    annotations: Dict[str, ast.expr] = field(default_factory=dict)
    imports: Dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    mutated: set = field(default_factory=set)
    self_name: Optional[str] = None  # first parameter of a method
    self_attrs: Dict[str, List[Tuple[object, "Scope", str]]] = field(default_factory=dict)  # class only
    returns: List[ast.expr] = field(default_factory=list)  # function only: the values of its `return`s
    # In-place edits of a dict bound to a name, in source order: (kind, node), kind "set"
    # (`d[k] = v`: node is the Assign's (target, value)), "update", "setdefault", "pop", "del", "other".
    edits: Dict[str, List[Tuple[str, object]]] = field(default_factory=dict)

    def bind(self, name: str, value: object) -> None:
        self.assigns.setdefault(name, []).append(value)

    @property
    def klass(self) -> Optional["Scope"]:
        """The class a method belongs to."""
        if self.kind == "function" and self.parent is not None and self.parent.kind == "class":
            return self.parent
        return None


@dataclass
class Event:
    """Something done to a list that a call may send: key is ("name", scope) or ("self", class, attr)."""

    key: tuple
    kind: str  # "grow" | "trim" | "reassign" | "escape"
    node: ast.AST
    loops: Tuple[ast.AST, ...]
    scope: Scope


@dataclass
class CallRecord:
    node: ast.Call
    scope: Scope
    loops: Tuple[ast.AST, ...]


_SIMPLE_STATEMENTS = (
    ast.Expr, ast.Return, ast.Pass, ast.Break, ast.Continue, ast.Raise, ast.Assert,
)
# Compound statements whose header rows a noqa comment may sit on.
_BLOCK_STATEMENTS = (ast.If, ast.Try) + ((ast.TryStar,) if hasattr(ast, "TryStar") else ())


class Collector:
    """Walks the tree once, in source order. A scope's own header (decorators, defaults,
    bases, a comprehension's first iterable) is read inside that scope: evaluation only
    needs it loosely."""

    def __init__(self) -> None:
        self.module = Scope("module", "", None)
        self.scope = self.module
        self.loops: List[ast.AST] = []
        self.loop_stack: List[List[ast.AST]] = []
        self.calls: List[CallRecord] = []
        self.events: List[Event] = []
        self.statements: List[Tuple[ast.stmt, Optional[List[ast.stmt]]]] = []  # (stmt, body) for noqa ranges
        self.scopes_by_node: Dict[ast.AST, Scope] = {}
        # Values stored into an object by key or attribute (`st.session_state["client"] = ...`,
        # `cfg.model = ...`): "st.session_state.client" -> [(value, scope)].
        self.stores: Dict[str, List[Tuple[ast.expr, Scope]]] = {}
        self._handlers = {
            ast.ClassDef: self._class,
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.Lambda: self._lambda,
            ast.ListComp: self._comprehension,
            ast.SetComp: self._comprehension,
            ast.DictComp: self._comprehension,
            ast.GeneratorExp: self._comprehension,
            ast.For: self._for,
            ast.AsyncFor: self._for,
            ast.While: self._while,
            ast.With: self._with,
            ast.AsyncWith: self._with,
            ast.ExceptHandler: self._except,
            ast.Assign: self._assign,
            ast.AnnAssign: self._ann_assign,
            ast.AugAssign: self._aug_assign,
            ast.NamedExpr: self._walrus,
            ast.Delete: self._delete,
            ast.Global: self._global,
            ast.Nonlocal: self._global,
            ast.Import: self._import,
            ast.ImportFrom: self._import_from,
            ast.Call: self._call,
        }
        for kind in _SIMPLE_STATEMENTS:
            self._handlers[kind] = self._simple
        self._handlers[ast.Return] = self._return
        for kind in _BLOCK_STATEMENTS:
            self._handlers[kind] = self._block

    def collect(self, tree: ast.Module) -> "Collector":
        self.module.node = tree  # a script's or notebook's requests are used in the module's own code
        self._children(tree)
        return self

    # --- the walk ---------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        handler = self._handlers.get(type(node))
        if handler is None:
            self._children(node)
        else:
            handler(node)

    def _children(self, node: ast.AST) -> None:
        AST = ast.AST
        visit = self.visit
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, AST):
                        visit(item)
            elif isinstance(value, AST):
                visit(value)

    def _visit_all(self, nodes) -> None:
        for node in nodes:
            if node is not None:
                self.visit(node)

    # --- scopes -------------------------------------------------------------------

    def _push(self, kind: str, name: str, node: ast.AST) -> Scope:
        qual = f"{self.scope.name}.{name}" if self.scope.name and self.scope.kind != "comprehension" else name
        scope = Scope(kind, qual, self.scope, node)
        self.scopes_by_node[node] = scope
        self.scope = scope
        self.loop_stack.append(self.loops)
        self.loops = []
        return scope

    def _pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent
        self.loops = self.loop_stack.pop()

    def _class(self, node: ast.ClassDef) -> None:
        self.scope.bind(node.name, Binding("class"))
        self.statements.append((node, node.body))
        self._push("class", node.name, node)
        self._visit_all(node.decorator_list)
        self._visit_all(node.bases)
        self._visit_all(node.keywords)
        self._visit_all(node.body)
        self._pop()

    def _function(self, node) -> None:
        self.scope.bind(node.name, Binding("def"))
        self.statements.append((node, node.body))
        outer = self.scope
        scope = self._push("function", node.name, node)
        args = node.args
        ordered = _params(scope, args)
        for p in ordered + list(args.kwonlyargs):
            if p.annotation is not None:
                scope.annotations[p.arg] = p.annotation
        if outer.kind == "class" and ordered and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
        ):
            scope.self_name = ordered[0].arg
        self._visit_all(node.decorator_list)
        self._children(args)
        if node.returns is not None:
            self.visit(node.returns)
        self._visit_all(node.body)
        self._pop()

    def _lambda(self, node: ast.Lambda) -> None:
        scope = self._push("function", "<lambda>", node)
        _params(scope, node.args)
        scope.returns.append(node.body)
        self._children(node.args)
        self.visit(node.body)
        self._pop()

    def _comprehension(self, node) -> None:
        outer_loops = self.loops
        scope = self._push("comprehension", "<comprehension>", node)
        self.loops = list(outer_loops) + [node]
        for generator in node.generators:
            self._bind_target(generator.target, Binding("comprehension"), scope)
        self._children(node)
        self._pop()

    # --- loops and statements -------------------------------------------------------

    def _for(self, node) -> None:
        self._bind_target(node.target, Binding("for"), self.scope)
        self.statements.append((node, node.body))
        self.loops.append(node)
        self._children(node)
        self.loops.pop()

    def _while(self, node: ast.While) -> None:
        self.statements.append((node, node.body))
        self.loops.append(node)
        self._children(node)
        self.loops.pop()

    def _simple(self, node: ast.stmt) -> None:
        self.statements.append((node, None))
        self._children(node)

    def _return(self, node: ast.Return) -> None:
        if node.value is not None and self.scope.kind == "function":
            self.scope.returns.append(node.value)
        self._simple(node)

    def _block(self, node: ast.stmt) -> None:
        self.statements.append((node, node.body))
        self._children(node)

    def _with(self, node) -> None:
        self.statements.append((node, node.body))
        for item in node.items:
            if item.optional_vars is not None:
                self._bind_target(item.optional_vars, ("with", item.context_expr), self.scope)
        self._children(node)

    def _except(self, node: ast.ExceptHandler) -> None:
        if node.name is not None:
            self.scope.bind(node.name, Binding("except"))
            self._event(("name", node.name), "reassign", node)
        self._children(node)

    # --- bindings ------------------------------------------------------------------

    def _bind_target(self, target: ast.expr, value: object, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.bind(target.id, value)
            self._event(("name", target.id), "reassign", target)
        elif isinstance(target, (ast.Tuple, ast.List)):
            plain = isinstance(value, ast.expr) and not any(isinstance(el, ast.Starred) for el in target.elts)
            for i, el in enumerate(target.elts):
                self._bind_target(el, Unpacked(value, i, len(target.elts)) if plain else Binding("unpacked"), scope)
        elif isinstance(target, ast.Starred):
            self._bind_target(target.value, Binding("unpacked"), scope)
        elif isinstance(target, ast.Attribute):
            attr = self._self_attr(target)
            if attr is not None:
                method, klass = self.scope, self.scope.klass
                assert klass is not None
                klass.self_attrs.setdefault(attr, []).append((value, method, method.name))
                self._event(("self", attr), "reassign", target)
            else:
                self._store(target, value)
        elif isinstance(target, ast.Subscript):
            self._store(target, value)
            key = self._list_key(target.value)
            if key is not None:
                self.scope.mutated.add(key)
                if key[0] == "name":
                    self._edit(key[1], "set" if isinstance(value, ast.expr) else "other", (target, value))
                if isinstance(target.slice, ast.Slice):
                    self._event(key, "trim", target)

    def _assign(self, node: ast.Assign) -> None:
        self.statements.append((node, None))
        for t in node.targets:
            self._bind_target(t, node.value, self.scope)
        self._children(node)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        self.statements.append((node, None))
        if node.value is not None:
            self._bind_target(node.target, node.value, self.scope)
        elif isinstance(node.target, ast.Name):
            self.scope.annotations[node.target.id] = node.annotation
        self._children(node)

    def _aug_assign(self, node: ast.AugAssign) -> None:
        self.statements.append((node, None))
        self._bind_target(node.target, Binding("augmented"), self.scope)
        key = self._list_key(node.target)
        if key is not None:
            # `+=` rebinding recorded above is not a trim: it grows the list in place.
            self.events = [e for e in self.events if not (e.node is node.target and e.kind == "reassign")]
            self._event(key, "grow", node)
        self._children(node)

    def _walrus(self, node: ast.NamedExpr) -> None:
        self._bind_target(node.target, Binding("walrus"), self.scope)
        self._children(node)

    def _delete(self, node: ast.Delete) -> None:
        self.statements.append((node, None))
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.scope.bind(target.id, Binding("del"))
            elif isinstance(target, ast.Subscript):
                key = self._list_key(target.value)
                if key is not None:
                    self._event(key, "trim", node)
                    self.scope.mutated.add(key)
                    if key[0] == "name":
                        self._edit(key[1], "del", target)
        self._children(node)

    def _global(self, node) -> None:
        self.statements.append((node, None))
        what = "global" if isinstance(node, ast.Global) else "nonlocal"
        for name in node.names:
            self.scope.bind(name, Binding(what))

    def _import(self, node: ast.Import) -> None:
        self.statements.append((node, None))
        for alias in node.names:
            if alias.asname is not None:
                self.scope.imports[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.scope.imports[top] = top

    def _import_from(self, node: ast.ImportFrom) -> None:
        self.statements.append((node, None))
        module = "." * (node.level or 0) + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.scope.bind("*", Binding("star-import"))
                return
            local = alias.asname if alias.asname is not None else alias.name
            sep = "" if module.endswith(".") else "."
            self.scope.imports[local] = f"{module}{sep}{alias.name}"

    # --- calls and list events -------------------------------------------------------

    def _call(self, node: ast.Call) -> None:
        self.calls.append(CallRecord(node, self.scope, tuple(self.loops)))
        func = node.func
        if isinstance(func, ast.Attribute):
            key = self._list_key(func.value)
            if key is not None and func.attr in MUTATE_METHODS:
                self.scope.mutated.add(key)
                if key[0] == "name":
                    self._edit(key[1], func.attr if func.attr in DICT_EDITS else "other", node)
                if func.attr in GROW_METHODS:
                    self._event(key, "grow", node)
                elif func.attr in TRIM_METHODS:
                    self._event(key, "trim", node)
        if not (isinstance(func, ast.Name) and func.id in PURE_CALLS):
            for value in argument_values(node):
                key = self._list_key(value)
                if key is not None:
                    # Handed to another function: it may trim the list; the LLM call itself is
                    # filtered out when events are read.
                    self._event(key, "escape", node)
        self._children(node)

    def _edit(self, name: str, kind: str, node: object) -> None:
        edits = self.scope.edits.setdefault(name, [])
        if len(edits) < MAX_EDITS:
            edits.append((kind, node))
        else:
            edits[-1] = ("other", node)  # too many to follow: the value is not known

    def _store(self, target: ast.expr, value: object) -> None:
        path = store_key(target)
        if path is not None and path.split(".", 1)[0] == self.scope.self_name:
            return  # `self.x[...]`: per object, kept apart from module-wide stores
        if path is not None and isinstance(value, ast.expr) and len(self.stores) < MAX_STORES:
            self.stores.setdefault(path, []).append((value, self.scope))

    def _self_attr(self, node: ast.expr) -> Optional[str]:
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and self.scope.self_name is not None
            and node.value.id == self.scope.self_name
            and self.scope.klass is not None
        ):
            return node.attr
        return None

    def _list_key(self, node: ast.expr) -> Optional[tuple]:
        if isinstance(node, ast.Name):
            return ("name", node.id)
        attr = self._self_attr(node)
        if attr is not None:
            return ("self", attr)
        return None

    def _event(self, key: tuple, kind: str, node: ast.AST) -> None:
        self.events.append(Event(key, kind, node, tuple(self.loops), self.scope))


def _params(scope: Scope, args: ast.arguments) -> List[ast.arg]:
    """Record each parameter with its default; return the positional ones, in order."""
    ordered = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(ordered) - len(args.defaults)) + list(args.defaults)
    for p, default in zip(ordered, defaults):
        scope.params[p.arg] = default
    for p, default in zip(args.kwonlyargs, args.kw_defaults):
        scope.params[p.arg] = default
    for star in (args.vararg, args.kwarg):
        if star is not None:
            scope.params[star.arg] = None
    return ordered


# --- arguments of a call, as libcst's single `args` list gave them ----------------------


def argument_values(call: ast.Call) -> List[ast.expr]:
    """Every argument's expression (`*x` and `**x` as x), in source order."""
    values = [a.value if isinstance(a, ast.Starred) else a for a in call.args] + [k.value for k in call.keywords]
    if call.args and call.keywords:
        values.sort(key=lambda v: (v.lineno, v.col_offset))
    return values


def positional(call: ast.Call) -> List[ast.expr]:
    """Positional arguments that are not `*x`."""
    return [a for a in call.args if not isinstance(a, ast.Starred)]


def keyword(call: ast.Call, name: str) -> Optional[ast.expr]:
    return next((k.value for k in call.keywords if k.arg == name), None)


def has_star(call: ast.Call) -> bool:
    """A `*x` or `**x` argument: the call's arguments are not all seen."""
    return any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)


MAX_EDITS = 64  # in-place edits of one dict followed; more make it unknown
DICT_EDITS = frozenset({"update", "setdefault", "pop"})
MAX_STORES = 2000  # distinct keys kept per file: a generated file may store into thousands


def store_key(node: ast.expr, depth: int = 0) -> Optional[str]:
    """`st.session_state["client"]` and `st.session_state.client` -> "st.session_state.client";
    None for anything but names, attributes and string subscripts."""
    if depth > 8:
        return None
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = store_key(node.value, depth + 1)
        return f"{base}.{node.attr}" if base is not None else None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        base = store_key(node.value, depth + 1)
        return f"{base}.{node.slice.value}" if base is not None else None
    return None


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""
