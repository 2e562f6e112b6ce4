"""What the wrapper finder and its two passes share: their bounds, the call shapes that run
a function handed to them (executors, pandas, task objects, LangChain runnables), and
the walks over a value's parameters."""
from __future__ import annotations

import ast
from dataclasses import replace
from functools import lru_cache
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Iterable, Iterator, List, Optional

from claude_lint.extract.chains import called_name
from claude_lint.extract.walk import walk
from claude_lint.facts import Mapping, Param, Seq, Text, Transform


MAX_DEPTH = 7  # levels of wrappers calling wrappers, here and in link (real code goes seven deep: an endpoint -> an eval runner -> its task -> a generator -> an agent -> a provider method -> the request)
MAX_CLASSES = 8  # candidate classes of one receiver
MAX_VALUE_NODES = 2000  # nodes of a value searched for a parameter
MAX_INVOCATIONS = 2000  # calls of wrappers kept per file
FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
# The kinds of node a function's names are bound by (`binding_of`); the parser makes no
# subclass of them, so a node's class tells, before the isinstance tests, most nodes apart.
BINDING_NODES = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.comprehension, ast.withitem, ast.Call})
# Calls that run a function handed to them with the arguments after it.
RUNS_WITH_ARGS = frozenset({"submit", "to_thread", "run_in_executor", "apply_async", "run_sync", "run_in_threadpool"})
# Calls that keep a function handed to them with its arguments and run it later, once: a job
# queue (rq's `queue.enqueue(f, x)`), a web framework's background task (`tasks.add_task(f, x)`).
RUNS_LATER = frozenset({"enqueue", "add_task"})
# Calls that bind the first arguments of a function handed to them, to be called later with
# the rest (`functools.partial(ask, model)`): what that later call passes is not known here.
BINDS_FIRST_ARGS = frozenset({"partial"})
# The module of a callee's target chosen at run time among a package's modules
# (`importlib.import_module(f"app.providers.{name}").prompt`): `app.providers.*.prompt`.
ANY_MODULE = "*"
# Calls that run it once per item of a collection (the item is its first argument); the
# pandas ones pass their other keywords on to it.
RUNS_PER_ITEM = frozenset({"map", "imap", "imap_unordered"})
APPLY = frozenset({"apply", "progress_apply", "parallel_apply", "swifter_apply", "applymap"})
# A decorated function run through its task object (Modal, Celery, Ray): `f.remote(x)` calls
# f(x); `f.map(xs)` calls it once per item.
TASK_CALLS = frozenset({"call", "remote", "local", "spawn", "delay", "aio"})
TASK_MAPS = frozenset({"map", "starmap"})
# The methods through which a LangChain chat model (or a runnable built on it, a legacy
# chain's `run`), a LlamaIndex LLM (`chat`, `complete`) or a pydantic-ai agent (`run_sync`,
# `run_stream`) makes its request, and those that return a runnable still bound to the same model.
MODEL_INVOKES = frozenset({
    "invoke", "ainvoke", "stream", "astream", "astream_events", "batch", "abatch", "predict", "apredict", "predict_messages", "generate", "agenerate",
    "run", "arun", "chat", "achat", "complete", "acomplete", "stream_chat", "astream_chat", "stream_complete", "astream_complete",
    "run_sync", "run_stream", "call", "acall",  # (CrewAI's LLM: `llm.call(messages)`)
    "kickoff", "kickoff_async", "kickoff_for_each", "kickoff_for_each_async",  # a CrewAI crew over agents on a model
})
MODEL_THROUGH = frozenset({"with_structured_output", "bind", "bind_tools", "with_retry", "with_config", "with_fallbacks", "compile"})  # (a supervisor's graph compiled)
# A chain or agent made by the framework over a model it is handed (by these keywords, or by
# position): `LLMChain(llm=llm, ...)`, `load_qa_chain(llm)`, `create_tagging_chain_pydantic(S, llm)`.
CHAIN_MODULES = ("langchain.", "langchain_core.", "langchain_community.", "langchain_experimental.", "langchain_classic.")
CHAIN_MODEL_KEYWORDS = frozenset({"llm", "model", "chat_model", "language_model"})
# An agent built over a model object (Strands: `Agent(model=BedrockModel(...), tools=[...])`)
# sends the model's requests when it is called (`agent(prompt)`), by these methods, and by
# the tools that run a nested agent on its model (`agent.tool.use_llm(prompt=...)`).
AGENTS = frozenset({"Agent"})
CREWS = frozenset({"Crew"})  # CrewAI: its requests are those of its agents' model (`Crew(agents=[a], tasks=[t])`)
# LangChain's and LangGraph's agent builders: the model by keyword, or first by position.
AGENT_BUILDERS = frozenset({"create_agent", "create_react_agent", "create_tool_calling_agent", "create_openai_tools_agent", "create_openai_functions_agent", "create_structured_chat_agent", "create_supervisor"})
AGENT_INVOKES = frozenset({"invoke_async", "stream_async", "structured_output", "structured_output_async", "run_async",
                           "print_response", "aprint_response"})  # (agno's Agent: `agent.print_response(prompt)`)
ADK_RUNNERS = frozenset({"Runner", "InMemoryRunner"})  # Google ADK: `Runner(agent=a, ...).run_async(...)` runs a's requests
AGENT_TOOLS = frozenset({"use_llm", "use_agent"})
RUNNER_RUNS = frozenset({"run", "run_sync", "run_streamed"})  # the OpenAI Agents SDK's `Runner.run(agent, input)`


class Everything(frozenset):
    """Every name: a file linted on its own, without the rest of the project to say which of
    its calls reach a wrapper (link loads the modules it imports when asked)."""

    def __contains__(self, item: object) -> bool:
        return True


EVERYTHING = Everything()


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


def bind_params(value: object, function: str, bound: Dict[str, object], budget: List[int]) -> object:
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
        return replace(value, entries=tuple((k, bind_params(v, function, bound, budget)) for k, v in value.entries))  # type: ignore[attr-defined]
    if kind is Text:
        return replace(value, parts=tuple(p if isinstance(p, str) else bind_params(p, function, bound, budget) for p in value.parts))  # type: ignore[attr-defined]
    if kind is Seq:
        return replace(value, items=tuple(bind_params(v, function, bound, budget) for v in value.items))  # type: ignore[attr-defined]
    if kind is Transform:
        return replace(value, inner=bind_params(value.inner, function, bound, budget))  # type: ignore[attr-defined]
    return value


def none_default(stmt: ast.stmt, name: str) -> Optional[ast.expr]:
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


def assigns_name(stmt: ast.stmt, name: str, budget: List[int]) -> bool:
    for n in walk(stmt):
        budget[0] -= 1
        if budget[0] <= 0:
            return True  # not known: as if changed
        if type(n) is ast.Name and n.id == name and isinstance(n.ctx, ast.Store):
            return True
    return False


def holds(value: ast.expr, node: ast.AST) -> bool:
    """Is `node` the value itself, or one of the values it may take (`a or B()`, `A() if c else B()`)?"""
    if value is node:
        return True
    if isinstance(value, ast.BoolOp):
        return any(holds(v, node) for v in value.values)
    if isinstance(value, ast.IfExp):
        return holds(value.body, node) or holds(value.orelse, node)
    model = agent_model(value)
    return model is not None and holds(model, node)


def agent_model(value: object) -> Optional[ast.expr]:
    """The model an agent is built over: `Agent(model=m, ...)`'s m, `create_agent(m, ...)`'s."""
    if isinstance(value, ast.Call) and called_name(value.func) in AGENTS:
        return next((k.value for k in value.keywords if k.arg in ("model", "llm")), None)  # (CrewAI's `llm=`)
    if isinstance(value, ast.Call) and called_name(value.func) in ADK_RUNNERS:
        return next((k.value for k in value.keywords if k.arg == "agent"), None)
    if isinstance(value, ast.Call) and called_name(value.func) in CREWS:
        agents = next((k.value for k in value.keywords if k.arg == "agents"), None)
        first = agents.elts[0] if isinstance(agents, (ast.List, ast.Tuple)) and agents.elts else None
        return first if first is not None and not isinstance(first, ast.Starred) else next((k.value for k in value.keywords if k.arg == "manager_llm"), None)
    if isinstance(value, ast.Call) and called_name(value.func) in AGENT_BUILDERS:
        found = next((k.value for k in value.keywords if k.arg in ("model", "llm")), None)
        return found if found is not None or not value.args or isinstance(value.args[0], ast.Starred) else value.args[0]
    return None


DEFINED = "class "  # + a class name: asks the wrapper rounds for the file defining that class (prefilter_names.DEFINED)
HOLDER = "holder "  # + a class name: asks for the file defining that class, whose constructor a caller hands a registry of wrapper objects (registry_holders.py)
PROTOCOL_BASES = frozenset({"typing.Protocol", "typing_extensions.Protocol"})


def protocol_methods(info) -> frozenset:
    """The methods a `typing.Protocol` class (a `ClassInfo`) declares, its interface; empty
    when the class is no Protocol. A class implements a Protocol by having its methods,
    without naming it: an adapter handed in where the Protocol is annotated."""
    if not any(not b.local and b.target in PROTOCOL_BASES for b in info.bases):
        return frozenset()
    return frozenset(m for m in info.methods if not m.startswith("__"))


def last(dotted: str) -> str:
    return dotted.rsplit(".", 1)[-1]


THREAD_CLASSES = frozenset({"Thread", "Process"})  # run `target` with `args`, as `executor.submit(target, *args)`


def submitted(record):
    """`Thread(target=f, args=(a, b))` (or a `Process`) read as `submit(f, a, b)`: the thread
    runs f with those arguments, concurrently, as a pool runs what is submitted to it. The
    record itself for any other call, or when the arguments are not written as a tuple."""
    node = record.node
    func = node.func
    if called_name(func) not in THREAD_CLASSES:
        return record
    target = next((k.value for k in node.keywords if k.arg == "target"), None)
    args = next((k.value for k in node.keywords if k.arg == "args"), None)
    if not isinstance(target, (ast.Name, ast.Attribute)) or not (args is None or isinstance(args, (ast.Tuple, ast.List))):
        return record
    items = list(args.elts) if args is not None else []
    if any(isinstance(a, ast.Starred) for a in items):
        return record
    call = ast.copy_location(ast.Call(func=ast.Name(id="submit", ctx=ast.Load()), args=[target, *items], keywords=[]), node)
    return type(record)(call, record.scope, record.loops)


def functions_bound(bound: list, wanted) -> bool:
    """A local name bound to functions by their names, one a wrapper: `step = tools.plain`, or
    `tools.assisted` in another branch (handed on, it runs whichever the branch picked), or a
    lambda calling one (`fill = lambda text: fill_one(text, model=m)`). wanted: None, any functions."""
    bound = [lambda_callee(b) for b in bound]
    return 0 < len(bound) <= MAX_CLASSES and all(isinstance(b, (ast.Name, ast.Attribute)) for b in bound) and (wanted is None or any(called_name(b) in wanted for b in bound))


@lru_cache(maxsize=None)
def sdk_roots() -> frozenset:
    """The top-level names of the SDKs' modules (`anthropic`, `openai`, `litellm`, `requests`, ...)."""
    from claude_lint.extract import sdk

    return frozenset(m.split(".")[0] for m in sdk.SDK_MODULES)


def lambda_callee(bound: object) -> object:
    """The function a lambda calls with what it is given (`lambda text: fill_one(text, ...)`),
    handed on in its place; anything else as it is."""
    if isinstance(bound, ast.Lambda) and isinstance(bound.body, ast.Call) and isinstance(bound.body.func, (ast.Name, ast.Attribute)):
        return bound.body.func
    return bound


def module_path(ev, base: ast.expr, scope) -> Optional[str]:
    """`pkg.sub` where the code did `import pkg.sub`: the module's dotted name (a function
    called on it is that module's, perhaps one its `__init__.py` star-imports: link tells)."""
    words: List[str] = []
    while isinstance(base, ast.Attribute) and len(words) < 8:
        words.append(base.attr)
        base = base.value
    if not (words and isinstance(base, ast.Name)):
        return None
    owner = ev.find(base.id, scope)
    if owner is None or owner.imports.get(base.id) != base.id or base.id in owner.assigns:
        return None  # (`from app import client`: `client.chat.completions` is an object's, not a module's)
    return ".".join([base.id, *reversed(words)])


ANY_CLASS = f".{ANY_MODULE}.{ANY_MODULE}"  # a Callee's target: any class of a package's modules


def chosen_class(finder, func: ast.expr, scope) -> list:
    """`getattr(importlib.import_module(f"app.models.{name}"), class_name)(...)`, the class and
    the module perhaps bound to a name first: an instance of any class of the package (link
    takes them only when every class there with the method called makes its request)."""
    from claude_lint.facts import Callee

    found = _bound_call(finder, func, scope)
    if found is None or not (isinstance(found[0].func, ast.Name) and found[0].func.id == "getattr" and len(found[0].args) == 2) or finder.ev.find("getattr", found[1]) is not None:
        return []
    module = _bound_call(finder, found[0].args[0], found[1])
    named = _written_class(finder, module, found[0].args[1])
    if named is not None:  # `getattr(importlib.import_module('llm.openai_client'), 'OpenAIClient')`: that one class
        return [Callee(named, False)]
    package = finder._module_chosen(*module) if module is not None else None
    return [Callee(package + ANY_CLASS, False)] if package else []


def _written_class(finder, module, name: ast.expr):
    """`module.Class` of a module imported by a written name (a lazy import of an optional
    dependency's client) and a class named by a written string."""
    if module is None or not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isidentifier()):
        return None
    call, scope = module
    if len(call.args) != 1 or finder.ev.qualname(call.func, scope) != "importlib.import_module":
        return None
    path = call.args[0]
    if not (isinstance(path, ast.Constant) and isinstance(path.value, str)) or not all(p.isidentifier() for p in path.value.split(".")):
        return None  # (a relative name needs its package argument: not read)
    return f"{path.value}.{name.value}" if "." in path.value else None


def _bound_call(finder, expr: ast.expr, scope):
    """(the call, its scope): the expression, or the one call a name is bound to."""
    if isinstance(expr, ast.Call):
        return expr, scope
    if isinstance(expr, ast.Name):
        owner = finder.ev.find(expr.id, scope)
        bound = owner.assigns.get(expr.id, []) if owner is not None else []
        if len(bound) > 1 and owner is scope and owner.kind == "function":
            # bound in each branch of a factory (`module = ...; ClientClass = getattr(module, ...)`
            # then `return ClientClass(...)`, once per provider): the binding written last before
            # the use in the same function
            before = [b for b in bound if isinstance(b, ast.expr) and (b.lineno, b.col_offset) < (expr.lineno, expr.col_offset)]
            bound = before[-1:] if before and all(isinstance(b, ast.expr) for b in bound) else bound
        if len(bound) == 1 and isinstance(bound[0], ast.Call):
            return bound[0], owner
    return None


_DOUBLES = ("Mock", "Fake", "Dummy", "Stub")


def is_test_double(klass: str) -> bool:
    """A class named as a test double (`MockClient`, `FakeLLM`, `LLMStub`): it stands in for
    the real clients, and has no say in whether a call of their shared method makes a request."""
    name = klass.rsplit(".", 1)[-1]
    return name.startswith(_DOUBLES) or name.endswith(_DOUBLES)


def binding_of(n: ast.AST) -> Optional[tuple]:
    """(value, targets) of a node that binds names to a value (for `Finder._tainted`), else None."""
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
        return None
    return None if value is None else (value, targets)


def spread_get(mapping: Mapping, key: str) -> Optional[object]:
    """A request argument's value, also when it comes in a dict spread into the call
    (`params = {"messages": messages}` then `create(**params)`): link merges spreads, the
    wrapper's summary reads them before."""
    value = mapping.get(key)
    if value is None:
        value = next((v.get(key) for k, v in mapping.entries if k is None and isinstance(v, Mapping) and v.get(key) is not None), None)
    return value
