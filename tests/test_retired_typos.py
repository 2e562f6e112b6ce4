"""CL007's typo guess: a misspelt vendor word, an undated major version, and a typo of an ID
that is itself retired (the finding names the successor, not the retired ID)."""
from claude_lint.catalog import load
from claude_lint.checks.model_ids import major_versions
from conftest import lint_tree, write_project


def test_major_versions_come_from_the_catalogue():
    versions = major_versions(load())
    assert {"claude-2", "claude-instant-1"} <= versions
    assert not any("." in v for v in versions)


def test_typo_of_a_retired_id_names_its_successor(tmp_path):
    write_project(tmp_path, {"app.py": "import anthropic\nclient = anthropic.Anthropic()\n"
                                     "client.messages.create(model='claud-2', max_tokens=300, messages=[])\n"
                                     "client.messages.create(model='claude-9', max_tokens=300, messages=[])\n"}, suite=False)
    found = lint_tree(tmp_path, suite=False, select=("CL007",)).diagnostics
    assert [d.loc.row for d in found] == [3]
    assert "claude-2 itself was retired" in found[0].message and "Use claude-2" not in found[0].message
