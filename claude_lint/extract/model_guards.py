"""A key of a request's dict set in place for some models only (`if "opus-4-7" not in model:
kwargs["temperature"] = t`), and the Transforms `link` settles once a call's values are bound
(that one, and a list spread into another). Split from moves.py, which applies the edits."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

    from claude_lint.facts import Loc

from claude_lint.extract.scopes import Scope
from claude_lint.extract.value_text import ITEMS_OP
from claude_lint.facts import Mapping, OneOf, Param, Text, Transform, Unknown

MAX_GUARDED = 256  # item assignments under an `if` indexed per function


GUARD_OP = "unless-model:"  # a Transform's op: GUARD_OP + how ("in", "starts", "not in", "not starts") + ":" + the text


def guarded(ev, target: ast.expr, request: Mapping, value: object, scope: Scope, depth: int) -> object:
    """`if "opus-4-7" not in model: kwargs["temperature"] = t` (or `if not model.startswith(...)`),
    where the dict's own "model" is `model`: the key is set for some models only, which link
    decides once the model is bound. Any other condition leaves the set counted as made."""
    test, negated = _guards(ev, scope).get(id(target), (None, False))
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negated = test.operand, not negated
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.In, ast.NotIn))
            and isinstance(test.left, ast.Constant) and isinstance(test.comparators[0], ast.Name)):
        how, needle, name = "in", test.left.value, test.comparators[0]
        negated = negated != isinstance(test.ops[0], ast.NotIn)
    elif (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "startswith" and isinstance(test.func.value, ast.Name)
            and len(test.args) == 1 and not test.keywords and isinstance(test.args[0], ast.Constant)):
        how, needle, name = "starts", test.args[0].value, test.func.value
    else:
        return value
    model = ev.value(name, scope, depth + 1)
    sent = request.get("model")
    if not isinstance(needle, str) or not (model == sent or isinstance(model, Param) and isinstance(sent, Param) and (model.function, model.name) == (sent.function, sent.name)):
        return value
    return Transform(f"{GUARD_OP}{'not ' if negated else ''}{how}:{needle}", value, getattr(value, "loc", None), (("model", model),))


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
    if value.op.startswith(SPLIT_OP):
        return split_piece(value.op, inner, value.loc)
    if not value.op.startswith(GUARD_OP):
        return None
    how, _, needle = value.op[len(GUARD_OP):].partition(":")
    model = resolve(dict(value.fields).get("model"))
    if not (isinstance(model, Text) and model.is_folded and not model.dynamic_parts):
        return inner  # the model is not known: the set counts as made
    holds = satisfied(how.removeprefix("not "), needle, model.literal)
    return inner if holds != how.startswith("not ") else Unknown(f"not sent to {model.literal}", value.loc)


def satisfied(how: str, needle: str, value: str) -> bool:
    """Does a model pass a test of it written in the code: `==`, `starts` (`startswith`) or
    `in` (the written text in it)? (Here, and for a class picked by its model: new_dispatch.picks.)"""
    return value == needle if how == "==" else value.startswith(needle) if how == "starts" else needle in value


# `provider, model = name.split("/", maxsplit=1)` (the LangGraph templates' `load_chat_model`): one
# piece of a text split into a written number of pieces, settled once the text is known
SPLIT_OP = "split:"


def split_op(index: int, count: int, separator: str) -> str:
    return f"{SPLIT_OP}{index}:{count}:{separator}"


def split_piece(op: str, whole: object, loc: Optional[Loc]) -> object:
    """The piece `op` names of a written text (of each written option of a run-time one);
    unknown when the text does not split into exactly that many pieces."""
    index, count, separator = op[len(SPLIT_OP):].split(":", 2)
    if isinstance(whole, OneOf):
        return replace(whole, options=tuple(split_piece(op, o, loc) for o in whole.options[:MAX_GUARDED]))
    if not (isinstance(whole, Text) and whole.is_folded and not whole.dynamic_parts):
        return Unknown("a piece of an unknown text", loc)
    pieces = whole.literal.split(separator, int(count) - 1)
    return Text((pieces[int(index)],), whole.loc) if len(pieces) == int(count) else Unknown("a piece of a text split otherwise", loc)
