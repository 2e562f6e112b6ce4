"""JUnit XML: one test suite per file, one failing test case per finding (ruff's shape),
for CI systems that show test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import OrderedDict

from claude_lint.ipynb import shown
from claude_lint.report import in_cell, printable


def render(result, options) -> str:
    suites = ET.Element("testsuites", name="claude-lint", tests=str(max(1, len(result.diagnostics))), failures=str(len(result.diagnostics)))
    by_file = OrderedDict()
    for d in result.diagnostics:
        by_file.setdefault(d.loc.path, []).append(d)
    if not by_file:
        suite = ET.SubElement(suites, "testsuite", name="claude-lint", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No errors found", classname="claude-lint")
    for path, found in by_file.items():
        # XML 1.0 cannot hold most control characters, even as references: shown as escapes.
        name = printable(path)
        suite = ET.SubElement(suites, "testsuite", name=name, tests=str(len(found)), failures=str(len(found)), errors="0")
        for d in found:
            row, col, _, _ = shown(d.loc, result.sources)
            case = ET.SubElement(suite, "testcase", name=f"claude-lint.{d.code}", classname=name, line=str(row))
            message = printable(d.message)
            failure = ET.SubElement(case, "failure", message=message, type=d.code)
            failure.text = f"line {row}, col {col}, {d.code} {printable(in_cell(d.loc))}{message}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
