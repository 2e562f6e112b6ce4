"""The `check` command's options, declared once, and its usual command lines read without
argparse.

Importing argparse (with gettext) and building its parser was about 10 M instructions of
a one-file run's 226 M, and of a replayed warm run's 165 M (`run_cache`), before either
did any work of its own. `cli_parser` adds these options to argparse's parser; `quick_check`
reads a command line made of them alone, each written out whole, into what argparse would
give, and leaves every other line to argparse (an abbreviation, short flags bundled, `--`,
a value that starts with `-`, a wrong value, `--help`): argparse parses those, and words
their errors, as it always did.
"""
from __future__ import annotations

from types import SimpleNamespace

from claude_lint.report import FORMATS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def codes(value: str) -> list:
    """Rule codes or prefixes, comma-separated (`--select CL001,CL01`)."""
    return [v.strip() for v in value.split(",") if v.strip()]


# (option strings, argparse's keywords), in the order `check --help` lists them.
CHECK = (
    (("paths",), {"nargs": "*", "default": None, "help": "files or folders; `-` reads standard input"}),
    (("--select",), {"type": codes, "help": "rule codes or prefixes to enable (replaces the config's)"}),
    (("--ignore",), {"type": codes, "help": "rule codes or prefixes to disable"}),
    (("--extend-select",), {"type": codes, "help": "rule codes or prefixes to enable on top of the selection"}),
    (("--output-format",), {"choices": FORMATS, "default": "text"}),
    (("-o", "--output-file"), {"metavar": "FILE", "help": "write the findings to FILE instead of standard output"}),
    (("--exit-zero",), {"action": "store_true", "help": "exit 0 even when there are findings"}),
    (("--statistics",), {"action": "store_true", "help": "show counts per rule instead of each finding"}),
    (("--config",), {"help": "a pyproject.toml or claude-lint.toml to use instead of the nearest one"}),
    (("--stdin-filename",), {"help": "the name of the file read from standard input"}),
    (("--no-respect-gitignore",), {"action": "store_true", "help": "lint files that .gitignore excludes"}),
    (("--force-exclude",), {"action": "store_true", "help": "apply exclusions to files named on the command line too"}),
    (("--diff-base",), {"metavar": "REV", "help": "report only findings on lines changed since the git revision REV"}),
    (("--no-cache",), {"action": "store_true", "help": "neither read nor write the facts cache"}),
    (("--cache-dir",), {"help": "where the facts cache lives (default: .claude-lint-cache at the project root)"}),
    (("-q", "--quiet"), {"action": "store_true", "help": "print findings only, no summary"}),
    (("--fix",), {"action": "store_true", "help": "apply safe fixes (atomically; files that would not parse are left untouched)"}),
    (("--unsafe-fixes",), {"action": "store_true", "help": "also apply (or count) fixes that may change behaviour"}),
    (("--diff",), {"action": "store_true", "help": "print the fixes as a unified diff and write nothing"}),
    (("--show-fixes",), {"action": "store_true", "help": "list the fixes applied (with --fix) or available"}),
    (("--add-noqa",), {"action": "store_true", "help": "add `# noqa: CODE` to every line with a finding"}),
    (("-v", "--verbose"), {"action": "store_true", "help": "say on stderr which prompt files were read or refused, and why"}),
)


def _dest(flags: tuple, keywords: dict) -> str:
    """The attribute argparse stores an option in: its first long name, else its first."""
    if "dest" in keywords:
        return keywords["dest"]
    named = next((f for f in flags if f.startswith("--")), flags[0])
    return named.lstrip("-").replace("-", "_")


_OPTIONS = {flag: (_dest(flags, keywords), keywords) for flags, keywords in CHECK[1:] for flag in flags}
_DEFAULTS = {_dest(flags, keywords): keywords.get("default", False if keywords.get("action") == "store_true" else None)
             for flags, keywords in CHECK[1:]}


def quick_check(argv: list):
    """What argparse makes of a `check` command line written out whole (the namespace of
    its attributes), or None for a line argparse must read itself."""
    if not argv or argv[0] != "check":
        return None
    found = dict(_DEFAULTS, command="check")
    paths = None
    paths_ended = False  # argparse reads the paths as one run of words: a second one is an error
    words = iter(argv[1:])
    for word in words:
        if not word.startswith("-") or word == "-":
            if not word or paths_ended:
                return None
            paths = (paths or []) + [word]
            continue
        name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        option = _OPTIONS.get(name)
        if option is None:
            return None
        dest, keywords = option
        if keywords.get("action") == "store_true":
            if equals:
                return None
            found[dest] = True
        else:
            if not equals:
                value = next(words, None)
                if value is None or (value.startswith("-") and value != "-"):
                    return None
            if "type" in keywords:
                try:
                    value = keywords["type"](value)
                except Exception:  # argparse words the error
                    return None
            if "choices" in keywords and value not in keywords["choices"]:
                return None
            found[dest] = value
        paths_ended = paths is not None
    found["paths"] = paths if paths is not None else []
    return SimpleNamespace(**found)
