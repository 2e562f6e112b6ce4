"""Routes the linter reported where the code makes no request, found by judging every route
that matched no labelled site on the main and held-out sets (eval/realworld/routes-main.md,
routes-heldout.md): each written anew, with the request beside it that must stay a route."""
from __future__ import annotations

from conftest import line_of, report_routes

DECORATED = (
    "import anthropic\nfrom slack_bolt import App\nfrom tenacity import retry, stop_after_attempt\n\n"
    "app = App()\nclient = anthropic.Anthropic()\n\n\n"
    "def reply(event, say):\n"
    "    answer = client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': event['text']}])\n"
    "    say(answer.content[0].text)\n\n\n"
    "def ask(question):\n"
    "    return client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': question}])\n\n\n"
    "app.event('app_mention')(reply)\n"
    "app.shortcut('summarise')(reply)\n"
    "steady = retry(stop=stop_after_attempt(3))(ask)\n"
    "print(retry(stop=stop_after_attempt(3))(ask)('What is 2 + 2?'))\n"
)


def test_a_decorator_written_as_a_call_keeps_the_function_and_runs_it_only_when_called(cli, tmp_path):
    """`app.event("app_mention")(reply)` is Slack Bolt's decorator written as a call: it
    registers `reply`, like `@app.event(...)`, which is no site (seen: slack-samples, seratch).
    `retry(...)(ask)` wraps `ask` without running it; called at once, `retry(...)(ask)(q)`
    runs it with `q`: that is a request site."""
    lines = sorted(r["line"] for r in report_routes(cli, tmp_path, {"bot.py": DECORATED}))
    assert lines == sorted([line_of(DECORATED, "answer = client.messages.create"), line_of(DECORATED, "return client.messages.create"),
                            line_of(DECORATED, "print(retry(")])


POSTS = (
    "import httpx\nimport requests\n\nSUNO_URL = 'https://suno-proxy.example.com'\nOLLAMA = 'http://localhost:11434'\n\n\n"
    "def song(prompt):\n"
    "    return requests.post(SUNO_URL + '/api/generate', json={'prompt': prompt, 'make_instrumental': False, 'wait_audio': True}).json()\n\n\n"
    "def local_answer(prompt):\n"
    "    return httpx.post(OLLAMA + '/api/generate', json={'model': 'llama3', 'prompt': prompt, 'stream': False}).json()['response']\n"
)


def test_a_post_to_an_api_generate_path_without_a_model_is_no_ollama_request(cli, tmp_path):
    """Ollama's API names the model in every request; a body read whole with no `model`
    posted to a path ending `/api/generate` is another service's (seen: a Suno music
    generator's proxy, whose six callers were reported as local model requests)."""
    found = [(r["line"], r["api"], r["billed"]) for r in report_routes(cli, tmp_path, {"posts.py": POSTS})]
    assert found == [(line_of(POSTS, "httpx.post("), "POST /api/chat", False)]


MOCKED_CLIENT = (
    "import anthropic\n\n\nclass Client:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
    "    def create_message(self, messages, system):\n"
    "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=100, system=system, messages=messages)\n"
)
MOCKED_TESTS = (
    "import unittest\nfrom unittest import mock\nfrom unittest.mock import patch\n\nfrom llm import Client\n\n\n"
    "class TestClient(unittest.TestCase):\n"
    "    @patch('llm.anthropic.Anthropic')\n    def test_patched(self, fake):\n        Client().create_message([], 'Be brief')\n\n"
    "    @patch.object(anthropic, 'Anthropic')\n    def test_patched_object(self, fake):\n        Client().create_message([], 'Be brief')\n\n"
    "    def test_with(self):\n        with mock.patch('anthropic.Anthropic'):\n            Client().create_message([], 'Be brief')\n"
    "        Client().create_message([], 'after the block')\n\n"
    "    @patch('llm.db.save')\n    def test_live(self, save):\n        Client().create_message([], 'Be brief')\n\n\n"
    "@patch('openai.OpenAI')\nclass TestPatchedClass(unittest.TestCase):\n"
    "    def test_in_class(self, fake):\n        Client().create_message([], 'Be brief')\n"
)


def test_a_test_that_patches_the_sdks_client_makes_no_request_through_the_projects_code(cli, tmp_path):
    """`@patch("llm.anthropic.Anthropic")` on a test (or its TestCase class), `patch.object(anthropic,
    "Anthropic")`, `with mock.patch("anthropic.Anthropic"):` around the call: the project's
    wrapper then talks to a mock, nothing is billed (seen: a client class's unit tests reported
    for a 5-token cache breakpoint; the corpus's labels count no site there). A test patching
    something else, or a call after the `with` block, still requests."""
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, {"llm.py": MOCKED_CLIENT, "tests/test_llm.py": MOCKED_TESTS}))
    assert found == sorted([("llm.py", line_of(MOCKED_CLIENT, "return self.client.messages.create")),
                            ("tests/test_llm.py", line_of(MOCKED_TESTS, "'after the block'")),
                            ("tests/test_llm.py", line_of(MOCKED_TESTS, "def test_live") + 1)])


AGENT_BUILDER = (
    "from agno.agent import Agent\nfrom agno.models.openai import OpenAIChat\n\n\n"
    "class Podcasts:\n"
    "    def create_agent(self, voice='alloy'):\n"
    "        model = OpenAIChat(id='gpt-4o-audio-preview', audio={'voice': voice})\n"
    "        return Agent(name='Podcaster', model=model, tools=[])\n\n"
    "    def generate(self, topic, fancy=False):\n"
    "        if fancy:\n            agent = self.create_agent('nova')\n            return agent.run(topic)\n"
    "        agent = self.create_agent()\n        return agent.run(topic)\n\n\n"
    "def main():\n    return Podcasts().generate(input())\n"
)


def test_a_method_building_an_agent_over_a_model_it_makes_only_builds_it(cli, tmp_path):
    """`create_agent` builds `OpenAIChat(...)` and returns `Agent(model=model)`: a factory, whose
    calls request nothing (seen: a podcast generator; `self.create_agent(...)`, not LangChain's
    `create_agent`); the method running the agent, bound in each branch, is the request for its
    callers."""
    found = sorted((r["filename"], r["line"]) for r in report_routes(cli, tmp_path, {"pod.py": AGENT_BUILDER}))
    assert found == [("pod.py", line_of(AGENT_BUILDER, "model = OpenAIChat")), ("pod.py", line_of(AGENT_BUILDER, "return Podcasts().generate"))]
