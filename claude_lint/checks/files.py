from __future__ import annotations

from claude_lint.checks.base import FileRule
from claude_lint.facts import SYNTAX_ERROR, UNREADABLE_FILE


class SyntaxErrorRule(FileRule):
    """## What it does
    Reports a Python file (or notebook cell) that calls an LLM SDK but cannot be
    parsed. The rest of the run goes on; the file is simply not linted.

    ## Why is this bad?
    A file the linter cannot parse is a file whose costs it cannot check. Python
    itself would refuse to run it too.
    """

    code = SYNTAX_ERROR
    name = "syntax-error"
    summary = "a file that cannot be parsed"
    severity = "error"

    @staticmethod
    def examples():
        fires = ["import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model='x',\n"]
        silent = ["import anthropic\nclient = anthropic.Anthropic()\n"]
        return fires, silent


class UnreadableFile(FileRule):
    """## What it does
    Reports a file that cannot be read as text: a binary file with a source suffix,
    an encoding error, or an I/O error. The rest of the run goes on.

    ## Why is this bad?
    The file is not linted; the message says why, so it can be fixed or excluded.
    """

    code = UNREADABLE_FILE
    name = "unreadable-file"
    summary = "a file that cannot be read as text"
    severity = "error"

    @staticmethod
    def examples():
        fires = ["import anthropic\x00\x01\x02 binary"]
        silent = ["import anthropic\n"]
        return fires, silent
