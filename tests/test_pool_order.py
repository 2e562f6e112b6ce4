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
