"""The SDK table's facts for the rules hold together: each is stated for a shape that
can carry it, and the lookup by (provider, api) finds what the extractors name."""
from __future__ import annotations

from claude_lint.extract import sdk


def _shapes():
    return (*sdk.METHODS, *sdk.FUNCTIONS.values(), *sdk.ENDPOINT_SHAPES)


def test_a_required_or_model_maximum_cap_has_a_keyword_to_name():
    for shape in _shapes():
        if shape.cap:
            assert shape.cap in ("required", "maximum"), shape.api
            assert shape.output_limit_keyword, shape.api


def test_a_batch_api_is_offered_only_for_the_shape_s_own_providers():
    for shape in _shapes():
        for provider, _ in shape.batch_api:
            assert provider in shape.providers, shape.api


def test_one_shape_per_provider_and_api_or_the_same_facts():
    seen = {}
    for shape in _shapes():
        for provider in shape.providers:
            first = seen.setdefault((provider, shape.api), shape)
            assert (first.cap, first.batch_api, first.batch_job, first.nonstreaming_limit, first.alias_refused, first.removed) == (
                shape.cap, shape.batch_api, shape.batch_job, shape.nonstreaming_limit, shape.alias_refused, shape.removed), (provider, shape.api)


def test_facts_read_by_the_rules():
    assert sdk.api_facts("anthropic", "messages.create").cap == "required"
    assert sdk.api_facts("bedrock", "messages.create").batch_api_for("bedrock") is None
    assert sdk.api_facts("anthropic", "POST /v1/messages").cap == "required"
    assert sdk.api_facts("openai", "responses.create").output_limit_keyword == "max_output_tokens"
    # the keyword inside Google's config object, not the dotted role path
    assert sdk.api_facts("google", "models.generate_content").output_limit_keyword == "max_output_tokens"
    assert sdk.api_facts("openai", "batches.create").batch_job
    assert sdk.api_facts("anthropic", "no.such.api") is None
    assert sdk.provider_facts("openai").prefix_cache == "automatic"
    assert not sdk.provider_facts("bedrock").request_cache_control
    assert sdk.CACHE_CONTROL_PROVIDERS == {"anthropic", "bedrock", "vertex"}
    # Text Completions are gone from the anthropic SDK, still served (as legacy) by OpenAI's
    assert sdk.api_facts("vertex", "completions.create (legacy)").removed
    assert not sdk.api_facts("openai", "completions.create (legacy)").removed
