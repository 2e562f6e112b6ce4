"""The call sites a usage record can be joined to (`report --usage`): by code location
(file, line, function), else by route, else by model."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from claude_lint.catalog import Catalog, normalise
from claude_lint.usage_records import Record


@dataclass
class Site:
    index: int  # of the audit row
    parts: Tuple[str, ...]  # path from the project root, by component
    start: int
    end: int
    function: Optional[str]
    cell: Optional[int]
    model: Optional[str]  # catalogue ID, or the normalised literal ID
    batch: bool


def _parts(path: str) -> Tuple[str, ...]:
    return tuple(p for p in path.replace("\\", "/").split("/") if p and p != ".")


def _fn_match(a: str, b: Optional[str]) -> bool:
    b = b or "<module>"
    return a == b or a.endswith("." + b) or b.endswith("." + a)


class Sites:
    def __init__(self, audit, calls, root: str, catalog: Catalog, routes: Sequence[Tuple[str, str]] = ()):
        self.catalog = catalog
        self.routes = dict(routes)
        self.all: List[Site] = []
        by_key: Dict[Tuple[str, int, str], List] = {}
        for call in sorted(calls, key=lambda c: (c.site.loc.row, c.site.loc.col)):
            s = call.site
            route = f"{s.path}:cell {s.loc.cell}" if s.loc.cell is not None else f"{s.path}:{s.function or '<module>'}"
            by_key.setdefault((s.path, s.loc.row, route), []).append(call)
        for i, row in enumerate(audit.rows):
            found = by_key.get((row.path, row.line, row.route))
            if not found:
                continue
            site = found.pop(0).site
            rel = os.path.relpath(os.path.abspath(site.path), root)
            self.all.append(Site(i, _parts(rel), site.loc.row, max(site.loc.end_row, site.loc.row), site.function,
                                 site.loc.cell, self.model_key(row.model), row.context == "batch"))
        self.by_name: Dict[str, List[Site]] = {}
        for site in self.all:
            self.by_name.setdefault(site.parts[-1], []).append(site)

        # A usage file names the same few places over and over: each is looked up once.
        self._files: Dict[str, Tuple[Optional[List[Site]], str]] = {}
        self._located: Dict[Tuple, Tuple[Optional[List[Site]], str, str]] = {}

    def model_key(self, model: Optional[str]) -> Optional[str]:
        if not model or model == "?":
            return None
        found = self.catalog.lookup(model)
        return found.id if found is not None else normalise(model)

    def file(self, path: str) -> Tuple[Optional[List[Site]], str]:
        """The sites of the project file a recorded path names (matched by its longest
        tail: a recorded /srv/app/bot.py is the project's app/bot.py)."""
        if path not in self._files:
            if len(self._files) > 10_000:
                self._files.clear()
            self._files[path] = self._file(path)
        return self._files[path]

    def _file(self, path: str) -> Tuple[Optional[List[Site]], str]:
        want = _parts(path)
        if not want:
            return None, "an empty file path"
        best: Dict[Tuple[str, ...], int] = {}
        for site in self.by_name.get(want[-1], []):
            n = 0
            while n < min(len(want), len(site.parts)) and want[-1 - n] == site.parts[-1 - n]:
                n += 1
            best[site.parts] = n
        if not best:
            return None, f"{path} holds no call site of the linted files"
        top = max(best.values())
        files = [p for p, n in best.items() if n == top]
        if len(files) > 1:
            return None, f"{path} could be any of {', '.join('/'.join(f) for f in sorted(files)[:3])}"
        return [s for s in self.by_name[want[-1]] if s.parts == files[0]], ""

    def by_route(self, route: str) -> Tuple[Optional[List[Site]], str, str]:
        target = self.routes.get(route, route)
        head, sep, tail = target.rpartition(":")
        if sep and head and ("/" in head or "." in head or "\\" in head):
            sites, why = self.file(head)
            if sites is None:
                return None, f"route {route!r}: {why}", ""
            if tail.isdigit():
                found = [s for s in sites if s.start <= int(tail) <= s.end]
            elif tail.startswith("cell ") and tail[5:].isdigit():
                found = [s for s in sites if s.cell == int(tail[5:])]
            else:
                found = [s for s in sites if _fn_match(tail, s.function)]
            return (found, "", "route") if found else (None, f"route {route!r}: no call site at {target}", "")
        if "/" in target or target.endswith(".py"):
            sites, why = self.file(target)
            return (sites, "", "route") if sites else (None, f"route {route!r}: {why}", "")
        found = [s for s in self.all if s.function is not None and _fn_match(target, s.function)]
        if found:
            return found, "", "route"
        return None, f"no call site has route {route!r} (name a function, `file:function`, or map it under usage-routes)", ""

    def locate(self, rec: Record) -> Tuple[Optional[List[Site]], str, str]:
        """(sites, "", basis) or (None, reason, "")."""
        key = (rec.file, rec.line, rec.function, rec.route, rec.model, rec.source == "anthropic-usage-report")
        found = self._located.get(key)
        if found is None:
            if len(self._located) > 100_000:
                self._located.clear()
            found = self._located[key] = self._locate(rec)
        return found

    def _locate(self, rec: Record) -> Tuple[Optional[List[Site]], str, str]:
        if rec.file:
            sites, why = self.file(rec.file)
            if sites is None:
                if rec.route:
                    return self.by_route(rec.route)
                return None, why, ""
            where = f"{rec.file}:{rec.line}" if rec.line else rec.file
            if rec.line:
                hit = [s for s in sites if s.start <= rec.line <= s.end]
                if hit:
                    return hit, "", "location"
            if rec.function:
                hit = [s for s in sites if _fn_match(rec.function, s.function)]
                if hit:
                    return hit, "", "function"
            if rec.route:
                return self.by_route(rec.route)
            same = self._same_model(sites, rec) if len(sites) > 1 else sites
            if len(same) == 1:
                return same, "", "file"
            lines = ", ".join(str(s.start) for s in sites[:8])
            return None, f"no call site at {where} (calls at lines {lines})", ""
        if rec.route:
            return self.by_route(rec.route)
        if rec.model:
            return [], "", "model"  # pooled, then split across the model's sites
        if rec.source == "anthropic-usage-report":
            return None, "a usage report row without a model (request the report with group_by=model)", ""
        return None, "the record names no location, route or model", ""

    def _same_model(self, sites: List[Site], rec: Record) -> List[Site]:
        key = self.model_key(rec.model)
        same = [s for s in sites if s.model == key]
        return same or sites

    def of_model(self, key: Optional[str]) -> List[Site]:
        return [s for s in self.all if key is not None and s.model == key]
