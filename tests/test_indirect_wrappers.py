"""Requests reached indirectly through the project's own code (issue 14, the held-out
round): a wrapper handed to a runner by reference (a thread pool of a web framework, a job
queue, a background task), a wrapper picked from a collection of functions (a pipeline's
stages, a dict of entries), a wrapper method of an object another module's factory method
makes, and a Strands agent kept, made by a factory or passed in. Each shape is shown
recognised with its values, and its look-alikes silent, through the real CLI (`report
--format json` lists every recognised request)."""
from __future__ import annotations

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (the line of the request it reaches or None, model, output limit)."""
    return {(r["filename"], r["line"]): ((r["via"] or {}).get("line"), r["model"], r["output_limit"])
            for r in report_routes(cli, tmp_path, example)}


SERVICE = (
    "import anthropic\n\n\n"
    "class ClaudeService:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
    "    def _call_claude(self, context, messages):\n"
    "        return self.client.messages.create(model='claude-sonnet-4-5', max_tokens=1024, system=context, messages=messages)\n\n"
    "    def classify_message(self, text):\n        return self._call_claude('Classify.', [{'role': 'user', 'content': text}])\n\n"
    "    def name(self):\n        return 'claude'\n\n\n"
    "claude_service = ClaudeService()\n"
)
ROUTES = (
    "import asyncio\n\nfrom fastapi import BackgroundTasks\nfrom redis import Redis\nfrom rq import Queue\n"
    "from starlette.concurrency import run_in_threadpool\n\nfrom app.services.claude import claude_service\n\n\n"
    "async def classify(text):\n    return await run_in_threadpool(claude_service.classify_message, text)\n\n\n"
    "async def classify_all(texts):\n"
    "    return await asyncio.gather(*(run_in_threadpool(claude_service.classify_message, t) for t in texts))\n\n\n"
    "def later(text, tasks: BackgroundTasks):\n    tasks.add_task(claude_service.classify_message, text)\n\n\n"
    "def queued(text):\n    Queue(connection=Redis()).enqueue(claude_service.classify_message, text)\n\n\n"
    "def listed(texts):\n    return [claude_service.classify_message(t) for t in texts]\n\n\n"
    "async def label():\n    return await run_in_threadpool(claude_service.name)\n\n\n"
    "def queued_name(tasks: BackgroundTasks):\n    tasks.add_task(claude_service.name)\n"
)


def test_a_service_method_handed_to_a_thread_pool_a_job_queue_or_a_background_task(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "app/__init__.py": "", "app/services/__init__.py": "",
        "app/services/claude.py": SERVICE, "app/routes.py": ROUTES,
    })
    request = line_of(SERVICE, "self.client.messages.create")
    reached = (request, "claude-sonnet-4-5-20250929", 1024)
    at = {line for name, line in found if name == "app/routes.py"}
    expected = {line_of(ROUTES, needle) for needle in (
        "run_in_threadpool(claude_service.classify_message, text)", "asyncio.gather(",
        "tasks.add_task(claude_service.classify_message", "enqueue(claude_service", "[claude_service.classify_message(t)")}
    # not the object's other method, handed to a pool or a background task
    assert at == expected
    assert all(found[("app/routes.py", line)] == reached for line in expected)


STAGES = (
    "import anthropic\n\n\n"
    "class Pipeline:\n    def __init__(self, start_stage=1):\n        self.client = anthropic.Anthropic()\n        self.start_stage = start_stage\n\n"
    "    def stage_one(self):\n"
    "        return self.client.messages.create(model='claude-opus-4-1', max_tokens=32000, messages=[{'role': 'user', 'content': 'Pitch.'}])\n\n"
    "    def stage_two(self):\n        return 'mixed'\n\n"
    "    def stage_three(self, text):\n"
    "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=100, messages=[{'role': 'user', 'content': text}])\n\n"
    "    def run(self):\n        stages = [(1, self.stage_one), (2, self.stage_two)]\n"
    "        for stage_num, stage_func in stages:\n            if stage_num >= self.start_stage:\n                stage_func()\n\n"
    "    def run_listed(self):\n        for fn in [self.stage_one, self.stage_two]:\n            fn()\n\n"
    "    def run_named(self, text):\n        steps = {'three': self.stage_three, 'two': self.stage_two}\n"
    "        for name, step in steps.items():\n            step(text)\n\n"
    "    def run_quiet(self):\n        for n, fn in [(2, self.stage_two)]:\n            fn()\n\n"
    "    def run_keys(self, text):\n        steps = {'three': self.stage_three}\n        for step in steps:\n            print(step, text)\n"
)
SUMMARIZERS = (
    "from anthropic import Anthropic\n\nclient = Anthropic()\n\n\n"
    "def summarize_claude(text):\n"
    "    return client.messages.create(model='claude-sonnet-4-5', max_tokens=300, messages=[{'role': 'user', 'content': text}])\n\n\n"
    "def shout(text):\n    return text.upper()\n\n\n"
    "SUMMARIZERS = {'claude': {'func': summarize_claude, 'label': 'Claude'}}\nFORMATTERS = {'shout': {'func': shout}}\n\n\n"
    "def summarize(key, text):\n    func = SUMMARIZERS[key]['func']\n    return func(text)\n\n\n"
    "def fmt(key, text):\n    func = FORMATTERS[key]['func']\n    return func(text)\n"
)


def test_a_wrapper_picked_from_a_collection_of_functions(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "pipelines/__init__.py": "", "pipelines/pipe.py": STAGES, "summaries.py": SUMMARIZERS,
        "main.py": "from pipelines.pipe import Pipeline\n\n\ndef main():\n    Pipeline(start_stage=2).run()\n",
    })
    one, three = line_of(STAGES, "model='claude-opus-4-1'"), line_of(STAGES, "model='claude-haiku-4-5'")
    wrapped = {line: via for (name, line), (via, _, _) in found.items() if name == "pipelines/pipe.py" and via is not None}
    # a list of (number, method) tuples, a list of methods, a dict's items; not a list of
    # methods making no request, nor a loop over a dict's keys
    assert wrapped == {line_of(STAGES, "                stage_func()"): one, line_of(STAGES, "            fn()\n\n    def run_named"): one,
                       line_of(STAGES, "            step(text)"): three}
    # the pipeline run from another module reaches the stage through the loop
    assert found[("main.py", 5)] == (one, "claude-opus-4-1-20250805", 32000)
    # a field of an entry of a dict of dicts; not one whose functions make no request
    summarised = {line: via for (name, line), (via, _, _) in found.items() if name == "summaries.py" and via is not None}
    assert summarised == {line_of(SUMMARIZERS, "return func(text)"): line_of(SUMMARIZERS, "return client.messages.create")}


PROVIDERS = (
    "import google.generativeai as genai\n\n\n"
    "class GeminiProvider:\n    def __init__(self, name='gemini-2.5-flash'):\n        self.model = genai.GenerativeModel(name)\n\n"
    "    def generate(self, prompt):\n"
    "        return self.model.generate_content(prompt, generation_config={'max_output_tokens': 1000})\n\n\n"
    "class Echo:\n    def generate(self, prompt):\n        return prompt\n\n\n"
    "class Models:\n    @staticmethod\n    def create(name):\n        if name == 'gemini':\n            return GeminiProvider()\n        return Echo()\n\n"
    "    @classmethod\n    def build(cls, name):\n        return GeminiProvider(name)\n\n"
    "    @staticmethod\n    def echo():\n        return Echo()\n"
)
CONFIG = (
    "from contextvars import ContextVar\n\nfrom app.providers import GeminiProvider\n\n_current = ContextVar('provider')\n\n\n"
    "def current_provider() -> GeminiProvider:\n    return _current.get()\n\n\n"
    "class Config:\n    def __init__(self):\n        self.verbose = False\n\n"
    "    def get_model(self):\n        return GeminiProvider()\n\n"
    "    def name(self):\n        return 'gemini'\n\n\n"
    "config = Config()\n"
)
USE = (
    "from app.config import Config, config, current_provider\nfrom app.providers import Models\n\n\n"
    "def from_context(prompt):\n    return current_provider().generate(prompt)\n\n\n"
    "def from_instance(prompt):\n    model = config.get_model()\n    return model.generate(prompt)\n\n\n"
    "def from_static(prompt):\n    return Models.create('gemini').generate(prompt)\n\n\n"
    "def from_classmethod(prompt):\n    return Models.build('gemini-2.5-flash').generate(prompt)\n\n\n"
    "def from_local(prompt):\n    cfg = Config()\n    model = cfg.get_model()\n    return model.generate(prompt)\n\n\n"
    "def only_echo(prompt):\n    return Models.echo().generate(prompt)\n\n\n"
    "def not_a_factory(prompt):\n    return config.name().upper()\n"
)


def test_a_wrapper_object_made_by_another_modules_factory_method(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "app/__init__.py": "", "app/providers.py": PROVIDERS, "app/config.py": CONFIG, "app/use.py": USE,
    })
    request = line_of(PROVIDERS, "self.model.generate_content")
    used = {line: found[("app/use.py", line)] for name, line in found if name == "app/use.py"}
    # a module-level instance's method, a static and a class method, a local instance's
    # method; a factory function whose return annotation says more than the object's method
    # it returns (a context variable's `get()`); not a factory making only an Echo, nor a
    # method returning text
    assert used == {line: (request, "gemini-2.5-flash", 1000) for line in (
        line_of(USE, "current_provider().generate"),
        line_of(USE, "return model.generate(prompt)\n\n\ndef from_static"), line_of(USE, "Models.create('gemini')"),
        line_of(USE, "Models.build("), line_of(USE, "return model.generate(prompt)\n\n\ndef only_echo"))}


AGENTS = (
    "from strands import Agent\nfrom strands.models import BedrockModel\nfrom strands_tools import use_llm\n\nfrom steps import classify\n\n"
    "model = BedrockModel(model_id='us.amazon.nova-pro-v1:0', max_tokens=2000)\n"
    "agent = Agent(model=model, system_prompt='Be brief.', tools=[use_llm])\n\n\n"
    "def make_agent():\n"
    "    return Agent(model=BedrockModel(model_id='us.anthropic.claude-sonnet-4-20250514-v1:0', max_tokens=4000), system_prompt='Plan.')\n\n\n"
    "def ask(prompt):\n    return agent(prompt)\n\n\n"
    "async def stream(prompt):\n    async for event in agent.stream_async(prompt):\n        yield event\n\n\n"
    "def nested(query):\n    return agent.tool.use_llm(prompt=query, system_prompt='Answer.')\n\n\n"
    "def plan(query):\n    planner = make_agent()\n    return planner(query)\n\n\n"
    "def run(agent, prompt):\n    return agent(prompt)\n\n\n"
    "def remember(query):\n    return agent.tool.memory(action='store', content=query)\n\n\n"
    "def main(p):\n    ask(p)\n    stream(p)\n    nested(p)\n    plan(p)\n    run(agent, p)\n    remember(p)\n    classify(agent, p)\n"
)


def test_a_strands_agent_kept_made_by_a_factory_or_passed_in(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "main.py": AGENTS,
        "steps.py": "from strands import Agent\nfrom strands.models import BedrockModel\n\n\n"
                    "def classify(agent: Agent, query):\n    return agent.structured_output(dict, 'Query: ' + query)\n\n\n"
                    "def label(agent_name, query):\n    return agent_name(query)\n\n\n"
                    "def rebound(agent, query):\n    agent = agent or make()\n    return agent(query)\n",
        # the same names in a file that imports no Strands: another library's agent
        "plain.py": "def run(agent, prompt):\n    return agent(prompt)\n",
    })
    nova, sonnet = line_of(AGENTS, "model = BedrockModel"), line_of(AGENTS, "    return Agent(model=BedrockModel")
    calls = {line: via for (name, line), (via, _, _) in found.items() if name == "main.py" and line > line_of(AGENTS, "def main")}
    # the agent over the kept model called, streamed, running a nested agent on its model;
    # the factory's agent; the agent passed to a function calling it (here and in another
    # module): not a tool that sends no request (memory)
    passed = line_of(AGENTS, "def run(agent, prompt)") + 1
    assert calls == {
        line_of(AGENTS, "    ask(p)"): nova, line_of(AGENTS, "    stream(p)"): nova, line_of(AGENTS, "    nested(p)"): nova,
        line_of(AGENTS, "    plan(p)"): sonnet, line_of(AGENTS, "    run(agent, p)"): passed, line_of(AGENTS, "    classify(agent, p)"): 6,
    }
    assert found[("main.py", nova)][1:] == ("us.amazon.nova-pro-v1:0", 2000)
    # a parameter named otherwise, or rebound, is not the agent passed in; nothing without Strands
    assert sorted(line for name, line in found if name == "steps.py") == [6]
    assert not any(name == "plain.py" for name, _ in found)


CLAUDE = (
    "from anthropic import AsyncAnthropic\n\n\n"
    "class AsyncClaude:\n    def __init__(self):\n        self.client = AsyncAnthropic()\n\n"
    "    async def async_message(self, messages, model='claude-sonnet-4-5'):\n"
    "        return await self.client.messages.create(model=model, max_tokens=8192, messages=messages)\n\n"
    "    async def chat(self, text):\n        return await self.async_message([{'role': 'user', 'content': text}])\n\n"
    "    async def summarise_text(self, text):\n        return await self.async_message([{'role': 'user', 'content': text}], 'claude-haiku-4-5')\n\n\n"
    "class Recorder:\n    async def summarise_text(self, text):\n        return text[:100]\n"
)
MANAGER = (
    "import asyncio\nfrom typing import Any\n\nfrom app.settings import TIMEOUT\n\n\n"
    "class ConversationManager:\n"
    "    async def process_thread_message(self, text, llm: Any):\n        asyncio.create_task(self._conversation_loop(text, llm))\n\n"
    "    async def _conversation_loop(self, text, llm: Any):\n        await asyncio.wait_for(self._process_thread(text, llm), TIMEOUT)\n\n"
    "    async def _process_thread(self, text, llm: Any):\n        return await llm.async_message([{'role': 'user', 'content': text}])\n\n\n"
    "async def short(text, llm):\n    return await llm.chat(text)\n\n\n"
    "async def shared_name(text, llm):\n    return await llm.summarise_text(text)\n\n\n"
    "async def typed(text, llm: 'Recorder'):\n    return await llm.async_message(text)\n"
)


def test_a_wrapper_object_handed_in_as_a_parameter_of_no_said_type(cli, tmp_path):
    found = _routes(cli, tmp_path, {
        "app/__init__.py": "", "app/claude.py": CLAUDE, "app/manager.py": MANAGER, "app/settings.py": "TIMEOUT = 30\n",
        "app/hook.py": (
            "from app.claude import AsyncClaude\nfrom app.manager import ConversationManager\n\n\n"
            "async def register(text):\n    await ConversationManager().process_thread_message(text, AsyncClaude())\n"
        ),
        # an object kept on self from an untyped parameter of the constructor; not one annotated with a class
        "app/bot.py": (
            "from app.settings import TIMEOUT\n\n\n"
            "class Bot:\n    def __init__(self, llm):\n        self.llm = llm\n\n"
            "    async def answer(self, text):\n        return await self.llm.async_message([{'role': 'user', 'content': text}])\n\n\n"
            "class Typed:\n    def __init__(self, llm: 'Recorder'):\n        self.llm = llm\n\n"
            "    async def answer(self, text):\n        return await self.llm.async_message(text)\n"
        ),
        # a function of the same name as the method: its callers are still looked for as a function's
        "app/helpers.py": "from app.claude import AsyncClaude\n\n\nasync def async_message(text):\n    return await AsyncClaude().chat(text)\n",
        "app/jobs.py": "from app.helpers import async_message\n\n\nasync def job(text):\n    return await async_message(text)\n",
    })
    request = line_of(CLAUDE, "self.client.messages.create")
    managed = {line: found[("app/manager.py", line)] for name, line in found if name == "app/manager.py"}
    # `llm: Any` whose method, of a name one class of the project defines, is a wrapper
    # method; the functions handing it on, through a task and a timeout; not a method of a
    # one-word name (`chat`), nor one two classes define, nor a parameter annotated with a class
    assert managed == {line: (request, "claude-sonnet-4-5-20250929", 8192) for line in (
        line_of(MANAGER, "asyncio.create_task"), line_of(MANAGER, "asyncio.wait_for"), line_of(MANAGER, "await llm.async_message([{"))}
    assert found[("app/hook.py", 6)] == (request, "claude-sonnet-4-5-20250929", 8192)
    assert sorted(line for name, line in found if name == "app/bot.py") == [9]
    assert found[("app/jobs.py", 5)] == (request, "claude-sonnet-4-5-20250929", 8192)  # through helpers.py's function
