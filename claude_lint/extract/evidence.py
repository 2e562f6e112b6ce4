"""How the code around a request uses its answer: the evidence an output limit is judged by.

A reviewer who asks "how long can this answer be?" looks at what is done with it: an
answer handed to `int()` or compared with "yes" is a few tokens; one parsed as JSON is a
small object; one written to a file is a document. This module reads that from the
request's own function (or the module, for a script or notebook), following the names
the answer is bound to, and never guesses past what is written.
"""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Set, Tuple

from claude_lint.extract.chains import called_name
from claude_lint.extract.walk import walk
from claude_lint.facts import AnswerUse
from claude_lint.patterns import lazy

MAX_NODES = 20000  # nodes of one function or module indexed: a generated file is not read whole
MAX_ROUNDS = 4  # hops from the response to the text it holds (resp -> text -> clean)
MAX_LABEL_CHARS = 40
LABEL = lazy(r"^\w[\w .:/-]*$")  # a string compared with the answer is a label when it is this short

NUMBER = {"int": "number", "float": "number", "bool": "bool", "Decimal": "number"}
STRUCTURED = {"loads", "literal_eval", "safe_load", "model_validate_json", "parse_raw", "from_json"}
WRITES = {"write", "write_text", "writelines", "write_bytes"}
LABEL_METHODS = {"startswith", "endswith"}
TEXT_METHODS = {"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "removeprefix", "removesuffix", "replace"}
BESIDE_TEXT = {"name", "type", "id", "stop_reason", "finish_reason", "role", "usage", "input", "arguments", "tool_calls",
               "function", "status", "processing_status", "model", "stop_sequence", "tool_use_id", "index"}
WHOLE_METHODS = TEXT_METHODS | {"json", "model_dump", "to_dict", "dict", "text"}
TEXT_FIELDS = {"text", "content", "output_text", "completion", "generated_text"}


# The kinds of node _Index reads (the parser makes no subclass of them).
_INDEXED = frozenset({ast.If, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor, ast.withitem, ast.Call, ast.Compare})


class _Index:
    """One pass over a scope's body: the bindings, and the calls and comparisons that could be
    a use of an answer, each with the roots its value is reached from (a name, or the node of
    a call), so that a request is matched against a few candidates, not every node again."""

    def __init__(self, root: ast.AST):
        self.assigns: List[Tuple[Set[str], ast.AST, int, Set[object]]] = []  # (names bound, value, line, roots)
        # Statements run only on one branch of an `if`: a rebinding there leaves the name
        # holding the answer on the other path (`if isinstance(text, list): text = ...`).
        self.branch_lines: Set[int] = set()
        self.uses: List[Tuple[str, str, ast.AST, List[ast.AST], Set[object]]] = []  # (kind, how, node, args, roots)
        seen = 0
        for node in walk(root):
            seen += 1
            if seen > MAX_NODES:
                break
            if node.__class__ not in _INDEXED:
                continue  # (names, constants, attributes: most nodes, each tested six times below)
            if isinstance(node, ast.If):
                self.branch_lines.update(stmt.lineno for stmt in node.body + node.orelse if isinstance(stmt, (ast.Assign, ast.AnnAssign)))
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                self._bind(targets, node.value, node.lineno)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                self._bind([node.target], node.iter, node.lineno)  # `for chunk in stream:` the chunks are the answer
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind([node.optional_vars], node.context_expr, getattr(node.context_expr, "lineno", 0))
            elif isinstance(node, ast.Call):
                kind = _call_use(node)
                if kind is None:
                    continue
                args = list(node.args) + [k.value for k in node.keywords]
                if kind[0] == "file" and isinstance(node.func, ast.Attribute):
                    args = args[:1]  # f.write(text): the text is the first argument
                elif kind[0] == "label" and isinstance(node.func, ast.Attribute):
                    args = [node.func.value]  # answer.startswith("yes"): the answer is the receiver
                self.uses.append((kind[0], kind[1], node, args, set().union(*(_roots(a) for a in args)) if args else set()))
            elif isinstance(node, ast.Compare) and _label_compare(node):
                self.uses.append(("label", "compared with " + _labels(node), node, [node.left], _roots(node.left)))

    def _bind(self, targets, value: ast.AST, line: int) -> None:
        names = {n.id for t in targets for n in walk(t) if isinstance(n, ast.Name)}
        if names:
            self.assigns.append((names, value, line, _roots(value)))


def answer_uses(request: ast.Call, root: Optional[ast.AST], loc_of, cache: Dict[int, _Index], envelope: bool = False) -> Tuple[AnswerUse, ...]:
    """What is done with the answer of `request` inside `root` (its function or module).
    `envelope`: the request returns the API's JSON envelope (a raw HTTP POST), whose parse
    says nothing of the answer inside it."""
    if root is None:
        return ()
    index = cache.get(id(root))
    if index is None:
        index = cache[id(root)] = _Index(root)
    start = getattr(request, "lineno", 0)
    held: Dict[str, Tuple[int, int]] = {}  # name -> (first line it holds the answer, line it is rebound)
    sources: Set[object] = {id(request)}
    for _ in range(MAX_ROUNDS):
        grew = False
        for names, value, line, roots in index.assigns:
            if line < start or not roots & sources or names <= held.keys():
                continue
            if _flows(value, request, held, line) and not _beside_text(value):
                for name in names - held.keys():
                    held[name] = (line, _rebound(index, name, line))
                    sources.add(name)
                grew = True
        if not grew:
            break
    uses: List[AnswerUse] = []
    for what, how, node, args, roots in index.uses:
        if node is request or not roots & sources or (envelope and what == "structured"):
            continue
        if any(_is_text(a, request, held) and _flows(a, request, held, node.lineno) for a in args):
            uses.append(AnswerUse(what, how, loc_of(node)))
            if len(uses) >= 8:
                break
    return tuple(u for u in uses if u.loc is not None)


def _whole_of(expr: ast.AST) -> ast.AST:
    """What `expr` is taken from, following the spine that keeps the answer whole (attribute,
    index, `await`, `str()`, a method of WHOLE_METHODS); a conditional is returned as it is,
    each branch being a spine of its own."""
    while True:
        if isinstance(expr, ast.Await):
            expr = expr.value
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in WHOLE_METHODS:
            expr = expr.func.value
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "str" and len(expr.args) == 1:
            expr = expr.args[0]
        elif isinstance(expr, (ast.Attribute, ast.Subscript)):
            expr = expr.value
        else:
            return expr


def _roots(expr: ast.AST) -> Set[object]:
    """Where a value is reached from along its spine (as `_flows` follows it): a name, or the
    id of the call (a request) it starts at."""
    expr = _whole_of(expr)
    if isinstance(expr, ast.IfExp):
        return _roots(expr.body) | _roots(expr.orelse)
    if isinstance(expr, ast.Name):
        return {expr.id}
    return {id(expr)} if isinstance(expr, ast.Call) else set()


def _is_text(expr: ast.AST, request: ast.Call, held: Dict[str, Tuple[int, int]]) -> bool:
    """Is the expression the answer's text (`text`, `r.content[0].text`, `text.strip().lower()`),
    not a field beside it (`block.type == "text"`, `r.stop_reason == "tool_use"`, usage counts)?"""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in TEXT_METHODS:
        expr = expr.func.value
    if isinstance(expr, ast.Subscript):
        expr = expr.value if isinstance(expr.slice, ast.Slice) else expr
    if isinstance(expr, ast.Name):
        return expr.id in held
    if isinstance(expr, ast.Attribute):
        return expr.attr in TEXT_FIELDS
    if isinstance(expr, ast.Subscript):
        return isinstance(expr.slice, ast.Constant) and expr.slice.value in TEXT_FIELDS
    return expr is request


def _beside_text(value: ast.AST) -> bool:
    """`name = block.name`, `args = call.function.arguments`: a field beside the answer's
    text (a tool's name, its input, a stop reason), whose checks say nothing of the text."""
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in TEXT_METHODS:
        value = value.func.value
    if isinstance(value, ast.Attribute):
        return value.attr in BESIDE_TEXT
    if isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Constant):
        return value.slice.value in BESIDE_TEXT
    return False


def _flows(expr: ast.AST, request: ast.Call, held: Dict[str, Tuple[int, int]], line: int) -> bool:
    """Is `expr` the whole answer, reached by attribute, index, `await` or a method that keeps
    the text whole (`.strip()`, `.json()`)? A regex match, a split or any other call takes a
    part of it: a JSON object found inside a long answer says nothing of the answer's length."""
    expr = _whole_of(expr)
    if isinstance(expr, ast.IfExp):
        return _flows(expr.body, request, held, line) or _flows(expr.orelse, request, held, line)
    if expr is request:
        return True
    if isinstance(expr, ast.Name) and expr.id in held:
        first, until = held[expr.id]
        return first <= line < until
    return False


def _rebound(index: _Index, name: str, after: int) -> int:
    later = [line for names, _, line, _ in index.assigns if name in names and line > after and line not in index.branch_lines]
    return min(later) if later else 1 << 30


def _call_use(call: ast.Call) -> Optional[Tuple[str, str]]:
    func = call.func
    if isinstance(func, ast.Name) and func.id in NUMBER:
        return NUMBER[func.id], f"parsed with {func.id}()"
    name = called_name(func)
    if name in STRUCTURED:
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        return "structured", f"parsed with {owner + '.' if owner else ''}{name}()"
    if name in WRITES and isinstance(func, ast.Attribute):
        return "file", f"written to a file with .{name}()"
    if name in LABEL_METHODS and isinstance(func, ast.Attribute) and call.args and _short_strings(call.args[0]):
        return "label", f"checked with .{name}({ast.unparse(call.args[0])[:40]})"
    return None


def _short_strings(node: ast.AST) -> bool:
    """Labels: short words (`"yes"`, `"BLOCK"`, `"A"`), not markup (a check for a code fence
    or a leading `{` is how long answers are unwrapped)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and 0 < len(node.value) <= MAX_LABEL_CHARS and bool(LABEL.match(node.value))
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return bool(node.elts) and all(_short_strings(e) for e in node.elts)
    return False


def _label_compare(cmp: ast.Compare) -> bool:
    """`answer == "yes"`, `answer.strip() in ("A", "B")`: the answer is one of a few labels.
    `"error" in answer` is a search inside text of any length, not a label."""
    for op, right in zip(cmp.ops, cmp.comparators):
        if isinstance(op, (ast.Eq, ast.NotEq)) and _short_strings(right) and isinstance(right, ast.Constant):
            return True
        if isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (ast.Tuple, ast.List, ast.Set)) and _short_strings(right):
            return True
    return False


def _labels(cmp: ast.Compare) -> str:
    for right in cmp.comparators:
        if isinstance(right, ast.Constant):
            return repr(right.value)
        if isinstance(right, (ast.Tuple, ast.List, ast.Set)):
            shown = ", ".join(repr(e.value) for e in right.elts[:3] if isinstance(e, ast.Constant))
            return shown + (", ..." if len(right.elts) > 3 else "")
    return "a label"
