"""The command line. Exit codes: 0 clean, 1 findings, 2 usage or config error. Its
options: `cli_options` (check's usual lines) or argparse (`cli_parser`, every other)."""
from __future__ import annotations

import gc
import os
import sys
import time
import warnings
TYPE_CHECKING = False  # typing (a tenth of a replayed warm run, run_cache) is for the annotations alone
if TYPE_CHECKING:
    from typing import List, Optional

from claude_lint.cli_options import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, quick_check
from claude_lint.config import ConfigError
from claude_lint.report import printable, write_output

# Address space `check` and `report` allow themselves (claude_lint/memory.py): several
# times the peak of the largest file linted (1.4 GB for 5 MB of Python) on top of a large
# project's facts; a runaway past the size bounds then raises MemoryError (the file's CL904).
MAX_MEMORY = 8_000_000_000


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
    if argv is None:
        argv = sys.argv[1:]
    args = quick_check(argv)
    if args is None:
        from claude_lint.cli_parser import build_parser

        args = build_parser(argv).parse_args(argv)
    if args.command != "check":
        _quiet_escapes()
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
    from claude_lint.cli_parser import build_parser

    build_parser().print_help()
    return EXIT_ERROR


def _quiet_escapes() -> None:
    """Strings of the linted code are decoded with literal_eval (by libcst too): their
    invalid escapes would print Python's "invalid escape sequence" warnings on our stderr.
    Not before a `check` is replayed (`run_cache`): the message's pattern imports `re`."""
    warnings.filterwarnings("ignore", category=SyntaxWarning)
    warnings.filterwarnings("ignore", message="invalid (octal )?escape sequence", category=DeprecationWarning)


def _report(args) -> int:
    from claude_lint import audit, config
    from claude_lint.catalog import CatalogError
    from claude_lint.engine import Linter, lint

    paths = args.paths or ["."]
    try:
        settings = config.load(paths[0] if os.path.exists(paths[0]) else ".", args.config)
        overrides: dict = {}
        if args.no_cache:
            overrides["no_cache"] = True
        if args.cache_dir:
            overrides["cache_dir"] = os.path.abspath(args.cache_dir)
        settings = config.with_cli(settings, overrides)
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
    _quiet_escapes()
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
