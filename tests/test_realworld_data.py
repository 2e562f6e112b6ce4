"""The real-world corpus's data files parse: the scoring script never runs in CI (no network),
so a label or manifest line that TOML rejects would otherwise go unnoticed until a session
needs the figures (a quoted emoji, escaped as a surrogate pair, once broke the manifest)."""
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REALWORLD = Path(__file__).resolve().parent.parent / "eval" / "realworld"
DATA_FILES = sorted([REALWORLD / "manifest.toml", *REALWORLD.glob("*/*.toml")])


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(REALWORLD)))
def test_realworld_data_file_is_toml(path):
    with path.open("rb") as fh:
        tomllib.load(fh)


def test_manifest_lists_every_labelled_repository():
    with (REALWORLD / "manifest.toml").open("rb") as fh:
        listed = {repo["github"].replace("/", "__") for repo in tomllib.load(fh)["repo"]}
    labelled = {p.stem for p in REALWORLD.glob("*/*.toml")}
    assert labelled <= listed
