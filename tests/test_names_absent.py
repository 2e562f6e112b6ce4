"""The second phase's byte test remembers, per file, the wrapper names its bytes lack
(prefilter_names.names_imported's `absent`): a later round searches only the names it has
not searched yet, with the answers of a test that remembers nothing."""
from __future__ import annotations

from claude_lint.extract.prefilter_names import import_index, names_imported

DATA = b"from app.llm import ask\n\n\ndef run(t):\n    return ask(t)\n"
ROUND_1 = {"summarize": (frozenset({"app", "mid"}), frozenset()), "ask": (frozenset({"app", "llm"}), frozenset())}
ROUND_2 = {"summarize": (frozenset({"app", "mid"}), frozenset()), "digest": (frozenset({"app", "notes"}), frozenset())}
NONE_HERE = {"summarize": (frozenset({"mid"}), frozenset()), "digest": (frozenset({"notes"}), frozenset())}


def _names(data, wanted, absent):
    return names_imported(data, wanted, import_index(wanted), None, absent)


def test_a_name_found_absent_is_not_searched_again_and_the_answers_stay():
    absent: set = set()
    for wanted in (ROUND_1, ROUND_2, NONE_HERE):
        assert _names(DATA, wanted, absent) == _names(DATA, wanted, None)
    assert absent == {b"summarize", b"digest"}  # `ask` is in the bytes: never remembered as absent


def test_a_name_remembered_absent_counts_as_absent():
    """What a later round skips: the memo is of the same file's bytes, read earlier."""
    absent = {b"ask"}
    assert _names(DATA, ROUND_1, absent)[1] == set()
    assert _names(DATA, ROUND_1, set())[1] == {"ask"}


DEFINES = b"class Summarizer:\n    def summarize(self, t):\n        return t\n"
CLASS_ASKED = {"Summarizer": (frozenset({"app"}), frozenset({"summarize"})), "class Summarizer": (frozenset({"app"}), frozenset({"summarize"}))}


def test_a_class_definition_is_not_searched_for_where_the_class_name_is_absent():
    """`class Name` holds `Name`: a file without the name is answered without that search."""
    absent: set = set()
    assert _names(DATA, CLASS_ASKED, absent) == _names(DATA, CLASS_ASKED, None) == (None, set())
    assert absent == {b"Summarizer"}
    held: set = set()
    assert _names(DEFINES, CLASS_ASKED, held) == _names(DEFINES, CLASS_ASKED, None)
    assert held == set()  # the name is there: nothing remembered absent
