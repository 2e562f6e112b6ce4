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
- `callers.callers` (a module of its own: it parses, so it sits above the extractors),
  the engine's second phase, only for files that name a wrapper of another file (the function, its class or a module-level instance of it): the calls that may
  reach one, and the file's functions that pass their parameters on to those.

A call is a call of a wrapper when its callee is known statically: a function of the file
or an imported one, a method through `self`/`super()`, through a class, or through a
receiver whose class is known (`self.llm = LLMClient()`, `client or LLMClient()`, a
parameter annotated with the class, a module-level instance, a dict of instances); or a
wrapper handed to a call that runs it (`executor.submit(f, x)`, `df.col.apply(f)`).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

from dataclasses import replace

from claude_lint.extract import passed_models, sdk
from claude_lint.extract.made_models import factory_wrappers, kept_wrappers, picked_from_kept
from claude_lint.extract.kept_runnables import kept_agent_runs
from claude_lint.extract.scopes import CallRecord, Scope
from claude_lint.extract.wrapper_receivers import distinctive
from claude_lint.extract.wrapper_finder import Finder
from claude_lint.extract.wrapper_shapes import ANY_CLASS, DEFINED, EVERYTHING, HOLDER, MAX_DEPTH, last, params_in, protocol_methods
from claude_lint.facts import CallSite, WrapperTable
from claude_lint.patterns import lazy

__all__ = ["DEFINED", "EVERYTHING", "HOLDER", "MAX_DEPTH", "Finder", "base_modules", "exported", "methods_of", "params_in", "snake_case", "summarise"]


# --- the two passes ----------------------------------------------------------------------


def summarise(ex, found: List[Tuple[CallRecord, List[CallSite]]]) -> Optional[WrapperTable]:
    """Phase 1, from the extraction of a file (python._Extraction) and its recognised
    requests: the file's wrappers and the calls of them in the file."""
    if not found:
        return None
    finder = Finder(ex.path, ex.abspath, ex.text, ex.c, ex.ev, ex.history)
    finder.requests = [record.node for record, _ in found]
    # What the extraction already read from the same text for the same requests: not again.
    finder._limits, finder._serves = ex.limits_outside, ex._serves
    requests: Dict[Scope, List[Tuple[CallSite, Optional[str]]]] = {}
    held: Dict[Tuple[str, str], List[CallSite]] = {}  # where a chat model is kept -> its constructors
    factories: Dict[str, List[CallSite]] = {}  # function -> the chat models it returns
    for record, sites in found:
        d = finder.enclosing_def(record.scope)
        if any(_built_model(site) for site in sites):
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
        # A function without parameters (`def create_batch(): ...`) is its request: each call
        # of it makes that request, in the caller's context; so is one whose parameters decide
        # only whether it is made (`def grade(answer, needed): if not needed: return ...`).
        uses = d.self_name is not None or not d.params or finder.reads_params(record.node, record.scope, d) or finder.reads_any_param(d)
        for site in sites:
            if uses or any(p.function in owners for p in params_in([site.kwargs])):
                requests.setdefault(d, []).append((site, finder.messages_param(record, site, owners)))
    factories.update(picked_from_kept(finder, held, factories, requests, _built_model))  # `for m in MODELS: if ...: return m`
    factories.update(finder.agents_over_factories(factories, requests))  # `return create_react_agent(model=get_llm(p), ...)`
    if held or factories:
        for d, site, messages in finder.invoked_models(held, factories):
            requests.setdefault(d, []).append((site, messages))
    # a factory's model is invoked by other modules too (extract/made_models.py)
    made = factory_wrappers(finder, factories, {d.name for d in requests}) if factories else ()
    made += kept_wrappers(finder, {d.name for d in requests}) if held else ()  # (read by `invoked_models` above)
    table = finder.table(requests, None, frozenset()) if requests else None
    if not made:
        return table
    runs = tuple(kept_agent_runs(finder)) if held else ()  # an agent kept here, run here at module level
    if table is not None:
        invocations = tuple(sorted(table.invocations + runs, key=lambda v: (v.loc.row, v.loc.col) if v.loc is not None else (0, 0)))
        return replace(table, functions=table.functions + made, invocations=invocations)
    # the factories alone; a class's factory method is reached through its class
    return WrapperTable(made, runs, finder.class_table(), finder.instances()) if any("." in w.name for w in made) else WrapperTable(made, runs)


def snake_case(klass: str) -> str:
    """`AICaller` -> `ai_caller`, `LLMClient` -> `llm_client`: how an instance is named after its class."""
    return "_".join(w.lower() for w in _CAMEL_WORD.findall(klass)) or klass.lower()


_CAMEL_WORD = lazy(r"[A-Z]+(?=[A-Z][a-z]|[0-9_]|$)|[A-Z]?[a-z]+|[0-9]+")


def _built_model(site: CallSite) -> bool:
    """A chat model's constructor (not the invoke of a model passed in, which is its request),
    or a chat object whose request a later call sends."""
    return (site.provider == "langchain" and site.api not in passed_models.APIS) or site.api in sdk.SENT_LATER


def methods_of(tables: Iterable[WrapperTable]) -> Set[str]:
    """The names of the wrapper methods: a call `x.name(...)` may reach one."""
    return {last(w.name) for t in tables for w in t.functions if "." in w.name}



def exported(tables: Iterable[WrapperTable], scopes: Optional[Sequence[object]] = None) -> List[Dict[str, FrozenSet[str]]]:
    """Per table, the names through which another file can reach its wrappers: a
    module-level function (-> no methods), a module-level class with a public wrapper
    method, or a subclass of one, here or in another table, or a module-level instance of
    such a class (-> its wrapper methods). A private one-word name (`_chat`) is not imported
    elsewhere, by convention: its calls are in its own file (phase 1).
    scopes: per table, the checkout it belongs to when many unrelated projects are linted
    as one (`checkouts`); classes join by name only within one scope (an `Agent` of one
    application is not another's base, nor its Protocol's implementation). None: one scope."""
    tables = list(tables)
    scopes = list(scopes) if scopes is not None else [None] * len(tables)
    out: List[Dict[str, FrozenSet[str]]] = []
    classes: Dict[Tuple[object, str], Set[str]] = {}
    private: Dict[Tuple[object, str], Set[str]] = {}  # class -> its private wrapper methods (a base's template method calls them)
    for t, s in zip(tables, scopes):
        names: Dict[str, FrozenSet[str]] = {}
        top = {c.name for c in t.classes if "." not in c.name}
        for w in t.functions:
            head, _, rest = w.name.partition(".")
            if not rest:
                # A private name is, by convention, called in its own file (phase 1); one of
                # several words (`_ai_generate_outline`) is distinctive enough to look for where
                # a module imports it all the same.
                if not head.startswith("_") or "_" in head.strip("_"):
                    names[head] = frozenset()
            elif head in top and "." not in rest and (not rest.startswith("_") or rest == "__call__" or "_" in rest.strip("_")):
                # (a private method of several words, `_get_answer`, like a function's: worth looking for)
                classes.setdefault((s, head), set()).add(rest)
            elif head in top and "." not in rest:
                private.setdefault((s, head), set()).add(rest)
        out.append(names)
    for _ in range(MAX_DEPTH):
        grew = False
        for t, s in zip(tables, scopes):
            for c in t.classes:
                if "." in c.name:
                    continue
                inherited = set().union(*(classes.get((s, last(b.target)), set()) for b in c.bases)) if c.bases else set()
                if inherited - classes.get((s, c.name), set()):
                    classes.setdefault((s, c.name), set()).update(inherited)
                    grew = True
                # A base whose method a wrapper overrides: a call through the base (an
                # abstract provider, a parameter annotated with it) may reach the wrapper.
                for b in c.bases:
                    mine = classes.get((s, c.name), set())
                    if mine - classes.get((s, last(b.target)), set()):
                        classes.setdefault((s, last(b.target)), set()).update(mine)
                        grew = True
        if not grew:
            break
    made: Dict[Tuple[object, str], Set[str]] = {}  # module-level instance or factory -> the classes it is (or returns) instances of
    for t, s in zip(tables, scopes):
        for name, ks in t.instances:
            made.setdefault((s, name), set()).update(last(k.target) for k in ks)
            if "." in name:  # a class's factory method (`Config.get_model`): its instances make those too
                made.setdefault((s, name.partition(".")[0]), set()).update(last(k.target) for k in ks)
    defined: Dict[Tuple[object, str], Set[str]] = {}  # class -> the methods it has (for a Protocol's implementations)
    for t, s in zip(tables, scopes):
        for c in t.classes:
            if "." not in c.name:
                defined.setdefault((s, c.name), set()).update(c.methods)
    handed: List[Tuple[object, Dict[str, FrozenSet[str]], str]] = []
    sharing: Dict[Tuple[object, str], int] = {}  # (scope, public wrapper method) -> how many classes have it
    for (s, _), ms in classes.items():
        for m in ms:
            if not m.startswith("_"):
                sharing[(s, m)] = sharing.get((s, m), 0) + 1

    def shared(s: object, m: str) -> bool:
        return sharing.get((s, m), 0) >= 2
    for t, s, names in zip(tables, scopes, out):
        for c in t.classes:
            interface = protocol_methods(c) if "." not in c.name else frozenset()
            if interface:
                # A Protocol some wrapper class implements (all its methods, without naming
                # it): a receiver annotated with the Protocol may be that class.
                reached = set().union(*(wrapped & interface for (ks, k), wrapped in classes.items() if ks == s and k != c.name and interface <= (defined.get((s, k), set()) | wrapped)))
                if reached:
                    names[c.name] = frozenset(reached)
            if (s, c.name) in classes:
                names[c.name] = frozenset(classes[(s, c.name)])
                # An instance passed in as an unannotated parameter named after its class
                # (`ai_caller` for an `AICaller`) reaches it too: the file never names the class.
                # A one-word name (`client` for a `Client`) says too little to scan files for.
                alias = snake_case(c.name)
                if "_" in alias:
                    names.setdefault(alias, frozenset(classes[(s, c.name)]))
                for b in c.bases:  # a base in a file without a table: named here
                    if classes.get((s, last(b.target))) and not b.local:
                        names.setdefault(last(b.target), frozenset(classes[(s, last(b.target))]))
            if "." not in c.name and ((s, c.name) in classes or (s, c.name) in private):
                # A base of another file: its file is read (it defines the class, and imports
                # nothing of this one) for a template method calling a method this class's
                # wrapper overrides, private ones too (`self._complete(...)`).
                mine = frozenset(classes.get((s, c.name), set()) | private.get((s, c.name), set()))
                for b in c.bases:
                    if not b.local and "." in b.target.strip("."):
                        key = DEFINED + last(b.target)
                        names[key] = names.get(key, frozenset()) | mine
        for name, ks in t.instances:
            if any(k.target.endswith(ANY_CLASS) for k in ks):  # a class picked by name from a package: any wrapper class's methods
                names[name] = frozenset(set().union(*(m for (ks_, _), m in classes.items() if ks_ == s)))
                continue
            targets = {last(k.target) for k in ks}
            # an instance made by another file's factory (`llm = create_llm(cfg)`): its classes
            targets.update(*(made.get((s, x), set()) for x in list(targets)))
            methods = set().union(*(classes.get((s, x), set()) for x in targets))
            if methods and "." in name:  # a class's factory method: a file naming the class may reach what it makes
                name = name.partition(".")[0]
                names[name] = names.get(name, frozenset()) | frozenset(methods)
            elif methods:
                names[name] = frozenset(methods)
        for c in t.classes:
            # A wrapper method of a distinctive name, reached on an object handed in as a
            # parameter of no said type (`llm: Any` ... `llm.async_message(...)`): a file
            # spelling it is read for that call (link_names._handed says which class it is).
            # So is one two or more classes share (`chat` of an AnthropicAgent and an OpenAIAgent):
            # the interface of objects picked at run time (a registry of agents handed in).
            handed.extend((s, names, m) for m in sorted(classes.get((s, c.name), ())) if "." not in c.name and (distinctive(m) or shared(s, m)))
        own = set().union(*(classes.get((s, c.name), set()) for c in t.classes if "." not in c.name)) if t.classes else set()
        if own:
            # A file defining a Protocol (which names no wrapper: it declares methods) is read
            # for its classes, so that the next round knows which Protocols a wrapper class implements.
            names.setdefault(PROTOCOL, frozenset(own))
            # a factory picking a class of this file's package by its name (`getattr(importlib.import_module(
            # f"app.models.{name}"), cls)(...)`) is read for what it returns (`wrapper_shapes.chosen_class`)
            names.setdefault(CHOSEN, frozenset(own))
    # (not a name any table exports otherwise, in any checkout: the question asked of every
    # file is one per name, and a function of that name is looked for as one)
    taken = set().union(*(names.keys() for names in out))
    for _, names, m in handed:
        if m not in taken:
            names[m] = frozenset({m})
    return out


def base_modules(table: WrapperTable, in_project: Callable[[str], bool]) -> Dict[str, List[str]]:
    """A class of another module of the project that a wrapper class of this table derives
    from -> the modules of its path. `exported` names the base here (a call through an
    attribute annotated with the abstract base reaches the subclass's wrapper), and a
    caller imports it from the base's module, which need not share a word with this
    file's. A base of a library (`abc.ABC`, `pydantic.BaseModel`) is imported by files
    that never reach the wrapper: not asked for so."""
    out: Dict[str, List[str]] = {}
    for c in table.classes:
        for b in c.bases:
            module, _, name = b.target.rpartition(".")
            if not b.local and module.strip(".") and in_project(module):
                out.setdefault(name, []).extend(p for p in module.split(".") if p)
    return out


PROTOCOL = "Protocol"  # not a wrapper's name: what a file defining a typing.Protocol holds
CHOSEN = "import_module"  # nor this: what a file importing a module by a name it builds calls
