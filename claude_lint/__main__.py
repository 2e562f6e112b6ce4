import sys

from claude_lint.cli import main

sys.exit(main())
