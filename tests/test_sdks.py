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
        {(12, "CL001"), (15, "CL003"), (22, "CL001")},
        {("bedrock", "invoke_model"), ("bedrock", "converse")},
    ),
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


@pytest.mark.parametrize("sdk", sorted(EXPECTED))
def test_silent_fixture(tmp_path, sdk):
    result = _lint(tmp_path, sdk, "silent")
    assert result.calls, f"{sdk}: no call site recognised in silent.py"
    assert result.diagnostics == []


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
    (d,) = result.diagnostics
    assert d.loc.path == "app.py" and d.fix is None
    assert "settings.py:1" in d.message
