from __future__ import annotations

from claude_lint.checks.base import FileRule
from claude_lint.facts import FILE_TIMEOUT
from claude_lint.timeout import DEFAULT_SECONDS


class FileTimeoutRule(FileRule):
    """## What it does
    Reports a file whose analysis took longer than the per-file time limit (reading
    and parsing it, then resolving the values of its calls and checking them), needed
    more memory than claude-lint allows a file, or killed the process analysing it.
    The file is not linted; the rest of the run goes on.

    ## Why is this bad?
    A linter runs unattended in CI and on every save in an editor: one pathological
    file (a generated module of megabytes, an expression nested thousands deep) must
    not hang the whole run. A file that hits the limit is usually generated code that
    is better excluded (`extend-exclude`).

    ## Options
    - `seconds` (default 10.0): the time limit per file, in seconds. `0` disables it.

    ```toml
    [tool.claude-lint.CL904]
    seconds = 30
    ```
    """

    code = FILE_TIMEOUT
    name = "file-timeout"
    summary = "a file whose analysis exceeded the per-file time limit"
    severity = "error"
    options = {"seconds": DEFAULT_SECONDS}
    # A timeout can only be shown with a tiny limit; silent examples run with the default.
    example_options = {"seconds": 1e-9}

    @staticmethod
    def examples():
        fires = ["import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-haiku-4-5', max_tokens=100, messages=[])\n"]
        silent = ["import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='claude-haiku-4-5', max_tokens=100, messages=[])\n"]
        return fires, silent
