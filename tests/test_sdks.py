"""Each SDK's call shapes, recognised from the table: a fixture that fires and one that stays silent."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, lint_tree

SDKS = FIXTURES / "sdks"

# sdk -> the (provider, api) call sites expected in fire.py. The findings expected are marked in the
# fixtures themselves: a code line ending in `# CL001 CL008` must get exactly those codes on that row.
SHAPES = {
    "anthropic": {("anthropic", "messages.create")},
    "openai": {("openai", "chat.completions.create"), ("openai", "responses.create")},
    "litellm": {("litellm", "acompletion"), ("litellm", "completion"), ("litellm", "router.completion")},
    "langchain": {("langchain", "ChatAnthropic"), ("langchain", "ChatOpenAI"), ("langchain", "init_chat_model")},
    "bedrock": {("bedrock", "converse"), ("bedrock", "invoke_model")},
    "google": {("google", "generate_content"), ("google", "models.generate_content"), ("google", "send_message")},
    "http": {("anthropic", "POST /v1/messages"), ("openai", "POST /chat/completions")},
    "legacy": {("anthropic", "completions.create (legacy)"), ("openai", "ChatCompletion.acreate (openai<1.0)"), ("openai", "ChatCompletion.create (openai<1.0)"), ("openai", "completions.create (legacy)")},
    "local": {("openai", "POST /chat/completions"), ("openai", "chat.completions.create")},
    "langchain_more": {("langchain", "Bedrock (LLM)"), ("langchain", "ChatAnthropic (legacy)"), ("langchain", "ChatBedrock"), ("langchain", "ChatBedrockConverse"), ("langchain", "ChatOpenAI"), ("langchain", "ChatXAI"), ("langchain", "OpenAI (LLM)")},
    "cohere": {("cohere", "chat"), ("cohere", "chat_stream")},
    "mistral": {("mistral", "chat.complete")},
}


def _lint(tmp_path: Path, sdk: str, name: str):
    shutil.copy(SDKS / sdk / f"{name}.py", tmp_path / f"{name}.py")
    if (SDKS / sdk / "prompts").is_dir():
        shutil.copytree(SDKS / sdk / "prompts", tmp_path / "prompts")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    return lint_tree(tmp_path)


# A marker ends a line of code; a whole-line comment (`# CL009: why`) explains and is not one.
MARKER = re.compile(r"#\s*(CL\d{3}(?:[ ,]+CL\d{3})*)\s*$")


def marked(path: Path) -> set:
    """The (row, code) findings a fixture's markers expect."""
    out = set()
    for row, line in enumerate(path.read_text().splitlines(), 1):
        m = MARKER.search(line)
        if m and not line.lstrip().startswith("#"):
            out.update((row, code) for code in re.findall(r"CL\d{3}", m.group(1)))
    return out


def test_markers_are_read():
    assert marked(SDKS / "legacy" / "fire.py") >= {(13, "CL007"), (13, "CL014")}
    assert not {code for _, code in marked(SDKS / "anthropic" / "fire.py")} - {"CL001", "CL005", "CL006", "CL007", "CL008", "CL009"}
    assert (12, "CL009") not in marked(SDKS / "anthropic" / "fire.py")  # `# CL009: ...` on its own line explains


@pytest.mark.parametrize("sdk", sorted(SHAPES))
def test_fire_fixture(tmp_path, sdk):
    result = _lint(tmp_path, sdk, "fire")
    assert marked(SDKS / sdk / "fire.py"), f"{sdk}: fire.py marks no finding"
    assert {(d.loc.row, d.code) for d in result.diagnostics} == marked(SDKS / sdk / "fire.py")
    assert {(c.site.provider, c.site.api) for c in result.calls} == SHAPES[sdk]


@pytest.mark.parametrize("sdk", sorted(SHAPES))
def test_silent_fixture(tmp_path, sdk):
    """Silent but for its markers: CL014, the rule written for removed APIs, on the legacy ones."""
    result = _lint(tmp_path, sdk, "silent")
    assert result.calls, f"{sdk}: no call site recognised in silent.py"
    assert {(d.loc.row, d.code) for d in result.diagnostics} == marked(SDKS / sdk / "silent.py")


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
