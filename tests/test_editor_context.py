"""A buffer linted inside a project (`--stdin-filename`, the language server): the rest of
the project comes from the facts cache when it is warm, with the same findings."""
from __future__ import annotations

import os
import subprocess

from claude_lint.engine import ContextCache
from conftest import claude_lint_command

# Two files of one project with one non-cheap model: CL003 (a light task, a yes/no answer, on a
# model above the cheapest tier, with no cheaper call in the project) judges the buffer with the other file.
OTHER = 'import anthropic\nclient = anthropic.Anthropic()\n\ndef summarise(t):\n    return client.messages.create(model="claude-opus-4-1", max_tokens=300, messages=[{"role": "user", "content": t}])\n'
BUFFER = 'import anthropic\nclient = anthropic.Anthropic()\n\ndef classify(q):\n    return client.messages.create(model="claude-opus-4-1", max_tokens=10, system="Answer only with yes or no.", messages=[{"role": "user", "content": q}])\n'


def _project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\n\n[tool.claude-lint]\nextend-select = ['CL003']  # a preview rule\n")
    (tmp_path / "other.py").write_text(OTHER)
    (tmp_path / "app.py").write_text("# the version on disk differs from the buffer\n")
    return tmp_path


def test_stdin_reads_the_rest_of_the_project_from_the_cache_with_the_same_findings(cli, tmp_path):
    project = _project(tmp_path)
    fresh = cli("check", "--no-cache", "--stdin-filename", "app.py", "-", cwd=project, input=BUFFER.encode())
    assert b"CL003" in fresh.stdout  # the other file counts
    assert not (project / ".claude-lint-cache").exists()
    cold = cli("check", "--stdin-filename", "app.py", "-", cwd=project, input=BUFFER.encode())
    assert (project / ".claude-lint-cache").is_dir()  # filled with the other files' facts
    warm = cli("check", "--stdin-filename", "app.py", "-", cwd=project, input=BUFFER.encode())
    assert fresh.stdout == cold.stdout == warm.stdout and fresh.returncode == cold.returncode == warm.returncode == 1
    from claude_lint import cache

    (name,) = [n for n in os.listdir(project / ".claude-lint-cache") if n.endswith(".pickle")]
    entries = cache.read_entries(str(project / ".claude-lint-cache" / name))
    # the buffer is never stored as the file it names: its bytes are not the file's
    assert (False, str(project / "app.py")) not in entries and (False, str(project / "other.py")) in entries


def test_stdin_outside_a_project_leaves_no_cache_folder(tmp_path):
    (tmp_path / "other.py").write_text(OTHER)
    # the real command, not the `cli` fixture: that one writes the suite's config, which makes a project
    out = subprocess.run([claude_lint_command(), "check", "--stdin-filename", "app.py", "-"], cwd=tmp_path, input=BUFFER.encode(),
                         capture_output=True, timeout=120)
    assert out.returncode == 1
    assert not (tmp_path / ".claude-lint-cache").exists()


def test_the_servers_listing_is_walked_again_when_a_folder_changes(tmp_path):
    from claude_lint import config

    project = _project(tmp_path)
    (project / "pkg").mkdir()
    settings = config.load(str(project))
    memory = ContextCache()
    first = memory.listing(str(project), settings, None)
    assert memory.listing(str(project), settings, None) is first  # nothing changed: not walked again
    (project / "pkg" / "new.py").write_text(OTHER)
    again = memory.listing(str(project), settings, None)
    assert [s.abspath for s in again] == sorted([s.abspath for s in first] + [str(project / "pkg" / "new.py")], key=lambda p: os.path.relpath(p))
    (project / ".gitignore").write_text("pkg/\n")
    assert str(project / "pkg" / "new.py") not in [s.abspath for s in memory.listing(str(project), settings, None)]


def test_a_server_lint_from_memory_equals_one_from_disk(tmp_path):
    from claude_lint import config
    from claude_lint.engine import lint

    project = _project(tmp_path)
    settings = config.load(str(project))
    memory = ContextCache()
    buffer = (str(project / "app.py"), BUFFER.encode())
    alone = lint([], settings, stdin=buffer)
    first = lint([], settings, stdin=buffer, context_cache=memory)
    second = lint([], settings, stdin=buffer, context_cache=memory)
    assert [d.code for d in alone.diagnostics] == [d.code for d in first.diagnostics] == [d.code for d in second.diagnostics]
    assert "CL003" in [d.code for d in second.diagnostics]
