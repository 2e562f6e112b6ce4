"""The model catalogue (claude_lint/models.toml): it loads, and its entries are consistent."""
import datetime
import os

import pytest

from claude_lint import catalog
from claude_lint.catalog import TIER_ORDER, load


@pytest.fixture(scope="module")
def models():
    return list(load().models.values())


def test_ids_and_aliases_name_one_model_each(models):
    seen = {}
    for model in models:
        for key in (model.id, *model.aliases):
            assert key.lower() not in seen, f"{key} names {seen.get(key.lower())} and {model.id}"
            seen[key.lower()] = model.id


def test_field_types(models):
    for model in models:
        assert model.provider in ("anthropic", "openai"), model.id
        assert model.tier in TIER_ORDER, model.id
        assert model.status in ("active", "deprecated", "retired"), model.id
        for price in (model.input, model.output, model.cache_write, model.cache_read):
            assert price is None or (isinstance(price, float) and price > 0), model.id
        for limit in (model.max_output, model.context, model.min_cacheable, model.nonstreaming_max):
            assert limit is None or (isinstance(limit, int) and not isinstance(limit, bool) and limit > 0), model.id
        assert model.tokenizer in load().tokenizers, model.id
        if model.retires is not None:
            datetime.date.fromisoformat(model.retires)


def test_successors_are_known_and_not_retired(models):
    cat = load()
    for model in models:
        if model.successor is not None:
            successor = cat.lookup(model.successor)
            assert successor is not None, f"{model.id}: successor {model.successor} is not in the catalogue"
            assert successor.status != "retired", f"{model.id}: successor {model.successor} is retired"


def test_platform_ids_find_the_same_entry():
    cat = load()
    sonnet = cat.lookup("claude-sonnet-4-6")
    assert sonnet is not None
    for spelled in ("anthropic/claude-sonnet-4-6", "us.anthropic.claude-sonnet-4-6", "claude-sonnet-4-6@default"):
        assert cat.lookup(spelled) is sonnet, spelled


def test_the_data_file_ships_with_the_package():
    assert os.path.basename(catalog.DATA) == "models.toml" and os.path.isfile(catalog.DATA)
