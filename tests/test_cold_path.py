"""What the cold path skips must not change what it finds (issue 20): a run without a pool
does not import multiprocessing, the triage does not decode a file that surely decodes,
and the second phase leaves start-up's frozen objects frozen."""
from __future__ import annotations

import gc
import os
import subprocess
import sys

import pytest

from claude_lint.config import Settings
from claude_lint.discover import discover
from claude_lint.gather import gather, wrapper_callers
from claude_lint.linter import Linter
from claude_lint.source_read import plainly_readable, read_source

from conftest import write_project


def test_a_run_without_a_pool_does_not_import_multiprocessing():
    code = (
        "import sys\nfrom claude_lint import pool\n"
        "assert pool.workers_for([(None, b'x' * pool.MIN_BYTES)] * pool.MIN_FILES) == 1\n"
        "print('multiprocessing' in sys.modules)\n"
    )
    env = {**os.environ, "CLAUDE_LINT_NO_POOL": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out


@pytest.mark.parametrize("data", [
    b"", b"\n", b"x = 1\n", b"x = '\\xff'  # escapes are text\n", b"\n\n# coding: no-such\nx = 1\n",
    b"# coding: no-such\nx = 1\n", b"\n# -*- coding: no-such -*-\n", b"#!/usr/bin/env python\n# coding: utf-16\nx = 1\n",
    b"x = 1\x00\n", b"\xef\xbb\xbfx = 1\n", b"\xff\xfex\x00", "x = 'caf\u00e9'\n".encode("utf-8"), b"x = '\xe9'\n",
])
def test_what_the_triage_does_not_decode_decodes_without_error(data):
    text, error, _ = read_source("/p/x.py", "x.py", data)
    if plainly_readable(data):
        assert error is None and text == data.decode("ascii")
    if b"no-such" in data.split(b"\n", 2)[0] or b"\x00" in data or data.startswith(b"\xff\xfe") or data == b"x = '\xe9'\n":
        assert error is not None and not plainly_readable(data)  # the errors are read_source's, asked


def test_the_second_phase_leaves_start_up_frozen_and_the_collector_on(tmp_path):
    root = tmp_path / "p"
    write_project(root, {
        "llm.py": "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(prompt, model):\n"
                  "    return client.messages.create(model=model, max_tokens=1024, messages=[{'role': 'user', 'content': prompt}])\n",
        "app.py": "from llm import ask\n\nprint(ask('hi', 'claude-sonnet-4-6'))\n",
    })
    settings = Settings(root=str(root), no_cache=True)
    linter = Linter(settings)
    sources, _ = discover([str(root)], settings)
    facts = gather(linter, sources, None, pool_allowed=False)
    frozen_before = gc.get_freeze_count()
    enabled = gc.isenabled()
    gc.enable()
    gc.freeze()  # as cli.main and startup.install do after the imports
    frozen = gc.get_freeze_count()
    try:
        callers = wrapper_callers(linter, sources, facts, None)
        assert [os.path.basename(f.path) for f in callers] == ["app.py"]  # the rounds ran, and found the call
        assert gc.get_freeze_count() > frozen // 2  # (a frozen object may still be freed by reference counting; an unfreeze gives 0)
        assert gc.isenabled()
    finally:
        if frozen_before == 0:
            gc.unfreeze()
        if not enabled:
            gc.disable()


def test_a_one_file_run_runs_none_of_what_it_does_not_use(tmp_path):
    """A one-file check (an editor on save, pre-commit) does not run `inspect` (dataclasses
    and link_values import it), `tokenize` (a file that surely decodes as UTF-8 is not
    asked its encoding) or `copy`; and it finds what it found with them."""
    (tmp_path / "one.py").write_text(
        "import anthropic\n\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-3-opus-20240229', max_tokens=4096, messages=[])\n", encoding="utf-8")
    code = (
        "import sys, types\nfrom claude_lint.cli import main\n"
        "code = main(['check', '--no-cache', 'one.py'])\n"
        "ran = sorted(n for n in ('inspect', 'tokenize', 'copy', 'dis', 'linecache') if type(sys.modules.get(n)) is types.ModuleType)\n"
        "print('ran:', ran, code)\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60)
    assert "one.py:4:" in out.stdout and "CL007" in out.stdout, out
    assert out.stdout.strip().endswith("ran: [] 1"), out
