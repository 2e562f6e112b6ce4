"""`claude-lint server` against a hostile or vanishing client (issue 13): the workspace
it walks is bounded, it ends with its client, it frames the byte stream itself, its
memory does not grow per edit, and buffers and messages have a size limit. The server's
tests run the installed server over raw stdio, bounded in time (and, where memory is the
threat, in address space)."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the server needs the `lsp` extra")

from test_server_robustness import BAD, THRESHOLD, RawClient  # noqa: E402

# Recorded by the server's process (a sitecustomize on PYTHONPATH): every folder listed,
# and, with CLAUDE_LINT_TEST_SLOW, a lint of a buffer holding SLOW-LINT that sleeps, so
# that a test can act while a lint runs.
WATCH = textwrap.dedent(
    r'''
    import json, os, sys

    LOG = os.environ["CLAUDE_LINT_TEST_LOG"]

    def note(kind, detail):
        with open(LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps([kind, detail]) + "\n")

    def hook(event, args):
        if event in ("os.scandir", "os.listdir") and args and isinstance(args[0], (str, bytes)):
            note("listed", os.path.abspath(os.fsdecode(args[0])))

    sys.addaudithook(hook)

    if os.environ.get("CLAUDE_LINT_TEST_SLOW"):
        import time
        import claude_lint.engine as engine

        real = engine.lint

        def slow(paths, settings, stdin=None, **kwargs):
            if stdin is not None and b"SLOW-LINT" in stdin[1]:
                note("slow", "started")
                time.sleep(600)
            return real(paths, settings, stdin, **kwargs)

        engine.lint = slow
    '''
)


def watched_env(tmp_path: Path, **extra) -> dict:
    watch = tmp_path / "watch"
    watch.mkdir(exist_ok=True)
    (watch / "sitecustomize.py").write_text(WATCH)
    return {**os.environ, "PYTHONPATH": str(watch), "CLAUDE_LINT_TEST_LOG": str(watch / "events.jsonl"), **extra}


def events(tmp_path: Path):
    log = tmp_path / "watch" / "events.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


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


def exited_within(client: RawClient, seconds: float):
    try:
        return client.proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        client.proc.kill()
        client.proc.wait()
        return None


def memory_cap(megabytes: int):
    """A preexec_fn: the server's address space capped, so that a regression fails with a
    MemoryError instead of swapping the machine."""

    def cap():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (megabytes * 1024 * 1024, megabytes * 1024 * 1024))

    return cap if sys.platform.startswith("linux") else None


# --- 1. the workspace walked is bounded ---------------------------------------------------


def test_never_walks_the_filesystem_root_or_the_home_folder(tmp_path):
    home = tmp_path / "home"
    (home / ".git").mkdir(parents=True)  # a marker in ~ (a dotfiles repository) would make ~ the project
    # A config in ~ too, selecting every rule: only with a project-wide rule (CL003, a preview
    # rule) is a project's context read at all, and BAD is a CL001 finding in threshold mode.
    (home / "claude-lint.toml").write_text("select = ['ALL']\n" + THRESHOLD.replace("tool.claude-lint.", ""))
    proj = home / "proj"
    (proj / "pkg").mkdir(parents=True)
    (proj / "pkg" / "other.py").write_text(BAD)
    client = start(proj, root_uri=proj.as_uri(), env=watched_env(tmp_path, HOME=str(home)))
    try:
        # `file:///x.py`: no file, no marker, no workspace folder: the root was `/`. No config
        # either, so the default rules: a retired model ID (CL007) is its finding.
        open_doc(client, "file:///x.py", BAD.replace("claude-sonnet-4-6", "claude-3-opus-20240229"))
        seen = until(client, published("file:///x.py", bool))
        # Under the workspace folder, whose nearest marker is ~: the folder is the project.
        inside = (proj / "bot.py").as_uri()
        open_doc(client, inside, BAD)
        seen += until(client, published(inside, bool))
        # In ~ itself, outside every workspace folder: no project at all.
        loose = (home / "loose.py").as_uri()
        open_doc(client, loose, BAD)
        seen += until(client, published(loose, bool))
        assert client.alive()
    finally:
        client.close()
    listed = {detail for kind, detail in events(tmp_path) if kind == "listed"}
    assert "/" not in listed and str(home) not in listed, sorted(listed)[:20]
    assert str(proj) in listed  # the buffer in the workspace still has its project's context
    assert any("no project folder" in m for m in logs(seen))


def test_project_context_is_capped_and_said_once(tmp_path):
    # every rule: the context is read only for a project-wide rule (CL003, a preview rule)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n[tool.claude-lint]\nselect = ['ALL']\n" + THRESHOLD)
    for i in range(6):
        (tmp_path / f"mod_{i}.py").write_text(f"X = {i}\n")
    client = start(tmp_path, root_uri=tmp_path.as_uri(), options={"maxContextFiles": 3})
    try:
        uri = (tmp_path / "bot.py").as_uri()
        open_doc(client, uri, BAD)
        seen = until(client, published(uri, bool))
        for version in (2, 3):
            client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": BAD + "\n" * version}]}, request=False)
            seen += until(client, lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == v)
        assert "CL001" in [d["code"] for d in seen[-1]["params"]["diagnostics"]]  # the buffer is linted all the same
        skipped = [m for m in logs(seen) if "more than 3 files" in m]
        assert len(skipped) == 1, logs(seen)
    finally:
        assert client.close() == 0


# --- 2. the server ends with its client ---------------------------------------------------


def _slow_lint(tmp_path: Path, **kwargs) -> RawClient:
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL001']\n" + THRESHOLD)
    client = start(tmp_path, root_uri=tmp_path.as_uri(), env=watched_env(tmp_path, CLAUDE_LINT_TEST_SLOW="1"), **kwargs)
    open_doc(client, (tmp_path / "bot.py").as_uri(), BAD + "# SLOW-LINT\n")
    end = time.monotonic() + 30
    while ["slow", "started"] not in events(tmp_path):
        assert time.monotonic() < end and client.proc.poll() is None, "the lint never started"
        time.sleep(0.05)
    return client


def test_exits_when_stdin_closes_while_a_lint_runs(tmp_path):
    client = _slow_lint(tmp_path)
    client.proc.stdin.close()
    assert exited_within(client, 10) is not None, "still running 10 s after the client closed stdin"


def test_exit_notification_is_honoured_while_a_lint_runs(tmp_path):
    client = _slow_lint(tmp_path)
    rid = client.send("shutdown")
    client.response(rid)
    client.send("exit", request=False)  # stdin stays open, as an editor's may
    assert exited_within(client, 10) == 0


def test_exits_when_the_client_process_dies(tmp_path):
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        client = start(tmp_path, root_uri=tmp_path.as_uri(), process_id=editor.pid)
    finally:
        editor.kill()
        editor.wait()
    # stdin stays open (a child of the editor may hold the pipe): only processId tells
    assert exited_within(client, 15) is not None, "still running 15 s after the client's process died"


# --- 3. a lone surrogate ------------------------------------------------------------------


def test_lone_surrogate_is_reported_and_the_rest_linted(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL001', 'CL9']\n" + THRESHOLD)
    client = start(tmp_path, root_uri=tmp_path.as_uri())
    try:
        uri = (tmp_path / "bot.py").as_uri()
        open_doc(client, uri, BAD)
        until(client, published(uri, bool))
        # JSON may carry "\ud800" alone; json.dumps writes it escaped, as a client would
        change = {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": BAD + "x = 'a\ud800b'\n"}]}
        client.raw(json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change}).encode())
        seen = until(client, lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == 2)
        found = {d["code"]: d for d in seen[-1]["params"]["diagnostics"]}
        assert set(found) == {"CL001", "CL902"}, found
        assert "surrogate U+D800" in found["CL902"]["message"]
        assert found["CL902"]["range"]["start"] == {"line": 3, "character": 6}
        assert any("surrogate" in m for m in logs(seen))
    finally:
        assert client.close() == 0


# --- 4. malformed frames ------------------------------------------------------------------

REQUEST = b'{"jsonrpc": "2.0", "id": "probe", "method": "textDocument/codeAction", "params": {"textDocument": {"uri": "file:///nowhere.py"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}}'

MALFORMED_FRAMES = [
    b"Content-Length: abc\r\n\r\n" + REQUEST,
    b"Content-Length: -5\r\n\r\n" + REQUEST,
    b"Content-Length: 1e3\r\n\r\n" + REQUEST,
    b"Content-Length: 99999999999999999999999\r\n\r\n" + REQUEST,
    b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + REQUEST,
    b"Content-Length: 10\r\nContent-Length: 12\r\n\r\n" + REQUEST,
    b"Content-Length: 20\r\n\r\n" + REQUEST,  # shorter than the body
    b"x" * 100_000,  # no line end at all
    b"Content-Length \r\n\r\n",
]


def test_malformed_frames_are_skipped_not_waited_on(tmp_path):
    client = start(tmp_path, root_uri=tmp_path.as_uri())
    try:
        for frame in MALFORMED_FRAMES:
            client.raw(frame, header=b"")
            rid = client.send("textDocument/codeAction", {"textDocument": {"uri": "file:///nowhere.py"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}})
            seen = until(client, lambda m, rid=rid: m.get("id") == rid, timeout=10)
            assert any("skipped" in m for m in logs(seen)), (frame[:60], logs(seen))
        # Bare line feeds instead of CRLF: read, as the frame is unambiguous.
        client.raw(REQUEST, header=b"Content-Length: %d\n\n" % len(REQUEST))
        until(client, lambda m: m.get("id") == "probe", timeout=10)
        # A request whose params cannot be read is answered, not left waiting.
        client.raw(b'{"jsonrpc": "2.0", "id": "bad", "method": "textDocument/codeAction", "params": {"textDocument": 5}}')
        [*_, answer] = until(client, lambda m: m.get("id") == "bad", timeout=10)
        assert answer["error"]["code"] == -32602
    finally:
        assert client.close() == 0


def test_a_frame_that_stops_half_way_is_dropped(tmp_path):
    launcher = "import sys; from claude_lint import server, server_connection; server_connection.FRAME_IDLE_SECONDS = 0.5; sys.exit(server.main())"
    client = start(tmp_path, root_uri=tmp_path.as_uri(), command=[sys.executable, "-c", launcher])
    try:
        client.raw(b'{"jsonrpc": "2.0", "id": 1', header=b"Content-Length: 5000\r\n\r\n")
        seen = until(client, lambda m: any("incomplete message" in t for t in logs([m])), timeout=10)
        assert client.alive()
    finally:
        assert client.close() == 0


# --- 5. memory per edit -------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the server's RSS from /proc")
def test_memory_plateaus_over_many_edits(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL001']\n" + THRESHOLD)
    # A debounce longer than the test: no lint runs, so what grows is the protocol's own.
    client = start(tmp_path, root_uri=tmp_path.as_uri(), options={"debounceMs": 60_000}, preexec_fn=memory_cap(1500))
    try:
        uri = (tmp_path / "bot.py").as_uri()
        open_doc(client, uri, BAD)
        # The open lints once: measured from after it, or its own memory (a few MB, landing
        # whenever that lint ends) counts as the edits' growth.
        until(client, lambda m: m.get("method") == "textDocument/publishDiagnostics")
        version = 1

        def edits(n):
            nonlocal version
            frames = []
            for _ in range(n):
                version += 1  # a "#" typed at the start, then deleted: the buffer stays as it is
                change = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0 if version % 2 else 1}}, "text": "#" if version % 2 else ""}
                body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}).encode()
                frames.append(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            client.raw(b"".join(frames), header=b"")
            assert client.alive()  # answered after the edits before it: all handled

        edits(2000)  # warm-up: caches, arenas
        before = _rss_kb(client.proc.pid)
        edits(8000)
        growth = _rss_kb(client.proc.pid) - before
        # pygls' future kept per notification was ~1.9 KB an edit: 15 MB here; without
        # it, under 1 MB (what is left of the warm-up)
        assert growth < 5000, f"RSS grew {growth} KB over 8,000 edits"
    finally:
        assert client.close() == 0


# --- 6. the context cache past 10,000 files ----------------------------------------------


class _CountingLinter:
    def __init__(self, root):
        self.root = str(root)
        self.parsed = 0

    def facts_for(self, source):
        self.parsed += 1
        return source.abspath


def test_context_cache_does_not_clear_past_10000_files(tmp_path):
    from claude_lint import context_files
    from claude_lint.discover import SourceFile

    real = tmp_path / "m.py"
    real.touch()
    # 10,050 entries, told apart by the path shown (part of the key): creating that many
    # files takes seconds on some filesystems.
    sources = [SourceFile(f"pkg{i}/m.py", str(real), "python") for i in range(10_050)]
    linter = _CountingLinter(tmp_path)
    cache = getattr(context_files, "ContextCache", dict)()
    for source in sources:
        context_files._context_facts(linter, source, cache)
    assert linter.parsed == len(sources)
    linter.parsed = 0
    for source in sources:  # the next lint, nothing changed on disk
        context_files._context_facts(linter, source, cache)
    assert linter.parsed == 0  # was ~10,000: the cache was cleared whole past 10,000 entries


def test_context_cache_evicts_the_least_recently_used(tmp_path):
    from claude_lint.discover import SourceFile
    from claude_lint.context_files import ContextCache, _context_facts

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


def test_buffer_over_5_mb_is_cl902_and_oversized_messages_are_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL001', 'CL9']\n" + THRESHOLD)
    client = start(tmp_path, root_uri=tmp_path.as_uri(), preexec_fn=memory_cap(1500))
    try:
        big = (tmp_path / "big.py").as_uri()
        open_doc(client, big, BAD * (6_000_000 // len(BAD)))
        [d] = until(client, published(big, bool), timeout=60)[-1]["params"]["diagnostics"]
        assert d["code"] == "CL902" and "larger than 5 MB" in d["message"]
        huge = (tmp_path / "huge.py").as_uri()
        open_doc(client, huge, "x = 1\n" * 6_000_000)  # a 36 MB message
        seen = until(client, lambda m: any("over the 32 MB limit" in t for t in logs([m])), timeout=60)
        assert client.alive()
        assert not any(m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == huge for m in seen)
    finally:
        assert client.close() == 0


def test_engine_refuses_more_than_5_mb_given_in_memory():
    from claude_lint.engine import MAX_FILE_BYTES, read_source

    text, error, _ = read_source("big.py", "big.py", b"#" * (MAX_FILE_BYTES + 1))
    assert text is None and error.code == "CL902" and "larger than 5 MB" in error.message


# --- what else a client can send ----------------------------------------------------------


def test_paths_with_escaped_characters_are_linted(tmp_path):
    folder = tmp_path / "my project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL001']\n" + THRESHOLD)
    client = start(folder, root_uri=folder.as_uri())
    try:
        uri = (folder / "bot #1.py").as_uri()  # file:///…/my%20project/bot%20%231.py
        open_doc(client, uri, BAD)
        assert [d["code"] for d in until(client, published(uri, bool))[-1]["params"]["diagnostics"]] == ["CL001"]
    finally:
        assert client.close() == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_save_of_a_document_never_opened_reads_nothing(tmp_path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    client = start(tmp_path, root_uri=tmp_path.as_uri())
    try:
        # pygls would make a document of the file on disk, and a FIFO's read never returns
        client.send("textDocument/didSave", {"textDocument": {"uri": fifo.as_uri()}}, request=False)
        assert client.alive()
    finally:
        assert client.close() == 0
