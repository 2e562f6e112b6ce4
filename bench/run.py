#!/usr/bin/env python3
"""Time claude-lint against ruff on the benchmark corpora and check the targets.

    python bench/build_corpora.py && python bench/run.py [--runs N] [--claude-lint PATH]

Measures, with runs of the tools alternating so that drift on the machine
hits them alike:
  * claude-lint cold (--no-cache) and warm (cache filled) vs ruff --no-cache,
    on the heavy and the plain corpus;
  * a single small file as a cold process;
  * claude-lint's peak memory on the heavy corpus.
Writes bench/RESULTS.md and prints the same report.  Exits 0 whether or not
the targets are met; exits 2 only when it cannot run at all.  Standard library
only, Python 3.9+.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_CORPORA = BENCH_DIR / ".corpora"
DEFAULT_OUTPUT = BENCH_DIR / "RESULTS.md"
VENV_DIR = BENCH_DIR / ".venv"
RUFF_VERSION = "0.17.6"
# The pip that installs claude-lint into bench/.venv, as a user's current pip would: the
# console script pip writes is part of every timed start. The pip a venv of Python 3.11
# comes with (23.2) writes one that imports `re` (with enum, functools, collections) and
# compiles a pattern before claude-lint's first line: a sixth of a warm run's
# instructions. pip 26 (and uv) write one that does not.
PIP_VERSION = "26.2.1"
CACHE_DIR_NAME = ".claude-lint-cache"
CORPORA = ("heavy", "plain")

# Targets: (key, measurement, limit, unit).  "x" limits are on claude-lint
# median / ruff median (ruff always cold, --no-cache) and are met at <= the
# limit; "ms" and "MB" limits are absolute and must be beaten (<).
TARGETS = (
    ("heavy_cold", "heavy cold", 1.0, "x"),
    ("plain_cold", "plain cold", 0.5, "x"),
    ("heavy_warm", "heavy warm", 0.1, "x"),
    ("plain_warm", "plain warm", 0.1, "x"),
    ("single_file", "single file, cold process", 60.0, "ms"),
    ("heavy_rss", "heavy peak memory", 200.0, "MB"),
    ("stdin_warm", "`--stdin-filename` in the heavy project, cache warm", 150.0, "ms"),
    ("server_edit", "language server re-lint per edit in the heavy project (debounce 0)", 50.0, "ms"),
    ("growth_4x", "heavy cold at 4x copies: CPU per copy", 1.15, "per copy"),
)
# Linear growth: the heavy corpus copied this many times into one folder, linted cold.
GROWTH_COPIES = (1, 2, 4)
GROWTH_DIR_NAME = ".heavy-copies"
# The heavy corpus as a project (hard links to its files and a pyproject.toml at its root),
# where an editor lints one file: the file `--stdin-filename` reads, a real module with calls.
PROJECT_DIR_NAME = ".heavy-project"
STDIN_FILE = "langchain-anthropic-1.7.10/langchain_anthropic/llms.py"
DEFAULT_REALWORLD = Path.home() / ".cache" / "claude-lint-realworld"


def target_text(limit: float, unit: str) -> str:
    if unit == "per copy":
        return f"<= {limit:g}x the CPU of 1 copy"
    return f"<= {limit:g}x ruff cold" if unit == "x" else f"< {limit:g} {unit}"


SMALL_FILE = '''\
"""Summarise support tickets with Claude (benchmark fixture)."""

import os

import anthropic

SYSTEM_PROMPT = (
    "You are a support assistant. Summarise the ticket in two sentences "
    "and suggest one next step for the agent."
)


def load_tickets(path):
    with open(path, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip()]


def summarise(tickets):
    client = anthropic.Anthropic(api_key=os.environ.get("ANTHROPIC_API_KEY"))
    summaries = []
    for ticket in tickets:
        response = client.messages.create(
            model="claude-3-opus-20240229",
            max_tokens=4096,
            system=SYSTEM_PROMPT,
            messages=[{"role": "user", "content": ticket}],
        )
        summaries.append(response.content[0].text)
    return summaries


if __name__ == "__main__":
    print("\\n".join(summarise(load_tickets("tickets.txt"))))
'''


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def die(msg: str) -> NoReturn:
    """Stop when the benchmark cannot run at all (exit 2)."""
    log(f"error: {msg}")
    sys.exit(2)


# --------------------------------------------------------------------------
# Running and timing commands


@dataclass
class Sample:
    seconds: float
    rc: object  # int exit code, or "timeout"
    cpu: float = 0.0  # user + system CPU seconds of the process and its children


@dataclass
class Series:
    samples: list[Sample] = field(default_factory=list)

    @property
    def times(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.samples else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(s.cpu for s in self.samples) if self.samples else None

    @property
    def failures(self) -> list[object]:
        return [s.rc for s in self.samples if s.rc != 0]


def run_timed(cmd: Sequence[str], cwd: Path, timeout: float, stdin: Path | None = None) -> tuple[Sample, str]:
    """Run ``cmd``, output discarded; return wall time and stderr tail.

    The wait is a blocking waitpid, so the clock stops the moment the process ends.
    (``subprocess.run(timeout=...)`` polls instead, sleeping up to 50 ms between
    looks: every time it measured was rounded up to the next poll, 0.164, 0.214,
    0.264 s, ... which decided the single-file target.)  A timer kills a run that
    overstays ``timeout``.
    """
    with tempfile.TemporaryFile() as err, open(stdin or os.devnull, "rb") as given:
        before = _children_cpu()
        timed_out = threading.Event()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=given,
                                stdout=subprocess.DEVNULL, stderr=err)

        def overstay() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, overstay)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
        rc: object = "timeout" if timed_out.is_set() else proc.returncode
        cpu = _children_cpu() - before
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return Sample(elapsed, rc, cpu), tail


def _children_cpu() -> float:
    """CPU seconds used so far by waited-for children (all threads and processes).
    On a busy machine wall time stretches with the load; CPU time much less so."""
    try:
        import resource
    except ImportError:  # not on this platform
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def capture(cmd: Sequence[str], cwd: Path | None = None) -> tuple[int, str]:
    try:
        proc = subprocess.run(cmd, check=False, cwd=cwd, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return -1, str(exc)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def process_tree(root: int) -> list[int]:
    """``root`` and its live descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def memory_kb(pid: int) -> int:
    """Proportional set size of ``pid`` (RSS where PSS is unavailable), in KiB."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path, encoding="ascii") as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


GNU_TIME = "/usr/bin/time"


def gnu_time() -> str | None:
    if os.access(GNU_TIME, os.X_OK) and "GNU" in capture([GNU_TIME, "--version"])[1]:
        return GNU_TIME
    return None


def measure_memory(cmd: Sequence[str], cwd: Path, timeout: float) -> dict:
    """Peak memory of one run of ``cmd``.

    Peak RSS of the largest single process comes from GNU ``time -v`` when
    present, else from wait4() on the child.  (wait4's ru_maxrss also counts
    the parent's RSS at fork, so without GNU time it cannot go below the
    runner's own size, about 20 MB.)  When /proc exists the process tree is
    also sampled every 20 ms and its summed PSS kept, so that worker
    processes count too.  Targets use the larger of the two.
    """
    wrapper = gnu_time()
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = [wrapper, "-v", "-o", report.name, *cmd] if wrapper else list(cmd)
        start = time.perf_counter()
        proc = subprocess.Popen(full, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        sample_tree = sys.platform.startswith("linux") and os.path.isdir("/proc")
        tree_peak_kb = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            if sample_tree:
                pids = process_tree(proc.pid)[1 if wrapper else 0:]
                tree_peak_kb = max(tree_peak_kb, sum(memory_kb(p) for p in pids))
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)
        maxrss_kb = None
        if wrapper:
            for line in report.read().splitlines():
                if "Maximum resident set size" in line:
                    maxrss_kb = int(line.rsplit(":", 1)[1])
        if maxrss_kb is None:
            # ru_maxrss is KiB on Linux, bytes on macOS.
            maxrss_kb = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return {
        "seconds": time.perf_counter() - start,
        "rc": proc.returncode,
        "method": "GNU time -v" if wrapper else "wait4 ru_maxrss",
        "ru_maxrss_mb": maxrss_kb / 1024,
        "tree_peak_mb": tree_peak_kb / 1024 if sample_tree else None,
    }


# --------------------------------------------------------------------------
# Tools


@dataclass
class ClaudeLint:
    exe: str
    use_no_cache_flag: bool = True

    def cold(self, target: str, cwd: Path) -> list[str]:
        """Command for a cold run; in fallback mode also clears the cache."""
        if self.use_no_cache_flag:
            return [self.exe, "check", "--no-cache", "--exit-zero", target]
        shutil.rmtree(cwd / CACHE_DIR_NAME, ignore_errors=True)
        return [self.exe, "check", "--exit-zero", target]

    def warm(self, target: str) -> list[str]:
        return [self.exe, "check", "--exit-zero", target]

    def probe(self, workdir: Path) -> None:
        """Find out whether the CLI accepts --no-cache; exit if it cannot run."""
        rc, out = capture([self.exe, "check", "--no-cache", "--exit-zero", "small.py"], workdir)
        if rc == 0:
            return
        rc2, out2 = capture([self.exe, "check", "--exit-zero", "small.py"], workdir)
        if rc2 == 0:
            log(f"claude-lint rejected --no-cache (exit {rc}); cold runs delete "
                f"{CACHE_DIR_NAME}/ instead. Its message: {out[-300:]}")
            self.use_no_cache_flag = False
            return
        die(f"claude-lint does not run (exit {rc2}): {out2[-1000:]}")


def ruff_cmd(ruff: str, target: str) -> list[str]:
    # --isolated: ruff's default rules, whatever pyproject.toml/ruff.toml lies
    # in or above the corpus (Django's own, or this repository's).
    return [ruff, "check", "--isolated", "--no-cache", "--exit-zero", "--quiet", target]


def ensure_ruff() -> str:
    """bench/.venv with the pinned ruff; returns the ruff executable."""
    bindir = VENV_DIR / ("Scripts" if os.name == "nt" else "bin")
    ruff = bindir / ("ruff.exe" if os.name == "nt" else "ruff")
    if ruff.exists() and capture([str(ruff), "--version"])[1] == f"ruff {RUFF_VERSION}":
        return str(ruff)
    if not (bindir / "python").exists() and not (bindir / "python.exe").exists():
        log(f"creating {VENV_DIR}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    log(f"installing ruff=={RUFF_VERSION} into {VENV_DIR}")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q",
                    "--disable-pip-version-check", f"ruff=={RUFF_VERSION}"], check=True)
    return str(ruff)


def find_claude_lint(given: str | None) -> str:
    exe = shutil.which(given) if given else install_claude_lint()
    if exe is None:
        die(f"claude-lint not found ({given}); install it or pass --claude-lint PATH")
    return os.path.abspath(exe)


def install_claude_lint() -> str:
    """This checkout, installed into bench/.venv as a user installs it (`pip install .`,
    which compiles the bytecode): an editable install or a session that sets
    PYTHONDONTWRITEBYTECODE would time a recompile of every module at each start."""
    ensure_ruff()  # creates bench/.venv
    bindir = VENV_DIR / ("Scripts" if os.name == "nt" else "bin")
    pip = [str(bindir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if capture([str(bindir / "python"), "-m", "pip", "--version"])[1].split()[1:2] != [PIP_VERSION]:
        log(f"installing pip=={PIP_VERSION} into {VENV_DIR}")
        subprocess.run([*pip, f"pip=={PIP_VERSION}"], check=True)
    log(f"installing claude-lint from {BENCH_DIR.parent} into {VENV_DIR} with pip {PIP_VERSION}")
    subprocess.run([*pip, f"{BENCH_DIR.parent}[lsp]"], check=True)  # with its dependencies (the server's too)
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(BENCH_DIR.parent)], check=True)  # this very checkout
    return str(bindir / ("claude-lint.exe" if os.name == "nt" else "claude-lint"))


def tool_version(exe: str) -> str:
    rc, out = capture([exe, "--version"])
    first = out.splitlines()[0] if out else ""
    if rc == 0 and first:
        return first
    return f"unknown (--version: exit {rc}{', ' + first if first else ''})"


def interpreter_of(exe: str) -> str | None:
    """Python version behind a console script, read from its shebang."""
    try:
        with open(exe, "rb") as fh:
            first = fh.readline(300)
    except OSError:
        return None
    if not first.startswith(b"#!") or b"python" not in first:
        return None
    interp = first[2:].decode("utf-8", "replace").split()
    if not interp:
        return None
    rc, out = capture([*interp, "--version"])
    return out if rc == 0 else None


# --------------------------------------------------------------------------
# Machine description


def read_proc(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info() -> dict[str, str]:
    cpus = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cpus
    mem = read_proc("/proc/meminfo", "MemTotal")
    mem_text = f"{int(mem.split()[0]) / 1024 / 1024:.1f} GiB" if mem else "unknown"
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "nproc": f"{usable} usable ({cpus} online)",
        "CPU": read_proc("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "memory": mem_text,
        "OS": f"{platform.system()} {platform.release()}",
        "load average at start": " ".join(f"{x:.2f}" for x in load) if load else "n/a",
    }


def git_head() -> str:
    rc, out = capture(["git", "-C", str(BENCH_DIR), "rev-parse", "--short", "HEAD"])
    return out if rc == 0 else "no commit"


# --------------------------------------------------------------------------
# Benchmarks


def bench_corpus(name: str, root: Path, cl: ClaudeLint, ruff: str,
                 runs: int, timeout: float, errors: list[str]) -> dict[str, Series]:
    series = {k: Series() for k in ("ruff", "cold", "warm")}
    commands = {
        "ruff": lambda: ruff_cmd(ruff, "."),
        "cold": lambda: cl.cold(".", root),
        "warm": lambda: cl.warm("."),
    }

    def once(kind: str, record: bool = True) -> None:
        sample, tail = run_timed(commands[kind](), root, timeout)
        if sample.rc != 0:
            errors.append(f"{name} {kind}: exit {sample.rc}: {tail.strip()[-300:]}")
        if record:
            series[kind].samples.append(sample)

    shutil.rmtree(root / CACHE_DIR_NAME, ignore_errors=True)
    # Untimed: bring the files into the page cache for both tools and fill
    # claude-lint's cache.  In fallback mode every cold run starts by deleting
    # the cache and then fills it again, so a warm run always finds it filled.
    log(f"{name}: warm-up")
    once("ruff", record=False)
    once("warm", record=False)

    order = ["ruff", "cold", "warm"]
    for i in range(runs):
        rotation = order[i % 3:] + order[:i % 3]
        for kind in rotation:
            once(kind)
        log(f"{name}: round {i + 1}/{runs}: " + ", ".join(
            f"{k} {series[k].samples[-1].seconds:.3f}s" for k in order))
    shutil.rmtree(root / CACHE_DIR_NAME, ignore_errors=True)
    return series


def bench_single_file(workdir: Path, cl: ClaudeLint, ruff: str, runs: int,
                      timeout: float, errors: list[str]) -> dict[str, Series]:
    series = {"ruff": Series(), "cold": Series()}
    for i in range(runs):
        kinds = ("ruff", "cold") if i % 2 == 0 else ("cold", "ruff")
        for kind in kinds:
            cmd = ruff_cmd(ruff, "small.py") if kind == "ruff" else cl.cold("small.py", workdir)
            sample, tail = run_timed(cmd, workdir, timeout)
            if sample.rc != 0:
                errors.append(f"single file {kind}: exit {sample.rc}: {tail.strip()[-300:]}")
            series[kind].samples.append(sample)
    log("single file: " + ", ".join(
        f"{k} median {v.median * 1000:.0f} ms" for k, v in series.items()))
    return series


def make_project(heavy: Path, corpora: Path) -> Path:
    """The heavy corpus as one project: hard links to its files (a copy where links cannot
    be made) under the corpora folder, and a pyproject.toml at its root."""
    project = corpora / PROJECT_DIR_NAME
    shutil.rmtree(project, ignore_errors=True)

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(heavy, project, copy_function=link, ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
    (project / "pyproject.toml").write_text('[project]\nname = "heavy-bench"\nversion = "0"\n', encoding="utf-8")
    return project


def bench_growth(heavy: Path, corpora: Path, cl: ClaudeLint, copies: Sequence[int], runs: int,
                 timeout: float, errors: list[str]) -> dict[int, dict]:
    """claude-lint cold (`--no-cache`) on the heavy corpus copied 1, 2, 4 times (hard links,
    one folder per copy) into one folder: CPU (median of `runs`) and peak memory (the
    largest of the runs) per size. Linear growth is CPU per copy staying at 1 copy's."""
    found: dict[int, dict] = {}
    # One folder per bench process: two benches on one machine shared `.heavy-copies` and
    # deleted each other's copies mid-run (a run then failed with exit 1).
    folder = corpora / f"{GROWTH_DIR_NAME}-{os.getpid()}"

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    try:
        for n in copies:
            shutil.rmtree(folder, ignore_errors=True)
            for k in range(n):
                shutil.copytree(heavy, folder / f"copy{k + 1}", copy_function=link,
                                ignore=shutil.ignore_patterns(CACHE_DIR_NAME))
            samples, peaks = [], []
            for _ in range(runs):
                before = _children_cpu()
                mem = measure_memory(cl.cold(".", folder), folder, timeout)
                samples.append(Sample(mem["seconds"], mem["rc"], _children_cpu() - before))
                peaks.append(max(mem["ru_maxrss_mb"], mem["tree_peak_mb"] or 0.0))
                if mem["rc"] != 0:
                    errors.append(f"growth {n}x: exit {mem['rc']}")
            found[n] = {"series": Series(samples), "peak_mb": max(peaks)}
            log(f"growth {n}x: CPU median {found[n]['series'].cpu_median:.2f} s, peak {max(peaks):.0f} MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return found


def bench_stdin(project: Path, cl: ClaudeLint, runs: int, timeout: float,
                errors: list[str]) -> dict[str, Series]:
    """One buffer linted as an editor lints it on save (`--stdin-filename`), inside the
    heavy project: cold (no facts cache: the project's context is built) and warm."""
    series = {"cold": Series(), "warm": Series()}
    cmd = [cl.exe, "check", "--exit-zero", "--stdin-filename", STDIN_FILE, "-"]
    target = project / STDIN_FILE
    for i in range(runs):
        for kind in ("cold", "warm") if i % 2 == 0 else ("warm", "cold"):
            if kind == "cold":
                shutil.rmtree(project / CACHE_DIR_NAME, ignore_errors=True)
            else:  # untimed, so that the cache is filled whichever ran before
                run_timed(cmd, project, timeout, stdin=target)
            sample, tail = run_timed(cmd, project, timeout, stdin=target)
            if sample.rc != 0:
                errors.append(f"stdin {kind}: exit {sample.rc}: {tail.strip()[-300:]}")
            series[kind].samples.append(sample)
    log("stdin in the heavy project: " + ", ".join(
        f"{k} median {v.median * 1000:.0f} ms" for k, v in series.items()))
    return series


def bench_server(project: Path, cl: ClaudeLint, lsp_python: str, changes: int,
                 timeout: float, notes: list[str]) -> dict | None:
    """The language server in the heavy project (bench/server_relint.py): its first lint
    with the facts cache cold and warm, and each edit's re-lint (debounce 0)."""
    rc, out = capture([lsp_python, "-c", "import pytest_lsp, lsprotocol"])
    if rc != 0:
        notes.append(f"language server not measured: {lsp_python} cannot import pytest_lsp (the test extra)")
        return None
    found: dict = {}
    for state in ("cold", "warm"):
        if state == "cold":
            shutil.rmtree(project / CACHE_DIR_NAME, ignore_errors=True)
        else:
            capture([cl.exe, "check", "--exit-zero", "."], project)  # fills the facts cache
        cmd = [lsp_python, str(BENCH_DIR / "server_relint.py"), "--root", str(project),
               "--command", cl.exe, "--changes", str(changes), "--lines", "300", "--json"]
        try:
            proc = subprocess.run(cmd, cwd=project, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=timeout)
            figures = json.loads(proc.stdout.strip().splitlines()[-1])
        except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as exc:
            notes.append(f"language server ({state} cache) not measured: {exc}")
            return None
        found[f"first_{state}"] = figures["first_ms"] / 1000
        found.setdefault("edits", []).extend(t / 1000 for t in figures["edits_ms"])
    log(f"language server: first lint cold {found['first_cold'] * 1000:.0f} ms, warm "
        f"{found['first_warm'] * 1000:.0f} ms, per edit median {statistics.median(found['edits']) * 1000:.0f} ms")
    return found


def bench_realworld(root: Path, cl: ClaudeLint, ruff: str, runs: int, timeout: float,
                    errors: list[str], notes: list[str]) -> tuple[dict[str, Series], dict]:
    """The corpus of real LLM applications (one folder per repository), linted whole by
    each tool as one project, cold; nothing is written into it (--no-cache). Each
    claude-lint run takes minutes there: `runs` is the row's own count (--realworld-runs).
    Returns the series and what the table's rows say besides: each tool's peak memory
    (measured once more per tool) and the corpus's size."""
    series = {"ruff": Series(), "cold": Series()}
    run_timed(ruff_cmd(ruff, "."), root, timeout)  # untimed: into the page cache
    for i in range(runs):
        for kind in ("ruff", "cold") if i % 2 == 0 else ("cold", "ruff"):
            cmd = ruff_cmd(ruff, ".") if kind == "ruff" else [cl.exe, "check", "--no-cache", "--exit-zero", "."]
            sample, tail = run_timed(cmd, root, timeout)
            if sample.rc != 0:
                errors.append(f"realworld {kind}: exit {sample.rc}: {tail.strip()[-300:]}")
            series[kind].samples.append(sample)
            log(f"realworld {kind} run {i + 1}/{runs}: {sample.seconds:.1f} s wall, {sample.cpu:.1f} s CPU")
    log("realworld: " + ", ".join(f"{k} median {v.median * 1000:.0f} ms" for k, v in series.items()))
    peaks = {}
    crashed = bool(series["cold"].failures or series["ruff"].failures)
    for kind, cmd in (("claude-lint", [cl.exe, "check", "--no-cache", "--exit-zero", "."]), ("ruff", ruff_cmd(ruff, "."))):
        mem = measure_memory(cmd, root, timeout)
        peaks[kind] = max(mem["ru_maxrss_mb"], mem["tree_peak_mb"] or 0.0)
        if mem["rc"] != 0:
            errors.append(f"realworld {kind} peak-memory run: exit {mem['rc']}")
            crashed = True
    repositories, py_files = realworld_size(root)
    notes.append(f"real-world corpus as one project ({root}): {repositories} repositories, {py_files} .py files; "
                 f"{runs} run(s) per tool; peak memory: the larger of the largest process's RSS and the process tree's PSS")
    return series, {"peaks": peaks, "repositories": repositories, "py_files": py_files, "crashed": crashed}


def realworld_rows(series: dict[str, Series], facts: dict) -> list[str]:
    """The real-world corpus's rows of the results table: CPU and peak memory beside
    ruff's, as ratios like the other rows; no target, so no verdict (and not counted).
    CPU, not wall: one run of minutes on a shared machine stretches with everyone's load."""
    cold, ruff = series["cold"], series["ruff"]
    peaks = facts["peaks"]
    shown = "FAIL (non-zero exit)" if facts["crashed"] else "(no target)"
    what = f"real-world corpus as one project ({facts['repositories']} repositories, {facts['py_files']} .py files)"
    return [
        f"| {what}, cold, CPU | {fmt_s(cold.cpu_median)} | {fmt_s(ruff.cpu_median)} | "
        f"{_ratio_text(cold.cpu_median, ruff.cpu_median)} | none | {shown} |",
        f"| {what}, cold, wall | {fmt_s(cold.median)} | {fmt_s(ruff.median)} | "
        f"{_ratio_text(cold.median, ruff.median)} | none | {shown} |",
        f"| real-world corpus peak memory | {peaks['claude-lint']:.0f} MB | {peaks['ruff']:.0f} MB | "
        f"{_ratio_text(peaks['claude-lint'], peaks['ruff'])} | none | {shown} |",
    ]


def measure_realworld(args, cl: ClaudeLint, ruff: str, series: dict, errors: list[str],
                      notes: list[str]) -> tuple[Path, dict | None]:
    """The real-world row when its corpus is there (series["realworld"]), else a note."""
    realworld = args.realworld.expanduser()
    if not realworld.is_dir():
        notes.append(f"real-world corpus not measured: {realworld} is not a folder")
        return realworld, None
    series["realworld"], found = bench_realworld(realworld, cl, ruff, args.realworld_runs, args.timeout, errors, notes)
    return realworld, found


def realworld_only(args, cl: ClaudeLint, ruff: str) -> str:
    """`--only realworld`: that row alone (the lead runs the whole bench; a helper measures
    its own row), as the results table and the samples give it."""
    series: dict[str, dict[str, Series]] = {}
    notes: list[str] = []
    errors: list[str] = []
    machine = machine_info()
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    _, found = measure_realworld(args, cl, ruff, series, errors, notes)
    end_load = machine_info()["load average at start"]
    lines = [
        "# claude-lint benchmark: the real-world row alone",
        "",
        f"- date: {date}",
        f"- machine: {machine['nproc']} CPUs, {machine['CPU']}, load average at start {machine['load average at start']}, at the end {end_load}",
        f"- claude-lint: {tool_version(cl.exe)} at `{cl.exe}`; ruff: {tool_version(ruff)}; repository HEAD: {git_head()}",
        "",
        "| measurement | claude-lint | ruff | ratio | target | result |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    if found:
        lines += realworld_rows(series["realworld"], found)
        for kind, s in series["realworld"].items():
            tool = "ruff" if kind == "ruff" else f"claude-lint {kind}"
            lines.append(f"\n- {tool}: wall " + " ".join(f"{x.seconds:.2f}" for x in s.samples)
                         + " s; CPU " + " ".join(f"{x.cpu:.2f}" for x in s.samples) + " s")
    notes += [f"non-zero exit: {e}" for e in dict.fromkeys(errors)]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def realworld_size(root: Path) -> tuple[int, int]:
    """The corpus's repositories (its folders) and .py files, as the note gives them."""
    repositories = sum(1 for p in root.iterdir() if p.is_dir() and not p.is_symlink())
    py_files = sum(1 for _, _, files in os.walk(root) for f in files if f.endswith(".py"))
    return repositories, py_files


def ruff_py_count(ruff: str, root: Path) -> int:
    rc, out = capture([ruff, "check", "--isolated", "--no-cache", "--show-files", "."], root)
    return sum(1 for line in out.splitlines() if line.endswith(".py")) if rc == 0 else -1


# --------------------------------------------------------------------------
# Report


def fmt_s(x: float | None) -> str:
    return "n/a" if x is None else (f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s")


def fmt_ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def verdict(value: float | None, limit: float, strict: bool, crashed: bool) -> str:
    if crashed:
        return "FAIL (non-zero exit)"
    if value is None:
        return "FAIL (no data)"
    ok = value < limit if strict else value <= limit
    return "PASS" if ok else "FAIL"


def render(ctx: dict) -> str:
    res, m = ctx["results"], ctx["machine"]
    lines = [
        "# claude-lint benchmark results",
        "",
        f"- date: {ctx['date']}",
        (f"- machine: {m['nproc']} CPUs, {m['CPU']}, {m['memory']} RAM, {m['OS']}, "
         f"load average at start {m['load average at start']}"),
        f"- Python (runner): {ctx['python']}",
        f"- claude-lint: {ctx['claude_lint_version']} at `{ctx['claude_lint']}`"
        + (f" ({ctx['claude_lint_python']})" if ctx["claude_lint_python"] else ""),
        f"- claude-lint cold mode: {ctx['cold_mode']}",
        f"- ruff: {ctx['ruff_version']} (`{' '.join(ruff_cmd('ruff', 'PATH'))}`)",
        f"- repository HEAD: {ctx['git_head']}",
        (f"- runs: {ctx['runs']} per measurement on each corpus, {ctx['single_runs']} for "
         "the single file; runs of the tools alternate; medians are shown"),
        "",
        "## Corpora",
        "",
        "| corpus | contents | .py files | lines | ruff sees .py |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for name in CORPORA:
        c = ctx["manifest"]["corpora"][name]
        contents = ", ".join(f"{p['name']} {p['version']}" for p in c["packages"])
        lines.append(f"| {name} | {contents} | {c['py_files']} | {c['py_lines']} | "
                     f"{ctx['ruff_counts'][name]} |")

    lines += [
        "",
        "## Results",
        "",
        "| measurement | claude-lint | ruff | ratio | target | result |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for key, label, limit, unit in TARGETS:
        r = res[key]
        fmt = (lambda mb: f"{mb:.0f} MB") if unit == "MB" else fmt_s
        if unit == "per copy":  # claude-lint's column: the CPU per copy relative to one copy's
            fmt = (lambda x: "n/a" if x is None else f"{x:.2f}x")
        cells = [fmt(r["cl"]), fmt(r["ruff"]), _ratio_text(r["cl"], r["ruff"])]
        lines.append(f"| {label} | {' | '.join(cells)} | {target_text(limit, unit)} "
                     f"| {r['verdict']} |")

    if ctx.get("realworld"):
        lines += realworld_rows(ctx["series"]["realworld"], ctx["realworld"])
    passed = sum(1 for key, *_ in TARGETS if res[key]["verdict"] == "PASS")
    lines += ["", f"**{passed}/{len(TARGETS)} targets met.**", ""]
    lines += ["## Side by side (CPU ratios too)", "",
              ("On a shared machine wall time stretches with the others' load; CPU time "
               "(user + system of the whole process tree) shows the work itself. ruff uses "
               "every core, claude-lint one (or a pool on free cores)."), "",
              "| measurement | claude-lint wall | ruff wall | wall ratio | claude-lint CPU | ruff CPU | CPU ratio |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, group in ctx["series"].items():
        if "ruff" not in group:
            continue
        for kind, s in group.items():
            if kind == "ruff":
                continue
            r = group["ruff"]
            lines.append(f"| {name} {kind} | {fmt_s(s.median)} | {fmt_s(r.median)} | {_ratio_text(s.median, r.median)} "
                         f"| {fmt_s(s.cpu_median)} | {fmt_s(r.cpu_median)} | {_ratio_text(s.cpu_median, r.cpu_median)} |")
    stdin = ctx["series"].get("stdin, heavy project")
    server = ctx["series"].get("server, heavy project")
    lines += ["", "## Editors inside the heavy project", "",
              (f"The heavy corpus with a `pyproject.toml` at its root; the buffer is `{STDIN_FILE}`. "
               "Cold: no facts cache (the rest of the project is read for the project-wide rules); "
               "warm: the cache a run filled. The language server opens a new 300-line module "
               "with 19 calls and is timed from each `didChange` to the diagnostics that reflect it."), "",
              "| measurement | median | CPU median |", "| --- | ---: | ---: |"]
    if stdin:
        for kind, s in stdin.items():
            lines.append(f"| `--stdin-filename`, cache {kind} | {fmt_s(s.median)} | {fmt_s(s.cpu_median)} |")
    if server:
        for kind, s in server.items():
            lines.append(f"| language server, {kind} | {fmt_s(s.median)} | n/a |")
    lines.append("")
    growth = ctx.get("growth") or {}
    if growth:
        base = growth.get(1)
        lines += ["## Growth (the heavy corpus copied into one folder, linted cold)", "",
                  ("Each copy is the whole heavy corpus under its own folder (hard links). Linear "
                   "growth: CPU per copy stays at one copy's; peak memory is the larger of the "
                   "largest process's RSS and the process tree's PSS."), "",
                  "| copies | wall median | CPU median | CPU per copy vs 1 copy | peak memory |",
                  "| ---: | ---: | ---: | ---: | ---: |"]
        for n, g in sorted(growth.items()):
            s = g["series"]
            per = (s.cpu_median / n / base["series"].cpu_median) if base and base["series"].cpu_median else None
            lines.append(f"| {n} | {fmt_s(s.median)} | {fmt_s(s.cpu_median)} | "
                         f"{'n/a' if per is None else f'{per:.2f}x'} | {g['peak_mb']:.0f} MB |")
        lines.append("")
    rss = ctx["rss"]
    tree = "n/a" if rss["tree_peak_mb"] is None else f"{rss['tree_peak_mb']:.0f} MB"
    lines += [
        ("Ratios are claude-lint median / ruff median; ruff always runs cold "
         "(`--no-cache`). Warm = claude-lint with its cache filled by an earlier run."),
        "",
        (f"Peak memory (heavy, cold): peak RSS {rss['ru_maxrss_mb']:.0f} MB (largest single "
         f"process, {rss['method']}), process-tree peak PSS {tree} (sampled every 20 ms); "
         "the target uses the larger."),
        "",
        "## All samples (seconds, in run order)",
        "",
        "| series | min | median | max | samples |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, group in ctx["series"].items():
        for kind, s in group.items():
            tool = "ruff" if kind == "ruff" else f"claude-lint {kind}"
            t = s.times
            lines.append(f"| {name} {tool} | {min(t):.3f} | {s.median:.3f} | {max(t):.3f} | "
                         + " ".join(f"{x:.3f}" for x in t) + " |")
    lines += [
        "",
        "## CPU time (user + system, all threads and processes; medians)",
        "",
        ("Wall time is what the targets are judged on. On a shared machine it stretches "
         "with the load (see the load average above); CPU time shows the work itself."),
        "",
        "| series | wall median | CPU median |",
        "| --- | ---: | ---: |",
    ]
    for name, group in ctx["series"].items():
        for kind, s in group.items():
            tool = "ruff" if kind == "ruff" else f"claude-lint {kind}"
            cpu = fmt_s(s.cpu_median) if any(x.cpu for x in s.samples) else "n/a"  # the server's figures are timed by its client
            lines.append(f"| {name} {tool} | {fmt_s(s.median)} | {cpu} |")
    if ctx["notes"]:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in ctx["notes"]]
    return "\n".join(lines) + "\n"


def _ratio_text(a: float | None, b: float | None) -> str:
    r = fmt_ratio(a, b)
    return f"{r:.2f}x" if r is not None else "n/a"


def evaluate(series: dict[str, dict[str, Series]], rss: dict, ruff_rss: dict, growth: dict | None = None) -> dict:
    """Medians, ratios and verdicts; a target whose runs failed is failed."""
    res = {}
    for name in CORPORA:
        ruff = series[name]["ruff"]
        for kind in ("cold", "warm"):
            cl = series[name][kind]
            res[f"{name}_{kind}"] = {"cl": cl.median, "ruff": ruff.median,
                                    "value": fmt_ratio(cl.median, ruff.median),
                                    "crashed": bool(cl.failures or ruff.failures)}
    stdin = series["stdin, heavy project"]["warm"]
    res["stdin_warm"] = {"cl": stdin.median, "ruff": None, "value": stdin.median * 1000 if stdin.samples else None,
                         "crashed": bool(stdin.failures)}
    edits = series.get("server, heavy project", {}).get("per edit")
    res["server_edit"] = {"cl": edits.median if edits else None, "ruff": None,
                          "value": edits.median * 1000 if edits else None, "crashed": False}
    single = series["single file"]
    res["single_file"] = {"cl": single["cold"].median, "ruff": single["ruff"].median,
                          "value": single["cold"].median * 1000,
                          "crashed": bool(single["cold"].failures)}
    peak = max(rss["ru_maxrss_mb"], rss["tree_peak_mb"] or 0.0)
    res["heavy_rss"] = {"cl": peak, "value": peak,
                        "ruff": max(ruff_rss["ru_maxrss_mb"], ruff_rss["tree_peak_mb"] or 0.0),
                        "crashed": rss["rc"] != 0}
    growth = growth or {}
    top = max(growth) if growth else None
    per = None
    if top and top > 1 and 1 in growth and growth[1]["series"].cpu_median:
        per = growth[top]["series"].cpu_median / top / growth[1]["series"].cpu_median
    res["growth_4x"] = {"cl": per, "ruff": None, "value": per,
                        "crashed": any(g["series"].failures for g in growth.values())}
    for key, _label, limit, unit in TARGETS:
        r = res[key]
        r["verdict"] = verdict(r["value"], limit, strict=unit != "x", crashed=r["crashed"])
    return res


# --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark claude-lint against ruff.",
        epilog="Build the corpora first: python bench/build_corpora.py")
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs of each measurement per corpus (default 5)")
    parser.add_argument("--single-runs", type=int, default=10,
                        help="timed runs of each tool on the single small file (default 10)")
    parser.add_argument("--claude-lint", dest="claude_lint",
                        help=f"claude-lint executable (default: this checkout, installed into {VENV_DIR})")
    parser.add_argument("--ruff", help=f"ruff executable (default: ruff {RUFF_VERSION} "
                        f"installed into {VENV_DIR})")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA,
                        help=f"corpora folder (default: {DEFAULT_CORPORA})")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"report file (default: {DEFAULT_OUTPUT})")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds before one run is killed (default 900)")
    parser.add_argument("--realworld", type=Path, default=DEFAULT_REALWORLD,
                        help=f"the corpus of real LLM applications, one folder per repository, read only (default: {DEFAULT_REALWORLD}; skipped when absent)")
    parser.add_argument("--realworld-runs", type=int, default=1,
                        help="timed runs of each tool on the real-world corpus (default 1: a claude-lint run there takes minutes)")
    parser.add_argument("--lsp-python", default=sys.executable,
                        help="a Python with pytest-lsp (the test extra) to drive the language server (default: this one)")
    parser.add_argument("--server-changes", type=int, default=10,
                        help="edits timed per language-server run (default 10)")
    parser.add_argument("--copies", default=",".join(map(str, GROWTH_COPIES)),
                        help="copies of the heavy corpus linted cold for the growth case, comma-separated "
                        "(default 1,2,4; empty: not measured)")
    parser.add_argument("--growth-runs", type=int, default=1,
                        help="cold runs per size of the growth case (default 1)")
    parser.add_argument("--only", choices=("realworld",),
                        help="measure this row alone and print it (written only to an --output given); "
                        "no corpora needed")
    args = parser.parse_args(argv)
    if args.only:
        cl = ClaudeLint(find_claude_lint(args.claude_lint))
        ruff = os.path.abspath(shutil.which(args.ruff) or args.ruff) if args.ruff else ensure_ruff()
        report = realworld_only(args, cl, ruff)
        if args.output != DEFAULT_OUTPUT:
            args.output.write_text(report, encoding="utf-8")
        print(report)
        return 0
    if args.runs < 1 or args.single_runs < 1 or args.realworld_runs < 1:
        parser.error("--runs, --single-runs and --realworld-runs must be at least 1")

    corpora = args.corpora.resolve()
    manifest_path = corpora / "MANIFEST.json"
    if not manifest_path.is_file():
        die(f"{manifest_path} missing: run python bench/build_corpora.py first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    roots = {name: corpora / manifest["corpora"][name]["path"] for name in CORPORA}

    cl = ClaudeLint(find_claude_lint(args.claude_lint))
    ruff = os.path.abspath(shutil.which(args.ruff) or args.ruff) if args.ruff else ensure_ruff()
    notes: list[str] = []
    errors: list[str] = []

    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = machine_info()
    ruff_counts = {}
    for name, root in roots.items():
        ruff_counts[name] = ruff_py_count(ruff, root)
        expected = manifest["corpora"][name]["py_files"]
        if ruff_counts[name] != expected:
            notes.append(f"ruff sees {ruff_counts[name]} .py files in {name}, "
                         f"the manifest lists {expected}")

    series: dict[str, dict[str, Series]] = {}
    with tempfile.TemporaryDirectory(prefix="claude-lint-bench-") as tmp:
        workdir = Path(tmp)
        (workdir / "small.py").write_text(SMALL_FILE, encoding="utf-8")
        cl.probe(workdir)
        cold_mode = ("`--no-cache`" if cl.use_no_cache_flag else
                     f"`--no-cache` rejected; {CACHE_DIR_NAME}/ deleted before each cold run")

        for name in CORPORA:
            series[name] = bench_corpus(name, roots[name], cl, ruff, args.runs,
                                        args.timeout, errors)
        series["single file"] = bench_single_file(workdir, cl, ruff, args.single_runs,
                                                  args.timeout, errors)

    project = make_project(roots["heavy"], corpora)
    try:
        series["stdin, heavy project"] = bench_stdin(project, cl, args.runs, args.timeout, errors)
        server = bench_server(project, cl, args.lsp_python, args.server_changes, args.timeout, notes)
    finally:
        shutil.rmtree(project, ignore_errors=True)
    if server is not None:
        series["server, heavy project"] = {
            "first lint, cache cold": Series([Sample(server["first_cold"], 0)]),
            "first lint, cache warm": Series([Sample(server["first_warm"], 0)]),
            "per edit": Series([Sample(t, 0) for t in server["edits"]]),
        }
    realworld, realworld_facts = measure_realworld(args, cl, ruff, series, errors, notes)

    copies = sorted({int(c) for c in args.copies.split(",") if c.strip()})
    growth = bench_growth(roots["heavy"], corpora, cl, copies, max(1, args.growth_runs), args.timeout, errors) if copies else {}
    if not copies:
        notes.append("growth not measured (--copies empty)")

    log("heavy: peak memory")
    rss = measure_memory(cl.cold(".", roots["heavy"]), roots["heavy"], args.timeout)
    ruff_rss = measure_memory(ruff_cmd(ruff, "."), roots["heavy"], args.timeout)
    shutil.rmtree(roots["heavy"] / CACHE_DIR_NAME, ignore_errors=True)
    if rss["rc"] != 0:
        errors.append(f"heavy peak-memory run: exit {rss['rc']}")

    notes += [f"non-zero exit: {e}" for e in dict.fromkeys(errors)]
    ctx = {
        "date": date, "machine": machine,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "claude_lint": cl.exe, "claude_lint_version": tool_version(cl.exe),
        "claude_lint_python": interpreter_of(cl.exe),
        "cold_mode": cold_mode, "ruff_version": tool_version(ruff),
        "git_head": git_head(), "runs": args.runs, "single_runs": args.single_runs,
        "manifest": manifest, "ruff_counts": ruff_counts, "series": series,
        "rss": rss, "results": evaluate(series, rss, ruff_rss, growth), "notes": notes, "growth": growth,
        "realworld": realworld_facts,
    }
    report = render(ctx)
    args.output.write_text(report, encoding="utf-8")
    print(report)
    log(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
