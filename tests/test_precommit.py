"""The pre-commit hook end to end: the real `pre-commit` (from PyPI, the test extra) installs
this checkout as a hook repository and runs it in a throwaway consumer repository.

pre-commit needs a committed revision, so the working tree of this checkout (tracked and
untracked files, not ignored ones) is committed into a temporary clone first: what is
tested is the code as it is on disk, committed or not.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, LIGHT_TASK

pytest.importorskip("pre_commit")

ROOT = Path(__file__).resolve().parent.parent
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def _env(home: Path) -> dict:
    env = dict(os.environ)
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("PRE_COMMIT", None)
    env.pop("VIRTUAL_ENV", None)
    return env


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple:
    """A git repository holding this checkout's working tree, committed; and its sha."""
    src = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8", "surrogateescape")
    for rel in filter(None, listed.split("\0")):
        path = ROOT / rel
        if path.is_file():
            (src / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / rel)
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "snapshot of the working tree under test")
    return src, git(src, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    # one hook environment for the module: pre-commit builds it once, then reuses it
    return tmp_path_factory.mktemp("pre-commit-home")


def consumer(tmp_path: Path, hook_repo, files: dict, hook: str = "claude-lint") -> Path:
    src, sha = hook_repo
    repo = tmp_path / "consumer"
    repo.mkdir()
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {src.as_posix()}\n    rev: {sha}\n    hooks:\n      - id: {hook}\n"
    )
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def run_pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *args, "--color", "never"],
        cwd=repo, env=_env(home), capture_output=True, text=True, timeout=900,
    )


# bot.py plus a light task on its top-tier model: alone it is a CL003 finding (issue 15); with clean.py, not.
BOT = (FIXTURES / "integrations" / "app" / "bot.py").read_text() + LIGHT_TASK
CLEAN = (FIXTURES / "integrations" / "app" / "clean.py").read_text()
# The consumer opts in to CL001 (fixed-threshold mode: bot.py's 16000 is then reported) and
# CL003, both preview rules, as a user would: the hook runs with the project's own selection.
PYPROJECT = (
    "[project]\nname = 'consumer'\n\n[tool.claude-lint]\nextend-select = ['CL001', 'CL002', 'CL003']\n"
    '\n[tool.claude-lint.CL001]\nmode = "threshold"\n'
)


def test_hook_fails_on_a_bad_file_with_our_diagnostic(tmp_path, hook_repo, pre_commit_home):
    repo = consumer(tmp_path, hook_repo, {"pyproject.toml": PYPROJECT, "app/bot.py": BOT, "app/clean.py": CLEAN})
    done = run_pre_commit(repo, pre_commit_home, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "claude-lint" in done.stdout and "Failed" in done.stdout
    assert "app/bot.py:9:20: CL001 max_tokens=16000" in done.stdout
    assert "clean.py" not in done.stdout


def test_hook_passes_on_a_clean_file(tmp_path, hook_repo, pre_commit_home):
    repo = consumer(tmp_path, hook_repo, {"pyproject.toml": PYPROJECT, "app/clean.py": CLEAN})
    done = run_pre_commit(repo, pre_commit_home, "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_hook_on_changed_files_still_sees_the_whole_project(tmp_path, hook_repo, pre_commit_home):
    # pre-commit passes only app/bot.py; its two top-tier calls are not the whole story:
    # app/clean.py routes to a small model, so CL003 (single model) must stay silent.
    repo = consumer(tmp_path, hook_repo, {"pyproject.toml": PYPROJECT, "app/bot.py": BOT, "app/clean.py": CLEAN})
    done = run_pre_commit(repo, pre_commit_home, "--files", "app/bot.py")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "CL001" in done.stdout
    assert "CL003" not in done.stdout


LONG = "You answer billing questions for Acme. Quote the policy section. " * 400
UNCACHED = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n"
    f"SYSTEM = {LONG!r}\n\n\n"
    "def answer(q):\n"
    "    return client.messages.create(\n"
    '        model="claude-sonnet-4-6",\n        max_tokens=500,\n        system=SYSTEM,\n'
    '        messages=[{"role": "user", "content": q}],\n    )\n'
)


def test_fix_hook_applies_the_safe_fix(tmp_path, hook_repo, pre_commit_home):
    repo = consumer(tmp_path, hook_repo, {"pyproject.toml": PYPROJECT, "app/faq.py": UNCACHED}, hook="claude-lint-fix")
    done = run_pre_commit(repo, pre_commit_home, "--all-files")
    # pre-commit fails a hook that modified files, so the user reviews the fix before committing
    assert done.returncode == 1, done.stdout + done.stderr
    assert "files were modified by this hook" in done.stdout
    fixed = (repo / "app" / "faq.py").read_text()
    assert '"cache_control": {"type": "ephemeral"}' in fixed
    again = run_pre_commit(repo, pre_commit_home, "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
