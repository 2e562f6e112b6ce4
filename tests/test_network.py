"""No network at run time, ever: the whole CLI runs with every socket call refused."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import FIXTURES, claude_lint_command

GUARD = """
import socket, os

MARKER = os.environ["NO_NET_MARKER"]


def refuse(*args, **kwargs):
    with open(MARKER, "a") as fh:
        fh.write("socket used: %r\\n" % (args,))
    raise OSError("network disabled by the test")


class NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        refuse(*args)


socket.socket = NoSocket
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""


def test_cli_opens_no_socket(tmp_path):
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(GUARD)
    marker = tmp_path / "marker.txt"
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", project)
    env = dict(os.environ, PYTHONPATH=str(guard_dir), NO_NET_MARKER=str(marker), TIKTOKEN_CACHE_DIR=str(tmp_path / "tk"))
    out = subprocess.run(
        [claude_lint_command(), "check", ".", "--output-format", "json"], cwd=project, env=env, capture_output=True, timeout=120
    )
    assert out.returncode == 1, out.stderr.decode()
    codes = {d["code"] for d in json.loads(out.stdout)}
    # CL002 needs the tokenizer: it loaded from the bundled file
    assert "CL002" in codes
    assert not marker.exists(), marker.read_text()


def test_guard_really_blocks_sockets(tmp_path):
    """The guard above is not a no-op: a script that connects is caught."""
    guard_dir = tmp_path / "guard"
    guard_dir.mkdir()
    (guard_dir / "sitecustomize.py").write_text(GUARD)
    marker = tmp_path / "marker.txt"
    env = dict(os.environ, PYTHONPATH=str(guard_dir), NO_NET_MARKER=str(marker))
    code = "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9))\nexcept OSError:\n    pass\n"
    subprocess.run([sys.executable, "-c", code], env=env, timeout=60)
    assert marker.exists()
