"""`claude-lint server` end to end: a real LSP client (pytest-lsp) talks to the installed
server over stdio."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp needs Python 3.10+")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from conftest import claude_lint_command  # noqa: E402

BAD = '''import anthropic

client = anthropic.Anthropic()


def ask(q):
    return client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=16000,
        messages=[{"role": "user", "content": q}],
    )
'''
# The workspace selects CL001 (a preview rule) in its fixed-threshold mode, as a user can:
# BAD's 16000 with no evidence of the answer's size is then the finding these tests follow.
CONFIG = "[tool.claude-lint]\nselect = ['CL001']\n\n[tool.claude-lint.CL001]\nmode = \"threshold\"\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[claude_lint_command(), "server"]))
async def client(lsp_client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
            initialization_options={"debounceMs": 50},
        )
    )
    yield
    await lsp_client.shutdown_session()


async def _wait_for(client: LanguageClient, uri: str, predicate, timeout: float = 30.0):
    async def loop():
        while True:
            found = client.diagnostics.get(uri)
            if found is not None and predicate(found):
                return found
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(loop(), timeout)


def _open(client: LanguageClient, path: Path, text: str) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    return uri


def _apply(text: str, edits) -> str:
    lines = text.splitlines(keepends=True)

    def offset(pos):
        return sum(len(l) for l in lines[: pos.line]) + pos.character  # ASCII test text: UTF-16 units are characters

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(e.range.start)] + e.new_text + text[offset(e.range.end) :]
    return text


@pytest.mark.asyncio
async def test_open_change_save_close(client: LanguageClient, tmp_path):
    uri = _open(client, tmp_path / "bot.py", BAD)
    found = await _wait_for(client, uri, lambda d: len(d) == 1)
    d = found[0]
    assert d.code == "CL001" and d.source == "claude-lint"
    assert "max_tokens=16000" in d.message
    # the span of `16000`, 0-based
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (8, 19, 24)
    assert d.code_description is None  # no dead link to a page that is not published

    # an edit that fixes it: the diagnostics are updated (debounced)
    fixed = BAD.replace("16000", "1024")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=d.range, text="1024")],
        )
    )
    await _wait_for(client, uri, lambda d: len(d) == 0)

    # an edit that breaks it again, then a save: back again
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed.replace("1024", "9000"))],
        )
    )
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    found = await _wait_for(client, uri, lambda d: len(d) == 1)
    assert "max_tokens=9000" in found[0].message

    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await _wait_for(client, uri, lambda d: len(d) == 0)


@pytest.mark.asyncio
async def test_noqa_code_action_silences_the_finding(client: LanguageClient, tmp_path):
    uri = _open(client, tmp_path / "bot.py", BAD)
    found = await _wait_for(client, uri, lambda d: len(d) == 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=list(found)),
        )
    )
    noqa = [a for a in actions if "noqa" in a.title]
    assert len(noqa) == 1, [a.title for a in actions]
    edits = noqa[0].edit.changes[uri]
    new_text = _apply(BAD, edits)
    assert "        max_tokens=16000,  # noqa: CL001\n" in new_text

    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)],
        )
    )
    await _wait_for(client, uri, lambda d: len(d) == 0)


@pytest.mark.asyncio
async def test_noqa_goes_after_a_multiline_string(client: LanguageClient, tmp_path):
    # the flagged line opens a string: the comment must go where Python sees a comment
    text = BAD.replace("max_tokens=16000,", 'max_tokens=16000, metadata={"note": """a\nb"""},')
    uri = _open(client, tmp_path / "bot.py", text)
    found = await _wait_for(client, uri, lambda d: len(d) == 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri=uri), found[0].range, types.CodeActionContext(diagnostics=list(found)))
    )
    [noqa] = [a for a in actions if "noqa" in a.title]
    new_text = _apply(text, noqa.edit.changes[uri])
    assert 'b"""},  # noqa: CL001\n' in new_text
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2), [types.TextDocumentContentChangeWholeDocument(text=new_text)]
        )
    )
    await _wait_for(client, uri, lambda d: len(d) == 0)


def _fixable_example(probe_dir: Path):
    """A rule's own `fires` example whose finding carries fix edits, if any rule has one."""
    from claude_lint.checks import all_rules
    from claude_lint.checks.base import example_source
    from conftest import lint_tree, write_project

    for rule in all_rules():
        for i, example in enumerate(map(example_source, rule.fires)):
            if not isinstance(example, str):
                continue
            where = probe_dir / f"{rule.code}-{i}"
            where.mkdir(parents=True)
            write_project(where, example)
            found = lint_tree(where, select=(rule.code,)).diagnostics
            if any(d.fix is not None and d.fix.edits for d in found):
                return rule.code, example
    return None


@pytest.mark.asyncio
async def test_fix_code_action_applies_the_rules_edits(client: LanguageClient, tmp_path, tmp_path_factory):
    probe = _fixable_example(tmp_path_factory.mktemp("probe"))
    assert probe is not None, "no rule example carries fix edits"
    code, example = probe
    (tmp_path / "pyproject.toml").write_text(f"[tool.claude-lint]\nselect = ['{code}']\n")
    uri = _open(client, tmp_path / "example.py", example)
    found = await _wait_for(client, uri, lambda d: any(x.code == code for x in d))
    target = next(x for x in found if x.code == code)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri=uri), target.range, types.CodeActionContext(diagnostics=[target]))
    )
    fixes = [a for a in actions if a.title.startswith(f"Fix {code}")]
    assert fixes, [a.title for a in actions]
    new_text = _apply(example, fixes[0].edit.changes[uri])
    assert new_text != example
    before = sum(1 for x in found if x.code == code)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=2), [types.TextDocumentContentChangeWholeDocument(text=new_text)]
        )
    )
    await _wait_for(client, uri, lambda d: sum(1 for x in d if x.code == code) < before)


@pytest.mark.asyncio
async def test_a_configuration_error_is_shown_not_crashed_on(client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.claude-lint]\nselectt = ['CL001']\n")
    uri = _open(client, tmp_path / "bot.py", BAD)
    [d] = await _wait_for(client, uri, lambda d: len(d) == 1)
    assert "unknown key `selectt`" in d.message and d.severity == types.DiagnosticSeverity.Error
    # fixed on disk: the next lint picks the corrected configuration up
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    [d] = await _wait_for(client, uri, lambda d: len(d) == 1 and d[0].code == "CL001")


@pytest.mark.asyncio
async def test_an_unsafe_fix_says_so_and_is_not_preferred(client: LanguageClient, tmp_path):
    # CL001's fix lowers max_tokens: the CLI applies it only with --unsafe-fixes.
    uri = _open(client, tmp_path / "bot.py", BAD)
    found = await _wait_for(client, uri, lambda d: len(d) == 1)
    assert found[0].data["fix_applicability"] == "unsafe"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(types.TextDocumentIdentifier(uri=uri), found[0].range, types.CodeActionContext(diagnostics=list(found)))
    )
    [fix] = [a for a in actions if a.title.startswith("Fix CL001")]
    assert fix.title.startswith("Fix CL001 (unsafe: may change behaviour): Lower max_tokens to ")
    assert not fix.is_preferred
