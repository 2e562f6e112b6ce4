"""Is a call inside a loop one of many independent requests, or a link of a chain?

CL005 (batch-candidate) needs the answer as a fact. The analysis is syntactic and
errs towards "chain" (no finding): a request is independent only when the loop's item
flows into it and nothing it reads is carried from one iteration to the next.
"""
from __future__ import annotations

import ast
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Set, Tuple

from claude_lint.extract.node_memo import per_node
from claude_lint.extract.scopes import MUTATE_METHODS, Scope, argument_values
from claude_lint.extract.walk import child_nodes, walk
from claude_lint.patterns import lazy

_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_FOR = (ast.For, ast.AsyncFor)
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# Calls that make a loop interactive or paced by a person: never a batch.
_INTERACTIVE = frozenset({"input", "getpass", "prompt"})
# A program that answers a person: a loop that reads what they type (a REPL), or a UI or
# web framework's page or handler. Its requests are waited for, whatever loop they sit in.
_LOOP_STATEMENT = lazy(r"^[ \t]*while\b", re.MULTILINE)
# (questionary, inquirer, click's and typer's prompts ask a person too: a menu loop on them is a REPL)
_READS_A_PERSON = lazy(r"(?<![\w.])(?:input|getpass)\(|\b(?:Prompt|Confirm|IntPrompt)\.ask\(|console\.input\(|\bPromptSession\b|from prompt_toolkit\b"
                       r"|\b(?:questionary|inquirer)\.\w+\(|\b(?:click|typer)\.(?:prompt|confirm)\(")
_SERVES_A_PERSON = lazy(
    r"^[ \t]*(?:import|from)[ \t]+(?:[\w.]+(?:[ \t]+as[ \t]+\w+)?[ \t]*,[ \t]*)*(?:streamlit|gradio|chainlit|discord|telegram|slack_bolt)\b"
    r"|^[ \t]*@[\w.]+\.(?:route|get|post|put|websocket|message|command|event|on_message)\(",
    re.MULTILINE,
)


def serves_a_person(text: str) -> bool:
    """The file is an interactive program (a read-eval loop on what a person types) or a
    UI/web handler module: someone waits for each answer, so nothing in it is a batch job.
    A text test, once per file, like `cache_control_nearby` (the extraction and the wrapper
    finder both ask: the last file's answer is kept)."""
    if text is _last_asked[0]:
        return _last_asked[1]
    found = _serves(text)
    _last_asked[:] = [text, found]
    return found


_last_asked: list = [None, False]

# The patterns above begin with a lookbehind, `\b` or `^`, which leaves `re` no literal to skip
# to: every offset of the file was tried (a tenth of a second on litellm's largest files).
# Each is tried instead only where a word it must hold is: (word, how far before the word a
# match may start) for _READS_A_PERSON; the modules of _SERVES_A_PERSON's imports; the line
# of an `@` for its handlers.
_PERSON_WORDS = (("input(", (0, 8)), ("getpass(", (0,)), (".ask(", (6, 7, 9)), ("PromptSession", (0,)), ("prompt_toolkit", (5,)),
                 ("questionary.", (0,)), ("inquirer.", (0,)), ("click.", (0,)), ("typer.", (0,)))
_UI_MODULES = ("streamlit", "gradio", "chainlit", "discord", "telegram", "slack_bolt")


def _serves(text: str) -> bool:
    if any(text.find(name) >= 0 for name in _UI_MODULES) and _SERVES_A_PERSON.search(text):
        return True
    match = _SERVES_A_PERSON.match
    at = text.find("@")
    while at >= 0:  # the first `@` of each line that holds one
        if match(text, text.rfind("\n", 0, at) + 1):
            return True
        end = text.find("\n", at)
        at = -1 if end < 0 else text.find("@", end)
    return _reads_a_person(text) and _LOOP_STATEMENT.search(text) is not None


def _reads_a_person(text: str) -> bool:
    match = _READS_A_PERSON.match
    for word, leads in _PERSON_WORDS:
        at = text.find(word)
        while at >= 0:
            if any(at >= lead and match(text, at - lead) for lead in leads):
                return True
            at = text.find(word, at + 1)
    return False


def independent(call: ast.Call, loop: ast.AST, scope: Scope) -> bool:
    if isinstance(loop, ast.While):
        return False  # polling, agent and chat loops: the next turn depends on this one
    walker = _LoopBody()
    walker.visit(loop)
    if walker.exits or walker.interactive:
        return False  # fallback chains (`break` on success) and interactive loops
    targets = _loop_targets(loop)
    reads = _names_read(argument_values(call))
    receiver = _base_name(call.func.value) if isinstance(call.func, ast.Attribute) else None
    if receiver is not None and receiver in walker.bound and (call.args or call.keywords):
        # An object built in the loop from the item, then asked (`api = Client(prompt); api.ask(max_tokens=400)`).
        # Not a bare `job.run()`: that runs a whole job configured by the item, whose own loops are judged where they are.
        reads.add(receiver)
    seen: Set[str] = set()
    pending = list(reads)
    # What the loop iterates is read once, before its first item: writing results back into
    # it (`df.at[i, "answer"] = ...` over `df.iterrows()`) feeds no later request. Growing it
    # (append, +=) does: a work queue.
    iterated = _iterated_names(loop) - reads
    while pending:  # follow names bound inside the loop to what they are built from
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        for expr in walker.bound.get(name, []):
            pending.extend(_names_read([expr]) - seen)
    if not (seen & targets):
        return False  # the loop repeats one request (retries, sampling), not one per item
    if _sample(loop):
        return False  # a trial on the first few items (`texts[:20]`): someone waits to read them, then runs the rest
    if _dispatched(call, loop, targets, walker):
        return False  # the loop runs the steps a plan lists, each by its kind: not one request per data item
    for name in seen:
        if name in iterated and name not in walker.grown and name not in walker.augmented and name not in walker.bound:
            continue
        if name not in walker.stored and _reset_each_time(loop, name):
            continue  # built afresh at the top of each iteration, then extended (`p = f(row)`, `p += ...`)
        if name in walker.stored or name in walker.augmented:
            return False  # a result stored, appended or accumulated and read again
        if name in walker.bound and name not in targets and not isinstance(loop, _COMPREHENSIONS):
            if len(scope.assigns.get(name, [])) > walker.count.get(name, 0):
                return False  # bound before the loop and rebound inside it: carried over
    return True


SAMPLE = 50  # a loop over at most this many leading items of a collection is a trial run


def _sample(loop: ast.AST) -> bool:
    """The loop runs over a small leading slice of a collection (`xs[:20]`, `df.head(10)`)."""
    it = loop.iter if isinstance(loop, _FOR) else (loop.generators[0].iter if getattr(loop, "generators", None) else None)
    for _ in range(4):  # through `enumerate(...)`, `tqdm(...)`, `.iterrows()`, `.tolist()`
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id in ("enumerate", "tqdm", "list") and it.args:
            it = it.args[0]
        elif isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr in ("iterrows", "itertuples", "items", "tolist"):
            it = it.func.value
        else:
            break
    bound = None
    if isinstance(it, ast.Subscript) and isinstance(it.slice, ast.Slice) and it.slice.lower is None and it.slice.step is None:
        bound = it.slice.upper
    elif isinstance(it, ast.Call) and isinstance(it.func, ast.Attribute) and it.func.attr == "head" and it.args:
        bound = it.args[0]
    return isinstance(bound, ast.Constant) and type(bound.value) is int and 0 < bound.value <= SAMPLE


def _reset_each_time(loop: ast.AST, name: str) -> bool:
    """The first statement of the loop body that uses `name` is a plain assignment of a
    value not read from `name` itself: whatever `+=` follows starts again each time round."""
    body = getattr(loop, "body", ())
    for statement in body if isinstance(body, list) else ():  # a lambda's body is one expression
        uses = [n for n in ast.walk(statement) if isinstance(n, ast.Name) and n.id == name]
        if not uses:
            continue
        if not any(isinstance(n.ctx, ast.Store) for n in uses):
            return False  # read before it is written: the value comes from the iteration before
        return (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name) and statement.targets[0].id == name
                and name not in _names_read([statement.value]))
    return False


def _dispatched(call: ast.Call, loop: ast.AST, targets: Set[str], walker: "_LoopBody") -> bool:
    """The request sits in a branch of an `if`/`elif` chain that picks what to do by the
    item's kind (`if step["action"] == "search": ... elif ...`): a dispatcher, e.g. an
    agent running its planned actions, whose steps are few, different and ordered."""
    item = set(targets)
    changed = True
    while changed:  # names the loop derives from its item (`action = step["action"]`)
        changed = False
        for name, exprs in walker.bound.items():
            if name not in item and any(_names_read([e]) & item for e in exprs):
                item.add(name)
                changed = True
    for test in _chain_tests_around(call, loop):
        if _names_read([test]) & item and _compares_with_text(test):
            return True
    return False


def _chain_tests_around(call: ast.Call, loop: ast.AST) -> List[ast.expr]:
    """The tests of the `if`/`elif` chains (two tests or more) the call is nested in, inside the loop."""
    stack: List[Tuple[ast.AST, Tuple[ast.expr, ...], bool]] = [(loop, (), False)]
    while stack:
        node, tests, is_elif = stack.pop()
        if node is call:
            return list(tests)
        if node is not loop and isinstance(node, _NESTED_SCOPES):
            continue
        if isinstance(node, ast.If):
            has_elif = len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If)
            inner = tests + (node.test,) if has_elif or is_elif else tests
            stack.append((node.test, tests, False))
            stack.extend((c, inner, False) for c in node.body)
            if has_elif:
                stack.append((node.orelse[0], inner, True))
            else:
                stack.extend((c, inner, False) for c in node.orelse)
            continue
        stack.extend((c, tests, False) for c in ast.iter_child_nodes(node))
    return []


def _compares_with_text(test: ast.expr) -> bool:
    """`kind == "search"`, `kind in ("a", "b")`: a test of a value against literal words."""
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq, ast.In)) for op in node.ops):
            for side in (node.left, *node.comparators):
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    return True
                if isinstance(side, (ast.Tuple, ast.List, ast.Set)) and side.elts and all(
                        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in side.elts):
                    return True
    return False


def awaited_in(call: ast.Call, loop: ast.AST) -> bool:
    """`await call` written inside the loop: each request waits for the one before it
    (`for x in xs: await f(x)`, `[await f(x) for x in xs]`), not gathered."""
    stack = [loop]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Await) and node.value is call:
            return True
        if node is not loop and isinstance(node, _NESTED_SCOPES):
            continue
        stack.extend(child_nodes(node))
    return False


@per_node  # asked at each call in the loop
def per_iteration(loop: ast.AST) -> Tuple[str, ...]:
    """Names with a new value on each iteration: the loop's targets, its counters
    (`i += 1`, `step = step + 1`), and what a call without arguments on an object kept outside
    the loop fetches anew (`state = await env.get_state()`: made each time round for a new
    value; `f.read()` of a file the loop opens, or a lookup by the item, is task data)."""
    names = set(_loop_targets(loop))
    bound: Dict[str, int] = {}  # name -> times the loop's body binds it
    fetches: Dict[str, ast.Call] = {}
    stack = [loop]
    while stack:
        node = stack.pop()
        if node is not loop and isinstance(node, _NESTED_SCOPES):
            continue
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target = node.targets[0].id
            fetched = node.value.value if isinstance(node.value, ast.Await) else node.value
            if isinstance(node.value, ast.BinOp) and any(isinstance(n, ast.Name) and n.id == target for n in walk(node.value)):
                names.add(target)
            elif isinstance(fetched, ast.Call) and not fetched.args and not fetched.keywords:
                fetches[target] = fetched
        for target in _bound_by(node):
            bound[target] = bound.get(target, 0) + 1
        stack.extend(child_nodes(node))
    for target, call in fetches.items():
        receiver = call.func
        while isinstance(receiver, ast.Attribute):
            receiver = receiver.value
        if bound.get(target) == 1 and not (isinstance(receiver, ast.Name) and receiver.id in bound):
            names.add(target)
    return tuple(sorted(names))


def _bound_by(node: ast.AST) -> Set[str]:
    if isinstance(node, ast.Assign):
        return {n.id for t in node.targets for n in walk(t) if isinstance(n, ast.Name)}
    if isinstance(node, ast.withitem) and node.optional_vars is not None:
        return {n.id for n in walk(node.optional_vars) if isinstance(n, ast.Name)}
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return {n.id for n in walk(node.target) if isinstance(n, ast.Name)}
    return set()


def enclosing_async(scope: Optional[Scope]) -> bool:
    s = scope
    while s is not None and s.kind == "comprehension":
        s = s.parent
    return isinstance(s.node if s is not None else None, ast.AsyncFunctionDef)


def _iterated_names(loop: ast.AST) -> Set[str]:
    """The variables the loop's own iterable reads (`df` of `for i, row in df.iterrows()`)."""
    if isinstance(loop, _FOR):
        return _names_read([loop.iter])
    generators = getattr(loop, "generators", ())
    return _names_read([generators[0].iter]) if generators else set()


def _loop_targets(loop: ast.AST) -> Set[str]:
    found: Set[str] = set()
    if isinstance(loop, _FOR):
        found |= _target_names(loop.target)
    if isinstance(loop, ast.Lambda):  # a lambda run once per item: its parameters are the item
        found |= {a.arg for a in loop.args.posonlyargs + loop.args.args}
    for generator in getattr(loop, "generators", ()):
        found |= _target_names(generator.target)
    return found


def _target_names(target: ast.expr) -> Set[str]:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        out: Set[str] = set()
        for el in target.elts:
            out |= _target_names(el)
        return out
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return set()


def _names_read(nodes) -> Set[str]:
    """The variables an expression reads (attribute and keyword names are not variables)."""
    return {n.id for node in nodes for n in walk(node) if isinstance(n, ast.Name)}


class _LoopBody:
    """Bindings, stores and exits inside a loop (nested functions and classes excluded)."""

    def __init__(self) -> None:
        self.bound: Dict[str, List[ast.AST]] = {}
        self.count: Dict[str, int] = {}
        self.stored: Set[str] = set()
        self.augmented: Set[str] = set()
        self.grown: Set[str] = set()  # changed by a method call (append, update, ...): it may grow
        self.exits = False
        self.interactive = False

    def visit(self, root: ast.AST) -> None:
        stack = [root]
        while stack:
            node = stack.pop()
            kind = type(node)
            if node is not root and kind in _NESTED_SCOPES:
                continue
            if kind is ast.Break or kind is ast.Return:
                self.exits = True
            elif kind is ast.Assign:
                for t in node.targets:
                    self._bind(t, node.value)
            elif kind is ast.AnnAssign:
                self._bind(node.target, node.value)
            elif kind is ast.AugAssign or kind is ast.NamedExpr:
                # A walrus in a loop usually carries a value along, like `+=`.
                base = _base_name(node.target)
                if base is not None:
                    self.augmented.add(base)
            elif kind in _FOR:
                self._bind(node.target, node.iter)
            elif kind is ast.withitem:
                if node.optional_vars is not None:
                    self._bind(node.optional_vars, node.context_expr)
            elif kind is ast.Call:
                func = node.func
                if isinstance(func, ast.Name) and func.id in _INTERACTIVE:
                    self.interactive = True
                if isinstance(func, ast.Attribute) and func.attr in MUTATE_METHODS:
                    base = _base_name(func.value)
                    if base is not None:
                        self.stored.add(base)
                        self.grown.add(base)
            stack.extend(child_nodes(node))

    def _bind(self, target: ast.expr, value: Optional[ast.AST]) -> None:
        if isinstance(target, ast.Name):
            self.bound.setdefault(target.id, [])
            if value is not None:
                self.bound[target.id].append(value)
            self.count[target.id] = self.count.get(target.id, 0) + 1
        elif isinstance(target, (ast.Tuple, ast.List)):
            for el in target.elts:
                self._bind(el, value)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, value)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            base = _base_name(target)
            if base is not None:
                self.stored.add(base)


def _base_name(node: ast.expr) -> Optional[str]:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def bound(loop: ast.AST, scope=None) -> str:
    """What bounds a loop's number of turns, as a message says it; "" when nothing does.

    `for step in range(n)` runs n times (whatever n is, unless it is infinite); a `for`
    over a collection runs once per item; `while step < n` with the counter stepped in
    the loop, or a `break`, `raise` or `return` under a test of such a counter, is a step cap. `while True`,
    `while running`, a loop over `sys.stdin` or `iter(input, ...)` has no bound: it runs
    as long as someone types or a server lives. `scope`: where a name the loop goes over is bound
    (a literal list's length is said: "(4 items)")."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        it = loop.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "range":
            if any(_infinite(a) for a in it.args):
                return ""
            stop = it.args[-1] if len(it.args) == 1 else it.args[1] if it.args else None
            default = scope.params.get(stop.id) if scope is not None and isinstance(stop, ast.Name) else None
            if isinstance(default, ast.Constant) and type(default.value) is int:
                return f"range({stop.id}), {default.value} by default"  # `def chat(max_turns=5)`: the author's cap
            return f"range({ast.unparse(stop)[:40]})" if stop is not None else ""
        text = ast.unparse(it)
        if "stdin" in text or (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "iter") or "count(" in text:
            return ""
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate" and it.args:
            it = it.args[0]  # `enumerate(questions, 1)`: one turn per question
        listed = it if isinstance(it, (ast.List, ast.Tuple)) else None
        if isinstance(it, ast.Name) and scope is not None and len(scope.assigns.get(it.id, [])) == 1:
            listed = scope.assigns[it.id][0] if isinstance(scope.assigns[it.id][0], (ast.List, ast.Tuple)) else None
        if listed is not None and not any(isinstance(e, ast.Starred) for e in listed.elts):
            return f"one turn per item of {text[:40]} ({len(listed.elts)} items)"  # a literal list: its length caps the turns
        return f"one turn per item of {text[:40]}"
    if isinstance(loop, ast.While):
        stepped = _stepped(loop)
        # `while pending and rounds < 3`: a counter compared in any conjunct caps the loop
        for test in loop.test.values if isinstance(loop.test, ast.BoolOp) and isinstance(loop.test.op, ast.And) else [loop.test]:
            if isinstance(test, ast.Compare) and _names(test) & stepped and not any(_infinite(c) for c in test.comparators):
                return f"while {ast.unparse(test)[:40]}"
        for node in walk(loop):
            if isinstance(node, ast.If) and _names(node.test) & stepped and any(isinstance(s, (ast.Break, ast.Raise, ast.Return)) for s in node.body):
                return f"stops when {ast.unparse(node.test)[:40]}"
    return ""


def _stepped(loop: ast.AST) -> set:
    """Names counted up or down inside the loop (`step += 1`)."""
    return {n.target.id for n in walk(loop) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)}


def _names(node: ast.AST) -> set:
    return {n.id for n in walk(node) if isinstance(n, ast.Name)}


def _infinite(node: ast.AST) -> bool:
    text = ast.unparse(node).replace(" ", "").lower()
    return "inf" in text and ("float(" in text or "math.inf" in text or text == "inf")
