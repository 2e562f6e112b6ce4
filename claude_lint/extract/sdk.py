"""The call shapes of LLM SDKs, as data.

Supporting another SDK is an entry here, not new visitor code. A shape is recognised
when a call's method chain matches `chain` on a receiver that resolves to one of the
shape's client classes (or, for `FUNCTIONS`, when the called name's qualified name
matches). `roles` says which keyword holds what a rule needs, in order of preference.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Tuple

# Client classes by qualified name -> provider.
CLIENT_CLASSES: Dict[str, str] = {
    "anthropic.Anthropic": "anthropic",
    "anthropic.AsyncAnthropic": "anthropic",
    "anthropic.Client": "anthropic",
    "anthropic.AsyncClient": "anthropic",
    "anthropic.AnthropicBedrock": "bedrock",
    "anthropic.AsyncAnthropicBedrock": "bedrock",
    "anthropic.lib.bedrock.AnthropicBedrock": "bedrock",
    "anthropic.lib.bedrock.AsyncAnthropicBedrock": "bedrock",
    "anthropic.AnthropicVertex": "vertex",
    "anthropic.AsyncAnthropicVertex": "vertex",
    "anthropic.lib.vertex.AnthropicVertex": "vertex",
    "anthropic.lib.vertex.AsyncAnthropicVertex": "vertex",
    "openai.OpenAI": "openai",
    "openai.AsyncOpenAI": "openai",
    "openai.AzureOpenAI": "openai",
    "openai.AsyncAzureOpenAI": "openai",
    "openai.Client": "openai",
    "openai.AsyncClient": "openai",
    # OpenAI-compatible SDKs: the same request shapes, so the same provider.
    "groq.Groq": "openai",
    "groq.AsyncGroq": "openai",
    "litellm.Router": "litellm",
    "litellm.router.Router": "litellm",
    "google.genai.Client": "google",
    "google.genai.client.Client": "google",
    "google.generativeai.GenerativeModel": "google",
    "google.generativeai.generative_models.GenerativeModel": "google",
    "vertexai.generative_models.GenerativeModel": "google",
    "vertexai.preview.generative_models.GenerativeModel": "google",
    "cohere.Client": "cohere",
    "cohere.AsyncClient": "cohere",
    "cohere.ClientV2": "cohere",
    "cohere.AsyncClientV2": "cohere",
    "mistralai.Mistral": "mistral",
    "mistralai.sdk.Mistral": "mistral",
    # A local server: recognised, never billed.
    "ollama.Client": "ollama",
    "ollama.AsyncClient": "ollama",
    # HTTP clients: a POST through them is a request when its URL or body says so (extract/http.py).
    "requests.Session": "http",
    "requests.session": "http",
    "requests.sessions.Session": "http",
    "httpx.Client": "http",
    "httpx.AsyncClient": "http",
    "aiohttp.ClientSession": "http",
}

# Providers whose every request goes to a server on the user's machine.
LOCAL_PROVIDERS = frozenset({"ollama"})

# Modules that are a client themselves: `openai.chat.completions.create(...)` (openai>=1.0).
MODULE_CLIENTS: Dict[str, str] = {"openai": "openai"}

# Functions that return the client they are given, wrapped: its provider is the argument's.
CLIENT_WRAPPERS = frozenset({
    "instructor.from_anthropic", "instructor.from_openai", "instructor.patch", "instructor.apatch",
    "langsmith.wrappers.wrap_openai", "langsmith.wrappers.wrap_anthropic",
})

# Objects whose construction fixes arguments of every request made through them:
# qualified name of a class, or method chain of a client, -> names of its positional arguments.
REQUEST_DEFAULTS: Dict[str, Tuple[str, ...]] = {
    "google.generativeai.GenerativeModel": ("model_name",),
    "google.generativeai.generative_models.GenerativeModel": ("model_name",),
    "vertexai.generative_models.GenerativeModel": ("model_name",),
    "vertexai.preview.generative_models.GenerativeModel": ("model_name",),
    "chats.create": (),
    "aio.chats.create": (),
}

# Methods of a client that return an object making the same provider's requests: a chat
# session (`client.chats.create(...)`, `model.start_chat()`) or a re-optioned client.
CLIENT_DERIVING: Tuple[Tuple[str, ...], ...] = (("with_options",), ("chats", "create"), ("aio", "chats", "create"), ("start_chat",))

# Client factories whose first argument names the service: (qualified name, service) -> provider.
CLIENT_FACTORIES: Dict[Tuple[str, str], str] = {
    ("boto3.client", "bedrock-runtime"): "bedrock",
    ("boto3.Session.client", "bedrock-runtime"): "bedrock",
    ("boto3.session.Session.client", "bedrock-runtime"): "bedrock",
}

ANTHROPIC_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens",)),
    ("system", ("system",)),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
    ("stream", ("stream",)),
    ("cache_control", ("cache_control",)),
    ("thinking", ("thinking",)),
    ("timeout", ("timeout",)),
)


OPENAI_LIMIT = ("max_completion_tokens", "max_tokens", "max_output_tokens")

OPENAI_CHAT_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", OPENAI_LIMIT),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
    ("stream", ("stream",)),
    ("timeout", ("timeout",)),
    ("n", ("n",)),
)

OPENAI_RESPONSES_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", OPENAI_LIMIT),
    ("system", ("instructions",)),
    ("messages", ("input",)),
    ("tools", ("tools",)),
    ("stream", ("stream",)),
    ("timeout", ("timeout",)),
)

LITELLM_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_completion_tokens", "max_tokens")),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
    ("stream", ("stream",)),
    ("timeout", ("timeout",)),
    ("cache_control", ("cache_control_injection_points",)),
)

LANGCHAIN_ANTHROPIC_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_name")),
    ("max_tokens", ("max_tokens", "max_tokens_to_sample")),
    ("stream", ("streaming",)),
    ("timeout", ("timeout", "default_request_timeout")),
)

LANGCHAIN_OPENAI_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_name")),
    ("max_tokens", ("max_completion_tokens", "max_tokens")),
    ("stream", ("streaming",)),
    ("timeout", ("timeout", "request_timeout")),
)

LANGCHAIN_ANY_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_name")),
    ("max_tokens", ("max_tokens", "max_completion_tokens", "max_output_tokens")),
    ("stream", ("streaming",)),
    ("timeout", ("timeout",)),
)

LANGCHAIN_BEDROCK_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model_id", "model")),
    ("max_tokens", ("model_kwargs.max_tokens", "model_kwargs.max_tokens_to_sample")),
    ("stream", ("streaming",)),
)

LANGCHAIN_BEDROCK_CONVERSE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_id")),
    ("max_tokens", ("max_tokens",)),
)

# Dotted keyword names reach inside an argument: "body.max_tokens" is the `max_tokens`
# key of the `body` argument (JSON-decoded when it was built with json.dumps).
BEDROCK_INVOKE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("modelId",)),
    ("max_tokens", ("body.max_tokens",)),
    ("system", ("body.system",)),
    ("messages", ("body.messages",)),
    ("tools", ("body.tools",)),
    ("temperature", ("body.temperature",)),
    ("top_p", ("body.top_p",)),
    ("top_k", ("body.top_k",)),
    ("thinking", ("body.thinking",)),
)

BEDROCK_CONVERSE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("modelId",)),
    ("max_tokens", ("inferenceConfig.maxTokens",)),
    ("system", ("system",)),
    ("messages", ("messages",)),
    ("tools", ("toolConfig.tools",)),
)


# Dead or legacy APIs: only what no rule misreads (a request there fails or is billed
# differently); the api name says which, so that a rule can report it.
LEGACY_ANTHROPIC_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens_to_sample",)),
    ("stream", ("stream",)),
)

LEGACY_OPENAI_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens",)),
    ("stream", ("stream",)),
)

OPENAI_ASSISTANT_RUN_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_completion_tokens",)),
    ("system", ("instructions",)),
    ("tools", ("tools",)),
    ("stream", ("stream",)),
)

# An OpenAI batch job: the requests are in an uploaded JSONL file, not in the call.
OPENAI_BATCH_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()

# google-genai (`client.models.generate_content`) and the older google-generativeai /
# Vertex AI `GenerativeModel(...).generate_content`: the limit sits in the config object.
GOOGLE_GENAI_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("config.max_output_tokens",)),
    ("system", ("config.system_instruction",)),
    ("messages", ("contents",)),
    ("tools", ("config.tools",)),
)

GOOGLE_MODEL_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model_name",)),
    ("max_tokens", ("generation_config.max_output_tokens",)),
    ("system", ("system_instruction",)),
    ("messages", ("contents",)),
    ("tools", ("tools",)),
)

# A chat session's request: its own arguments, then those the session was made with
# (`client.chats.create(model=..., config=...)`, `GenerativeModel(...).start_chat()`).
GOOGLE_CHAT_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_name")),
    ("max_tokens", ("config.max_output_tokens", "generation_config.max_output_tokens")),
    ("system", ("config.system_instruction", "system_instruction")),
    ("messages", ("message",)),
)

GOOGLE_BATCH_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (("model", ("model",)),)

COHERE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens",)),
    ("system", ("preamble",)),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
)

MISTRAL_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens",)),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
)

OLLAMA_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("messages", ("messages",)),
    ("stream", ("stream",)),
)


@dataclass(frozen=True)
class MethodShape:
    chain: Tuple[str, ...]  # attribute names after the client, e.g. ("messages", "create")
    api: str
    providers: Tuple[str, ...]
    roles: Tuple[Tuple[str, Tuple[str, ...]], ...]
    streaming: bool = False
    batch: bool = False  # requests=[{"custom_id", "params": {...}}]; each params is a call
    positional: Tuple[str, ...] = ()  # keyword names of positional arguments, in order
    no_request: Tuple[str, ...] = ()  # keywords that mean no API request is sent (a mocked call)
    # How a call is proven when the client it goes through is not seen (a parameter, an
    # attribute of another object, a client imported from another module): "chain" when
    # the method chain itself is found in no other library, "keywords" when it also
    # carries UNTYPED_RECEIVER_PROOF, "" never. The provider is then `providers[0]`.
    untyped: str = ""
    http: bool = False  # a POST of an HTTP client: a request only when extract/http.py says so
    # For the pre-filter: groups of bytes, a file must hold all of one group for this shape
    # to be worth parsing (besides its chain); and keywords one of which the call must carry.
    hints: Tuple[Tuple[bytes, ...], ...] = ()
    needs: Tuple[str, ...] = ()


# A raw POST is an LLM request only with a JSON body, sent to an endpoint path the file
# writes or with the body's "model" and "messages" keys (see extract/http.py).
_HTTP = dict(
    http=True,
    needs=("json", "data"),
    # an endpoint path at the end of a string (or before its query), or a chat body's keys
    hints=tuple((path + end,) for path in (b"/messages", b"/completions", b"/responses", b"/api/chat", b"/api/generate", b"enerateContent")
                for end in (b'"', b"'", b"?"))
    + ((b'"messages"', b'"model"'), (b"'messages'", b"'model'"), (b"messages=", b"model=", b"dict("), (b"messages=", b"model=", b"update(")),
)

_ANTHROPIC_FAMILY = ("anthropic", "bedrock", "vertex")
_A = dict(untyped="keywords")  # `messages.*` is also Django's and many ORMs': keywords prove it
_C = dict(untyped="chain")

METHODS: Tuple[MethodShape, ...] = (
    MethodShape(("messages", "create"), "messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_A),
    MethodShape(("messages", "stream"), "messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True, **_A),
    MethodShape(("messages", "parse"), "messages.parse", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_A),
    MethodShape(("beta", "messages", "create"), "beta.messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_C),
    MethodShape(("beta", "messages", "stream"), "beta.messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True, **_C),
    MethodShape(("beta", "messages", "parse"), "beta.messages.parse", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_C),
    MethodShape(("messages", "batches", "create"), "messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True, **_C),
    MethodShape(("beta", "messages", "batches", "create"), "beta.messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True, **_C),
    # Removed: the prompt-caching beta surface (caching is generally available on messages).
    MethodShape(("beta", "prompt_caching", "messages", "create"), "beta.prompt_caching.messages.create (removed)", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_C),
    MethodShape(("beta", "prompt_caching", "messages", "stream"), "beta.prompt_caching.messages.stream (removed)", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True, **_C),
    # Text Completions: retired by Anthropic (every current model rejects it), legacy at OpenAI.
    MethodShape(("completions", "create"), "completions.create (legacy)", _ANTHROPIC_FAMILY, LEGACY_ANTHROPIC_ROLES),
    MethodShape(("completions", "create"), "completions.create (legacy)", ("openai",), LEGACY_OPENAI_ROLES),
    MethodShape(("chat", "completions", "create"), "chat.completions.create", ("openai",), OPENAI_CHAT_ROLES, **_C),
    MethodShape(("chat", "completions", "parse"), "chat.completions.parse", ("openai",), OPENAI_CHAT_ROLES, **_C),
    MethodShape(("chat", "completions", "stream"), "chat.completions.stream", ("openai",), OPENAI_CHAT_ROLES, streaming=True, **_C),
    MethodShape(("beta", "chat", "completions", "parse"), "beta.chat.completions.parse", ("openai",), OPENAI_CHAT_ROLES, **_C),
    MethodShape(("beta", "chat", "completions", "stream"), "beta.chat.completions.stream", ("openai",), OPENAI_CHAT_ROLES, streaming=True, **_C),
    MethodShape(("responses", "create"), "responses.create", ("openai",), OPENAI_RESPONSES_ROLES),
    MethodShape(("responses", "stream"), "responses.stream", ("openai",), OPENAI_RESPONSES_ROLES, streaming=True),
    MethodShape(("responses", "parse"), "responses.parse", ("openai",), OPENAI_RESPONSES_ROLES),
    # Assistants: a run is the billed request (the thread's messages are only stored).
    MethodShape(("beta", "threads", "runs", "create"), "beta.threads.runs.create", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, **_C),
    MethodShape(("beta", "threads", "runs", "create_and_poll"), "beta.threads.runs.create_and_poll", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, **_C),
    MethodShape(("beta", "threads", "runs", "stream"), "beta.threads.runs.stream", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, streaming=True, **_C),
    MethodShape(("beta", "threads", "create_and_run"), "beta.threads.create_and_run", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, **_C),
    MethodShape(("batches", "create"), "batches.create", ("openai",), OPENAI_BATCH_ROLES),
    MethodShape(("completion",), "router.completion", ("litellm",), LITELLM_ROLES, no_request=("mock_response",)),
    MethodShape(("acompletion",), "router.acompletion", ("litellm",), LITELLM_ROLES, no_request=("mock_response",)),
    MethodShape(("invoke_model",), "invoke_model", ("bedrock",), BEDROCK_INVOKE_ROLES),
    MethodShape(("invoke_model_with_response_stream",), "invoke_model_with_response_stream", ("bedrock",), BEDROCK_INVOKE_ROLES, streaming=True),
    MethodShape(("converse",), "converse", ("bedrock",), BEDROCK_CONVERSE_ROLES),
    MethodShape(("converse_stream",), "converse_stream", ("bedrock",), BEDROCK_CONVERSE_ROLES, streaming=True),
    MethodShape(("models", "generate_content"), "models.generate_content", ("google",), GOOGLE_GENAI_ROLES, **_C),
    MethodShape(("models", "generate_content_stream"), "models.generate_content_stream", ("google",), GOOGLE_GENAI_ROLES, streaming=True, **_C),
    MethodShape(("batches", "create"), "batches.create", ("google",), GOOGLE_BATCH_ROLES),
    MethodShape(("generate_content",), "generate_content", ("google",), GOOGLE_MODEL_ROLES, positional=("contents",)),
    MethodShape(("generate_content_async",), "generate_content_async", ("google",), GOOGLE_MODEL_ROLES, positional=("contents",)),
    MethodShape(("send_message",), "send_message", ("google",), GOOGLE_CHAT_ROLES, positional=("message",)),
    MethodShape(("send_message_stream",), "send_message_stream", ("google",), GOOGLE_CHAT_ROLES, streaming=True, positional=("message",)),
    MethodShape(("send_message_async",), "send_message_async", ("google",), GOOGLE_CHAT_ROLES, positional=("message",)),
    MethodShape(("chat",), "chat", ("cohere",), COHERE_ROLES),
    MethodShape(("chat_stream",), "chat_stream", ("cohere",), COHERE_ROLES, streaming=True),
    MethodShape(("chat", "complete"), "chat.complete", ("mistral",), MISTRAL_ROLES),
    MethodShape(("chat", "complete_async"), "chat.complete_async", ("mistral",), MISTRAL_ROLES),
    MethodShape(("chat", "stream"), "chat.stream", ("mistral",), MISTRAL_ROLES, streaming=True),
    MethodShape(("chat", "stream_async"), "chat.stream_async", ("mistral",), MISTRAL_ROLES, streaming=True),
    MethodShape(("chat",), "chat", ("ollama",), OLLAMA_ROLES),
    MethodShape(("generate",), "generate", ("ollama",), OLLAMA_ROLES),
    MethodShape(("post",), "POST", ("http",), (), **_HTTP),
)

# Module functions and constructors, by qualified name: the call itself is the shape.
# `mock_response=` makes LiteLLM answer locally: nothing is billed.
_LITELLM_FN = dict(providers=("litellm",), roles=LITELLM_ROLES, positional=("model", "messages"), no_request=("mock_response",))
_CHAT_ANTHROPIC = MethodShape((), "ChatAnthropic", ("langchain",), LANGCHAIN_ANTHROPIC_ROLES)
_CHAT_OPENAI = MethodShape((), "ChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES)
# LangChain's completion LLM `OpenAI(...)`: max_tokens defaults to 256, so no cap is not "no cap".
_LC_OPENAI_LLM = MethodShape((), "OpenAI (LLM)", ("langchain",), LANGCHAIN_OPENAI_ROLES)
_LC_ANY = dict(providers=("langchain",), roles=LANGCHAIN_ANY_ROLES)
_LC_BEDROCK = MethodShape((), "ChatBedrock", ("langchain",), LANGCHAIN_BEDROCK_ROLES)
_LC_BEDROCK_CONVERSE = MethodShape((), "ChatBedrockConverse", ("langchain",), LANGCHAIN_BEDROCK_CONVERSE_ROLES)
_LC_BEDROCK_LLM = MethodShape((), "Bedrock (LLM)", ("langchain",), LANGCHAIN_BEDROCK_ROLES)
_LC_OLLAMA = MethodShape((), "ChatOllama", ("ollama",), LANGCHAIN_ANY_ROLES)
_OPENAI_LEGACY = dict(providers=("openai",), roles=OPENAI_CHAT_ROLES)
FUNCTIONS: Dict[str, MethodShape] = {
    "litellm.completion": MethodShape((), "completion", **_LITELLM_FN),
    "litellm.acompletion": MethodShape((), "acompletion", **_LITELLM_FN),
    "litellm.main.completion": MethodShape((), "completion", **_LITELLM_FN),
    "litellm.main.acompletion": MethodShape((), "acompletion", **_LITELLM_FN),
    "langchain_anthropic.ChatAnthropic": _CHAT_ANTHROPIC,
    "langchain_anthropic.chat_models.ChatAnthropic": _CHAT_ANTHROPIC,
    "langchain.chat_models.ChatAnthropic": _CHAT_ANTHROPIC,  # langchain < 0.1
    "langchain_community.chat_models.ChatAnthropic": _CHAT_ANTHROPIC,
    "langchain_openai.ChatOpenAI": _CHAT_OPENAI,
    "langchain_openai.AzureChatOpenAI": MethodShape((), "AzureChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES),
    "langchain_openai.chat_models.ChatOpenAI": _CHAT_OPENAI,
    "langchain.chat_models.ChatOpenAI": _CHAT_OPENAI,  # langchain < 0.1
    "langchain_community.chat_models.ChatOpenAI": _CHAT_OPENAI,
    "langchain.chat_models.AzureChatOpenAI": MethodShape((), "AzureChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES),
    "langchain_openai.OpenAI": _LC_OPENAI_LLM,
    "langchain_openai.llms.OpenAI": _LC_OPENAI_LLM,
    "langchain.llms.OpenAI": _LC_OPENAI_LLM,
    "langchain.llms.openai.OpenAI": _LC_OPENAI_LLM,
    "langchain_community.llms.OpenAI": _LC_OPENAI_LLM,
    "langchain.chat_models.init_chat_model": MethodShape((), "init_chat_model", ("langchain",), LANGCHAIN_ANY_ROLES, positional=("model",)),
    "langchain.chat_models.base.init_chat_model": MethodShape((), "init_chat_model", ("langchain",), LANGCHAIN_ANY_ROLES, positional=("model",)),
    "langchain_aws.ChatBedrock": _LC_BEDROCK,
    "langchain_aws.chat_models.ChatBedrock": _LC_BEDROCK,
    "langchain_community.chat_models.BedrockChat": _LC_BEDROCK,
    "langchain.chat_models.BedrockChat": _LC_BEDROCK,
    "langchain_aws.ChatBedrockConverse": _LC_BEDROCK_CONVERSE,
    "langchain_aws.chat_models.ChatBedrockConverse": _LC_BEDROCK_CONVERSE,
    "langchain.llms.Bedrock": _LC_BEDROCK_LLM,
    "langchain.llms.bedrock.Bedrock": _LC_BEDROCK_LLM,
    "langchain_community.llms.Bedrock": _LC_BEDROCK_LLM,
    "langchain_aws.BedrockLLM": _LC_BEDROCK_LLM,
    "langchain_xai.ChatXAI": MethodShape((), "ChatXAI", **_LC_ANY),
    "langchain_groq.ChatGroq": MethodShape((), "ChatGroq", **_LC_ANY),
    "langchain_mistralai.ChatMistralAI": MethodShape((), "ChatMistralAI", **_LC_ANY),
    "langchain_google_genai.ChatGoogleGenerativeAI": MethodShape((), "ChatGoogleGenerativeAI", **_LC_ANY),
    "langchain_google_vertexai.ChatVertexAI": MethodShape((), "ChatVertexAI", **_LC_ANY),
    "langchain_ollama.ChatOllama": _LC_OLLAMA,
    "langchain_community.chat_models.ChatOllama": _LC_OLLAMA,
    # openai < 1.0: removed from the SDK (openai>=1.0 raises APIRemovedInV1 before sending).
    "openai.ChatCompletion.create": MethodShape((), "ChatCompletion.create (openai<1.0)", **_OPENAI_LEGACY),
    "openai.ChatCompletion.acreate": MethodShape((), "ChatCompletion.acreate (openai<1.0)", **_OPENAI_LEGACY),
    "openai.Completion.create": MethodShape((), "Completion.create (openai<1.0)", providers=("openai",), roles=LEGACY_OPENAI_ROLES),
    "openai.Completion.acreate": MethodShape((), "Completion.acreate (openai<1.0)", providers=("openai",), roles=LEGACY_OPENAI_ROLES),
    "ollama.chat": MethodShape((), "chat", ("ollama",), OLLAMA_ROLES),
    "ollama.generate": MethodShape((), "generate", ("ollama",), OLLAMA_ROLES),
    "requests.post": MethodShape((), "POST", ("http",), (), **_HTTP),
    "httpx.post": MethodShape((), "POST", ("http",), (), **_HTTP),
}

# Calls that run another callable with the arguments that follow it: the callable is
# the request (`await asyncio.to_thread(client.models.generate_content, model=...)`).
CALL_THROUGH = frozenset({"asyncio.to_thread"})

METHODS_LONGEST_FIRST = tuple(sorted(METHODS, key=lambda m: -len(m.chain)))

# --- endpoints ----------------------------------------------------------------------------

# A server on the user's machine: a loopback or Docker-host address, or the default port of
# Ollama (11434) or LM Studio (1234). Port 4000 is LiteLLM's proxy, which forwards to billed APIs.
_LOCAL_HOST = re.compile(r"(?i)(?:^|[/@\s\0\"'])(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|host\.docker\.internal)(?::(\d+))?(?![\w.-])")
_LOCAL_PORT = re.compile(r":(?:11434|1234)(?!\d)")
# Names of local inference servers, as a config key, an environment variable or a URL says them.
_LOCAL_NAME = re.compile(r"(?i)ollama|lm_?studio|lm-studio|vllm|llama[_.-]?cpp|localai")
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
)
# A JSON body with these keys is a chat request wherever it is sent (the URL unseen).
HTTP_BODY_PROOF = ("model", "messages")
# Headers only the Anthropic API reads.
ANTHROPIC_HEADERS = ("anthropic-version", "x-api-key")
# Body keys of Ollama's own chat API (`/api/chat`: model parameters under "options").
OLLAMA_BODY_KEYS = ("options", "keep_alive")

# Keywords that together prove an Anthropic messages call when the receiver's type is
# not known statically (a client passed in as a parameter, or imported from another
# module): `messages.create` with both `model` and `max_tokens` is the Anthropic shape;
# Django's `thread.messages.create` and most look-alikes never carry both.
UNTYPED_RECEIVER_PROOF = ("model", "max_tokens")

# Modules whose import makes a file worth parsing (byte-level pre-filter).
SDK_MODULES: Tuple[str, ...] = ("anthropic", "openai", "litellm", "langchain_anthropic", "langchain_openai", "langchain", "boto3")

# Byte patterns: a file must contain one SDK name (or the untyped-receiver proof) and one
# call shape to be parsed.
PREFILTER_NAMES: Tuple[bytes, ...] = tuple(m.encode() for m in SDK_MODULES) + (b"max_tokens",)
PREFILTER_SHAPES: Tuple[bytes, ...] = (b"messages", b"completion", b"responses", b"ChatAnthropic", b"ChatOpenAI", b"init_chat_model", b"invoke_model", b"converse")
