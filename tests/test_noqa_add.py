"""--add-noqa through the real CLI, and where the comments go."""
from __future__ import annotations

import ast

from claude_lint import fixes, noqa_add
from test_fix import findings, tree  # noqa: F401  (the fixture)


def test_add_noqa_silences_every_finding(cli, tree):
    before = findings(cli, tree, ".")
    assert before
    run = cli("check", ".", "--add-noqa", cwd=tree)
    assert run.returncode == 0
    assert run.stderr.startswith(b"Added ") and b"Added 0 " not in run.stderr
    assert findings(cli, tree, ".") == []
    for path in tree.glob("*.py"):
        ast.parse(fixes.decode(path.read_bytes())[0])
    snapshot = {p: p.read_bytes() for p in tree.glob("*.py")}
    again = cli("check", ".", "--add-noqa", cwd=tree)
    assert b"Added 0 noqa directives." in again.stderr
    assert {p: p.read_bytes() for p in tree.glob("*.py")} == snapshot
    assert (tree / "crlf_bom.py").read_bytes().count(b"\n") == (tree / "crlf_bom.py").read_bytes().count(b"\r\n")


def test_add_noqa_placement():
    text = (
        'LONG = """first\n'
        'last"""\n'
        "call(a, \\\n"
        "     b)\n"
        "other()  # why\n"
        "more()  # noqa: CL003\n"
        "bare()  # noqa\n"
    )
    new, n = noqa_add.add_to_text(text, {1: {"CL002"}, 3: {"CL001"}, 5: {"CL001"}, 6: {"CL001", "CL003"}, 7: {"CL004"}})
    assert n == 4
    assert new == (
        'LONG = """first\n'
        'last"""  # noqa: CL002\n'
        "call(a, \\\n"
        "     b)  # noqa: CL001\n"
        "other()  # why  # noqa: CL001\n"
        "more()  # noqa: CL003, CL001\n"
        "bare()  # noqa\n"
    )
    assert noqa_add.add_to_text(new, {1: {"CL002"}}) == (new, 0)
