"""Step 3 of the pre-filter (see prefilter.py), for the engine's second phase: `names_in`,
on a file's bytes, says which of the project's wrappers it imports and uses."""
from __future__ import annotations

import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional, Sequence, Set, Tuple
from claude_lint.extract.prefilter_table import _called_attribute, _dot_before, _word_at, _words


# An import statement: `from MODULE import NAMES` or `import NAMES`, with parentheses,
# backslash continuations and `as` aliases; read loosely (one inside a string counts too).
# Runs of plain characters taken in one step (`[...]+` in the repeats: prefilter._IMPORTED_NAMES).
_IMPORT_STATEMENT = re.compile(
    rb"(?:from[ \t]+([\w.]+)[ \t]+)?import(?:[ \t]+|\\\r?\n|\\\r)*(?:\(([^)]*)\)|((?:[ \t\w.,*]+|\\\r?\n|\\\r)*))"
)
_IDENTIFIER = re.compile(rb"[^\W\d]\w*")


def imported_words(data: bytes) -> Tuple[Set[bytes], Dict[bytes, int]]:
    """The words of the file's import statements: module path pieces, and the names
    imported with how often the statements name each."""
    modules: Set[bytes] = set()
    names: Dict[bytes, int] = {}
    at = data.find(b"import")
    while at >= 0:
        if _word_at(data, at, at + 6):
            start = data.rfind(b"from", max(0, at - 200), at)
            m = None
            if start >= 0 and _word_at(data, start, start + 4):
                m = _IMPORT_STATEMENT.match(data, start)
                if m is not None and m.end() < at:
                    m = None
            if m is None:
                m = _IMPORT_STATEMENT.match(data, at)
            if m is not None:
                source, grouped, plain = m.groups()
                listed = _IDENTIFIER.findall(grouped or plain or b"")
                if source:
                    modules.update(_IDENTIFIER.findall(source) or (RELATIVE,))
                else:  # `import a.b as c`: modules, and the names they bind
                    modules.update(listed)
                for word in listed:
                    names[word] = names.get(word, 0) + 1
                if source and b"*" in (grouped or plain or b""):
                    names[STAR] = names.get(STAR, 0) + 1  # `from app.nodes import *`: binds names it does not list
        at = data.find(b"import", at + 6)
    return modules, names


_ENCODED: list = []  # [(the `wanted` last asked about, its names and modules as bytes)]


def _encoded(wanted: dict) -> tuple:
    """(name, (modules, methods), name as bytes, modules as bytes) per wanted name, encoded
    once for the thousands of files asked about the same names (the engine asks every file
    of a round with one dict)."""
    if _ENCODED and _ENCODED[0][0] is wanted:
        return _ENCODED[0][1]
    table = tuple(
        (name, (modules, methods), name.encode("utf-8", "surrogatepass"), frozenset(m.encode("utf-8", "surrogatepass") for m in modules))
        for name, (modules, methods) in wanted.items()
    )
    _ENCODED[:] = [(wanted, table)]
    return table


STAR = b"*"  # imported_words' name for a star import's names
RELATIVE = b"."  # the module word of `from . import x` / `from .. import x`, which names no module
PROTOCOL = b"Protocol"  # the name wrappers.PROTOCOL asks for
DEFINED = b"class "  # a wanted name so spelled asks for the file defining the class (wrappers.DEFINED)
HOLDER = b"holder "  # so spelled: the file defining the class a caller hands a registry of wrapper objects (wrappers.HOLDER)
MAX_NAMES_SEARCHED = 48  # past this, a file's imports are read rather than each name searched in its bytes


def import_index(wanted: dict) -> Tuple[Tuple[bytes, ...], Dict[bytes, Set[bytes]]]:
    """The wanted names as bytes, and for `names_in`'s `among` each of them under the
    import words that make it a candidate: its own name and the modules of its path."""
    index: Dict[bytes, Set[bytes]] = {}
    for name, (modules, methods) in wanted.items():
        raw = name.encode("utf-8", "surrogatepass")
        index.setdefault(raw, set()).add(raw)
        if name in methods and not raw.startswith(DEFINED):
            index.setdefault(HANDED, set()).add(raw)  # looked for in the bytes: an object handed in is imported by no one
        if raw.startswith(HOLDER):
            index.setdefault(HOLDER, set()).add(raw)  # looked for by the class's definition, not the imports
        if raw.startswith(DEFINED):
            index.setdefault(DEFINED, set()).add(raw)  # looked for in the bytes, not the imports
        for module in modules:
            index.setdefault(module.encode("utf-8", "surrogatepass"), set()).add(raw)
    # a class's definition after its name (see _holds_any)
    spelled = sorted((name.encode("utf-8", "surrogatepass") for name in wanted), key=lambda raw: raw.startswith(DEFINED))
    return tuple(spelled), index


def names_imported(data: bytes, wanted: dict, index: tuple, words: Optional[tuple], absent: Optional[Set[bytes]] = None) -> Tuple[Optional[tuple], Set[str]]:
    """`names_in` of the wanted names (`index`: their `import_index`) the file may hold,
    and the file's `imported_words` when known or read here (None when not read).
    names_in finds a name only when the file holds its bytes, and imports it or a module
    of its path. A few names: a byte search each spares most files the read of their
    imports; hundreds (a project of many wrappers): reading the imports once is cheaper,
    and they pick the few names worth a test. absent: names an earlier round found the
    same file's bytes without (not searched again; those not found here are added): a
    later round mostly asks the names of the one before, and a few new ones."""
    spelled, by_word = index
    # A Protocol file is read only when it declares a wrapper method's name (an SDK defines hundreds).
    protocol = PROTOCOL in by_word and _holds(data, PROTOCOL, absent) and any(
        data.find(b"def " + m.encode()) >= 0 for m in wanted.get(PROTOCOL.decode(), ((), ()))[1])
    if words is None and len(spelled) <= MAX_NAMES_SEARCHED and not protocol and not _holds_any(data, spelled, absent):
        return None, set()
    if words is None:
        words = imported_words(data) if data.find(b"import") >= 0 else (set(), {})
    among = set().union(*[by_word[word] for word in (*words[0], *words[1]) if word in by_word])
    unmatched = [word for word in words[0] if word not in by_word and not word.islower()]
    if unmatched:  # a module imported with other letter cases than its file (`import Helpers`: meets)
        folded = _folded_index(by_word)
        among.update(*[folded.get(word.lower(), ()) for word in unmatched])
    among.update(raw for raw in by_word.get(HANDED, ()) if data.find(raw) >= 0)
    if data.find(b"class") >= 0:  # find, not bytes' `in`, which makes and drops a TypeError first
        among.update(raw for raw in by_word.get(DEFINED, ()) if data.find(raw) >= 0)
        among.update(raw for raw in by_word.get(HOLDER, ()) if data.find(_spelled(raw)) >= 0)
    if data.find(CHOSEN_AT_RUN_TIME) >= 0:  # a module picked by name: its wrappers are imported by no statement
        among.update(raw for raw in spelled if data.find(raw) >= 0)
    if not protocol:
        among.discard(PROTOCOL)
    return words, (names_in(data, wanted, words, among) if among else set())


def _holds_any(data: bytes, spelled: Tuple[bytes, ...], absent: Optional[Set[bytes]]) -> bool:
    """Does the file hold one of the names (but the Protocol, asked apart)? A class asked for
    by its definition (`class Name`) is not searched for where its name is absent."""
    missing = absent if absent is not None else set()
    for word in spelled:
        word = _spelled(word)
        if word == PROTOCOL or word.startswith(DEFINED) and word[len(DEFINED):] in missing:
            continue
        if _holds(data, word, missing):
            return True
    return False


def _holds(data: bytes, word: bytes, absent: Optional[Set[bytes]]) -> bool:
    if absent is not None and word in absent:
        return False
    if data.find(word) >= 0:
        return True
    if absent is not None:
        absent.add(word)
    return False


def _spelled(raw: bytes) -> bytes:
    """The bytes a wanted name is spelled with in the file: a holder's, its class's definition."""
    return DEFINED + raw[len(HOLDER):] if raw.startswith(HOLDER) else raw


HANDED = b"\0handed"  # import_index's key of the wrapper methods a file is read for when it calls them on anything
CHOSEN_AT_RUN_TIME = b"import_module"  # `importlib.import_module(f"app.providers.{name}")`


def _chosen_at_run_time(data: bytes, modules: frozenset) -> bool:
    """Does the file import a module by a name it builds, naming a module of the wrapper's path?"""
    return data.find(CHOSEN_AT_RUN_TIME) >= 0 and any(data.find(m) >= 0 for m in modules)


_ENTRY_BOUND = re.compile(rb"=[ \t]*self\.\w+[ \t]*(?:\[|\.get\()")  # `agent = self.agents[k]`
_ENTRY_END = frozenset(b"])")


def _entry_call(data: bytes, method: bytes) -> bool:
    """A method called right after a subscript or a call (`x[k].run(`, `x.get(k).run(`), or
    a file binding a name to an entry of a registry it keeps, `agent = self.agents[k]`."""
    for at, _ in _words(data, method):
        i = at - 1
        while i >= 0 and data[i] in b" \t":
            i -= 1
        if i >= 1 and data[i] == 0x2E and data[i - 1] in _ENTRY_END:
            return True
    return _ENTRY_BOUND.search(data) is not None


_HANDED = re.compile(rb"[ \t]*[,)]")  # after an argument: the next one, or the call's end


def _handed_attribute(data: bytes, word: bytes) -> bool:
    """`word` as an attribute handed to a call that runs it (`asyncio.to_thread(llm.ask, x)`,
    `executor.submit(llm.ask, x)`, `functools.partial(llm.ask, ...)`): a dot before it and an
    argument's end after it."""
    return any(_HANDED.match(data, end) is not None and _dot_before(data, at) for at, end in _words(data, word))


_BY_RAW: list = []  # [(the table last indexed, its rows by name as bytes)]


def _by_raw(table: tuple) -> tuple:
    """The table's rows by name as bytes, and the names not all `\\w` (a `DEFINED` one)."""
    if _BY_RAW and _BY_RAW[0][0] is table:
        return _BY_RAW[0][1]
    index = {row[2]: row for row in table}
    found = (index, frozenset(raw for raw in index if not _plain(raw)))
    _BY_RAW[:] = [(table, found)]
    return found


_PATTERNS: Dict[bytes, "re.Pattern[bytes]"] = {}
_MAX_PATTERNS = 4096


def _pattern(source: bytes) -> "re.Pattern[bytes]":
    """Compiled once per run: `re`'s own cache holds 512, and a round asks about hundreds of names."""
    found = _PATTERNS.get(source)
    if found is None:
        if len(_PATTERNS) >= _MAX_PATTERNS:
            _PATTERNS.clear()
        found = _PATTERNS[source] = re.compile(source)
    return found


def _search_at(pattern: "re.Pattern[bytes]", data: bytes, literal: bytes) -> bool:
    """`pattern.search(data)` for a pattern whose every match begins with `literal` (after
    a `\\b`): tried only where the literal is. A search led by `\\b` has no literal prefix
    for `re` to skip to, so it tries every offset of the file."""
    at = data.find(literal)
    while at >= 0:
        if pattern.match(data, at) is not None:
            return True
        at = data.find(literal, at + 1)
    return False


_PLAIN = re.compile(rb"\w+\Z")
_WORD_RUN = re.compile(rb"\w+")
_PLAIN_NAMES: Dict[bytes, bool] = {}


def _plain(raw: bytes) -> bool:
    found = _PLAIN_NAMES.get(raw)
    if found is None:
        if len(_PLAIN_NAMES) >= _MAX_PATTERNS:
            _PLAIN_NAMES.clear()
        found = _PLAIN_NAMES[raw] = _PLAIN.match(raw) is not None
    return found
# What a class or instance is made by (see names_in), the name as the group; each match
# is the only one at its start, so the name matches there exactly when it is the group.
_CLASS_HEAD = re.compile(rb"\bclass\s+\w+\s*\(")
_RETURNED = re.compile(rb"\breturn\s+(\w+)\s*\(")
_MODULE_INSTANCE = re.compile(rb"(?m)^\w+\s*(?::[^=\n]*)?=\s*(\w+)\s*\(")
_REGISTERED = re.compile(rb"(?:[\"']|\w\.\w+)\s*:\s*(\w+)\s*[,}]")
# an instance put in a collection, which a class of another file may be handed (registry_holders.py):
# `agents[k] = Agent(`, `{k: Agent(`, `[Agent(`, `agents.append(Agent(`
_HELD = re.compile(rb"(?:\][ \t]*=|:|\[|\.append\()[ \t]*(\w+)[ \t]*\(")
# the package a module's name is built on, read right after `import_module(`: `f"app.models.{name}"`, `"app.models." + name`
_BUILT_PACKAGE = re.compile(rb"""\s*(?:f["']([A-Za-z_][\w.]*)\.\{|["']([A-Za-z_][\w.]*)\.["']\s*\+)""")


def _built_on(data: bytes, module_bytes: frozenset) -> bool:
    """Does the file import a module by a name built on a package each word of which is one
    of a wrapper module's (`importlib.import_module(f"app.models.{name}")`)?"""
    at = data.find(CHOSEN_AT_RUN_TIME + b"(")
    while at >= 0:
        m = _BUILT_PACKAGE.match(data, at + len(CHOSEN_AT_RUN_TIME) + 1)
        if m is not None and module_bytes.issuperset((m.group(1) or m.group(2)).split(b".")):
            return True
        at = data.find(CHOSEN_AT_RUN_TIME + b"(", at + 1)
    return False
_PROTOCOL_CLASS = re.compile(rb"\bclass\s+\w+\s*\([^)]*\bProtocol\b")
_WORDS_FROM = 32  # names asked of one file from which its words are read once rather than each name searched


class _Spans:
    """What one file's `names_in` reads of its bytes at most once, whatever the number of
    names asked: the wrapper methods it reaches, and the names its classes derive from,
    its `return`s call, its module-level assignments call and its registries hold."""

    def __init__(self, data: bytes):
        self.data = data
        self.makers: Dict[str, Set[bytes]] = {}
        self.methods: Dict[str, bool] = {}

    def reached(self, method: str) -> bool:
        """Is `method` reached as an attribute (a dot before it) somewhere in the file?"""
        found = self.methods.get(method)
        if found is None:
            word = method.encode()
            data = self.data
            found = self.methods[method] = data.find(word) >= 0 and any(_dot_before(data, at) for at, _ in _words(data, word))
        return found

    def made(self, raw: bytes) -> bool:
        """A subclass of `raw` defined here, an instance of it returned, made at module level,
        held in a registry (see names_in), or an instance of it put in a collection."""
        data = self.data
        if not _plain(raw):  # (a name of other bytes: the patterns themselves)
            escaped = re.escape(raw)
            return (data.find(b"class") >= 0 and _search_at(_pattern(rb"\bclass\s+\w+\s*\([^)]*\b" + escaped + rb"\b"), data, b"class")) or (
                data.find(b"return") >= 0 and _search_at(_pattern(rb"\breturn\s+" + escaped + rb"\s*\("), data, b"return")) or (
                _pattern(rb"(?m)^\w+\s*(?::[^=\n]*)?=\s*" + escaped + rb"\s*\(").search(data) is not None) or (
                _pattern(rb"(?:[\"']|\w\.\w+)\s*:\s*" + escaped + rb"\s*[,}]").search(data) is not None)
        return any(raw in self._made_by(kind) for kind in ("class", "return", "instance", "registry", "held"))

    def _made_by(self, kind: str) -> Set[bytes]:
        found = self.makers.get(kind)
        if found is None:
            found = self.makers[kind] = set()
            data = self.data
            if kind == "class":
                for at in _offsets(data, b"class"):
                    head = _CLASS_HEAD.match(data, at)
                    if head is not None:
                        close = data.find(b")", head.end())
                        found.update(_WORD_RUN.findall(data, head.end(), close if close >= 0 else len(data)))
            elif kind == "return":
                for at in _offsets(data, b"return"):
                    m = _RETURNED.match(data, at)
                    if m is not None:
                        found.add(m.group(1))
            else:
                pattern = _MODULE_INSTANCE if kind == "instance" else _REGISTERED if kind == "registry" else _HELD
                m = pattern.search(data)
                while m is not None:  # every start, overlapping ones too
                    found.add(m.group(1))
                    m = pattern.search(data, m.start() + 1)
        return found


_FOLDED: list = []  # [(the index last folded, its words lower-cased -> their names)]


def _folded_index(by_word: Dict[bytes, Set[bytes]]) -> Dict[bytes, Set[bytes]]:
    if _FOLDED and _FOLDED[0][0] is by_word:
        return _FOLDED[0][1]
    folded: Dict[bytes, Set[bytes]] = {}
    for word, raws in by_word.items():
        folded.setdefault(word.lower(), set()).update(raws)
    _FOLDED[:] = [(by_word, folded)]
    return folded


def _meets(modules: frozenset, words: Set[bytes], folded: Set[bytes]) -> bool:
    """Does the file import a module of the wrapper's path: spelled so, or with other letter
    cases (`from Concurrency import ...` for concurrency.py, as link finds it: module_case)?
    folded: the file's import words not all lower case, lower-cased (most files have none)."""
    return not modules.isdisjoint(words) or bool(folded) and any(m.lower() in folded for m in modules)


def _offsets(data: bytes, literal: bytes):
    at = data.find(literal)
    while at >= 0:
        yield at
        at = data.find(literal, at + 1)


def names_in(data: bytes, wanted: dict, words: Optional[Tuple[Set[bytes], Dict[bytes, int]]] = None, among: Optional[Sequence[bytes]] = None) -> Set[str]:
    """Which of the project's wrappers a file may call from another module. `wanted`: name
    -> (the module path it is imported by, the wrapper methods when it is a class or an
    instance). A function: imported by name and used besides (`from app.llm import ask`
    ... `ask`), or called as an attribute of a module of its path the file imports
    (`import app.llm as llm` ... `llm.ask(`). A class or an instance: named so, and one of
    its wrapper methods reached as an attribute (`.chat`). A necessary condition, read
    loosely (`words`: the file's `imported_words`, when known): a scan for `import`, then
    a search for the few names the file imports. `among`: the names (as bytes) worth a
    test, when the caller has picked them with `import_index` (a round asks about
    hundreds of names, a file imports a few)."""
    if words is None:
        if data.find(b"import") < 0:
            return set()
        words = imported_words(data)
    modules_in, names_in_file = words
    folded_in = {w.lower() for w in modules_in if not w.islower()}
    found = set()
    table = _encoded(wanted)
    by_raw, other_bytes = _by_raw(table)
    raws = set(by_raw) if among is None else set(among).intersection(by_raw)
    # Every test below needs the name's bytes in the file (as a whole word, PROTOCOL's and
    # DEFINED's too): a search each for a few names; for many, the file's words read once
    # (a name `\w+`, ASCII, is a whole word only where it is one of them).
    if len(raws) < _WORDS_FROM:
        raws = {raw for raw in raws if data.find(_spelled(raw)) >= 0}
    else:
        raws = raws.intersection(_WORD_RUN.findall(data)) | raws.intersection(other_bytes)
    spans = _Spans(data)
    for name, (modules, methods), raw, module_bytes in (by_raw[raw] for raw in raws):
        if raw.startswith(DEFINED):
            # the file defining another file's base class, and reaching one of the methods a
            # subclass's wrapper overrides (`self._complete(`): a template method
            if _search_at(_pattern(rb"\b" + re.escape(raw) + rb"\s*[(:]"), data, raw) and any(
                    data.find(m.encode()) >= 0 and any(_dot_before(data, at) for at, _ in _words(data, m.encode())) for m in methods):
                found.add(name)
            continue
        if raw.startswith(HOLDER):
            # the file defining a class a caller hands a registry of wrapper objects, calling
            # one of their methods on an entry: `x[k].run(`, `x.get(k).run(`, or a name bound
            # to one, `agent = self.agents[k]` (registry_holders.py)
            if _search_at(_pattern(rb"\bclass\s+" + re.escape(raw[len(HOLDER):]) + rb"\s*[(:]"), data, b"class") and any(
                    _called_attribute(data, m.encode()) and _entry_call(data, m.encode()) for m in methods):
                found.add(name)
            continue
        if raw == PROTOCOL:
            # a file defining a Protocol class (wrappers.PROTOCOL): read for its methods
            # (and declaring one of the wrapper methods: a project of many Protocols, an SDK's
            # own source, is not read whole)
            if _search_at(_PROTOCOL_CLASS, data, b"class") and any(
                    _search_at(_pattern(rb"\bdef\s+" + re.escape(m.encode()) + rb"\s*\("), data, b"def") for m in methods):
                found.add(name)
            continue
        if raw == CHOSEN_AT_RUN_TIME:  # (wrappers.CHOSEN) a class picked by name from a module imported by a built name
            if data.find(b"getattr") >= 0 and _built_on(data, module_bytes):
                found.add(name)
            continue
        if name in methods and not raw.startswith(DEFINED):
            # (wrappers.exported's `handed`) a wrapper method called on an object of no said
            # type, handed in (a registry of agents): called after a dot, whatever the file imports
            if _called_attribute(data, raw):
                found.add(name)
            continue
        listed = names_in_file.get(raw, 0)
        if listed:
            # used besides its imports, or imported under another name (`import X as Y`);
            # and imported from a module of its path (or a bare relative `from .. import`):
            # a wrapper class named `BaseModel` is not every pydantic model's
            named = (RELATIVE in modules_in or _meets(module_bytes, modules_in, folded_in)) and (
                sum(1 for _ in _words(data, raw)) > listed or _search_at(_pattern(rb"\b" + re.escape(raw) + rb"\s+as\s+\w"), data, raw))
        else:
            # a star import of a module of its path binds it unlisted: any use of the bare name (`add_node("x", node)`)
            starred = STAR in names_in_file and _meets(module_bytes, modules_in, folded_in)
            named = not (not _meets(module_bytes, modules_in, folded_in) and module_bytes.isdisjoint(names_in_file) and not _chosen_at_run_time(data, module_bytes)) and data.find(raw) >= 0 and (
                (_called_attribute(data, raw) or _handed_attribute(data, raw) or starred and any(True for _ in _words(data, raw))) if not methods else any(True for _ in _words(data, raw))
            )
        if named and methods and "__call__" not in methods:
            # a method reached as an attribute: called, or handed over (`submit(obj.chat, x)`);
            # or a subclass defined here, whose own calls the next round looks for; or an
            # instance a factory returns (`return OpenAIProvider()`), whose callers the next
            # round looks for through the factory's name; or a module-level instance made here
            # (`llm = create_llm(cfg)`), imported by the next round's callers; or a registry of
            # classes (`{"anthropic": AnthropicHandler}`, `Provider.ANTHROPIC: ...`) a factory
            # here instantiates (not an annotation: `llm: AnthropicHandler,`)
            named = any(spans.reached(m) for m in methods) or spans.made(raw)
        if named:
            found.add(name)
    return found
