"""Which Python files need the extractor's walk, decided cheaply from the SDK table.

The extractor recognises only a call whose attribute chain ends with one of the table's
chains, and whose receiver is proven: either by a client class, which needs an
absolute import of an SDK module (`import anthropic`, `from anthropic.lib import ...`),
or by the call's own keywords (`sdk.UNTYPED_RECEIVER_PROOF`: `model=` and
`max_tokens=`, or keys of a `**params` dict), or by a distinctive chain alone (a shape
marked `untyped="chain"`, such as `chat.completions.create`: no import needed; it may
be aliased or handed to `asyncio.to_thread` rather than called). Two steps test that
before the walk is paid:

1. `needs_parse`, on the raw bytes: every word of one chain (a one-word chain written
   after a dot, imported by name, or assigned as an alias), and either every proof
   keyword or an import statement naming an SDK module; a chain made only through a
   client or function of some modules counts only where one of them is imported, and a
   raw POST only with an endpoint path or a chat body's keys in the file. A few
   substring searches and one pass over the imports; most files stop here, unparsed.
   `worth_parsing` adds, where the file is then parsed (a pool worker), a look at each
   `post(` call of a file whose only candidates are raw POSTs.
2. `may_call`, on the `ast` tree the extractor then walks: a call whose chain ends with
   a table chain, and which the extractor could accept: for a method chain, either the
   call spells out every keyword of `sdk.UNTYPED_RECEIVER_PROOF` or the file imports a
   module of its client and names one of the client classes (as an identifier, an
   imported name or inside an annotation), since a receiver's provider is only ever
   proven through a client class; an alias when it is called; a POST whose URL or body
   may make it an LLM request.

Both tests are necessary conditions, read more loosely than the extractor reads them, so
they can only let extra files through, never hold one back: a file that passes is
walked and judged by the extractor as usual. tests/test_equivalence.py proves that
findings do not change with the pre-filter off. (Two readings are approximate, on code
no one writes: a raw POST's endpoint path is looked for whole in one string, not split
across literals; `worth_parsing` finds the function around a `post(` by indentation.)

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
    distinct: FrozenSet[Tuple[str, ...]]  # method chains that prove a call on any receiver (no import needed)
    through: FrozenSet[str]  # last word of a function that calls its first argument (asyncio.to_thread)
    distinct_chains: Tuple[Tuple[bytes, ...], ...]  # the distinct chains, as bytes
    distinct_groups: tuple  # the distinct chains grouped by their rarest word (see _present)
    chain_groups: dict  # root module (b"" for any file) -> the chains grouped by their rarest word
    hint_bytes: dict  # chain (bytes) -> groups of bytes, all of one the file must hold (every shape of the chain has hints)
    roots: dict  # chain (bytes) -> root modules one of which the file imports (chains with no untyped proof)
    root_names: dict  # the same, as str
    module_clients: FrozenSet[str]  # modules that are a client themselves (`openai.chat...`)
    function_roots: dict  # first word of a module function's chain -> the root modules it comes from
    needs: dict  # chain -> keywords one of which a call must carry (every shape of the chain needs one)
    needs_bytes: dict  # the same, keyed by the chain as bytes


# Between two tokens of one expression: whitespace, comments, continuations; brackets
# too (a parenthesised receiver; extra files let through are harmless).
# A comment must run to its line's end: one way to match it, so no backtracking blow-up.
_GAP = rb"(?:[\s()\\]|#[^\r\n]*(?![^\r\n]))*"


# From the end of a called name to its argument list: whitespace, comments, continuations
# and closing parentheses (`(client.messages.create)(`), then the opening one.
_CALL_GAP = rb"(?:[\s)\\]|#[^\r\n]*(?![^\r\n]))*\("
_CALL_AFTER = re.compile(_CALL_GAP)


@lru_cache(maxsize=None)
def _chain_re(chain: Tuple[bytes, ...], loose: bool = False) -> Pattern[bytes]:
    """Compiled on first use: a run over one file compiles only the chains it writes.
    `loose`: the chain may also be taken as a value rather than called (see _CHAIN_END)."""
    skipped = rb"(?:\." + _GAP + rb"(?:" + b"|".join(re.escape(w.encode()) for w in sorted(_SKIPPED_LINKS)) + rb")\b" + _GAP + rb")*"
    parts = [re.escape(chain[0]) + rb"\b" + _GAP]
    for word in chain[1:]:
        parts.append(skipped + rb"\." + _GAP + re.escape(word) + rb"\b")
        parts.append(_GAP if word is not chain[-1] else _CHAIN_END if loose else _CALL_GAP)
    return re.compile(b"".join(parts))


# After a distinctive chain: called, or taken as a value (an alias `create =
# client.chat.completions.create`, a callable handed to `asyncio.to_thread`): anything but
# a further attribute. Other chains must be called: their words are common.
_CHAIN_END = rb"(?:" + _CALL_GAP + rb"|(?!" + _GAP + rb"\.))"


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
    distinct = {tuple(shape.chain) for shape in getattr(sdk, "METHODS", ()) if getattr(shape, "untyped", "") == "chain"}
    shapes = [(tuple(shape.chain), shape) for shape in getattr(sdk, "METHODS", ())]
    shapes += [(_function_chain(q), shape) for q, shape in functions.items()]
    roots = _roots(functions, shapes)
    function_tails = frozenset(_function_chain(q) for q in functions)
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
        # (a function whose calls must carry a keyword is judged at its calls, not by its name)
        function_words=frozenset(c[0] for c in function_tails if c not in _by_chain(shapes, "needs")),
        proof=frozenset(getattr(sdk, "UNTYPED_RECEIVER_PROOF", ())),
        # written `keyword=`, or as the key of a `**params` dict literal
        proof_bytes=tuple((k.encode(), re.compile(re.escape(k.encode()) + (rb"" if positional_proof else rb"\b" + _GAP + rb"=(?!=)") + rb"|[\"']" + re.escape(k.encode()) + rb"[\"']\s*:"))
                          for k in getattr(sdk, "UNTYPED_RECEIVER_PROOF", ())),
        chain_words=tuple(tuple(sorted(chain, key=len, reverse=True)) for chain in sorted(chains)),
        extra_words=frozenset(s.decode("ascii", "ignore") for s in extra),
        distinct=frozenset(distinct),
        through=frozenset(q.rsplit(".", 1)[-1] for q in getattr(sdk, "CALL_THROUGH", ())),
        distinct_chains=tuple(tuple(w.encode() for w in c) for c in sorted(distinct)),
        distinct_groups=_groups(sorted(distinct), [_anchored(c, distinct) for c in sorted(distinct)])[b""],
        hint_bytes={tuple(w.encode() for w in c): h for c, h in _by_chain(shapes, "hints").items()},
        needs_bytes={tuple(w.encode() for w in c): k for c, k in _by_chain(shapes, "needs").items()},
        roots=roots,
        root_names={tuple(w.decode() for w in c): frozenset(r.decode() for r in rs) for c, rs in roots.items()},
        module_clients=frozenset(_root(q) for q in getattr(sdk, "MODULE_CLIENTS", {})),
        function_roots=_function_roots(functions),
        chain_groups=_groups(sorted(chains), [tuple(sorted(c, key=len, reverse=True)) for c in sorted(chains)], lambda c: roots.get(c)),
        needs=_by_chain(shapes, "needs"),
    )


def _function_roots(functions: dict) -> dict:
    out: dict = {}
    for q in functions:
        word = _function_chain(q)[0]
        out[word] = out.get(word, frozenset()) | {_root(q)}
    return out


def _function_chain(qualified: str) -> Tuple[str, ...]:
    """The words a call of a module function is written with: its name, or from the class it
    is a method of (`openai.ChatCompletion.create` -> ChatCompletion.create: `create` alone
    is in every ORM)."""
    parts = qualified.split(".")
    for i in range(1, len(parts) - 1):
        if parts[i][:1].isupper():
            return tuple(parts[i:])
    return (parts[-1],)


def _anchored(chain: Tuple[str, ...], chains) -> Tuple[bytes, ...]:
    """The chain's words, the one most chains share first (`completions` for every
    `chat.completions.*`): a file without it is cleared of all of them in one search."""
    shared = {w: sum(1 for c in chains if w in c) for w in chain}
    first = max(chain, key=lambda w: (shared[w], len(w)))
    return (first.encode(),) + tuple(w.encode() for w in sorted(chain, key=len, reverse=True) if w != first)


def _roots(functions: dict, shapes) -> dict:
    """chain -> the root modules one of which a file must name for the chain to count: a
    module function's own; for a method whose client must be seen (no untyped proof),
    those of its providers' client classes."""
    providers: dict = {}
    for q, provider in list(getattr(sdk, "CLIENT_CLASSES", {}).items()) + [(q, p) for (q, _), p in getattr(sdk, "CLIENT_FACTORIES", {}).items()]:
        providers.setdefault(provider, set()).add(_root(q))
    for q, provider in getattr(sdk, "MODULE_CLIENTS", {}).items():
        providers.setdefault(provider, set()).add(_root(q))
    out: dict = {}
    untyped = {chain for chain, shape in shapes if getattr(shape, "untyped", "")}
    for chain, shape in shapes:
        if chain in untyped:
            continue
        named = {_root(q) for q, s in functions.items() if s is shape and _function_chain(q) == chain}
        if not named:
            for p in shape.providers:
                named |= providers.get(p, {p})
        key = tuple(w.encode() for w in chain)
        out[key] = tuple(sorted(set(out.get(key, ())) | {r.encode() for r in named}))
    return out


def _by_chain(shapes, field: str) -> dict:
    """chain -> the union of a field over its shapes, when every shape of the chain sets it."""
    out: dict = {}
    empty = set()
    for chain, shape in shapes:
        value = tuple(getattr(shape, field, ()) or ())
        if not value:
            empty.add(chain)
        out[chain] = out.get(chain, ()) + value
    return {c: v for c, v in out.items() if c not in empty}


# --- step 1: bytes ----------------------------------------------------------------------


def needs_parse(data: bytes) -> bool:
    """Could this file hold a call the extractor recognises? False only when it surely cannot."""
    return _byte_test(data, False)


def worth_parsing(data: bytes) -> bool:
    """`needs_parse`, then, for a file whose only candidates are raw POSTs, each `post(`
    call judged alone (see _posts_may_call). Run where the file is parsed (a pool worker),
    not in the serial triage: it reads each call's arguments. What the triage found is
    remembered by the bytes' hash (pool workers are forked after it), so a file the
    triage let through for other calls costs a hash here."""
    only_posts = _TRIAGED.get(hash(data))
    if only_posts is False:
        return True
    if only_posts:
        return _posts_may_call(data, _table())
    return _byte_test(data, True)


# hash of a file's bytes -> whether only raw POSTs made the byte test let it through
_TRIAGED: dict = {}
_MAX_TRIAGED = 100_000


def _byte_test(data: bytes, posts: bool) -> bool:
    t = _table()
    seen: dict = {}

    def has(word: bytes) -> bool:
        if word not in seen:
            seen[word] = word in data
        return seen[word]

    # Cheapest first: the proof keywords and one pass over the import statements, then
    # substring searches (each word once per file), then the regexes, which only run on
    # the few files still in.
    proof = bool(t.proof) and all(has(k) for k, _ in t.proof_bytes)
    roots = _import_roots(data)  # one pass over `import`: cheaper than a search per SDK name
    imports = not roots.isdisjoint(t.names)
    # A distinctive chain (`chat.completions.create`) proves a call wherever its client comes from.
    distinct = [c for c in _present(t.distinct_groups, has)]
    if distinct and any(_chain_re(t.distinct_chains[i], True).search(data) is not None for i in distinct):
        return True
    if not (proof or imports):
        return False
    # A chain counts only where a module that can make it is imported (`OpenAI(` is LangChain's
    # completion LLM only in a file that imports langchain; `x.chat(` is Cohere's or Ollama's).
    groups = t.chain_groups.get(b"", ()) + tuple(g for r in roots for g in t.chain_groups.get(r, ()))
    chains = sorted(set(_present(groups, has)))
    # A chain whose shapes need a hint (a raw POST: an endpoint path, a chat body) counts only with one.
    through: List[bool] = []

    def passes_through() -> bool:  # a helper POSTing its caller's URL and body: its callers say
        if not through:
            through.append(_posts_pass_through(data))
        return through[0]

    chains = [i for i in chains if t.chains[i] not in t.hint_bytes or any(all(has(h) for h in group) for group in t.hint_bytes[t.chains[i]]) or passes_through()]
    extra = any(s in data for s in t.extra)
    if not chains and not extra:
        return False
    imported: List[bytes] = []

    def imported_names() -> bytes:
        if not imported:
            imported.append(_imported_names(data))
        return imported[0]

    # A method handed to `asyncio.to_thread(client.messages.create, ...)` is not called where written.
    through = any(has(w.encode()) for w in t.through)
    written = [i for i in chains if _written_as_chain(data, t.chains[i], imported_names, through)]
    if not extra and not written:
        return False
    only_posts = not extra and all(t.chains[i] in t.needs_bytes for i in written)
    if not posts and len(_TRIAGED) < _MAX_TRIAGED:
        _TRIAGED[hash(data)] = only_posts
    if posts and only_posts:
        # Only raw POSTs: judged call by call before paying for the file's parse (in litellm,
        # hundreds of files POST to their own services).
        return _posts_may_call(data, t)
    # An untyped receiver is proven by its keywords (no import needed), written as keywords.
    return imports or all(rx.search(data) is not None for _, rx in t.proof_bytes)


_MAX_CALL_BYTES = 20_000


def _posts_may_call(data: bytes, t: _Table) -> bool:
    """Could one of the file's `post(` calls be an LLM request? Each call's arguments are
    parsed alone and judged as `_may_post` judges them on the tree; a body passed by name
    is excluded only when it is a parameter of the function around the call (the
    extractor never reads a parameter as a dict). Anything not read here counts as a call."""
    hints = next(iter(t.hint_bytes.values()), ())
    keys = _ByteKeys(data, any(len(g) == 1 and g[0] in data for g in hints))
    needs = tuple(next(iter(t.needs_bytes.values()), ("json", "data")))
    for at, end in _words(data, b"post"):
        m = _CALL_AFTER.match(data, end)
        if m is None:
            continue
        if not _dot_before(data, at):
            return True  # `post(` imported by name: not judged here
        call = _call_at(data, m.end() - 1)
        if call is None:
            return True
        keys.at = at
        if _may_post(call, needs, keys):
            return True
    return False


def _posts_pass_through(data: bytes) -> bool:
    """Does a `post(` call send the URL and body of the function around it (extract/http.py's
    pending POST, a request where a caller passes an LLM endpoint)?"""
    for at, end in _words(data, b"post"):
        m = _CALL_AFTER.match(data, end)
        if m is None:
            continue
        call = _call_at(data, m.end() - 1)
        if call is not None and _passes_through(call, lambda name: name in _enclosing_params(data, at)):
            return True
    return False


def _passes_through(call: ast.Call, is_param: Callable[[str], bool]) -> bool:
    """A POST of the URL and body the function around it is given, in a function that is
    no method (extract/http.py leaves an HTTP client class's methods out)."""
    url = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else next((k.value for k in call.keywords if k.arg == "url"), None)
    body = next((k.value for k in call.keywords if k.arg in ("json", "data")), None)
    return isinstance(url, ast.Name) and isinstance(body, ast.Name) and is_param(url.id) and is_param(body.id) and not is_param("self") and not is_param("cls")


def _call_at(data: bytes, open_at: int) -> "ast.Call | None":
    """The call whose argument list opens at `open_at`, parsed alone (None: not readable)."""
    close = _closing(data, open_at)
    if close is None:
        return None
    try:
        node = ast.parse(b"f" + data[open_at:close + 1], mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return node if isinstance(node, ast.Call) else None


def _closing(data: bytes, open_at: int) -> "int | None":
    """The offset of the bracket closing the one at `open_at` (strings and comments
    skipped), within _MAX_CALL_BYTES; None when not found."""
    depth = 0
    for m in _BRACKET_TOKENS.finditer(data, open_at, min(len(data), open_at + _MAX_CALL_BYTES)):
        c = m.group(0)[:1]
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            depth -= 1
            if depth == 0:
                return m.start()
    return None


# Strings (with any prefix letters before them left as plain text) and comments as whole
# tokens, so that the brackets inside them are not counted; and the brackets.
_BRACKET_TOKENS = re.compile(
    rb'"""(?:\\[\s\S]|[^\\])*?"""|\'\'\'(?:\\[\s\S]|[^\\])*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|#[^\n]*|[()\[\]{}]'
)


class _ByteKeys:
    """`_Keys` read from the bytes: every key the file might write (a superset), and a name
    excluded only when it is a parameter of the `def` around the call."""

    def __init__(self, data: bytes, endpoints: bool = True):
        self.data = data
        self.at = 0
        self.endpoints = endpoints  # the file writes an endpoint path (as the byte test's hints say)

    def __contains__(self, key: str) -> bool:
        k = key.encode()
        return any(v in self.data for v in (b'"' + k + b'"', b"'" + k + b"'", k + b"="))

    def is_param(self, name: str, call) -> bool:
        return name in _enclosing_params(self.data, self.at)

    def of(self, name: str, proof, call) -> bool:
        if self.is_param(name, call):
            return False
        return all(k in self for k in proof)


def _enclosing_params(data: bytes, at: int) -> Set[str]:
    """The parameters of the innermost `def` whose block holds offset `at`, read by
    indentation; empty when there is none or it cannot be read."""
    line = data.rfind(b"\n", 0, at) + 1
    indent = _indent(data, line)
    while line > 0:
        line = data.rfind(b"\n", 0, line - 1) + 1
        text = data[line:data.find(b"\n", line) if data.find(b"\n", line) >= 0 else len(data)]
        stripped = text.strip()
        if not stripped or stripped.startswith((b"#", b")", b"]", b"}")):
            continue  # blank, a comment, or the close of a bracket (`) -> Result:` of a long signature)
        level = _indent(data, line)
        if level >= indent:
            continue
        indent = level
        if stripped.startswith((b"def ", b"async def ")):
            paren = data.find(b"(", line)
            close = _closing(data, paren) if paren >= 0 else None
            if close is None:
                return set()
            try:
                fn = ast.parse(b"def f" + data[paren:close + 1] + b": pass").body[0]
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return set()
            a = fn.args
            return {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs} | {x.arg for x in (a.vararg, a.kwarg) if x}
        if stripped.startswith(b"class ") or level == 0:
            return set()
    return set()


def _indent(data: bytes, line: int) -> int:
    n = 0
    while line + n < len(data) and data[line + n] in (0x20, 0x09):
        n += 1
    return n


def _present(groups, has) -> Iterator[int]:
    """The chains (indices) whose words are all in the file: each group is (rarest word,
    ((index, other words), ...)), so a file pays one search for the chains of an absent word."""
    for rare, members in groups:
        if has(rare):
            for i, rest in members:
                if all(has(w) for w in rest):
                    yield i


def _groups(chains, words_of, root_of=None) -> dict:
    """root (b"" for none) -> ((rarest word, ((chain index, other words), ...)), ...)."""
    out: dict = {}
    for i, chain in enumerate(chains):
        words = words_of[i]
        for root in (root_of(chain) if root_of else None) or (b"",):
            by_word = out.setdefault(root, {})
            by_word.setdefault(words[0], []).append((i, words[1:]))
    return {root: tuple((w, tuple(m)) for w, m in by_word.items()) for root, by_word in out.items()}


def _written_as_chain(data: bytes, chain: Tuple[bytes, ...], imported: Callable[[], bytes], loose: bool = False) -> bool:
    """A chain's words joined by dots, with only whitespace, comments, continuations,
    brackets or skipped links between them, and called. `with_options(...)` may sit
    inside a chain with any arguments: a file that writes it is only held to the words.
    `loose` (the file names `asyncio.to_thread`): the chain may be the callable handed to it.

    A one-word chain is a method (`x.converse(`) or a function the extractor knows by its
    qualified name, reached as an attribute (`litellm.completion(`) or imported by name:
    so it is written after a dot or in an import statement. The word alone says little:
    in litellm it is in most files (`"completion"`, `completion_tokens`)."""
    if loose and _through_re(chain).search(data) is not None:
        return True
    if len(chain) == 1:
        return _called_attribute(data, chain[0]) or any(_words(imported(), chain[0]))
    return b"with_options" in data or _chain_re(chain).search(data) is not None


@lru_cache(maxsize=None)
def _through_re(chain: Tuple[bytes, ...]) -> Pattern[bytes]:
    """The chain as the callable `asyncio.to_thread` runs: `to_thread(client.models.generate_content, ...`."""
    words = rb"\s*\.\s*".join(re.escape(w) for w in chain)
    return re.compile(rb"to_thread\(\s*(?:\w+\s*\.\s*)*" + words + rb"\s*[,)]")


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
    with only a gap (_GAP) between (`(litellm.completion)(` too), or ending its line, as
    the value of an alias (`completion = litellm.completion`) called later."""
    for at, end in _words(data, word):
        if _CALL_AFTER.match(data, end) is not None and _dot_before(data, at):
            return True
        if _LINE_END.match(data, end) is not None:
            line = max(data.rfind(b"\n", 0, at), data.rfind(b"\r", 0, at)) + 1
            if _ALIASED.match(data, line, at):  # `completion = litellm.completion`
                return True
    return False


_LINE_END = re.compile(rb"[ \t]*(?:#[^\r\n]*)?(?:[\r\n;]|\Z)")
_ALIASED = re.compile(rb"[ \t]*[\w.]+[ \t]*=[ \t]*[\w.]+\.\Z")


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


# Before `import` on its line (or after a `;`): nothing, or `from <module>`.
_IMPORT_HEAD = re.compile(rb"[ \t]*(?:from[ \t]+\.*([\w.]*)[ \t]+)?\Z")
_IMPORT_TAIL = re.compile(rb"(?:[\w., \t]|\\\r?\n|\\\r)+")
_IMPORTED_ROOT = re.compile(rb"(?:^|,)[\s\\]*(\w+)")


def _import_roots(data: bytes) -> FrozenSet[bytes]:
    """The root module of everything the file's import statements import (relative
    imports give none). bytes.find, not a regex scan: a regex tried at every position
    costs more than the rest of this test."""
    roots = set()
    cr = b"\r" in data
    at = data.find(b"import")
    while at >= 0:
        end = at + 6
        if _word_at(data, at, end):
            line = data.rfind(b"\n", 0, at) + 1
            if cr:
                line = max(line, data.rfind(b"\r", 0, at) + 1)
            start = data.rfind(b";", line, at) + 1 or line
            head = _IMPORT_HEAD.match(data, start, at)
            if head is not None:
                if head.group(1) is None:
                    names = _IMPORT_TAIL.match(data, end)
                    if names is not None:
                        roots.update(_IMPORTED_ROOT.findall(names.group(0)))
                elif head.group(1):
                    roots.add(head.group(1).split(b".")[0])
        at = data.find(b"import", end)
    return frozenset(roots)


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


# --- step 2: ast ------------------------------------------------------------------------


def may_call(tree: ast.Module) -> bool:
    """After `needs_parse`, on the tree the extractor walks: could a call in this file be
    one the extractor recognises? (A file that does not parse never gets here: the
    extractor reports its syntax error.)"""
    t = _table()
    keys = _Keys(tree)
    unproven = False  # a method chain whose receiver only a client class could prove
    # modules one of which the file must import for a call seen to count: a module's
    # function, or a method of one of its clients
    functions_of: Set[str] = set()
    clients_of: Set[str] = set()
    names: Set[str] = set()
    aliased: Set[str] = set()  # the last word of each name an import statement imports
    aliases: Set[str] = set()  # names a method or function of the table is assigned to
    called: Set[str] = set()  # names (or last attributes) the file calls
    imported: Set[str] = _top_imports(tree)  # known first, so that most files stop at their first call
    for node in _nodes(tree):
        kind = type(node)
        if kind is ast.Call or kind is ast.Assign:
            if kind is ast.Assign:
                # an alias of a method or function, called later: `create = client.chat.completions.create`
                if not isinstance(node.value, ast.Attribute):
                    continue
                chain, args = _chain(node.value), 0
            else:
                func = node.func
                if type(func) is ast.Name:
                    called.add(func.id)
                elif type(func) is ast.Attribute:
                    called.add(func.attr)
                chain = _chain(func)
                args = -1
                if chain and chain[-1] in t.through and node.args:
                    chain, args = _chain(node.args[0]), sum(1 for a in node.args if not isinstance(a, ast.Starred)) - 1
            if t.extra_words and t.extra_words.intersection(chain):
                return True
            for n in t.lengths:
                tail = tuple(chain[-n:])
                if tail not in t.functions and tail not in t.methods:
                    continue
                if tail in t.needs and kind is ast.Call and not _may_post(node, t.needs[tail], keys):
                    continue  # a POST that no URL or body makes an LLM request
                if kind is ast.Assign:
                    aliases.update(_alias_names(node.targets))  # decided once the calls are seen
                    continue
                if tail in t.distinct:
                    return True
                if tail in t.root_names:
                    # made only through a function, or a client, of a module the file imports
                    roots = t.root_names[tail]
                    if tail in t.functions:
                        if not roots.isdisjoint(imported):
                            return True
                        functions_of.update(roots)
                    else:
                        clients_of.update(roots)
                    continue
                if tail in t.functions:
                    return True
                if args < 0:
                    args = sum(1 for a in node.args if not isinstance(a, ast.Starred))
                keywords = {k.arg for k in node.keywords}
                named = t.positional.get(tail, ())[:args]
                if None in keywords or t.proof <= (keywords - {None}).union(named):
                    return True  # proven, or a `**params` that may prove it
                unproven = True
        elif kind is ast.Name:
            names.add(node.id)
        elif kind is ast.Attribute:
            names.add(node.attr)
        elif kind is ast.alias:
            names.update(node.name.split("."))
            aliased.add(node.name.rsplit(".", 1)[-1])
        elif kind is ast.Import:
            imported.update(a.name.split(".")[0] for a in node.names)
        elif kind is ast.ImportFrom:
            if node.module and not node.level:
                imported.add(node.module.split(".")[0])
        elif kind is ast.arg or kind is ast.AnnAssign:
            _annotation_words(node.annotation, names)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            _annotation_words(node.returns, names)
    if not aliases.isdisjoint(called):
        return True  # the alias is called (its client is judged when the file is walked)
    if not functions_of.isdisjoint(imported):
        return True
    clients = clients_of.intersection(imported)
    if clients and (not t.classes.isdisjoint(names) or not clients.isdisjoint(t.module_clients)):
        return True
    # A function imported by name, called under another (`from litellm import completion as
    # chat`): its qualified name is in the import.
    for word in t.function_words.intersection(aliased):
        if not imported.isdisjoint(t.function_roots[word]):
            return True
    return unproven and not t.classes.isdisjoint(names)


def _alias_names(targets) -> Set[str]:
    """`create = ...` -> {"create"}; `self.create = ...` -> {"create"}."""
    out: Set[str] = set()
    for target in targets:
        if isinstance(target, ast.Name):
            out.add(target.id)
        elif isinstance(target, ast.Attribute):
            out.add(target.attr)
    return out


def _top_imports(tree: ast.Module) -> Set[str]:
    """Root modules imported by the module's own statements (and those of its top-level
    `try`/`if` blocks): most imports, read without walking the tree."""
    out: Set[str] = set()
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module and not node.level:
                out.add(node.module.split(".")[0])
        elif isinstance(node, (ast.Try, ast.If)) or type(node).__name__ == "TryStar":
            stack.extend(node.body)
            stack.extend(node.orelse)
            for handler in getattr(node, "handlers", ()):
                stack.extend(handler.body)
    return out


class _Keys:
    """The keys the file writes into dicts, read on first use: literal keys, item
    assignments, `setdefault`, and keywords of `dict(...)`, `.update(...)` or a class
    (a typed request): the ways extract/values.py and moves.py build a mapping. Per
    function too, as the extractor finds a name: the keys written into a dict bound to
    it there, whether it is also bound to something else there (a call's result: its keys
    are then only known file-wide), or whether it is a parameter (never a dict we see)."""

    def __init__(self, tree: ast.AST):
        self.tree = tree
        self._keys: "Set[str] | None" = None
        self.scope_of: dict = {}  # id(call) -> the function it sits in (None: the module)
        self.locals: dict = {}  # (id(function) or None, name) -> set of keys, or None when opaque
        self.params: dict = {}  # id(function) -> parameter names

    @property
    def endpoints(self) -> bool:
        """Does the file write an LLM endpoint path in a string?"""
        if self._keys is None:
            self._read()
        return self._endpoints

    _endpoints = False

    def _read(self) -> None:
        self._keys = set()
        AST = ast.AST
        stack = [(self.tree, None)]
        while stack:
            node, fn = stack.pop()
            kind = type(node)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.Lambda:
                a = node.args
                self.params[id(node)] = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs} | {x.arg for x in (a.vararg, a.kwarg) if x}
                inner = node
            else:
                inner = fn
            if kind is ast.Dict:
                self._keys.update(_dict_keys(node))
            elif kind is ast.Constant:
                if not self._endpoints and isinstance(node.value, str) and _endpoint_path(node.value):
                    self._endpoints = True
            elif kind is ast.Subscript:
                if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                    self._keys.add(node.slice.value)
                    if isinstance(node.value, ast.Name):
                        self._local(fn, node.value.id, [node.slice.value])
            elif kind is ast.Call:
                self.scope_of[id(node)] = fn
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                written = ()
                if name in ("dict", "update") or name[:1].isupper():
                    written = [k.arg for k in node.keywords if k.arg]
                elif name == "setdefault" and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    written = [node.args[0].value]
                self._keys.update(written)
                if name in ("update", "setdefault") and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    self._local(fn, func.value.id, written, opaque=name == "update" and bool(node.args))
            elif kind is ast.Assign or kind is ast.AnnAssign:
                value = node.value
                for target in (node.targets if kind is ast.Assign else [node.target]):
                    for name in _target_names(target):
                        if isinstance(target, ast.Name) and isinstance(value, ast.Dict):
                            self._local(fn, name, _dict_keys(value), bound=True, dict_like=True)
                        elif isinstance(target, ast.Name) and isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
                            # dict(model=...) is read as a dict; dict(other) is not
                            self._local(fn, name, [k.arg for k in value.keywords if k.arg], bound=True, dict_like=not value.args)
                        elif _never_dict(target, value):
                            self._local(fn, name, (), bound=True)
                        else:
                            self._local(fn, name, (), opaque=True, bound=True, dict_like=True)
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    stack.extend((v, inner) for v in value if isinstance(v, AST))
                elif isinstance(value, AST):
                    stack.append((value, inner))

    def _local(self, fn, name: str, keys, opaque: bool = False, bound: bool = False, dict_like: bool = False) -> None:
        """Note what the function `fn` does with `name`: keys it writes into it; whether it
        binds it (`bound`), to something that may be a dict (`dict_like`), or to what only
        the whole file's keys can describe (`opaque`)."""
        entry = self.locals.setdefault((id(fn) if fn is not None else None, name), [set(), False, False, False])
        entry[0].update(keys)
        entry[1] = entry[1] or opaque
        entry[2] = entry[2] or bound
        entry[3] = entry[3] or dict_like

    def __contains__(self, key: str) -> bool:
        if self._keys is None:
            self._read()
        return key in self._keys

    def is_param(self, name: str, call: ast.Call) -> bool:
        if self._keys is None:
            self._read()
        fn = self.scope_of.get(id(call))
        return fn is not None and name in self.params.get(id(fn), ())

    def of(self, name: str, proof, call: ast.Call) -> bool:
        """Could the dict `name` stands for at this call hold every key of `proof`?"""
        if self._keys is None:
            self._read()
        fn = self.scope_of.get(id(call))
        scope = id(fn) if fn is not None else None
        if fn is not None and name in self.params.get(scope, ()):
            return False  # a parameter (reassigned or not): no dict the extractor can read
        entry = self.locals.get((scope, name))
        if entry is not None and entry[2]:  # bound here
            keys, opaque, _, dict_like = entry
            if not dict_like:
                return False  # never bound to what the extractor reads as a dict
            return all(k in (self._keys if opaque else keys) for k in proof)
        return all(k in self._keys for k in proof)  # bound in an enclosing scope


def _dict_keys(node: ast.Dict):
    return [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def _target_names(target: ast.expr):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for el in target.elts:
            yield from _target_names(el.value if isinstance(el, ast.Starred) else el)


def _may_post(call: ast.Call, body_keywords: Tuple[str, ...], keys: _Keys) -> bool:
    """Could extract/http.py take this POST for an LLM request? A JSON body keyword, then
    an LLM endpoint at the end of a URL it writes, or, when the URL's end is not written,
    a body that may hold a chat request's keys."""
    body = next((k.value for k in call.keywords if k.arg in body_keywords), None)
    if body is None:
        return False  # extract/http.py reads only a body passed by name
    if _passes_through(call, lambda name: keys.is_param(name, call)):
        return True  # a helper POSTing its caller's URL and body
    url = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else next((k.value for k in call.keywords if k.arg == "url"), None)
    tail = _url_tail(url)
    if tail is not None:
        if _endpoint_path(tail.replace("\0", "")):
            return True
        path = tail.split("?", 1)[0].rstrip("/")
        if "\0" not in path[path.rfind("/") + 1:]:
            return False  # the URL's end is written, and is no endpoint
    elif keys.endpoints and _may_hold_text(url, call, keys):
        return True  # a URL held by a name, attribute or helper: it may be an endpoint the file writes
    return _may_prove(body, tuple(getattr(sdk, "HTTP_BODY_PROOF", ())), call, keys, 0)


def _may_prove(body: ast.expr, proof: Tuple[str, ...], call: ast.Call, keys: "_Keys", depth: int) -> bool:
    """Could this body expression be, to the extractor, a dict holding every key of `proof`?"""
    if not proof:
        return True
    if depth > 4:
        return all(k in keys for k in proof)
    if isinstance(body, ast.Dict):
        written = set(_dict_keys(body))
        rest = tuple(k for k in proof if k not in written)
        return not rest or any(_may_prove(v, rest, call, keys, depth + 1) for k, v in zip(body.keys, body.values) if k is None)
    if isinstance(body, ast.Name):
        return keys.of(body.id, proof, call)
    if isinstance(body, ast.Call):
        func = body.func
        if len(body.args) == 1 and not body.keywords and isinstance(func, (ast.Name, ast.Attribute)) and _last(func) in ("dumps", "dict"):
            return _may_prove(body.args[0], proof, call, keys, depth + 1)  # json.dumps(payload), dict(payload)
        if _may_build_dict(func):
            return all(k in keys for k in proof)  # a dict built by a helper of the file, or dict(...)
        return False  # another object's method: not a value the extractor follows
    if _is_self_attribute(body):
        return all(k in keys for k in proof)
    return False  # an attribute or item of another object, a parameter's field


def _never_dict(target: ast.expr, value) -> bool:
    """Is a name bound this way never a dict to the extractor? Another object's method's
    result, an awaited value, an item unpacked from anything but a tuple literal or a call
    of the file's own helpers."""
    if isinstance(value, ast.Await) or value is None:
        return True
    if isinstance(value, ast.Call):
        return not _may_build_dict(value.func)
    if isinstance(target, (ast.Tuple, ast.List)):
        return not isinstance(value, (ast.Tuple, ast.List))
    return False


def _may_build_dict(func: ast.expr) -> bool:
    """Could a call of this be, to the extractor, a dict: a function or class of the file
    (or `dict`), a method of `self`, `json.dumps`, a typed request class?"""
    if isinstance(func, ast.Name) or _is_self_attribute(func):
        return True
    return isinstance(func, ast.Attribute) and (func.attr == "dumps" or func.attr[:1].isupper())


def _last(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_self_attribute(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _may_hold_text(url, call: ast.Call, keys) -> bool:
    """Could the extractor fold this URL expression to a text the file writes? A name that
    is no parameter of the function around the call, `self.x` or `Module.NAME`, a helper
    of the file; not a parameter, a nested attribute, an item, another object's method."""
    if isinstance(url, ast.Name):
        return not keys.is_param(url.id, call)
    if isinstance(url, ast.Attribute):
        return isinstance(url.value, ast.Name)
    if isinstance(url, ast.Call):
        return isinstance(url.func, ast.Name) or _is_self_attribute(url.func)
    return isinstance(url, (ast.JoinedStr, ast.BinOp))


def _url_tail(url) -> "str | None":
    """The written end of a URL expression (run-time parts as NUL): a literal, an
    f-string, or `base + "/path"`; None when its end is not written."""
    if isinstance(url, ast.Constant) and isinstance(url.value, str):
        return url.value
    if isinstance(url, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "\0" for v in url.values)
    if isinstance(url, ast.BinOp) and isinstance(url.op, ast.Add):
        right = _url_tail(url.right)
        return None if right is None else "\0" + right
    return None


def _endpoint_path(url: str) -> bool:
    path = url.split("?", 1)[0].rstrip("/")
    return any(pattern.search(path) for pattern, *_ in getattr(sdk, "HTTP_ENDPOINTS", ()))


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
    for name, (modules, methods), raw, module_bytes in _encoded(wanted):
        listed = names_in_file.get(raw, 0)
        if listed:
            named = sum(1 for _ in _words(data, raw)) > listed
        else:
            named = not (module_bytes.isdisjoint(modules_in) and module_bytes.isdisjoint(names_in_file)) and raw in data and (
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
