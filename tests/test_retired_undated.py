"""CL007 on a Claude name written without its snapshot date (blind set 7, issue 16:
noor-un-nisa5's LiteLLM demo sends `claude/claude-3-sonnet` and `claude/claude-3-opus`). No
such ID was ever served, and every snapshot the name could mean is retired: every request
fails. Through the real engine, beside the undated names that are IDs of served models."""
from __future__ import annotations

import pytest

from conftest import lint_tree, write_project

LITELLM = "import litellm\nlitellm.completion(model='{model}', messages=[], max_tokens=50)\n"


def findings(tmp_path, model: str) -> list:
    write_project(tmp_path, {"app.py": LITELLM.format(model=model)}, suite=False)
    return lint_tree(tmp_path, suite=False, select=("CL007",)).diagnostics


@pytest.mark.parametrize("model, retired", [
    ("claude-3-sonnet", "2025-07-21"), ("anthropic/claude-3-opus", "2026-01-05"), ("claude-3-5-haiku", "2026-02-19"),
])
def test_an_undated_name_of_a_retired_model_is_retired(tmp_path, model, retired):
    [d] = findings(tmp_path, model)
    assert f"snapshot is retired) was retired by {retired}: every request to it fails" in d.message
    assert d.fix is not None


def test_a_claude_route_prefix_is_judged_but_not_rewritten(tmp_path):
    # `claude/` is no LiteLLM provider: the successor behind it would fail all the same
    [d] = findings(tmp_path, "claude/claude-3-sonnet")
    assert "Model claude-3-sonnet (every claude-3-sonnet snapshot is retired)" in d.message
    assert d.fix is None


@pytest.mark.parametrize("model", ["claude-sonnet-4-6", "claude-haiku-4-5", "claude/claude-sonnet-4-6"])
def test_undated_names_of_served_models_stay_silent(tmp_path, model):
    assert findings(tmp_path, model) == []
