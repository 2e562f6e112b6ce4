"""What the second phase (`gather.wrapper_callers`) asks each file, put so that equal
questions are seen to be equal: the cache key of a set of names, and the wrapper method
names a file spells."""
from __future__ import annotations

from claude_lint.patterns import lazy

__all__ = ["names_key", "spelled_in"]

_IDENTIFIER = lazy(rb"[A-Za-z_][A-Za-z0-9_]*")


def spelled_in(methods: frozenset, data: bytes, kind: str) -> frozenset:
    """The wrapper method names a Python file can call: those spelled in it (and
    `__call__`, which a call of an instance reaches unspelled). The phase-2 finder tests
    the method names only against names in the code, so the rest change nothing, and
    each round's new methods of other files mostly do not concern a given file: without
    them its question is often the last round's. Only for ASCII source, where a name in
    the tree is spelled as written (Python normalises non-ASCII names)."""
    if kind != "python" or not methods or type(methods) is not frozenset or not data.isascii():  # (not EVERYTHING)
        return methods
    words = set(_IDENTIFIER.findall(data))
    return frozenset(m for m in methods if m == "__call__" or m.encode("ascii", "replace") in words)


def names_key(names) -> str:
    from claude_lint.extract import wrappers

    if isinstance(names, type(wrappers.EVERYTHING)):
        return "*"
    from claude_lint.cache_seal import blake2b  # hashlib's BLAKE2 without hashlib, which loads OpenSSL

    return blake2b("\0".join(sorted(names)).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
