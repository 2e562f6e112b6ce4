"""Request shapes the blind set of session 11 showed unrecognised (issue 14): agent-framework
model objects (the OpenAI Agents SDK's Agent and LitellmModel), litellm.batch_completion, LangChain's legacy `langchain.llms.AzureOpenAI`; a
notebook with one cell that does not parse; a wrapper method reached through an attribute of
a local instance (`bot.llm_client.ask_later(...)`) or through an object kept in Streamlit's
session state. Each is shown recognised, and its look-alikes silent."""
from __future__ import annotations

import json

from claude_lint.checks.examples import notebook

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, cell, line) -> (api, model, the line of the request it reaches or None)."""
    return {(r["filename"], r["cell"], r["line"]): (r["api"], r["model"], (r["via"] or {}).get("line"))
            for r in report_routes(cli, tmp_path, example)}


FRAMEWORKS = (
    "from agents import Agent, Runner\n"
    "from agents.extensions.models.litellm_model import LitellmModel\n"
    "from langchain.llms import AzureOpenAI\n"
    "from litellm import batch_completion\n\n"
    "helper = Agent(name='helper', instructions='Answer briefly.', model='gpt-4.1-mini')\n"
    "proxy = LitellmModel(model='anthropic/claude-haiku-4-5', api_key='k')\n"
    "legacy = AzureOpenAI(deployment_name='d', model_name='gpt-35-turbo', max_tokens=256)\n"
    "answers = batch_completion(model='gpt-4.1-mini', messages=[[{'role': 'user', 'content': 'hi'}]], max_tokens=50)\n"
)
LOOK_ALIKES = (
    # a project's own classes of the same names, and an Agent of another package: not requests
    "from myproject.agents import Agent\nfrom crew_tools import batch_completion\n\n"
    "a = Agent(name='x', model='gpt-4.1-mini')\nb = batch_completion(model='gpt-4.1-mini', messages=[])\n"
)


def test_agent_framework_model_objects_and_litellm_batches(cli, tmp_path):
    found = _routes(cli, tmp_path, {"app.py": FRAMEWORKS, "other.py": LOOK_ALIKES})
    at = {line: found[("app.py", None, line)][:2] for _, _, line in found}
    assert at == {
        line_of(FRAMEWORKS, "helper = "): ("Agent (OpenAI Agents)", "gpt-4.1-mini"),
        line_of(FRAMEWORKS, "proxy = "): ("LitellmModel (OpenAI Agents)", "claude-haiku-4-5-20251001"),
        line_of(FRAMEWORKS, "legacy = "): ("AzureOpenAI (LLM)", "gpt-35-turbo"),
        line_of(FRAMEWORKS, "answers = "): ("batch_completion", "gpt-4.1-mini"),
    }
    assert not [key for key in found if key[0] == "other.py"]


def test_a_notebook_with_a_cell_that_does_not_parse_keeps_its_other_cells(cli, tmp_path):
    request = "client.messages.create(model='claude-sonnet-4-5', max_tokens=300, messages=[])"
    nb = notebook("import anthropic\nclient = anthropic.Anthropic()", " @tool\n def broken():\n    pass", request)
    fine = notebook("import anthropic\nclient = anthropic.Anthropic()", "x = 1", request)
    unreadable = notebook("import anthropic\nclient = anthropic.Anthropic()\n" + request + "\nif True:")
    found = _routes(cli, tmp_path, {"nb.ipynb": nb, "fine.ipynb": fine, "whole.ipynb": unreadable})
    assert sorted(k for k in found if k[0] != "whole.ipynb") == [("fine.ipynb", 3, 1), ("nb.ipynb", 3, 1)]
    assert not [k for k in found if k[0] == "whole.ipynb"]  # one cell, broken: nothing else to read
    checked = json.loads(cli("check", "--output-format", "json", "--exit-zero", "nb.ipynb").stdout)
    assert [(d["code"], d["cell"]) for d in checked if d["code"] == "CL901"] == [("CL901", 2)]


CLIENT = (
    "import anthropic\n\n\nclass Assistant:\n    def __init__(self):\n        self.api = anthropic.Anthropic()\n\n"
    "    def ask_later(self, text):\n"
    "        return self.api.messages.create(model='claude-haiku-4-5', max_tokens=200, messages=[{'role': 'user', 'content': text}])\n"
)
BOT = (
    "from assistant import Assistant\n\n\nclass Bot:\n    def __init__(self):\n        self.llm_client = Assistant()\n"
    "        self.name = 'bot'\n\n\n"
    "def make_bot():\n    bot = Bot()\n\n    def on_message(text):\n        return bot.llm_client.ask_later(text)\n\n    return on_message\n\n\n"
    "def shout(text):\n    return Bot().name.upper()\n\n\n"
    "def other(bot, text):\n    return bot.llm_client.ask_later(text)\n"
)
PAGE = (
    "import streamlit as st\n\nfrom assistant import Assistant\n\n"
    "if 'assistant' not in st.session_state:\n    st.session_state.assistant = Assistant()\n\n"
    "question = st.text_input('Question')\nif question:\n    st.write(st.session_state.assistant.ask_later(question))\n"
    "    st.write(st.session_state['assistant'].ask_later(question + '?'))\n"
    "    st.write(st.session_state.history.count(question))\n"
    "    st.write(st.session_state['notes'].count_words(question))\n"
)


def test_a_wrapper_method_through_an_instance_attribute_or_session_state(cli, tmp_path):
    found = _routes(cli, tmp_path, {"assistant.py": CLIENT, "bot.py": BOT, "page.py": PAGE})
    request = line_of(CLIENT, "self.api.messages.create")
    assert {k[2] for k in found if k[0] == "bot.py"} == {line_of(BOT, "return bot.llm_client.ask_later")}
    assert found[("bot.py", None, line_of(BOT, "return bot.llm_client.ask_later"))][2] == request
    # kept in session state, by attribute or by key; not a method no wrapper class of the project has
    assert {k[2]: v[2] for k, v in found.items() if k[0] == "page.py"} == {
        line_of(PAGE, "st.session_state.assistant.ask_later"): request, line_of(PAGE, "st.session_state['assistant']"): request}
