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


_ENDS_A_PARAMETER = re.compile(rb"[ \t]*[,)=:]")  # `openai,` `openai)` `openai=None` `openai: Any`


def _as_parameters(data: bytes, root: bytes):
    """Where `root` is written as a name that could end a parameter: found by bytes.find
    (a pattern opening with a lookbehind is tried at every byte of the file)."""
    at = data.find(root)
    while at >= 0:
        before = data[at - 1:at] if at else b""
        if not (before.isalnum() or before in (b"_", b".")) and _ENDS_A_PARAMETER.match(data, at + len(root)):
            yield at
        at = data.find(root, at + 1)


_DEF_HEAD = re.compile(rb"def[ \t]+\w+[ \t]*\(")


def _in_parameter_list(data: bytes, at: int) -> bool:
    """Whether `at` lies in a `def`'s parameter list: a `def name(` before it with no `)`
    between (no bracket nests in a plain parameter list). Searched backwards from the name:
    such names are rare where the module is not imported, and a pattern that starts at
    every `def` of a large file (litellm's proxy server) costs more than the rest of the byte test."""
    end = at
    while True:
        start = data.rfind(b"def", 0, end)
        if start < 0 or data.find(b")", start, at) >= 0:
            return False
        before = data[start - 1:start] if start else b""
        if not (before.isalnum() or before == b"_"):
            head = _DEF_HEAD.match(data, start)
            if head is not None and head.end() <= at:
                return True
        end = start


def module_params(data: bytes, imported: "FrozenSet[bytes]") -> "FrozenSet[bytes]":
    """The SDK module roots the file names as a function's parameter (not already imported)."""
    found = set()
    for root in _roots():
        if root in imported:
            continue
        if any(_in_parameter_list(data, at) for at in _as_parameters(data, root)):
            found.add(root)
    return frozenset(found)
