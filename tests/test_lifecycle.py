"""CL007's lifecycle judgement: platform dates, the retire-soon window, sources in plain words."""
from __future__ import annotations

import datetime
import json

HEAD = "import anthropic, litellm\nc = anthropic.Anthropic()\n"


def call(model: str) -> str:
    return f"c.messages.create(model='{model}', max_tokens=10, messages=[])\n"


def soon(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).isoformat()


def by_row(result):
    return {d.loc.row: d for d in result.diagnostics}


def test_a_platform_retires_a_model_before_the_first_party_api(project):
    result = project(
        HEAD
        + call("claude-opus-4-5")
        + "litellm.completion(model='vertex_ai/claude-opus-4-5@20251101', messages=[], max_tokens=10)\n"
        + "litellm.completion(model='azure_ai/claude-opus-4-5', messages=[], max_tokens=10)\n"
        + "litellm.completion(model='bedrock/anthropic.claude-opus-4-5-20251101-v1:0', messages=[], max_tokens=10)\n",
        select=("CL007",),
    )
    found = by_row(result)
    first_party, vertex, foundry = found[3], found[4], found[5]
    assert "2027-01-22" in first_party.message
    for d, platform in ((vertex, "Google Vertex AI"), (foundry, "Microsoft Foundry")):
        assert d.severity == "error" and f"was retired on {platform} on 2026-11-24" in d.message
        assert "on the Claude API it retires on 2027-01-22" in d.message and "Use claude-opus-5-5" in d.message
        assert "(source: LiteLLM 1.110.2's model price list)" in d.message
        assert d.fix is None  # the successor's ID on that platform may differ
    assert 6 not in found  # no Bedrock date in any source: not judged


def test_regional_bedrock_profiles_and_platform_clients(project):
    result = project(
        "import boto3\nfrom anthropic import AnthropicVertex\n"
        "b = boto3.client('bedrock-runtime')\n"
        "b.converse(modelId='eu.anthropic.claude-haiku-4-5-20251001-v1:0', messages=[], inferenceConfig={'maxTokens': 10})\n"
        "b.converse(modelId='us.anthropic.claude-haiku-4-5-20251001-v1:0', messages=[], inferenceConfig={'maxTokens': 10})\n"
        "v = AnthropicVertex()\n"
        "v.messages.create(model='claude-haiku-4-5@20251001', max_tokens=10, messages=[])\n"
        "import anthropic\nc = anthropic.Anthropic()\n" + call("claude-haiku-4-5"),
        select=("CL007",),
    )
    found = by_row(result)
    assert "Amazon Bedrock (eu profiles) on 2026-10-15" in found[4].message and "the Claude API still serves it" in found[4].message
    assert "Google Vertex AI on 2026-10-15" in found[7].message
    assert set(found) == {4, 7}  # us profiles: no date known; the Claude API: still served


def test_warn_window_flags_an_active_model_before_it_is_deprecated(project):
    extra = ({"id": "claude-sonnet-4-6", "retires": soon(30), "source": "our gateway's schedule"},)
    result = project(HEAD + call("claude-sonnet-4-6"), select=("CL007",), models=extra)
    (d,) = result.diagnostics
    assert d.severity == "warning" and d.message.startswith(f"Model claude-sonnet-4-6 will be retired on {soon(30)} (in 30 days)")
    assert "(source: our gateway's schedule)" in d.message
    narrow = project(HEAD + call("claude-sonnet-4-6"), select=("CL007",), models=extra, rule_options=(("CL007", (("warn-days", 29),)),))
    assert narrow.diagnostics == []
    far = ({"id": "claude-sonnet-4-6", "retires": soon(91)},)
    assert project(HEAD + call("claude-sonnet-4-6"), select=("CL007",), models=far).diagnostics == []
    gone = ({"id": "claude-sonnet-4-6", "retires": soon(0)},)
    (d,) = project(HEAD + call("claude-sonnet-4-6"), select=("CL007",), models=gone).diagnostics
    assert d.severity == "error" and f"was retired on {soon(0)}" in d.message


def test_warn_days_through_the_cli(cli, tmp_path):
    (tmp_path / "app.py").write_text(HEAD + call("claude-sonnet-4-6"))
    config = f'[[tool.claude-lint.models]]\nid = "claude-sonnet-4-6"\nretires = "{soon(60)}"\n'
    (tmp_path / "pyproject.toml").write_text(config)
    out = cli("check", ".", "--select", "CL007", "--output-format", "json", "--no-cache")
    (d,) = json.loads(out.stdout)
    assert out.returncode == 1 and soon(60) in d["message"] and d["severity"] == "warning"
    (tmp_path / "pyproject.toml").write_text(config + "[tool.claude-lint.CL007]\nwarn-days = 30\n")
    out = cli("check", ".", "--select", "CL007", "--no-cache")
    assert out.returncode == 0, out.stdout
    (tmp_path / "pyproject.toml").write_text(config + "[tool.claude-lint.CL007]\nwarn-days = 'soon'\n")
    out = cli("check", ".", "--no-cache")
    assert out.returncode == 2 and b"CL007.warn-days" in out.stderr and b"Traceback" not in out.stderr
