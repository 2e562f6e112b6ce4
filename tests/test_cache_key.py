"""What the facts cache trusts: its seal (a keyed BLAKE2b over the file's name and payload)
and its key (the package's code and version, the settings that reach extraction, the
root), and what a warm run judges anew (the models file)."""
from __future__ import annotations

import hashlib
import hmac
import os
import pickle

from claude_lint import cache as cache_mod
from claude_lint import cache_seal
from claude_lint.config import Settings
from claude_lint.engine import lint

CALL = ("import anthropic\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-sonnet-4-6', max_tokens={}, messages=[])\n")


def _codes(root, **settings):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        result = lint(["."], Settings(root=str(root), select=("ALL",), rule_options=(("CL001", (("mode", "threshold"),)),), **settings))
    finally:
        os.chdir(cwd)
    return sorted((d.code, d.loc.path, d.message) for d in result.diagnostics)


def test_the_seal_binds_the_key_the_name_and_the_payload():
    key = cache_seal.secret()
    sealed = cache_seal.seal(key, "facts-a.pickle", b"payload")
    assert cache_seal.unseal(key, "facts-a.pickle", sealed) == b"payload"
    assert cache_seal.unseal(key, "facts-b.pickle", sealed) is None  # renamed to another key's file
    assert cache_seal.unseal(b"k" * 32, "facts-a.pickle", sealed) is None  # someone else's key
    assert cache_seal.unseal(key, "facts-a.pickle", sealed[:-1] + b"X") is None  # payload changed
    assert cache_seal.unseal(key, "facts-a.pickle", sealed[:20]) is None


def test_a_cache_of_the_former_format_is_a_miss(tmp_path):
    # HMAC-SHA256 behind the magic "CLFACTS2", with this user's own key: still not read
    # (and not trusted) by this version, which rebuilds the facts.
    (tmp_path / "app.py").write_text(CALL.format(16000))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    baseline = _codes(tmp_path, no_cache=True)
    assert ("CL001", "app.py") in {(c, p) for c, p, _ in baseline}
    _codes(tmp_path)
    [cache_file] = (tmp_path / cache_mod.CACHE_DIR).glob("facts-*.pickle")
    forged = {k: v[:5] + (cache_mod._UNPARSED + b"python",) for k, v in cache_mod.read_entries(str(cache_file)).items() if k[0] is False}
    payload = pickle.dumps(forged)
    key = cache_seal.secret()
    old_seal = hmac.new(key, b"claude-lint facts cache\0" + cache_file.name.encode() + b"\0" + payload, hashlib.sha256).digest()
    cache_file.write_bytes(b"CLFACTS2" + old_seal + payload)
    assert _codes(tmp_path) == baseline  # the forged "unparsed" entries would have hidden CL001


def test_the_key_follows_version_code_extraction_settings_and_root(tmp_path, monkeypatch):
    settings = Settings(root=str(tmp_path))
    key = cache_mod._key(settings, True)
    assert cache_mod._key(settings, False) != key  # pre-filter off
    assert cache_mod._key(Settings(root=str(tmp_path / "sub")), True) != key
    assert cache_mod._key(Settings(root=str(tmp_path), select=("CL001",)), True) == key  # choosing rules keeps the facts
    import claude_lint
    from claude_lint import cache_folder

    monkeypatch.setattr(cache_folder, "_OWN_CODE", [])
    monkeypatch.setattr(claude_lint, "__version__", "99.0.0")
    assert cache_mod._key(settings, True) != key  # a new version of claude-lint
    monkeypatch.setattr(cache_folder, "_OWN_CODE", ["another extractor's code"])
    assert cache_mod._key(settings, True) != key


def test_a_changed_models_file_is_judged_on_a_warm_run(tmp_path):
    # The facts are the file's; the prices and limits are the models file's, read anew by
    # each run: a warm cache must not keep a verdict the new file changes.
    (tmp_path / "app.py").write_text(CALL.format(1000))
    (tmp_path / "prices.toml").write_text("")
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nmodels-file = "prices.toml"\n')
    from claude_lint import config

    def codes():
        return _codes(tmp_path, models_file=config.load(str(tmp_path)).models_file)

    first = codes()
    assert codes() == first  # warm, same file
    (tmp_path / "prices.toml").write_text('[[models]]\nid = "claude-sonnet-4-6"\nstatus = "retired"\nretires = "2025-01-01"\n')
    changed = codes()
    assert [c for c, _, _ in changed] == ["CL007"] and "CL007" not in [c for c, _, _ in first]
    assert changed == _codes(tmp_path, no_cache=True, models_file=config.load(str(tmp_path)).models_file)
