"""JUnit XML: one test suite per file, one failing test case per finding (ruff's shape),
for CI systems that show test reports (GitLab `artifacts:reports:junit`, Jenkins, Azure)."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import OrderedDict


def render(result, options) -> str:
    suites = ET.Element("testsuites", name="claude-lint", tests=str(max(1, len(result.diagnostics))), failures=str(len(result.diagnostics)))
    by_file = OrderedDict()
    for d in result.diagnostics:
        by_file.setdefault(d.loc.path, []).append(d)
    if not by_file:
        suite = ET.SubElement(suites, "testsuite", name="claude-lint", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No errors found", classname="claude-lint")
    for path, found in by_file.items():
        suite = ET.SubElement(suites, "testsuite", name=path, tests=str(len(found)), failures=str(len(found)), errors="0")
        for d in found:
            case = ET.SubElement(suite, "testcase", name=f"claude-lint.{d.code}", classname=path, line=str(d.loc.row))
            failure = ET.SubElement(case, "failure", message=d.message, type=d.code)
            failure.text = f"line {d.loc.row}, col {d.loc.col}, {d.code} {d.message}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
