"""claude-lint: catch the code and config decisions that inflate an LLM API bill."""

__version__ = "0.1.0"
