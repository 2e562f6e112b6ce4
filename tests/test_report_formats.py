"""The CI output formats and `--diff-base`, through the installed command."""
from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import FIXTURES, LIGHT_TASK

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
PROJECT = FIXTURES / "integrations"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """The fixture project in a fresh git repository, committed."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "init")
    return root


def test_sarif_validates_against_the_official_schema(cli, repo):
    out = cli("check", ".", "--output-format", "sarif", cwd=repo)
    assert out.returncode == 1, out.stderr
    log = json.loads(out.stdout)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert {"CL001", "CL002", "CL003", "CL004"} <= set(rules)
    for r in rules.values():
        assert r["name"] and r["shortDescription"]["text"] and r["fullDescription"]["text"]
        # the page itself, since there is no public address to link to (and no dead link)
        assert "helpUri" not in r and r["help"]["markdown"].startswith(f"# {r['id']} {r['name']}")
        assert f"claude-lint rule {r['id']}" in r["help"]["text"]
    [result] = run["results"]
    assert result["ruleId"] == "CL001" and result["level"] == "warning"
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "CL001"
    assert "max_tokens=16000" in result["message"]["text"]
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "app/bot.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"] == {"startLine": 9, "startColumn": 20, "endLine": 9, "endColumn": 25}
    assert result["partialFingerprints"]


def test_sarif_from_a_subfolder_is_still_relative_to_the_repository_root(cli, repo):
    out = cli("check", ".", "--output-format", "sarif", cwd=repo / "app")
    [result] = json.loads(out.stdout)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/bot.py"


def test_sarif_with_no_findings_validates(cli, repo):
    out = cli("check", "app/clean.py", "--output-format", "sarif", cwd=repo)
    assert out.returncode == 0
    log = json.loads(out.stdout)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(log)
    assert log["runs"][0]["results"] == []


def test_fingerprints_survive_lines_moving(cli, repo):
    before = json.loads(cli("check", ".", "--output-format", "sarif", cwd=repo).stdout)
    bot = repo / "app" / "bot.py"
    bot.write_text("# a comment added above\n\n" + bot.read_text())
    after = json.loads(cli("check", ".", "--output-format", "sarif", cwd=repo).stdout)
    [b], [a] = before["runs"][0]["results"], after["runs"][0]["results"]
    assert a["locations"][0]["physicalLocation"]["region"]["startLine"] == 11
    assert a["partialFingerprints"] == b["partialFingerprints"]


def test_github_annotations(cli, repo):
    out = cli("check", ".", "--output-format", "github", cwd=repo)
    assert out.returncode == 1
    [line] = out.stdout.decode().splitlines()
    assert line.startswith("::warning file=app/bot.py,line=9,col=20,endLine=9,endColumn=25,title=CL001::CL001 max_tokens=16000 ")


def test_github_error_severity_and_escaping(cli, repo):
    (repo / "broken.py").write_text("import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='x',\n")
    out = cli("check", "broken.py", "--output-format", "github", cwd=repo)
    [line] = out.stdout.decode().splitlines()
    assert line.startswith("::error file=broken.py,line=")
    assert "title=CL901::CL901 " in line
    assert "\n" not in line.split("::", 2)[2]


def test_gitlab_code_quality(cli, repo):
    (repo / "app" / "more.py").write_text((repo / "app" / "bot.py").read_text())
    out = cli("check", ".", "--output-format", "gitlab", cwd=repo)
    issues = json.loads(out.stdout)
    assert len(issues) == 2
    for issue in issues:
        assert issue["check_name"] == "CL001"
        assert issue["severity"] in ("info", "minor", "major", "critical", "blocker")
        assert issue["location"]["lines"]["begin"] == 9
        assert issue["description"].startswith("CL001 max_tokens=16000")
    assert {i["location"]["path"] for i in issues} == {"app/bot.py", "app/more.py"}
    assert len({i["fingerprint"] for i in issues}) == 2


def test_junit(cli, repo):
    out = cli("check", ".", "--output-format", "junit", cwd=repo)
    root = ET.fromstring(out.stdout)
    assert root.tag == "testsuites" and root.get("failures") == "1"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "app/bot.py"
    [case] = suite.findall("testcase")
    assert case.get("name") == "claude-lint.CL001"
    assert "line 9, col 20" in case.find("failure").text

    clean = ET.fromstring(cli("check", "app/clean.py", "--output-format", "junit", cwd=repo).stdout)
    assert clean.get("failures") == "0" and clean.find("testsuite/testcase") is not None


def test_grouped(cli, repo):
    out = cli("check", ".", "--output-format", "grouped", cwd=repo)
    lines = out.stdout.decode().splitlines()
    assert lines[0] == "app/bot.py:"
    assert lines[1].startswith("  9:20 CL001 max_tokens=16000")
    assert lines[-1] == "Found 1 error."


def test_statistics_and_exit_zero(cli, repo):
    out = cli("check", ".", "--statistics", "--exit-zero", cwd=repo)
    assert out.returncode == 0
    assert out.stdout.decode().split() == ["1", "CL001", "max-tokens-oversized"]


# --- --diff-base ------------------------------------------------------------------


def test_diff_base_keeps_only_findings_on_changed_lines(cli, repo):
    bot = repo / "app" / "bot.py"
    text = bot.read_text()
    base = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-qb", "feature")
    # one new oversized limit on a changed line; the old one (line 9) is untouched
    bot.write_text(text.replace("max_tokens=300", "max_tokens=20000"))
    git(repo, "commit", "-qam", "raise the limit")
    everything = cli("check", ".", "--output-format", "concise", cwd=repo).stdout.decode().splitlines()
    assert [l.split(" ")[0] for l in everything] == ["app/bot.py:9:20:", "app/bot.py:17:20:"]
    changed = cli("check", ".", "--output-format", "concise", "--diff-base", base, cwd=repo)
    assert changed.returncode == 1
    assert [l.split(" ")[0] for l in changed.stdout.decode().splitlines()] == ["app/bot.py:17:20:"]
    # the working tree counts too: the edit not yet committed is part of the change
    bot.write_text(bot.read_text().replace("max_tokens=16000", "max_tokens=16001"))
    both = cli("check", ".", "--output-format", "concise", "--diff-base", "main" if _has(repo, "main") else "master", cwd=repo)
    assert len(both.stdout.decode().splitlines()) == 2


def _has(repo: Path, branch: str) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "-q", branch], cwd=repo, capture_output=True).returncode == 0


def test_diff_base_counts_untracked_files_as_new(cli, repo):
    (repo / "app" / "new.py").write_text((repo / "app" / "bot.py").read_text())
    out = cli("check", ".", "--output-format", "concise", "--diff-base", "HEAD", cwd=repo)
    assert [l.split(" ")[0] for l in out.stdout.decode().splitlines()] == ["app/new.py:9:20:"]


def test_diff_base_clean_when_nothing_changed(cli, repo):
    out = cli("check", ".", "--diff-base", "HEAD", cwd=repo)
    assert out.returncode == 0, out.stdout


def test_diff_base_unknown_revision_is_a_usage_error(cli, repo):
    out = cli("check", ".", "--diff-base", "no-such-rev", cwd=repo)
    assert out.returncode == 2
    assert b"no-such-rev" in out.stderr and b"Traceback" not in out.stderr


def test_diff_base_outside_a_repository_is_a_usage_error(cli, tmp_path):
    shutil.copytree(PROJECT, tmp_path / "plain")
    out = cli("check", ".", "--diff-base", "HEAD", cwd=tmp_path / "plain")
    assert out.returncode == 2 and b"Traceback" not in out.stderr


# --- named files are judged in their project's context ------------------------------


def test_named_file_sees_the_rest_of_the_project(cli, repo):
    # bot.py alone sends a light task (a yes/no prompt) to a top-tier model; clean.py routes to a
    # small model, so CL003 has nothing to say: naming bot.py alone (as pre-commit does) must agree.
    with (repo / "app" / "bot.py").open("a") as bot:
        bot.write(LIGHT_TASK)
    whole = cli("check", ".", "--select", "CL003", cwd=repo)
    named = cli("check", "app/bot.py", "--select", "CL003", cwd=repo)
    assert whole.returncode == 0 and named.returncode == 0, named.stdout
    (repo / "app" / "clean.py").unlink()
    named = cli("check", "app/bot.py", "--select", "CL003", cwd=repo)
    assert named.returncode == 1 and b"CL003" in named.stdout
