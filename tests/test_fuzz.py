"""Generated programs through the engine: it never raises and never hangs.

hypothesmith generates syntactically valid Python (from the grammar, and from libcst's
node types); a strategy of our own generates LLM call sites built from the constructs
the value resolver follows (constants, imports, `**spread`, f-strings, defaults, loops),
so the resolver and the rules run on shapes nobody wrote by hand.

The example counts are bounded so that `.ci/run` stays fast; for a longer run:
`CLAUDE_LINT_FUZZ_EXAMPLES=2000 pytest -m slow -s tests/test_fuzz.py`.
"""
from __future__ import annotations

import os
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reliability import Tally

EXAMPLES = int(os.environ.get("CLAUDE_LINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CLAUDE_LINT_FUZZ_RANDOM") is None,  # CI: the same programs every run
    database=None,
    suppress_health_check=list(HealthCheck),
)
# Makes the byte pre-filter pass, so every generated module is parsed and walked.
HEADER = "# anthropic messages\n"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    (root / "pyproject.toml").write_text("[project]\nname = 'fuzz'\n")
    return root


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    t = Tally("generated programs")
    yield t
    t.report(tmp_path_factory.getbasetemp())


def _run(tally: Tally, root: Path, files: dict, label: str) -> None:
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    tally.lint_project(root, label)
    tally.tried += 1
    for name in files:
        (root / name).unlink()
    tally.assert_clean()


@pytest.mark.slow
@FUZZ
@given(source=hypothesmith.from_grammar())
def test_grammar_generated_modules(workdir, tally, source):
    _run(tally, workdir, {"generated.py": HEADER + source}, "from_grammar")


@pytest.mark.slow
@FUZZ
@given(source=hypothesmith.from_node())
def test_node_generated_modules(workdir, tally, source):
    _run(tally, workdir, {"generated.py": HEADER + source}, "from_node")


# --- LLM call sites from the pieces the resolver follows ------------------------------------

NAMES = st.sampled_from(["MODEL", "LIMIT", "SYSTEM", "PARAMS", "history", "msgs", "cfg", "x"])
MODELS = st.sampled_from(["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "claude-3-haiku-20240307", "", "gpt-4o", "x" * 300])
INTS = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([0, 1, 1024, 4096, 8192, 64000, 128000]))
TEXTS = st.text(min_size=0, max_size=60).map(repr)


def _expr(depth: int = 0):
    leaves = st.one_of(
        MODELS.map(repr), INTS.map(str), TEXTS, NAMES,
        st.sampled_from(["None", "True", "...", "os.environ['M']", "open('p.txt').read()", "Path(__file__).parent.joinpath('p.txt').read_text()", "Path('../../etc/passwd').read_text()"]),
    )
    if depth >= 2:
        return leaves
    sub = st.deferred(lambda: _expr(depth + 1))
    return st.one_of(
        leaves,
        st.tuples(sub, sub).map(lambda p: f"{p[0]} + {p[1]}"),
        st.tuples(sub, sub).map(lambda p: f"f'{{{p[0]}}} and {{{p[1]}}}'"),
        st.lists(sub, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(TEXTS, sub), max_size=3).map(lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.tuples(NAMES).map(lambda p: f"{{**{p[0]}}}"),
        sub.map(lambda e: f"textwrap.dedent({e})"),
        sub.map(lambda e: f"({e}).format(x=1)"),
        sub.map(lambda e: f"{e}[0]"),
        st.tuples(sub, sub).map(lambda p: f"{p[0]} if x else {p[1]}"),
    )


KEYWORDS = st.sampled_from(["model", "max_tokens", "system", "messages", "tools", "stream", "cache_control", "temperature"])
CALLS = st.sampled_from(["client.messages.create", "client.messages.stream", "client.beta.messages.create", "client.messages.batches.create", "self.client.messages.create", "anthropic.Anthropic().messages.create"])


@st.composite
def llm_programs(draw):
    lines = ["import os, textwrap", "from pathlib import Path", "import anthropic", "from anthropic import Anthropic as A", "client = anthropic.Anthropic()"]
    for _ in range(draw(st.integers(0, 5))):
        lines.append(f"{draw(NAMES)} = {draw(_expr())}")
    args = ["model=" + draw(st.one_of(MODELS.map(repr), NAMES)), "max_tokens=" + draw(st.one_of(INTS.map(str), NAMES))]
    args += [f"{k}={draw(_expr())}" for k in draw(st.lists(KEYWORDS, max_size=6, unique=True)) if k not in ("model", "max_tokens")]
    if draw(st.booleans()):
        args.append(f"**{draw(NAMES)}")
    call = f"{draw(CALLS)}({', '.join(args)})"
    shape = draw(st.sampled_from(["plain", "loop", "def", "class", "comp"]))
    if shape == "loop":
        body = [f"for item in range(10):", f"    history.append({draw(_expr())})", f"    r = {call}"]
    elif shape == "def":
        body = [f"def ask(q, max_tokens={draw(INTS)}, model={draw(MODELS)!r}):", f"    return {call}"]
    elif shape == "class":
        body = ["class Bot:", "    def __init__(self):", "        self.client = A()", "        self.history = []", "    def ask(self, q):", "        self.history.append(q)", f"        return {call}"]
    elif shape == "comp":
        body = [f"out = [{call} for item in range(3)]"]
    else:
        body = [f"r = {call}"]
    if draw(st.booleans()):
        body.append("print(1)  # noqa: " + draw(st.sampled_from(["CL001", "CL0", "", "XYZ", "CL001, CL002"])))
    return "\n".join(lines + body) + "\n"


@pytest.mark.slow
@FUZZ
@given(source=llm_programs(), other=llm_programs(), prompt=st.text(max_size=3000))
def test_generated_llm_call_sites(workdir, tally, source, other, prompt):
    # Two modules that import from each other, and a prompt file both may read.
    files = {"app.py": "from lib import *\nfrom lib import MODEL, PARAMS\n" + source, "lib.py": "from app import SYSTEM\n" + other, "p.txt": prompt}
    _run(tally, workdir, files, "llm_programs")
