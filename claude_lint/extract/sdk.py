"""The call shapes of LLM SDKs, as data.

Supporting another SDK is an entry here, not new visitor code. A shape is recognised
when a call's method chain matches `chain` on a receiver that resolves to one of the
shape's client classes (or, for `FUNCTIONS`, when the called name's qualified name
matches). `roles` says which keyword holds what a rule needs, in order of preference.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start

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
    "groq.Groq": "openai", "groq.AsyncGroq": "openai",
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
    "mistralai.client.MistralClient": "mistral",  # mistralai < 1.0
    "mistralai.async_client.MistralAsyncClient": "mistral",
    "xai_sdk.Client": "xai",
    "xai_sdk.AsyncClient": "xai",
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

# Modules that are a client themselves, also handed on as one: `openai.chat.completions.create(...)`, `ollama.chat(...)`.
MODULE_CLIENTS: Dict[str, str] = {"openai": "openai", "ollama": "ollama"}

# Functions that return the client they are given, wrapped: its provider is the argument's.
CLIENT_WRAPPERS = frozenset({"instructor.from_anthropic", "instructor.from_openai", "instructor.patch", "instructor.apatch",
                             "langsmith.wrappers.wrap_openai", "langsmith.wrappers.wrap_anthropic"})

# Objects whose construction fixes arguments of every request made through them:
# qualified name of a class, or method chain of a client, -> names of its positional arguments.
REQUEST_DEFAULTS: Dict[str, Tuple[str, ...]] = {
    "google.generativeai.GenerativeModel": ("model_name",),
    "google.generativeai.generative_models.GenerativeModel": ("model_name",),
    "vertexai.generative_models.GenerativeModel": ("model_name",),
    "vertexai.preview.generative_models.GenerativeModel": ("model_name",),
    "chats.create": (), "aio.chats.create": (),
    # A LiteLLM Router's deployments (model_list) and defaults are its requests' settings.
    "litellm.Router": (),
    "litellm.router.Router": (),
}

# Methods of a client that return an object making the same provider's requests: a chat
# session (`client.chats.create(...)`, `model.start_chat()`) or a re-optioned client.
CLIENT_DERIVING: Tuple[Tuple[str, ...], ...] = (("with_options",), ("chats", "create"), ("aio", "chats", "create"), ("start_chat",))

# Client factories whose first argument names the service: (qualified name, service) -> provider.
CLIENT_FACTORIES: Dict[Tuple[str, str], str] = {
    (factory, "bedrock-runtime"): "bedrock" for factory in ("boto3.client", "boto3.Session.client", "boto3.session.Session.client")}

from claude_lint.extract.sdk_roles import *  # noqa: F401,F403  (the roles are part of the table)
from claude_lint.extract.endpoints import (  # noqa: F401  (read as sdk.* by the extractors)
    ANTHROPIC_HEADERS, HTTP_BODY_PROOF, HTTP_ENDPOINTS, MODEL_PATH_ENDPOINTS, OLLAMA_BODY_KEYS, PARTIAL_ENDPOINTS, local_evidence,
)


@frozen
class MethodShape:
    """One SDK method a request goes through: its chain after the client, roles, and what the API does."""
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
    # the method chain itself is found in no other library (with a `proof`, only when it also
    # carries one of its groups), "keywords" when it carries UNTYPED_RECEIVER_PROOF, "" never.
    # The provider is then `providers[0]`.
    untyped: str = ""
    # Keyword groups (every keyword of one group) that prove the shape on a receiver not seen in a
    # file that imports the provider's SDK (which the pre-filter asks of a chain with no `untyped`;
    # in any file for a "chain" shape).
    proof: Tuple[Tuple[str, ...], ...] = ()
    # The proof counts also on an object imported by name from another module (`from config import client`).
    proof_imported: bool = False
    http: bool = False  # a POST of an HTTP client: a request only when extract/http.py says so
    # For the pre-filter: groups of bytes, a file must hold all of one group for this shape to be worth parsing (besides its chain); and keywords one of which the call must carry.
    hints: Tuple[Tuple[bytes, ...], ...] = ()
    needs: Tuple[str, ...] = ()
    # What the rules know of the API behind the shape (read through `api_facts`):
    # - cap: what a request without an output cap does. "required": it is refused (the SDK
    #   raises, the API answers 400); "maximum": each answer may run to the model's maximum
    #   output; "" not said (a default applies, or the shape makes no request of its own).
    cap: str = ""
    # - limit_holders: arguments (the client's, for a LiteLLM Router) whose entries may carry
    #   the output cap of a request: a cap anywhere inside them, or a value not fully known, is one.
    limit_holders: Tuple[str, ...] = ()
    # - limit_keyword: the output-cap keyword a message tells the user to pass, when it is not the first keyword of the "max_tokens" role (e.g. `max_output_tokens` on responses).
    limit_keyword: str = ""
    # - batch_api: provider -> the batch API the same requests can be sent through at half
    #   price, as a message names it.
    batch_api: Tuple[Tuple[str, str], ...] = ()
    # - batch_job: the call submits a batch job, whose requests are billed at the batch discount.
    batch_job: bool = False
    # - nonstreaming_limit: the SDK refuses the call unless it streams when max_tokens is at
    #   least this (0: no such limit).
    nonstreaming_limit: int = 0
    # - alias_refused: an output-cap keyword the API still takes but newer models refuse
    #   (`max_tokens` on OpenAI chat completions: o-series models need max_completion_tokens).
    alias_refused: str = ""
    # - removed: (why the call fails before any request is sent, what to call instead) for
    #   a surface gone from the SDK.
    removed: Tuple[str, str] = ()
    # - cache_control_keyword: the SDK method passes a top-level `cache_control` keyword
    #   (automatic caching) on to the request: CL011's fix adds it here, where the provider
    #   takes it (`ProviderFacts.request_cache_control`).
    cache_control_keyword: bool = False
    # - output: what the request makes: "text", or "transcript" (from audio), "audio", "image", "video"
    #   for a billed request no text rule judges and no token price prices (`MEDIA_REQUESTS`), which the report names.
    output: str = "text"
    model_id_only: bool = False  # an agent: a request of its own only when its model is an ID, not a model object (whose site it is)

    @property
    def output_limit_keyword(self) -> str:
        if self.limit_keyword:
            return self.limit_keyword
        keywords = dict(self.roles).get("max_tokens", ())
        return keywords[0].rsplit(".", 1)[-1] if keywords else ""  # the name inside a config object

    def batch_api_for(self, provider: str) -> Optional[str]:
        return dict(self.batch_api).get(provider)


# A raw POST is an LLM request only with a JSON body, sent to an endpoint path the file
# writes or with the body's "model" and "messages" keys (see extract/http.py).
_HTTP = dict(
    http=True,
    needs=("json", "data"),
    # an endpoint path at the end of a string (or before its query; the model after `/ai/run/`), or a chat body's keys
    hints=tuple((path + end,) for path in (b"/messages", b"/completions", b"/responses", b"/api/chat", b"/api/generate", b"enerateContent")
                for end in (b'"', b"'", b"?")) + ((b"/ai/run/",), (b"api.cohere.",), (b"api.aleph-alpha.com/complete",))  # (endpoints known by their host)
    + ((b'"messages"', b'"model"'), (b"'messages'", b"'model'"), (b"messages=", b"model=", b"dict("), (b"messages=", b"model=", b"update(")),
)
_HTTP_METHOD_FIRST = dict(http=True, hints=_HTTP["hints"])

_ANTHROPIC_FAMILY = ("anthropic", "bedrock", "vertex")
# The Anthropic SDK's _calculate_nonstreaming_timeout: 3600 s * max_tokens / 128,000 > 600 s.
ANTHROPIC_NONSTREAMING_LIMIT = 21_334
_MESSAGES = dict(cap="required")
_BATCHABLE = dict(cap="required", nonstreaming_limit=ANTHROPIC_NONSTREAMING_LIMIT)
_OPENAI_BATCH = "the OpenAI Batch API (client.batches.create)"
# Gemini API Batch Mode (Google, 2025-07-07): half the standard price, results within 24 h.
_GEMINI_BATCH = "the Gemini API's Batch Mode (client.batches.create in google-genai)"
_PROMPT_CACHING_GONE = ("client.beta.prompt_caching was removed when prompt caching became generally available: the call raises "
                        "AttributeError before any request is sent")
_UNCAPPED = dict(cap="maximum")
_CHAT = dict(cap="maximum", alias_refused="max_tokens")
# `responses.create` is also a Django related manager's: `model=` with `input=` is OpenAI's request
# in a file importing openai, or on a client another module made (`from config import client`).
_RESPONSES = dict(cap="maximum", limit_keyword="max_output_tokens", proof=(("model", "input"),), proof_imported=True)
_ROUTER = dict(cap="maximum", limit_keyword="max_tokens", limit_holders=("model_list", "default_litellm_params"))
_A = dict(untyped="keywords")  # `messages.*` is also Django's and many ORMs': keywords prove it
_C = dict(untyped="chain")
_BEDROCK = dict(untyped="chain", proof=BEDROCK_PROOF)  # (a chain shape with a `proof` is proven by it, see python.untyped)

METHODS: Tuple[MethodShape, ...] = (
    MethodShape(("messages", "create"), "messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, cache_control_keyword=True, **_A, **_BATCHABLE,
                batch_api=(("anthropic", "the Message Batches API (client.messages.batches.create)"),)),
    MethodShape(("messages", "stream"), "messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, cache_control_keyword=True, streaming=True, **_A, **_MESSAGES),
    MethodShape(("messages", "parse"), "messages.parse", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_A, **_MESSAGES),
    MethodShape(("beta", "messages", "create"), "beta.messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, cache_control_keyword=True, **_C, **_BATCHABLE,
                batch_api=(("anthropic", "the Message Batches API (client.beta.messages.batches.create)"),)),
    MethodShape(("beta", "messages", "stream"), "beta.messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, cache_control_keyword=True, streaming=True, **_C, **_MESSAGES),
    MethodShape(("beta", "messages", "parse"), "beta.messages.parse", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_C, **_MESSAGES),
    # The SDK's agent loop: one messages request per iteration, until Claude calls no tool (or max_iterations).
    MethodShape(("beta", "messages", "tool_runner"), "beta.messages.tool_runner", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_C, **_MESSAGES),
    MethodShape(("messages", "batches", "create"), "messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True, batch_job=True, **_C),
    MethodShape(("beta", "messages", "batches", "create"), "beta.messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True, batch_job=True, **_C),
    # Removed: the prompt-caching beta surface (caching is generally available on messages).
    MethodShape(("beta", "prompt_caching", "messages", "create"), "beta.prompt_caching.messages.create (removed)", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, **_C,
                removed=(_PROMPT_CACHING_GONE, "client.messages.create with the same arguments (cache_control works there)")),
    MethodShape(("beta", "prompt_caching", "messages", "stream"), "beta.prompt_caching.messages.stream (removed)", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True, **_C,
                removed=(_PROMPT_CACHING_GONE, "client.messages.stream with the same arguments")),
    # Text Completions: retired by Anthropic (every current model rejects it), legacy at OpenAI.
    MethodShape(("completions", "create"), "completions.create (legacy)", _ANTHROPIC_FAMILY, LEGACY_ANTHROPIC_ROLES,
                removed=("Anthropic's Text Completions API (completions.create with prompt=) is gone from the anthropic SDK 1.x and 2.x, "
                         "and no current model accepts it", "client.messages.create(model=..., max_tokens=..., messages=[...])")),
    MethodShape(("completions", "create"), "completions.create (legacy)", ("openai",), LEGACY_OPENAI_ROLES),
    MethodShape(("chat", "completions", "create"), "chat.completions.create", ("openai",), OPENAI_CHAT_ROLES, **_C, **_CHAT,
                batch_api=(("openai", _OPENAI_BATCH),)),
    MethodShape(("chat", "completions", "parse"), "chat.completions.parse", ("openai",), OPENAI_CHAT_ROLES, **_C, **_CHAT),
    MethodShape(("chat", "completions", "stream"), "chat.completions.stream", ("openai",), OPENAI_CHAT_ROLES, streaming=True, **_C, **_CHAT),
    MethodShape(("beta", "chat", "completions", "parse"), "beta.chat.completions.parse", ("openai",), OPENAI_CHAT_ROLES, **_C, **_CHAT),
    MethodShape(("beta", "chat", "completions", "stream"), "beta.chat.completions.stream", ("openai",), OPENAI_CHAT_ROLES, streaming=True, **_C, **_CHAT),
    MethodShape(("responses", "create"), "responses.create", ("openai",), OPENAI_RESPONSES_ROLES, **_RESPONSES,
                batch_api=(("openai", _OPENAI_BATCH),)),
    MethodShape(("responses", "stream"), "responses.stream", ("openai",), OPENAI_RESPONSES_ROLES, streaming=True, **_RESPONSES),
    MethodShape(("responses", "parse"), "responses.parse", ("openai",), OPENAI_RESPONSES_ROLES, **_RESPONSES),
    # Assistants: a run is the billed request (the thread's messages are only stored). Only the
    # run takes a cap (max_completion_tokens; an assistant has none): without it the run's
    # completions may run to the model's maximum.
    MethodShape(("beta", "threads", "runs", "create"), "beta.threads.runs.create", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, **_C, **_UNCAPPED),
    MethodShape(("beta", "threads", "runs", "create_and_poll"), "beta.threads.runs.create_and_poll", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, **_C, **_UNCAPPED),
    MethodShape(("beta", "threads", "runs", "stream"), "beta.threads.runs.stream", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, streaming=True, **_C, **_UNCAPPED),
    MethodShape(("beta", "threads", "create_and_run"), "beta.threads.create_and_run", ("openai",), OPENAI_ASSISTANT_RUN_ROLES, **_C, **_UNCAPPED),
    MethodShape(("batches", "create"), "batches.create", ("openai",), OPENAI_BATCH_ROLES, batch_job=True),
    MethodShape(("completion",), "router.completion", ("litellm",), LITELLM_ROLES, no_request=("mock_response",), **_ROUTER),
    MethodShape(("acompletion",), "router.acompletion", ("litellm",), LITELLM_ROLES, no_request=("mock_response",), **_ROUTER),
    # Bedrock's runtime: its chains are parsed in any file (a client made in another module is
    # imported by name), and a call there is a request only with `modelId`, Bedrock's own spelling.
    MethodShape(("invoke_model",), "invoke_model", ("bedrock",), BEDROCK_INVOKE_ROLES, **_BEDROCK),
    MethodShape(("invoke_model_with_response_stream",), "invoke_model_with_response_stream", ("bedrock",), BEDROCK_INVOKE_ROLES, streaming=True, **_BEDROCK),
    MethodShape(("converse",), "converse", ("bedrock",), BEDROCK_CONVERSE_ROLES, **_BEDROCK),
    MethodShape(("converse_stream",), "converse_stream", ("bedrock",), BEDROCK_CONVERSE_ROLES, streaming=True, **_BEDROCK),
    # the same call with an image model's body (BEDROCK_IMAGE_BODY): a billed request no text rule judges
    MethodShape(("invoke_model",), "invoke_model (image)", ("bedrock",), BEDROCK_IMAGE_ROLES, output="image", **_BEDROCK),
    *(MethodShape(chain, api, (provider,), MEDIA_ROLES, output=output, untyped=untyped, proof=proof)
      for chain, api, provider, output, untyped, proof in MEDIA_REQUESTS),
    MethodShape(("models", "generate_content"), "models.generate_content", ("google",), GOOGLE_GENAI_ROLES, **_C,
                batch_api=(("google", _GEMINI_BATCH),)),
    MethodShape(("models", "generate_content_stream"), "models.generate_content_stream", ("google",), GOOGLE_GENAI_ROLES, streaming=True, **_C),
    MethodShape(("batches", "create"), "batches.create", ("google",), GOOGLE_BATCH_ROLES, batch_job=True),
    MethodShape(("generate_content",), "generate_content", ("google",), GOOGLE_MODEL_ROLES, positional=("contents",), proof=GEMINI_PROOF,
                batch_api=(("google", _GEMINI_BATCH),)),
    MethodShape(("generate_content_async",), "generate_content_async", ("google",), GOOGLE_MODEL_ROLES, positional=("contents",), proof=GEMINI_PROOF),
    MethodShape(("send_message",), "send_message", ("google",), GOOGLE_CHAT_ROLES, positional=("message",)),
    MethodShape(("send_message_stream",), "send_message_stream", ("google",), GOOGLE_CHAT_ROLES, streaming=True, positional=("message",)),
    MethodShape(("send_message_async",), "send_message_async", ("google",), GOOGLE_CHAT_ROLES, positional=("message",)),
    MethodShape(("chat",), "chat", ("cohere",), COHERE_ROLES),
    MethodShape(("chat_stream",), "chat_stream", ("cohere",), COHERE_ROLES, streaming=True),
    MethodShape(("chat", "complete"), "chat.complete", ("mistral",), MISTRAL_ROLES, proof=MISTRAL_PROOF),
    MethodShape(("chat", "complete_async"), "chat.complete_async", ("mistral",), MISTRAL_ROLES, proof=MISTRAL_PROOF),
    MethodShape(("chat", "stream"), "chat.stream", ("mistral",), MISTRAL_ROLES, streaming=True, proof=MISTRAL_PROOF),
    MethodShape(("chat", "stream_async"), "chat.stream_async", ("mistral",), MISTRAL_ROLES, streaming=True, proof=MISTRAL_PROOF),
    MethodShape(("chat",), "chat", ("ollama",), OLLAMA_ROLES),
    MethodShape(("chat",), "chat (mistralai<1.0)", ("mistral",), MISTRAL_ROLES, positional=("model", "messages"), proof=MISTRAL_PROOF),
    MethodShape(("chat_stream",), "chat_stream (mistralai<1.0)", ("mistral",), MISTRAL_ROLES, streaming=True, positional=("model", "messages"), proof=MISTRAL_PROOF),
    # xai_sdk: the chat's settings, written here and sent by its `sample()` (a chat model's constructor, as it were)
    MethodShape(("chat", "create"), "chat.create (xai_sdk)", ("xai",), XAI_CHAT_ROLES, positional=("model",)),
    MethodShape(("generate",), "generate", ("ollama",), OLLAMA_ROLES),
    MethodShape(("post",), "POST", ("http",), (), **_HTTP),
    # `client.stream("POST", url, json=...)`, `session.request("POST", ...)`: the method first (http.py reads
    # the URL after it). No `needs`: the pre-filter's POST test reads the first argument as the URL.
    MethodShape(("stream",), "POST", ("http",), (), **_HTTP_METHOD_FIRST),
    MethodShape(("request",), "POST", ("http",), (), **_HTTP_METHOD_FIRST),
)

# Module functions and constructors, by qualified name: the call itself is the shape.
# `mock_response=` makes LiteLLM answer locally: nothing is billed.
_LITELLM_FN = dict(providers=("litellm",), roles=LITELLM_ROLES, positional=("model", "messages"), no_request=("mock_response",),
                   cap="maximum", limit_keyword="max_tokens")
_CHAT_ANTHROPIC = MethodShape((), "ChatAnthropic", ("langchain",), LANGCHAIN_ANTHROPIC_ROLES, **_UNCAPPED)
_CHAT_OPENAI = MethodShape((), "ChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES, **_UNCAPPED, limit_keyword="max_tokens")
_AZURE_CHAT_OPENAI = MethodShape((), "AzureChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES, **_UNCAPPED)
# LangChain's completion LLM `OpenAI(...)`: max_tokens defaults to 256, so no cap is not "no cap".
_LC_OPENAI_LLM = MethodShape((), "OpenAI (LLM)", ("langchain",), LANGCHAIN_OPENAI_ROLES)
# The older ChatAnthropic (langchain < 0.1 and langchain_community, on `_AnthropicCommon`) caps an
# omitted max_tokens_to_sample at 256; only langchain-anthropic's lifts it to the model's maximum.
_LEGACY_CHAT_ANTHROPIC = MethodShape((), "ChatAnthropic (legacy)", ("langchain",), LANGCHAIN_ANTHROPIC_ROLES)
_LC_ANY = dict(providers=("langchain",), roles=LANGCHAIN_ANY_ROLES)
_VERTEX_BATCH = MethodShape((), "BatchPredictionJob.submit", ("google",), VERTEX_BATCH_ROLES, positional=("source_model",), batch_job=True)
_LC_BEDROCK = MethodShape((), "ChatBedrock", ("langchain",), LANGCHAIN_BEDROCK_ROLES)
_LC_BEDROCK_CONVERSE = MethodShape((), "ChatBedrockConverse", ("langchain",), LANGCHAIN_BEDROCK_CONVERSE_ROLES)
_LC_BEDROCK_LLM = MethodShape((), "Bedrock (LLM)", ("langchain",), LANGCHAIN_BEDROCK_ROLES)
_LC_OLLAMA = MethodShape((), "ChatOllama", ("ollama",), LANGCHAIN_ANY_ROLES)
# openai<1.0's ChatCompletion sends no max_tokens unless given: the answer may run to the model's
# maximum (its Completion defaults to 16 tokens, so it is not uncapped).
_OPENAI_LEGACY = dict(providers=("openai",), roles=OPENAI_CHAT_ROLES, cap="maximum", limit_keyword="max_tokens")
_CHAT_COMPLETION_GONE = ("openai.ChatCompletion was removed in openai 1.0: openai>=1.0 raises APIRemovedInV1 before any request, "
                         "and a pin below 1.0 gets no fixes")
_COMPLETION_GONE = "openai.Completion was removed in openai 1.0: openai>=1.0 raises APIRemovedInV1 before any request"
FUNCTIONS: Dict[str, MethodShape] = {
    "litellm.completion": MethodShape((), "completion", **_LITELLM_FN),
    "litellm.acompletion": MethodShape((), "acompletion", **_LITELLM_FN),
    "litellm.main.completion": MethodShape((), "completion", **_LITELLM_FN),
    "litellm.main.acompletion": MethodShape((), "acompletion", **_LITELLM_FN),
    # one request per conversation of `messages` (a list of message lists), sent at once
    **{f"litellm{m}.batch_completion": MethodShape((), "batch_completion", **_LITELLM_FN) for m in ("", ".main")},
    # Batch jobs over an uploaded JSONL file (LiteLLM's: OpenAI's by default) or a table (Vertex AI's Gemini): billed at the batch discount
    **{f"litellm.{a}create_batch": MethodShape((), f"{a}create_batch", ("litellm",), OPENAI_BATCH_ROLES, batch_job=True) for a in ("", "a")},
    **{f"vertexai{p}.batch_prediction.BatchPredictionJob.submit": _VERTEX_BATCH for p in ("", ".preview")},
    "langchain_anthropic.ChatAnthropic": _CHAT_ANTHROPIC,
    "langchain_anthropic.chat_models.ChatAnthropic": _CHAT_ANTHROPIC,
    "langchain.chat_models.ChatAnthropic": _LEGACY_CHAT_ANTHROPIC,  # langchain < 0.1
    "langchain_community.chat_models.ChatAnthropic": _LEGACY_CHAT_ANTHROPIC,
    "langchain_openai.ChatOpenAI": _CHAT_OPENAI,
    "langchain_openai.AzureChatOpenAI": _AZURE_CHAT_OPENAI,
    "langchain_openai.chat_models.ChatOpenAI": _CHAT_OPENAI,
    "langchain.chat_models.ChatOpenAI": _CHAT_OPENAI,  # langchain < 0.1
    "langchain_community.chat_models.ChatOpenAI": _CHAT_OPENAI,
    "langchain.chat_models.AzureChatOpenAI": _AZURE_CHAT_OPENAI,
    "langchain_openai.OpenAI": _LC_OPENAI_LLM,
    "langchain_openai.llms.OpenAI": _LC_OPENAI_LLM,
    "langchain.llms.OpenAI": _LC_OPENAI_LLM,
    "langchain.llms.openai.OpenAI": _LC_OPENAI_LLM,
    "langchain_community.llms.OpenAI": _LC_OPENAI_LLM,
    "langchain.chat_models.init_chat_model": MethodShape((), "init_chat_model", ("langchain",), LANGCHAIN_ANY_ROLES, positional=("model",), **_UNCAPPED, limit_keyword="max_tokens"),
    "langchain.chat_models.base.init_chat_model": MethodShape((), "init_chat_model", ("langchain",), LANGCHAIN_ANY_ROLES, positional=("model",), **_UNCAPPED, limit_keyword="max_tokens"),
    **{q: _LC_BEDROCK for q in ("langchain_aws.ChatBedrock", "langchain_aws.chat_models.ChatBedrock", "langchain_community.chat_models.BedrockChat", "langchain.chat_models.BedrockChat")},
    **{q: _LC_BEDROCK_CONVERSE for q in ("langchain_aws.ChatBedrockConverse", "langchain_aws.chat_models.ChatBedrockConverse")},
    **{q: _LC_BEDROCK_LLM for q in ("langchain.llms.Bedrock", "langchain.llms.bedrock.Bedrock", "langchain_community.llms.Bedrock", "langchain_aws.BedrockLLM")},
    # langchain-xai's ChatXAI is langchain-openai's BaseChatOpenAI: no max_tokens unless given.
    "langchain_xai.ChatXAI": MethodShape((), "ChatXAI", **_LC_ANY, **_UNCAPPED, limit_keyword="max_tokens"),
    "langchain_groq.ChatGroq": MethodShape((), "ChatGroq", **_LC_ANY),
    "langchain_mistralai.ChatMistralAI": MethodShape((), "ChatMistralAI", **_LC_ANY),
    # langchain-google-genai sends max_output_tokens only when given, and the Gemini API then allows the model's output_token_limit.
    **{f"langchain_google_genai.{c}": MethodShape((), c, **_LC_ANY, **_UNCAPPED, limit_keyword="max_output_tokens") for c in ("ChatGoogleGenerativeAI", "GoogleGenerativeAI")},
    "langchain_google_vertexai.ChatVertexAI": MethodShape((), "ChatVertexAI", **_LC_ANY),
    **{f"langchain_google_vertexai{m}.ChatAnthropicVertex": MethodShape((), "ChatAnthropicVertex", **_LC_ANY) for m in ("", ".model_garden")},
    # neo4j-graphrag's OpenAILLM: its invoke sends chat.completions.create(model=model_name, **model_params), uncapped unless they cap it
    **{f"neo4j_graphrag.llm{m}.OpenAILLM": MethodShape((), "OpenAILLM (neo4j-graphrag)", ("langchain",), NEO4J_OPENAI_ROLES, positional=("model_name",), **_UNCAPPED, limit_keyword='model_params["max_tokens"]', limit_holders=("model_params",)) for m in ("", ".openai_llm")},
    "langchain_ollama.ChatOllama": _LC_OLLAMA,
    "langchain_community.chat_models.ChatOllama": _LC_OLLAMA,
    "langchain_litellm.ChatLiteLLM": MethodShape((), "ChatLiteLLM", **_LC_ANY),
    "langchain_community.chat_models.ChatLiteLLM": MethodShape((), "ChatLiteLLM", **_LC_ANY),
    # LlamaIndex's LLM objects: the constructor is where model and limits are written (its
    # complete/chat calls send them). No cap facts: their defaults differ by class and version.
    **{f"llama_index.llms.{module}{cls}": MethodShape((), f"{cls.lstrip('.')} (LlamaIndex)", **_LC_ANY) for module, cls in (
        ("openai.", "OpenAI"), ("anthropic.", "Anthropic"), ("azure_openai.", "AzureOpenAI"), ("gemini.", "Gemini"),
        ("google_genai.", "GoogleGenAI"), ("vertex.", "Vertex"), ("bedrock.", "Bedrock"), ("bedrock_converse.", "BedrockConverse"),
        ("litellm.", "LiteLLM"), ("groq.", "Groq"), ("mistralai.", "MistralAI"), ("openrouter.", "OpenRouter"), ("openai_like.", "OpenAILike"),
        ("", "OpenAI"), ("", "Anthropic"), ("", "AzureOpenAI"), ("", "Gemini"),  # llama_index < 0.10
    )},
    # Other frameworks' model objects, written like a LangChain chat model (model and limits at the constructor, requests where it runs; no cap facts: their defaults are their own).
    **{q: MethodShape((), api, ("langchain",), MODEL_OBJECT_ROLES, positional=("model",)) for q, api in MODEL_OBJECT_CLASSES},
    **{q: MethodShape((), "Agent (Strands)", ("langchain",), MODEL_OBJECT_ROLES, positional=("model",), model_id_only=True) for q in ("strands.Agent", "strands.agent.Agent")},
    # LangChain 1.x's create_agent(model, tools, ...) makes its own chat model (init_chat_model) from a model ID;
    # over a model object, that object is the site (no cap facts: a cap needs a model object). So do the OpenAI
    # Agents SDK's Agent(name, ...), whose model is a keyword only, and agno's (sdk_roles.AGNO_MODELS).
    **{q: MethodShape((), "create_agent (LangChain)", ("langchain",), MODEL_OBJECT_ROLES, positional=("model",), model_id_only=True)
       for q in ("langchain.agents.create_agent", "langchain.agents.factory.create_agent")},
    "agents.Agent": MethodShape((), "Agent (OpenAI Agents)", ("langchain",), MODEL_OBJECT_ROLES, model_id_only=True), "strands.models.ollama.OllamaModel": MethodShape((), "OllamaModel (Strands)", ("ollama",), MODEL_OBJECT_ROLES),
    **{q: MethodShape((), api, ("langchain",), AGNO_ROLES) for q, api in AGNO_MODELS}, **{q: MethodShape((), "OpenAIChat (agno)", ("langchain",), AGNO_ROLES, **_UNCAPPED, limit_keyword="max_tokens") for q in AGNO_OPENAI_CHAT},
    **{q: MethodShape((), "Ollama (agno)", ("ollama",), AGNO_ROLES) for q in AGNO_LOCAL}, "agno.agent.Agent": MethodShape((), "Agent (agno)", ("langchain",), MODEL_OBJECT_ROLES, model_id_only=True),
    **{q: MethodShape((), "LlmAgent (Google ADK)", ("langchain",), ADK_AGENT_ROLES, model_id_only=True) for q in ADK_AGENTS},  # (sdk_roles.ADK_AGENTS)
    "langchain_community.chat_models.AzureChatOpenAI": _AZURE_CHAT_OPENAI, "langchain_community.chat_models.ChatVertexAI": MethodShape((), "ChatVertexAI", **_LC_ANY),
    **{f"llama_index.llms.{m}Ollama": MethodShape((), "Ollama (LlamaIndex)", ("ollama",), LANGCHAIN_ANY_ROLES) for m in ("ollama.", "")},
    **{f"{m}.{c}": MethodShape((), c, ("langchain",), AI21_ROLES if c == "AI21" else HUGGINGFACE_ROLES) for c, ms in HUGGINGFACE_CLASSES for m in ms},
    # openai < 1.0: removed from the SDK (openai>=1.0 raises APIRemovedInV1 before sending).
    "openai.ChatCompletion.create": MethodShape((), "ChatCompletion.create (openai<1.0)", **_OPENAI_LEGACY,
                                                removed=(_CHAT_COMPLETION_GONE, "OpenAI().chat.completions.create(...)")),
    "openai.ChatCompletion.acreate": MethodShape((), "ChatCompletion.acreate (openai<1.0)", **_OPENAI_LEGACY,
                                                 removed=(_CHAT_COMPLETION_GONE, "await AsyncOpenAI().chat.completions.create(...)")),
    "openai.Completion.create": MethodShape((), "Completion.create (openai<1.0)", providers=("openai",), roles=LEGACY_OPENAI_ROLES, removed=(
        _COMPLETION_GONE, "OpenAI().chat.completions.create(...) (or OpenAI().completions.create for a completion model)")),
    "openai.Completion.acreate": MethodShape((), "Completion.acreate (openai<1.0)", providers=("openai",), roles=LEGACY_OPENAI_ROLES,
                                             removed=(_COMPLETION_GONE, "AsyncOpenAI().chat.completions.create(...)")),
    "ollama.chat": MethodShape((), "chat", ("ollama",), OLLAMA_ROLES),
    "ollama.generate": MethodShape((), "generate", ("ollama",), OLLAMA_ROLES),
    "requests.post": MethodShape((), "POST", ("http",), (), **_HTTP),
    "httpx.post": MethodShape((), "POST", ("http",), (), **_HTTP),
    "requests.request": MethodShape((), "POST", ("http",), (), **_HTTP_METHOD_FIRST),
    "httpx.request": MethodShape((), "POST", ("http",), (), **_HTTP_METHOD_FIRST),
    "httpx.stream": MethodShape((), "POST", ("http",), (), **_HTTP_METHOD_FIRST),
    # urllib's POST: the URL and body are the Request's it is handed (extract/http.py)
    "urllib.request.urlopen": MethodShape((), "POST", ("http",), (), http=True, hints=_HTTP["hints"]),
}

# Request-config constructors whose keywords are read as a dict's keys (typed request
# helpers that are plain dicts at run time, and Google's config objects).
DICT_LIKE_CALLS = frozenset({"dict", "Request", "MessageCreateParamsNonStreaming", "MessageCreateParams", "GenerateContentConfig", "GenerationConfig"})

# Calls that run another callable with the arguments that follow it: the callable is
# the request (`await asyncio.to_thread(client.models.generate_content, model=...)`).
CALL_THROUGH = frozenset({"asyncio.to_thread"})

METHODS_LONGEST_FIRST = tuple(sorted(METHODS, key=lambda m: -len(m.chain)))

# The same APIs reached by a raw HTTP POST (extract/http.py names them by endpoint).
ENDPOINT_SHAPES: Tuple[MethodShape, ...] = (
    MethodShape((), "POST /v1/messages", ("anthropic",), ANTHROPIC_ROLES, **_MESSAGES),
    MethodShape((), "POST /chat/completions", ("openai",), OPENAI_CHAT_ROLES, **_CHAT),
    MethodShape((), "POST /v1/responses", ("openai",), OPENAI_RESPONSES_ROLES, **_RESPONSES),
)


def function_shape(qual: str) -> Optional[MethodShape]:
    """The shape of a called qualified name; a LangChain partner package's class imported from the
    submodule that defines it (`langchain_aws.chat_models.bedrock_converse.ChatBedrockConverse`) is
    the class its package exports (the same object)."""
    shape = FUNCTIONS.get(qual)
    if shape is None and qual.startswith("langchain_") and qual.count(".") >= 2:
        top, _, name = qual.partition(".")
        shape = FUNCTIONS.get(f"{top}.{name.rsplit('.', 1)[-1]}")
    return shape


def _by_api() -> Dict[Tuple[str, str], MethodShape]:
    found: Dict[Tuple[str, str], MethodShape] = {}
    for shape in (*METHODS, *FUNCTIONS.values(), *ENDPOINT_SHAPES):
        for provider in shape.providers:
            found.setdefault((provider, shape.api), shape)
    return found


_BY_API = _by_api()


def api_facts(provider: str, api: str) -> Optional[MethodShape]:
    """The shape a call site was recognised by (its `provider` and `api`), for the rules to
    read what the API does; None for a request from a config or prompt file."""
    return _BY_API.get((provider, api))


def makes_text(provider: str, api: str) -> bool:
    """Is the request a text completion (what the rules judge and tokens price)? False for a billed
    request that transcribes audio or makes audio, images or video (`MethodShape.output`)."""
    shape = _BY_API.get((provider, api))
    return shape is None or shape.output == "text"
