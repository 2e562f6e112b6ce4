"""`claude-lint server` survives what editors and broken clients send: malformed
JSON-RPC, unknown methods, bad params, documents deleted while open, binary text; and it
makes no network access. Raw JSON-RPC over the server's stdio, from a subprocess, so
that nothing in a client library smooths the bytes over."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="the server needs the `lsp` extra")

from conftest import claude_lint_command  # noqa: E402
from test_security import WATCH  # noqa: E402

BAD = "import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-sonnet-4-6', max_tokens=16000, messages=[])\n"
# BAD (16000, no evidence of the answer's size) is a CL001 finding only in the rule's fixed-threshold
# mode: the workspaces below select CL001, a preview rule, and that mode, as a user can.
THRESHOLD = '\n[tool.claude-lint.CL001]\nmode = "threshold"\n'


class RawClient:
    def __init__(self, cwd: Path, env=None, command=None, preexec_fn=None):
        command = command or [claude_lint_command(), "server"]
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=preexec_fn)
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            if length is not None:
                self.messages.put(json.loads(out.read(length)))

    def raw(self, body: bytes, header: bytes = None):
        header = header if header is not None else b"Content-Length: %d\r\n\r\n" % len(body)
        self.proc.stdin.write(header + body)
        self.proc.stdin.flush()

    def send(self, method: str, params=None, request: bool = True):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        if request:
            self.next_id += 1
            msg["id"] = self.next_id
        self.raw(json.dumps(msg).encode())
        return msg.get("id")

    def wait(self, predicate, timeout=30.0):
        import time

        end = time.monotonic() + timeout
        seen = []
        while time.monotonic() < end:
            try:
                msg = self.messages.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                break
            seen.append(msg)
            if predicate(msg):
                return msg
        raise AssertionError(f"no matching message; server alive: {self.proc.poll() is None}; saw {seen[-5:]}; stderr: {self._stderr()}")

    def response(self, rid, timeout=30.0):
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def diagnostics(self, uri, predicate=lambda ds: True, timeout=30.0):
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri and predicate(m["params"]["diagnostics"]), timeout)["params"]["diagnostics"]

    def alive(self) -> bool:
        """The server still answers a request."""
        rid = self.send("textDocument/codeAction", {"textDocument": {"uri": "file:///nowhere.py"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}})
        self.response(rid)
        return self.proc.poll() is None

    def _stderr(self) -> str:
        if self.proc.poll() is None:
            return "(running)"
        return self.proc.stderr.read().decode("utf-8", "replace")[-3000:]

    def close(self) -> int:
        if self.proc.poll() is None:
            rid = self.send("shutdown")
            self.response(rid)
            self.send("exit", request=False)
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


@pytest.fixture
def server(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL001', 'CL9']\n" + THRESHOLD)
    client = RawClient(tmp_path)
    rid = client.send("initialize", {"processId": os.getpid(), "rootUri": tmp_path.as_uri(), "capabilities": {}, "initializationOptions": {"debounceMs": 10}})
    assert "capabilities" in client.response(rid)["result"]
    client.send("initialized", {}, request=False)
    yield client
    assert client.close() == 0


def _open(server: RawClient, path: Path, text: str, version: int = 1) -> str:
    uri = path.as_uri()
    server.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": version, "text": text}}, request=False)
    return uri


MALFORMED = [
    b"{not json at all",
    b"[1, 2, 3]",
    b'{"jsonrpc": "2.0"}',
    b'{"jsonrpc": "2.0", "id": 99, "method": 12}',
    b'"just a string"',
    b"\xff\xfe\x00binary",
    b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 5}}',
    b'{"jsonrpc": "2.0", "id": 98, "method": "textDocument/codeAction", "params": null}',
    b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "shutdown"}',
    b"{}" * 10000,
]


def test_survives_malformed_json_rpc(server):
    for body in MALFORMED:
        server.raw(body)
        assert server.alive(), body[:80]


def test_unknown_methods(server):
    rid = server.send("claude/doesNotExist", {"x": 1})
    assert server.response(rid)["error"]["code"] == -32601  # MethodNotFound
    server.send("$/claude/unknownNotification", {"x": 1}, request=False)
    server.send("workspace/unknownNotification", None, request=False)
    assert server.alive()


def test_document_deleted_while_open(server, tmp_path):
    folder = tmp_path / "pkg"
    folder.mkdir()
    path = folder / "bot.py"
    path.write_text(BAD)
    (folder / "other.py").write_text(BAD)
    uri = _open(server, path, BAD)
    assert [d["code"] for d in server.diagnostics(uri, lambda ds: bool(ds))] == ["CL001"]
    shutil.rmtree(folder)  # the file, its sibling and its folder vanish under the editor
    server.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": BAD + "\n"}]}, request=False)
    server.send("textDocument/didSave", {"textDocument": {"uri": uri}}, request=False)
    assert [d["code"] for d in server.diagnostics(uri, lambda ds: bool(ds))] == ["CL001"]  # the buffer is still linted
    server.send("textDocument/didClose", {"textDocument": {"uri": uri}}, request=False)
    assert server.diagnostics(uri, lambda ds: ds == []) == []
    assert server.alive()


def test_documents_that_never_existed_and_odd_uris(server, tmp_path):
    for uri in ((tmp_path / "no" / "such" / "dir" / "x.py").as_uri(), "untitled:Untitled-1", "file:///", "file://host/share/x.py"):
        server.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": BAD}}, request=False)
        server.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": {"start": {"line": 999, "character": 0}, "end": {"line": 1000, "character": 5}}, "text": "x"}]}, request=False)
        server.send("textDocument/didClose", {"textDocument": {"uri": uri}}, request=False)
    # Changes and closes for documents never opened.
    ghost = (tmp_path / "ghost.py").as_uri()
    server.send("textDocument/didChange", {"textDocument": {"uri": ghost, "version": 5}, "contentChanges": [{"text": "x"}]}, request=False)
    server.send("textDocument/didClose", {"textDocument": {"uri": ghost}}, request=False)
    assert server.alive()


def test_binary_and_deeply_nested_buffers(server, tmp_path):
    binary = _open(server, tmp_path / "blob.py", "import anthropic\x00messages\x01")
    assert [d["code"] for d in server.diagnostics(binary, lambda ds: bool(ds))] == ["CL902"]
    deep = _open(server, tmp_path / "deep.py", BAD + "x = " + "(" * 5000 + ")" * 5000 + "\n")
    assert [d["code"] for d in server.diagnostics(deep, lambda ds: bool(ds))] == ["CL901"]
    assert server.alive()


def test_server_makes_no_network_access(tmp_path):
    """The server, with sockets replaced by a tripwire: stdio only."""
    watch = tmp_path / "watch"
    watch.mkdir()
    (watch / "sitecustomize.py").write_text(WATCH)
    log = watch / "events.jsonl"
    (tmp_path / "proj").mkdir()
    root = tmp_path / "proj"
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\n[tool.claude-lint]\nextend-select = ['CL001']\n" + THRESHOLD)
    client = RawClient(root, env={**os.environ, "PYTHONPATH": str(watch), "CLAUDE_LINT_WATCH_LOG": str(log)})
    rid = client.send("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}})
    client.response(rid)
    client.send("initialized", {}, request=False)
    uri = _open(client, root / "bot.py", BAD)
    assert "CL001" in [d["code"] for d in client.diagnostics(uri, lambda ds: bool(ds))]
    assert client.close() == 0
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(kind == "loaded" for kind, _ in events)
    assert [e for e in events if e[0] == "network"] == []
