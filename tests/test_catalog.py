"""The model catalogue (claude_lint/models.toml): it loads, and its entries are consistent."""
import datetime
import os

import pytest

from claude_lint import catalog, catalog_compiled
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
        keys = (*model.source, *model.lifecycle_source, *model.uncached_on_source, *(k for _, life in model.platforms for k in life.source))
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


# The corrections of 2026-12-01 (shared reference, "Corrections of 2026-12-01"): each pinned.
LIFECYCLE = [
    # id, status, retires, successor
    ("claude-opus-4-5", "deprecated", "2027-01-22", "claude-opus-5-5"),
    ("claude-opus-4-5-20251101", "deprecated", "2027-01-22", "claude-opus-5-5"),
    ("claude-sonnet-4-5", "retired", "2026-11-30", "claude-sonnet-5-5"),
    ("claude-sonnet-4-5-20250929", "retired", "2026-11-30", "claude-sonnet-5-5"),
    ("claude-3-sonnet-20240229", "retired", "2025-07-21", "claude-sonnet-5-5"),
    ("claude-3-5-sonnet-20240620", "retired", "2025-10-28", "claude-sonnet-5-5"),
    ("claude-3-5-sonnet-20241022", "retired", "2025-10-28", "claude-sonnet-5-5"),
    ("claude-3-7-sonnet-20250219", "retired", "2026-02-19", "claude-sonnet-5-5"),
    ("claude-sonnet-4-20250514", "retired", "2026-06-15", "claude-sonnet-5-5"),
    ("claude-haiku-4-5", "active", None, None),
    ("claude-mythos-preview", "retired", "2026-06-09", "claude-mythos-5"),
    ("gpt-4o", "deprecated", "2027-01-14", None),
    ("gpt-4o-mini", "deprecated", "2027-01-14", None),
    ("gpt-4.1", "deprecated", "2027-01-14", None),
    ("gpt-4.1-mini", "deprecated", "2027-01-14", None),
]
OPENAI_SUCCESSORS = {
    "gpt-5.6-sol": ("gpt-5", "o1", "o3", "o3-pro", "o3-mini", "gpt-4", "gpt-4-turbo"),
    "gpt-5.6-terra": ("gpt-5-mini", "o4-mini", "gpt-3.5-turbo"),
    "gpt-5.6-luna": ("gpt-5-nano", "gpt-4.1-nano"),
    "gpt-6-sol": ("gpt-5.1",),
    "gpt-6-luna": ("gpt-5.4-nano",),
}


@pytest.mark.parametrize("model_id, status, retires, successor", LIFECYCLE)
def test_corrected_lifecycles(model_id, status, retires, successor):
    model = load().lookup(model_id)
    assert (model.status, model.retires, model.successor) == (status, retires, successor)
    assert model.lifecycle_source, model_id


def test_corrected_openai_successors():
    cat = load()
    for successor, olds in OPENAI_SUCCESSORS.items():
        for old in olds:
            assert cat.lookup(old).successor == successor, old


def test_corrected_platform_lifecycles():
    cat = load()
    opus = cat.lookup("claude-opus-4-5")
    for platform in ("vertex", "foundry"):
        assert (opus.on(platform).retires, opus.on(platform).successor) == ("2026-11-24", "claude-opus-5-5")
    assert opus.on("bedrock") is None  # no Bedrock date in any source
    haiku = cat.lookup("claude-haiku-4-5")
    assert haiku.on("vertex").retires == "2026-10-15" and haiku.on("bedrock-eu").retires == "2026-10-15"
    assert haiku.on("foundry").retires == "2026-11-15" and haiku.on("foundry").successor == "claude-haiku-5-5"
    assert haiku.on("bedrock-us") is None and haiku.on("bedrock") is None


def test_corrected_cache_minimums_keep_the_largest_plausible():
    cat = load()
    assert cat.lookup("claude-opus-4-7").min_cacheable == 2048  # was 4096; LiteLLM 1.110.2 says 2048 everywhere
    for disputed in ("claude-fable-5", "claude-mythos-5"):
        model = cat.lookup(disputed)
        assert model.min_cacheable == 1024 and "LLM2" in model.source and "512" in model.note  # LiteLLM 1.110.2: 512
    sonnet = cat.lookup("claude-sonnet-4-6")
    assert sonnet.min_cacheable == 2048 and {"LLM2", "ISSUE1194"} <= set(sonnet.source)


def test_corrected_openai_additions():
    cat = load()
    cyber = cat.lookup("gpt-6-cyber")
    assert (cyber.input, cyber.output, cyber.cache_read, cyber.context, cyber.max_output, cyber.tier) == (20.0, 100.0, 2.0, 922000, 128000, "top")
    for unpriced in ("gpt-6.2-astra", "gpt-6.2-sol"):
        model = cat.lookup(unpriced)
        assert model is not None and model.input is None and "OAI2" in model.source
    assert "272K" in cat.lookup("gpt-5.6-luna").note
    assert "both bands" in cat.lookup("claude-haiku-5-5").note


def test_corrected_entries_through_cl007(project):
    calls = ["claude-opus-4-5", "claude-sonnet-4-5", "gpt-4o"]
    result = project(
        "import anthropic, openai\nc = anthropic.Anthropic()\no = openai.OpenAI()\n"
        + "".join(f"c.messages.create(model='{m}', max_tokens=10, messages=[])\n" for m in calls[:2])
        + "o.chat.completions.create(model='gpt-4o', max_tokens=10, messages=[])\n",
        select=("CL007",),
    )
    found = {d.loc.row: d for d in result.diagnostics}
    today = datetime.date.today()
    opus, sonnet, gpt = found[4], found[5], found[6]
    assert "2027-01-22" in opus.message and "claude-opus-5-5" in opus.message
    assert opus.severity == ("warning" if today < datetime.date(2027, 1, 22) else "error")
    assert "was retired on 2026-11-30" in sonnet.message and sonnet.severity == "error" and "claude-sonnet-5-5" in sonnet.message
    assert "2027-01-14" in gpt.message and gpt.severity == ("warning" if today < datetime.date(2027, 1, 14) else "error")
    assert "the anthropic Python SDK 2.13.0 to 2.15.0" in opus.message


def test_compiled_catalogue_is_the_parsed_one(tmp_path, monkeypatch):
    """load() keeps the built catalogue in the user's cache folder and reads it back at the
    next start; a damaged file there is parsed again from models.toml and replaced."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with open(catalog.DATA, "rb") as fh:
        parsed = catalog._parse(fh.read())
    catalog.load.cache_clear()
    try:
        assert catalog.load() == parsed  # built, then written
        (written,) = (tmp_path / "claude-lint" / "catalogue").glob("*.pickle")
        assert catalog_compiled.read(str(written), catalog.Catalog) == parsed
        catalog.load.cache_clear()
        assert catalog.load() == parsed  # read back
        written.write_bytes(b"not a pickle")
        catalog.load.cache_clear()
        assert catalog.load() == parsed
        assert catalog_compiled.read(str(written), catalog.Catalog) == parsed  # replaced
    finally:
        catalog.load.cache_clear()


def test_compiled_catalogues_of_other_installs_are_kept(tmp_path, monkeypatch):
    """Two installs used in turn each keep their compiled catalogue; only old or surplus
    ones are removed when a new one is written."""
    import os
    import time

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "claude-lint" / "catalogue"
    folder.mkdir(parents=True)
    other = folder / "another-install.pickle"
    other.write_bytes(b"x")
    stale = folder / "stale-install.pickle"
    stale.write_bytes(b"x")
    old = time.time() - (catalog_compiled.KEEP_DAYS + 1) * 86400
    os.utime(stale, (old, old))
    catalog.load.cache_clear()
    try:
        catalog.load()
    finally:
        catalog.load.cache_clear()
    names = sorted(p.name for p in folder.glob("*.pickle"))
    assert "another-install.pickle" in names and "stale-install.pickle" not in names and len(names) == 2


def test_platforms_that_offer_a_model_no_prompt_caching():
    """Bedrock caches Claude 3.5 Haiku, 3.7 and 4.x models, not the Claude 3 ones (LiteLLM's docs, facts §2.1)
    nor 3.5 Sonnet v1 (AWS's prompt caching page)."""
    cat = load()
    for model_id in ("claude-3-haiku-20240307", "claude-3-opus-20240229", "claude-3-sonnet-20240229"):
        model = cat.lookup(model_id)
        assert model.uncached_on == ("bedrock",) and model.uncached_on_source == ("LLM-DOCS",), model_id
        assert not model.caches_on("bedrock") and not model.caches_on("bedrock-eu") and model.caches_on(None), model_id
    # 3.5 Sonnet v1: AWS's own page names 3.7 Sonnet and 3.5 Haiku (v2 in a preview), never v1
    v1 = cat.lookup("claude-3-5-sonnet-20240620")
    assert v1.uncached_on == ("bedrock",) and v1.uncached_on_source == ("AWS-PC",) and v1.caches_on(None)
    for model_id in ("claude-3-5-haiku-20241022", "claude-3-7-sonnet-20250219", "claude-sonnet-4-5", "claude-3-5-sonnet-20241022"):
        assert cat.lookup(model_id).caches_on("bedrock"), model_id
    assert cat.with_extra([{"id": "claude-sonnet-4-6", "uncached_on": ["vertex"]}]).lookup("claude-sonnet-4-6").caches_on("vertex") is False
    with pytest.raises(catalog.CatalogError, match="uncached_on"):
        cat.with_extra([{"id": "claude-sonnet-4-6", "uncached_on": ["azure"]}])
