"""A file's syntax tree is freed by reference counting once its extraction is done: a
reference cycle that holds it would leave every node to the cyclic collector, which the
engine runs after each file and which must then traverse them all (issue 20: a fifth of
heavy's collection time went there). And the second phase's question to a file names
only the wrapper methods the file spells (caller_questions.spelled_in): the others cannot
change its answer, and leaving them out lets an unchanged question be answered once."""
import ast
import gc
import textwrap

from claude_lint.extract import callers, python
from claude_lint.caller_questions import spelled_in

# A class keeping state on self (its scope's self_attrs name the method scopes, whose
# parent is the class), and a request joining a list into its system text (history_edits).
SOURCE = textwrap.dedent('''
    import anthropic

    class Chat:
        def __init__(self):
            self.client = anthropic.Anthropic()
            self.memory = []
            self.history = []

        def ask(self, question, model):
            self.history = self.history + [{"role": "user", "content": question}]
            notes = "\\n".join(self.memory)
            reply = self.client.messages.create(model=model, max_tokens=512, system=notes, messages=self.history)
            self.memory.append(reply.content[0].text)
            return reply
''')


def _trees_left_to_the_collector(run) -> int:
    """How many syntax-tree nodes only the cyclic collector would free after `run`."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        run()
        gc.collect()
        return sum(1 for o in gc.garbage if isinstance(o, ast.AST))
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()


def test_an_extracted_file_leaves_no_tree_in_a_cycle():
    facts = []
    assert _trees_left_to_the_collector(lambda: facts.append(python.extract(SOURCE, "chat.py", "/p/chat.py", "chat"))) == 0
    assert facts[0].calls and facts[0].wrappers is not None  # the shapes were really walked


def test_a_phase_two_read_leaves_no_tree_in_a_cycle():
    caller = textwrap.dedent('''
        from chat import Chat

        class Bot:
            def __init__(self):
                self.chat = Chat()

            def reply(self, q, model):
                return self.chat.ask(q, model)
    ''')
    tables = []
    assert _trees_left_to_the_collector(lambda: tables.append(callers.callers(caller, "app.py", "/p/app.py", "app", "python", frozenset({"Chat"}), frozenset(), frozenset({"ask"})))) == 0
    assert tables[0] is not None


def test_methods_a_file_does_not_spell_are_left_out_of_its_question():
    data = b"from app import Chat\n\ndef run(chat: Chat):\n    return chat.ask('x')\n"
    assert spelled_in(frozenset({"ask", "summarise", "as", "__call__"}), data, "python") == frozenset({"ask", "__call__"})
    # a name only part of a longer word is not spelled (`ask` in `task`)
    assert spelled_in(frozenset({"ask"}), b"task = 1\n", "python") == frozenset()
    # non-ASCII source (Python normalises such names) and notebooks (JSON escapes) ask everything
    every = frozenset({"ask", "summarise"})
    assert spelled_in(every, "é = 1\n".encode(), "python") is every
    assert spelled_in(every, b'{"cells": []}', "notebook") is every
