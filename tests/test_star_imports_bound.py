"""Wrappers a package star-imports (`from .m import *`, link_stars) are looked up through each
star-imported module; modules that star-import one another (eight that each import the rest)
made one call of a name none of them has walk every path of them, 8**7 lookups (11 s for one
call). The real CLI runs with link's name resolutions counted (7.7 million before the bound, 303 after)."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import suite_config

MODULES = 8
CALLS = 50

COUNTED = """
import atexit
from claude_lint import cli, link_names
inner = link_names.NameResolver._resolve
read = [0]
def counted(self, *args):
    read[0] += 1
    return inner(self, *args)
link_names.NameResolver._resolve = counted
atexit.register(lambda: print("READ", read[0]))
raise SystemExit(cli.main(["report", "--format", "json", "."]))
"""

REQUEST = (
    "import anthropic\n\nclient = anthropic.Anthropic()\n\n\ndef ask(p):\n"
    "    return client.messages.create(model='claude-haiku-4-5', max_tokens=10, messages=[{'role': 'user', 'content': p}])\n"
)


def _package(tmp_path, one_reaches_the_request: bool):
    package = tmp_path / "pkg"
    package.mkdir()
    names = [f"m{i}" for i in range(MODULES)]
    (package / "__init__.py").write_text("".join(f"from .{m} import *\n" for m in names))
    for m in names:
        others = "".join(f"from .{o} import *\n" for o in names if o != m)
        (package / f"{m}.py").write_text(others + ("from .real import *\n" if one_reaches_the_request and m == "m5" else ""))
    (package / "real.py").write_text(REQUEST)
    (tmp_path / "main.py").write_text("import pkg\n\n" + "".join(f"pkg.ask('q{i}')\n" for i in range(CALLS)))
    suite_config(tmp_path, tmp_path)


def _run(tmp_path):
    proc = subprocess.run([sys.executable, "-c", COUNTED], cwd=tmp_path, capture_output=True, timeout=120)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    report, read = out.rsplit("READ ", 1)
    return json.loads(report), int(read.split()[0])


def test_modules_that_star_import_one_another_are_each_looked_up_a_bounded_number_of_times(tmp_path):
    _package(tmp_path, one_reaches_the_request=False)
    report, read = _run(tmp_path)
    assert len(report["routes"]) == 1  # the request itself; `pkg.ask` reaches nothing
    # each module once per depth it is first reached from (at most 8 levels), each time
    # through its 7 star imports; unbounded it was millions
    assert 0 < read <= MODULES * (MODULES - 1) * 8 * 4, read


def test_a_wrapper_reached_through_star_imports_of_star_imports_is_still_found(tmp_path):
    _package(tmp_path, one_reaches_the_request=True)
    report, _ = _run(tmp_path)
    assert len(report["routes"]) == CALLS + 1, [r.get("site") for r in report["routes"]][:5]
