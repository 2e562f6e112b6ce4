"""Request shapes of real code that recognition missed (issue 14, the round after the
36-repository corpus): a provider built by a factory function, an object handed in as a
parameter named after its class, a function without parameters that is its request, a
base class's template method reaching a subclass's request, a LangChain chat model passed
in, and wrapper chains seven levels deep. Each shape is shown recognised, and its look-alikes
silent, through the real CLI (`report --format json` lists every recognised request)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import line_of, report_routes

PROVIDER = (
    "from litellm import completion\n\n\n"
    "class LLMProvider:\n"
    "    def __init__(self, model: str, max_tokens: int = 8192):\n"
    "        self.model = model\n        self.max_tokens = max_tokens\n\n"
    "    def generate(self, prompt):\n"
    "        return completion(model=self.model, max_tokens=self.max_tokens, messages=[{'role': 'user', 'content': prompt}])\n\n"
    "    def describe(self):\n        return self.model\n\n\n"
    "def get_llm_provider(config) -> LLMProvider:\n"
    "    return LLMProvider(**config)\n\n\n"
    "def get_settings(config):\n    return dict(config)\n"
)


def routes(cli, tmp_path: Path, example) -> list:
    return sorted((r["filename"], r["line"], (r["via"] or {}).get("line")) for r in report_routes(cli, tmp_path, example))


def at(found: list, filename: str) -> list:
    return [(line, via) for name, line, via in found if name == filename]


def test_an_instance_made_by_a_factory_function_and_a_parameter_named_after_its_class(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/provider.py": PROVIDER,
        # the factory is in the class's own file; `llm` is what it returns
        "app/runner.py": (
            "from app.provider import get_llm_provider, get_settings\n\n\n"
            "def run_task(config, prompt):\n    llm = get_llm_provider(config)\n    return llm.generate(prompt)\n\n\n"
            "def inline(config, prompt):\n    return get_llm_provider(config).generate(prompt)\n\n\n"
            "def not_a_request(config):\n    return get_llm_provider(config).describe()\n\n\n"
            "def not_a_provider(config, prompt):\n    return get_settings(config).get(prompt)\n"
        ),
        # an instance handed in, unannotated, named after its class (`llm_provider` for an LLMProvider)
        "app/settings.py": "STYLE = 'brief'\n",
        "app/steps.py": (
            "from app.settings import STYLE\n\n\n"
            "def summarise(text, llm_provider):\n    return llm_provider.generate(f'Summarise: {text}')\n\n\n"
            "def other_name(text, engine):\n    return engine.generate(text)\n\n\n"
            "def not_a_wrapper_method(llm_provider):\n    return llm_provider.describe()\n"
        ),
        "app/main.py": "from app.provider import LLMProvider\nfrom app.steps import summarise\n\nsummarise('a long text', LLMProvider('claude-haiku-4-5'))\n",
    })
    assert at(found, "app/runner.py") == [(6, 10), (10, 10)]  # run_task, inline; not describe(), not a dict's get()
    assert at(found, "app/steps.py") == [(5, 10)]  # not `engine` (no name to tell its class by), not describe()
    assert at(found, "app/main.py") == [(4, 10)]


def test_a_provider_returned_by_a_factory_that_imports_it_in_its_body(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "providers/__init__.py": (
            "import os\n\n\ndef get_provider():\n    name = os.getenv('LLM_PROVIDER', 'openai')\n"
            "    if name == 'openai':\n        from .openai_provider import OpenAIProvider\n        return OpenAIProvider()\n"
            "    from .echo import Echo\n    return Echo()\n"
        ),
        "providers/openai_provider.py": (
            "from openai import AsyncOpenAI\n\n\nclass OpenAIProvider:\n    def __init__(self):\n        self.client = AsyncOpenAI()\n\n"
            "    async def chat(self, messages):\n"
            "        return await self.client.chat.completions.create(model='gpt-4o-mini', max_tokens=500, messages=messages)\n"
        ),
        "providers/echo.py": "class Echo:\n    async def chat(self, messages):\n        return messages[-1]\n",
        "app/router.py": (
            "from providers import get_provider\n\n\nasync def ask(messages):\n    provider = get_provider()\n    return await provider.chat(messages)\n\n\n"
            "async def status():\n    provider = get_provider()\n    return await provider.health()\n"
        ),
    })
    assert at(found, "app/router.py") == [(6, 9)]  # provider.health() is no request


def test_a_function_without_parameters_is_its_request(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "import anthropic\n\nclient = anthropic.Anthropic()\nMODEL = 'claude-haiku-4-5'\n\n\n"
        "def create_batch():\n"
        "    return client.messages.batches.create(requests=[{'custom_id': 'a', 'params': {'model': MODEL, 'max_tokens': 100, 'messages': []}}])\n\n\n"
        "def main(argv):\n    return client.messages.create(model=MODEL, max_tokens=100, messages=[{'role': 'user', 'content': 'hi'}])\n\n\n"
        "batch_id = create_batch().id\nmain(['--verbose'])\n"
    ))
    # create_batch() is a call site; main(argv) reads nothing of its parameter: its request is its own
    assert at(found, "example.py") == [(8, None), (12, None), (15, 8)]


def test_a_base_class_template_method_reaches_the_subclass_request(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "from google import genai\n\n\n"
        "class Base:\n"
        "    def prompt_rung(self, prompt, model):\n        return self._chat_completion(prompt, model)\n\n"
        "    def label(self, prompt):\n        return self._format(prompt)\n\n"
        "    def _chat_completion(self, prompt, model):\n        raise NotImplementedError\n\n"
        "    def _format(self, prompt):\n        return prompt.strip()\n\n\n"
        "class Gemini(Base):\n"
        "    def __init__(self):\n        self.client = genai.Client()\n\n"
        "    def _chat_completion(self, prompt, model):\n"
        "        return self.client.models.generate_content(model=model, contents=prompt)\n\n"
        "    def rungs(self, prompt, model='gemini-2.5-flash'):\n"
        "        return [\n"
        "            lambda: self.prompt_rung(prompt, model),\n"
        "            lambda: self.label(prompt),\n"
        "        ]\n"
    ))
    # Base.prompt_rung's call of the overridden method, and the lambda calling prompt_rung; not label()
    assert at(found, "example.py") == [(6, 23), (23, None), (27, 23)]


def test_a_langchain_chat_model_passed_in(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "agent.py": (
            "from langchain_core.prompts import PromptTemplate\nfrom langchain_core.language_models import BaseChatModel\n"
            "from langchain_anthropic import ChatAnthropic\n\n"
            "PROMPT = PromptTemplate.from_template('Answer in 4-5 sentences: {question}')\n\n\n"
            "def llm_chain(llm_model, question, prompt, parser):\n"
            "    chain = prompt | llm_model | parser\n    return chain.invoke({'question': question})\n\n\n"
            "def structured(model: BaseChatModel, question):\n    return model.with_structured_output(dict).invoke(question)\n\n\n"
            "def retrieve(retriever, question):\n    return retriever.invoke(question)\n\n\n"
            "def typed_retriever(llm: 'VectorStoreRetriever', question):\n    return llm.invoke(question)\n\n\n"
            "def rebound(question, llm=None):\n"
            "    llm = llm or ChatAnthropic(model='claude-haiku-4-5', max_tokens=300)\n    return llm.invoke(question)\n"
        ),
        "run.py": "from agent import llm_chain, PROMPT\n\nfor q in ['Why?', 'How?']:\n    llm_chain(MODELS['haiku'], q, PROMPT, None)\n",
        # the same names without LangChain: a scikit-learn-like model, a task runner
        "plain.py": "def score(model, rows):\n    return model.predict(rows)\n\n\ndef run(llm, job):\n    return llm.invoke(job)\n",
    })
    assert at(found, "agent.py") == [(10, None), (14, None), (26, None)]  # the chain, the structured model; rebound: its constructor
    assert at(found, "run.py") == [(4, 10)]
    assert at(found, "plain.py") == []


def test_wrapper_chains_seven_levels_deep(cli, tmp_path):
    levels = ["ask", "step1", "step2", "step3", "step4", "step5", "step6"]
    files = {"app/__init__.py": "", "app/ask.py": (
        "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
        "def ask(prompt):\n    return client.messages.create(model='claude-haiku-4-5', max_tokens=200, messages=[{'role': 'user', 'content': prompt}])\n"
    )}
    for lower, upper in zip(levels, levels[1:]):
        files[f"app/{upper}.py"] = f"from app.{lower} import {lower}\n\n\ndef {upper}(text):\n    return {lower}(text)\n"
    files["app/main.py"] = "from app.step6 import step6\n\nstep6('hello')\n"
    found = routes(cli, tmp_path, files)
    assert at(found, "app/main.py") == [(3, 7)]
    assert all(at(found, f"app/{name}.py") == [(5, 7)] for name in levels[1:])


def test_a_client_proven_by_a_sibling_call_of_the_same_function(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "async def turn(cog, params, betas):\n"
        "    if betas:\n"
        "        return await cog.client.beta.messages.create(**params, betas=betas)\n"
        "    return await cog.client.messages.create(**params)\n\n\n"
        "async def other(cog, store, params):\n"
        "    await cog.client.beta.messages.create(**params, betas=['x'])\n"
        "    return await store.messages.create(**params)\n\n\n"
        "async def elsewhere(cog, params):\n"
        "    return await cog.client.messages.create(**params)\n"
    ))
    # line 9: another object; line 13: another function, where nothing proves the client
    assert at(found, "example.py") == [(3, None), (4, None), (8, None)]


PORTS = (
    "from typing import Protocol\n\n\n"
    "class LLMClient(Protocol):\n"
    "    async def summarize(self, text: str, style: str) -> str:\n        ...\n\n\n"
    "class Cache(Protocol):\n"
    "    async def get(self, key: str) -> str:\n        ...\n\n\n"
    "class Scorer(Protocol):\n"
    "    def summarize(self, text: str, style: str) -> str:\n        ...\n\n"
    "    def calibrate(self) -> None:\n        ...\n"
)


@pytest.mark.parametrize("ports", [PORTS, PORTS.replace("from typing import Protocol", "from typing_extensions import Protocol")])
def test_a_protocol_implemented_without_subclassing_reaches_the_adapter(cli, tmp_path, ports):
    found = routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/ports/__init__.py": "from .llm import LLMClient, Cache, Scorer\n",
        "app/ports/llm.py": ports,
        # the adapter never names the Protocol: it only has the method
        "app/infra/__init__.py": "",
        "app/infra/openai_client.py": (
            "from openai import AsyncOpenAI\n\n\nclass OpenAIClient:\n"
            "    def __init__(self):\n        self.client = AsyncOpenAI()\n\n"
            "    async def summarize(self, text, style):\n"
            "        r = await self.client.chat.completions.create(model='gpt-4o-mini', max_tokens=400, messages=[{'role': 'user', 'content': style + text}])\n"
            "        return r.choices[0].message.content\n\n"
            "    async def get(self, key):\n        return key\n"
        ),
        "app/usecase.py": (
            "from app.ports import LLMClient, Cache, Scorer\n\n\n"
            "class Summarize:\n"
            "    def __init__(self, llm_client: LLMClient, cache: Cache):\n        self.llm_client = llm_client\n        self.cache = cache\n\n"
            "    async def run(self, text, style):\n"
            "        hit = await self.cache.get(text)\n"
            "        return hit or await self.llm_client.summarize(text, style)\n\n\n"
            "def score(scorer: Scorer, text):\n    return scorer.summarize(text, 'short')\n"
        ),
    })
    # the Protocol's one implementation makes the request; Cache.get's look-alike (`get` is no
    # request of the adapter) and Scorer (its `calibrate` is no method of the adapter) stay silent
    assert at(found, "app/usecase.py") == [(11, 9)]


def test_a_protocol_without_an_implementing_request_class_is_no_request(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/ports.py": PORTS,
        "app/llm.py": (
            "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
            "def ask(prompt):\n    return client.messages.create(model='claude-haiku-4-5', max_tokens=200, messages=[{'role': 'user', 'content': prompt}])\n"
        ),
        "app/local.py": "class Echo:\n    async def summarize(self, text, style):\n        return text[:100]\n",
        "app/usecase.py": (
            "from app.ports import LLMClient\n\n\n"
            "async def run(llm_client: LLMClient, text):\n    return await llm_client.summarize(text, 'brief')\n"
        ),
    })
    assert at(found, "app/usecase.py") == []


BASE_TRANSLATOR = (
    "from abc import ABC, abstractmethod\n\n\n"
    "class BaseTranslator(ABC):\n"
    "    def __init__(self, key, language):\n        self.key = key\n        self.language = language\n\n"
    "    def translate(self, text):\n        return self._complete(f'Translate into {self.language}: {text}')\n\n"
    "    def name(self):\n        return type(self).__name__\n\n"
    "    @abstractmethod\n    def _complete(self, prompt):\n        ...\n"
)


def test_a_base_class_of_another_file_template_method_reaches_the_subclass_request(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "book/__init__.py": "",
        "book/base.py": BASE_TRANSLATOR,
        "book/claude.py": (
            "import anthropic\n\nfrom book.base import BaseTranslator\n\n\n"
            "class ClaudeTranslator(BaseTranslator):\n"
            "    def __init__(self, key, language):\n        super().__init__(key, language)\n        self.client = anthropic.Anthropic(api_key=key)\n\n"
            "    def _complete(self, prompt):\n"
            "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=2000, messages=[{'role': 'user', 'content': prompt}])\n\n"
            "    def rungs(self, text):\n        return [lambda: self.translate(text), lambda: self.name()]\n"
        ),
        "book/cli.py": (
            "from book.claude import ClaudeTranslator\n\n\n"
            "def main(key, paragraphs):\n    t = ClaudeTranslator(key, 'French')\n"
            "    for p in paragraphs:\n        print(t.translate(p))\n    print(t.name())\n"
        ),
    })
    assert at(found, "book/base.py") == [(10, 12)]  # the template method's call of the overridden method
    assert at(found, "book/claude.py") == [(12, None), (15, 12)]  # not name()
    assert at(found, "book/cli.py") == [(7, 12)]  # not name()


def test_a_base_class_of_another_file_makes_the_request_for_its_subclasses(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "llm/__init__.py": "",
        "llm/base.py": (
            "from openai import OpenAI\n\n\nclass BaseAgent:\n    model = 'gpt-4o-mini'\n\n"
            "    def __init__(self):\n        self.client = OpenAI()\n\n"
            "    def ask(self, prompt):\n"
            "        return self.client.chat.completions.create(model=self.model, max_tokens=300, messages=[{'role': 'user', 'content': prompt}])\n\n"
            "    def reset(self):\n        self.history = []\n"
        ),
        "llm/critic.py": (
            "from llm.base import BaseAgent\n\n\nclass Critic(BaseAgent):\n    model = 'gpt-4o'\n\n"
            "    def review(self, code):\n        return self.ask(f'Review: {code}')\n\n\n"
            "def run(code):\n    critic = Critic()\n    critic.reset()\n    return critic.ask(code)\n"
        ),
    })
    assert at(found, "llm/critic.py") == [(8, 11), (14, 11)]  # not reset()


def test_urllib_posts_the_request_it_is_handed(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import json\nimport os\nimport urllib.request\n\nBASE = os.getenv('OPENAI_BASE', 'https://api.openai.com/v1')\n\n\n"
        "def ask(prompt):\n"
        "    body = json.dumps({'model': 'gpt-4o-mini', 'max_tokens': 50, 'messages': [{'role': 'user', 'content': prompt}]}).encode()\n"
        "    req = urllib.request.Request(f'{BASE}/chat/completions', data=body, headers={'Content-Type': 'application/json'})\n"
        "    with urllib.request.urlopen(req) as resp:\n        return json.load(resp)\n\n\n"
        "def inline(prompt):\n"
        "    return urllib.request.urlopen(urllib.request.Request('https://api.anthropic.com/v1/messages', json.dumps({'model': 'claude-haiku-4-5', 'max_tokens': 50, 'messages': []}).encode()))\n\n\n"
        "def local(prompt):\n"
        "    req = urllib.request.Request('http://localhost:11434/v1/chat/completions', data=json.dumps({'model': 'llama3', 'messages': []}).encode())\n"
        "    return urllib.request.urlopen(req)\n\n\n"
        "def webhook(text):\n"
        "    req = urllib.request.Request('https://hooks.slack.com/services/x', data=json.dumps({'text': text, 'model': 'a', 'messages': []}).encode())\n"
        "    return urllib.request.urlopen(req)\n\n\n"
        "def page(url):\n    return urllib.request.urlopen(url).read()\n"
    ))
    got = sorted((r["line"], r["api"], r["billed"], r["model"]) for r in found)
    # the webhook: a URL that is seen and is no LLM endpoint; page(): a GET of a URL
    assert got == [(11, "POST /chat/completions", True, "gpt-4o-mini"), (16, "POST /v1/messages", True, "claude-haiku-4-5-20251001"),
                   (21, "POST /chat/completions", False, "llama3")]


def test_llamaindex_and_chatlitellm_model_objects_are_their_constructors(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "from llama_index.core import Settings, VectorStoreIndex\n"
        "from llama_index.llms.openai import OpenAI\nfrom llama_index.llms.anthropic import Anthropic\n"
        "from llama_index.llms.ollama import Ollama\nfrom llama_index.llms.openai_like import OpenAILike\n"
        "from llama_index.embeddings.openai import OpenAIEmbedding\nfrom langchain_community.chat_models import ChatLiteLLM\n\n"
        "Settings.llm = OpenAI(model='gpt-4o-mini', max_tokens=512)\n"
        "Settings.embed_model = OpenAIEmbedding(model='text-embedding-3-small')\n"
        "judge = Anthropic(model='claude-haiku-4-5', max_tokens=256)\n"
        "local = Ollama(model='llama3', request_timeout=60)\n"
        "lm_studio = OpenAILike(model='qwen', api_base='http://localhost:1234/v1')\n"
        "router = ChatLiteLLM(model='gpt-4o-mini', max_tokens=300)\n"
        "index = VectorStoreIndex.from_documents([])\n"
        "print(judge.complete('Is this relevant? yes or no'))\n"
    ))
    got = sorted((r["line"], r["api"], r["billed"]) for r in found)
    # the embedding model and the index are no chat requests; the two local servers are unbilled
    assert got == [(9, "OpenAI (LlamaIndex)", True), (11, "Anthropic (LlamaIndex)", True), (12, "Ollama (LlamaIndex)", False),
                   (13, "OpenAILike (LlamaIndex)", False), (14, "ChatLiteLLM", True)]


def test_a_post_to_a_base_url_read_elsewhere_joined_with_the_end_of_an_endpoint(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "settings.py": "import os\n\nANTHROPIC_API = os.getenv('ANTHROPIC_BASE', 'https://api.anthropic.com/v1')\nCHAT_API = os.environ['GATEWAY']\nSLACK_API = 'https://slack.com/api'\n",
        "client.py": (
            "import requests\n\nfrom settings import ANTHROPIC_API, CHAT_API, SLACK_API\n\n\n"
            "def claude(prompt):\n"
            "    return requests.post(f'{ANTHROPIC_API}/messages', json={'model': 'claude-haiku-4-5', 'max_tokens': 100, 'messages': [{'role': 'user', 'content': prompt}]})\n\n\n"
            "def gateway(messages):\n    return requests.post(CHAT_API + '/completions', json={'model': 'gpt-4o-mini', 'messages': messages})\n\n\n"
            "def notify(text):\n    return requests.post(f'{CHAT_API}/messages', json={'channel': 'ops', 'text': text})\n\n\n"
            "def legacy(prompt):\n    return requests.post(f'{CHAT_API}/completions', json={'model': 'davinci', 'prompt': prompt})\n"
        ),
    })
    got = sorted((r["filename"], r["line"], r["api"]) for r in found)
    # notify: no chat body behind a base read at run time; legacy: no messages to prove it a chat request
    assert got == [("client.py", 7, "POST /v1/messages"), ("client.py", 11, "POST /chat/completions")]


def test_a_post_whose_url_ends_like_an_llm_endpoint_but_whose_body_no_llm_api_takes(cli, tmp_path):
    """A chat app's own messages API (`.../im/v1/messages`) is no Anthropic request: a body
    read whole with none of the keys every LLM request carries says so. A body with a
    spread, or one naming a model, is still judged by its URL."""
    found = report_routes(cli, tmp_path, {
        "im.py": (
            "import requests\n\n\n"
            "def send(token, chat, text):\n"
            "    payload = {'receive_id': chat, 'msg_type': 'text', 'content': text}\n"
            "    return requests.post('https://open.example.cn/open-apis/im/v1/messages?id_type=chat', json=payload)\n\n\n"
            "def ask(prompt):\n"
            "    body = {'model': 'claude-haiku-4-5', 'max_tokens': 100, 'messages': [{'role': 'user', 'content': prompt}]}\n"
            "    return requests.post('https://gateway.example.com/v1/messages', json=body)\n\n\n"
            "def relay(params):\n"
            "    return requests.post('https://api.anthropic.com/v1/messages', json={'stream': False, **params})\n"
        ),
    })
    got = sorted((r["filename"], r["line"]) for r in found)
    assert got == [("im.py", 11), ("im.py", 15)], got


def test_instances_reached_through_a_loop_over_them_and_through_a_lazy_property(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "agents/__init__.py": "",
        "agents/base.py": (
            "from openai import OpenAI\n\nclient = OpenAI()\n\n\nclass Agent:\n"
            "    def __init__(self, role, model='gpt-4o-mini'):\n        self.role = role\n        self.model = model\n\n"
            "    def run(self, task):\n"
            "        return client.chat.completions.create(model=self.model, max_tokens=500, messages=[{'role': 'system', 'content': self.role}, {'role': 'user', 'content': task}])\n\n"
            "    def describe(self):\n        return self.role\n"
        ),
        "agents/crew.py": (
            "from agents.base import Agent\n\n\n"
            "def work(task):\n    crew = [Agent('planner'), Agent('coder', 'gpt-4o')]\n    for agent in crew:\n        task = agent.run(task)\n"
            "    for agent in crew:\n        print(agent.describe())\n    return task\n\n\n"
            "def by_name(task):\n    team = {'a': Agent('reviewer')}\n    return [member.run(task) for member in team.values()]\n\n\n"
            "def names(task):\n    for name in ['planner', 'coder']:\n        print(name.run)\n\n\n"
            "class Service:\n    def __init__(self):\n        self._agent = None\n\n"
            "    @property\n    def agent(self):\n        if self._agent is None:\n            self._agent = Agent('helper')\n        return self._agent\n\n"
            "    @property\n    def label(self):\n        return 'service'\n\n"
            "    def handle(self, text):\n        return self.agent.run(text)\n\n"
            "    def name(self):\n        return self.agent.describe()\n"
        ),
    })
    # not describe(), not a loop over strings
    assert at(found, "agents/crew.py") == [(7, 12), (15, 12), (38, 12)]


def test_a_model_named_with_a_local_servers_prefix_is_never_billed(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import litellm\nfrom langchain.chat_models import init_chat_model\n\nLOCAL = 'ollama/llama3'\n\n\n"
        "def local(prompt):\n    return litellm.completion(model='ollama/llama3', messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "def named(prompt):\n    return litellm.completion(model=LOCAL, messages=[])\n\n\n"
        "def billed(prompt):\n    return litellm.completion(model='openrouter/meta-llama/llama-3-70b', messages=[])\n\n\n"
        "chat = init_chat_model('ollama:llama3')\nclaude = init_chat_model('anthropic:claude-haiku-4-5', max_tokens=100)\n"
    ))
    assert sorted((r["line"], r["billed"]) for r in found) == [(8, False), (12, False), (16, True), (19, False), (20, True)]


MODULE_AS_CLIENT = (
    "import ollama\nimport openai\n\n\n"
    "class LocalBot:\n"
    "    def new_client(self):\n        import ollama\n        return ollama\n\n"
    "    @property\n    def client(self):\n        return self.new_client()\n\n"
    "    def complete(self, messages):\n        return self.client.chat(model='llama3', messages=messages)\n\n\n"
    "class OpenAIBot:\n"
    "    @property\n    def client(self):\n        return openai\n\n"
    "    def complete(self, messages):\n        return self.client.chat.completions.create(model='gpt-4o-mini', max_tokens=200, messages=messages)\n\n\n"
    "class Notes:\n"
    "    @property\n    def client(self):\n        import json\n        return json\n\n"
    "    def complete(self, messages):\n        return self.client.chat(model='x', messages=messages)\n"
)


def test_a_module_handed_on_as_the_client_is_its_default_client(cli, tmp_path):
    """`def new_client(self): import ollama; return ollama`, then `self.client.chat(...)`:
    the `ollama` module's functions use its default client, a server on the user's machine
    (seen: an evaluation harness's Ollama chatbot, whose requests were not recognised and
    whose callers were reported as billed through the Claude subclass). The `openai`
    module is a (billed) client too; another module handed on so is none."""
    found = sorted((r["line"], r["provider"], r["billed"]) for r in report_routes(cli, tmp_path, {"bots.py": MODULE_AS_CLIENT}))
    assert found == [(line_of(MODULE_AS_CLIENT, "self.client.chat(model='llama3'"), "ollama", False),
                     (line_of(MODULE_AS_CLIENT, "self.client.chat.completions.create"), "openai", True)]


def test_other_frameworks_model_objects_are_their_constructors(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import dspy\nfrom pydantic_ai import Agent\nfrom crewai import LLM, Crew\n"
        "from smolagents import LiteLLMModel, OpenAIServerModel, CodeAgent\n\n"
        "lm = dspy.LM('openai/gpt-4o-mini', max_tokens=1000)\n"
        "agent = Agent('anthropic:claude-haiku-4-5', system_prompt='Be brief')\n"
        "writer = LLM(model='gpt-4o', max_tokens=2000)\n"
        "model = LiteLLMModel(model_id='anthropic/claude-3-5-sonnet-latest')\n"
        "local = OpenAIServerModel(model_id='qwen', api_base='http://localhost:8000/v1')\n"
        "qa = dspy.Predict('question -> answer')\ncoder = CodeAgent(tools=[], model=model)\ncrew = Crew(agents=[], tasks=[])\n"
        "print(agent.run_sync('hi'))\n"
    ))
    # dspy.Predict, CodeAgent and Crew run the model objects: no model written there
    assert sorted((r["line"], r["billed"]) for r in found) == [(6, True), (7, True), (8, True), (9, True), (10, False)]


def test_a_gemini_chat_session_started_on_a_model_bound_first(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import google.generativeai as genai\n\n\n"
        "def ask(prompt):\n    model = genai.GenerativeModel('gemini-1.5-flash')\n    chat = model.start_chat(history=[])\n"
        "    return chat.send_message(prompt).text\n\n\n"
        "def game(prompt, engine):\n    session = engine.start_chat()\n    return session.send_message(prompt)\n"
    ))
    # `engine` is nothing known: its session is no Gemini chat
    assert sorted((r["line"], r["api"], r["model"]) for r in found) == [(7, "send_message", "gemini-1.5-flash")]


def test_a_wrapper_class_imported_under_another_name_made_by_a_classmethod_or_another_files_factory(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/provider.py": PROVIDER + (
            "\n\nclass Settings:\n    @classmethod\n    def load(cls):\n        return cls()\n\n    def generate(self, prompt):\n        return prompt\n"
        ),
        # a module-level instance made by the provider file's factory, imported elsewhere
        "app/shared.py": "from app.provider import get_llm_provider, get_settings\n\nllm = get_llm_provider({'model': 'gpt-4o-mini'})\nsettings = get_settings({})\n",
        "app/use.py": (
            "from app.provider import LLMProvider as Model, Settings as Conf\nfrom app.shared import llm, settings\n\n\n"
            "def aliased(text):\n    return Model('gpt-4o').generate(text)\n\n\n"
            "def shared(text):\n    return llm.generate(text)\n\n\n"
            "def not_shared(text):\n    return settings.generate(text)\n\n\n"
            "def described():\n    return Model('gpt-4o').describe()\n\n\n"
            "def conf(text):\n    return Conf.load().generate(text)\n\n\n"
            "class Brief(Model):\n    def generate(self, prompt):\n        return super().generate('Be brief. ' + prompt)\n"
        ),
    })
    # not settings (a dict), describe(), nor Settings.generate (no request)
    assert at(found, "app/use.py") == [(6, 10), (10, 10), (27, 10)]


def test_a_classmethod_constructor_of_a_wrapper_class(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/client.py": (
            "import anthropic\n\n\nclass Claude:\n    def __init__(self, model):\n        self.model = model\n        self.client = anthropic.Anthropic()\n\n"
            "    @classmethod\n    def from_env(cls):\n        return cls('claude-haiku-4-5')\n\n"
            "    def ask(self, prompt):\n"
            "        return self.client.messages.create(model=self.model, max_tokens=100, messages=[{'role': 'user', 'content': prompt}])\n"
        ),
        "app/main.py": "from app.client import Claude\n\nprint(Claude.from_env().ask('hi'))\nprint(Claude.missing().ask('hi'))\n",
    })
    assert at(found, "app/main.py") == [(3, 14)]  # not a method the class does not define


def test_http_calls_that_name_the_method_first(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import httpx\nimport requests\n\nBASE = 'https://api.openai.com/v1'\n\n\n"
        "async def stream_chat(messages):\n    async with httpx.AsyncClient() as client:\n"
        "        async with client.stream('POST', f'{BASE}/chat/completions', json={'model': 'gpt-4o', 'messages': messages, 'stream': True}) as r:\n"
        "            async for line in r.aiter_lines():\n                yield line\n\n\n"
        "def plain(messages):\n    return requests.request('POST', 'https://api.anthropic.com/v1/messages', json={'model': 'claude-haiku-4-5', 'max_tokens': 5, 'messages': messages})\n\n\n"
        "def models():\n    return requests.request('GET', f'{BASE}/models', json={'model': 'x', 'messages': []})\n\n\n"
        "def verb(method, messages):\n    return httpx.request(method, f'{BASE}/chat/completions', json={'model': 'gpt-4o', 'messages': messages})\n\n\n"
        "def other(llm, messages):\n    return llm.stream('POST', json={'model': 'gpt-4o', 'messages': messages})\n"
    ))
    # a GET, a method not written, and a `stream` of an object that is no HTTP client are no requests
    assert sorted((r["line"], r["api"]) for r in found) == [(9, "POST /chat/completions"), (15, "POST /v1/messages")]


def test_a_registry_of_providers_instances_or_classes_in_a_dict(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/provider.py": PROVIDER + "\n\nclass Echo:\n    def generate(self, prompt):\n        return prompt\n",
        "app/router.py": (
            "from app.provider import LLMProvider, Echo\n\n\n"
            "class Router:\n    def __init__(self):\n"
            "        self.providers = {'claude': LLMProvider('claude-haiku-4-5'), 'echo': Echo()}\n        self.fallbacks = {'echo': Echo()}\n\n"
            "    def ask(self, name, prompt):\n        return self.providers[name].generate(prompt)\n\n"
            "    def ask_or_none(self, name, prompt):\n        provider = self.providers.get(name)\n        return provider.generate(prompt)\n\n"
            "    def echo(self, prompt):\n        return self.fallbacks['echo'].generate(prompt)\n\n\n"
            "REGISTRY = {'claude': LLMProvider, 'echo': Echo}\nNAMES = {'claude': 'Claude'}\n\n\n"
            "def build(name, prompt):\n    provider_class = REGISTRY.get(name, Echo)\n    return provider_class('claude-haiku-4-5').generate(prompt)\n\n\n"
            "def label(name, prompt):\n    return NAMES[name].generate(prompt)\n"
        ),
    })
    # not a dict of Echo objects only, nor a dict of strings
    assert at(found, "app/router.py") == [(10, 10), (14, 10), (26, 10)]


def test_a_function_picked_from_a_dict_of_functions_is_called(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "from anthropic import Anthropic\n\nclient = Anthropic()\n\n\n"
        "def summarise(text):\n"
        "    return client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': text}])\n\n\n"
        "def shout(text):\n    return text.upper()\n\n\n"
        "HANDLERS = {'summarise': summarise, 'shout': shout}\n"
        "REGISTRY = {'summarise': {'func': summarise, 'help': 'Summarise a text'}}\n"
        "FORMATTERS = {'shout': shout}\n\n\n"
        "def dispatch(kind, text):\n    return HANDLERS[kind](text)\n\n\n"
        "def dispatch_entry(kind, text):\n    return REGISTRY[kind]['func'](text)\n\n\n"
        "def dispatch_get(kind, text):\n    return HANDLERS.get(kind)(text)\n\n\n"
        "def fmt(kind, text):\n    return FORMATTERS[kind](text)\n\n\n"
        "def main(text):\n    dispatch('summarise', text)\n    fmt('shout', text)\n"
    ))
    # a dict of functions, a field of a dict of entries, `.get`; the caller of a dispatch too;
    # not a dict whose functions make no request
    assert at(found, "example.py") == [(7, None), (20, 7), (24, 7), (28, 7), (36, 7)]


def test_a_function_run_in_a_thread_pool_or_an_executor(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "import asyncio\n\nfrom anthropic import Anthropic\nfrom starlette.concurrency import run_in_threadpool\n\nclient = Anthropic()\n\n\n"
        "def ask(text):\n"
        "    return client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': text}])\n\n\n"
        "def tidy(text):\n    return text.strip()\n\n\n"
        "async def a(text):\n    return await run_in_threadpool(ask, text)\n\n\n"
        "async def b(text):\n    loop = asyncio.get_running_loop()\n    return await loop.run_in_executor(None, ask, text)\n\n\n"
        "async def c(text):\n    return await asyncio.to_thread(ask, text)\n\n\n"
        "async def d(text):\n    return await asyncio.to_thread(tidy, text)\n"
    ))
    assert at(found, "example.py") == [(10, None), (18, 10), (23, 10), (27, 10)]  # not tidy()


def test_a_bedrock_client_from_a_session_made_inline_or_named_by_keyword(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import boto3\n\n\n"
        "def handler(event, context):\n"
        "    client = boto3.Session(profile_name='x').client('bedrock-runtime')\n"
        "    return client.converse(modelId='anthropic.claude-3-haiku-20240307-v1:0', messages=[], inferenceConfig={'maxTokens': 100})\n\n\n"
        "def by_keyword(event, context):\n"
        "    client = boto3.Session().client(service_name='bedrock-runtime', region_name='us-east-1')\n"
        "    return client.converse(modelId='anthropic.claude-3-haiku-20240307-v1:0', messages=[], inferenceConfig={'maxTokens': 100})\n\n\n"
        "def other_service(event, context):\n"
        "    client = boto3.Session().client(service_name='bedrock-agent-runtime')\n"
        "    return client.converse(modelId='anthropic.claude-3-haiku-20240307-v1:0', messages=[], inferenceConfig={'maxTokens': 100})\n"
    ))
    # not another service's client
    assert sorted((r["line"], r["api"]) for r in found) == [(6, "converse"), (11, "converse")]


def test_a_client_handed_to_a_handler_class_constructor(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "import boto3\n\n\n"
        "class Handler:\n"
        "    def __init__(self, client, table=None):\n        self.client = client\n        self.table = table\n\n"
        "    def handle(self, text):\n"
        "        return self.client.converse(modelId='anthropic.claude-3-haiku-20240307-v1:0', messages=[{'role': 'user', 'content': [{'text': text}]}], inferenceConfig={'maxTokens': 100})\n\n\n"
        "class Archiver:\n"
        "    def __init__(self, client):\n        self.client = client\n\n"
        "    def handle(self, text):\n"
        "        return self.client.converse(modelId='x', messages=[], inferenceConfig={'maxTokens': 100})\n\n\n"
        "handler = Handler(boto3.client('bedrock-runtime'))\n"
        "archiver = Archiver(boto3.client('s3'))\n\n\n"
        "def lambda_handler(event, context):\n    archiver.handle(event['body'])\n    return handler.handle(event['body'])\n"
    ))
    # the client handed to Handler is Bedrock Runtime's; Archiver is handed an S3 client
    assert at(found, "example.py") == [(10, None), (27, 10)]


BACKENDS = (
    "import httpx\n\n\n"
    "class Backend:\n"
    "    def _post_url(self):\n        raise NotImplementedError\n\n"
    "    async def _post(self, payload):\n        url = self._post_url()\n"
    "        async with httpx.AsyncClient() as client:\n            response = await client.post(url, json=payload)\n"
    "        return response.json()\n\n"
    "    async def query(self, messages):\n        return await self._post({'model': self.model, 'max_tokens': 4000, 'messages': messages})\n\n\n"
    "class AnthropicBackend(Backend):\n    model = 'claude-haiku-4-5'\n\n"
    "    def _post_url(self):\n        return 'https://api.anthropic.com/v1/messages'\n\n\n"
    "class Gateway(AnthropicBackend):\n    def __init__(self, base):\n        self.base = base\n\n"
    "    def _post_url(self):\n        return f'{self.base}/chat/completions'\n\n\n"
    "class Sink:\n"
    "    def _post_url(self):\n        raise NotImplementedError\n\n"
    "    def send(self, payload):\n        return httpx.post(self._post_url(), json=payload)\n\n\n"
    "class SlackSink(Sink):\n"
    "    def _post_url(self):\n        return 'https://hooks.slack.com/services/x'\n\n\n"
    "class Own:\n"
    "    def _url(self):\n        return 'https://api.openai.com/v1/chat/completions'\n\n"
    "    def send(self, payload):\n        return httpx.post(self._url(), json=payload)\n"
)


def test_a_post_to_the_url_a_method_or_a_subclass_override_returns(cli, tmp_path):
    found = routes(cli, tmp_path, BACKENDS)
    # the base posting to the URL its subclasses' hook returns, its caller; the class's own
    # URL method; not a sink whose only override returns a webhook's URL
    assert at(found, "example.py") == [(11, None), (15, 11), (51, None)]


def test_a_template_method_run_for_a_subclass_reaches_that_subclass_override(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "book/__init__.py": "",
        "book/base.py": BASE_TRANSLATOR,
        "book/claude.py": (
            "import anthropic\n\nfrom book.base import BaseTranslator\n\n\n"
            "class ClaudeTranslator(BaseTranslator):\n"
            "    def __init__(self, key, language):\n        super().__init__(key, language)\n        self.client = anthropic.Anthropic(api_key=key)\n\n"
            "    def _complete(self, prompt):\n"
            "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=2000, messages=[{'role': 'user', 'content': prompt}])\n"
        ),
        "book/gemini.py": (
            "from google import genai\n\nfrom book.base import BaseTranslator\n\n\n"
            "class GeminiTranslator(BaseTranslator):\n    MODEL = 'gemini-2.5-flash'\n\n"
            "    def __init__(self, key, language):\n        super().__init__(key, language)\n        self.client = genai.Client(api_key=key)\n\n"
            "    def _complete(self, prompt):\n"
            "        return self.client.models.generate_content(model='gemini-2.5-flash', contents=prompt)\n\n"
            "    def rungs(self, text):\n        return [lambda: self.translate(text)]\n"
        ),
    })
    # the lambda runs BaseTranslator.translate on a GeminiTranslator: its own _complete (14),
    # not ClaudeTranslator's (12), which the base's call alone may reach
    assert at(found, "book/gemini.py") == [(14, None), (17, 14)]


def test_a_base_class_post_to_the_url_hook_a_subclass_of_another_file_overrides(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "models/__init__.py": "",
        "models/base.py": (
            "import httpx\n\n\n"
            "class BaseModel:\n"
            "    def _post_url(self):\n        raise NotImplementedError\n\n"
            "    def _build_payload(self, messages):\n        raise NotImplementedError\n\n"
            "    async def _post_with_retries(self, payload):\n        url = self._post_url()\n"
            "        async with httpx.AsyncClient() as client:\n            response = await client.post(url, json=payload)\n"
            "        return response.json()\n\n"
            "    async def query(self, messages):\n        return await self._post_with_retries(self._build_payload(messages))\n\n\n"
            "class Sink:\n"
            "    def _endpoint(self):\n        raise NotImplementedError\n\n"
            "    def send(self, payload):\n        return httpx.post(self._endpoint(), json=payload)\n"
        ),
        "models/anthropic_model.py": (
            "from pydantic import BaseModel as Settings\n\nfrom models.base import BaseModel, Sink\n\n\n"
            "class AnthropicConfig(Settings):\n    anthropic_endpoint: str = 'https://api.anthropic.com/v1/messages'\n\n\n"
            "class AnthropicModel(BaseModel):\n"
            "    def _post_url(self):\n        return self.config.anthropic_endpoint\n\n"
            "    def _build_payload(self, messages):\n        return {'model': 'claude-haiku-4-5', 'max_tokens': 4000, 'messages': messages}\n\n\n"
            "class SlackSink(Sink):\n"
            "    def _endpoint(self):\n        return 'https://hooks.slack.com/services/x'\n"
        ),
    })
    # the POST its subclass's hook sends to the Messages API, and its caller; not the sink
    # whose subclass returns a webhook's URL
    assert at(found, "models/base.py") == [(14, None), (18, 14)]


def test_a_helper_posting_the_body_it_is_handed_to_a_url_read_at_run_time(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "llm.py": (
            "import os\n\nimport requests\n\nurl = os.environ['LLM_URL_BASE']\n\n\n"
            "def gen_payload(max_token, msg):\n"
            "    payload = {'model': 'mistral-7b-instruct', 'max_tokens': max_token, 'messages': msg}\n    return payload\n\n\n"
            "def gen_event(text):\n    return {'channel': 'ops', 'text': text}\n\n\n"
            "def call_LLM(payload):\n    return requests.request('POST', url, json=payload).json()\n"
        ),
        "server.py": (
            "from llm import call_LLM, gen_event, gen_payload\n\n\n"
            "def elaborate(msg):\n    return call_LLM(gen_payload(2048, msg))\n\n\n"
            "def notify(text):\n    return call_LLM(gen_event(text))\n"
        ),
    })
    # a chat body built by another module's function makes the POST a request; an event does not
    assert at(found, "llm.py") == [(18, None)]
    assert at(found, "server.py") == [(5, 18)]


def test_strands_model_providers_are_their_constructors(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "agent.py": (
            "from strands import Agent\nfrom strands.models import BedrockModel\nfrom strands.models.anthropic import AnthropicModel\n"
            "from strands.models.openai import OpenAIModel\nfrom strands.models.ollama import OllamaModel\n\n"
            "nova = BedrockModel(model_id='us.amazon.nova-pro-v1:0', max_tokens=2000)\n"
            "claude = AnthropicModel(model_id='claude-haiku-4-5', max_tokens=1028, client_args={'api_key': 'k'})\n"
            "gpt = OpenAIModel(model_id='gpt-4o', params={'max_tokens': 1000})\n"
            "local = OllamaModel(host='http://localhost:11434', model_id='llama3')\n"
            "agent = Agent(model=nova, tools=[])\nprint(agent('hi'))\n"
        ),
        "own.py": "class BedrockModel:\n    def __init__(self, model_id):\n        self.model_id = model_id\n\n\nm = BedrockModel(model_id='x')\n",
    })
    # the Agent runs the model object (no model written there); a project's own BedrockModel is none
    assert sorted((r["filename"], r["line"], r["api"], r["billed"]) for r in found) == [
        ("agent.py", 7, "BedrockModel (Strands)", True), ("agent.py", 8, "AnthropicModel (Strands)", True),
        ("agent.py", 9, "OpenAIModel (Strands)", True), ("agent.py", 10, "OllamaModel (Strands)", False)]


def test_a_messages_request_posted_to_a_proxy_path_read_at_run_time(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import os\n\nimport httpx\n\nBASE = os.environ['PROXY_URL'].rstrip('/') + '/'\n\n\n"
        "async def create(model, messages, max_tokens=4096):\n"
        "    headers = {'x-api-key': os.environ['KEY'], 'Content-Type': 'application/json'}\n"
        "    data = {'model': model, 'messages': messages, 'max_tokens': max_tokens}\n"
        "    async with httpx.AsyncClient() as client:\n        return await client.post(BASE + 'create', headers=headers, json=data)\n\n\n"
        "async def log(model, messages):\n"
        "    data = {'model': model, 'messages': messages, 'max_tokens': 1}\n"
        "    async with httpx.AsyncClient() as client:\n        return await client.post(BASE + 'log', headers={'Authorization': 'x'}, json=data)\n"
    ))
    # the Anthropic API's own headers say what the proxy's path is; a log POST of the same body says nothing
    assert sorted((r["line"], r["api"]) for r in found) == [(12, "POST /v1/messages")]


def test_a_chat_request_written_whole_posted_to_a_proxy_url(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import requests\n\nmsgs = ['What is ML?', 'Explain Docker']\n\n"
        "for m in msgs:\n    print(requests.post(\n        'https://zerokey.onrender.com/proxy/u/groq/key',\n"
        "        headers={'Authorization': 'Bearer k'},\n"
        "        json={'model': 'groq/compound-mini', 'messages': [{'role': 'user', 'content': m}]},\n    ).json())\n\n\n"
        "def forward(messages):\n"
        "    return requests.post('https://example.com/api/log', json={'model': 'gpt-4o', 'messages': messages})\n\n\n"
        "def notify(text):\n"
        "    return requests.post('https://example.com/hooks/x', json={'model': 'a', 'messages': [{'text': text}]})\n\n\n"
        "def local(m):\n"
        "    return requests.post('http://localhost:8080/proxy', json={'model': 'llama3', 'messages': [{'role': 'user', 'content': m}]})\n"
    ))
    # the proxy is handed a model and role messages written out: it forwards a chat request.
    # A URL that is no endpoint's, posted messages it is passed or dicts of no role: no request.
    assert sorted((r["line"], r["api"], r["billed"], r["model"]) for r in found) == [
        (6, "POST /chat/completions", True, "groq/compound-mini"), (22, "POST /chat/completions", False, "llama3")]


def test_a_post_to_a_url_joined_from_a_host_and_a_path_parameter_with_a_default(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "llm/client.py": (
            "import httpx\n\n\nclass LLMClient:\n"
            "    def __init__(self, domain, model_name, chat_endpoint='ENDPOINT'):\n"
            "        self.url = domain + chat_endpoint\n        self.model_name = model_name\n\n"
            "    async def get_response(self, messages):\n        async with httpx.AsyncClient() as client:\n"
            "            return await client.post(url=self.url, json={'model': self.model_name, 'messages': messages, 'stream': False})\n"
        ).replace("ENDPOINT", "/api/chat"),
        "llm/remote.py": (
            "import httpx\n\n\nclass Remote:\n"
            "    def __init__(self, domain, chat_endpoint='/v1/chat/completions'):\n        self.url = domain + chat_endpoint\n\n"
            "    def ask(self, messages):\n        return httpx.post(self.url, json={'model': 'gpt-4o-mini', 'messages': messages, 'max_tokens': 200})\n"
        ),
    })
    # the path the class is written for is its parameter's default: Ollama's own chat API (a
    # local server), or an OpenAI-compatible one (billed); the host stays the callers'
    assert sorted((r["filename"], r["api"], r["billed"]) for r in found) == [
        ("llm/client.py", "POST /api/chat", False), ("llm/remote.py", "POST /chat/completions", True)]


def test_a_factory_instantiating_a_class_picked_from_a_registry_of_another_file(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "srv/__init__.py": "",
        "srv/anthropic_handler.py": (
            "from anthropic import AsyncAnthropic\n\n\nclass AnthropicHandler:\n"
            "    def __init__(self, provider, model):\n        self.model = model\n        self.client = AsyncAnthropic()\n\n"
            "    async def execute(self, messages, max_tokens=4096):\n"
            "        return await self.client.messages.create(model=self.model, max_tokens=max_tokens, messages=messages)\n\n"
            "    def describe(self):\n        return self.model\n"
        ),
        "srv/registry.py": (
            "from typing import Dict, Type\n\nfrom srv.anthropic_handler import AnthropicHandler\n\n"
            "HANDLERS: Dict[str, Type[AnthropicHandler]] = {\n    'anthropic': AnthropicHandler,\n    'bedrock': AnthropicHandler,\n}\n\n\n"
            "def get_handler(provider, model, **kwargs):\n    handler_class = HANDLERS.get(provider)\n"
            "    return handler_class(**{'provider': provider, 'model': model, **kwargs})\n"
        ),
        "srv/loop.py": (
            "from srv.registry import get_handler\n\n\n"
            "async def sampling_loop(provider, model, messages):\n    handler = get_handler(provider, model)\n"
            "    print(handler.describe())\n    return await handler.execute(messages=messages)\n"
        ),
    })
    assert at(found, "srv/loop.py") == [(7, 10)]  # not describe()


def test_a_function_a_thread_runs_with_its_args(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "from queue import Queue\nfrom threading import Thread\n\nimport boto3\n\nbedrock = boto3.client('bedrock-runtime')\n\n\n"
        "def ask(prompt, model):\n"
        "    return bedrock.converse(modelId=model, messages=[{'role': 'user', 'content': [{'text': prompt}]}], inferenceConfig={'maxTokens': 500})\n\n\n"
        "def worker(q, results):\n    while not q.empty():\n        i, prompt, model = q.get()\n        results[i] = ask(prompt, model)\n        q.task_done()\n\n\n"
        "def tidy(q, results):\n    while not q.empty():\n        i, text = q.get()\n        results[i] = text.strip()\n\n\n"
        "def ask_threaded(prompts, model='anthropic.claude-3-haiku-20240307-v1:0'):\n    q = Queue()\n    results = [None] * len(prompts)\n"
        "    for i, p in enumerate(prompts):\n        q.put((i, p, model))\n"
        "    for _ in range(4):\n        Thread(target=worker, args=(q, results), daemon=True).start()\n    q.join()\n    return results\n\n\n"
        "def tidy_threaded(texts):\n    q = Queue()\n    results = [None] * len(texts)\n    for i, t in enumerate(texts):\n        q.put((i, t))\n"
        "    Thread(target=tidy, args=(q, results)).start()\n    return results\n\n\n"
        "print(ask_threaded(['one', 'two']))\nprint(tidy_threaded([' a ']))\n"
    ))
    # the thread's worker, the function starting the threads, its caller; not a thread tidying text
    assert at(found, "example.py") == [(10, None), (16, 10), (32, 10), (46, 10)]


def test_an_object_called_and_made_again_in_another_cell(cli, tmp_path):
    found = routes(cli, tmp_path, (
        "import boto3\n\nbedrock = boto3.client('bedrock-runtime')\n\n\n"
        "class Agent:\n    def __init__(self, model):\n        self.model = model\n        self.messages = []\n\n"
        "    def __call__(self, message):\n        self.messages.append({'role': 'user', 'content': [{'text': message}]})\n"
        "        return bedrock.converse(modelId=self.model, messages=self.messages, inferenceConfig={'maxTokens': 500})\n\n\n"
        "class Echo:\n    def __call__(self, message):\n        return message\n\n\n"
        "abot = Agent('anthropic.claude-3-haiku-20240307-v1:0')\nabot('How much does a poodle weigh?')\n"
        "abot = Agent('anthropic.claude-3-haiku-20240307-v1:0')\nabot('And a collie?')\n"
        "echo = Echo()\necho('x')\necho = Echo()\necho('y')\n"
    ))
    # both calls of the Agent, made twice; not the Echo, made twice too
    assert at(found, "example.py") == [(13, None), (22, 13), (24, 13)]


def test_a_post_to_a_url_method_the_class_implements_itself_is_no_hook(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "api/__init__.py": "",
        "api/base.py": (
            "import httpx\n\n\nclass Client:\n"
            "    def _post_url(self):\n        return self.settings.url\n\n"
            "    def send(self, payload):\n        return httpx.post(self._post_url(), json=payload)\n"
        ),
        "api/chat.py": (
            "from api.base import Client\n\n\nclass ChatClient(Client):\n"
            "    def _post_url(self):\n        return 'https://api.openai.com/v1/chat/completions'\n"
        ),
    })
    # a concrete URL method of its own: an HTTP client, no backend hook (and no chat body seen)
    assert at(found, "api/base.py") == []


def test_a_client_from_a_lazy_getter_method_behind_a_protocol_of_the_callers_file(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "dm/__init__.py": "",
        "dm/claude_client.py": (
            "import anthropic\n\n\nclass ClaudeClient:\n"
            "    def __init__(self, api_key):\n        self.client = anthropic.Anthropic(api_key=api_key)\n\n"
            "    def send_action(self, system_prompt, action):\n"
            "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=300, system=system_prompt, "
            "messages=[{'role': 'user', 'content': action}])\n"
        ),
        "dm/service.py": (
            "import os\nfrom typing import Protocol\n\n\n"
            "class AIClient(Protocol):\n    def send_action(self, system_prompt: str, action: str):\n        ...\n\n\n"
            "class Sink(Protocol):\n    def send_action(self, system_prompt: str, action: str):\n        ...\n\n"
            "    def flush(self):\n        ...\n\n\n"
            "class Store:\n    def send_action(self, system_prompt, action):\n        return [system_prompt, action]\n\n\n"
            "class Service:\n"
            "    def __init__(self, ai_client: AIClient | None = None):\n        self._ai_client = ai_client\n\n"
            "    def _get_ai_client(self) -> AIClient:\n"
            "        if self._ai_client is None:\n            from dm.claude_client import ClaudeClient\n\n"
            "            self._ai_client = ClaudeClient(os.environ['KEY'])\n"
            "        return self._ai_client\n\n"
            "    def _get_store(self):\n        return Store()\n\n"
            "    def check(self, target):\n        ai_client = self._get_ai_client()\n"
            "        return ai_client.send_action(system_prompt='classify', action=target)\n\n"
            "    def narrate(self, text):\n        return self._get_ai_client().send_action('narrate', text)\n\n"
            "    def keep(self, text):\n        return self._get_store().send_action('keep', text)\n\n\n"
            "def notify(sink: Sink, text):\n    return sink.send_action('note', text)\n"
        ),
    })
    # the getter's client (the Protocol declares the method it runs), through a name and
    # inline; not a getter's plain object, nor a Protocol no wrapper class implements
    assert at(found, "dm/service.py") == [(39, 9), (42, 9)]


def _sites(cli, tmp_path, example) -> dict:
    """(file, line) -> (provider, api, model, output limit) of each request site (no wrapper calls)."""
    return {(r["filename"], r["line"]): (r["provider"], r["api"], r["model"], r["output_limit"])
            for r in report_routes(cli, tmp_path, example) if not r["via"]}


GEMINI_GETTER = (
    "import google.generativeai as genai\nfrom helpers import create_gemini_client\n\nGEMINI_MODEL = 'gemini-2.5-flash'\n\n\n"
    "def handler(api_key, content):\n    client = create_gemini_client(api_key)\n    model = client.get_model(GEMINI_MODEL)\n"
    "    config = {'max_output_tokens': 2048, 'temperature': 0.2}\n"
    "    return model.generate_content(content, generation_config=config).text\n\n\n"
    "def moderated(model, content):\n    return model.generate_content(content, safety_settings={'harassment': 'block_none'})\n\n\n"
    "def unproven(model, content):\n    return model.generate_content(content)\n\n\n"
    "class Writer:\n    def generate_content(self, content, generation_config=None):\n        return content\n\n"
    "    def draft(self, content):\n        return self.generate_content(content, generation_config={'max_output_tokens': 10})\n"
)


def test_a_gemini_model_object_from_a_project_getter_proven_by_its_generation_config(cli, tmp_path):
    found = _sites(cli, tmp_path, {
        "helpers.py": "def create_gemini_client(api_key):\n    return object()\n",
        "gem.py": GEMINI_GETTER,
        # the same calls in a file that imports no Google SDK: another library's generate_content
        "other.py": GEMINI_GETTER.replace("import google.generativeai as genai\n", ""),
    })
    request = ("gem.py", line_of(GEMINI_GETTER, "model.generate_content(content, generation_config=config)"))
    # the getter's argument is the model, the generation_config's cap the output limit
    assert found[request] == ("google", "generate_content", "gemini-2.5-flash", 2048)
    assert ("gem.py", line_of(GEMINI_GETTER, "model.generate_content(content, safety_settings")) in found
    # silent: no keyword only Gemini takes; the class's own generate_content; no Google import
    assert sorted(found) == sorted([request, ("gem.py", line_of(GEMINI_GETTER, "model.generate_content(content, safety_settings"))])


RESPONSES = (
    "from openai.types.responses import Response\nfrom app.clients import get_async_client\n\n\n"
    "async def call_model(model_name, messages, instructions):\n    client = get_async_client()\n"
    "    response: Response = await client.responses.create(model=model_name, input=messages, instructions=instructions, "
    "max_output_tokens=900)\n    return response\n\n\n"
    "async def main():\n    return await call_model('computer-use-preview', [], 'Operate the browser.')\n\n\n"
    "def record(survey, model, text):\n    return survey.responses.create(model=model, text=text)\n"
)


def test_an_openai_responses_request_on_a_client_from_another_module_proven_by_model_and_input(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "app/__init__.py": "", "app/clients.py": "def get_async_client():\n    return None\n",
        "app/agent.py": RESPONSES,
        # no OpenAI import: a look-alike manager's responses.create(model=..., input=...)
        "app/forms.py": RESPONSES.replace("from openai.types.responses import Response\n", "Response = dict\n"),
    })
    rows = sorted((r["filename"], r["line"], r["model"], r["output_limit"]) for r in found)
    request = line_of(RESPONSES, "client.responses.create")
    # the request, and the wrapper call that sends computer-use-preview through it; not a
    # related manager's responses.create without `input`, nor anything in the file with no OpenAI import
    assert rows == [("app/agent.py", request, "?", 900), ("app/agent.py", line_of(RESPONSES, "return await call_model("), "computer-use-preview", 900)]
    assert {r["api"] for r in found} == {"responses.create"}


XAI = (
    "import os\nfrom xai_sdk import Client\nfrom xai_sdk.chat import system, user\n\n"
    "xai_client = Client(api_key=os.getenv('XAI_KEY'))\n\n\n"
    "def grok(prompt, system_prompt):\n    chat = xai_client.chat.create(model='grok-4-latest', max_tokens=1000, temperature=0.7)\n"
    "    chat.append(system(system_prompt))\n    chat.append(user(prompt))\n    return chat.sample().content\n\n\n"
    "def post(slack, text):\n    return slack.chat.create(model='grok-4-latest', text=text)\n\n\n"
    "def on_message(message):\n    return grok(message, 'Answer in one line.')\n"
)


XAI_OPENAI = (
    "import os\nfrom openai import OpenAI\n\ngrok = OpenAI(api_key=os.getenv('XAI_API_KEY'), base_url='https://api.x.ai/v1')\n\n\n"
    "def ask(q):\n    return grok.chat.completions.create(model='grok-4', max_tokens=400, messages=[{'role': 'user', 'content': q}])\n"
)


def test_an_xai_sdk_chat_is_a_request_where_its_settings_are_written(cli, tmp_path):
    found = sorted((r["filename"], r["line"], (r["via"] or {}).get("line"), r["api"], r["model"], r["output_limit"], r["billed"])
                   for r in report_routes(cli, tmp_path, {"bot.py": XAI, "compat.py": XAI_OPENAI}))
    request = line_of(XAI, "xai_client.chat.create")
    # the chat's settings (sent by its sample()), and a call of the function whose parameters
    # the chat is sent with (appended, not passed to create); not another object's chat.create;
    # and xAI's OpenAI-compatible endpoint through the OpenAI SDK
    assert found == [("bot.py", request, None, "chat.create (xai_sdk)", "grok-4-latest", 1000, True),
                     ("bot.py", line_of(XAI, "return grok("), request, "chat.create (xai_sdk)", "grok-4-latest", 1000, True),
                     ("compat.py", line_of(XAI_OPENAI, "grok.chat"), None, "chat.completions.create", "grok-4", 400, True)]


MISTRAL = (
    "import os\nfrom mistralai.client import MistralClient\nfrom mistralai.models.chat_completion import ChatMessage\n\n"
    "client = MistralClient(api_key=os.environ['MISTRAL_API_KEY'])\n\n\n"
    "def ask(prompt, max_tokens=200):\n"
    "    return client.chat(model='mistral-large-latest', messages=[ChatMessage(role='user', content=prompt)], max_tokens=max_tokens)\n\n\n"
    "def stream(prompt):\n    return client.chat_stream('open-mistral-7b', [ChatMessage(role='user', content=prompt)], max_tokens=64)\n"
)
MISTRAL_CURRENT = (
    "from mistralai import Mistral\n\n\ndef ask(key, prompt):\n"
    "    return Mistral(api_key=key).chat.complete(model='mistral-small-latest', messages=[{'role': 'user', 'content': prompt}], max_tokens=300)\n"
)
# `mistral` is never imported nor built here: a bare name proves nothing
MISTRAL_UNSEEN = (
    "import anthropic\n\n\ndef mistral_call(prompt, max_tokens=200):\n"
    "    return mistral.chat(model='mistral-large-latest', messages=[ChatMessage(role='user', content=prompt)], max_tokens=max_tokens)\n"
)


def test_mistral_legacy_and_current_clients_and_never_a_bare_name(cli, tmp_path):
    found = _sites(cli, tmp_path, {"legacy.py": MISTRAL, "current.py": MISTRAL_CURRENT, "unseen.py": MISTRAL_UNSEEN})
    assert found == {
        ("legacy.py", line_of(MISTRAL, "client.chat(")): ("mistral", "chat (mistralai<1.0)", "mistral-large-latest", 200),
        ("legacy.py", line_of(MISTRAL, "client.chat_stream(")): ("mistral", "chat_stream (mistralai<1.0)", "open-mistral-7b", 64),
        ("current.py", line_of(MISTRAL_CURRENT, ".chat.complete(")): ("mistral", "chat.complete", "mistral-small-latest", 300),
    }


BEDROCK_PASSED = (
    "import boto3\n\nMODEL_ID = 'us.anthropic.claude-haiku-4-5-20251001-v1:0'\n"
    "RUNTIME = boto3.client('bedrock-runtime', region_name='us-east-1')\n\n\n"
    "def create_bedrock_client(region_name):\n    return boto3.client('bedrock-runtime', region_name=region_name)\n\n\n"
    "def ai_request(bedrock_client, messages, system_prompt):\n"
    "    return bedrock_client.converse(modelId=MODEL_ID, messages=messages, system=[{'text': system_prompt}], inferenceConfig={'maxTokens': 512})\n\n\n"
    "def handle_message(client, bedrock_client, text):\n    return ai_request(bedrock_client, [{'role': 'user', 'content': [{'text': text}]}], 'Be brief.')\n\n\n"
    "def lambda_handler(event, context):\n    bedrock_client = create_bedrock_client('us-east-1')\n"
    "    return handle_message(None, bedrock_client, event['text'])\n\n\n"
    "def summarise(runtime, text):\n    return runtime.converse(modelId=MODEL_ID, messages=[{'role': 'user', 'content': [{'text': text}]}])\n\n\n"
    "summarise(RUNTIME, 'a long text')\n\n\n"
    "def archive(store, text):\n    return store.converse(modelId=MODEL_ID, messages=[text])\n\n\n"
    "archive(boto3.client('s3'), 'x')\n\n\n"
    "def mixed(runtime, text):\n    return runtime.converse(modelId=MODEL_ID, messages=[text, 'mixed'])\n\n\n"
    "mixed(RUNTIME, 'x')\nmixed(object(), 'y')\n\n\n"
    "def shared(runtime, text):\n    return runtime.converse(modelId=MODEL_ID, messages=[text, 'shared'])\n\n\n"
    "def on_event(event):\n    from aws_clients import bedrock\n    return shared(bedrock, event['text'])\n\n\n"
    "class Bot:\n    def __init__(self):\n        self.runtime = boto3.client('bedrock-runtime')\n\n"
    "    def _ask(self, runtime, text):\n"
    "        return runtime.converse(modelId=MODEL_ID, messages=[text], inferenceConfig={'maxTokens': 256})\n\n"
    "    def reply(self, text):\n        return self._ask(self.runtime, text)\n"
)


def test_a_bedrock_client_made_by_a_factory_and_passed_in_as_a_parameter(cli, tmp_path):
    found = _sites(cli, tmp_path, {"worker.py": BEDROCK_PASSED})
    # through two functions' parameters from a factory's client, a module-level client, and a method's;
    # not where a caller passes an S3 client
    assert found == {
        ("worker.py", line_of(BEDROCK_PASSED, "bedrock_client.converse(")): ("bedrock", "converse", MODEL_ID_BEDROCK, 512),
        ("worker.py", line_of(BEDROCK_PASSED, "runtime.converse(modelId=MODEL_ID, messages=[{")): ("bedrock", "converse", MODEL_ID_BEDROCK, None),
        # a method called on `self` with the object's client
        ("worker.py", line_of(BEDROCK_PASSED, "runtime.converse(modelId=MODEL_ID, messages=[text], inferenceConfig")): ("bedrock", "converse", MODEL_ID_BEDROCK, 256),
        # callers that hand a Bedrock client and an unknown object, or a client imported from
        # another module: the keywords, in a file importing boto3, prove the request
        ("worker.py", line_of(BEDROCK_PASSED, "'mixed'")): ("bedrock", "converse", MODEL_ID_BEDROCK, None),
        ("worker.py", line_of(BEDROCK_PASSED, "'shared'")): ("bedrock", "converse", MODEL_ID_BEDROCK, None),
    }


MODEL_ID_BEDROCK = "claude-haiku-4-5-20251001"  # the catalogue's name of the Bedrock ID


TOOL_RUNNER = (
    "import anthropic\nfrom anthropic import beta_tool\n\nclient = anthropic.Anthropic()\n\n\n"
    "@beta_tool\ndef get_weather(location: str) -> str:\n    \"\"\"The weather at a place.\"\"\"\n    return 'sunny'\n\n\n"
    "def ask(question):\n    runner = client.beta.messages.tool_runner(model='claude-haiku-4-5', max_tokens=1024, tools=[get_weather], "
    "messages=[{'role': 'user', 'content': question}])\n    return [message for message in runner]\n\n\n"
    "def run_tool(agent, name, args):\n    return agent.tool_runner(name, args)\n"
)


def test_the_anthropic_sdks_tool_runner_is_a_request(cli, tmp_path):
    found = _sites(cli, tmp_path, {"agent.py": TOOL_RUNNER})
    # its settings are each iteration's request; a project's own tool_runner is no request
    assert found == {("agent.py", line_of(TOOL_RUNNER, "client.beta.messages.tool_runner")): ("anthropic", "beta.messages.tool_runner", "claude-haiku-4-5-20251001", 1024)}


MISTRAL_IMPORTED = (
    "from mistralai import UserMessage\nfrom app.clients import mistral, legacy\n\n\n"
    "def ask(prompt):\n    return mistral.chat.complete(model='mistral-small-latest', messages=[UserMessage(content=prompt)])\n\n\n"
    "def old(prompt):\n    return legacy.chat(model='mistral-tiny', messages=[prompt])\n\n\n"
    "def unproven(prompt):\n    return mistral.chat.complete(prompt)\n"
)


def test_a_mistral_client_built_in_another_module_is_proven_by_its_keywords_where_the_sdk_is_imported(cli, tmp_path):
    found = _sites(cli, tmp_path, {
        "app/__init__.py": "", "app/clients.py": "mistral = None\nlegacy = None\n",
        "app/chat.py": MISTRAL_IMPORTED,
        # an Ollama client's `chat(model=..., messages=...)` may be the one called: not proven Mistral's
        "app/local.py": MISTRAL_IMPORTED.replace("from mistralai import UserMessage\n", "from mistralai import UserMessage\nimport ollama\n"),
    })
    assert found == {
        ("app/chat.py", line_of(MISTRAL_IMPORTED, "mistral.chat.complete(model")): ("mistral", "chat.complete", "mistral-small-latest", None),
        ("app/chat.py", line_of(MISTRAL_IMPORTED, "legacy.chat(")): ("mistral", "chat (mistralai<1.0)", "mistral-tiny", None),
        ("app/local.py", line_of(MISTRAL_IMPORTED, "mistral.chat.complete(model") + 1): ("mistral", "chat.complete", "mistral-small-latest", None),
    }


BEDROCK_IMPORTED = (
    "import json\n\nimport boto3\n\nfrom app.aws import runtime\n\n\n"
    "def ask(question):\n    return runtime.converse(modelId='anthropic.claude-3-haiku-20240307-v1:0', messages=[{'role': 'user', 'content': [{'text': question}]}])\n\n\n"
    "def summarise(text):\n    body = json.dumps({'anthropic_version': 'bedrock-2023-05-31', 'max_tokens': 300, 'messages': [{'role': 'user', 'content': text}]})\n"
    "    return runtime.invoke_model(modelId='anthropic.claude-3-haiku-20240307-v1:0', body=body)\n\n\n"
    "def chat(bot, text):\n    return bot.converse(messages=[text])\n"
)


def test_a_bedrock_runtime_client_from_another_module_is_proven_by_its_model_id(cli, tmp_path):
    found = _sites(cli, tmp_path, {
        "app/__init__.py": "", "app/aws.py": "import boto3\n\nruntime = boto3.client('bedrock-runtime')\n",
        "app/rag.py": BEDROCK_IMPORTED,
        # no AWS SDK imported (the client is only imported by name): `modelId` is the Bedrock
        # runtime's own spelling, on chains no other library has (issue 14, session 10)
        "app/other.py": BEDROCK_IMPORTED.replace("import boto3\n", ""),
    })
    # not a converse without a modelId (a chat library's)
    assert found == {
        (name, line_of(BEDROCK_IMPORTED, call) - shift): ("bedrock", api, "claude-3-haiku-20240307", limit) for name, shift in (("app/rag.py", 0), ("app/other.py", 1))
        for call, api, limit in (("runtime.converse(", "converse", None), ("runtime.invoke_model(", "invoke_model", 300))
    }


GEMINI_FACTORY = (
    "import google.generativeai as genai\n\nDEFAULT_MODEL = 'gemini-1.5-pro'\n\n\n"
    "def get_model(name=DEFAULT_MODEL, limit=256):\n    return genai.GenerativeModel(name, generation_config={'max_output_tokens': limit})\n\n\n"
    "def quick(prompt):\n    return get_model('gemini-2.0-flash', limit=64).generate_content(prompt)\n\n\n"
    "def default(prompt):\n    model = get_model()\n    return model.generate_content(prompt)\n"
)


def test_a_gemini_model_made_by_a_factory_of_the_file_takes_the_arguments_of_the_call_that_made_it(cli, tmp_path):
    found = _sites(cli, tmp_path, {"gem.py": GEMINI_FACTORY})
    # the factory's parameters are what each call of it passes (or their defaults)
    assert found == {
        ("gem.py", line_of(GEMINI_FACTORY, "get_model('gemini-2.0-flash'")): ("google", "generate_content", "gemini-2.0-flash", 64),
        ("gem.py", line_of(GEMINI_FACTORY, "return model.generate_content")): ("google", "generate_content", "gemini-1.5-pro", 256),
    }


def test_a_request_in_a_lambda_on_a_client_it_is_handed(cli, tmp_path):
    source = (
        "import boto3\n\nask = lambda client, q: client.converse(modelId='anthropic.claude-3-haiku-20240307-v1:0', messages=q)\n"
        "answer = ask(boto3.client('bedrock-runtime'), [])\n"
    )
    # a lambda has no name its calls are found by: its keywords prove the request (and nothing breaks)
    assert _sites(cli, tmp_path, {"a.py": source}) == {("a.py", 3): ("bedrock", "converse", "claude-3-haiku-20240307", None)}


PROVIDER_PACKAGE_CHAT = (
    "from anthropic import Anthropic\n\nclient = Anthropic()\n\n\n"
    "def send(prompt, model='claude-haiku-4-5'):\n"
    "    return client.messages.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': prompt}])\n"
)


@pytest.mark.parametrize("package, copy_marker, reached", [
    ("app/providers/anthropic", None, True),  # the project's own package named like the SDK
    ("src/app/processor/anthropic", None, True),  # inside namespace packages (no __init__.py above)
    ("third_party/anthropic", None, False),  # a vendoring folder's copy of the SDK
    ("app/lib/anthropic", "_version.py", False),  # a copy: the SDK's own version module beside __init__.py
    ("anthropic", None, False),  # a copy at the top of the project, imported as the SDK itself
])
def test_a_package_named_like_an_sdk_is_the_projects_unless_it_is_a_copy_of_the_sdk(cli, tmp_path, package, copy_marker, reached):
    dotted = package.replace("src/", "").replace("/", ".")
    project = {f"{package}/__init__.py": "", f"{package}/chat.py": PROVIDER_PACKAGE_CHAT,
               "main.py": f"from {dotted}.chat import send\n\nsend('hello', model='claude-sonnet-4-5')\n"}
    if package.startswith("app/"):
        project["app/__init__.py"] = ""
    if copy_marker:
        project[f"{package}/{copy_marker}"] = "__version__ = '0.40.0'\n"
    found = routes(cli, tmp_path, project)
    assert at(found, "main.py") == ([(3, 7)] if reached else [])



@pytest.mark.parametrize("copy", ["anthropic", "third_party/litellm", "lib/openai"])
def test_a_copy_of_an_sdk_calling_a_wrapper_of_the_project_is_not_its_caller(cli, tmp_path, copy):
    """An SDK's code does not import the project that uses it: a copy of one in the tree
    (at the top, vendored, or with its release's `_version.py`) is not asked for the
    project's wrappers, which its own files would only call by chance of a name."""
    call = "from app.chat import send\n\nsend('hello', model='claude-sonnet-4-5')\n"
    project = {"app/__init__.py": "", "app/chat.py": PROVIDER_PACKAGE_CHAT, "main.py": call,
               f"{copy}/__init__.py": "", f"{copy}/_version.py": "__version__ = '1.0.0'\n", f"{copy}/hooks.py": call}
    found = routes(cli, tmp_path, project)
    assert at(found, "main.py") == [(3, 7)]
    assert at(found, f"{copy}/hooks.py") == []
    # the same file without the copy's marks (its own package) is a caller
    del project[f"{copy}/_version.py"]
    project = {name.replace(copy, "app/plugins"): text for name, text in project.items()}
    again = routes(cli, tmp_path / "again", project)
    assert at(again, "again/app/plugins/hooks.py") == [(3, 7)]


RUNNER_WRAPPER = (
    "from anthropic import Anthropic\n\nclient = Anthropic()\n\n\n"
    "def analyse(case, model='claude-haiku-4-5'):\n"
    "    return client.messages.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': case}])\n\n\n"
    "def describe(case):\n    return str(case)\n"
)
RUNNERS = (
    "import asyncio\nimport functools\nfrom concurrent.futures import ThreadPoolExecutor\n\n"
    "from analysis import analyse, describe\n\n\n"
    "async def handler(case):\n"
    "    loop = asyncio.get_running_loop()\n"
    "    first = await loop.run_in_executor(None, analyse, case)\n"
    "    text = await loop.run_in_executor(None, describe, case)\n"  # not a wrapper
    "    return first, text\n\n\n"
    "def batch(cases):\n"
    "    with ThreadPoolExecutor() as pool:\n"
    "        futures = [pool.submit(analyse, c, model='claude-sonnet-4-5') for c in cases]\n"
    "    later = functools.partial(analyse, 'a case')\n"
    "    kept = functools.partial(describe, 'x')\n"
    "    return futures, later, kept\n"
)
# the module's function only handed over, never called in the file
HANDED_ONLY = (
    "import asyncio\n\nimport analysis\n\n\n"
    "async def endpoint(case):\n"
    "    verdict = await asyncio.to_thread(analysis.analyse, case)\n"
    "    return verdict, await asyncio.to_thread(analysis.describe, case)\n"
)


def test_a_wrapper_handed_by_reference_to_a_runner_is_called_there(cli, tmp_path):
    found = routes(cli, tmp_path, {"analysis.py": RUNNER_WRAPPER, "service.py": RUNNERS, "web.py": HANDED_ONLY})
    request = line_of(RUNNER_WRAPPER, "client.messages.create(")
    expected = [(line_of(RUNNERS, marker), request) for marker in ("run_in_executor(None, analyse", "pool.submit(", "partial(analyse")]
    assert at(found, "service.py") == expected  # not the calls handing over describe()
    models = {r["line"]: r["model"] for r in report_routes(cli, tmp_path, {}) if r["filename"] == "service.py"}
    # the partial's later call may pass the model: not the parameter's default
    assert [models[line] for line, _ in expected] == ["claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929", "?"]
    assert at(found, "web.py") == [(line_of(HANDED_ONLY, "to_thread(analysis.analyse"), request)]


ROUTER = (
    "import importlib\n\n\n"
    "def route(provider, model, text):\n"
    "    module_name = f'app.providers.{provider}'\n"
    "    module = importlib.import_module(module_name)\n"
    "    return module.prompt(text, model)\n\n\n"
    "def inline(provider, text):\n"
    "    return importlib.import_module('app.providers.' + provider).prompt(text, 'x')\n\n\n"
    "def models(provider):\n"
    "    return importlib.import_module(f'app.providers.{provider}').list_models()\n\n\n"  # not a wrapper
    "def anywhere(name, text):\n"
    "    return importlib.import_module(name).prompt(text, 'x')\n"  # no package named: no candidates
)


def test_a_provider_module_chosen_by_name_reaches_each_module_of_the_package_defining_the_function(cli, tmp_path):
    found = routes(cli, tmp_path, {
        "app/__init__.py": "", "app/providers/__init__.py": "",
        "app/providers/anthropic.py": (
            "from anthropic import Anthropic\n\nclient = Anthropic()\n\n\ndef list_models():\n    return ['claude-haiku-4-5']\n\n\n"
            "def prompt(text, model):\n    return client.messages.create(model=model, max_tokens=200, messages=[{'role': 'user', 'content': text}])\n"
        ),
        "app/providers/openai.py": (
            "from openai import OpenAI\n\nclient = OpenAI()\n\n\n"
            "def prompt(text, model):\n    return client.responses.create(model=model, input=text, max_output_tokens=200)\n"
        ),
        "app/providers/echo.py": "def prompt(text, model):\n    return text\n",  # defines it, makes no request
        "app/router.py": ROUTER,
    })
    # one route per call, through anthropic.py's request and also openai.py's (not echo's, nor list_models())
    assert at(found, "app/router.py") == [(line_of(ROUTER, "module.prompt("), 11), (line_of(ROUTER, "'app.providers.' + provider"), 11)]
    also = {r["line"]: [(v["filename"], v["line"]) for v in r["also_via"]] for r in report_routes(cli, tmp_path, {}) if r["filename"] == "app/router.py"}
    assert set(map(tuple, also.values())) == {(("app/providers/openai.py", 7),)}


BEDROCK_BODY = (
    "import boto3\n\nfrom app.aws import runtime\n\n\n"
    "def ask(question):\n"
    "    body = {'modelId': 'anthropic.claude-3-haiku-20240307-v1:0', 'messages': [{'role': 'user', 'content': [{'text': question}]}]}\n"
    "    return runtime.converse(**body)\n\n\n"
    "def ask_with(client, question):\n"
    "    request = dict(modelId='anthropic.claude-3-haiku-20240307-v1:0', messages=[question])\n"
    "    return client.converse(**request)\n\n\n"
    "def chat(bot, options):\n    settings = {'messages': options}\n    return bot.converse(**settings)\n"  # no modelId: another library's
)


def test_a_bedrock_converse_with_its_body_spread_is_proven_by_the_model_id_in_the_body(cli, tmp_path):
    found = _sites(cli, tmp_path, {
        "app/__init__.py": "", "app/aws.py": "import boto3\n\nruntime = boto3.client('bedrock-runtime')\n", "app/rag.py": BEDROCK_BODY,
    })
    site = ("bedrock", "converse", "claude-3-haiku-20240307", None)
    assert found == {("app/rag.py", line_of(BEDROCK_BODY, "runtime.converse(")): site, ("app/rag.py", line_of(BEDROCK_BODY, "client.converse(")): site}
