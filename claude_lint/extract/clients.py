"""Facts about the client object a call goes through: how it was built, what a JSON body holds.

Split from python.py: these follow a receiver back to its construction (a constructor,
a `with_options(...)`, a `boto3` factory) the way `_Extraction.client_provider` does.
"""
from __future__ import annotations

from typing import List, Optional

import libcst as cst

from claude_lint.extract import sdk
from claude_lint.extract.scopes import Scope
from claude_lint.extract.values import Evaluator


def decoded(ev: Evaluator, expr: cst.BaseExpression, scope: Scope, depth: int = 0) -> object:
    """The value of an argument, seen through `json.dumps(...)` (a JSON body is the same data)."""
    if isinstance(expr, cst.Name) and depth < 4:
        owner = ev.find(expr.value, scope)
        bound = owner.assigns.get(expr.value, []) if owner is not None else []
        if len(bound) == 1 and isinstance(bound[0], cst.Call):
            return decoded(ev, bound[0], owner, depth + 1)
    if isinstance(expr, cst.Call) and ev.qualname(expr.func, scope) == "json.dumps" and expr.args and expr.args[0].keyword is None:
        return ev.value(expr.args[0].value, scope)
    return ev.value(expr, scope)


def client_timeout(ev: Evaluator, receiver, client_chain: List[str], scope: Scope, options, depth: int = 0) -> Optional[bool]:
    """Was the client built (or re-optioned) with a timeout? None when its construction is not seen."""
    for call in options or ():
        if any(a.keyword is not None and a.keyword.value == "timeout" for a in call.args):
            return True
    if depth > 8:
        return None
    if client_chain:
        klass = scope.klass
        if len(client_chain) != 1 or klass is None or not (isinstance(receiver, cst.Name) and receiver.value == scope.self_name):
            return None
        assigned = klass.self_attrs.get(client_chain[0], [])
        if len(assigned) != 1:
            return None
        value, method, _ = assigned[0]
        return client_timeout(ev, value, [], method, (), depth + 1)
    expr = receiver
    if isinstance(expr, cst.Call):
        if any(a.star for a in expr.args):
            return None
        has = any(a.keyword is not None and a.keyword.value == "timeout" for a in expr.args)
        if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "with_options":
            return True if has else client_timeout(ev, expr.func.value, [], scope, (), depth + 1)
        return has if sdk.CLIENT_CLASSES.get(ev.qualname(expr.func, scope) or "") else None
    if isinstance(expr, cst.Name):
        owner = ev.find(expr.value, scope)
        if owner is None or expr.value in owner.params:
            return None
        bound = owner.assigns.get(expr.value, [])
        return client_timeout(ev, bound[0], [], owner, (), depth + 1) if len(bound) == 1 else None
    if isinstance(expr, cst.Attribute):
        return client_timeout(ev, expr.value, [expr.attr.value], scope, (), depth + 1)
    return None


def factory_qualname(ev: Evaluator, func: cst.BaseExpression, scope: Scope) -> str:
    """`session.client` where `session = boto3.Session()` -> "boto3.Session.client"."""
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        owner = ev.find(func.value.value, scope)
        bound = owner.assigns.get(func.value.value, []) if owner is not None else []
        if len(bound) == 1 and isinstance(bound[0], cst.Call):
            base = ev.qualname(bound[0].func, owner)
            if base:
                return f"{base}.{func.attr.value}"
    return ""


def service_name(call: cst.Call) -> Optional[str]:
    """The service a factory call names: `boto3.client("bedrock-runtime")`."""
    for i, arg in enumerate(call.args):
        if (arg.keyword is None and i == 0 and not arg.star) or (arg.keyword is not None and arg.keyword.value == "service_name"):
            if isinstance(arg.value, cst.SimpleString):
                try:
                    return arg.value.evaluated_value
                except Exception:  # malformed escapes: not a service name
                    return None
    return None
