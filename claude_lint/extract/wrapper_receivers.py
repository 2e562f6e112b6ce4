"""Receivers a call does not name the class of, for `CalleeFinder` (a mixin of it): an
object a factory method makes (`config.get_model()`, `Models.create(name)`), an attribute
another file's class keeps (`trial.chatbot`), an instance of a `type[X]` parameter, and an
object handed in as a parameter of no said type (`llm: Any`), reached by a method of a name
that tells its class."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import FrozenSet, List

from claude_lint.extract.bindings import Starred
from claude_lint.extract.scopes import Scope
from claude_lint.extract.wrapper_shapes import MAX_CLASSES
from claude_lint.facts import Callee


# A receiver handed in as a parameter whose type is not said: link resolves `HANDED.method`
# to the project's one class with a wrapper method of that name (`link_names._handed`).
HANDED = "?"
SESSION_STATE = "streamlit.session_state"  # values kept across a Streamlit app's reruns, of no said type
UNTYPED = frozenset({"typing.Any", "typing_extensions.Any", "object"})
_SDK_METHODS: list = []
_BUILTINS = frozenset(dir(__import__("builtins")))  # `print`, `dict`: never a star import's


def distinctive(method: str) -> bool:
    """A method name that tells its class: several words, no dunder, no SDK method's."""
    return "_" in method.strip("_") and not method.startswith("__") and method not in _sdk_methods()


def _sdk_methods() -> frozenset:
    """The last names of the SDK's method chains (`generate_content`, `create`): a parameter's
    method of one of those names may be the SDK's own, on an object passed in."""
    if not _SDK_METHODS:
        from claude_lint.extract import sdk
        _SDK_METHODS.append(frozenset(shape.chain[-1] for shape in sdk.METHODS if shape.chain))
    return _SDK_METHODS[0]


def got(expr: ast.expr) -> bool:
    """`registry.get(k)`: an entry, as `registry[k]` is (`registry.get(k).run(...)`)."""
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get"


class ReceiverCallees:
    """What `CalleeFinder.callees` asks of a receiver whose class it cannot name."""

    handed_names: FrozenSet[str] = frozenset()  # wrapper methods asked as called on anything (phase 2 sets it)

    def star_callees(self, name: str, scope: Scope) -> tuple:
        """A name no scope of the file binds, in a module that star-imports (`from
        src.evaluator.optimizer import *`): it may be any of those modules' (the last import
        wins, so last first); link finds it in the one that defines it. Not a builtin's."""
        owner = self.ev.find("*", scope)
        if owner is None or name in _BUILTINS:
            return ()
        modules = [b.module for b in owner.assigns["*"] if isinstance(b, Starred)]
        return tuple(Callee(f"{m}{'' if m.endswith('.') else '.'}{name}", False) for m in reversed(modules))[:MAX_CLASSES]

    @property
    def method_made(self) -> set:
        """The references to another file's class's method made here (`Class.method`): what
        it returns is known only if that file's table has the method as a factory."""
        made = self.__dict__.get("_method_made")
        if made is None:
            made = self.__dict__["_method_made"] = set()
        return made

    def _returned_by_method(self, func: ast.Attribute, scope: Scope, depth: int) -> List[Callee]:
        """The classes a factory method returns instances of, called on a receiver whose class
        is known: this file's class's returns; another file's, a reference link looks up in
        that file's factories (`WrapperTable.instances`, `Class.method`)."""
        base = func.value
        if isinstance(base, ast.Name) and (self._self_of(scope) or ("",))[0] == base.id:
            return []  # through self: `_property_classes`
        out: List[Callee] = []
        for k in self.classes_of(base, scope, depth + 1)[:MAX_CLASSES]:
            if k.method:
                continue
            if k.local:
                out.extend(x for x in self._property_classes(k.target, func.attr, depth + 1, called=True) if x not in out)
            elif "." in k.target.strip("."):
                made = Callee(f"{k.target}.{func.attr}", False)
                self.method_made.add(made)  # a guess link may not confirm: a factory's annotation says more
                out.append(made)
        return out[:MAX_CLASSES]

    def annotation_classes(self, ann: ast.expr, scope: Scope) -> List[Callee]:
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return []
        if isinstance(ann, ast.Subscript):
            # `Evaluation[int]`: an instance of the generic class, not of its parameter
            outer = [k for k in self.class_ref(ann.value, scope) if k.local or not k.target.startswith(_TYPING)]  # type: ignore[attr-defined]
            if outer:
                return outer
            inner = ann.slice  # Optional[X], Union[X, None]
            items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return [k for item in items for k in self.annotation_classes(item, scope)][:MAX_CLASSES]
        if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):  # X | None
            return (self.annotation_classes(ann.left, scope) + self.annotation_classes(ann.right, scope))[:MAX_CLASSES]
        return self.class_ref(ann, scope)  # type: ignore[attr-defined]

    def own_class(self, func: ast.expr, scope: Scope) -> List[Callee]:
        """`self.__class__(...)`, `type(self)(...)`: a copy of the object (a `clone()` method's
        return), whose methods are its class's (a subclass's override is link's to pick)."""
        me = self._self_of(scope)  # type: ignore[attr-defined]
        if me is None:
            return []
        if isinstance(func, ast.Attribute) and func.attr == "__class__":
            inner = func.value
        elif isinstance(func, ast.Call) and isinstance(func.func, ast.Name) and func.func.id == "type" and len(func.args) == 1 and not func.keywords:
            inner = func.args[0]
        else:
            return []
        return [Callee(me[1].name, True)] if isinstance(inner, ast.Name) and inner.id == me[0] else []

    def made_from_type(self, func: ast.expr, scope: Scope) -> List[Callee]:
        """`evaluation()` where the parameter is annotated `type[BasicEvaluation[Any]]`
        (`Type[X]` too): an instance of that class (a subclass's override is link's to pick)."""
        owner = self.ev.find(func.id, scope) if isinstance(func, ast.Name) else None  # type: ignore[attr-defined]
        if owner is None or owner.kind != "function" or func.id not in owner.params or owner.assigns.get(func.id):  # type: ignore[attr-defined]
            return []
        ann = owner.annotations.get(func.id)  # type: ignore[attr-defined]
        if not isinstance(ann, ast.Subscript):
            return []
        outer = ann.value
        builtin = isinstance(outer, ast.Name) and outer.id == "type" and self.ev.find("type", owner) is None  # type: ignore[attr-defined]
        if not builtin and (self.ev.qualname(outer, owner.parent or owner) or "") not in _TYPE_OF:  # type: ignore[attr-defined]
            return []
        return self.annotation_classes(ann.slice, owner.parent or owner)

    def _handed(self, base: ast.expr, scope: Scope, method: str) -> bool:
        """A parameter with no type said (unannotated, `Any`, `object`), or an attribute of
        `self` only ever set to one (`self.llm = llm` in `__init__`), whose method of a
        distinctive name (several words, no SDK method's) is called: link looks for the one
        project class with a wrapper method of that name."""
        if not method.startswith("_") and self._handed_entry(base, scope, 0):
            return True  # an entry of a registry handed in: any method name (`agent.chat(prompt)`)
        if not distinctive(method) and method not in self.handed_names:
            return False  # (a one-word method two wrapper classes share is asked as handed: `llm.generate(...)`)
        if isinstance(base, ast.Name):
            return self._untyped_param(base.id, scope)
        if isinstance(base, (ast.Attribute, ast.Subscript)) and self.ev.qualname(base.value, scope) == SESSION_STATE:  # type: ignore[attr-defined]
            return True  # `st.session_state.llm.ask_about(...)`, `st.session_state["llm"]...`: whatever a run stored there
        if not isinstance(base, ast.Attribute):
            return False
        me = self._self_of(scope)  # type: ignore[attr-defined]
        if me is None or not isinstance(base, ast.Attribute) or not isinstance(base.value, ast.Name) or base.value.id != me[0]:
            return False
        klass = me[1]
        kept = klass.self_attrs.get(base.attr, [])
        ann = klass.annotations.get(base.attr)
        if not kept or len(kept) > MAX_CLASSES or ann is not None and (self.ev.qualname(ann, klass.parent or klass) or "") not in UNTYPED:  # type: ignore[attr-defined]
            return False
        return all(isinstance(value, ast.Name) and self._untyped_param(value.id, method_scope) for value, method_scope, _ in kept)

    def kept_classes(self, klass: Scope, attr: str, depth: int) -> List[Callee]:
        """The classes of what a class keeps as `attr`: each value its methods set
        (`self.chatbot = chatbot`, read through the parameter's annotation) and the field's
        annotation (`chatbot: Chatbot`, a dataclass's)."""
        out: List[Callee] = []
        for value, method_scope, _ in klass.self_attrs.get(attr, []):
            if isinstance(value, ast.expr):
                out.extend(x for x in self.classes_of(value, method_scope, depth + 1) if x not in out)  # type: ignore[attr-defined]
        ann = klass.annotations.get(attr)
        if ann is not None:
            out.extend(x for x in self.annotation_classes(ann, klass.parent or klass) if x not in out)
        return out

    def _instance_attribute_classes(self, base: ast.Name, attr: str, scope: Scope, depth: int) -> List[Callee]:
        """`bot.llm_client` where `bot` is an instance of a class of this file that sets
        `self.llm_client` in its methods: the classes of what it is set to. Of another
        file's class, a reference link looks up among that file's kept attributes
        (`Class.attr` in `WrapperTable.instances`, as a factory method is)."""
        out: List[Callee] = []
        for k in self.classes_of(base, scope, depth + 1):  # type: ignore[attr-defined]
            klass = self.klasses.get(k.target) if k.local and not k.method else None  # type: ignore[attr-defined]
            if klass is not None:
                out.extend(x for x in self.kept_classes(klass, attr, depth) if x not in out)
            elif not k.local and not k.method and "." in k.target.strip("."):
                out.append(Callee(f"{k.target}.{attr}", False))
        return out[:MAX_CLASSES]

    def _untyped_param(self, name: str, scope: Scope) -> bool:
        owner = self.ev.find(name, scope)  # type: ignore[attr-defined]
        if owner is None or owner.kind != "function" or name not in owner.params or owner.assigns.get(name):
            return False
        ann = owner.annotations.get(name)
        return ann is None or (self.ev.qualname(ann, owner.parent or owner) or "") in UNTYPED  # type: ignore[attr-defined]

    def _handed_entry(self, expr: ast.expr, scope: Scope, depth: int) -> bool:
        """An entry of a collection handed in with no said type: `agents[name]`, `agents.get(name)`
        over an untyped parameter, or over `self.agents` only ever set to one, or a name bound
        once to such an entry or to what a method of the class returns when all its returns
        are (`agent = self._get_agent_for_model(model)`, each branch `return self.agents["x"]`).
        A registry of the project's own objects (agents picked by name): a method called on its
        entry, of any name, is looked for among the project's wrapper classes, where every class
        defining it must make a request with it (`link_names._handed`)."""
        if depth > 3:
            return False
        if isinstance(expr, ast.Subscript) or isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and 1 <= len(expr.args) <= 2:
            table = expr.value if isinstance(expr, ast.Subscript) else expr.func.value  # type: ignore[union-attr]
            return self._untyped_holder(table, scope)
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)  # type: ignore[attr-defined]
            bound = owner.assigns.get(expr.id, []) if owner is not None and owner.kind == "function" else []
            return len(bound) == 1 and isinstance(bound[0], ast.expr) and self._handed_entry(bound[0], owner, depth + 1)
        if isinstance(expr, ast.Await):
            return False
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name):
            me = self._self_of(scope)  # type: ignore[attr-defined]
            if me is None or expr.func.value.id != me[0]:
                return False
            d = self.defs.get(f"{me[1].name}.{expr.func.attr}")  # type: ignore[attr-defined]
            returns = [r for r in (d.returns if d is not None else []) if isinstance(r, ast.expr)]
            return 0 < len(returns) <= MAX_CLASSES and all(self._handed_entry(r, d, depth + 1) for r in returns)
        return False

    def _untyped_holder(self, table: ast.expr, scope: Scope) -> bool:
        """An untyped parameter (or one annotated as a collection of untyped values,
        `Dict[str, Any]`), or `self.x` only ever set to such parameters."""
        if isinstance(table, ast.Name):
            return self._untyped_param(table.id, scope) or self._untyped_collection(table.id, scope)
        me = self._self_of(scope)  # type: ignore[attr-defined]
        if me is None or not isinstance(table, ast.Attribute) or not isinstance(table.value, ast.Name) or table.value.id != me[0]:
            return False
        kept = me[1].self_attrs.get(table.attr, [])
        ann = me[1].annotations.get(table.attr)
        if not kept or len(kept) > MAX_CLASSES or ann is not None:
            return False
        return all(isinstance(value, ast.Name) and (self._untyped_param(value.id, method_scope) or self._untyped_collection(value.id, method_scope))
                   for value, method_scope, _ in kept)

    def _untyped_collection(self, name: str, scope: Scope) -> bool:
        """A parameter annotated as a dict or list of values of no said type: `dict`,
        `Dict[str, Any]`, `Mapping[str, object]`, `list`, `List[Any]`."""
        owner = self.ev.find(name, scope)  # type: ignore[attr-defined]
        if owner is None or owner.kind != "function" or name not in owner.params or owner.assigns.get(name):
            return False
        ann = owner.annotations.get(name)
        outer = ann.value if isinstance(ann, ast.Subscript) else ann
        kind = outer.id if isinstance(outer, ast.Name) else outer.attr if isinstance(outer, ast.Attribute) else None
        if kind not in _COLLECTIONS:
            return False
        if not isinstance(ann, ast.Subscript):
            return True
        items = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
        return (self.ev.qualname(items[-1], owner.parent or owner) or "") in UNTYPED or isinstance(items[-1], ast.Name) and items[-1].id in ("Any", "object")  # type: ignore[attr-defined]


_TYPING = ("typing.", "typing_extensions.", "collections.")  # Optional[X], Annotated[X, ...], Sequence[X]: about X
_TYPE_OF = frozenset({"builtins.type", "typing.Type", "typing_extensions.Type"})
_COLLECTIONS = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "list", "List", "Sequence"})
