"""Text built from expressions (f-strings, concatenation, `str.join`, `str.replace`),
one responsibility of `values.Evaluator` (a mixin: `self` is the evaluator)."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional, Tuple

from claude_lint.bounds import MAX_OPTIONS
from claude_lint.extract import return_options, templates
from claude_lint.extract.bindings import Binding
from claude_lint.extract.scopes import Scope
from claude_lint.extract.walk import same_code
from claude_lint.facts import Dynamic, FileRead, Lit, OneOf, Param, Ref, Seq, Text, Transform, Unknown

NUMBERS = (int, float)
MAX_FIELD_SOURCE = 200  # a longer expression (a whole prompt) names a format field by the name it is bound to

# A Transform's op: the items of a function's parameter spread whole into a list (`[system] +
# messages`, `[system, *messages]`). Resolved, it is one run-time item, as any spread list is;
# link passes the conversation the caller binds to the parameter on to the next call (CL011).
ITEMS_OP = "items"


def spread_items(value: object, loc) -> object:
    """The run-time item standing for a list spread into another."""
    return Transform(ITEMS_OP, value, loc) if isinstance(value, Param) else Unknown("starred", loc)


class TextValues:
    def text(self, node: ast.expr, scope: Scope, depth: int) -> object:
        """A string literal or f-string (implicit concatenation is already one node)."""
        loc = self.loc(node)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return Text((node.value,), loc)
            return Unknown("bytes" if isinstance(node.value, bytes) else "literal", loc)
        assert isinstance(node, ast.JoinedStr)
        parts = []
        for piece in node.values:
            if isinstance(piece, ast.Constant):
                parts.append(piece.value)
            else:
                parts.extend(self._field(piece, scope, depth))
        return Text(tuple(parts), loc)

    def _field(self, piece: ast.FormattedValue, scope: Scope, depth: int) -> Tuple[object, ...]:
        # A format spec stays in the source (`now():%Y-%m-%d`): it tells a daily value from a per-request one.
        source = self._field_source(piece.value)
        if piece.format_spec is not None:
            if piece.conversion != -1:
                source += "!" + chr(piece.conversion)
            source += ":" + "".join(
                p.value if isinstance(p, ast.Constant) else "{" + self._field_source(p.value) + "}" for p in piece.format_spec.values
            )
        dynamic = Dynamic(self._clock_named(piece.value, source, scope), self.loc(piece.value))
        if piece.conversion != -1 or piece.format_spec is not None:
            return (dynamic,)
        inlined = templates.inlined(value := self.value(piece.value, scope, depth + 1))
        if inlined is not None:
            return inlined
        dynamic = (dynamic, *return_options.options_parts(value))  # what a helper with several returns may write in it
        if isinstance(piece.value, ast.Name):
            grown = self.grown_text(piece.value, scope, depth)
            if grown is not None:
                return grown.parts
        if isinstance(piece.value, ast.Name):
            # `now = datetime.now().strftime("%Y-%m-%d")` then `f"{now}"` in a function: named by
            # what it holds each call (a module's name is bound once per process)
            bound = self._bound_expr(piece.value, scope, local=True)
            if bound is not piece.value:
                return (Dynamic(self._field_source(bound), self.loc(bound)),) + dynamic[1:]
        return dynamic

    def _clock_named(self, expr: ast.expr, source: str, scope: Scope) -> str:
        """A field that formats a name the function binds once to a call
        (`now = datetime.now(tz)`, then `{now.strftime('%H:%M')}` or `{now:%H:%M}`): named by
        that call, so that what it reads (the clock, to the minute) shows. A plain attribute
        (`{now.day}`) keeps its name: what part of the moment it holds is not the format's."""
        head = expr.func.value if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) else expr
        if not isinstance(head, ast.Name) or not source.startswith(head.id) or (head is expr and ":" not in source):
            return source
        bound = self._bound_expr(head, scope, local=True)
        if not isinstance(bound, ast.Call) or self._derived(bound, scope):
            return source
        return self._field_source(bound) + source[len(head.id):]

    def _derived(self, call: ast.Call, scope: Scope) -> bool:
        """A call on another of the function's own values (`now.replace(minute=0)`): what it keeps
        of that value (rounded to the hour, converted) is its own, so it is not named by it."""
        node: ast.expr = call.func
        while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
            node = node.func if isinstance(node, ast.Call) else node.value
        owner = self.find(node.id, scope) if isinstance(node, ast.Name) else None
        return owner is not None and owner.kind == "function" and (node.id in owner.assigns or node.id in owner.params)

    def grown_text(self, name: ast.Name, scope: Scope, depth: int) -> Optional[Text]:
        """A text a function binds once at the top of its body and then only appends to
        (`header = f"Now: {now}\n"`, then `header += ...` in branches): its head is that first
        text, which is what a cache prefix is judged on; what is appended is run-time text."""
        owner = self.find(name.id, scope)
        if owner is None or owner.kind != "function" or name.id in owner.params:
            return None
        bindings = owner.assigns.get(name.id, [])
        first = bindings[0] if bindings else None
        if not isinstance(first, ast.expr) or len(bindings) < 2 or not all(
                type(b) is Binding and b.what == "augmented" for b in bindings[1:]):
            return None
        body = getattr(owner.node, "body", None)
        if not isinstance(body, list) or not any(isinstance(stmt, ast.Assign) and stmt.value is first for stmt in body):
            return None  # bound in a branch: the head may be another text
        for node in ast.walk(owner.node):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name.id:
                if not isinstance(node.op, ast.Add) or (node.lineno, node.col_offset) < (first.lineno, first.col_offset):
                    return None
        head = self.value(first, owner, depth + 1)
        if not isinstance(head, Text):
            return None
        return Text(head.parts + (Dynamic(name.id, self.loc(name)),), head.loc)

    def grown_options(self, name: str, owner: Scope, bindings, depth: int, loc) -> Optional[OneOf]:
        """A function's text bound once (anywhere in its body) and then only appended to, read
        after the last `+=` (`prompt = TEMPLATE.format(...)`, then `if extra: prompt += f"...{extra}"`):
        its head with and without what is appended (with only, when every `+=` is at the top of
        the body), so that a cache prefix is judged on the head and on what follows it."""
        if owner.kind != "function" or loc is None or len(bindings) < 2 or len(bindings) > MAX_OPTIONS + 1:
            return None
        first = bindings[0]
        if not isinstance(first, ast.expr) or not all(type(b) is Binding and b.what == "augmented" for b in bindings[1:]):
            return None
        grown = sorted((n for n in ast.walk(owner.node) if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name)
                        and n.target.id == name), key=lambda n: (n.lineno, n.col_offset))
        if len(grown) != len(bindings) - 1 or not all(isinstance(n.op, ast.Add) for n in grown):
            return None  # a nested function's own name, or another operator: not this text's growth
        if (grown[0].lineno, grown[0].col_offset) < (first.lineno, first.col_offset) or (grown[-1].lineno, grown[-1].col_offset) >= (loc.row, loc.col - 1):
            return None  # read between the bindings: which of them it sees is the order's
        if any(isinstance(n, ast.Name) and n.id == name for g in grown for n in ast.walk(g.value)):
            return None
        head = self.value(first, owner, depth + 1)
        if not isinstance(head, (Text, Ref, FileRead, Param, Transform)):
            return None
        parts = self._as_parts(head, first)
        for g in grown:
            parts += self._as_parts(self.value(g.value, owner, depth + 1), g.value)
        whole = Text(parts, self.loc(first))
        body = getattr(owner.node, "body", None)
        always = isinstance(body, list) and all(any(g is stmt for stmt in body) for g in grown)
        why = f"{name} is bound more than once"
        return OneOf(why, loc, (whole,)) if always else OneOf(why, loc, (head, whole))

    def format_field(self, expr: ast.expr, scope: Scope, depth: int = 0) -> object:
        """What a `.format(name=expr)` keyword puts in its field: run-time text named by its
        source, a name assigned once by the (short) expression it is assigned (`stamp = now()`);
        a text that reads the function's parameters stays a text (the caller binds them)."""
        if isinstance(expr, ast.Name):
            expr = self._bound_expr(expr, scope)
        if isinstance(expr, (ast.JoinedStr, ast.Name)):
            value = self.value(expr, scope, depth + 1)
            if isinstance(value, Param) or (isinstance(value, Text) and any(isinstance(p, Param) for p in value.parts)):
                return value
        return Dynamic(self._field_source(expr), self.loc(expr))

    def _bound_expr(self, name: ast.Name, scope: Scope, local: bool = False) -> ast.expr:
        """The (short) expression a name assigned once holds, else the name itself.
        `local`: only a function's own name."""
        owner = self.find(name.id, scope)
        if owner is None or name.id in owner.params or (local and owner.kind != "function"):
            return name
        bound = owner.assigns.get(name.id, [])
        # `stamp = ""` then `if show: stamp = now()`: the empty default adds nothing to the text
        bound = [b for b in bound if not _empty(b)] if len(bound) > 1 else bound
        if len(bound) == 1 and isinstance(bound[0], ast.expr) and len(self.code_for(bound[0])) <= MAX_FIELD_SOURCE:
            return bound[0]
        return name

    def _field_source(self, node: ast.expr) -> str:
        """The source of an f-string's expression. Before Python 3.12 these positions come
        from a second parse and have been wrong in corner cases: checked, else unparsed."""
        code = self.code_for(node)
        try:
            again = ast.parse("(" + code + "\n)", mode="eval").body
            if same_code(again, node):
                return code
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        return ast.unparse(node)

    def binary(self, node: ast.BinOp, scope: Scope, depth: int) -> object:
        loc = self.loc(node)
        if isinstance(node.op, ast.Mod):  # printf-style formatting: templates.py reads it
            return templates.percent(self, node, scope, depth) or Unknown("operator", loc)
        if not isinstance(node.op, ast.Add):
            return Unknown("operator", loc)
        left = self.value(node.left, scope, depth + 1)
        right = self.value(node.right, scope, depth + 1)
        if isinstance(node.left, ast.Name) and not isinstance(left, (Text, Seq, Lit)):
            left = self.grown_text(node.left, scope, depth) or left
        if isinstance(left, Lit) and isinstance(right, Lit) and isinstance(left.value, NUMBERS) and isinstance(right.value, NUMBERS):
            return Lit(left.value + right.value, loc)
        if isinstance(left, Text) or isinstance(right, Text):
            return Text(self._as_parts(left, node.left) + self._as_parts(right, node.right), loc)
        if isinstance(left, Seq) and isinstance(right, Seq):
            # `FEW_SHOT + [{"role": "user", "content": q}]`: fixed example turns, then the question
            return Seq(left.items + right.items, loc)
        if isinstance(left, Seq) and isinstance(node.right, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
            # `[cached_block] + history`: the fixed head, then messages only known at run time,
            # as `[cached_block, *history]` reads (a cache prefix is judged on its head)
            return Seq(left.items + (spread_items(right, self.loc(node.right)),), loc)
        if isinstance(left, (Ref, FileRead, Param, Transform)) and isinstance(right, (Ref, FileRead, Param, Transform)):
            return Text((left, right), loc)
        if _text_and_run_time(left, right) or _text_and_run_time(right, left):
            # `SYSTEM_PROMPT + await notes()`: a constant of another module (or a file's text) and
            # what the run adds; the fixed part is still the prompt's (run-time text is unread)
            return Text(self._as_parts(left, node.left) + self._as_parts(right, node.right), loc)
        return Unknown("expression", loc)

    def _as_parts(self, value: object, node: ast.expr) -> Tuple[object, ...]:
        if isinstance(value, Text):
            return value.parts
        if isinstance(value, (Ref, FileRead, Param, Transform)):
            return (value,)
        return (Dynamic(self.code_for(node), self.loc(node)), *return_options.options_parts(value))  # what a helper with several returns may write in it

    # --- containers --------------------------------------------------------------------

    def _replace(self, receiver: ast.expr, node: ast.Call, scope: Scope, depth: int, loc) -> Optional[Text]:
        """`TEMPLATE.replace("{{request}}", request)`: a template filled by hand. The text
        before the first placeholder stays fixed, which is what a cache prefix needs."""
        if len(node.args) != 2 or node.keywords or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            return None
        old = node.args[0].value
        inner = self.value(receiver, scope, depth + 1)
        if not old or not isinstance(inner, Text) or not inner.is_folded:
            return None  # a part still to resolve may hold the placeholder: where the fixed text ends is unknown
        new = self.value(node.args[1], scope, depth + 1)
        if isinstance(new, Text) and new.is_folded and not new.dynamic_parts:
            filler: object = new.literal
        else:
            filler = Dynamic(self.code_for(node.args[1]), self.loc(node.args[1]))
        parts = []
        for part in inner.parts:
            if isinstance(part, str):
                pieces = part.split(old)
                for i, piece in enumerate(pieces):
                    if i:
                        parts.append(filler)
                    parts.append(piece)
            else:
                parts.append(part)
        return Text(tuple(p for p in parts if p != ""), loc)

    def _join(self, sep_node, items_node, scope: Scope, depth: int, loc) -> object:
        sep = self.value(sep_node, scope, depth + 1)
        items = self.value(items_node, scope, depth + 1)
        if not (isinstance(sep, Text) and sep.is_folded and not sep.dynamic_parts and isinstance(items, Seq)):
            return Unknown("join", loc)
        parts: list = []
        separator = sep.literal  # once: each `.literal` of a many-part text is a new string
        for i, item in enumerate(items.items):
            if i:
                parts.append(separator)
            if isinstance(item, Text):
                parts.extend(item.parts)
            elif isinstance(item, (Ref, FileRead, Param, Transform)):
                parts.append(item)
            else:
                parts.append(Dynamic("<item>", getattr(item, "loc", None)))
        return Text(tuple(parts), loc)

    # --- files ---------------------------------------------------------------------------


def _text_and_run_time(value: object, other: object) -> bool:
    """A value still to resolve that is text when it is anything (another module's name, a
    file's text) added to one only the run knows (a call's result)."""
    return isinstance(value, (Ref, FileRead)) and type(other) is Unknown


def _empty(value: object) -> bool:
    return isinstance(value, ast.Constant) and value.value in ("", None)
