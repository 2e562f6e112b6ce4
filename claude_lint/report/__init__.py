"""Output formats: one module per format, each with `render(result, settings) -> str`."""
from __future__ import annotations

import importlib
from typing import Callable

FORMATS = ("text", "concise", "json", "grouped", "github", "gitlab", "junit", "sarif")


def renderer(name: str) -> Callable:
    module = importlib.import_module(f"claude_lint.report.{name.replace('-', '_')}")
    return module.render
