"""The call shapes of LLM SDKs, as data.

Supporting another SDK is an entry here, not new visitor code. A shape is recognised
when a call's method chain matches `chain` on a receiver that resolves to one of the
shape's client classes (or, for `FUNCTIONS`, when the called name's qualified name
matches). `roles` says which keyword holds what a rule needs, in order of preference.
"""
from __future__ import annotations

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
    "litellm.Router": "litellm",
    "litellm.router.Router": "litellm",
}

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
    ("model", ("model",)),
    ("max_tokens", ("max_tokens", "max_completion_tokens", "max_output_tokens")),
    ("stream", ("streaming",)),
    ("timeout", ("timeout",)),
)

# Dotted keyword names reach inside an argument: "body.max_tokens" is the `max_tokens`
# key of the `body` argument (JSON-decoded when it was built with json.dumps).
BEDROCK_INVOKE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("modelId",)),
    ("max_tokens", ("body.max_tokens",)),
    ("system", ("body.system",)),
    ("messages", ("body.messages",)),
    ("tools", ("body.tools",)),
)

BEDROCK_CONVERSE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("modelId",)),
    ("max_tokens", ("inferenceConfig.maxTokens",)),
    ("system", ("system",)),
    ("messages", ("messages",)),
    ("tools", ("toolConfig.tools",)),
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


_ANTHROPIC_FAMILY = ("anthropic", "bedrock", "vertex")

METHODS: Tuple[MethodShape, ...] = (
    MethodShape(("messages", "create"), "messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES),
    MethodShape(("messages", "stream"), "messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True),
    MethodShape(("messages", "parse"), "messages.parse", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES),
    MethodShape(("beta", "messages", "create"), "beta.messages.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES),
    MethodShape(("beta", "messages", "stream"), "beta.messages.stream", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, streaming=True),
    MethodShape(("messages", "batches", "create"), "messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True),
    MethodShape(("beta", "messages", "batches", "create"), "beta.messages.batches.create", _ANTHROPIC_FAMILY, ANTHROPIC_ROLES, batch=True),
    MethodShape(("chat", "completions", "create"), "chat.completions.create", ("openai",), OPENAI_CHAT_ROLES),
    MethodShape(("chat", "completions", "parse"), "chat.completions.parse", ("openai",), OPENAI_CHAT_ROLES),
    MethodShape(("beta", "chat", "completions", "parse"), "beta.chat.completions.parse", ("openai",), OPENAI_CHAT_ROLES),
    MethodShape(("responses", "create"), "responses.create", ("openai",), OPENAI_RESPONSES_ROLES),
    MethodShape(("responses", "stream"), "responses.stream", ("openai",), OPENAI_RESPONSES_ROLES, streaming=True),
    MethodShape(("completion",), "router.completion", ("litellm",), LITELLM_ROLES, no_request=("mock_response",)),
    MethodShape(("acompletion",), "router.acompletion", ("litellm",), LITELLM_ROLES, no_request=("mock_response",)),
    MethodShape(("invoke_model",), "invoke_model", ("bedrock",), BEDROCK_INVOKE_ROLES),
    MethodShape(("invoke_model_with_response_stream",), "invoke_model_with_response_stream", ("bedrock",), BEDROCK_INVOKE_ROLES, streaming=True),
    MethodShape(("converse",), "converse", ("bedrock",), BEDROCK_CONVERSE_ROLES),
    MethodShape(("converse_stream",), "converse_stream", ("bedrock",), BEDROCK_CONVERSE_ROLES, streaming=True),
)

# Module functions and constructors, by qualified name: the call itself is the shape.
# `mock_response=` makes LiteLLM answer locally: nothing is billed.
_LITELLM_FN = dict(providers=("litellm",), roles=LITELLM_ROLES, positional=("model", "messages"), no_request=("mock_response",))
FUNCTIONS: Dict[str, MethodShape] = {
    "litellm.completion": MethodShape((), "completion", **_LITELLM_FN),
    "litellm.acompletion": MethodShape((), "acompletion", **_LITELLM_FN),
    "litellm.main.completion": MethodShape((), "completion", **_LITELLM_FN),
    "litellm.main.acompletion": MethodShape((), "acompletion", **_LITELLM_FN),
    "langchain_anthropic.ChatAnthropic": MethodShape((), "ChatAnthropic", ("langchain",), LANGCHAIN_ANTHROPIC_ROLES),
    "langchain_anthropic.chat_models.ChatAnthropic": MethodShape((), "ChatAnthropic", ("langchain",), LANGCHAIN_ANTHROPIC_ROLES),
    "langchain_openai.ChatOpenAI": MethodShape((), "ChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES),
    "langchain_openai.AzureChatOpenAI": MethodShape((), "AzureChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES),
    "langchain_openai.chat_models.ChatOpenAI": MethodShape((), "ChatOpenAI", ("langchain",), LANGCHAIN_OPENAI_ROLES),
    "langchain.chat_models.init_chat_model": MethodShape((), "init_chat_model", ("langchain",), LANGCHAIN_ANY_ROLES, positional=("model",)),
    "langchain.chat_models.base.init_chat_model": MethodShape((), "init_chat_model", ("langchain",), LANGCHAIN_ANY_ROLES, positional=("model",)),
}

METHODS_LONGEST_FIRST = tuple(sorted(METHODS, key=lambda m: -len(m.chain)))

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


def method_shape(chain: Tuple[str, ...]) -> "MethodShape | None":
    for shape in METHODS:
        if shape.chain == chain:
            return shape
    return None
