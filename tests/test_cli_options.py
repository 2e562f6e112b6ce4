"""`check`'s usual command lines are read without argparse (cli_options.quick_check): each
one it reads gives what argparse gives, and each form it does not read (abbreviations,
bundled flags, errors, help) is left to argparse."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from claude_lint.cli_options import quick_check
from claude_lint.cli_parser import build_parser

READ = [
    ["check"],
    ["check", "."],
    ["check", "--no-cache", "--exit-zero", "small.py"],
    ["check", "--exit-zero", "."],
    ["check", "a.py", "b/", "--quiet", "-v"],
    ["check", "-q", "--statistics", "src", "tests"],
    ["check", "--select", "CL001,CL01", "--ignore=CL007", "--extend-select", " CL013 ,", "."],
    ["check", "--output-format", "json", "-o", "out.json", "."],
    ["check", "--output-format=sarif", "--output-file=out.sarif"],
    ["check", "--stdin-filename", "pkg/app.py", "-"],
    ["check", "--config", "", "--cache-dir", "c", "--diff-base", "HEAD~1", "."],
    ["check", "--fix", "--unsafe-fixes", "--diff", "--show-fixes", "--add-noqa", "x.py"],
    ["check", "--no-respect-gitignore", "--force-exclude", "--output-format", "json", "--output-format", "text"],
    ["check", "-o", "-", "."],  # `-` alone is a word, not an option
    ["check", "--config=a=b.toml"],
    ["check", "--config=", "."],
]

LEFT_TO_ARGPARSE = [
    ["report", "."],
    ["models"],
    [],
    ["check", "--help"],
    ["check", "-h"],
    ["check", "--exit"],  # an abbreviation
    ["check", "-qv"],  # bundled short flags
    ["check", "--", "-odd.py"],
    ["check", "a.py", "--quiet", "b.py"],  # two runs of paths: argparse's error
    ["check", "--output-format", "yaml"],  # not a choice: argparse's error
    ["check", "--select"],  # no value: argparse's error
    ["check", "--config", "--quiet"],  # a value that starts with `-`
    ["check", "--quiet=yes"],
    ["check", "-o=out.json"],
    ["check", "--no-such-option"],
    ["check", ""],
]


@pytest.mark.parametrize("argv", READ, ids=" ".join)
def test_a_line_it_reads_gives_what_argparse_gives(argv):
    quick = quick_check(argv)
    assert quick is not None
    assert vars(quick) == vars(build_parser(argv).parse_args(argv))


@pytest.mark.parametrize("argv", LEFT_TO_ARGPARSE, ids=" ".join)
def test_every_other_line_is_left_to_argparse(argv):
    assert quick_check(argv) is None


def test_every_check_option_is_read():
    """An option added to `check` later is one quick_check reads too: each of argparse's
    option strings, written out whole."""
    parser = build_parser(["check"])
    check = next(a for a in parser._actions if a.dest == "command").choices["check"]
    for action in check._actions:
        for flag in action.option_strings:
            if flag in ("-h", "--help"):
                continue
            argv = ["check", flag] if action.nargs == 0 else ["check", flag, "json" if action.choices else "v"]
            assert quick_check(argv) is not None, flag
            assert vars(quick_check(argv)) == vars(build_parser(argv).parse_args(argv)), flag


def test_a_one_file_run_does_not_import_argparse(tmp_path):
    (tmp_path / "one.py").write_text("import anthropic\n\nanthropic.Anthropic().messages.create(model='claude-3-opus-20240229', "
                                     "max_tokens=4096, messages=[])\n", encoding="utf-8")
    code = ("import sys\nfrom claude_lint.cli import main\ncode = main(['check', '--no-cache', 'one.py'])\n"
            "print('argparse' in sys.modules, code)\n")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True, check=True, timeout=60)
    assert "CL007" in out.stdout and out.stdout.strip().endswith("False 1"), out
