"""Request shapes the fifth blind set missed (eval/realworld/misses-blind5.md), each written
anew: what must be recognised, and the look-alikes that must not."""
from __future__ import annotations

from conftest import line_of, report_routes


def _routes(cli, tmp_path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line")) for r in report_routes(cli, tmp_path, example)}


# --- a Responses request on a client made in another module ---------------------------------

CLIENTS = "from openai import OpenAI\n\nllm_client = OpenAI()\n"
SUMMARY_PAGE = (
    "from clients import llm_client\n\n\n"
    "def summarise(notes, model='gpt-5-mini'):\n"
    "    reply = llm_client.responses.create(model=model, instructions='Summarise.', input=notes)\n"
    "    return reply.output_text\n"
)
SURVEYS = (
    "from surveys.models import Survey\n\n\n"
    "def record(survey: Survey, text):\n"
    "    return survey.responses.create(author='me', body=text)\n"
)


def test_a_responses_request_on_a_client_imported_from_another_module(cli, tmp_path):
    """`responses.create(model=..., input=...)` is OpenAI's request whatever the receiver, even in
    a file that does not import openai (the client made in config.py)."""
    found = _routes(cli, tmp_path, {"clients.py": CLIENTS, "page.py": SUMMARY_PAGE})
    assert found == {("page.py", line_of(SUMMARY_PAGE, "llm_client.responses")): ("responses.create", None)}


def test_a_related_manager_named_responses_is_no_request(cli, tmp_path):
    """Django's `survey.responses.create(...)` without model and input: not OpenAI's."""
    assert _routes(cli, tmp_path, {"record.py": SURVEYS}) == {}
