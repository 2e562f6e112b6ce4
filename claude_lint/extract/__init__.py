"""One extractor per input kind: each turns a file's text into FileFacts."""
from __future__ import annotations

import os
from typing import Callable, Dict, Optional

from claude_lint.facts import FileFacts


def _python(text: str, path: str, abspath: str, module: Optional[str], prefilter: bool) -> FileFacts:
    from claude_lint.extract import python

    if prefilter and not python.needs_parse(text.encode("utf-8", "surrogatepass")):
        return FileFacts(path, abspath, module, "python", parsed=False)
    return python.extract(text, path, abspath, module)


# kind -> extractor(text, path, abspath, module, prefilter)
EXTRACTORS: Dict[str, Callable[..., FileFacts]] = {"python": _python}


def extract_source(text: str, path: str, abspath: str, kind: str, module: Optional[str], prefilter: bool = True) -> FileFacts:
    return EXTRACTORS[kind](text, path, abspath, module, prefilter)


def module_name(abspath: str, root: str) -> Optional[str]:
    rel = os.path.relpath(abspath, root)
    if rel.startswith(".."):
        return None
    stem = os.path.splitext(rel)[0].replace(os.sep, ".")
    if stem.endswith(".__init__"):
        stem = stem[: -len(".__init__")]
    return stem[len("src."):] if stem.startswith("src.") else stem
