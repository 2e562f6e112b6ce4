"""Regular expressions compiled at their first use, not at import.

A one-file run (pre-commit, an editor on save) imports about eighty module-level
patterns and uses a few: compiling them all was a sixth of its time. `lazy` stands in for
`re.compile` where a pattern is only ever used through its methods (`search`, `match`,
`sub` ...): the first attribute asked compiles it and puts the compiled pattern's
methods on the instance, so every later call costs what a call on the pattern costs.
It is not a `re.Pattern`: never pass it to `re.sub(pattern, ...)` and the like.
"""
from __future__ import annotations

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner")


class LazyPattern:
    def __init__(self, pattern, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # copy, pickle and the like ask for these: not the pattern's
            raise AttributeError(name)
        import re  # here: a replayed warm run (`run_cache`) imports the module holding a pattern, never `re`

        compiled = re.compile(*self._source)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r})"


def lazy(pattern, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
