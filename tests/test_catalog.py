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


def test_every_source_key_has_plain_words(models):
    cat = load()
    for model in models:
        keys = (*model.source, *model.lifecycle_source, *(k for _, life in model.platforms for k in life.source))
        assert model.source, f"{model.id} names no source"
        for key in keys:
            assert key in cat.sources, f"{model.id}: source key {key!r} is not in [sources]"


def test_index_keys_are_normalised(models):
    for model in models:
        for key in (model.id, *model.aliases):
            assert catalog.normalise(key) == key.lower(), key


def test_retired_finding_cites_its_source_in_plain_words(project):
    result = project("import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model='claude-3-opus-20240229', max_tokens=10, messages=[])\n",
                     select=("CL007",))
    (d,) = result.diagnostics
    assert "(source: Anthropic's model deprecations page, read 2026-07-24)" in d.message
    assert "DOCS" not in d.message and "LLM " not in d.message


def test_an_entry_naming_a_known_model_changes_only_what_it_gives():
    cat = load().with_extra([{"id": "anthropic/claude-sonnet-4-6", "input": 2.4, "source": "our contract"}], "pyproject.toml")
    model = cat.lookup("claude-sonnet-4-6")
    assert model.input == 2.4 and model.output == 15.0 and model.tier == "mid" and model.max_output == 128000
    assert model.source[0] == "our contract" and model.origin == "pyproject.toml"
    assert len(cat.models) == len(load().models)


@pytest.mark.parametrize(
    "entry, needle",
    [
        ({"id": "claude-sonnet-4-6", "input": "cheap"}, "`input` must be a non-negative number"),
        ({"id": "claude-sonnet-4-6", "max_output": -5}, "`max_output` must be a positive whole number"),
        ({"id": "claude-sonnet-4-6", "retires": "soon"}, "`retires` must be a date"),
        ({"id": "claude-sonnet-4-6", "status": "gone"}, "`status` must be one of"),
        ({"id": "claude-sonnet-4-6", "platforms": {"azure": {"retires": "2027-01-01"}}}, "unknown platform"),
        ({"id": "claude-sonnet-4-6", "platforms": {"vertex": {"retires": "2027-13-01"}}}, "`platforms.vertex.retires` must be a date"),
        ({"id": "gateway/x", "tier": "mid"}, "needs `provider`"),
        ({"id": "us.anthropic.claude-sonnet-4-6", "input": 3.3}, "is a model ID of Amazon Bedrock"),
    ],
)
def test_bad_entries_name_the_model_and_key(entry, needle):
    with pytest.raises(catalog.CatalogError) as err:
        load().with_extra([entry], "prices.toml")
    assert needle in str(err.value) and str(err.value).startswith("prices.toml: ")
