"""Which versions of an SDK a project allows, read from its dependency files.

Some facts a rule states hold only from a given SDK release: the Anthropic SDK refuses a
long non-streaming request only since 0.47.0. A project that pins an older SDK sends that
request, so a rule that says it is refused would be wrong there. This module answers one
question, "does every version the project allows lie below V?", from what the project
declares next to the code: a lock file (exact), else requirements*.txt, pyproject.toml
(PEP 621 and Poetry) or a Pipfile. Anything it cannot read means "not known", and
"not known" never silences a rule.
"""
from __future__ import annotations

import os
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterable, List, Optional, Tuple

from claude_lint.patterns import lazy
from claude_lint.safeio import read_regular

if TYPE_CHECKING:
    Version = Tuple[int, ...]
    # The highest version allowed and whether it is itself allowed; None: no upper bound.
    Ceiling = Optional[Tuple[Version, bool]]
# A dependency file that does not name the package (the search goes on upward).
UNNAMED = "unnamed"

MAX_BYTES = 4 << 20  # a lock file of a large project is about 1 MB
LOCKS = ("uv.lock", "poetry.lock", "Pipfile.lock")
MANIFESTS = ("pyproject.toml", "Pipfile")
_REQUIREMENTS = lazy(r"requirements[\w.-]*\.(?:txt|in)")
# `name[extras] specifiers ; marker` in a requirement line or a PEP 508 string
_REQUIREMENT = lazy(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;#]*)")
_CLAUSE = lazy(r"\s*(===|==|~=|<=|>=|!=|<|>|\^|~)?\s*v?([0-9][0-9A-Za-z.*+!-]*)\s*$")


# The release of the Anthropic Python SDK that first accepted each keyword of a request
# ("": the method itself, i.e. its resource): an older SDK raises TypeError (or, for the
# resource, AttributeError) before sending, so a request that passes one shows the SDK that
# runs is at least that release, whatever an older pin says. Source: the keyword-only
# parameters of `Messages.create` at each release tag of anthropics/anthropic-sdk-python
# (src/anthropic/resources/messages[/messages].py, resources/beta/messages/messages.py),
# matching its CHANGELOG.md (0.27.0 tools, 0.36.0 message batches and the messages beta,
# 0.47.0 "add claude-3.7 + support for thinking", 0.52.0 "add claude 4 models ... MCP connector").
# Keywords every release since the method's first accepts are left out.
KEYWORDS_SINCE: Dict[Tuple[str, str], Dict[str, Version]] = {
    ("anthropic", "messages.create"): {
        "": (0, 16, 0), "tools": (0, 27, 0), "tool_choice": (0, 27, 0), "thinking": (0, 47, 0), "service_tier": (0, 52, 0),
        "output_config": (0, 77, 0), "inference_geo": (0, 78, 0), "container": (0, 80, 0), "cache_control": (0, 83, 0),
    },
    ("anthropic", "beta.messages.create"): {
        "": (0, 36, 0), "betas": (0, 36, 0), "thinking": (0, 47, 0), "mcp_servers": (0, 52, 0), "container": (0, 52, 0),
        "service_tier": (0, 52, 0), "context_management": (0, 69, 0), "output_format": (0, 73, 0), "output_config": (0, 75, 0),
        "inference_geo": (0, 78, 0), "speed": (0, 79, 0), "cache_control": (0, 83, 0),
    },
}


def needed_release(package: str, api: str, keywords: Iterable[str]) -> Optional[Tuple[Version, str]]:
    """The newest SDK release a request's keywords (and its method) need, with the keyword
    that needs it ("" for the method); None when nothing known needs a release."""
    table = KEYWORDS_SINCE.get((package, api))
    if not table:
        return None
    best = (table[""], "") if "" in table else None
    for name in keywords:
        since = table.get(name)
        if since is not None and (best is None or since > best[0]):
            best = (since, name)
    return best


def release_text(release: Version) -> str:
    return ".".join(map(str, release))


def version(text: str) -> Optional[Version]:
    """The release numbers of a version string ("0.40.0rc1" -> (0, 40, 0)); None for a wildcard or junk."""
    parts: List[int] = []
    for piece in text.split("+")[0].split("."):
        digits = re.match(r"\d+", piece)
        if digits is None:
            return tuple(parts) if parts and piece != "*" else None
        parts.append(int(digits.group()))
        if digits.end() != len(piece):
            break
    return tuple(parts) or None


def _bump(release: Version, at: int) -> Version:
    """The first version after every `release[:at + 1]`.* (0.40.1, at 1 -> 0.41)."""
    return release[:at] + (release[at] + 1,)


def _clause_ceiling(op: str, text: str) -> Ceiling:
    if text.endswith(".*") and op in ("==", ""):
        release = version(text[:-2])
        return (_bump(release, len(release) - 1), False) if release else None
    release = version(text)
    if release is None:
        return None
    if op in ("==", "==="):
        return release, True
    if op == "<":
        return release, False
    if op == "<=":
        return release, True
    if op == "~=" and len(release) > 1:
        return _bump(release, len(release) - 2), False
    if op == "^":  # Poetry: the leftmost non-zero part may not change
        first = next((i for i, part in enumerate(release) if part), len(release) - 1)
        return _bump(release, first), False
    if op == "~":  # Poetry: the minor (or the major when only it is given) may not change
        return _bump(release, min(1, len(release) - 1)), False
    return None  # >=, > and != set no upper bound


def ceiling(specifiers: str) -> Ceiling:
    """The tightest upper bound of comma-separated specifiers ("<0.45,>=0.30" -> ((0, 45), False))."""
    best: Ceiling = None
    for clause in specifiers.split(","):
        clause = clause.strip()
        if not clause or clause == "*":
            continue
        found = _CLAUSE.match(clause)
        if found is None:
            return None  # a form we do not read: claim nothing
        op = found.group(1) or ("==" if clause[0].isdigit() else "")
        bound = _clause_ceiling(op, found.group(2))
        if bound is not None and (best is None or bound[0] < best[0] or (bound[0] == best[0] and not bound[1])):
            best = bound
    return best


def below(bound: Ceiling, release: Version) -> bool:
    """Every version the bound allows is older than `release`."""
    if bound is None:
        return False
    top, inclusive = bound
    return top < release or (top == release and not inclusive)


def _requirement_lines(text: str, package: str) -> Iterable[str]:
    for line in text.splitlines():
        found = _REQUIREMENT.match(line)
        if found and _canonical(found.group(1)) == package:
            yield found.group(2).strip()


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _from_lock(name: str, text: str, package: str):
    if name == "Pipfile.lock":
        import json  # here: only a Pipfile lock needs it

        data = json.loads(text)
        for section in ("default", "develop"):
            entry = (data.get(section) or {}).get(package)
            if isinstance(entry, dict) and isinstance(entry.get("version"), str):
                return ceiling(entry["version"])
        return UNNAMED
    from claude_lint.toml import loads

    for entry in loads(text).get("package", []):
        if isinstance(entry, dict) and _canonical(str(entry.get("name", ""))) == package:
            release = version(str(entry.get("version", "")))
            return (release, True) if release else None
    return UNNAMED


def _from_manifest(name: str, text: str, package: str):
    if name not in MANIFESTS:
        specs = list(_requirement_lines(text, package))
        return ceiling(",".join(specs)) if specs else UNNAMED
    from claude_lint.toml import loads

    data = loads(text)
    table = data.get("packages", {}) if name == "Pipfile" else data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    for key, spec in (table.items() if isinstance(table, dict) else ()):
        if _canonical(key) == package:
            spec = spec.get("version", "") if isinstance(spec, dict) else spec
            return ceiling(spec) if isinstance(spec, str) else None
    if name == "Pipfile":
        return UNNAMED
    strings = data.get("project", {}).get("dependencies", [])  # PEP 621: its first line naming the package
    for spec in _requirement_lines("\n".join(s for s in strings if isinstance(s, str)), package):
        return ceiling(spec)
    return UNNAMED


def folder_ceiling(folder: str, package: str, note: Callable[[str], object]):
    """What the dependency files of one folder say of `package` (a Ceiling), or UNNAMED.
    `note` is told every path looked at (present or not), for the run cache's stamps."""
    package = _canonical(package)
    try:
        names = set(os.listdir(folder))
    except OSError:
        return UNNAMED
    candidates = [n for n in LOCKS if n in names]
    candidates += [n for n in MANIFESTS if n in names]
    candidates += sorted(n for n in names if _REQUIREMENTS.fullmatch(n))
    for name in candidates:
        path = os.path.join(folder, name)
        note(path)
        try:
            text = read_regular(path, MAX_BYTES).decode("utf-8", "replace")
            reader = _from_lock if name in LOCKS else _from_manifest
            found = reader(name, text, package)
        except (OSError, ValueError, AttributeError, TypeError, RecursionError):  # unreadable, too large, not TOML/JSON, odd shapes: not known
            return None
        if found is not UNNAMED:
            return found
    return UNNAMED


class Pins:
    """The SDK bound that applies to a file: the nearest folder (up to the project root)
    whose dependency files name the package decides. Cached per folder."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root)
        self.read: Dict[str, None] = {}
        self._folders: Dict[Tuple[str, str], object] = {}

    def ceiling(self, path: str, package: str) -> Ceiling:
        folder = os.path.dirname(os.path.abspath(path))
        chain = []
        while True:
            key = (folder, package)
            if key in self._folders:
                found = self._folders[key]
                break
            chain.append(key)
            found = folder_ceiling(folder, package, self.read.setdefault)
            if found is not UNNAMED or folder == self.root or not folder.startswith(self.root + os.sep):
                break
            folder = os.path.dirname(folder)
        for key in chain:
            self._folders[key] = found
        return None if found is UNNAMED else found  # type: ignore[return-value]

    def below(self, path: str, package: str, release: Version) -> bool:
        """The project around `path` allows only versions of `package` older than `release`."""
        return below(self.ceiling(path, package), release)
