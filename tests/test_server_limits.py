"""`claude-lint server` against a hostile or vanishing client (issue 13): the workspace
it walks is bounded, it ends with its client, it frames the byte stream itself, its
memory does not grow per edit, and buffers and messages have a size limit. The server's
tests run the installed server over raw stdio, bounded in time (and, where memory is the
threat, in address space)."""
from __future__ import annotations

import os
import queue
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the server needs the `lsp` extra")

from test_server_robustness import BAD, RawClient  # noqa: E402


def until(client: RawClient, predicate, timeout: float = 30.0):
    """Every message the server sends up to the first that matches."""
    seen = []
    end = time.monotonic() + timeout
    while True:
        try:
            msg = client.messages.get(timeout=max(0.01, end - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no matching message in {timeout} s; server alive: {client.proc.poll() is None}; saw {seen[-5:]}") from None
        seen.append(msg)
        if predicate(msg):
            return seen


def logs(seen) -> list:
    return [m["params"]["message"] for m in seen if m.get("method") == "window/logMessage"]


def published(uri, predicate=lambda ds: True):
    return lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri and predicate(m["params"]["diagnostics"])


def start(cwd: Path, root_uri=None, options=None, process_id=None, **kwargs) -> RawClient:
    client = RawClient(cwd, **kwargs)
    rid = client.send("initialize", {"processId": process_id if process_id is not None else os.getpid(), "rootUri": root_uri, "capabilities": {}, "initializationOptions": {"debounceMs": 10, **(options or {})}})
    client.response(rid)
    client.send("initialized", {}, request=False)
    return client


def open_doc(client: RawClient, uri: str, text: str, version: int = 1) -> None:
    client.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}, request=False)


def memory_cap(megabytes: int):
    """A preexec_fn: the server's address space capped, so that a regression fails with a
    MemoryError instead of swapping the machine."""

    def cap():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (megabytes * 1024 * 1024, megabytes * 1024 * 1024))

    return cap if sys.platform.startswith("linux") else None


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


# --- 7. size limits -----------------------------------------------------------------------


def test_buffer_over_5_mb_is_cl902(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL001', 'CL9']\n")
    client = start(tmp_path, root_uri=tmp_path.as_uri(), preexec_fn=memory_cap(1500))
    try:
        big = (tmp_path / "big.py").as_uri()
        open_doc(client, big, BAD * (6_000_000 // len(BAD)))
        [d] = until(client, published(big, bool), timeout=60)[-1]["params"]["diagnostics"]
        assert d["code"] == "CL902" and "larger than 5 MB" in d["message"]
    finally:
        assert client.close() == 0


def test_engine_refuses_more_than_5_mb_given_in_memory():
    from claude_lint.engine import MAX_FILE_BYTES, read_source

    text, error, _ = read_source("big.py", "big.py", b"#" * (MAX_FILE_BYTES + 1))
    assert text is None and error.code == "CL902" and "larger than 5 MB" in error.message
