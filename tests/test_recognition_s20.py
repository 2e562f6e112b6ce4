"""Issue 14, shape R2 (blind set 8, sarthak1757/declarative-multi-agent-orchestrator): a
registry of agents built by one module (`agents[a["id"]] = Agent(...)`) and handed to a
class of another module that imports nothing of the project (`Executor(agents)`), which
keeps it (`self.agents = agents`) and calls an entry's method (`self.agents[k].run(...)`).
`run` is a wrapper method of one class only, so it is no handed name (every file calling
`.run(` would be read); the caller's constructor call says which class's file to ask
(extract/registry_holders.py). Through the real CLI (`report --format json` lists every
recognised request)."""
from __future__ import annotations


from conftest import line_of
from test_recognition_shapes import routes

AGENT = (
    "from openai import OpenAI\n\n\n"
    "class Agent:\n"
    "    def __init__(self, name, model):\n"
    "        self.name = name\n        self.model = model\n        self.client = OpenAI()\n\n"
    "    def run(self, context):\n"
    "        return self.client.chat.completions.create(model=self.model, max_tokens=300,\n"
    "                                                   messages=[{'role': 'user', 'content': context}])\n"
)
AGENT_REQUEST = line_of(AGENT, "self.client.chat")

# each receiver shape of an entry: a name bound to one, a subscript in a comprehension,
# `.get(k)`, a subscript appended; and calls of `run` that are no agent's
EXECUTOR = (
    "import asyncio\nimport subprocess\n\n\n"
    "class Executor:\n"
    "    def __init__(self, agents, runner):\n"
    "        self.agents = agents\n        self.runner = runner\n        self.context = ''\n\n"
    "    def sequential(self, steps):\n"
    "        for step in steps:\n"
    "            agent = self.agents[step['agent']]\n"
    "            self.context = agent.run(self.context)\n"
    "        return self.context\n\n"
    "    def parallel(self, branches):\n"
    "        return [self.agents[a].run(self.context) for a in branches]\n\n"
    "    def pick(self, name):\n"
    "        return self.agents.get(name).run(self.context)\n\n"
    "    def supervisor(self, subs):\n"
    "        results = []\n"
    "        for sub in subs:\n"
    "            results.append(self.agents[sub].run(self.context))\n"
    "        return results\n\n"
    "    def other(self):\n"
    "        return self.runner.run(self.context)\n\n"
    "    def shell(self):\n"
    "        return subprocess.run(['ls'], check=False)\n\n\n"
    "def main(coro):\n"
    "    return asyncio.run(coro)\n"
)
EXECUTOR_CALLS = [line_of(EXECUTOR, needle) for needle in (
    "agent.run(", "self.agents[a].run(", "self.agents.get(name).run(", "self.agents[sub].run(")]

MAIN = (
    "from app.agent import Agent\nfrom app.executor import Executor\n\n\n"
    "def build(specs, runner):\n"
    "    agents = {}\n"
    "    for spec in specs:\n"
    "        agents[spec['id']] = Agent(spec['id'], spec.get('model', 'gpt-4o-mini'))\n"
    "    return Executor(agents, runner)\n\n\n"
    "def go(specs, runner, steps):\n"
    "    executor = build(specs, runner)\n"
    "    executor.sequential(steps)\n"
    "    executor.parallel(steps)\n"
    "    executor.pick('writer')\n"
    "    executor.supervisor(steps)\n"
    "    executor.other()\n"
)


def at(found: list, filename: str) -> list:
    return [line for name, line, _ in found if name == filename]


def test_a_registry_of_agents_filled_by_key_and_handed_to_another_modules_class(cli, tmp_path):
    found = routes(cli, tmp_path, {"app/__init__.py": "", "app/agent.py": AGENT, "app/executor.py": EXECUTOR, "app/main.py": MAIN})
    # each entry's `run`; not `self.runner.run` (no entry), subprocess.run nor asyncio.run
    assert at(found, "app/executor.py") == EXECUTOR_CALLS
    assert {via for name, _, via in found if name == "app/executor.py"} == {AGENT_REQUEST}
    # the executor's methods are wrappers now: their calls in main.py, not `other()`
    assert at(found, "app/main.py") == [line_of(MAIN, f"executor.{m}(") for m in ("sequential", "parallel", "pick", "supervisor")]


def test_the_registry_as_a_comprehension_a_literal_or_a_keyword(cli, tmp_path):
    main = (
        "from app.agent import Agent\nfrom app.executor import Executor\n\n\n"
        "def by_comprehension(specs, steps):\n"
        "    return Executor({s['id']: Agent(s['id'], 'gpt-4o-mini') for s in specs}, None).sequential(steps)\n\n\n"
        "def by_literal(steps):\n"
        "    agents = {'writer': Agent('writer', 'gpt-4o-mini'), 'critic': Agent('critic', 'gpt-4o')}\n"
        "    return Executor(runner=None, agents=agents).parallel(steps)\n"
    )
    found = routes(cli, tmp_path, {"app/__init__.py": "", "app/agent.py": AGENT, "app/executor.py": EXECUTOR, "app/main.py": main})
    assert at(found, "app/executor.py") == EXECUTOR_CALLS
    assert at(found, "app/main.py") == [line_of(main, ".sequential("), line_of(main, ".parallel(")]


def test_entries_no_object_of_the_project_stay_silent(cli, tmp_path):
    # the same executor, handed threads (a library's objects with a `run`): its file is never asked
    main = (
        "import threading\n\nfrom app.agent import Agent\nfrom app.executor import Executor\n\n\n"
        "def build(jobs, steps):\n"
        "    workers = {}\n"
        "    for job in jobs:\n"
        "        workers[job.name] = threading.Thread(target=job)\n"
        "    Executor(workers, None).sequential(steps)\n"
        "    return Agent('writer', 'gpt-4o-mini').run('hello')\n"
    )
    found = routes(cli, tmp_path, {"app/__init__.py": "", "app/agent.py": AGENT, "app/executor.py": EXECUTOR, "app/main.py": main})
    assert at(found, "app/executor.py") == []
    assert at(found, "app/main.py") == [line_of(main, ".run('hello')")]  # the agent called by its class: a wrapper call as before


def test_a_registry_typed_with_a_class_whose_run_is_no_wrapper_stays_silent(cli, tmp_path):
    # the caller hands agents, but the holder says its entries are its own Tasks
    executor = (
        "from typing import Dict\n\n\n"
        "class Task:\n    def run(self, context):\n        return context.upper()\n\n\n"
        "class Executor:\n"
        "    def __init__(self, agents: Dict[str, Task], runner):\n"
        "        self.agents = agents\n        self.context = ''\n\n"
        "    def sequential(self, steps):\n"
        "        for step in steps:\n"
        "            self.context = self.agents[step].run(self.context)\n"
        "        return self.context\n"
    )
    found = routes(cli, tmp_path, {"app/__init__.py": "", "app/agent.py": AGENT, "app/executor.py": executor, "app/main.py": MAIN})
    assert at(found, "app/executor.py") == []
    assert at(found, "app/main.py") == []


def test_two_classes_defining_run_one_a_wrapper_stays_silent(cli, tmp_path):
    # the existing policy (link_names._handed): a method called on an object of no said type
    # resolves only when every class of the project's wrapper tables defining it has it as a
    # wrapper; a Tool beside the Agent with a `run` of its own makes the entry's `run` either
    agent = AGENT + "\n\nclass Tool:\n    def run(self, context):\n        return context.strip()\n"
    found = routes(cli, tmp_path, {"app/__init__.py": "", "app/agent.py": agent, "app/executor.py": EXECUTOR, "app/main.py": MAIN})
    assert at(found, "app/executor.py") == []
    assert at(found, "app/main.py") == []
    # (without the Tool, the same files are recognised: the first test)
