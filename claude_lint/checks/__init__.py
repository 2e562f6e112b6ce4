"""Every rule, found by module: adding a rule is adding a module here, then
`python -m claude_lint.docs`, which writes the registry (`registry.py`) with the pages
(tests/test_docs.py fails until they agree)."""
from __future__ import annotations

import importlib
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Iterable, List, Optional

    from claude_lint.checks.base import FileRule, Rule

# RULES, code -> (module, class, preview), is generated from the rule modules by `python -m
# claude_lint.docs`. A run imports only the modules of the rules it selects: importing all
# of them (and what they import) was a fifth of a one-file run, for nine preview rules that
# are off by default. `config.selected` reads the codes and the preview flags from there,
# without importing a rule.
from claude_lint.checks.registry import RULES

_made: Dict[str, Rule] = {}  # one instance per code, whoever asks first


def __getattr__(name: str):
    # `Rule` and `FileRule` from `base` when asked: the settings read RULES alone, and a
    # replayed warm run (`run_cache`) whose config selects rules imported `base` with the
    # linker, the catalogue and the facts through it.
    if name in ("Rule", "FileRule"):
        from claude_lint.checks import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _rule(code: str) -> Rule:
    rule = _made.get(code)
    if rule is None:
        module, cls, _ = RULES[code]
        rule = _made[code] = getattr(importlib.import_module(f"{__name__}.{module}"), cls)()
    return rule


def all_rules() -> List[Rule]:
    return [_rule(code) for code in sorted(RULES)]


def by_code(codes: Optional[Iterable[str]] = None) -> Dict[str, Rule]:
    """Rules by code: all of them, or only those of `codes` (which loads no other rule's
    module); a code that is no rule's is left out."""
    wanted = sorted(RULES) if codes is None else [c for c in codes if c in RULES]
    return {code: _rule(code) for code in wanted}


def is_preview(code: str) -> bool:
    """The rule class's own flag once its module is loaded (the registry mirrors it,
    tests/test_rule_registry.py), the registry's before."""
    rule = _made.get(code)
    return bool(rule.preview) if rule is not None else RULES[code][2]


def by_name_or_code(key: str):
    for rule in all_rules():
        if key.upper() == rule.code or key == rule.name:
            return rule
    return None


__all__ = ["RULES", "Rule", "FileRule", "all_rules", "by_code", "by_name_or_code", "is_preview"]
