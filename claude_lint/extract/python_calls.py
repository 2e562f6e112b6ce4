"""What the Python extractor's parts share: its bounds, a call's SDK shapes by its method
chain, and small tests of scopes and expressions (text built, a property, noqa comments)."""
from __future__ import annotations

import ast
from bisect import bisect_left
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from claude_lint.extract import clients, sdk
from claude_lint.extract.chains import CHAIN_SKIP, called_name, method_chain
from claude_lint.extract.scopes import Scope, keyword, positional
from claude_lint.extract.values import Evaluator
from claude_lint.facts import Mapping, Noqa, OneOf, Ref, Text, Transform
from claude_lint.patterns import lazy


MAX_CLIENT_DEPTH = 8  # hops followed from a receiver back to its client's construction
MAX_ALIAS_BINDINGS = 8  # bindings of one name read when following a client or an alias
MAX_BATCH_ITEMS = 200
MAX_SESSION_NODES = 50000  # nodes of one file read for edits of st.session_state lists  # requests of one batch read as call sites
# An output limit set as a keyword or dict key (`.bind(max_tokens=...)`), not in a comment;
# a whole word: the word before is checked apart (_WORD_CHAR), since a pattern led by `\b` gives
# `re` no literal to skip to (every offset of the file was tried: 0.1 s on heavy's requests).
OUTPUT_LIMIT_SET = lazy(r"""(?:max_tokens|max_completion_tokens|max_output_tokens|maxTokens)\b(?:\s*=(?!=)|["']\s*:)""")
_WORD_CHAR = lazy(r"\w")

_LIMIT_NAMES = frozenset({"max_tokens", "max_completion_tokens", "max_output_tokens", "maxTokens"})
# Library functions whose `max_tokens` is not an answer's cap: langchain_core's trim_messages
# keeps the history under that budget (dpear/metagpt's trimmer beside an uncapped ChatOpenAI).
_NOT_OUTPUT_LIMITS = frozenset({"trim_messages"})


def limit_offsets(text: str) -> List[int]:
    """Where OUTPUT_LIMIT_SET matches as a whole word."""
    word = _WORD_CHAR.match
    return [m.start() for m in OUTPUT_LIMIT_SET.finditer(text) if not (m.start() and word(text, m.start() - 1))]


def free_limits(text: str, positions, requests, records, scopes) -> List[int]:
    """Where the file sets an output limit that a request written without one may still
    receive (a `.bind(max_tokens=...)`, an `invoke` keyword, an attribute, a settings dict):
    the offsets of the limits outside every request (`requests`: their call nodes), since a
    limit inside one caps that request only, and outside the keywords and parameters of the
    file's own functions (`self._trim(text, max_tokens=...)` is that function's budget; what
    it passes on to a request is seen where it does)."""
    matches = limit_offsets(text)
    if not matches:
        return []
    functions = [s.node for s in scopes if s.kind == "function" and isinstance(s.node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    own = {f.name for f in functions}

    def span(node: ast.AST) -> Tuple[int, int]:
        return positions.offset(node.lineno, node.col_offset), positions.offset(node.end_lineno, node.end_col_offset)

    spans = [span(n) for n in requests]
    for f in functions:
        args = f.args
        spans.extend(span(a) for a in (*args.posonlyargs, *args.args, *args.kwonlyargs) if a.arg in _LIMIT_NAMES)
    for record in records:
        func = record.node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls")) else None
        if name in own or (func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)) in _NOT_OUTPUT_LIMITS:
            spans.extend(span(k) for k in record.node.keywords if k.arg in _LIMIT_NAMES)
    return [at for at in matches if not any(a <= at < b for a, b in spans)]


# String methods whose result is still the text they are called on (or files read as text).
_TEXT_METHODS = frozenset({"format", "strip", "lstrip", "rstrip", "replace", "join", "read_text", "read", "dedent", "cleandoc", "render"})


def _builds_text(expr: ast.expr, scope: Scope) -> bool:
    """A return that visibly makes text: a string, an f-string, a `+`, a text method, or a
    module-level name. A local variable is not followed: building its value may mean
    evaluating the whole function, for every function of every file."""
    if isinstance(expr, ast.Constant):
        return isinstance(expr.value, str)
    if isinstance(expr, (ast.JoinedStr, ast.BinOp)):
        return True
    if isinstance(expr, ast.Name):
        return expr.id not in scope.assigns and expr.id not in scope.params
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _TEXT_METHODS

def _builds_body(expr: ast.expr, scope: Scope) -> bool:
    """A return that visibly makes a chat request's JSON body: a dict literal, or a local
    name bound once to one, that writes every key of `sdk.HTTP_BODY_PROOF` (`gen_payload()`
    of another module, handed to a helper that POSTs it) or of `sdk.BEDROCK_BODY_PROOF` (a
    Claude body another module's `invoke_model(body=json.dumps(build_body(...)))` sends)."""
    if isinstance(expr, ast.Name) and expr.id not in scope.params:
        bound = scope.assigns.get(expr.id, [])
        expr = bound[0] if len(bound) == 1 and isinstance(bound[0], ast.expr) else expr
    if not isinstance(expr, ast.Dict):
        return False
    keys = {k.value for k in expr.keys if isinstance(k, ast.Constant)}
    return all(k in keys for k in sdk.HTTP_BODY_PROOF) or all(k in keys for k in sdk.BEDROCK_BODY_PROOF)


def _body_of(scope: Scope):
    """The code a request's answer may be used in: its function's, or the module's (a script,
    a notebook); a comprehension or lambda reads its enclosing function."""
    while scope is not None and scope.kind not in ("function", "module"):
        scope = scope.parent
    return None if scope is None else scope.node


def _keywords(node: ast.Call, shape) -> Tuple[str, ...]:
    """The names shape_kwargs will give the arguments (keys of spreads are never final)."""
    named = tuple(getattr(shape, "positional", ()))[: len(positional(node))]
    return named + tuple(k.arg for k in node.keywords if k.arg is not None)


def _decompose(func: ast.expr):
    """`client.with_options(x=1).messages.create` -> (["messages", "create"], client, [options call])."""
    options: List[ast.Call] = []
    chain, root = method_chain(func, options)
    if chain and isinstance(root, (ast.Name, ast.Call, ast.Subscript)):
        # `self.client.messages.create`: the attribute hop stays part of the client chain.
        return chain, root, options
    return chain, None, options


def _shapes_for(chain) -> Tuple[sdk.MethodShape, ...]:
    """The shapes whose method chain ends `chain`, of the longest such chain."""
    for n in _LENGTHS:
        if n and len(chain) >= n:
            found = _BY_CHAIN.get(tuple(chain[-n:]))
            if found:
                return found
    return ()


_BY_CHAIN: dict = {}
for _shape in sdk.METHODS:
    _BY_CHAIN.setdefault(_shape.chain, ())
    _BY_CHAIN[_shape.chain] += (_shape,)
_LENGTHS = sorted({len(c) for c in _BY_CHAIN}, reverse=True)


def _callable_words() -> frozenset:
    """The last names of every call `python.call_sites` may recognise written `x.name(...)`:
    a method chain's last word, a module function's or a run-through function's last
    name, a runnable's or an agent's method; and the links the chain reader passes over."""
    from claude_lint.extract.passed_models import CALLED_WORDS

    words = {shape.chain[-1] for shape in sdk.METHODS if shape.chain}
    words |= {name.rsplit(".", 1)[-1] for name in (*sdk.FUNCTIONS, *sdk.CALL_THROUGH)}
    return frozenset(words | CALLED_WORDS | CHAIN_SKIP)


CALLABLE_WORDS = _callable_words()


def _one(providers: set, strict: bool = False) -> Optional[str]:
    """The one provider among those found (None: not a client we know); with `strict`, one
    binding that is not a known client makes the name unknown too (a name rebound to
    something else may be anything)."""
    providers = set(providers)
    if not strict:
        providers.discard(None)
    return providers.pop() if len(providers) == 1 else None


def _function_scope(scope: Optional[Scope]) -> Optional[Scope]:
    """The function (or module) a scope's code runs in: comprehensions and lambdas seen through."""
    s = scope
    while s is not None and s.kind not in ("function", "module", "class"):
        s = s.parent
    return s


def image_body(ev: Evaluator, body: Optional[ast.expr], scope: Scope, model: Optional[ast.expr] = None) -> bool:
    """Does a request body (JSON-encoded or not) hold a key only an image model's body has, and none of a text model's?
    Or, the body built elsewhere (`body=prompt.encode()`), is the model written an image model's?"""
    value = clients.decoded(ev, body, scope) if body is not None else None
    keys = set(value.keys()) if isinstance(value, Mapping) else set()
    if not keys and model is not None:
        written = ev.value(model, scope)
        return isinstance(written, Text) and written.literal.lower().startswith(_IMAGE_MODELS)
    return bool(keys & sdk.BEDROCK_IMAGE_BODY) and not keys & sdk.BEDROCK_TEXT_BODY


_IMAGE_MODELS = ("amazon.titan-image-generator", "amazon.nova-canvas", "stability.")  # Bedrock's image model IDs


def _is_property(node) -> bool:
    for d in getattr(node, "decorator_list", ()):
        name = called_name(d)
        if name in ("property", "cached_property"):
            return True
    return False


def options_entries(ev: Evaluator, options, scope: Scope):
    for call in reversed(options):
        for kw in call.keywords:
            if kw.arg == "timeout":
                yield ("timeout", ev.value(kw.value, scope))


def _bounded_deque(bindings, ev: Evaluator, scope: Scope) -> bool:
    for b in bindings:
        if isinstance(b, ast.Call) and (ev.qualname(b.func, scope) or "").endswith("deque"):
            if keyword(b, "maxlen") is not None or len(b.args) >= 2:
                return True
    return False


def _noqa_comments(text: str) -> Tuple[Noqa, ...]:
    from claude_lint import noqa

    return tuple(Noqa(row, codes) for row, codes in noqa.line_noqa(text))


def cache_control_outside(text: str, found, code_for) -> bool:
    """Does a file mention cache_control outside its requests' own call expressions?
    found: (record, its call sites) per recognised call; code_for: a node's source."""
    total = text.count("cache_control")
    if total == 0:
        return False
    inside, last_end = 0, (0, 0)
    for record, sites in sorted(found, key=lambda f: (f[0].node.lineno, f[0].node.col_offset)):
        node = record.node
        if not any(s.pending is None for s in sites) or (node.lineno, node.col_offset) < last_end:
            continue  # a helper's POST, or a request inside another's arguments (counted there)
        last_end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
        inside += code_for(node).count("cache_control")
    return total > inside


def statement_ranges(statements, rows: set) -> Tuple[Tuple[int, int], ...]:
    """Row ranges of the statements (the scope pass's (statement, body) pairs) a noqa row
    sits in: a simple statement's rows, a compound statement's header rows (up to its
    indented body)."""
    if not rows:
        return ()
    ordered = sorted(rows)
    ranges = []
    for stmt, body in statements:
        start = stmt.lineno
        if body is None:
            end = stmt.end_lineno or start
        else:
            first = body[0].lineno if body else start
            end = max(start, first - 1)
        at = bisect_left(ordered, start)  # the first noqa row at or after the statement's start
        if at < len(ordered) and ordered[at] <= end:
            ranges.append((start, end))
    return tuple(ranges)


def embedding_only(shape, kwargs: Mapping) -> bool:
    """Is a Bedrock call's model an embedding model in every value it may take? `invoke_model`
    serves those too (Titan Embeddings' `{"inputText": ...}`, Cohere Embed's `{"texts": [...]}`),
    whose answer is a vector: no text request, no rule of ours to judge."""
    if "bedrock" not in shape.providers:
        return False
    model = next((kwargs.get(keys[0]) for role, keys in shape.roles if role == "model" and keys), None)  # (modelId: roles are read later)
    options = model.options if isinstance(model, OneOf) else (model,)
    return bool(options) and all(isinstance(o, Text) and _embedding_id(o.literal.lower()) for o in options)


def _embedding_id(model: str) -> bool:
    # amazon.titan-embed-text-v2:0, amazon.titan-embed-image-v1, cohere.embed-english-v3, amazon.nova-2-multimodal-embeddings-v1:0
    return "-embed" in model or ".embed" in model


def written_id(value: object) -> bool:
    """Is a model argument an ID (text, an environment variable, a constant of another module,
    run-time choices that are all text; none written: the SDK's default) rather than a model
    object built elsewhere?"""
    if value is None or isinstance(value, Text):
        return True
    if isinstance(value, OneOf):
        return bool(value.options) and all(isinstance(option, Text) for option in value.options)
    if isinstance(value, Transform) and value.op.startswith("getitem:"):  # `os.environ["MODEL"]`
        value = value.inner
    return isinstance(value, Ref) and (value.module.partition(".")[0] == "os" or value.name.isupper())


def _module_roots() -> frozenset:
    """The top-level SDK modules whose own functions are requests (`openai` for
    `openai.ChatCompletion.create`)."""
    return frozenset(q.split(".", 1)[0] for q in sdk.FUNCTIONS)


MODULE_ROOTS = _module_roots()


def module_param_qualname(ev, func: ast.expr, scope: Scope) -> Optional[str]:
    """The qualified name of a module function called through a parameter named after its
    module: `def get_completion(openai, prompt): openai.ChatCompletion.create(...)`, called
    `get_completion(openai, ...)` after `import openai` (the module handed in whole, a course
    notebook's helper). Only a parameter bears it (an assigned or imported name is read by
    `qualname`), and only one spelled as the module is."""
    parts = []
    root = func
    while isinstance(root, ast.Attribute):
        parts.append(root.attr)
        root = root.value
    if not parts or not isinstance(root, ast.Name) or root.id not in MODULE_ROOTS:
        return None
    owner = ev.find(root.id, scope)
    if owner is None or root.id not in owner.params or root.id in owner.assigns or root.id in owner.imports:
        return None
    return ".".join([root.id, *reversed(parts)])


def _passes_kwargs_on(call: ast.Call, d: Scope) -> bool:
    """Is the request's every argument its function's own `**kwargs`, handed on whole?"""
    node = d.node
    kwarg = getattr(getattr(node, "args", None), "kwarg", None)
    return (kwarg is not None and not call.args and len(call.keywords) == 1 and call.keywords[0].arg is None
            and isinstance(call.keywords[0].value, ast.Name) and call.keywords[0].value.id == kwarg.arg and not d.assigns.get(kwarg.arg))
