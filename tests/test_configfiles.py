"""Model config files (LiteLLM, promptfoo, `prompt-files` globs) and Message Batches
request files, plus the mixed-folder run through the real CLI."""
from __future__ import annotations

import json
import shutil

from claude_lint.checks.examples import batch, litellm, promptfoo
from claude_lint.config import Settings
from claude_lint.extract import configfile

from conftest import FIXTURES, lint_tree, write_project

MIXED = FIXTURES / "inputs" / "mixed"


def found(result):
    return [(d.code, d.loc.path, d.loc.row, d.loc.col) for d in result.diagnostics]


def test_litellm_limit_at_the_value_and_env_values_unknown(project):
    text = (
        "model_list:\n"
        "  - model_name: smart\n"
        "    litellm_params:\n"
        "      model: anthropic/claude-sonnet-4-6\n"
        "      max_tokens: 16000\n"
        "  - model_name: env\n"
        "    litellm_params:\n"
        "      model: anthropic/claude-sonnet-4-6\n"
        "      max_tokens: os.environ/MAX_TOKENS\n"
        "  - model_name: wildcard\n"
        "    litellm_params:\n"
        "      model: anthropic/*\n"
    )
    result = project({"config.yaml": text})
    assert found(result) == [("CL001", "config.yaml", 5, 19)]
    assert "claude-sonnet-4-6" in result.diagnostics[0].message


def test_litellm_sites_count_with_code_for_single_model(project):
    # CL003 judges a light task (here a yes/no prompt) on a top-tier model where no call uses a cheaper tier (issue 15)
    call = 'anthropic.Anthropic().messages.create(model="claude-opus-4-6", max_tokens=300, system="Answer only with yes or no.", messages=[])\n'
    result = project({"app.py": "import anthropic\n" + call, "proxy.yaml": litellm("anthropic/claude-opus-4-6", "anthropic/claude-opus-4-6")}, select=("CL003",))
    assert found(result) == [("CL003", "app.py", 2, 45)]
    assert "no call in the project uses a cheaper tier" in result.diagnostics[0].message
    # a route of the proxy to a cheaper tier counts as a call on it
    result = project({"app.py": "import anthropic\n" + call, "proxy.yaml": litellm("anthropic/claude-opus-4-6", "anthropic/claude-haiku-4-5")}, select=("CL003",))
    assert found(result) == []
    # a wildcard route means any model: the rule cannot know and stays silent
    result = project({"app.py": "import anthropic\n" + call, "proxy.yaml": litellm("anthropic/claude-opus-4-6", "anthropic/*")}, select=("CL003",))
    assert found(result) == []


def test_promptfoo_providers(project):
    text = (
        "prompts:\n  - 'Route: {{ticket}}'\n"
        "providers:\n"
        "  - anthropic:messages:claude-haiku-4-5\n"
        "  - id: bedrock:us.anthropic.claude-sonnet-4-6\n"
        "    config:\n      max_tokens: 9000\n"
        "  - id: openai:chat:gpt-5.4\n"
        "    config: {max_tokens: 8192}\n"
    )
    result = project({"promptfooconfig.yaml": text})
    assert found(result) == [("CL001", "promptfooconfig.yaml", 7, 19), ("CL001", "promptfooconfig.yaml", 9, 26)]
    assert "claude-sonnet-4-6" in result.diagnostics[0].message and "gpt-5.4" in result.diagnostics[1].message


def test_generic_files_only_when_named_by_prompt_files(cli, tmp_path):
    write_project(tmp_path, {
        "llm/agents.yaml": "agents:\n  - name: triage\n    model: claude-sonnet-4-6\n    max_tokens: 300\n  - name: writer\n    model: claude-sonnet-4-6\n    max_output_tokens: 12000\n",
        "llm/models.json": '{\n  "summarizer": {"model": "claude-opus-4-6", "maxOutputTokens": 20000}\n}\n',
        "llm/models.toml": '[defaults]\nmodel = "claude-haiku-4-5"\nmax_tokens = 8192\n\n[[routes]]\nname = "x"\nsettings = { model = "claude-sonnet-4-6", max_tokens = 6000 }\n',
        "other/settings.yaml": "model: claude-sonnet-4-6\nmax_tokens: 8192\n",
    })
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.claude-lint]\nprompt-files = ["llm/*.yaml", "llm/*.json", "**/models.toml"]\n')
    run = cli("check", "--output-format", "concise", "--select", "CL001", ".")
    lines = [line.split(" CL001 ")[0] for line in run.stdout.decode().splitlines()]
    assert lines == ["llm/agents.yaml:7:24:", "llm/models.json:2:65:", "llm/models.toml:3:14:", "llm/models.toml:7:56:"]


def test_unknown_files_are_never_parsed(project, tmp_path):
    result = project({
        "deploy/values.yaml": "image: {{ .Values.image }}\n  broken: [\n",
        "package.json": '{"name": "x", "model": "claude-opus-4-6", "max_tokens": 9000}',
        "pyproject-like.toml": 'model = "claude-opus-4-6"\nmax_tokens = 9000\n',
    })
    assert found(result) == []
    settings = Settings(root=str(tmp_path))
    assert not configfile.wants(str(tmp_path / "package.json"), settings, 5_000_000)


def test_files_over_the_size_limit_are_skipped_with_a_notice_only_when_ours(project, tmp_path):
    filler = "# " + "x" * 98 + "\n"
    result = project({
        "proxy/config.yaml": litellm("anthropic/claude-opus-4-6", max_tokens=9000) + filler * 52_000,
        "data/big.json": "[" + ",".join(['{"text": "row"}'] * 400_000) + "]",
        "batches/big.jsonl": batch(1, model="claude-sonnet-4-6", max_tokens=9000) + ('{"custom_id": "pad", "params": {"model": "claude-sonnet-4-6", "max_tokens": 9000, "messages": [], "metadata": {"p": "' + "y" * 1000 + '"}}}\n') * 5200,
    })
    assert [(d.code, d.loc.path, d.message) for d in result.diagnostics] == [
        ("CL902", "batches/big.jsonl", "file is larger than 5 MB; skipped"),
        ("CL902", "proxy/config.yaml", "file is larger than 5 MB; skipped"),
    ]


def test_batch_requests_with_identical_settings_are_one_call_site(project):
    text = batch(40, model="claude-sonnet-4-6", max_tokens=8192) + batch(2, model="claude-haiku-4-5", max_tokens=9000)
    result = project({"nightly.jsonl": text}, select=("CL001",))
    first, last = text.splitlines()[0], text.splitlines()[40]
    assert found(result) == [("CL001", "nightly.jsonl", 1, first.index("8192") + 1), ("CL001", "nightly.jsonl", 41, last.index("9000") + 1)]


def test_batch_line_that_is_not_json(project):
    text = batch(2, model="claude-sonnet-4-6", max_tokens=8192) + '{"custom_id": "broken", "params": {\n'
    result = project({"nightly.jsonl": text})
    assert [(d.code, d.loc.row) for d in result.diagnostics] == [("CL001", 1), ("CL903", 3)]


def test_stdin_config_file(cli, tmp_path):
    write_project(tmp_path, {})
    run = cli("check", "-", "--stdin-filename", "proxy/config.yaml", input=litellm("anthropic/claude-sonnet-4-6", max_tokens=9000).encode())
    assert run.stdout.decode().startswith("proxy/config.yaml:6:19: CL001 max_tokens=9000")


def test_mixed_folder_through_the_cli(cli, tmp_path):
    shutil.copytree(MIXED, tmp_path / "mixed")
    run = cli("check", "--output-format", "json", "mixed")
    assert run.returncode == 1, run.stderr
    got = [(d["code"], d["filename"].split("/mixed/")[1], d["cell"], d["location"]["row"], d["location"]["column"]) for d in json.loads(run.stdout)]
    assert got == [
        ("CL002", "app/support.py", None, 14, 16),
        ("CL001", "batches/nightly.jsonl", None, 1, 82),
        ("CL002", "batches/nightly.jsonl", None, 1, 98),
        ("CL001", "notebooks/explore.ipynb", 4, 6, 20),
        ("CL001", "prompts/summarize.prompt", None, 5, 20),
        ("CL001", "prompts/triage.prompty", None, 14, 17),
        ("CL001", "proxy/config.yaml", None, 7, 19),
        ("CL007", "proxy/config.yaml", None, 10, 14),  # claude-3-5-sonnet-20241022 is retired
    ]


def test_prompt_files_setting_reaches_the_extractor(tmp_path):
    write_project(tmp_path, {"cfg/app.yaml": "model: claude-sonnet-4-6\nmax_tokens: 8192\n"})
    assert found(lint_tree(tmp_path)) == []
    assert found(lint_tree(tmp_path, prompt_files=("cfg/*.yaml",))) == [("CL001", "cfg/app.yaml", 2, 13)]


def test_promptfoo_example_builder_shape(project):
    result = project({"promptfooconfig.yaml": promptfoo("anthropic:messages:claude-sonnet-4-6", 8192)})
    assert found(result) == [("CL001", "promptfooconfig.yaml", 7, 19)]


def test_broken_named_files_are_one_diagnostic_at_the_parser_position(tmp_path):
    write_project(tmp_path, {
        "llm/a.json": '{\n  "model": "claude-sonnet-4-6",\n  "max_tokens": 8192,\n}\n',
        "llm/b.toml": 'model = "claude-sonnet-4-6"\nmax_tokens = \n',
        "llm/c.yaml": "model: claude-sonnet-4-6\n max_tokens: 8192\n",
        "llm/d.yaml": "model: claude-sonnet-4-6\nmax_tokens: 8192\n",
    })
    result = lint_tree(tmp_path, prompt_files=("llm/*",))
    assert [(d.code, d.loc.path, d.loc.row) for d in result.diagnostics] == [
        ("CL903", "llm/a.json", 4),
        ("CL903", "llm/b.toml", 2),
        ("CL903", "llm/c.yaml", 2),
        ("CL001", "llm/d.yaml", 2),
    ]
    assert result.diagnostics[0].message.startswith("invalid config file: expecting a property name")


def test_lone_surrogate_escapes_in_json_never_crash(project):
    line = json.dumps({"custom_id": "a", "params": {"model": "claude-sonnet-4-6", "max_tokens": 9000, "system": "\ud800" * 5000, "messages": []}})
    assert "\\ud800" in line
    result = project({"b.jsonl": line + "\n"})
    assert [d.code for d in result.diagnostics] == ["CL001"]


def test_toml_positions_inside_multiline_arrays_and_after_multiline_strings(tmp_path):
    text = (
        '[router]\nnote = """\nmodel = "not a key"\nmax_tokens = 99999\n"""\n'
        "routes = [\n"
        '  { model = "claude-haiku-4-5", max_tokens = 300 },  # classify\n'
        "  # long answers\n"
        '  { model = "claude-sonnet-4-6", "max_tokens" = 12000 },\n'
        "]\n"
    )
    write_project(tmp_path, {"llm.toml": text})
    result = lint_tree(tmp_path, prompt_files=("llm.toml",))
    assert found(result) == [("CL001", "llm.toml", 9, 49)]


def test_clean_folder_of_every_format_is_quiet(cli, tmp_path):
    shutil.copytree(FIXTURES / "inputs" / "clean", tmp_path / "clean")
    run = cli("check", "clean")
    assert (run.returncode, run.stdout.decode()) == (0, "All checks passed!\n")
