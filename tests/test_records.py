"""Records (claude_lint/records.py) are frozen dataclasses to everything that reads one,
though `dataclasses` is imported only when their fields or params are first read."""
from __future__ import annotations

import dataclasses

import pytest

from claude_lint import records
from claude_lint.config import Settings
from claude_lint.facts import Loc, OneOf, Unknown


def test_fields_are_those_dataclasses_reads_with_their_defaults():
    names = [f.name for f in dataclasses.fields(Unknown)]
    assert names == ["why", "loc"]
    why, loc = dataclasses.fields(Unknown)
    assert why.default is dataclasses.MISSING and loc.default is None
    assert dataclasses.is_dataclass(Unknown) and dataclasses.is_dataclass(Unknown("x"))
    assert Unknown.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_a_subclass_has_its_bases_fields_first_the_same_objects():
    assert [f.name for f in dataclasses.fields(OneOf)] == ["why", "loc", "options", "kept", "default"]
    assert OneOf.__dataclass_fields__["why"] is Unknown.__dataclass_fields__["why"]  # type: ignore[attr-defined]
    assert OneOf.__match_args__ == ("why", "loc", "options", "kept", "default")  # type: ignore[attr-defined]


def test_a_record_refuses_writes_with_the_dataclasses_error():
    loc = Loc("a.py", 1, 2, 3, 4)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'row'"):
        loc.row = 9  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'row'"):
        del loc.row  # type: ignore[misc]


def test_replaced_is_dataclasses_replace():
    settings = Settings(root="/x", select=("CL001",))
    assert records.replaced(settings, no_cache=True) == dataclasses.replace(settings, no_cache=True)
    assert records.replaced(settings, no_cache=True) != settings
    one = OneOf("why", None, (1, 2))
    assert records.replaced(one, default=True) == dataclasses.replace(one, default=True)
    assert dataclasses.asdict(one)["options"] == (1, 2)
    with pytest.raises(TypeError):
        records.replaced(settings, nonsense=1)
