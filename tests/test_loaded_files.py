"""Prompts read by key from a YAML or JSON file the code loads (extract/loaded_files.py): the
file is read as any prompt file (inside the project, bounded), YAML only through the safe
composer, and a file that cannot be read or parsed leaves the text unknown."""
from __future__ import annotations

from claude_lint.checks.prefix_cache_examples import RUBRIC
from claude_lint.extract import loaded_files

from conftest import lint_tree, write_project

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
LOADS = (HEAD + "import yaml\nwith open(PATH) as f:\n    PROMPTS = yaml.safe_load(f)\n"
         "def grade(answer):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, "
         "messages=[{'role': 'user', 'content': PROMPTS['grader']['rubric'] + answer}])\n")
LONG_YAML = "grader:\n  rubric: |\n    " + RUBRIC + "\n"


def _codes(root, files):
    write_project(root, files, suite=False)
    result = lint_tree(root, suite=False, select=("CL012", "CL013"))
    assert not result.internal_errors
    return [d.code for d in result.diagnostics]


def test_a_yaml_entry_is_the_prompt_text(tmp_path):
    assert _codes(tmp_path, {"prompts.yaml": LONG_YAML, "app.py": LOADS.replace("PATH", "'prompts.yaml'")}) == ["CL012"]


def test_a_file_outside_the_project_is_never_read(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "prompts.yaml").write_text(LONG_YAML)
    project = tmp_path / "project"
    assert _codes(project, {"app.py": LOADS.replace("PATH", "'../elsewhere/prompts.yaml'")}) == []


def test_yaml_tags_construct_nothing(tmp_path):
    marker = tmp_path / "ran"
    tagged = f"grader:\n  rubric: !!python/object/apply:os.system ['touch {marker}']\n"
    assert _codes(tmp_path, {"prompts.yaml": tagged, "app.py": LOADS.replace("PATH", "'prompts.yaml'")}) == []
    assert not marker.exists()


def test_aliases_that_expand_past_the_bound_are_unknown(tmp_path):
    laughs = "a: &a [" + ", ".join(["lol"] * 9) + "]\n"
    for level in "bcdefg":
        prev = chr(ord(level) - 1)
        laughs += f"{level}: &{level} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    laughs += "grader:\n  rubric: " + RUBRIC + "\n"  # long enough to report, were it read
    assert _codes(tmp_path, {"prompts.yaml": laughs, "app.py": LOADS.replace("PATH", "'prompts.yaml'")}) == []


def test_a_broken_or_several_document_file_is_unknown(tmp_path):
    app = LOADS.replace("PATH", "'prompts.yaml'")
    assert _codes(tmp_path / "a", {"prompts.yaml": "grader: {rubric: [\n", "app.py": app}) == []
    assert _codes(tmp_path / "b", {"prompts.yaml": LONG_YAML + "---\n" + LONG_YAML, "app.py": app}) == []


def test_json_read_from_a_path_text(tmp_path):
    import json

    app = (HEAD + "import json\nfrom pathlib import Path\nPROMPTS = json.loads(Path('prompts.json').read_text())\n"
           "def grade(answer):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, "
           "messages=[{'role': 'user', 'content': PROMPTS['rubric'] + answer}])\n")
    assert _codes(tmp_path, {"prompts.json": json.dumps({"rubric": RUBRIC}), "app.py": app}) == ["CL012"]


def test_only_the_safe_loaders_are_followed():
    assert "yaml.load" not in loaded_files.LOADERS and "yaml.unsafe_load" not in loaded_files.LOADERS


def test_a_path_opened_or_read_first(tmp_path):
    base = (HEAD + "import yaml\nfrom pathlib import Path\nHERE = Path(__file__).resolve().parent\nLOAD\n"
            "def grade(answer):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, "
            "messages=[{'role': 'user', 'content': PROMPTS['grader']['rubric'] + answer}])\n")
    opened = "with (HERE / 'prompts.yaml').open(encoding='utf-8') as f:\n    PROMPTS = yaml.safe_load(f)"
    read_first = "text = (HERE / 'prompts.yaml').read_text()\nPROMPTS = yaml.safe_load(text)"
    binary = "with (HERE / 'prompts.yaml').open(mode='rb') as f:\n    PROMPTS = yaml.safe_load(f)"
    assert _codes(tmp_path / "a", {"prompts.yaml": LONG_YAML, "app.py": base.replace("LOAD", opened)}) == ["CL012"]
    assert _codes(tmp_path / "b", {"prompts.yaml": LONG_YAML, "app.py": base.replace("LOAD", read_first)}) == ["CL012"]
    assert _codes(tmp_path / "c", {"prompts.yaml": LONG_YAML, "app.py": base.replace("LOAD", binary)}) == []


def test_a_stream_handed_in_is_unknown(tmp_path):
    app = (HEAD + "import yaml\ndef grade(answer, stream):\n    prompts = yaml.safe_load(stream)\n"
           "    return client.messages.create(model='claude-sonnet-4-6', max_tokens=300, "
           "messages=[{'role': 'user', 'content': prompts['grader']['rubric'] + answer}])\n")
    assert _codes(tmp_path, {"prompts.yaml": LONG_YAML, "app.py": app}) == []
