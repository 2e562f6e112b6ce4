"""Which kind of file a path is, by its suffix, and how a path is shown: a leaf module,
so that linking, the fix builders and the report formats can ask without importing file
discovery (and its settings)."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional

def display(abspath: str) -> str:
    """The path as the user sees it: relative to the working folder when it is inside it."""
    try:
        rel = os.path.relpath(abspath)
    except ValueError:
        return abspath
    return abspath if rel.startswith("..") else rel


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
