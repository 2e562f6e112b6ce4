"""Is a call inside a loop one of many independent requests, or a link of a chain?

CL005 (batch-candidate) needs the answer as a fact. The analysis is syntactic and
errs towards "chain" (no finding): a request is independent only when the loop's item
flows into it and nothing it reads is carried from one iteration to the next.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Set

import libcst as cst

from claude_lint.extract.scopes import MUTATE_METHODS, Scope

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
# Calls that make a loop interactive or paced by a person: never a batch.
_INTERACTIVE = frozenset({"input", "getpass", "prompt"})


def independent(call: cst.Call, loop: cst.CSTNode, scope: Scope) -> bool:
    if isinstance(loop, cst.While):
        return False  # polling, agent and chat loops: the next turn depends on this one
    walker = _LoopBody()
    loop.visit(walker)
    if walker.exits or walker.interactive:
        return False  # fallback chains (`break` on success) and interactive loops
    targets = _loop_targets(loop)
    reads = _names_read(call.args)
    seen: Set[str] = set()
    pending = list(reads)
    while pending:  # follow names bound inside the loop to what they are built from
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for expr in walker.bound.get(name, []):
            pending.extend(_names_read([expr]) - seen)
    if not (seen & targets):
        return False  # the loop repeats one request (retries, sampling), not one per item
    for name in seen:
        if name in walker.stored or name in walker.augmented:
            return False  # a result stored, appended or accumulated and read again
        if name in walker.bound and name not in targets and not isinstance(loop, _COMPREHENSIONS):
            if len(scope.assigns.get(name, [])) > walker.count.get(name, 0):
                return False  # bound before the loop and rebound inside it: carried over
    return True


def enclosing_async(scope: Optional[Scope]) -> bool:
    s = scope
    while s is not None and s.kind == "comprehension":
        s = s.parent
    node = s.node if s is not None else None
    return isinstance(node, cst.FunctionDef) and node.asynchronous is not None


def _loop_targets(loop: cst.CSTNode) -> Set[str]:
    found: Set[str] = set()
    if isinstance(loop, cst.For):
        found |= _target_names(loop.target)
    for_in = getattr(loop, "for_in", None)
    while for_in is not None:
        found |= _target_names(for_in.target)
        for_in = for_in.inner_for_in
    return found


def _target_names(target: cst.BaseExpression) -> Set[str]:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        out: Set[str] = set()
        for el in target.elements:
            out |= _target_names(el.value)
        return out
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    return set()


class _Reads(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: Set[str] = set()

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False  # `x.attr`: the attribute name is not a variable

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False  # keyword names are not variables

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)


def _names_read(nodes) -> Set[str]:
    reads = _Reads()
    for node in nodes:
        node.visit(reads)
    return reads.names


class _LoopBody(cst.CSTVisitor):
    """Bindings, stores and exits inside a loop (nested functions and classes excluded)."""

    def __init__(self) -> None:
        self.bound: Dict[str, List[cst.CSTNode]] = {}
        self.count: Dict[str, int] = {}
        self.stored: Set[str] = set()
        self.augmented: Set[str] = set()
        self.exits = False
        self.interactive = False
        self._depth = 0

    def visit_FunctionDef(self, node) -> bool:
        return False

    def visit_ClassDef(self, node) -> bool:
        return False

    def visit_Lambda(self, node) -> bool:
        return False

    def visit_Break(self, node) -> None:
        self.exits = True

    def visit_Return(self, node) -> None:
        self.exits = True

    def _bind(self, target: cst.BaseExpression, value: Optional[cst.CSTNode]) -> None:
        if isinstance(target, cst.Name):
            self.bound.setdefault(target.value, [])
            if value is not None:
                self.bound[target.value].append(value)
            self.count[target.value] = self.count.get(target.value, 0) + 1
        elif isinstance(target, (cst.Tuple, cst.List)):
            for el in target.elements:
                self._bind(el.value, value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, value)
        elif isinstance(target, (cst.Attribute, cst.Subscript)):
            base = _base_name(target)
            if base is not None:
                self.stored.add(base)

    def visit_Assign(self, node: cst.Assign) -> None:
        for t in node.targets:
            self._bind(t.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        base = _base_name(node.target)
        if base is not None:
            self.augmented.add(base)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        base = _base_name(node.target)
        if base is not None:
            self.augmented.add(base)  # a walrus in a loop usually carries a value along

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, node.iter)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, node.item)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Name) and func.value in _INTERACTIVE:
            self.interactive = True
        if isinstance(func, cst.Attribute) and func.attr.value in MUTATE_METHODS:
            base = _base_name(func.value)
            if base is not None:
                self.stored.add(base)


def _base_name(node: cst.BaseExpression) -> Optional[str]:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None
