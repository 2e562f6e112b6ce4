"""Project wrappers: functions and methods that make an LLM request for their callers.

A wrapper is a function or method of the project whose body makes a recognised request
with values from its parameters (a parameter among the request's arguments, `**kwargs`
passed through, a messages list built from a parameter; for a method, the state of its
object, which is its first parameter), or that calls another wrapper passing its
parameters on (a closure passes those of the function around it). Each call of a wrapper
is a call site of its own: `link` binds the caller's arguments to the wrapper's
parameters by its signature, and the rules judge the request in the caller's context.

Two passes find them, both per file and both returning a `WrapperTable` (plain facts,
cached with the file):

- `summarise`, with the file's other facts: the file's wrappers, and every call of them
  made in the same file (notebooks are always here);
- `callers`, the engine's second phase, only for files that name a wrapper of another
  file (the function, its class or a module-level instance of it): the calls that may
  reach one, and the file's functions that pass their parameters on to those.

A call is a call of a wrapper when its callee is known statically: a function of the file
or an imported one, a method through `self`/`super()`, through a class, or through a
receiver whose class is known (`self.llm = LLMClient()`, `client or LLMClient()`, a
parameter annotated with the class, a module-level instance, a dict of instances); or a
wrapper handed to a call that runs it (`executor.submit(f, x)`, `df.col.apply(f)`).
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

from claude_lint.extract import loops
from claude_lint.extract.scopes import Binding, CallRecord, Collector, Scope, keyword
from claude_lint.facts import (
    CallSite,
    Callee,
    ClassInfo,
    FileFacts,
    History,
    Invocation,
    Mapping,
    Param,
    Seq,
    Signature,
    Text,
    Transform,
    Unknown,
    Wrapper,
    WrapperTable,
)

MAX_DEPTH = 4  # levels of wrappers calling wrappers, here and in link
MAX_CLASSES = 8  # candidate classes of one receiver
MAX_VALUE_NODES = 2000  # nodes of a value searched for a parameter
MAX_INVOCATIONS = 2000  # calls of wrappers kept per file
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
# Calls that run a function handed to them with the arguments after it.
RUNS_WITH_ARGS = frozenset({"submit", "to_thread", "run_in_executor", "apply_async", "run_sync"})
# Calls that run it once per item of a collection (the item is its first argument); the
# pandas ones pass their other keywords on to it.
RUNS_PER_ITEM = frozenset({"map", "imap", "imap_unordered"})
APPLY = frozenset({"apply", "progress_apply", "parallel_apply", "swifter_apply", "applymap"})
# A decorated function run through its task object (Modal, Celery, Ray): `f.remote(x)` calls
# f(x); `f.map(xs)` calls it once per item.
TASK_CALLS = frozenset({"call", "remote", "local", "spawn", "delay", "aio"})
TASK_MAPS = frozenset({"map", "starmap"})
# The methods through which a LangChain chat model (or a runnable built on it) makes its
# request, and those that return a runnable still bound to the same model.
MODEL_INVOKES = frozenset({"invoke", "ainvoke", "stream", "astream", "batch", "abatch", "predict", "apredict", "predict_messages", "generate", "agenerate"})
MODEL_THROUGH = frozenset({"with_structured_output", "bind", "bind_tools", "with_retry", "with_config", "with_fallbacks"})
OUTPUT_LIMIT = re.compile(r"""\b(?:max_tokens|max_completion_tokens|max_output_tokens|maxTokens)\b(?:\s*=(?!=)|["']\s*:)""")


class _Everything(frozenset):
    """Every name: a file linted on its own, without the rest of the project to say which of
    its calls reach a wrapper (link loads the modules it imports when asked)."""

    def __contains__(self, item: object) -> bool:
        return True


EVERYTHING = _Everything()


def params_in(values: Iterable[object]) -> Iterator[Param]:
    """The parameters a value is built from (bounded walk)."""
    stack = list(values)
    seen = 0
    while stack and seen < MAX_VALUE_NODES:
        v = stack.pop()
        seen += 1
        kind = type(v)
        if kind is Param:
            yield v  # type: ignore[misc]
        elif kind is Text:
            stack.extend(p for p in v.parts if not isinstance(p, str))  # type: ignore[attr-defined]
        elif kind is Seq:
            stack.extend(v.items)  # type: ignore[attr-defined]
        elif kind is Mapping:
            stack.extend(x for _, x in v.entries)  # type: ignore[attr-defined]
        elif kind is Transform:
            stack.append(v.inner)  # type: ignore[attr-defined]


def _bind_params(value: object, function: str, bound: Dict[str, object], budget: List[int]) -> object:
    """`value` with the parameters of `function` replaced by the values bound to them
    (bounded: past the budget a value is kept as it is)."""
    budget[0] -= 1
    if budget[0] < 0:
        return value
    kind = type(value)
    if kind is Param:
        if value.function == function and value.name in bound:  # type: ignore[attr-defined]
            return bound[value.name]  # type: ignore[attr-defined]
        return value
    if kind is Mapping:
        return replace(value, entries=tuple((k, _bind_params(v, function, bound, budget)) for k, v in value.entries))  # type: ignore[attr-defined]
    if kind is Text:
        return replace(value, parts=tuple(p if isinstance(p, str) else _bind_params(p, function, bound, budget) for p in value.parts))  # type: ignore[attr-defined]
    if kind is Seq:
        return replace(value, items=tuple(_bind_params(v, function, bound, budget) for v in value.items))  # type: ignore[attr-defined]
    if kind is Transform:
        return replace(value, inner=_bind_params(value.inner, function, bound, budget))  # type: ignore[attr-defined]
    return value


def _none_default(stmt: ast.stmt, name: str) -> Optional[ast.expr]:
    """DEFAULT of `if name is None: name = DEFAULT` (the idiom of a default that is not a constant)."""
    if not isinstance(stmt, ast.If) or stmt.orelse or len(stmt.body) != 1:
        return None
    test, body = stmt.test, stmt.body[0]
    if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == name and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Is) and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None):
        return None
    if isinstance(body, ast.Assign) and len(body.targets) == 1 and isinstance(body.targets[0], ast.Name) and body.targets[0].id == name:
        return body.value
    return None


def _assigns(stmt: ast.stmt, name: str, budget: List[int]) -> bool:
    for n in ast.walk(stmt):
        budget[0] -= 1
        if budget[0] <= 0:
            return True  # not known: as if changed
        if type(n) is ast.Name and n.id == name and isinstance(n.ctx, ast.Store):
            return True
    return False


def _holds(value: ast.expr, node: ast.AST) -> bool:
    """Is `node` the value itself, or one of the values it may take (`a or B()`, `A() if c else B()`)?"""
    if value is node:
        return True
    if isinstance(value, ast.BoolOp):
        return any(_holds(v, node) for v in value.values)
    if isinstance(value, ast.IfExp):
        return _holds(value.body, node) or _holds(value.orelse, node)
    return False


def last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


# --- the two passes ----------------------------------------------------------------------


def summarise(ex, found: List[Tuple[CallRecord, List[CallSite]]]) -> Optional[WrapperTable]:
    """Phase 1, from the extraction of a file (python._Extraction) and its recognised
    requests: the file's wrappers and the calls of them in the file."""
    if not found:
        return None
    finder = Finder(ex.path, ex.abspath, ex.text, ex.c, ex.ev, ex.history)
    requests: Dict[Scope, List[Tuple[CallSite, Optional[str]]]] = {}
    held: Dict[Tuple[str, str], List[CallSite]] = {}  # where a chat model is kept -> its constructors
    factories: Dict[str, List[CallSite]] = {}  # function -> the chat models it returns
    for record, sites in found:
        d = finder.enclosing_def(record.scope)
        if any(site.provider == "langchain" for site in sites):
            # A chat model makes its request where it is invoked: a function that returns it
            # (a factory) or keeps it (`self.llm = ChatOpenAI(...)`, a module-level model)
            # requests nothing; the functions that invoke it do.
            kept = finder.kept_as(record, d)
            if kept is not None:
                if kept[0] == "factory":
                    factories.setdefault(kept[1], []).extend(sites)
                else:
                    held.setdefault(kept, []).extend(sites)
                continue
        if d is None:
            continue
        owners = finder.owners(d)
        # A method's object is its parameter too: its state (a client, a history) is the caller's.
        # A chat model built here (LangChain) makes its request when the function invokes it:
        # the parameters it reads anywhere are the request's.
        uses = d.self_name is not None or finder.reads_params(record.node, record.scope, d)
        if not uses and any(site.provider == "langchain" for site in sites):
            uses = finder.reads_any_param(d)
        for site in sites:
            if uses or any(p.function in owners for p in params_in([site.kwargs])):
                requests.setdefault(d, []).append((site, finder.messages_param(record, site, owners)))
    if held or factories:
        for d, site, messages in finder.invoked_models(held, factories):
            requests.setdefault(d, []).append((site, messages))
    if not requests:
        return None
    return finder.table(requests, None, frozenset())


def methods_of(tables: Iterable[WrapperTable]) -> Set[str]:
    """The names of the wrapper methods: a call `x.name(...)` may reach one."""
    return {last(w.name) for t in tables for w in t.functions if "." in w.name}


def _names_used(tree: ast.AST, wanted: Set[str]) -> bool:
    """Does the file use one of these names (as a name or an attribute)? A call of a
    wrapper, a function handed over, a dict of them all do."""
    for node in ast.walk(tree):
        kind = type(node)
        if kind is ast.Name:
            if node.id in wanted:  # type: ignore[attr-defined]
                return True
        elif kind is ast.Attribute:
            if node.attr in wanted:  # type: ignore[attr-defined]
                return True
    return False


def callers(text: str, path: str, abspath: str, module: Optional[str], kind: str, names: FrozenSet[str], local: FrozenSet[str], methods: FrozenSet[str] = frozenset()) -> Optional[FileFacts]:
    """Phase 2: the calls of other files' wrappers (`names`: the wrappers' names this file
    mentions) and the functions passing their parameters on to them. `local`: the file's
    own wrappers from phase 1, whose calls phase 1 has. The facts come back unparsed
    (constants are not read here) with the table, noqa comments and notebook cells."""
    from claude_lint.extract import python
    from claude_lint.extract.positions import Positions

    mapper = None
    cells: Tuple[Tuple[int, int], ...] = ()
    code = text
    if kind == "notebook":
        joined = _notebook_code(text)
        if joined is None:
            return None
        code, starts, lines = joined
        from claude_lint.extract import notebook

        mapper = notebook._Mapper(path, starts, lines)
        cells = tuple(starts)
    if code.startswith("\ufeff"):
        code = code[1:]
    tree = python.parse(code, path)
    if not isinstance(tree, ast.Module):
        return None
    try:
        if not isinstance(names, _Everything) and not _names_used(tree, set(names) | set(methods)):
            return None  # named in an import or a comment only: no scopes to build
        collector = Collector().collect(tree)
        ex = python._Extraction(code, path, abspath, module, Positions(path, code), collector)
        finder = Finder(path, abspath, code, collector, ex.ev, ex.history)
        table = finder.table({}, names, local, methods)
    except RecursionError:
        return None
    if table is None:
        return None
    if mapper is not None:
        table = mapper.remap(table)
    return FileFacts(path, abspath, module, kind, cells=cells, parsed=False, wrappers=table)


def _notebook_code(text: str):
    """A notebook's code cells joined as the notebook extractor joins them."""
    from claude_lint.extract import notebook

    try:
        nb = json.loads(text)
    except ValueError:
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not notebook._is_python(nb.get("metadata")):
        return None
    lines: List[str] = []
    starts: List[Tuple[int, int]] = []
    for number, cell in enumerate(nb["cells"], 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(s for s in source if isinstance(s, str))
        if not isinstance(source, str):
            continue
        starts.append((len(lines) + 1, number))
        lines.extend(notebook.clean_cell(source.replace("\r\n", "\n")))
    if not starts:
        return None
    return notebook._SURROGATE.sub("\ufffd", "\n".join(lines) + "\n"), starts, lines


def exported(tables: Iterable[WrapperTable]) -> List[Dict[str, FrozenSet[str]]]:
    """Per table, the names through which another file can reach its wrappers: a
    module-level function (-> no methods), a module-level class with a public wrapper
    method, or a subclass of one, here or in another table, or a module-level instance of
    such a class (-> its wrapper methods). A private name is not imported elsewhere, by
    convention: its calls are in its own file (phase 1)."""
    tables = list(tables)
    out: List[Dict[str, FrozenSet[str]]] = []
    classes: Dict[str, Set[str]] = {}
    for t in tables:
        names: Dict[str, FrozenSet[str]] = {}
        top = {c.name for c in t.classes if "." not in c.name}
        for w in t.functions:
            head, _, rest = w.name.partition(".")
            if not rest:
                if not head.startswith("_"):
                    names[head] = frozenset()
            elif head in top and "." not in rest and (not rest.startswith("_") or rest == "__call__"):
                classes.setdefault(head, set()).add(rest)
        out.append(names)
    for _ in range(MAX_DEPTH):
        grew = False
        for t in tables:
            for c in t.classes:
                if "." in c.name:
                    continue
                inherited = set().union(*(classes.get(last(b.target), set()) for b in c.bases)) if c.bases else set()
                if inherited - classes.get(c.name, set()):
                    classes.setdefault(c.name, set()).update(inherited)
                    grew = True
                # A base whose method a wrapper overrides: a call through the base (an
                # abstract provider, a parameter annotated with it) may reach the wrapper.
                for b in c.bases:
                    mine = classes.get(c.name, set())
                    if mine - classes.get(last(b.target), set()):
                        classes.setdefault(last(b.target), set()).update(mine)
                        grew = True
        if not grew:
            break
    for t, names in zip(tables, out):
        for c in t.classes:
            if c.name in classes:
                names[c.name] = frozenset(classes[c.name])
                for b in c.bases:  # a base in a file without a table: named here
                    if classes.get(last(b.target)) and not b.local:
                        names.setdefault(last(b.target), frozenset(classes[last(b.target)]))
        for name, ks in t.instances:
            methods = set().union(*(classes.get(last(k.target), set()) for k in ks))
            if methods:
                names[name] = frozenset(methods)
    return out


# --- the finder ----------------------------------------------------------------------------


class Finder:
    def __init__(self, path: str, abspath: str, text: str, collector: Collector, ev, history=None):
        self.path = path
        self.abspath = abspath
        self.text = text
        self.c = collector
        self.ev = ev
        self.history = history  # (call node, scope, record, expr) -> Optional[History]
        self.cache_control = "cache_control" in text
        self._limits: Optional[int] = None
        scopes = list(collector.scopes_by_node.values())
        functions = sorted((s for s in scopes if s.kind == "function" and isinstance(s.node, _FUNCTION_NODES)), key=lambda s: (s.node.lineno, s.node.col_offset))
        self.defs_by_name: Dict[str, List[Scope]] = {}
        for s in functions:
            self.defs_by_name.setdefault(s.name, []).append(s)
        self.defs: Dict[str, Scope] = {name: found[-1] for name, found in self.defs_by_name.items()}
        self.klasses: Dict[str, Scope] = {s.name: s for s in scopes if s.kind == "class"}
        self._methods: Dict[str, Set[str]] = {}
        for name, s in self.defs.items():
            if s.parent is not None and s.parent.kind == "class":
                self._methods.setdefault(s.parent.name, set()).add(last(name))
        self._bases: Dict[str, Tuple[Callee, ...]] = {}
        self._taint: Dict[str, Set[str]] = {}
        self._growing: Optional[Set[tuple]] = None

    # --- scopes and signatures ---

    def enclosing_def(self, scope: Optional[Scope]) -> Optional[Scope]:
        """The function a call is written in: lambdas and comprehensions are seen through."""
        s = scope
        while s is not None:
            if s.kind == "function" and isinstance(s.node, _FUNCTION_NODES):
                return s
            if s.kind in ("module", "class"):
                return None
            s = s.parent
        return None

    def owners(self, d: Scope) -> Set[str]:
        """d and the functions around it: a closure's values may be their parameters."""
        names = set()
        s: Optional[Scope] = d
        while s is not None:
            if s.kind == "function":
                names.add(s.name)
            s = s.parent
        return names

    def reads_params(self, node: ast.AST, scope: Scope, d: Scope) -> bool:
        """Does an expression read a parameter of d (or of a function around it), directly or
        through d's local names? Read from the syntax, so a parameter reassigned or a list
        built over several statements still counts (values.py gives those up)."""
        tainted = self._tainted(d)
        owners = self.owners(d)
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                owner = self.ev.find(n.id, scope)
                if owner is None:
                    continue
                if (owner is d or (owner.kind == "comprehension" and self.enclosing_def(owner) is d)) and n.id in tainted:
                    return True
                if owner.kind == "function" and owner.name in owners and n.id in owner.params:
                    return True
        return False

    def reads_any_param(self, d: Scope) -> bool:
        params = set(d.params) - {d.self_name}
        return any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in params for stmt in d.node.body for n in ast.walk(stmt))

    def _tainted(self, d: Scope) -> Set[str]:
        """d's names whose value may come from its parameters (flow-insensitive)."""
        if d.name in self._taint:
            return self._taint[d.name]
        sources: Dict[str, List[ast.AST]] = {}
        for n in ast.walk(d.node):
            if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                value = n.value
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
            elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
                value, targets = n.iter, [n.target]
            elif isinstance(n, ast.withitem) and n.optional_vars is not None:
                value, targets = n.context_expr, [n.optional_vars]
            elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name):
                # `messages.append(prompt)`: the list now holds the parameter
                value, targets = n, [n.func.value]
            else:
                continue
            if value is None:
                continue
            for t in targets:
                for name in ast.walk(t):
                    if isinstance(name, ast.Name):
                        sources.setdefault(name.id, []).append(value)
        tainted: Set[str] = set(d.params)
        reads = {name: {x.id for v in values for x in ast.walk(v) if isinstance(x, ast.Name)} for name, values in sources.items()}
        grew = True
        while grew:
            grew = False
            for name, read in reads.items():
                if name not in tainted and read & tainted:
                    tainted.add(name)
                    grew = True
        self._taint[d.name] = tainted
        return tainted

    def signature(self, d: Scope) -> Signature:
        args = d.node.args
        ordered = [a.arg for a in list(args.posonlyargs) + list(args.args)]
        receiver = d.self_name
        if receiver is not None and ordered and ordered[0] == receiver:
            ordered = ordered[1:]
        classmethod = any(isinstance(x, ast.Name) and x.id == "classmethod" for x in d.node.decorator_list)
        return Signature(
            tuple(ordered),
            tuple(a.arg for a in args.kwonlyargs),
            args.vararg.arg if args.vararg is not None else None,
            args.kwarg.arg if args.kwarg is not None else None,
            receiver,
            classmethod,
        )

    def messages_param(self, record: CallRecord, site: CallSite, owners: Set[str]) -> Optional[str]:
        """The parameter a request's messages list is (or is built from, whole): a growing
        list the caller passes there is resent by every call."""
        for name in site.keywords("messages"):
            value = site.kwargs.get(name)
            if isinstance(value, Param) and value.function in owners:
                return value.name
            expr = keyword(record.node, name)
            if expr is not None:
                found = self._list_param(expr, record.scope, owners, 0)
                if found is not None:
                    return found
        return None

    def _list_param(self, expr: ast.expr, scope: Scope, owners: Set[str], depth: int) -> Optional[str]:
        if depth > 6:
            return None
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return None
            if expr.id in owner.params and owner.name in owners:
                return expr.id
            bound = owner.assigns.get(expr.id, [])
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                return self._list_param(bound[0], owner, owners, depth + 1)
            return None
        if isinstance(expr, ast.List):
            for el in expr.elts:
                if isinstance(el, ast.Starred):
                    found = self._list_param(el.value, scope, owners, depth + 1)
                    if found is not None:
                        return found
            return None
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._list_param(expr.left, scope, owners, depth + 1) or self._list_param(expr.right, scope, owners, depth + 1)
        if isinstance(expr, ast.Call) and not expr.keywords:
            if isinstance(expr.func, ast.Name) and expr.func.id == "list" and len(expr.args) == 1:
                return self._list_param(expr.args[0], scope, owners, depth + 1)
            if isinstance(expr.func, ast.Attribute) and expr.func.attr == "copy" and not expr.args:
                return self._list_param(expr.func.value, scope, owners, depth + 1)
        return None  # a slice or anything else: a window, not the whole list

    # --- chat models kept and invoked elsewhere ---

    def kept_as(self, record: CallRecord, d: Optional[Scope]) -> Optional[Tuple[str, str]]:
        """Where a chat model built by this call is kept rather than invoked: ("factory",
        function) when the function returns it, (class, attribute) when a method stores it
        on its object, ("", name) when a module-level name holds it."""
        node = record.node
        if d is None:
            if record.scope is not self.c.module:
                return None
            for name, bound in self.c.module.assigns.items():
                if len(bound) == 1 and isinstance(bound[0], ast.expr) and _holds(bound[0], node):
                    return "", name
            return None
        for value in d.returns:
            if _holds(value, node):
                return "factory", d.name
            if isinstance(value, ast.Name):
                bound = d.assigns.get(value.id, [])
                if len(bound) == 1 and isinstance(bound[0], ast.expr) and _holds(bound[0], node):
                    return "factory", d.name
        klass = d.klass
        if klass is not None and d.self_name is not None:
            for attr, entries in klass.self_attrs.items():
                if any(isinstance(value, ast.expr) and _holds(value, node) for value, _, _ in entries):
                    return klass.name, attr
        return None

    def invoked_models(self, held: Dict[Tuple[str, str], List[CallSite]], factories: Dict[str, List[CallSite]]) -> Iterator[Tuple[Scope, CallSite, Optional[str]]]:
        """(function, chat model, messages parameter) for each function of the file that
        invokes a chat model kept on its object or at module level, or made by a factory
        of the file (`self.llm = self._make_llm()` ... `self.llm.invoke(messages)`)."""
        held = {k: list(v) for k, v in held.items()}
        for klass in self.klasses.values():
            for attr, entries in klass.self_attrs.items():
                for value, method, _ in entries:
                    made = self._factory_of(value, method, factories)
                    if made:
                        held.setdefault((klass.name, attr), []).extend(made)
        for name, bound in self.c.module.assigns.items():
            if len(bound) == 1 and isinstance(bound[0], ast.expr):
                made = self._factory_of(bound[0], self.c.module, factories)
                if made:
                    held.setdefault(("", name), []).extend(made)
        if not held:
            return
        for record in self.c.calls:
            func = record.node.func
            if isinstance(func, ast.Attribute) and func.attr in MODEL_INVOKES:
                key = self._model_key(func.value, record.scope, 0)
            elif isinstance(func, (ast.Attribute, ast.Name)):
                key = self._model_key(func, record.scope, 6)  # the model called: `self.llm([...])`
            else:
                continue
            if key is None or key not in held:
                continue
            d = self.enclosing_def(record.scope)
            if d is None or (not key[0] and d.self_name is None and not self.reads_params(record.node, record.scope, d)):
                continue  # a module-level model invoked with nothing from the function's inputs
            first = record.node.args[0] if record.node.args and not isinstance(record.node.args[0], ast.Starred) else None
            messages = self._list_param(first, record.scope, self.owners(d), 0) if first is not None else None
            for site in held[key][:MAX_CLASSES]:
                yield d, site, messages

    def _factory_of(self, value: object, scope: Scope, factories: Dict[str, List[CallSite]]) -> List[CallSite]:
        if not isinstance(value, ast.Call):
            return []
        func = value.func
        name = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and scope.self_name == func.value.id and scope.klass is not None:
            name = f"{scope.klass.name}.{func.attr}"
        elif isinstance(func, ast.Name):
            owner = self.ev.find(func.id, scope)
            if owner is not None and self._bound_as(owner, func.id, "def"):
                name = self._qualified(owner, func.id)
        made = factories.get(name, []) if name is not None else []
        d = self.defs.get(name) if made else None
        if d is None:
            return made
        # The factory's parameters are what this call passes (`self._make_llm(api_key, model)`).
        sig = self.signature(d)
        bound: Dict[str, object] = {}
        for i, a in enumerate(value.args[:len(sig.params)]):
            if isinstance(a, ast.Starred):
                break
            bound[sig.params[i]] = self.ev.value(a, scope)
        for k in value.keywords:
            if k.arg is not None:
                bound[k.arg] = self.ev.value(k.value, scope)
        if not bound:
            return made
        budget = [MAX_VALUE_NODES]
        return [replace(site, kwargs=_bind_params(site.kwargs, d.name, bound, budget)) for site in made]

    def _model_key(self, expr: ast.expr, scope: Scope, depth: int) -> Optional[Tuple[str, str]]:
        """Where the chat model an expression invokes is kept, seen through runnables built
        on it (`self.llm.with_structured_output(X)`, `prompt | self.llm | parser`)."""
        if depth > 6:
            return None
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in MODEL_THROUGH:
            return self._model_key(expr.func.value, scope, depth + 1)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            return self._model_key(expr.left, scope, depth + 1) or self._model_key(expr.right, scope, depth + 1)
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            me = self._self_of(scope)
            if me is not None and expr.value.id == me[0]:
                return me[1].name, expr.attr
            return None
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return None
            if owner is self.c.module:
                return "", expr.id
            bound = owner.assigns.get(expr.id, [])
            if len(bound) == 1 and isinstance(bound[0], ast.expr) and owner.kind == "function":
                return self._model_key(bound[0], owner, depth + 1)
        return None

    # --- callees ---

    def _self_of(self, scope: Scope) -> Optional[Tuple[str, Scope]]:
        """The method whose object `self` is here: a function nested in a method (a route
        handler defined in it, a callback) sees the method's `self`."""
        d = self.enclosing_def(scope)
        while d is not None and d.self_name is None and d.parent is not None:
            d = self.enclosing_def(d.parent)
        if d is None or d.self_name is None or d.klass is None:
            return None
        return d.self_name, d.klass

    def _qualified(self, owner: Scope, name: str) -> str:
        return f"{owner.name}.{name}" if owner.name and owner.kind != "comprehension" else name

    def _bound_as(self, owner: Scope, name: str, what: str) -> bool:
        bound = owner.assigns.get(name, [])
        if what == "def":  # redefined (a notebook's next version): the call picks its def
            return bool(bound) and all(isinstance(b, Binding) and b.what == "def" for b in bound)
        return len(bound) == 1 and isinstance(bound[0], Binding) and bound[0].what == what

    def _def_for(self, qual: str, row: int, scope: Scope) -> Optional[Scope]:
        """The def a call reaches: code at module level runs after the defs above it; a
        function's body runs later, after every def."""
        found = self.defs_by_name.get(qual)
        if not found:
            return None
        if len(found) > 1 and self.enclosing_def(scope) is None:
            before = [s for s in found if s.node.lineno < row]
            return before[-1] if before else found[-1]
        return found[-1]

    def callees(self, func: ast.expr, scope: Scope, called: bool = True, depth: int = 0) -> Tuple[Callee, ...]:
        """What calling `func` may reach. called=False: `func` is handed to a call, not called
        (an object handed over is no call of its `__call__`)."""
        if depth > 4:
            return ()
        if isinstance(func, ast.Name):
            owner = self.ev.find(func.id, scope)
            if owner is None:
                return ()
            if func.id in owner.imports and func.id not in owner.assigns:
                target = owner.imports[func.id]
                return (Callee(target, False),) if "." in target.strip(".") else ()
            if self._bound_as(owner, func.id, "def") and owner.kind != "class":
                qual = self._qualified(owner, func.id)
                chosen = self._def_for(qual, func.lineno, scope)
                where = self.ev.loc(chosen.node) if chosen is not None and len(self.defs_by_name.get(qual, ())) > 1 else None
                return (Callee(qual, True, where=where),)
            bound = owner.assigns.get(func.id, [])
            if len(bound) == 1 and isinstance(bound[0], ast.Name):  # `fn = ask`
                return self.callees(bound[0], owner, called, depth + 1)
            if len(bound) == 1 and isinstance(bound[0], ast.Subscript) and isinstance(bound[0].value, ast.Name):
                # `fn = PROVIDERS[name]` over a dict of functions: any of them
                table_owner = self.ev.find(bound[0].value.id, owner)
                table = table_owner.assigns.get(bound[0].value.id, []) if table_owner is not None else []
                if len(table) == 1 and isinstance(table[0], ast.Dict):
                    found: List[Callee] = []
                    for v in table[0].values:
                        if isinstance(v, (ast.Name, ast.Attribute)):
                            found.extend(self.callees(v, table_owner, False, depth + 1))
                    if found:
                        return tuple(found[:MAX_CLASSES])
            if called and func.id not in owner.params or called and owner.annotations.get(func.id) is not None:
                return tuple(Callee(k.target, k.local, "__call__") for k in self.classes_of(func, scope, 0))
            return ()
        if not isinstance(func, ast.Attribute):
            return ()
        method, base = func.attr, func.value
        if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super" and self.ev.find("super", scope) is None:
            me = self._self_of(scope)
            return (Callee(me[1].name, True, method, True, True),) if me is not None else ()
        if isinstance(base, ast.Name):
            me = self._self_of(scope)
            owner = self.ev.find(base.id, scope)
            if owner is None:
                return ()
            if me is not None and base.id == me[0] and owner.kind == "function" and owner.self_name == base.id:
                return (Callee(me[1].name, True, method, True),)
            if base.id in owner.imports and base.id not in owner.assigns:
                # a module's function, or a method of an imported class or instance: link tells
                return (Callee(f"{owner.imports[base.id]}.{method}", False),)
            if self._bound_as(owner, base.id, "class"):
                return (Callee(self._qualified(owner, base.id), True, method, False),)
        found = tuple(Callee(k.target, k.local, method) for k in self.classes_of(base, scope, 0))
        if called and not found and isinstance(base, ast.Name):
            me = self._self_of(scope)
            if me is not None and base.id == me[0] and method not in self._methods.get(me[1].name, ()):
                # `self.llm(...)`: an object kept on self, called
                return tuple(Callee(k.target, k.local, "__call__") for k in self.classes_of(func, scope, 0))
        return found

    def classes_of(self, expr: ast.expr, scope: Scope, depth: int) -> List[Callee]:
        """The classes an object may be an instance of, as references (no method)."""
        if depth > 6:
            return []
        out: List[Callee] = []
        if isinstance(expr, ast.Call):
            out = self.class_ref(expr.func, scope)
            if not out and isinstance(expr.func, ast.Name):
                out = self._made_by(expr.func, scope, depth)
        elif isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return []
            if expr.id in owner.imports and expr.id not in owner.assigns:
                target = owner.imports[expr.id]
                return [Callee(target, False)] if "." in target.strip(".") else []  # an instance of another module
            if expr.id in owner.params:
                ann = owner.annotations.get(expr.id)
                return self.annotation_classes(ann, owner.parent or owner) if ann is not None else []
            for b in owner.assigns.get(expr.id, []):
                if isinstance(b, ast.expr):
                    out.extend(self.classes_of(b, owner, depth + 1))
                elif isinstance(b, tuple) and len(b) == 2 and b[0] == "with" and isinstance(b[1], ast.Call):
                    # `with Scorer(...) as scorer`: a context manager's `__enter__` returns itself, by convention
                    out.extend(self.classes_of(b[1], owner, depth + 1))
            ann = owner.annotations.get(expr.id)
            if ann is not None:
                out.extend(self.annotation_classes(ann, owner))
        elif isinstance(expr, ast.Attribute):
            base = expr.value
            me = self._self_of(scope)
            if isinstance(base, ast.Name) and me is not None and base.id == me[0]:
                klass = me[1]
                for value, method, _ in klass.self_attrs.get(expr.attr, []):
                    if isinstance(value, ast.expr):
                        out.extend(self.classes_of(value, method, depth + 1))
                ann = klass.annotations.get(expr.attr)
                if ann is not None:
                    out.extend(self.annotation_classes(ann, klass.parent or klass))
            elif isinstance(base, ast.Name):
                owner = self.ev.find(base.id, scope)
                if owner is not None and base.id in owner.imports and base.id not in owner.assigns:
                    out = [Callee(f"{owner.imports[base.id]}.{expr.attr}", False)]
        elif isinstance(expr, ast.BoolOp):
            for v in expr.values:
                out.extend(self.classes_of(v, scope, depth + 1))
        elif isinstance(expr, ast.IfExp):
            out = self.classes_of(expr.body, scope, depth + 1) + self.classes_of(expr.orelse, scope, depth + 1)
        elif isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
            # `model = mapping[key]` over a dict of instances: any of them
            owner = self.ev.find(expr.value.id, scope)
            bound = owner.assigns.get(expr.value.id, []) if owner is not None else []
            if len(bound) == 1 and isinstance(bound[0], ast.Dict):
                for v in bound[0].values:
                    out.extend(self.classes_of(v, owner, depth + 1))
        elif isinstance(expr, ast.Await):
            return []
        unique: List[Callee] = []
        for k in out:
            if k not in unique:
                unique.append(k)
        return unique[:MAX_CLASSES]

    def _made_by(self, func: ast.Name, scope: Scope, depth: int) -> List[Callee]:
        """The classes a function of this file returns instances of (a factory)."""
        owner = self.ev.find(func.id, scope)
        if owner is None or not self._bound_as(owner, func.id, "def"):
            return []
        d = self.defs.get(self._qualified(owner, func.id))
        if d is None:
            return []
        out: List[Callee] = []
        stack = list(reversed(d.node.body))
        while stack and len(out) < MAX_CLASSES:
            n = stack.pop()
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            if isinstance(n, ast.Return) and n.value is not None:
                out.extend(self.classes_of(n.value, d, depth + 1))
            stack.extend(reversed(list(ast.iter_child_nodes(n))))
        return out

    def class_ref(self, expr: ast.expr, scope: Scope) -> List[Callee]:
        """A class named by an expression (a constructor's callee, a base, an annotation)."""
        if isinstance(expr, ast.Name):
            owner = self.ev.find(expr.id, scope)
            if owner is None:
                return []
            if expr.id in owner.imports and expr.id not in owner.assigns:
                target = owner.imports[expr.id]
                return [Callee(target, False)] if "." in target.strip(".") else []
            if self._bound_as(owner, expr.id, "class"):
                return [Callee(self._qualified(owner, expr.id), True)]
            return []
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            owner = self.ev.find(expr.value.id, scope)
            if owner is not None and expr.value.id in owner.imports and expr.value.id not in owner.assigns:
                return [Callee(f"{owner.imports[expr.value.id]}.{expr.attr}", False)]
        return []

    def annotation_classes(self, ann: ast.expr, scope: Scope) -> List[Callee]:
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            try:
                ann = ast.parse(ann.value.strip(), mode="eval").body
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return []
        if isinstance(ann, ast.Subscript):  # Optional[X], Union[X, None]
            inner = ann.slice
            items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return [k for item in items for k in self.annotation_classes(item, scope)][:MAX_CLASSES]
        if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):  # X | None
            return (self.annotation_classes(ann.left, scope) + self.annotation_classes(ann.right, scope))[:MAX_CLASSES]
        return self.class_ref(ann, scope)

    # --- the file's classes, resolved locally where they can be ---

    def bases(self, klass: str) -> Tuple[Callee, ...]:
        if klass not in self._bases:
            k = self.klasses.get(klass)
            found: List[Callee] = []
            if k is not None:
                for b in k.node.bases:
                    found.extend(self.class_ref(b, k.parent or k))
            self._bases[klass] = tuple(found)
        return self._bases[klass]

    def local_def(self, callee: Callee) -> Optional[Scope]:
        """The def of this file a callee reaches, or None (not of this file, or unknown here)."""
        if not callee.local:
            return None
        if not callee.method:
            if callee.where is not None:
                return next((s for s in self.defs_by_name.get(callee.target, ()) if self.ev.loc(s.node) == callee.where), None)
            return self.defs.get(callee.target)
        order = [callee.target]
        seen: Set[str] = set()
        while order and len(seen) < 8:
            k = order.pop(0)
            if k in seen:
                continue
            seen.add(k)
            if not (callee.bases_only and k == callee.target) and callee.method in self._methods.get(k, ()):
                return self.defs.get(f"{k}.{callee.method}")
            for b in self.bases(k):
                if not b.local:
                    return None  # another file's class may define it: link looks
                order.append(b.target)
        return None

    def mentions(self, callees: Tuple[Callee, ...], names: FrozenSet[str]) -> bool:
        for c in callees:
            if not c.local:
                pieces = c.target.strip(".").split(".")
                if any(p in names for p in pieces[-2:]):
                    return True
            elif c.method:
                seen: Set[str] = set()
                order = [c.target]
                while order and len(seen) < 8:
                    k = order.pop()
                    if k in seen:
                        continue
                    seen.add(k)
                    for b in self.bases(k):
                        if b.local:
                            order.append(b.target)
                        elif last(b.target) in names:
                            return True
        return False

    # --- calls ---

    def called(self, record: CallRecord, wanted: Set[str]) -> Iterator[Tuple[Tuple[Callee, ...], Optional[Tuple[int, str]]]]:
        """The callees of a call, and of functions handed to a call that runs them:
        (callees, None) or (callees, (argument index, how the call runs it)). Only names
        in `wanted` are followed (a wrapper, a method name of one), besides names bound to
        one indirectly (`fn = PROVIDERS[name]`, an instance called): most calls cost a set look-up."""
        node = record.node
        func = node.func
        last_id = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if last_id in wanted or self._indirect(func, record.scope, wanted):
            callees = self.callees(func, record.scope)
            if callees:
                yield callees, None
        elif (last_id in TASK_CALLS or last_id in TASK_MAPS) and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in wanted:
            task = self.callees(func.value, record.scope, False)
            if task:
                yield task, (None if last_id in TASK_CALLS else (-1, "map"))
        known = last_id in RUNS_WITH_ARGS or last_id in RUNS_PER_ITEM or last_id in APPLY
        if not known and last_id[:1].isupper():
            return  # handed to a class (`CommandHandler("chat", self.prompt)`): kept to be called later, by events
        for i, arg in enumerate(node.args[:4]):
            # A function handed to another call is run by it: `executor.submit(f, x)`,
            # `df.col.apply(f)`, a project's `call_with_retry(f, *args)`.
            if isinstance(arg, ast.Name):
                if arg.id not in wanted and not self._indirect(arg, record.scope, wanted, called=False):
                    continue
            elif isinstance(arg, ast.Attribute):
                if arg.attr not in wanted or not (known or self._on_self(arg, record.scope)):
                    continue
            else:
                continue
            handed = self.callees(arg, record.scope, False)
            if handed:
                yield handed, (i, last_id if known else "")

    def _indirect(self, func: ast.expr, scope: Scope, wanted: Set[str], called: bool = True) -> bool:
        """A name bound to a function indirectly: an alias, an entry of a dict of functions,
        or (called) an object whose class may have a wrapper `__call__`."""
        if isinstance(func, ast.Attribute):
            return called and "__call__" in wanted and self._on_self(func, scope)
        if not isinstance(func, ast.Name):
            return False
        owner = self.ev.find(func.id, scope)
        bound = owner.assigns.get(func.id, []) if owner is not None else []
        if len(bound) != 1:
            return False
        if isinstance(bound[0], (ast.Name, ast.Subscript)):
            return True
        return called and "__call__" in wanted and isinstance(bound[0], ast.Call)

    def _grows(self, expr: ast.expr) -> bool:
        """Is this a list the file grows somewhere (a cheap test before the history's own)?"""
        if self._growing is None:
            self._growing = {e.key for e in self.c.events if e.kind == "grow"}
        if isinstance(expr, ast.Name):
            return ("name", expr.id) in self._growing
        return isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and ("self", expr.attr) in self._growing

    def _on_self(self, expr: ast.Attribute, scope: Scope) -> bool:
        me = self._self_of(scope)
        return me is not None and isinstance(expr.value, ast.Name) and expr.value.id == me[0]

    def invocation(self, record: CallRecord, callees: Tuple[Callee, ...], reference: Optional[Tuple[int, str]]) -> Invocation:
        node, scope = record.node, record.scope
        ev = self.ev
        loc = ev.loc(node)
        d = self.enclosing_def(scope)
        loop_node = record.loops[-1] if record.loops else None
        loop = ev.loc(loop_node) if loop_node is not None else None
        independent = loop_node is not None and loops.independent(node, loop_node, scope)
        star = False
        args: List[object] = []
        arg_nodes: List[ast.expr] = []
        positional = node.args
        kwargs = ev.kwargs(node, scope, 0, loc)
        if reference is not None and reference[0] < 0:  # `task.map(items, **kw)`: once per item
            positional = []
            args.append(Unknown("an item of the collection", loc))
            arg_nodes.append(node.args[0] if node.args else node)
            loop, independent = loc, True
        elif reference is not None:
            index, runner = reference
            if runner in RUNS_WITH_ARGS or not runner:
                positional = node.args[index + 1:]
            else:
                positional = []
                args.append(Unknown("an item of the collection", loc))
                arg_nodes.append(node.args[index])
                if runner not in APPLY:
                    kwargs = Mapping((), loc)
                if loop_node is None or runner in APPLY or (isinstance(node.func, ast.Name) and runner == "map"):
                    loop, independent = loc, True  # one request per item, none reading another's answer
        for a in positional:
            if isinstance(a, ast.Starred):
                star = True
                break
            value = ev.value(a, scope)
            if type(value) is Unknown and isinstance(a, ast.Name) and d is not None:
                value = self._defaulted(a, node, d) or value
            args.append(value)
            arg_nodes.append(a)
        histories: List[Tuple[str, History]] = []
        if self.history is not None:
            for i, a in enumerate(arg_nodes):
                if self._grows(a) and not (reference is not None and i == 0 and reference[1] and reference[1] not in RUNS_WITH_ARGS):
                    h = self.history(node, scope, record, a)
                    if h is not None:
                        histories.append((str(i), h))
            for k in node.keywords:
                if k.arg is not None and self._grows(k.value):
                    h = self.history(node, scope, record, k.value)
                    if h is not None:
                        histories.append((k.arg, h))
        if self._limits is None:
            self._limits = len(OUTPUT_LIMIT.findall(self.text))
        own = ev.code_for(node)
        return Invocation(
            path=self.path,
            loc=loc,
            callees=callees,
            args=tuple(args),
            kwargs=kwargs,
            function=d.name if d is not None else None,
            star=star,
            loop=loop,
            loop_independent=independent,
            in_async=loops.enclosing_async(scope),
            histories=tuple(histories),
            cache_control_nearby=self.cache_control,
            output_limit_nearby=self._limits > len(OUTPUT_LIMIT.findall(own)),
            reference=reference is not None,
        )

    def _defaulted(self, name: ast.Name, call: ast.Call, d: Scope) -> Optional[object]:
        """A name given a default on the way to a call, `if url is None: url = DEFAULT`
        in a block the call sits in (a dispatcher's branch, a function's top): a parameter
        is then the caller's value or that default; another name, that default (the other
        value is not known here: a CLI option, a setting)."""
        row = call.lineno
        found: Optional[ast.expr] = None
        overwritten = False  # found is the name's own value, not a default of the parameter
        budget = [MAX_VALUE_NODES]  # nodes looked at on the way
        block: List[ast.stmt] = list(d.node.body)
        for _ in range(16):
            inner: List[ast.stmt] = []
            for stmt in block:
                budget[0] -= 1
                if budget[0] <= 0:
                    return None
                if stmt.lineno > row:
                    break
                end = getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno
                if end < row:
                    default = _none_default(stmt, name.id)
                    if default is not None:
                        if found is None or overwritten:
                            found, overwritten = default, False
                    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == name.id:
                        found, overwritten = stmt.value, True  # `url = f"{base}/chat/completions"`: what the call sends
                    elif _assigns(stmt, name.id, budget):
                        found = None  # changed some other way on the way: not known here
                        overwritten = True
                    if budget[0] <= 0:
                        return None  # a long way to the call: not followed
                    continue
                if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)) and _assigns(stmt, name.id, budget):
                    return None  # changed in the loop around the call: a later turn sends another value
                # the one block of the statement the call sits in (an `if`'s body or its `else`)
                blocks = [getattr(stmt, f, None) or [] for f in ("body", "orelse", "finalbody")]
                blocks += [h.body for h in getattr(stmt, "handlers", None) or []]
                inner = next((b for b in blocks if any(isinstance(x, ast.stmt) and x.lineno <= row <= (getattr(x, "end_lineno", x.lineno) or x.lineno) for x in b)), [])
                break
            if not inner:
                break
            block = inner
        if found is None:
            return None
        value = self.ev.value(found, d)
        if type(value) is Unknown:
            return None
        if not overwritten and name.id in d.params and self.ev.find(name.id, d) is d:
            return Param(d.name, name.id, value, self.ev.loc(name))
        return value

    def _passes_on(self, record: CallRecord, d: Scope, inv: Invocation, target: Optional[str], reference: Optional[Tuple[int, str]]) -> bool:
        """Does a call in function d hand d's parameters (or its object, or its closure) on?"""
        if target is not None and target.startswith(d.name + "."):
            return True  # a closure of d: it reads d's parameters
        func = record.node.args[reference[0]] if reference is not None and reference[0] >= 0 else record.node.func
        if d.self_name is not None and isinstance(func, ast.Attribute):
            base = func.value
            while isinstance(base, ast.Attribute):  # `self.llm.chat(...)`: the object's own state
                base = base.value
            if isinstance(base, ast.Name) and base.id == d.self_name:
                return True
            if isinstance(base, ast.Call) and isinstance(base.func, ast.Name) and base.func.id == "super":
                return True
        owners = self.owners(d)
        if any(p.function in owners for p in params_in(list(inv.args) + [inv.kwargs])):
            return True
        node = record.node
        passed = node.args[reference[0] + 1:] if reference is not None and reference[0] >= 0 else node.args
        return any(self.reads_params(a, record.scope, d) for a in list(passed) + [k.value for k in node.keywords])

    # --- the table ---

    def table(self, requests: Dict[Scope, List[Tuple[CallSite, Optional[str]]]], names: Optional[FrozenSet[str]], local: FrozenSet[str], methods: FrozenSet[str] = frozenset()) -> Optional[WrapperTable]:
        """requests: the wrappers that make requests (phase 1); names: None in phase 1, else
        the other files' wrapper names this file mentions; local: this file's phase-1
        wrappers; methods: the other files' wrapper method names."""
        known: Set[Scope] = set(requests)
        wanted: Set[str] = EVERYTHING if isinstance(names, _Everything) else {last(d.name) for d in known} | set(names or ()) | set(methods)  # type: ignore[assignment]
        local_calls: List[Tuple[CallRecord, Tuple[Callee, ...], Scope, Optional[Tuple[int, str]]]] = []
        foreign: List[Tuple[CallRecord, Tuple[Callee, ...], Optional[Tuple[int, str]]]] = []
        seen: Set[Tuple[int, Optional[Tuple[int, str]]]] = set()
        built: Dict[Tuple[int, Optional[Tuple[int, str]]], Invocation] = {}

        def inv(record, callees, reference) -> Invocation:
            key = (id(record), reference)
            if key not in built:
                built[key] = self.invocation(record, callees, reference)
            return built[key]

        def scan() -> None:
            for record in self.c.calls:
                for callees, reference in self.called(record, wanted):
                    key = (id(record), reference)
                    if key in seen:
                        continue
                    seen.add(key)
                    target = next((t for t in (self.local_def(c) for c in callees) if t is not None), None)
                    if target is not None:
                        if target.name not in local:
                            local_calls.append((record, callees, target, reference))
                    elif names is not None and self.mentions(callees, names):
                        foreign.append((record, callees, reference))

        scan()
        for record, callees, reference in foreign:
            d = self.enclosing_def(record.scope)
            if d is not None and d.name not in local and self._passes_on(record, d, inv(record, callees, reference), None, reference):
                known.add(d)
        for _ in range(MAX_DEPTH):
            more = {last(d.name) for d in known} - wanted
            if more:  # calls of the functions just found to be wrappers
                wanted |= more
                scan()
            grew = False
            for record, callees, target, reference in local_calls:
                if target not in known:
                    continue
                d = self.enclosing_def(record.scope)
                if d is None or d in known or d.name in local:
                    continue
                if self._passes_on(record, d, inv(record, callees, reference), target.name, reference):
                    known.add(d)
                    grew = True
            if not grew and not ({last(d.name) for d in known} - wanted):
                break
        more = {last(d.name) for d in known} - wanted
        if more:  # the calls of the last level found
            wanted |= more
            scan()
        invocations = [inv(record, callees, reference) for record, callees, reference in foreign]
        invocations += [inv(record, callees, reference) for record, callees, target, reference in local_calls if target in known]
        if not known and not invocations and not (names and any(last(b.target) in names for c in self.klasses for b in self.bases(c))):
            return None  # (a subclass of another file's wrapper class is kept: its calls are looked for next)
        functions = []
        for d in sorted(known, key=lambda d: (d.node.lineno, d.node.col_offset)):
            own = requests.get(d, [])
            functions.append(Wrapper(d.name, self.signature(d), self.ev.loc(d.node), tuple(site for site, _ in own), tuple(m for _, m in own)))
        invocations.sort(key=lambda v: (v.loc.row, v.loc.col) if v.loc is not None else (0, 0))
        return WrapperTable(tuple(functions), tuple(invocations[:MAX_INVOCATIONS]), self.class_table(), self.instances())

    def class_table(self) -> Tuple[ClassInfo, ...]:
        return tuple(ClassInfo(name, self.bases(name), tuple(sorted(self._methods.get(name, ())))) for name in sorted(self.klasses))

    def instances(self) -> Tuple[Tuple[str, Tuple[Callee, ...]], ...]:
        module = self.c.module
        out = []
        for name, bound in module.assigns.items():
            if len(bound) == 1 and isinstance(bound[0], ast.Call):
                ks = self.classes_of(bound[0], module, 0)
                if ks:
                    out.append((name, tuple(ks)))
        return tuple(sorted(out, key=lambda x: x[0]))
