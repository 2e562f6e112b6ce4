"""Request shapes the eighth blind set missed (eval/realworld/misses-blind8.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, prefilter_passes, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself, model)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line"), r["model"])
            for r in report_routes(cli, tmp_path, example)}


def _routes_apart(cli, root, example) -> dict:
    """`_routes` of a second project, in a folder of its own (linted from there)."""
    import json

    from conftest import write_project

    write_project(root, example)
    done = cli("report", ".", "--format", "json", cwd=str(root))
    assert done.returncode == 0, done.stderr.decode()
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line"), r["model"]) for r in json.loads(done.stdout)["routes"]}


# --- the SDK module handed to a helper as a parameter named after it ------------------------------

MODULE_HELPERS = (
    "def get_completion(openai, prompt, model='gpt-3.5-turbo'):\n"
    "    messages = [{'role': 'user', 'content': prompt}]\n"
    "    response = openai.ChatCompletion.create(model=model, messages=messages, temperature=0)\n"
    "    return response.choices[0].message['content']\n"
)
MODULE_CALLER = (
    "import openai\n"
    "from functions import get_completion\n\n"
    "for review in ['good', 'bad']:\n"
    "    print(get_completion(openai, f'Summarise: {review}'))\n"
    "print(get_completion(openai, 'Translate: hola', model='gpt-4'))\n"
)


def test_a_module_handed_in_as_a_parameter_named_after_it_makes_the_request(cli, tmp_path):
    """`openai` is the helper's parameter (functions.py imports nothing): the module's own
    `ChatCompletion.create` is the request, and each caller passing the module is a call site
    with the helper's default model or its own."""
    assert prefilter_passes(MODULE_HELPERS)
    found = _routes(cli, tmp_path, {"functions.py": MODULE_HELPERS, "main.py": MODULE_CALLER})
    request = line_of(MODULE_HELPERS, "openai.ChatCompletion.create(")
    assert found[("functions.py", request)][:2] == ("ChatCompletion.create (openai<1.0)", None)
    assert found[("main.py", line_of(MODULE_CALLER, "    print(get_completion("))] == ("ChatCompletion.create (openai<1.0)", request, "gpt-3.5-turbo")
    assert found[("main.py", line_of(MODULE_CALLER, "model='gpt-4'"))][1:] == (request, "gpt-4")


def test_the_module_handed_in_is_reported_as_the_removed_api(cli, tmp_path):
    from conftest import write_project

    write_project(tmp_path, {"functions.py": MODULE_HELPERS, "main.py": MODULE_CALLER})
    done = cli("check", ".", "--select", "CL014", "--output-format", "json", "--exit-zero")
    import json

    rows = {(d["filename"].rsplit("/", 1)[-1], d["location"]["row"]) for d in json.loads(done.stdout)}
    assert ("functions.py", line_of(MODULE_HELPERS, "openai.ChatCompletion.create(")) in rows


def test_a_parameter_not_named_after_the_module_or_a_name_bound_in_the_function_is_no_module(cli, tmp_path):
    """Only a parameter spelled as the module is read as it: `api.ChatCompletion.create` through
    any other parameter, or `openai` rebound in the function, is not the SDK's module."""
    other = (
        "def ask(api, prompt):\n"
        "    return api.ChatCompletion.create(model='gpt-4', messages=[{'role': 'user', 'content': prompt}])\n\n\n"
        "def shadowed(openai, prompt):\n"
        "    openai = make_fake()\n"
        "    return openai.ChatCompletion.create(model='gpt-4', messages=[])\n"
    )
    assert not _routes(cli, tmp_path, {"helpers.py": other})


# --- agents picked from a registry handed in, by a method their classes share ---------------------

AGENT_A = (
    "import anthropic\n\n\n"
    "class ClaudeAgent:\n"
    "    def __init__(self, key):\n"
    "        self.client = anthropic.AsyncAnthropic(api_key=key)\n\n"
    "    async def chat(self, prompt, max_tokens=4096):\n"
    "        r = await self.client.messages.create(model='claude-opus-4-20250514', max_tokens=max_tokens,\n"
    "                                              messages=[{'role': 'user', 'content': prompt}])\n"
    "        return r.content[0].text\n"
)
AGENT_B = (
    "from openai import AsyncOpenAI\n\n\n"
    "class GptAgent:\n"
    "    def __init__(self, key):\n"
    "        self.client = AsyncOpenAI(api_key=key)\n\n"
    "    async def chat(self, prompt, max_tokens=2048):\n"
    "        r = await self.client.chat.completions.create(model='gpt-4o', max_tokens=max_tokens,\n"
    "                                                      messages=[{'role': 'user', 'content': prompt}])\n"
    "        return r.choices[0].message.content\n"
)
REGISTRY_ENGINE = (
    "from typing import Any, Dict\n\n\n"
    "class Consultations:\n"
    "    def __init__(self, agents: Dict[str, Any]):\n"
    "        self.agents = agents\n\n"
    "    async def consult(self, request):\n"
    "        agent = self._agent_for(request.model)\n"
    "        return await agent.chat(f'Consult on: {request.question}')\n\n"
    "    async def quick(self, name, question):\n"
    "        return await self.agents[name].chat(question)\n\n"
    "    def _agent_for(self, model):\n"
    "        if 'gpt' in model:\n"
    "            return self.agents['gpt']\n"
    "        return self.agents['claude']\n"
)
REGISTRY_APP = (
    "from agents.claude_agent import ClaudeAgent\n"
    "from agents.gpt_agent import GptAgent\n"
    "from consultations import Consultations\n\n"
    "engine = Consultations({'gpt': GptAgent('k'), 'claude': ClaudeAgent('k')})\n\n\n"
    "async def run(requests):\n"
    "    for r in requests:\n"
    "        await engine.consult(r)\n"
)


def test_a_method_called_on_an_entry_of_a_registry_handed_in_reaches_the_classes_sharing_it(cli, tmp_path):
    """`self.agents` is only ever a parameter (a dict of Any): its entry, picked directly or
    by a getter whose every return is one, is one of the project's agents, and `chat`, a
    wrapper method of each class defining it, makes a request (the file imports none of them)."""
    example = {"agents/claude_agent.py": AGENT_A, "agents/gpt_agent.py": AGENT_B,
               "consultations.py": REGISTRY_ENGINE, "app.py": REGISTRY_APP}
    found = _routes(cli, tmp_path, example)
    claude = line_of(AGENT_A, "self.client.messages.create(")
    for needle in ("return await agent.chat(", "return await self.agents[name].chat("):
        api, via, model = found[("consultations.py", line_of(REGISTRY_ENGINE, needle))]
        assert via in (claude, line_of(AGENT_B, "self.client.chat.completions.create(")) and model in ("claude-opus-4-20250514", "gpt-4o")
    assert ("app.py", line_of(REGISTRY_APP, "await engine.consult(r)")) in found


def test_a_method_on_an_object_of_known_type_or_of_one_class_only_is_no_registry_call(cli, tmp_path):
    """Silent: an entry of a registry whose values are typed (`Dict[str, Cache]`), and a
    one-word method only one wrapper class has (`chat` of one agent: a `chat` on anything
    else, Ollama's client, is not it)."""
    typed = REGISTRY_ENGINE.replace("Dict[str, Any]", "Dict[str, Cache]").replace("from typing import Any, Dict\n", "from typing import Dict\nfrom cache import Cache\n")
    found = _routes(cli, tmp_path, {"agents/claude_agent.py": AGENT_A, "agents/gpt_agent.py": AGENT_B, "consultations.py": typed})
    assert not any(path == "consultations.py" for path, _ in found)
    lone = {"agents/claude_agent.py": AGENT_A, "consultations.py": REGISTRY_ENGINE}
    found = _routes_apart(cli, tmp_path / "lone", lone)
    assert not any(path == "consultations.py" for path, _ in found)


# --- a factory importing the provider's client class by its written name --------------------------

LAZY_CLIENT = (
    "import openai\n\n\n"
    "class OpenAIClient:\n"
    "    def __init__(self, model, base_url=None):\n"
    "        self.model = model\n"
    "        self.client = openai.OpenAI(base_url=base_url)\n\n"
    "    def generate(self, prompt):\n"
    "        rsp = self.client.chat.completions.create(model=self.model, max_tokens=300,\n"
    "                                                  messages=[{'role': 'user', 'content': prompt}])\n"
    "        return rsp.choices[0].message.content\n"
)
LAZY_FACTORY = (
    "import importlib\n\n\n"
    "def get_llm_client(provider, model, **kwargs):\n"
    "    if provider == 'openai':\n"
    "        module = importlib.import_module('llm.openai_client')\n"
    "        ClientClass = getattr(module, 'OpenAIClient')\n"
    "        return ClientClass(model=model)\n"
    "    if provider == 'other':\n"
    "        module = importlib.import_module('llm.other_client')\n"
    "        ClientClass = getattr(module, 'OtherClient')\n"
    "        return ClientClass(model=model)\n"
    "    raise ValueError(provider)\n\n\n"
    "def main(question):\n"
    "    client = get_llm_client('openai', 'gpt-4o-mini')\n"
    "    return client.generate(question)\n"
)


def test_a_class_fetched_by_its_written_module_and_name_is_that_class(cli, tmp_path):
    """`getattr(importlib.import_module('llm.openai_client'), 'OpenAIClient')`, bound in each
    branch of a factory: the instance it returns is that class's (the binding written last
    before the return), and its wrapper method called on the factory's result is a request."""
    found = _routes(cli, tmp_path, {"llm/__init__.py": "", "llm/openai_client.py": LAZY_CLIENT, "llm/other_client.py": "class OtherClient:\n    pass\n", "main.py": LAZY_FACTORY})
    assert found[("main.py", line_of(LAZY_FACTORY, "return client.generate("))][:2] == (
        "chat.completions.create", line_of(LAZY_CLIENT, "self.client.chat.completions.create("))


def test_a_class_name_read_at_run_time_is_not_one_written_class(cli, tmp_path):
    """Silent: the class name is a variable (`getattr(module, cls_name)`), not a written one."""
    dynamic = LAZY_FACTORY.replace("getattr(module, 'OpenAIClient')", "getattr(module, kwargs['cls'])").replace(
        "getattr(module, 'OtherClient')", "getattr(module, kwargs['cls'])")
    found = _routes(cli, tmp_path, {"llm/__init__.py": "", "llm/openai_client.py": LAZY_CLIENT, "main.py": dynamic})
    assert ("main.py", line_of(dynamic, "return client.generate(")) not in found


# --- a one-word method two client classes share, on an object kept from a parameter ---------------

CLIENTS = (
    "from openai import AsyncOpenAI\nimport anthropic\n\n\n"
    "class OpenAIClient:\n"
    "    def __init__(self, model='gpt-4o-mini'):\n"
    "        self.client = AsyncOpenAI()\n        self.model = model\n\n"
    "    async def generate(self, prompt):\n"
    "        r = await self.client.chat.completions.create(model=self.model, max_tokens=500, messages=[{'role': 'user', 'content': prompt}])\n"
    "        return r.choices[0].message.content\n\n\n"
    "class ClaudeClient:\n"
    "    def __init__(self):\n"
    "        self.client = anthropic.AsyncAnthropic()\n\n"
    "    async def generate(self, prompt):\n"
    "        r = await self.client.messages.create(model='claude-sonnet-4-5', max_tokens=500, messages=[{'role': 'user', 'content': prompt}])\n"
    "        return r.content[0].text\n"
)
DOUBLE = (
    "from llm.base import Base\n\n\n"
    "class MockClient(Base):\n"
    "    async def generate(self, prompt):\n"
    "        return 'mock: ' + prompt\n"
)
KEPT_AGENT = (
    "class Agent:\n"
    "    def __init__(self, role, llm):\n"
    "        self.role = role\n        self.llm = llm\n\n"
    "    async def run(self, context):\n"
    "        return await self.llm.generate(f'Role: {self.role}\\nContext: {context}')\n"
)


def test_a_method_two_client_classes_share_on_an_object_handed_in_is_a_request(cli, tmp_path):
    """`self.llm`, only ever an untyped parameter, calls `generate`, a wrapper method of both
    client classes (a test double defining it too, `MockClient`, has no say): `Agent.run` makes a request."""
    found = _routes(cli, tmp_path, {"llm/__init__.py": "", "llm/base.py": "class Base:\n    pass\n", "llm/clients.py": CLIENTS,
                                    "llm/mock_client.py": DOUBLE, "agents/agent.py": KEPT_AGENT})
    api, via, _ = found[("agents/agent.py", line_of(KEPT_AGENT, "return await self.llm.generate("))]
    assert via in (line_of(CLIENTS, "self.client.chat.completions.create("), line_of(CLIENTS, "self.client.messages.create("))


def test_a_shared_method_another_real_class_defines_without_a_request_is_not_one(cli, tmp_path):
    """Silent: `CachedClient.generate` (no test double) answers from its cache, so the handed
    object's `generate` may make no request."""
    cached = CLIENTS + "\n\nclass CachedClient:\n    async def generate(self, prompt):\n        return CACHE[prompt]\n"
    found = _routes(cli, tmp_path, {"llm/__init__.py": "", "llm/clients.py": cached, "agents/agent.py": KEPT_AGENT})
    assert not any(path == "agents/agent.py" for path, _ in found)


# --- an abstract provider's method every wrapper subclass overrides ---------------------------------

PROVIDERS = (
    "import anthropic\nfrom openai import AsyncOpenAI\n\n\n"
    "class LLMProvider:\n"
    "    async def generate(self, prompt, system=''):\n"
    "        raise NotImplementedError\n\n"
    "    async def get_completion(self, prompt, system=''):\n"
    "        return await self.generate(prompt, system)\n\n\n"
    "class OpenAIProvider(LLMProvider):\n"
    "    async def generate(self, prompt, system=''):\n"
    "        r = await AsyncOpenAI().chat.completions.create(model='gpt-4o-mini', max_tokens=800,\n"
    "            messages=[{'role': 'system', 'content': system}, {'role': 'user', 'content': prompt}])\n"
    "        return r.choices[0].message.content\n\n\n"
    "class ClaudeProvider(LLMProvider):\n"
    "    async def generate(self, prompt, system=''):\n"
    "        r = await anthropic.AsyncAnthropic().messages.create(model='claude-sonnet-4-5', max_tokens=800, system=system,\n"
    "            messages=[{'role': 'user', 'content': prompt}])\n"
    "        return r.content[0].text\n"
)
PLANNER = (
    "async def make_plan(text, llm):\n"
    "    return await llm.generate(prompt=f'Plan slides for: {text}', system='You plan slides.')\n"
)


def test_a_base_whose_method_every_wrapper_subclass_overrides_is_no_implementation(cli, tmp_path):
    """`LLMProvider.generate` raises NotImplementedError: the object handed in as `llm` is one of
    its subclasses, each making a request."""
    found = _routes(cli, tmp_path, {"llm/__init__.py": "", "llm/providers.py": PROVIDERS, "engine/planner.py": PLANNER})
    assert ("engine/planner.py", line_of(PLANNER, "return await llm.generate(")) in found


# --- a chat model kept under a second attribute -----------------------------------------------------

ADAPTER = (
    "from langchain_anthropic import ChatAnthropic\n"
    "from langchain_openai import ChatOpenAI\n\n\n"
    "class Adapter:\n"
    "    def __init__(self, hub):\n"
    "        self.hub = hub\n"
    "        self.anthropic = ChatAnthropic(model='claude-3-5-haiku-20241022', max_tokens=1000)\n"
    "        self.openai = ChatOpenAI(model='gpt-4o-mini')\n"
    "        self.model = self.openai\n\n"
    "    def invoke(self, prompt_name, params):\n"
    "        chain = self.hub.pull_prompt(prompt_name) | self.model\n"
    "        return chain.invoke(params)\n"
)
ADAPTER_USER = (
    "from adapter import Adapter\n\n\n"
    "def parse_event(text):\n"
    "    return Adapter(None).invoke('calendar-extractor', {'message': text})\n"
)


def test_a_chat_model_kept_under_another_attribute_is_the_one_a_chain_invokes(cli, tmp_path):
    """`self.model = self.openai`: the chain over `self.model` sends ChatOpenAI's requests (not
    the Anthropic model built beside it), and `invoke`'s callers make them."""
    found = _routes(cli, tmp_path, {"adapter.py": ADAPTER, "events.py": ADAPTER_USER})
    api, via, model = found[("events.py", line_of(ADAPTER_USER, "return Adapter(None).invoke("))]
    assert (via, model) == (line_of(ADAPTER, "ChatOpenAI(model="), "gpt-4o-mini")


def test_a_chat_model_attribute_rebound_to_something_else_is_not_kept(cli, tmp_path):
    """Silent: `self.model` set to a plain value (not a kept model) invokes nothing known."""
    other = ADAPTER.replace("self.model = self.openai", "self.model = self.hub")
    found = _routes(cli, tmp_path, {"adapter.py": other, "events.py": ADAPTER_USER})
    assert ("events.py", line_of(ADAPTER_USER, "return Adapter(None).invoke(")) not in found


# --- a retry wrapper handing its client and its **kwargs on whole -----------------------------------

RETRIES = (
    "import asyncio\nfrom anthropic import AsyncAnthropic\n\n\n"
    "async def call_with_retries(client, **kwargs):\n"
    "    for attempt in range(5):\n"
    "        try:\n"
    "            return await client.messages.create(**kwargs)\n"
    "        except Exception:\n"
    "            await asyncio.sleep(2 ** attempt)\n"
    "    raise RuntimeError('failed')\n"
)


def test_a_retry_wrapper_handing_its_kwargs_on_whole_is_a_request_of_the_files_sdk(cli, tmp_path):
    """Never called in the file, so no caller says what `client` is: the file imports one SDK
    with `messages.create`, and every argument is the wrapper's own `**kwargs`."""
    found = _routes(cli, tmp_path, {"agent.py": RETRIES})
    assert found[("agent.py", line_of(RETRIES, "client.messages.create("))][:2] == ("messages.create", None)


def test_a_request_with_other_arguments_or_two_sdks_is_not_proven_so(cli, tmp_path):
    """Silent: a file importing no SDK (whose client?), and a call that writes a positional
    argument of its own besides the spread."""
    bare = RETRIES.replace("from anthropic import AsyncAnthropic\n", "")
    assert not _routes(cli, tmp_path, {"agent.py": bare})
    positional = RETRIES.replace("client.messages.create(**kwargs)", "client.messages.create(kwargs.pop('x'), **kwargs)")
    assert not _routes_apart(cli, tmp_path / "p", {"agent.py": positional})


# --- LangChain's legacy AI21 LLM --------------------------------------------------------------------

def test_langchains_ai21_llm_is_a_model_constructor_with_its_own_cap_keyword(cli, tmp_path):
    """`langchain.llms.AI21(model=..., maxTokens=...)`: a billed model object (AI21 Studio),
    its cap written `maxTokens`; an `AI21` class of the project's own is not it."""
    source = "from langchain.llms import AI21\n\nllm = AI21(model='j2-jumbo-instruct', maxTokens=200)\n"
    routes = report_routes(cli, tmp_path, {"models.py": source})
    assert [(r["line"], r["api"], r["model"], r["billed"]) for r in routes] == [(3, "AI21", "j2-jumbo-instruct", True)]
    own = "class AI21:\n    def __init__(self, model):\n        self.model = model\n\nllm = AI21(model='j2-jumbo-instruct')\n"
    assert not _routes_apart(cli, tmp_path / "own", {"models.py": own})


# --- a model picked by name from a list of models a module keeps ------------------------------------

PICKED_MODELS = (
    "from langchain.llms import OpenAI\n\n\n"
    "def create_models():\n"
    "    return [\n"
    "        {'model_name': 'gpt-3.5-turbo', 'model': OpenAI(temperature=0, model_name='gpt-3.5-turbo')},\n"
    "        {'model_name': 'gpt-4', 'model': OpenAI(temperature=0, model_name='gpt-4')},\n"
    "    ]\n\n\n"
    "models = create_models()\n\n\n"
    "def get_model_by_name(model_name):\n"
    "    for model_obj in models:\n"
    "        if model_obj['model_name'] == model_name:\n"
    "            return model_obj\n"
    "    raise ValueError(model_name)\n"
)
PICKING_CALLER = (
    "from models import get_model_by_name\n\n\n"
    "def get_completion(prompt, model_name='gpt-4'):\n"
    "    model_obj = get_model_by_name(model_name)\n"
    "    model = model_obj['model']\n"
    "    return model(prompt)\n\n\n"
    "def grade(task):\n"
    "    return get_completion(f'Grade: {task}', model_name='gpt-3.5-turbo')\n"
)


def test_a_model_picked_by_name_from_a_kept_list_is_invoked_where_called(cli, tmp_path):
    """`models = create_models()` keeps a list of LLM objects; `get_model_by_name` returns one of
    them (a loop item): calling its `["model"]` field is a request, and `get_completion` a
    wrapper whose callers make it."""
    found = _routes(cli, tmp_path, {"models.py": PICKED_MODELS, "completion.py": PICKING_CALLER})
    assert ("completion.py", line_of(PICKING_CALLER, "return model(prompt)")) in found
    assert ("completion.py", line_of(PICKING_CALLER, "return get_completion(f'Grade")) in found


def test_an_item_of_a_list_of_other_values_is_no_model(cli, tmp_path):
    """Silent: the list the function loops over holds no model objects."""
    plain = PICKED_MODELS.replace("OpenAI(temperature=0, model_name='gpt-3.5-turbo')", "'a'").replace("OpenAI(temperature=0, model_name='gpt-4')", "'b'")
    found = _routes(cli, tmp_path, {"models.py": plain, "completion.py": PICKING_CALLER})
    assert not any(path == "completion.py" for path, _ in found)
