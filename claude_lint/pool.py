"""A process pool for cold runs with many files to parse.

Only files the byte pre-filter lets through come here (the parse and the extractor's walk), so a pool starts only when
there is real parsing to share out: at least `MIN_FILES` files and `MIN_BYTES` of
source, on a machine with more than one core, where `fork` exists (workers inherit the
linter, nothing is re-imported). Results are put back in the order the files came in,
so the output never depends on which worker finished first. If the pool cannot start
or breaks, the same work runs in this process: a pool changes speed, never findings.
"""
from __future__ import annotations

import os
import sys
from typing import List, Optional, Sequence, Tuple

MIN_FILES = 4
MIN_BYTES = 256_000
MAX_WORKERS = 8

_linter = None  # set in the parent before fork; workers inherit it


def workers_for(jobs: Sequence[Tuple[object, Optional[bytes]]]) -> int:
    """How many processes to use for these jobs: 1 means no pool."""
    if len(jobs) < MIN_FILES or sum(len(d or b"") for _, d in jobs) < MIN_BYTES:
        return 1
    import multiprocessing  # here: most runs never start a pool

    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawn would re-import everything per worker: slower than parsing here
    if os.environ.get("CLAUDE_LINT_NO_POOL"):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, len(jobs), MAX_WORKERS))


def _work(job: Tuple[int, object, Optional[bytes]]):
    index, source, data = job
    return index, _linter.facts_for(source, data, triaged=True)  # the parent's triage said: parse it


def extract_all(linter, jobs: List[Tuple[object, Optional[bytes]]]) -> List[object]:
    """`linter.facts_for(source, data)` for every job (files the byte test let through: the
    parse and the extractor's walk run here), in the jobs' order."""
    n = workers_for(jobs)
    if n > 1:
        try:
            return _in_pool(linter, jobs, n)
        except Exception:  # the pool could not start or a worker died: do the work here
            pass
    return [linter.facts_for(source, data, triaged=True) for source, data in jobs]


def _in_pool(linter, jobs, n: int) -> List[object]:
    import multiprocessing

    global _linter
    _linter = linter
    # Largest files first, so no worker is left parsing a big file alone at the end.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][1] or b""))
    results: List[object] = [None] * len(jobs)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            for index, facts in pool.imap_unordered(_work, [(i, *jobs[i]) for i in order], chunksize=1):
                results[index] = facts
    finally:
        _linter = None
    return results
