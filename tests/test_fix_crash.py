"""Kill `--fix` with SIGKILL in the middle of a large run: every file must be either
byte-identical to its original or byte-identical to its fully fixed version."""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import claude_lint_command

N_FILES = 300
PROMPT = "\n".join(
    f"{i}. You are the support agent for Acme billing. Answer questions about invoices, refunds, plan changes "
    "and payment failures, quoting the exact amounts from the account data you are given." for i in range(80)
)
TEMPLATE = """import anthropic
from pathlib import Path

client = anthropic.Anthropic()
SYSTEM = (Path(__file__).parent.parent / "prompt.txt").read_text()
LIMIT = {limit}  # module {i}


def ask_{i}(question):
    return client.messages.create(model="claude-sonnet-4-6", max_tokens=LIMIT, system=SYSTEM,
                                  messages=[{{"role": "user", "content": question}}])
"""


def make_tree(root: Path) -> None:
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'many'\n")
    (root / "prompt.txt").write_text(PROMPT)
    for i in range(N_FILES):
        folder = root / f"pkg{i // 30}"
        folder.mkdir(exist_ok=True)
        (folder / f"mod{i}.py").write_text(TEMPLATE.format(i=i, limit=5000 + i))


def snapshot(root: Path):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def fix_command(root: Path):
    return [claude_lint_command(), "check", ".", "--fix", "--unsafe-fixes", "--quiet", "--select", "CL001,CL002"]


@pytest.mark.slow
def test_sigkill_during_fix_leaves_every_file_original_or_fixed(tmp_path):
    reference = tmp_path / "reference"
    make_tree(reference)
    original = snapshot(reference)
    done = subprocess.run(fix_command(reference), cwd=reference, capture_output=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    fixed = snapshot(reference)
    assert all(fixed[k] != original[k] for k in original), "every generated file must be fixable"

    victim = tmp_path / "victim"
    make_tree(victim)
    files = sorted(original)
    killed_at = []
    # Kill three times at growing depths, resuming each time: each kill lands while files are being written.
    for stop_after in (5, 60, 150):
        proc = subprocess.Popen(fix_command(victim), cwd=victim, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            n = sum(1 for k in files if (victim / k).read_bytes() == fixed[k])
            if n >= stop_after:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
        now = snapshot(victim)
        assert set(now) == set(files), "no file may appear or vanish"
        torn = [k for k in files if now[k] not in (original[k], fixed[k])]
        assert torn == [], f"files neither original nor fixed: {torn[:5]}"
        n_fixed = sum(1 for k in files if now[k] == fixed[k])
        killed_at.append(n_fixed)
        assert stop_after <= n_fixed < len(files)

    # A final run completes the work: the interrupted runs left nothing in the way.
    rerun = subprocess.run(fix_command(victim), cwd=victim, capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert snapshot(victim) == fixed
    print(f"killed with {killed_at} of {len(files)} files fixed")
