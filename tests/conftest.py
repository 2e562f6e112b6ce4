from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# The facts cache's key lives in the user's cache folder: the tests (and every CLI they
# run, which inherits the environment) use a folder of their own, not the real one.
_USER_CACHE = tempfile.mkdtemp(prefix="claude-lint-user-cache-")
os.environ["XDG_CACHE_HOME"] = _USER_CACHE
# Set before claude_lint is imported, so nothing it reads at import time sees the real folder.

from claude_lint.config import Settings  # noqa: E402
from claude_lint.engine import lint  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
# A light task (a yes/no prompt) on the top-tier model of fixtures/integrations/app/bot.py, to append to it:
# what CL003 (issue 15) reports where no call of the project uses a cheaper tier.
LIGHT_TASK = (
    "\n\ndef is_urgent(text):\n    return client.messages.create(\n        model=\"claude-opus-4-6\",\n        max_tokens=300,\n"
    "        system=\"Answer only with yes or no.\",\n        messages=[{\"role\": \"user\", \"content\": text}],\n    )\n"
)


def pytest_unconfigure(config):
    shutil.rmtree(_USER_CACHE, ignore_errors=True)


def write_project(root: Path, example, suite: bool = True) -> Path:
    """Write an example (a source, or {name: content}) under root; return the first file.
    `suite` is accepted for symmetry with lint_tree, whose `suite=False` means the rules' own defaults."""
    files = example if isinstance(example, dict) else {"example.py": example}
    first = None
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        first = first or path
    # No [tool.claude-lint] here: a config section would govern the files in place of the
    # settings lint_tree passes. lint_tree and the cli fixture add the suite's settings.
    (root / "pyproject.toml").write_text("[project]\nname = 'example'\n")
    return first


# Most tests use a CL001 finding (max_tokens=8192 with no evidence of the answer's size) as
# the canary of "a finding", and were written when CL001, CL003, CL004 and CL009 were on by
# default. Those rules are preview now (issue 15) and CL001 judges from evidence; the
# projects these fixtures write opt in to the earlier behaviour, as a user can. The tests
# of the preview selection and of the evidence pass their own settings.
PREVIEW = ("CL001", "CL003", "CL004", "CL009")
SUITE_CL001 = '\n[tool.claude-lint.CL001]\nmode = "threshold"\n'
# `select`, not `extend-select`: a test's own --select replaces it, as it replaced the default.
SUITE_CONFIG = '\n[tool.claude-lint]\nselect = ["ALL"]\n' + SUITE_CL001


def line_of(text: str, needle: str) -> int:
    """The 1-based line of an example's text where needle first occurs."""
    return text[: text.index(needle)].count("\n") + 1


def extractor_finds(source: str, monkeypatch) -> bool:
    """Does the extractor, made to parse the file whatever the pre-filter says, find a
    request in it (its facts kept)?"""
    from claude_lint.extract import prefilter, python

    monkeypatch.setattr(prefilter, "worth_parsing", lambda data: True)
    return python.extract(source, "m.py", "/p/m.py", "m", calls_only=True).parsed


def prefilter_passes(source: str) -> bool:
    """Does the pre-filter let this Python source through to the extractor (both its tests)?"""
    from claude_lint.extract import prefilter

    data = source.encode()
    return prefilter.needs_parse(data) and prefilter.worth_parsing(data)


def report_routes(cli, root: Path, example) -> list:
    """The routes `report --format json` lists for an example written under root."""
    import json

    write_project(root, example)
    done = cli("report", ".", "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)["routes"]


def routes_by_place(cli, root: Path, example) -> dict:
    """(file, line) -> (api, the line of the request it reaches: None for the request itself, model)."""
    return {(r["filename"], r["line"]): (r["api"], (r["via"] or {}).get("line"), r["model"])
            for r in report_routes(cli, root, example)}


def route_sites(routes) -> list:
    """(file, line, api, the wrapper's request line) of each route, sorted: what a recognition
    test compares."""
    return sorted((r["filename"], r["line"], r["api"], (r["via"] or {}).get("line")) for r in routes)


def with_suite(config: str) -> str:
    """A test's own pyproject.toml text with SUITE_CONFIG merged in (unless it selects rules
    itself or sets CL001's options: then the test means its own selection)."""
    if "[tool.claude-lint]" not in config and "[tool.claude-lint." not in config:
        return config + SUITE_CONFIG
    if "[tool.claude-lint]" not in config:
        # Only a rule's table: a second [tool.claude-lint.CL001] would be a TOML error.
        config += '\n[tool.claude-lint]\nselect = ["ALL"]\n'
    elif "select" not in config:
        config = config.replace("[tool.claude-lint]\n", '[tool.claude-lint]\nselect = ["ALL"]\n', 1)
    if "[tool.claude-lint.CL001]" not in config:
        config += '\n[tool.claude-lint.CL001]\nmode = "threshold"\n'
    elif "mode" not in config:
        config = config.replace("[tool.claude-lint.CL001]\n", '[tool.claude-lint.CL001]\nmode = "threshold"\n', 1)
    return config


def suite_config(cwd: Path, top: Path) -> None:
    """Give a test project with no config of its own the suite's (SUITE_CONFIG), in a
    claude-lint.toml where a pyproject.toml would be: a project marker is not moved."""
    here = cwd.resolve()
    top = top.resolve()
    while True:
        for name in ("claude-lint.toml", ".claude-lint.toml", "pyproject.toml"):
            if (here / name).is_file():
                if name == "pyproject.toml" and (here == top or top in here.parents):
                    text = (here / name).read_text()
                    merged = with_suite(text)
                    if merged != text:
                        (here / name).write_text(merged)
                return
        if here == top or here.parent == here or top not in here.parents:
            break
        here = here.parent
    if any((cwd / m).exists() for m in (".git", "setup.py", "setup.cfg")) or not cwd.is_dir():
        return
    (cwd / "claude-lint.toml").write_text(SUITE_CONFIG.replace("[tool.claude-lint.CL001]", "[CL001]").replace("[tool.claude-lint]", ""))


def lint_tree(root: Path, suite: bool = True, **settings):
    """Lint root as the engine does; `suite=False`: the rules' own defaults, not SUITE_CONFIG's."""
    if suite and "select" not in settings:
        settings["select"] = ("ALL",)
    if suite and not any(code == "CL001" for code, _ in settings.get("rule_options", ())):
        settings["rule_options"] = tuple(settings.get("rule_options", ())) + (("CL001", (("mode", "threshold"),)),)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return lint(["."], Settings(root=str(root), **settings))
    finally:
        os.chdir(cwd)


@pytest.fixture
def project(tmp_path):
    def make(example, **settings):
        write_project(tmp_path, example)
        return lint_tree(tmp_path, **settings)

    return make


def claude_lint_command():
    """The installed console script, next to this interpreter."""
    exe = shutil.which("claude-lint", path=os.path.dirname(sys.executable)) or shutil.which("claude-lint")
    assert exe, "claude-lint is not installed: run the README's test command"
    return exe


@pytest.fixture
def cli(tmp_path):
    def run(*args, cwd=None, input=None):
        suite_config(Path(cwd or tmp_path), tmp_path)
        return subprocess.run(
            [claude_lint_command(), *args], cwd=cwd or tmp_path, input=input, capture_output=True, timeout=120
        )

    return run


# The end of a script the pool's tests run through the real CLI (test_dos, test_pool_share):
# extraction that dies, takes too much memory or hangs on the files so named, in a worker.
HOSTILE_EXTRACTION = """
inner = engine.Linter._facts_for
def hostile(self, source, data, triaged):
    name = os.path.basename(source.path)
    if name == "die.py":
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    if name == "hog.py":
        hog = b"x" * 700_000_000  # past the worker's allowance; under the test's own cap
    if name == "stuck.py":
        time.sleep(600)  # one native call: the time limit's exception waits for it to return
    return inner(self, source, data, triaged)
engine.Linter._facts_for = hostile
raise SystemExit(cli.main(["check", "--no-cache", "--output-format", "json", "."]))
"""
