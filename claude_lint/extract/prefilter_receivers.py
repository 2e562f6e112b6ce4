"""The byte pre-filter's test of a one-word chain whose receiver needs a client made in
the file (prefilter.py): LiteLLM's `acompletion` and `completion`. In litellm, dozens of
large files call `self._core.acompletion(` or `router.acompletion(` on an object made
elsewhere; the extractor finds no request in them, and their parse and walk were a
quarter of a cold run's extraction on the heavy bench corpus.

The extractor (python.call_sites) reads such a call in one of two ways:
- as the module function (`sdk.FUNCTIONS`, `litellm.acompletion`): the called
  expression's qualified name, which `Evaluator.qualname` builds from import statements
  only: the word itself in an import (`from litellm import acompletion as ask`), or an
  attribute chain whose first name an import binds (`litellm.acompletion`,
  `ll.main.acompletion`); an alias or `asyncio.to_thread` hands on the same expression;
- as the method of a client (`sdk.METHODS`, a Router's): only a client this file makes
  or annotates, followed back to a qualified name in the client tables (`litellm.Router`),
  whose last word is then written in the file (as the attribute or the imported name).
  A shape with `untyped` (its chain or keywords prove it) or a keyword `proof` is left to
  the general test: it needs no client. So is an HTTP verb that also ends an SDK chain
  (`stream`: `m = client.messages` then `m.stream(`); `post` and `request` are held to an
  HTTP client (`requests.Session`, `httpx.Client`...) or module function (`requests.post`)
  like the rest: in litellm, dozens of files POST through the project's own handler class.

So a call of such a chain is worth the parse only where the file writes one of its
client words in code or in a string that reads as an expression (an annotation; a
string's escapes are read for letters they spell), or where some `.word` in code has a
first name an import binds with a module of the function (or one not read for sure: a
bracket, a line break, a non-ASCII letter). The readings are loose in the safe direction
(a string in code where the code reader stops, every import-like text); the
approximations are the byte test's own: identifiers read as written in ASCII, one
string literal at a time, and import lists as prefilter._IMPORTED_NAMES reads them."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Callable, Dict, FrozenSet, Optional

import ast
import bisect
import re

from claude_lint.extract.prefilter_table import _WORD_BYTES, _words

_SPACE = (0x20, 0x09)
_UNSURE = (0x0A, 0x0D, 0x5C)  # a line break or a backslash: the chain may go on across it
_DOT = 0x2E
_HASH = 0x23
# an escape that can stand for a letter: hex, Unicode, a Unicode name, octal
_LETTER_ESCAPE = re.compile(rb"\\[xuUN0-7]")
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# The words of the module functions' qualified names but the last, by the last
# (`acompletion` -> litellm, main): a chain read as one starts with a name some import
# statement binds while naming one of them (`import litellm as ll`, `from litellm import main`).
_FUNCTION_MODULES: "Dict[bytes, FrozenSet[bytes]]" = {}
# chain word -> the words one of which a client it needs is written with (None: not known)
_CLIENT_WORDS: "Optional[Dict[bytes, FrozenSet[bytes]]]" = None


def client_words() -> "Dict[bytes, FrozenSet[bytes]]":
    """The one-word chains read only through a client made in the file or as a module
    function, each with the last words of the qualified names that make its clients."""
    global _CLIENT_WORDS
    if _CLIENT_WORDS is None:
        from claude_lint.extract import clients, sdk

        by_word: dict = {}
        for shape in sdk.METHODS:
            if len(shape.chain) == 1:
                by_word.setdefault(shape.chain[0], []).append(shape)
        # a chain-proven shape of the same provider proves a receiver beside it (_sibling_provider)
        chain_proven = {p for s in sdk.METHODS if s.untyped == "chain" and not s.proof for p in s.providers}
        string_made = set(clients.PROVIDER_STRING_PROVIDERS.values()) | {"openai"}
        # the last words of the SDK's own chains: `m.stream(` after `m = client.messages` is read
        # as `messages.stream` (python._decompositions), whatever client the word alone needs
        sdk_last = {s.chain[-1] for s in sdk.METHODS if s.chain and not s.http}
        found = {}
        for word, shapes in by_word.items():
            providers = {p for s in shapes for p in s.providers}
            if any(s.untyped or s.proof for s in shapes) or providers & chain_proven:
                continue
            if any(s.http for s in shapes) and (word in sdk_last or not all(s.http for s in shapes)):
                continue
            quals = [q for q, p in sdk.CLIENT_CLASSES.items() if p in providers]
            quals += [q for q, p in sdk.MODULE_CLIENTS.items() if p in providers]
            quals += [q for (q, _), p in sdk.CLIENT_FACTORIES.items() if p in providers]
            if providers & string_made:
                quals += list(clients.PROVIDER_STRING_FACTORIES)
            found[word.encode()] = frozenset(q.rsplit(".", 1)[-1].encode() for q in quals)
            _FUNCTION_MODULES[word.encode()] = frozenset(w.encode() for q in sdk.FUNCTIONS if q.rsplit(".", 1)[-1] == word for w in q.split(".")[:-1])
        _CLIENT_WORDS = found
    return _CLIENT_WORDS


def may_be_read(data: bytes, word: bytes, named: bytes, in_code: "Callable[[int], bool]", reader: list) -> bool:
    """Could a call of the one-word chain `word` be a request the extractor reads?
    named: the name lists of the file's import statements, joined by NUL bytes (prefilter._imports);
    in_code, reader: the byte test's reading of the file (the CodeReader made by in_code)."""
    needed = client_words().get(word)
    if needed is None:
        return True  # not a chain this test knows
    if _escaped_client(data, needed, in_code, reader):
        return True
    for client in needed:
        if data.find(client) >= 0 and any(in_code(at) or _annotation(data, at, reader[0]) for at, _ in _words(data, client)):
            return True
    if any(_words(named, word)):
        return True  # imported by name: the module function
    modules = _FUNCTION_MODULES.get(word, ())
    lists = named.split(b"\0")
    for at, _ in _words(data, word):
        head = _head(data, at)
        if head is None or (head and any(any(_words(names, head)) and any(any(_words(names, m)) for m in modules) for names in lists)):
            if in_code(at):  # (a string holds no attribute: `"litellm.acompletion"`)
                return True
    return False


def _escaped_client(data: bytes, needed, in_code, reader: list) -> bool:
    """Might a string spell a client's name in escapes (`"litellm.\\x52outer"`), as an
    annotation? Each letter escape's string is read for its value (in code, as in an
    f-string or where the reading stopped: maybe)."""
    for m in _LETTER_ESCAPE.finditer(data):
        if in_code(m.start()):
            return True
        start, end = _span(reader[0], m.start())
        if data[start - 1] == _HASH:
            continue
        text = _value(data, start, end)
        if text is None or (text is not False and any(w.decode() in text for w in needed) and _expression(text)):
            return True
    return False


def _span(reader, at: int):
    i = bisect.bisect_right(reader._starts, at) - 1
    return reader._starts[i], reader._ends[i]


def _expression(text: str) -> bool:
    try:
        ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _annotation(data: bytes, at: int, reader) -> bool:
    """Is the word at `at`, not in code, in a string an annotation may be: not a comment
    (no type comment is read), and the string's text an expression, as
    python_clients._annotation_provider parses it (an escape or a non-ASCII byte: maybe)."""
    start, end = _span(reader, at)
    if data[start - 1] == _HASH:
        return False
    body = data[start:end]
    if any(c >= 0x80 for c in body):
        return True
    text = _value(data, start, end)
    if text is None:
        return True
    if text is False:
        return False  # a bytes literal: no annotation is read from it
    return _expression(text)


def _value(data: bytes, start: int, end: int) -> "str | bool | None":
    """The value of the string literal whose text (ASCII, with escapes) is data[start:end]:
    False for a bytes literal, None when not read."""
    quote = data[start - 1:start]
    width = 3 if data[start - 3:start] == quote * 3 else 1
    at = start - width
    while at > 0 and start - width - at < 2 and data[at - 1] in _LETTERS:
        at -= 1
    if any(c in b"bB" for c in data[at:start - width]):
        return False
    try:
        value = ast.literal_eval(data[at:end + width].decode("ascii"))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return value if isinstance(value, str) else None


def _head(data: bytes, at: int) -> "Optional[bytes]":
    """The first name of the attribute chain the word at `at` ends (`litellm` of
    `litellm.main.acompletion`); b"" when the word follows no dot (no attribute), None
    where the chain is not read for sure (a bracket, a string, a line break, a non-ASCII name)."""
    j = _back_over_spaces(data, at - 1)
    if j < 0:
        return b""
    if data[j] in _UNSURE:
        return None
    if data[j] != _DOT:
        return b""
    while True:
        j = _back_over_spaces(data, j - 1)
        if j < 0 or data[j] in _UNSURE:
            return None
        end = j + 1
        while j >= 0 and data[j] in _WORD_BYTES:
            j -= 1
        if j + 1 == end or (j >= 0 and data[j] >= 0x80):
            return None
        k = _back_over_spaces(data, j)
        if k >= 0 and data[k] == _DOT:
            j = k
            continue
        if k >= 0 and data[k] in _UNSURE:
            return None
        return data[j + 1:end]


def _back_over_spaces(data: bytes, j: int) -> int:
    while j >= 0 and data[j] in _SPACE:
        j -= 1
    return j
