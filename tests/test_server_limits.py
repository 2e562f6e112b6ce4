"""`claude-lint server` against a hostile or vanishing client (issue 13): the workspace
it walks is bounded, it ends with its client, it frames the byte stream itself, its
memory does not grow per edit, and buffers and messages have a size limit. The server's
tests run the installed server over raw stdio, bounded in time (and, where memory is the
threat, in address space)."""
from __future__ import annotations

from pathlib import Path


# --- 6. the context cache past 10,000 files ----------------------------------------------


class _CountingLinter:
    def __init__(self, root):
        self.root = str(root)
        self.parsed = 0

    def facts_for(self, source):
        self.parsed += 1
        return source.abspath


def test_context_cache_does_not_clear_past_10000_files(tmp_path):
    from claude_lint import engine
    from claude_lint.discover import SourceFile

    real = tmp_path / "m.py"
    real.touch()
    # 10,050 entries, told apart by the path shown (part of the key): creating that many
    # files takes seconds on some filesystems.
    sources = [SourceFile(f"pkg{i}/m.py", str(real), "python") for i in range(10_050)]
    linter = _CountingLinter(tmp_path)
    cache = getattr(engine, "ContextCache", dict)()
    for source in sources:
        engine._context_facts(linter, source, cache)
    assert linter.parsed == len(sources)
    linter.parsed = 0
    for source in sources:  # the next lint, nothing changed on disk
        engine._context_facts(linter, source, cache)
    assert linter.parsed == 0  # was ~10,000: the cache was cleared whole past 10,000 entries


def test_context_cache_evicts_the_least_recently_used(tmp_path):
    from claude_lint.discover import SourceFile
    from claude_lint.engine import ContextCache, _context_facts

    sources = []
    for i in range(150):
        path = tmp_path / f"m{i}.py"
        path.touch()
        sources.append(SourceFile(f"m{i}.py", str(path), "python"))
    linter = _CountingLinter(tmp_path)
    cache = ContextCache(limit=100)
    for source in sources:
        _context_facts(linter, source, cache)
    assert len(cache) == 100
    linter.parsed = 0
    for source in sources[50:]:  # the 100 most recent are all still there
        _context_facts(linter, source, cache)
    assert linter.parsed == 0
    path = Path(sources[-1].abspath)
    path.write_text("X = 1\n")  # a changed file replaces its entry
    _context_facts(linter, sources[-1], cache)
    assert linter.parsed == 1 and len(cache) == 100
