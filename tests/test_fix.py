"""--fix, --unsafe-fixes, --diff, --show-fixes and --add-noqa through the real CLI, on the
files of tests/fixtures/fixable/ (each holds at least one fixable finding)."""
from __future__ import annotations

import ast
import difflib
import json
import os
import shutil
import stat
from collections import Counter
from pathlib import Path

import pytest

from claude_lint import fix, fixes
from claude_lint.text import split_lines
from claude_lint.config import Settings
from claude_lint.diagnostics import Diagnostic, Edit, Fix
from claude_lint.facts import Loc

FIXABLE = Path(__file__).parent / "fixtures" / "fixable"
FILES = sorted(p.name for p in FIXABLE.glob("*.py"))


@pytest.fixture
def tree(tmp_path):
    dest = tmp_path / "proj"
    shutil.copytree(FIXABLE, dest)
    (dest / "pyproject.toml").write_text("[project]\nname = 'fixable'\n")
    return dest


def findings(cli, cwd, *paths):
    out = cli("check", *paths, "--output-format", "json", "--exit-zero", cwd=cwd)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def fixable(diagnostics, unsafe=True):
    ok = ("safe", "unsafe") if unsafe else ("safe",)
    return [d for d in diagnostics if d["fix"] and d["fix"]["edits"] and d["fix"]["applicability"] in ok]


def spans_of(raw: bytes, edits):
    text, _ = fixes.decode(raw)
    starts = fixes.line_starts(text)
    return text, sorted(
        (fixes.offset(text, starts, e["location"]["row"], e["location"]["column"]),
         fixes.offset(text, starts, e["end_location"]["row"], e["end_location"]["column"]))
        for e in edits
    )


def assert_edited_only_inside(original: bytes, fixed: bytes, edits) -> None:
    """Fixed exactly as the edits say; where edits overlap (two rules fixing one call: the
    fixer applies one, re-lints, and the other finding may be gone), every character
    before the first edit and after the last one is unchanged."""
    text, spans = spans_of(original, edits)
    if all(b <= a2 for (_, b), (a2, _) in zip(spans, spans[1:])):
        assert fixed == splice(original, edits)
        return
    now, _ = fixes.decode(fixed)
    first, last = spans[0][0], max(b for _, b in spans)
    assert now[:first] == text[:first]
    assert now.endswith(text[last:])


def assert_notebook_fixed_in_its_cells(raw: bytes, now: bytes, todo) -> None:
    """A notebook's edits are in its cells' coordinates: only the sources of the cells
    with a fix changed, each as its edits say (when they do not overlap), and still parses."""
    from claude_lint.extract.notebook import clean_cell

    before, after = json.loads(raw), json.loads(now)
    strip = lambda nb: [{k: v for k, v in c.items() if k != "source"} for c in nb["cells"]]  # noqa: E731
    assert strip(before) == strip(after) and {k: v for k, v in before.items() if k != "cells"} == {k: v for k, v in after.items() if k != "cells"}
    cells = {d["cell"] for d in todo}
    for number, (old, new) in enumerate(zip(before["cells"], after["cells"]), 1):
        old_text, new_text = "".join(old["source"]), "".join(new["source"])
        if number not in cells:
            assert old_text == new_text
            continue
        ast.parse("\n".join(clean_cell(new_text)))
        edits = list({json.dumps(e, sort_keys=True): e for d in todo if d["cell"] == number for e in d["fix"]["edits"]}.values())
        _, spans = spans_of(old_text.encode(), edits)
        if all(b <= a2 for (_, b), (a2, _) in zip(spans, spans[1:])):
            assert new_text.encode() == splice(old_text.encode(), edits)


def splice(raw: bytes, edits) -> bytes:
    """An independent application of JSON edits: every byte outside them is kept as is."""
    text, encoding = fixes.decode(raw)
    starts = fixes.line_starts(text)
    spans = sorted(
        (fixes.offset(text, starts, e["location"]["row"], e["location"]["column"]),
         fixes.offset(text, starts, e["end_location"]["row"], e["end_location"]["column"]), e["content"])
        for e in edits
    )
    out, last = [], 0
    for a, b, content in spans:
        out += [text[last:a], content]
        last = b
    out.append(text[last:])
    return "".join(out).encode(encoding)


@pytest.mark.parametrize("name", FILES)
def test_fix_then_relint(cli, tree, name):
    path = tree / name
    original = path.read_bytes()
    before = findings(cli, tree, name)
    todo = fixable(before)
    assert todo, f"{name} has no fixable finding"

    run = cli("check", name, "--fix", "--unsafe-fixes", cwd=tree)
    after = findings(cli, tree, name)
    # Exit 1 only if findings remain (like ruff).
    assert run.returncode == (1 if after else 0), run.stdout + run.stderr
    fixed = path.read_bytes()
    assert fixed != original

    # The fixed findings are gone; nothing fixable is left.
    assert fixable(after) == []
    counts_before, counts_after = Counter(d["code"] for d in before), Counter(d["code"] for d in after)
    for code, n in Counter(d["code"] for d in todo).items():
        assert counts_after[code] <= counts_before[code] - n, (code, after)
    # The file parses.
    ast.parse(fixes.decode(fixed)[0])
    # Byte-identical outside the edits: the result is exactly the original with the edits spliced in.
    assert_edited_only_inside(original, fixed, [e for d in todo for e in d["fix"]["edits"]])
    # A second --fix is a no-op.
    again = cli("check", name, "--fix", "--unsafe-fixes", cwd=tree)
    assert path.read_bytes() == fixed
    assert again.returncode == run.returncode
    assert not list(tree.rglob("*.claude-lint-tmp"))


FOLDERS = sorted(p.name for p in (Path(__file__).parent / "fixtures").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_fixture_folder_fixes_cleanly(cli, tmp_path, folder):
    """Every fixture in the repository with a fixable finding, fixed as a whole folder."""
    root = tmp_path / folder
    shutil.copytree(Path(__file__).parent / "fixtures" / folder, root)
    if not (root / "pyproject.toml").exists():
        (root / "pyproject.toml").write_text("[project]\n")
    before = findings(cli, root, ".")
    by_file = {}
    for d in fixable(before):
        by_file.setdefault(d["filename"], []).append(d)
    # The facts cache is the tool's own (and ignores itself for git): not a file --fix may touch.
    originals = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".claude-lint-cache" not in p.parts}
    run = cli("check", ".", "--fix", "--unsafe-fixes", cwd=root)
    after = findings(cli, root, ".")
    assert run.returncode == (1 if after else 0)
    assert fixable(after) == []
    for path, raw in originals.items():
        now = path.read_bytes()
        todo = by_file.get(str(path))
        if not todo:
            assert now == raw, f"{path} had nothing to fix but changed"
            continue
        if path.suffix == ".ipynb":
            assert_notebook_fixed_in_its_cells(raw, now, todo)
            continue
        ast.parse(fixes.decode(now)[0])
        unique = {json.dumps(e, sort_keys=True): e for d in todo for e in d["fix"]["edits"]}
        assert_edited_only_inside(raw, now, list(unique.values()))
    snapshot = {p: p.read_bytes() for p in originals}
    cli("check", ".", "--fix", "--unsafe-fixes", cwd=root)
    assert {p: p.read_bytes() for p in originals} == snapshot


@pytest.mark.parametrize("name", FILES)
def test_diff_prints_and_writes_nothing(cli, tree, tmp_path, name):
    path = tree / name
    original = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    out = cli("check", name, "--diff", "--unsafe-fixes", cwd=tree)
    assert out.returncode == 1
    assert path.read_bytes() == original and path.stat().st_mtime_ns == mtime
    # The diff is exactly the change --fix makes.
    cli("check", name, "--fix", "--unsafe-fixes", cwd=tree)
    a, b = fixes.decode(original)[0], fixes.decode(path.read_bytes())[0]
    expected = "".join(difflib.unified_diff(split_lines(a), split_lines(b), fromfile=name, tofile=name))
    assert out.stdout.decode("utf-8") == expected  # the diff is text on stdout, in UTF-8
    assert out.stdout.startswith(f"--- {name}\n+++ {name}\n@@".encode())
    # Nothing left to change: --diff is empty and exits 0.
    clean = cli("check", name, "--diff", "--unsafe-fixes", cwd=tree)
    assert (clean.returncode, clean.stdout) == (0, b"")


def test_safe_fixes_only_without_unsafe_flag(cli, tree):
    original = (tree / "cl001_max_tokens.py").read_bytes()
    run = cli("check", "cl001_max_tokens.py", "cl002_name.py", "--fix", cwd=tree)
    assert run.returncode == 1  # the CL001 findings remain
    assert (tree / "cl001_max_tokens.py").read_bytes() == original
    assert b"cache_control" in (tree / "cl002_name.py").read_bytes()
    assert b"[*]" not in run.stdout and b"Fixed 1 error." in run.stdout


def test_unsafe_fix_edits_where_the_value_is_written(cli, tree):
    cli("check", "cl001_max_tokens.py", "--fix", "--unsafe-fixes", cwd=tree)
    text = (tree / "cl001_max_tokens.py").read_text()
    assert "LIMIT = 1024  # shared by the summariser" in text  # the constant
    assert '"max_tokens": 1024}' in text  # the **PARAMS dict
    assert "def ask(q, max_tokens=1024):" in text  # the wrapper's default
    assert "max_tokens=1024,  # TODO tune" in text  # the call site, comment kept


def test_exit_zero_when_every_finding_is_fixed(cli, tree):
    run = cli("check", "cl002_name.py", "--fix", cwd=tree)
    assert run.returncode == 0, run.stdout
    assert b"All checks passed!" in run.stdout


def test_show_fixes_lists_what_was_fixed(cli, tree):
    run = cli("check", "cl002_blocks.py", "cl001_max_tokens.py", "--fix", "--unsafe-fixes", "--show-fixes", cwd=tree)
    out = run.stdout.decode()
    assert "Fixed 6 errors:" in out
    assert "- cl002_blocks.py:\n    2 \u00d7 CL002 (system-prompt-uncached)" in out
    assert "- cl001_max_tokens.py:\n    4 \u00d7 CL001 (max-tokens-oversized)" in out


def test_plain_check_hints_at_fixes(cli, tree):
    out = cli("check", "cl002_name.py", "cl001_max_tokens.py", cwd=tree).stdout.decode()
    assert "[*] 1 fixable with the `--fix` option (4 hidden fixes can be enabled with the `--unsafe-fixes` option)." in out


def test_json_fix_shape(cli, tree):
    d = next(d for d in findings(cli, tree, "cl002_name.py") if d["code"] == "CL002")
    assert d["fix"]["applicability"] == "safe"
    assert d["fix"]["message"]
    [edit] = d["fix"]["edits"]
    assert set(edit) == {"content", "location", "end_location"}
    assert edit["content"] == "[{'type': 'text', 'text': SUPPORT, 'cache_control': {'type': 'ephemeral'}}]"


def test_keeps_mode_bom_crlf_and_encoding(cli, tree):
    crlf, latin = tree / "crlf_bom.py", tree / "latin1.py"
    os.chmod(crlf, 0o640)
    os.chmod(latin, 0o604)
    cli("check", ".", "--fix", "--unsafe-fixes", cwd=tree)
    raw = crlf.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\n") == raw.count(b"\r\n") and b'"cache_control": {"type": "ephemeral"},' not in raw
    assert b'"text": SUPPORT,\r\n             "cache_control": {"type": "ephemeral"}},\r\n' in raw
    assert stat.S_IMODE(crlf.stat().st_mode) == 0o640
    assert stat.S_IMODE(latin.stat().st_mode) == 0o604
    text = latin.read_bytes().decode("latin-1")
    assert "# Réponses du support" in text and "max_tokens=1024" in text


def test_no_fix_for_a_spread_from_another_module(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "settings.py").write_text('PARAMS = {"model": "claude-sonnet-4-6", "max_tokens": 32000}\n')
    app = tmp_path / "app.py"
    app.write_text("import anthropic\nfrom settings import PARAMS\nclient = anthropic.Anthropic()\nclient.messages.create(**PARAMS, messages=[])\n")
    [d] = [d for d in findings(cli, tmp_path, ".") if d["code"] == "CL001"]
    assert d["fix"] is None
    run = cli("check", ".", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert run.returncode == 1 and b"max_tokens=32000" in run.stdout


def test_stdin_fix_prints_the_fixed_source(cli, tree):
    source = (tree / "cl002_name.py").read_bytes()
    run = cli("check", "-", "--stdin-filename", "cl002_name.py", "--fix", cwd=tree, input=source)
    assert run.returncode == 0, run.stderr
    assert b"'cache_control': {'type': 'ephemeral'}" in run.stdout
    assert (tree / "cl002_name.py").read_bytes() == source


def test_symlink_out_of_the_root_is_not_written(cli, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "real.py"
    shutil.copy(FIXABLE / "cl001_max_tokens.py", target)
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project]\n")
    (proj / "linked.py").symlink_to(target)
    original = target.read_bytes()
    run = cli("check", "linked.py", "--fix", "--unsafe-fixes", cwd=proj)
    assert target.read_bytes() == original
    assert (proj / "linked.py").is_symlink()
    # Not even read: a symlink out of the project is a CL902 of its own.
    assert b"CL902 a symlink to a file outside the project root" in run.stdout, run.stdout + run.stderr


def test_symlink_inside_the_root_writes_its_target(cli, tree):
    (tree / "alias.py").symlink_to(tree / "cl002_name.py")
    cli("check", "alias.py", "--fix", cwd=tree)
    assert (tree / "alias.py").is_symlink()
    assert b"cache_control" in (tree / "cl002_name.py").read_bytes()


def _always(diagnostics):
    return lambda path, settings, data: diagnostics


def test_a_fix_that_breaks_parsing_leaves_the_file_untouched(tmp_path):
    raw = b"x = 1\ny = 2\n"
    broken = Diagnostic("CL001", "max-tokens-oversized", "m", Loc("f.py", 1, 5, 1, 6), fix=Fix("break", "safe", (Edit("(", 1, 5, 1, 6),)))
    data, codes, why = fix.fix_text("f.py", raw, Settings(root=str(tmp_path)), False, lint=_always([broken]))
    assert data is None and not codes


def test_only_the_fixes_that_parse_are_kept(tmp_path):
    raw = b"x = 1\ny = 2\n"
    good = Diagnostic("CL001", "n", "m", Loc("f.py", 2, 5, 2, 6), fix=Fix("ok", "safe", (Edit("3", 2, 5, 2, 6),)))
    bad = Diagnostic("CL001", "n", "m", Loc("f.py", 1, 5, 1, 6), fix=Fix("break", "safe", (Edit("(", 1, 5, 1, 6),)))
    seen = []

    def lint(path, settings, data):
        seen.append(data)
        return [good, bad] if len(seen) == 1 else []

    data, codes, _ = fix.fix_text("f.py", raw, Settings(root=str(tmp_path)), False, lint=lint)
    assert data == b"x = 1\ny = 3\n" and codes == Counter({"CL001": 1})


def test_overlapping_fixes_wait_for_the_next_pass():
    text = "abcdef\n"
    a = Diagnostic("X1", "n", "m", Loc("f", 1, 1, 1, 4), fix=Fix("a", "safe", (Edit("A", 1, 1, 1, 4),)))
    b = Diagnostic("X2", "n", "m", Loc("f", 1, 3, 1, 6), fix=Fix("b", "safe", (Edit("B", 1, 3, 1, 6),)))
    c = Diagnostic("X3", "n", "m", Loc("f", 1, 6, 1, 6), fix=Fix("c", "unsafe", (Edit("C", 1, 6, 1, 6),)))
    assert fix.choose(text, [b, a, c], unsafe=False) == [a]
    assert fix.choose(text, [b, a, c], unsafe=True) == [a, c]
    assert fix.apply_edits(text, a.fix.edits + c.fix.edits) == "AdeCf\n"
    assert fix.apply_edits(text, (Edit("x", 9, 1, 9, 2),)) is None  # out of range: no edit


CALLS = [
    'client.messages.create(model="m", system=SYSTEM, messages=[])',
    "client.messages.create(\n    model='m',\n    system=(\n        A  # why\n        + 'b'\n    ),\n)",
    'client.messages.create(model="m", system = ((f"{x}é" "y")), **rest)',
    'c.messages.create(messages=[{"content": "system=S"}], system=S)',
    "c.messages.create(model=M, \\\n system=\tdedent(P).strip(),\n)",
]


@pytest.mark.parametrize("code", CALLS)
def test_argument_loc_agrees_with_libcst_positions(code):
    """The cheap locator finds every keyword value exactly where PositionProvider does."""
    text = "x = 1\n    " + code + "\n" if "\n" not in code else code + "\n"
    row, col = (2, 5) if "\n" not in code else (1, 1)
    lines = code.split("\n")
    end_row = row + len(lines) - 1
    end_col = (col + len(lines[0])) if len(lines) == 1 else len(lines[-1]) + 1
    where = fixes.region(Loc("f.py", row, col, end_row, end_col), text)
    assert where is not None
    positions = where.positions()
    for arg in where.node.args:
        if arg.keyword is not None:
            assert fixes.argument_loc(where, arg.value) == where.loc_of(positions, arg.value), arg.keyword.value


def test_suggested_option_sets_the_new_limit(cli, tree):
    with open(tree / "pyproject.toml", "a") as fh:
        fh.write("[tool.claude-lint.CL001]\nsuggested = 2048\n")
    cli("check", "cl001_max_tokens.py", "--fix", "--unsafe-fixes", cwd=tree)
    assert "LIMIT = 2048  # shared by the summariser" in (tree / "cl001_max_tokens.py").read_text()


def test_a_parameter_gets_an_unsafe_fix(cli, tree):
    [d] = findings(cli, tree, "cl002_parameter.py")
    assert d["fix"]["applicability"] == "unsafe"
    original = (tree / "cl002_parameter.py").read_bytes()
    assert cli("check", "cl002_parameter.py", "--fix", cwd=tree).returncode == 1
    assert (tree / "cl002_parameter.py").read_bytes() == original


def test_a_file_changed_on_disk_is_not_overwritten(tmp_path):
    path = tmp_path / "f.py"
    path.write_bytes(b"x = 2\n")
    with pytest.raises(fix.ChangedOnDisk):
        fix.write_atomic(str(path), b"x = 3\n", expected=b"x = 1\n")
    assert path.read_bytes() == b"x = 2\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.py"]  # no temp file left behind
    fix.write_atomic(str(path), b"x = 3\n", expected=b"x = 2\n")
    assert path.read_bytes() == b"x = 3\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.py"]


def test_non_python_inputs_are_never_rewritten(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    batch = tmp_path / "nightly.jsonl"
    batch.write_text('{"custom_id": "a", "params": {"model": "claude-sonnet-4-6", "max_tokens": 16000, "messages": []}}\n')
    original = batch.read_bytes()
    before = findings(cli, tmp_path, ".")
    assert [d["code"] for d in before] == ["CL001"] and before[0]["fix"] is None
    run = cli("check", ".", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert run.returncode == 1 and batch.read_bytes() == original
    piped = cli("check", "-", "--stdin-filename", "nightly.jsonl", "--fix", "--unsafe-fixes", cwd=tmp_path, input=original)
    assert piped.stdout == original


def test_unsafe_fixes_replace_a_retired_model(cli, tree):
    [d] = [d for d in findings(cli, tree, "cl007_retired.py") if d["code"] == "CL007"]
    assert d["fix"]["applicability"] == "unsafe"
    original = (tree / "cl007_retired.py").read_bytes()
    cli("check", "cl007_retired.py", "--fix", cwd=tree)
    assert (tree / "cl007_retired.py").read_bytes() == original  # unsafe: not without the flag
    cli("check", "cl007_retired.py", "--fix", "--unsafe-fixes", cwd=tree)
    fixed = (tree / "cl007_retired.py").read_bytes()
    assert fixed == original.replace(b"model='claude-opus-4-1'", b"model='claude-opus-4-8'")
    assert [d for d in findings(cli, tree, "cl007_retired.py") if d["code"] == "CL007"] == []


def test_display_only_fixes_are_never_applied(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    app = tmp_path / "app.py"
    app.write_text('import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n')
    original = app.read_bytes()
    [d] = findings(cli, tmp_path, ".", "--select", "CL008")
    assert d["fix"]["applicability"] == "display-only"
    run = cli("check", ".", "--select", "CL008", "--fix", "--unsafe-fixes", cwd=tmp_path)
    assert run.returncode == 1 and app.read_bytes() == original
    diff = cli("check", ".", "--select", "CL008", "--diff", "--unsafe-fixes", cwd=tmp_path)
    assert (diff.returncode, diff.stdout) == (0, b"")
    shown = cli("check", ".", "--select", "CL008", "--show-fixes", cwd=tmp_path).stdout.decode()
    assert "fix (display-only): Use client.messages.stream(...)" in shown


def test_diff_base_is_not_combined_with_fixing(cli, tree):
    run = cli("check", ".", "--fix", "--diff-base", "HEAD", cwd=tree)
    assert run.returncode == 2 and b"--diff-base cannot be combined" in run.stderr


def test_cl008_rewrites_create_into_a_stream(cli, tree):
    """Alone (CL001 would otherwise lower the same max_tokens first), the streaming rewrite
    applies to the assignment, return and await forms, and the result parses."""
    name = "cl008_stream.py"
    original = (tree / name).read_bytes()
    before = [d for d in findings(cli, tree, name) if d["code"] == "CL008"]
    assert len(before) == 3 and all(d["fix"]["applicability"] == "unsafe" for d in before)
    run = cli("check", name, "--select", "CL008", "--fix", "--unsafe-fixes", cwd=tree)
    assert run.returncode == 0, run.stdout + run.stderr
    fixed = (tree / name).read_text()
    ast.parse(fixed)
    assert "    with client.messages.stream(  # the long one\n" in fixed
    assert "    ) as stream:\n        reply = stream.get_final_message()\n    return reply.content[0].text\n" in fixed
    assert "        return stream.get_final_message()\n" in fixed
    assert "    async with aclient.messages.stream(" in fixed and "        message = await stream.get_final_message()\n" in fixed
    assert (tree / name).read_bytes() == splice(original, [e for d in before for e in d["fix"]["edits"]])
    assert [d for d in findings(cli, tree, name) if d["code"] == "CL008"] == []


def test_cl008_gives_no_edit_inside_a_larger_expression(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "n.py").write_text(
        "import anthropic\nclient = anthropic.Anthropic()\n\n\ndef f():\n"
        '    return str(client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[]))\n'
    )
    found = [d for d in findings(cli, tmp_path, "n.py") if d["code"] == "CL008"]
    assert len(found) == 1 and found[0]["fix"]["applicability"] == "display-only" and not found[0]["fix"]["edits"]
