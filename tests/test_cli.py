"""The installed `claude-lint` command, end to end."""
from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from conftest import FIXTURES

BAD = 'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n'
GOOD = 'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[])\n'


def copy_fixture(tmp_path):
    dest = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", dest)
    return dest


def test_fixture_project_reports_every_core_rule(cli, tmp_path):
    proj = copy_fixture(tmp_path)
    out = cli("check", ".", "--output-format", "json", cwd=proj)
    assert out.returncode == 1, out.stderr
    found = json.loads(out.stdout)
    codes = {d["code"] for d in found}
    assert {"CL001", "CL002", "CL003", "CL004", "CL901"} <= codes
    by_file = {(d["filename"].split("project/")[-1], d["code"]) for d in found}
    assert ("app/support.py", "CL001") in by_file
    # the finding suppressed with `# noqa: CL001` on the call stays suppressed
    assert ("app/classify.py", "CL001") not in by_file
    # look-alikes that are not LLM calls stay silent
    assert not any(f == "app/not_llm.py" for f, _ in by_file)
    first = found[0]
    assert set(first) >= {"code", "message", "filename", "location", "end_location", "fix", "url", "noqa_row", "cell"}
    assert first["url"] is None  # no public page to link to (diagnostics.DOCS_URL): no dead link


def test_text_output_and_exit_codes(cli, tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    out = cli("check", "bad.py")
    assert out.returncode == 1
    assert out.stdout.decode().startswith("bad.py:3:62: CL001 max_tokens=8192")
    assert "Found 1 error." in out.stdout.decode()
    assert cli("check", "bad.py", "--exit-zero").returncode == 0
    (tmp_path / "bad.py").write_text(GOOD)
    clean = cli("check", "bad.py")
    assert clean.returncode == 0 and "All checks passed!" in clean.stdout.decode()


def test_select_ignore_and_statistics(cli, tmp_path):
    proj = copy_fixture(tmp_path)
    only = cli("check", ".", "--select", "CL004", "--output-format", "json", cwd=proj)
    assert {d["code"] for d in json.loads(only.stdout)} == {"CL004"}
    ignored = cli("check", ".", "--ignore", "CL0", "--output-format", "json", cwd=proj)
    assert {d["code"] for d in json.loads(ignored.stdout)} == {"CL901"}
    stats = cli("check", ".", "--statistics", cwd=proj).stdout.decode()
    assert "CL001\tmax-tokens-oversized" in stats and "CL004" in stats


def test_usage_errors_exit_2(cli, tmp_path):
    assert cli("check", "--select", "XX9").returncode == 2
    missing = cli("check", "nope.py")
    assert missing.returncode == 2 and b"nope.py: no such file" in missing.stderr
    assert cli("check", "--output-format", "xml").returncode == 2
    assert cli("rule", "CL999").returncode == 2


def test_rule_command_prints_the_docs(cli):
    out = cli("rule", "CL002")
    assert out.returncode == 0
    text = out.stdout.decode()
    assert "# CL002 system-prompt-uncached" in text and "## Why is this bad?" in text
    assert "CL004" in cli("rule", "--all").stdout.decode()


def test_stdin_with_filename(cli, tmp_path):
    out = cli("check", "-", "--stdin-filename", "pkg/mod.py", input=BAD.encode())
    assert out.returncode == 1
    assert out.stdout.decode().startswith("pkg/mod.py:3:62: CL001")


def test_bad_files_are_diagnosed_and_the_rest_is_linted(cli, tmp_path):
    (tmp_path / "bad.py").write_text(BAD)
    (tmp_path / "broken.py").write_text("import anthropic\nclient.messages.create(\n")
    (tmp_path / "latin.py").write_bytes("import anthropic\n# caf\xe9\nclient.messages.create()\n".encode("latin-1"))
    (tmp_path / "declared.py").write_bytes("# -*- coding: latin-1 -*-\nimport anthropic\nX = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "blob.py").write_bytes(b"\x7fELF\x00\x01\x02anthropic messages")
    out = cli("check", ".")
    text = out.stdout.decode()
    assert out.returncode == 1
    assert "Traceback" not in out.stderr.decode()
    assert "bad.py:3:62: CL001" in text
    # Python's own message (it differs between versions: "'(' was never closed", "unexpected EOF")
    assert re.search(r"broken\.py:\d+:\d+: CL901 SyntaxError: \S", text)
    assert "latin.py:1:1: CL902 cannot decode file" in text
    assert "blob.py:1:1: CL902 binary file" in text
    assert "declared.py" not in text


def test_noqa_forms(cli, tmp_path):
    src = (
        "import anthropic\nclient = anthropic.Anthropic()\n"
        'client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])  # noqa: CL001\n'
        'client.messages.create(model="claude-sonnet-4-6", max_tokens=8193, messages=[])  # noqa\n'
        "client.messages.create(  # noqa: CL001\n"
        '    model="claude-sonnet-4-6",\n    max_tokens=8194,\n    messages=[],\n)\n'
        'client.messages.create(model="claude-sonnet-4-6", max_tokens=8195, messages=[])  # noqa: CL002\n'
    )
    (tmp_path / "n.py").write_text(src)
    out = json.loads(cli("check", "n.py", "--select", "CL001", "--output-format", "json").stdout)
    assert [d["message"].split(" ")[0] for d in out] == ["max_tokens=8195"]


def test_gitignore_and_excludes(cli, tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "bad.py").write_text(BAD)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "bad.py").write_text(BAD)
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nextend-exclude = ["scripts"]\n')
    assert cli("check", ".").returncode == 0
    # a file named on the command line is linted even when excluded, like ruff
    assert cli("check", "scripts/bad.py").returncode == 1
    assert cli("check", "scripts/bad.py", "--force-exclude").returncode == 0
    assert cli("check", ".", "--no-respect-gitignore").returncode == 1


@pytest.mark.parametrize("patterns", [("scripts",), ("scripts/",), ("scr*",), ("*/bad.py",), ("scripts/b?d.py",), ("[s]cripts",)])
def test_exclude_patterns_literal_and_glob(cli, tmp_path, patterns):
    """A literal pattern (looked up in a set) and a glob (compiled) exclude alike: by name, by
    relative path, and everything under a matching folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "scripts" / "deep").mkdir(parents=True)
    (tmp_path / "scripts" / "deep" / "bad.py").write_text(BAD)
    (tmp_path / "scripts" / "bad.py").write_text(BAD)
    (tmp_path / "ok.py").write_text(GOOD)
    listed = ", ".join(f'"{p}"' for p in patterns)
    (tmp_path / "pyproject.toml").write_text(f"[tool.claude-lint]\nextend-exclude = [{listed}]\n")
    out = cli("check", ".", "--select", "CL001", "--output-format", "json").stdout
    paths = sorted({os.path.relpath(d["filename"], tmp_path) for d in json.loads(out)})
    expect = [] if patterns != ("scripts/b?d.py",) else [os.path.join("scripts", "deep", "bad.py")]
    assert paths == expect
