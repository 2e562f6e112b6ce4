"""What the pre-filter's judgement of one raw POST (prefilter_ast.py) asks of the file's
bytes (`ByteKeys`): the dict keys the file may write, the parameters of the function
around the call, and the keys a body passed by name may hold, read from that function.

The function around a `post(` is found by indentation and parsed alone (its lines, not
the file's). A body passed by name (`data=json.dumps(data)`) may hold only the keys the
function writes for it: the keys of the dicts it binds the name to, of those it updates
it with, and those it sets one by one; a value another object's method returns
(`data = config.transform_request(...)`) holds none the extractor reads. In litellm's
550 KB HTTP handler, every such body was made that way, while the file writes `"model"`
and `"messages"` elsewhere: the whole file was parsed and walked for nothing. Whatever
this reading is unsure of (a name the function does not bind, or binds in a loop, or
declares global; a dict a helper of the file builds, `self`'s attribute) keeps the
looser test: the keys written anywhere in the file."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, FrozenSet, List, Optional, Set, Tuple

from claude_lint.extract.prefilter_ast import _is_self_attribute
from claude_lint.extract.prefilter_functions import MAX_HELPER_DEFS, def_params, def_starts, defines, enclosing_def, indent_of, parameters, parsed_function
from claude_lint.extract.prefilter_table import _passes_through
from claude_lint.extract.walk import walk

MAX_DEPTH = 8  # steps followed (a name, a helper's return, an unpacked tuple's item)
_ADDS_KEYS = frozenset(("setdefault", "__setitem__", "__ior__"))  # (`update` is read apart: its argument's keys)


class ByteKeys:
    """`_Keys` read from the bytes: every key the file might write (a superset), a name
    excluded when it is a parameter of the `def` around the call (`at`), and the keys the
    function may give a name (`bound_keys`)."""

    def __init__(self, data: bytes, endpoints: bool = True):
        self.data = data
        self.at = 0
        self.endpoints = endpoints  # the file writes an endpoint path (as the byte test's hints say)
        self._functions: Dict[Tuple[int, bool], Optional[_Reading]] = {}  # (def's offset, a helper's) -> the function read alone
        self._params: Tuple[int, Set[str]] = (-1, set())  # (`at`, the parameters of the function around it)
        self._def: Tuple[int, Optional[Tuple[int, int, int]]] = (-1, None)  # (`at`, the `def` around it: enclosing_def)
        self._defined: Dict[str, bool] = {}
        self._defs: Dict[str, List[Tuple[int, int]]] = {}

    def __contains__(self, key: str) -> bool:
        k = key.encode()
        return any(v in self.data for v in (b'"' + k + b'"', b"'" + k + b"'", k + b"="))

    def is_param(self, name: str, call) -> bool:
        if self._params[0] != self.at:
            found = self._enclosing()
            self._params = (self.at, def_params(self.data, found) if found is not None else set())
        return name in self._params[1]

    def _enclosing(self) -> Optional[Tuple[int, int, int]]:
        """`enclosing_def` of `at`, read once for the parameters and the body (it reads back
        line by line to the `def`: hundreds of lines for a call deep in a long function)."""
        if self._def[0] != self.at:
            self._def = (self.at, enclosing_def(self.data, self.at))
        return self._def[1]

    def reading(self, line: int, indent: int, paren: int, helper: bool = False) -> Optional[_Reading]:
        """The `def` at `line` read alone (once per run of questions on this file)."""
        key = (line, helper)
        if key not in self._functions:
            found = parsed_function(self.data, line, indent, paren)
            self._functions[key] = _Reading(found[0], self, found[1], helper) if found is not None else None
        return self._functions[key]

    def defines(self, name: str) -> bool:
        if name not in self._defined:
            self._defined[name] = defines(self.data, name)
        return self._defined[name]

    def defs(self, name: str) -> List[Tuple[int, int]]:
        if name not in self._defs:
            self._defs[name] = def_starts(self.data, name)
        return self._defs[name]

    def of(self, name: str, proof, call) -> bool:
        if self.is_param(name, call):
            return False
        return all(k in self for k in proof)

    def bound_keys(self, name: str, call) -> Optional[FrozenSet[str]]:
        """Every key the function around the call may give `name` (a superset; `EVERY` when
        it may be the caller's body a pass-through POST sends); None when not read here (then
        `of` answers). A parameter holds the keys the function sets in it (`params["model"] = m`)."""
        found = self._enclosing()
        if found is None:
            return None
        reading = self.reading(*found)
        if reading is None:
            return None
        reading.reached.clear()
        reading.known.clear()  # (kept within one question: which parameters it reaches is asked anew)
        keys = reading.name_keys(name, 0)
        # bound to a parameter: a POST of the caller's body, as prefilter_table._passes_through reads one written so
        # (the URL's name bound to a method of `self` is looked for in the function, not the file)
        if keys is not None and reading.reached and (call is None or any(
                _passes_through(_with_body(call, p), lambda n: self.is_param(n, call), reading.text) for p in reading.reached)):
            return EVERY
        return keys


class _Reading:
    """The keys a function may give its names, read on the function alone."""

    def __init__(self, fn: ast.AST, owner: ByteKeys, text: bytes, helper: bool = False):
        self.fn = fn
        self.owner = owner
        self.text = text  # the function's bytes
        self.helper = helper  # a helper the request's function calls: its parameters are its callers' arguments
        # (name, items) -> its keys, once read whole (an answer cut short by the depth or a cycle is not kept: what is
        # kept holds at any depth; a helper's are kept for the file, the request's function's per question, `reached`)
        self.known: Dict[Tuple[str, bool], Optional[FrozenSet[str]]] = {}
        self.reached: Set[str] = set()  # the function's parameters a name was bound to
        self.active: Set[Tuple[str, bool]] = set()
        own = parameters(fn.args)  # type: ignore[attr-defined]
        self.params = {x.arg for x in own}
        self.own_args = {id(x) for x in own}
        # Only the nodes `_binding` reads and the returns `call_keys` reads: every other node
        # gives no name a key, and a function is asked about several names (in litellm's HTTP
        # handler, four fifths of the nodes looked at, for each of them).
        self.nodes = [node for node in walk(fn) if node.__class__ in _READ]

    def name_keys(self, name: str, depth: int, items: bool = False) -> Optional[FrozenSet[str]]:
        """The keys the function may give `name` (`items`: any item of it, unpacked from it)."""
        if depth > MAX_DEPTH:
            return None
        param = name in self.params
        if param:
            if self.helper or items:
                return None  # a caller's argument (or an item of one)
            # no dict as handed in, only with what the function sets in it (`params["model"] = m`);
            # a POST of it may be its callers' (bound_keys)
            self.reached.add(name)
        asked = (name, items)
        if asked in self.known:
            return self.known[asked]
        if asked in self.active:
            return None  # bound from itself (`body = {**body, ...}`): not read here
        self.active.add(asked)
        try:
            keys: Set[str] = set()
            bound = False
            for node in self.nodes:
                added = self._binding(node, name, depth, items)
                if added is None:
                    return None
                if added is not _NOTHING:
                    bound = True
                    keys |= added
            found = frozenset(keys) if bound or param else None  # (not bound here: a global's, a closure's)
            self.known[asked] = found
            return found
        finally:
            self.active.discard(asked)

    def _binding(self, node: ast.AST, name: str, depth: int, items: bool):
        """The keys `node` gives `name` (`_NOTHING`: it does not touch it); None: not read here."""
        kind = type(node)
        if kind is ast.Assign:
            found: Set[str] = set()
            touched = False
            for target in node.targets:  # type: ignore[attr-defined]
                keys = self._assigned(target, node.value, name, depth, items)  # type: ignore[attr-defined]
                if keys is None:
                    return None
                if keys is not _NOTHING:
                    touched = True
                    found |= keys
            return frozenset(found) if touched else _NOTHING
        if kind is ast.AnnAssign:
            if node.value is None:  # type: ignore[attr-defined]
                return _NOTHING if not _names(node.target, name) or isinstance(node.target, ast.Name) else None  # type: ignore[attr-defined]
            return self._assigned(node.target, node.value, name, depth, items)  # type: ignore[attr-defined]
        if kind is ast.AugAssign:
            if not _names(node.target, name):  # type: ignore[attr-defined]
                return _NOTHING
            if isinstance(node.target, ast.Name) and isinstance(node.op, ast.BitOr) and not items:  # type: ignore[attr-defined]
                return self.value_keys(node.value, depth + 1)  # type: ignore[attr-defined]
            return None
        if kind is ast.Call:
            found = self._call(node, name, depth)  # type: ignore[arg-type]
            return None if items and found is not _NOTHING else found
        if kind in (ast.For, ast.AsyncFor, ast.comprehension):
            return None if _names(node.target, name) else _NOTHING  # type: ignore[attr-defined]
        if kind is ast.withitem:
            return None if node.optional_vars is not None and _names(node.optional_vars, name) else _NOTHING  # type: ignore[attr-defined]
        if kind is ast.NamedExpr:
            return None if node.target.id == name else _NOTHING  # type: ignore[attr-defined]
        if kind in (ast.Global, ast.Nonlocal):
            return None if name in node.names else _NOTHING  # type: ignore[attr-defined]
        if kind is ast.alias:
            return None if (node.asname or node.name.split(".")[0]) == name else _NOTHING  # type: ignore[attr-defined]
        if kind is ast.arg:  # a nested function's or lambda's parameter so named: not this name
            return None if node.arg == name and id(node) not in self.own_args else _NOTHING  # type: ignore[attr-defined]
        if kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
            return None if node is not self.fn and node.name == name else _NOTHING  # type: ignore[attr-defined]
        if kind in _CAPTURES:
            return None if name in (getattr(node, "name", None), getattr(node, "rest", None)) else _NOTHING
        return _NOTHING  # (`del body["k"]`, `del body`: adds no key)

    def _assigned(self, target: ast.expr, value: ast.expr, name: str, depth: int, items: bool = False):
        if isinstance(target, ast.Name):
            if target.id != name:
                return _NOTHING
            return self.item_keys(value, depth + 1) if items else self.value_keys(value, depth + 1)
        if _item_of(target, name) and not items:  # `body["model"] = m`
            key = target.slice  # type: ignore[attr-defined]
            return frozenset((key.value,)) if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
        if not _names(target, name):
            return _NOTHING
        if isinstance(target, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in target.elts):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) and not any(isinstance(e, ast.Starred) for e in value.elts):
                found: Set[str] = set()
                for t, v in zip(target.elts, value.elts):
                    keys = self._assigned(t, v, name, depth, items)
                    if keys is None:
                        return None
                    if keys is not _NOTHING:
                        found |= keys
                return frozenset(found)
            return self.item_keys(value, depth + 1)  # any item of what is unpacked (a superset)
        return None  # `body.x = y`, `*rest`, an index that is not one key

    def _call(self, node: ast.Call, name: str, depth: int):
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name:
            if func.attr == "update":  # its argument's keys, its keywords' (extract/moves.py)
                found: Set[str] = set()
                for part in [*node.args, *(k.value for k in node.keywords if k.arg is None)]:
                    keys = self.value_keys(part.value if isinstance(part, ast.Starred) else part, depth + 1)
                    if keys is None:
                        return None
                    found |= keys
                return frozenset(found | {k.arg for k in node.keywords if k.arg is not None})
            if func.attr in _ADDS_KEYS:
                key = node.args[0] if node.args else None
                return frozenset((key.value,)) if isinstance(key, ast.Constant) and isinstance(key.value, str) and func.attr == "setdefault" else None
            return _NOTHING  # `body.get(k)`, `body.pop(k)`: adds no key
        return _NOTHING  # (handed to a helper that fills it: the extractor reads only a name's own edits, extract/moves.py)

    def item_keys(self, value: ast.expr, depth: int) -> Optional[FrozenSet[str]]:
        """Every key any item of this value may hold (a tuple unpacked from it)."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(value, ast.Await):
            return self.item_keys(value.value, depth + 1)
        if isinstance(value, (ast.Tuple, ast.List)):
            found: Set[str] = set()
            for item in value.elts:
                keys = None if isinstance(item, ast.Starred) else self.value_keys(item, depth + 1)
                if keys is None:
                    return None
                found |= keys
            return frozenset(found)
        if isinstance(value, ast.Name):
            return self.name_keys(value.id, depth + 1, items=True)
        if isinstance(value, ast.Call):
            return self.call_keys(value, depth + 1, items=True)
        return None

    def call_keys(self, call: ast.Call, depth: int, items: bool = False) -> Optional[FrozenSet[str]]:
        """The keys what a call returns may hold (`items`: any item of it): a function or a
        method of `self` the file defines, by its returns (read alone, up to the depth); none
        for another module's function or another object's method, which the extractor does
        not follow where the request is made."""
        func = call.func
        name = func.id if isinstance(func, ast.Name) else func.attr if _is_self_attribute(func) else None  # type: ignore[attr-defined]
        if name is None:
            return None if isinstance(func, ast.Attribute) and func.attr[:1].isupper() else frozenset()  # (a typed request class)
        if name[:1].isupper():
            return None  # a class: a typed request, a dict subclass
        owner = self.owner
        if isinstance(func, ast.Name) and not owner.defines(name):
            return frozenset()  # another module's function
        found: Set[str] = set()
        starts = owner.defs(name)
        if not starts or len(starts) > MAX_HELPER_DEFS or depth > MAX_DEPTH:
            return None  # (bound otherwise, `ask = partial(...)`; or too many to read)
        for line, paren in starts:
            helper = owner.reading(line, indent_of(owner.data, line), paren, helper=True)
            if helper is None:
                return None
            for node in helper.nodes:
                if isinstance(node, ast.Return) and node.value is not None:
                    keys = helper.item_keys(node.value, depth + 1) if items else helper.value_keys(node.value, depth + 1)
                    if keys is None:
                        return None
                    found |= keys
        return frozenset(found)

    def value_keys(self, value: ast.expr, depth: int) -> Optional[FrozenSet[str]]:
        """Every key this value may hold as the extractor reads it (a superset); None: not read here."""
        if depth > MAX_DEPTH:
            return None
        if isinstance(value, ast.Await):
            return self.value_keys(value.value, depth + 1)
        if isinstance(value, ast.Dict):
            keys: Set[str] = set()
            for k, v in zip(value.keys, value.values):
                if k is None:
                    spread = self.value_keys(v, depth + 1)
                    if spread is None:
                        return None
                    keys |= spread
                elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                    keys.add(k.value)
                else:
                    return None
            return frozenset(keys)
        if isinstance(value, ast.Name):
            return self.name_keys(value.id, depth + 1)
        if isinstance(value, ast.Call):
            func = value.func
            last = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if last in ("dumps", "dict"):
                if any(k.arg is None for k in value.keywords) or len(value.args) > 1 or value.args and isinstance(value.args[0], ast.Starred):
                    return None  # (`dict(**options)`: prefilter_ast._may_build_dict's looser test)
                keys = self.value_keys(value.args[0], depth + 1) if value.args else frozenset()
                return None if keys is None else keys | {k.arg for k in value.keywords if k.arg is not None}
            return self.call_keys(value, depth + 1)
        if isinstance(value, (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.ListComp, ast.Compare, ast.BinOp, ast.DictComp)) and not (
                isinstance(value, ast.BinOp) and isinstance(value.op, ast.BitOr)):
            return frozenset()  # no dict, or one of keys not written (a comprehension's: the extractor reads none); a `|` of two may be one
        return None  # an attribute (`self.payload`), an item, a choice: not read here


_NOTHING = frozenset(("\0nothing",))  # sentinel: the node does not touch the name


class _Every(frozenset):
    """Every key: a body that may be the caller's (extract/http.py's pass-through POST)."""

    def __contains__(self, key: object) -> bool:
        return True


EVERY = _Every()
_CAPTURES = (ast.MatchAs, ast.MatchStar, ast.MatchMapping)  # a `match` statement's patterns
# The nodes a function is read for (`_Reading.nodes`): those `_binding` may find a name in, and returns.
_READ = frozenset((ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Call, ast.For, ast.AsyncFor, ast.comprehension, ast.withitem,
                   ast.NamedExpr, ast.Global, ast.Nonlocal, ast.alias, ast.arg, ast.FunctionDef, ast.AsyncFunctionDef,
                   ast.ClassDef, ast.Return, *_CAPTURES))


def _with_body(call: ast.Call, name: str) -> ast.Call:
    """The call with its JSON body written as `name`."""
    keywords = [ast.keyword(k.arg, ast.Name(name)) if k.arg in ("json", "data") else k for k in call.keywords]
    return ast.Call(func=call.func, args=call.args, keywords=keywords)


def _item_of(target: ast.AST, name: str) -> bool:
    return isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id == name


def _names(target: ast.AST, name: str) -> bool:
    """Does this target (or anything under it) name `name`?"""
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(target))
