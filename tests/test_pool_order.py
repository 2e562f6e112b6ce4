"""What is left to hand out when the walk ends (pool_fork.largest_first): the large files
first, largest first, then the rest in the walk's order; the files already given keep
their place (the facts still come back in the walk's order: test_pool_share)."""
from __future__ import annotations

from types import SimpleNamespace

from claude_lint import pool_fork


def test_the_large_files_left_go_first_then_the_rest_in_the_walks_order(tmp_path):
    sizes = [10, pool_fork.LARGE + 5, 20, 30, pool_fork.LARGE * 2, 40, pool_fork.LARGE + 5]
    sources = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"m{i}.py"
        path.write_bytes(b"x" * size)
        sources.append(SimpleNamespace(abspath=str(path)))
    sources.append(SimpleNamespace(abspath=str(tmp_path / "gone.py")))  # removed since the walk: size 0, in its place
    assert pool_fork.largest_first(sources, 2) == [0, 1, 4, 6, 2, 3, 5, 7]
    assert pool_fork.largest_first(sources, len(sources)) == list(range(len(sources)))


def test_a_project_without_parses_is_handed_out_as_walked(tmp_path, monkeypatch):
    """No stat of what is left when no file needed a parse (most projects call no LLM):
    the files cost about the same, and the stats would be the most of the parent's work."""
    import os
    import sys

    import pytest

    if not (sys.platform.startswith("linux") and hasattr(os, "fork")):
        pytest.skip("no fork: the pool never starts here")
    from claude_lint import pool
    from test_equivalence import _findings, _project
    from test_pool_share import _shared

    root = _project(tmp_path, {f"m{i:02d}.py": f"x = {i}\n" for i in range(12)})
    ordered = []
    monkeypatch.setattr(pool, "largest_first", lambda sources, given: ordered.append(given) or list(range(len(sources))))
    _shared(monkeypatch)
    monkeypatch.setattr(pool, "SHARE_CHUNK", 2)
    _findings(root, no_cache=True)
    assert ordered == []
