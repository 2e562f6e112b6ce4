"""A corpus of bad inputs through the real CLI: each gives a clear CL9xx diagnostic or a
config error (exit 2), never a traceback or a hang, and the other files are still linted.
"""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


from conftest import claude_lint_command, with_suite
from reliability import Tally, damaged, snapshot

CALL = "client.messages.create(model='claude-sonnet-4-5', max_tokens=16000, messages=[])\n"
GOOD = "import anthropic\nclient = anthropic.Anthropic()\n" + CALL
HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
N = 5000


def _deep(kind: str) -> str:
    shapes = {
        "parens": "x = " + "(" * N + "1" + ")" * N,
        "lists": "x = " + "[" * N + "]" * N,
        "calls": "x = " + "f(" * N + ")" * N,
        "dicts": "x = " + "{'a': " * N + "1" + "}" * N,
        "attributes": "x = a" + ".b" * N * 4,
        "subscripts": "x = a" + "[0]" * N,
        "plus": "x = " + " + ".join(["'a'"] * N),
        "power": "x = " + "**".join(["2"] * N),
        "not": "x = " + "not " * N + "a",
        "unary": "x = " + "-" * N + "a",
        "lambda": "x = " + "lambda: " * N + "1",
        "ternary": "x = " + "a if b else " * N + "c",
        "implicit-concat": "x = (" + " ".join(["'a'"] * N) + ")",
        "elif": "if a:\n    pass\n" + "elif a:\n    pass\n" * N,
        "indent": "".join(" " * i + "if a:\n" for i in range(120)) + " " * 120 + "pass",
        # a conversation sent by two requests on one deep receiver, whose callees the history finder compares whole (walk.same_code)
        "compared-callees": "history = []\nfor q in qs:\n    history.append(q)\n    client" + ".b" * N + ".messages.stream(messages=history)\n"
                            "    client" + ".b" * N + ".messages.create(model='claude-sonnet-4-5', max_tokens=300, messages=history)\n",
    }
    return HEAD + shapes[kind] + "\n" + CALL


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    t = Tally("bad inputs")
    yield t
    t.report(tmp_path_factory.getbasetemp())


@pytest.fixture
def check(tmp_path, cli, tally):
    """Lint a project holding the bad file next to a good one; return (exit code, diagnostics, stderr)."""

    def run(files: dict, *args, good=True, config="[project]\nname = 'x'\n"):
        root = tmp_path / "proj"
        root.mkdir(exist_ok=True)
        if config is not None:
            (root / "pyproject.toml").write_text(with_suite(config))
        if good:
            (root / "good.py").write_text(GOOD)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if callable(content):
                content(path)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        before = snapshot(root)
        proc = cli("check", "--output-format", "json", "--select", "CL001,CL9", *args, cwd=root)
        tally.tried += 1
        err = proc.stderr.decode("utf-8", "replace")
        if "Traceback" in err or proc.returncode not in (0, 1, 2) or proc.returncode < 0:
            tally.crashes.append(f"{list(files)}: exit {proc.returncode}: {err[-2000:]}")
        tally.damaged += damaged(before, snapshot(root))
        tally.assert_clean()
        diags = json.loads(proc.stdout) if proc.returncode in (0, 1) else []
        for d in diags:
            if d["code"].startswith("CL9"):
                tally.cl9[d["code"]] = tally.cl9.get(d["code"], 0) + 1
            else:
                tally.findings += 1
        if good and proc.returncode in (0, 1):
            # The rest of the run goes on: the good file is still linted.
            assert any(d["filename"].endswith("good.py") and d["code"] == "CL001" for d in diags), diags
        return proc.returncode, diags, err

    return run


def codes(diags, name):
    return [d["code"] for d in diags if os.path.basename(d["filename"]) == name]


def test_empty_file(check):
    rc, diags, _ = check({"empty.py": b""})
    assert codes(diags, "empty.py") == []


def test_binary_file_with_a_py_name(check):
    rc, diags, _ = check({"blob.py": b"import anthropic\x00\x01\x02\xff\xfe messages" + bytes(range(256)) * 40})
    assert codes(diags, "blob.py") == ["CL902"]


def test_invalid_utf8(check):
    rc, diags, _ = check({"latin.py": GOOD.encode() + b"# caf\xe9 \xff\xfe\n"})
    assert codes(diags, "latin.py") == ["CL902"]
    assert "decode" in next(d["message"] for d in diags if d["filename"].endswith("latin.py"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(check, encoding):
    data = GOOD.encode(encoding)
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        data = codecs.BOM_UTF16_BE + data
    rc, diags, _ = check({"wide.py": data})
    assert codes(diags, "wide.py") == ["CL902"]
    assert "UTF-16" in next(d["message"] for d in diags if d["filename"].endswith("wide.py"))


def test_utf8_bom_and_latin1_cookie_are_linted(check):
    rc, diags, _ = check({"bom.py": codecs.BOM_UTF8 + GOOD.encode(), "cookie.py": ("# -*- coding: latin-1 -*-\n# café\n" + GOOD).encode("latin-1")})
    assert codes(diags, "bom.py") == ["CL001"]
    assert codes(diags, "cookie.py") == ["CL001"]
    assert [d["location"]["row"] for d in diags if d["filename"].endswith("cookie.py")] == [5]


@pytest.mark.parametrize("ending", [b"\r\n", b"\r", b"mixed"])
def test_crlf_cr_and_mixed_line_endings(check, ending):
    lines = GOOD.encode().split(b"\n")
    if ending == b"mixed":
        data = lines[0] + b"\r\n" + lines[1] + b"\n" + lines[2] + b"\r\n"
    else:
        data = ending.join(lines)
    rc, diags, _ = check({"endings.py": data})
    found = [d for d in diags if d["filename"].endswith("endings.py")]
    assert [d["code"] for d in found] == ["CL001"]
    assert found[0]["location"]["row"] == 3  # the same row whatever the line ending


def test_a_20_mb_file(check):
    def big(path: Path):
        with open(path, "wb") as fh:
            fh.write(GOOD.encode())
            line = b"x = 'padding padding padding padding padding padding padding padding'\n"
            fh.write(line * (20_000_000 // len(line)))

    rc, diags, _ = check({"huge.py": big})
    assert codes(diags, "huge.py") == ["CL902"]
    assert "larger than" in next(d["message"] for d in diags if d["filename"].endswith("huge.py"))


@pytest.mark.parametrize(
    "kind",
    ["parens", "lists", "calls", "dicts", "attributes", "subscripts", "plus", "power", "not", "unary", "lambda", "ternary", "implicit-concat", "elif", "indent",
     "compared-callees"],
)
def test_5000_deep_nested_expressions(check, kind):
    """Regression: libcst's native parser segfaulted here; the tree walk raised RecursionError."""
    rc, diags, _ = check({"deep.py": _deep(kind)})
    assert rc in (0, 1)
    # Either analysed (a finding) or one clear CL901: never a crash.
    assert codes(diags, "deep.py") in (["CL001"], ["CL901"]), codes(diags, "deep.py")


def test_syntax_errors_of_many_kinds(check):
    files = {
        "tabs.py": HEAD + "if x:\n\tpass\n        pass\n" + CALL,
        "unclosed.py": HEAD + "x = (\n" + CALL,
        "string.py": HEAD + "x = '''never closed\n" + CALL,
        "cookie.py": "# coding: no-such-codec\n" + GOOD,
        "only_bom.py": codecs.BOM_UTF8,
        "formfeed.py": "\x0c" + GOOD,
        "surrogate.py": HEAD + "x = '\\ud800'\n" + CALL,
    }
    rc, diags, _ = check(files)
    for name in files:
        assert set(codes(diags, name)) <= {"CL001", "CL901", "CL902"}, (name, codes(diags, name))


def test_syntax_newer_than_the_running_python(check):
    """The extractor reads code with the running Python's own parser: code written for a
    newer Python is linted there, and named as such (not as broken code) on an older one."""
    rc, diags, _ = check({"newer.py": HEAD + "type Pair[T] = tuple[T, T]\n" + CALL})
    if sys.version_info >= (3, 12):
        assert codes(diags, "newer.py") == ["CL001"]
    else:
        [error] = [d for d in diags if d["filename"].endswith("newer.py")]
        assert error["code"] == "CL901" and "needs a newer Python" in error["message"], error
        assert error["location"]["row"] == 3


def test_no_python_warnings_leak_to_stderr(tmp_path):
    """Regression: invalid escapes in the user's strings made Python print
    `<unknown>:1: SyntaxWarning: invalid escape sequence` (3.12+) on our stderr."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "esc.py").write_text(HEAD + "P = '\\d+'\nS = f'match \\d and \\p {P}'\n" + CALL.replace("messages=[]", "system=S, messages=[]"))
    (tmp_path / "broken.py").write_text(HEAD + "x = '\\d' (\n" + CALL)
    env = {**os.environ, "PYTHONWARNINGS": "always"}
    proc = subprocess.run([claude_lint_command(), "check", "."], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert proc.returncode == 1 and proc.stderr == b"", proc.stderr.decode()


def test_invalid_toml_config_is_a_clear_error(check):
    rc, diags, err = check({}, config="[tool.claude-lint\nselect = [CL001\n")
    assert rc == 2
    assert "pyproject.toml" in err and "cannot read config" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "table, key",
    [("select = 'CL001'", "select"), ("nope = 1", "nope"), ("[tool.claude-lint.CL001]\nwarn-at = 'big'", "warn-at"), ("[tool.claude-lint.CL904]\nseconds = -1", "seconds")],
)
def test_bad_config_values_name_the_key(check, table, key):
    header = "" if table.startswith("[") else "[tool.claude-lint]\n"
    rc, diags, err = check({}, config=header + table + "\n")
    assert rc == 2 and key in err and "Traceback" not in err


def test_symlink_loops(check):
    def loop_files(path: Path):
        os.symlink("b.py", path.parent / "a.py")
        os.symlink("a.py", path.parent / "b.py")
        os.symlink("..", path.parent / "up")  # a folder loop
        os.symlink("nowhere.py", path.parent / "dangling.py")

    rc, diags, _ = check({"sub/marker.txt": loop_files})
    assert set(codes(diags, "a.py")) <= {"CL902"}
    assert set(codes(diags, "dangling.py")) <= {"CL902"}


def test_a_fifo_and_a_device_named_py(check):
    """Regression: reading these blocked forever (a FIFO) or never ended (/dev/zero)."""

    def specials(path: Path):
        os.mkfifo(path.parent / "pipe.py")
        os.symlink("/dev/zero", path.parent / "zero.py")

    rc, diags, _ = check({"marker.txt": specials})
    assert codes(diags, "pipe.py") == ["CL902"]
    assert codes(diags, "zero.py") == ["CL902"]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else False, reason="tests run as root, who can read a chmod 000 file; the FIFO, device and dangling-link tests cover unreadable files")
def test_unreadable_file(check):
    def locked(path: Path):
        path.write_text(GOOD)
        path.chmod(0)

    rc, diags, _ = check({"locked.py": locked})
    assert codes(diags, "locked.py") == ["CL902"]


def test_paths_with_spaces_and_non_ascii_names(check):
    name = "my dir/ünïcødé 文件 name.py"
    rc, diags, _ = check({name: GOOD})
    assert [d["code"] for d in diags if d["filename"].endswith("ünïcødé 文件 name.py")] == ["CL001"]


def test_binary_on_stdin(cli, tmp_path, tally):
    proc = cli("check", "--stdin-filename", "x.py", "-", input=b"anthropic messages \x00\xff" * 100, cwd=tmp_path)
    tally.tried += 1
    assert proc.returncode == 1 and b"CL902" in proc.stdout and b"Traceback" not in proc.stderr


# --- YAML and notebook inputs ------------------------------------------------------------

ALIAS_BOMB = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
    f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n" for p, c in zip("abcdefgh", "bcdefghi")
) + "model_list:\n  - litellm_params: {model: claude-sonnet-4-5, max_tokens: *i}\n"
PYTHON_TAG = "model_list:\n  - litellm_params: !!python/object/apply:os.system ['touch MARKER']\n"


@pytest.mark.parametrize("content", [ALIAS_BOMB, PYTHON_TAG], ids=["alias-bomb", "python-tag"])
def test_yaml_alias_bomb_and_python_tags(check, tmp_path, content):
    config = "[project]\nname = 'x'\n[tool.claude-lint]\nprompt-files = ['*.yaml']\n"
    rc, diags, _ = check({"config.yaml": content}, config=config)
    assert rc in (0, 1)
    assert not (tmp_path / "proj" / "MARKER").exists()


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b"[]", json.dumps({"nbformat": 3, "worksheets": [{"cells": [{"cell_type": "code", "input": GOOD}]}]}).encode(), json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}).encode()],
    ids=["not-json", "empty", "a-list", "nbformat-3", "bad-source"],
)
def test_broken_notebooks(check, content):
    rc, diags, _ = check({"nb.ipynb": content})
    assert set(codes(diags, "nb.ipynb")) <= {"CL001", "CL901", "CL902", "CL903"}
