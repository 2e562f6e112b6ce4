from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator

from claude_lint.checks.base import Context, Invalid, Rule, money, per_mtok, tokens
from claude_lint.cost import output_usd
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.endpoints import VENDOR_APIS
from claude_lint.extract.sdk import api_facts
from claude_lint.facts import FileRead, Lit, Mapping, Param, Ref, Seq, Transform, Unknown
from claude_lint.link import Call

LANGCHAIN_ANTHROPIC_0X_DEFAULT = 1024
MAX_HOLDER_DEPTH = 4  # model_list -> deployment -> litellm_params -> cap, and one more
OPENAI = "from openai import OpenAI\nclient = OpenAI()\n"
# Services that resell the providers' own models at the providers' prices (not inference hosts of open models).
RESELLERS = frozenset({"OpenRouter"})
GEMINI_LANGCHAIN = ("ChatGoogleGenerativeAI", "GoogleGenerativeAI")  # langchain-google-genai's, uncapped (extract/sdk.py)


class OutputLimitMissing(Rule):
    """## What it does
    Flags a request (or LangChain chat-model constructor) to an API that, without a cap,
    may answer up to the model's maximum output, when it sets none: OpenAI chat
    completions and responses (also through a raw HTTP POST, and openai<1.0's
    `ChatCompletion`), Assistants runs (`max_completion_tokens`), LiteLLM, and LangChain's
    `ChatOpenAI`, `AzureChatOpenAI`, `ChatXAI`, `ChatAnthropic` (not the older one of
    langchain < 0.1 and `langchain_community`, which caps an omitted limit at 256 tokens),
    `init_chat_model`, and langchain-google-genai's `ChatGoogleGenerativeAI` and
    `GoogleGenerativeAI`, which send `max_output_tokens` only when given, leaving the Gemini
    API's default, the model's output token limit; also neo4j-graphrag's `OpenAILLM` (a cap
    is an entry of its `model_params`) and agno's `OpenAIChat`, which sends `max_tokens` only
    when given. The Gemini SDK's own requests (`generate_content`)
    are not judged, nor Cloudflare Workers AI's own `/ai/run/{model}` (256 tokens when
    `max_tokens` is not given).
    Which APIs these are, and which keyword to pass, is the SDK table's (`cap`,
    `output_limit_keyword`).

    ## Why is this bad?
    With no cap, the model may write up to its maximum output on every call, and you
    pay for every token. The Anthropic API requires `max_tokens`, but the wrappers
    around it do not: langchain-anthropic 1.x sets an omitted `max_tokens` to the
    model's maximum (up to 128,000 tokens), while 0.3.x defaulted to 1,024, so an
    upgrade silently lifts the cap.

    Only calls in code are judged: an entry of a config file (a LiteLLM proxy
    `model_list`) sets defaults that requests may override. A cap inside `extra_body`,
    a chat model's `model_kwargs`, or a LiteLLM Router's deployments (`model_list`,
    `default_litellm_params`) counts, and so do deployments the Router reads from a file; `max_tokens=None`
    (a wrapper's cap parameter its caller leaves at None) sends none. The rule stays silent for a local server
    (loopback, a private-network address, a `.local` host, Ollama's or LM Studio's port; also the client,
    model route or endpoint a wrapper's caller passes it),
    when an unresolved `**kwargs` could carry the cap (one that is any of several written
    dicts carries it only if each of them does), and, for LangChain constructors,
    when the file sets an output limit outside its requests (`.bind(max_tokens=...)`,
    an `invoke` keyword, `llm.max_tokens = ...`); a limit written in another request, or
    passed to the file's own function (`self._trim(text, max_tokens=...)`), is not one.
    A chat model's finding is on its constructor and names the places it is invoked.
    It stays silent, too, for an inference host of open models (Groq, Together AI,
    Fireworks AI, DeepInfra; from the URL, the configuration's names, or LiteLLM's route
    prefix `groq/...`) serving a model the catalogue does not know: with no known maximum
    or price the bill cannot be sized. `instructor.from_provider("google/...")` is judged
    as the provider its prefix names. A catalogued model there, and any request
    through OpenRouter (which resells the providers' models at their prices), is judged.
    So is silence for a model named by an open-weights repository (`meta-llama/Llama-3.1-8B-Instruct`)
    that the catalogue does not know, sent through the OpenAI SDK or its HTTP shape to a host
    not recognised: OpenAI's API takes no `owner/name` ID, so the request goes to a server of
    open models (a self-hosted or per-second GPU deployment) whose limits and price are its own.

    ## Example
    ```python
    client.chat.completions.create(model="gpt-4o", messages=msgs)
    llm = ChatAnthropic(model="claude-sonnet-4-6")
    ```

    ## Use instead
    ```python
    client.chat.completions.create(model="gpt-4o", messages=msgs, max_completion_tokens=1024)
    llm = ChatAnthropic(model="claude-sonnet-4-6", max_tokens=1024)
    ```
    """

    code = "CL010"
    name = "output-limit-missing"
    summary = "OpenAI, LiteLLM or LangChain call without an output cap"

    @staticmethod
    def examples():
        fires = [
            'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n',
            'from openai import OpenAI\nOpenAI().responses.create(model="gpt-5.4", input="hi")\n',
            Invalid('import litellm\nlitellm.completion(model="anthropic/claude-sonnet-4-6", messages=[])\n', row=2,
                    message="completion sets no output cap, so every call may be billed up to claude-sonnet-4-6's maximum"),
            'from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model="claude-sonnet-4-6")\n',
            'from langchain.chat_models import init_chat_model\nllm = init_chat_model("openai:gpt-4o")\n',
            # a raw POST to the Chat Completions endpoint: its JSON body is the request
            Invalid('import requests\nrequests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": []})\n',
                    row=2, message="POST /chat/completions sets no output cap"),
        ]
        silent = [
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], max_completion_tokens=500)\n',
            'from openai import OpenAI\nOpenAI().responses.create(model="gpt-5.4", input="hi", max_output_tokens=500)\n',
            # **kwargs could carry the cap
            "from openai import OpenAI\n\ndef ask(**opts):\n    return OpenAI().chat.completions.create(model=\"gpt-4o\", messages=[], **opts)\n",
            'from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model="claude-sonnet-4-6", max_tokens=1024)\n',
            # bound later in the same file
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o").bind(max_tokens=200)\n',
            # a mocked LiteLLM call sends no request
            'import litellm\nlitellm.completion(model="gpt-4o", messages=[], mock_response="ok")\n',
            # the Anthropic SDK itself requires max_tokens: not this rule's business
            'import anthropic\nanthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[])\n',
            'import requests\nrequests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": [], "max_tokens": 300})\n',
            # a local server bills nothing
            'from openai import OpenAI\nOpenAI(base_url="http://localhost:11434/v1").chat.completions.create(model="llama3", messages=[])\n',
        ]

        fires = [
            *fires,
            # a wrapper that sets no cap, called from two places: one finding, in the wrapper
            "from openai import OpenAI\nclient = OpenAI()\n\ndef ask(q, model='gpt-4o'):\n"
            "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': q}])\n\nask('a')\nask('b', model='gpt-4.1')\n",
        ]
        silent = [
            *silent,
            # the caller passes the cap through the wrapper's **kwargs
            "from openai import OpenAI\nclient = OpenAI()\n\ndef ask(q, **opts):\n"
            "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}], **opts)\n\n"
            "ask('a', max_completion_tokens=200)\n",
        ]
        # A cap parameter defaulting to None sends no cap unless the caller passes one; a client
        # handed in by the caller is the caller's (a local server's: nothing billed).
        CAP_PARAM = (OPENAI + "def ask(q, max_tokens=None):\n"
                     "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}], max_tokens=max_tokens)\n\n")
        fires = [*fires, Invalid(CAP_PARAM + "ask('a', max_tokens=200)\nask('b')\n", row=4, message="sets no output cap")]
        silent = [
            *silent,
            CAP_PARAM + "ask('a', max_tokens=200)\n",
            "from openai import OpenAI\n\ndef ask(client, q):\n"
            "    return client.chat.completions.create(model='llama3', messages=[{'role': 'user', 'content': q}])\n\n"
            "ask(OpenAI(base_url='http://localhost:11434/v1'), 'a')\n",
        ]

        # The shapes of issue 15's real code, each with its silent counterpart.
        fires = [
            *fires,
            Invalid(OPENAI + 'client.chat.completions.create(model="gpt-4o", messages=[])\n', row=3,
                    message="up to gpt-4o's maximum of 16,384 tokens (worst case $0.16 per call at $10/MTok). Pass max_completion_tokens="),
            # the Responses API's own keyword, as the SDK table has it for every Responses shape
            Invalid(OPENAI + 'with client.responses.stream(model="gpt-5.4", input="hi") as stream:\n    pass\n', row=3,
                    message="Pass max_output_tokens="),
            # openai<1.0 (a project pinned below 1.0): no max_tokens means the model's maximum
            Invalid('import openai\nopenai.ChatCompletion.create(model="gpt-4", messages=[])\n', row=2,
                    message="Pass max_tokens=<the smallest limit the answer needs>"),
            # an Assistants run: the run is the billed request, and only it takes a cap
            Invalid(OPENAI + 'run = client.beta.threads.runs.create(thread_id="t", assistant_id="a")\n', row=3,
                    message="beta.threads.runs.create sets no output cap"),
            # a chat model kept on the object and invoked in another method: said at the constructor
            Invalid('from langchain_openai import ChatOpenAI\n\nclass Scorer:\n    def __init__(self):\n'
                    '        self.llm = ChatOpenAI(model="gpt-4o", temperature=0)\n\n    def score(self, text):\n'
                    '        return self.llm.invoke(text)\n\nScorer().score("a sheet")\n', row=5, message="ChatOpenAI sets no output cap"),
            # one branch of a factory is capped, the default one is not: the other's limit is its own
            Invalid('from langchain_openai import ChatOpenAI\n\ndef make(model, vision):\n    if vision:\n'
                    '        return ChatOpenAI(model=model, max_tokens=4096)\n    return ChatOpenAI(model=model)\n', row=6,
                    message="Pass max_tokens="),
            # a budget passed to the file's own function is not the chat model's cap
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")\n\ndef shorten(text, max_tokens):\n'
            '    return text[:max_tokens * 4]\n\ndef answer(text):\n    return llm.invoke(shorten(text, max_tokens=1000))\n',
            'from langchain_openai import AzureChatOpenAI\nllm = AzureChatOpenAI(deployment_name="gpt-4o", streaming=True)\n',
            'from langchain_xai import ChatXAI\nllm = ChatXAI(model="grok-3")\n',
            # a LiteLLM Router whose deployments set no cap either
            'from litellm import Router\nrouter = Router(model_list=[{"model_name": "main", "litellm_params": {"model": "gpt-4o"}}])\n'
            'router.completion(model="main", messages=[])\n',
            # a model_kwargs that carries no cap
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o", model_kwargs={"response_format": {"type": "text"}})\n',
        ]
        silent = [
            *silent,
            # a cap in extra_body is sent in the request body; in model_kwargs, with every request
            OPENAI + 'client.chat.completions.create(model="gpt-4o", messages=[], extra_body={"max_tokens": 300})\n',
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o", model_kwargs={"max_tokens": 300})\n',
            # set on the model, or at invoke, elsewhere in the file
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")\nllm.max_tokens = 300\n',
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o")\nprint(llm.invoke("hi", max_tokens=200))\n',
            # capped, or not uncapped by default (openai<1.0's text Completion defaults to 16 tokens)
            'import openai\nopenai.ChatCompletion.create(model="gpt-4", messages=[], max_tokens=300)\n',
            'import openai\nopenai.Completion.create(model="davinci-002", prompt="Say hi")\n',
            OPENAI + 'client.beta.threads.runs.create(thread_id="t", assistant_id="a", max_completion_tokens=500)\n',
            'from langchain_xai import ChatXAI\nllm = ChatXAI(model="grok-3", max_tokens=300)\n',
            # local servers bill nothing, whatever the API
            'from openai import OpenAI\nclient = OpenAI(base_url="http://localhost:1234/v1")\n'
            'client.beta.threads.runs.create(thread_id="t", assistant_id="a")\n',
            'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="llama3", base_url="http://localhost:8000/v1")\n',
            # a Router's deployment (or its defaults) caps the requests; deployments read from a file may
            'from litellm import Router\nrouter = Router(model_list=[{"model_name": "main", "litellm_params": {"model": "gpt-4o", "max_tokens": 500}}])\n'
            'router.completion(model="main", messages=[])\n',
            'import yaml\nfrom litellm import Router\nrouter = Router(model_list=yaml.safe_load(open("router.yaml"))["model_list"])\n'
            'router.completion(model="main", messages=[])\n',
            # LangChain's completion LLM OpenAI(...) defaults to 256 tokens
            'from langchain_openai import OpenAI\nllm = OpenAI(model="gpt-3.5-turbo-instruct")\n',
        ]

        # langchain-google-genai leaves an omitted max_output_tokens to the Gemini API, whose
        # default is the model's output token limit (blind set 7's Gemini scripts); its cap, under
        # either name, or one bound later, is one.
        GENAI = "from langchain_google_genai import {cls}\nllm = {cls}(model='gemini-2.5-flash'{cap})\nprint(llm.invoke('Explain RAG'))\n"
        fires = [
            *fires,
            Invalid(GENAI.format(cls="ChatGoogleGenerativeAI", cap=""), row=2,
                    message="ChatGoogleGenerativeAI sets no output cap, so every call may be billed up to the model maximum. langchain-google-genai"),
            Invalid(GENAI.format(cls="GoogleGenerativeAI", cap=""), row=2, message="Pass max_output_tokens="),
        ]
        fires = [
            *fires,
            # trim_messages' max_tokens is the history's budget, not the answer's cap
            Invalid('from langchain_core.messages import trim_messages\nfrom langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o-mini")\n'
                    'trimmer = trim_messages(strategy="last", max_tokens=8, token_counter=len)\nprint(llm.invoke(trimmer.invoke(history)))\n',
                    row=3, message="ChatOpenAI sets no output cap"),
        ]
        silent = [
            *silent,
            GENAI.format(cls="ChatGoogleGenerativeAI", cap=", max_output_tokens=512"),
            GENAI.format(cls="GoogleGenerativeAI", cap=", max_tokens=512"),
            GENAI.format(cls="ChatGoogleGenerativeAI", cap="").replace("print(", "llm = llm.bind(max_output_tokens=300)\nprint("),
        ]

        # neo4j-graphrag's OpenAILLM sends chat.completions.create(model=model_name, **model_params)
        NEO4J = "from neo4j_graphrag.llm import OpenAILLM\nllm = OpenAILLM(model_name='gpt-4o-mini', model_params={params})\nprint(llm.invoke('q'))\n"
        fires = [*fires, Invalid(NEO4J.format(params="{'temperature': 0.1}"), row=2, message='Pass model_params["max_tokens"]=')]
        silent = [*silent, NEO4J.format(params="{'temperature': 0.1, 'max_tokens': 300}"), NEO4J.format(params="load_params()")]

        # openai<1.0's endpoint set for the whole module: a local server bills nothing, OpenRouter is judged
        LEGACY = 'import openai\nopenai.api_base = "{url}"\nopenai.ChatCompletion.create(model="openai/gpt-4o", messages=[])\n'
        fires = [*fires, Invalid(LEGACY.format(url="https://openrouter.ai/api/v1"), row=3, message="up to gpt-4o's maximum")]
        silent = [*silent, LEGACY.format(url="http://localhost:8000/v1")]

        # An inference host (Groq, Together AI, Fireworks AI, DeepInfra) serving a model the
        # catalogue does not know (an open model, at a fraction of a frontier model's price): its
        # maximum output and price are unknown, so an uncapped call cannot be sized. A catalogued
        # model there is judged as any other; so is any request through a reseller of the
        # providers' own models at their prices (OpenRouter, `RESELLERS`), or to a vendor's own API.
        fires = [
            *fires,
            Invalid('from openai import OpenAI\nclient = OpenAI(base_url="https://openrouter.ai/api/v1")\n'
                    'client.chat.completions.create(model="gpt-4o", messages=[])\n', row=3, message="up to gpt-4o's maximum of 16,384 tokens"),
            # a vendor's own API for its own models (`endpoints.VENDOR_APIS`): a provider like any other
            Invalid('from openai import OpenAI\nclient = OpenAI(base_url="https://api.deepseek.com")\n'
                    'client.chat.completions.create(model="deepseek-chat", messages=[])\n', row=3, message="sets no output cap"),
        ]
        silent = [
            *silent,
            'from groq import Groq\nclient = Groq()\nclient.chat.completions.create(model="llama3-8b-8192", messages=[])\n',
            "import httpx\ndef chat(model, messages):\n    return httpx.post('https://api.together.xyz/v1/chat/completions', "
            "json={'model': model, 'messages': messages})\n",
            # an open-weights repository's ID on a deployment the code names only by its key: not OpenAI
            'import os\nfrom openai import OpenAI\nhost = OpenAI(api_key=os.environ["POD_KEY"], base_url=os.environ["POD_URL"])\n'
            'host.chat.completions.create(model="mistralai/Mistral-7B-Instruct-v0.3", messages=[])\n',
        ]
        fires = [
            *fires,
            # OpenRouter resells the providers' models at their prices: unknown model or not
            "import httpx\ndef chat(model, messages):\n    return httpx.post('https://openrouter.ai/api/v1/chat/completions', "
            "json={'model': model, 'messages': messages})\n",
            # an `owner/name` ID the catalogue knows (a router's name for an OpenAI model) is judged
            Invalid('import os\nfrom openai import OpenAI\nhost = OpenAI(base_url=os.environ["ROUTER_URL"])\n'
                    'host.chat.completions.create(model="openai/gpt-4o", messages=[])\n', row=4, message="gpt-4o's maximum"),
            # the same request to OpenAI itself: the model is unknown, the API's maximum is the cap
            "import httpx\ndef chat(model, messages):\n    return httpx.post('https://api.openai.com/v1/chat/completions', "
            "json={'model': model, 'messages': messages})\n",
        ]

        # The request's keywords are one of the dicts written in two branches (an SDK's options or
        # LiteLLM's): capped only when every one of them carries the cap.
        BRANCHES = (OPENAI + "if USE_PROXY:\n    extra = {{'timeout': 30{proxy}}}\nelse:\n    extra = {{'timeout': 60}}\n"
                    "def ask(messages):\n    return client.chat.completions.create(model='gpt-4o', messages=messages, **extra)\n")
        fires = [*fires, Invalid(BRANCHES.format(proxy=""), row=8, message="chat.completions.create sets no output cap")]
        silent = [
            *silent,
            BRANCHES.format(proxy=", 'max_completion_tokens': 500"),
            # either dict is then updated with options read elsewhere, which may carry the cap
            BRANCHES.format(proxy="").replace("def ask", "extra.update(load_options())\ndef ask"),
            BRANCHES.format(proxy="").replace("def ask", "extra['max_tokens'] = CAP\ndef ask"),
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        # Only what the SDK table says may run to the model's maximum: a config file's entry (a
        # LiteLLM proxy model_list, a .prompty) has no shape and sets defaults requests may override.
        shape = api_facts(site.provider, site.api)
        cap = call.value("max_tokens")
        if shape is None or shape.cap != "maximum" or cap is not None and not _sends_none(call, cap):
            return
        caps = {name.rsplit(".", 1)[-1] for name in site.keywords("max_tokens")}
        if any(_may_hold_cap(call.args[name].value, caps) for name in shape.limit_holders if name in call.args):
            return
        if site.provider == "langchain" and site.output_limit_nearby:
            return
        model = ctx.model(call)
        if model is None and site.gateway is not None and site.gateway not in RESELLERS | VENDOR_APIS:
            return  # an inference host's own model (see the examples): no maximum or price to size the bill by
        if model is None and site.gateway is None and site.provider == "openai" and _open_weights_id(call.model_id()):
            return  # an `owner/name` model OpenAI does not serve: another host's, unknown (see the examples)
        names = shape.output_limit_keyword
        worst = ""
        cost = None
        if model is not None and model.max_output:
            worst = f" up to {model.id}'s maximum of {tokens(model.max_output)} tokens"
            if model.output is not None:
                per_call = output_usd(model.max_output, model)
                cost = per_call * 1000
                worst += f" (worst case {money(per_call)} per call at {per_mtok(model.output)})"
        note = ""
        if shape.removed:
            note = " (It runs only where the SDK is pinned to a version that still has it; CL014 reports the removal.)"
        if site.api == "ChatAnthropic":
            note = f" langchain-anthropic 1.x fills an omitted max_tokens with the model maximum; 0.3.x used {LANGCHAIN_ANTHROPIC_0X_DEFAULT:,}."
        elif site.api in GEMINI_LANGCHAIN:
            note = " langchain-google-genai sends no max_output_tokens unless given, and the Gemini API's default is the model's output limit."
        arg = call.arg("model")
        loc = arg.at if arg is not None else site.loc
        if site.reached or (site.via is not None and site.fixed):
            loc = call.request_loc()  # missing in a wrapper's request: said once, there, for all its calls
        from claude_lint.checks import evidence as ev  # here: read only for a finding's advice
        found = ev.of(call)
        if found.short is not None:
            advice = f"The answer is short ({found.short.what}): pass {names}={ev.suggested(found.short.needs)}."
        elif found.long is not None:
            advice = f"The answer is long by nature ({found.long}): pass {names}=<a cap above its longest expected length>."
        else:
            advice = f"Pass {names}=<the smallest limit the answer needs>."
        yield self.diagnostic(
            loc,
            f"{site.api} sets no output cap, so every call may be billed{worst or ' up to the model maximum'}.{note} {advice}",
            cost=cost,
        )


def _open_weights_id(model_id) -> bool:
    """A Hugging Face style `owner/name` ID: no OpenAI model is named so (a fine-tune is
    `ft:...`), so an OpenAI-shaped request with it goes to another host."""
    return model_id is not None and "/" in model_id.strip("/") and ":" not in model_id


def _sends_none(call: Call, cap: object) -> bool:
    """`max_tokens=None` sends no cap: written so, or a wrapper's cap parameter left at its
    None default by this call (in the wrapper's own request, it is its callers' to pass)."""
    if not (isinstance(cap, Lit) and cap.value is None):
        return False
    return call.site.via is not None or not any(isinstance(call.site.kwargs.get(k), Param) for k in call.site.keywords("max_tokens"))


def _may_hold_cap(value, caps, depth: int = 0) -> bool:
    """A cap (a key in `caps`) written somewhere inside a value (a Router's deployment
    settings), or a value not fully known that might hold one."""
    if depth > MAX_HOLDER_DEPTH:
        return True
    if isinstance(value, Mapping):
        return value.open or any(key is None or key in caps or _may_hold_cap(v, caps, depth + 1) for key, v in value.entries)
    if isinstance(value, Seq):
        return any(_may_hold_cap(item, caps, depth + 1) for item in value.items)
    return isinstance(value, (Unknown, Ref, Param, FileRead, Transform))
