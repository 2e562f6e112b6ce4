"""tomllib, or its backport tomli before Python 3.11: one place that chooses.

Imported where a TOML file is read, not at start-up: a run without a config file
need not pay for the parser's import.
"""
import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, load, loads
else:  # pragma: no cover - exercised on Python < 3.11 only
    from tomli import TOMLDecodeError, load, loads

__all__ = ["TOMLDecodeError", "load", "loads"]
