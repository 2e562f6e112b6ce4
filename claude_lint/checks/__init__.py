"""Every rule, found by module: adding a rule is adding a module here."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from typing import Dict, List

from claude_lint.checks.base import FileRule, Rule


@lru_cache(maxsize=1)
def all_rules() -> List[Rule]:
    package = importlib.import_module(__name__)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    found: List[Rule] = []
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if getattr(cls, "code", ""):
            found.append(cls())
    return sorted(found, key=lambda r: r.code)


def by_code() -> Dict[str, Rule]:
    return {r.code: r for r in all_rules()}


def by_name_or_code(key: str):
    for rule in all_rules():
        if key.upper() == rule.code or key == rule.name:
            return rule
    return None


__all__ = ["Rule", "FileRule", "all_rules", "by_code", "by_name_or_code"]
