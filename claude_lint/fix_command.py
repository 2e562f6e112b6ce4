"""`check --fix / --diff / --add-noqa`: the command-line side of fixing.

Exit codes follow ruff: with --fix, 1 only if findings remain after fixing; with
--diff, 1 if there is anything to change (nothing is written); --add-noqa exits 0.
A missing path or a bad option is 2, as everywhere.
"""
from __future__ import annotations

import sys
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Sequence, Tuple

from claude_lint.config import Settings
from claude_lint.diagnostics import Diagnostic, applicable
from claude_lint.report import printable, shown_path

if TYPE_CHECKING:  # imported where a fix is made: a plain check only calls after_check
    from claude_lint import fix

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def run(args, paths: List[str], settings: Settings, stdin: Optional[Tuple[str, bytes]]) -> int:
    if getattr(args, "diff_base", None):
        # Fixing only the findings on changed lines would leave files half fixed.
        sys.stderr.write("claude-lint: error: --diff-base cannot be combined with --fix, --diff or --add-noqa\n")
        return EXIT_ERROR
    if stdin is not None:
        return _stdin(args, settings, stdin)
    from claude_lint import fix
    from claude_lint.engine import lint

    result = lint(paths, settings)
    for missing in result.missing:
        sys.stderr.write(f"claude-lint: error: {printable(missing)}: no such file or directory\n")
    failed = EXIT_ERROR if result.missing else None
    if args.add_noqa:
        from claude_lint import noqa_add

        added, skipped = noqa_add.add(paths, settings, result.diagnostics)
        _warn(skipped)
        sys.stderr.write(f"Added {added} noqa directive{'s' if added != 1 else ''}.\n")
        # Findings that got no comment are still there: not a success.
        return failed or (EXIT_FINDINGS if skipped and not args.exit_zero else EXIT_CLEAN)
    outcome = fix.fix_paths(paths, settings, result.diagnostics, args.unsafe_fixes, write=not args.diff)
    _warn(outcome.skipped)
    if args.diff:
        sys.stdout.write("".join(outcome.diffs))
        n = outcome.count
        sys.stderr.write(f"Would fix {n} error{'s' if n != 1 else ''}.\n" if n else "No errors would be fixed.\n")
        return failed or (EXIT_FINDINGS if outcome.diffs else EXIT_CLEAN)
    if outcome.count:
        result = lint(paths, settings)
    if not _render(args, result, outcome):
        return EXIT_ERROR
    if failed:
        return failed
    return EXIT_FINDINGS if result.diagnostics and not args.exit_zero else EXIT_CLEAN


def _render(args, result, outcome: fix.Outcome) -> bool:
    from claude_lint.report import renderer, write_output

    output = renderer(args.output_format)(result, {"statistics": args.statistics, "quiet": args.quiet})
    if args.output_format == "text" and not args.quiet:
        if args.show_fixes:
            output += summary(outcome, True)
        elif outcome.count:
            output += f"Fixed {outcome.count} error{'s' if outcome.count != 1 else ''}.\n"
    return write_output(getattr(args, "output_file", None), output)


def _stdin(args, settings: Settings, stdin: Tuple[str, bytes]) -> int:
    """ruff's behaviour: the fixed source goes to stdout, remaining findings to stderr."""
    name, data = stdin
    if args.add_noqa:
        sys.stderr.write("claude-lint: error: --add-noqa cannot be used with standard input\n")
        return EXIT_ERROR
    from claude_lint import fix
    from claude_lint.engine import MAX_FILE_BYTES

    if len(data) > MAX_FILE_BYTES:
        return _too_large(args, name, data)
    fixed, codes, why = fix.fix_text(name, data, settings, args.unsafe_fixes)
    if why:
        _warn([f"{name}: {why}; left unchanged"])
    after = fixed if fixed is not None else data
    if args.diff:
        sys.stdout.write(fix.unified_diff(name, data, after) if fixed is not None else "")
        return EXIT_FINDINGS if fixed is not None else EXIT_CLEAN
    sys.stdout.flush()
    sys.stdout.buffer.write(after)
    sys.stdout.buffer.flush()
    from claude_lint.report.text import line

    from claude_lint.engine import lint

    remaining = lint([], settings, stdin=(name, after)).diagnostics
    for d in remaining:
        sys.stderr.write(line(d) + "\n")
    return EXIT_FINDINGS if remaining and not args.exit_zero else EXIT_CLEAN


def _too_large(args, name: str, head: bytes) -> int:
    """A buffer over the size cap is not linted. With --fix its bytes go back out unchanged
    (an editor replaces the buffer with what we print), copied a chunk at a time."""
    from claude_lint.engine import MAX_FILE_BYTES

    _warn([f"{name}: larger than {MAX_FILE_BYTES // 1_000_000} MB; not linted, left unchanged"])
    if args.diff:
        return EXIT_CLEAN
    sys.stdout.flush()
    out = sys.stdout.buffer
    out.write(head)
    while True:
        chunk = sys.stdin.buffer.read(1 << 20)
        if not chunk:
            break
        out.write(chunk)
    out.flush()
    return EXIT_CLEAN if args.exit_zero else EXIT_FINDINGS


def after_check(args, result) -> str:
    """Text appended to a plain check's text output: what --fix could repair."""
    if args.output_format != "text" or args.quiet or args.statistics:
        return ""
    out = ""
    if getattr(args, "show_fixes", False):
        from claude_lint.report.text import line

        for d in result.diagnostics:
            if d.fix is not None:
                out += f"{line(d)}\n    fix ({d.fix.applicability}): {printable(d.fix.message)}\n"
    return out + hint(result.diagnostics, getattr(args, "unsafe_fixes", False))


def _warn(messages) -> None:
    for message in messages:
        sys.stderr.write(f"claude-lint: warning: {printable(message)}\n")


def summary(outcome: fix.Outcome, show: bool) -> str:
    """ruff's `--show-fixes` listing: per file, how many of each code were fixed."""
    if not show or not outcome.count:
        return ""
    from claude_lint.checks import by_code

    rules = by_code()
    out = [f"Fixed {outcome.count} error{'s' if outcome.count != 1 else ''}:"]
    for path in sorted(outcome.fixed):
        if not outcome.fixed[path]:
            continue
        out.append(f"- {shown_path(path)}:")
        for code, n in sorted(outcome.fixed[path].items()):
            name = rules[code].name if code in rules else ""
            out.append(f"    {n} \u00d7 {code} ({name})")
    return "\n".join(out) + "\n"


def rewritable(d: Diagnostic) -> bool:
    """Whether --fix writes the file of this finding: Python sources and notebooks. A fix
    found in another kind of file (a model ID in YAML) is not counted as available."""
    from claude_lint.discover import kind_of

    return kind_of(d.loc.path) in (None, "python", "notebook")


def hint(diagnostics: Sequence[Diagnostic], unsafe: bool) -> str:
    """ruff's nudge after a plain check: how many findings --fix would repair."""
    diagnostics = [d for d in diagnostics if rewritable(d)]
    safe = sum(1 for d in diagnostics if applicable(d.fix, unsafe))
    hidden = 0 if unsafe else sum(1 for d in diagnostics if applicable(d.fix, True)) - safe
    out = ""
    if safe:
        out += f"[*] {safe} fixable with the `--fix` option"
        out += f" ({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the `--unsafe-fixes` option).\n" if hidden else ".\n"
    elif hidden:
        out += f"No fixes available ({hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with the `--unsafe-fixes` option).\n"
    return out
