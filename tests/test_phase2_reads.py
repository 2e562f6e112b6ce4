"""The second phase's cheaper reads give the answers the plain ones gave: `names_in` with
many names asked (the file's words read once, the 'made by' tests read once per file) and
the trees kept across the rounds (extract/kept_trees.py)."""
import ast

import pytest

from claude_lint.extract import kept_trees, prefilter, prefilter_names

APP = frozenset({"app", "llm"})


def _many(wanted):
    """The same question among enough other names of the package to take the word-set path."""
    more = {f"helper_{i}": (APP, frozenset()) for i in range(prefilter_names._WORDS_FROM + 8)}
    return {**more, **wanted}


@pytest.mark.parametrize("asked", [lambda w: w, _many], ids=["few names", "many names"])
def test_names_in_answers_alike_with_few_and_many_names(asked):
    wanted = asked({"ask": (APP, frozenset()), "LLMClient": (APP, frozenset({"chat"}))})
    found = lambda data: prefilter.names_in(data, wanted) & {"ask", "LLMClient"}  # noqa: E731
    assert found(b"from app.llm import ask\nask('x')\n") == {"ask"}
    assert found(b"import app.llm as l\nl.ask('x')\n") == {"ask"}
    assert found(b"import app.llm as l\nl.task('x')\n") == set()  # `ask` inside another word only
    assert found(b"from app.llm import ask\n") == set()  # imported, never used
    assert found(b"from app.llm import LLMClient\nc = LLMClient()\nc.chat([])\n") == {"LLMClient"}
    assert found(b"from app.llm import LLMClient\ndef f(c: LLMClient): return c.name\n") == set()
    # no wrapper method reached, but made here: a subclass, a return, a module-level instance, a registry
    assert found(b"from app import llm\nclass Mine(Base, llm.LLMClient): pass\n") == {"LLMClient"}
    assert found(b"from app import llm\ndef make():\n    return LLMClient ()\n") == {"LLMClient"}
    assert found(b"from app import llm\nclient: Base = LLMClient(cfg)\n") == {"LLMClient"}
    assert found(b"from app import llm\nPROVIDERS = {'anthropic': LLMClient, }\n") == {"LLMClient"}
    assert found(b"from app import llm\ndef f(\n    client: LLMClient,\n): pass\n") == set()  # an annotation, not a registry


def test_a_tree_is_kept_for_the_same_text_only():
    kept_trees.forget()
    try:
        first = kept_trees.parse("x = 1\n", "a.py", "/p/a.py")
        assert isinstance(first, ast.Module)
        assert kept_trees.parse("x = 1\n", "a.py", "/p/a.py") is first
        changed = kept_trees.parse("x = 2\n", "a.py", "/p/a.py")  # edited between two rounds
        assert changed is not first and changed.body[0].value.value == 2
        big = "x = 1\n" * (kept_trees.MAX_CHARS // 4 // 6 + 1)  # above a quarter of the bound: not kept
        assert kept_trees.parse(big, "b.py", "/p/b.py") is not kept_trees.parse(big, "b.py", "/p/b.py")
        assert not isinstance(kept_trees.parse("def (:\n", "c.py", "/p/c.py"), ast.Module)
    finally:
        kept_trees.forget()
    assert kept_trees.parse("x = 2\n", "a.py", "/p/a.py") is not changed  # forgotten
    kept_trees.forget()


def test_a_tree_read_for_a_newer_python_is_kept_recovered_or_not():
    kept_trees.forget()
    newer = 'x = 1\nprint(f"{"nested"}")\n'  # Python 3.12's f-string, refused by this Python
    try:
        first = kept_trees.parse(newer, "n.py", "/p/n.py")  # (a tree, or the CL901 error when libcst refuses it too)
        assert kept_trees.parse(newer, "n.py", "/p/n.py") is first  # libcst is not asked again
        assert kept_trees.parse(newer + "y = 2\n", "n.py", "/p/n.py") is not first  # edited: read anew
    finally:
        kept_trees.forget()
    assert not kept_trees._recovered and kept_trees._recovered_chars == [0]


def test_the_names_a_tree_uses_are_kept_until_asked():
    kept_trees.forget()
    tree = ast.parse("import app.llm as l\nfrom app import ask as ask_claude\nl.chat(ask_claude, 'ask')\n")
    try:
        names = kept_trees.used_names(tree, "/p/a.py")
        assert {"l", "chat", "ask_claude", "ask"} <= names and "app" not in names  # a string's words are no name
        assert kept_trees.used("/p/a.py") == names and kept_trees.used("/p/a.py") is None  # taken once
    finally:
        kept_trees.forget()


def test_a_question_grown_only_by_names_unused_has_the_last_answer():
    stamp, own = (1, 2, 3, 4, 5), frozenset({"mine"})
    used = frozenset({"ask", "chat", "client"})
    last = ((stamp, frozenset({"ask"}), own, frozenset({"chat"})), "answer", used)
    assert kept_trees.alike(last, (stamp, frozenset({"ask", "summarise"}), own, frozenset({"chat", "stream"})))
    assert not kept_trees.alike(last, (stamp, frozenset({"ask", "client"}), own, frozenset({"chat"})))  # a name it uses
    assert not kept_trees.alike(last, (stamp, frozenset({"ask"}), own, frozenset({"chat", "client"})))  # a method it uses
    assert not kept_trees.alike(last, ((1, 2, 3, 4, 6), frozenset({"ask"}), own, frozenset({"chat"})))  # the file changed
    assert not kept_trees.alike(last, (stamp, frozenset({"ask"}), frozenset(), frozenset({"chat"})))  # its own wrappers changed
    assert not kept_trees.alike((last[0], "answer", None), (stamp, frozenset({"ask", "x"}), own, frozenset({"chat"})))  # names not kept
    assert not kept_trees.alike(None, last[0])


def test_a_round_asks_a_file_only_what_is_new_and_answers_as_if_asked_whole(tmp_path):
    from claude_lint.config import Settings
    from claude_lint.discover import SourceFile
    from claude_lint.linter import Linter

    code = "from app.llm import ask, summarise\nfrom app import tools\nask('x')\nsummarise('y')\ntools.search('z')\n"
    (tmp_path / "use.py").write_text(code)
    source = SourceFile("use.py", str(tmp_path / "use.py"), "python")
    tools = frozenset({"app", "tools"})
    rounds = [
        {"ask": (APP, frozenset()), "other": (APP, frozenset())},
        {"ask": (APP, frozenset()), "summarise": (APP, frozenset())},  # `ask` as asked before, `summarise` new
        {"ask": (frozenset({"elsewhere"}), frozenset()), "search": (tools, frozenset())},  # `ask` from other modules now
        {"search": (tools, frozenset())},  # nothing new: answered from the round before
    ]
    linter = Linter(Settings(root=str(tmp_path)))
    for n, wanted in enumerate(rounds):
        found = linter.names_present(source, wanted, f"round {n}", None)
        alone = Linter(Settings(root=str(tmp_path))).names_present(source, wanted, f"round {n}", None)
        assert found == alone, n
    assert [set(linter.names_present(source, w, f"again {n}", None)) for n, w in enumerate(rounds)] == [
        {"ask"}, {"ask", "summarise"}, {"search"}, {"search"}]


CHAT = '''from app.llm import ask, summarise
history = []


def chat(turn):
    history.append({"role": "user", "content": turn})
    reply = ask(history, model="claude-sonnet-4-5")
    history.append({"role": "assistant", "content": reply})
    return summarise(reply)
'''


def _read(text, names):
    from claude_lint.extract import callers

    return callers.callers(text, "chat.py", "/p/chat.py", "chat", "python", frozenset(names), frozenset(), frozenset())


def test_a_later_round_reads_a_call_read_before_from_the_first_reading(monkeypatch):
    from claude_lint.extract.wrapper_invocations import InvocationFinder

    read = []
    invocation = InvocationFinder.invocation
    monkeypatch.setattr(InvocationFinder, "invocation", lambda self, record, *rest: read.append(record.node.lineno) or invocation(self, record, *rest))
    kept_trees.forget()
    try:
        first = _read(CHAT, {"ask"})
        assert read == [7] and first.wrappers.invocations[0].histories  # `ask(history)`, the history growing
        grown = _read(CHAT, {"ask", "summarise"})  # the next round: `summarise` asked too
        assert read == [7, 9]  # `ask(...)` is not read again
        kept_trees.forget()
        assert _read(CHAT, {"ask", "summarise"}) == grown  # as a first reading reads it
        assert read == [7, 9, 7, 9]
        _read(CHAT.replace("turn}", "turn.strip()}"), {"ask", "summarise"})  # the file edited: read anew
        assert read == [7, 9, 7, 9, 7, 9]
    finally:
        kept_trees.forget()
    assert not kept_trees._invocations and kept_trees._invocation_count == [0]


def test_reading_a_file_in_a_round_leaves_no_cycle_holding_its_scopes():
    """What the second phase builds for a file is freed by reference counting once the file is
    read: the collection after each file (gather._rounds) then walks nothing of it."""
    import gc

    kept_trees.forget()
    _read(CHAT, {"ask"})  # (what is made once per process, made before the count)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        _read(CHAT, {"ask", "summarise"})
        gc.collect()
        left = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
        kept_trees.forget()
    assert not left & {"Finder", "_RoundFinder", "Collector", "Scope", "Event", "CallRecord", "function", "cell"}, left


@pytest.mark.parametrize("a, b", [
    ("client.messages.create", "client.messages.create"), ("client.messages.create", "client.messages.stream"),
    ("f(a, *b, k=1)", "f(a, *b, k=1)"), ("f(a, *b, k=1)", "f(a, *b, k=2)"), ("x[0]", "x[0:]"), ("[a, b]", "(a, b)"),
    ("0.0", "-0.0"), ("1", "1.0"), ("1", "True"), ("'a'", "u'a'"), ("f'{x!r}'", "f'{x!s}'"), ("lambda: 0", "lambda: 0"),
])
def test_same_code_reads_two_nodes_alike_where_ast_dump_does(a, b):
    from claude_lint.extract.walk import same_code

    first, second = ast.parse(a, mode="eval").body, ast.parse(b, mode="eval").body
    assert same_code(first, second) is (ast.dump(first) == ast.dump(second))
