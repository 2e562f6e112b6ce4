from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from claude_lint.config import Settings
from claude_lint.engine import lint

FIXTURES = Path(__file__).parent / "fixtures"

# The facts cache's key lives in the user's cache folder: the tests (and every CLI they
# run, which inherits the environment) use a folder of their own, not the real one.
_USER_CACHE = tempfile.mkdtemp(prefix="claude-lint-user-cache-")
os.environ["XDG_CACHE_HOME"] = _USER_CACHE


def pytest_unconfigure(config):
    shutil.rmtree(_USER_CACHE, ignore_errors=True)


def write_project(root: Path, example) -> Path:
    """Write an example (a source, or {name: content}) under root; return the first file."""
    files = example if isinstance(example, dict) else {"example.py": example}
    first = None
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        first = first or path
    (root / "pyproject.toml").write_text("[project]\nname = 'example'\n")
    return first


def lint_tree(root: Path, **settings):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return lint(["."], Settings(root=str(root), **settings))
    finally:
        os.chdir(cwd)


@pytest.fixture
def project(tmp_path):
    def make(example, **settings):
        write_project(tmp_path, example)
        return lint_tree(tmp_path, **settings)

    return make


def claude_lint_command():
    """The installed console script, next to this interpreter."""
    exe = shutil.which("claude-lint", path=os.path.dirname(sys.executable)) or shutil.which("claude-lint")
    assert exe, "claude-lint is not installed: run the README's test command"
    return exe


@pytest.fixture
def cli(tmp_path):
    def run(*args, cwd=None, input=None):
        return subprocess.run(
            [claude_lint_command(), *args], cwd=cwd or tmp_path, input=input, capture_output=True, timeout=120
        )

    return run
