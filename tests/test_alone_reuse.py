"""What a one-file run (an editor's buffer, pre-commit's one path) no longer builds twice
(issue 20): the file's second phase takes the tree and scopes of its first, and the
pre-filter's table is read as an earlier run built it. Neither may change an answer."""
import ast
import gc
import textwrap

from claude_lint.extract import callers, prefilter_table, python, wrappers
from claude_lint.extract.scopes import Collector

# A wrapper kept on self (the class scope's self_attrs, which `release` clears, are what
# the second phase reads to follow `self.chat.ask`), called from a method.
SOURCE = textwrap.dedent('''
    import anthropic
    from chat import Chat

    class Bot:
        def __init__(self):
            self.chat = Chat()
            self.client = anthropic.Anthropic()

        def reply(self, q, model):
            return self.chat.ask(q, model)

        def direct(self, q):
            return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[{"role": "user", "content": q}])
''')


def _phase_two(parsed):
    return callers.callers(SOURCE, "bot.py", "/p/bot.py", "bot", "python", wrappers.EVERYTHING, frozenset(), wrappers.EVERYTHING, parsed)


def test_phase_one_scopes_give_phase_two_the_same_answer_and_are_freed():
    fresh = _phase_two(None)
    scopes = Collector()
    scopes.held = True
    facts = python.extract(SOURCE, "bot.py", "/p/bot.py", "bot", calls_only=True, scopes=scopes)
    assert facts.calls  # the first phase walked it whole
    assert any(s.self_attrs for s in scopes.scopes_by_node.values())  # held: not released by the first phase
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        reused = _phase_two((SOURCE, scopes))
        del scopes
        gc.collect()
        left = sum(1 for o in gc.garbage if isinstance(o, ast.AST))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert fresh is not None and fresh.wrappers is not None and fresh.wrappers.functions
    assert reused == fresh
    assert left == 0  # released by the second phase: freed by reference counting


def test_other_text_is_parsed_again():
    scopes = Collector()
    scopes.held = True
    python.extract(SOURCE.replace("q, model", "q, model=None"), "bot.py", "/p/bot.py", "bot", calls_only=True, scopes=scopes)
    assert _phase_two(("not the text", scopes)) == _phase_two(None)


def test_the_kept_pre_filter_table_is_the_built_one_and_a_bad_one_is_rebuilt():
    where = prefilter_table._kept_at()
    assert where is not None
    built = prefilter_table._build()
    prefilter_table._table.cache_clear()
    try:
        import os

        os.makedirs(os.path.dirname(where), exist_ok=True)
        with open(where, "wb") as fh:
            fh.write(b"not a pickle")
        assert prefilter_table._table() == built  # unreadable: built again, and written
        prefilter_table._table.cache_clear()
        assert prefilter_table._table() == built  # read back as written
    finally:
        prefilter_table._table.cache_clear()
