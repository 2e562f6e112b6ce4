"""Issue 18: every surface right, through the real CLI. Notebooks in every output format
and in --fix / --add-noqa, missing paths, suppression comments in every input kind,
messages, report totals and widths, -o, the JSON `name`."""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from claude_lint.checks.examples import notebook

from conftest import FIXTURES

EXPLORE = FIXTURES / "inputs" / "mixed" / "notebooks" / "explore.ipynb"
PYPROJECT = "[project]\nname = 'surfaces'\n"


def layouts(nb_text: str) -> dict:
    """One notebook written as Jupyter writes it, with each source as one string, and minified."""
    nb = json.loads(nb_text)
    single = json.loads(nb_text)
    for cell in single["cells"]:
        cell["source"] = "".join(cell["source"])
    return {
        "jupyter.ipynb": json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
        "single.ipynb": json.dumps(single, indent=2),
        "minified.ipynb": json.dumps(nb, separators=(",", ":")),
    }


def write(root: Path, files: dict) -> None:
    (root / "pyproject.toml").write_text(PYPROJECT)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text) if isinstance(text, bytes) else path.write_text(text, encoding="utf-8")


def at(text: str, line: int, col: int, end_col: int) -> str:
    """The raw text a (line, col, end col) region covers, 1-based, end exclusive."""
    return text.splitlines()[line - 1][col - 1:end_col - 1]


# --- 1. a missing path ---------------------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["--fix"], ["--add-noqa"], ["--output-format", "grouped"]])
def test_a_missing_path_never_says_all_checks_passed(cli, tmp_path, extra):
    write(tmp_path, {"ok.py": "x = 1\n"})
    run = cli("check", "ok.py", "does/not/exist", *extra)
    assert run.returncode == 2
    assert b"All checks passed" not in run.stdout
    assert b"does/not/exist: no such file or directory" in run.stderr


# --- 2. notebooks in the CI formats ------------------------------------------------------


@pytest.mark.parametrize("name", ["jupyter.ipynb", "single.ipynb", "minified.ipynb"])
def test_ci_formats_point_at_the_cells_source_line_in_the_raw_json(cli, tmp_path, name):
    write(tmp_path, layouts(EXPLORE.read_text()))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    raw = (tmp_path / name).read_text()

    sarif = json.loads(cli("check", name, "--select", "CL001", "--output-format", "sarif").stdout)
    [result] = sarif["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert at(raw, region["startLine"], region["startColumn"], region["endColumn"]) == "16000"
    assert result["properties"]["cell"] == 4 and result["properties"]["cellLine"] == 6
    assert result["message"]["text"].startswith("cell 4, line 6, column 20: max_tokens=16000")
    assert "fixes" not in result

    [line] = cli("check", name, "--select", "CL001", "--output-format", "github").stdout.decode().splitlines()
    m = re.match(r"::warning file=[^,]+,line=(\d+),col=(\d+),endLine=\d+,endColumn=(\d+),title=CL001::CL001 cell 4, line 6, column 20: ", line)
    assert m, line
    assert at(raw, int(m[1]), int(m[2]), int(m[3])) == "16000"

    [issue] = json.loads(cli("check", name, "--select", "CL001", "--output-format", "gitlab").stdout)
    assert issue["location"]["lines"]["begin"] == region["startLine"]
    assert issue["description"].startswith("CL001 cell 4, line 6, column 20: ")

    junit = cli("check", name, "--select", "CL001", "--output-format", "junit").stdout.decode()
    assert f'line="{region["startLine"]}"' in junit and "cell 4, line 6, column 20" in junit


def test_notebook_from_standard_input_is_placed_in_the_buffer_not_the_file_on_disk(cli, tmp_path):
    write(tmp_path, {"nb.ipynb": "{}"})  # what is on disk is not what is linted
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    buffer = layouts(EXPLORE.read_text())["jupyter.ipynb"]
    out = cli("check", "--select", "CL001", "--output-format", "github", "--stdin-filename", "nb.ipynb", "-", input=buffer.encode())
    m = re.match(r"::warning file=nb.ipynb,line=(\d+),col=(\d+),endLine=\d+,endColumn=(\d+)", out.stdout.decode())
    assert m and at(buffer, int(m[1]), int(m[2]), int(m[3])) == "16000"


# --- 3. the report's routes in notebooks ---------------------------------------------


def test_report_attaches_each_finding_to_its_own_cell(cli, tmp_path):
    call = 'r = client.messages.create(model="claude-sonnet-4-6", max_tokens={}, messages=[])'
    write(tmp_path, {"nb.ipynb": notebook(
        "import anthropic\nclient = anthropic.Anthropic()",
        call.format(16000),
        call.format(300),  # the same row in another cell: not the finding's
    )})
    report = json.loads(cli("report", "nb.ipynb", "--format", "json").stdout)
    found = {r["route"]: [f["code"] for f in r["findings"] if f["code"] == "CL001"] for r in report["routes"]}
    assert found == {"nb.ipynb:cell 2": ["CL001"], "nb.ipynb:cell 3": []}
    html = cli("report", "nb.ipynb", "--format", "html").stdout.decode()
    assert html.count("<b>CL001</b>") == 1


# --- 9. what a ruff user expects: -o, `name` ----------------------------------------------


def test_output_file_and_json_name(cli, tmp_path):
    write(tmp_path, {"nb.ipynb": EXPLORE.read_text()})
    run = cli("check", "nb.ipynb", "--select", "CL001", "--output-format", "json", "-o", "out.json")
    assert run.returncode == 1 and run.stdout == b""
    [d] = json.loads((tmp_path / "out.json").read_text())
    assert d["name"] == "max-tokens-oversized" and d["code"] == "CL001"
    run = cli("check", "nb.ipynb", "--output-file", "no/such/folder/out.txt")
    assert run.returncode == 2 and b"cannot write no/such/folder/out.txt" in run.stderr and b"Traceback" not in run.stderr


# --- 4. --fix and --add-noqa edit notebook cells ---------------------------------------

LONG = "You answer billing questions for Acme. Quote the policy section. " * 400
FIXABLE_NB = notebook(
    "import anthropic\nclient = anthropic.Anthropic()",
    "md:Uncached, then a retired model:",
    f"SYSTEM = {LONG!r}\nr = client.messages.create(model=\"claude-sonnet-4-6\", max_tokens=500, system=SYSTEM, messages=[])\n%time x = 1",
    'r3 = client.messages.create(model="claude-3-opus-20240229", max_tokens=500, messages=[])\nprint("caf\u00e9")',
)


def changed_lines(before: str, after: str) -> list:
    import difflib

    return [l for l in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="") if l[:1] in "+-" and l[:3] not in ("+++", "---")]


@pytest.mark.parametrize("name", ["jupyter.ipynb", "single.ipynb", "minified.ipynb"])
def test_fix_edits_notebook_cells_and_keeps_the_rest_of_the_json(cli, tmp_path, name):
    write(tmp_path, layouts(FIXABLE_NB))
    before = (tmp_path / name).read_text()
    hint = cli("check", name).stdout.decode()
    assert "[*] 1 fixable with the `--fix` option (1 hidden fix" in hint
    run = cli("check", name, "--fix", "--unsafe-fixes")
    assert run.returncode == 0, run.stdout + run.stderr
    assert b"Fixed 2 errors." in run.stdout
    after = (tmp_path / name).read_text()
    nb = json.loads(after)
    assert '"cache_control": {"type": "ephemeral"}' in "".join(nb["cells"][2]["source"])
    assert 'model="claude-opus-4-8"' in "".join(nb["cells"][3]["source"])
    # Only the edited source lines (strings) changed, each in place.
    changed = changed_lines(before, after)
    if name == "jupyter.ipynb":
        assert len(changed) == 4 and all("client.messages.create(" in l for l in changed), changed
    elif name == "minified.ipynb":
        assert len(before) != len(after) and before[:before.index("r = client")] == after[:before.index("r = client")]
    assert json.loads(before)["metadata"] == nb["metadata"]
    assert cli("check", name, "--fix", "--unsafe-fixes").returncode == 0
    assert (tmp_path / name).read_text() == after


@pytest.mark.parametrize("name", ["jupyter.ipynb", "single.ipynb", "minified.ipynb"])
def test_add_noqa_comments_notebook_cells(cli, tmp_path, name):
    write(tmp_path, layouts(FIXABLE_NB))
    before = (tmp_path / name).read_text()
    run = cli("check", name, "--add-noqa")
    assert run.returncode == 0, run.stderr
    assert b"Added 2 noqa directives." in run.stderr
    after = (tmp_path / name).read_text()
    if name == "jupyter.ipynb":
        assert [l[1:].strip() for l in changed_lines(before, after) if l.startswith("+")] == [
            '"r = client.messages.create(model=\\"claude-sonnet-4-6\\", max_tokens=500, system=SYSTEM, messages=[])  # noqa: CL002\\n",',
            '"r3 = client.messages.create(model=\\"claude-3-opus-20240229\\", max_tokens=500, messages=[])  # noqa: CL007\\n",',
        ]
    for spelling in ("caf\u00e9", "caf\\u00e9"):  # written as it was, escaped or not
        assert (spelling in before) == (spelling in after)
    assert cli("check", name).returncode == 0


def test_add_noqa_says_what_it_could_not_do(cli, tmp_path):
    write(tmp_path, {"proxy.json": json.dumps({"model_list": [{"model_name": "x", "litellm_params": {"model": "anthropic/claude-sonnet-4-6", "max_tokens": 64000}}]})})
    run = cli("check", ".", "--add-noqa")
    assert run.returncode == 1
    assert b"proxy.json: JSON has no comments; silence its findings with per-file-ignores; 1 finding left as it was" in run.stderr


def test_a_fix_in_a_file_fix_cannot_write_is_not_counted(cli, tmp_path):
    write(tmp_path, {"llm/agents.yaml": 'model: "claude-3-opus-20240229"\nmax_tokens: 300\n'})
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + "[tool.claude-lint]\nprompt-files = ['llm/*.yaml']\n")
    run = cli("check", ".")
    assert b"CL007" in run.stdout and b"fix" not in run.stdout.lower().split(b"found")[-1]


# --- 5. suppression comments in every kind with comments ---------------------------------


def test_noqa_in_yaml_toml_and_front_matter_and_file_level(cli, tmp_path):
    write(tmp_path, {
        "llm/a.yaml": "agents:\n  - model: claude-sonnet-4-6\n    max_tokens: 16000  # noqa: CL001\n    system: |\n      text # noqa\n"
                      "  - model: claude-sonnet-4-6\n    max_tokens: 17000\n",
        "llm/b.toml": '[a]\nmodel = "claude-sonnet-4-6"\nmax_tokens = 16000  # noqa: CL001\n[b]\nmodel = "claude-sonnet-4-6 # noqa"\nmax_tokens = 17000\n',
        "llm/c.yaml": "# claude-lint: noqa: CL001\nmodel: claude-sonnet-4-6\nmax_tokens: 16000\n",
        "t.prompty": "---\nname: x\nmodel:\n  api: chat\n  configuration:\n    type: openai\n    name: claude-sonnet-4-6\n"
                     "  parameters:\n    max_tokens: 16000  # noqa: CL001\n---\nsystem:\nhi\n",
        "app.py": "# claude-lint: noqa: CL001\nimport anthropic\nc = anthropic.Anthropic()\n"
                  'c.messages.create(model="claude-sonnet-4-6", max_tokens=16000, messages=[])\n',
        "other.py": "# claude-lint: noqa: CL002\nimport anthropic\nc = anthropic.Anthropic()\n"
                    'c.messages.create(model="claude-sonnet-4-6", max_tokens=16000, messages=[])\n',
        "nb.ipynb": notebook("# claude-lint: noqa\nimport anthropic\nc = anthropic.Anthropic()",
                             'c.messages.create(model="claude-sonnet-4-6", max_tokens=16000, messages=[])'),
    })
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + "[tool.claude-lint]\nprompt-files = ['llm/*.yaml', 'llm/*.toml']\nselect = ['CL001']\n")
    out = cli("check", ".", "--output-format", "concise").stdout.decode().splitlines()
    assert [l.split(" ")[0] for l in out] == ["llm/a.yaml:7:17:", "llm/b.toml:6:14:", "other.py:4:57:"]


# --- 6. messages, report totals, widths ------------------------------------------------


def test_report_says_unknown_rather_than_zero_and_fails_retired_routes(cli, tmp_path):
    call = 'client.messages.create(model="{}", max_tokens=300, messages=[])\n'
    write(tmp_path, {"app.py": "import anthropic\nclient = anthropic.Anthropic()\n" + call.format("our-gateway-model")})
    table = " ".join(cli("report", "app.py").stdout.decode().split())
    assert "$0.0000" not in table
    assert "Total: unknown per 1,000 calls of every route (worst-case output); the saving is unknown too." in table
    md = cli("report", "app.py", "--format", "markdown").stdout.decode()
    assert "1 call site in 1 file." in md and "**unknown** in total" in md
    assert json.loads(cli("report", "app.py", "--format", "json").stdout)["total_usd"] is None

    (tmp_path / "app.py").write_text("import anthropic\nclient = anthropic.Anthropic()\n" + call.format("claude-3-opus-20240229") + call.format("claude-sonnet-4-6"))
    data = json.loads(cli("report", "app.py", "--format", "json").stdout)
    failing = {r["model"]: r["fails"] for r in data["routes"]}
    assert failing == {"claude-3-opus-20240229": True, "claude-sonnet-4-6": False}
    assert data["total_usd"] == pytest.approx(300 * 15 / 1e6 * 1000)  # the working route only
    table = " ".join(cli("report", "app.py").stdout.decode().split())
    assert "fails (retired)" in table and "1 route on a retired model: every request fails (CL007)" in table


def test_terminal_report_fits_100_columns(cli):
    root = Path(__file__).resolve().parent.parent
    out = cli("report", "tests/fixtures", cwd=root).stdout.decode()
    assert len(out.splitlines()) > 50
    assert max(len(line) for line in out.splitlines()) <= 100


def test_cl007_names_the_cell_where_the_id_is_set(cli, tmp_path):
    write(tmp_path, {"nb.ipynb": notebook(
        'import anthropic\nclient = anthropic.Anthropic()\nMODEL = "claude-3-opus-20240229"',
        "client.messages.create(model=MODEL, max_tokens=300, messages=[])",
    )})
    out = cli("check", "nb.ipynb", "--select", "CL007").stdout.decode()
    # CL007 lands where the ID is set (issue 15): its position names the cell; the request is a related location
    assert out.startswith("nb.ipynb:cell 1:3:9: CL007 Model claude-3-opus-20240229"), out
    [found] = json.loads(cli("check", "nb.ipynb", "--select", "CL007", "--output-format", "json").stdout)
    assert {(r["cell"], r["location"]["row"]) for r in found["related"]} == {(2, 1)}
    assert not re.search(r"\b[A-Z]{2,}[-0-9]*\b \d{4}-\d\d-\d\d", out)  # no internal source keys with dates


CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if __import__("shutil").which(c)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="needs a headless Chromium (apt-get install chromium)")
def test_html_report_fits_a_1280_pixel_page(cli, tmp_path):
    # Long, unbroken route names are what pushed the table past the page.
    folder = "services/customer_support_platform/conversation_orchestration/llm_gateway_integrations"
    write(tmp_path, {f"{folder}/anthropic_message_summarisation_pipeline_{i}.py": (
        "import anthropic\nclient = anthropic.Anthropic()\n"
        f"def summarise_customer_conversation_history_for_escalation_review_{i}(q):\n"
        '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=16000, messages=[])\n') for i in range(3)})
    html = cli("report", ".", "--format", "html").stdout.decode()
    # The page has no script of its own: a copy gets one that reports the page's width.
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", '<script>document.title = "W" + document.documentElement.scrollWidth + "C" + document.documentElement.clientWidth</script></body>'))
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,900", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    m = re.search(r"<title>W(\d+)C(\d+)</title>", done.stdout)
    assert m, done.stderr[-2000:]
    assert int(m[1]) <= int(m[2]) <= 1280


# --- 8. the README's promises -------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def test_readme_output_example_is_the_real_output(cli):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- check-example:")[1].split("<!-- /check-example -->")[0]
    shown = block.split("```\n", 1)[1].rsplit("```", 1)[0].split("\n", 1)[1]  # after the `$ command` line
    run = cli("check", "app/support.py", "--select", "CL001", "--no-cache", cwd=ROOT / "examples" / "audit")
    assert run.stdout.decode() == shown, "README's output example is stale: paste the output of the command it shows"
    assert len(shown.splitlines()) == 3


def test_readme_install_targets_work_from_a_clone():
    for doc in ("README.md", "docs/integrations.md"):
        text = (ROOT / doc).read_text()
        assert "claude-lint[lsp]\"" not in text and "'claude-lint[lsp]'" not in text, doc  # not on any index
        assert "github.com/claude-lint/claude-lint" not in text and "@v0.1.0" not in text and "rev: v0.1.0" not in text, doc
        for rev in re.findall(r"^\s*rev: (\S+)", text, re.M):
            assert re.fullmatch(r"[0-9a-f]{40}", rev), (doc, rev)  # a commit sha: there are no tags
        assert "placeholder" in text
    assert "0.11" in (ROOT / "README.md").read_text() and "vim.lsp.start_client" in (ROOT / "README.md").read_text()


def _readme_first_command() -> str:
    quick = (ROOT / "README.md").read_text().split("## Quick start", 1)[1]
    return quick.split("```sh\n", 1)[1].split("\n```", 1)[0].strip()


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout to clone")
def test_readme_first_command_works_in_a_fresh_clone(tmp_path):
    """The README's install-and-lint command, as written, in a fresh clone of this repository
    (committed state, no venv, nothing installed), on the example project it ships."""
    command = _readme_first_command()
    assert command.count("&&") == 2 and command.endswith("claude-lint check path/to/your/project"), command
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "CLAUDE_LINT"))}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # the user's cache folder, not ours
    run = subprocess.run(["bash", "-c", command.replace("path/to/your/project", "examples/audit")], cwd=clone, env=env,
                         capture_output=True, text=True, timeout=600)
    if run.returncode not in (0, 1) and re.search(r"No matching distribution|NewConnectionError|Could not fetch", run.stderr):
        pytest.skip("no package index reachable for the install step: " + run.stderr[-300:])
    assert run.returncode in (0, 1) and "Traceback" not in run.stderr, run.stderr[-3000:]
    # the example ships findings (which ones is the rules' business): each names a file of it
    assert run.returncode == 1 and re.search(r"^examples/audit/app/support\.py:\d+:\d+: CL\d{3} ", run.stdout, re.M), run.stdout


@pytest.mark.skipif(__import__("shutil").which("nvim") is None, reason="needs Neovim (apt-get install neovim: Debian's is 0.7)")
def test_readme_neovim_snippet_for_older_versions_gets_diagnostics(tmp_path):
    """The README's Neovim 0.7-0.10 form, run by a real Neovim (Debian 12's is 0.7) on a file with a finding."""
    import shutil
    import sys

    readme = (ROOT / "README.md").read_text()
    snippet = re.search(r"\*\*Neovim 0\.7 to 0\.10\*\*.*?```lua\n(.*?)```", readme, re.S).group(1)
    out = tmp_path / "count.txt"
    (tmp_path / "init.lua").write_text("\n".join(line[2:] for line in snippet.splitlines()) + f"""
local tries = 0
local function poll()
  tries = tries + 1
  local n = #vim.diagnostic.get(0)
  if n > 0 or tries > 300 then
    local f = io.open("{out}", "w"); f:write(tostring(n)); f:close()
    vim.cmd("qa!")
  else
    vim.defer_fn(poll, 100)
  end
end
vim.defer_fn(poll, 100)
""")
    project = tmp_path / "project"
    project.mkdir()
    # a retired model ID: CL007, on by default, is the one finding the editor must show
    write(project, {"bot.py": 'import anthropic\nclient = anthropic.Anthropic()\n'
                              'client.messages.create(model="claude-3-opus-20240229", max_tokens=300, messages=[])\n'})
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""), HOME=str(tmp_path))
    subprocess.run([shutil.which("nvim"), "--headless", "-u", str(tmp_path / "init.lua"), "bot.py"], cwd=project, env=env, timeout=90,
                   capture_output=True)
    assert out.read_text() == "1"
