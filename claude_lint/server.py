"""`claude-lint server`: a Language Server over stdio (pygls), for editors.

The same engine as the command line, on the open buffer: the buffer's text is linted as
the file it is (like `--stdin-filename`), with the settings of the nearest
pyproject.toml / claude-lint.toml, and in the context of its project, so project-wide
rules see the other files on disk. Diagnostics are published on open, on save and,
debounced, on change; cleared on close. Code actions: the rule's fix where the
diagnostic carries one, and `# noqa: CODE`.
"""
from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import tokenize
from typing import Dict, List, Optional, Tuple

try:
    from lsprotocol import types
    from pygls.lsp.server import LanguageServer
except ImportError as exc:  # pragma: no cover - the message is the point
    raise SystemExit("claude-lint server needs the `lsp` extra: pip install 'claude-lint[lsp]'") from exc

from claude_lint import __version__
from claude_lint.diagnostics import Diagnostic

log = logging.getLogger("claude_lint.server")

DEBOUNCE_SECONDS = 0.25
SOURCE = "claude-lint"
NOQA = re.compile(r"#\s*noqa(?P<colon>:\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


class ClaudeLintServer(LanguageServer):
    def __init__(self):
        super().__init__("claude-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = DEBOUNCE_SECONDS
        self.pending: Dict[str, asyncio.TimerHandle] = {}
        # uri -> the findings last published for it, to answer code actions
        self.published: Dict[str, List[Tuple[types.Diagnostic, Diagnostic]]] = {}


server = ClaudeLintServer()


# facts of the project's other files, by path and mtime: re-read only when they change on disk
_CONTEXT_FACTS = None


def _context_cache():
    global _CONTEXT_FACTS
    if _CONTEXT_FACTS is None:
        from claude_lint.engine import ContextCache

        _CONTEXT_FACTS = ContextCache()
    return _CONTEXT_FACTS


def lint_text(path: str, text: str) -> Tuple[List[Diagnostic], Optional[str]]:
    """The findings for `text` as the file `path`, or the configuration error that prevents them."""
    from claude_lint import config
    from claude_lint.engine import MAX_FILE_BYTES, lint

    try:
        settings = config.load(os.path.dirname(path) or ".")
    except config.ConfigError as exc:
        return [], str(exc)
    if len(text) > MAX_FILE_BYTES:
        # More characters than the limit has bytes: the engine says so from a prefix,
        # without a copy of the whole buffer.
        data = text[: MAX_FILE_BYTES + 1].encode("utf-8", "replace")
    else:
        data = text.encode("utf-8")
    return lint([], settings, stdin=(path, data), context_cache=_context_cache()).diagnostics, None


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
        code_description=types.CodeDescription(href=d.url),
        source=SOURCE,
        data={"name": d.name, "fixable": bool(d.fix and d.fix.edits)},
    )


async def lint_document(ls: ClaudeLintServer, uri: str) -> None:
    ls.pending.pop(uri, None)
    doc = ls.workspace.get_text_document(uri)
    if not uri.startswith("file:") or doc.path is None:
        return
    from claude_lint.discover import kind_of

    if kind_of(doc.path) is None:
        return  # not a kind of file claude-lint reads
    version, text = doc.version, doc.source
    loop = asyncio.get_running_loop()
    # off the event loop, so that typing and other requests are not held up by a lint
    found, error = await loop.run_in_executor(ls.thread_pool, lint_text, doc.path, text)
    current = ls.workspace.text_documents.get(uri)
    if current is None or current.version != version:
        return  # closed or edited meanwhile: a newer lint is on its way
    if error is not None:
        ls.window_log_message(types.LogMessageParams(types.MessageType.Error, f"claude-lint: {error}"))
        pairs = [(types.Diagnostic(range=types.Range(types.Position(0, 0), types.Position(0, 0)), message=error, severity=types.DiagnosticSeverity.Error, source=SOURCE), None)]
    else:
        pairs = [(to_lsp(doc, d), d) for d in found]
    ls.published[uri] = [p for p in pairs if p[1] is not None]
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[p[0] for p in pairs], version=version))


def schedule(ls: ClaudeLintServer, uri: str, delay: float) -> None:
    handle = ls.pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    loop = asyncio.get_running_loop()
    ls.pending[uri] = loop.call_later(delay, lambda: asyncio.ensure_future(lint_document(ls, uri)))


@server.feature(types.INITIALIZE)
def initialize(ls: ClaudeLintServer, params: types.InitializeParams):
    options = params.initialization_options or {}
    if isinstance(options, dict) and isinstance(options.get("debounceMs"), (int, float)):
        ls.debounce = max(0.0, options["debounceMs"] / 1000)


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
    doc = ls.workspace.get_text_document(uri)
    wanted = [c for c in params.context.diagnostics if c.source == SOURCE]
    actions: List[types.CodeAction] = []
    for lsp_diag, d in ls.published.get(uri, []):
        asked = [c for c in wanted if c.code == lsp_diag.code and c.range == lsp_diag.range]
        if not asked and not (not wanted and _overlaps(lsp_diag.range, params.range)):
            continue
        related = asked or [lsp_diag]
        if d.fix is not None and d.fix.edits:
            edits = [types.TextEdit(_lsp_range(doc, e.row, e.col, e.end_row, e.end_col), e.content) for e in d.fix.edits]
            actions.append(
                types.CodeAction(
                    title=f"Fix {d.code}: {d.fix.message}",
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


def comment_row(source: str, row: int) -> int:
    """The first line at or after `row` that ends outside a string, where a comment can go:
    a `# noqa` on any line of the flagged statement counts."""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT) and tok.start[0] >= row:
                return tok.start[0]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return row


def noqa_edit(doc, d: Diagnostic) -> Optional[types.TextEdit]:
    if not (doc.path or "").endswith((".py", ".pyi")) or d.loc.cell is not None:
        return None  # other file kinds have their own comment syntax, or none
    lines = doc.lines
    row = comment_row(doc.source, d.loc.row)
    if not 0 < row <= len(lines):
        return None
    line = lines[row - 1].rstrip("\r\n")
    match = NOQA.search(line)
    if match is not None and match.group("codes") is None:
        return None  # a bare `# noqa` already silences every code
    if match is not None:
        if d.code in re.split(r"[\s,]+", match.group("codes").upper()):
            return None
        at, text = match.end(), f", {d.code}"
    else:
        at, text = len(line), f"  # noqa: {d.code}"
    pos = doc.position_codec.position_to_client_units(lines, types.Position(row - 1, at))
    return types.TextEdit(types.Range(pos, pos), text)


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="claude-lint server: %(message)s")
    server.start_io()
    return 0
