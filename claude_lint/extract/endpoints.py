"""Where a request goes: a server on the user's machine (never billed), and the LLM
endpoints a raw HTTP request is recognised by."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Tuple

from claude_lint.extract.sdk_roles import (
    ALEPH_ALPHA_ROLES, ANTHROPIC_ROLES, COHERE_ROLES, LEGACY_OPENAI_ROLES, OLLAMA_ROLES, OPENAI_CHAT_ROLES, OPENAI_RESPONSES_ROLES, WORKERS_AI_ROLES,
)
from claude_lint.patterns import lazy

# A server on the user's machine or its network: a loopback or Docker-host address, a private
# network address (10/8, 172.16/12, 192.168/16) or a `.local` (mDNS) host name, or the default
# port of Ollama (11434) or LM Studio (1234). Port 4000 is LiteLLM's proxy, which forwards to
# billed APIs; so, as often as not, does a company's gateway on an `.internal` name: not local.
_LOCAL_HOST = lazy(r"(?i)(?:^|[/@\s\0\"'])(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]"
                   r"|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(?:1[6-9]|2\d|3[01])\.\d+\.\d+"
                   # a host name only after a scheme, a user or a quote: `settings.local` in code is no host
                   r"|(?<=[/@\"'])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.local)(?::(\d+))?(?![\w.-])")
_LOCAL_PORT = lazy(r":(?:11434|1234)(?!\d)")
# Names of local inference servers, as a config key, an environment variable or a URL says them.
_LOCAL_NAME = lazy(r"(?i)ollama|lm_?studio|lm-studio|vllm|llama[_.-]?cpp|localai")
_PROXY_PORTS = frozenset({"4000"})


def local_evidence(texts) -> bool:
    """Do these texts (an endpoint's value or source) name a server on the user's machine?"""
    for text in texts:
        for m in _LOCAL_HOST.finditer(text):
            if m.group(1) not in _PROXY_PORTS:
                return True
        if _LOCAL_PORT.search(text) or _LOCAL_NAME.search(text):
            return True
    return False


# LLM endpoints by the end of their path, for raw HTTP requests: (pattern, api, provider, roles).
HTTP_ENDPOINTS: Tuple[Tuple["re.Pattern[str]", str, str, Tuple[Tuple[str, Tuple[str, ...]], ...]], ...] = (
    (re.compile(r"/v1/messages$"), "POST /v1/messages", "anthropic", ANTHROPIC_ROLES),
    (re.compile(r"/chat/completions$"), "POST /chat/completions", "openai", OPENAI_CHAT_ROLES),
    (re.compile(r"/v1/responses$"), "POST /v1/responses", "openai", OPENAI_RESPONSES_ROLES),
    (re.compile(r"/v1/completions$"), "POST /v1/completions (legacy)", "openai", LEGACY_OPENAI_ROLES),
    (re.compile(r"/api/(?:chat|generate)$"), "POST /api/chat", "ollama", OLLAMA_ROLES),
    (re.compile(r":(?:stream)?[gG]enerateContent$"), "POST :generateContent", "google", ()),
    # Vendors with chat APIs of their own shape, on paths too plain to name them alone: their host too
    (re.compile(r"//api\.cohere\.(?:com|ai)/v[12]/chat$"), "POST /chat (Cohere)", "cohere", COHERE_ROLES),
    (re.compile(r"//api\.aleph-alpha\.com/complete$"), "POST /complete (Aleph Alpha)", "aleph_alpha", ALEPH_ALPHA_ROLES),
)
# The end of an endpoint's path after a base URL read at run time (`f"{BASE}/messages"`): a
# request only when the base is not seen and the body proves it (HTTP_BODY_PROOF). Listed in
# HTTP_ENDPOINTS too, for the pre-filter, which lets such a POST through to the extractor.
PARTIAL_ENDPOINTS: Tuple[Tuple["re.Pattern[str]", str, str, Tuple[Tuple[str, Tuple[str, ...]], ...]], ...] = (
    (re.compile(r"/messages$"), "POST /v1/messages", "anthropic", ANTHROPIC_ROLES),
    (re.compile(r"/completions$"), "POST /chat/completions", "openai", OPENAI_CHAT_ROLES),
)
# Endpoints whose path goes on with the model after them (Cloudflare Workers AI:
# `/accounts/{id}/ai/run/@cf/meta/llama-3-8b-instruct`, the model often a run-time part): a
# chat request only with a `messages` body, since the same path runs image, speech and
# embedding models (`{"prompt": ...}`, `{"text": ...}`). Its default output cap is 256 tokens.
MODEL_PATH_ENDPOINTS: Tuple[Tuple["re.Pattern[str]", str, str, Tuple[Tuple[str, Tuple[str, ...]], ...]], ...] = (
    (re.compile(r"/ai/run/(?:@|\0)"), "POST /ai/run/{model}", "cloudflare", WORKERS_AI_ROLES),
)
HTTP_ENDPOINTS = HTTP_ENDPOINTS + PARTIAL_ENDPOINTS + MODEL_PATH_ENDPOINTS
# A JSON body with these keys is a chat request wherever it is sent (the URL unseen).
HTTP_BODY_PROOF = ("model", "messages")
# Headers only the Anthropic API reads.
ANTHROPIC_HEADERS = ("anthropic-version", "x-api-key")
# Body keys of Ollama's own chat API (`/api/chat`: model parameters under "options").
OLLAMA_BODY_KEYS = ("options", "keep_alive")


# Vendors that serve their own models through an OpenAI-compatible API (`gateways` names
# them from the host): each model has a maximum output and a price of its own, as any
# provider's, though its caching and dates are not OpenAI's.
VENDOR_APIS = frozenset({"Alibaba DashScope", "DeepSeek", "Moonshot AI", "Zhipu AI"})
