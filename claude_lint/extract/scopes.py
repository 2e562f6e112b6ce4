"""One pass over a module that records what later evaluation needs.

Read from the standard library's `ast` tree, which is about ten times faster to build
than a libcst tree and far smaller. A deliberately small name model: per scope, every binding of a
name, imports, parameters, `self.x` assignments per class, and the events that matter
for conversation history (grow, trim, reassign, hand-off), each with the loops around
it. Evaluation is flow-insensitive: a name bound once is known, a name bound twice is
not.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Set, Tuple
import ast

# The records, and the argument helpers every extractor uses, named here as before.
from claude_lint.extract.arguments import argument_values, has_star, keyword, positional, store_key  # noqa: F401
from claude_lint.extract.bindings import (  # noqa: F401
    GROW_METHODS, MUTATE_METHODS, PURE_CALLS, TRIM_METHODS, Binding, CallRecord, Event, Looped, Scope, Starred, Unpacked,
)
from claude_lint.extract.chains import called_name
from claude_lint.extract.loop_items import loop_bindings
from claude_lint.extract.walk import CHILD_FIELDS, LEAVES

MAX_EDITS = 64  # in-place edits of one dict followed; more make it unknown
DICT_EDITS = frozenset({"update", "setdefault", "pop"})
LIST_EDITS = frozenset({"append", "extend"})
# Calls that run a function handed to them once per item (pandas' apply and its progress bars, map):
# as wrapper_shapes.APPLY and RUNS_PER_ITEM, for a lambda written in place.
# The builtin `map` only: an executor's or a pool's `.map` runs them concurrently, for latency.
PER_ITEM_RUNNERS = frozenset({"apply", "progress_apply", "parallel_apply", "swifter_apply", "applymap"})
MAX_STORES = 2000  # distinct keys kept per file: a generated file may store into thousands

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
        # Kept past its file's extraction for the file's second phase (a file linted alone,
        # see Linter.keep_parsed): `release` then waits until that phase lets it go.
        self.held = False
        # Lambdas handed to a call that runs them once per item (`df.text.apply(lambda t: ...)`):
        # their body is a loop's body.
        self._per_item: Set[int] = set()
        # Values stored into an object by key or attribute (`st.session_state["client"] = ...`,
        # `cfg.model = ...`): "st.session_state.client" -> [(value, scope)].
        self.stores: Dict[str, List[Tuple[ast.expr, Scope]]] = {}
        # Plain functions, called with the collector: bound methods here would make a
        # reference cycle (collector -> table -> method -> collector) that keeps the whole
        # tree alive until the cyclic collector runs, instead of freeing it with the file.
        cls = type(self)
        self._handlers = {
            ast.ClassDef: cls._class,
            ast.FunctionDef: cls._function,
            ast.AsyncFunctionDef: cls._function,
            ast.Lambda: cls._lambda,
            ast.ListComp: cls._comprehension,
            ast.SetComp: cls._comprehension,
            ast.DictComp: cls._comprehension,
            ast.GeneratorExp: cls._comprehension,
            ast.For: cls._for,
            ast.AsyncFor: cls._for,
            ast.While: cls._while,
            ast.With: cls._with,
            ast.AsyncWith: cls._with,
            ast.ExceptHandler: cls._except,
            ast.Assign: cls._assign,
            ast.AnnAssign: cls._ann_assign,
            ast.AugAssign: cls._aug_assign,
            ast.NamedExpr: cls._walrus,
            ast.Delete: cls._delete,
            ast.Global: cls._global,
            ast.Nonlocal: cls._global,
            ast.Import: cls._import,
            ast.ImportFrom: cls._import_from,
            ast.Call: cls._call,
        }
        for kind in _SIMPLE_STATEMENTS:
            self._handlers[kind] = cls._simple
        self._handlers[ast.Return] = cls._return
        for kind in _BLOCK_STATEMENTS:
            self._handlers[kind] = cls._block

    def collect(self, tree: ast.Module) -> "Collector":
        self.module.node = tree  # a script's or notebook's requests are used in the module's own code
        self._children(tree)
        return self

    def release(self) -> None:
        """The file is done: break the one reference cycle the scopes make (a class's
        `self_attrs` name its methods, whose parent is the class), so that the tree is
        freed by reference counting as soon as the extraction lets go of it, instead of
        waiting for the cyclic collector, which must then traverse every node of it."""
        if self.held:
            return
        for scope in self.scopes_by_node.values():
            if scope.self_attrs:
                scope.self_attrs = {}

    # --- the walk ---------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        handler = self._handlers.get(type(node))
        if handler is None:
            self._children(node)
        else:
            handler(self, node)

    def _children(self, node: ast.AST) -> None:
        AST = ast.AST
        visit = self.visit
        leaves = LEAVES  # no handler reads a leaf, nor a context or an operator (walk.CHILD_FIELDS)
        for name in CHILD_FIELDS[type(node)]:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if type(item) not in leaves and isinstance(item, AST):
                        visit(item)
            elif type(value) not in leaves and isinstance(value, AST):
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
        if id(node) in self._per_item:
            self.loops = list(self.loop_stack[-1]) + [node]
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
        for target, binding in loop_bindings(node.target, node.iter):
            self._bind_target(target, binding, self.scope)
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
        if not isinstance(node, ast.If):
            self.scope.has_try = True
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
            self._event(("name", target.id), "grow" if _regrows(value, target) else "reassign", target, value)
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
                self._event(("self", attr), "grow" if _regrows(value, target) else "reassign", target, value)
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
                self.scope.bind("*", Starred(module))
                return
            local = alias.asname if alias.asname is not None else alias.name
            sep = "" if module.endswith(".") else "."
            self.scope.imports[local] = f"{module}{sep}{alias.name}"

    # --- calls and list events -------------------------------------------------------

    def _call(self, node: ast.Call) -> None:
        self.calls.append(CallRecord(node, self.scope, tuple(self.loops)))
        func = node.func
        runner = called_name(func)
        if runner in PER_ITEM_RUNNERS and isinstance(func, ast.Attribute) or runner == "map" and isinstance(func, ast.Name):
            self._per_item.update(id(a) for a in node.args[:2] if isinstance(a, ast.Lambda))
        if isinstance(func, ast.Attribute):
            key = self._list_key(func.value)
            if key is not None and func.attr in MUTATE_METHODS:
                self.scope.mutated.add(key)
                if key[0] == "name":
                    # A list filled before its request (`.append`/`.extend` outside any loop) is followed;
                    # one filled in a loop is a conversation, judged by the history finder.
                    listed = func.attr in LIST_EDITS and not self.loops
                    self._edit(key[1], func.attr if func.attr in DICT_EDITS or listed else "other", node)
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

    def _event(self, key: tuple, kind: str, node: ast.AST, value: object = None) -> None:
        self.events.append(Event(key, kind, node, tuple(self.loops), self.scope, value))


def _regrows(value: object, target: ast.expr) -> bool:
    """`history = history + [turn]`, `self.messages = [*self.messages, turn]`: the list
    rebound to itself plus more grows; it is neither a trim nor a fresh list."""
    if not isinstance(value, ast.expr):
        return False
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        sides = (value.left, value.right)
    elif isinstance(value, ast.List):
        sides = tuple(el.value for el in value.elts if isinstance(el, ast.Starred))
    else:
        return False
    if not sides:
        return False
    # dumped only for an assignment of that shape: ast.dump is costly, and every assignment comes here
    same = ast.dump(target, annotate_fields=False).replace("Store()", "Load()")
    return any(ast.dump(side, annotate_fields=False) == same for side in sides)


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

