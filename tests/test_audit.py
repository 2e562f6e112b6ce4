"""`claude-lint report` through the installed command, with figures checked by hand."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claude_lint import tokens
from conftest import report_routes

ROOT = Path(__file__).resolve().parent.parent
SUPPORT = (ROOT / "tests/fixtures/sdks/anthropic/prompts/support.txt").read_text()


def report(cli, *args):
    proc = cli("report", "tests/fixtures", "--config", "tests/data/suite-claude-lint.toml", "--no-cache", *args, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


def routes(cli, *args):
    data = json.loads(report(cli, "--format", "json", *args))
    return data, {(r["filename"], r["line"]): r for r in data["routes"]}


def test_json_sorted_by_cost_with_assumptions(cli):
    data, _ = routes(cli)
    totals = [r["cost_usd"]["total"] or 0 for r in data["routes"] if not r["fails"]]  # a retired route fails: listed last
    assert totals == sorted(totals, reverse=True)
    assert data["assumptions"]["calls_per_route"] == 1000 and data["assumptions"]["output_fill"] == 1.0
    assert len(data["routes"]) >= 10


def test_hand_checked_output_only_route(cli):
    # anthropic/fire.py:report: claude-sonnet-4-6 at $15/MTok out, max_tokens=32,000, prompt unknown at lint time.
    _, by = routes(cli)
    row = by[("tests/fixtures/sdks/anthropic/fire.py", 36)]
    assert row["model"] == "claude-sonnet-4-6" and row["output_limit"] == 32000
    assert row["cost_usd"]["output"] == pytest.approx(32000 * 15 / 1e6 * 1000)  # $480
    assert row["cost_usd"]["total"] == pytest.approx(480.0)
    assert {f["code"] for f in row["findings"]} == {"CL001", "CL008"}
    cl001 = next(f for f in row["findings"] if f["code"] == "CL001")
    assert cl001["saving_usd"] == pytest.approx((32000 - 1024) * 15 / 1e6 * 1000)  # $464.64


def test_hand_checked_cached_prefix_route(cli):
    # anthropic/fire.py:support: a ~14K-token cached system prompt whose first line is today's date.
    _, by = routes(cli)
    row = by[("tests/fixtures/sdks/anthropic/fire.py", 41)]
    text = "Current time: \n" + SUPPORT  # the run-time value counts as nothing
    expected_tokens = int(tokens.count(text) * 1.15)  # claude-legacy tokenizer ratio
    assert row["system_tokens"] == expected_tokens
    # CL006: the date busts the cache, so every one of the 1,000 calls pays the $3.75/MTok write.
    assert row["cost_usd"]["cached_input"] == pytest.approx(expected_tokens * 3.75 * 1000 / 1e6)
    assert row["cost_usd"]["output"] == pytest.approx(1024 * 15 * 1000 / 1e6)  # $15.36
    cl006 = next(f for f in row["findings"] if f["code"] == "CL006")
    assert cl006["saving_usd"] == pytest.approx(expected_tokens * (3.75 - 0.30) * 999 / 1e6)
    # The same prompt with the date moved to the user message: one write, 999 reads.
    fixed = by[("tests/fixtures/sdks/anthropic/silent.py", 34)]
    n = fixed["cached_tokens"]
    assert fixed["cost_usd"]["cached_input"] == pytest.approx(n * (3.75 + 0.30 * 999) / 1e6)


def test_options_scale_the_figures(cli):
    _, by = routes(cli, "--calls-per-route", "10000", "--output-fill", "0.25")
    row = by[("tests/fixtures/sdks/anthropic/fire.py", 36)]
    assert row["cost_usd"]["output"] == pytest.approx(32000 * 0.25 * 15 / 1e6 * 10000)  # $1,200


def test_markdown_and_table(cli):
    md = report(cli, "--format", "markdown")
    assert md.startswith("# LLM cost audit")
    assert "| Route | Line |" in md and "## Assumptions" in md and "1,000 calls per route" in md
    table = report(cli)
    assert "Route" in table.splitlines()[2] and "Total:" in table


def test_html_is_self_contained(cli, tmp_path):
    out = tmp_path / "report.html"
    proc = cli("report", "tests/fixtures", "--no-cache", "--format", "html", "-o", str(out), cwd=ROOT)
    assert proc.returncode == 0
    html = out.read_text()
    assert "<svg" in html and "<rect" in html and "<style>" in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)


def test_bad_options_are_usage_errors(cli):
    assert cli("report", "tests/fixtures", "--output-fill", "2", cwd=ROOT).returncode == 2
    assert cli("report", "tests/fixtures", "--calls-per-route", "zero", cwd=ROOT).returncode == 2
    assert cli("report", "no/such/dir", cwd=ROOT).returncode == 2


def test_batch_requests_at_half_price_and_notebook_cells_named(cli):
    _, by = routes(cli)
    row = by[("tests/fixtures/inputs/mixed/batches/nightly.jsonl", 1)]
    assert row["context"] == "batch"
    assert row["cost_usd"]["output"] == pytest.approx(8192 * 15 / 1e6 * 1000 * 0.5)  # $61.44
    cell = by[("tests/fixtures/inputs/mixed/notebooks/explore.ipynb", 4)]
    assert cell["route"].endswith("explore.ipynb:cell 4")


def test_local_servers_are_listed_unbilled(cli):
    # sdks/local/silent.py: LM Studio on localhost, 90,000 output tokens of a model name that would be billed elsewhere
    _, by = routes(cli)
    row = by[("tests/fixtures/sdks/local/silent.py", 16)]
    assert row["billed"] is False and row["cost_usd"]["total"] is None and row["findings"] == []
    assert by[("tests/fixtures/sdks/local/fire.py", 10)]["billed"] is True
    assert by[("tests/fixtures/sdks/anthropic/fire.py", 36)]["billed"] is True


def test_hand_checked_conversation_cache_saving(cli, tmp_path):
    """CL011 (preview, selected by ALL): a 10-turn conversation of 300-token turns on
    claude-sonnet-4-6 ($3 in, $3.75 write, $0.30 read, cacheable from 2,048 tokens)."""
    (tmp_path / "pyproject.toml").write_text('[tool.claude-lint]\nselect = ["ALL"]\n')
    (tmp_path / "agent.py").write_text(
        "import anthropic\nclient = anthropic.Anthropic()\nmessages = []\nwhile True:\n"
        "    messages.append({'role': 'user', 'content': input()})\n"
        "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=500, messages=messages)\n"
        "    messages.append({'role': 'assistant', 'content': reply.content})\n"
    )
    proc = cli("report", ".", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    row = json.loads(proc.stdout)["routes"][0]
    cl011 = next(f for f in row["findings"] if f["code"] == "CL011")
    uncached = sum(300 * k for k in range(1, 11)) * 3.0  # every turn resends all of it at $3/MTok
    # Turns 1-6 stay under 2,048 tokens (input price), turn 7 writes 2,100, turns 8-10 read
    # the previous prefix and write their new 300 tokens.
    cached = 300 * 21 * 3.0 + 2100 * 3.75 + sum(before * 0.30 + 300 * 3.75 for before in (2100, 2400, 2700))
    assert cl011["saving_usd"] == pytest.approx((uncached - cached) / 1e6 * 1000 / 10)  # per request, 1,000 requests


def test_a_rejected_request_fails_and_is_not_priced(cli, tmp_path):
    """CL014: claude-sonnet-5 refuses temperature (a 400): no request is answered, none is billed."""
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "a.py").write_text(
        "import anthropic\nclient = anthropic.Anthropic()\n"
        "client.messages.create(model='claude-sonnet-5', max_tokens=500, temperature=0.2, messages=[{'role': 'user', 'content': 'hi'}])\n"
    )
    proc = cli("report", ".", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    row = json.loads(proc.stdout)["routes"][0]
    assert row["fails"] is True and row["failure"] == "rejected"
    assert [f["code"] for f in row["findings"]] == ["CL014"]
    text = cli("report", ".", cwd=tmp_path).stdout.decode()
    assert "fails (rejected)" in text and "every request fails (CL014)" in text


def test_a_breakpoint_cl013_judges_ineffective_is_not_priced_as_cached(cli, tmp_path):
    """The report prices a cache breakpoint as CL013 judges it (the rule's own judgement,
    asked whether the rule is selected or not): claude-sonnet-4-6 ($3 in, $3.75 write, $0.30 read, cacheable from 2,048 tokens)."""
    long = "Follow the Acme support policy in every answer. " * 300
    (tmp_path / "pyproject.toml").write_text("[project]\n")
    (tmp_path / "short.py").write_text(
        # the breakpoint ends a prefix of a few tokens: the long block after it is never cached
        "import anthropic\nclient = anthropic.Anthropic()\n" + f"LONG = {long!r}\n"
        "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=[{'role': 'user', 'content': q}],\n"
        "    system=[{'type': 'text', 'text': 'You are terse.', 'cache_control': {'type': 'ephemeral'}}, {'type': 'text', 'text': LONG}])\n"
    )
    (tmp_path / "percall.py").write_text(
        # the code under review is written before the breakpoint: every call writes, none reads
        "import anthropic\nclient = anthropic.Anthropic()\n" + f"RULES = {long!r}\n"
        "def review(code):\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
        "        system=[{'type': 'text', 'text': f'{RULES}<code>{code}</code>', 'cache_control': {'type': 'ephemeral'}}],\n"
        "        messages=[{'role': 'user', 'content': 'Review the code.'}])\n"
    )
    (tmp_path / "good.py").write_text(
        "import anthropic\nclient = anthropic.Anthropic()\n" + f"RULES = {long!r}\n"
        "def review(code):\n"
        "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300,\n"
        "        system=[{'type': 'text', 'text': RULES, 'cache_control': {'type': 'ephemeral'}}],\n"
        "        messages=[{'role': 'user', 'content': code}])\n"
    )
    proc = cli("report", ".", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    by = {r["filename"]: r for r in json.loads(proc.stdout)["routes"]}
    short, percall, good = by["short.py"], by["percall.py"], by["good.py"]
    assert [f["code"] for f in short["findings"]] == ["CL013"] and [f["code"] for f in percall["findings"]] == ["CL013"]
    # Below the minimum: nothing cached, the whole prompt at the input price.
    assert short["cached"] == "no" and short["cached_tokens"] == 0 and short["cost_usd"]["cached_input"] is None
    assert short["cost_usd"]["input"] == pytest.approx(short["prompt_tokens"] * 3.0 * 1000 / 1e6)
    # After per-call content: the prefix is written by each of the 1,000 calls and read by none.
    n = percall["cached_tokens"]
    assert percall["cached"] == "unread" and n > 2048
    assert percall["cost_usd"]["cached_input"] == pytest.approx(n * 3.75 * 1000 / 1e6)
    # The right layout: one write, 999 reads.
    assert good["cached"] == "yes" and good["cost_usd"]["cached_input"] == pytest.approx(good["cached_tokens"] * (3.75 + 0.30 * 999) / 1e6)


def test_findings_written_where_the_value_is_reach_the_routes_they_name(cli, tmp_path):
    """A finding that lands where its value is written (a retired ID in a constant, a time read
    above the request) lists the requests it reaches as related places: each of those routes
    carries it. claude-sonnet-4-6: $3.75/MTok cache write; a batch job bills half."""
    long = "Follow the Acme support policy in every answer. " * 300
    routes = report_routes(cli, tmp_path, {
        "retired.py": "import anthropic\nclient = anthropic.Anthropic()\nMODEL = 'claude-3-opus-20240229'\n"
        "def ask(q):\n"
        "    return client.messages.create(model=MODEL, max_tokens=300, messages=[{'role': 'user', 'content': q}])\n",
        "job.py": "import anthropic, datetime\nclient = anthropic.Anthropic()\n" + f"RULES = {long!r}\n"
        "def submit(docs):\n"
        "    now = datetime.datetime.now().isoformat()\n"
        "    return client.messages.batches.create(requests=[{'custom_id': str(i), 'params': {'model': 'claude-sonnet-4-6', 'max_tokens': 300,\n"
        "        'system': [{'type': 'text', 'text': f'Now: {now}. {RULES}', 'cache_control': {'type': 'ephemeral'}}],\n"
        "        'messages': [{'role': 'user', 'content': d}]}} for i, d in enumerate(docs)])\n",
    })
    by = {r["filename"]: r for r in routes}
    retired, job = by["retired.py"], by["job.py"]
    assert [f["code"] for f in retired["findings"]] == ["CL007"] and retired["fails"] is True and retired["failure"] == "retired"
    assert [f["code"] for f in job["findings"]] == ["CL006"] and job["context"] == "batch"
    n = job["cached_tokens"]
    assert job["cached"] == "unread" and n > 2048
    assert job["cost_usd"]["cached_input"] == pytest.approx(n * 3.75 * 1000 / 1e6 * 0.5)


def test_report_takes_the_cache_options_of_check(cli, tmp_path):
    """A report of the repository's own fixtures (as these tests run) wrote a facts cache into
    each fixture project it crossed: `--no-cache` writes none, `--cache-dir` writes only there."""
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.claude-lint]\n")
    (project / "app.py").write_text(
        "import anthropic\n\nanthropic.Anthropic().messages.create(model='claude-sonnet-4-5', max_tokens=500, messages=[])\n"
    )
    assert cli("report", ".", "--no-cache", cwd=project).returncode == 0
    assert sorted(p.name for p in project.iterdir()) == ["app.py", "pyproject.toml"]
    assert cli("report", ".", "--cache-dir", str(tmp_path / "elsewhere"), cwd=project).returncode == 0
    assert sorted(p.name for p in project.iterdir()) == ["app.py", "pyproject.toml"]
    assert any((tmp_path / "elsewhere").iterdir())
    assert cli("report", ".", cwd=project).returncode == 0
    assert (project / ".claude-lint-cache").is_dir()  # the default, as `check` does: the test above can fail
