"""Issue 16's levers beyond their rule examples: the preview switch, the catalogue's
rejected parameters, and the facts the new rules read."""
from __future__ import annotations

import pytest

from claude_lint import config
from claude_lint.catalog import CatalogError, load
from claude_lint.checks import by_code
from claude_lint.config import Settings, selected


@pytest.fixture
def preview_rule(monkeypatch):
    rule = by_code()["CL014"]
    monkeypatch.setattr(type(rule), "preview", True)
    return rule.code


def test_a_preview_rule_is_off_by_default_and_on_by_all_or_its_code(preview_rule):
    assert preview_rule not in selected(Settings(root="."))
    assert preview_rule not in selected(Settings(root=".", select=("CL01",)))  # a prefix is not a choice of this rule
    assert preview_rule in selected(Settings(root=".", select=("ALL",)))
    assert preview_rule in selected(Settings(root=".", select=(preview_rule,)))
    assert preview_rule in selected(Settings(root=".", extend_select=(preview_rule,)))
    assert preview_rule not in selected(Settings(root=".", select=("ALL",), ignore=(preview_rule,)))
    # the other rules are unchanged: the default still selects every rule that is not preview
    assert "CL007" in selected(Settings(root="."))


def test_all_is_a_selector_of_its_own():
    assert config.check_selectors(["all", "CL00"], "select", "here") == ["ALL", "CL00"]
    everything = selected(Settings(root=".", select=("ALL",)))
    assert set(selected(Settings(root="."))) <= set(everything)
    assert selected(Settings(root=".", select=("ALL",), ignore=("ALL",))) == []
    assert "CL001" not in selected(Settings(root=".", select=("ALL",), ignore=("CL001",)))
    assert config.covers("ALL", "CL011") and config.covers("CL01", "CL011") and not config.covers("CL02", "CL011")


def test_rejected_parameters_are_in_the_catalogue_with_their_sources():
    cat = load()
    for model_id in ("claude-opus-4-7", "claude-opus-4-8", "claude-opus-5", "claude-opus-5-5", "claude-sonnet-5"):
        model = cat.lookup(model_id)
        assert {"temperature", "top_p", "top_k", "thinking.budget_tokens"} <= set(model.rejects), model_id
        assert {"DOCS-DEP", "SK"} <= set(model.rejects_source)
    assert cat.lookup("claude-sonnet-5-5").rejects == ("thinking.budget_tokens",)
    for model_id in ("claude-sonnet-4-6", "claude-opus-4-6", "claude-haiku-4-5", "gpt-4o", "gpt-5"):
        assert cat.lookup(model_id).rejects == (), model_id
    for model_id in ("o1", "o3", "o3-mini", "o3-pro", "o4-mini"):
        assert cat.lookup(model_id).rejects == ("max_tokens",) and cat.lookup(model_id).rejects_source == ("OAI",)
    assert "bedrock" not in cat.cite(cat.lookup("o1").rejects_source)  # cited in plain words
    changed = cat.with_extra([{"id": "claude-sonnet-4-6", "rejects": ["temperature"], "rejects_source": "my notes"}])
    assert changed.lookup("claude-sonnet-4-6").rejects == ("temperature",)
    with pytest.raises(CatalogError, match="rejects"):
        cat.with_extra([{"id": "claude-sonnet-4-6", "rejects": ["seed"]}])
