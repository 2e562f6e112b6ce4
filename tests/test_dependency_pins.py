"""The SDK versions a project allows, read from its dependency files."""
import json

import pytest

from claude_lint.dependency_pins import KEYWORDS_SINCE, Pins, below, ceiling, needed_release, version

CHECK = (0, 47, 0)  # the Anthropic SDK refuses long non-streaming requests from here on


@pytest.mark.parametrize("spec, old", [
    ("==0.40.0", True), ("==0.47.0", False), ("<0.47", True), ("<=0.47.0", False), ("<=0.46.9", True),
    ("~=0.40.0", True), ("~=0.40", False), ("~=0.46.2", True), ("~=0.4", False), ("==0.40.*", True), ("==0.47.*", False),
    ("^0.40.0", True), ("^0.47", False), ("~0.40", True), ("0.40.0", True),  # Poetry forms
    (">=0.30,<0.45", True), (">=0.30", False), ("!=0.46", False), ("*", False), ("", False), ("==0.40.0rc1", True),
    ("@ https://example.com/anthropic.whl", False), (">=0.30,<1", False),
])
def test_a_specifier_is_old_only_when_every_version_it_allows_is(spec, old):
    assert below(ceiling(spec), CHECK) is old


def test_version_reads_release_numbers():
    assert version("0.40.0rc1") == (0, 40, 0)
    assert version("1.2.3+local") == (1, 2, 3)
    assert version("*") is None


def test_the_newest_release_a_request_needs_names_its_keyword():
    assert needed_release("anthropic", "messages.create", ["model", "tools", "thinking", "max_tokens"]) == ((0, 47, 0), "thinking")
    assert needed_release("anthropic", "messages.create", ["model", "max_tokens"]) == ((0, 16, 0), "")
    assert needed_release("anthropic", "beta.messages.create", ["betas"]) == ((0, 36, 0), "")  # came with the resource
    assert needed_release("anthropic", "completions.create", ["prompt"]) is None  # not tabled: claims nothing


def test_no_keyword_predates_its_method():
    for table in KEYWORDS_SINCE.values():
        assert all(since >= table[""] for since in table.values())


def _project(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Pins(str(tmp_path))


def test_requirements_in_a_folder_above_the_file_decide(tmp_path):
    pins = _project(tmp_path, {"backend/requirements.txt": "fastapi\nanthropic[bedrock]==0.40.0 ; python_version >= '3.8'\n",
                               "backend/app/gen.py": ""})
    assert pins.below(str(tmp_path / "backend/app/gen.py"), "anthropic", CHECK)
    assert str(tmp_path / "backend/requirements.txt") in pins.read


def test_the_nearest_folder_naming_the_package_wins(tmp_path):
    pins = _project(tmp_path, {"requirements.txt": "anthropic==0.40.0\n", "svc/requirements.txt": "anthropic>=0.60\n",
                               "other/requirements.txt": "requests\n"})
    assert not pins.below(str(tmp_path / "svc/x.py"), "anthropic", CHECK)
    assert pins.below(str(tmp_path / "other/x.py"), "anthropic", CHECK)  # other/ does not name it: the root does


def test_a_lock_file_is_exact(tmp_path):
    lock = '[[package]]\nname = "anthropic"\nversion = "0.42.0"\n'
    pins = _project(tmp_path, {"uv.lock": lock, "pyproject.toml": '[project]\ndependencies = ["anthropic>=0.30"]\n'})
    assert pins.below(str(tmp_path / "a.py"), "anthropic", CHECK)
    pins = _project(tmp_path, {"uv.lock": lock.replace("0.42.0", "0.118.0")})
    assert not pins.below(str(tmp_path / "a.py"), "anthropic", CHECK)


def test_pyproject_poetry_and_pipfile_forms(tmp_path):
    assert _project(tmp_path / "a", {"pyproject.toml": '[project]\ndependencies = ["anthropic<0.45"]\n'}).below(
        str(tmp_path / "a/x.py"), "anthropic", CHECK)
    assert _project(tmp_path / "b", {"pyproject.toml": '[tool.poetry.dependencies]\nanthropic = {version = "^0.40.0"}\n'}).below(
        str(tmp_path / "b/x.py"), "anthropic", CHECK)
    assert _project(tmp_path / "c", {"Pipfile.lock": json.dumps({"default": {"anthropic": {"version": "==0.41.0"}}})}).below(
        str(tmp_path / "c/x.py"), "anthropic", CHECK)
    assert not _project(tmp_path / "d", {"Pipfile": '[packages]\nanthropic = "*"\n'}).below(str(tmp_path / "d/x.py"), "anthropic", CHECK)


@pytest.mark.parametrize("files", [
    {},  # nothing declared
    {"pyproject.toml": "[project\nbroken"},  # not TOML
    {"uv.lock": "x" * 10},
    {"pyproject.toml": '[project]\ndependencies = "anthropic==0.40.0"\n'},  # wrong shape
    {"requirements.txt": "-r base.txt\n--index-url https://x\n"},
])
def test_what_cannot_be_read_claims_nothing(tmp_path, files):
    assert not _project(tmp_path, files).below(str(tmp_path / "x.py"), "anthropic", CHECK)


def test_a_fifo_is_not_read(tmp_path):
    import os
    os.mkfifo(tmp_path / "requirements.txt")
    assert not Pins(str(tmp_path)).below(str(tmp_path / "x.py"), "anthropic", CHECK)


def test_folders_above_the_project_root_are_not_read(tmp_path):
    (tmp_path / "requirements.txt").write_text("anthropic==0.40.0\n")
    (tmp_path / "proj").mkdir()
    assert not Pins(str(tmp_path / "proj")).below(str(tmp_path / "proj/x.py"), "anthropic", CHECK)
