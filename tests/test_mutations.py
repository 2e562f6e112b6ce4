"""Mutations of every rule example and every fixture: byte flips, truncation, inserted
NULs and invalid bytes, other encodings, line-ending and indentation damage. Each
mutated project gives findings or CL9xx diagnostics, never a traceback, never a hang,
and no file is changed.

In-process through the engine for speed; a handful through the real CLI.
`CLAUDE_LINT_MUTATIONS=N` sets the mutants per file (default 12) for a longer run.
"""
from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest

from claude_lint.checks import all_rules
from claude_lint.checks.base import example_source

from conftest import FIXTURES
from conftest import with_suite
from reliability import Tally, damaged, snapshot

PER_FILE = int(os.environ.get("CLAUDE_LINT_MUTATIONS", "12"))


def _examples() -> List[Tuple[str, Dict[str, bytes]]]:
    """(label, {relative path: bytes}) for every rule example and every fixture file."""
    out = []
    for rule in all_rules():
        for kind in ("fires", "silent"):
            for i, example in enumerate(map(example_source, getattr(rule, kind))):
                files = example if isinstance(example, dict) else {"example.py": example}
                out.append((f"{rule.code}-{kind}-{i}", {k: v if isinstance(v, bytes) else v.encode("utf-8") for k, v in files.items()}))
    if FIXTURES.is_dir():
        # a facts cache that other tests leave in a fixture folder is no input: with it the
        # suite would count a different set of mutants from one run to the next
        for path in sorted(p for p in FIXTURES.rglob("*") if p.is_file() and ".claude-lint-cache" not in p.parts):
            out.append((f"fixture-{path.relative_to(FIXTURES)}", {path.name: path.read_bytes()}))
    return out


# --- mutations: each takes (data, rng) and returns new bytes ------------------------------

def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data or b" ")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def insert_nul(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + b"\x00" + data[i:]


def insert_invalid_utf8(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + bytes(rng.choice([0x80, 0xC3, 0xE2, 0xFF, 0xFE, 0xED]) for _ in range(rng.randint(1, 3))) + data[i:]


def insert_syntax(data: bytes, rng: random.Random) -> bytes:
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b"(", b")", b"[", b"{", b"'", b'"', b'"""', b"\\", b":", b"\n    ", b"\t", b"\r", b"\x0c", b"#", b"f'{"]) + data[i:]


def reencode(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "replace") + "\n# é ü 文 \U0001F600\n"
    encoding, prefix = rng.choice(
        [
            ("utf-16", b""),  # with BOM
            ("utf-16-le", b""),
            ("utf-32", b""),
            ("utf-8-sig", b""),
            ("latin-1", b"# -*- coding: latin-1 -*-\n"),
            ("cp1252", b""),  # no cookie: invalid UTF-8
            ("shift_jis", b"# coding: shift_jis\n"),
            ("utf-8", b"# coding: ascii\n"),  # a cookie that lies
            ("utf-8", b"# coding: no-such-codec\n"),
        ]
    )
    return prefix + text.encode(encoding, "replace")


def line_endings(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    choice = rng.choice(["crlf", "cr", "mixed"])
    if choice == "crlf":
        return b"\r\n".join(lines)
    if choice == "cr":
        return b"\r".join(lines)
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in lines)


def shuffle_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    op = rng.choice(["drop", "dup", "swap", "indent", "dedent"])
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if op == "drop":
        del lines[i]
    elif op == "dup":
        lines.insert(i, lines[j])
    elif op == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent":
        lines[i] = rng.choice([b"    ", b"\t", b" "]) + lines[i]
    else:
        lines[i] = lines[i].lstrip()
    return b"\n".join(lines)


MUTATIONS: List[Callable[[bytes, random.Random], bytes]] = [
    flip_bytes, truncate, insert_nul, insert_invalid_utf8, insert_syntax, reencode, line_endings, shuffle_lines,
]

EXAMPLES = _examples()


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    t = Tally("mutations")
    yield t
    t.report(tmp_path_factory.getbasetemp())


def _mutants(files: Dict[str, bytes], seed: str):
    rng = random.Random(seed)
    for target in sorted(files):
        for n in range(PER_FILE):
            mutate = MUTATIONS[n % len(MUTATIONS)]
            yield target, mutate.__name__, {**files, target: mutate(files[target], rng)}


def _write(root: Path, files: Dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "pyproject.toml").write_text("[project]\nname = 'example'\n")


@pytest.mark.parametrize("label, files", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_mutants_never_crash(tmp_path, tally, label, files):
    for i, (target, how, mutated) in enumerate(_mutants(files, label)):
        root = tmp_path / f"m{i}"
        _write(root, mutated)
        result = tally.lint_project(root, f"{label} {target} {how} #{i}")
        tally.tried += 1
        if result is None:
            continue
        names = {os.path.normpath(n) for n in mutated}
        lines = {os.path.normpath(n): data.count(b"\n") + data.count(b"\r") + 2 for n, data in mutated.items()}
        for d in result.diagnostics:
            path = os.path.normpath(os.path.relpath(os.path.join(root, d.loc.path), root)) if not os.path.isabs(d.loc.path) else d.loc.path
            # Every diagnostic points at a real file and a row inside it.
            assert d.loc.row >= 1 and d.loc.col >= 1, (label, how, d)
            if path in names:
                assert d.loc.row <= lines[path], (label, how, d)
        shutil.rmtree(root)
    tally.assert_clean()


def test_mutants_through_the_real_cli(tmp_path, cli, tally):
    """A handful of mutants of the first examples, through the installed command."""
    rng = random.Random("cli")
    picked = [e for e in EXAMPLES if e[0].endswith("-0")][:4]
    root = tmp_path / "proj"
    n = 0
    for label, files in picked:
        for mutate in (insert_nul, reencode, flip_bytes, truncate, line_endings):
            for name, data in files.items():
                target = root / f"{label}_{mutate.__name__}_{name}".replace("/", "_")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(mutate(data, rng))
                n += 1
    # The suite's settings written before the snapshot: the cli fixture then has nothing to add.
    (root / "pyproject.toml").write_text(with_suite("[project]\nname = 'example'\n"))
    before = snapshot(root)
    proc = cli("check", "--output-format", "json", ".", cwd=root)
    tally.tried += n
    assert proc.returncode in (0, 1), proc.stderr.decode()
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    json.loads(proc.stdout)
    tally.damaged += damaged(before, snapshot(root))
    tally.assert_clean()
    _fix_damages_nothing(root, cli, tally)


def _compiles(data: bytes) -> bool:
    try:
        compile(data, "<m>", "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
        return True
    except (SyntaxError, ValueError):
        return False


def _fix_damages_nothing(root: Path, cli, tally: Tally) -> None:
    """--fix on the mutants: a file it rewrites still parses if it parsed before."""
    if b"--fix" not in cli("check", "--help").stdout:
        return
    before = {p: p.read_bytes() for p in root.rglob("*.py")}
    proc = cli("check", "--fix", "--unsafe-fixes", ".", cwd=root)
    assert proc.returncode in (0, 1) and b"Traceback" not in proc.stderr, proc.stderr.decode()
    for path, old in before.items():
        new = path.read_bytes()
        if new != old and _compiles(old) and not _compiles(new):
            tally.damaged.append(str(path))
    tally.assert_clean()
