"""The byte pre-filter's reading of an SDK module handed to a function as a parameter named
after it: `def get_completion(openai, prompt): openai.ChatCompletion.create(...)` in a helper
file that never imports openai (its notebook callers do, and pass the module). The parameter
counts as the module's import (python_calls.module_param_qualname reads the call the same
way): only a module whose own functions are requests, and only where its name is written in
a `def`'s parameter list."""
from __future__ import annotations

import re
from functools import lru_cache

from claude_lint.patterns import lazy

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import FrozenSet, Pattern, Tuple


@lru_cache(maxsize=1)
def _roots() -> "Tuple[bytes, ...]":
    from claude_lint.extract.python_calls import MODULE_ROOTS

    return tuple(sorted(r.encode() for r in MODULE_ROOTS))


_DEF_HEAD = lazy(rb"def[ \t]+\w+[ \t]*\(")  # (lazy: used in the few files where a root is a parameter)


@lru_cache(maxsize=1)
def _root_param() -> "Pattern[bytes]":
    """A module root written as a name that could end a parameter (`openai,` `openai)`
    `openai=None` `openai: Any`), not an attribute nor the tail of a longer name: the roots
    as one trie of alternatives (prefilter_dots._alternatives)."""
    from claude_lint.extract.prefilter_dots import _alternatives

    return re.compile(rb"(?<![\w.])(" + _alternatives(_roots()) + rb")(?=[ \t]*[,)=:])")


# Every `def name(`'s parameter list to its first `)` (the `)` kept: it may end a parameter),
# `undef name(` too (a superset): what `module_params` reads, all at once.
_PARAMETER_LISTS = re.compile(rb"def[ \t]+\w+[ \t]*\(([^)]*\)?)")
_WORD = lazy(rb"\w+")  # (lazy: these two only where a root is written in a parameter list)
_ENDS_A_PARAMETER = lazy(rb"[ \t]*[,)=:]")  # `openai,` `openai)` `openai=None` `openai: Any`


@lru_cache(maxsize=1)
def _heads() -> "Tuple[Tuple[bytes, ...], FrozenSet[bytes]]":
    """The roots no other root begins (`langchain` for `langchain_openai`), and all of them."""
    roots = _roots()
    return tuple(r for r in roots if not any(o != r and r.startswith(o) for o in roots)), frozenset(roots)


def _may_name_a_root(lists: bytes) -> bool:
    """Is some module root written in these parameter lists as `_root_param` reads it? A
    search for the few roots no other root begins, and a look at each place found."""
    heads, roots = _heads()
    for head in heads:
        at = lists.find(head)
        while at >= 0:
            if not at or not (lists[at - 1:at].isalnum() or lists[at - 1] in b"_."):
                name = _WORD.match(lists, at).group(0)  # type: ignore[union-attr]
                if name in roots and _ENDS_A_PARAMETER.match(lists, at + len(name)):
                    return True
            at = lists.find(head, at + 1)
    return False


def module_params(data: bytes, imported: "FrozenSet[bytes]") -> "FrozenSet[bytes]":
    """The SDK module roots the file names as a function's parameter (not already imported).

    A parameter list is read from each `def name(` (not the tail of a longer word) to the
    first `)` after it (none nests in a plain parameter list; a default or an annotation
    with brackets ends the reading early, the same for every module). Searching the whole
    file for each of the 33 roots (`openai`, `requests`, ...) cost 0.8 s on the heavy bench
    corpus and 0.4 s on Django, a third of the byte test. Now one pattern, whose literal
    head `re` searches for, takes every parameter list at once, and only those (a fourteenth
    of the bytes) are searched, for the roots no other root begins; in the few files where
    one is written as a parameter could be, each `def` is read alone, as before. The same
    answers (both bench corpora, the tests, examples and eval files, 200,000 random token
    strings) at about a sixth of the cost."""
    lists = _PARAMETER_LISTS.findall(data)
    if not lists or not _may_name_a_root(b"\0".join(lists)):
        return frozenset()
    found = set()
    root_param = _root_param()
    m = _DEF_HEAD.search(data)
    while m is not None:
        at = m.start()
        if not at or not (data[at - 1:at].isalnum() or data[at - 1] == 0x5F):  # `def`, not `undef`
            start = m.end()
            close = data.find(b")", start)
            # to the `)` itself: it may be what ends the parameter (`def ask(openai)`)
            for r in root_param.finditer(data, start, len(data) if close < 0 else close + 1):
                found.add(r.group(1))
        m = _DEF_HEAD.search(data, at + 1)  # (overlapping heads too: `def` inside another's name)
    return frozenset(found.difference(imported)) if found else frozenset()
