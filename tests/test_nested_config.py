"""Each file is judged by the nearest config at or above its folder (ruff's hierarchical
configs), found by `config.governing` for every folder of the walk."""
from __future__ import annotations

import os
from dataclasses import replace

import pytest

from claude_lint import config
from claude_lint.engine import lint

CALL = ("import anthropic\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-sonnet-4-6', max_tokens=16000, messages=[])\n")
TOP = '[tool.claude-lint]\nselect = ["CL001"]\n[tool.claude-lint.CL001]\nmode = "threshold"\n'


def _found(root, *paths, no_cache=False):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = lint(list(paths) or ["."], replace(config.load("."), no_cache=no_cache))
    finally:
        os.chdir(cwd)
    return sorted((d.code, d.loc.path) for d in result.diagnostics)


# A cold run (no cache) asks each folder's settings as the walk finds its files, and looks
# only for the config files the walk's listing of the folder holds (engine._Early).
@pytest.mark.parametrize("no_cache", [False, True])
def test_the_nearest_config_governs_each_folder(tmp_path, no_cache):
    for path in ("app.py", "quiet/app.py", "quiet/deeper/app.py", "plain/app.py", "noisy/app.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(CALL)
    (tmp_path / "pyproject.toml").write_text(TOP)
    (tmp_path / "quiet" / "claude-lint.toml").write_text('ignore = ["CL001"]\n')
    (tmp_path / "plain" / "pyproject.toml").write_text("[project]\nname = 'no-section'\n")  # no claude-lint table: not a config
    (tmp_path / "noisy" / ".claude-lint.toml").mkdir()  # a folder by a config's name is no config
    expected = [("CL001", p) for p in ("app.py", os.path.join("noisy", "app.py"), os.path.join("plain", "app.py"))]
    assert _found(tmp_path, no_cache=no_cache) == expected
    assert _found(tmp_path, "quiet/deeper/app.py", "app.py", "plain", no_cache=no_cache) == [("CL001", "app.py"), ("CL001", os.path.join("plain", "app.py"))]
