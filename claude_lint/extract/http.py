"""Raw HTTP requests to LLM APIs: `requests.post`, `httpx.post`, a `requests.Session`,
`httpx.Client`/`AsyncClient` or `aiohttp.ClientSession` POST.

A POST is a request when its URL is seen to be an LLM endpoint (a literal or folded URL
ending in an endpoint path of `sdk.HTTP_ENDPOINTS`, or an HTTP client's `base_url`
joined with such a path), or, when its URL is not seen (an environment variable, a
config entry), when its JSON body is a chat request (`sdk.HTTP_BODY_PROOF`). A URL that
is seen and is no LLM endpoint makes it no request, unless the body writes out a chat
request whole (`_written_chat`: a proxy of its own path). The JSON body
(`json=`, or `data=json.dumps(...)`) is read as the call's keyword arguments.
"""
from __future__ import annotations

import ast
import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import clients, gateways, moves, sdk
from claude_lint.extract.chains import called_name
from claude_lint.extract.templates import bound_call
from claude_lint.extract.scopes import CallRecord, Scope, keyword, positional
from claude_lint.facts import CallSite, Mapping, Param, Seq, Text
from claude_lint.patterns import lazy

_UNSEEN = "unseen"


def sites(ex, record: CallRecord, call: ast.Call, receiver: Optional[ast.expr], client_chain: List[str], rscope: Scope) -> List[CallSite]:
    """`ex` is the file's python._Extraction (its evaluator, and how clients are followed)."""
    ev, scope = ex.ev, record.scope
    if ev.qualname(call.func, scope) == URLOPEN:
        call = _urllib_request(ev, call, scope)
        if call is None:
            return []
    body_expr = keyword(call, "json")
    if body_expr is None:
        body_expr = keyword(call, "data")
    if body_expr is None:
        return []
    args = positional(call)
    if called_name(call.func) in METHOD_FIRST:
        # `client.stream("POST", url, json=...)`: a POST only when the method written says so
        method = args[0] if args else keyword(call, "method")
        if not (isinstance(method, ast.Constant) and isinstance(method.value, str) and method.value.upper() == "POST"):
            return []
        args = args[1:]
    url_expr = args[0] if args else keyword(call, "url")
    base_texts = _base_urls(ex, receiver, client_chain, rscope)
    endpoint = _endpoint(ev, url_expr, scope, base_texts)
    overridden = _overriding_urls(ex, url_expr, scope) if endpoint is None or endpoint is _UNSEEN else []
    for text in overridden:
        found = _endpoint_of_text(text, base_texts)
        if found is not None and found is not _UNSEEN and found[0] != _PARTIAL:
            endpoint, base_texts = found, base_texts + [text]
            break
    body = clients.decoded(ev, body_expr, scope)
    if endpoint is None and _proxied_messages(ev, call, url_expr, scope, body):
        endpoint = ("POST /v1/messages", "anthropic", sdk.ANTHROPIC_ROLES)
    if endpoint is None and _written_chat(body):
        endpoint = _UNSEEN
    if endpoint is None or (endpoint is not _UNSEEN and _no_chat_keys(body, endpoint[-2] == "ollama")):
        return []  # a URL we can read, and not an LLM API's; or a body no LLM API takes
    if endpoint is not _UNSEEN and endpoint[0] == _PARTIAL:
        if not (isinstance(body, Mapping) and all(k in _keys(body) for k in sdk.HTTP_BODY_PROOF)):
            return []
        endpoint = endpoint[1:]
    if endpoint is not _UNSEEN and endpoint[0] == _MODEL_IN_PATH:
        if not _chat_body(body):
            return []
        endpoint = endpoint[1:]
    if endpoint == _UNSEEN:
        if not (isinstance(body, Mapping) and all(k in _keys(body) for k in sdk.HTTP_BODY_PROOF)):
            if not overridden:
                hooked = _hook_post(ex, record, call, url_expr, body)
                if hooked:
                    return hooked
            return _pass_through(ex, record, call, url_expr, body)
        headers = clients.decoded(ev, keyword(call, "headers"), scope) if keyword(call, "headers") is not None else None
        if isinstance(headers, Mapping) and any(h in (k.lower() for k in _keys(headers)) for h in sdk.ANTHROPIC_HEADERS):
            api, provider, roles = "POST /v1/messages", "anthropic", sdk.ANTHROPIC_ROLES
        elif any(k in _keys(body) for k in sdk.OLLAMA_BODY_KEYS):
            api, provider, roles = "POST /api/chat", "ollama", sdk.OLLAMA_ROLES
        else:
            api, provider, roles = "POST /chat/completions", "openai", sdk.OPENAI_CHAT_ROLES
    else:
        api, provider, roles = endpoint
    url = _url_text(ev, url_expr, scope)
    if url is not None and _HOST_SEEN.match(url):
        texts = [url]  # the host is written: it alone says where the request goes
    else:
        # The host comes from configuration: what names it (an environment variable, a
        # config key, a default) or the code around it (`class OllamaClient`) says which server.
        texts = (clients.endpoint_texts(ev, url_expr, scope) if url_expr is not None else []) + base_texts
        texts.append(ex.function_of(scope) or "")
    if isinstance(body, Mapping):
        kwargs = body
    else:
        kwargs = Mapping(((None, body),), getattr(body, "loc", None), True)
    local = provider in sdk.LOCAL_PROVIDERS or sdk.local_evidence(texts)
    # A host written says where the request goes; otherwise the names around it may (a
    # module or class named for the service it posts to: `bridge_openrouter.py`).
    gateway = gateways.named(texts if len(texts) == 1 and url is not None and _HOST_SEEN.match(url) else texts + [os.path.basename(ex.path)])
    shape = sdk.MethodShape((), api, (provider,), roles)
    timeout = any(k.arg == "timeout" for k in call.keywords)
    facts = ex.site_facts(record, shape, provider, kwargs, timeout, local, gateway)
    return [CallSite(loc=ev.loc(record.node), kwargs=kwargs, **facts)]


URLOPEN = "urllib.request.urlopen"
METHOD_FIRST = frozenset({"stream", "request"})  # HTTP calls whose first argument is the method


def _urllib_request(ev, call: ast.Call, scope: Scope) -> Optional[ast.Call]:
    """`urlopen(urllib.request.Request(url, data=body))`, or the Request bound to a name
    first: the Request is what carries the URL and the body (the request is sent where
    urlopen is called). None when urlopen is handed no Request it can see."""
    args = positional(call)
    if not args:
        return None
    found = bound_call(ev, args[0], scope)
    if found is None or found[2] not in ("urllib.request.Request", "urllib2.Request"):
        return None
    req = found[0]
    if keyword(req, "data") is None and len(positional(req)) < 2:
        return None
    if keyword(req, "data") is not None or keyword(call, "data") is not None:
        return req
    # `Request(url, body)`: the body is its second positional argument
    return ast.Call(func=req.func, args=[req.args[0]], keywords=[ast.keyword(arg="data", value=req.args[1])])


def _pass_through(ex, record: CallRecord, call: ast.Call, url_expr, body) -> List[CallSite]:
    """A helper function that POSTs the body its caller passes, to the URL it passes too or
    to one read at run time: a request only where a call of it passes an LLM endpoint or a
    chat body (see `classify`). A method is
    left out: a class whose method POSTs what it is given is an HTTP client, not a helper
    of LLM calls."""
    ev, scope = ex.ev, record.scope
    if url_expr is None or not isinstance(body, Param) or scope.kind != "function" or scope.self_name is not None:
        return []
    url = ev.value(url_expr, scope)
    # the URL passed too, or read at run time (`os.environ["LLM_URL"]`): the body decides
    if isinstance(url, Param) and url.function != scope.name or body.function != scope.name:
        return []
    return [_pending_post(ex, record, call, body, url)]


def _proxied_messages(ev, call: ast.Call, url_expr, scope: Scope, body) -> bool:
    """A Messages request sent to a proxy of its own path (`self.base_url + "create"`, the
    host read at run time): a body with the request's keys and the Anthropic API's own
    headers say what it is, where the URL's end does not."""
    url = _url_text(ev, url_expr, scope)
    if url is None or not url.startswith("\0") or not (isinstance(body, Mapping) and all(k in _keys(body) for k in (*sdk.HTTP_BODY_PROOF, "max_tokens"))):
        return False
    headers_expr = keyword(call, "headers")
    headers = clients.decoded(ev, headers_expr, scope) if headers_expr is not None else None
    return isinstance(headers, Mapping) and any(h in (k.lower() for k in _keys(headers)) for h in sdk.ANTHROPIC_HEADERS)


def _hook_post(ex, record: CallRecord, call: ast.Call, url_expr, body) -> List[CallSite]:
    """A method POSTing the body it is given to the URL a method of its class returns, when
    neither the class nor a subclass of this file says which (an abstract `_post_url` each
    backend of another file overrides): pending, like `_pass_through`, with the class and the
    method; link reads the URL the subclasses' overrides return (`ClassInfo.urls`)."""
    ev, scope = ex.ev, record.scope
    hook = _url_hook(ev, url_expr, scope)
    if hook is None or not isinstance(body, Param) or body.function != scope.name:
        return []
    klass, method = hook
    if not _URL_METHOD.search(method) or not _abstract(moves.child(ev, klass, method, "function")):
        return []  # a URL method the class itself implements: an HTTP client's, not a backend hook
    return [_pending_post(ex, record, call, body, ev.value(url_expr, scope), (klass.name, method))]


def _pending_post(ex, record: CallRecord, call: ast.Call, body: Param, url, *hook) -> CallSite:
    """A POST of a parameter body, left for link to decide (`CallSite.pending`): the URL (and
    the class's URL method, for `_hook_post`) and the headers, as the call writes them."""
    ev, scope = ex.ev, record.scope
    headers_expr = keyword(call, "headers")
    headers = clients.decoded(ev, headers_expr, scope) if headers_expr is not None else None
    shape = sdk.MethodShape((), "POST", ("http",), sdk.OPENAI_CHAT_ROLES)
    kwargs = Mapping(((None, body),), body.loc, True)
    timeout = any(k.arg == "timeout" for k in call.keywords)
    facts = ex.site_facts(record, shape, "http", kwargs, timeout, False)
    return CallSite(loc=ev.loc(record.node), kwargs=kwargs, pending=(url, headers, *hook), **facts)


def _url_hook(ev, url_expr, scope: Scope) -> Optional[Tuple[Scope, str]]:
    """(class, method) when a URL is `self.m()`, or a name bound once to it."""
    found = bound_call(ev, url_expr, scope)
    if found is None or not isinstance(found[0].func, ast.Attribute):
        return None
    url_expr, scope, _ = found
    receiver = url_expr.func.value
    if not (isinstance(receiver, ast.Name) and receiver.id == scope.self_name and scope.klass is not None):
        return None
    return scope.klass, url_expr.func.attr


_URL_METHOD = lazy(r"(?i)url|endpoint")


def _abstract(defined: Optional[Scope]) -> bool:
    """A method left to subclasses: `@abstractmethod`, or a body that only raises
    NotImplementedError, passes or is `...` (a docstring aside)."""
    node = defined.node if defined is not None else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if any(called_name(d) == "abstractmethod" for d in node.decorator_list):
        return True
    for stmt in node.body:
        if isinstance(stmt, ast.Pass) or isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None and "NotImplementedError" in ast.dump(stmt.exc):
            continue
        return False
    return True


def returned_urls(ev, klass: Scope, methods) -> Tuple[Tuple[str, str], ...]:
    """(method, URL) for a class's methods named for a URL (`_post_url`, `endpoint`) that take
    no argument and return a URL seen (run-time parts as NUL): what an override hands a base
    class's POST (`_hook_post`). A field of a config object (`self.config.endpoint`) is read
    as the default a class of this file declares for it, when one class alone declares it."""
    out = []
    for method in methods:
        if not _URL_METHOD.search(method):
            continue
        defined = moves.child(ev, klass, method, "function")
        node = defined.node if defined is not None else None
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or len(node.args.args) != 1 or len(defined.returns) != 1:
            continue
        returned = defined.returns[0]
        if not isinstance(returned, ast.expr):
            continue
        value = ev.value(returned, defined)
        if not isinstance(value, Text) and isinstance(returned, ast.Attribute) and isinstance(returned.value, ast.Attribute):
            value = _declared_default(ev, returned.attr)
        if isinstance(value, Text):
            text = "".join(p if isinstance(p, str) else "\0" for p in value.parts)
            if _HOST_SEEN.match(text) or "/" in text:
                out.append((method, text))
    return tuple(out)


def _declared_default(ev, field: str) -> Optional[object]:
    """The default the one class of the file that declares `field` gives it (a settings model)."""
    found = [s for s in ev.all_scopes if s.kind == "class" and field in s.assigns]
    if len(found) != 1 or len(found[0].assigns[field]) != 1:
        return None
    return ev.name(field, found[0], 1, None)


def classify(url: object, body: object, headers: object):
    """(api, provider, roles, local) of a POST whose values a caller has bound: as `sites`
    judges one, from the URL when it is seen, else from the body and headers; None: no LLM
    request (a URL seen to be another, or a body that is no chat request)."""
    text = "".join(p if isinstance(p, str) else "\0" for p in url.parts) if isinstance(url, Text) else None
    found = None
    if text is not None:
        path = text.split("?", 1)[0].rstrip("/")
        model_path = _model_path_endpoint(path)
        if model_path is not None:
            return (*model_path, False) if _chat_body(body) else None
        # The endpoint's own end may follow a run-time part (`{base}chat/completions`,
        # `models/{model}:generateContent`): a run-time part may end with a slash.
        for candidate in (path, path.replace("\0", "/")):
            found = next(((api, provider, roles) for pattern, api, provider, roles in _FULL_ENDPOINTS if pattern.search(candidate)), None)
            if found is not None:
                break
        if found is None and path and "\0" not in path[path.rfind("/") + 1:] and not _written_chat(body):
            return None  # a URL seen, and no LLM endpoint
    if found is None:
        if not (isinstance(body, Mapping) and all(k in _keys(body) for k in sdk.HTTP_BODY_PROOF)):
            return None
        if isinstance(headers, Mapping) and any(h in (k.lower() for k in _keys(headers)) for h in sdk.ANTHROPIC_HEADERS):
            found = "POST /v1/messages", "anthropic", sdk.ANTHROPIC_ROLES
        elif any(k in _keys(body) for k in sdk.OLLAMA_BODY_KEYS):
            found = "POST /api/chat", "ollama", sdk.OLLAMA_ROLES
        else:
            found = "POST /chat/completions", "openai", sdk.OPENAI_CHAT_ROLES
    api, provider, roles = found
    local = provider in sdk.LOCAL_PROVIDERS or (text is not None and sdk.local_evidence([text]))
    return api, provider, roles, local


# Every LLM API's request body names its model or its prompt by one of these keys (the
# model of `:generateContent` is in its URL, its prompt under "contents").
_CHAT_KEYS = frozenset({"model", "messages", "input", "prompt", "contents"})


def _no_chat_keys(body, ollama: bool = False) -> bool:
    """Is the body a dict read whole (no spread, no key unknown) with none of the keys every
    LLM request carries? Then the URL's likeness is chance (a chat app's `/im/v1/messages`).
    Ollama's API names the model in every request: without one, its plain `/api/generate`
    path is another service's (a music generator's proxy posting a `prompt`)."""
    return (isinstance(body, Mapping) and not body.open and bool(body.entries)
            and all(k is not None for k, _ in body.entries) and not (_CHAT_KEYS if not ollama else {"model"}).intersection(body.keys()))


def _written_chat(body) -> bool:
    """Does the body write out a chat request whole: a model, and messages listed as role
    dicts (`{"model": m, "messages": [{"role": "user", "content": p}]}`)? Posted to a URL
    that is no LLM endpoint's (`https://zerokey.onrender.com/proxy/u/groq/key`), it is a
    proxy's: the proxy forwards it to the model it names."""
    if not isinstance(body, Mapping) or "model" not in body.keys():
        return False
    messages = body.get("messages")
    return (isinstance(messages, Seq) and bool(messages.items)
            and all(isinstance(m, Mapping) and {"role", "content"} <= set(m.keys()) for m in messages.items))


def _keys(mapping: Mapping) -> Tuple[str, ...]:
    keys = list(mapping.keys())
    for key, value in mapping.entries:
        if key is None and isinstance(value, Mapping):
            keys.extend(value.keys())
    return tuple(keys)


_HOST_SEEN = lazy(r"(?i)https?://[^/\0]+(?:[/?]|$)")


def _url_text(ev, url_expr, scope: Scope, defaults: bool = False) -> Optional[str]:
    """The URL as text, run-time parts as NUL. `defaults`: a part after the first that is a
    parameter with a literal default is that default (`self.url = domain + chat_endpoint`,
    `chat_endpoint="/api/chat"`): the path the code is written for; the host stays unseen."""
    if url_expr is None:
        return None
    value = ev.value(url_expr, scope)
    if not isinstance(value, Text):
        return None
    return "".join(p if isinstance(p, str) else _default_text(p) if defaults and i else "\0" for i, p in enumerate(value.parts))


def _default_text(part: object) -> str:
    default = part.default if isinstance(part, Param) else None
    return "".join(default.parts) if isinstance(default, Text) and all(isinstance(x, str) for x in default.parts) else "\0"


def _endpoint(ev, url_expr, scope: Scope, bases: List[str]):
    """(api, provider, roles) of the endpoint a URL is seen to be; _UNSEEN when the URL is
    not known statically; None when it is known and is no LLM endpoint."""
    url = _url_text(ev, url_expr, scope, defaults=True)
    if url is None:
        return _UNSEEN
    return _endpoint_of_text(url, bases)


def _endpoint_of_text(url: str, bases: List[str]):
    path = url.split("?", 1)[0].rstrip("/")
    model_path = _model_path_endpoint(path)
    if model_path is not None:
        return (_MODEL_IN_PATH, *model_path)
    if "\0" in path[path.rfind("/") + 1:] or not path:
        return _UNSEEN  # the last segment is written at run time
    for pattern, api, provider, roles in _FULL_ENDPOINTS:
        if pattern.search(path):
            return api, provider, roles
    for base in bases:
        joined = base.rstrip("/") + "/" + path.lstrip("/")
        for pattern, api, provider, roles in _FULL_ENDPOINTS:
            if pattern.search(joined):
                return api, provider, roles
    for pattern, api, provider, roles in sdk.PARTIAL_ENDPOINTS if "\0" in path else ():
        if pattern.search(path):
            # `f"{BASE}/messages"` with the base read at run time (or from another module):
            # the path written is the end of an LLM endpoint's; the body must prove it.
            return _PARTIAL, api, provider, roles
    return None


MAX_OVERRIDES = 8  # subclasses' overrides of a URL method read for one POST


def _overriding_urls(ex, url_expr, scope: Scope) -> List[str]:
    """The URLs a method of the POST's own class returns, when the URL is `self.m()` (or a
    name bound once to it), in the class and in the file's subclasses that override it: a
    base class posting to `self._post_url()`, an abstract hook each backend overrides with
    its own endpoint. Text with run-time parts as NUL; only the seen ones."""
    ev = ex.ev
    hook = _url_hook(ev, url_expr, scope)
    if hook is None:
        return []
    klass, method = hook
    out: List[str] = []
    for holder in [klass] + _subclasses_in_file(ex, klass):
        defined = moves.child(ev, holder, method, "function")
        for returned in (defined.returns if defined is not None else ())[:MAX_OVERRIDES]:
            text = _url_text(ev, returned, defined) if isinstance(returned, ast.expr) else None
            if text is not None:
                out.append(text)
        if len(out) >= MAX_OVERRIDES:
            break
    return out


def _subclasses_in_file(ex, klass: Scope) -> List[Scope]:
    """The classes of the file deriving from `klass`, directly or through one another (by name)."""
    names = {klass.name.rsplit(".", 1)[-1]}
    out: List[Scope] = []
    classes = [s for s in ex.c.scopes_by_node.values() if s.kind == "class" and s is not klass]
    grew = True
    while grew and len(out) < MAX_OVERRIDES:
        grew = False
        for s in classes:
            if s in out or not isinstance(s.node, ast.ClassDef):
                continue
            bases = {b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "" for b in s.node.bases}
            if bases & names:
                out.append(s)
                names.add(s.name.rsplit(".", 1)[-1])
                grew = True
    return out[:MAX_OVERRIDES]


_FULL_ENDPOINTS = tuple(e for e in sdk.HTTP_ENDPOINTS if e not in sdk.PARTIAL_ENDPOINTS and e not in sdk.MODEL_PATH_ENDPOINTS)
_PARTIAL = "partial"
_MODEL_IN_PATH = "model in path"


def _model_path_endpoint(path: str):
    """(api, provider, roles) of an endpoint the model follows in the path (`.../ai/run/` and a
    model, written or read at run time), or None."""
    return next(((api, provider, roles) for pattern, api, provider, roles in sdk.MODEL_PATH_ENDPOINTS if pattern.search(path + "/")), None)


def _chat_body(body) -> bool:
    """Is the body a chat request's (`messages`)? What proves a POST to an endpoint that runs
    any kind of model a text request."""
    return isinstance(body, Mapping) and "messages" in _keys(body)


def _base_urls(ex, receiver, client_chain: List[str], scope: Scope) -> List[str]:
    """The `base_url` an httpx client was built with, as text (run-time parts as NUL)."""
    out: List[str] = []
    if receiver is None:
        return out
    for construction, owner in ex.constructions(receiver, client_chain, scope):
        base = keyword(construction, "base_url")
        if base is None:
            continue
        value = ex.ev.value(base, owner)
        if isinstance(value, Text):
            out.append("".join(p if isinstance(p, str) else "\0" for p in value.parts))
    return out

