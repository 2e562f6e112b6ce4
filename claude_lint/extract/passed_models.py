"""A LangChain chat model passed in: a function that invokes a runnable built over one of
its parameters (`def ask(llm_model, q): return (prompt | llm_model | parser).invoke(...)`)
makes a request with whatever model its caller hands it. The model, its limits and its
provider are the caller's, unknown here: the site says so (every role unknown, so no rule
judges a value it cannot see), and, since the function reads its parameters, each call of
it is a wrapper call site in the caller's context (a loop over questions, say).

A parameter counts as a chat model on evidence only: in a file that imports LangChain, one
annotated with a LangChain model type (`BaseChatModel`, `BaseLanguageModel`, a chat-model
class), or, unannotated, named as one (`llm`, `llm_model`, `chat_model`, `model`). A
parameter the function also rebinds (`llm = llm or ChatOpenAI()`) is left to the
constructor's own site."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional

from claude_lint.extract import sdk
from claude_lint.extract.scopes import CallRecord, Scope
from claude_lint.extract.sdk_roles import LANGCHAIN_ANY_ROLES
from claude_lint.extract.wrapper_shapes import AGENT_INVOKES, AGENT_TOOLS, RUNNER_RUNS
from claude_lint.facts import CallSite, Mapping

# The runnable methods that send the request (not `predict`/`generate`: scikit-learn's and
# transformers' models answer to those too).
RUNNABLE_CALLS = frozenset({"invoke", "ainvoke", "stream", "astream", "batch", "abatch"})
# Calls that return a runnable still bound to the same model.
_THROUGH = frozenset({"with_structured_output", "bind", "bind_tools", "with_retry", "with_config", "with_fallbacks"})
# Annotations that say "a chat model" (the last name of the annotation).
_MODEL_TYPES = frozenset({"BaseChatModel", "BaseLanguageModel", "BaseLLM", "LLM", "SimpleChatModel"})
# Unannotated parameter names that say "a chat model".
_MODEL_NAMES = frozenset({"llm", "model", "chat", "chat_model", "llm_model", "language_model", "lc_model"})

SHAPE = sdk.MethodShape((), "invoke (chat model passed in)", ("langchain",), LANGCHAIN_ANY_ROLES)


def imports_langchain(module: Scope, scopes) -> bool:
    for scope in [module, *scopes]:
        for target in scope.imports.values():
            if target.split(".", 1)[0].startswith("langchain"):
                return True
    return False


# A Strands agent passed in (`def run(agent, prompt): return agent(prompt)`), in a file that
# imports Strands: called, or by the methods and tools through which it sends its model's requests.
AGENT_SHAPE = sdk.MethodShape((), "Agent (Strands agent passed in)", ("langchain",), LANGCHAIN_ANY_ROLES)
# An OpenAI Agents SDK agent passed in (`async def run(agent: Agent, prompt): ... Runner.run_streamed(
# starting_agent=agent, input=prompt)`): the runner sends the requests of whatever agent the caller hands it.
RUNNER_SHAPE = sdk.MethodShape((), "Runner.run (OpenAI Agents agent passed in)", ("langchain",), LANGCHAIN_ANY_ROLES)
APIS = frozenset({SHAPE.api, AGENT_SHAPE.api, RUNNER_SHAPE.api})
# The methods by which `sites` may find a request when the callee is written `x.name(...)`.
CALLED_WORDS = RUNNABLE_CALLS | AGENT_INVOKES | AGENT_TOOLS | RUNNER_RUNS


def sites(ex, record: CallRecord) -> List[CallSite]:
    """The request of a runnable built over a chat model passed in, or none."""
    node = record.node
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in RUNNER_RUNS:
        return _runner_sites(ex, record)
    if not isinstance(func, ast.Attribute) or func.attr not in RUNNABLE_CALLS:
        return _agent_sites(ex, record)
    langchain = getattr(ex, "_imports_langchain", None)  # asked once per file, kept on its extraction
    if langchain is None:
        langchain = ex._imports_langchain = imports_langchain(ex.c.module, ex.c.scopes_by_node.values())
    if not langchain:
        return []
    d = _enclosing_def(record.scope)
    if d is None or _model_param(ex, func.value, record.scope, d, 0) is None:
        return []
    loc = ex.ev.loc(node)
    kwargs = Mapping((), loc, open=True)  # the model's settings are the caller's: none known here
    facts = ex.site_facts(record, SHAPE, "langchain", kwargs, None)
    return [CallSite(loc=loc, kwargs=kwargs, **facts)]


def _agent_sites(ex, record: CallRecord) -> List[CallSite]:
    func = record.node.func
    if isinstance(func, ast.Attribute) and func.attr in AGENT_TOOLS and isinstance(func.value, ast.Attribute) and func.value.attr == "tool":
        agent = func.value.value  # `agent.tool.use_llm(prompt=...)`
    elif isinstance(func, ast.Attribute) and func.attr in AGENT_INVOKES:
        agent = func.value
    else:
        agent = func
    if not isinstance(agent, ast.Name) or not _agent_name(agent.id):
        return []
    strands = getattr(ex, "_imports_strands", None)  # asked once per file, kept on its extraction
    if strands is None:
        strands = ex._imports_strands = _imports(ex.c.module, ex.c.scopes_by_node.values(), "strands")
    if not strands:
        return []
    d = _enclosing_def(record.scope)
    owner = ex.ev.find(agent.id, record.scope)
    if d is None or owner is None or agent.id not in owner.params or owner.assigns.get(agent.id) or (owner is not d and not _encloses(owner, d)):
        return []
    ann = owner.annotations.get(agent.id)
    if ann is not None and not (ex.ev.qualname(ann, owner.parent or owner) or "").startswith("strands"):
        return []
    loc = ex.ev.loc(record.node)
    kwargs = Mapping((), loc, open=True)  # the agent's model and its settings are the caller's
    facts = ex.site_facts(record, AGENT_SHAPE, "langchain", kwargs, None)
    return [CallSite(loc=loc, kwargs=kwargs, **facts)]


def _runner_sites(ex, record: CallRecord) -> List[CallSite]:
    """`Runner.run(agent, ...)` (or `starting_agent=agent`) of the OpenAI Agents SDK on a parameter of
    the function: unannotated, or annotated with the SDK's Agent."""
    node = record.node
    if not (ex.ev.qualname(node.func.value, record.scope) or "").startswith("agents."):
        return []
    agent = next((k.value for k in node.keywords if k.arg == "starting_agent"), node.args[0] if node.args else None)
    d = _enclosing_def(record.scope)
    if not isinstance(agent, ast.Name) or d is None:
        return []
    owner = ex.ev.find(agent.id, record.scope)
    if owner is None or agent.id not in owner.params or owner.assigns.get(agent.id) or (owner is not d and not _encloses(owner, d)):
        return []
    ann = owner.annotations.get(agent.id)
    if isinstance(ann, ast.Subscript):  # Agent[Context]
        ann = ann.value
    if ann is not None and not (ex.ev.qualname(ann, owner.parent or owner) or "").startswith("agents."):
        return []
    loc = ex.ev.loc(node)
    kwargs = Mapping((), loc, open=True)  # the agent's model and its settings are the caller's
    return [CallSite(loc=loc, kwargs=kwargs, **ex.site_facts(record, RUNNER_SHAPE, "langchain", kwargs, None))]


def _agent_name(name: str) -> bool:
    name = name.lower()
    return name == "agent" or name.endswith("_agent")


agent_named = _agent_name  # a called name `sites` may take for an agent passed in


def _imports(module: Scope, scopes, package: str) -> bool:
    for scope in [module, *scopes]:
        for target in scope.imports.values():
            if target.split(".", 1)[0] == package:
                return True
    return False


def _enclosing_def(scope: Optional[Scope]) -> Optional[Scope]:
    s = scope
    while s is not None:
        if s.kind == "function" and isinstance(s.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return s
        if s.kind in ("module", "class"):
            return None
        s = s.parent
    return None


def _model_param(ex, expr: ast.expr, scope: Scope, d: Scope, depth: int) -> Optional[str]:
    """The parameter (of d or a function around it) holding the chat model an expression
    invokes, seen through `|` chains, runnables bound to it and a local name."""
    if depth > 6:
        return None
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        return _model_param(ex, expr.left, scope, d, depth + 1) or _model_param(ex, expr.right, scope, d, depth + 1)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr in _THROUGH:
        return _model_param(ex, expr.func.value, scope, d, depth + 1)
    if not isinstance(expr, ast.Name):
        return None
    owner = ex.ev.find(expr.id, scope)
    if owner is None or owner.kind != "function":
        return None
    if expr.id in owner.params:
        if owner.assigns.get(expr.id) or owner is not d and not _encloses(owner, d):
            return None
        return expr.id if _is_model(ex, owner, expr.id) else None
    bound = owner.assigns.get(expr.id, [])
    if len(bound) == 1 and isinstance(bound[0], ast.expr):
        return _model_param(ex, bound[0], owner, d, depth + 1)
    return None


def _encloses(outer: Scope, inner: Scope) -> bool:
    s = inner.parent
    while s is not None:
        if s is outer:
            return True
        s = s.parent
    return False


def _is_model(ex, owner: Scope, name: str) -> bool:
    ann = owner.annotations.get(name)
    if ann is None:
        return name.lower() in _MODEL_NAMES
    if isinstance(ann, ast.Subscript):  # Optional[BaseChatModel]
        inner = ann.slice
        return any(_model_type(ex, item, owner) for item in (inner.elts if isinstance(inner, ast.Tuple) else [inner]))
    if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):  # BaseChatModel | None
        return _model_type(ex, ann.left, owner) or _model_type(ex, ann.right, owner)
    return _model_type(ex, ann, owner)


def _model_type(ex, ann: ast.expr, owner: Scope) -> bool:
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        last = ann.value.strip().rsplit(".", 1)[-1]
        return last in _MODEL_TYPES or last in _CHAT_CLASSES
    qual = ex.ev.qualname(ann, owner.parent or owner) or ""
    last = qual.rsplit(".", 1)[-1]
    if last in _MODEL_TYPES:
        return qual.startswith("langchain") or "." not in qual
    return _chat_class(qual)


_CHAT_CLASSES = frozenset(q.rsplit(".", 1)[-1] for q in sdk.FUNCTIONS if q.startswith("langchain"))


def _chat_class(qual: str) -> bool:
    """A LangChain chat-model class of the SDK table (`langchain_anthropic.ChatAnthropic`)."""
    shape = sdk.function_shape(qual)
    return shape is not None and "langchain" in shape.providers
