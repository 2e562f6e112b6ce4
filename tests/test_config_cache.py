"""A config file's TOML kept by its bytes' digest (claude_lint/config_cache.py)."""
from __future__ import annotations

import marshal

import pytest

from claude_lint import config, config_cache, toml

DOC = b'[project]\nname = "x"\n\n[tool.claude-lint]\nselect = ["CL007"]\nignore = []\n\n[tool.claude-lint.CL008]\nmin-tokens = 1.5\n'


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "claude-lint" / "startup"


def test_the_kept_document_is_what_tomllib_reads(cache_home):
    first = config_cache.parsed(DOC)
    [kept] = cache_home.glob("*" + config_cache.SUFFIX)
    assert kept.stat().st_mode & 0o077 == 0
    assert first == toml.loads(DOC.decode()) == marshal.loads(kept.read_bytes())
    # The second read is the kept one: a kept document that differs shows through (as no parse would).
    kept.write_bytes(marshal.dumps({"tool": {"claude-lint": {"select": ["CL001"]}}}))
    assert config_cache.parsed(DOC) == {"tool": {"claude-lint": {"select": ["CL001"]}}}
    assert config_cache.parsed(DOC + b"# edited\n") == first  # other bytes, another document


def test_damaged_foreign_or_dated_documents_are_parsed_again(cache_home):
    expected = toml.loads(DOC.decode())
    config_cache.parsed(DOC)
    [kept] = cache_home.glob("*" + config_cache.SUFFIX)
    for damaged in (b"\x00garbage", marshal.dumps({"tool": {1: 2}}), marshal.dumps([1])):
        kept.write_bytes(damaged)
        assert config_cache.parsed(DOC) == expected
    kept.chmod(0o666)  # others could have written it: not read
    kept.write_bytes(marshal.dumps({"other": 1}))
    assert config_cache.parsed(DOC) == expected
    dated = b"when = 2024-01-01\n"
    assert config_cache.parsed(dated) == toml.loads(dated.decode())
    assert len(list(cache_home.glob("*" + config_cache.SUFFIX))) == 1  # a date is not kept


def test_a_bad_file_is_a_config_error_every_time(cache_home, tmp_path):
    bad = tmp_path / "proj" / "claude-lint.toml"
    bad.parent.mkdir()
    bad.write_bytes(b"select = [\n")
    for _ in range(2):
        with pytest.raises(config.ConfigError, match="cannot read config"):
            config.load_file(str(bad))
    assert not list(cache_home.glob("*" + config_cache.SUFFIX))
