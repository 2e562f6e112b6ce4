"""The pre-filter's judgement of one raw POST (see prefilter.py, `_posts_may_call`):
`_may_post`, on the `post(...)` call parsed alone, says whether extract/http.py could
take it for an LLM request. `keys` answers from the file's bytes (prefilter_scope.ByteKeys):
which dict keys the file writes, whether a name is a parameter of the function around
the call, and which keys that function may give a body passed by name.

There is no step on the whole tree before the extractor's walk: such a test let nearly
every file the byte test passed through, so it cost more than the walks it saved; the
extractor's own walk, which stops at nothing, answers exactly (`python.extract`)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Tuple

from claude_lint.extract import sdk
from claude_lint.extract.prefilter_table import _passes_through


def _dict_keys(node: ast.Dict):
    return [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def _may_post(call: ast.Call, body_keywords: Tuple[str, ...], keys) -> bool:
    """Could extract/http.py take this POST for an LLM request? A JSON body keyword, then
    an LLM endpoint at the end of a URL it writes, or, when the URL's end is not written,
    a body that may hold a chat request's keys."""
    body = next((k.value for k in call.keywords if k.arg in body_keywords), None)
    if body is None:
        return False  # extract/http.py reads only a body passed by name
    if _passes_through(call, lambda name: keys.is_param(name, call), getattr(keys, "data", None)):
        return True  # a helper POSTing its caller's URL and body
    url = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else next((k.value for k in call.keywords if k.arg == "url"), None)
    tail = _url_tail(url)
    if tail is not None and tail.strip("\0"):
        if _endpoint_path(tail.replace("\0", "")):
            return True
        path = tail.split("?", 1)[0].rstrip("/")
        if "\0" not in path[path.rfind("/") + 1:]:
            # the URL's end is written, and is no endpoint: only a chat request written out
            # whole (http._written_chat, a proxy's) makes it one
            return all(k in keys for k in _WRITTEN_CHAT_KEYS) and _may_prove(body, _WRITTEN_CHAT_KEYS[:2], call, keys, 0)
    elif keys.endpoints and _may_hold_text(url, call, keys):
        # a URL held by a name, attribute or helper (`f"{BASE}{model}"` writes nothing of it):
        # it may be an endpoint the file writes
        return True
    return _may_prove(body, tuple(getattr(sdk, "HTTP_BODY_PROOF", ())), call, keys, 0)


_WRITTEN_CHAT_KEYS = ("model", "messages", "role", "content")


def _may_prove(body: ast.expr, proof: Tuple[str, ...], call: ast.Call, keys, depth: int) -> bool:
    """Could this body expression be, to the extractor, a dict holding every key of `proof`?"""
    if not proof:
        return True
    if depth > 4:
        return all(k in keys for k in proof)
    if isinstance(body, ast.Dict):
        written = set(_dict_keys(body))
        rest = tuple(k for k in proof if k not in written)
        return not rest or any(_may_prove(v, rest, call, keys, depth + 1) for k, v in zip(body.keys, body.values) if k is None)
    if isinstance(body, ast.Name):
        held = keys.bound_keys(body.id, call)  # what the function around the call may put in it
        if held is not None:
            return all(k in held for k in proof)
        return keys.of(body.id, proof, call)
    if isinstance(body, ast.Call):
        func = body.func
        if len(body.args) == 1 and not body.keywords and isinstance(func, (ast.Name, ast.Attribute)) and _last(func) in ("dumps", "dict"):
            return _may_prove(body.args[0], proof, call, keys, depth + 1)  # json.dumps(payload), dict(payload)
        if _may_build_dict(func):
            return all(k in keys for k in proof)  # a dict built by a helper of the file, or dict(...)
        return False  # another object's method: not a value the extractor follows
    if _is_self_attribute(body):
        return all(k in keys for k in proof)
    return False  # an attribute or item of another object, a parameter's field


def _may_build_dict(func: ast.expr) -> bool:
    """Could a call of this be, to the extractor, a dict: a function or class of the file
    (or `dict`), a method of `self`, `json.dumps`, a typed request class?"""
    if isinstance(func, ast.Name) or _is_self_attribute(func):
        return True
    return isinstance(func, ast.Attribute) and (func.attr == "dumps" or func.attr[:1].isupper())


def _last(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_self_attribute(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _may_hold_text(url, call: ast.Call, keys) -> bool:
    """Could the extractor fold this URL expression to a text the file writes? A name that
    is no parameter of the function around the call, `self.x` or `Module.NAME`, a helper
    of the file; not a parameter, a nested attribute, an item, another object's method."""
    if isinstance(url, ast.Name):
        return not keys.is_param(url.id, call)
    if isinstance(url, ast.Attribute):
        return isinstance(url.value, ast.Name)
    if isinstance(url, ast.Call):
        return isinstance(url.func, ast.Name) or _is_self_attribute(url.func)
    return isinstance(url, (ast.JoinedStr, ast.BinOp))


def _url_tail(url) -> "str | None":
    """The written end of a URL expression (run-time parts as NUL): a literal, an
    f-string, or `base + "/path"`; None when its end is not written."""
    if isinstance(url, ast.Constant) and isinstance(url.value, str):
        return url.value
    if isinstance(url, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "\0" for v in url.values)
    if isinstance(url, ast.BinOp) and isinstance(url.op, ast.Add):
        right = _url_tail(url.right)
        return None if right is None else "\0" + right
    return None


def _endpoint_path(url: str) -> bool:
    path = url.split("?", 1)[0].rstrip("/")
    return any(pattern.search(path) for pattern, *_ in getattr(sdk, "HTTP_ENDPOINTS", ()))
