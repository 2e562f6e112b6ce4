"""The intermediate representation: plain, frozen, picklable facts about one file.

Extractors produce these; rules read them and never see a syntax tree. A `Value` is
what the linter knows about an expression: a literal, folded text, a container, a
reference still to resolve (another module's name, a file read from disk, a function
parameter), or `Unknown`. Rules stay silent on `Unknown`.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple, Union

from claude_lint.records import frozen


@frozen
class Loc:
    """A region of a file. Rows and columns are 1-based; the end is exclusive."""

    path: str
    row: int
    col: int
    end_row: int
    end_col: int
    cell: Optional[int] = None  # notebook cell (1-based) when the file is a notebook

    def short(self) -> str:
        return f"{self.path}:{self.row}"


# --- values -----------------------------------------------------------------------


@frozen
class Lit:
    """A literal number, bool or None."""

    value: Union[int, float, bool, None]
    loc: Optional[Loc] = None


@frozen
class Dynamic:
    """Text only known at run time (an f-string field, a call result inside text)."""

    source: str  # the expression's code, e.g. "datetime.now()"
    loc: Optional[Loc] = None
    # A caller's argument bound into a wrapper's text (`link_bind`): where the wrapper's
    # text reads it, so that a finding at the caller can also point into the prompt.
    entered: Optional[Loc] = None
    called: Optional[Tuple[Optional[str], Loc]] = None  # written in a helper of the file: the function calling it, the call (helper_places.py)


@frozen
class Text:
    """A string folded from literal pieces and run-time pieces.

    `parts` holds `str` for literal text, `Dynamic` for run-time text, and any other
    unresolved Value (Ref, FileRead, Param, Transform) until `link` folds it.
    """

    parts: Tuple[object, ...]
    loc: Optional[Loc] = None

    @property
    def literal(self) -> str:
        return "".join(p for p in self.parts if isinstance(p, str))

    @property
    def dynamic_parts(self) -> Tuple[Dynamic, ...]:
        return tuple(p for p in self.parts if isinstance(p, Dynamic))

    @property
    def is_folded(self) -> bool:
        return all(isinstance(p, (str, Dynamic)) for p in self.parts)


@frozen
class Transform:
    """A string method applied to a value not yet folded: dedent, strip, ..."""

    op: str  # "dedent" | "strip" | "lstrip" | "rstrip" | "cleandoc"
    inner: object
    loc: Optional[Loc] = None
    # "format": the run-time value each keyword gives a `{name}` field, as a Dynamic (what
    # is passed, and where): `.format(now=datetime.now())` fills `{now}` with `datetime.now()`.
    fields: Tuple[Tuple[str, object], ...] = ()


@frozen
class Seq:
    """A list or tuple literal."""

    items: Tuple[object, ...]
    loc: Optional[Loc] = None


def _last(pairs, key: str):
    """The value of the last pair with this key: a later key overrides an earlier one, as in a dict."""
    found = None
    for k, v in pairs:
        if k == key:
            found = v
    return found


@frozen
class Mapping:
    """A dict literal or dict(...) call, with `**spread` entries kept in order.

    Each entry is `(key, value)`; key `None` marks a `**spread` whose value is the
    mapping to merge at that point. `link` merges spreads into plain entries.
    """

    entries: Tuple[Tuple[Optional[str], object], ...]
    loc: Optional[Loc] = None
    open: bool = False  # keys unknown to us may be present (non-literal key, unresolved spread)
    key_locs: Tuple[Tuple[str, Loc], ...] = ()  # where each key's value is written

    def loc_of(self, key: str) -> Optional[Loc]:
        return _last(self.key_locs, key)

    def get(self, key: str) -> Optional[object]:
        return _last(self.entries, key)

    def keys(self) -> Tuple[str, ...]:
        return tuple(k for k, _ in self.entries if k is not None)


@frozen
class Ref:
    """A module-level name of another module of the project, resolved by `link`."""

    module: str  # dotted module name; leading dots make it relative to `from_path`
    name: str
    from_path: str  # absolute path of the file that imports it
    loc: Optional[Loc] = None


@frozen
class FileRead:
    """The text of a file read at run time: Path(...).read_text(), open(...).read()."""

    segments: Tuple[str, ...]  # path pieces, joined with "/"
    anchor: str  # "file": relative to the reading file's folder; "cwd": relative to the working dir / root
    from_path: str  # the file that reads it
    loc: Optional[Loc] = None


@frozen
class Param:
    """A function parameter; its value is the default, when there is one."""

    function: str
    name: str
    default: Optional[object]
    loc: Optional[Loc] = None


@frozen
class Unknown:
    """A value the linter cannot know statically, and why."""
    why: str
    loc: Optional[Loc] = None


@frozen
class OneOf(Unknown):
    """A run-time value whose possible values are partly written: the fallback of `a or "x"`,
    `os.getenv(k, "x")` or `.get(k, "x")`, the branches of `x if c else y`, the items of
    `random.choice([...])`, every value a name (or a reassigned parameter) is bound to.
    Unknown to every rule (it is one), but a rule that judges each possible value on its
    own (a retired model ID: the code may send it) reads `options`."""

    options: Tuple[object, ...] = ()
    kept: Optional["Param"] = None  # the constructor's parameter kept in `self` whose options these are: bound by `Invocation.built`
    # The last option is the code's written default for a value the run may supply (`.get(k, d)`
    # on a request payload or settings, `os.getenv(k, d)`, `os.getenv(k) or d`, an argparse
    # default): what is sent unless the run gives another; the options before it are unknown.
    default: bool = False


if TYPE_CHECKING:
    Value = Union[Lit, Text, Transform, Seq, Mapping, Ref, FileRead, Param, Unknown, Dynamic]


# --- call sites -------------------------------------------------------------------


@frozen
class History:
    """Proof that the messages list of a call grows without bound."""

    name: str  # the list as written, e.g. "history" or "self.messages"
    # how long it lives: "loop" (one loop), "attribute" (the object), "module" (the process),
    # "session" (Streamlit's session), "store" (a module-level dict per user), "memory" (a LangChain memory),
    # "stored" (read whole from a database or chat store before the request and written back),
    # "handed" (a list the function is handed and appends to after its request: the caller's to bound)
    kind: str
    append: Loc  # where it grows
    # What the list holds before it grows (its one assignment, e.g. an agent's task message), when known: resent every step.
    seed: Optional[object] = None
    # What bounds the growth, "" when nothing does: a loop's step cap (`range(10)`, `while
    # step < n`, a `break` on a counter) or its items. An attribute or a module list lives
    # as long as the object or the process and has no bound of its own.
    bound: str = ""
    marked: bool = False  # the code writes a cache_control into the list: its requests may be cached though none shows
    store: Tuple[str, ...] = ()  # "stored": the store's reader and writer as the code names them (`get_job_messages`, `add_job_message`)
    # How many messages each turn appends with a breakpoint of their own, when nothing in the file ever removes one (past 4 a 400).
    piled_marks: int = 0
    rounds: Optional[Tuple[Loc, bool]] = None  # "loop": the loop of one request's tool rounds, the list carried in or not (tool_rounds.py)
    user_only: bool = False  # every growth is a literal user message, the answers never appended (history_answers.py)
    stubbed: bool = False  # "rounds": every tool call goes to a stub of the file answering from literals (tool_stubs.py)
    through: Tuple[str, ...] = ()  # "module.helper:i": grown by another module's helper, which link checks only appends


@frozen
class Retry:
    """An `except` handler that sends the same request again, with nothing counting the attempts."""

    kind: str  # "recursion" (the handler calls the enclosing function) | "loop" (a while loop goes round again)
    handler: Loc  # the except clause
    caught: str  # what it catches, as written ("RateLimitError", "Exception", "any exception")


@frozen
class AnswerUse:
    """Something the code does with a request's answer: evidence of how long it can be."""

    kind: str  # "number" | "bool" | "label" | "structured" (JSON, YAML, a literal) | "file"
    how: str  # as a message says it: "parsed with int()", "compared with 'yes'"
    loc: Loc


@frozen
class CallSite:
    """One LLM API call (or one request of a batch), with its arguments as Values."""

    path: str
    loc: Loc  # the call expression (or the batch request)
    provider: str  # "anthropic" | "bedrock" | "vertex" | "openai" | "litellm" | "langchain" ...
    api: str  # "messages.create", "messages.stream", "messages.batches.create", ...
    function: Optional[str]  # enclosing function's qualified name, for the route
    kwargs: Mapping  # keyword arguments, **spreads included, as one Mapping
    roles: Tuple[Tuple[str, Tuple[str, ...]], ...]  # role -> keyword names, from the SDK table
    streaming: bool = False  # the API streams by its nature (messages.stream)
    loop: Optional[Loc] = None  # innermost loop or comprehension around the call, same function
    history: Optional[History] = None
    cache_control_nearby: bool = False  # the file mentions cache_control outside this call
    loop_independent: bool = False  # `loop` runs over a collection whose item feeds the request, nothing carried over
    in_async: bool = False  # the enclosing function is `async def`
    client_timeout: Optional[bool] = None  # client built with (True) / without (False) a timeout; None: not seen
    output_limit_nearby: bool = False  # the file sets an output limit outside its requests (python_calls.free_limits)
    # A call of a project wrapper: `loc` is the caller's call, `via` the request inside the
    # wrapper it reaches; `fixed` says no caller keyword can reach the request (no `**kwargs`
    # passed through), so a keyword missing there is missing at `via`.
    via: Optional[Loc] = None
    # The calls of other wrappers between the caller and `via` (`act(state)` -> `self._call_model(...)`):
    # the route a caller's value takes into the request, for a finding at the caller to name.
    through: Tuple[Loc, ...] = ()
    fixed: bool = True
    reached: int = 0  # a request inside a wrapper: how many recognised calls of the wrapper reach it
    # A call of a wrapper that may make several requests (a dispatcher over providers, a
    # factory of several chat models): one call site, judged as the request at `via`; the
    # other requests it may make are named here (related locations), not sites of their own.
    also: Tuple[Loc, ...] = ()
    # A request inside a wrapper that a caller hands a growing list, where that call is judged
    # as another of the requests it may make (`also`): the list this request resends too.
    passed_history: Optional[History] = None
    graph_prompt: Optional[Tuple[object, History]] = None  # a LangGraph node's request: (its head messages, the state's conversation)
    # A POST whose URL and body are its function's parameters (`def http_request(url,
    # headers, body)`): (url, headers) as values. No request by itself (never in a file's
    # calls); a call of the function that passes an LLM endpoint or a chat body makes it one.
    pending: Optional[Tuple[object, object]] = None
    local: bool = False  # the endpoint is a server on the user's machine (Ollama, LM Studio, localhost): never billed
    gateway: Optional[str] = None  # a third-party service the request is seen to go to (OpenRouter, Groq): its own model IDs and dates
    retry: Optional[Retry] = None  # an error handler reissues this request with no attempt bound
    awaited_in_loop: bool = False  # `await`ed right where it is, inside `loop`: one request at a time
    loop_names: Tuple[str, ...] = ()  # names `loop` gives a new value each iteration (its targets, its counters)
    interactive: bool = False  # the file answers a person (a read-eval loop, a UI or web handler): each answer is waited for
    answer: Tuple[AnswerUse, ...] = ()  # what the code around the request does with its answer (its own function)
    # The client the request is made on is this parameter of its function (`def ask(client, q)`):
    # the endpoint is the caller's client's (`Invocation.clients`), not known here.
    client_param: Optional[str] = None
    env_route: Tuple[str, ...] = ()  # environment variables its endpoint or model is read from (extract/env_route.py)

    def keywords(self, role: str) -> Tuple[str, ...]:
        for r, names in self.roles:
            if r == role:
                return names
        return ()


# The codes of FileError, each reported by its rule in checks/ (files.py, config_files.py,
# file_timeout.py): the one place they are written.
SYNTAX_ERROR = "CL901"  # Python that does not parse
UNREADABLE_FILE = "CL902"  # not readable as text (binary, encoding, I/O, too large, a pipe)
INVALID_INPUT_FILE = "CL903"  # a notebook, prompt file or model config that does not parse
FILE_TIMEOUT = "CL904"  # analysis ran out of its time or memory
FILE_ERROR_CODES = frozenset({SYNTAX_ERROR, UNREADABLE_FILE, INVALID_INPUT_FILE, FILE_TIMEOUT})


@frozen
class FileError:
    """A file that could not be read or parsed: one CL9xx diagnostic."""

    code: str
    message: str
    loc: Loc


@frozen
class Noqa:
    """A noqa comment: its row and the codes it silences."""
    row: int
    codes: Optional[Tuple[str, ...]]  # None: a bare `# noqa` silences every code


@frozen
class FileFacts:
    """What the extractors found in one file: calls, constants, imports, noqa comments, wrappers."""
    path: str  # as given to the user (relative to the working dir when possible)
    abspath: str
    module: Optional[str]
    kind: str  # "python" | "notebook" | "prompt" | "config"
    calls: Tuple[CallSite, ...] = ()
    constants: Tuple[Tuple[str, object], ...] = ()  # module-level names with a single assignment
    imports: Tuple[Tuple[str, str], ...] = ()  # local name -> "module.name" or "module"
    errors: Tuple[FileError, ...] = ()
    noqa: Tuple[Noqa, ...] = ()
    statements: Tuple[Tuple[int, int], ...] = ()  # row ranges of statements holding a noqa
    cells: Tuple[Tuple[int, int], ...] = ()  # notebook: (first row, cell number) per cell
    parsed: bool = True  # False when the pre-filter skipped the file: constants were not read
    internal_error: Optional[str] = None  # a bug of ours hit while extracting (reported, exit 2)
    wrappers: Optional["WrapperTable"] = None  # the project functions of this file that make requests, and their local callers

    def constant(self, name: str) -> Optional[object]:
        for n, v in self.constants:
            if n == name:
                return v
        return None

    def imported(self, name: str) -> Optional[str]:
        for n, target in self.imports:
            if n == name:
                return target
        return None


# --- project wrappers ------------------------------------------------------------------
# A wrapper is a project function or method whose body makes a request with arguments
# from its parameters (or calls another wrapper passing them on). Its summary is a
# per-file fact; `link` binds each call's arguments to its parameters.


@frozen
class Callee:
    """What a call may reach: a function, or a method looked up on a class and its bases.

    `target` is dotted: a qualified name in the caller's own file (`local`), or an
    imported name (`app.llm.ask`, `app.llm.LLMClient`, `app.llm.client` for a module-level
    instance) resolved by `link`. With `method`, target names a class or an instance."""

    target: str
    local: bool
    method: str = ""
    bound: bool = True  # the receiver fills the method's first parameter
    bases_only: bool = False  # super().method(): the lookup starts at the bases
    where: Optional[Loc] = None  # a function of the file defined more than once (a notebook): which def


@frozen
class Signature:
    """A function's parameters, as a call binds its arguments to them."""
    params: Tuple[str, ...]  # positional-or-keyword parameters in order, the receiver excluded
    kwonly: Tuple[str, ...] = ()
    varargs: Optional[str] = None
    varkw: Optional[str] = None
    receiver: Optional[str] = None  # a method's `self` / `cls`
    classmethod: bool = False  # `cls` is bound through the class too (`K.m(x)`)


@frozen
class Invocation:
    """A call of a (possible) project wrapper, with the caller's arguments and context."""

    path: str
    loc: Loc
    callees: Tuple[Callee, ...]
    args: Tuple[object, ...]  # positional argument Values (a `*x` stops them: `star`)
    kwargs: Mapping  # keyword arguments and `**spreads`
    function: Optional[str]  # the enclosing function's qualified name (a forward of it; the route)
    star: bool = False  # a `*x` argument: later positional parameters are not known
    loop: Optional[Loc] = None
    loop_independent: bool = False
    in_async: bool = False
    awaited_in_loop: bool = False  # `for x in xs: await wrapper(x)`: one at a time, as CallSite's
    histories: Tuple[Tuple[str, History], ...] = ()  # argument ("0", "1", or a keyword) -> a growing list passed there
    cache_control_nearby: bool = False
    output_limit_nearby: bool = False
    reference: object = False  # the function is passed, not called (`executor.submit(f, x)`); "registered": kept by a framework, called later (registrations.py)
    interactive: bool = False  # as CallSite.interactive, for the caller's file
    built: Optional[Mapping] = None  # `x = K(model=...)` then `x.method()`: the keywords K was built with (K.__init__'s)
    loop_names: Tuple[str, ...] = ()  # as CallSite's: the names `loop` gives a new value each iteration
    # argument ("0", "1", or a keyword) -> its code, for an argument only known at run time (`step + 1`): what the text it is bound into says it is
    sources: Tuple[Tuple[str, str], ...] = ()
    # argument ("0", "1", or a keyword) -> (local, gateway) of the SDK client passed there, when its construction is seen: what a wrapper's request on that parameter is sent to
    clients: Tuple[Tuple[str, bool, Optional[str]], ...] = ()
    invoked: bool = False  # invokes the chat model a factory call made (`make_llm().invoke(x)`): reaches a `made` wrapper only
    graph_prompt: Optional[Tuple[object, History]] = None  # the invoke is a LangGraph node's request: as CallSite's
    made: Tuple[Tuple[str, Callee, Tuple[Tuple[str, str], ...]], ...] = ()  # (argument, "" the receiver; its class; the strings it was built with): extract/new_dispatch.py
    receiver_param: Optional[str] = None  # `bot.ask(...)` on the function's parameter `bot`


@frozen
class Wrapper:
    """A project function that makes requests: its signature and the requests in its body."""
    name: str  # qualified name in its file ("ask", "LLMClient.chat", "outer.inner")
    signature: Signature
    loc: Loc  # the def
    requests: Tuple[CallSite, ...] = ()  # requests made in its body (their Param values are its parameters)
    messages: Tuple[Optional[str], ...] = ()  # per request: the parameter its messages list is, when it is one
    made: bool = False  # a factory of the chat models `requests` are: a request where what it returns is invoked, not where it is called


@frozen
class ClassInfo:
    """A class of a file: its bases and the methods it defines."""
    name: str  # qualified name in its file
    bases: Tuple[Callee, ...]  # each base as a class reference (no method)
    methods: Tuple[str, ...]  # the methods it defines (a method it defines hides its bases' one)
    urls: Tuple[Tuple[str, str], ...] = ()  # method -> the URL it returns (an override of a base's POST URL hook)
    picks: tuple = ()  # `__new__` making a subclass picked by an argument (extract/new_dispatch.py)


@frozen
class WrapperTable:
    """One file's wrappers, the calls of wrappers it makes, and what finding a method needs."""

    functions: Tuple[Wrapper, ...] = ()
    invocations: Tuple[Invocation, ...] = ()
    classes: Tuple[ClassInfo, ...] = ()
    instances: Tuple[Tuple[str, Tuple[Callee, ...]], ...] = ()  # module-level name -> the classes of its value

    def function(self, name: str) -> Optional[Wrapper]:
        for w in self.functions:
            if w.name == name:
                return w
        return None
