"""Each SDK's call shapes, recognised from the table: a fixture that fires and one that stays silent."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, lint_tree

SDKS = FIXTURES / "sdks"

# sdk -> (expected (row, code) findings in fire.py, expected (provider, api) call sites in fire.py)
EXPECTED = {
    "anthropic": (
        {(14, "CL009"), (24, "CL005"), (31, "CL007"), (36, "CL001"), (36, "CL008"), (44, "CL006")},
        {("anthropic", "messages.create")},
    ),
    "openai": (
        {(11, "CL010"), (16, "CL001"), (21, "CL009"), (26, "CL007")},
        {("openai", "chat.completions.create"), ("openai", "responses.create")},
    ),
    "litellm": (
        {(10, "CL010"), (15, "CL001"), (20, "CL010")},
        {("litellm", "completion"), ("litellm", "acompletion"), ("litellm", "router.completion")},
    ),
    "langchain": (
        {(7, "CL010"), (9, "CL010"), (11, "CL007"), (11, "CL010")},
        {("langchain", "ChatAnthropic"), ("langchain", "ChatOpenAI"), ("langchain", "init_chat_model")},
    ),
    "bedrock": (
        # no CL003: nothing shows a light task (issue 15)
        {(12, "CL001"), (22, "CL001")},
        {("bedrock", "invoke_model"), ("bedrock", "converse")},
    ),
    "google": (
        {(14, "CL001"), (20, "CL001"), (24, "CL001"), (31, "CL001")},
        {("google", "models.generate_content"), ("google", "generate_content"), ("google", "send_message")},
    ),
    "http": (
        {(13, "CL001"), (20, "CL010"), (27, "CL007"), (34, "CL007")},
        {("anthropic", "POST /v1/messages"), ("openai", "POST /chat/completions")},
    ),
    "legacy": (
        # CL014: openai<1.0's ChatCompletion and Anthropic's Text Completions are removed APIs
        {(9, "CL007"), (13, "CL007"), (19, "CL007"), (24, "CL001"), (9, "CL014"), (13, "CL014"), (19, "CL014"), (9, "CL010"), (13, "CL010")},
        {("openai", "ChatCompletion.create (openai<1.0)"), ("openai", "ChatCompletion.acreate (openai<1.0)"),
         ("anthropic", "completions.create (legacy)"), ("openai", "completions.create (legacy)")},
    ),
    "local": (
        {(10, "CL001"), (15, "CL001")},
        {("openai", "chat.completions.create"), ("openai", "POST /chat/completions")},
    ),
    "langchain_more": (
        {(8, "CL007"), (9, "CL007"), (10, "CL001"), (11, "CL001"), (12, "CL001"), (13, "CL001"), (14, "CL001")},
        {("langchain", "ChatOpenAI"), ("langchain", "ChatAnthropic"), ("langchain", "OpenAI (LLM)"), ("langchain", "ChatBedrock"),
         ("langchain", "ChatBedrockConverse"), ("langchain", "Bedrock (LLM)"), ("langchain", "ChatXAI")},
    ),
    "cohere": ({(9, "CL001"), (14, "CL001")}, {("cohere", "chat"), ("cohere", "chat_stream")}),
    "mistral": ({(11, "CL001")}, {("mistral", "chat.complete")}),
}


def _lint(tmp_path: Path, sdk: str, name: str):
    shutil.copy(SDKS / sdk / f"{name}.py", tmp_path / f"{name}.py")
    if (SDKS / sdk / "prompts").is_dir():
        shutil.copytree(SDKS / sdk / "prompts", tmp_path / "prompts")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    return lint_tree(tmp_path)


@pytest.mark.parametrize("sdk", sorted(EXPECTED))
def test_fire_fixture(tmp_path, sdk):
    findings, shapes = EXPECTED[sdk]
    result = _lint(tmp_path, sdk, "fire")
    assert {(d.loc.row, d.code) for d in result.diagnostics} == findings
    assert {(c.site.provider, c.site.api) for c in result.calls} == shapes


# Findings a silent fixture must have: CL014 is the rule written for removed APIs.
SILENT_EXCEPT = {"legacy": {(8, "CL014"), (13, "CL014"), (19, "CL014"), (24, "CL014")}}


@pytest.mark.parametrize("sdk", sorted(EXPECTED))
def test_silent_fixture(tmp_path, sdk):
    result = _lint(tmp_path, sdk, "silent")
    assert result.calls, f"{sdk}: no call site recognised in silent.py"
    assert {(d.loc.row, d.code) for d in result.diagnostics} == SILENT_EXCEPT.get(sdk, set())


def test_positional_model_and_json_body(tmp_path):
    result = _lint(tmp_path, "litellm", "fire")
    by_api = {c.site.api: c for c in result.calls}
    assert by_api["acompletion"].model_id() == "openai/gpt-5.4"
    result = _lint(tmp_path, "bedrock", "fire")
    invoke = next(c for c in result.calls if c.site.api == "invoke_model")
    assert invoke.int_value("max_tokens") == 16000
    assert invoke.model_id() == "us.anthropic.claude-sonnet-4-6"


def test_boto3_other_services_are_not_llm_calls(project):
    result = project('import boto3\ns3 = boto3.client("s3")\ns3.converse(modelId="x", inferenceConfig={"maxTokens": 9000})\n')
    assert result.calls == []


def test_retired_fix_edits_inside_the_quotes(project):
    result = project("import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-3-opus-20240229', max_tokens=10, messages=[])\n",
                     select=("CL007",))
    (d,) = result.diagnostics
    (edit,) = d.fix.edits
    line = "c.messages.create(model='claude-3-opus-20240229', max_tokens=10, messages=[])"
    fixed = line[: edit.col - 1] + edit.content + line[edit.end_col - 1:]
    assert fixed == "c.messages.create(model='claude-opus-4-8', max_tokens=10, messages=[])"
    assert d.fix.applicability == "unsafe"


def test_retired_model_from_another_module_has_no_fix_at_the_call(project):
    result = project({
        "settings.py": 'MODEL = "claude-3-opus-20240229"\n',
        "app.py": "import anthropic\nfrom settings import MODEL\nc = anthropic.Anthropic()\nc.messages.create(model=MODEL, max_tokens=10, messages=[])\n",
    }, select=("CL007",))
    # CL007 lands where the ID is written (issue 15), with the call as a related location: its
    # fix edits the string in settings.py, never the call in app.py (which names no model ID).
    (d,) = result.diagnostics
    assert (d.loc.path, d.loc.row) == ("settings.py", 1)
    assert {(r.path, r.row) for r in d.related} == {("app.py", 4)}
    assert [(e.row, e.end_row) for e in d.fix.edits] == [(1, 1)] and f"Use {d.fix.edits[0].content} instead" in d.message


def test_local_servers_are_recognised_and_never_billed(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    result = _lint(tmp_path / "a", "local", "silent")
    assert len(result.calls) == 7
    assert all(c.site.local for c in result.calls)
    result = _lint(tmp_path / "b", "local", "fire")
    assert result.calls and not any(c.site.local for c in result.calls)


def test_raw_http_body_is_read_as_the_request(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    result = _lint(tmp_path / "a", "http", "fire")
    by_line = {c.site.loc.row: c for c in result.calls}
    assert by_line[15].int_value("max_tokens") == 100000 and by_line[15].model_id() == "claude-sonnet-4-6"
    assert by_line[29].model_id() == "gpt-4" and by_line[29].int_value("max_tokens") == 300  # data=json.dumps(...)
    assert by_line[37].site.provider == "anthropic"  # the URL is not seen: the anthropic-version header says which API
    assert [c.site.loc.row for c in _lint(tmp_path / "b", "http", "silent").calls] == [10, 14]


def test_google_limits_come_from_the_config_or_the_model_object(tmp_path):
    result = _lint(tmp_path, "google", "fire")
    by_line = {c.site.loc.row: c for c in result.calls}
    assert by_line[28].model_id() == "gemini-1.5-pro" and by_line[28].int_value("max_tokens") == 8192
    assert by_line[35].model_id() == "gemini-2.5-flash" and by_line[35].int_value("max_tokens") == 20000
    assert by_line[20].int_value("max_tokens") == 16000  # through asyncio.to_thread
