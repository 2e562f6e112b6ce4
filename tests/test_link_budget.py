"""Linking a wrapper call never kills the run. A wrapper whose requests are too large to bind
whole (link's binding budget runs out between them) keeps the wrapper's own keywords, its
parameters unread (it died with a traceback: an `Unknown` has no keywords); and a bug of
ours met linking one call is an internal error that costs that call alone."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import suite_config

ITEMS = 700  # three requests of this many messages each pass link's per-call binding budget
MESSAGE = '{"role": "user", "content": prompt}'
CALLER = textwrap.dedent(
    """
    from helpers import ask
    ask("hello", "claude-3-opus-20240229")
    """
)


def _wrapper_module(requests: int, items: int) -> str:
    messages = ", ".join([MESSAGE] * items)
    body = f"    client.messages.create(model=model, max_tokens=100, messages=[{messages}])\n" * requests
    return "import anthropic\nclient = anthropic.Anthropic()\n\ndef ask(prompt, model):\n" + body


def _project(root, requests: int, items: int) -> None:
    (root / "helpers.py").write_text(_wrapper_module(requests, items))
    (root / "main.py").write_text(CALLER)


def test_a_call_too_large_to_bind_is_linked_without_a_traceback(cli, tmp_path):
    _project(tmp_path, 3, ITEMS)
    result = cli("check", "--no-cache", "--select", "CL007", "--output-format", "concise", ".")
    err = result.stderr.decode()
    assert "Traceback" not in err and "internal error" not in err, err
    assert result.returncode == 1, err
    # The first request binds whole: the retired model the caller passes is reported at the call.
    assert "main.py:3:" in result.stdout.decode(), result.stdout.decode()


def test_a_small_wrapper_binds_the_callers_model(cli, tmp_path):
    _project(tmp_path, 1, 1)
    result = cli("check", "--no-cache", "--select", "CL007", "--output-format", "concise", ".")
    assert result.returncode == 1, result.stderr.decode()
    assert result.stdout.decode().count("main.py:3:") == 1, result.stdout.decode()


BROKEN_LINK = """
from claude_lint import cli, link
inner = link.Project._sites
def broken(self, inv, path):
    if inv.path.endswith("broken.py"):
        raise KeyError("a bug of ours")
    return inner(self, inv, path)
link.Project._sites = broken
raise SystemExit(cli.main(["check", "--no-cache", "--select", "CL007", "--output-format", "concise", "."]))
"""


def test_a_bug_linking_one_call_costs_that_call_alone(tmp_path):
    _project(tmp_path, 1, 1)
    (tmp_path / "broken.py").write_text(CALLER)
    suite_config(tmp_path, tmp_path)
    proc = subprocess.run([sys.executable, "-c", BROKEN_LINK], cwd=tmp_path, capture_output=True, timeout=120)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert "Traceback" not in err, err
    assert "internal error" in err and "broken.py:3" in err and "KeyError" in err, err
    assert "main.py:3:" in out and "broken.py" not in out, out
