"""A conversation kept in a store outside the program's lists: a database table, a chat
store, a pair of functions such as `get_conversation_state` / `save_conversation_state`.
The code reads the whole conversation back before a request and writes the turn back
after it, so the history outlives the request as a session list does, though no list of
the file lives longer than one call (`StoreHistory`, a mixin of
`python_history.HistoryFinder`). Also what else keeps a growing list past its loop (a
file it is loaded from and dumped back to) and what a turn's appends put into it
(breakpoints that pile up, for CL013)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import loops, tool_rounds
from claude_lint.extract.bindings import Unpacked
from claude_lint.extract.chains import called_name
from claude_lint.extract.history_bodies import turn_loop
from claude_lint.extract.scopes import Scope
from claude_lint.extract.session_stores import label as store_label, session_key
from claude_lint.extract.sql_windows import ELSEWHERE, WINDOW_FACT, sql_window
from claude_lint.extract.walk import same_code, walk
from claude_lint.facts import History, Lit
from claude_lint.patterns import lazy

# The verb a store's function starts with, and the words of the noun that say it holds a
# conversation: `get_job_messages`, `load_chat_history`, `fetch_conversation`.
_READS = frozenset({"get", "load", "fetch", "read", "retrieve", "restore", "select", "query", "find"})
_WRITES = frozenset({"save", "add", "store", "append", "put", "write", "persist", "set", "update", "insert", "push", "upsert", "record"})
_TALK = ("message", "history", "conversation", "convo", "chat", "transcript", "dialog", "turn")
# A reader named or called for part of the conversation is a window: `get_recent_messages`,
# `load_history(chat_id, limit=20)`, `fetch_messages(chat_id, 10)`.
_PARTIAL = frozenset({"recent", "last", "latest", "window", "tail", "top", "summary", "summarized", "trimmed", "first"})
_LIMIT_WORDS = ("limit", "last", "window", "max", "top", "recent", "tail", "count", "size", "page", "since", "after")
# Words that qualify the noun without changing which store it names (`get_all_messages` reads
# what `add_message` writes).
_QUALIFIERS = frozenset({"all", "full", "whole", "entire", "previous", "prior", "past", "saved", "stored", "new", "current"})
# A list read from a file and written back to one (pickle, json, joblib, torch).
_FILE_LOADS = frozenset({"load"})
_FILE_DUMPS = frozenset({"dump", "save"})
# Code that takes a breakpoint off an older message (the usual "mark the last turns only").
_UNMARKS = lazy(r"(?:\bdel\b|\.pop\(|\.remove\()[^\n]{0,120}cache_control|cache_control['\"]\s*\]\s*=\s*None|cache_control['\"]\s*:\s*None")
MAX_STORE_NODES = 20_000  # the writer's search walks one function or loop at most this far


def _words(name: str) -> List[str]:
    """`get_job_messages` and `getJobMessages` -> ["get", "job", "messages"]."""
    spaced = "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in name)
    return [w for w in spaced.split("_") if w]


def _store_noun(call: ast.AST, verbs) -> Optional[str]:
    """The conversation a store function names after its verb, plural or not: `get_job_messages`
    and `add_job_message` -> "job message"; None for another verb or a noun of no conversation."""
    if not isinstance(call, ast.Call):
        return None
    if isinstance(call.func, ast.Attribute) and call.func.attr in ("get", "set"):  # a chat session's keyed store
        return session_key(call, "read" if verbs is _READS else "write", _TALK)
    words = _words(called_name(call.func))
    if len(words) < 2 or words[0] not in verbs:
        return None
    noun = [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words[1:] if w not in _QUALIFIERS]
    if not noun or not any(t in w for w in noun for t in _TALK):
        return None
    return " ".join(noun)


def reads_store(expr: ast.AST, limit: int = 200) -> bool:
    """Does this value call a conversation store's reader (`get_job_messages(job_id)`)? A
    cheap test before `stored_history`, for a list handed to a wrapper."""
    for seen, node in enumerate(ast.walk(expr)):
        if seen > limit:
            return False
        if isinstance(node, ast.Call) and _store_noun(node, _READS) is not None:
            return True
    return False


def _whole(reader: ast.Call) -> bool:
    """Does the reader ask for the whole conversation (no count, no window)?"""
    if any(w in _PARTIAL for w in _words(called_name(reader.func))):
        return False
    if any(isinstance(a, ast.Constant) and isinstance(a.value, int) and not isinstance(a.value, bool) for a in reader.args):
        return False
    return not any(k.arg is None or any(w in k.arg.lower() for w in _LIMIT_WORDS) or k.arg.lower() in ("n", "k") for k in reader.keywords)


class StoreHistory:
    """A request's conversation read whole from a store and written back."""

    def stored_history(self, expr: ast.expr, scope: Scope, record) -> Optional[History]:
        """The history of a request whose list is a whole copy of what a store's reader
        returns, when the same conversation is written back to the store: in the loop that
        sends it (an agent's `while True` reloading the job's messages each step), or in the
        function that reads it after it grew there (a request handler: one call per turn)."""
        found = self._loaded(expr, scope, 0, [], record.node.lineno)
        if found is None:
            return None
        reader, names = found
        noun = _store_noun(reader, _READS)
        # A store is keyed by the conversation (`get_job_messages(job_id)`); an accessor with no
        # key (`conversation.get_messages()`) is an object's list, whose class may trim it.
        if noun is None or not (reader.args or reader.keywords) or not _whole(reader):
            return None
        if any(e.kind == "trim" and e.key == ("name", n) and e.scope is scope for e in self.c.events for n in names):
            return None  # `del history[:-20]`, `history.pop(0)`: a window kept on the copy
        label = ast.unparse(expr)[:60] if not isinstance(expr, ast.Name) else expr.id
        for loop in reversed(record.loops):
            # A `for` over items reads one conversation per item; only a loop of steps or turns
            # reloads the same one.
            if isinstance(loop, (ast.For, ast.AsyncFor)) and not loops.bound(loop).startswith("range("):
                continue
            if not (loop.lineno <= reader.lineno <= (loop.end_lineno or loop.lineno)):
                continue
            writer = self._writer(loop, noun, 0)
            if writer is not None and not self._defined_here(writer):
                return History(label, "stored", self.ev.loc(writer), bound=loops.bound(loop), store=(called_name(reader.func), called_name(writer.func)))
        if scope.kind != "function" or scope.node is None:
            return None
        grown = any(e.kind == "grow" and e.key == ("name", n) and e.scope is scope for e in self.c.events for n in names)
        if not grown:
            # The turn goes in through the store: the same store object, keyed the same, written after the request.
            writer = self._keyed_writer(scope.node, reader, getattr(record.node, "end_lineno", None))
            if writer is None:
                return None  # sent as it was read: the turn it adds is not visible here
            return History(label, "stored", self.ev.loc(writer), bound=self._reader_window(reader),
                           store=(called_name(reader.func), called_name(writer.func)) + self._reader_target(reader, scope))
        writer = self._writer(scope.node, noun, reader.lineno)
        if writer is None or self._defined_here(writer):
            return None
        session = noun.startswith("session ")
        return History(label, "stored", self.ev.loc(writer), bound=self._reader_window(reader),
                       store=tuple(store_label(c) if session else called_name(c.func) for c in (reader, writer)) + self._reader_target(reader, scope),
                       rounds=self._tool_rounds(record, names, scope))

    def _tool_rounds(self, record, names: List[str], scope: Scope):
        """The request's loop when it is one turn's tool rounds over the list read (`History.rounds`; always carried in)."""
        loop = turn_loop(record.loops, record.node)
        keys = {("name", n) for n in names}
        edits = [(e, e.kind) for e in self.c.events if e.key in keys and e.scope is scope]
        found = tool_rounds.rounds(loop, record.loops, edits, scope)[0] if loop is not None else None
        return None if found is None else (self.ev.loc(found), True)

    def _loaded(self, expr: ast.expr, scope: Scope, depth: int, names: List[str], row: int) -> Optional[Tuple[ast.Call, List[str]]]:
        """The store reader a request's list is a whole copy of (through local names, `list()`,
        a comprehension over it, `+ [turn]`, `[*history, turn]`, `await`), and the names on the way.
        A name's bindings count when written above the request (`row`): the same name may
        still hold a parameter's value where the request is made before the reload."""
        if depth > 6:
            return None
        if isinstance(expr, ast.Await):
            return self._loaded(expr.value, scope, depth + 1, names, row)
        if isinstance(expr, ast.Call):
            if _store_noun(expr, _READS) is not None:
                return expr, names
            name = called_name(expr.func)
            if name in ("list", "deepcopy") and len(expr.args) == 1 and not expr.keywords:
                return self._loaded(expr.args[0], scope, depth + 1, names, row)
            if name == "copy" and not expr.args and isinstance(expr.func, ast.Attribute):
                return self._loaded(expr.func.value, scope, depth + 1, names, row)
            return None
        if isinstance(expr, (ast.ListComp, ast.GeneratorExp)) and len(expr.generators) == 1 and not expr.generators[0].ifs:
            return self._loaded(expr.generators[0].iter, scope, depth + 1, names, row)
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or) and all(isinstance(v, ast.List) and not v.elts for v in expr.values[1:]):
            return self._loaded(expr.values[0], scope, depth + 1, names, row)  # `get(key) or []`: a fresh one when none is kept
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._loaded(expr.left, scope, depth + 1, names, row) or self._loaded(expr.right, scope, depth + 1, names, row)
        if isinstance(expr, ast.List):
            for el in expr.elts:
                if isinstance(el, ast.Starred):
                    return self._loaded(el.value, scope, depth + 1, names, row)
            return None
        if not isinstance(expr, ast.Name):
            return None
        owner = self.ev.find(expr.id, scope)
        if owner is None or owner.kind != "function":
            return None
        found = None
        bindings = owner.assigns.get(expr.id, [])
        if len(bindings) == 1 and isinstance(bindings[0], ast.List) and not bindings[0].elts:
            return self._refilled(expr.id, owner, depth, names, row)
        for bound in bindings:
            if isinstance(bound, Unpacked):
                pair = bound.value  # `a, b = x, y` binds `a` to `x`; `a, b = load(key)` to part of what it returns
                bound = pair.elts[bound.index] if isinstance(pair, ast.Tuple) and len(pair.elts) == bound.count else pair
            if isinstance(bound, ast.List) and all(not isinstance(el, ast.Starred) for el in bound.elts):
                continue  # a fresh conversation started when the store has none
            if not isinstance(bound, ast.expr):
                return None
            if bound.lineno >= row:
                return None
            here = self._loaded(bound, owner, depth + 1, names + [expr.id], bound.lineno)
            if here is None or found is not None and found[0] is not here[0]:
                return None  # also bound to something else (a window, a helper's result)
            found = here
        return found

    def persisted(self, name: str, owner: Scope) -> Optional[Tuple[ast.Call, ast.Call]]:
        """(load, dump) when a list is loaded from a file and dumped back to one (`history =
        pickle.load(f)` ... `pickle.dump(history, f)`): it outlives the run, so a step cap bounds
        one run, not the conversation, which every run resumes."""
        loads = [b for b in owner.assigns.get(name, []) if isinstance(b, ast.Call) and called_name(b.func) in _FILE_LOADS]
        if not loads:
            return None
        for r in self.c.calls:
            node = r.node
            if called_name(node.func) in _FILE_DUMPS and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == name and self.ev.find(name, r.scope) is owner:
                return loads[0], node
        return None

    def piled_marks(self, grows) -> int:
        """How many of a turn's appends write a message that carries its own `cache_control`
        (in the literal appended), when nothing in the file removes a breakpoint (`del`,
        `pop`, a mark set to None): each turn adds breakpoints and none goes away."""
        if not grows:
            return 0
        unmarks = self.__dict__.get("_unmarks_found")
        if unmarks is None:  # one search of the file's text, however many requests ask
            # (each reading names cache_control: `re` finds no literal to skip to in the pattern)
            unmarks = self.__dict__["_unmarks_found"] = "cache_control" in self.text and bool(_UNMARKS.search(self.text))
        if unmarks:
            return 0
        return sum(1 for e in grows if isinstance(e.node, ast.Call) and any(
            isinstance(n, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "cache_control" for k in n.keys)
            for a in e.node.args for n in walk(a)))

    def _reader_window(self, reader: ast.Call) -> str:
        """What may bound a conversation a handler reads: a chat store's reader often returns
        the last n messages (`.limit(20)` in its query), which only its body shows. A reader of
        this file with no slice or limit in it is whole (""); one elsewhere may keep a window.
        (An agent loop reloading its job every step needs every step: that shape is not asked.)"""
        name = called_name(reader.func)
        if session_key(reader, "read", _TALK):
            return ""  # a chat session's dict hands back what was set, whole
        defined = [sc for sc in self._scopes() if sc.kind == "function" and sc.node is not None and sc.name.rsplit(".", 1)[-1] == name]
        if not defined:
            return f"{ELSEWHERE}`{name}` keeps (defined elsewhere)"
        return f"the window `{name}` keeps" if any(keeps_window(sc.node) for sc in defined) else ""

    def _reader_target(self, reader: ast.Call, scope: Scope) -> Tuple[str, ...]:
        """(the reader's dotted name through the file's imports,) when another module defines it
        (`cc.load_history` after `from . import claude_core as cc`: ".claude_core.load_history"):
        link reads there whether it keeps a window (`WINDOW_FACT`). () for any other reader."""
        func = reader.func
        head = func.value if isinstance(func, ast.Attribute) else func
        if not isinstance(head, ast.Name) or not self._reader_window(reader).startswith(ELSEWHERE):
            return ()
        owner = self.ev.find(head.id, scope)
        target = owner.imports.get(head.id) if owner is not None else None
        if target is None:
            return ()
        return (target + "." + func.attr if head is not func else target,)

    def _refilled(self, name: str, owner: Scope, depth: int, names: List[str], row: int):
        """`messages = []` then `for m in conversation: messages.append(...)`: a copy of `conversation`."""
        for e in self.c.events:
            if e.key == ("name", name) and e.scope is owner and e.kind == "grow" and e.loops and isinstance(e.loops[-1], (ast.For, ast.AsyncFor)):
                found = self._loaded(e.loops[-1].iter, owner, depth + 1, names + [name], min(row, e.loops[-1].lineno))
                if found is not None:
                    return found
        return None

    def _defined_here(self, writer: ast.Call) -> bool:
        """Is the writer a function of this file? Then the list it keeps is in the file, where
        the history's other shapes judge it (and where a trim in the writer shows)."""
        name = called_name(writer.func)
        return any(sc.kind == "function" and sc.name.rsplit(".", 1)[-1] == name for sc in self._scopes())

    def _keyed_writer(self, root: ast.AST, reader: ast.Call, after: Optional[int]) -> Optional[ast.Call]:
        """`self.db.add_message(user_id, "assistant", answer)` after a request that sent
        `self.db.get_chat_log(user_id)`: a writer of a conversation on the reader's own object,
        under the reader's key, with something to write (not a literal), past row `after`: the
        next read returns the conversation grown, whatever the writer's noun."""
        func = reader.func
        if after is None or not reader.args or not isinstance(func, ast.Attribute):
            return None
        for seen, node in enumerate(walk(root)):
            if seen > MAX_STORE_NODES:
                return None
            if (isinstance(node, ast.Call) and node.lineno > after and isinstance(node.func, ast.Attribute) and len(node.args) >= 2
                    and _store_noun(node, _WRITES) is not None and same_code(node.func.value, func.value) and same_code(node.args[0], reader.args[0])
                    and any(not isinstance(a, (ast.Constant, ast.List, ast.Dict)) for a in node.args[1:]) and not self._defined_here(node)):
                return node
        return None

    def _writer(self, root: ast.AST, noun: str, after: int) -> Optional[ast.Call]:
        """A call under `root`, past row `after`, that writes the same conversation back."""
        for seen, node in enumerate(walk(root)):
            if seen > MAX_STORE_NODES:
                return None
            if isinstance(node, ast.Call) and node.lineno > after and _store_noun(node, _WRITES) == noun:
                return node
        return None


def keeps_window(fn: ast.AST) -> bool:
    """Does a reader's body keep a window of the rows: a slice, a call naming a limit
    (`.limit(20)`, `get_last_n`), a query limited to some rows (`sql_windows`)?"""
    for seen, node in enumerate(walk(fn)):
        if seen > MAX_STORE_NODES or isinstance(node, ast.Slice) or isinstance(node, ast.Call) and any(w in called_name(node.func).lower() for w in _LIMIT_WORDS) \
                or isinstance(node, ast.Constant) and sql_window(node.value):
            return True
    return False


def window_facts(collector) -> List[tuple]:
    """(WINDOW_FACT + name, Lit(True)) for each module-level function named as a conversation
    store's reader (`load_history`, `get_chat_messages`) whose body keeps a window: another
    module's request reading the conversation through it is handed the last n messages."""
    out = []
    for fn in collector.scopes_by_node.values():
        if fn.kind != "function" or fn.parent is not collector.module or fn.node is None:
            continue
        words = _words(fn.name)
        if len(words) >= 2 and words[0] in _READS and any(t in w for w in words[1:] for t in _TALK) and keeps_window(fn.node):
            out.append((WINDOW_FACT + fn.name, Lit(True)))
    return out
