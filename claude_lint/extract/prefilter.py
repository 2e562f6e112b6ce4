"""Which Python files need the extractor's walk, decided cheaply from the SDK table.

The extractor recognises only a call whose attribute chain ends with one of the table's
chains, and whose receiver is proven: either by a client class, which needs an
absolute import of an SDK module (`import anthropic`, `from anthropic.lib import ...`),
or by the call's own keywords (`sdk.UNTYPED_RECEIVER_PROOF`: `model=` and
`max_tokens=`, or keys of a `**params` dict), or by a distinctive chain alone (a shape
marked `untyped="chain"`, such as `chat.completions.create`: no import needed; it may
be aliased or handed to `asyncio.to_thread` rather than called). `needs_parse` tests that
on the raw bytes, before the parse and the walk are paid: every word of one chain (a
one-word chain written after a dot, imported by name, or assigned as an alias), and
either every proof keyword or an import statement naming an SDK module; a chain made
only through a client or function of some modules counts only where one of them is
imported, and a raw POST only with an endpoint path or a chat body's keys in the file.
One pass over the words written after dots (prefilter_dots.py: a chain none of whose later
words follows a dot is not searched for), one over the imports, a few substring searches;
most files stop here, unparsed.
`worth_parsing` adds, where the file is then parsed (a pool worker), a look at each
`post(` call of a file whose only candidates are raw POSTs (each call's arguments
parsed alone and judged by prefilter_ast.py; a body passed by name, by the keys the
function around the call may give it, that function parsed alone: prefilter_scope.py).
A file that passes is parsed and walked by the extractor, which says exactly whether it
holds a call.

The test is a necessary condition, read more loosely than the extractor reads a call, so
it can only let extra files through, never hold one back. tests/test_equivalence.py proves that
findings do not change with the pre-filter off. (Two readings are approximate, on code
no one writes: a raw POST's endpoint path is looked for whole in one string, not split
across literals; `worth_parsing` finds the function around a `post(` by indentation.)

Everything is computed from `sdk` on first use: a new client class, method chain,
function or module in the table extends the pre-filter with no edit here.

A second test serves the engine's second phase (calls of the project's own wrappers in
files that name no SDK): `names_in`, on the bytes, says which wrappers a file imports
and uses; only those files are parsed for their calls.

The byte test is here, the judgement of a POST's arguments prefilter_ast.py (and of a
body's name prefilter_scope.py), the second phase's test prefilter_names.py, and what
they share (the patterns derived from the table, the byte-level word tests) prefilter_table.py.
"""
from __future__ import annotations

import re
from functools import lru_cache
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, FrozenSet, Iterator, List, Optional, Pattern, Tuple

from claude_lint.extract.prefilter_code import CodeReader
from claude_lint.extract.prefilter_dots import after_dots, dot_index, written_after_dots
from claude_lint.extract.prefilter_ast import _may_post
from claude_lint.extract.prefilter_receivers import may_be_read
from claude_lint.extract.prefilter_scope import ByteKeys
from claude_lint.extract.prefilter_methods import METHOD_FIRST, may_post_first
from claude_lint.extract.prefilter_module_params import module_params
from claude_lint.extract.prefilter_names import import_index, imported_words, names_imported, names_in  # noqa: F401  (prefilter.* for the engine and link)
from claude_lint.extract.prefilter_table import (
    _CALL_AFTER,
    _call_at,
    _Table,
    _called_attribute,
    _chain_re,
    _dot_before,
    _passes_through,
    _table,
    _WORD_BYTES,
    _words,
)

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


# A runnable invoked in a file that imports LangChain: maybe a chat model passed in (passed_models).
_RUNNABLE_CALL = re.compile(rb"\.a?(?:invoke|stream|batch)\s*\(")
_RUNNABLE_WORDS = frozenset((b"invoke", b"ainvoke", b"stream", b"astream", b"batch", b"abatch"))
WITH_OPTIONS = b"with_options"  # a re-optioned client, anywhere in a chain (sdk.CLIENT_DERIVING)
_DOTTED = _RUNNABLE_WORDS | {WITH_OPTIONS}  # what the byte test asks after_dots about, besides its chains' words


def _byte_test(data: bytes, posts: bool) -> bool:
    t = _table()
    seen: dict = {}
    reader: List[CodeReader] = []
    # `data.find(w) >= 0`, not `w in data`: bytes' `in` first tries its operand as an
    # integer (a byte value) and builds and drops a TypeError for every bytes operand,
    # which cost more than the search itself (4% of a cold run on a project without calls).
    find = data.find

    def in_code(at: int) -> bool:  # not in a comment or a plain string: asked last, of the few places still in
        if not reader:
            reader.append(CodeReader(data))
        return reader[0].in_code(at)

    index = dot_index(t, _DOTTED)
    dotted = after_dots(data, index)  # a chain whose later words no dot precedes is not written: not searched for
    if not dotted.isdisjoint(_RUNNABLE_WORDS) and find(b"langchain") >= 0 and _search_code(_RUNNABLE_CALL, data, in_code):
        return True

    guards = _guards(t)

    def has(word: bytes) -> bool:
        found = seen.get(word)
        if found is None and word in dotted:
            found = seen[word] = True
        if found is None:
            guard, ask = guards.get(word, _NO_GUARD)
            # a word holding an absent one is absent too: no search (`models` without `model`)
            found = seen[word] = (guard is None or (has(guard) if ask else seen.get(guard) is not False)) and find(word) >= 0
        return found

    # Cheapest first: one pass over the import statements (and the proof keywords, where no
    # SDK is imported), then substring searches (each word once per file), then the regexes,
    # which only run on the few files still in.
    roots, spans = _imports(data)  # one pass over `import`: cheaper than a search per SDK name
    roots = roots | module_params(data, roots)  # `def ask(openai, q)`: the module handed in
    imports = not roots.isdisjoint(t.names)
    named = b" ".join(names for _, names in spans)
    # Words that count only as an attribute or an imported name: known from the dots and the
    # imports, not searched for (most files have neither, and each search read the whole file).
    seen[WITH_OPTIONS] = WITH_OPTIONS in dotted  # `client.with_options(...)`
    for word in index.through:  # asyncio.to_thread, known by its qualified name
        seen[word] = word in dotted or named.find(word) >= 0
    # A distinctive chain (`chat.completions.create`) proves a call wherever its client comes from.
    distinct = written_after_dots(index.distinct_last, {}, dotted, has)
    if distinct and any(_search_code(_chain_re(t.distinct_chains[i], True), data, in_code) for i in distinct):
        return True
    if _on_imported_client(data, dotted, has, in_code):
        return True
    if not imports and not (t.proof and all(has(k) for k, _ in t.proof_bytes)):
        return False
    # A chain counts only where a module that can make it is imported (`OpenAI(` is LangChain's
    # completion LLM only in a file that imports langchain; `x.chat(` is Cohere's or Ollama's).
    keys = [b""] + [r for r in roots if r in t.chain_groups]
    if has(WITH_OPTIONS):  # then a chain is held to its words alone (see _written_as_chain)
        chains = sorted(set(_present(tuple(g for r in keys for g in t.chain_groups[r]), has)))
    else:
        # a one-word chain not after a dot: imported by name, or handed to `asyncio.to_thread`
        chains = sorted(written_after_dots(index.last, index.single, dotted, has, keys,
                                            lambda word: named.find(word) >= 0 or (any(has(w) for w in index.through) and has(word))))
    # A chain whose shapes need a hint (a raw POST: an endpoint path, a chat body) counts only
    # with one; asked of a chain found written (below), not before: a dozen hints searched
    # in every file writing `.post` or `.request` after a dot were 160 MB of the heavy
    # corpus's 45, most for chains the file never calls.
    passing: List[bool] = []

    def passes_through() -> bool:  # a helper POSTing its caller's URL and body: its callers say
        if not passing:
            passing.append(_posts_pass_through(data))
        return passing[0]

    def hinted(i: int) -> bool:
        return t.chains[i] not in t.hint_bytes or any(all(has(h) for h in group) for group in t.hint_bytes[t.chains[i]]) or passes_through()

    extra = any(find(s) >= 0 for s in t.extra)
    if not chains and not extra:
        return False
    def imported_names() -> List[Tuple[int, bytes]]:
        return spans

    # A method handed to `asyncio.to_thread(client.messages.create, ...)` is not called where written.
    through = any(has(w) for w in index.through)
    # One written chain that is no raw POST settles it (`only_posts` below is then False):
    # those are looked for first, and the rest are not looked for after one is found.
    written = []
    lists = b"\0".join(names for _, names in spans)
    for i in sorted(chains, key=lambda i: t.chains[i] in t.needs_bytes):
        if _written_as_chain(data, t.chains[i], imported_names, through, in_code, has) and (
                len(t.chains[i]) > 1 or may_be_read(data, t.chains[i][0], lists, in_code, reader)) and (
                t.chains[i] not in METHOD_FIRST or may_post_first(data, t.chains[i][0], lists, in_code)) and hinted(i):
            written.append(i)
            if t.chains[i] not in t.needs_bytes:
                break
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


_NO_GUARD = (None, False)


def _on_imported_client(data: bytes, dotted, has, in_code) -> bool:
    """A request whose proof counts on a client imported by name from another module
    (`MethodShape.proof_imported`: `client.responses.create(model=..., input=...)`), found by
    its own plain substring, not a chain search: `create` follows a dot in most files, and
    making `responses.create` a chain searched there cost 1.3% of the heavy bench corpus.
    Read as written (`.responses.create(`, no gap inside), the one approximate reading here."""
    for words, needle, proof in _imported_proofs():
        if words.issubset(dotted) and any(all(has(k) for k in group) for group in proof):
            at = data.find(needle)
            while at >= 0:
                if in_code(at):
                    return True
                at = data.find(needle, at + 1)
    return False


@lru_cache(maxsize=1)
def _imported_proofs() -> Tuple[Tuple[FrozenSet[bytes], bytes, Tuple[Tuple[bytes, ...], ...]], ...]:
    """(the chain's words, `.chain(`, the proof keyword groups) of each `proof_imported` shape."""
    from claude_lint.extract import sdk

    return tuple((frozenset(w.encode() for w in s.chain), b"." + ".".join(s.chain).encode() + b"(",
                  tuple(tuple(k.encode() for k in group) for group in s.proof))
                 for s in sdk.METHODS if s.proof_imported and s.chain)


def _guards(t: _Table) -> dict:
    """word -> the word guarding its search (see prefilter_table._guards_of)."""
    return t.guards


def _posts_may_call(data: bytes, t: _Table) -> bool:
    """Could one of the file's `post(` calls be an LLM request? Each call's arguments are
    parsed alone and judged as `_may_post` judges them on the tree; a body passed by name
    is excluded only when it is a parameter of the function around the call (the
    extractor never reads a parameter as a dict). Anything not read here counts as a call."""
    hints = next(iter(t.hint_bytes.values()), ())
    keys = ByteKeys(data, any(len(g) == 1 and data.find(g[0]) >= 0 for g in hints))
    needs = tuple(next(iter(t.needs_bytes.values()), ("json", "data")))
    for at, end in _words(data, b"post"):
        m = _CALL_AFTER.match(data, end)
        if m is None:
            continue
        if not _dot_before(data, at):
            if _defined(data, at):
                continue  # `def post(`: a method of a class of the file (a Protocol's), no call
            return True  # `post(` imported by name: not judged here
        call = _call_at(data, m.end() - 1)
        if call is None:
            return True
        keys.at = at
        if _may_post(call, needs, keys):
            return True
    return False


def _defined(data: bytes, at: int) -> bool:
    """Is the name at `at` the one a `def` on its line defines (`def post(`)?"""
    i = at
    while i > 0 and data[i - 1] in (0x20, 0x09):
        i -= 1
    return i < at and i >= 3 and data.startswith(b"def", i - 3) and (i == 3 or data[i - 4] not in _WORD_BYTES)


def _posts_pass_through(data: bytes) -> bool:
    """Does a `post(` call send the URL and body of the function around it (extract/http.py's
    pending POST, a request where a caller passes an LLM endpoint)? The parameters of the
    function around each call are read once for it (`ByteKeys.is_param`), not once per name
    `_passes_through` asks about."""
    params = ByteKeys(data)
    for at, end in _words(data, b"post"):
        m = _CALL_AFTER.match(data, end)
        if m is None:
            continue
        call = _call_at(data, m.end() - 1)
        params.at = at
        if call is not None and _passes_through(call, lambda name: params.is_param(name, call), data):
            return True
    return False


def _present(groups, has) -> Iterator[int]:
    """The chains (indices) whose words are all in the file: each group is (rarest word,
    ((index, other words), ...)), so a file pays one search for the chains of an absent word."""
    for rare, members in groups:
        if has(rare):
            for i, rest in members:
                if all(has(w) for w in rest):
                    yield i


def _written_as_chain(data: bytes, chain: Tuple[bytes, ...], imported: Callable[[], List[Tuple[int, bytes]]], loose: bool = False,
                      in_code: Callable[[int], bool] = lambda at: True, has: Optional[Callable[[bytes], bool]] = None) -> bool:
    """A chain's words joined by dots, with only whitespace, comments, continuations,
    brackets or skipped links between them, and called. `with_options(...)` may sit
    inside a chain with any arguments: a file that writes it is only held to the words.
    `loose` (the file names `asyncio.to_thread`): the chain may be the callable handed to it.

    A one-word chain is a method (`x.converse(`) or a function the extractor knows by its
    qualified name, reached as an attribute (`litellm.completion(`) or imported by name:
    so it is written after a dot or in an import statement. The word alone says little:
    in litellm it is in most files (`"completion"`, `completion_tokens`). in_code: whether
    an offset is in the code, not in a comment or a plain string (a docstring's example).
    has: the byte test's memo of the words in the file (`with_options` searched once per file, not per chain)."""
    if loose and _search_code(_through_re(chain), data, in_code):
        return True
    if len(chain) == 1:
        # (an import in a docstring's example imports nothing)
        return _called_attribute(data, chain[0], in_code) or any(any(_words(names, chain[0])) and in_code(at) for at, names in imported())
    options = has is None or has(b"with_options")
    return (options and any(in_code(at) for at, _ in _words(data, b"with_options"))) or _search_code(_chain_re(chain), data, in_code)


def _search_code(pattern: Pattern[bytes], data: bytes, in_code: Callable[[int], bool]) -> bool:
    """Does `pattern` match somewhere starting in the code (not in a comment or a plain
    string)? Every start is tried, overlapping ones too."""
    m = pattern.search(data)
    while m is not None:
        if in_code(m.start()):
            return True
        m = pattern.search(data, m.start() + 1)
    return False


@lru_cache(maxsize=None)
def _through_re(chain: Tuple[bytes, ...]) -> Pattern[bytes]:
    """The chain as the callable `asyncio.to_thread` runs: `to_thread(client.models.generate_content, ...`."""
    words = rb"\s*\.\s*".join(re.escape(w) for w in chain)
    return re.compile(rb"to_thread\(\s*(?:\w+\s*\.\s*)*" + words + rb"\s*[,)]")


_IMPORT_HEAD = re.compile(rb"[ \t]*(?:from[ \t]+\.*([\w.]*)[ \t]+)?\Z")
# `[...]+` in the repeat: a run of plain characters is one step of `re`, not one per
# character (the same match: nothing follows the repeat, nothing backtracks into it).
_IMPORT_TAIL = re.compile(rb"(?:[\w., \t]+|\\\r?\n|\\\r)+")
_IMPORTED_ROOT = re.compile(rb"(?:^|,)[\s\\]*(\w+)")
_HEAD_END = frozenset(b" \t\n\r;")  # what may come right before the `import` of a statement _IMPORT_HEAD reads


def _imports(data: bytes) -> Tuple[FrozenSet[bytes], List[Tuple[int, bytes]]]:
    """The root module of everything the file's import statements import (`from .x import`
    gives x, `from . import` none), and every name list of its import statements with where
    its `import` is (`_IMPORTED_NAMES`), in one pass. bytes.find, not a regex scan: a regex
    tried at every position costs more than the rest of this test."""
    roots = set()
    spans = []
    cr = data.find(b"\r") >= 0  # not `in`: see _byte_test
    semi = data.find(b";") >= 0  # (most files have none: then no search for one per statement)
    size = len(data)
    at = data.find(b"import")
    while at >= 0:
        end = at + 6
        if (at == 0 or data[at - 1] not in _WORD_BYTES) and (end >= size or data[end] not in _WORD_BYTES):
            m = _IMPORTED_NAMES.match(data, at)
            if m is not None:
                spans.append((at, m.group(1) if m.group(1) is not None else m.group(2)))
            # _IMPORT_HEAD needs a space, a tab or the statement's start right before `import`
            # (not `"import`, `(import`): else no search for the start (6,000 instructions).
            head = None
            if at == 0 or data[at - 1] in _HEAD_END:
                line = data.rfind(b"\n", 0, at) + 1
                if cr:
                    line = max(line, data.rfind(b"\r", 0, at) + 1)
                start = (data.rfind(b";", line, at) + 1 or line) if semi else line
                head = _IMPORT_HEAD.match(data, start, at)
            if head is not None:
                if head.group(1) is None:
                    names = _IMPORT_TAIL.match(data, end)
                    if names is not None:
                        roots.update(_IMPORTED_ROOT.findall(names.group(0)))
                elif head.group(1):
                    roots.add(head.group(1).split(b".")[0])
        at = data.find(b"import", end)
    return frozenset(roots), spans


def _import_roots(data: bytes) -> FrozenSet[bytes]:
    return _imports(data)[0]


# From `import` to the end of the names it binds: `import a, b`, `from m import (a,\n b)`,
# with backslash continuations. Read loosely: `import x` inside a string counts too.
# (Runs of plain characters as in _IMPORT_TAIL; the last alternative always matches.)
_IMPORTED_NAMES = re.compile(rb"import(?:[ \t]+|\\\r?\n|\\\r)*(?:\(([^)]*)\)|((?:[ \t\w.,*]+|\\\r?\n|\\\r)*))")


def _imported_names(data: bytes) -> List[Tuple[int, bytes]]:
    """Every name list of the file's import statements, with where its `import` is."""
    return _imports(data)[1]
