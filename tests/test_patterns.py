"""patterns.lazy: a pattern compiled at its first use answers as re.compile's would."""
import re

from claude_lint.patterns import lazy


def test_lazy_pattern_answers_as_the_compiled_one():
    text = "Retry 3 times; max_tokens=512\r\nthen STOP"
    for source, flags in ((r"\d+", 0), (r"stop|retry", re.IGNORECASE), (r"\r\n|\r|\n", 0), (r"(?P<k>\w+)=(?P<v>\d+)", 0)):
        eager, later = re.compile(source, flags), lazy(source, flags)
        assert [m.span() for m in later.finditer(text)] == [m.span() for m in eager.finditer(text)]
        assert later.sub("#", text) == eager.sub("#", text)
        assert later.split(text) == eager.split(text)
        assert bool(later.search(text)) == bool(eager.search(text))
        assert later.pattern == source and later.flags == eager.flags


def test_lazy_pattern_compiles_at_first_use_only():
    pattern = lazy(r"(")  # invalid: compiling it raises
    assert "search" not in vars(pattern)
    try:
        pattern.search("x")
    except re.error:
        pass
    else:
        raise AssertionError("an invalid pattern compiled")
    good = lazy(r"a+")
    assert good.match("aaa").group() == "aaa"
    assert vars(good)["match"] == re.compile(r"a+").match  # bound once, then called directly
