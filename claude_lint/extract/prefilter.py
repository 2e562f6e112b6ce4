"""Which Python files need the extractor's walk, decided cheaply from the SDK table.

The extractor recognises only a call whose attribute chain ends with one of the table's
chains, and whose receiver is proven: either by a client class, which needs an
absolute import of an SDK module (`import anthropic`, `from anthropic.lib import ...`),
or by the call's own keywords (`sdk.UNTYPED_RECEIVER_PROOF`: `model=` and
`max_tokens=`). Two steps test that before the walk is paid:

1. `needs_parse`, on the raw bytes: every word of one chain (a one-word chain written
   after a dot or imported by name), and either every proof keyword or an import
   statement naming an SDK module. A few substring searches; most files stop here,
   unparsed.
2. `may_call`, on the `ast` tree the extractor then walks: a call whose chain ends with
   a table chain, and which the extractor could accept: for a method chain, either the
   call spells out every keyword of `sdk.UNTYPED_RECEIVER_PROOF` or the file names one
   of the client classes (as an identifier, an imported name or inside an annotation),
   since a receiver's provider is only ever proven through a client class.

Both tests are necessary conditions, read more loosely than the extractor reads them, so
they can only let extra files through, never hold one back: a file that passes is
walked and judged by the extractor as usual. tests/test_equivalence.py proves that
findings do not change with the pre-filter off.

Everything is computed from `sdk` on first use: a new client class, method chain,
function or module in the table extends the pre-filter with no edit here.

A third test serves the engine's second phase (calls of the project's own wrappers in
files that name no SDK): `names_in`, on the bytes, says which wrappers a file imports
and uses; only those files are parsed for their calls.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import Callable, Dict, FrozenSet, Iterator, List, NamedTuple, Optional, Pattern, Set, Tuple

from claude_lint.extract import sdk

# Links the extractor leaves out of a chain (python.CHAIN_SKIP): kept in step by a test.
_SKIPPED_LINKS = frozenset({"with_raw_response", "with_streaming_response"})
_WORD = re.compile(r"\w+")
# From the start of the logical line (after a `;`) to a module's name: an import statement?
_IMPORT_BEFORE = re.compile(rb"\b(?:import|from)\b[^;#]*\Z")
_IDENT = re.compile(rb"[\w.]")
_WORDCHAR = re.compile(rb"\w")


class _Table(NamedTuple):
    names: Tuple[bytes, ...]  # module names: one must occur in the file
    chains: Tuple[Tuple[bytes, ...], ...]  # every word of one must occur in the file
    extra: Tuple[bytes, ...]  # hand-written hints no chain implies: any one lets a file through
    methods: FrozenSet[Tuple[str, ...]]  # method chains (receiver proven by class or keywords)
    functions: FrozenSet[Tuple[str, ...]]  # function names (recognised by qualified name)
    lengths: Tuple[int, ...]
    classes: FrozenSet[str]  # last component of each client class or client factory
    positional: dict  # method chain -> keyword names its positional arguments take
    function_words: FrozenSet[str]  # last component of each function's qualified name
    proof: FrozenSet[str]  # keywords that prove an untyped receiver
    proof_bytes: Tuple[Tuple[bytes, Pattern[bytes]], ...]  # keyword, and it written as `keyword=`
    chain_words: Tuple[Tuple[bytes, ...], ...]  # per chain, longest (rarest) word first
    extra_words: FrozenSet[str]


# Between two tokens of one expression: whitespace, comments, continuations; brackets
# too (a parenthesised receiver; extra files let through are harmless).
# A comment must run to its line's end: one way to match it, so no backtracking blow-up.
_GAP = rb"(?:[\s()\\]|#[^\r\n]*(?![^\r\n]))*"


# From the end of a called name to its argument list: whitespace, comments, continuations
# and closing parentheses (`(client.messages.create)(`), then the opening one.
_CALL_GAP = rb"(?:[\s)\\]|#[^\r\n]*(?![^\r\n]))*\("
_CALL_AFTER = re.compile(_CALL_GAP)


@lru_cache(maxsize=None)
def _chain_re(chain: Tuple[bytes, ...]) -> Pattern[bytes]:
    """Compiled on first use: a run over one file compiles only the chains it writes."""
    skipped = rb"(?:\." + _GAP + rb"(?:" + b"|".join(re.escape(w.encode()) for w in sorted(_SKIPPED_LINKS)) + rb")\b" + _GAP + rb")*"
    parts = [re.escape(chain[0]) + rb"\b" + _GAP]
    for word in chain[1:]:
        parts.append(skipped + rb"\." + _GAP + re.escape(word) + rb"\b")
        parts.append(_GAP if word is not chain[-1] else _CALL_GAP)
    return re.compile(b"".join(parts))


def _root(qualified: str) -> str:
    return qualified.split(".")[0]


@lru_cache(maxsize=1)
def _table() -> _Table:
    functions = dict(getattr(sdk, "FUNCTIONS", {}) or {})
    clients = dict(getattr(sdk, "CLIENT_CLASSES", {}) or {})
    modules = set(getattr(sdk, "SDK_MODULES", ()))
    modules.update(_root(q) for q in clients)
    modules.update(_root(q) for q in functions)
    names = {m.encode() for m in modules if m}
    names.update(n for n in getattr(sdk, "PREFILTER_NAMES", ()) if n)
    methods = frozenset(tuple(shape.chain) for shape in getattr(sdk, "METHODS", ()))
    function_tails = frozenset((q.rsplit(".", 1)[-1],) for q in functions)
    chains = {tuple(w.encode() for w in chain) for chain in methods | function_tails}
    words = {w for chain in chains for w in chain}
    extra = tuple(s for s in getattr(sdk, "PREFILTER_SHAPES", ()) if s not in words)
    proof = frozenset(getattr(sdk, "UNTYPED_RECEIVER_PROOF", ()))
    # A proof keyword passed positionally is not written `keyword=`: then only the word is required.
    positional_proof = any(proof.intersection(getattr(shape, "positional", ())) for shape in getattr(sdk, "METHODS", ()))
    return _Table(
        names=tuple(sorted(names)),
        chains=tuple(sorted(chains)),
        extra=extra,
        methods=methods,
        functions=function_tails,
        lengths=tuple(sorted({len(c) for c in methods | function_tails})),
        classes=frozenset(q.rsplit(".", 1)[-1] for q in list(clients) + [q for q, _ in getattr(sdk, "CLIENT_FACTORIES", {})]),
        positional={tuple(shape.chain): tuple(getattr(shape, "positional", ())) for shape in getattr(sdk, "METHODS", ())},
        function_words=frozenset(w for (w,) in function_tails),
        proof=frozenset(getattr(sdk, "UNTYPED_RECEIVER_PROOF", ())),
        proof_bytes=tuple((k.encode(), re.compile(re.escape(k.encode()) + (rb"" if positional_proof else rb"\b" + _GAP + rb"=(?!=)")))
                          for k in getattr(sdk, "UNTYPED_RECEIVER_PROOF", ())),
        chain_words=tuple(tuple(sorted(chain, key=len, reverse=True)) for chain in sorted(chains)),
        extra_words=frozenset(s.decode("ascii", "ignore") for s in extra),
    )


# --- step 1: bytes ----------------------------------------------------------------------


def needs_parse(data: bytes) -> bool:
    """Could this file hold a call the extractor recognises? False only when it surely cannot."""
    t = _table()
    seen: dict = {}

    def has(word: bytes) -> bool:
        if word not in seen:
            seen[word] = word in data
        return seen[word]

    # Cheapest first: substring searches (each word once per file; the few SDK names and
    # proof keywords before the many chain words), then the imports, then the regexes,
    # which only run on the few files still in.
    proof = bool(t.proof) and all(has(k) for k, _ in t.proof_bytes)
    named = any(has(n) for n in t.names)
    if not (proof or named):
        return False
    chains = [i for i, words in enumerate(t.chain_words) if all(has(w) for w in words)]
    extra = any(s in data for s in t.extra)
    if not chains and not extra:
        return False
    imports = named and _imports_sdk(data, t.names)
    if not (proof or imports):
        return False
    imported: List[bytes] = []

    def imported_names() -> bytes:
        if not imported:
            imported.append(_imported_names(data))
        return imported[0]

    if not extra and not any(_written_as_chain(data, t.chains[i], imported_names) for i in chains):
        return False
    # An untyped receiver is proven by its keywords (no import needed), written as keywords.
    return imports or all(rx.search(data) is not None for _, rx in t.proof_bytes)


def _written_as_chain(data: bytes, chain: Tuple[bytes, ...], imported: Callable[[], bytes]) -> bool:
    """A chain's words joined by dots, with only whitespace, comments, continuations,
    brackets or skipped links between them, and called. `with_options(...)` may sit
    inside a chain with any arguments: a file that writes it is only held to the words.

    A one-word chain is a method (`x.converse(`) or a function the extractor knows by its
    qualified name, reached as an attribute (`litellm.completion(`) or imported by name:
    so it is written after a dot or in an import statement. The word alone says little:
    in litellm it is in most files (`"completion"`, `completion_tokens`)."""
    if len(chain) == 1:
        return _called_attribute(data, chain[0]) or any(_words(imported(), chain[0]))
    return b"with_options" in data or _chain_re(chain).search(data) is not None


def _word_at(data: bytes, at: int, end: int) -> bool:
    return (at == 0 or not _WORDCHAR.match(data, at - 1)) and not _WORDCHAR.match(data, end)


def _words(data: bytes, word: bytes) -> Iterator[Tuple[int, int]]:
    """Where `word` stands as a whole word: (start, end) of each occurrence."""
    at = data.find(word)
    while at >= 0:
        end = at + len(word)
        if _word_at(data, at, end):
            yield at, end
        at = data.find(word, end)


_GAP_BYTES = frozenset(b" \t\x0b\x0c\\()")
_NEWLINES = frozenset(b"\r\n")


def _called_attribute(data: bytes, word: bytes) -> bool:
    """`word` called as an attribute: a dot before it and an opening parenthesis after it,
    with only a gap (_GAP) between (`(litellm.completion)(` too)."""
    return any(_CALL_AFTER.match(data, end) is not None and _dot_before(data, at) for at, end in _words(data, word))


def _dot_before(data: bytes, at: int) -> bool:
    i = at - 1
    while i >= 0:
        c = data[i]
        if c in _NEWLINES:
            # The line before may end in a comment: continue from the comment's `#`
            # (a `#` inside a string only lets an extra file through).
            line_start = max(data.rfind(b"\n", 0, i), data.rfind(b"\r", 0, i)) + 1
            comment = data.find(b"#", line_start, i)
            i = (comment if comment >= 0 else i) - 1
        elif c in _GAP_BYTES:
            i -= 1
        else:
            return c == 0x2E  # "."
    return False


# From `import` to the end of the names it binds: `import a, b`, `from m import (a,\n b)`,
# with backslash continuations. Read loosely: `import x` inside a string counts too.
_IMPORTED_NAMES = re.compile(rb"import(?:[ \t]|\\\r?\n|\\\r)*(?:\(([^)]*)\)|((?:[ \t\w.,*]|\\\r?\n|\\\r)*))")


def _imported_names(data: bytes) -> bytes:
    """Every name list of the file's import statements, joined by newlines."""
    spans = []
    at = data.find(b"import")
    while at >= 0:
        m = _IMPORTED_NAMES.match(data, at) if _word_at(data, at, at + 6) else None
        if m is not None:
            spans.append(m.group(1) if m.group(1) is not None else m.group(2))
        at = data.find(b"import", at + 6)
    return b"\n".join(spans)


def _occurrences(data: bytes, names: Tuple[bytes, ...]):
    """Where a module name starts a dotted name: not after a word character or a dot.
    bytes.find, because a regex starting with a look-behind scans every position."""
    for name in names:
        at = data.find(name)
        while at >= 0:
            end = at + len(name)
            if (at == 0 or not _IDENT.match(data, at - 1)) and not _WORDCHAR.match(data, end):
                yield at
            at = data.find(name, end)


def _imports_sdk(data: bytes, names: Tuple[bytes, ...]) -> bool:
    """An import statement naming an SDK module: from each occurrence of a module's name,
    back to the start of its logical line (backslash continuations included)."""
    for at in _occurrences(data, names):
        start = at
        while True:
            nl = data.rfind(b"\n", 0, start)
            nl = max(nl, data.rfind(b"\r", nl + 1, start))  # bounded: no rescan of the file per name
            if nl <= 0:
                start = 0
                break
            before = data[max(0, nl - 2):nl].rstrip(b"\r")
            if not before.endswith(b"\\"):
                start = nl + 1
                break
            start = nl - 1  # a continued line: keep going back
        if _IMPORT_BEFORE.search(data, start, at) is not None:
            return True
    return False


# --- step 2: ast ------------------------------------------------------------------------


def may_call(tree: ast.Module) -> bool:
    """After `needs_parse`, on the tree the extractor walks: could a call in this file be
    one the extractor recognises? (A file that does not parse never gets here: the
    extractor reports its syntax error.)"""
    t = _table()
    unproven = False  # a method chain whose receiver only a client class could prove
    names: Set[str] = set()
    for node in _nodes(tree):
        kind = type(node)
        if kind is ast.Call:
            chain = _chain(node.func)
            if t.extra_words and t.extra_words.intersection(chain):
                return True
            for n in t.lengths:
                tail = tuple(chain[-n:])
                if tail in t.functions:
                    return True
                if tail in t.methods:
                    named = t.positional.get(tail, ())[: sum(1 for a in node.args if not isinstance(a, ast.Starred))]
                    if t.proof <= {k.arg for k in node.keywords if k.arg}.union(named):
                        return True
                    unproven = True
        elif kind is ast.Name:
            names.add(node.id)
        elif kind is ast.Attribute:
            names.add(node.attr)
        elif kind is ast.alias:
            names.update(node.name.split("."))
        elif kind is ast.arg or kind is ast.AnnAssign:
            _annotation_words(node.annotation, names)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            _annotation_words(node.returns, names)
    # A function is recognised by its qualified name, so its own name is written in the
    # file (called, imported, or imported under an alias).
    if not t.function_words.isdisjoint(names):
        return True
    return unproven and not t.classes.isdisjoint(names)


def _annotation_words(annotation, names: Set[str]) -> None:
    """Words of string annotations (`client: "anthropic.Anthropic"`); the rest are nodes."""
    if annotation is None:
        return
    for node in ast.walk(annotation):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(_WORD.findall(node.value))


def _nodes(tree: ast.AST):
    """ast.walk, without its per-field generator overhead."""
    stack: List[ast.AST] = [tree]
    AST = ast.AST
    while stack:
        node = stack.pop()
        yield node
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, AST))
            elif isinstance(value, AST):
                stack.append(value)


def _chain(func: ast.expr) -> List[str]:
    """`client.with_options(x=1).messages.create` -> ["client", "messages", "create"]."""
    chain = []
    node = func
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr not in _SKIPPED_LINKS:
                chain.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "with_options":
            node = node.func.value
        else:
            break
    if isinstance(node, ast.Name):
        chain.append(node.id)
    chain.reverse()
    return chain


# --- step 3: the names of the project's wrappers -------------------------------------------

# An import statement: `from MODULE import NAMES` or `import NAMES`, with parentheses,
# backslash continuations and `as` aliases; read loosely (one inside a string counts too).
_IMPORT_STATEMENT = re.compile(
    rb"(?:from[ \t]+([\w.]+)[ \t]+)?import(?:[ \t]|\\\r?\n|\\\r)*(?:\(([^)]*)\)|((?:[ \t\w.,*]|\\\r?\n|\\\r)*))"
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
                    modules.update(_IDENTIFIER.findall(source))
                else:  # `import a.b as c`: modules, and the names they bind
                    modules.update(listed)
                for word in listed:
                    names[word] = names.get(word, 0) + 1
        at = data.find(b"import", at + 6)
    return modules, names


def names_in(data: bytes, wanted: dict, words: Optional[Tuple[Set[bytes], Dict[bytes, int]]] = None) -> Set[str]:
    """Which of the project's wrappers a file may call from another module. `wanted`: name
    -> (the module path it is imported by, the wrapper methods when it is a class or an
    instance). A function: imported by name and used besides (`from app.llm import ask`
    ... `ask`), or called as an attribute of a module of its path the file imports
    (`import app.llm as llm` ... `llm.ask(`). A class or an instance: named so, and one of
    its wrapper methods reached as an attribute (`.chat`). A necessary condition, read
    loosely (`words`: the file's `imported_words`, when known): a scan for `import`, then
    a search for the few names the file imports."""
    if words is None:
        if b"import" not in data:
            return set()
        words = imported_words(data)
    modules_in, names_in_file = words
    found = set()
    for name, (modules, methods) in wanted.items():
        raw = name.encode("utf-8", "surrogatepass")
        listed = names_in_file.get(raw, 0)
        if listed:
            named = sum(1 for _ in _words(data, raw)) > listed
        else:
            named = any(m.encode("utf-8", "surrogatepass") in modules_in or m.encode("utf-8", "surrogatepass") in names_in_file for m in modules) and raw in data and (
                _called_attribute(data, raw) if not methods else any(True for _ in _words(data, raw))
            )
        if named and methods and "__call__" not in methods:
            # a method reached as an attribute: called, or handed over (`submit(obj.chat, x)`);
            # or a subclass defined here, whose own calls the next round looks for
            named = any(m.encode() in data and any(_dot_before(data, at) for at, _ in _words(data, m.encode())) for m in methods) or (
                b"class" in data and re.search(rb"\bclass\s+\w+\s*\([^)]*\b" + re.escape(raw) + rb"\b", data) is not None
            )
        if named:
            found.add(name)
    return found
