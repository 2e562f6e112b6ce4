#!/usr/bin/env python3
"""Read a 200 MB span file with `claude-lint report --usage` and measure time and peak RSS.

    python bench/usage_bench.py [--size-mb 200] [--claude-lint PATH] [--keep]

Generates two OTLP files of about --size-mb each under bench/.usage/ (ignored by git):
one JSON document (`{"resourceSpans": [...]}`, the hardest case: a single value) and the
same spans as JSON lines (one TracesData per line, as the collector's file exporter
writes them). Each is read by `claude-lint report tests/data/usage/project --usage FILE
--format json`, and so is a file of ten spans, whose peak RSS is the baseline: memory
is bounded when the 200 MB runs stay within BOUND_MB of it. Writes bench/USAGE_RESULTS.md
and prints the same. Standard library only; exits 1 when the bound is not met, 2 when
it cannot run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PROJECT = ROOT / "tests/data/usage/project"
OUT_DIR = BENCH / ".usage"
BOUND_MB = 64  # peak RSS above the ten-span baseline, for any file size


def span(i: int) -> dict:
    """A span as OpenTelemetry's Anthropic instrumentations write them, prompt capture on
    (about 1.8 KB): prompts are what make real span files large."""
    site = (("/srv/app/support.py", 9, "answer"), ("/srv/app/support.py", 17, "summarise"), ("/srv/app/support.py", 22, "classify"))[i % 3]
    model = "claude-opus-4-6" if site[2] == "classify" else "claude-sonnet-4-6"
    attrs = {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic", "gen_ai.request.model": model,
        "gen_ai.request.max_tokens": 8192, "gen_ai.response.model": model, "gen_ai.response.id": f"msg_{i:024d}",
        "gen_ai.usage.input_tokens": 900 + (i * 37) % 2000, "gen_ai.usage.cache_read.input_tokens": (i % 4) * 200,
        "gen_ai.usage.output_tokens": 40 + (i * 53) % 700, "gen_ai.response.finish_reasons": ["end_turn"],
        "code.file.path": site[0], "code.line.number": site[1], "code.function.name": site[2],
        "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": f"Ticket {i}: " + "the printer is on fire " * 18}]}]),
    }
    out = []
    for k, v in attrs.items():
        if isinstance(v, int):
            val = {"intValue": str(v)}
        elif isinstance(v, list):
            val = {"arrayValue": {"values": [{"stringValue": x} for x in v]}}
        else:
            val = {"stringValue": v}
        out.append({"key": k, "value": val})
    t = 1793491200000000000 + i * 1_000_000_000
    return {"traceId": f"{i:032x}", "spanId": f"{i:016x}", "name": f"chat {model}", "kind": 3,
            "startTimeUnixNano": str(t), "endTimeUnixNano": str(t + 900_000_000), "attributes": out, "status": {}}


def generate(size_mb: int) -> tuple[Path, Path, Path, int]:
    OUT_DIR.mkdir(exist_ok=True)
    doc, lines, small = OUT_DIR / "spans.json", OUT_DIR / "spans.jsonl", OUT_DIR / "small.json"
    limit = size_mb << 20
    n = 0
    with doc.open("w", encoding="utf-8") as d, lines.open("w", encoding="utf-8") as jl:
        d.write('{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "support-bot"}}]},\n'
                ' "scopeSpans": [{"scope": {"name": "opentelemetry.instrumentation.anthropic"}, "spans": [\n')
        batch = []
        while d.tell() < limit:
            s = json.dumps(span(n))
            d.write((",\n" if n else "") + s)
            batch.append(s)
            n += 1
            if len(batch) == 512:  # the collector writes one TracesData per export batch
                jl.write('{"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {}, "spans": [' + ", ".join(batch) + "]}]}]}\n")
                batch = []
        if batch:
            jl.write('{"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {}, "spans": [' + ", ".join(batch) + "]}]}]}\n")
        d.write("\n]}]}]}\n")
    small.write_text(json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span(i) for i in range(10)]}]}]}))
    return doc, lines, small, n


def measure(exe: str, usage: Path) -> dict:
    """Wall time and peak RSS of one run (GNU time -v when present, else wait4)."""
    cmd = [exe, "report", ".", "--format", "json", "--usage", str(usage)]
    wrapper = ["/usr/bin/time", "-v"] if os.path.exists("/usr/bin/time") else []
    start = time.perf_counter()
    proc = subprocess.Popen(wrapper + cmd, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(err.decode("utf-8", "replace"))
        raise SystemExit(f"claude-lint exited {proc.returncode} on {usage}")
    if wrapper:
        line = next(x for x in err.decode().splitlines() if "Maximum resident set size" in x)
        rss_mb = int(line.split(":")[1]) / 1024
        method = "GNU time -v"
    else:
        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / (1 << 20 if sys.platform == "darwin" else 1024)
        method = "getrusage(RUSAGE_CHILDREN) (an upper bound: the largest child so far)"
    report = json.loads(out)
    return {"wall_s": wall, "rss_mb": rss_mb, "method": method, "records": report["usage"]["records"],
            "matched": report["usage"]["matched_records"], "mb": usage.stat().st_size / (1 << 20)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--claude-lint", default=shutil.which("claude-lint", path=os.path.dirname(sys.executable)) or shutil.which("claude-lint"))
    parser.add_argument("--output", default=str(BENCH / "USAGE_RESULTS.md"))
    parser.add_argument("--keep", action="store_true", help="keep the generated files in bench/.usage/")
    args = parser.parse_args()
    if not args.claude_lint:
        sys.stderr.write("claude-lint is not installed (pip install -e .), or pass --claude-lint PATH\n")
        return 2
    t = time.perf_counter()
    doc, lines, small, n = generate(args.size_mb)
    gen_s = time.perf_counter() - t
    try:
        base = measure(args.claude_lint, small)
        runs = {"one JSON document": measure(args.claude_lint, doc), "JSON lines": measure(args.claude_lint, lines)}
    finally:
        if not args.keep:
            shutil.rmtree(OUT_DIR, ignore_errors=True)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    ok = all(r["records"] == n and r["rss_mb"] - base["rss_mb"] < BOUND_MB for r in runs.values())
    rows = [f"| {name} | {r['mb']:.0f} MB | {r['records']:,} | {r['wall_s']:.1f} s | {r['rss_mb']:.0f} MB | {r['rss_mb'] - base['rss_mb']:+.0f} MB |"
            for name, r in runs.items()]
    text = "\n".join([
        "# `report --usage` on a large span file",
        "",
        f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load {load}; `python bench/usage_bench.py --size-mb {args.size_mb}` (files generated in {gen_s:.0f} s).",
        "",
        f"{n:,} OpenTelemetry GenAI spans ({(args.size_mb << 20) / n / 1024:.1f} KB each on average, prompt text captured), joined to the 3 call sites of "
        "`tests/data/usage/project` by `code.file.path` and `code.line.number`. Peak RSS measured with "
        f"{base['method']}; baseline: the same command on a file of ten spans, {base['rss_mb']:.0f} MB, {base['wall_s']:.1f} s.",
        "",
        "| file | size | records | wall time | peak RSS | above baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"Bound: peak RSS within {BOUND_MB} MB of the baseline, whatever the file size: **{'PASS' if ok else 'FAIL'}**.",
        "",
    ])
    Path(args.output).write_text(text)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
