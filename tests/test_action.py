"""The composite GitHub Action (action.yml): its shell steps, run here as the runner
runs them (bash -e -o pipefail, inputs through env, outputs through $GITHUB_OUTPUT),
against a throwaway repository whose base branch lives in a local `origin`.

The install step is not run (it would download claude-lint's dependencies): the
installed claude-lint of this test run is on PATH instead. `uses:` steps (the SARIF
upload) belong to GitHub and are only checked for what they are given."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from test_costdiff import GIT_ENV, git, make_repo

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash scripts")
ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def test_scripts_take_inputs_through_env_only():
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]  # no expression pasted into shell
        assert "run" not in step or step.get("shell") == "bash", step["name"]


def run_action(tmp_path: Path, inputs: dict, base_ref: str = "main"):
    """Run every `run` step in order; returns ({step id: (exit code, stdout, outputs)}, summary)."""
    repo = make_repo(tmp_path)
    subprocess.run(["git", "clone", "-q", "--bare", str(repo), str(tmp_path / "origin.git")], check=True, env={**os.environ, **GIT_ENV})
    git(repo, "remote", "add", "origin", str(tmp_path / "origin.git"))  # origin/main is not fetched yet
    values = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    values.update(inputs)
    summary = tmp_path / "summary.md"
    env = {**os.environ, **GIT_ENV, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
           "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    if base_ref:
        env["GITHUB_BASE_REF"] = base_ref
    steps = {}

    def expression(match):
        kind, _, rest = match.group(1).partition(".")
        if kind == "inputs":
            return values[rest]
        if kind == "steps":
            sid, _, name = rest.partition(".outputs.")
            return steps.get(sid, (0, "", {}))[2].get(name, "")
        if match.group(1) == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"the test does not know the expression {match.group(0)}")

    for i, step in enumerate(ACTION["runs"]["steps"]):
        if "uses" in step:
            assert step["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"
            continue
        if step.get("id") == "install":
            continue
        out_file = tmp_path / f"output-{i}"
        out_file.write_text("")
        step_env = {**env, "GITHUB_OUTPUT": str(out_file), **{k: EXPR.sub(expression, str(v)) for k, v in step.get("env", {}).items()}}
        script = tmp_path / f"step-{i}.sh"
        script.write_text(step["run"])
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", str(script)], cwd=repo, env=step_env,
                              capture_output=True, text=True, timeout=300)
        outputs = dict(line.split("=", 1) for line in out_file.read_text().splitlines() if "=" in line)
        steps[step.get("id", f"step{i}")] = (proc.returncode, proc.stdout + proc.stderr, outputs)
        if proc.returncode != 0:
            break  # the runner stops at a failed step
    return steps, summary.read_text() if summary.exists() else ""


def test_pull_request_with_budget_exceeded(tmp_path):
    steps, summary = run_action(tmp_path, {"fail-on-increase": "10%"})
    assert steps["base"][2] == {"ref": "origin/main"}  # fetched from origin, as on a shallow checkout
    code, out, outputs = steps["check"]
    assert code == 0 and outputs["status"] == "1"
    assert re.search(r"^::(warning|error) file=app/support\.py,line=17,", out, re.M)  # CL001 on the changed limit
    assert "file=app/support.py,line=9," not in out  # unchanged line: not annotated
    sarif = json.loads(Path(outputs["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    code, out, outputs = steps["cost"]
    assert code == 0 and outputs["status"] == "1" and float(outputs["change-usd"]) > 0
    assert summary.startswith("## LLM cost diff") and "exceeds --fail-on-increase 10%" in summary
    code, out, _ = steps["result"]
    assert code == 1 and "rises more than the budget allows" in out


def test_pull_request_within_budget_and_findings_allowed(tmp_path):
    steps, summary = run_action(tmp_path, {"fail-on-increase": "$1000", "fail-on-findings": "false", "paths": "app"})
    assert steps["cost"][2]["status"] == "0" and "is within --fail-on-increase $1000" in summary
    assert steps["result"][0] == 0


def test_push_without_base_lints_everything_and_skips_the_diff(tmp_path):
    steps, summary = run_action(tmp_path, {}, base_ref="")
    assert steps["base"][2] == {"ref": ""}
    assert re.search(r"file=app/support\.py,line=9,", steps["check"][1])  # every line counts
    assert steps["cost"][2] == {"status": "0"} and summary == ""
    assert steps["result"][0] == 1  # findings fail the job by default
