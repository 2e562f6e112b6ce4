"""The layering that keeps the code carry-on-able, checked on the source (nothing is
imported): facts flow up from the extractors through link to the rules, and the
commands sit on top. An import written inside a function counts as much as one at the
top of a module: it runs all the same."""
from __future__ import annotations

import ast
import re
import os
from typing import Dict, List, Set

from claude_lint.checks import all_rules

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "claude_lint")

# The layers below the engine: they must never reach, even through another module, ...
LOWER = ("claude_lint.fixes", "claude_lint.extract", "claude_lint.checks")
# ... the command line, the engine, the configuration loader (and file discovery, which
# reads settings), the output formats, and the commands built on the engine.
UPPER = (
    "claude_lint.cli", "claude_lint.fix_command", "claude_lint.engine", "claude_lint.linter", "claude_lint.gather", "claude_lint.context_files", "claude_lint.config",
    "claude_lint.discover", "claude_lint.report", "claude_lint.server", "claude_lint.server_connection", "claude_lint.server_paths", "claude_lint.pool",
    "claude_lint.cache", "claude_lint.fix", "claude_lint.noqa_add", "claude_lint.audit",
    "claude_lint.audit_html", "claude_lint.costdiff", "claude_lint.usage", "claude_lint.usage_report",
    "claude_lint.docs",
)
# Import cycles tolerated, each with the module that has to change: none left. The test
# fails when a new one appears, and when one listed here is gone (then delete it here).
KNOWN_CYCLES: List[Set[str]] = []


def _modules() -> Dict[str, str]:
    found = {}
    for folder, _, names in os.walk(PACKAGE):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, os.path.dirname(PACKAGE))[:-3].replace(os.sep, ".")
                found[rel[: -len(".__init__")] if rel.endswith(".__init__") else rel] = path
    return found


def _graph() -> Dict[str, Set[str]]:
    modules = _modules()

    def known(name: str) -> str:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        return name

    graph: Dict[str, Set[str]] = {}
    for module, path in modules.items():
        package = module if path.endswith("__init__.py") else module.rsplit(".", 1)[0]
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        out: Set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                out.update(known(a.name) for a in node.names if a.name.startswith("claude_lint"))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                if base.startswith("claude_lint"):
                    out.update(known(f"{base}.{a.name}") for a in node.names)
        graph[module] = out - {module}
    return graph


def _under(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_lower_layers_never_reach_the_commands():
    graph = _graph()
    wrong: List[str] = []
    for start in sorted(m for m in graph if _under(m, LOWER)):
        via = {start: ""}
        todo = [start]
        while todo:
            here = todo.pop()
            for there in graph[here]:
                if there not in via:
                    via[there] = here
                    todo.append(there)
        for reached in sorted(m for m in via if _under(m, UPPER)):
            chain = [reached]
            while via[chain[-1]]:
                chain.append(via[chain[-1]])
            wrong.append(" <- ".join(chain))
    assert not wrong, "upward imports:\n" + "\n".join(wrong)


def _cycles(graph: Dict[str, Set[str]]) -> List[Set[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[Set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_no_import_cycles_but_the_known_ones():
    cycles = _cycles(_graph())
    new = [sorted(c) for c in cycles if c not in KNOWN_CYCLES]
    gone = [sorted(c) for c in KNOWN_CYCLES if c not in cycles]
    assert not new, f"new import cycles: {new}"
    assert not gone, f"cycles no longer there, delete them from KNOWN_CYCLES: {gone}"


def test_extractors_do_not_import_the_fix_builders():
    graph = _graph()
    wrong = sorted(f"{m} -> {t}" for m in graph if _under(m, ("claude_lint.extract",)) for t in graph[m] if _under(t, ("claude_lint.fixes",)))
    assert not wrong, wrong


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_rule_codes_and_names_are_unique():
    rules = all_rules()
    codes = [r.code for r in rules]
    names = [r.name for r in rules]
    assert len(set(codes)) == len(codes), sorted(c for c in codes if codes.count(c) > 1)
    assert len(set(names)) == len(names), sorted(n for n in names if names.count(n) > 1)
    assert all(re.fullmatch(r"CL\d{3}", r.code) for r in rules), [r.code for r in rules]
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", r.name) for r in rules), [r.name for r in rules]


# What of the extractors the rules and fix builders may read: the SDK table (data only).
SDK_TABLE = ("claude_lint.extract", "claude_lint.extract.sdk", "claude_lint.extract.sdk_roles", "claude_lint.extract.endpoints")


def test_rules_read_only_the_sdk_table_of_the_extractors():
    graph = _graph()
    wrong = sorted(f"{m} -> {t}" for m in graph if _under(m, ("claude_lint.checks", "claude_lint.fixes"))
                   for t in graph[m] if _under(t, ("claude_lint.extract",)) and t not in SDK_TABLE)
    assert not wrong, wrong


MAX_MODULE_LINES = 450
# Modules still longer (the test fails when one of these gets short enough: delete it here).
KNOWN_LARGE: set = set()


def test_no_module_over_the_line_limit_but_the_known_ones():
    sizes = {}
    for module, path in _modules().items():
        with open(path, encoding="utf-8") as fh:
            sizes[module] = sum(1 for _ in fh)
    large = {m for m, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not large - KNOWN_LARGE, sorted((m, sizes[m]) for m in large - KNOWN_LARGE)
    assert not KNOWN_LARGE - large, f"no longer over {MAX_MODULE_LINES} lines, delete from KNOWN_LARGE: {sorted(KNOWN_LARGE - large)}"
