"""Jupyter notebooks: code cells linted as Python, positions reported per cell."""
from __future__ import annotations

import json
import shutil

from claude_lint.checks.examples import notebook
from claude_lint.extract.notebook import clean_cell

from conftest import FIXTURES, lint_tree, write_project

MIXED = FIXTURES / "inputs" / "mixed"


def test_cli_json_reports_cell_and_row_inside_the_cell(cli, tmp_path):
    shutil.copytree(MIXED / "notebooks", tmp_path / "notebooks")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'nb'\n")
    run = cli("check", "--output-format", "json", "notebooks/explore.ipynb")
    assert run.returncode == 1, run.stderr
    found = json.loads(run.stdout)
    # No CL003: it fires only where a call's code shows a light task (issue 15), and none here does.
    assert [(d["code"], d["cell"], d["location"], d["end_location"]) for d in found] == [
        # cell 4 is `%%time` then a loop: row 6 of that cell is `max_tokens=16000,`; cell 6's 8192 carries `# noqa: CL001`
        ("CL001", 4, {"row": 6, "column": 20}, {"row": 6, "column": 25}),
    ]
    assert found[0]["filename"].endswith("explore.ipynb")
    # the same finding in the text format, ruff's `path:cell N:row:col:` shape
    text = cli("check", "notebooks/explore.ipynb").stdout.decode().splitlines()
    assert text[0].startswith("notebooks/explore.ipynb:cell 4:6:20: CL001 max_tokens=16000")


def test_noqa_in_a_cell_suppresses_only_that_cell(project):
    call = 'client.messages.create(model="claude-opus-4-6", max_tokens=16000, messages=[])'
    result = project({"nb.ipynb": notebook(
        "import anthropic\nclient = anthropic.Anthropic()",
        call + "  # noqa: CL001",
        "md:Same call, not suppressed:",
        call,
    )}, select=("CL001",))
    assert [(d.code, d.loc.cell, d.loc.row) for d in result.diagnostics] == [("CL001", 4, 1)]


def test_magics_and_shell_lines_never_break_parsing(project):
    result = project({"nb.ipynb": notebook(
        "%pip install -q anthropic\n!ls -la data/ \\\n   | head\nimport anthropic\nclient = anthropic.Anthropic()\nclient?\nclient.messages??",
        "%%bash\necho 'this is not python ('",
        "files = !ls\nx = %timeit -o sum(range(10))\n%matplotlib inline",
        "for i in range(2):\n    !echo {i}\n    r = await client.messages.create(model='claude-sonnet-4-6', max_tokens=9000, messages=[])",
    )})
    last = "    r = await client.messages.create(model='claude-sonnet-4-6', max_tokens=9000, messages=[])"
    assert [(d.code, d.loc.cell, d.loc.row, d.loc.col) for d in result.diagnostics] == [("CL001", 4, 3, last.index("9000") + 1)]


def test_lines_inside_strings_are_never_blanked():
    source = 'PROMPT = """\nWhat is this?\n!important: keep it short\n%s placeholder\n"""\nprint(PROMPT)\n%time run()'
    assert clean_cell(source) == ['PROMPT = """', "What is this?", "!important: keep it short", "%s placeholder", '"""', "print(PROMPT)", ""]


def test_cell_magic_with_python_body_keeps_the_body():
    assert clean_cell("%%time\nx = 1\n") == ["", "x = 1"]
    assert clean_cell("%%writefile app.py\nimport anthropic\n") == ["", ""]


def test_broken_notebooks_are_one_diagnostic_each(project):
    result = project({
        "broken.ipynb": '{"cells": [\n  {"cell_type": "code", "source": ["x = 1"]}\n',
        "v3.ipynb": json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}),
        "fine.py": "import anthropic\n",
    })
    found = sorted((d.code, d.loc.path, d.message.split(":")[0]) for d in result.diagnostics)
    assert found == [
        ("CL903", "broken.ipynb", "notebook is not valid JSON"),
        ("CL903", "v3.ipynb", "nbformat 3 notebooks are not supported; upgrade with `jupyter nbconvert --to notebook --nbformat 4`"),
    ]


def test_syntax_error_in_a_cell_points_into_that_cell(project):
    result = project({"nb.ipynb": notebook("import anthropic", "md:text", "client = anthropic.Anthropic()\nclient.messages.create(model='x',\n")})
    [d] = result.diagnostics
    assert (d.code, d.loc.cell) == ("CL901", 3)


def test_other_kernels_are_not_linted_as_python(tmp_path):
    nb = json.loads(notebook("library(anthropic)\nmessages <- create(max_tokens = 9000)"))
    nb["metadata"] = {"kernelspec": {"language": "R", "name": "ir"}, "language_info": {"name": "R"}}
    write_project(tmp_path, {"analysis.ipynb": json.dumps(nb)})
    assert lint_tree(tmp_path).diagnostics == []


def test_single_model_counts_notebook_and_code_together(project, tmp_path):
    # CL003 names a light task (a yes/no prompt) on a top-tier model where no call, a notebook's included, uses a cheaper tier
    call = 'client.messages.create(model="{}", max_tokens=300, messages=[])'
    light = 'client.messages.create(model="claude-opus-4-6", max_tokens=300, system="Answer only with yes or no.", messages=[])'
    result = project({
        "nb.ipynb": notebook("import anthropic\nclient = anthropic.Anthropic()", call.format("claude-opus-4-6")),
        "app.py": "import anthropic\nclient = anthropic.Anthropic()\n" + light + "\n",
    }, select=("CL003",))
    [d] = result.diagnostics
    assert d.loc.path.endswith("app.py") and "no call in the project uses a cheaper tier" in d.message
    write_project(tmp_path / "routed", {
        "nb.ipynb": notebook("import anthropic\nclient = anthropic.Anthropic()", call.format("claude-haiku-4-5")),
        "app.py": "import anthropic\nclient = anthropic.Anthropic()\n" + light + "\n",
    })
    assert lint_tree(tmp_path / "routed", select=("CL003",)).diagnostics == []


def test_notebook_from_standard_input(cli, tmp_path):
    write_project(tmp_path, {})
    source = (MIXED / "notebooks" / "explore.ipynb").read_bytes()
    run = cli("check", "--select", "CL001", "-", "--stdin-filename", "notebooks/explore.ipynb", input=source)
    assert run.stdout.decode().startswith("notebooks/explore.ipynb:cell 4:6:20: CL001")


def test_an_edited_notebook_is_shown_at_its_new_positions(tmp_path, monkeypatch):
    """One process lints a notebook, the notebook changes, the process lints it again (an
    editor buffer, a watch loop): the raw JSON positions the CI formats show are the new
    text's, from disk and from memory alike."""
    from claude_lint.config import Settings
    from claude_lint.engine import lint
    from claude_lint.ipynb import shown

    call = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=64000, messages=[])'
    first = notebook("import anthropic\nclient = anthropic.Anthropic()", call)
    # the same call three rows lower in its cell, and an extra cell before it
    edited = notebook("md:# Notes", "import anthropic\nclient = anthropic.Anthropic()", "x = 1\ny = 2\nz = 3\n" + call)

    def raw_row(text: str) -> int:
        return next(i for i, line in enumerate(text.splitlines(), 1) if "max_tokens=64000" in line)

    def rows(result) -> list:
        return [shown(d.loc, result.sources)[0] for d in result.diagnostics if d.code == "CL001"]

    monkeypatch.chdir(tmp_path)  # a report is rendered where the lint ran: paths are shown relative to it
    path = tmp_path / "explore.ipynb"
    for text in (first, edited, first):
        path.write_text(text)
        assert rows(lint_tree(tmp_path, select=("CL001",))) == [raw_row(text)]
    path.write_text(first)  # on disk: the first text; linted: the buffer
    settings = Settings(root=str(tmp_path), select=("CL001",), rule_options=(("CL001", (("mode", "threshold"),)),))
    for text in (edited, first, edited):
        result = lint([], settings, stdin=(str(path), text.encode()))
        assert rows(result) == [raw_row(text)]
