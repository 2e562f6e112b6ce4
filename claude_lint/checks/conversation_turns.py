"""CL011's reading of what each turn changes. A system prompt rebuilt on every turn with that turn's content (the
documents retrieved for this question, the current time) ahead of the growing messages:
the prefix changes at its start on every request, so a breakpoint on the conversation is
written and never read, and "cache the conversation" would be wrong advice. A system
prompt fixed for a session (the user's name, settings loaded once before the loop) keeps
the conversation cacheable. And the thinking a tool step keeps, resent with its results.
Kept apart from `conversation_cache.py` for its size."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional

from claude_lint.bounds import MAX_OPTIONS  # the texts one value lists, as extraction keeps them
from claude_lint.checks.cache_marks import within
from claude_lint.checks.cache_prefix import per_request
from claude_lint.facts import Dynamic, Mapping, OneOf, Seq, Text
from claude_lint.link import Call
from claude_lint.patterns import lazy

# A call with arguments (`store.search(q, k=5)`, `retrieve(question)`): made again for each
# request, it fetches for that request's data. Formatting of a value the session holds
# (`json.dumps(profile)`, `", ".join(tags)`) gives the same text every time.
_CALL_WITH_ARGS = lazy(r"[A-Za-z_][\w.]*\(\s*[^)\s]")
_FORMATTER = lazy(r"(?:^|\.)(?:dumps|join|format|strip|lstrip|rstrip|upper|lower|title|str|repr|len|int|float|round|sorted|dedent)\(")


def rebuilt_each_turn(call: Call) -> Optional[Dynamic]:
    """The run-time part of the system prompt that makes each request's prefix new, when the
    code shows one: evaluated for each request (written in the request or in the loop around
    it) and changing each time (the clock, a value the loop reads anew, a lookup with
    arguments). None when the system prompt may stay the same for the whole conversation."""
    site = call.site
    places = [p for p in (site.loc, site.loop, site.via) if p is not None]
    request = site.via or site.loc
    for part in _parts(call.value("system")):
        if part.loc is None:
            continue
        source = part.source
        if source.startswith("Unknown."):
            continue  # a subscript or attribute of a value held outside: the session's
        at = _run_at(part, site)
        if at is None:
            continue  # a helper's text built in another function (`__init__`, once per object) or at import time
        own = _built_per_turn(part, at, request, site)
        if not own and not any(within(at, p) for p in places):
            continue  # built before the loop (once per session), or somewhere we cannot place
        if own and _LOCAL_NAME.fullmatch(source):
            return part
        if per_request(part) or _reads(source, site.loop_names):
            return part
        if _CALL_WITH_ARGS.match(source) and not _FORMATTER.search(source):
            return part
    return None


# A text the function assembles itself (`context`, grown by `+=` over the documents it
# retrieved), named by the extractor for want of one expression: its content is the function's
# own work on each call. A constant's name (`RULES`) is the module's, fixed for the process.
_LOCAL_NAME = lazy(r"[a-z_][a-z0-9_]*")


def _run_at(part: Dynamic, site):
    """Where the part is evaluated: where it is written, or, written in a helper of the file, where
    the request's own function calls that helper (None when another function or the module does)."""
    if part.called is None or site.via is not None:  # a wrapper's: its function is not the site's
        return part.loc
    return part.called[1] if part.called[0] == site.function else None


def _built_per_turn(part: Dynamic, at, request, site) -> bool:
    """Written (or its helper called, `at`) ahead of the request in its own function when that
    function is one turn: the request is in no loop of its function (the caller's list grows
    across its calls, or the list lives on an object, in a module or a store), or only in one
    request's tool loop over a list carried in (`load_history(chat_id)`, a parameter), or it is
    a wrapper's, run for each call. A caller's argument (`entered`) is the caller's, judged there."""
    history = site.history or site.passed_history
    if part.entered is not None or history is None:
        return False
    rounds = history.rounds is not None and history.rounds[1]  # the loop is one turn's tool rounds: the function is the turn
    if (history.kind == "loop" or site.via is None and site.loop is not None) and not rounds:
        return False  # a loop is the turn: a text built before it is the session's
    if history.kind == "session" or site.via is None and site.function is None:
        return False  # a script's top level (a Streamlit rerun) reads its widgets anew each turn, with the same values
    return at.path == request.path and at.row <= (request.end_row or request.row)


def _reads(source: str, names) -> bool:
    head = source.split(".", 1)[0].split("[", 1)[0].split("(", 1)[0].strip()
    return head in names


def _parts(value: object, depth: int = 0) -> Iterator[Dynamic]:
    if depth > 2:
        return
    if isinstance(value, OneOf):
        for option in value.options[:MAX_OPTIONS]:
            yield from _parts(option, depth + 1)
    elif isinstance(value, Text):
        yield from (p for p in value.parts if isinstance(p, Dynamic))
    elif isinstance(value, Seq):
        for block in value.items:
            text = block.get("text") if isinstance(block, Mapping) else block
            if isinstance(text, Text):
                yield from (p for p in text.parts if isinstance(p, Dynamic))


# The smallest `budget_tokens` the API accepts: a step's thinking is counted at no more.
_THINKING_FLOOR = 1024


def kept_thinking(call: Call) -> int:
    """Tokens of thinking a step of a tool loop adds to what is resent. With thinking on and
    tools offered, the thinking blocks of a tool-using turn must go back with its tool
    results, billed as input on every later step of that turn (newer Opus and Sonnet models
    keep all earlier turns' thinking too)."""
    if call.value("tools") is None:
        return 0
    thinking = call.value("thinking")
    kind = thinking.get("type") if isinstance(thinking, Mapping) else None
    return _THINKING_FLOOR if isinstance(kind, Text) and kind.parts in (("enabled",), ("adaptive",)) else 0


HEAD = "import anthropic, datetime\nclient = anthropic.Anthropic()\n" + f"RULES = {('You are a helpful assistant for the Acme store. ' * 20)!r}\n"
CHAT = ("def chat(SIGNATURE):\n    BEFORE\n    messages = []\n    while True:\n        q = input('> ')\n        INSIDE\n"
        "        messages.append({'role': 'user', 'content': q})\n"
        "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=SYSTEM, messages=messages)\n"
        "        messages.append({'role': 'assistant', 'content': reply.content})\n")


def _chat(signature: str = "store", before: str = "pass", inside: str = "pass", system: str = "RULES") -> str:
    return HEAD + CHAT.replace("SIGNATURE", signature).replace("BEFORE", before).replace("INSIDE", inside).replace("SYSTEM", system)


def examples():
    from claude_lint.checks.base import Invalid

    fires = [
        # the user's name, passed once for the session: the system prompt is the same on every turn
        Invalid(_chat("user_name", system="f'{RULES}\\nYou are talking to {user_name}.'"), row=11, message="grows each turn"),
        # settings loaded once before the loop
        Invalid(_chat("load", before="settings = load()", system="f\"{RULES}\\nTone: {settings['tone']}\""), row=11, message="grows each turn"),
        # the date, to the day: one new prefix a day
        _chat(system="f'{RULES}\\nToday is {datetime.date.today()}.'"),
    ]
    silent = [
        # documents retrieved for this question, ahead of the conversation
        _chat(inside="docs = store.search(q, k=5)", system="f'{RULES}\\nAnswer from these documents:\\n{docs}'"),
        # the current time to the second in the system prompt of every turn
        _chat(system="f'Now: {datetime.datetime.now()}\\n{RULES}'"),
        # the context fetched in the request itself
        _chat(system="RULES + '\\nContext:\\n' + store.lookup(q)"),
    ]
    # A turn function handed the caller's conversation: each call is one request, so what it
    # builds ahead of the request is built anew for each turn.
    fires += [
        # the user's name, a parameter the caller passes the same on every turn: reported at that
        # caller, which shows the value (the request alone cannot tell a parameter from a text it builds)
        Invalid(_turn(system="f'{RULES}\\nYou are talking to {user_name}.'") + _ASKED, row=11, message="the caller's list"),
        # the shop's settings, read from an object the session holds
        Invalid(_turn(build="tone = settings['tone']", system="f'{RULES}\\nTone: {tone}'"), row=7, message="the caller's list"),
    ]
    silent += [
        # the documents found for this question, assembled into a text the function grows itself,
        # and every call of the function (each a turn) resending the conversation behind it
        _turn(build="context = ''\n    for doc in search(question, k=3):\n        context += doc['title'] + ': ' + doc['body'] + '\\n'",
              system="f'{RULES}\\nDocuments:\\n{context}'") + _CALLERS,
        # the documents fetched for this question by one call
        _turn(build="found = index.query(question, top_k=4)", system="f'{RULES}\\nUse these:\\n{found}'") + _CALLERS,
        # the time to the second, read as the turn begins
        _turn(build="now = datetime.datetime.now()", system="f'{RULES}\\nNow: {now}'"),
    ]
    # The system prompt built by a helper of the file (helper_places.py): what counts is where the helper is called.
    CLOCK = "def build_system():\n    now = datetime.datetime.now()\n    return f'Now: {now:%H:%M:%S}\\n{RULES}'\n\n"
    fires += [
        # called once at import: the clock is read once, the prefix is the same on every turn
        Invalid(HEAD + CLOCK + "SYSTEM = build_system()\n\n" + _rounds("system = SYSTEM", "history = load_history(chat_id)"), row=15, message="grows each turn"),
        # called in the turn's function, but returning a fixed text: nothing in it changes
        HEAD + "def build_system():\n    return RULES + '\\nBe brief.'\n\n" + _rounds("system = build_system()", "history = load_history(chat_id)"),
        # one request's tool loop on a list made for it: its rounds share the system prompt, and read each other's prefix
        Invalid(HEAD + CLOCK + _rounds("system = build_system()", "history = [{'role': 'user', 'content': question}]"), row=13,
                message="grows with every tool round of one request (the tool loop at line 12, ended only by the model; appended at line 14)"),
    ]
    silent += [
        # a chat bot's turn (87Albert87/telegram-claude-bot): the stored conversation, and ahead of it a
        # system prompt the helper stamps with the time to the second on every turn
        HEAD + CLOCK + _rounds("system = build_system()", "history = load_history(chat_id)"),
        # the same, its conversation read through a reader of the file and cut to a window before the tool loop
        HEAD + CLOCK + "def get_history(chat_id):\n    return load_history(chat_id)\n\n"
        + _rounds("system = build_system()", "history = get_history(chat_id)\n    history[:] = history[-35:]"),
        # the REPL calls the helper for each turn, inside its loop
        _chat(inside="system = build_system()", system="system").replace("def chat(", CLOCK.rstrip("\n") + "\n\n\ndef chat("),
    ]
    # A Streamlit script reruns for each turn, but its widgets answer the same until the user changes them
    fires += [Invalid(HEAD + "import streamlit as st\npersona = st.selectbox('Persona', ['friendly', 'formal'])\n"
                      "if 'chat' not in st.session_state:\n    st.session_state.chat = []\nif text := st.chat_input('Ask'):\n"
                      "    st.session_state.chat.append({'role': 'user', 'content': text})\n"
                      "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=f'{RULES}\\nBe {persona}.', messages=st.session_state.chat)\n"
                      "    st.session_state.chat.append({'role': 'assistant', 'content': reply.content[0].text})\n", row=10, message="grows each turn")]
    return fires, silent


TURN = ("def answer(history, question, user_name, settings):\n    BUILD\n"
        "    history.append({'role': 'user', 'content': question})\n"
        "    reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=SYSTEM, messages=history)\n"
        "    history.append({'role': 'assistant', 'content': reply.content[0].text})\n    return reply\n")
_ASKED = "\nhistory, name = [], input('Your name? ')\nwhile True:\n    answer(history, input('> '), name, {})\n"
_CALLERS = "\nhistory = []\nanswer(history, 'What is the return policy?', 'Ana', {})\nanswer(history, 'And for sale items?', 'Ana', {})\n"


ROUNDS = ("def answer(chat_id, question):\n    SYSTEM\n    LIST\n    history.append({'role': 'user', 'content': question})\n    while True:\n"
          "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system=system, tools=TOOLS, messages=history)\n"
          "        history.append({'role': 'assistant', 'content': reply.content})\n        if reply.stop_reason != 'tool_use':\n            break\n"
          "        history.append({'role': 'user', 'content': run_tools(reply)})\n    save_history(chat_id, history)\n    return reply\n")


def _rounds(system: str, made: str) -> str:
    """A turn's tool loop (`while True`, left when the model stops calling tools) on `made`."""
    return ROUNDS.replace("SYSTEM", system).replace("LIST", made)


def _turn(build: str = "pass", system: str = "RULES") -> str:
    return HEAD + TURN.replace("BUILD", build).replace("SYSTEM", system)


def step_cap(bound: str) -> Optional[int]:
    """A loop's literal step cap, as `History.bound` says it (`range(3)`, `while step < 3`,
    `stops when step >= 3`, a literal list's items), else None."""
    if bound.startswith("range(") and bound.endswith(")") and bound[6:-1].strip().isdigit():
        return int(bound[6:-1])
    found = _ITEMS_CAP.search(bound) or _DEFAULT_CAP.search(bound)
    if found is not None:
        return int(found.group(1))  # `for q in ["a", "b", "c"]`: three turns; `range(turns)`, `turns=5` by default
    match = _COUNTER_CAP.fullmatch(bound)
    if match is not None:
        return int(match.group(2)) + (1 if match.group(1) in ("<=", ">") else 0)
    return None


# `for q in ["a", "b", "c"]` as loops.bound says it: the literal list's length.
_ITEMS_CAP = lazy(r"^one turn per item of .* \((\d{1,4}) items\)$")
# `range(max_turns)` over a parameter with a literal default (`max_turns=5`).
_DEFAULT_CAP = lazy(r"^range\(\w+\), (\d{1,4}) by default$")
# `while step < 3`, `stops when step >= 3`: a counter compared with a literal (counted from 0).
_COUNTER_CAP = lazy(r"(?:while|stops when) \w+ (<|<=|>=|>|==) (\d{1,4})")
