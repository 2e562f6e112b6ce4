"""`claude-lint server`: a Language Server over stdio (pygls), for editors.

The same engine as the command line, on the open buffer: the buffer's text is linted as
the file it is (like `--stdin-filename`), with the settings of the nearest
pyproject.toml / claude-lint.toml, and in the context of its project, so project-wide
rules see the other files on disk. Diagnostics are published on open, on save and,
debounced, on change; cleared on close. Code actions: the rule's fix where the
diagnostic carries one, and `# noqa: CODE`.

The client is not trusted: its byte stream is framed here (pygls' reader waits forever
on a malformed header and reads any Content-Length whole), the workspace it names is
bounded before the project is walked, and the process ends with the client (its
`exit`, the end of stdin, the end of its process), whatever a lint thread is doing.
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence, Set, Tuple, Union
from urllib.parse import unquote, urlparse

try:
    from lsprotocol import types
    from pygls.io_ import StdoutWriter
    from pygls.lsp.server import LanguageServer
    from pygls.protocol import LanguageServerProtocol
except ImportError as exc:  # pragma: no cover - the message is the point
    raise SystemExit("claude-lint server needs the `lsp` extra: pip install '.[lsp]' in a clone of claude-lint (it adds pygls)") from exc

from claude_lint import __version__
from claude_lint.diagnostics import Diagnostic

log = logging.getLogger("claude_lint.server")

DEBOUNCE_SECONDS = 0.25
SOURCE = "claude-lint"

# Other files of a project read for the project-wide rules; a bigger project is judged on
# the buffer alone (initializationOptions.maxContextFiles changes it).
MAX_CONTEXT_FILES = 20_000
# One incoming message. The engine lints at most 5 MB of source; JSON escapes can make a
# buffer's message several times its size. A bigger message is skipped unread.
MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_HEADER_LINE = 8 * 1024
MAX_HEADER_LINES = 32
# A frame that stops arriving half-way (a Content-Length larger than what was sent) is
# dropped after this long without a byte, so the next message is read rather than waited for.
FRAME_IDLE_SECONDS = 10.0
PARENT_POLL_SECONDS = 1.0
# After stdin ends, how long the event loop gets to stop before the reader thread ends the process.
EOF_GRACE_SECONDS = 2.0
READ_CHUNK = 64 * 1024
READ_AHEAD_CHUNKS = 16  # chunks read from stdin and not yet framed: the read-ahead's bound


class _Protocol(LanguageServerProtocol):
    """pygls keeps the future of every handler it runs in `_request_futures`, so that a
    request can be cancelled, but removes it only when it answers a request: each
    notification (every keystroke's didChange) left one behind for good."""

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future = self._request_futures.get(msg_id)
        if future is not None:
            futures = self._request_futures

            def forget(done, msg_id=msg_id):
                if futures.get(msg_id) is done:
                    del futures[msg_id]

            future.add_done_callback(forget)


class ClaudeLintServer(LanguageServer):
    def __init__(self):
        super().__init__("claude-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental, protocol_cls=_Protocol)
        self.debounce = DEBOUNCE_SECONDS
        self.max_context_files = MAX_CONTEXT_FILES
        self.pending: Dict[str, asyncio.TimerHandle] = {}
        # uri -> the findings last published for it, to answer code actions
        self.published: Dict[str, List[Tuple[types.Diagnostic, Optional[Diagnostic]]]] = {}
        self.tasks: Set[asyncio.Future] = set()  # lints under way: asyncio keeps only weak references
        self.initialized = False
        self.shut_down = False
        self.said: Set[str] = set()  # notes given once per server
        # Lints run one at a time, off the event loop: the context cache is not shared
        # between threads, and two 5 MB buffers are not linted at once.
        self.lint_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claude-lint")


server = ClaudeLintServer()


# facts of the project's other files, by path and mtime: re-read only when they change on disk
_CONTEXT_FACTS = None


def _context_cache():
    global _CONTEXT_FACTS
    if _CONTEXT_FACTS is None:
        from claude_lint.engine import ContextCache

        _CONTEXT_FACTS = ContextCache()
    return _CONTEXT_FACTS


def say(ls: ClaudeLintServer, level: int, message: str) -> None:
    """On stderr, and in the editor's log once the session has begun."""
    log.log(level, "%s", message)
    if ls.initialized:
        kind = {logging.ERROR: types.MessageType.Error, logging.WARNING: types.MessageType.Warning}.get(level, types.MessageType.Info)
        ls.window_log_message(types.LogMessageParams(kind, f"claude-lint: {message}"))


def say_once(ls: ClaudeLintServer, level: int, message: str) -> None:
    if message not in ls.said:
        if len(ls.said) >= 10_000:  # bounded: a note may name a file or a position
            ls.said.clear()
        ls.said.add(message)
        say(ls, level, message)


def uri_path(uri: str) -> Optional[str]:
    """The file a `file:` URI names, percent-decoded (pygls leaves `%20` in its paths)."""
    try:
        scheme, netloc, path = urlparse(uri)[:3]
    except (TypeError, ValueError):
        return None
    if scheme != "file" or not path:
        return None
    path = unquote(path)
    if netloc:
        path = f"//{netloc}{path}"  # a UNC path
    elif re.match(r"/[A-Za-z]:", path):
        path = path[1:]  # /C:/x.py
    if os.sep != "/":
        path = path.replace("/", os.sep)
    return path


def _open_document(ls: ClaudeLintServer, uri: str):
    """The open buffer, or None: pygls' get_text_document would make one that reads the
    file on disk, which may be a FIFO that never answers."""
    return ls.workspace.text_documents.get(unquote(uri))


# --- which files give a buffer its project context ----------------------------------------


def too_wide(folder: str) -> bool:
    """A filesystem root, the home folder or a folder above it: never walked as a project."""
    home = os.path.expanduser("~")
    homes = {os.path.normcase(os.path.abspath(home)), os.path.normcase(os.path.realpath(home))} if home != "~" else set()
    for probe in {os.path.normcase(os.path.abspath(folder)), os.path.normcase(os.path.realpath(folder))}:
        if os.path.dirname(probe) == probe:
            return True
        prefix = probe.rstrip(os.sep) + os.sep
        if any(h == probe or h.startswith(prefix) for h in homes):
            return True
    return False


def _inside(path: str, folder: str) -> bool:
    folder = os.path.normcase(os.path.abspath(folder))
    path = os.path.normcase(os.path.abspath(path))
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def context_root(path: str, settings_root: str, marked: bool, folders: Sequence[str]) -> Optional[str]:
    """The folder whose files are the buffer's project context, or None for none: the
    project root its configuration or nearest project marker gives, else the innermost
    workspace folder that holds it; never the filesystem root or the home folder, which
    a `file:///x.py` or a marker in ~ would otherwise make the project."""
    candidates = [settings_root] if marked else []
    holding = [f for f in folders if _inside(path, f)]
    if holding:
        candidates.append(max(holding, key=len))
    for folder in candidates:
        if not too_wide(folder):
            return folder
    return None


def workspace_folders(ls: ClaudeLintServer) -> Tuple[str, ...]:
    uris = list(ls.workspace.folders)
    if ls.workspace.root_uri:
        uris.append(ls.workspace.root_uri)
    return tuple(p for p in (uri_path(u) for u in uris) if p)


# --- linting a buffer -------------------------------------------------------------------


@dataclass
class Outcome:
    diagnostics: List[Diagnostic]
    error: Optional[str] = None  # the configuration error that prevented a lint
    notes: Tuple[Tuple[int, str], ...] = ()  # (logging level, message), said once each


def lint_text(path: str, text: str, folders: Sequence[str] = (), max_context: int = MAX_CONTEXT_FILES) -> Outcome:
    """The findings for `text` as the file `path`, or the configuration error that prevents them."""
    from claude_lint import config
    from claude_lint.checks import by_code
    from claude_lint.engine import MAX_FILE_BYTES, lint
    from claude_lint.facts import UNREADABLE_FILE, FileError, Loc

    try:
        settings = config.load(os.path.dirname(path) or ".")
    except config.ConfigError as exc:
        return Outcome([], str(exc))
    notes: List[Tuple[int, str]] = []
    marked = settings.config_path is not None or any(os.path.exists(os.path.join(settings.root, m)) for m in config.ROOT_MARKERS)
    root = context_root(path, settings.root, marked, folders)
    if root is None:
        notes.append((logging.INFO, f"{path}: no project folder (a project marker or a workspace folder, other than / or the home folder); linted without project context"))
    elif os.path.abspath(root) != os.path.abspath(settings.root):
        settings = replace(settings, root=root)
    extra: List[Diagnostic] = []
    if len(text) > MAX_FILE_BYTES:
        # More characters than the limit has bytes: the engine says so from a prefix,
        # without a copy of the whole buffer.
        data = text[: MAX_FILE_BYTES + 1].encode("utf-8", "replace")
    else:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            # A lone UTF-16 surrogate (JSON allows "\ud800"): no UTF-8 file can hold it.
            # Lint the rest, with U+FFFD in its place (one code unit either way, so
            # positions hold), and say where it is.
            surrogate = re.compile("[\ud800-\udfff]")
            first = surrogate.search(text).start()
            count = sum(1 for _ in surrogate.finditer(text))  # counted, not listed: a buffer may hold millions
            row = text.count("\n", 0, first) + 1
            col = first - (text.rfind("\n", 0, first) + 1) + 1
            more = f" ({count:,} in all)" if count > 1 else ""
            message = (
                f"unpaired UTF-16 surrogate U+{ord(text[first]):04X} in the buffer{more}: no UTF-8 file can hold it; "
                "the rest was linted with U+FFFD in its place"
            )
            if UNREADABLE_FILE in config.selected(settings):
                extra.append(replace(by_code()[UNREADABLE_FILE].from_error(FileError(UNREADABLE_FILE, message, Loc(path, row, col, row, col + 1))), severity="warning"))
            notes.append((logging.WARNING, f"{path}:{row}:{col}: {message}"))
            data = surrogate.sub("\ufffd", text).encode("utf-8")
    limit = max_context if root is not None else 0
    result = lint([], settings, stdin=(path, data), context_cache=_context_cache(), context_limit=limit)
    if result.context_skipped:
        notes.append((
            logging.WARNING,
            f"{root}: more than {limit:,} files; project-wide rules judge each buffer alone "
            "(raise initializationOptions.maxContextFiles to include the project)",
        ))
    return Outcome(result.diagnostics + extra, None, tuple(notes))


def _lint_job(ls: ClaudeLintServer, key: str, version, path: str, text: str, folders, max_context: int) -> Optional[Outcome]:
    current = ls.workspace.text_documents.get(key)
    if current is None or current.version != version:
        return None  # edited or closed while it waited its turn: a newer lint follows
    return lint_text(path, text, folders, max_context)


def _lsp_range(doc, row: int, col: int, end_row: int, end_col: int) -> types.Range:
    lines = doc.lines
    rng = types.Range(types.Position(max(row - 1, 0), max(col - 1, 0)), types.Position(max(end_row - 1, 0), max(end_col - 1, 0)))
    return doc.position_codec.range_to_client_units(lines, rng)


def to_lsp(doc, d: Diagnostic) -> types.Diagnostic:
    return types.Diagnostic(
        range=_lsp_range(doc, d.loc.row, d.loc.col, max(d.loc.end_row, d.loc.row), d.loc.end_col),
        message=d.message,
        severity=types.DiagnosticSeverity.Error if d.severity == "error" else types.DiagnosticSeverity.Warning,
        code=d.code,
        code_description=types.CodeDescription(href=d.url) if d.url else None,
        source=SOURCE,
        data={"name": d.name, "fixable": bool(d.fix and d.fix.edits), "fix_applicability": d.fix.applicability if d.fix and d.fix.edits else None},
    )


async def lint_document(ls: ClaudeLintServer, uri: str) -> None:
    ls.pending.pop(uri, None)
    doc = _open_document(ls, uri)
    path = uri_path(uri)
    if doc is None or path is None:
        return
    from claude_lint.discover import kind_of

    if kind_of(path) is None:
        return  # not a kind of file claude-lint reads
    version, text = doc.version, doc.source
    loop = asyncio.get_running_loop()
    key = unquote(uri)
    try:
        # off the event loop, so that typing and other requests are not held up by a lint
        outcome = await loop.run_in_executor(ls.lint_pool, _lint_job, ls, key, version, path, text, workspace_folders(ls), ls.max_context_files)
    except Exception as exc:  # a bug of ours: said, and the next edit lints again
        log.exception("internal error while linting %s", path)
        say(ls, logging.ERROR, f"internal error while linting {path}: {type(exc).__name__}: {exc}")
        return
    if outcome is None:
        return
    for level, note in outcome.notes:
        say_once(ls, level, note)
    current = ls.workspace.text_documents.get(key)
    if current is None or current.version != version:
        return  # closed or edited meanwhile: a newer lint is on its way
    if outcome.error is not None:
        say(ls, logging.ERROR, outcome.error)
        pairs = [(types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 0)), message=outcome.error, severity=types.DiagnosticSeverity.Error, source=SOURCE), None)]
    else:
        pairs = [(to_lsp(doc, d), d) for d in outcome.diagnostics]
    ls.published[uri] = [p for p in pairs if p[1] is not None]
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[p[0] for p in pairs], version=version))


def _start_lint(ls: ClaudeLintServer, uri: str) -> None:
    task = asyncio.ensure_future(lint_document(ls, uri))
    ls.tasks.add(task)
    task.add_done_callback(ls.tasks.discard)


def schedule(ls: ClaudeLintServer, uri: str, delay: float) -> None:
    handle = ls.pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    loop = asyncio.get_running_loop()
    ls.pending[uri] = loop.call_later(delay, _start_lint, ls, uri)


def _number(value, low: float, high: float) -> Optional[float]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return min(max(float(value), low), high)


@server.feature(types.INITIALIZE)
def initialize(ls: ClaudeLintServer, params: types.InitializeParams):
    options = params.initialization_options or {}
    if isinstance(options, dict):
        debounce = _number(options.get("debounceMs"), 0, 60_000)
        if debounce is not None:
            ls.debounce = debounce / 1000
        most = _number(options.get("maxContextFiles"), 0, 10_000_000)
        if most is not None:
            ls.max_context_files = int(most)
            cache = _context_cache()
            cache.limit = max(cache.limit, 2 * ls.max_context_files)
    watch_client(params.process_id)


@server.feature(types.INITIALIZED)
def initialized(ls: ClaudeLintServer, params):
    ls.initialized = True
    # The project's context (its files' facts, for the project-wide rules) is built now, in
    # the lint thread, rather than when the first buffer opens: the first lint then costs
    # about as much as the next ones. A lint asked for meanwhile waits its turn, as it would
    # have waited for that build anyway.
    folders = workspace_folders(ls)
    for folder in dict.fromkeys(folders):
        if os.path.isdir(folder) and not too_wide(folder):
            ls.lint_pool.submit(_warm_up, folder, folders, ls.max_context_files)


def _warm_up(folder: str, folders: Sequence[str], max_context: int) -> None:
    """Lint an empty buffer at the folder's root (a name no file has): what stays is the
    context read on the way, in memory and in the facts cache."""
    try:
        lint_text(os.path.join(folder, f".claude-lint-warm-up-{os.getpid()}.py"), "", folders, max_context)
    except Exception:  # a bug of ours: logged; the first real lint builds the context instead
        log.exception("internal error while reading the project in %s", folder)


@server.feature(types.SHUTDOWN)
def shutdown(ls: ClaudeLintServer, params):
    ls.shut_down = True


@server.feature(types.EXIT)
def exit_(ls: ClaudeLintServer, params):
    # Now, not once pygls has waited for its threads: a lint still running would hold it.
    end(0 if ls.shut_down else 1)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: ClaudeLintServer, params: types.DidOpenTextDocumentParams):
    await lint_document(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ClaudeLintServer, params: types.DidChangeTextDocumentParams):
    schedule(ls, params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: ClaudeLintServer, params: types.DidSaveTextDocumentParams):
    handle = ls.pending.pop(params.text_document.uri, None)
    if handle is not None:
        handle.cancel()
    await lint_document(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ClaudeLintServer, params: types.DidCloseTextDocumentParams):
    uri = params.text_document.uri
    handle = ls.pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    ls.published.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


def _overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (b.start.line, b.start.character) <= (a.end.line, a.end.character)


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_action(ls: ClaudeLintServer, params: types.CodeActionParams) -> List[types.CodeAction]:
    uri = params.text_document.uri
    doc = _open_document(ls, uri)
    if doc is None:
        return []
    wanted = [c for c in params.context.diagnostics if c.source == SOURCE]
    actions: List[types.CodeAction] = []
    for lsp_diag, d in ls.published.get(uri, []):
        asked = [c for c in wanted if c.code == lsp_diag.code and c.range == lsp_diag.range]
        if not asked and not (not wanted and _overlaps(lsp_diag.range, params.range)):
            continue
        related = asked or [lsp_diag]
        if d.fix is not None and d.fix.edits:
            edits = [types.TextEdit(_lsp_range(doc, e.row, e.col, e.end_row, e.end_col), e.content) for e in d.fix.edits]
            # The CLI applies an unsafe fix only with --unsafe-fixes: the editor says so in the title.
            unsafe = "" if d.fix.applicability == "safe" else " (unsafe: may change behaviour)"
            actions.append(
                types.CodeAction(
                    title=f"Fix {d.code}{unsafe}: {d.fix.message}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=related,
                    is_preferred=d.fix.applicability == "safe",
                    edit=types.WorkspaceEdit(changes={uri: edits}),
                )
            )
        noqa = noqa_edit(doc, d)
        if noqa is not None:
            actions.append(
                types.CodeAction(
                    title=f"Disable {d.code} for this line (# noqa: {d.code})",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=related,
                    edit=types.WorkspaceEdit(changes={uri: [noqa]}),
                )
            )
    return actions


def noqa_edit(doc, d: Diagnostic) -> Optional[types.TextEdit]:
    """The edit that silences `d` with a `# noqa` comment, placed as `--add-noqa` places it."""
    if not (doc.path or "").endswith((".py", ".pyi")) or d.loc.cell is not None:
        return None  # other file kinds have their own comment syntax, or none
    from claude_lint import noqa

    found = noqa.placements(doc.source, {d.loc.row: {d.code}})
    if not found:
        return None
    row, at, _, text = found[0]
    lines = doc.lines
    if not 0 < row <= len(lines):
        return None
    pos = doc.position_codec.position_to_client_units(lines, types.Position(row - 1, at))
    return types.TextEdit(types.Range(pos, pos), text)


# --- the connection ------------------------------------------------------------------------


def end(code: int, why: Optional[str] = None) -> None:
    """Ends the process now. Not sys.exit: the interpreter would wait for the lint thread
    and for the thread blocked reading stdin, which is how an orphaned server lingered."""
    if why:
        log.warning("%s", why)
    try:
        sys.stderr.flush()
    finally:
        os._exit(code)


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists; True when it cannot be told."""
    if sys.platform == "win32":
        # os.kill(pid, 0) would terminate the process on Windows.
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() != 87  # ERROR_INVALID_PARAMETER: no such process
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # EPERM: it exists, as someone else's
    return True


def watch_client(pid) -> None:
    """The LSP asks a server to exit when the client's process (initialize's processId) is
    gone, as an editor that crashed may leave stdin open (a child holding the pipe)."""
    if isinstance(pid, bool) or not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return
    if not process_alive(pid):
        # Not visible from here (another PID namespace, as in a container): not watched.
        log.info("client process %s not visible; not watched", pid)
        return

    def watch():
        while True:
            time.sleep(PARENT_POLL_SECONDS)
            if not process_alive(pid):
                end(1, f"the client's process {pid} has exited; stopping")

    threading.Thread(target=watch, name="claude-lint-client-watch", daemon=True).start()


class Framer:
    """Cuts the client's byte stream into message bodies by their Content-Length
    headers. What is not a well-formed frame is skipped and reported, never waited on:
    the next header is looked for, including at the end of a line of debris (the body of
    a frame whose length was wrong runs into the next header)."""

    NAME = b"content-length:"

    def __init__(self, max_body: int = MAX_MESSAGE_BYTES):
        self.max_body = max_body
        self.buffer = bytearray()
        self.headers: List[bytes] = []
        self.length: Optional[int] = None  # of the body being read
        self.dropping = 0  # bytes of an oversized body still to drop
        self.debris = 0  # bytes skipped since the last good header

    @property
    def partial(self) -> bool:
        return bool(self.buffer or self.headers or self.length is not None or self.dropping)

    def feed(self, data: bytes) -> List[Tuple[str, Union[bytes, str]]]:
        """("message", body) and ("skipped", why) events, in order."""
        self.buffer += data
        out: List[Tuple[str, Union[bytes, str]]] = []
        while True:
            if self.dropping:
                n = min(self.dropping, len(self.buffer))
                del self.buffer[:n]
                self.dropping -= n
                if self.dropping:
                    break
                continue
            if self.length is not None:
                if len(self.buffer) < self.length:
                    break
                body = bytes(self.buffer[: self.length])
                del self.buffer[: self.length]
                self.length = None
                out.append(("message", body))
                continue
            newline = self.buffer.find(b"\n")
            if newline < 0:
                if len(self.buffer) > MAX_HEADER_LINE:
                    # No header is this long: debris. Keep a tail a header may start in.
                    cut = len(self.buffer) - 64
                    del self.buffer[:cut]
                    self.debris += cut
                break
            line = bytes(self.buffer[:newline]).rstrip(b"\r")
            del self.buffer[: newline + 1]
            self._line(line, out)
        return out

    def _line(self, line: bytes, out) -> None:
        if not line.strip():
            if self.headers:
                self._headers_done(out)
            return  # blank lines between frames are harmless
        at = line.lower().rfind(self.NAME)
        if at > 0:
            self.debris += at + sum(len(h) + 1 for h in self.headers)
            self.headers = []
            line = line[at:]
        elif at < 0 and (b":" not in line or len(self.headers) >= MAX_HEADER_LINES):
            self.debris += len(line) + 1
            return
        self.headers.append(line)

    def _headers_done(self, out) -> None:
        headers, self.headers = self.headers, []
        values = {h.split(b":", 1)[1].strip() for h in headers if h.split(b":", 1)[0].strip().lower() == self.NAME[:-1]}
        why = None
        if not values:
            why = "a message header without Content-Length"
        elif len(values) > 1:
            why = "a message header with conflicting Content-Length values"
        else:
            value = values.pop()
            if not re.fullmatch(rb"[0-9]{1,15}", value):
                why = f"a message header with a malformed Content-Length ({value[:40].decode('ascii', 'replace')!r})"
        if why is not None:
            out.append(("skipped", f"{why}: skipped; reading on from the next header"))
            return
        if self.debris:
            out.append(("skipped", f"{self.debris:,} bytes that were not part of a message: skipped"))
            self.debris = 0
        length = int(value)
        if length > self.max_body:
            self.dropping = length
            out.append(("skipped", f"a message of {length:,} bytes, over the {self.max_body // (1024 * 1024)} MB limit: skipped unread"))
        elif length == 0:
            out.append(("skipped", "an empty message: skipped"))
        else:
            self.length = length

    def abandon(self) -> Optional[str]:
        """Nothing more came in mid-frame: drop the partial frame and read what comes next as a new one."""
        if self.length is not None:
            why = f"an incomplete message ({len(self.buffer):,} of {self.length:,} bytes)"
        elif self.dropping:
            why = f"an oversized message, {self.dropping:,} bytes short"
        elif self.partial:
            why = "an incomplete message header"
        else:
            return None
        self.buffer.clear()
        self.headers = []
        self.length = None
        self.dropping = 0
        self.debris = 0
        return f"{why}, then nothing for {FRAME_IDLE_SECONDS:g} s: dropped"


class Connection:
    """The event loop's side of stdin: frames the chunks the reader thread hands over and
    dispatches the messages to pygls, as its own reader loop would."""

    def __init__(self, ls: ClaudeLintServer, loop: asyncio.AbstractEventLoop):
        self.ls = ls
        self.loop = loop
        self.framer = Framer()
        self.slots = threading.Semaphore(READ_AHEAD_CHUNKS)
        self.idle: Optional[asyncio.TimerHandle] = None

    def feed(self, chunk: bytes) -> None:
        self.slots.release()
        for kind, value in self.framer.feed(chunk):
            if kind == "message":
                self.dispatch(value)  # type: ignore[arg-type]
            else:
                say(self.ls, logging.WARNING, str(value))
        if self.idle is not None:
            self.idle.cancel()
            self.idle = None
        if self.framer.partial:
            self.idle = self.loop.call_later(FRAME_IDLE_SECONDS, self.stalled)

    def stalled(self) -> None:
        self.idle = None
        why = self.framer.abandon()
        if why is not None:
            say(self.ls, logging.WARNING, why)

    def dispatch(self, body: bytes) -> None:
        protocol = self.ls.protocol
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except Exception as exc:  # not JSON, or not a message pygls knows how to read
            self.refuse(body, exc)
            return
        try:
            protocol.handle_message(message)
        except Exception as exc:
            log.exception("cannot handle a message")
            say(self.ls, logging.ERROR, f"cannot handle a message: {type(exc).__name__}: {exc}")

    def refuse(self, body: bytes, exc: Exception) -> None:
        try:
            raw = json.loads(body)
        except Exception:
            raw = None
        what = f"{raw.get('method')!r}" if isinstance(raw, dict) and isinstance(raw.get("method"), str) else "a message"
        cause = exc.__cause__ or exc
        say(self.ls, logging.WARNING, f"ignored {what} that is not valid JSON-RPC ({type(cause).__name__}: {str(cause)[:200]})")
        if isinstance(raw, dict) and isinstance(raw.get("id"), (int, str)) and not isinstance(raw.get("id"), bool) and "method" in raw:
            # A request still gets its answer, or the client would wait on it for ever.
            self.ls.protocol._send_response(raw["id"], error=types.ResponseError(code=-32602, message=f"invalid request: {str(cause)[:200]}"))

    def eof(self) -> None:
        end(0 if self.ls.shut_down else 1, None if self.ls.shut_down else "stdin closed: the client is gone; stopping")


def read_stdin(stdin, loop: asyncio.AbstractEventLoop, connection: Connection) -> None:
    """The reader thread: hands stdin's bytes to the event loop as they come, at most
    READ_AHEAD_CHUNKS ahead of it, and notices the end of stdin even while a lint runs."""
    try:
        while True:
            connection.slots.acquire()
            chunk = stdin.read1(READ_CHUNK)
            if not chunk:
                break
            loop.call_soon_threadsafe(connection.feed, chunk)
    except (OSError, ValueError):
        pass  # a broken or closed stdin: the client is gone all the same
    try:
        loop.call_soon_threadsafe(connection.eof)
    except RuntimeError:
        pass
    time.sleep(EOF_GRACE_SECONDS)
    end(1, "stdin closed and the event loop did not stop; stopping")


def serve(ls: ClaudeLintServer, stdin, stdout) -> None:
    """Serves the client on stdin/stdout until it goes: its `exit`, the end of stdin, or
    the end of its process. Does not return."""
    ls.protocol.set_writer(StdoutWriter(stdout))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    connection = Connection(ls, loop)
    threading.Thread(target=read_stdin, args=(stdin, loop, connection), name="claude-lint-stdin", daemon=True).start()
    code = 1
    try:
        loop.run_forever()
    except SystemExit as exc:  # pygls' own `exit` handling, were ours bypassed
        code = exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:
        log.warning("stdout closed: the client is gone; stopping")
    except KeyboardInterrupt:
        pass
    end(code)


class _OneLine(logging.Filter):
    """Log records as one line each, without tracebacks: pygls prints one for every
    malformed message, and a hostile client must not fill the editor's log with them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            text = record.getMessage()
        except Exception:  # a malformed record of someone else's: its format string alone
            text = str(record.msg)
        record.msg, record.args = (text.splitlines() or [""])[0][:1000], ()
        record.exc_info = record.exc_text = record.stack_info = None
        return True


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="claude-lint server: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(_OneLine())
    serve(server, sys.stdin.buffer, sys.stdout.buffer)
    return 0  # not reached: serve ends the process
