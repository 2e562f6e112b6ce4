"""The byte pre-filter's test of an HTTP call that names its method first (prefilter.py):
`session.request("POST", url, json=...)`, `requests.request(...)`. extract/http.py reads
such a call as a request only when its first positional argument, or else its `method=`,
is the literal "POST" (in any case): a file whose every call of the verb names another
method, or one read at run time (`method=request.method`: litellm's pass-through proxy),
holds none, and is not parsed for it.

Only a verb that ends no SDK chain is tested so (`request`; `stream` also ends
`messages.stream`, which a resource bound to a name first reaches). Where the verb is not
seen called with its arguments, the file counts: imported by name (it may be called under
another name, whose call http.py reads without the method), or taken as a value after a dot
(an alias, a callable handed to `asyncio.to_thread`; not an attribute of it, an item of it or
an assignment to it: `exc.request.url`), or a call whose arguments are not read (`*args`, a
bracket left open)."""
from __future__ import annotations

import ast

from claude_lint.patterns import lazy
from claude_lint.extract.prefilter_table import _CALL_AFTER, _WORD_BYTES, _call_at, _dot_before, _words

# extract/http.METHOD_FIRST's verbs that end no SDK chain (tests/test_prefilter_methods.py checks it)
METHOD_FIRST = frozenset({(b"request",)})


# After an attribute of that name: an attribute of its value, an item of it, or an assignment to it.
_ATTRIBUTE_USED = lazy(rb"[ \t]*(?:[.\[]|=(?!=))")
_ARGUMENT_END = lazy(rb"[ \t]*[,)]")


def _keyword_value(data: bytes, at: int) -> bool:
    """Is the attribute chain ending at `at` a keyword argument's value (`f(request=resp.request)`)?
    No call of it is read there (only a callable handed first to `asyncio.to_thread` is)."""
    i = at - 1
    while i >= 0 and (data[i] in _WORD_BYTES or data[i] in _CHAIN_BYTES):
        i -= 1
    if i < 1 or data[i] != 0x3D or data[i + 1:i + 2] == b"=":  # `=`, not `==`
        return False
    j = i - 1
    while j >= 0 and data[j] in b" \t":
        j -= 1
    return j >= 0 and data[j] in _WORD_BYTES  # `name=`, not `!=`, `<=`, `:=`


_CHAIN_BYTES = frozenset(b". \t")


def may_post_first(data: bytes, word: bytes, named: bytes, in_code=lambda at: True) -> bool:
    """Could a call of the method-first verb `word` be a POST extract/http.py reads?
    named: the name lists of the file's import statements, joined by NUL bytes; in_code:
    whether an offset is in the code (the byte test's reading)."""
    if any(_words(named, word)):
        return True
    for at, end in _words(data, word):
        opened = _CALL_AFTER.match(data, end)
        if not in_code(at):
            continue  # a comment's or a plain string's
        if opened is None:
            if _dot_before(data, at) and _ATTRIBUTE_USED.match(data, end) is None and not (_ARGUMENT_END.match(data, end) and _keyword_value(data, at)):
                return True  # `session.request` taken as a value: called where it is not seen
            continue  # a name of its own (a web framework's `request`), or an attribute of one (`exc.request.url`)
        call = _call_at(data, opened.end() - 1)
        if call is None or any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            return True
        method = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "method"), None)
        if isinstance(method, ast.Constant) and isinstance(method.value, str) and method.value.upper() == "POST":
            return True
    return False
