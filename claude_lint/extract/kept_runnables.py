"""LangChain runnables a module keeps under a module-level name over what makes a request
somewhere else, run where another module invokes them:

- `llm_invoker = RunnableLambda(invoke_llm)`, where `invoke_llm` is a wrapper: LangChain keeps
  the function and calls it, with the chain's input, whenever the runnable runs. The
  `RunnableLambda(...)` is a registration of the function (the README's registration policy,
  as `add_node`): a site of its own, and what a run of the runnable reaches.
- `text_chain = prompt | llm_invoker`, over a runnable or chat model another module keeps and
  this one imports by name (`from app.invoker import llm_invoker`): invoking the composition
  invokes it.

Each such name is a factory of no parameters (`Wrapper.made`): a module importing it makes
its requests where it invokes it (`text_chain.invoke(x)`, `made_models.made_invoke`), also
through further compositions. Written in the file's own module scope only; an inline
`RunnableLambda(f).invoke(x)` is read as the call of `f` (`graph_nodes.graph_runs`)."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Iterator, List, Set, Tuple

from claude_lint.extract.chains import called_name
from claude_lint.extract.graph_nodes import RUNNABLE_LAMBDAS
from claude_lint.extract.registrations import REGISTERED
from claude_lint.extract.wrapper_shapes import AGENT_BUILDERS, AGENT_INVOKES, MODEL_INVOKES, MODEL_THROUGH
from claude_lint.facts import Callee, Invocation, Mapping, Signature, Wrapper

MAX_KEPT = 16  # module-level runnables of one file looked at
MAX_STEPS = 16  # operands of one composition looked at
MAX_NAMES = 4096  # module-level names of one file looked at


def kept_runnables(finder, wanted: Set[str], foreign: bool, taken: Set[str]) -> Tuple[Tuple[Wrapper, ...], List[Invocation]]:
    """(the file's module-level runnables over wrappers or other modules' kept runnables, as
    factories; what invoking each runs, as that factory's calls). wanted: the names of the
    wrappers known (this file's, and with `foreign` the other files' this file names)."""
    module = finder.c.module
    if "RunnableLambda" not in finder.text and not (foreign and "|" in finder.text):
        return (), []
    records = None
    made: List[Wrapper] = []
    calls: List[Invocation] = []
    for name, bound in list(module.assigns.items())[:MAX_NAMES]:
        if name in taken or len(bound) != 1 or not isinstance(bound[0], ast.expr) or len(made) >= MAX_KEPT:
            continue
        mine: List[Invocation] = []
        for step in _steps(bound[0]):
            if isinstance(step, ast.Call) and called_name(step.func) in RUNNABLE_LAMBDAS and step.args and isinstance(step.args[0], ast.Name):
                handed = step.args[0]
                if handed.id not in wanted:
                    continue
                callees = finder.callees(handed, module, False)
                if records is None:
                    records = {id(r.node): r for r in finder.c.calls}
                record = records.get(id(step))
                if callees and record is not None:
                    mine.append(replace(finder.invocation(record, callees, (0, REGISTERED)), function=name))
            elif foreign and isinstance(step, ast.Name) and step.id in wanted and step.id in module.imports and step.id not in module.assigns:
                callees = finder.callees(step, module, False)
                if callees:
                    loc = finder.ev.loc(step)
                    mine.append(Invocation(finder.path, loc, callees, (), Mapping((), loc), name, invoked=True))
        if mine:
            made.append(Wrapper(name, Signature(()), finder.ev.loc(bound[0]), made=True))
            calls.extend(mine)
    return tuple(made), calls


def _steps(value: ast.expr) -> Iterator[ast.expr]:
    """The runnables a module-level value is made of: itself, the operands of a `|`
    composition, and what `.with_retry()`-like calls are made on."""
    todo = [value]
    seen = 0
    while todo and seen < MAX_STEPS:
        expr = todo.pop()
        seen += 1
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
            todo += [expr.right, expr.left]
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in MODEL_THROUGH:
            todo.append(expr.func.value)
        else:
            yield expr


MAX_AGENT_RUNS = 64  # runs of the file's own kept agents made sites


def kept_agent_runs(finder) -> List[Invocation]:
    """Each run, in this file, of an agent the file keeps under a module-level name over a chat
    model of its own (`agent = create_react_agent(model=model, tools=[...])`, then
    `agent.invoke({...})` at module level, a script's or a notebook cell's): a run of a compiled
    agent is a site of its own (the README's convention), reaching the model's request as another
    module's run of it does (`made_models.kept_wrappers`). A function running it is a wrapper
    already (`invoked_models`): its calls are the sites, and its run is not counted twice. A model
    invoked where it is written is its constructor's own request, not counted apart."""
    module, kept = finder.c.module, finder._kept_models
    agents = {name for (owner, name), sites in kept.items() if not owner and sites and len(module.assigns.get(name, [])) == 1
              and isinstance(module.assigns[name][0], ast.Call) and called_name(module.assigns[name][0].func) in AGENT_BUILDERS}
    out: List[Invocation] = []
    for record in finder.c.calls if agents else ():
        func = record.node.func
        if (isinstance(func, ast.Attribute) and func.attr in MODEL_INVOKES | AGENT_INVOKES and isinstance(func.value, ast.Name)
                and func.value.id in agents and finder.enclosing_def(record.scope) is None and finder.ev.find(func.value.id, record.scope) is module):
            loc = finder.ev.loc(record.node)
            out.append(Invocation(finder.path, loc, (Callee(func.value.id, True),), (), Mapping((), loc), None, invoked=True))
            if len(out) >= MAX_AGENT_RUNS:
                break
    return out
