"""Shared by the reliability tests: run the engine in-process on one project and check
that it neither raises nor damages a file, and tally what was tried.

The tallies are printed (visible with `pytest -s`) and appended to
`reliability-summary.txt` in pytest's base temporary folder.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Dict, List, Optional

from claude_lint.config import Settings
from claude_lint.engine import lint

CL9 = "CL9"
# Generous: a hang is a run that never ends; the per-file limit in the engine is what
# turns a slow file into CL904, so this is only the test's own backstop.
HANG_SECONDS = 60.0


def snapshot(root: Path) -> Dict[str, str]:
    out = {}
    for folder, dirs, names in os.walk(root):
        # The facts cache is claude-lint's own folder (it ignores itself for git), not a user file.
        dirs[:] = [d for d in dirs if d != ".claude-lint-cache"]
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            with open(path, "rb") as fh:
                out[path] = hashlib.sha256(fh.read()).hexdigest()
    return out


def damaged(before: Dict[str, str], after: Dict[str, str]) -> List[str]:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


class Tally:
    def __init__(self, name: str):
        self.name = name
        self.tried = 0
        self.crashes: List[str] = []
        self.hangs: List[str] = []
        self.damaged: List[str] = []
        self.cl9: Dict[str, int] = {}
        self.findings = 0

    def lint_project(self, root: Path, label: str, **settings):
        """Lint `root` in-process; record crashes (exceptions or caught internal errors), hangs, damage."""
        before = snapshot(root)
        cwd = os.getcwd()
        os.chdir(root)
        start = time.monotonic()
        result = None
        try:
            result = lint(["."], Settings(root=str(root), **settings))
        except BaseException as exc:  # noqa: BLE001 - anything at all is a crash here
            if isinstance(exc, KeyboardInterrupt):
                raise
            self.crashes.append(f"{label}: {type(exc).__name__}: {exc}")
        finally:
            os.chdir(cwd)
        if time.monotonic() - start > HANG_SECONDS:
            self.hangs.append(label)
        self.damaged += damaged(before, snapshot(root))
        if result is not None:
            self.crashes += [f"{label}: {e}" for e in result.internal_errors]
            for d in result.diagnostics:
                if d.code.startswith(CL9):
                    self.cl9[d.code] = self.cl9.get(d.code, 0) + 1
                else:
                    self.findings += 1
        return result

    def assert_clean(self) -> None:
        assert not self.crashes, "crashes:\n" + "\n".join(self.crashes[:20])
        assert not self.hangs, f"hangs: {self.hangs[:20]}"
        assert not self.damaged, f"files damaged: {self.damaged[:20]}"

    def report(self, base: Optional[Path] = None) -> str:
        line = (
            f"{self.name}: tried {self.tried}, findings {self.findings}, CL9xx {dict(sorted(self.cl9.items()))}, "
            f"crashes {len(self.crashes)}, hangs {len(self.hangs)}, files damaged {len(self.damaged)}"
        )
        print("\n" + line)
        if base is not None:
            with open(base / "reliability-summary.txt", "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        return line
