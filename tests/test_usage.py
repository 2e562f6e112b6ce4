"""`claude-lint report --usage`: every accepted format through the installed command,
joined by code location, function, route and model, with figures checked by hand
(claude-sonnet-4-6: $3 in, $15 out, $3.75 cache write, $0.30 cache read per MTok;
claude-opus-4-6: $5 in, $25 out)."""
from __future__ import annotations

import json
import re
import os
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import claude_lint_command
from test_jsonstream import span

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests/data/usage"
PROJECT = DATA / "project"


def measured(cli, *files, fmt="json"):
    proc = cli("report", ".", "--no-cache", "--format", fmt, "--usage", *[str(DATA / f) for f in files], cwd=PROJECT)
    assert proc.returncode == 0, proc.stderr.decode()
    if fmt != "json":
        return proc.stdout.decode(), proc.stderr.decode()
    data = json.loads(proc.stdout)
    return data, {r["route"].split(":")[-1]: r for r in data["routes"]}


def test_otel_spans_joined_by_location_and_function(cli):
    data, by = measured(cli, "spans.json")
    answer = by["answer"]["measured"]
    # Span A: 1,200 input incl. 1,000 cache reads, 150 out; span B: 500 input incl. 400 cache writes, 8,192 out.
    assert answer["calls"] == 2 and answer["joined_by"] == {"location": 2}
    assert (answer["uncached_input_tokens"], answer["cache_read_input_tokens"], answer["cache_creation_input_tokens"]) == (300, 1000, 400)
    assert answer["cost_usd"] == pytest.approx((200 * 3 + 1000 * 0.3 + 150 * 15 + 100 * 3 + 400 * 3.75 + 8192 * 15) / 1e6)
    assert answer["cache_hit_ratio"] == pytest.approx(1000 / 1700, abs=1e-4)
    assert answer["output"] == {"median": 150, "p95": 8192, "max": 8192, "calls": 2, "of": "this site"}
    assert answer["hit_limit"] == 1 and answer["recorded_limits"] == {"8192": 1}
    cl001 = next(f for f in by["answer"]["findings"] if f["code"] == "CL001")
    assert cl001["evidence"].startswith("p95 output 8,192 tokens, limit 8,192")
    assert cl001["measured_saving_usd"] == pytest.approx((8192 - 1024) * 15 / 1e6)  # output billed above the suggested 1,024
    classify = by["classify"]["measured"]  # `support.py` + code.function, no line
    assert classify["joined_by"] == {"function": 1} and classify["cost_usd"] == pytest.approx((100 * 5 + 3 * 25) / 1e6)
    assert by["summarise"]["measured"] is None
    assert data["usage"]["other_spans"] == 1 and data["usage"]["unmatched"] == [] and data["usage"]["period"]["first"].startswith("2026-11-01")


def test_otel_json_lines_and_old_attribute_names(cli):
    _, by = measured(cli, "spans.jsonl")
    m = by["summarise"]["measured"]
    assert m["calls"] == 2 and m["joined_by"] == {"function": 2}
    assert m["cost_usd"] == pytest.approx((1000 * 3 + 200 * 15 + 1000 * 3 + 300 * 15) / 1e6)
    assert (m["output"]["median"], m["output"]["p95"]) == (200, 300)


def test_usage_records_joined_by_route_location_and_configured_route(cli):
    data, by = measured(cli, "usage.jsonl")
    assert by["answer"]["measured"]["joined_by"] == {"route": 1}  # route "answer": a function name
    assert by["answer"]["measured"]["cost_usd"] == pytest.approx((300 * 3 + 100 * 15) / 1e6)
    assert by["summarise"]["measured"]["cost_usd"] == pytest.approx((1000 * 3 + 250 * 15) / 1e6)  # "app/support.py:summarise"
    classify = by["classify"]["measured"]  # "/api/classify" via usage-routes, and file + line 22
    assert classify["joined_by"] == {"route": 1, "location": 1}
    assert classify["cost_usd"] == pytest.approx((80 * 5 + 2 * 25 + 90 * 5 + 4 * 25) / 1e6)
    usage = data["usage"]
    assert [(u["route"], u["records"]) for u in usage["unmatched"]] == [("nowhere", 1)]
    assert "no call site has route 'nowhere'" in usage["unmatched"][0]["reason"]
    assert [s["where"] for s in usage["skipped"]] == ["usage.jsonl:5", "usage.jsonl:7"]
    assert "invalid JSON" in usage["skipped"][0]["message"] and ">= 0" in usage["skipped"][1]["message"]
    assert usage["skipped_records"] == 2 and usage["records"] == 5


def test_litellm_spend_logs_by_route_tag_and_model_split(cli):
    data, by = measured(cli, "litellm-spend-logs.json")
    # Row 1 (route in spend_logs_metadata, $0.0075 recorded) plus half of row 3 (model only: split across 2 sonnet sites).
    assert by["summarise"]["measured"]["cost_usd"] == pytest.approx(0.0075 + 0.00045 / 2)
    assert by["summarise"]["measured"]["cache_read_input_tokens"] == pytest.approx(1000)
    assert by["answer"]["measured"]["cost_usd"] == pytest.approx(0.00045 / 2)
    assert by["answer"]["measured"]["joined_by"] == {"split by model (2 sites of claude-sonnet-4-6)": 1}
    assert by["classify"]["measured"]["joined_by"] == {"route": 1}  # request tag route:classify
    assert by["classify"]["measured"]["models"] == {"claude-opus-4-6": 1}  # anthropic/claude-opus-4-6 is the same model
    assert [(u["model"], u["reason"]) for u in data["usage"]["unmatched"]] == [("gpt-4o", "no call site uses model gpt-4o")]
    assert any("split evenly across its 2 call sites" in n for n in data["usage"]["notes"])


def test_anthropic_usage_report_split_per_model(cli):
    data, by = measured(cli, "anthropic-usage-report.json")
    sonnet = (10000 * 3 + 2000 * 3.75 + 1000 * 3 * 2 + 50000 * 0.3 + 4000 * 15) / 1e6  # 1-hour writes at 2x input
    assert by["answer"]["measured"]["cost_usd"] == pytest.approx(sonnet / 2)
    assert by["summarise"]["measured"]["cost_usd"] == pytest.approx(sonnet / 2)
    assert by["classify"]["measured"]["cost_usd"] == pytest.approx((1000 * 5 + 100 * 25) / 1e6 * 0.5)  # batch tier
    assert by["answer"]["measured"]["calls"] == 0 and by["answer"]["measured"]["records_without_call_count"] == 1
    unmatched = data["usage"]["unmatched"]
    assert len(unmatched) == 1 and "group_by=model" in unmatched[0]["reason"]


def test_table_markdown_and_html_show_the_measurement(cli, tmp_path):
    text, err = measured(cli, "spans.json", "usage.jsonl", fmt="table")
    assert max(len(x) for x in text.splitlines()) <= 100  # a 100-column terminal: long lines wrap
    text = re.sub(r"\s+", " ", text)
    assert "Measured usage" in text and "Findings by measured saving:" in text
    assert "p95 output 8,192 tokens, limit 8,192" in text
    assert "Routes that always use one model (measured):" in text and "Batch candidates (CL005), measured:" in text
    assert "Usage that matched no call site:" in text and "route 'nowhere'" in text
    assert "usage.jsonl:5" in text and "2 usage record(s) could not be read" in err
    md, _ = measured(cli, "spans.json", fmt="markdown")
    assert "## Measured usage" in md and "| Route | Line | Model | Calls |" in md
    out = tmp_path / "r.html"
    proc = cli("report", ".", "--no-cache", "--format", "html", "-o", str(out), "--usage", str(DATA / "spans.json"), cwd=PROJECT)
    assert proc.returncode == 0
    html = out.read_text()
    assert "<h2>Measured usage</h2>" in html and html.index("Measured usage") < html.index("<h2>Assumptions</h2>")


def test_bad_usage_files_are_clear_errors(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("this is not usage\nat all\n")
    cases = [
        (str(tmp_path / "missing.jsonl"), "cannot read"),
        (str(tmp_path), "is a folder"),
        (str(tmp_path / "notes.txt"), "no usage record could be read"),
    ]
    for path, message in cases:
        proc = cli("report", ".", "--no-cache", "--usage", path, cwd=PROJECT)
        assert proc.returncode == 2, path
        assert message in proc.stderr.decode() and b"Traceback" not in proc.stderr
    proc = cli("report", ".", "--no-cache", "--usage", str(DATA / "usage.jsonl"), "--diff-base", "HEAD", cwd=PROJECT)
    assert proc.returncode == 2 and b"cannot be combined" in proc.stderr


def test_hostile_records_are_per_record_diagnostics(cli, tmp_path):
    lines = [
        "[" * 100_000 + "]" * 100_000,  # deeper than the JSON scanner's recursion
        '{"route": "answer", "model": "claude-sonnet-4-6", "input_tokens": ' + "9" * 5000 + ', "output_tokens": 1}',
        '{"route": "answer", "model": "claude-sonnet-4-6", "input_tokens": 1, "output_tokens": 1, "cost_usd": NaN}',
        '{"route": "' + "r" * 100_000 + '", "model": "claude-sonnet-4-6", "input_tokens": 1, "output_tokens": 1}',
        '{"route": "answer", "model": "claude-sonnet-4-6", "input_tokens": 3, "output_tokens": 4}',
    ]
    (tmp_path / "hostile.jsonl").write_text("\n".join(lines) + "\n")
    proc = cli("report", ".", "--no-cache", "--format", "json", "--usage", str(tmp_path / "hostile.jsonl"), cwd=PROJECT)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr
    usage = json.loads(proc.stdout)["usage"]
    assert [s["where"] for s in usage["skipped"]] == ["hostile.jsonl:1", "hostile.jsonl:2", "hostile.jsonl:3"]
    assert usage["matched_records"] == 1 and len(usage["unmatched"][0]["route"]) == 1000  # a name is cut, not kept whole


def test_empty_and_stdin(cli, tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    proc = cli("report", ".", "--no-cache", "--usage", str(tmp_path / "empty.jsonl"), cwd=PROJECT)
    # (the report wraps at its width: a long temporary path, `pytest-117/popen-gw0/...`, moved the words to a new line)
    assert proc.returncode == 0 and b"no usage record found" in b" ".join(proc.stdout.split())
    proc = cli("report", ".", "--no-cache", "--format", "json", "--usage", "-", cwd=PROJECT, input=(DATA / "spans.jsonl").read_bytes())
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["usage"]["records"] == 2


# --- streaming -----------------------------------------------------------------------------


def test_progress_bar_on_a_terminal(tmp_path):
    pty = pytest.importorskip("pty")  # a terminal of our own: POSIX only
    path = tmp_path / "big.jsonl"
    with path.open("w") as fh:
        for block in range(8):
            fh.write(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span(block * 800 + i) for i in range(800)]}]}]}) + "\n")
    assert path.stat().st_size > 4 << 20
    master, slave = pty.openpty()
    seen = []
    reader = threading.Thread(target=lambda: _drain(master, seen), daemon=True)
    reader.start()
    proc = subprocess.run([claude_lint_command(), "report", ".", "--no-cache", "--format", "json", "--usage", str(path)],
                          cwd=PROJECT, stdout=subprocess.PIPE, stderr=slave, timeout=120)
    os.close(slave)
    reader.join(10)
    assert proc.returncode == 0
    by = {r["route"]: r for r in json.loads(proc.stdout)["routes"]}
    assert by["app/support.py:summarise"]["measured"]["calls"] == 6400
    text = b"".join(seen).decode("utf-8", "replace")
    assert "reading big.jsonl [" in text and "100%" in text
    # Not on a pipe: the same run with stderr captured prints no bar.
    piped = subprocess.run([claude_lint_command(), "report", ".", "--no-cache", "--usage", str(path)], cwd=PROJECT, capture_output=True, timeout=120)
    assert b"reading" not in piped.stderr


def _drain(fd, out):
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            return
        if not data:
            return
        out.append(data)


def test_readme_shows_the_real_audit_of_the_example(cli):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("<!-- usage-example:")[1].split("<!-- /usage-example -->")[0]
    shown = block.split("\n...\n", 1)[1].rsplit("\n```", 1)[0]
    proc = cli("report", "app", "--usage", "usage.jsonl", "--no-cache", cwd=ROOT / "examples/audit")
    assert proc.returncode == 0
    out = proc.stdout.decode()
    actual = out[out.index("Measured usage\n"):out.index("\nMeasurement notes:")].rstrip("\n")
    assert shown == actual, "README's example is stale: paste the output of the command it shows"
