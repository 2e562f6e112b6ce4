"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Locations are relative to the repository root (the folder holding `.git` above the
working directory), under the `%SRCROOT%` base id, as code scanning expects.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import re
from typing import Dict, List, Optional

from claude_lint import __version__
from claude_lint.diagnostics import DOCS_URL
from claude_lint.docs import page
from claude_lint.ipynb import shown
from claude_lint.report import dumps, in_cell

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "claudeLintFingerprint/v1"


def repo_root(start: Optional[str] = None) -> str:
    """The nearest folder above `start` (default: the working directory) holding `.git`."""
    here = os.path.abspath(start or os.getcwd())
    probe = here
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return here
        probe = parent


def relative(path: str, root: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), root)
    return (os.path.abspath(path) if rel.startswith("..") else rel).replace(os.sep, "/")


class Lines:
    """The text of flagged lines, read once per file: fingerprints hash the line's content,
    not its number, so that a finding keeps its identity when code above it moves."""

    def __init__(self):
        self.files: Dict[str, List[str]] = {}

    def line(self, path: str, row: int) -> str:
        if path not in self.files:
            from claude_lint import safeio
            from claude_lint.bounds import MAX_FILE_BYTES

            try:  # the flagged file may be a FIFO or a device (its CL902): never block on it
                self.files[path] = safeio.read_regular(path, MAX_FILE_BYTES).decode("utf-8", "replace").splitlines()
            except OSError:
                self.files[path] = []
        lines = self.files[path]
        return lines[row - 1] if 0 < row <= len(lines) else ""


def fingerprints(diagnostics, root: str, sources=None) -> List[str]:
    """One stable hash per diagnostic: code, file, the flagged line's text (whitespace
    removed) and which occurrence of that triple it is."""
    lines = Lines()
    seen: Dict[str, int] = {}
    out = []
    for d in diagnostics:
        text = re.sub(r"\s+", "", lines.line(d.loc.path, shown(d.loc, sources)[0]))
        key = f"{d.code}\0{relative(d.loc.path, root)}\0{text}"
        seen[key] = seen.get(key, 0) + 1
        # surrogatepass: a file name that is not UTF-8 hashes as its own bytes
        out.append(hashlib.sha256(f"{key}\0{seen[key]}".encode("utf-8", "surrogatepass")).hexdigest())
    return out


def _sections(doc: str) -> Dict[str, str]:
    found: Dict[str, str] = {}
    current = None
    for line in inspect.cleandoc(doc or "").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            found[current] = ""
        elif current is not None:
            found[current] += line + "\n"
    return {k: v.strip() for k, v in found.items()}


def rule_descriptor(rule) -> dict:
    sections = _sections(type(rule).__doc__ or "")
    full = sections.get("What it does", rule.summary)
    why = sections.get("Why is this bad?")
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full + ("\n\n" + why if why else "")},
        "help": {"text": f"{full}\n\nThe rule's page: `claude-lint rule {rule.code}`.", "markdown": page(rule)},
        "defaultConfiguration": {"level": "error" if rule.severity == "error" else "warning"},
    }
    if DOCS_URL:
        descriptor["helpUri"] = DOCS_URL.format(code=rule.code)
    return descriptor


def _region(row: int, col: int, end_row: int, end_col: int) -> dict:
    end_row = max(end_row, row)
    end_col = end_col if (end_row > row or end_col > col) else col + 1
    return {"startLine": row, "startColumn": col, "endLine": end_row, "endColumn": end_col}


def _fixes(d, location: dict) -> list:
    if d.fix is None or not d.fix.edits or d.loc.cell is not None:
        return []  # a notebook's edits are in cell coordinates, not the raw JSON's
    replacements = [
        {
            "deletedRegion": {"startLine": e.row, "startColumn": e.col, "endLine": e.end_row, "endColumn": e.end_col},
            "insertedContent": {"text": e.content},
        }
        for e in d.fix.edits
    ]
    return [{"description": {"text": d.fix.message}, "artifactChanges": [{"artifactLocation": location, "replacements": replacements}]}]


def document(result) -> dict:
    from claude_lint.checks import all_rules

    root = repo_root()
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    results = []
    for d, fp in zip(result.diagnostics, fingerprints(result.diagnostics, root, result.sources)):
        location = {"uri": uri_reference(relative(d.loc.path, root)), "uriBaseId": "%SRCROOT%"}
        item = {
            "ruleId": d.code,
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": d.message},
            "locations": [
                {"physicalLocation": {"artifactLocation": location, "region": _region(*shown(d.loc, result.sources))}}
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fp},
        }
        if d.related:
            item["relatedLocations"] = [
                {
                    "id": i,
                    "physicalLocation": {
                        "artifactLocation": {"uri": relative(r.path, root), "uriBaseId": "%SRCROOT%"},
                        "region": _region(r.row, r.col, r.end_row, r.end_col),
                    },
                }
                for i, r in enumerate(d.related)
            ]
        if d.code in index:
            item["ruleIndex"] = index[d.code]
        fixes = _fixes(d, location)
        if fixes:
            item["fixes"] = fixes
        if d.cost is not None:
            item["properties"] = {"costPer1000CallsUsd": round(d.cost, 4)}
        if d.loc.cell is not None:  # the region is in the raw JSON; the cell's own coordinates too
            item["message"]["text"] = in_cell(d.loc) + d.message
            item.setdefault("properties", {}).update({"cell": d.loc.cell, "cellLine": d.loc.row, "cellColumn": d.loc.col})
        results.append(item)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claude-lint",
                        "semanticVersion": __version__,
                        "version": __version__,
                        "rules": [rule_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": "file://" + _uri_path(root) + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def uri_reference(rel: str) -> str:
    """A relative path as the URI reference SARIF requires: its bytes percent-encoded
    where a URI cannot hold them (spaces, controls, `%`, non-ASCII, bytes that are not UTF-8)."""
    from urllib.parse import quote

    return quote(os.fsencode(rel) if os.name != "nt" else rel.encode("utf-8", "surrogatepass"), safe="/:@!$&'()*+,;=~")


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    path = path.replace(os.sep, "/")
    if not path.startswith("/"):
        path = "/" + path  # Windows: file:///C:/...
    return quote(os.fsencode(path.rstrip("/")) if os.name != "nt" else path.rstrip("/"))


def render(result, options) -> str:
    return dumps(document(result), indent=2) + "\n"
