"""Which wrapper a call reaches: names looked up in a file's wrapper tables, through
imports, re-exports, classes, their bases and subclasses. A mixin of `link.Project`,
which holds the caches it reads and fills."""
from __future__ import annotations

import os
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from claude_lint.extract.wrapper_receivers import HANDED
from claude_lint.extract.wrapper_shapes import ANY_MODULE, MAX_DEPTH, protocol_methods, is_test_double
from claude_lint.facts import Callee, Invocation, Loc, Wrapper, WrapperTable
from claude_lint.link_stars import Stars, any_module, star_targets  # Stars: for link.Project (link.py is at its line bound)
from claude_lint.link_values import MAX_PROMPT_BYTES

MAX_WRAPPER_DEPTH = MAX_DEPTH  # wrappers calling wrappers, followed from one call (as the finder's rounds)
MAX_REACHED = 16  # requests one call of a wrapper may reach (a dispatcher over providers)


class NameResolver:
    """`Project._resolve` and the class lookups it needs."""

    def _index(self, path: str) -> "_Index":
        if path not in self._indexes:
            tables = list(self._tables.get(path, {}).values())
            if not tables and not self._is_covered(path):
                # A module outside the files linted (one file named): its table, parsed whole.
                # A file linted without a table has no wrapper: it made no request (phase 1)
                # and calls none of another file (phase 2).
                facts = self.facts(path)
                tables = [facts.wrappers] if facts is not None and facts.wrappers is not None else []
            self._indexes[path] = _Index(tables)
        return self._indexes[path]

    def _resolve(self, callee: Callee, from_path: str, depth: int) -> List[Tuple[str, Wrapper, bool]]:
        """The wrappers a callee reaches: (file, wrapper, receiver bound)."""
        if depth > MAX_WRAPPER_DEPTH:
            return []
        key = (callee, from_path)
        if depth == 0 and key in self._callees:
            return self._callees[key]
        found = self._resolve_now(callee, from_path, depth)
        if depth == 0:
            self._callees[key] = found
        return found

    def _resolve_now(self, callee: Callee, from_path: str, depth: int) -> List[Tuple[str, Wrapper, bool]]:
        path = self._real(from_path)
        if callee.local:
            if not callee.method:
                found = self._index(path).function(callee.target, callee.where)
                return [(path, found, False)] if found is not None else []
            return self._method(path, callee.target, callee.method, callee.bound, callee.bases_only, depth)
        if callee.target == HANDED:
            return self._handed(callee.method, callee.bound, depth)
        if callee.method and "." not in callee.target:
            # A receiver known by the name of its class only (a parameter named after it):
            # the project's classes of that name, spelled with or without underscores.
            out: List[Tuple[str, Wrapper, bool]] = []
            for cpath, cname in self._classes_named(callee.target.replace("_", "").lower()):
                out.extend(self._method(cpath, cname, callee.method, callee.bound, False, depth))
            return out[:MAX_REACHED]
        if f".{ANY_MODULE}." in callee.target:
            package, _, name = callee.target.partition(f".{ANY_MODULE}.")
            return self._any_module(package, name, from_path, depth, callee.method, bool(callee.bound))
        dots = len(callee.target) - len(callee.target.lstrip("."))
        rest = callee.target[dots:].split(".") if callee.target[dots:] else []
        tail = [callee.method] if callee.method else []
        # The longest module prefix that is a file of the project; one or two names inside it.
        for cut in range(len(rest) - 1, max(len(rest) - 3, -1), -1):
            if cut == 0 and not dots:
                break
            module = "." * dots + ".".join(rest[:cut])
            found_path = self.module_path(module, from_path)
            if found_path is None:
                continue
            names = rest[cut:] + tail
            return self._in_module(self._real(found_path), names, callee.bound if callee.method else None, depth)
        return []

    def _any_module(self, package: str, name: str, from_path: str, depth: int, method: Optional[str] = None, bound: bool = False) -> List[Tuple[str, Wrapper, bool]]:
        """A function (or a class's method) of the module chosen at run time among a package's modules: `link_stars.any_module`."""
        return any_module(self, package, name, from_path, depth, method, bound, MAX_REACHED)

    def _in_module(self, path: str, names: List[str], bound: Optional[bool], depth: int) -> List[Tuple[str, Wrapper, bool]]:
        index = self._index(path)
        first = names[0]
        if len(names) == 1:
            found = index.function(first)
            if found is not None:
                return [(path, found, False)]
        elif len(names) == 2:
            if first in index.classes:
                return self._method(path, first, names[1], bool(bound), False, depth)
            if first in index.instances:
                out: List[Tuple[str, Wrapper, bool]] = []
                for k in index.instances[first]:
                    out.extend(self._resolve(Callee(k.target, k.local, names[1], True), path, depth + 1))
                return out
        elif len(names) == 3 and (first in index.classes or first in index.instances) and self._made_by_method(path, index, first, names[1]):
            # `Models.create(name).generate(...)`, `config.get_model().generate(...)`: what
            # the class's (or the instance's class's) factory method returns
            out = []
            for k in self._made_by_method(path, index, first, names[1]):
                out.extend(self._resolve(Callee(k.target, k.local, names[2], True), path, depth + 1))
            return out[:MAX_REACHED]
        elif len(names) == 3 and first in index.classes and names[1] in index.classes[first].methods:  # type: ignore[attr-defined]
            # `Client.from_config(cfg).ask(...)`: a class's own constructor method (a
            # classmethod returning `cls(...)`, by convention) made the receiver
            return self._method(path, first, names[2], bool(bound), False, depth)
        else:
            return []
        named = self._imported(path, first)
        if named is not None and "." in named.strip("."):  # re-exported: `from .llm import ask` in a package
            return self._reexported(named, path, names, bound, depth)
        found = self._starred(path, names, bound, depth) if named is None else []
        if found:
            return found
        if len(names) == 2 and (path, first) in self._subclass_index():
            # a class of a file without a table (an abstract base): its subclasses may override
            return self._method(path, first, names[1], bool(bound), False, depth)
        return []

    def _reexported(self, target: str, path: str, names: List[str], bound: Optional[bool], depth: int) -> List[Tuple[str, Wrapper, bool]]:
        dotted = ".".join([target] + names[1:-1]) if len(names) > 1 else target
        method = names[-1] if len(names) > 1 else ""
        return self._resolve(Callee(dotted, False, method, bool(bound) if method else True), path, depth + 1)

    def _starred(self, path: str, names: List[str], bound: Optional[bool], depth: int) -> List[Tuple[str, Wrapper, bool]]:
        """The name in the modules this one star-imports (`from .speak import *`). Each
        (module, name) is looked up again only from nearer the call than before (its answer
        from deeper down may have been cut by the depth bound): modules that star-import one
        another (a cycle, or eight that each import the rest) would otherwise be walked along
        every path, 8**7 of them."""
        done = self._stars.done
        key = (path, tuple(names), bound)
        if key in done and done[key][0] <= depth:
            return done[key][1]
        done[key] = (depth, [])  # a cycle back to this lookup finds nothing
        for target in star_targets(self._stars.read, path, names[0], self.inside):
            if "." in target.strip("."):
                found = self._reexported(target, path, names, bound, depth)
                if found:
                    done[key] = (depth, found)
                    return found
        return []

    def _made_by_method(self, path: str, index: "_Index", first: str, method: str) -> Tuple[Callee, ...]:
        """The classes `first.method(...)` returns instances of: a factory method of the
        class `first`, or of the class of `first`, a module-level instance of this file."""
        if first in index.classes:
            return index.instances.get(f"{first}.{method}", ())
        return tuple(x for k in index.instances.get(first, ())[:MAX_REACHED] if k.local
                     for x in index.instances.get(f"{k.target}.{method}", ()))

    def _method(self, path: str, klass: str, method: str, bound: bool, bases_only: bool, depth: int) -> List[Tuple[str, Wrapper, bool]]:
        for cpath, cname, first in self._mro(path, klass, depth):
            if bases_only and first:
                continue
            index = self._index(cpath)
            found = index.function(f"{cname}.{method}")
            if found is not None:
                return [(cpath, found, bound)]
            info = index.classes.get(cname)
            if info is not None and method in info.methods:
                break  # defined there, and it is no wrapper (an abstract method, say)
        if bases_only or not bound:
            return []
        # Called through a base: an instance of a subclass whose method is a wrapper may be
        # the receiver (a provider interface, a parameter annotated with the base).
        out: List[Tuple[str, Wrapper, bool]] = []
        for cpath, cname in self._subclasses(path, klass):
            found = self._index(cpath).function(f"{cname}.{method}")
            if found is not None:
                out.append((cpath, found, bound))
        info = self._index(path).classes.get(klass)
        interface = protocol_methods(info) if info is not None and not out else frozenset()
        if method in interface:
            # A typing.Protocol: the classes that have all its methods implement it without
            # naming it; those whose method makes a request are what the call may reach.
            for cpath, cname, has in self._implementations(method):
                if interface <= has and (cpath, cname) != (path, klass):
                    found = self._index(cpath).function(f"{cname}.{method}")
                    if found is not None:
                        out.append((cpath, found, bound))
        return out[:MAX_REACHED]

    def _dispatched(self, callee: Callee, path: str, receiver: Optional[Tuple[str, str]]) -> Tuple[List[Tuple[str, Wrapper, bool]], Optional[Tuple[str, str]]]:
        """The wrappers a callee reaches, and the class of the object they run on (an instance's
        class, `Ollama(...).chat`). A call through `self` in a method entered for an object of a
        known class (a base's template method, run for a subclass) is looked up on that class
        first: it reaches that subclass's override (no request when that is no wrapper), not every subclass's."""
        if not (callee.local and bool(callee.method) and callee.bound and not callee.bases_only):
            on = ((path, callee.target) if callee.local else self._class(callee.target, path, 0)) if callee.bound and callee.method else None
            return self._resolve(callee, path, 0), (on if on is not None and on[1] in self._index(on[0]).classes else None)
        if receiver is not None and (path, callee.target) != receiver:
            mro = [(p, n) for p, n, _ in self._mro(receiver[0], receiver[1], 0)]
            if (path, callee.target) in mro:
                found = self._method(receiver[0], receiver[1], callee.method, True, False, 0)
                overridden = any(callee.method in getattr(self._index(p).classes.get(n), "methods", ()) for p, n in mro[:mro.index((path, callee.target))])
                return (found or ([] if overridden else self._resolve(callee, path, 0))), receiver
        return self._resolve(callee, path, 0), (path, callee.target)

    def _hook_urls(self, path: str, klass: str, method: str) -> List[str]:
        """The URLs a class's subclasses (of files with a table) return from their override of a method, asked by a base's POST."""
        out: List[str] = []
        for cpath, cname in self._subclasses(self._real(path), klass):
            info = self._index(cpath).classes.get(cname)
            out.extend(u for m, u in getattr(info, "urls", ()) if m == method)
        return out

    def _implementations(self, method: str) -> List[Tuple[str, str, frozenset]]:
        """(file, class, its methods) of the tables' module-level classes with a wrapper
        method of this name (an index built once per run)."""
        if self._by_wrapper_method is None:
            self._by_wrapper_method = {}
            for path in list(self._tables):
                index = self._index(path)
                for name, info in index.classes.items():
                    if "." in name:
                        continue
                    for m in info.methods:  # type: ignore[attr-defined]
                        if index.function(f"{name}.{m}") is not None:
                            self._by_wrapper_method.setdefault(m, []).append((path, name, frozenset(info.methods)))  # type: ignore[attr-defined]
        return self._by_wrapper_method.get(method, [])[:MAX_REACHED]

    def _handed(self, method: str, bound: bool, depth: int) -> List[Tuple[str, Wrapper, bool]]:
        """`param.method(...)` on a parameter of no said type: the wrapper methods of that name
        when every class of the project's tables that defines a method of that name has it as
        a wrapper (module-level classes): whichever it is handed, the call makes a request
        (several: a dispatcher's, one judged and the others named)."""
        found = self._implementations(method)
        if not found or len(found) != self._defining(method) - self._overridden(method, found):
            return []
        out: List[Tuple[str, Wrapper, bool]] = []
        for cpath, cname, _ in found:
            out.extend(self._method(cpath, cname, method, bound, False, depth))
        return out[:MAX_REACHED]

    def _defining(self, method: str) -> int:
        """How many classes of the tables define a method of this name (an index built once per run);
        a typing.Protocol declares its methods, no object is one: not counted."""
        # kept with the index `_implementations` built from the same tables (a new table drops that one)
        if self._method_counts is None or self._method_counts[0] is not self._by_wrapper_method:
            counts: Dict[str, int] = {}
            for path in list(self._tables):
                for info in self._index(path).classes.values():
                    # (a test double, `MockClient`, stands in for the real clients: no say in what they do)
                    for m in info.methods if not protocol_methods(info) and not is_test_double(info.name) else ():  # type: ignore[attr-defined]
                        counts[m] = counts.get(m, 0) + 1
            self._method_counts = (self._by_wrapper_method, counts)
        return self._method_counts[1].get(method, 0)

    _method_counts: Optional[Tuple[object, Dict[str, int]]] = None

    def _overridden(self, method: str, found) -> int:
        """How many classes defining the method (not among `found`, whose method is a wrapper)
        are bases of a class in `found`: an abstract provider whose `generate` every subclass
        overrides (`raise NotImplementedError`) is no implementation of its own."""
        wrapped = {(cpath, cname) for cpath, cname, _ in found}
        bases = set()
        for path in list(self._tables):
            for info in self._index(path).classes.values():
                if "." in info.name or (path, info.name) in wrapped or method not in info.methods or is_test_double(info.name):  # type: ignore[attr-defined]
                    continue
                if any(sub in wrapped for sub in self._subclasses(path, info.name)):  # type: ignore[attr-defined]
                    bases.add((path, info.name))  # type: ignore[attr-defined]
        return len(bases)

    def _classes_named(self, key: str) -> List[Tuple[str, str]]:
        """(file, class) of the tables' module-level classes whose name, lower case and
        without underscores, is `key` (an index built once per run)."""
        if self._by_class_name is None:
            self._by_class_name = {}
            for path in list(self._tables):
                for name in self._index(path).classes:
                    if "." not in name:
                        self._by_class_name.setdefault(name.replace("_", "").lower(), []).append((path, name))
        return self._by_class_name.get(key, [])[:MAX_REACHED]

    def _subclasses(self, path: str, klass: str) -> List[Tuple[str, str]]:
        index = self._subclass_index()
        out: List[Tuple[str, str]] = []
        stack = list(index.get((path, klass), ()))
        while stack and len(out) < MAX_REACHED:
            found = stack.pop(0)
            if found in out:
                continue
            out.append(found)
            stack.extend(index.get(found, ()))
        return out

    def _subclass_index(self) -> Dict[Tuple[str, str], List[Tuple[str, str]]]:
        """(file, class) -> the classes of the tables that name it as a base."""
        if self._subs is None:
            self._subs = {}
            for path in list(self._tables):
                for info in self._index(path).classes.values():
                    for base in info.bases:  # type: ignore[attr-defined]
                        where = (path, base.target) if base.local else self._class(base.target, path, 1, guess=True)
                        if where is not None:
                            self._subs.setdefault(where, []).append((path, info.name))  # type: ignore[attr-defined]
        return self._subs

    def _mro(self, path: str, klass: str, depth: int) -> List[Tuple[str, str, bool]]:
        """A class and its bases, depth first (an approximation of Python's order)."""
        if (path, klass) not in self._mros:
            self._mros[(path, klass)] = self._mro_now(path, klass, depth)
        return self._mros[(path, klass)]

    def _mro_now(self, path: str, klass: str, depth: int) -> List[Tuple[str, str, bool]]:
        out: List[Tuple[str, str, bool]] = []
        stack = [(path, klass)]
        seen = set()
        while stack and len(out) < 8:
            cpath, cname = stack.pop()
            if (cpath, cname) in seen:
                continue
            seen.add((cpath, cname))
            out.append((cpath, cname, not out))
            info = self._index(cpath).classes.get(cname)
            if info is None:
                continue
            found = []
            for base in info.bases:
                if base.local:
                    found.append((cpath, base.target))
                else:
                    where = self._class(base.target, cpath, depth + 1)
                    if where is not None:
                        found.append(where)
            stack.extend(reversed(found))
        return out

    def _class(self, dotted: str, from_path: str, depth: int, guess: bool = False) -> Optional[Tuple[str, str]]:
        """The file and qualified name of an imported class (guess: the module that the
        import names, when the class is not among its known classes)."""
        if depth > MAX_WRAPPER_DEPTH:
            return None
        module, _, name = dotted.rpartition(".")
        if not module.strip("."):
            return None
        path = self.module_path(module, from_path)
        if path is None:
            return None
        path = self._real(path)
        if name in self._index(path).classes:
            return path, name
        target = self._imported(path, name)
        if target is not None and "." in target.strip("."):
            return self._class(target, path, depth + 1, guess)
        return (path, name) if guess else None

    def _imported(self, path: str, name: str) -> Optional[str]:
        """What a module-level name of a file is imported from (a re-export), read from its
        import statements only: most files asked about were never parsed, and need not be."""
        facts = self._facts.get(path)
        if facts is not None and facts.parsed:
            return facts.imported(name)
        if path not in self._imports:
            self._imports[path] = _ModuleImports(path) if self.inside(path) else None
        found = self._imports[path]
        return found.get(name) if found is not None else None


class _ModuleImports:
    """A file's module-level imports (local name -> "module.name"), parsed only when a name
    asked about is among the names its import statements list (most are not)."""

    def __init__(self, path: str):
        from claude_lint.extract.prefilter import imported_words

        self.path = path
        self.table: Optional[Dict[str, str]] = None
        try:
            if os.path.getsize(path) > MAX_PROMPT_BYTES * 5:
                self.data = b""
            else:
                with open(path, "rb") as fh:
                    self.data = fh.read()
        except OSError:
            self.data = b""
        self.names = imported_words(self.data)[1] if self.data.find(b"import") >= 0 else set()

    def get(self, name: str) -> Optional[str]:
        if name.encode("utf-8", "surrogatepass") not in self.names:
            return None
        if self.table is None:
            self.table = self._parse()
        return self.table.get(name)

    def _parse(self) -> Dict[str, str]:
        import ast

        try:
            tree = ast.parse(self.data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return {}
        self.data = b""
        out: Dict[str, str] = {}
        stack = list(reversed(tree.body))
        while stack:  # module level: `try: from .x import y` and `if TYPE_CHECKING:` blocks too
            node = stack.pop()
            if isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
                for block in ("body", "orelse", "finalbody"):
                    stack.extend(reversed(getattr(node, block, [])))
                for handler in getattr(node, "handlers", []):
                    stack.extend(reversed(handler.body))
                continue
            if isinstance(node, ast.ImportFrom):
                module = "." * (node.level or 0) + (node.module or "")
                sep = "" if module.endswith(".") else "."
                for alias in node.names:
                    if alias.name != "*":
                        out[alias.asname or alias.name] = f"{module}{sep}{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    out[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        return out


class _Index:
    """One file's wrappers, forwards (calls of wrappers by the function they are written
    in), classes and module-level instances, from its wrapper tables."""

    def __init__(self, tables: List[WrapperTable]):  # noqa: D107
        self.by_name: Dict[str, List[Wrapper]] = {}
        self.forwards: Dict[Optional[str], List[Invocation]] = {}
        self.classes: Dict[str, object] = {}
        self.instances: Dict[str, Tuple[Callee, ...]] = {}
        for table in tables:
            for w in table.functions:
                self.by_name.setdefault(w.name, []).append(w)
            for inv in table.invocations:
                if inv.function is not None:
                    self.forwards.setdefault(inv.function, []).append(inv)
            for info in table.classes:
                self.classes.setdefault(info.name, info)
            for name, ks in table.instances:
                self.instances.setdefault(name, ks)

    def function(self, name: str, where: Optional[Loc] = None) -> Optional[Wrapper]:
        """A wrapper by name; `where` picks one def of a name defined more than once (the last by default)."""
        found = self.by_name.get(name)
        if not found:
            return None
        if where is not None:
            return next((w for w in found if w.loc == where), None)
        return found[-1]
