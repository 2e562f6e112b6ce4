"""CL010's silences on blind set 7 (issue 16): langchain-google-genai's chat model and LLM (an
omitted max_output_tokens is not sent, and the Gemini API then allows the model's whole output
limit), and a history trimmer's max_tokens taken for the chat model's cap. The shapes of the
code that went unflagged, through the real engine, each beside the capped or bound form that
stays silent."""
from __future__ import annotations

import pytest

from conftest import lint_tree, write_project


def findings(tmp_path, source: str) -> list:
    write_project(tmp_path, {"app.py": source}, suite=False)
    return [(d.loc.row, d.message) for d in lint_tree(tmp_path, suite=False, select=("CL010",)).diagnostics]


# a primary model with a fallback (21.Model_Fallback): the Gemini model is judged; ChatGroq on a
# model the catalogue does not know stays silent, as the rule says of an open-model host
FALLBACK = ("from langchain_google_genai import ChatGoogleGenerativeAI\nfrom langchain_groq import ChatGroq\n"
            "primary = ChatGoogleGenerativeAI(model='gemini-2.5-flash'{cap})\n"
            "backup = ChatGroq(model='deepseek-r1-distill-llama-70b')\n"
            "print(primary.with_fallbacks([backup]).invoke('Explain RAG'))\n")


def test_an_uncapped_gemini_chat_model_with_a_fallback_is_flagged_at_its_constructor(tmp_path):
    [(row, message)] = findings(tmp_path, FALLBACK.format(cap=""))
    assert row == 3
    assert "ChatGoogleGenerativeAI sets no output cap" in message and "Pass max_output_tokens=" in message


@pytest.mark.parametrize("cap", [", max_output_tokens=256", ", max_tokens=256"])
def test_a_cap_under_either_name_is_one(tmp_path, cap):
    assert findings(tmp_path, FALLBACK.format(cap=cap)) == []


@pytest.mark.parametrize("module", ["langchain_google_genai", "langchain_google_genai.llms"])
def test_the_gemini_llm_is_judged_as_the_chat_model(tmp_path, module):
    source = f"from {module} import GoogleGenerativeAI\nllm = GoogleGenerativeAI(model='gemini-1.5-flash')\nprint(llm.invoke('hi'))\n"
    assert [row for row, _ in findings(tmp_path, source)] == [2]
    assert findings(tmp_path, source.replace("'gemini-1.5-flash'", "'gemini-1.5-flash', max_output_tokens=100")) == []


TRIMMED = ("from langchain_core.messages import trim_messages\nfrom langchain_openai import ChatOpenAI\n"
           "llm = ChatOpenAI(model='gpt-4o-mini')\n\ndef start(history):\n"
           "    trimmer = trim_messages(strategy='last', max_tokens=20, token_counter=len)\n"
           "    return llm.invoke(trimmer.invoke(history)){bound}\n")


def test_a_history_trimmers_budget_is_not_the_chat_models_cap(tmp_path):
    assert [row for row, _ in findings(tmp_path, TRIMMED.format(bound=""))] == [3]


def test_a_cap_given_at_invoke_beside_the_trimmer_still_counts(tmp_path):
    source = TRIMMED.format(bound="").replace("trimmer.invoke(history))", "trimmer.invoke(history), max_tokens=300)")
    assert findings(tmp_path, source) == []


NEO4J = ("from neo4j_graphrag.llm import OpenAILLM\nllm = OpenAILLM(model_name='gpt-4o-mini', model_params={params})\n\n"
         "def answer(question):\n    return llm.invoke(question).content\n")


def test_neo4j_graphrags_openai_llm_is_judged_at_its_constructor(tmp_path):
    # yoonwanggyu/BOAZ_ADV's MCP retriever: model_params carries the temperature only
    write_project(tmp_path, {"app.py": NEO4J.format(params="{'temperature': 0.1}")}, suite=False)
    found = sorted((d.loc.row, d.code) for d in lint_tree(tmp_path, suite=False, select=("CL007", "CL010")).diagnostics)
    assert found == [(2, "CL007"), (2, "CL010")]


@pytest.mark.parametrize("params", ["{'temperature': 0.1, 'max_tokens': 300}", "{'max_completion_tokens': 300}", "settings.llm_params"])
def test_a_cap_in_model_params_or_params_not_seen_is_one(tmp_path, params):
    assert findings(tmp_path, NEO4J.format(params=params)) == []


LEGACY = 'import openai\n{assign}openai.ChatCompletion.create(model="gpt-4", messages=[])\n'


@pytest.mark.parametrize("assign, codes", [
    ("", ["CL007", "CL010"]),  # OpenAI's own API: gpt-4 is retired and uncapped
    ('openai.api_base = "https://openrouter.ai/api/v1"\n', ["CL010"]),  # OpenRouter's catalogue decides retirement
    ('openai.api_base = "http://localhost:8000/v1"\n', []),  # a local server bills nothing
    ('import os\nopenai.api_base = os.getenv("BASE", "http://127.0.0.1:1234/v1")\n', []),
])
def test_openai_0x_module_endpoint_decides_who_bills(tmp_path, assign, codes):
    write_project(tmp_path, {"app.py": LEGACY.format(assign=assign)}, suite=False)
    found = [d.code for d in lint_tree(tmp_path, suite=False, select=("CL007", "CL010")).diagnostics]
    assert sorted(found) == codes
