"""A test that replaces an SDK's client, or the SDK's request function, with a mock before it
calls the project's code: `@patch("app.llm.anthropic.Anthropic")` on the test (or on its
`TestCase` class), `with mock.patch("openai.OpenAI") as fake:` around the call,
`@patch.object(anthropic, "Anthropic")`, `@patch("litellm.completion")`. Whatever the test then
calls makes no billed request: its calls of the project's wrappers are no sites (the corpus's
labels: a test that mocks the model makes no request). A test patching something else (a
database, the project's own helper) is read as any other code."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.extract.chains import called_name

MAX_UP = 4  # scopes climbed from the call to the test and its class


def patched_sdk(finder, record) -> bool:
    """Is the call written in a function (or under a `with`) that patches an SDK's client or
    request function?"""
    if "patch" not in finder.text:
        return False
    scope = record.scope
    for _ in range(MAX_UP):
        if scope is None or scope.kind == "module":
            return False
        node = scope.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if any(_patches_sdk(d) for d in node.decorator_list):
                return True
            if not isinstance(node, ast.ClassDef) and _under_patch(node, record.node):
                return True
        scope = scope.parent
    return False


def _under_patch(function: ast.AST, call: ast.Call) -> bool:
    """Is `call` inside a `with patch(...)` block of `function` that patches an SDK?"""
    for node in ast.walk(function):
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(_patches_sdk(item.context_expr) for item in node.items):
            first, last = node.body[0], node.body[-1]
            if (first.lineno, first.col_offset) <= (call.lineno, call.col_offset) and call.lineno <= (last.end_lineno or last.lineno):
                return True
    return False


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
    if not target:
        return False
    words = target.split(".")
    return words[-1] in _client_names() or words[0] in _sdk_roots()


def _text(expr: Optional[ast.expr]) -> Optional[str]:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


_NAMES: list = []


def _client_names() -> frozenset:
    """The last names of the SDKs' client classes (`Anthropic`, `AsyncOpenAI`, ...), not a plain
    HTTP client's (`Client`, `Session`: a test patches those for other reasons)."""
    if not _NAMES:
        from claude_lint.extract import sdk

        _NAMES.append(frozenset(q.rsplit(".", 1)[-1] for q, provider in sdk.CLIENT_CLASSES.items() if provider != "http" and not q.endswith((".Client", ".AsyncClient"))))
        _NAMES.append(frozenset(m.split(".")[0] for m in sdk.SDK_MODULES) - {"requests", "httpx", "aiohttp"})
    return _NAMES[0]


def _sdk_roots() -> frozenset:
    _client_names()
    return _NAMES[1]
