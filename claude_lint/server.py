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
import logging
import math
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Dict, List, Optional, Sequence, Set, Tuple
from urllib.parse import unquote

try:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
    from pygls.protocol import LanguageServerProtocol
except ImportError as exc:  # pragma: no cover - the message is the point
    raise SystemExit("claude-lint server needs the `lsp` extra: pip install '.[lsp]' in a clone of claude-lint (it adds pygls)") from exc

from claude_lint import __version__
from claude_lint.diagnostics import Diagnostic
from claude_lint.server_connection import end, say, serve, watch_client
from claude_lint.server_paths import context_root, too_wide, uri_path

log = logging.getLogger("claude_lint.server")

DEBOUNCE_SECONDS = 0.25
SOURCE = "claude-lint"

# Other files of a project read for the project-wide rules; a bigger project is judged on
# the buffer alone (initializationOptions.maxContextFiles changes it).
MAX_CONTEXT_FILES = 20_000


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


def say_once(ls: ClaudeLintServer, level: int, message: str) -> None:
    if message not in ls.said:
        if len(ls.said) >= 10_000:  # bounded: a note may name a file or a position
            ls.said.clear()
        ls.said.add(message)
        say(ls, level, message)


def _open_document(ls: ClaudeLintServer, uri: str):
    """The open buffer, or None: pygls' get_text_document would make one that reads the
    file on disk, which may be a FIFO that never answers."""
    return ls.workspace.text_documents.get(unquote(uri))


# --- which files give a buffer its project context ----------------------------------------


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
                extra.append(replace(by_code([UNREADABLE_FILE])[UNREADABLE_FILE].from_error(FileError(UNREADABLE_FILE, message, Loc(path, row, col, row, col + 1))), severity="warning"))
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
