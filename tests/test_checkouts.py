"""A folder of unrelated checkouts linted as one: classes join by name within a checkout,
never across two (`checkouts.Checkouts`, `wrappers.exported`'s scopes); one project's own
top folders stay one scope."""
from claude_lint.checkouts import Checkouts
from claude_lint.extract import wrappers
from claude_lint.facts import Callee, ClassInfo, Loc, Signature, Wrapper, WrapperTable


def _method(klass: str, name: str) -> Wrapper:
    return Wrapper(f"{klass}.{name}", Signature(("text",), receiver="self"), Loc("x.py", 1, 1, 1, 2))


def _agent_with(method: str) -> WrapperTable:
    """`class Agent: def <method>(self, text): ...` making a request."""
    return WrapperTable(functions=(_method("Agent", method),), classes=(ClassInfo("Agent", (), (method,)),))


# `class Helper(Agent)` of another file, importing Agent from its own package.
SUBCLASS = WrapperTable(classes=(ClassInfo("Helper", (Callee("core.agent.Agent", False),), ("other",)),))


def test_same_named_classes_of_two_checkouts_do_not_join():
    first, second = _agent_with("ask_claude"), _agent_with("summarise_text")
    names = wrappers.exported([first, second, SUBCLASS], ["one", "two", "two"])
    assert names[0]["Agent"] == frozenset({"ask_claude"})
    assert names[1]["Agent"] == frozenset({"summarise_text"})
    assert names[2]["Helper"] == frozenset({"summarise_text"})  # its own checkout's base only


def test_one_scope_joins_by_name_as_before():
    first, second = _agent_with("ask_claude"), _agent_with("summarise_text")
    for scopes in (None, ["one", "one", "one"]):
        names = wrappers.exported([first, second, SUBCLASS], scopes)
        assert names[0]["Agent"] == names[1]["Agent"] == frozenset({"ask_claude", "summarise_text"})
        assert names[2]["Helper"] == frozenset({"ask_claude", "summarise_text"})


def _file(path, text=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_folder_of_checkouts_is_scoped_by_checkout(tmp_path):
    _file(tmp_path / "alpha" / "pyproject.toml", "[project]\nname = 'alpha'\n")
    _file(tmp_path / "beta" / "requirements.txt", "anthropic\n")
    loose = _file(tmp_path / "notes" / "x.py")
    a = _file(tmp_path / "alpha" / "app" / "llm.py")
    b = _file(tmp_path / "beta" / "llm.py")
    top_level = _file(tmp_path / "run.py")
    found = Checkouts(str(tmp_path))
    assert (found.scope(a), found.scope(b)) == ("alpha", "beta")
    assert found.scope(loose) == "notes"  # a checkout's copy without its markers is one too
    assert found.scope(top_level) is None


def test_one_project_with_its_own_folders_is_one_scope(tmp_path):
    _file(tmp_path / "pyproject.toml", "[project]\nname = 'app'\n")
    _file(tmp_path / "backend" / "requirements.txt", "anthropic\n")
    _file(tmp_path / "worker" / "requirements.txt", "anthropic\n")
    found = Checkouts(str(tmp_path))
    assert found.scope(_file(tmp_path / "backend" / "llm.py")) is None
    assert found.scope(_file(tmp_path / "worker" / "jobs.py")) is None


def test_a_single_checkout_under_the_root_is_not_scoped(tmp_path):
    _file(tmp_path / "alpha" / "pyproject.toml", "[project]\nname = 'alpha'\n")
    assert Checkouts(str(tmp_path)).scope(_file(tmp_path / "alpha" / "llm.py")) is None


def test_a_function_of_one_checkout_is_not_asked_as_another_checkouts_handed_method():
    # `process_message` is a wrapper function here and a wrapper method of a class there:
    # the one question per name asked of every file stays the function's (imported by name).
    function = WrapperTable(functions=(Wrapper("process_message", Signature(("text",)), Loc("x.py", 1, 1, 1, 2)),))
    worker = WrapperTable(functions=(_method("Worker", "process_message"),), classes=(ClassInfo("Worker", (), ("process_message",)),))
    names = wrappers.exported([function, worker], ["one", "two"])
    assert names[0]["process_message"] == frozenset()
    assert "process_message" not in names[1] and names[1]["Worker"] == frozenset({"process_message"})
