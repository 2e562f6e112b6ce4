"""Configuration from pyproject.toml and claude-lint.toml: options work, mistakes are exit 2 with the key's name."""
from __future__ import annotations

import json

import pytest

from test_cli import BAD

PER_FILE = '[tool.claude-lint]\nper-file-ignores = { "tests/*" = ["CL001"] }\n'


def run_json(cli, *args):
    out = cli("check", ".", "--output-format", "json", "--ignore", "CL003", *args)
    return out.returncode, [d["code"] for d in json.loads(out.stdout or "[]")], out.stderr.decode()


def test_rule_option_changes_the_threshold(cli, tmp_path):
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint.CL001]\nwarn-at = 10000\n")
    assert run_json(cli)[1] == []
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint.CL001]\nwarn-at = 8000\n")
    assert run_json(cli)[1] == ["CL001"]


def test_per_file_ignores_and_ignore(cli, tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "t.py").write_text(BAD)
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text(PER_FILE)
    assert run_json(cli)[1] == ["CL001"]
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nignore = ["CL001"]\n')
    assert run_json(cli)[1] == []


def test_claude_lint_toml_without_prefix(cli, tmp_path):
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "claude-lint.toml").write_text('ignore = ["CL001"]\n')
    assert run_json(cli)[1] == []


def test_extra_models_from_config(cli, tmp_path):
    (tmp_path / "app.py").write_text(
        'import anthropic\nclient = anthropic.Anthropic()\n'
        'client.messages.create(model="gateway/big", max_tokens=2000, messages=[])\n'
    )
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.claude-lint.models]]\nid = "gateway/big"\nprovider = "anthropic"\ntier = "top"\noutput = 30.0\nmax_output = 2000\n'
    )
    code, codes, _ = run_json(cli)
    assert codes == ["CL001"]  # at the model's maximum output


@pytest.mark.parametrize(
    "toml, needle",
    [
        ("[tool.claude-lint]\nselct = ['CL']\n", "unknown key `selct`"),
        ("[tool.claude-lint]\nselect = ['CL777']\n", "unknown rule selector `CL777`"),
        ("[tool.claude-lint]\nselect = 'CL001'\n", "`select` must be a list of strings"),
        ("[tool.claude-lint.CL001]\nwarn_at = 5\n", "unknown option `warn_at` for CL001"),
        ("[tool.claude-lint.CL001]\nwarn-at = 'big'\n", "`CL001.warn-at` must be a non-negative int"),
        ("[tool.claude-lint]\nrespect-gitignore = 'yes'\n", "`respect-gitignore` must be true or false"),
        ("[tool.claude-lint\nselect = [\n", "cannot read config"),
        ("[[tool.claude-lint.models]]\nid = 'x'\nprovider = 'anthropic'\ntier = 'huge'\n", "tier must be one of"),
    ],
)
def test_config_errors_exit_2_naming_the_key(cli, tmp_path, toml, needle):
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text(toml)
    out = cli("check", ".")
    assert out.returncode == 2
    err = out.stderr.decode()
    assert needle in err and "Traceback" not in err


def test_explicit_config_file(cli, tmp_path):
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "strict.toml").write_text("[tool.claude-lint.CL001]\nwarn-at = 100000\n")
    assert cli("check", ".", "--config", "strict.toml").returncode == 0
    assert cli("check", ".", "--config", "missing.toml").returncode == 2
