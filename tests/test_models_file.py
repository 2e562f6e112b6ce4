"""`models-file`: a user's price file (our TOML or LiteLLM's JSON shape) overrides the catalogue."""
from __future__ import annotations

import json
import os

import pytest

from claude_lint import config

APP = (
    "import anthropic\nclient = anthropic.Anthropic()\n\n"
    "def answer(q):\n"
    "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1000, messages=[{'role': 'user', 'content': q}])\n"
)
# LiteLLM's model_prices_and_context_window.json shape: USD per token, and entries we do not know.
LITELLM = {
    "sample_spec": {"input_cost_per_token": 0, "output_cost_per_token": 0, "max_tokens": "LEGACY"},
    "claude-sonnet-4-6": {"input_cost_per_token": 2.4e-06, "output_cost_per_token": 1.2e-05, "cache_read_input_token_cost": 2.4e-07,
                          "litellm_provider": "anthropic", "mode": "chat", "supports_prompt_caching": True},
    "vertex_ai/claude-sonnet-4-6@default": {"input_cost_per_token": 3.3e-06, "deprecation_date": "2099-03-01", "successor_model": "claude-sonnet-5-5"},
    "azure/gpt-5.4": {"input_cost_per_token": 9e-06},  # Azure OpenAI's price, not OpenAI's
    "gemini-9-pro": {"input_cost_per_token": "not ours, not read"},
}


def write(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text if isinstance(text, str) else json.dumps(text))


def output_cost(cli, tmp_path):
    out = cli("report", ".", "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    (route,) = report["routes"]
    return route["cost_usd"]["output"], report["assumptions"]["notes"][2]


def test_a_litellm_price_file_overrides_a_price_in_report(cli, tmp_path):
    write(tmp_path, {"app.py": APP, "pyproject.toml": "[project]\nname = 'x'\n"})
    assert output_cost(cli, tmp_path)[0] == 15.0  # 1,000 tokens x 1,000 calls at the list price, $15/MTok
    write(tmp_path, {"llm/prices.json": LITELLM, "pyproject.toml": '[tool.claude-lint]\nmodels-file = "llm/prices.json"\n'})
    cost, note = output_cost(cli, tmp_path)
    assert cost == 12.0 and "llm/prices.json" in note


def test_litellm_entries_map_to_the_catalogue(tmp_path):
    from claude_lint.catalog_files import configured

    write(tmp_path, {"prices.json": LITELLM, "pyproject.toml": '[tool.claude-lint]\nmodels-file = "prices.json"\n'})
    cat = configured(config.load(str(tmp_path)))
    sonnet = cat.lookup("claude-sonnet-4-6")
    assert (sonnet.input, sonnet.output, sonnet.cache_read, sonnet.cache_write) == (2.4, 12.0, 0.24, 3.75)  # cache write: not given, kept
    assert sonnet.tier == "mid" and sonnet.source[0] == "prices.json" and sonnet.status == "active"
    assert (sonnet.on("vertex").retires, sonnet.on("vertex").successor) == ("2099-03-01", "claude-sonnet-5-5")
    assert cat.lookup("gpt-5.4").input == 2.5  # `azure/` prices are Azure's, not the OpenAI API's


def test_toml_price_file_adds_and_overrides_and_the_config_has_the_last_word(project, tmp_path):
    write(tmp_path, {
        "prices.toml": '[sources]\nCONTRACT = "our 2026 contract"\n\n'
                       '[[models]]\nid = "claude-sonnet-4-6"\ninput = 2.4\noutput = 12.0\nsource = ["CONTRACT"]\n\n'
                       '[[models]]\nid = "gateway/fast"\nprovider = "anthropic"\ntier = "small"\noutput = 2.0\nretires = "2099-01-01"\nstatus = "deprecated"\n',
        "pyproject.toml": '[tool.claude-lint]\nmodels-file = "prices.toml"\n[[tool.claude-lint.models]]\nid = "claude-sonnet-4-6"\noutput = 11.0\n',
    })
    settings = config.load(str(tmp_path))
    from claude_lint.catalog_files import configured

    cat = configured(settings)
    assert (cat.lookup("claude-sonnet-4-6").input, cat.lookup("claude-sonnet-4-6").output) == (2.4, 11.0)
    assert cat.cite(cat.lookup("claude-sonnet-4-6").source[1:2]) == "our 2026 contract"
    result = project("import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='gateway/fast', max_tokens=9, messages=[])\n",
                     select=("CL007",), models_file=settings.models_file)
    (d,) = result.diagnostics
    assert "gateway/fast is deprecated and will be retired on 2099-01-01" in d.message and "(source: prices.toml)" in d.message


@pytest.mark.parametrize(
    "name, text, needle",
    [
        ("p.json", {"claude-sonnet-4-6": {"input_cost_per_token": "cheap"}}, "p.json: `claude-sonnet-4-6`.input_cost_per_token must be a non-negative number"),
        ("p.json", {"claude-sonnet-4-6": {"output_cost_per_token": -1e-06}}, "`claude-sonnet-4-6`.output_cost_per_token must be a non-negative"),
        ("p.json", {"claude-sonnet-4-6": {"max_output_tokens": 1.5}}, "`claude-sonnet-4-6`.max_output_tokens must be a positive whole number"),
        ("p.json", {"gpt-4o": {"deprecation_date": "soon"}}, "`gpt-4o`.deprecation_date must be a date"),
        ("p.json", {"claude-sonnet-4-6": 5}, "`claude-sonnet-4-6` must be an object of LiteLLM fields"),
        ("p.json", [1, 2], "p.json: expected a JSON object"),
        ("p.json", '{"a": ', "p.json: not valid JSON"),
        ("p.json", "[" * 100_000, "p.json: not valid JSON"),
        ("p.json", {"gemini-9": {"input_cost_per_token": 1e-06}}, "names no model the catalogue knows"),
        ("p.toml", "foo = 1\n", "p.toml: unknown top-level keys: foo"),
        ("p.toml", "[[models]]\nid = 'claude-sonnet-4-6'\ninput = 'x'\n", "p.toml: model 'claude-sonnet-4-6': `input` must be a non-negative number"),
        ("p.toml", "[[models]]\nid = 'new-model'\ninput = 1.0\n", "p.toml: model 'new-model' needs `provider`"),
        ("p.toml", "[[models\n", "p.toml: not valid TOML"),
        ("p.toml", "[sources]\nX = 1\n", "`sources` must be a table"),
        ("p.yaml", "x: 1\n", "a price file must be .toml"),
        ("p.toml", "[[models]]\nid = 'claude-sonnet-4-6'\nsource = \"\\u001b[2Jgotcha\"\n", "`source` must not contain control characters"),
        ("p.json", {"gpt-4o": {"successor_model": "gpt-5\u001b[31m"}}, "`gpt-4o`.successor_model must not contain control characters"),
    ],
)
def test_bad_price_files_name_the_file_and_key(tmp_path, name, text, needle):
    write(tmp_path, {name: text, "pyproject.toml": f'[tool.claude-lint]\nmodels-file = "{name}"\n'})
    with pytest.raises(config.ConfigError) as err:
        config.load(str(tmp_path))
    assert "pyproject.toml: `models-file`" in str(err.value) and needle in str(err.value)


def test_the_price_file_must_stay_inside_the_project(tmp_path):
    (tmp_path / "outside.json").write_text(json.dumps(LITELLM))
    project = tmp_path / "project"
    project.mkdir()
    os.symlink(tmp_path / "outside.json", project / "link.json")
    for value in ("../outside.json", str(tmp_path / "outside.json"), "link.json"):
        (project / "pyproject.toml").write_text(f'[tool.claude-lint]\nmodels-file = "{value}"\n')
        with pytest.raises(config.ConfigError, match="outside the project"):
            config.load(str(project))
    (project / "pyproject.toml").write_text('[tool.claude-lint]\nmodels-file = "missing.json"\n')
    with pytest.raises(config.ConfigError, match="missing.json: cannot read"):
        config.load(str(project))
    os.mkfifo(project / "pipe.json")
    (project / "pyproject.toml").write_text('[tool.claude-lint]\nmodels-file = "pipe.json"\n')
    with pytest.raises(config.ConfigError, match="not a regular file"):
        config.load(str(project))


def test_a_bad_price_file_is_exit_2_through_the_cli(cli, tmp_path):
    write(tmp_path, {"app.py": APP, "p.json": {"claude-sonnet-4-6": {"input_cost_per_token": "cheap"}},
                     "pyproject.toml": '[tool.claude-lint]\nmodels-file = "p.json"\n'})
    for command in (("check", "."), ("report", "."), ("models",)):
        out = cli(*command)
        err = out.stderr.decode()
        assert out.returncode == 2 and "p.json: `claude-sonnet-4-6`.input_cost_per_token" in err and "Traceback" not in err, command
