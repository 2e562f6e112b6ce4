"""CL012's reading of which call writes what a finding describes, and what part of the prefix
repeats. A request reached through wrappers is judged once per caller, but when nothing a
caller passes decides the prefix (the fixed text, the model, the tools, the system prompt
are all the wrapper's), every caller describes the same request: one finding goes where
the fix is made, naming the callers. Kept apart from `prefix_cache.py` for its size."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint.facts import FileRead, Lit, Loc, Mapping, OneOf, Ref, Seq, Text, Transform
from claude_lint.link import Call

# What decides a CL012 finding: the prefix's parts and the model whose minimum it is judged by.
DECIDING = ("model", "tools", "system", "messages")
MAX_NODES = 2000  # values walked for one call (bounds.py's spirit: a huge literal is not walked whole)


def deciding_place(call: Call, roles: Tuple[str, ...] = DECIDING) -> Optional[int]:
    """For a call through wrappers: the outermost call on its route (0: the caller's own call,
    then each wrapper call on the way to the request) that writes a value deciding the
    prefix; None when none does (the request decides it alone). A value the route passes is
    written in that call's own lines, or, for a caller in another file than the request, in
    that file (its constants, its local variables). Run-time values only end the fixed text,
    and do not decide it. `roles`: the request's parts the finding describes."""
    site = call.site
    via = site.via
    if via is None:
        return 0
    route: Tuple[Loc, ...] = (site.loc, *site.through)
    budget = [MAX_NODES]
    first: Optional[int] = None
    for role in roles:
        for name in site.keywords(role):
            value = site.kwargs.get(name)
            if value is None:
                continue
            for loc in _static_locs(value, budget):
                index = _written_by(loc, route, via)
                if index is not None and (first is None or index < first):
                    first = index
            if budget[0] <= 0:
                return 0  # too large to read whole: judged at the caller, as before
    return first


def _written_by(loc: Loc, route: Tuple[Loc, ...], via: Loc) -> Optional[int]:
    for index in range(len(route) - 1, -1, -1):  # the innermost call whose lines hold it
        span = route[index]
        if loc.path == span.path and loc.cell == span.cell and span.row <= loc.row <= (span.end_row or span.row):
            return index
    for index, span in enumerate(route):  # a constant or local of a caller's own file
        if loc.path == span.path and span.path != via.path:
            return index
    return None


def _static_locs(value: object, budget: list):
    """Where each value that is not only known at run time is written: literal text, a
    literal, a constant of another module, a file read (a list or a dict by its items)."""
    stack = [value]
    while stack and budget[0] > 0:
        node = stack.pop()
        budget[0] -= 1
        kind = type(node)
        if kind is Text:
            if any(isinstance(p, str) and p for p in node.parts) and node.loc is not None:
                yield node.loc
            stack.extend(p for p in node.parts if not isinstance(p, str))
        elif kind is Transform:
            stack.append(node.inner)
            stack.extend(v for _, v in node.fields)
        elif kind is Seq:
            stack.extend(node.items)
        elif kind is Mapping:
            stack.extend(v for _, v in node.entries)
        elif isinstance(node, OneOf):
            stack.extend(node.options)
        elif kind in (Lit, Ref, FileRead) and node.loc is not None:
            yield node.loc


def varies(value: object, depth: int = 0) -> bool:
    """A system prompt whose text changes between calls: a run-time part in its text (an
    iteration counter, a date, the caller's data), in any of the values it may take."""
    if depth > 4:
        return False
    if isinstance(value, OneOf):
        return any(varies(o, depth + 1) for o in value.options)
    if isinstance(value, Text):
        return bool(value.dynamic_parts)
    if isinstance(value, Seq):
        return any(varies(b.get("text") if isinstance(b, Mapping) else b, depth + 1) for b in value.items)
    return False


HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
GLOSSARY = "Translate these names as listed: Augustine, Ambrose, Jerome, Gregory, Basil, Athanasius. " * 150
# know-graph-lab's translator: the template and the request are the wrapper's, the model its helper's
TRANSLATOR = (HEAD + f"GLOSSARY = {GLOSSARY!r}\n" + "PROMPT = GLOSSARY + '\\n--- source ---\\n{source}\\n'\nSONNET = 'claude-sonnet-4-6'\n"
              "def _translate(model, source):\n    return client.messages.create(model=model, max_tokens=8000,\n"
              "        messages=[{'role': 'user', 'content': PROMPT.format(source=source)}])\n"
              "def sonnet_translate(source):\n    return _translate(MODEL, source)\n")
CALLERS = {"book.py": "from llm import sonnet_translate\ndef run(chunks):\n    return [sonnet_translate(c) for c in chunks]\n",
           "notes.py": "import llm\ndef run(notes):\n    for note in notes:\n        llm.sonnet_translate(note)\n"}
TOOLS = ("TOOLS = [\n" + "".join(
    f"    {{'name': 'search_{i}', 'description': {('Search the knowledge base by keyword and return the best matching passages. ' * 60)!r}, 'input_schema': {{'type': 'object'}}}},\n"
    for i in range(3)) + "]\n")
RUBRIC = "Grade the answer against this rubric. A score of 5 means complete and correct. " * 120
# hamutay's session: the system prompt comes from a helper the linter does not read, between the tools and the user turn
SESSION = (HEAD + "from agentkit import render_system\n" + TOOLS + f"RUBRIC = {RUBRIC!r}\n"
           "def exchange(state, text):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=500, tools=TOOLS,\n"
           "        system=render_system(state), messages=[{'role': 'user', 'content': RUBRIC + text}])\n")


def examples():
    from claude_lint.checks.base import Invalid

    fires = [
        # every caller reaches the same request with the same template and model: one finding at the request
        Invalid({"llm.py": TRANSLATOR.replace("MODEL", "SONNET"), **CALLERS}, path="llm.py", row=8, message="fixed head of the user turn"),
        # the model is written in the helper's call of the request: reported there, for the callers of the helper
        Invalid({"llm.py": TRANSLATOR.replace("MODEL", "'claude-sonnet-4-6'"), **CALLERS}, path="llm.py", row=10, message="fixed head of the user turn"),
        # a system prompt the linter cannot read may change per call: only the tools are a prefix that repeats
        Invalid(SESSION, row=11, message="built at run time and may change between calls, so put"),
    ]
    silent = [
        # the same with short tools: the rubric after the unread system prompt is not claimed cacheable
        SESSION.replace(TOOLS, "TOOLS = [{'name': 'search', 'description': 'Search', 'input_schema': {'type': 'object'}}]\n"),
    ]
    return fires, silent
