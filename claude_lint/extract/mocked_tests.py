"""A test that replaces an SDK's client, or the SDK's request function, with a mock before it
calls the project's code: `@patch("app.llm.anthropic.Anthropic")` on the test (or on its
`TestCase` class), `with mock.patch("openai.OpenAI") as fake:` around the call,
`@patch.object(anthropic, "Anthropic")`, `@patch("litellm.completion")`. Whatever the test then
calls makes no billed request: its calls of the project's wrappers are no sites (the corpus's
labels: a test that mocks the model makes no request). A test patching something else (a
database, the project's own helper) is read as any other code."""
from __future__ import annotations

import ast
import re
from functools import lru_cache
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.extract.chains import called_name
from claude_lint.extract.wrapper_shapes import sdk_roots

MAX_UP = 4  # scopes climbed from the call to the test and its class


def patched_sdk(finder, record) -> bool:
    """Is the call written in a function (or under a `with`) that patches an SDK's client or
    request function?"""
    known = finder.__dict__.get("_patching")  # function or class node -> (decorated, the `with` blocks' spans)
    if known is None:  # (the file's text searched once, not per call: asked of every call, every round)
        known = finder.__dict__["_patching"] = {} if "patch" in finder.text and any(_sdk_target(m.group(1)) for m in _PATCH_TARGET.finditer(finder.text)) else False
    if known is False:
        return False
    call, scope = record.node, record.scope
    for _ in range(MAX_UP):
        if scope is None or scope.kind == "module":
            return False
        node = scope.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found = known.get(id(node))
            if found is None:
                found = known[id(node)] = _patching(node)
            decorated, spans = found
            if decorated or any(start <= (call.lineno, call.col_offset) and call.lineno <= end for start, end in spans):
                return True
        scope = scope.parent
    return False


def _patching(node: ast.AST) -> tuple:
    """(whether a decorator patches an SDK, the spans of the `with` blocks in a function that do)."""
    decorated = any(_patches_sdk(d) for d in node.decorator_list)  # type: ignore[attr-defined]
    spans = []
    if not decorated and not isinstance(node, ast.ClassDef):
        for inner in ast.walk(node):
            if isinstance(inner, (ast.With, ast.AsyncWith)) and any(_patches_sdk(item.context_expr) for item in inner.items):
                first, last = inner.body[0], inner.body[-1]
                spans.append(((first.lineno, first.col_offset), last.end_lineno or last.lineno))
    return decorated, spans


# What a `patch(...)` or `patch.object(obj, ...)` in the text names: a file naming no SDK target is not read further.
_PATCH_TARGET = re.compile(r"""patch(?:\.object)?\(\s*(?:[\w.]+\s*,\s*)?(?:target\s*=\s*)?["']([\w.]+)["']""")


def _patches_sdk(expr: ast.expr) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    if isinstance(func, ast.Attribute) and func.attr == "object" and called_name(func.value) == "patch":
        target = _text(expr.args[1]) if len(expr.args) > 1 else None  # `patch.object(anthropic, "Anthropic")`
        return target is not None and target in _client_names()
    if called_name(func) != "patch":
        return False
    target = _text(expr.args[0]) if expr.args else _text(next((k.value for k in expr.keywords if k.arg == "target"), None))
    return bool(target) and _sdk_target(target)  # type: ignore[arg-type]


def _text(expr: Optional[ast.expr]) -> Optional[str]:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


@lru_cache(maxsize=None)
def _client_names() -> frozenset:
    """The last names of the SDKs' client classes (`Anthropic`, `AsyncOpenAI`, ...), not a plain
    HTTP client's (`Client`, `Session`: a test patches those for other reasons)."""
    from claude_lint.extract import sdk

    return frozenset(q.rsplit(".", 1)[-1] for q, provider in sdk.CLIENT_CLASSES.items() if provider != "http" and not q.endswith((".Client", ".AsyncClient")))


def _sdk_target(target: str) -> bool:
    """A patch target naming an SDK's client class or anything of an SDK's module but a plain HTTP library's."""
    words = target.split(".")
    return words[-1] in _client_names() or words[0] in sdk_roots() and words[0] not in _HTTP_LIBRARIES


_HTTP_LIBRARIES = frozenset({"requests", "httpx", "aiohttp"})
