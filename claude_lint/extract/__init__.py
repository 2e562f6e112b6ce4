"""One extractor per input kind: each turns a file's text into FileFacts."""
from __future__ import annotations

import importlib
import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, Optional

from claude_lint.facts import FileFacts


def _python(text: str, path: str, abspath: str, module: Optional[str], prefilter: bool, settings=None) -> FileFacts:
    from claude_lint.extract.prefilter import needs_parse

    if prefilter and not needs_parse(text.encode("utf-8", "surrogatepass")):
        return FileFacts(path, abspath, module, "python", parsed=False)
    from claude_lint.extract import python

    return python.extract(text, path, abspath, module, calls_only=prefilter)


def _lazy(module: str) -> Callable[..., FileFacts]:
    def run(*args, **kwargs) -> FileFacts:
        return importlib.import_module(f"claude_lint.extract.{module}").extract(*args, **kwargs)

    return run


def _skip(text: str, path: str, abspath: str, module: Optional[str], prefilter: bool, settings=None) -> FileFacts:
    return FileFacts(path, abspath, None, "text", parsed=False)


# kind -> extractor(text, path, abspath, module, prefilter, settings=None)
EXTRACTORS: Dict[str, Callable[..., FileFacts]] = {
    "python": _python,
    "notebook": _lazy("notebook"),
    "prompt": _lazy("promptfile"),
    "config": _lazy("configfile"),
    "batch": _lazy("batchfile"),
    "text": _skip,
}


def _wants_config(abspath: str, settings, limit: int) -> bool:
    from claude_lint.extract import configfile

    return configfile.wants(abspath, settings, limit)


def _wants_batch(abspath: str, settings, limit: int) -> bool:
    from claude_lint.extract import batchfile

    return batchfile.wants(abspath, settings, limit)


# kind -> cheap check before a file is read: unknown YAML/JSON/JSONL files are never parsed.
PRECHECKS: Dict[str, Callable[[str, object, int], bool]] = {
    "config": _wants_config,
    "batch": _wants_batch,
    "text": lambda abspath, settings, limit: False,
}


def wants(kind: str, abspath: str, settings, limit: int) -> bool:
    check = PRECHECKS.get(kind)
    return check is None or check(abspath, settings, limit)


def extract_source(text: str, path: str, abspath: str, kind: str, module: Optional[str], prefilter: bool = True, settings=None) -> FileFacts:
    return EXTRACTORS[kind](text, path, abspath, module, prefilter, settings=settings)


def module_name(abspath: str, root: str) -> Optional[str]:
    prefix = root.rstrip(os.sep) + os.sep
    rel = abspath[len(prefix):] if abspath.startswith(prefix) and os.path.isabs(root) else os.path.relpath(abspath, root)
    if rel.startswith(".."):
        return None
    stem = os.path.splitext(rel)[0].replace(os.sep, ".")
    if stem.endswith(".__init__"):
        stem = stem[: -len(".__init__")]
    return stem[len("src."):] if stem.startswith("src.") else stem
