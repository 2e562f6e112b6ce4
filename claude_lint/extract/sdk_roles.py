"""Which keyword of each SDK's request carries what a rule needs (the roles of
`sdk.MethodShape`), in order of preference: role -> keyword names. A dotted name reaches
inside an argument (`"config.max_output_tokens"`). Also the words that prove a call a request
where its client is not seen, the pre-filter's byte patterns, and what a provider's API does
whatever method is called (`ProviderFacts`)."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Tuple
from claude_lint.records import frozen  # what @dataclass(frozen=True) makes, without dataclasses' per-class work at each start

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


# `extra_body` is merged into the request's JSON: a cap there caps the request.
OPENAI_LIMIT = ("max_completion_tokens", "max_tokens", "max_output_tokens",
                "extra_body.max_completion_tokens", "extra_body.max_tokens", "extra_body.max_output_tokens")

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

# `model_kwargs` are sent with every request of the chat model: a cap there caps them.
LANGCHAIN_OPENAI_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_name")),
    ("max_tokens", ("max_completion_tokens", "max_tokens", "model_kwargs.max_completion_tokens", "model_kwargs.max_tokens")),
    ("stream", ("streaming",)),
    ("timeout", ("timeout", "request_timeout")),
)

# Other frameworks' model objects (pydantic-ai, DSPy, CrewAI, smolagents, AutoGen, Haystack):
# model and limits at the constructor, like a LangChain chat model.
MODEL_OBJECT_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_id", "model_name")),
    ("max_tokens", ("max_tokens", "max_completion_tokens", "max_output_tokens", "max_new_tokens")),
    ("timeout", ("timeout",)),
)
# Google ADK's LlmAgent (also named Agent): its model a keyword, an ID (or a LiteLlm model object,
# whose request it then is: `model_id_only`), its output limit generate_content_config's.
ADK_AGENTS = ("google.adk.agents.LlmAgent", "google.adk.agents.Agent", "google.adk.agents.llm_agent.LlmAgent", "google.adk.agents.llm_agent.Agent", "google.adk.Agent")
ADK_AGENT_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("generate_content_config.max_output_tokens",)),
)
# neo4j-graphrag's OpenAILLM(model_name, model_params): the request's keywords are model_params' entries.
NEO4J_OPENAI_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model_name",)),
    ("max_tokens", ("model_params.max_tokens", "model_params.max_completion_tokens")),
)
# LangChain's Hugging Face inference models (HuggingFaceEndpoint, HuggingFaceHub): the model is a repo_id
# (and AI21 below, with roles of its own).
HUGGINGFACE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("repo_id", "model")),
    ("max_tokens", ("max_new_tokens", "model_kwargs.max_new_tokens")),
    ("timeout", ("timeout",)),
)
HUGGINGFACE_CLASSES = (("HuggingFaceEndpoint", ("langchain_huggingface", "langchain_huggingface.llms", "langchain_community.llms", "langchain_community.llms.huggingface_endpoint")),
                       ("HuggingFaceHub", ("langchain_community.llms", "langchain_community.llms.huggingface_hub", "langchain.llms")))
# LangChain's AI21 Studio LLM (legacy `langchain.llms.AI21`): its cap is `maxTokens` (256 unless set).
AI21_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (("model", ("model",)), ("max_tokens", ("maxTokens",)), ("timeout", ("timeout",)))
HUGGINGFACE_CLASSES += (("AI21", ("langchain.llms", "langchain.llms.ai21", "langchain_community.llms", "langchain_community.llms.ai21")),)
# Other frameworks' model objects, written like a LangChain chat model (model and limits at the
# constructor, requests where it runs), by qualified name and the API named in messages.
MODEL_OBJECT_CLASSES: Tuple[Tuple[str, str], ...] = (
    ("pydantic_ai.Agent", "Agent (pydantic-ai)"), ("dspy.LM", "LM (DSPy)"), ("dspy.OpenAI", "OpenAI (DSPy)"), ("dspy.Claude", "Claude (DSPy)"),
    ("google.adk.models.lite_llm.LiteLlm", "LiteLlm (Google ADK)"), ("google.adk.models.LiteLlm", "LiteLlm (Google ADK)"), ("crewai.LLM", "LLM (CrewAI)"), ("smolagents.LiteLLMModel", "LiteLLMModel (smolagents)"), ("smolagents.OpenAIServerModel", "OpenAIServerModel (smolagents)"),
    ("autogen_ext.models.openai.OpenAIChatCompletionClient", "OpenAIChatCompletionClient (AutoGen)"),
    ("autogen_ext.models.anthropic.AnthropicChatCompletionClient", "AnthropicChatCompletionClient (AutoGen)"),
    ("haystack.components.generators.OpenAIGenerator", "OpenAIGenerator (Haystack)"),
    ("haystack.components.generators.chat.OpenAIChatGenerator", "OpenAIChatGenerator (Haystack)"),
    ("langchain_google_vertexai.VertexAI", "VertexAI"),  # (langchain_google_genai.GoogleGenerativeAI: sdk.py, with its cap fact)
    ("langchain_deepseek.ChatDeepSeek", "ChatDeepSeek"), ("langchain_together.ChatTogether", "ChatTogether"),
    ("langchain_fireworks.ChatFireworks", "ChatFireworks"), ("langchain_cohere.ChatCohere", "ChatCohere"),
    ("langchain_community.chat_models.ChatPerplexity", "ChatPerplexity"), ("langchain_openai.AzureOpenAI", "AzureOpenAI (LLM)"),
    ("langchain_anthropic.AnthropicLLM", "AnthropicLLM"), ("langchain.llms.Anthropic", "Anthropic (LLM)"), ("langchain_community.llms.Anthropic", "Anthropic (LLM)"),
    *((f"strands.models.{m}", f"{m.rsplit('.', 1)[-1]} (Strands)") for m in ("BedrockModel", "bedrock.BedrockModel", "anthropic.AnthropicModel", "openai.OpenAIModel", "litellm.LiteLLMModel")),
    ("agents.extensions.models.litellm_model.LitellmModel", "LitellmModel (OpenAI Agents)"),
    # the OpenAI Agents SDK's model objects over an AsyncOpenAI client (often another provider's OpenAI-compatible URL)
    *((f"agents{m}.{c}", f"{c} (OpenAI Agents)") for m, c in (("", "OpenAIChatCompletionsModel"), (".models.openai_chatcompletions", "OpenAIChatCompletionsModel"),
                                                              ("", "OpenAIResponsesModel"), (".models.openai_responses", "OpenAIResponsesModel"))),
    ("langchain.llms.AzureOpenAI", "AzureOpenAI (LLM)"), ("langchain_community.llms.AzureOpenAI", "AzureOpenAI (LLM)"),
)
# agno's (formerly phidata's) model objects, handed to `Agent(model=...)`, which sends their requests
# on `agent.run(...)` / `print_response(...)`: the model ID is `id`. OpenAIChat sends no cap unless
# given one (`max_tokens` and `max_completion_tokens` default to None): sdk.py gives it the cap fact.
AGNO_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("id",)),
    ("max_tokens", ("max_tokens", "max_completion_tokens", "max_output_tokens")),
    ("timeout", ("timeout",)),
)
AGNO_MODELS: Tuple[Tuple[str, str], ...] = tuple(
    (f"{package}.{module}.{cls}", f"{cls} (agno)") for package in ("agno.models", "phi.model") for module, cls in (
        ("openai", "OpenAIResponses"), ("anthropic", "Claude"), ("google", "Gemini"), ("groq", "Groq"), ("openrouter", "OpenRouter"),
        ("aws", "AwsBedrock"), ("aws", "Claude"), ("litellm", "LiteLLM"), ("deepseek", "DeepSeek"), ("mistral", "MistralChat"),
        ("azure", "AzureOpenAI"), ("xai", "xAI"), ("together", "Together"), ("cohere", "Cohere"), ("fireworks", "Fireworks")))
AGNO_OPENAI_CHAT = ("agno.models.openai.OpenAIChat", "agno.models.openai.chat.OpenAIChat", "phi.model.openai.OpenAIChat")
AGNO_LOCAL = ("agno.models.ollama.Ollama", "phi.model.ollama.Ollama")
LANGCHAIN_ANY_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model", "model_name")),
    ("max_tokens", ("max_tokens", "max_completion_tokens", "max_output_tokens", "model_kwargs.max_tokens", "model_kwargs.max_completion_tokens")),
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


# Billed requests that make no text completion (speech, transcription, images, video): each a
# request site, with the model as its only role, so that no rule reads a prompt, an output limit
# or a history there (`MethodShape.output` says what it makes: "transcript", text written from
# audio (Whisper, gpt-4o-transcribe), billed by the minute of audio; no token figure prices any of them). How each is proven where its
# client is not seen: "chain" (no other library has it), or keyword groups in a file that
# imports the SDK. (chain, api, provider, output, untyped, proof)
MEDIA_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (("model", ("model",)),)
MEDIA_REQUESTS = (
    (("audio", "transcriptions", "create"), "audio.transcriptions.create", "openai", "transcript", "chain", ()),
    (("audio", "translations", "create"), "audio.translations.create", "openai", "transcript", "chain", ()),
    (("audio", "speech", "create"), "audio.speech.create", "openai", "audio", "chain", ()),
    (("images", "generate"), "images.generate", "openai", "image", "", (("prompt",),)),
    (("images", "edit"), "images.edit", "openai", "image", "", (("image",),)),
    (("images", "create_variation"), "images.create_variation", "openai", "image", "", (("image",),)),
    (("models", "generate_images"), "models.generate_images", "google", "image", "chain", ()),
    (("models", "edit_image"), "models.edit_image", "google", "image", "chain", ()),
    (("models", "upscale_image"), "models.upscale_image", "google", "image", "chain", ()),
    (("models", "generate_videos"), "models.generate_videos", "google", "video", "chain", ()),
)
BEDROCK_IMAGE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (("model", ("modelId",)),)
# An `invoke_model` body is an image model's request when it holds a key of Stability's (SDXL:
# text_prompts, cfg_scale; SD3 and Stable Image: aspect_ratio) or Amazon's image bodies (Titan
# Image, Nova Canvas: taskType and its parameters), and no key of a text model's body.
BEDROCK_IMAGE_BODY = frozenset({"text_prompts", "cfg_scale", "aspect_ratio", "taskType", "textToImageParams", "imageGenerationConfig"})
BEDROCK_TEXT_BODY = frozenset({"messages", "anthropic_version", "max_tokens", "max_tokens_to_sample", "max_gen_len", "textGenerationConfig", "inferenceConfig"})

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
VERTEX_BATCH_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (("model", ("source_model",)),)  # `BatchPredictionJob.submit(model, ...)`

COHERE_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens",)),
    ("system", ("preamble",)),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
)

# Aleph Alpha's `/complete` (a raw POST: endpoints.py): the prompt is `prompt`, the cap `maximum_tokens`
ALEPH_ALPHA_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("maximum_tokens",)),
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

# Cloudflare Workers AI's `/ai/run/{model}`: the model is in the URL, not the body.
WORKERS_AI_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("max_tokens", ("max_tokens",)),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
    ("stream", ("stream",)),
)

# Keywords that together prove an Anthropic messages call when the receiver's type is
# not known statically (a client passed in as a parameter, or imported from another
# module): `messages.create` with both `model` and `max_tokens` is the Anthropic shape;
# Django's `thread.messages.create` and most look-alikes never carry both.
UNTYPED_RECEIVER_PROOF = ("model", "max_tokens")

# Keywords proving a shape where its client is not seen, in a file that imports its SDK
# (`MethodShape.proof`): only Google's GenerativeModel takes a generation_config or safety
# settings; Mistral's chat with a model and messages; Bedrock's with a modelId (a client
# built in another module).
GEMINI_PROOF = (("generation_config",), ("safety_settings",))
MISTRAL_PROOF = (("model", "messages"),)
BEDROCK_PROOF = (("modelId",),)  # the Bedrock runtime's own spelling
# The keys of a Claude request body on Bedrock's invoke_model (a helper returning it is read as a value).
BEDROCK_BODY_PROOF = ("anthropic_version", "messages")

# xai_sdk's `client.chat.create(model, ...)`: the request's settings, sent by the chat's `sample()`.
XAI_CHAT_ROLES: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("model", ("model",)),
    ("max_tokens", ("max_tokens",)),
    ("messages", ("messages",)),
    ("tools", ("tools",)),
)

# Requests whose settings are written where a chat object is made and sent by a later call on
# it (`chat.sample()` after `chat.append(user(prompt))`): like a chat model's constructor, the
# function's parameters read anywhere are the request's (a wrapper's, extract/wrappers.py).
SENT_LATER = frozenset({"chat.create (xai_sdk)"})

# A project's getter of a model object by name (`model = client.get_model(NAME)`), on a request
# already proven by its keywords: the name is the request's model (its keyword, by the getter).
MODEL_GETTERS = {"get_model": ("model_name",)}

# Modules whose import makes a file worth parsing (byte-level pre-filter).
SDK_MODULES: Tuple[str, ...] = ("anthropic", "openai", "litellm", "langchain_anthropic", "langchain_openai", "langchain", "boto3")

# Byte patterns: a file must contain one SDK name (or the untyped-receiver proof) and one
# call shape to be parsed.
PREFILTER_NAMES: Tuple[bytes, ...] = tuple(m.encode() for m in SDK_MODULES) + (b"max_tokens",)
PREFILTER_SHAPES: Tuple[bytes, ...] = (b"messages", b"completion", b"responses", b"ChatAnthropic", b"ChatOpenAI", b"init_chat_model", b"invoke_model", b"converse")


@frozen
class ProviderFacts:
    """What a provider's API does whatever method is called."""
    # "automatic": the provider caches long prompt prefixes by itself (nothing to mark);
    # "breakpoints": only what `cache_control` blocks mark is cached; "": not known.
    prefix_cache: str = ""
    # The request's top-level `cache_control` (automatic caching of the conversation) is
    # accepted; Bedrock and Vertex AI refuse it.
    request_cache_control: bool = False
    # A request with no output cap may be billed up to the model's maximum output.
    uncapped_is_maximum: bool = False


PROVIDER_FACTS: Dict[str, ProviderFacts] = {
    "anthropic": ProviderFacts(prefix_cache="breakpoints", request_cache_control=True),
    "bedrock": ProviderFacts(prefix_cache="breakpoints"),
    "vertex": ProviderFacts(prefix_cache="breakpoints"),
    "openai": ProviderFacts(prefix_cache="automatic", uncapped_is_maximum=True),
    "litellm": ProviderFacts(uncapped_is_maximum=True),
    "langchain": ProviderFacts(uncapped_is_maximum=True),
}
NO_PROVIDER_FACTS = ProviderFacts()
# Claude's platforms: a prompt is cached where `cache_control` blocks mark it.
CACHE_CONTROL_PROVIDERS = frozenset(name for name, facts in PROVIDER_FACTS.items() if facts.prefix_cache == "breakpoints")


def provider_facts(provider: str) -> ProviderFacts:
    return PROVIDER_FACTS.get(provider, NO_PROVIDER_FACTS)
