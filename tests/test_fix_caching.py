"""--fix through the real CLI for the caching rules of issue 16: CL011's top-level
`cache_control` and CL012's cached head block are applied, also where CL011 says a
wrapper's own growing list once, at its request (a rule that judges each call and the
project's calls together); the result parses, lints clean for CL011 and CL012, and a
second --fix changes nothing."""
from __future__ import annotations

import ast
import json

from claude_lint import fix
from claude_lint.checks.conversation_examples import CHAT, HEAD, TOOL_LOOP
from claude_lint.checks.prefix_cache import RUBRIC
from claude_lint.config import Settings

CONFIG = "[project]\nname = 'fixing'\n\n[tool.claude-lint]\nselect = [\"CL011\", \"CL012\"]\n"
# a rubric constant at the head of an f-string user turn (CL012's fixable shape)
GRADER = (HEAD + f"RUBRIC = {RUBRIC!r}\n"
          "def grade(answer):\n"
          '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=300,\n'
          '        messages=[{"role": "user", "content": f"{RUBRIC}\\n\\nAnswer to grade:\\n{answer}"}])\n')
# the wrapper's tool loop without the module's own call: another file calls it
SOLVE = TOOL_LOOP.rsplit("\n\n\nhistory", 1)[0] + "\n"
MAIN = "from app import solve\n\n\ndef ask(q):\n    return solve(q, [])\n"


def project(tmp_path, files: dict):
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def findings(cli, root) -> list:
    out = cli("check", ".", "--output-format", "json", "--exit-zero", cwd=root)
    assert out.returncode == 0, out.stderr
    return [(d["code"], d["filename"].rsplit("/", 1)[-1], d["location"]["row"], bool(d["fix"] and d["fix"]["edits"]))
            for d in json.loads(out.stdout)]


def fixed_clean(cli, root, names) -> dict:
    """--fix the folder: it exits 0 (nothing left), every file parses, a lint finds nothing,
    and a second --fix is a no-op; the files' texts after the first."""
    run = cli("check", ".", "--fix", cwd=root)
    assert run.returncode == 0, run.stdout + run.stderr
    after = {n: (root / n).read_text() for n in names}
    for text in after.values():
        ast.parse(text)
    assert findings(cli, root) == []
    again = cli("check", ".", "--fix", cwd=root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert {n: (root / n).read_text() for n in names} == after
    return after


def test_a_wrappers_own_tool_loop_is_fixed_at_its_request(cli, tmp_path):
    root = project(tmp_path, {"app.py": TOOL_LOOP})
    # one finding, at the request (its module's call of the wrapper is named, not reported), with its fix
    assert findings(cli, root) == [("CL011", "app.py", 8, True)]
    after = fixed_clean(cli, root, ["app.py"])
    assert "tools=TOOLS, messages=history, cache_control={'type': 'ephemeral'})" in after["app.py"]


def test_the_wrapper_called_from_another_file_is_fixed_once(cli, tmp_path):
    root = project(tmp_path, {"app.py": SOLVE, "main.py": MAIN})
    assert findings(cli, root) == [("CL011", "app.py", 8, True)]
    after = fixed_clean(cli, root, ["app.py", "main.py"])
    assert after["main.py"] == MAIN
    assert after["app.py"].count("cache_control=") == 1


def test_cl011_and_cl012_fixes_in_one_run(cli, tmp_path):
    chat = CHAT + "\n\nhistory = []\nwhile True:\n    chat(history, input())\n"
    root = project(tmp_path, {"chat.py": chat, "grade.py": GRADER})
    assert sorted(findings(cli, root)) == [("CL011", "chat.py", 5, True), ("CL012", "grade.py", 6, True)]
    after = fixed_clean(cli, root, ["chat.py", "grade.py"])
    assert "messages=history, cache_control={'type': 'ephemeral'})" in after["chat.py"]
    assert '"cache_control": {"type": "ephemeral"}}, {"type": "text", "text": f"{answer}"}]' in after["grade.py"]


def test_standard_input_is_fixed_the_same(cli, tmp_path):
    project(tmp_path, {})
    out = cli("check", "--fix", "--stdin-filename", "app.py", "-", cwd=tmp_path, input=TOOL_LOOP.encode())
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    ast.parse(text)
    assert text.count("cache_control={'type': 'ephemeral'}") == 1


def test_the_relint_keeps_rules_that_judge_each_call_and_the_project():
    # CL003 judges only the project as a whole (no fix); CL004, CL011, CL013 judge each call too
    kept = fix.per_call(Settings(root=".", select=("CL003", "CL004", "CL011", "CL012", "CL013"))).select
    assert kept == ("CL004", "CL011", "CL012", "CL013")


def test_the_relint_reads_no_other_file(tmp_path, monkeypatch):
    # a rule with a project judgement would otherwise have the whole project read on every pass
    from claude_lint import context_files

    project(tmp_path, {"app.py": SOLVE, "main.py": MAIN})
    monkeypatch.chdir(tmp_path)
    walked = []
    monkeypatch.setattr(context_files, "discover", lambda *a, **k: walked.append(a) or ([], []))
    found = fix.relint("app.py", Settings(root=str(tmp_path), select=("CL004", "CL011")), SOLVE.encode())
    assert walked == []
    assert [(d.code, d.loc.row, d.fix.applicability) for d in found] == [("CL004", 8, "display-only"), ("CL011", 8, "safe")]


# A dispatcher whose first request is OpenAI's: the Claude request beside it is judged at its own
# line, with the conversation the caller in main.py grows (kharvd/gpt-cli's provider modules).
DISPATCHED = {
    "claude_chat.py": HEAD + "\n\ndef ask(messages):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, messages=messages)\n",
    "gpt_chat.py": "from openai import OpenAI\nclient = OpenAI()\n\n\ndef ask(messages):\n"
                   "    return client.chat.completions.create(model='gpt-5.4', max_tokens=1024, messages=messages)\n",
    "dispatch.py": "import claude_chat\nimport gpt_chat\n\n\ndef complete(provider, messages):\n    if provider == 'openai':\n"
                   "        return gpt_chat.ask(messages)\n    return claude_chat.ask(messages)\n",
    "main.py": "import sys\n\nfrom dispatch import complete\n\nhistory = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n"
               "    reply = complete(sys.argv[1], history)\n    history.append({'role': 'assistant', 'content': str(reply)})\n",
}


def test_a_fix_that_needs_the_callers_file_is_applied(cli, tmp_path):
    # the request's file alone shows no growing list: its relint reads the rest of the project
    root = project(tmp_path, DISPATCHED)
    assert findings(cli, root) == [("CL011", "claude_chat.py", 6, True)]
    after = fixed_clean(cli, root, list(DISPATCHED))
    assert "messages=messages, cache_control={'type': 'ephemeral'})" in after["claude_chat.py"]
    assert {n: after[n] for n in DISPATCHED if n != "claude_chat.py"} == {n: t for n, t in DISPATCHED.items() if n != "claude_chat.py"}


def test_the_project_is_read_only_for_a_file_whose_fix_needs_it(tmp_path, monkeypatch):
    from claude_lint.engine import lint

    project(tmp_path, DISPATCHED)
    monkeypatch.chdir(tmp_path)
    settings = Settings(root=str(tmp_path), select=("CL011",))
    expected = [d for d in lint(["."], settings).diagnostics if d.fix is not None]
    assert [(d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in expected] == [("claude_chat.py", 6)]
    memory: list = []
    nothing_expected = fix.ProjectRelint([], memory)
    assert nothing_expected("main.py", settings, DISPATCHED["main.py"].encode()) == [] and memory == []
    needs_callers = fix.ProjectRelint(expected, memory)
    found = needs_callers("claude_chat.py", settings, DISPATCHED["claude_chat.py"].encode())
    assert [d.fix.edits for d in found] == [d.fix.edits for d in expected] and len(memory) == 1
