"""Following an invoke back to the factory that made its model is bounded by the
expressions read, not only by depth: a method returning several times a call of itself
(its seventh return, the factory's model, past the six followed) made every invoke read 6**7 expressions (300 such invokes took
10 s in a 50-line file). The real CLI runs with the reader counted."""
from __future__ import annotations

import subprocess
import sys

from conftest import suite_config

INVOKES = 20
BRANCHES = 6
STEPS = 64  # made_models.MAX_STEPS

COUNTED = """
import atexit
from claude_lint import cli
from claude_lint.extract import made_models
inner = made_models.MadeModelFinder._factory_call
read = [0]
def counted(self, *args):
    read[0] += 1
    return inner(self, *args)
made_models.MadeModelFinder._factory_call = counted
atexit.register(lambda: print("READ", read[0]))
raise SystemExit(cli.main(["check", "--no-cache", "--exit-zero", "--output-format", "concise", "."]))
"""


def test_an_invoke_reads_a_bounded_number_of_expressions(tmp_path):
    returns = "".join(f"        if k == {i}:\n            return self.m(k)\n" for i in range(BRANCHES))
    calls = "".join(f"        self.m({i}).invoke(x)\n" for i in range(INVOKES))
    (tmp_path / "a.py").write_text(
        "from factories import make_llm\n\n\nclass A:\n    def m(self, k):\n" + returns
        + "        return make_llm()\n\n    def run(self, x):\n" + calls
    )
    (tmp_path / "factories.py").write_text(
        "from langchain_openai import ChatOpenAI\n\n\ndef make_llm():\n    return ChatOpenAI(model='gpt-4o-mini', max_tokens=100)\n"
    )
    suite_config(tmp_path, tmp_path)
    proc = subprocess.run([sys.executable, "-c", COUNTED], cwd=tmp_path, capture_output=True, timeout=120)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    read = int(out.rsplit("READ ", 1)[1].split()[0])
    # each invoke is read once per second-phase round that asks its file (a few), each time
    # at most STEPS + 1 expressions; unbounded, it was 6.7 million for these 20
    assert 0 < read <= INVOKES * (STEPS + 1) * 4, read
