import os
import sys

# `python -m claude_lint` puts the working directory first on sys.path: a linted
# repository holding `yaml.py` or `libcst/` would then run its own code inside the
# linter. Only this package was needed from there, and it is imported already. (A
# repository holding a `claude_lint/` folder is imported instead of this package, before
# any of our code runs: hence the docs recommend `claude-lint` or `python -P -m`.)
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from claude_lint.cli import entry  # noqa: E402

entry()
