"""A class whose `__new__` makes an instance of a subclass picked by an argument, and the
constructions that name that argument.

    class Chatbot:
        @classmethod
        def subclass_for_model(cls, model):
            if model.startswith("claude"):
                from bots.claude import Claude
                return Claude
            ...
            from bots.ollama import Ollama
            return Ollama

        def __new__(cls, model, **kwargs):
            result = object.__new__(cls.subclass_for_model(model))
            ...
            return result

`Chatbot("mistral").chat(...)` runs Ollama's methods: a local server's request, not the
Claude one a reader of `Chatbot` alone would count. `picks` reads the choice on the class
(`ClassInfo.picks`); `constructions` the strings each object a call uses was built with
(`Invocation.made`), and link picks the class when both are known (link_picks.py). Only
this written shape is read: the picking method a chain of `if` tests of its parameter
against written strings (`==`, `startswith`, `in`), each returning a class by name, and a
last `return` for the rest; anything else leaves the class as written (every subclass).
"""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

    from claude_lint.extract.bindings import Scope
    from claude_lint.facts import Callee

MAX_RULES = 16  # tests of one picking method read
MAX_MADE = 8  # the receiver and arguments of one call looked at
MAX_STRING = 200  # a longer string is a prompt, not a name a class is picked by


def picks(finder, klass: Scope) -> tuple:
    """(the parameter of `__new__` the subclass is picked by, its position after `cls`,
    ((how, written string, class), ...), the class for any other value or None), or ()."""
    new = finder.defs.get(f"{klass.name}.__new__")
    if new is None or not isinstance(new.node, ast.FunctionDef):
        return ()
    positional = [a.arg for a in new.node.args.posonlyargs + new.node.args.args][1:]
    made = _returned_instance(finder, new)
    if made is None or len(made.args) != 1 or made.keywords:
        return ()
    chosen = _bound_once(new, made.args[0])
    if not (isinstance(chosen, ast.Call) and isinstance(chosen.func, ast.Attribute) and isinstance(chosen.func.value, ast.Name)
            and chosen.func.value.id in (new.self_name, klass.name.rsplit(".", 1)[-1]) and len(chosen.args) == 1 and not chosen.keywords):
        return ()
    param = chosen.args[0]
    if not (isinstance(param, ast.Name) and param.id in positional and not new.assigns.get(param.id)):
        return ()
    method = finder.defs.get(f"{klass.name}.{chosen.func.attr}")
    read = _rules(finder, method) if method is not None and method.parent is klass else None
    return (param.id, positional.index(param.id), *read) if read is not None else ()


def _returned_instance(finder, new: Scope) -> Optional[ast.Call]:
    """`object.__new__(x)` or `super().__new__(x)`, returned or bound once to the name returned."""
    if len(new.returns) != 1:
        return None
    made = _bound_once(new, new.returns[0])
    if not (isinstance(made, ast.Call) and isinstance(made.func, ast.Attribute) and made.func.attr == "__new__"):
        return None
    base = made.func.value
    if isinstance(base, ast.Name) and base.id == "object" and finder.ev.find("object", new) is None:
        return made
    super_call = isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super" and not base.args
    return made if super_call and finder.ev.find("super", new) is None else None


def _bound_once(scope: Scope, expr: ast.expr) -> object:
    """The expression, or the one value a name of the scope (not a parameter) is bound to."""
    if isinstance(expr, ast.Name) and expr.id not in scope.params:
        bound = scope.assigns.get(expr.id, [])
        return bound[0] if len(bound) == 1 else None
    return expr


def _rules(finder, method: Scope) -> Optional[Tuple[Tuple[Tuple[str, str, Callee], ...], Optional[Callee]]]:
    """The picking method's tests and the class each returns, and the class returned last."""
    node = method.node
    if not isinstance(node, ast.FunctionDef):
        return None
    names = [a.arg for a in node.args.posonlyargs + node.args.args]
    if method.self_name is not None:
        names = names[1:]
    if len(names) != 1 or method.assigns.get(names[0]):
        return None
    rules: List[Tuple[str, str, Callee]] = []
    body: List[ast.stmt] = list(node.body)
    while body:
        stmt = body.pop(0)
        if isinstance(stmt, ast.If):
            tests = _tests(stmt.test, names[0])
            klass = _returned_class(finder, method, stmt.body)
            if tests is None or klass is None or len(rules) + len(tests) > MAX_RULES:
                return None
            rules.extend((how, needle, klass) for how, needle in tests)
            body = list(stmt.orelse) + body  # `elif`, `else`, or what follows a branch that returned
        elif isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Pass)) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        elif isinstance(stmt, ast.Return):
            last = _returned_class(finder, method, [stmt])
            return (tuple(rules), last) if last is not None else None
        else:
            return None
    return None  # no last `return`: some value picks nothing written here


def _tests(test: ast.expr, name: str) -> Optional[List[Tuple[str, str]]]:
    """(how, the written string) of `name == "x"`, `name.startswith("x")` (or a tuple of
    strings), `"x" in name`, and of an `or` of them; None for any other test."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
        found: List[Tuple[str, str]] = []
        for value in test.values:
            part = _tests(value, name)
            if part is None:
                return None
            found.extend(part)
        return found
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right, op = test.left, test.comparators[0], test.ops[0]
        if isinstance(op, ast.Eq):
            if isinstance(right, ast.Name) and right.id == name:
                left, right = right, left
            return [("==", right.value)] if _named(left, name) and _written(right) else None
        if isinstance(op, ast.In) and _written(left) and _named(right, name):
            return [("in", left.value)]  # type: ignore[attr-defined]
        return None
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith"
            and _named(test.func.value, name) and len(test.args) == 1 and not test.keywords):
        arg = test.args[0]
        items = arg.elts if isinstance(arg, ast.Tuple) else [arg]
        return [("starts", i.value) for i in items] if items and all(_written(i) for i in items) else None  # type: ignore[attr-defined]
    return None


def _named(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _written(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Constant) and isinstance(expr.value, str)


def _returned_class(finder, method: Scope, block: List[ast.stmt]) -> Optional[Callee]:
    """The one class a branch returns by name (imports before the `return` allowed)."""
    for stmt in block:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(stmt, ast.Return) and isinstance(stmt.value, (ast.Name, ast.Attribute)):
            found = finder.class_ref(stmt.value, method)
            return found[0] if len(found) == 1 else None
        return None
    return None


def constructions(finder, node: ast.Call, scope: Scope) -> tuple:
    """(argument: "" for the receiver, "0", "1" or a keyword; the class; the strings it was
    built with, by its own arguments "0", "1" or keywords) for each object the call uses that
    is a construction of a class with a written string among its arguments, made there or
    bound once to a name. Only for what `picks` may use: a call with no string names none."""
    func = node.func
    used: List[Tuple[str, ast.expr]] = [("", func.value)] if isinstance(func, ast.Attribute) else []
    for i, arg in enumerate(node.args):
        if isinstance(arg, ast.Starred):
            break
        used.append((str(i), arg))
    used.extend((k.arg, k.value) for k in node.keywords if k.arg is not None)
    out = []
    for key, expr in used[:MAX_MADE]:
        made, where = expr, scope
        if isinstance(expr, ast.Name):
            owner = finder.ev.find(expr.id, scope)
            bound = owner.assigns.get(expr.id, []) if owner is not None and expr.id not in owner.params else []
            made, where = (bound[0], owner) if len(bound) == 1 else (None, scope)
        if not isinstance(made, ast.Call):
            continue
        strings = tuple((str(i), a.value) for i, a in enumerate(made.args) if _short(a)) + tuple(
            (k.arg, k.value.value) for k in made.keywords if k.arg is not None and _short(k.value))  # type: ignore[attr-defined]
        if not strings:
            continue
        classes = finder.class_ref(made.func, where)
        if len(classes) == 1:
            out.append((key, classes[0], strings))
    return tuple(out)


def _short(expr: ast.expr) -> bool:
    return _written(expr) and len(expr.value) <= MAX_STRING  # type: ignore[attr-defined]


def receiver_param(node: ast.Call, d: Optional[Scope]) -> Optional[str]:
    """The parameter of the enclosing function a method is called on (`bot.confidence()`),
    never rebound there."""
    func = node.func
    if d is None or not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    name = func.value.id
    return name if name in d.params and name != d.self_name and not d.assigns.get(name) else None
