"""What a call names statically: a function of the file or an imported one, a method through
`self`/`super()`, a class, or a receiver whose class is known (an attribute set from a
constructor, an annotated parameter, a module-level instance)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import FrozenSet, List, Optional, Set, Tuple

from claude_lint.extract.bindings import Binding, Looped
from claude_lint.extract.loop_items import LoopCallees
from claude_lint.extract.wrapper_receivers import _TYPING, HANDED, UNTYPED, ReceiverCallees, got
from claude_lint.extract.python_calls import _is_property
from claude_lint.extract.scopes import Scope
from claude_lint.extract.wrapper_shapes import ANY_MODULE, MAX_CLASSES, chosen_class, functions_bound, lambda_callee, last, module_path
from claude_lint.facts import Callee


class CalleeFinder(LoopCallees, ReceiverCallees):
    """What a call may reach: functions, methods, classes. A mixin of `Finder`."""

    # --- callees ---

    def callees(self, func: ast.expr, scope: Scope, called: bool = True, depth: int = 0) -> Tuple[Callee, ...]:
        """What calling `func` may reach. called=False: `func` is handed to a call, not called
        (an object handed over is no call of its `__call__`)."""
        if depth > 4:
            return ()
        if isinstance(func, ast.Name):
            owner = self.ev.find(func.id, scope)
            if owner is None:
                return self.star_callees(func.id, scope)
            if func.id in owner.imports and func.id not in owner.assigns:
                target = owner.imports[func.id]
                return (Callee(target, False),) if "." in target.strip(".") or target[:1] == "." else ()  # (`from . import ask`: the package's own)
            if self._bound_as(owner, func.id, "def") and owner.kind != "class":
                qual = self._qualified(owner, func.id)
                chosen = self._def_for(qual, func.lineno, scope)
                where = self.ev.loc(chosen.node) if chosen is not None and len(self.defs_by_name.get(qual, ())) > 1 else None
                return (Callee(qual, True, where=where),)
            bound = owner.assigns.get(func.id, [])
            if len(bound) == 1 and isinstance(bound[0], ast.Name) or not called and functions_bound(bound, None):  # `fn = ask`; handed on, `step = tools.a` (or `.b`)
                return tuple(k for b in bound for k in self.callees(lambda_callee(b), owner, called, depth + 1))[:MAX_CLASSES]
            if len(bound) == 1 and isinstance(bound[0], ast.Subscript) and isinstance(bound[0].value, ast.Name):
                # `fn = PROVIDERS[name]` over a dict of functions: any of them
                table_owner = self.ev.find(bound[0].value.id, owner)
                table = table_owner.assigns.get(bound[0].value.id, []) if table_owner is not None else []
                if len(table) == 1 and isinstance(table[0], ast.Dict):
                    found: List[Callee] = []
                    for v in table[0].values:
                        if isinstance(v, (ast.Name, ast.Attribute)):
                            found.extend(self.callees(v, table_owner, False, depth + 1))
                    if found:
                        return tuple(found[:MAX_CLASSES])
            if len(bound) == 1 and isinstance(bound[0], ast.Subscript):
                # `func = SUMMARIZERS[key]["func"]`: a field of an entry of a dict of dicts
                found = [k for v, s in self._dispatched(bound[0], owner, 0) if isinstance(v, (ast.Name, ast.Attribute))
                         for k in self.callees(v, s, False, depth + 1)]
                if found:
                    return tuple(found[:MAX_CLASSES])
            looped = self.looped_functions(bound, owner)
            if looped:  # `for n, stage in [(1, self.a), (2, self.b)]: stage()`: any listed function
                found = [k for v, s in looped for k in self.callees(v, s, False, depth + 1)]
                if found:
                    return tuple(found[:MAX_CLASSES])
            if called and func.id not in owner.params or called and owner.annotations.get(func.id) is not None:
                return tuple(Callee(k.target, k.local, "__call__") for k in self.classes_of(func, scope, 0))
            return ()
        if isinstance(func, ast.Subscript) or (isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute) and func.func.attr == "get"):
            # `HANDLERS[kind](text)`, `REGISTRY[kind]["func"](text)`: any function of the table
            found: List[Callee] = []
            for v, s in self._dispatched(func, scope, 0):
                if isinstance(v, (ast.Name, ast.Attribute)):
                    found.extend(self.callees(v, s, False, depth + 1))
            return tuple(found[:MAX_CLASSES])
        if not isinstance(func, ast.Attribute):
            return ()
        method, base = func.attr, func.value
        if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super" and self.ev.find("super", scope) is None:
            me = self._self_of(scope)
            return (Callee(me[1].name, True, method, True, True),) if me is not None else ()
        if isinstance(base, ast.Call):
            package = self._module_chosen(base, scope)
            if package is not None:  # `importlib.import_module(f"app.providers.{name}").prompt(...)`
                return (Callee(f"{package}.{ANY_MODULE}.{method}", False),)
        if isinstance(base, ast.Name):
            me = self._self_of(scope)
            owner = self.ev.find(base.id, scope)
            if owner is None:  # (a star import's module, class or instance: as one imported by name)
                return tuple(Callee(f"{k.target}.{method}", False) for k in self.star_callees(base.id, scope))
            if me is not None and base.id == me[0] and owner.kind == "function" and owner.self_name == base.id:
                # `self.model(prompt)` with `self.model = LLM(...)`: an object kept on self, called (its `__call__`)
                kept = tuple(Callee(k.target, k.local, "__call__") for k in self.classes_of(func, scope, 0)) if (
                    called and method in me[1].self_attrs and method not in self._methods.get(me[1].name, ())) else ()
                return kept or (Callee(me[1].name, True, method, True),)
            if base.id in owner.imports and base.id not in owner.assigns:
                # a module's function, or a method of an imported class or instance: link tells
                return (Callee(f"{owner.imports[base.id]}.{method}", False),)
            if self._bound_as(owner, base.id, "class"):
                return (Callee(self._qualified(owner, base.id), True, method, False),)
            package = self._imported_by_name(owner, base.id)
            if package is not None:
                return (Callee(f"{package}.{ANY_MODULE}.{method}", False),)
        dotted = module_path(self.ev, base, scope)  # `import pkg.sub` then `pkg.sub.f()`
        found = (Callee(f"{dotted}.{method}", False),) if dotted else tuple(Callee(k.target, k.local, method) for k in self.classes_of(base, scope, 0))
        if called and (isinstance(base, (ast.Name, ast.Attribute, ast.Subscript)) or got(base)) and all(k.target in UNTYPED for k in found) and self._handed(base, scope, method):
            return (Callee(HANDED, False, method),)
        if called and not found and isinstance(base, ast.Name):
            me = self._self_of(scope)
            if me is not None and base.id == me[0] and method not in self._methods.get(me[1].name, ()):
                # `self.llm(...)`: an object kept on self, called
                return tuple(Callee(k.target, k.local, "__call__") for k in self.classes_of(func, scope, 0))
        return found

    def _imported_by_name(self, owner: Scope, name: str) -> Optional[str]:
        """The package whose module a name holds, chosen at run time (`mod = importlib.import_module(f"app.providers.{name}")`):
        any module of it (link takes those defining the function called)."""
        bound = owner.assigns.get(name, [])
        return self._module_chosen(bound[0], owner) if len(bound) == 1 and isinstance(bound[0], ast.Call) else None

    def _module_chosen(self, call: ast.Call, scope: Scope) -> Optional[str]:
        if not call.args or self.ev.qualname(call.func, scope) != "importlib.import_module":
            return None
        spelled = call.args[0]
        if isinstance(spelled, ast.Name):  # `module_name = f"..."` first
            owner = self.ev.find(spelled.id, scope)
            written = owner.assigns.get(spelled.id, []) if owner is not None else []
            spelled = written[0] if len(written) == 1 else None
        head = None
        if isinstance(spelled, ast.JoinedStr) and len(spelled.values) == 2 and isinstance(spelled.values[1], ast.FormattedValue):
            head = spelled.values[0]
        elif isinstance(spelled, ast.BinOp) and isinstance(spelled.op, ast.Add):
            head = spelled.left
        if not (isinstance(head, ast.Constant) and isinstance(head.value, str)):
            return None
        package = head.value
        if not package.endswith(".") or package.startswith(".") or not all(part.isidentifier() for part in package[:-1].split(".")):
            return None
        return package[:-1]

    def classes_of(self, expr: ast.expr, scope: Scope, depth: int) -> List[Callee]:
        """The classes an object may be an instance of, as references (no method)."""
        if depth > 6:
            return []
        out: List[Callee] = []
        if isinstance(expr, ast.Call):
            out = self.class_ref(expr.func, scope) or chosen_class(self, expr.func, scope) or self.own_class(expr.func, scope) or self.made_from_type(expr.func, scope)  # (a package's class picked at run time)
            if not out and isinstance(expr.func, ast.Name):
                out = self._made_by(expr.func, scope, depth)
            me = self._self_of(scope) if not out and isinstance(expr.func, ast.Attribute) and isinstance(expr.func.value, ast.Name) else None
            if me is not None and expr.func.value.id == me[0]:
                out = self._property_classes(me[1].name, expr.func.attr, depth, called=True)  # `self._get_client()`
            if not out:
                # an entry of a dict of instances (`self.providers.get(name)`), or an
                # instance of an entry of a dict of classes (`REGISTRY[name]()`, `cls()`)
                entries = self._entries(expr, scope)
                if entries:
                    out = [k for v, s in entries for k in self.classes_of(v, s, depth + 1)]
                else:
                    made = expr.func
                    if isinstance(made, ast.Name):
                        owner = self.ev.find(made.id, scope)
                        bound = owner.assigns.get(made.id, []) if owner is not None else []
                        made, scope = (bound[0], owner) if len(bound) == 1 and isinstance(bound[0], ast.expr) else (None, scope)
                    out = [k for v, s in (self._entries(made, scope) if made is not None else []) for k in self.class_ref(v, s)]
            if not out and isinstance(expr.func, ast.Attribute) and not isinstance(expr.func.value, ast.Call):
                out = self._returned_by_method(expr.func, scope, depth)  # `config.get_model()`, `cfg = Config(); cfg.get_model()`
        elif isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return list(self.star_callees(expr.id, scope))  # (`from m import *`)
            if _imported_only(owner, expr.id):
                return _imported_class(owner, expr.id)  # an instance of another module
            if expr.id in owner.params:
                ann = owner.annotations.get(expr.id)
                return self.annotation_classes(ann, owner.parent or owner) if ann is not None else self.named_like(expr.id)
            for b in owner.assigns.get(expr.id, []):
                if isinstance(b, ast.expr):
                    out.extend(self.classes_of(b, owner, depth + 1))
                elif isinstance(b, Looped):
                    # `for agent in agents: agent.run(task)` over a list of instances
                    out.extend(self._item_classes(b.iterable, owner, depth + 1))
                elif isinstance(b, Binding) and b.what == "comprehension" and owner.kind == "comprehension":
                    for i, g in enumerate(getattr(owner.node, "generators", ())):
                        if isinstance(g.target, ast.Name) and g.target.id == expr.id:
                            # the first iterable is read in the scope around the comprehension
                            out.extend(self._item_classes(g.iter, (owner.parent or owner) if i == 0 else owner, depth + 1))
                elif isinstance(b, tuple) and len(b) == 2 and b[0] == "with" and isinstance(b[1], ast.Call):
                    # `with Scorer(...) as scorer`: a context manager's `__enter__` returns itself, by convention
                    out.extend(self.classes_of(b[1], owner, depth + 1))
            ann = owner.annotations.get(expr.id)
            if ann is not None:
                out.extend(self.annotation_classes(ann, owner))
        elif isinstance(expr, ast.Attribute):
            base = expr.value
            me = self._self_of(scope)
            if isinstance(base, ast.Name) and me is not None and base.id == me[0]:
                out = self.kept_classes(me[1], expr.attr, depth) or self._property_classes(me[1].name, expr.attr, depth)
            elif isinstance(base, ast.Name):
                owner = self.ev.find(base.id, scope)
                if owner is not None and base.id in owner.imports and base.id not in owner.assigns:
                    out = [Callee(f"{owner.imports[base.id]}.{expr.attr}", False)]
                elif owner is not None:
                    out = self._instance_attribute_classes(base, expr.attr, scope, depth)  # `bot.llm_client`
        elif isinstance(expr, ast.BoolOp):
            for v in expr.values:
                out.extend(self.classes_of(v, scope, depth + 1))
        elif isinstance(expr, ast.IfExp):
            out = self.classes_of(expr.body, scope, depth + 1) + self.classes_of(expr.orelse, scope, depth + 1)
        elif isinstance(expr, ast.Subscript):
            # `model = mapping[key]`, `self.providers[name]` over a dict of instances: any of them
            for v, s in self._entries(expr, scope):
                out.extend(self.classes_of(v, s, depth + 1))
        elif isinstance(expr, ast.Await):
            return []
        unique: List[Callee] = []
        for k in out:
            if k not in unique:
                unique.append(k)
        return unique[:MAX_CLASSES]

    def _entries(self, expr: ast.expr, scope: Scope) -> List[Tuple[ast.expr, Scope]]:
        """The values (and their scope) an entry of a dict written in the file may be:
        `table[key]` or `table.get(key, default)`, the table a name or a `self.` attribute
        bound once to a dict literal."""
        if isinstance(expr, ast.Subscript):
            table = expr.value
            extra: List[ast.expr] = []
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get" and 1 <= len(expr.args) <= 2:
            table = expr.func.value
            extra = list(expr.args[1:])
        else:
            return []
        bound: list = []
        owner: Optional[Scope] = None
        if isinstance(table, ast.Name):
            owner = self.ev.find(table.id, scope)
            bound = owner.assigns.get(table.id, []) if owner is not None else []
        elif isinstance(table, ast.Attribute) and isinstance(table.value, ast.Name):
            me = self._self_of(scope)
            if me is not None and table.value.id == me[0]:
                found = me[1].self_attrs.get(table.attr, [])
                bound = [value for value, _, _ in found]
                owner = found[0][1] if len(found) == 1 else None
        if len(bound) != 1 or not isinstance(bound[0], ast.Dict) or owner is None:
            return []
        values = [(v, owner) for v in bound[0].values[:MAX_CLASSES] if v is not None]
        return values + [(v, scope) for v in extra]

    def _dispatched(self, expr: ast.expr, scope: Scope, depth: int) -> List[Tuple[ast.expr, Scope]]:
        """The entries a dispatch through a dict written in the file may pick: `table[key]`,
        `table.get(key)`, or a field of an entry of a dict of dicts (`table[key]["func"]`)."""
        if depth > 2:
            return []
        if isinstance(expr, ast.Name):  # `row = TABLE[key]` ... `row["func"]`: the entry picked before
            owner = self.ev.find(expr.id, scope)
            bound = owner.assigns.get(expr.id, []) if owner is not None else []
            return self._dispatched(bound[0], owner, depth + 1) if len(bound) == 1 and isinstance(bound[0], (ast.Subscript, ast.Call)) else []
        entries = self._entries(expr, scope)
        if entries or not isinstance(expr, ast.Subscript) or not isinstance(expr.slice, ast.Constant):
            return entries
        out: List[Tuple[ast.expr, Scope]] = []
        for row, s in self._dispatched(expr.value, scope, depth + 1):
            if isinstance(row, ast.Dict):
                out.extend((v, s) for k, v in zip(row.keys, row.values) if isinstance(k, ast.Constant) and k.value == expr.slice.value)
        return out[:MAX_CLASSES]

    def _item_classes(self, iterable: ast.expr, scope: Scope, depth: int) -> List[Callee]:
        """The classes of the items of a collection written in the file: a list, tuple or
        set of instances, a dict's `.values()`, a comprehension's element, or a name bound
        once to one of those."""
        if depth > 6:
            return []
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and iterable.func.attr == "values" and not iterable.args:
            iterable = iterable.func.value
            if isinstance(iterable, ast.Name):
                owner = self.ev.find(iterable.id, scope)
                bound = owner.assigns.get(iterable.id, []) if owner is not None else []
                if len(bound) == 1 and isinstance(bound[0], ast.Dict):
                    return [k for v in bound[0].values[:MAX_CLASSES] for k in self.classes_of(v, owner, depth + 1)][:MAX_CLASSES]
            return []
        if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
            return [k for e in iterable.elts[:MAX_CLASSES] for k in self.classes_of(e, scope, depth + 1)][:MAX_CLASSES]
        if isinstance(iterable, (ast.ListComp, ast.GeneratorExp)):
            inner = self.c.scopes_by_node.get(iterable)
            return self.classes_of(iterable.elt, inner or scope, depth + 1)
        if isinstance(iterable, ast.Name):
            owner = self.ev.find(iterable.id, scope)
            bound = owner.assigns.get(iterable.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                return self._item_classes(bound[0], owner, depth + 1)
        return []

    def _property_classes(self, klass: str, attr: str, depth: int, called: bool = False) -> List[Callee]:
        """`self.llm` where `llm` is a property of the class (a lazy client, often), or, called,
        `self._get_llm()`, a method of it (a lazy getter): the classes of what it returns."""
        d = self.defs.get(f"{klass}.{attr}")
        if d is None or _is_property(d.node) is called:
            return []
        out: List[Callee] = []
        for value in d.returns:
            if isinstance(value, ast.expr):
                out.extend(k for k in self.classes_of(value, d, depth + 1) if k not in out)
        return out[:MAX_CLASSES]

    def named_like(self, param: str) -> List[Callee]:
        """The class an unannotated parameter is named after, by the convention that names an
        instance after its class (`ai_caller` for an `AICaller`, `llm_client` for an
        `LLMClient`): a class of this file, or a wrapper class of another file this file is
        scanned for (`foreign_classes`; link finds it by its name)."""
        if "_" not in param.strip("_"):
            return []  # `client`, `llm`: one word says too little to tell a class by
        key = param.replace("_", "").lower()
        for name in self.klasses:
            if "." not in name and name.replace("_", "").lower() == key:
                return [Callee(name, True)]
        for name in self.foreign_classes:
            if name.replace("_", "").lower() == key:
                return [Callee(name, False)]  # a dotless target: link looks the class up by name
        return []

    foreign_classes: FrozenSet[str] = frozenset()  # other files' wrapper classes and their instance names (phase 2 sets it)

    def _made_by(self, func: ast.Name, scope: Scope, depth: int) -> List[Callee]:
        """The classes a function of this file returns instances of (a factory)."""
        owner = self.ev.find(func.id, scope)
        if owner is None or not self._bound_as(owner, func.id, "def"):
            return []
        d = self.defs.get(self._qualified(owner, func.id))
        if d is None:
            return []
        out: List[Callee] = []
        # The scope collector kept the function's own `return` values, in source order: a walk
        # of the body here, at each ask, was 0.15 s of a heavy cold run.
        for value in d.returns:
            if len(out) >= MAX_CLASSES:
                break
            if isinstance(value, ast.expr):
                out.extend(self.classes_of(value, d, depth + 1))
        return out

    def class_ref(self, expr: ast.expr, scope: Scope) -> List[Callee]:
        """A class named by an expression (a constructor's callee, a base, an annotation)."""
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return list(self.star_callees(expr.id, scope))  # (`from m import *`)
            if _imported_only(owner, expr.id):
                return _imported_class(owner, expr.id)
            if self._bound_as(owner, expr.id, "class"):
                return [Callee(self._qualified(owner, expr.id), True)]
            return []
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            owner = self.ev.find(expr.value.id, scope)
            if owner is not None and expr.value.id in owner.imports and expr.value.id not in owner.assigns:
                return [Callee(f"{owner.imports[expr.value.id]}.{expr.attr}", False)]
        return []

    # --- the file's classes, resolved locally where they can be ---

    def bases(self, klass: str) -> Tuple[Callee, ...]:
        if klass not in self._bases:
            k = self.klasses.get(klass)
            found: List[Callee] = []
            if k is not None:
                for b in k.node.bases:
                    if isinstance(b, ast.Subscript):  # `BasicEvaluation[int]`: a generic base is its class (typing's `Generic[T]` none)
                        found.extend(x for x in self.class_ref(b.value, k.parent or k) if x.local or not x.target.startswith(_TYPING))
                    else:
                        found.extend(self.class_ref(b, k.parent or k))
            self._bases[klass] = tuple(found)
        return self._bases[klass]

    def local_def(self, callee: Callee) -> Optional[Scope]:
        """The def of this file a callee reaches, or None (not of this file, or unknown here)."""
        if not callee.local:
            return None
        if not callee.method:
            if callee.where is not None:
                return next((s for s in self.defs_by_name.get(callee.target, ()) if self.ev.loc(s.node) == callee.where), None)
            return self.defs.get(callee.target)
        order = [callee.target]
        seen: Set[str] = set()
        while order and len(seen) < 8:
            k = order.pop(0)
            if k in seen:
                continue
            seen.add(k)
            if not (callee.bases_only and k == callee.target) and callee.method in self._methods.get(k, ()):
                return self.defs.get(f"{k}.{callee.method}")
            for b in self.bases(k):
                if not b.local:
                    return None  # another file's class may define it: link looks
                order.append(b.target)
        return None

    def mentions(self, callees: Tuple[Callee, ...], names: FrozenSet[str]) -> bool:
        for c in callees:
            if not c.local:
                pieces = c.target.strip(".").split(".")
                if any(p in names for p in pieces[-2:]):
                    return True
            elif c.method and any(not b.local and last(b.target) in names for b in self.ancestry(c.target)):
                return True
        return False

    def ancestry(self, klass: str):
        """The bases of a class and of its ancestors defined here (8 classes at most: a
        hostile file may declare a cycle or a very deep chain)."""
        seen: Set[str] = set()
        order = [klass]
        while order and len(seen) < 8:
            k = order.pop()
            if k in seen:
                continue
            seen.add(k)
            for b in self.bases(k):
                yield b
                if b.local:
                    order.append(b.target)


def _imported_only(owner: Scope, name: str) -> bool:
    return name in owner.imports and name not in owner.assigns


def _imported_class(owner: Scope, name: str) -> List[Callee]:
    """What an imported name may be a class of: another module's `module.Class`, never a bare module."""
    target = owner.imports[name]
    return [Callee(target, False)] if "." in target.strip(".") else []
