"""Request shapes of session 14 (recognition of code nobody tuned for), each with look-alikes
that must stay silent. Written anew: short code in the shape, never a repository's own."""
from __future__ import annotations

from conftest import report_routes, route_sites as sites


def test_a_chat_model_made_by_another_modules_factory_requests_where_it_is_invoked(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "kit/__init__.py": "",
        "kit/models.py": (
            "from langchain_openai import ChatOpenAI\n\n\n"
            "def make_chat(name='gpt-4o-mini', cap=300):\n"
            "    return ChatOpenAI(model=name, max_tokens=cap)\n"
        ),
        "kit/rank.py": (
            "from kit.models import make_chat\n\n\n"
            "def rank(question, passages):\n"
            "    model = make_chat('gpt-4o')\n"
            "    return model.invoke(question + '\\n'.join(passages))\n\n\n"
            "def shaped(question, schema):\n"
            "    return make_chat().with_structured_output(schema).invoke(question)\n\n\n"
            "class Judge:\n"
            "    def __init__(self):\n"
            "        self.llm = make_chat(cap=50)\n\n"
            "    def grade(self, answer):\n"
            "        return self.llm.invoke(f'Grade: {answer}')\n"
        ),
        "kit/app.py": (
            "from kit.rank import rank\n\n\n"
            "def handle(q, docs):\n"
            "    return rank(q, docs)\n"
        ),
    })
    got = {(f, line): api for f, line, api, _ in sites(found)}
    assert got == {
        ("kit/models.py", 5): "ChatOpenAI",  # the constructor itself
        ("kit/rank.py", 6): "ChatOpenAI",  # invoked where it was made
        ("kit/rank.py", 10): "ChatOpenAI",  # through a structured-output runnable
        ("kit/rank.py", 18): "ChatOpenAI",  # kept on the object, invoked by a method
        ("kit/app.py", 5): "ChatOpenAI",  # a caller of the function invoking it
    }
    models = {(r["filename"], r["line"]): r["model"] for r in found}
    assert models[("kit/rank.py", 6)] == "gpt-4o" and models[("kit/rank.py", 10)] == "gpt-4o-mini"


def test_a_factory_called_without_invoking_what_it_returns_is_no_request(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "kit/__init__.py": "",
        "kit/models.py": (
            "from langchain_anthropic import ChatAnthropic\n\n\n"
            "def make_chat(cap=300):\n"
            "    return ChatAnthropic(model='claude-haiku-4-5', max_tokens=cap)\n\n\n"
            "def make_reader():\n"
            "    return open('notes.txt')\n"
        ),
        "kit/use.py": (
            "from kit.models import make_chat, make_reader\n\n\n"
            "def build(cap):\n"
            "    llm = make_chat(cap)\n"
            "    return llm\n\n\n"
            "def keep(registry, cap):\n"
            "    registry['llm'] = make_chat(cap)\n"
            "    registry['llm'].batch_size = 4\n\n\n"
            "def read(q):\n"
            "    return make_reader().run(q)\n"
        ),
    })
    # only the constructor: making the model, keeping it, or invoking another factory's object sends nothing
    assert [(f, line) for f, line, _, _ in sites(found)] == [("kit/models.py", 5)]


def test_a_graph_built_in_one_function_and_run_in_another(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "flow.py": (
            "from langgraph.graph import END, StateGraph\n"
            "from langchain_anthropic import ChatAnthropic\n\n"
            "llm = ChatAnthropic(model='claude-haiku-4-5', max_tokens=300)\n\n\n"
            "def reply(state):\n    return {'out': llm.invoke(state['q'])}\n\n\n"
            "def tidy(state):\n    return {'out': state['out'].strip()}\n\n\n"
            "def build(checkpointer=None):\n"
            "    g = StateGraph(dict)\n"
            "    g.add_node('reply', reply)\n"
            "    g.add_edge('reply', END)\n"
            "    return g.compile(checkpointer=checkpointer)\n\n\n"
            "def build_plain():\n"
            "    g = StateGraph(dict)\n"
            "    g.add_node('tidy', tidy)\n"
            "    return g.compile()\n\n\n"
            "def serve(q):\n    app = build()\n    return app.invoke({'q': q})\n\n\n"
            "def serve_once(q):\n    return build().invoke({'q': q})\n\n\n"
            "def clean(q):\n    return build_plain().invoke({'out': q})\n\n\n"
            "class Bot:\n"
            "    def __init__(self):\n        self.graph = self.make()\n\n"
            "    def make(self):\n        g = StateGraph(dict)\n        g.add_node('reply', reply)\n        return g.compile()\n\n"
            "    def ask(self, q):\n        return self.graph.invoke({'q': q})\n"
        ),
    })
    got = sorted(line for f, line, _, via in sites(found) if via == 4)
    # serve's and serve_once's runs, and Bot.ask's (the model's constructor is the request they
    # reach), and the registrations of the requesting node (17, 47: registrations.py); build_plain's
    # graph runs no request
    assert got == [17, 30, 34, 47, 51]
    assert [line for _, line, _, via in sites(found) if via is None] == [4]


def test_a_module_level_list_filled_from_the_functions_parameters_is_passed_on(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "kit/__init__.py": "",
        "kit/llm.py": (
            "from litellm import completion\n\n"
            "history = []\n"
            "notes = []\n\n\n"
            "def send(messages):\n"
            "    return completion(model='gpt-4o', messages=messages, max_tokens=500)\n\n\n"
            "def solve(problem):\n"
            "    history.append({'role': 'user', 'content': f'Solve: {problem}'})\n"
            "    return send(messages=history)\n\n\n"
            "def log_and_send(problem):\n"
            "    notes.append(problem)\n"
            "    return send(messages=[{'role': 'user', 'content': 'Say hi'}])\n"
        ),
        "main.py": "from kit.llm import log_and_send, solve\n\n\ndef main(p):\n    solve(p)\n    log_and_send(p)\n",
    })
    got = sorted((f, line) for f, line, _, _ in sites(found))
    # solve's list holds its parameter: its callers' calls are requests of their own; log_and_send
    # sends a fixed message (its parameter goes to another list): it is its own request, once
    assert ("main.py", 5) in got and ("kit/llm.py", 13) in got
    assert ("main.py", 6) not in got


def test_a_graph_another_module_builds_runs_its_nodes_where_it_is_run(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "bot/__init__.py": "",
        "bot/steps.py": (
            "from langchain_anthropic import ChatAnthropic\n\n"
            "llm = ChatAnthropic(model='claude-haiku-4-5', max_tokens=300)\n\n\n"
            "def reply(state):\n    return {'out': llm.invoke(state['q'])}\n\n\n"
            "def tidy(state):\n    return {'out': state['out'].strip()}\n"
        ),
        "bot/flow.py": (
            "from langgraph.graph import END, StateGraph\n"
            "from bot.steps import reply, tidy\n\n\n"
            "def build(memory=None):\n"
            "    g = StateGraph(dict)\n"
            "    g.add_node('reply', reply)\n"
            "    g.add_edge('reply', END)\n"
            "    app = g.compile(checkpointer=memory)\n"
            "    return app\n\n\n"
            "def build_tidy():\n"
            "    return StateGraph(dict).add_sequence([tidy]).compile()\n"
        ),
        "main.py": (
            "from bot.flow import build, build_tidy\n\n"
            "graph = build()\n\n\n"
            "def serve(q):\n    return graph.invoke({'q': q}, config={'configurable': {'thread_id': '1'}})\n\n\n"
            "def clean(text):\n    return build_tidy().invoke({'out': text})\n\n\n"
            "def make():\n    return build()\n"
        ),
    })
    got = sorted((f, line) for f, line, _, via in sites(found) if via is not None)
    # the run of build()'s graph, and the registration of its requesting node (bot/flow.py:7,
    # registrations.py); nothing where it is made, or where a graph of no request runs
    assert got == [("bot/flow.py", 7), ("main.py", 7)]


def test_a_crewai_crew_over_agents_on_a_model_requests_at_kickoff(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "crew/__init__.py": "",
        "crew/llms.py": (
            "from crewai import LLM\n\n\n"
            "def get_llm(cap=800):\n"
            "    return LLM(model='anthropic/claude-sonnet-4-5', max_tokens=cap)\n"
        ),
        "crew/team.py": (
            "from crewai import Agent, Crew, Task\n"
            "from crew.llms import get_llm\n"
            "from sports import Match\n\n\n"
            "class Writers:\n"
            "    def __init__(self):\n"
            "        self.llm = get_llm()\n\n"
            "    def _agent(self, role):\n"
            "        return Agent(role=role, goal='g', backstory='b', llm=self.llm)\n\n"
            "    def write(self, topic):\n"
            "        writer = self._agent('writer')\n"
            "        task = Task(description=f'Write about {topic}', agent=writer, expected_output='text')\n"
            "        crew = Crew(agents=[writer], tasks=[task])\n"
            "        return crew.kickoff()\n\n"
            "    def staff(self):\n"
            "        return [self._agent('editor')]\n\n\n"
            "def one_line(topic):\n"
            "    return get_llm(cap=60).call(f'One line on {topic}')\n\n\n"
            "def unstaffed(topic):\n"
            "    helper = Agent(role='r', goal='g', backstory='b')\n"
            "    return Crew(agents=[helper], tasks=[Task(description=topic, agent=helper, expected_output='t')]).kickoff()\n\n\n"
            "def game(teams):\n"
            "    match = Match(teams)\n"
            "    return match.kickoff()\n"
        ),
        "run.py": "from crew.team import Writers, one_line\n\n\ndef main(t):\n    Writers().write(t)\n    one_line(t)\n",
    })
    got = sorted((f, line) for f, line, _, via in sites(found) if via is not None)
    # the crew's kickoff and the model's call, and their callers; making agents, a crew whose
    # agents name no model, and another library's kickoff send nothing the code shows
    assert got == [("crew/team.py", 17), ("crew/team.py", 24), ("run.py", 5), ("run.py", 6)]


def test_a_crewai_crew_in_the_file_of_its_model(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "solo.py": (
            "from crewai import Agent, Crew, LLM, Task\n\n"
            "llm = LLM(model='gpt-4o-mini', max_tokens=400)\n"
            "scout = Agent(role='scout', goal='g', backstory='b', llm=llm)\n"
            "idle = Agent(role='idle', goal='g', backstory='b')\n\n\n"
            "def research(topic):\n"
            "    task = Task(description=f'Find {topic}', agent=scout, expected_output='notes')\n"
            "    return Crew(agents=[scout], tasks=[task]).kickoff()\n\n\n"
            "def wait(topic):\n"
            "    return Crew(agents=[idle], tasks=[Task(description=topic, agent=idle, expected_output='x')]).kickoff()\n\n\n"
            "for t in ['bees', 'ants']:\n    research(t)\n    wait(t)\n"
        ),
    })
    assert sorted(line for _, line, _, via in sites(found) if via is not None) == [18]


def test_a_chat_model_made_by_another_modules_factory_class_or_its_instance(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/models.py": (
            "from langchain_anthropic import ChatAnthropic\n\n\n"
            "class ModelFactory:\n"
            "    @staticmethod\n"
            "    def create(cap=300):\n"
            "        return ChatAnthropic(model='claude-haiku-4-5', max_tokens=cap)\n\n"
            "    def build(self, name):\n"
            "        return ChatAnthropic(model=name, max_tokens=100)\n\n\n"
            "factory = ModelFactory()\n"
        ),
        "app/use.py": (
            "from app.models import ModelFactory, factory\n\n\n"
            "def ask(q):\n    return ModelFactory.create().invoke(q)\n\n\n"
            "def ask_named(q):\n    llm = factory.build('claude-sonnet-4-5')\n    return llm.invoke(q)\n\n\n"
            "def keep(q):\n    return ModelFactory.create(cap=len(q))\n"
        ),
    })
    got = {(r["filename"], r["line"]): r["model"] for r in found if r["via"]}
    assert got == {("app/use.py", 5): "claude-haiku-4-5-20251001", ("app/use.py", 10): "claude-sonnet-4-5-20250929"}


def test_a_strands_agent_made_by_another_modules_factory_requests_where_it_is_called(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "shop/__init__.py": "",
        "shop/agents.py": (
            "from strands import Agent\n"
            "from strands.models import BedrockModel\n\n\n"
            "def make_agent(prompt):\n"
            "    return Agent(model=BedrockModel(model_id='us.anthropic.claude-3-5-haiku-20241022-v1:0', max_tokens=700), system_prompt=prompt)\n"
        ),
        "shop/handler.py": (
            "from shop.agents import make_agent\n"
            "from shop.tools import make_tool\n\n\n"
            "class Handler:\n"
            "    def __init__(self):\n"
            "        self.agent = make_agent('You sell shoes.')\n"
            "        self.tool = make_tool()\n\n"
            "    def handle(self, message):\n"
            "        return self.agent(message)\n\n"
            "    def search(self, words):\n"
            "        return self.tool(words)\n\n\n"
            "def once(message):\n"
            "    agent = make_agent('Be brief.')\n"
            "    return agent(message)\n"
        ),
        "shop/tools.py": "def make_tool():\n    return lambda words: words.split()\n",
    })
    got = sorted((f, line) for f, line, _, via in sites(found) if via is not None)
    # the agent called where it is kept and where it is made; a tool another factory makes is no model
    assert got == [("shop/handler.py", 11), ("shop/handler.py", 19)]


def test_a_lazy_singleton_model_requests_where_it_is_invoked_not_where_it_is_fetched(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "app/__init__.py": "",
        "app/llm.py": (
            "from langchain_openai import ChatOpenAI\n\n"
            "_llm = None\n\n\n"
            "def get_llm():\n"
            "    global _llm\n"
            "    if _llm is None:\n"
            "        _llm = ChatOpenAI(model='gpt-4o-mini', max_tokens=200)\n"
            "    return _llm\n"
        ),
        "app/use.py": (
            "from app.llm import get_llm\n\n\n"
            "def answer(q):\n    return get_llm().invoke(q)\n\n\n"
            "def warm():\n    return get_llm()\n"
        ),
    })
    assert sorted((f, line) for f, line, _, via in sites(found) if via is not None) == [("app/use.py", 5)]
