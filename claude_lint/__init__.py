"""claude-lint: catch the code and config decisions that inflate an LLM API bill."""

__version__ = "0.1.0"

from claude_lint import startup as _startup  # noqa: E402 (before any module of ours makes its dataclasses)

_startup.install()
