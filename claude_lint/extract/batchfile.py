"""Anthropic Message Batches request files (`.jsonl`) to call sites.

Each line is one request, `{"custom_id": ..., "params": {...}}`, and its `params` are
exactly the keyword arguments of `messages.create`, so every rule for that call
applies. A batch file repeats the same settings on thousands of lines; requests
whose settings are identical (everything but the messages) are one call site, at
the first line that has them, so a finding is reported once, not once a line.

Lines are decoded with the json module (fast); only the first line of each distinct
setting is parsed again for positions.
"""
from __future__ import annotations

import json
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional

from claude_lint.extract import nodes
from claude_lint.extract.nodes import ParseError
from claude_lint.extract.sdk import ANTHROPIC_ROLES
from claude_lint.facts import CallSite, FileError, FileFacts, Loc, Mapping

HEAD_BYTES = 65536


def looks_like_batch(head: bytes) -> bool:
    return head.find(b'"custom_id"') >= 0 and head.find(b'"params"') >= 0


def wants(abspath: str, settings, limit: int) -> bool:
    from claude_lint import safeio

    try:  # a FIFO or `x.jsonl -> /dev/stdin` must not block this sniff
        return looks_like_batch(safeio.read_regular(abspath, HEAD_BYTES, head=True))
    except OSError:
        return False


def extract(text: str, path: str, abspath: str, module: Optional[str], prefilter: bool = True, settings=None) -> FileFacts:
    if not looks_like_batch(text[:HEAD_BYTES].encode("utf-8", "surrogatepass")):
        return FileFacts(path, abspath, None, "batch", parsed=False)
    seen: Dict[str, int] = {}
    sites: List[CallSite] = []
    for row, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deeply for the json module
            col = getattr(exc, "colno", 1)
            why = "nested too deeply" if isinstance(exc, RecursionError) else getattr(exc, "msg", str(exc).split(":")[0])
            error = FileError(nodes.CODE, f"invalid batch request file: line {row} is not JSON: {why}", Loc(path, row, col, row, col))
            return FileFacts(path, abspath, None, "batch", calls=tuple(sites), errors=(error,))
        params = request.get("params") if isinstance(request, dict) else None
        if not isinstance(params, dict):
            continue
        key = _settings_key(params)
        if key in seen:
            continue
        seen[key] = row
        site = _site(line, row, path)
        if site is not None:
            sites.append(site)
    return FileFacts(path, abspath, None, "batch", calls=tuple(sites))


def _settings_key(params: dict) -> str:
    rest = {k: v for k, v in params.items() if k != "messages"}
    messages = json.dumps(params.get("messages"), sort_keys=True)
    return json.dumps(rest, sort_keys=True) + ("|cached" if "cache_control" in messages else "")


def _site(line: str, row: int, path: str) -> Optional[CallSite]:
    try:
        request = nodes.parse_json(line, row_offset=row - 1)
    except ParseError:
        return None
    params = request.get("params")
    if params is None or params.kind != "map":
        return None
    kwargs = nodes.value(params, path, runtime=False)
    assert isinstance(kwargs, Mapping)
    loc = request.loc(path)
    return CallSite(
        path=path,
        loc=loc,
        provider="anthropic",
        api="messages.batches.create",
        function=None,
        kwargs=kwargs,
        roles=ANTHROPIC_ROLES,
        cache_control_nearby=False,
    )
