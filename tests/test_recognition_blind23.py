"""Request shapes read from blind sets 2 and 3 (session 13), each with look-alikes that must
stay silent. Written anew: short code in the shape, never the repositories' own."""
from __future__ import annotations

from conftest import report_routes


def sites(routes):
    return sorted((r["filename"], r["line"], r["api"], (r["via"] or {}).get("line")) for r in routes)


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


def test_a_second_class_with_the_method_leaves_the_held_object_unknown(cli, tmp_path):
    found = report_routes(cli, tmp_path, {
        "helper.py": HELPER, "app.py": APP,
        "other.py": HELPER.replace("Helper", "Backup"),  # which of the two the app keeps is not seen
    })
    assert [s for s in sites(found) if s[0] == "app.py"] == []


def test_hugging_face_inference_models_are_constructors(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "from langchain_core.prompts import PromptTemplate\n"
        "from langchain_huggingface import HuggingFaceEndpoint, HuggingFacePipeline\nfrom langchain.chains import LLMChain\n"
        "from langchain_community.llms.huggingface_hub import HuggingFaceHub\n\n"
        "prompt = PromptTemplate.from_template('Q: {q}')\n"
        "llm = HuggingFaceEndpoint(repo_id='mistralai/Mistral-7B-Instruct-v0.2', max_new_tokens=128)\n"
        "print((prompt | llm).invoke({'q': 'x'}))\n"
        "chain = LLMChain(llm=HuggingFaceHub(repo_id='google/flan-t5-large', model_kwargs={'temperature': 0}), prompt=prompt)\n"
        "print(chain.run('Camera'))\n"
        "tgi = HuggingFaceEndpoint(endpoint_url='http://localhost:8080/', max_new_tokens=64)\nprint(tgi.invoke('hi'))\n"
        "pipe = HuggingFacePipeline.from_model_id(model_id='gpt2', task='text-generation')\nprint(pipe.invoke('hi'))\n"
    ))
    # a text-generation-inference server on this machine is local; a pipeline runs in the process: no request
    assert sorted((r["line"], r["api"], r["billed"], r["model"], r["output_limit"]) for r in found) == [
        (7, "HuggingFaceEndpoint", True, "mistralai/Mistral-7B-Instruct-v0.2", 128), (9, "HuggingFaceHub", True, "google/flan-t5-large", None),
        (11, "HuggingFaceEndpoint", False, "?", 64)]


def test_a_function_whose_parameters_only_decide_whether_it_asks_is_a_wrapper(cli, tmp_path):
    found = report_routes(cli, tmp_path, (
        "import anthropic\n\nclient = anthropic.Anthropic()\nGRADER = 'Does the answer leak a name? Output only yes or no.'\n\n\n"
        "def grade(answer, needed):\n    if not needed:\n        return True\n"
        "    out = client.messages.create(model='claude-haiku-4-5', max_tokens=5, messages=[{'role': 'user', 'content': GRADER}])\n"
        "    return out.content[0].text == 'no'\n\n\n"
        "def unused(a):\n    return 1\n\n\n"
        "scores = [grade(a, n) for a, n in [('x', True), ('y', False)]]\nunused(2)\n"
    ))
    assert sorted((r["line"], (r["via"] or {}).get("line")) for r in found) == [(10, None), (18, 10)]
