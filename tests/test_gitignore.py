"""`.gitignore` matching (claude_lint.gitignore): git's rules, and time linear in the path."""
from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest

from claude_lint.gitignore import GitIgnore


def ignored(lines, path: str, is_dir: bool = False) -> bool:
    """As the walk sees it: a path inside an ignored folder is never reached."""
    spec = GitIgnore(lines)
    parts = path.split("/")
    if any(spec.decide("/".join(parts[:i]), True) for i in range(1, len(parts))):
        return True
    return bool(spec.decide(path, is_dir))


@pytest.mark.parametrize(
    "lines, path, is_dir, expected",
    [
        (["*.pyc"], "a/b/c.pyc", False, True),
        (["*.pyc"], "a/b/c.py", False, False),
        (["build/"], "build", True, True),
        (["build/"], "build", False, False),  # a directory pattern never matches a file
        (["build/"], "src/build/x.py", False, True),
        (["/build"], "src/build", True, False),  # a leading slash anchors
        (["/build"], "build/x.py", False, True),
        (["doc/*.txt"], "doc/a.txt", False, True),
        (["doc/*.txt"], "doc/sub/a.txt", False, False),  # `*` never crosses a folder
        (["doc/*.txt"], "x/doc/a.txt", False, False),  # a slash inside anchors too
        (["**/logs"], "a/b/logs", True, True),
        (["a/**/b"], "a/b", False, True),
        (["a/**/b"], "a/x/y/b", False, True),
        (["abc/**"], "abc", True, False),  # everything inside, not the folder itself
        (["abc/**"], "abc/x/y", False, True),
        (["*.py", "!keep.py"], "keep.py", False, False),
        (["!keep.py", "*.py"], "keep.py", False, True),  # the last match decides
        (["gen/", "!gen/keep.py"], "gen/keep.py", False, True),  # not out of an ignored folder
        (["\\#x", "\\!y"], "#x", False, True),
        (["\\!y"], "!y", False, True),
        (["# comment", "", "   "], "# comment", False, False),
        (["x  "], "x", False, True),  # trailing spaces dropped
        (["x\\ "], "x ", False, True),  # unless escaped
        (["[ab]c", "d[!x]"], "bc", False, True),
        (["d[!x]"], "dx", False, False),
        (["d[^x]"], "dy", False, True),
        (["[[:digit:]]*"], "7up", False, True),
        (["[a-c]z"], "bz", False, True),
        (["x[ab"], "x[ab", False, False),  # an unclosed `[`: git matches nothing
        (["a?c"], "abc", False, True),
        (["a?c"], "a/c", False, False),
        (["\\*"], "*", False, True),
        (["\\*"], "x", False, False),
        (["a***/b"], "a/x/b", False, True),  # git: the literal prefix, then `**/b` on its own
        (["a**/b"], "ab", False, True),
        (["a**/b"], "az/b", False, True),
        (["a**/b"], "azb", False, False),
        (["x/a**/b"], "x/ab", False, True),
        (["x/***/y"], "x/1/2/y", False, True),
    ],
)
def test_git_rules(lines, path, is_dir, expected):
    assert ignored(lines, path, is_dir) is expected


def test_sixteen_stars_do_not_backtrack():
    """pathspec's regex backtracked for minutes on this; one greedy pass here. (No
    speed is asserted: a regression hangs, and pytest-timeout fails it.)"""
    spec = GitIgnore(["a" + "*a" * 16, "/x/" + "*a" * 16 + "/y"])
    assert spec.decide("a" * 60 + "b.py", False) is None
    assert spec.decide("x/" + "a" * 60 + "b/y", False) is None
    assert spec.decide("a" * 60, False) is True


ATOMS = ["a**", "***", "\\a", "a ", "a", "b", "ab", "*", "?", "**", "[ab]", "[!a]", "[^b]", "[a-c]", "\\*", ".", "[[:alpha:]]", "[]a]", "\\!", "*a", "a*"]
NAMES = ["a", "b", "ab", "ba", "x", "aa", "a.b", "*", "!a", "abc"]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_same_answers_as_git(tmp_path):
    """Random patterns and trees, judged by `git check-ignore` and by us."""
    rng = random.Random(13)
    mismatches = []
    for round_ in range(12):
        root = tmp_path / str(round_)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        lines = []
        for _ in range(rng.randint(1, 4)):
            pattern = "/".join("".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 3)))
            pattern = ("/" if rng.random() < 0.2 else "") + pattern + ("/" if rng.random() < 0.2 else "")
            lines.append(("!" if rng.random() < 0.2 else "") + pattern)
        (root / ".gitignore").write_text("\n".join(lines) + "\n")
        for _ in range(10):
            parts = [rng.choice(NAMES) for _ in range(rng.randint(1, 4))]
            folder = root.joinpath(*parts[:-1])
            if any(p.is_file() for p in [root.joinpath(*parts[:i]) for i in range(1, len(parts))]):
                continue
            folder.mkdir(parents=True, exist_ok=True)
            if not root.joinpath(*parts).exists():
                root.joinpath(*parts).touch()
        paths = []
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in dirs + files:
                rel = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
                if rel != ".gitignore":
                    paths.append((rel, name in dirs))
        out = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", "--stdin", "-z"],
                             input="\0".join(p for p, _ in paths) + "\0", capture_output=True, text=True, timeout=30)
        theirs = {p for p in out.stdout.split("\0") if p}
        mismatches += [(lines, p) for p, is_dir in paths if ignored(lines, p, is_dir) != (p in theirs)]
    assert not mismatches, mismatches[:10]
