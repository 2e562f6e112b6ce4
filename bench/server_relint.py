#!/usr/bin/env python3
"""Time the language server's re-lint of a 1,000-line open document after a change.

    python bench/server_relint.py [--changes N] [--context-files K | --root PROJECT] [--command CLAUDE_LINT] [--json]

Starts `claude-lint server` (the installed command, the `lsp` extra) under a real LSP
client, opens a generated 1,000-line module with LLM calls in a throwaway project, then
sends N edits that alternately add and remove one finding of a default rule (a retired
model written in one call: CL007), and times each edit from the
didChange notification to the publishDiagnostics that reflects it. The debounce is set
to 0 here, so the figures are the lint itself plus the round trip; an editor adds the
debounce (250 ms by default) on top while the user is typing. With --context-files K the
project also holds K other modules (half of them calling the SDK), which project-wide
rules read for their facts. Needs pytest-lsp (the test extra) for its client.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import client_capabilities, make_test_lsp_client

CALL = '''
def task_{i}(q, history):
    """Task {i}."""
    prompt = PREFIX + q
    if len(history) > 10:
        history = history[-10:]
    reply = client.messages.create(
        model=MODELS[{i} % 2],
        max_tokens={limit},
        system=SYSTEM,
        messages=history + [{{"role": "user", "content": prompt}}],
    )
    text = reply.content[0].text
    return text.strip()

'''


def module(lines: int) -> str:
    head = (
        "import anthropic\n\nclient = anthropic.Anthropic()\n"
        'MODELS = ["claude-haiku-4-5", "claude-sonnet-4-6"]\nSYSTEM = "You are terse."\nPREFIX = "Q: "\n\n'
    )
    body, i = [head], 0
    while sum(b.count("\n") for b in body) < lines - 15:
        body.append(CALL.format(i=i, limit=512))
        i += 1
    text = "".join(body)
    pad = lines - text.count("\n")
    return text + "".join(f"# filler {n}\n" for n in range(pad))


async def measure(command: str, root: Path, text: str, changes: int, name: str = "big.py") -> tuple:
    client = make_test_lsp_client()
    await client.start_io(command, "server")
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(), initialization_options={"debounceMs": 0}
        )
    )
    path = root / name
    path.write_text(text)
    uri = path.as_uri()

    async def settle(count: int):
        while uri not in client.diagnostics or len(client.diagnostics[uri]) != count:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    async def first_publish() -> int:
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return len(client.diagnostics[uri])

    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text)))
    start = time.perf_counter()
    # The project's own configuration decides what else the document reports, so the
    # edits are counted from whatever the first lint publishes.
    baseline = await asyncio.wait_for(first_publish(), 600)
    first = (time.perf_counter() - start) * 1000
    print(f"first lint on didOpen (cold process): {first:.0f} ms", file=sys.stderr)
    # A retired model is an error of a default rule (CL007) whatever rules are in preview.
    line = next(n for n, l in enumerate(text.splitlines()) if "model=MODELS[" in l)
    lines = {False: text.splitlines()[line], True: '        model="claude-3-haiku-20240307",'}
    timings = []
    for version in range(2, changes + 2):
        retired = version % 2 == 0
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(line, 0), types.Position(line, len(lines[not retired]))),
                    text=lines[retired])],
            )
        )
        await asyncio.wait_for(settle(baseline + 1 if retired else baseline), 60)
        timings.append((time.perf_counter() - start) * 1000)
    await client.shutdown_session()
    await client.stop()
    return first, timings


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--context-files", type=int, default=0)
    parser.add_argument("--root", type=Path, help="an existing project to open the document in (it is written there as a new file, then removed)")
    parser.add_argument("--command", help="the claude-lint to start (default: the one beside this Python)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object on stdout")
    args = parser.parse_args()
    command = args.command or shutil.which("claude-lint", path=os.path.dirname(sys.executable)) or "claude-lint"
    text = module(args.lines)
    if args.root is not None:
        name = f"relint_{os.getpid()}.py"
        try:
            first, timings = asyncio.run(measure(command, args.root.resolve(), text, args.changes, name))
        finally:
            (args.root / name).unlink(missing_ok=True)
    else:
        root = Path(tempfile.mkdtemp(prefix="relint-"))
        try:
            (root / "pyproject.toml").write_text("[tool.claude-lint]\nselect = ['CL']\n")
            for k in range(args.context_files):
                other = module(200) if k % 2 == 0 else "".join(f"def f{n}(x):\n    return x + {n}\n\n" for n in range(60))
                (root / f"mod_{k}.py").write_text(other)
            first, timings = asyncio.run(measure(command, root, text, args.changes))
        finally:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        import json

        print(json.dumps({"first_ms": first, "edits_ms": timings}))
        return 0
    if os.environ.get("RELINT_VERBOSE"):
        print("each edit (ms):", " ".join(f"{t:.0f}" for t in timings))
    ordered = sorted(timings)
    print(f"first lint on didOpen (cold process): {first:.0f} ms")
    print(f"document: {text.count(chr(10))} lines, {text.count('messages.create')} LLM calls; project context: "
          f"{args.root if args.root is not None else str(args.context_files) + ' other files'}")
    print(f"re-lint after a change ({len(timings)} edits, debounce 0): "
          f"median {statistics.median(timings):.0f} ms, p90 {ordered[int(0.9 * (len(ordered) - 1))]:.0f} ms, "
          f"min {ordered[0]:.0f} ms, max {ordered[-1]:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
