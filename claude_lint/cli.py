"""The command line: argparse only. Exit codes: 0 clean, 1 findings, 2 usage or config error."""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import warnings
from typing import List, Optional

from claude_lint import __version__
from claude_lint.config import ConfigError
from claude_lint.report import printable, write_output

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Address space `check` and `report` allow themselves (claude_lint/memory.py): several
# times the peak of the largest file linted (1.4 GB for 5 MB of Python) on top of a large
# project's facts; a runaway past the size bounds then raises MemoryError (the file's CL904).
MAX_MEMORY = 8_000_000_000


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


def _codes(value: str) -> List[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser(argv: Optional[List[str]] = None) -> argparse.ArgumentParser:
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
    from claude_lint.report import FORMATS

    check.add_argument("paths", nargs="*", default=None, help="files or folders; `-` reads standard input")
    check.add_argument("--select", type=_codes, help="rule codes or prefixes to enable (replaces the config's)")
    check.add_argument("--ignore", type=_codes, help="rule codes or prefixes to disable")
    check.add_argument("--extend-select", type=_codes, help="rule codes or prefixes to enable on top of the selection")
    check.add_argument("--output-format", choices=FORMATS, default="text")
    check.add_argument("-o", "--output-file", metavar="FILE", help="write the findings to FILE instead of standard output")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--statistics", action="store_true", help="show counts per rule instead of each finding")
    check.add_argument("--config", help="a pyproject.toml or claude-lint.toml to use instead of the nearest one")
    check.add_argument("--stdin-filename", help="the name of the file read from standard input")
    check.add_argument("--no-respect-gitignore", action="store_true", help="lint files that .gitignore excludes")
    check.add_argument("--force-exclude", action="store_true", help="apply exclusions to files named on the command line too")
    check.add_argument("--diff-base", metavar="REV", help="report only findings on lines changed since the git revision REV")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")
    check.add_argument("--cache-dir", help="where the facts cache lives (default: .claude-lint-cache at the project root)")
    check.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    check.add_argument("--fix", action="store_true", help="apply safe fixes (atomically; files that would not parse are left untouched)")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply (or count) fixes that may change behaviour")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing")
    check.add_argument("--show-fixes", action="store_true", help="list the fixes applied (with --fix) or available")
    check.add_argument("--add-noqa", action="store_true", help="add `# noqa: CODE` to every line with a finding")
    check.add_argument("-v", "--verbose", action="store_true", help="say on stderr which prompt files were read or refused, and why")


def _report_options(report: argparse.ArgumentParser) -> None:
    report.add_argument("paths", nargs="*", default=None, help="files or folders")
    report.add_argument("--format", choices=("table", "markdown", "json", "html"), default="table")
    report.add_argument("--calls-per-route", type=_positive_int, default=1000, help="calls priced per route (default 1000)")
    report.add_argument("--output-fill", type=_fill, default=1.0, help="share of the output limit each call uses, 0-1 (default 1.0: worst case)")
    report.add_argument("--config", help="a pyproject.toml or claude-lint.toml to use instead of the nearest one")
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


def main(argv: Optional[List[str]] = None) -> int:
    # Start-up allocates tens of thousands of objects that live as long as the process
    # (modules, functions, classes, tables) and makes next to no garbage: the cyclic
    # collector's passes over them were about 6% of a one-file run. It is held off until
    # the code the command needs is imported, which is then frozen (`_collect_again`: the
    # collector never looks at it again), and put back on return.
    collecting = gc.isenabled()
    gc.disable()
    _held[0] = collecting
    try:
        return _main(argv)
    finally:
        if collecting:
            gc.enable()
        _held[0] = False


_held = [False]


def entry() -> None:
    """The `claude-lint` command (and `python -m claude_lint`): `main`, then out without
    tearing the interpreter down. Freeing every module, table and fact object one by one
    at exit was about 0.2 s of CPU after a cold run on a large project (5%), for memory
    the system takes back whole. The exit handlers run first (start-up's cache file, the
    pool's); the ordinary exit is kept where a thread of ours is still running (Python
    joins it first) or the output cannot be flushed (Python reports that)."""
    code = main()
    if not (code is None or isinstance(code, int)):
        sys.exit(code)
    try:
        threading = sys.modules.get("threading")
        if threading is not None and any(not t.daemon and t is not threading.main_thread() for t in threading.enumerate()):
            raise RuntimeError("a thread to join")
        import atexit

        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:
        sys.exit(code)
    os._exit(code or 0)


def _collect_again() -> None:
    """Imports done: frozen (once per process: main may be called again in-process, and
    what is frozen is never freed), and the collector runs again if it ran when main was
    called."""
    if _held[0]:
        _held[0] = False
        if not _froze[0]:
            _froze[0] = True
            gc.freeze()
        gc.enable()


_froze = [False]


def _main(argv: Optional[List[str]]) -> int:
    # Strings of the linted code are decoded with literal_eval (by libcst too): their
    # invalid escapes would print Python's "invalid escape sequence" warnings on our stderr.
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings("ignore", message="invalid (octal )?escape sequence", category=DeprecationWarning)
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command != "check":
        _collect_again()
    restore = lambda: None  # noqa: E731
    if args.command in ("check", "report"):
        from claude_lint.memory import limit_address_space

        restore = limit_address_space(MAX_MEMORY)  # put back on return: main() may be called in-process
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rule":
            return _rule(args)
        if args.command == "server":
            from claude_lint.server import main as serve

            return serve()
        if args.command == "report":
            return _report(args)
        if args.command == "models":
            return _models(args)
    except BrokenPipeError:
        return EXIT_CLEAN
    except ConfigError as exc:  # a nested config, read once its files are found
        sys.stderr.write(f"claude-lint: error: {printable(str(exc))}\n")
        return EXIT_ERROR
    finally:
        restore()
    parser.print_help()
    return EXIT_ERROR


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


def _report(args) -> int:
    from claude_lint import audit, config
    from claude_lint.catalog import CatalogError
    from claude_lint.engine import Linter, lint

    paths = args.paths or ["."]
    try:
        settings = config.load(paths[0] if os.path.exists(paths[0]) else ".", args.config)
    except config.ConfigError as exc:
        sys.stderr.write(f"claude-lint: error: {printable(str(exc))}\n")
        return EXIT_ERROR
    if args.fail_on_increase is not None and not args.diff_base:
        sys.stderr.write("claude-lint: error: --fail-on-increase needs --diff-base REF\n")
        return EXIT_ERROR
    result = lint(paths, settings)
    for missing in result.missing:
        sys.stderr.write(f"claude-lint: error: {printable(missing)}: no such file or directory\n")
    if result.missing:
        return EXIT_ERROR
    try:
        catalog = Linter(settings).catalog
    except CatalogError as exc:  # the price file changed since the config was read, and is now broken
        sys.stderr.write(f"claude-lint: error: {exc}\n")
        return EXIT_ERROR
    found = audit.build(result.calls, result.diagnostics, catalog, result.files, args.calls_per_route, args.output_fill)
    code = EXIT_CLEAN
    if args.diff_base:
        from claude_lint import costdiff

        text, code = costdiff.command(args, paths, settings, catalog, found)
    elif args.usage:
        from claude_lint import usage_report

        text, code = usage_report.command(args, settings, catalog, found, result.calls)
    else:
        text = audit.render(found, args.format)
    if text is None:
        return code
    if not write_output(args.output, text):
        return EXIT_ERROR
    return code


def _models(args) -> int:
    import datetime

    from claude_lint import catalog, catalog_files, config, modelinfo

    try:
        settings = config.load(".", args.config)
        cat = catalog_files.configured(settings)
    except (config.ConfigError, catalog.CatalogError) as exc:
        sys.stderr.write(f"claude-lint: error: {exc}\n")
        return EXIT_ERROR
    found = modelinfo.select(cat, args.pattern)
    if not found:
        sys.stderr.write(f"claude-lint: no model in the catalogue matches {args.pattern!r}\n")
        return EXIT_FINDINGS
    render = modelinfo.render_json if args.format == "json" else modelinfo.render_table
    sys.stdout.write(render(cat, found, datetime.date.today()))
    return EXIT_CLEAN


def _rule(args) -> int:
    from claude_lint.checks import all_rules, by_name_or_code
    from claude_lint.docs import page

    if args.all or not args.code:
        for r in all_rules():
            print(f"{r.code}  {r.name:<28} {r.summary}{' (preview)' if r.preview else ''}")
        return EXIT_CLEAN
    found = by_name_or_code(args.code)
    if found is None:
        sys.stderr.write(f"claude-lint: error: unknown rule `{args.code}`\n")
        return EXIT_ERROR
    print(page(found), end="")
    return EXIT_CLEAN


def _check(args) -> int:
    from claude_lint import config

    paths = args.paths or ["."]
    stdin = None
    if paths == ["-"]:
        from claude_lint.engine import MAX_FILE_BYTES

        name = args.stdin_filename or "stdin.py"
        # The file size cap holds for a buffer too: one byte more says "too large" (CL902),
        # and the rest is never read into memory (--fix passes it through unread).
        stdin = (name, sys.stdin.buffer.read(MAX_FILE_BYTES + 1))
        start = os.path.dirname(os.path.abspath(name))
    elif "-" in paths:
        sys.stderr.write("claude-lint: error: `-` cannot be combined with other paths\n")
        return EXIT_ERROR
    else:
        start = paths[0]
    try:
        settings = config.load(start if os.path.exists(start) else ".", args.config)
        overrides: dict = {}
        where = "command line"
        if args.select is not None:
            overrides["select"] = tuple(config.check_selectors(args.select, "--select", where))
        if args.ignore is not None:
            overrides["ignore"] = tuple(config.check_selectors(args.ignore, "--ignore", where))
        if args.extend_select is not None:
            overrides["extend_select"] = tuple(config.check_selectors(args.extend_select, "--extend-select", where))
        if args.no_respect_gitignore:
            overrides["respect_gitignore"] = False
        if args.force_exclude:
            overrides["force_exclude"] = True
        if args.no_cache:
            overrides["no_cache"] = True
        if args.cache_dir:
            overrides["cache_dir"] = os.path.abspath(args.cache_dir)
        settings = config.with_cli(settings, overrides)
    except config.ConfigError as exc:
        sys.stderr.write(f"claude-lint: error: {printable(str(exc))}\n")
        return EXIT_ERROR
    read = name = None
    started = 0
    made_in = None
    if not (args.fix or args.diff or args.add_noqa or args.diff_base or stdin is not None or settings.no_cache):
        from claude_lint import run_cache

        name = run_cache.key(vars(args), settings)
        kept = run_cache.replay(settings, name)
        if kept is not None:
            out, err, code = kept
            sys.stderr.write(err)
            return code if write_output(args.output_file, out) else EXIT_ERROR
        made_in = run_cache.prepare(settings)
        started = time.time_ns()
        # The working folder: prompt files may be read relative to it, and shown paths are.
        read = run_cache.above([os.getcwd()], run_cache.above(paths, {}), given=False)
        read.update((folder, run_cache.stamp(folder)) for folder in run_cache.environment())
    from claude_lint.checks import by_code
    from claude_lint.engine import lint
    from claude_lint.report import renderer

    by_code(config.selected(settings))  # the rules' modules too (the linter asks for the same ones)
    _collect_again()
    if args.fix or args.diff or args.add_noqa:
        from claude_lint.fix_command import run

        return run(args, paths, settings, stdin)
    result = lint(paths, settings, stdin=stdin, read=read)
    if args.diff_base:
        from claude_lint import diffbase

        try:
            result.diagnostics = diffbase.keep(result.diagnostics, diffbase.changed_lines(args.diff_base))
        except diffbase.DiffBaseError as exc:
            sys.stderr.write(f"claude-lint: error: {printable(str(exc))}\n")
            return EXIT_ERROR
    err = "".join(f"claude-lint: error: {printable(missing)}: no such file or directory\n" for missing in result.missing)
    err += "".join(f"claude-lint: error: internal error while linting {printable(error)}. This is a bug in claude-lint; please report it.\n"
                   for error in result.internal_errors)
    if args.verbose:
        err += "".join(f"claude-lint: prompt file {printable(path)}: {'read' if not why else 'not read: ' + printable(why)}\n"
                       for path, why in sorted(result.reads.items()))
    sys.stderr.write(err)
    output = renderer(args.output_format)(result, {"statistics": args.statistics, "quiet": args.quiet})
    from claude_lint.fix_command import after_check

    output += after_check(args, result)
    if result.missing or result.internal_errors:
        code = EXIT_ERROR
    else:
        code = EXIT_FINDINGS if result.diagnostics and not args.exit_zero else EXIT_CLEAN
    if read is not None and name is not None and code != EXIT_ERROR and result.replayable:
        from claude_lint import run_cache

        run_cache.keep(settings, name, read, output, err, code, started, made_in)  # before the output file is written: it may be among them
    if not write_output(args.output_file, output):
        return EXIT_ERROR
    return code
