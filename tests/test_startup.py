"""The dataclasses' compiled methods kept between runs (claude_lint/startup.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# A new process: what it compiled, and the classes it made behaving as dataclasses do.
PROBE = """
import json, sys
import claude_lint.facts as facts
from claude_lint import startup
from dataclasses import replace, fields
loc = facts.Loc("a.py", 1, 2, 3, 4)
print(json.dumps({
    "compiled": startup._missed[0],
    "hooked": startup._path[0] is not None,
    "repr": repr(loc),
    "eq": loc == facts.Loc("a.py", 1, 2, 3, 4) and loc != replace(loc, row=9),
    "hash": hash(loc) == hash(facts.Loc("a.py", 1, 2, 3, 4)),
    "fields": [f.name for f in fields(facts.Loc)],
}))
"""


def _probe(cache_home, probe=PROBE):
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    proc = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _cache_files(cache_home):
    folder = cache_home / "claude-lint" / "startup"
    return sorted(p for p in folder.iterdir() if p.suffix == ".marshal") if folder.exists() else []  # (.modules: the modules' code)


def test_the_second_run_compiles_nothing_and_makes_the_same_classes(tmp_path):
    first = _probe(tmp_path)
    assert first["hooked"] and first["compiled"]
    [kept] = _cache_files(tmp_path)
    assert kept.stat().st_mode & 0o077 == 0
    second = _probe(tmp_path)
    assert not second["compiled"]
    assert {k: v for k, v in second.items() if k != "compiled"} == {k: v for k, v in first.items() if k != "compiled"}
    assert second["repr"] == "Loc(path='a.py', row=1, col=2, end_row=3, end_col=4, cell=None)"
    assert second["eq"] and second["hash"]


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="ownership and modes are POSIX's")
def test_a_file_others_could_write_is_not_run(tmp_path):
    _probe(tmp_path)
    [kept] = _cache_files(tmp_path)
    kept.chmod(0o666)
    assert _probe(tmp_path)["compiled"]  # not read: compiled again (and written anew, private)


def test_a_damaged_file_is_compiled_again(tmp_path):
    _probe(tmp_path)
    [kept] = _cache_files(tmp_path)
    kept.write_bytes(b"\x00garbage")
    again = _probe(tmp_path)
    assert again["compiled"] and again["eq"]
    assert not _probe(tmp_path)["compiled"]


def test_only_our_own_classes_are_kept(tmp_path):
    # A class of another module (libcst's hundreds, when a fix loads it) is compiled as
    # usual and never written: every later run would read it for nothing.
    _probe(tmp_path)
    [kept] = _cache_files(tmp_path)
    size = kept.stat().st_size
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    # (With a docstring: one without makes dataclasses ask inspect for a signature, and
    # inspect, run there for the first time, compiles tokenize's patterns, which are kept.)
    other = "import claude_lint, dataclasses\n@dataclasses.dataclass\nclass Other:\n    'doc'\n    name_only_here_12345: int = 0\nprint(Other())"
    proc = subprocess.run([sys.executable, "-c", other], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Other(name_only_here_12345=0)" in proc.stdout, proc.stderr
    assert kept.stat().st_size == size and b"name_only_here_12345" not in kept.read_bytes()


def test_each_install_has_its_own_file_and_old_ones_are_pruned(tmp_path):
    # Other installs' files (another venv, another version) are neither read nor grown by
    # this one's runs; past KEEP files the oldest go when this install writes its own.
    from claude_lint import startup

    folder = tmp_path / "claude-lint" / "startup"
    folder.mkdir(parents=True)
    for i in range(startup.KEEP + 4):
        other = folder / f"dataclasses-other-install-{i:02d}.marshal"
        other.write_bytes(b"not ours")
        os.utime(other, (1000 + i, 1000 + i))
    assert _probe(tmp_path)["compiled"]
    kept = _cache_files(tmp_path)
    assert len(kept) == startup.KEEP
    ours = [p for p in kept if "other-install" not in p.name]
    assert len(ours) == 1 and os.path.dirname(startup.__file__) not in ours[0].name
    # the newest others stay
    assert {p.name for p in kept if p not in ours} == {f"dataclasses-other-install-{i:02d}.marshal" for i in range(5, startup.KEEP + 4)}
    assert not _probe(tmp_path)["compiled"]


# Patterns of ours compiled in a new process, each compared with what `re`'s own compiler
# makes of it: Pattern equality compares the engine's code, not only the text.
REGEX_PROBE = """
import json, re, sys
import claude_lint
from claude_lint import startup, patterns
compiler = re._compiler
plain = compiler.compile._original  # the hook is installed (else this fails)
texts = [(r"(?P<name>[A-Za-z_]\\w*)\\s*=\\s*(\\d+)", 0), (rb"\\bmessages\\.create\\(", 0), (r"^claude-[a-z]+-\\d", re.I | re.M), (r"[\\u2028\\u2029]", 0)]
made = [patterns.lazy(p, f) for p, f in texts]
same = []
for lazy, (p, f) in zip(made, texts):
    lazy.search(p[:0])  # compiles it
    compiled = re.compile(p, f)
    same.append(compiled == plain(p, f) and compiled.groupindex == plain(p, f).groupindex and compiled.groups == plain(p, f).groups)
outside = re.compile("only_outside_[0-9]+")  # this probe is not a module of ours
# A module of ours: its module-level pattern is kept, one a function makes from the linted
# code (a wrapper's name) is not (every project would grow the file).
exec("STATIC = re.compile('written_in_the_module_[0-9]+')\\ndef make(name):\\n    return re.compile(name + '_made_at_run_time')\\n",
     mod := {"__name__": "claude_lint.probe_module", "re": re})
mod["make"]("wrapper")
print(json.dumps({"compiled": startup._missed[0], "same": same, "kept": sorted(k[1] if isinstance(k[1], str) else k[1].decode() for k in startup._codes if isinstance(k, tuple))}))
"""


def _regex_probe(cache_home):
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home))
    proc = subprocess.run([sys.executable, "-c", REGEX_PROBE], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_patterns_are_kept_and_compile_to_the_same_code(tmp_path):
    first = _regex_probe(tmp_path)
    assert first["compiled"] and all(first["same"]) and len(first["same"]) == 4
    assert not any("only_outside" in k or "made_at_run_time" in k for k in first["kept"])
    assert any("written_in_the_module" in k for k in first["kept"])
    second = _regex_probe(tmp_path)
    assert not second["compiled"] and all(second["same"])


def test_damaged_pattern_code_is_compiled_again(tmp_path):
    import marshal

    _regex_probe(tmp_path)
    [kept] = _cache_files(tmp_path)
    table = marshal.loads(kept.read_bytes())
    for key, value in list(table.items()):
        if isinstance(key, tuple):
            value = marshal.loads(value)  # each value is kept marshalled on its own (startup._entry)
            table[key] = marshal.dumps((value[0], [9999] * len(value[1]), *value[2:]))  # code `_sre` must refuse
    kept.write_bytes(marshal.dumps(table))
    again = _regex_probe(tmp_path)
    assert all(again["same"])


# Standard modules put in sys.modules not yet run (startup.DEFERRED): each runs at its
# first use, from any thread, and is then the ordinary module.
DEFERRED_PROBE = """
import json, sys, threading, types
import claude_lint
from claude_lint import startup
before = {name: type(sys.modules.get(name)).__name__ for name in startup.DEFERRED}
import inspect
from copy import deepcopy  # `from` reads a name: runs it
results = []
def use():
    results.append(inspect.cleandoc("  a\\n    b"))
threads = [threading.Thread(target=use) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(json.dumps({
    "before": before,
    "results": results,
    "copied": deepcopy([1, [2]]),
    "same": sys.modules["inspect"] is inspect and type(inspect) is types.ModuleType and inspect.__file__.endswith("inspect.py"),
    "dis": "dis" in sys.modules,
}))
"""


def test_deferred_modules_run_at_their_first_use_in_any_thread(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", DEFERRED_PROBE], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["before"] == {"inspect": "_Deferred", "copy": "_Deferred"}
    assert out["results"] == ["a\nb"] * 8 and out["copied"] == [1, [2]]
    assert out["same"] and out["dis"]


# Our modules' code kept in one file and served ahead of the import system's own finders.
MODULES_PROBE = """
import json, sys
import claude_lint.facts as facts
from claude_lint import startup_modules
print(json.dumps({"served": sorted(startup_modules._served), "file": facts.__file__, "marker": getattr(facts, "STALE_MARKER", None),
                  "loader": type(facts.__spec__.loader).__name__ if not isinstance(facts.__spec__.loader, type) else facts.__spec__.loader.__name__}))
"""


def _modules_probe(cache_home):
    return _probe(cache_home, MODULES_PROBE)


def _modules_file(cache_home):
    [found] = (cache_home / "claude-lint" / "startup").glob("*.modules")
    return found


def test_the_second_run_imports_our_modules_from_the_kept_file(tmp_path):
    import claude_lint.facts as facts

    first = _modules_probe(tmp_path)
    assert "claude_lint.facts" not in first["served"]
    kept = _modules_file(tmp_path)
    assert kept.stat().st_mode & 0o077 == 0
    second = _modules_probe(tmp_path)
    assert "claude_lint.facts" in second["served"] and second["loader"] == "_KeptModules"
    assert second["file"] == first["file"] == facts.__file__


def _modules_table(path):
    """The kept file as name -> (source, .pyc, package, mtime, size, marshalled code)."""
    import marshal

    from claude_lint.startup_modules import MAGIC

    data = path.read_bytes()
    size = int.from_bytes(data[len(MAGIC):len(MAGIC) + 8], "little")
    start = len(MAGIC) + 8 + size
    index = marshal.loads(data[len(MAGIC) + 8:start])
    return {name: e[:5] + (data[start + e[5]:start + e[5] + e[6]],) for name, e in index.items()}


def _write_modules_table(path, table):
    import marshal

    from claude_lint.startup_modules import MAGIC

    index, blobs, offset = {}, [], 0
    for name, entry in table.items():
        index[name] = entry[:5] + (offset, len(entry[5]))
        blobs.append(entry[5])
        offset += len(entry[5])
    head = marshal.dumps(index)
    path.write_bytes(MAGIC + len(head).to_bytes(8, "little") + head + b"".join(blobs))


def test_a_kept_module_whose_source_changed_is_imported_from_its_source(tmp_path):
    # The kept code says STALE_MARKER; its source file's time no longer matches (as after
    # an edit or a reinstall): the module comes from its source, and is kept anew.
    import marshal

    _modules_probe(tmp_path)
    kept = _modules_file(tmp_path)
    table = _modules_table(kept)
    source, cached, package, mtime, size, _ = table["claude_lint.facts"]
    stale = marshal.dumps(compile("STALE_MARKER = 1\n", source, "exec"))
    table["claude_lint.facts"] = (source, cached, package, mtime - 1, size, stale)
    _write_modules_table(kept, table)
    again = _modules_probe(tmp_path)
    assert again["marker"] is None and "claude_lint.facts" not in again["served"]
    assert _modules_table(kept)["claude_lint.facts"][3] == mtime
    assert "claude_lint.facts" in _modules_probe(tmp_path)["served"]
    # Same time and size but code others could have written: not run either.
    table["claude_lint.facts"] = (source, cached, package, mtime, size, stale)
    _write_modules_table(kept, table)
    kept.chmod(0o666)
    assert _modules_probe(tmp_path)["marker"] is None
    # A damaged file: everything imported as usual.
    kept.write_bytes(b"\x00garbage")
    assert _modules_probe(tmp_path)["served"] == []


def test_entry_that_does_not_unmarshal_is_compiled_again(tmp_path):
    """Each kept value is unmarshalled at its first use (startup._entry): one that does not
    unmarshal is compiled again, and the run still makes the same classes and patterns."""
    import marshal

    _regex_probe(tmp_path)
    [kept] = _cache_files(tmp_path)
    table = marshal.loads(kept.read_bytes())
    assert table and all(type(v) is bytes for v in table.values())
    kept.write_bytes(marshal.dumps({k: b"\xff not marshal" for k in table}))
    again = _regex_probe(tmp_path)
    assert again["compiled"] and all(again["same"])
    # the patterns the probe compiled again are kept anew (an entry no run used stays as read)
    rewritten = marshal.loads(kept.read_bytes())
    assert all(type(v) is bytes for v in rewritten.values())
    assert any(isinstance(k, tuple) and "written_in_the_module" in str(k[1]) and marshal.loads(v) for k, v in rewritten.items())
