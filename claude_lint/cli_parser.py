"""The command line's parser (argparse), for every command line `cli_options.quick_check`
leaves to it: another command than `check`, help, an error, a form it does not read."""
from __future__ import annotations

import argparse
import os
import sys

from claude_lint import __version__
from claude_lint.cli_options import CHECK, EXIT_ERROR


class _Parser(argparse.ArgumentParser):
    def _get_formatter(self):
        # argparse makes a formatter for every argument added, and its default width comes
        # from shutil, whose import (with bz2 and lzma) costs more than the rest of the parser.
        return self.formatter_class(prog=self.prog, width=_terminal_columns() - 2)

    def error(self, message: str):  # argparse exits 2 too; keep its message short and ours
        self.print_usage(sys.stderr)
        sys.stderr.write(f"claude-lint: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


# argparse asks gettext for each text it builds (usage, help, errors): gettext finds no
# catalogue for argparse's domain (CPython ships none) but searches the locale folders
# again at every call, after importing `locale`: 1% of a one-file run for English text.
argparse._ = lambda message: message  # type: ignore[attr-defined]
argparse.ngettext = lambda singular, plural, n: singular if n == 1 else plural  # type: ignore[attr-defined]


def _terminal_columns() -> int:
    """shutil.get_terminal_size().columns, without importing shutil: $COLUMNS, else the
    terminal of standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def build_parser(argv: list | None = None) -> argparse.ArgumentParser:
    """argv: the arguments it will parse. Their command's options are added, not every
    command's (a one-file run built them all at each start); with no command, all are."""
    parser = _Parser(prog="claude-lint", description="Find the code and config decisions that inflate an LLM API bill.")
    parser.add_argument("--version", action="version", version=f"claude-lint {__version__}")
    # prog given: argparse would build a help formatter to work it out, which imports
    # shutil (and with it bz2, lzma) at every start.
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, prog=parser.prog)
    wanted = argv[0] if argv and argv[0] in _OPTIONS else None
    for name, help_text in _COMMANDS:
        command = sub.add_parser(name, help=help_text)
        if name in _OPTIONS and wanted in (None, name):
            _OPTIONS[name](command)
    return parser


_COMMANDS = (
    ("check", "lint files and folders (default: .)"),
    ("report", "cost audit of every LLM call site (default: .)"),
    ("models", "show the model catalogue the rules use: prices, limits, lifecycle, sources"),
    ("rule", "explain a rule"),
    ("server", "run the language server over stdio (needs the `lsp` extra)"),
)


def _check_options(check: argparse.ArgumentParser) -> None:
    for flags, keywords in CHECK:
        check.add_argument(*flags, **keywords)


def _report_options(report: argparse.ArgumentParser) -> None:
    report.add_argument("paths", nargs="*", default=None, help="files or folders")
    report.add_argument("--format", choices=("table", "markdown", "json", "html"), default="table")
    report.add_argument("--calls-per-route", type=_positive_int, default=1000, help="calls priced per route (default 1000)")
    report.add_argument("--output-fill", type=_fill, default=1.0, help="share of the output limit each call uses, 0-1 (default 1.0: worst case)")
    report.add_argument("--config", help="a pyproject.toml or claude-lint.toml to use instead of the nearest one")
    report.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")
    report.add_argument("--cache-dir", help="where the facts cache lives (default: .claude-lint-cache at the project root)")
    report.add_argument("-o", "--output", "--output-file", dest="output", metavar="FILE", help="write the report to FILE instead of standard output")
    report.add_argument("--usage", action="append", nargs="+", metavar="FILE",
                        help="measured usage to join to the call sites: OTLP JSON spans, usage JSON lines, LiteLLM spend logs, "
                             "Anthropic usage reports (`-`: standard input)")
    report.add_argument("--diff-base", metavar="REF", help="the estimated cost of each call site at git REF (its merge base with HEAD) and now")
    report.add_argument("--fail-on-increase", metavar="PERCENT|AMOUNT",
                        help="with --diff-base: exit 1 when the estimate rises by more than this (`10%%`, or USD: `5`, `$5`)")


def _models_options(models: argparse.ArgumentParser) -> None:
    models.add_argument("pattern", nargs="?", help="a glob (claude-opus-*) or part of a model ID or alias; a platform ID finds its model")
    models.add_argument("--format", choices=("table", "json"), default="table")
    models.add_argument("--config", help="a pyproject.toml or claude-lint.toml to use instead of the nearest one (its models-file and models apply)")


def _rule_options(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("code", nargs="?", help="a rule code (CL001) or name; omit with --all")
    rule.add_argument("--all", action="store_true", help="list every rule")


_OPTIONS = {"check": _check_options, "report": _report_options, "models": _models_options, "rule": _rule_options}


def _number(convert, expected: str, within, bounds: str):
    """An argparse type: `convert` the text, then check it is `within` its bounds."""
    def parse(value: str):
        try:
            n = convert(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {value!r}") from None
        if not within(n):
            raise argparse.ArgumentTypeError(bounds)
        return n
    return parse


_positive_int = _number(int, "a whole number", lambda n: n >= 1, "must be at least 1")
_fill = _number(float, "a number between 0 and 1", lambda f: 0 <= f <= 1, "must be between 0 and 1")
