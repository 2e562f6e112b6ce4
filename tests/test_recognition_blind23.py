"""Request shapes read from blind sets 2 and 3 (session 13), each with look-alikes that must
stay silent. Written anew: short code in the shape, never the repositories' own."""
from __future__ import annotations

from conftest import report_routes, route_sites as sites


def test_a_function_running_a_kept_pydantic_ai_agent_is_a_wrapper(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "rag.py": (
            "from pydantic_ai import Agent\n\nhelper = Agent(model='openai:gpt-4o-mini', system_prompt='Answer briefly.')\n\n\n"
            "class Loop:\n    def run_sync(self, job):\n        return job\n\n\njobs = Loop()\n\n\n"
            "def answer(question):\n    result = helper.run_sync(f'Question: {question}')\n    return result.output\n\n\n"
            "def work(job):\n    return jobs.run_sync(job)\n"
        ),
        "api.py": "from rag import answer, work\n\n\ndef handle(q):\n    work(q)\n    return answer(q)\n",
    })
    # the agent's constructor, and the call of answer() (the agent runs there); jobs.run_sync is no model's
    assert sites(found) == [("api.py", 6, "Agent (pydantic-ai)", 3), ("rag.py", 3, "Agent (pydantic-ai)", None)]


def test_a_litellm_batch_job_is_a_request(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "submit.py": (
            "import asyncio\n\nimport litellm\nfrom litellm import acreate_batch, acreate_file, aretrieve_batch\n\n\n"
            "async def submit(path):\n"
            "    uploaded = await acreate_file(file=open(path, 'rb'), purpose='batch', custom_llm_provider='openai')\n"
            "    job = await acreate_batch(completion_window='24h', endpoint='/v1/chat/completions', input_file_id=uploaded.id)\n"
            "    return await aretrieve_batch(batch_id=job.id)\n\n\n"
            "def again(file_id):\n    return litellm.create_batch(completion_window='24h', endpoint='/v1/chat/completions', input_file_id=file_id)\n\n\n"
            "asyncio.run(submit('requests.jsonl'))\n"
        ),
        "own.py": "def create_batch(rows):\n    return [rows]\n\n\ncreate_batch([1, 2])\n",
    })
    # the two jobs (and the call of submit(), which starts one); the upload and the look-up are no requests
    assert sites(found) == [("submit.py", 9, "acreate_batch", None), ("submit.py", 14, "create_batch", None),
                            ("submit.py", 17, "acreate_batch", 9)]


HELPER = (
    "import anthropic\n\n\nclass Helper:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
    "    def answer_question(self, q):\n"
    "        return self.client.messages.create(model='claude-haiku-4-5', max_tokens=300, messages=[{'role': 'user', 'content': q}])\n"
)
APP = (
    "import streamlit as st\n\nfrom helper import Helper\n\nif 'helper' not in st.session_state:\n    st.session_state.helper = Helper()\n"
    "q = st.chat_input('Ask')\nif q:\n    st.write(st.session_state.helper.answer_question(q))\n"
)


def test_a_protocol_declaring_the_method_does_not_hide_the_one_class_that_makes_it(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "helper.py": HELPER, "app.py": APP,
        "ui.py": "from typing import Protocol\n\n\nclass Answers(Protocol):\n    def answer_question(self, q: str) -> str: ...\n",
    })
    assert ("app.py", 9, "messages.create", 9) in sites(found)


def test_a_class_with_the_method_that_makes_no_request_leaves_the_held_object_unknown(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "helper.py": HELPER + "\n\nclass Offline:\n    def answer_question(self, q):\n        return 'no'\n", "app.py": APP,
    })
    assert [s for s in sites(found) if s[0] == "app.py"] == []


def test_a_parameter_whose_method_every_class_defining_it_makes_a_request_with(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "handlers.py": (HELPER.replace("Helper", "ClaudeHandler") + (
            "\n\nclass HttpHandler:\n    def answer_question(self, q):\n"
            "        return requests.post('https://api.openai.com/v1/chat/completions', json={'model': 'gpt-4o-mini', 'messages': [{'role': 'user', 'content': q}]})\n"
        )).replace("import anthropic\n", "import anthropic\nimport requests\n"),
        "run.py": (
            "from handlers import ClaudeHandler, HttpHandler\n\n\ndef pick(name):\n    return ClaudeHandler() if name == 'c' else HttpHandler()\n\n\n"
            "def run_all(queries, handler):\n    return [handler.answer_question(q) for q in queries]\n\n\nrun_all(['a'], pick('c'))\n"
        ),
    })
    # whichever handler it is handed, each query is a request: judged as the first, the other named
    assert ("run.py", 9, "messages.create", 10) in sites(found)
