"""`claude-lint report --diff-base REF` and its budget gate, through the installed
command, in a throwaway git repository."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import claude_lint_command

PROJECT = Path(__file__).resolve().parent / "data/usage/project"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def make_repo(root: Path) -> Path:
    """main: the example project; feature (checked out): summarise's limit 1,024 -> 4,096, classify on
    Haiku instead of Opus, a new `translate` call, and (uncommitted) one more in a new file."""
    repo = root / "repo"
    shutil.copytree(PROJECT, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    src = repo / "app/support.py"
    text = src.read_text().replace("max_tokens=1024", "max_tokens=4096").replace('"claude-opus-4-6", max_tokens=20', '"claude-haiku-4-5", max_tokens=20')
    src.write_text(text + '\n\ndef translate(text):\n    return client.messages.create(model="claude-sonnet-4-6", max_tokens=2000, messages=[{"role": "user", "content": text}])\n')
    git(repo, "commit", "-qam", "feature")
    (repo / "app/extra.py").write_text('import anthropic\n\nanthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=100, messages=[])\n')
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_repo(tmp_path_factory.mktemp("costdiff"))


@pytest.fixture(scope="module")
def run(repo, tmp_path_factory):
    cache = tmp_path_factory.mktemp("xdg")

    def go(*args, cwd=None):
        env = {**os.environ, **GIT_ENV, "XDG_CACHE_HOME": str(cache)}
        return subprocess.run([claude_lint_command(), "report", *args], cwd=cwd or repo, env=env, capture_output=True, timeout=120)

    go.cache = cache
    return go


def test_json_diff_per_site_with_reasons(run, repo):
    proc = run("--diff-base", "main", "--format", "json")
    assert proc.returncode == 0, proc.stderr.decode()
    d = json.loads(proc.stdout)
    sites = {(s["status"], s["route"]): s for s in d["sites"]}
    limit = sites[("changed", "app/support.py:summarise")]
    assert limit["reasons"] == ["output limit 1,024 -> 4,096"]
    assert (limit["before_usd"], limit["after_usd"]) == (pytest.approx(1024 * 15 / 1e6 * 1000), pytest.approx(4096 * 15 / 1e6 * 1000))
    model = sites[("changed", "app/support.py:classify")]
    assert model["reasons"][0].startswith("model claude-opus-4-6 -> claude-haiku-4-5")
    assert sites[("added", "app/support.py:translate")]["after_usd"] == pytest.approx(2000 * 15 / 1e6 * 1000)
    assert ("added", "app/extra.py:<module>") in sites  # uncommitted work counts as now
    assert d["unchanged"] == 1 and d["budget"] is None
    assert d["change_usd"] == pytest.approx(d["after_usd"] - d["before_usd"]) and d["change_usd"] > 0
    assert len(d["commit"]) == 40
    # REF's tree was exported into the user's cache folder, and nowhere in the repository.
    trees = list((run.cache / "claude-lint/trees").iterdir())
    assert len(trees) == 1 and (trees[0] / "app/support.py").is_file() and not (trees[0] / "app/extra.py").exists()
    status = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=repo, capture_output=True, text=True).stdout
    assert status.split() == ["??", "app/extra.py", "!!", ".claude-lint-cache/"]


def test_markdown_diff_and_percent_gate(run):
    proc = run("--diff-base", "main", "--format", "markdown", "--fail-on-increase", "10%")
    assert proc.returncode == 1
    md = proc.stdout.decode()
    assert md.startswith("## LLM cost diff")
    assert "| | Call site | Before | After | Change | Why |" in md
    assert "| changed | `app/support.py:summarise:17` | $15.36 | $61.44 | +$46.08 | output limit 1,024 -> 4,096 |" in md
    assert "| added | `app/support.py:translate:26` | - | $30.00 | +$30.00 |" in md
    assert "**Budget: the change" in md and "exceeds --fail-on-increase 10%" in md
    assert b"more than --fail-on-increase 10%" in proc.stderr


def test_amount_gate_and_config_key(run, repo, tmp_path):
    ok = run("--diff-base", "main", "--fail-on-increase", "$500")
    assert ok.returncode == 0 and b"is within --fail-on-increase $500" in ok.stdout
    table = ok.stdout.decode()
    assert max(map(len, table.splitlines())) <= 100, table  # a 100-column terminal: the reasons wrap under their site
    assert "      model claude-opus-4-6 -> claude-haiku-4-5" in table
    config = tmp_path / "claude-lint.toml"
    config.write_text('fail-on-increase = "5"\n')
    assert run("--diff-base", "main", "--config", str(config)).returncode == 1
    # A decrease never fails: main compared with itself plus nothing is 0%.
    same = run("--diff-base", "HEAD", "--fail-on-increase", "0%", "app/support.py")
    assert same.returncode == 0, same.stdout.decode()


def test_usage_errors(run, tmp_path):
    cases = [
        (("--diff-base", "no-such-ref"), "`no-such-ref` is not a commit"),
        (("--diff-base", "main", "--fail-on-increase", "lots"), "--fail-on-increase"),
        (("--fail-on-increase", "10%"), "needs --diff-base"),
        (("--diff-base", "main", "--format", "html"), "not html"),
    ]
    for args, message in cases:
        proc = run(*args)
        assert proc.returncode == 2, args
        assert message in proc.stderr.decode() and b"Traceback" not in proc.stderr
    (tmp_path / "app.py").write_text("x = 1\n")
    proc = run("--diff-base", "HEAD", str(tmp_path / "app.py"), cwd=tmp_path)
    assert proc.returncode == 2 and b"needs a git repository" in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('fail-on-increase = "lots"\n')
    proc = run("--config", str(bad))
    assert proc.returncode == 2 and b"fail-on-increase" in proc.stderr
