"""Which files the language server reads for a buffer: the path a `file:` URI names and
the folder whose files give the buffer its project context (never the filesystem root
or the home folder)."""
from __future__ import annotations

import os
import re
from typing import Optional, Sequence
from urllib.parse import unquote, urlparse


def uri_path(uri: str) -> Optional[str]:
    """The file a `file:` URI names, percent-decoded (pygls leaves `%20` in its paths)."""
    try:
        scheme, netloc, path = urlparse(uri)[:3]
    except (TypeError, ValueError):
        return None
    if scheme != "file" or not path:
        return None
    path = unquote(path)
    if netloc:
        path = f"//{netloc}{path}"  # a UNC path
    elif re.match(r"/[A-Za-z]:", path):
        path = path[1:]  # /C:/x.py
    if os.sep != "/":
        path = path.replace("/", os.sep)
    return path


def too_wide(folder: str) -> bool:
    """A filesystem root, the home folder or a folder above it: never walked as a project."""
    home = os.path.expanduser("~")
    homes = {os.path.normcase(os.path.abspath(home)), os.path.normcase(os.path.realpath(home))} if home != "~" else set()
    for probe in {os.path.normcase(os.path.abspath(folder)), os.path.normcase(os.path.realpath(folder))}:
        if os.path.dirname(probe) == probe:
            return True
        prefix = probe.rstrip(os.sep) + os.sep
        if any(h == probe or h.startswith(prefix) for h in homes):
            return True
    return False


def _inside(path: str, folder: str) -> bool:
    folder = os.path.normcase(os.path.abspath(folder))
    path = os.path.normcase(os.path.abspath(path))
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def context_root(path: str, settings_root: str, marked: bool, folders: Sequence[str]) -> Optional[str]:
    """The folder whose files are the buffer's project context, or None for none: the
    project root its configuration or nearest project marker gives, else the innermost
    workspace folder that holds it; never the filesystem root or the home folder, which
    a `file:///x.py` or a marker in ~ would otherwise make the project."""
    candidates = [settings_root] if marked else []
    holding = [f for f in folders if _inside(path, f)]
    if holding:
        candidates.append(max(holding, key=len))
    for folder in candidates:
        if not too_wide(folder):
            return folder
    return None
