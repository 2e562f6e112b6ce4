"""Request shapes the fifth blind set missed (eval/realworld/misses-blind5.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line")) for r in report_routes(cli, tmp_path, example)}


# --- LangChain 1.x create_agent on a model ID -----------------------------------------------

AGENT_ON_ID = (
    "from langchain.agents import create_agent\n\n\n"
    "def forecast(city: str) -> str:\n    return 'mild in ' + city\n\n\n"
    "helper = create_agent(model='gpt-5-mini', tools=[forecast], system_prompt='Be brief.')\n"
    "print(helper.invoke({'messages': [{'role': 'user', 'content': 'Oslo?'}]}))\n"
)
AGENT_ON_OBJECT = (
    "from langchain.agents import create_agent\nfrom langchain_anthropic import ChatAnthropic\n\n"
    "chat = ChatAnthropic(model='claude-haiku-4-5', max_tokens=400)\n"
    "helper = create_agent(chat, tools=[])\n"
)
AGENT_OF_OWN = "from toolkit.agents import create_agent\n\nhelper = create_agent(model='gpt-5-mini')\n"


def test_create_agent_on_a_model_id_makes_its_own_chat_model(cli, tmp_path):
    found = _routes(cli, tmp_path, {"bot.py": AGENT_ON_ID})
    # and the agent's run is a site of its own, reaching it (the README counts each run of an agent; blind set 13)
    made = line_of(AGENT_ON_ID, "helper = ")
    assert found == {("bot.py", made): ("create_agent (LangChain)", None), ("bot.py", line_of(AGENT_ON_ID, "helper.invoke")): ("create_agent (LangChain)", made)}


def test_create_agent_over_a_model_object_or_of_another_library_is_no_site_of_its_own(cli, tmp_path):
    found = _routes(cli, tmp_path, {"bot.py": AGENT_ON_OBJECT, "own.py": AGENT_OF_OWN})
    assert found == {("bot.py", line_of(AGENT_ON_OBJECT, "chat = ")): ("ChatAnthropic", None)}


# --- the OpenAI Agents SDK: its model objects, and an agent handed to a runner helper --------

MODELS = (
    "from agents import OpenAIChatCompletionsModel\nfrom openai import AsyncOpenAI\n\n\n"
    "def chat_model():\n"
    "    return OpenAIChatCompletionsModel(model='mistral-small-latest', openai_client=AsyncOpenAI(base_url='https://api.mistral.ai/v1'))\n"
)
WORKERS = (
    "from agents import Agent\nfrom models import chat_model\n\n"
    "drafter = Agent[str](name='Drafter', instructions='Draft a reply.', model=chat_model())\n"
)
STREAMING = (
    "from agents import Agent, Runner\n\n\n"
    "async def relay(agent: Agent, prompt: str, sink: list):\n"
    "    result = Runner.run_streamed(starting_agent=agent, input=prompt)\n"
    "    async for event in result.stream_events():\n        sink.append(event)\n        yield event\n"
)
ROUTES = (
    "from streaming import relay\nfrom workers import drafter\n\n\n"
    "async def draft(topic):\n    parts = []\n"
    "    async for event in relay(agent=drafter, prompt=topic, sink=parts):\n        yield event\n"
)


def test_an_agents_sdk_model_object_and_an_agent_handed_to_a_runner_helper(cli, tmp_path):
    """`OpenAIChatCompletionsModel(...)` is where the model and its settings are written; a helper
    running `Runner.run_streamed(starting_agent=agent)` on the agent its caller hands it is a
    wrapper, each call of it a request."""
    found = _routes(cli, tmp_path, {"models.py": MODELS, "workers.py": WORKERS, "streaming.py": STREAMING, "routes.py": ROUTES})
    runner = line_of(STREAMING, "Runner.run_streamed")
    assert found == {
        ("models.py", line_of(MODELS, "return OpenAIChatCompletionsModel")): ("OpenAIChatCompletionsModel (OpenAI Agents)", None),
        ("streaming.py", runner): ("Runner.run (OpenAI Agents agent passed in)", None),
        ("routes.py", line_of(ROUTES, "relay(agent=")): ("Runner.run (OpenAI Agents agent passed in)", runner),
    }


OTHER_RUNNERS = (
    "from agents import Runner\nfrom pipelines import Runner as JobRunner, Job\n\n\n"
    "def start(job: Job):\n    return JobRunner.run(job)\n\n\n"
    "def replay(job: Job):\n    return Runner.run(starting_agent=job, input='x')\n\n\n"
    "def rerun(name):\n    agent = lookup(name)\n    return Runner.run(agent, 'again')\n"
)


def test_a_runner_of_another_library_or_an_agent_not_passed_in_is_no_request(cli, tmp_path):
    """Another library's `Runner.run`, a parameter annotated with another type, a local name."""
    assert _routes(cli, tmp_path, {"jobs.py": OTHER_RUNNERS}) == {}


# --- a caller written for a newer Python -------------------------------------------------------

ASK = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n\n\n"
    "def ask(prompt, limit=300):\n"
    "    return client.messages.create(model='claude-haiku-4-5', max_tokens=limit, messages=[{'role': 'user', 'content': prompt}])\n"
)
# PEP 701 (Python 3.12): the enclosing quote reused inside a replacement field
NEWER_CALLER = "from llm import ask\n\nitems = ['a', 'b']\nprint(ask(f\"Pick one of: {\", \".join(items)}\"))\n"
BROKEN_CALLER = "from llm import ask\n\nprint(ask('Pick one' )))\n"


def test_a_wrapper_call_in_a_file_written_for_a_newer_python(cli, tmp_path):
    """The second phase reads such a file as the first does: without the refused f-string."""
    found = _routes(cli, tmp_path, {"llm.py": ASK, "pick.py": NEWER_CALLER, "broken.py": BROKEN_CALLER})
    request = line_of(ASK, "client.messages.create")
    assert found == {
        ("llm.py", request): ("messages.create", None),
        ("pick.py", line_of(NEWER_CALLER, "print(ask(")): ("messages.create", request),
    }
