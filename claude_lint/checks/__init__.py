"""Every rule, found by module: adding a rule is adding a module here, and its line in
RULES (tests/test_rule_registry.py fails until the two agree)."""
from __future__ import annotations

import importlib
from typing import Dict, Iterable, List, Optional

from claude_lint.checks.base import FileRule, Rule

# code -> (module, class, preview). A run imports only the modules of the rules it
# selects: importing all of them (and what they import) was a fifth of a one-file run,
# for nine preview rules that are off by default. `config.selected` reads the codes and
# the preview flags from here, without importing a rule.
RULES: Dict[str, tuple] = {
    "CL001": ("max_tokens", "OversizedMaxTokens", True),
    "CL002": ("system_cache", "UncachedSystemPrompt", False),
    "CL003": ("single_model", "SingleModel", True),
    "CL004": ("history", "UnboundedHistory", True),
    "CL005": ("batch", "BatchCandidate", True),
    "CL006": ("cache_prefix", "CachePrefixDynamic", False),
    "CL007": ("retired", "RetiredModel", False),
    "CL008": ("streaming", "StreamRequired", False),
    "CL009": ("oversized_model", "OversizedModel", True),
    "CL010": ("output_limit", "OutputLimitMissing", False),
    "CL011": ("conversation_cache", "ConversationUncached", True),
    "CL012": ("prefix_cache", "PromptPrefixUncached", True),
    "CL013": ("breakpoints", "CacheBreakpointIneffective", True),
    "CL014": ("rejected", "RequestRejected", False),
    "CL015": ("retry", "RetryUnbounded", False),
    "CL016": ("sampling", "SamplingBothSet", True),
    "CL901": ("files", "SyntaxErrorRule", False),
    "CL902": ("files", "UnreadableFile", False),
    "CL903": ("config_files", "InvalidInputFile", False),
    "CL904": ("file_timeout", "FileTimeoutRule", False),
}

_made: Dict[str, Rule] = {}  # one instance per code, whoever asks first


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
