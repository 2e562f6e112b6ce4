"""A hostile repository cannot make claude-lint hang or exhaust memory (issue 13).

Each attack is small on disk and was, before its fix, exponential or quadratic: it ran
for hours or until the kernel killed the process. Each runs the real CLI in a
subprocess with a wall-clock timeout and an address-space cap, so that a regression
fails here instead of hanging CI or eating the machine. The timeouts catch hangs, not
slowness: the runs take well under a second where it is fixed.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import HOSTILE_EXTRACTION

HANG_SECONDS = 60
MEMORY_CAP = 1_500_000_000  # bytes of address space: a blow-up fails with MemoryError, never the machine's
HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


# The findings these tests follow are CL001's (a limit at the model's maximum), a preview
# rule: every project here selects it, as a user can.
PYPROJECT = "[project]\nname = 'hostile'\n[tool.claude-lint]\nextend-select = ['CL001', 'CL002']\n"


def project(root: Path, files: Dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def run_capped(root: Path, *args: str, env: Dict[str, str] = None) -> subprocess.CompletedProcess:
    """The real CLI on `root`, bounded in time and memory (TimeoutExpired fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "claude_lint", "check", "--no-cache", "--output-format", "json", *args, "."],
        cwd=root,
        capture_output=True,
        timeout=HANG_SECONDS,
        preexec_fn=_cap,
        env={**os.environ, **(env or {})},
    )


def findings(proc: subprocess.CompletedProcess) -> List[dict]:
    err = proc.stderr.decode()
    assert proc.returncode in (0, 1), f"exit {proc.returncode}: {err[-2000:]}"
    assert "internal error" not in err and "Traceback" not in err, err[-2000:]
    return json.loads(proc.stdout)


def codes(proc: subprocess.CompletedProcess) -> List[str]:
    return sorted(f["code"] for f in findings(proc))


CALL = "client.messages.create(model='claude-haiku-4-5', max_tokens=100, {kw}, messages={messages})\n"


# A file that must still be linted next to each attack: its uncached system prompt of
# some 6,000 tokens is a CL002.
CONTROL = HEAD + "SYSTEM = '" + "Follow the policy. " * 1500 + "'\n" + CALL.format(kw="system=SYSTEM", messages="[]")


def attack(tmp_path: Path, files: Dict[str, str], *args: str) -> List[dict]:
    """Lint the attack files next to the control file; the findings on the attack files."""
    root = project(tmp_path / "p", {**files, "control.py": CONTROL})
    found = findings(run_capped(root, *args))
    for f in found:
        f["filename"] = os.path.relpath(f["filename"], root)
    assert any(f["code"] == "CL002" and f["filename"] == "control.py" for f in found), found
    return [f for f in found if f["filename"] != "control.py"]


# --- 1. doubling: memory -----------------------------------------------------------------

DOUBLINGS = {
    "plus": "A{i} = A{j} + A{j}",
    "fstring": 'A{i} = f"{{A{j}}}{{A{j}}}"',
    "join": "A{i} = ''.join([A{j}, A{j}])",
    "transform": "A{i} = A{j}.strip() + A{j}",
}


def test_doubling_text_stays_small(tmp_path):
    """Sixty lines that each double a string: 2**60 pieces; killed at 24 GB before.
    Across modules too, where only linking sees the doubling."""
    files = {}
    for name, line in DOUBLINGS.items():
        lines = ["A0 = 'xxxxxxxxxx'"] + [line.format(i=i, j=i - 1) for i in range(1, 61)]
        files[f"{name}.py"] = HEAD + "\n".join(lines) + "\n" + CALL.format(kw="system=A60", messages="[]")
    files["m0.py"] = "B = 'xxxxxxxxxx'\n"
    for i in range(1, 61):
        files[f"m{i}.py"] = f"from m{i - 1} import B as P\nB = P + P\n"
    files["modules.py"] = HEAD + "from m60 import B\n" + CALL.format(kw="system=B", messages="[]")
    # Below the bounds the text is folded exactly: 28 * 2**11 = 57,344 characters, counted by CL002.
    lines = ["A0 = 'lorem ipsum dolor sit amet '"] + [f"A{i} = A{i - 1} + A{i - 1}" for i in range(1, 12)]
    files["small.py"] = HEAD + "\n".join(lines) + "\n" + CALL.format(kw="system=A11", messages="[]")
    found = attack(tmp_path, files)
    assert [(f["filename"], f["code"]) for f in found] == [("small.py", "CL002")], found  # the others are too large: silent


# --- 2. shared subtrees: the linker's walk ----------------------------------------------------


def _wide(names: List[str]) -> str:
    return "[" + ", ".join(names) + "]"


def test_shared_subtrees_are_not_walked_as_trees(tmp_path):
    """Twenty levels of 8-wide containers of the level below: 8**20 nodes as a tree. A
    hang with no CL904 before (the linker ran outside the time limit)."""
    files: Dict[str, str] = {}
    body = "A0 = 'x'\n" + "".join(f"A{i} = {_wide([f'A{i - 1}'] * 8)}\n" for i in range(1, 21))
    files["names.py"] = HEAD + body + CALL.format(kw="system='s'", messages="A20")
    files["m0.py"] = "A = 'x'\n"
    for i in range(1, 21):
        files[f"m{i}.py"] = f"from m{i - 1} import A as P\nA = {_wide(['P'] * 8)}\n"
    files["modules.py"] = HEAD + "from m20 import A\n" + CALL.format(kw="system='s'", messages="A")
    body = "def f0(a0='x'):\n"
    for i in range(1, 20):
        body += "    " * i + f"def f{i}(a{i}={_wide([f'a{i - 1}'] * 8)}):\n"
    files["defaults.py"] = HEAD + body + "    " * 20 + CALL.format(kw="system='s'", messages="a19")
    body = "class C:\n    def __init__(self):\n        self.a0 = 'x'\n"
    body += "".join(f"        self.a{i} = {_wide([f'self.a{i - 1}'] * 8)}\n" for i in range(1, 21))
    files["attrs.py"] = HEAD + body + "    def go(self):\n        " + CALL.format(kw="system='s'", messages="self.a20")
    body = "D0 = {'role': 'user', 'content': 'x'}\n"
    body += "".join(f"D{i} = {{" + ", ".join(f"'k{k}': D{i - 1}" for k in range(8)) + f", **D{i - 1}}}\n" for i in range(1, 21))
    files["dicts.py"] = HEAD + body + CALL.format(kw="system='s'", messages="[D20]")
    body = "from pathlib import Path\nP0 = Path('a')\n" + "".join(f"P{i} = P{i - 1} / P{i - 1}\n" for i in range(1, 25))
    files["paths.py"] = HEAD + body + CALL.format(kw="system=P24.read_text()", messages="[]")
    assert attack(tmp_path, files) == []


# --- 3. template delimiters ---------------------------------------------------------------------


def test_unclosed_jinja_tags_are_linear(tmp_path):
    """A megabyte prompt of unclosed openers: the regex scanned to the end from each one
    (hours). More tags than placeholder characters (131,072): too large, not a crash."""
    files = {}
    for name, text in (("expr", "{{" * 400_000), ("stmt", "{%" * 400_000), ("comment", "{#" * 400_000), ("many", "{{x}}" * 150_000)):
        files[f"{name}.txt"] = text
        files[f"{name}.py"] = HEAD + f"import jinja2\nT = jinja2.Template(open('{name}.txt').read())\n" + CALL.format(kw="system=T.render()", messages="[]")
    found = attack(tmp_path, files)
    # Unclosed openers are literal text: counted, and an uncached system prompt.
    assert sorted((f["filename"], f["code"]) for f in found) == [("comment.py", "CL002"), ("expr.py", "CL002"), ("stmt.py", "CL002")], found


def test_a_string_of_many_escapes_is_read_once(tmp_path):
    """The pre-filter reads where each string ends, so that a call written only in a
    comment or a string is no call: it searched for the closing quote (and a one-line
    string's line end) again after every backslash, quadratic in the escapes (320 KB: 17 s;
    these 1.5 MB: minutes). A call in a comment after them is still no request."""
    triple = HEAD + 'X = """' + "\\n" * 500_000 + '"""\n# client.messages.create(model="claude-haiku-4-5", max_tokens=100)\n'
    single = HEAD + "Y = '" + "\\t" * 250_000 + "'\n# client.messages.create(model='claude-haiku-4-5', max_tokens=100)\n"
    assert attack(tmp_path, {"triple.py": triple, "single.py": single}) == []



def test_the_reading_of_a_posts_body_is_bounded(tmp_path):
    """The pre-filter reads a POST's body passed by name in the function around the call,
    parsed alone (prefilter_scope.py): a name aliased through thousands of names, helpers
    returning one another's result, a dict nested near the parser's depth, and a thousand
    POSTs in one function stay bounded (its depth, the helpers it reads, the function's size)."""
    aliases = "".join(f"    b{i} = b{i - 1}\n" for i in range(1, 3000))
    helpers = "".join(f"def h{i}(x):\n    return h{i + 1}(x)\n\n\n" for i in range(300))
    deep = "    deep = " + "{'k': " * 190 + "1" + "}" * 190 + "\n"  # (CPython refuses 200 brackets deep: a CL901)
    posts = "    requests.post(URL, json=b2999)\n    requests.post(URL, data=h0(q))\n" * 500
    source = ("import os\n\nimport requests\n\nURL = os.environ['LLM_URL']\nEXAMPLE = {'model': 'm', 'messages': []}\n\n\n"
              + helpers + "def send(q):\n    b0 = {'model': 'gpt-4o'}\n" + aliases + deep + posts)
    assert attack(tmp_path, {"posts.py": source}) == []


# --- 4. gitignore globs ------------------------------------------------------------------------------


def test_gitignore_glob_does_not_backtrack(tmp_path):
    """Sixteen stars in one name against a long name that fails at its end: pathspec's
    regex backtracked for minutes. Exclude globs (fnmatch) are checked the same way."""
    files = {
        ".gitignore": "a" + "*a" * 16 + "\n/sub/" + "*a" * 16 + "/x\n",
        "a" * 60 + "b.py": LIMIT_ABOVE_MAXIMUM,
        "sub/" + "a" * 60 + "b/x.py": LIMIT_ABOVE_MAXIMUM,
        "sub/" + "a" * 60 + "/x.py": LIMIT_ABOVE_MAXIMUM,  # this one matches: ignored
    }
    files["pyproject.toml"] = PYPROJECT + "extend-exclude = ['" + "a" + "*a" * 16 + "']\n"
    found = attack(tmp_path, files)
    assert sorted({(f["filename"], f["code"]) for f in found if f["code"] == "CL001"}) == [
        ("a" * 60 + "b.py", "CL001"), ("sub/" + "a" * 60 + "b/x.py", "CL001")], found


LIMIT_ABOVE_MAXIMUM = HEAD + "client.messages.create(model='claude-haiku-4-5', max_tokens=100000, messages=[])\n"  # CL001 (above the model's maximum)


# --- 5. linking and rules under the per-file time limit ----------------------------------------------

SPIN = """
import time
from claude_lint import cli, link
from claude_lint.checks.max_tokens import OversizedMaxTokens as MaxTokens

def spin():
    end = time.monotonic() + 30  # bounded: without the limit the run ends, without a CL904
    while time.monotonic() < end:
        pass

read = link.Project._file
def slow_file(self, value):
    if value.segments[-1] == "slow.txt":
        spin()
    return read(self, value)
link.Project._file = slow_file

check = MaxTokens.check_call
def slow_rule(self, call, ctx):
    if call.site.path.endswith("slow_rule.py"):
        spin()
    return check(self, call, ctx)
MaxTokens.check_call = slow_rule
raise SystemExit(cli.main(["check", "--no-cache", "--output-format", "json", "."]))
"""


def test_linking_and_rules_are_under_the_time_limit(tmp_path):
    """A file whose linking or whose rules overrun is a CL904 (they ran unlimited
    before); the other files are linted as usual."""
    files = {
        "pyproject.toml": PYPROJECT + "[tool.claude-lint.CL904]\nseconds = 2\n",
        "slow.txt": "a prompt",
        "slow_link.py": HEAD + "P = open('slow.txt').read()\n" + CALL.format(kw="system=P", messages="[]"),
        "slow_rule.py": LIMIT_ABOVE_MAXIMUM,
    }
    root = project(tmp_path / "p", {**files, "control.py": CONTROL})
    proc = subprocess.run([sys.executable, "-c", SPIN], cwd=root, capture_output=True, timeout=HANG_SECONDS, preexec_fn=_cap)
    found = findings(proc)
    got = sorted({(os.path.basename(f["filename"]), f["code"]) for f in found})
    assert got == [("control.py", "CL002"), ("slow_link.py", "CL904"), ("slow_rule.py", "CL904")], got


# --- 6. a worker that dies -------------------------------------------------------------------------

DYING = """
import os, signal, time
from claude_lint import cli, engine, pool

pool.MIN_FILES, pool.MIN_BYTES = 2, 0
pool.free_cores = lambda cores, readings=None: cores  # the machine's load (other tests beside this one) must not skip it
if pool.workers_for([(None, b"x")] * 8) < 2:
    raise SystemExit(99)  # one core or no fork: no pool here
pool.WORKER_MEMORY = 300_000_000
pool.GRACE_SECONDS = 1

""" + HOSTILE_EXTRACTION


def test_a_dead_worker_costs_only_its_file(tmp_path):
    """A worker killed on a file left the parent waiting forever (multiprocessing.Pool
    never gives up on a lost task). Now that file is a CL904, not run again (here it would
    kill the parent); so is a file stuck in one native call past twice the limit (its
    worker is killed); a worker over its memory allowance reports a CL904 instead of
    growing; every other file is linted."""
    files = {name: LIMIT_ABOVE_MAXIMUM for name in ("die.py", "hog.py", "stuck.py", "ok1.py", "ok2.py", "ok3.py")}
    files["pyproject.toml"] = PYPROJECT + "[tool.claude-lint.CL904]\nseconds = 2\n"
    root = project(tmp_path / "p", {**files, "control.py": CONTROL})
    proc = subprocess.run([sys.executable, "-c", DYING], cwd=root, capture_output=True, timeout=HANG_SECONDS, preexec_fn=_cap)
    if proc.returncode == 99:
        pytest.skip("one core, or no fork: the pool never starts here")
    found = findings(proc)
    got = sorted({(os.path.basename(f["filename"]), f["code"]) for f in found if f["code"] in ("CL001", "CL002", "CL904")})
    assert got == [("control.py", "CL002"), ("die.py", "CL904"), ("hog.py", "CL904"),
                   ("ok1.py", "CL001"), ("ok2.py", "CL001"), ("ok3.py", "CL001"), ("stuck.py", "CL904")], got
    messages = {os.path.basename(f["filename"]): f["message"] for f in found if f["code"] == "CL904"}
    assert "died" in messages["die.py"] and "memory" in messages["hog.py"] and "stopped" in messages["stuck.py"], messages


MAIN_HOG = """
import os
from claude_lint import cli, engine


cli.MAX_MEMORY = 500_000_000
inner = engine.Linter._facts_for
def hostile(self, source, data, triaged):
    if os.path.basename(source.path) == "hog.py":
        hog = b"x" * 900_000_000  # past the allowance; under the test's own cap
    return inner(self, source, data, triaged)
engine.Linter._facts_for = hostile
raise SystemExit(cli.main(["check", "--no-cache", "--output-format", "json", "."]))
"""


def test_the_cli_caps_its_own_memory(tmp_path):
    """Without a pool (a small project, the usual hostile one) files are analysed in the
    CLI's own process: past its address-space cap a file is a CL904, and the run goes on."""
    root = project(tmp_path / "p", {"hog.py": LIMIT_ABOVE_MAXIMUM, "ok.py": LIMIT_ABOVE_MAXIMUM, "control.py": CONTROL})
    proc = subprocess.run([sys.executable, "-c", MAIN_HOG], cwd=root, capture_output=True, timeout=HANG_SECONDS, preexec_fn=_cap,
                          env={**os.environ, "CLAUDE_LINT_NO_POOL": "1"})
    found = findings(proc)
    got = sorted({(os.path.basename(f["filename"]), f["code"]) for f in found if f["code"] in ("CL001", "CL002", "CL904")})
    assert got == [("control.py", "CL002"), ("hog.py", "CL904"), ("ok.py", "CL001")], got
