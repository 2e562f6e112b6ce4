"""What the pre-filter's steps share (see prefilter.py): the byte patterns and word groups
derived from the SDK table on first use, the byte-level word tests, and one call's
arguments parsed alone (`_call_at`: a raw POST's, a method-first verb's)."""
from __future__ import annotations

import ast
import re
from functools import lru_cache
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, FrozenSet, Iterator, Optional, Pattern, Tuple

from claude_lint.extract import sdk
from claude_lint.extract.chains import CHAIN_SKIP

_WORD = re.compile(r"\w+")


class _Table:
    """What `_build` derives from the SDK table, read by the three steps; kept pickled
    between runs. (A plain class: making a NamedTuple of its 26 fields cost a new process
    2 M instructions, a hundredth of a one-file run.)"""

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
    guards: dict  # word -> the word inside it that guards its search (see _guards_of)

    __slots__ = tuple(__annotations__)

    def __init__(self, **fields):
        for name in self.__slots__:
            setattr(self, name, fields.pop(name))
        if fields:
            raise TypeError(f"no such fields: {sorted(fields)}")

    def __eq__(self, other):
        return type(other) is _Table and all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


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
    skipped = rb"(?:\." + _GAP + rb"(?:" + b"|".join(re.escape(w.encode()) for w in sorted(CHAIN_SKIP)) + rb")\b" + _GAP + rb")*"
    if len(chain) == 1:
        # A one-word method (Bedrock's `converse`) is reached as an attribute, called or taken
        # as a value: the word alone is in names too (`_for_bedrock_converse(`, litellm's).
        return re.compile(rb"\." + _GAP + re.escape(chain[0]) + rb"\b" + (_CHAIN_END if loose else _CALL_GAP))
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
    """As an earlier run built it, when kept (like the catalogue, see catalog_compiled):
    building it was a tenth of a one-file run (an editor's on save, pre-commit's)."""
    from claude_lint import catalog_compiled

    where = _kept_at()
    found = catalog_compiled.read(where, _Table) if where is not None else None
    if found is not None:
        return found  # type: ignore[return-value]
    built = _build()
    if where is not None:
        catalog_compiled.write(where, built)
    return built


# The modules the table is built from: a change to any of them is a new table.
_BUILT_FROM = ("claude_lint.extract.sdk", "claude_lint.extract.sdk_roles", "claude_lint.extract.endpoints", "claude_lint.extract.chains")


def _kept_at() -> Optional[str]:
    import sys

    parts = []
    for name in _BUILT_FROM:
        try:
            with open(sys.modules[name].__file__, "rb") as fh:  # type: ignore[arg-type]
                parts.append(fh.read())
        except (KeyError, TypeError, OSError):
            return None
    from claude_lint import catalog_compiled

    return catalog_compiled.path(b"\0".join(parts), "pre-filter table", __file__, folder=catalog_compiled.PREFILTER_FOLDER)


def _build() -> _Table:
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
    table = _Table(
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
        guards={},
    )
    table.guards = _guards_of(table)
    return table


def _guards_of(t: _Table) -> dict:
    """word -> the longest other word the byte test may search that it holds, an endpoint
    hint's path without its closing quote among them (`/messages` for `/messages"`, `/messages'`
    and `/messages?`): where that one is absent the word is, unsearched. Built with the table,
    and kept with it: comparing every pair of words was a tenth of a one-file run."""
    words = {k for k, _ in t.proof_bytes} | {w for c in t.chains + t.distinct_chains for w in c}
    words |= {w.encode() for w in t.through}
    words |= {h for groups in t.hint_bytes.values() for g in groups for h in g}
    stems = {h[:-1] for h in words if h[-1:] in (b'"', b"'", b"?") and len(h) > 2} - words
    words |= stems
    found = {}
    for word in words:
        inside = [w for w in words if len(w) < len(word) and w in word]
        if inside:
            guard = max(inside, key=lambda w: (len(w), w))
            # a stem is searched first (one search instead of three); another word only
            # consulted when already searched (searching it just for this costs more than it saves)
            found[word] = (guard, guard in stems)
    return found


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
        known = out.get(chain, ())
        # A union, in first-seen order: shapes sharing a chain share their hints, and each
        # repeat was a repeated search per file (the groups of `post` came out three times).
        out[chain] = known + tuple(dict.fromkeys(v for v in value if v not in known))
    return {c: v for c, v in out.items() if c not in empty}


def _passes_through(call: ast.Call, is_param: Callable[[str], bool], data: Optional[bytes] = None) -> bool:
    """A POST of the URL and body the function around it is given, in a function that is
    no method (extract/http.py leaves an HTTP client class's methods out); or, in a method,
    of the body it is given to the URL a method of its class returns (`self._post_url()`, or
    a name bound to it, which `data`, the file's bytes when known, must show)."""
    url = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else next((k.value for k in call.keywords if k.arg == "url"), None)
    body = next((k.value for k in call.keywords if k.arg in ("json", "data")), None)
    while isinstance(body, ast.Call) and len(body.args) == 1 and not body.keywords and (
            isinstance(body.func, ast.Attribute) and body.func.attr == "dumps" or isinstance(body.func, ast.Name) and body.func.id in ("dumps", "dict")):
        body = body.args[0]  # `data=json.dumps(payload)`: the body it encodes (extract/clients.decoded)
    if not (isinstance(body, ast.Name) and is_param(body.id)):
        return False
    if is_param("self"):
        if isinstance(url, ast.Call) and isinstance(url.func, ast.Attribute) and isinstance(url.func.value, ast.Name) and url.func.value.id == "self":
            return True
        return isinstance(url, ast.Name) and not is_param(url.id) and (data is None or _bound_to_self_call(data, url.id.encode()))
    return isinstance(url, ast.Name) and is_param(url.id) and not is_param("cls")


_SELF_CALL = re.compile(rb"\s*=\s*self\.\w+\(")


def _bound_to_self_call(data: bytes, name: bytes) -> bool:
    """`re.search(rb"\\b" + name + rb"\\s*=\\s*self\\.\\w+\\(", data)`, from each place the name is
    written: a pattern opening with `\\b` gives `re` no literal head to search for, so it was
    tried at every offset of the file (a millisecond per name in a 550 KB file)."""
    head_is_word = name[0] in _WORD_BYTES
    at = data.find(name)
    while at >= 0:
        if (at > 0 and data[at - 1] in _WORD_BYTES) != head_is_word and _SELF_CALL.match(data, at + len(name)) is not None:
            return True
        at = data.find(name, at + 1)
    return False


# The bytes `\w` matches in a bytes pattern: tested by indexing, cheaper than a match call.
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _word_at(data: bytes, at: int, end: int) -> bool:
    return (at == 0 or data[at - 1] not in _WORD_BYTES) and (end >= len(data) or data[end] not in _WORD_BYTES)


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


def _called_attribute(data: bytes, word: bytes, in_code: Callable[[int], bool] = lambda at: True) -> bool:
    """`word` called as an attribute: a dot before it and an opening parenthesis after it,
    with only a gap (_GAP) between (`(litellm.completion)(` too), or ending its line, as
    the value of an alias (`completion = litellm.completion`) called later. in_code: see
    prefilter._written_as_chain."""
    for at, end in _words(data, word):
        if _CALL_AFTER.match(data, end) is not None and _dot_before(data, at):
            if in_code(at):
                return True
        elif _LINE_END.match(data, end) is not None:
            line = max(data.rfind(b"\n", 0, at), data.rfind(b"\r", 0, at)) + 1
            if _ALIASED.match(data, line, at) and in_code(at):  # `completion = litellm.completion`
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


def _groups(chains, words_of, root_of=None) -> dict:
    """root (b"" for none) -> ((rarest word, ((chain index, other words), ...)), ...)."""
    out: dict = {}
    for i, chain in enumerate(chains):
        words = words_of[i]
        for root in (root_of(chain) if root_of else None) or (b"",):
            by_word = out.setdefault(root, {})
            by_word.setdefault(words[0], []).append((i, words[1:]))
    return {root: tuple((w, tuple(m)) for w, m in by_word.items()) for root, by_word in out.items()}


_MAX_CALL_BYTES = 20_000


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
