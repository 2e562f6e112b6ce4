"""A key of a request's dict set in place for some models only (`if "opus-4-7" not in model:
kwargs["temperature"] = t`), and the Transforms `link` settles once a call's values are bound
(that one, and a list spread into another). Split from moves.py, which applies the edits."""
from __future__ import annotations

import ast
from typing import Dict, Optional, Tuple

from claude_lint.extract.scopes import Scope
from claude_lint.extract.value_text import ITEMS_OP
from claude_lint.facts import Mapping, Param, Text, Transform, Unknown

MAX_GUARDED = 256  # item assignments under an `if` indexed per function


GUARD_OP = "unless-model:"  # a Transform's op: GUARD_OP + "in"/"not in" + ":" + the text the model is tested for


def guarded(ev, target: ast.expr, request: Mapping, value: object, scope: Scope, depth: int) -> object:
    """`if "opus-4-7" not in model: kwargs["temperature"] = t`, where the dict's own "model"
    is `model`: the key is set for some models only, which link decides once the model is
    bound. Any other condition leaves the set counted as made."""
    test, negated = _guards(ev, scope).get(id(target), (None, False))
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn))
            and isinstance(test.left, ast.Constant) and isinstance(test.left.value, str) and isinstance(test.comparators[0], ast.Name)):
        return value
    model = ev.value(test.comparators[0], scope, depth + 1)
    sent = request.get("model")
    if not (model == sent or isinstance(model, Param) and isinstance(sent, Param) and (model.function, model.name) == (sent.function, sent.name)):
        return value
    sent_when = "in" if isinstance(test.ops[0], ast.In) != negated else "not in"
    return Transform(f"{GUARD_OP}{sent_when}:{test.left.value}", value, getattr(value, "loc", None), (("model", model),))


def _guards(ev, scope: Scope) -> Dict[int, Tuple[ast.expr, bool]]:
    """Each item assignment of the function written as the body of an `if` (or its `else`): its
    condition, indexed once per function."""
    index = ev.__dict__.setdefault("_set_guards", {})
    if id(scope) not in index:
        found: Dict[int, Tuple[ast.expr, bool]] = {}
        todo = list(getattr(scope.node, "body", ()))
        while todo and len(found) < MAX_GUARDED:
            stmt = todo.pop()
            if isinstance(stmt, ast.If):
                for branch, negated in ((stmt.body, False), (stmt.orelse, True)):
                    for inner in branch:
                        if isinstance(inner, ast.Assign) and isinstance(inner.targets[0], ast.Subscript):
                            found[id(inner.targets[0])] = (stmt.test, negated)
                todo.extend(stmt.body + stmt.orelse)
            elif isinstance(stmt, (ast.For, ast.While, ast.With, ast.Try)):
                todo.extend(getattr(stmt, "body", []) + getattr(stmt, "orelse", []))
        index[id(scope)] = found
    return index[id(scope)]


def settled(value: Transform, inner: object, resolve) -> Optional[object]:
    """A value `link` settles once the call's values are bound: a list spread into another (one
    run-time item), a key set only for some models (sent to the model resolved, or not at all).
    None for any other Transform."""
    if value.op == ITEMS_OP:
        return Unknown("starred", value.loc)
    if not value.op.startswith(GUARD_OP):
        return None
    sent_when, _, needle = value.op[len(GUARD_OP):].partition(":")
    model = resolve(dict(value.fields).get("model"))
    if not (isinstance(model, Text) and model.is_folded and not model.dynamic_parts):
        return inner  # the model is not known: the set counts as made
    return inner if (needle in model.literal) == (sent_when == "in") else Unknown(f"not sent to {model.literal}", value.loc)
