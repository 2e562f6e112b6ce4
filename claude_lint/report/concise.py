from claude_lint.report.text import line


def render(result, options) -> str:
    return "".join(line(d) + "\n" for d in result.diagnostics)
