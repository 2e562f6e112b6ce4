"""The prompt text a request really sends when the caller builds it and hands it to the
project's own wrapper (issues 15 and 16): the system message of a list the caller builds,
a header grown with `+=` ahead of the fixed instructions, a clock formatted by a method of
a name bound to it. Run through the CLI, as a user runs it."""
from __future__ import annotations

import json

from conftest import report_routes

RULES = "Follow the Acme support policy in every answer. " * 300
WRAPPER = (
    "from openai import OpenAI\nclient = OpenAI()\n\n\n"
    "def chat(messages, temperature=0.3):\n"
    "    params = {'model': 'gpt-4o', 'messages': messages, 'max_tokens': 250}\n"
    "    if temperature is not None:\n        params['temperature'] = temperature\n"
    "    return client.chat.completions.create(**params)\n"
)


def caller(body: str) -> str:
    return (f"import datetime\nfrom app.llm import chat\nfrom app.store import load\n\nRULES = '''{RULES}'''\n\n\n"
            f"def reply(user, name):\n    moment = datetime.datetime.now()\n{body}")


# The header is grown with `+=` (a branch per customer) and joined to the fixed rules; the
# list is the caller's, sent through the wrapper's `**params`.
GROWN = ("    header = f\"NOW: {{{clock}}}\\n\"\n    if name:\n        header += f\"USER: {{name}}\\n\"\n"
         "    else:\n        header += 'USER: unknown\\n'\n"
         "    messages = [{{'role': 'system', 'content': header + '\\n' + RULES}}] + load(user)\n"
         "    return chat(messages)\n")


def cl006(cli, tmp_path, body: str) -> list:
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "llm.py").write_text(WRAPPER)
    (tmp_path / "app" / "flow.py").write_text(caller(body))
    done = cli("check", ".", "--no-cache", "--exit-zero", "--select", "CL006", "--output-format", "json")
    assert done.returncode == 0, done.stderr.decode()
    return [(d["filename"].replace("\\", "/").split("/app/")[-1], d["location"]["row"], d["message"].split("`")[1])
            for d in json.loads(done.stdout)]


def test_clock_at_the_head_of_a_grown_header_fires_at_the_caller(cli, tmp_path):
    found = cl006(cli, tmp_path, GROWN.format(clock="moment.strftime('%H:%M')"))
    assert found == [("flow.py", 10, "datetime.datetime.now().strftime('%H:%M')")]


def test_clock_formatted_by_spec_fires(cli, tmp_path):
    assert [f[2] for f in cl006(cli, tmp_path, GROWN.format(clock="moment:%H:%M:%S"))] == ["datetime.datetime.now():%H:%M:%S"]


def test_a_date_a_calendar_field_or_a_header_bound_in_a_branch_stay_silent(cli, tmp_path):
    # a date changes once a day; `moment.day` is not formatted by the clock; a head bound only in a branch may be another text
    assert cl006(cli, tmp_path, GROWN.format(clock="moment.strftime('%Y-%m-%d')")) == []
    assert cl006(cli, tmp_path, GROWN.format(clock="moment.day")) == []
    branch = GROWN.format(clock="moment.strftime('%H:%M')").replace("    header = f", "    header = ''\n    if user:\n        header = f")
    assert cl006(cli, tmp_path, branch) == []
    # a value derived from the clock (rounded to the hour, for caching) is its own: not named by the clock
    rounded = GROWN.format(clock="hour.strftime('%H:00')").replace(
        "    header = f", "    now = datetime.datetime.now()\n    hour = now.replace(minute=0)\n    header = f")
    assert cl006(cli, tmp_path, rounded) == []


def test_the_appended_part_is_run_time_text_not_the_head(cli, tmp_path):
    # the clock is appended after a fixed head: what the `+=` adds is not read, so nothing is claimed
    appended = ("    header = 'You are the Acme assistant.\\n'\n    header += f\"NOW: {moment.strftime('%H:%M')}\\n\"\n"
                "    messages = [{'role': 'system', 'content': header + RULES}] + load(user)\n    return chat(messages)\n")
    assert cl006(cli, tmp_path, appended) == []


def test_report_counts_the_system_message_the_caller_builds(cli, tmp_path):
    # OpenAI-style: the system prompt is the list's opening system message, here the caller's;
    # a list without one shows none (and its text is still the prompt's: the total is unchanged)
    body = ("    messages = [{'role': 'system', 'content': RULES}] + load(user)\n    chat(messages)\n"
            "    return chat([{'role': 'user', 'content': RULES}])\n")
    routes = report_routes(cli, tmp_path, {"app/llm.py": WRAPPER, "app/flow.py": caller(body)})
    shown = sorted((r["line"], r["system_tokens"] > 2500, r["prompt_tokens"] > 2500) for r in routes if r["filename"].endswith("flow.py"))
    assert shown == [(11, True, True), (12, False, True)]


def cl002(cli, tmp_path, rules: str) -> list:
    files = {
        "app/prompts.py": f"RULES = '''{rules}'''\n",
        "app/bot.py": ("import anthropic\nfrom app.prompts import RULES\nfrom app.notes import latest_notes\n"
                       "client = anthropic.Anthropic()\n\n\nasync def ask(history):\n"
                       "    system = RULES + await latest_notes()\n"
                       "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, system=system, messages=history)\n"),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    done = cli("check", ".", "--no-cache", "--exit-zero", "--select", "CL002", "--output-format", "json")
    assert done.returncode == 0, done.stderr.decode()
    return [(d["code"], d["location"]["row"]) for d in json.loads(done.stdout)]


def test_a_constant_joined_to_a_run_time_text_keeps_its_fixed_part(cli, tmp_path):
    # `SYSTEM_PROMPT + await notes()`: the long fixed rules lead every request, uncached
    assert cl002(cli, tmp_path, RULES) == [("CL002", 9)]


def test_a_short_constant_joined_to_a_run_time_text_stays_silent(cli, tmp_path):
    assert cl002(cli, tmp_path, "Be brief.") == []
