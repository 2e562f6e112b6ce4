"""`claude-lint models`: the catalogue as a 100-column table or as JSON, through the real CLI."""
from __future__ import annotations

import json


def test_table_fits_100_columns_and_explains_its_source_keys(cli, tmp_path):
    out = cli("models")
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode("utf-8")
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100 and text.isascii()
    assert lines[0].startswith("Prices in USD per million tokens")
    row = next(line for line in lines if line.startswith("claude-opus-4-5-20251101 "))
    assert row.split() == ["claude-opus-4-5-20251101", "top", "5/25", "6.25/0.5", "64K", "4096", "deprecated", "2027-01-22"]
    details = text[text.index(row) + len(row):].split("\nclaude-", 1)[0]
    assert "aliases claude-opus-4-5" in details and "Vertex AI: retired 2026-11-24 -> claude-opus-5-5" in details.replace("\n      ", " ")
    assert "  DOCS-DEP: Anthropic's model deprecations page, read 2026-07-24" in lines
    assert "anthropic (" in text and "openai (" in text


def test_pattern_glob_substring_platform_id_and_no_match(cli, tmp_path):
    rows = lambda out: [line.split()[0] for line in out.stdout.decode().splitlines() if line[:1].isalnum() and "  " in line and not line.startswith("MODEL")]  # noqa: E731
    assert rows(cli("models", "claude-opus-4-*")) == ["claude-opus-4-8", "claude-opus-4-7", "claude-opus-4-6", "claude-opus-4-5-20251101",
                                                      "claude-opus-4-1-20250805", "claude-opus-4-20250514"]  # the last by its alias claude-opus-4-0
    assert rows(cli("models", "bedrock/eu.anthropic.claude-haiku-4-5-20251001-v1:0")) == ["claude-haiku-4-5-20251001"]
    assert rows(cli("models", "GPT-4O")) == ["gpt-4o", "gpt-4o-mini"]
    missing = cli("models", "claude-none-9")
    assert missing.returncode == 1 and b"no model in the catalogue matches 'claude-none-9'" in missing.stderr


def test_json_has_every_field_and_the_user_price_file(cli, tmp_path):
    (tmp_path / "prices.json").write_text(json.dumps({"claude-opus-4-5": {"output_cost_per_token": 2e-05}}))
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nmodels-file = "prices.json"\n')
    out = cli("models", "--format", "json", "claude-opus-4-5")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    (opus,) = doc["models"]
    assert doc["overrides"] == ["prices.json"] and opus["origin"] == "prices.json"
    assert (opus["input"], opus["output"], opus["cache_write"], opus["cache_read"]) == (5.0, 20.0, 6.25, 0.5)
    assert (opus["max_output"], opus["min_cacheable"], opus["status"], opus["retires"], opus["successor"]) == (64000, 4096, "deprecated", "2027-01-22", "claude-opus-5-5")
    assert opus["lifecycle_source"][0] == "the list of deprecated models in the anthropic Python SDK 2.13.0 to 2.15.0"
    assert opus["source"][0] == "prices.json" and "DOCS-DEP" in opus["source_keys"]
    vertex = opus["platforms"]["vertex"]
    assert (vertex["platform"], vertex["retires"], vertex["status_today"]) == ("Google Vertex AI", "2026-11-24", "retired")
    assert vertex["source"] == ["LiteLLM 1.110.2's model price list"]
    assert set(opus) >= {"id", "aliases", "provider", "tier", "context", "tokenizer", "note", "days_left", "status_today"}
