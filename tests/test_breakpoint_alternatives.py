"""A wrapper call that may make several requests (a provider or client picked at run time):
the caching rules judge each Claude request among them, not only the one that stands for
the call; and a short prompt a helper passes on is reported where it is written, once."""
from __future__ import annotations

from claude_lint.checks import breakpoint_callers, prefix_cache_examples

from conftest import lint_tree, write_project

MARK = "'cache_control': {'type': 'ephemeral'}"
# A Bedrock Mistral client and a Claude client behind one `send` name, picked by an environment variable.
MISTRAL = ("import boto3\nclass Mistral:\n    def send(self, system_prompt, text):\n"
           "        return boto3.client('bedrock-runtime').converse(modelId='mistral.mistral-large-2402-v1:0',\n"
           "            messages=[{'role': 'user', 'content': [{'text': system_prompt + text}]}])\n")
CLAUDE = ("import anthropic\nclass Claude:\n    def send(self, system_prompt, text):\n"
          "        return anthropic.Anthropic().messages.create(model='claude-haiku-4-5', max_tokens=200,\n"
          f"            system=[{{'type': 'text', 'text': system_prompt, {MARK}}}], messages=[{{'role': 'user', 'content': text}}])\n")
GAME = ("import os\nfrom mistral import Mistral\nfrom claude import Claude\n"
        "def pick():\n    return Mistral() if os.environ.get('AI') == 'mistral' else Claude()\n"
        "def hostile(target):\n    return pick().send(PROMPT, target)\n"
        "def turn(target):\n    return hostile(target)\n")


def _found(tmp_path, files, code):
    write_project(tmp_path, suite=False, example=files)
    return [d for d in lint_tree(tmp_path, suite=False, select=(code,)).diagnostics if d.code == code]


def test_the_claude_client_picked_at_run_time_is_judged(tmp_path):
    files = {"mistral.py": MISTRAL, "claude.py": CLAUDE, "game.py": GAME.replace("PROMPT", "'Answer HOSTILE or NOT.'")}
    found = _found(tmp_path, files, "CL013")
    # at the call that writes the prompt; the outer call (`turn`) is not reported again
    assert [(d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found] == [("game.py", 7)], found
    assert "claude-haiku-4-5" in found[0].message


def test_a_long_prompt_through_the_picked_claude_client_is_silent(tmp_path):
    files = {"mistral.py": MISTRAL, "claude.py": CLAUDE, "game.py": GAME.replace("PROMPT", repr("Follow the house rules. " * 1500))}
    assert _found(tmp_path, files, "CL013") == []


def test_the_examples_routed_by_model_name(tmp_path):
    fires, silent = prefix_cache_examples.examples()
    write_project(tmp_path / "fire", suite=False, example=fires[-1].code)
    found = [d for d in lint_tree(tmp_path / "fire", suite=False, select=("CL012",)).diagnostics]
    assert [d.loc.row for d in found] == [4], found
    write_project(tmp_path / "silent", suite=False, example=silent[-1])
    assert lint_tree(tmp_path / "silent", suite=False, select=("CL012",)).diagnostics == []


def test_the_wrapper_example_reports_the_inner_caller_once(tmp_path):
    fires, _ = breakpoint_callers.examples()
    found = _found(tmp_path, fires[-1].code, "CL013")
    assert [(d.loc.path.rsplit("/", 1)[-1], d.loc.row) for d in found] == [("dm.py", 8)], found


def test_the_report_prices_each_request_by_its_own_breakpoints(tmp_path):
    from claude_lint import audit, catalog

    # Two Claude clients behind one name: the short prompt's verdict belongs to the request that sends it
    files = {"mistral.py": CLAUDE.replace("Claude", "Other").replace("system=[{'type': 'text', 'text': system_prompt, 'cache_control': {'type': 'ephemeral'}}], ", ""),
             "claude.py": CLAUDE, "game.py": GAME.replace("PROMPT", "'Answer HOSTILE or NOT.'").replace("Mistral", "Other")}
    write_project(tmp_path, suite=False, example=files)
    calls = lint_tree(tmp_path, suite=False, select=("CL013",)).calls
    verdicts = audit.breakpoint_verdicts(calls, catalog.load())
    unmarked = [call for call in calls if "cache_control" not in repr(call.args.get("system"))]
    assert unmarked and not [call.site for call in unmarked if id(call) in verdicts]
