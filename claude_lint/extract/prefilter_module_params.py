"""The byte pre-filter's reading of an SDK module handed to a function as a parameter named
after it: `def get_completion(openai, prompt): openai.ChatCompletion.create(...)` in a helper
file that never imports openai (its notebook callers do, and pass the module). The parameter
counts as the module's import (python_calls.module_param_qualname reads the call the same
way): only a module whose own functions are requests, and only where its name is written in
a `def`'s parameter list."""
from __future__ import annotations

import re
from functools import lru_cache

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import FrozenSet, Pattern, Tuple


@lru_cache(maxsize=1)
def _roots() -> "Tuple[bytes, ...]":
    from claude_lint.extract.python_calls import MODULE_ROOTS

    return tuple(sorted(r.encode() for r in MODULE_ROOTS))


@lru_cache(maxsize=None)
def _param_re(root: bytes) -> "Pattern[bytes]":
    # `def f(openai, ...)`, `def f(x, openai=None)`, `async def f(self, openai: Any)`: the
    # parameter list is read up to its closing bracket (no bracket nests in a plain one)
    return re.compile(rb"\bdef[ \t]+\w+[ \t]*\([^)]*?(?<![\w.])" + re.escape(root) + rb"[ \t]*[,)=:]")


def module_params(data: bytes, imported: "FrozenSet[bytes]") -> "FrozenSet[bytes]":
    """The SDK module roots the file names as a function's parameter (not already imported)."""
    found = set()
    for root in _roots():
        if root not in imported and data.find(root) >= 0 and _param_re(root).search(data) is not None:
            found.add(root)
    return frozenset(found)
