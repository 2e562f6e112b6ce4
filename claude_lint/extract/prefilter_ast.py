"""Step 2 of the pre-filter (see prefilter.py): `may_call`, on the `ast` tree the
extractor then walks, says whether a call in it could be one the extractor accepts."""
from __future__ import annotations

import ast
from typing import List, Set, Tuple

from claude_lint.extract import sdk
from claude_lint.extract.chains import method_chain
from claude_lint.extract.passed_models import RUNNABLE_CALLS
from claude_lint.extract.prefilter_table import _WORD, _passes_through, _table
from claude_lint.extract.walk import walk


def may_call(tree: ast.Module) -> bool:
    """After `needs_parse`, on the tree the extractor walks: could a call in this file be
    one the extractor recognises? (A file that does not parse never gets here: the
    extractor reports its syntax error.)"""
    t = _table()
    keys = _Keys(tree)
    unproven = False  # a method chain whose receiver only a client class could prove
    # modules one of which the file must import for a call seen to count: a module's
    # function, or a method of one of its clients
    functions_of: Set[str] = set()
    clients_of: Set[str] = set()
    names: Set[str] = set()
    aliased: Set[str] = set()  # the last word of each name an import statement imports
    aliases: Set[str] = set()  # names a method or function of the table is assigned to
    called: Set[str] = set()  # names (or last attributes) the file calls
    imported: Set[str] = _top_imports(tree)  # known first, so that most files stop at their first call
    runnable = False
    for node in _nodes(tree):
        kind = type(node)
        if kind is ast.Call or kind is ast.Assign:
            if kind is ast.Assign:
                # an alias of a method or function, called later: `create = client.chat.completions.create`
                if not isinstance(node.value, ast.Attribute):
                    continue
                chain, args = _chain(node.value), 0
            else:
                func = node.func
                if type(func) is ast.Name:
                    called.add(func.id)
                elif type(func) is ast.Attribute:
                    called.add(func.attr)
                    if func.attr in RUNNABLE_CALLS:
                        runnable = True  # a chat model passed in, if the file imports LangChain
                chain = _chain(func)
                args = -1
                if chain and chain[-1] in t.through and node.args:
                    chain, args = _chain(node.args[0]), sum(1 for a in node.args if not isinstance(a, ast.Starred)) - 1
            if t.extra_words and t.extra_words.intersection(chain):
                return True
            for n in t.lengths:
                tail = tuple(chain[-n:])
                if tail not in t.functions and tail not in t.methods:
                    continue
                if tail in t.needs and kind is ast.Call and not _may_post(node, t.needs[tail], keys):
                    continue  # a POST that no URL or body makes an LLM request
                if kind is ast.Assign:
                    aliases.update(_alias_names(node.targets))  # decided once the calls are seen
                    continue
                if tail in t.distinct:
                    return True
                if tail in t.root_names:
                    # made only through a function, or a client, of a module the file imports
                    roots = t.root_names[tail]
                    if tail in t.functions:
                        if not roots.isdisjoint(imported):
                            return True
                        functions_of.update(roots)
                    else:
                        clients_of.update(roots)
                    continue
                if tail in t.functions:
                    return True
                if args < 0:
                    args = sum(1 for a in node.args if not isinstance(a, ast.Starred))
                keywords = {k.arg for k in node.keywords}
                named = t.positional.get(tail, ())[:args]
                if None in keywords or t.proof <= (keywords - {None}).union(named):
                    return True  # proven, or a `**params` that may prove it
                unproven = True
        elif kind is ast.Name:
            names.add(node.id)
        elif kind is ast.Attribute:
            names.add(node.attr)
        elif kind is ast.alias:
            names.update(node.name.split("."))
            aliased.add(node.name.rsplit(".", 1)[-1])
        elif kind is ast.Import:
            imported.update(a.name.split(".")[0] for a in node.names)
        elif kind is ast.ImportFrom:
            if node.module and not node.level:
                imported.add(node.module.split(".")[0])
        elif kind is ast.arg or kind is ast.AnnAssign:
            _annotation_words(node.annotation, names)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            _annotation_words(node.returns, names)
    if not aliases.isdisjoint(called):
        return True  # the alias is called (its client is judged when the file is walked)
    if runnable and any(m.startswith("langchain") for m in imported):
        return True
    if not functions_of.isdisjoint(imported):
        return True
    clients = clients_of.intersection(imported)
    if clients and (not t.classes.isdisjoint(names) or not clients.isdisjoint(t.module_clients)):
        return True
    # A function imported by name, called under another (`from litellm import completion as
    # chat`): its qualified name is in the import.
    for word in t.function_words.intersection(aliased):
        if not imported.isdisjoint(t.function_roots[word]):
            return True
    return unproven and not t.classes.isdisjoint(names)


def _alias_names(targets) -> Set[str]:
    """`create = ...` -> {"create"}; `self.create = ...` -> {"create"}."""
    out: Set[str] = set()
    for target in targets:
        if isinstance(target, ast.Name):
            out.add(target.id)
        elif isinstance(target, ast.Attribute):
            out.add(target.attr)
    return out


def _top_imports(tree: ast.Module) -> Set[str]:
    """Root modules imported by the module's own statements (and those of its top-level
    `try`/`if` blocks): most imports, read without walking the tree."""
    out: Set[str] = set()
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import):
            out.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module and not node.level:
                out.add(node.module.split(".")[0])
        elif isinstance(node, (ast.Try, ast.If)) or type(node).__name__ == "TryStar":
            stack.extend(node.body)
            stack.extend(node.orelse)
            for handler in getattr(node, "handlers", ()):
                stack.extend(handler.body)
    return out


class _Keys:
    """The keys the file writes into dicts, read on first use: literal keys, item
    assignments, `setdefault`, and keywords of `dict(...)`, `.update(...)` or a class
    (a typed request): the ways extract/values.py and moves.py build a mapping. Per
    function too, as the extractor finds a name: the keys written into a dict bound to
    it there, whether it is also bound to something else there (a call's result: its keys
    are then only known file-wide), or whether it is a parameter (never a dict we see)."""

    def __init__(self, tree: ast.AST):
        self.tree = tree
        self._keys: "Set[str] | None" = None
        self.scope_of: dict = {}  # id(call) -> the function it sits in (None: the module)
        self.locals: dict = {}  # (id(function) or None, name) -> set of keys, or None when opaque
        self.params: dict = {}  # id(function) -> parameter names

    @property
    def endpoints(self) -> bool:
        """Does the file write an LLM endpoint path in a string?"""
        if self._keys is None:
            self._read()
        return self._endpoints

    _endpoints = False

    def _read(self) -> None:
        self._keys = set()
        stack: List[ast.AST] = []
        # The function the node is in (None: the module) and the walk's stack length when
        # that function was yielded: its subtree is what the walk yields while the stack is
        # no shorter (`_nodes`). `outer`: the same for the functions around it.
        fn, start = None, 0
        outer: list = []
        for node in _nodes(self.tree, stack):
            while len(stack) < start:
                fn, start = outer.pop()
            kind = type(node)
            if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef or kind is ast.Lambda:
                a = node.args
                self.params[id(node)] = {x.arg for x in a.posonlyargs + a.args + a.kwonlyargs} | {x.arg for x in (a.vararg, a.kwarg) if x}
                outer.append((fn, start))
                fn, start = node, len(stack)
                continue  # nothing else here reads a function's own node
            if kind is ast.Dict:
                self._keys.update(_dict_keys(node))
            elif kind is ast.Constant:
                if not self._endpoints and isinstance(node.value, str) and _endpoint_path(node.value):
                    self._endpoints = True
            elif kind is ast.Subscript:
                if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                    self._keys.add(node.slice.value)
                    if isinstance(node.value, ast.Name):
                        self._local(fn, node.value.id, [node.slice.value])
            elif kind is ast.Call:
                self.scope_of[id(node)] = fn
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                written = ()
                if name in ("dict", "update") or name[:1].isupper():
                    written = [k.arg for k in node.keywords if k.arg]
                elif name == "setdefault" and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                    written = [node.args[0].value]
                self._keys.update(written)
                if name in ("update", "setdefault") and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    self._local(fn, func.value.id, written, opaque=name == "update" and bool(node.args))
            elif kind is ast.Assign or kind is ast.AnnAssign:
                value = node.value
                for target in (node.targets if kind is ast.Assign else [node.target]):
                    for name in _target_names(target):
                        if isinstance(target, ast.Name) and isinstance(value, ast.Dict):
                            self._local(fn, name, _dict_keys(value), bound=True, dict_like=True)
                        elif isinstance(target, ast.Name) and isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
                            # dict(model=...) is read as a dict; dict(other) is not
                            self._local(fn, name, [k.arg for k in value.keywords if k.arg], bound=True, dict_like=not value.args)
                        elif _never_dict(target, value):
                            self._local(fn, name, (), bound=True)
                        else:
                            self._local(fn, name, (), opaque=True, bound=True, dict_like=True)

    def _local(self, fn, name: str, keys, opaque: bool = False, bound: bool = False, dict_like: bool = False) -> None:
        """Note what the function `fn` does with `name`: keys it writes into it; whether it
        binds it (`bound`), to something that may be a dict (`dict_like`), or to what only
        the whole file's keys can describe (`opaque`)."""
        entry = self.locals.setdefault((id(fn) if fn is not None else None, name), [set(), False, False, False])
        entry[0].update(keys)
        entry[1] = entry[1] or opaque
        entry[2] = entry[2] or bound
        entry[3] = entry[3] or dict_like

    def __contains__(self, key: str) -> bool:
        if self._keys is None:
            self._read()
        return key in self._keys

    def is_param(self, name: str, call: ast.Call) -> bool:
        if self._keys is None:
            self._read()
        fn = self.scope_of.get(id(call))
        return fn is not None and name in self.params.get(id(fn), ())

    def of(self, name: str, proof, call: ast.Call) -> bool:
        """Could the dict `name` stands for at this call hold every key of `proof`?"""
        if self._keys is None:
            self._read()
        fn = self.scope_of.get(id(call))
        scope = id(fn) if fn is not None else None
        if fn is not None and name in self.params.get(scope, ()):
            return False  # a parameter (reassigned or not): no dict the extractor can read
        entry = self.locals.get((scope, name))
        if entry is not None and entry[2]:  # bound here
            keys, opaque, _, dict_like = entry
            if not dict_like:
                return False  # never bound to what the extractor reads as a dict
            return all(k in (self._keys if opaque else keys) for k in proof)
        return all(k in self._keys for k in proof)  # bound in an enclosing scope


def _dict_keys(node: ast.Dict):
    return [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def _target_names(target: ast.expr):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for el in target.elts:
            yield from _target_names(el.value if isinstance(el, ast.Starred) else el)


def _may_post(call: ast.Call, body_keywords: Tuple[str, ...], keys: _Keys) -> bool:
    """Could extract/http.py take this POST for an LLM request? A JSON body keyword, then
    an LLM endpoint at the end of a URL it writes, or, when the URL's end is not written,
    a body that may hold a chat request's keys."""
    body = next((k.value for k in call.keywords if k.arg in body_keywords), None)
    if body is None:
        return False  # extract/http.py reads only a body passed by name
    if _passes_through(call, lambda name: keys.is_param(name, call), getattr(keys, "data", None)):
        return True  # a helper POSTing its caller's URL and body
    url = call.args[0] if call.args and not isinstance(call.args[0], ast.Starred) else next((k.value for k in call.keywords if k.arg == "url"), None)
    tail = _url_tail(url)
    if tail is not None:
        if _endpoint_path(tail.replace("\0", "")):
            return True
        path = tail.split("?", 1)[0].rstrip("/")
        if "\0" not in path[path.rfind("/") + 1:]:
            return False  # the URL's end is written, and is no endpoint
    elif keys.endpoints and _may_hold_text(url, call, keys):
        return True  # a URL held by a name, attribute or helper: it may be an endpoint the file writes
    return _may_prove(body, tuple(getattr(sdk, "HTTP_BODY_PROOF", ())), call, keys, 0)


def _may_prove(body: ast.expr, proof: Tuple[str, ...], call: ast.Call, keys: "_Keys", depth: int) -> bool:
    """Could this body expression be, to the extractor, a dict holding every key of `proof`?"""
    if not proof:
        return True
    if depth > 4:
        return all(k in keys for k in proof)
    if isinstance(body, ast.Dict):
        written = set(_dict_keys(body))
        rest = tuple(k for k in proof if k not in written)
        return not rest or any(_may_prove(v, rest, call, keys, depth + 1) for k, v in zip(body.keys, body.values) if k is None)
    if isinstance(body, ast.Name):
        return keys.of(body.id, proof, call)
    if isinstance(body, ast.Call):
        func = body.func
        if len(body.args) == 1 and not body.keywords and isinstance(func, (ast.Name, ast.Attribute)) and _last(func) in ("dumps", "dict"):
            return _may_prove(body.args[0], proof, call, keys, depth + 1)  # json.dumps(payload), dict(payload)
        if _may_build_dict(func):
            return all(k in keys for k in proof)  # a dict built by a helper of the file, or dict(...)
        return False  # another object's method: not a value the extractor follows
    if _is_self_attribute(body):
        return all(k in keys for k in proof)
    return False  # an attribute or item of another object, a parameter's field


def _never_dict(target: ast.expr, value) -> bool:
    """Is a name bound this way never a dict to the extractor? Another object's method's
    result, an awaited value, an item unpacked from anything but a tuple literal or a call
    of the file's own helpers."""
    if isinstance(value, ast.Await) or value is None:
        return True
    if isinstance(value, ast.Call):
        return not _may_build_dict(value.func)
    if isinstance(target, (ast.Tuple, ast.List)):
        return not isinstance(value, (ast.Tuple, ast.List))
    return False


def _may_build_dict(func: ast.expr) -> bool:
    """Could a call of this be, to the extractor, a dict: a function or class of the file
    (or `dict`), a method of `self`, `json.dumps`, a typed request class?"""
    if isinstance(func, ast.Name) or _is_self_attribute(func):
        return True
    return isinstance(func, ast.Attribute) and (func.attr == "dumps" or func.attr[:1].isupper())


def _last(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _is_self_attribute(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _may_hold_text(url, call: ast.Call, keys) -> bool:
    """Could the extractor fold this URL expression to a text the file writes? A name that
    is no parameter of the function around the call, `self.x` or `Module.NAME`, a helper
    of the file; not a parameter, a nested attribute, an item, another object's method."""
    if isinstance(url, ast.Name):
        return not keys.is_param(url.id, call)
    if isinstance(url, ast.Attribute):
        return isinstance(url.value, ast.Name)
    if isinstance(url, ast.Call):
        return isinstance(url.func, ast.Name) or _is_self_attribute(url.func)
    return isinstance(url, (ast.JoinedStr, ast.BinOp))


def _url_tail(url) -> "str | None":
    """The written end of a URL expression (run-time parts as NUL): a literal, an
    f-string, or `base + "/path"`; None when its end is not written."""
    if isinstance(url, ast.Constant) and isinstance(url.value, str):
        return url.value
    if isinstance(url, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "\0" for v in url.values)
    if isinstance(url, ast.BinOp) and isinstance(url.op, ast.Add):
        right = _url_tail(url.right)
        return None if right is None else "\0" + right
    return None


def _endpoint_path(url: str) -> bool:
    path = url.split("?", 1)[0].rstrip("/")
    return any(pattern.search(path) for pattern, *_ in getattr(sdk, "HTTP_ENDPOINTS", ()))


def _annotation_words(annotation, names: Set[str]) -> None:
    """Words of string annotations (`client: "anthropic.Anthropic"`); the rest are nodes."""
    kind = type(annotation)
    if annotation is None or kind is ast.Name:  # most annotations: no string in them
        return
    if kind is ast.Constant:
        if isinstance(annotation.value, str):
            names.update(_WORD.findall(annotation.value))
        return
    for node in walk(annotation):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(_WORD.findall(node.value))


# Fields that hold only leaf nodes no test here looks at: expression contexts (`Load`, a
# third of a tree's nodes) and operators.
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict = {}  # node type -> its fields less those


def _nodes(tree: ast.AST, stack: "List[ast.AST] | None" = None):
    """ast.walk in depth-first order, without its per-field generator overhead, nor the
    leaves above (a None or a str of a list field may come out: no test matches it). `stack`: a list for the walk to keep the nodes still to visit in, for a
    caller that needs to know where a subtree ends (`_Keys._read`, the one child loop for
    both walks): a node's subtree is yielded right after it, and ends at the first node
    yielded while the stack is shorter than it was when that node was yielded."""
    if stack is None:
        stack = []
    stack.append(tree)
    AST = ast.AST
    child_fields = _CHILD_FIELDS
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        yield node
        kind = type(node)
        fields = child_fields.get(kind)
        if fields is None:
            fields = child_fields[kind] = tuple(f for f in getattr(kind, "_fields", ()) if f not in _LEAF_FIELDS)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                # whole, unfiltered (a third faster): the few lists that also hold a None or a
                # str (Dict.keys, Global.names) yield them as nodes of no kind any test looks for
                extend(value)
            elif isinstance(value, AST):
                push(value)


def _chain(func: ast.expr) -> List[str]:
    """`client.with_options(x=1).messages.create` -> ["client", "messages", "create"]."""
    chain, root = method_chain(func)
    if isinstance(root, ast.Name):
        chain.insert(0, root.id)
    return chain
