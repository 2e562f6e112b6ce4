"""Third-party services a request is seen to go to: they serve many vendors' models (or
their own, through an OpenAI-compatible API) under their own IDs, prices and dates, so a
first-party model's lifecycle and caching are not theirs (`facts.CallSite.gateway`).

Seen from the host written, the names of an endpoint's configuration (`OPENROUTER_API_KEY`,
`TOGETHER_BASE_URL`), the service's own SDK, or, for a raw POST to a configured URL, the
module or class it is made in (`bridge_openrouter.py`), or the provider route a model is
named with (LiteLLM's `groq/llama3-70b-8192`, instructor's `from_provider("groq/...")`). A
LiteLLM proxy or a company's gateway forwards to the provider: not one of these.
"""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint.extract import clients, sdk
from claude_lint.facts import Text
from claude_lint.patterns import lazy

_NAMED = (
    (lazy(r"(?i)openrouter"), "OpenRouter"),
    (lazy(r"(?i)api\.groq\.com|(?<![a-z])groq(?![a-z])"), "Groq"),
    (lazy(r"(?i)api\.together\.(?:xyz|ai)|(?<![a-z])together(?:_?ai)?(?![a-z])"), "Together AI"),
    (lazy(r"(?i)deepinfra"), "DeepInfra"),
    (lazy(r"(?i)api\.fireworks\.ai|fireworks_?ai"), "Fireworks AI"),
    # Vendors that serve their own models through an OpenAI-compatible API: the OpenAI SDK
    # pointed at them sends no OpenAI model, and their prices, dates and caching are their own.
    (lazy(r"(?i)dashscope|\.aliyuncs\.com"), "Alibaba DashScope"),
    (lazy(r"(?i)api\.deepseek\.com"), "DeepSeek"),
    (lazy(r"(?i)api\.moonshot\.(?:cn|ai)"), "Moonshot AI"),
    (lazy(r"(?i)open\.bigmodel\.cn"), "Zhipu AI"),
)
# OpenAI-compatible SDKs of such services (their packages): their client is the service.
SDKS = {"groq": "Groq", "together": "Together AI", "fireworks": "Fireworks AI"}
# Provider routes of a model string that send the request to such a service: LiteLLM's
# prefixes (`together_ai/...`), and instructor's `from_provider` names (`together/...`).
# Other routes (`gemini/`, `xai/`, `anthropic/`) are the provider's own API.
ROUTES = {"openrouter": "OpenRouter", "groq": "Groq", "together_ai": "Together AI", "together": "Together AI",
          "deepinfra": "DeepInfra", "fireworks_ai": "Fireworks AI", "fireworks": "Fireworks AI", "huggingface": "Hugging Face"}


def named(texts) -> Optional[str]:
    """The service these texts (an endpoint's value or source, the names around a request) name."""
    for text in texts:
        for pattern, name in _NAMED:
            if pattern.search(text):
                return name
    return None


def of_constructor(ev, call: ast.Call, scope) -> Optional[str]:
    """The service a client constructor (or a request that takes its own endpoint,
    `litellm.completion(api_base=...)`) points at: its endpoint keywords, or its SDK."""
    qual = ev.qualname(call.func, scope) or ""
    package = qual.split(".")[0]
    if package in SDKS and qual in sdk.CLIENT_CLASSES:
        return SDKS[package]
    if "litellm" in qual.lower() or qual in clients.PROVIDER_STRING_FACTORIES:
        route = ROUTES.get(clients.model_route(ev, call, scope) or "")
        if route is not None:
            return route
    return named([t for k in call.keywords if k.arg in clients.ENDPOINT_KEYWORDS for t in clients.endpoint_texts(ev, k.value, scope)])


def of_client(finder, receiver, client_chain, scope) -> Optional[str]:
    """The service every construction seen of a client points at (`finder`: the file's client finder)."""
    found = {of_constructor(finder.ev, call, owner) for call, owner in finder.constructions(receiver, client_chain, scope)}
    return found.pop() if len(found) == 1 else None


def of_values(model: object, endpoints, litellm: bool) -> Tuple[bool, Optional[str]]:
    """(local, gateway) of a request whose model and endpoint values (`facts.Text`) a
    caller passed in: a local server's route prefix (`ollama/llama3`) or address, a LiteLLM
    route to a third-party service (`groq/...`), a gateway's host."""
    head = model.parts[0] if isinstance(model, Text) and model.parts and isinstance(model.parts[0], str) else ""
    texts = ["".join(p if isinstance(p, str) else "\0" for p in e.parts) for e in endpoints if isinstance(e, Text)]
    local = bool(clients.LOCAL_MODEL.match(head)) or sdk.local_evidence(texts)
    route = ROUTES.get(head.split("/", 1)[0].lower()) if litellm and "/" in head else None
    return local, route or named(texts)
