"""Which kind of file a path is, by its suffix: a leaf module, so that the fix builders
and the report formats can ask without importing file discovery (and its settings)."""
from __future__ import annotations

import os
from typing import Dict, Optional

# suffix -> kind. Other extractors register their suffixes here.
SUFFIX_KINDS: Dict[str, str] = {".py": "python"}
SUFFIX_KINDS.update({
    ".ipynb": "notebook",
    ".prompty": "prompt", ".prompt": "prompt",
    ".yaml": "config", ".yml": "config", ".json": "config", ".toml": "config",
    ".jsonl": "batch",
    ".md": "text", ".markdown": "text",  # accepted (pre-commit passes them) and skipped unread
})


def kind_of(path: str) -> Optional[str]:
    _, suffix = os.path.splitext(path)
    return SUFFIX_KINDS.get(suffix.lower())
