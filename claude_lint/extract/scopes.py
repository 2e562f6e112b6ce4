"""One pass over a module that records what later evaluation needs.

A deliberately small name model (measured: libcst's ScopeProvider and
QualifiedNameProvider cost several times the parse): per scope, every binding of a
name, imports, parameters, `self.x` assignments per class, and the events that matter
for conversation history (grow, trim, reassign, hand-off), each with the loops around
it. Evaluation is flow-insensitive: a name bound once is known, a name bound twice is
not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import libcst as cst

GROW_METHODS = frozenset({"append", "extend", "insert"})
TRIM_METHODS = frozenset({"pop", "popleft", "clear", "remove", "popitem"})
MUTATE_METHODS = GROW_METHODS | TRIM_METHODS | frozenset({"update", "setdefault", "sort", "reverse", "appendleft"})
# Calls that read a list without changing it; handing a list to anything else may trim it.
PURE_CALLS = frozenset({"len", "print", "str", "repr", "list", "tuple", "enumerate", "reversed", "sorted", "bool", "any", "all", "isinstance", "id", "iter", "next"})


class Binding:
    """A marker for a binding we do not evaluate (loop target, with-as, del, ...)."""

    def __init__(self, what: str):
        self.what = what


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function" | "comprehension"
    name: str  # qualified name ("" for the module)
    parent: Optional["Scope"]
    node: Optional[cst.CSTNode] = None
    assigns: Dict[str, List[object]] = field(default_factory=dict)  # name -> [expr | Binding]
    params: Dict[str, Optional[cst.BaseExpression]] = field(default_factory=dict)
    annotations: Dict[str, cst.BaseExpression] = field(default_factory=dict)
    imports: Dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    mutated: set = field(default_factory=set)
    self_name: Optional[str] = None  # first parameter of a method
    self_attrs: Dict[str, List[Tuple[object, "Scope", str]]] = field(default_factory=dict)  # class only

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
    node: cst.CSTNode
    loops: Tuple[cst.CSTNode, ...]
    scope: Scope


@dataclass
class CallRecord:
    node: cst.Call
    scope: Scope
    loops: Tuple[cst.CSTNode, ...]


class Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.module = Scope("module", "", None)
        self.scope = self.module
        self.loops: List[cst.CSTNode] = []
        self.loop_stack: List[List[cst.CSTNode]] = []
        self.calls: List[CallRecord] = []
        self.events: List[Event] = []
        self.statements: List[Tuple[cst.CSTNode, Optional[cst.CSTNode]]] = []  # (stmt, body) for noqa ranges
        self.scopes_by_node: Dict[cst.CSTNode, Scope] = {}

    # --- scopes -------------------------------------------------------------------

    def _push(self, kind: str, name: str, node: cst.CSTNode) -> Scope:
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

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.bind(node.name.value, Binding("class"))
        self.statements.append((node, node.body))
        self._push("class", node.name.value, node)

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self._pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.bind(node.name.value, Binding("def"))
        self.statements.append((node, node.body))
        outer = self.scope
        scope = self._push("function", node.name.value, node)
        params = node.params
        ordered = list(params.posonly_params) + list(params.params)
        for p in ordered + list(params.kwonly_params):
            scope.params[p.name.value] = p.default
            if p.annotation is not None:
                scope.annotations[p.name.value] = p.annotation.annotation
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.params[star.name.value] = None
        if outer.kind == "class" and ordered and not any(
            isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in node.decorators
        ):
            scope.self_name = ordered[0].name.value

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = self._push("function", "<lambda>", node)
        for p in list(node.params.posonly_params) + list(node.params.params) + list(node.params.kwonly_params):
            scope.params[p.name.value] = p.default

    def leave_Lambda(self, node: cst.Lambda) -> None:
        self._pop()

    def _visit_comp(self, node: cst.CSTNode) -> None:
        outer_loops = self.loops
        scope = self._push("comprehension", "<comprehension>", node)
        self.loops = list(outer_loops) + [node]
        scope.kind = "comprehension"
        for_in = getattr(node, "for_in", None)
        while for_in is not None:
            self._bind_target(for_in.target, Binding("comprehension"), scope)
            for_in = for_in.inner_for_in

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._visit_comp(node)

    def leave_ListComp(self, node: cst.ListComp) -> None:
        self._pop()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._visit_comp(node)

    def leave_SetComp(self, node: cst.SetComp) -> None:
        self._pop()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._visit_comp(node)

    def leave_DictComp(self, node: cst.DictComp) -> None:
        self._pop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._visit_comp(node)

    def leave_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._pop()

    # --- loops and statements -------------------------------------------------------

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, Binding("for"), self.scope)
        self.statements.append((node, node.body))
        self.loops.append(node)

    def leave_For(self, node: cst.For) -> None:
        self.loops.pop()

    def visit_While(self, node: cst.While) -> None:
        self.statements.append((node, node.body))
        self.loops.append(node)

    def leave_While(self, node: cst.While) -> None:
        self.loops.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.statements.append((node, None))

    def visit_If(self, node: cst.If) -> None:
        self.statements.append((node, node.body))

    def visit_With(self, node: cst.With) -> None:
        self.statements.append((node, node.body))
        for item in node.items:
            if item.asname is not None:
                self._bind_target(item.asname.name, ("with", item.item), self.scope)

    def visit_Try(self, node: cst.Try) -> None:
        self.statements.append((node, node.body))

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, Binding("except"), self.scope)

    # --- bindings ------------------------------------------------------------------

    def _bind_target(self, target: cst.BaseExpression, value: object, scope: Scope) -> None:
        if isinstance(target, cst.Name):
            scope.bind(target.value, value)
            self._event(("name", target.value), "reassign", target)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                inner = el.value if not isinstance(el, cst.StarredElement) else el.value
                self._bind_target(inner, Binding("unpacked"), scope)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, Binding("unpacked"), scope)
        elif isinstance(target, cst.Attribute):
            attr = self._self_attr(target)
            if attr is not None:
                method, klass = self.scope, self.scope.klass
                assert klass is not None
                klass.self_attrs.setdefault(attr, []).append((value, method, method.name))
                self._event(("self", attr), "reassign", target)
        elif isinstance(target, cst.Subscript):
            key = self._list_key(target.value)
            if key is not None:
                self.scope.mutated.add(key)
                if any(isinstance(s.slice, cst.Slice) for s in target.slice):
                    self._event(key, "trim", target)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind_target(t.target, node.value, self.scope)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value, self.scope)
        elif isinstance(node.target, cst.Name):
            self.scope.annotations[node.target.value] = node.annotation.annotation

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, Binding("augmented"), self.scope)
        key = self._list_key(node.target)
        if key is not None:
            # `+=` rebinding recorded above is not a trim: it grows the list in place.
            self.events = [e for e in self.events if not (e.node is node.target and e.kind == "reassign")]
            self._event(key, "grow", node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, Binding("walrus"), self.scope)

    def visit_Del(self, node: cst.Del) -> None:
        target = node.target
        if isinstance(target, cst.Name):
            self.scope.bind(target.value, Binding("del"))
        elif isinstance(target, cst.Subscript):
            key = self._list_key(target.value)
            if key is not None:
                self._event(key, "trim", node)

    def visit_Global(self, node: cst.Global) -> None:
        for n in node.names:
            self.scope.bind(n.name.value, Binding("global"))

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for n in node.names:
            self.scope.bind(n.name.value, Binding("nonlocal"))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.scope.imports[alias.asname.name.value] = dotted
            else:
                top = dotted.split(".")[0]
                self.scope.imports[top] = top

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = "." * len(node.relative) + (_dotted(node.module) if node.module is not None else "")
        if isinstance(node.names, cst.ImportStar):
            self.scope.bind("*", Binding("star-import"))
            return
        for alias in node.names:
            name = _dotted(alias.name)
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            sep = "" if module.endswith(".") else "."
            self.scope.imports[local] = f"{module}{sep}{name}"

    # --- calls and list events -------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(CallRecord(node, self.scope, tuple(self.loops)))
        func = node.func
        if isinstance(func, cst.Attribute):
            key = self._list_key(func.value)
            if key is not None and func.attr.value in MUTATE_METHODS:
                self.scope.mutated.add(key)
                if func.attr.value in GROW_METHODS:
                    self._event(key, "grow", node)
                elif func.attr.value in TRIM_METHODS:
                    self._event(key, "trim", node)
        pure = isinstance(func, cst.Name) and func.value in PURE_CALLS
        for arg in node.args:
            key = self._list_key(arg.value)
            if key is not None and not pure:
                # Handed to another function: it may trim the list; the LLM call itself is
                # filtered out when events are read.
                self._event(key, "escape", node)

    def _self_attr(self, node: cst.BaseExpression) -> Optional[str]:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and self.scope.self_name is not None
            and node.value.value == self.scope.self_name
            and self.scope.klass is not None
        ):
            return node.attr.value
        return None

    def _list_key(self, node: cst.BaseExpression) -> Optional[tuple]:
        if isinstance(node, cst.Name):
            return ("name", node.value)
        attr = self._self_attr(node)
        if attr is not None:
            return ("self", attr)
        return None

    def _event(self, key: tuple, kind: str, node: cst.CSTNode) -> None:
        self.events.append(Event(key, kind, node, tuple(self.loops), self.scope))


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""
