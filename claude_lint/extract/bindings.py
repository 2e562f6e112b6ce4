"""What the one pass over a module (`scopes.Collector`) records: scopes and their
bindings, the events done to lists that a call may send, and each call with the loops
around it (`CallRecord`, which the Python extractor turns into `CallSite` facts)."""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

GROW_METHODS = frozenset({"append", "extend", "insert"})
TRIM_METHODS = frozenset({"pop", "popleft", "clear", "remove", "popitem"})
MUTATE_METHODS = GROW_METHODS | TRIM_METHODS | frozenset({"update", "setdefault", "sort", "reverse", "appendleft"})
# Calls that read a list without changing it; handing a list to anything else may trim it.
PURE_CALLS = frozenset({"len", "print", "str", "repr", "list", "tuple", "enumerate", "reversed", "sorted", "bool", "any", "all", "isinstance", "id", "iter", "next"})


class Binding:
    """A marker for a binding we do not evaluate (loop target, with-as, del, ...)."""

    def __init__(self, what: str):
        self.what = what


class Starred(Binding):
    """A module's `from <module> import *`: the names it binds are not listed here (link reads them)."""

    def __init__(self, module: str):
        super().__init__("star-import")
        self.module = module


class Looped(Binding):
    """A plain name a `for` loop binds: `for model in ["a", "b"]` takes each item of `iterable` in turn."""

    def __init__(self, iterable: ast.expr):
        super().__init__("for")
        self.iterable = iterable


class Unpacked(Binding):
    """One name of a tuple assignment: `headers, payload = build(...)` binds `payload` to item 1."""

    def __init__(self, value: ast.expr, index: int, count: int):
        super().__init__("unpacked")
        self.value = value
        self.index = index
        self.count = count


@dataclass(eq=False)
class Scope:
    """A module, class, function or comprehension: the names it binds and its parameters."""
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
    # A `try` statement among its own statements: without one no request in it is retried
    # from a handler, and the retry search (a parent map of the function) is skipped.
    has_try: bool = False

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
    value: object = None  # a "reassign": the value bound (an expr, or a Binding), read by the history's judgement


@dataclass
class CallRecord:
    """A call seen in the walk, with its scope and the loops around it."""
    node: ast.Call
    scope: Scope
    loops: Tuple[ast.AST, ...]
