"""Facts about the client object a call goes through: how it was built, what a JSON body holds.

Split from python.py: these follow a receiver back to its construction (a constructor,
a `with_options(...)`, a `boto3` factory) the way `_Extraction.client_provider` does.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional

import ast

from claude_lint.extract import kept_values, moves, sdk
from claude_lint.extract.scopes import Scope, positional
from claude_lint.extract.values import Evaluator
from claude_lint.facts import Mapping
from claude_lint.extract.walk import child_nodes
from claude_lint.patterns import lazy


def decoded(ev: Evaluator, expr: ast.expr, scope: Scope, depth: int = 0) -> object:
    """The value of an argument, seen through `json.dumps(...)` (a JSON body is the same data)."""
    if isinstance(expr, ast.Name) and depth < 4:
        owner = ev.find(expr.id, scope)
        bound = owner.assigns.get(expr.id, []) if owner is not None else []
        if len(bound) == 1 and isinstance(bound[0], ast.Call):
            return decoded(ev, bound[0], owner, depth + 1)
    if isinstance(expr, ast.Call) and ev.qualname(expr.func, scope) == "json.dumps" and positional(expr):
        return ev.value(positional(expr)[0], scope)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "encode" and depth < 4:
        return decoded(ev, expr.func.value, scope, depth + 1)  # `json.dumps(body).encode()`: urllib sends bytes
    return ev.value(expr, scope)


# The SDK takes its timeout from a custom `http_client` whose own timeout is not httpx's
# default (`httpx.Client(timeout=600)`), so a client given one may well have set it.
TIMEOUT_KEYWORDS = ("timeout", "http_client")


def client_timeout(ev: Evaluator, receiver, client_chain: List[str], scope: Scope, options, depth: int = 0) -> Optional[bool]:
    """Was the client built (or re-optioned) with a timeout? None when its construction is not seen.
    A client bound in several places (`self.client` set in both branches of `__init__`) has
    none when one of them builds it without and each other one is seen: that path sends with
    the SDK's default."""
    for call in options or ():
        if any(k.arg in TIMEOUT_KEYWORDS for k in call.keywords):
            return True
    if depth > 8:
        return None
    if client_chain:
        klass = scope.klass
        if len(client_chain) != 1 or klass is None or not (isinstance(receiver, ast.Name) and receiver.id == scope.self_name):
            return None
        assigned = klass.self_attrs.get(client_chain[0], [])
        if any(_reoptions(value, client_chain[0], method) for value, method, _ in assigned):
            return None  # `self.client = self.client.with_options(...)`: which runs last is a matter of order
        return _every(ev, [(value, method) for value, method, _ in assigned], depth)
    expr = receiver
    if isinstance(expr, ast.Call):
        if any(isinstance(a, ast.Starred) for a in expr.args):
            return None
        has = any(k.arg in TIMEOUT_KEYWORDS for k in expr.keywords) or _spread_timeout(ev, expr, scope)
        if isinstance(expr.func, ast.Attribute) and expr.func.attr == "with_options":
            return True if has else client_timeout(ev, expr.func.value, [], scope, (), depth + 1)
        qual = ev.qualname(expr.func, scope) or ""
        if sdk.CLIENT_CLASSES.get(qual):
            return has
        made = moves.function_scope(ev, expr.func, scope) if not qual and not expr.args and not expr.keywords else None
        # a factory of this file taking no arguments: `def make_client(): return Anthropic()`
        return _every(ev, [(r, made) for r in made.returns], depth) if made is not None else None
    if isinstance(expr, ast.Name):
        owner = ev.find(expr.id, scope)
        if owner is None:
            return None
        bound = owner.assigns.get(expr.id, [])
        if expr.id in owner.params:
            return None if bound else _passed_timeout(ev, expr.id, owner, depth)
        return _every(ev, [(b, owner) for b in bound], depth)
    if isinstance(expr, ast.Attribute):
        return client_timeout(ev, expr.value, [expr.attr], scope, (), depth + 1)
    return None


MAX_BOUND = 4  # places one client is bound in, followed


def _every(ev: Evaluator, bound, depth: int, each: bool = False) -> Optional[bool]:
    """True when every place builds it with a timeout, False when each is seen and one builds
    it without (each: when every one does, as for the calls handing it over: one that
    passes a timeout is a caller the request is made for as it should be)."""
    # `self.client = None` until first use: no client, and a request through it fails before sending.
    bound = [(b, at) for b, at in bound if not (isinstance(b, ast.Constant) and b.value is None)]
    if not bound or len(bound) > MAX_BOUND:
        return None
    found = {client_timeout(ev, b, [], at, (), depth + 1) if isinstance(b, ast.expr) else None for b, at in bound}
    if None in found or each and len(found) > 1:
        return None
    return found == {True}


def _reoptions(value: object, attr: str, method: Scope) -> bool:
    return isinstance(value, ast.Call) and any(
        isinstance(n, ast.Attribute) and n.attr == attr and isinstance(n.value, ast.Name) and n.value.id == method.self_name for n in ast.walk(value.func))


def _spread_timeout(ev: Evaluator, call: ast.Call, scope: Scope) -> Optional[bool]:
    """Does a `**spread` of the constructor pass a timeout? None when a spread's keys are not all known."""
    found: Optional[bool] = False
    for k in call.keywords:
        if k.arg is not None:
            continue
        spread = ev.value(k.value, scope)
        if not isinstance(spread, Mapping):
            return None
        if any(key in TIMEOUT_KEYWORDS for key in spread.keys()):
            return True
        if spread.open or None in (key for key, _ in spread.entries):
            found = None
    return found


def _passed_timeout(ev: Evaluator, param: str, d: Scope, depth: int) -> Optional[bool]:
    """A client its function is handed: what every call of it in this file passes, for a
    function of the module's own (its name starts with `_`: no other module calls it)."""
    node = d.node
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith("_") or d.klass is not None:
        return None
    plain = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    index = plain.index(param) if param in plain else None
    passed = []
    for record in kept_values._calls_of(ev).get(node.name, ())[:MAX_BOUND + 1]:
        if ev.find(node.name, record.scope) is not d.parent:
            continue
        call = record.node
        arg = next((k.value for k in call.keywords if k.arg == param), None)
        if arg is None and index is not None and index < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args[:index + 1]):
            arg = call.args[index]
        passed.append((arg, record.scope))
    return _every(ev, passed, depth, each=True)


def factory_qualname(ev: Evaluator, func: ast.expr, scope: Scope) -> str:
    """`session.client` where `session = boto3.Session()` -> "boto3.Session.client"; so is
    `boto3.Session(profile_name=p).client`, the session made inline."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
        base = ev.qualname(func.value.func, scope)
        return f"{base}.{func.attr}" if base else ""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        owner = ev.find(func.value.id, scope)
        bound = owner.assigns.get(func.value.id, []) if owner is not None else []
        if len(bound) == 1 and isinstance(bound[0], ast.Call):
            base = ev.qualname(bound[0].func, owner)
            if base:
                return f"{base}.{func.attr}"
    return ""


def service_name(call: ast.Call) -> Optional[str]:
    """The service a factory call names: `boto3.client("bedrock-runtime")`."""
    first = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else None
    for value in [first] + [k.value for k in call.keywords if k.arg == "service_name"]:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


# --- local servers ----------------------------------------------------------------------

# Keywords of a client constructor (or a LangChain model) that name the server it talks to.
ENDPOINT_KEYWORDS = ("base_url", "api_base", "openai_api_base", "azure_endpoint", "endpoint", "host", "ollama_base_url", "endpoint_url")


# A model named with a local server's provider prefix (LiteLLM's `ollama/llama3`,
# init_chat_model's `ollama:llama3`): the request goes to that server (localhost by default).
LOCAL_MODEL = lazy(r"(?i)^(?:ollama(?:_chat)?|lm_studio|llamafile|hosted_vllm|vllm)[/:]")


# Factories whose model string names the provider first: instructor's unified client
# (`instructor.from_provider("google/gemini-2.5-flash")`) talks to that provider's API, not OpenAI's.
PROVIDER_STRING_FACTORIES = frozenset({"instructor.from_provider"})
# Its provider names -> the provider whose API (and bill) the client's requests go to. A name not
# here (groq, together, openrouter, xai...) is an OpenAI-compatible API.
PROVIDER_STRING_PROVIDERS = {"openai": "openai", "azure_openai": "openai", "anthropic": "anthropic", "google": "google",
                             "generative-ai": "google", "vertexai": "google", "ollama": "ollama", "bedrock": "bedrock",
                             "mistral": "mistral", "cohere": "cohere", "litellm": "litellm"}


def model_route(ev: Evaluator, call: ast.Call, scope: Scope) -> Optional[str]:
    """The provider route a call's written model starts with (`groq` of `"groq/llama3-70b-8192"`), lowercased."""
    models = [k.value for k in call.keywords if k.arg in ("model", "model_name", "model_id")] + positional(call)[:1]
    for m in models:
        value = ev.value(m, scope)
        head = value.parts[0] if hasattr(value, "parts") and value.parts else None
        if isinstance(head, str) and "/" in head:
            return head.split("/", 1)[0].lower()
    return None


def string_provider(ev: Evaluator, call: ast.Call, scope: Scope) -> Optional[str]:
    """The provider of a client made from a provider string; None when the string is not seen."""
    route = model_route(ev, call, scope)
    return None if route is None else PROVIDER_STRING_PROVIDERS.get(route, "openai")


def local_endpoint(ev: Evaluator, call: ast.Call, scope: Scope) -> bool:
    """Does this call point its client at a server on the user's machine (or name a model
    served there)?"""
    models = [k.value for k in call.keywords if k.arg in ("model", "model_name", "model_id")] + positional(call)[:1]
    for m in models:
        value = ev.value(m, scope)
        head = value.parts[0] if hasattr(value, "parts") and value.parts else None
        if isinstance(head, str) and LOCAL_MODEL.match(head):
            return True
    exprs = [k.value for k in call.keywords if k.arg in ENDPOINT_KEYWORDS]
    if sdk.CLIENT_CLASSES.get(ev.qualname(call.func, scope) or "") in sdk.LOCAL_PROVIDERS and positional(call):
        exprs.append(positional(call)[0])  # ollama.Client("http://...")
    return any(sdk.local_evidence(endpoint_texts(ev, e, scope)) for e in exprs)


def endpoint_texts(ev: Evaluator, expr: ast.expr, scope: Scope, depth: int = 0) -> List[str]:
    """What is seen of an endpoint expression: its value when it folds to text (run-time
    parts as NUL), else its source, and the source of what its names are bound to (a
    config key or an environment variable's name and default say which server it is)."""
    out: List[str] = []
    value = ev.value(expr, scope)
    if hasattr(value, "parts"):
        out.append("".join(p if isinstance(p, str) else "\0" for p in value.parts))
    out.append(ev.code_for(expr))
    if depth < 2:
        for node in _names_in(expr):
            for bound, owner in _bindings(ev, node, scope):
                out.extend(endpoint_texts(ev, bound, owner, depth + 1))
    return out[:16]


def _names_in(expr: ast.expr):
    """The names and `self.x` attributes an expression reads (an f-string's fields too), a few."""
    found = 0
    stack = [expr]
    while stack and found < 8:
        node = stack.pop()
        if isinstance(node, ast.Name) or (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            found += 1
            yield node
            continue
        stack.extend(child_nodes(node))


def _bindings(ev: Evaluator, expr: ast.expr, scope: Scope):
    """The expressions a name or `self.x` is bound to (a few)."""
    if isinstance(expr, ast.Name):
        owner = ev.find(expr.id, scope)
        if owner is not None:
            for bound in owner.assigns.get(expr.id, [])[:4]:
                if isinstance(bound, ast.expr):
                    yield bound, owner
    elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == scope.self_name and scope.klass is not None:
        for value, method, _ in scope.klass.self_attrs.get(expr.attr, [])[:4]:
            if isinstance(value, ast.expr):
                yield value, method


def spread_keys(ev: Evaluator, call: ast.Call, scope: Scope) -> set:
    """The keys a call's `**spread` of a dict written in its function passes (`body =
    {"modelId": ..., "messages": ...}` ... `converse(**body)`): its keywords too, for the
    keywords that prove a request (`MethodShape.proof`)."""
    keys: set = set()
    for k in call.keywords:
        value = k.value if k.arg is None else None
        if isinstance(value, ast.Name):
            owner = ev.find(value.id, scope)
            bound = owner.assigns.get(value.id, []) if owner is not None else []
            value = bound[0] if len(bound) == 1 else None
        if isinstance(value, ast.Dict):
            keys.update(key.value for key in value.keys if isinstance(key, ast.Constant) and isinstance(key.value, str))
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
            keys.update(kw.arg for kw in value.keywords if kw.arg is not None)
    return keys


def imported_object(ev: Evaluator, receiver: ast.expr, scope: Scope) -> bool:
    """Is the receiver a name bound only by `from package.module import name` (a client the
    project's config module made), not a local, a parameter or an attribute of something else?"""
    if not isinstance(receiver, ast.Name):
        return False
    owner = ev.find(receiver.id, scope)
    target = owner.imports.get(receiver.id, "") if owner is not None else ""
    return "." in target.strip(".") and not owner.assigns.get(receiver.id) and receiver.id not in owner.params
