"""A LangChain chat model's conversation: the list its `invoke` (or an agent's `run`) is
handed, or a conversation memory without a window kept across turns; and the messages
a `ChatAnthropic` model is invoked with, as the Claude API's (where its breakpoints are).
A mixin of `python_history.HistoryFinder`."""
from __future__ import annotations

import ast
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Optional

from claude_lint.extract import loops
from claude_lint.extract.chains import called_name
from claude_lint.extract.graph_history import node_conversation
from claude_lint.extract.history_bodies import turn_loop
from claude_lint.extract.python_calls import MAX_SESSION_NODES
from claude_lint.extract.scopes import CallRecord, Scope, keyword
from claude_lint.facts import CallSite, History, Mapping, Seq, Text, Unknown


class ModelHistory:
    # --- a chat model's conversation (LangChain) ------------------------------------------

    def model_history(self, record: CallRecord) -> Optional[History]:
        """The history a chat model built here is sent: the list its `invoke` (or an agent
        built on it, `agent.run(...)`) is handed, or a LangChain memory without a window
        that lives across turns."""
        memory = self._memory(record)
        if memory is not None:
            return memory
        scope = record.scope
        names = self._holders({self._bound_to(record.node, scope)} - {None}, scope)
        if not names:
            return self._agent_steps(record) or self._graph_node_steps(record)
        for seen, other in enumerate(self.c.calls):
            if seen > MAX_SESSION_NODES:
                break
            func = other.node.func
            if (isinstance(func, ast.Attribute) and func.attr in _RUNS and isinstance(func.value, ast.Name) and func.value.id in names
                    and other.node.args and not isinstance(other.node.args[0], ast.Starred)):
                found = self.history(other.node, other.scope, other, other.node.args[0])
                if found is not None:
                    return found
        return self._history_object(record) or self._agent_steps(record) or self._graph_node_steps(record)

    def _agent_steps(self, record: CallRecord) -> Optional[History]:
        """A prebuilt agent over this model, handed tools (LangGraph's `create_react_agent(model,
        tools)`, LangChain's `create_agent(model=..., tools=[...])`): each step appends the model's
        tool call and the tool's result to the run's messages and sends them all again, up to the
        agent's step limit. Without tools the agent answers in one request: nothing grows."""
        scope = record.scope
        name = self._bound_to(record.node, scope)
        for seen, other in enumerate(self.c.calls):
            if seen > MAX_SESSION_NODES:
                break
            node = other.node
            if (self.ev.qualname(node.func, other.scope) or "") not in _AGENT_BUILDERS:
                continue
            tools = keyword(node, "tools") or (node.args[1] if len(node.args) > 1 else None)
            if tools is None or isinstance(tools, (ast.List, ast.Tuple)) and not tools.elts:
                continue
            handed = [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("model", "llm"))]
            if any(a is record.node or isinstance(a, ast.Name) and a.id == name and self.ev.find(name, other.scope) is scope for a in handed):
                # A caching middleware (`AnthropicPromptCachingMiddleware()`) marks the conversation.
                marked = any("PromptCaching" in ast.unparse(k.value) for k in node.keywords if k.arg == "middleware")
                return History(self._bound_to(node, other.scope) or "the agent", "loop", self.ev.loc(node), bound=AGENT_STEPS, marked=marked)
        return None

    def _history_object(self, record: CallRecord) -> Optional[History]:
        """A LangChain message history (`ChatMessageHistory()`) whose `.messages` a chain over this
        model is run with, in a turn loop that adds each turn to it (`add_user_message`,
        `add_ai_message`) and never clears or trims it: the turns pile up as in a list."""
        scope = record.scope
        model = self._bound_to(record.node, scope)
        if "MessageHistory(" not in self.text or model is None:
            return None
        chains = {model}
        for _ in range(2):  # `chain = prompt | llm | parser`, `agent = make(llm)`
            chains |= {name for name, bound in scope.assigns.items()
                       if any(isinstance(b, ast.expr) and any(isinstance(n, ast.Name) and n.id in chains for n in ast.walk(b)) for b in bound[:4])}
        for seen, other in enumerate(self.c.calls):
            func = other.node.func
            if seen > MAX_SESSION_NODES:
                break
            if (isinstance(func, ast.Attribute) and func.attr in _RUNS and isinstance(func.value, ast.Name) and func.value.id in chains
                    and other.node.args and self.ev.find(func.value.id, other.scope) is scope):
                sent = [n for n in ast.walk(other.node.args[0]) if isinstance(n, ast.Attribute) and n.attr == "messages" and isinstance(n.value, ast.Name)]
                found = next((h for h in (self._grown_history(n.value.id, other) for n in sent[:4]) if h is not None), None)
                if found is not None:
                    return found
        return None

    def _grown_history(self, name: str, run: CallRecord) -> Optional[History]:
        owner = self.ev.find(name, run.scope)
        bound = owner.assigns.get(name, []) if owner is not None else []
        loop = turn_loop(run.loops, run.node)
        if loop is None or len(bound) != 1 or not isinstance(bound[0], ast.Call) or not (called_name(bound[0].func) or "").endswith("MessageHistory"):
            return None
        adds = []
        for other in self.c.calls[:MAX_SESSION_NODES]:
            func = other.node.func
            if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == name and self.ev.find(name, other.scope) is owner):
                continue
            if func.attr in _HISTORY_CUTS:
                return None
            if func.attr in _HISTORY_ADDS and loop in other.loops:
                adds.append(other.node)
        if not adds or ("messages", name) in _attr_writes(owner):
            return None
        return History(f"{name}.messages", "loop", self.ev.loc(adds[0]), bound=loops.bound(loop))

    def _graph_node_steps(self, record: CallRecord) -> Optional[History]:
        """A LangGraph node invoking this model with its state's conversation, kept growing by the graph."""
        return node_conversation(self, record)

    def with_invoked_messages(self, record: CallRecord, site: CallSite) -> CallSite:
        """A `ChatAnthropic` model invoked once in its file with a list written there
        (`llm.invoke([SystemMessage(content=[...]), HumanMessage(content=q)])`): the site
        carries that list as its `messages`, LangChain's messages read as the Claude API's
        dicts. Any other model, or several invokes, is left as it is (the messages unseen)."""
        if site.api != "ChatAnthropic":
            return site
        scope = record.scope
        name = self._bound_to(record.node, scope)
        if name is not None and scope.assigns.get(name) != [record.node]:
            return site  # a chain or a model with tools bound (`.bind_tools(...)`): more is sent than its invoke shows
        invokes = [] if name is None else [
            other for other in self.c.calls[:MAX_SESSION_NODES]
            if isinstance(other.node.func, ast.Attribute) and other.node.func.attr in _INVOKES
            and isinstance(other.node.func.value, ast.Name) and other.node.func.value.id == name
            and self.ev.find(name, other.scope) is scope]
        if len(invokes) != 1 or not invokes[0].node.args or isinstance(invokes[0].node.args[0], ast.Starred):
            return site
        arg, where = invokes[0].node.args[0], invokes[0].scope
        if isinstance(arg, ast.Name):
            owner = self.ev.find(arg.id, where)
            bound = owner.assigns.get(arg.id, []) if owner is not None else []
            if len(bound) != 1 or ("name", arg.id) in owner.mutated:
                return site
            arg, where = bound[0], owner
        if not isinstance(arg, ast.List) or len(arg.elts) > _MAX_MESSAGES:
            return site
        messages = Seq(tuple(self._message(el, where) for el in arg.elts), self.ev.loc(arg))
        at = self.ev.loc(invokes[0].node.args[0])
        kwargs = Mapping(site.kwargs.entries + (("messages", messages),), site.kwargs.loc, site.kwargs.open,
                         site.kwargs.key_locs + ((("messages", at),) if at is not None else ()))
        return replace(site, kwargs=kwargs, roles=site.roles + (("messages", ("messages",)),))

    def _message(self, node: ast.expr, scope: Scope) -> object:
        """One LangChain message as the Claude API's dict: `SystemMessage(content=...)`,
        `HumanMessage(...)`, `AIMessage(...)`, a `("system", text)` tuple, or a dict. A
        message's `additional_kwargs={"cache_control": ...}` marks its last content block."""
        role, content, extra = None, None, None
        if isinstance(node, ast.Call):
            func = node.func
            kind = called_name(func)
            role = _MESSAGE_ROLES.get(kind)
            content = keyword(node, "content") or (node.args[0] if node.args and not isinstance(node.args[0], ast.Starred) else None)
            extra = keyword(node, "additional_kwargs")
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[0], ast.Constant):
            role, content = _TUPLE_ROLES.get(node.elts[0].value), node.elts[1]
        else:
            return self.ev.value(node, scope)
        loc = self.ev.loc(node)
        if role is None or content is None:
            return Unknown("a message not known statically", loc)
        value = self.ev.value(content, scope)
        options = self.ev.value(extra, scope) if extra is not None else None
        mark = options.get("cache_control") if isinstance(options, Mapping) else None
        if mark is not None:
            value = _marked_last(value, mark, self.ev.loc(extra), loc)
        return Mapping((("role", Text((role,), loc)), ("content", value)), loc)

    def _bound_to(self, node: ast.AST, scope: Scope) -> Optional[str]:
        """The name a value holding `node` is bound to in `scope` (`llm = ChatOpenAI(...)`, `chain = prompt | ChatOpenAI(...)`)."""
        for name, bound in scope.assigns.items():
            for b in bound[:4]:
                if isinstance(b, ast.expr) and any(n is node for n in ast.walk(b)):
                    return name
        return None

    def _holders(self, names: set, scope: Scope) -> set:
        """The names, and those bound to a call that is handed one of them (`agent = initialize_agent(tools, llm)`)."""
        found = set(names)
        for _ in range(2):
            for name, bound in scope.assigns.items():
                if name not in found and any(isinstance(b, ast.Call) and any(isinstance(n, ast.Name) and n.id in found for n in ast.walk(b)) for b in bound[:4]):
                    found.add(name)
        return found

    def _memory(self, record: CallRecord) -> Optional[History]:
        """A LangChain conversation memory kept across turns with no window, run with the model
        built at `record`: a `ConversationBufferMemory` or `RunnableWithMessageHistory` over a
        history in Streamlit's session (`StreamlitChatMessageHistory`), or built once at module
        level of a program that is not a Streamlit script (which reruns the module each turn),
        or in a function that runs it in a loop (a REPL in `main()`)."""
        text = self.text
        if "ConversationBufferMemory(" not in text and "RunnableWithMessageHistory(" not in text and "ConversationChain(" not in text:
            return None
        if any(word in text for word in _WINDOWED):
            return None
        session = "StreamlitChatMessageHistory(" in text
        scopes = [self.c.module, *(s for s in self._scopes() if s.kind == "function")][:_MAX_MEMORY_SCOPES]
        for sc in scopes:
            for name, bound in sc.assigns.items():
                for b in bound[:4]:
                    made = (self.ev.qualname(b.func, sc) or "").rsplit(".", 1)[-1] if isinstance(b, ast.Call) else ""
                    # a `ConversationChain` given no memory keeps a ConversationBufferMemory of its own
                    if made in ("ConversationBufferMemory", "RunnableWithMessageHistory") or made == "ConversationChain" and keyword(b, "memory") is None:
                        if (session or "streamlit" not in text and self._run_per_turn(name, sc)) and self._remembers(name, record, sc):
                            return History(name, "memory", self.ev.loc(b))
        return None

    def _remembers(self, name: str, record: CallRecord, sc: Scope) -> bool:
        """Is the model built at `record` the one the memory (or the chain holding it) runs?
        Another model of the file (`model = ChatOpenAI(...)` beside `ConversationChain(llm=llm)`)
        sends only what it is handed."""
        model = self._bound_to(record.node, record.scope) if record.scope is sc else None
        names, seen = self._holders({name}, sc), set()
        for _ in range(3):  # and what they are built from: `AgentExecutor(agent=agent, memory=memory)`, `agent` over the model
            found = set()
            for held in names - seen:
                for b in sc.assigns.get(held, [])[:4]:
                    for n in ast.walk(b) if isinstance(b, ast.Call) else ():
                        if n is record.node or isinstance(n, ast.Name) and n.id == model:
                            return True
                        if isinstance(n, ast.Name):
                            found.add(n.id)
            seen |= names
            names = found
        return False

    def _run_per_turn(self, name: str, sc: Scope) -> bool:
        """Is the memory (or a chain or agent built on it) run in a loop, or, kept at module level,
        in a function (a handler)? Run only by calls written one after another at a script's top
        level, it holds those few turns; never run, it holds none. (`for chunk in chat.stream(q)`
        runs it once: that loop is over the answer's chunks.)"""
        holders = self._holders({name}, sc)
        for record in self.c.calls[:MAX_SESSION_NODES]:
            func = record.node.func
            target = func.value if isinstance(func, ast.Attribute) and func.attr in _MEMORY_RUNS else func
            if not isinstance(target, ast.Name) or target.id not in holders or self.ev.find(target.id, record.scope) is not sc:
                continue
            if sc is self.c.module and record.scope.kind != "module" or turn_loop(record.loops, record.node) is not None:
                return True
        return False


def _marked_last(content: object, mark: object, at, loc) -> object:
    """A message's content with the breakpoint `additional_kwargs` gives it on its last block
    (langchain-anthropic puts it there), a plain text becoming one text block."""
    def marked(block: Mapping) -> Mapping:
        return Mapping(block.entries + (("cache_control", mark),), block.loc, block.open, block.key_locs + ((("cache_control", at),) if at else ()))

    if isinstance(content, Seq) and content.items and isinstance(content.items[-1], Mapping):
        return Seq(content.items[:-1] + (marked(content.items[-1]),), content.loc)
    if isinstance(content, Text):
        return Seq((marked(Mapping((("type", Text(("text",), loc)), ("text", content)), loc)),), loc)
    return content


# `History.bound` of a prebuilt agent's run: its step limit (LangGraph's recursion limit, an
# AgentExecutor's max_iterations) ends each run, whose messages grow step by step until then.
AGENT_STEPS = "the agent's step limit"
# Prebuilt agents that loop over tool calls, each step resending the run's messages.
_AGENT_BUILDERS = frozenset({"langgraph.prebuilt.create_react_agent", "langgraph.prebuilt.chat_agent_executor.create_react_agent",
                             "langchain.agents.create_agent", "langchain.agents.create_react_agent", "langchain.agents.create_tool_calling_agent"})

# What grows a LangChain message history, and what empties or cuts it.
_HISTORY_ADDS = frozenset({"add_user_message", "add_ai_message", "add_message", "add_messages"})
_HISTORY_CUTS = frozenset({"clear", "aclear"})


def _attr_writes(scope: Scope) -> set:
    """(attribute, name) pairs assigned in the scope's code: `history.messages = history.messages[-10:]`."""
    return {(t.attr, t.value.id) for n in ast.walk(scope.node) if isinstance(n, ast.Assign)
            for t in n.targets if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)}


# LangChain's message classes and tuple roles, as the Claude API's roles.
_MESSAGE_ROLES = {"SystemMessage": "system", "HumanMessage": "user", "AIMessage": "assistant"}
_TUPLE_ROLES = {"system": "system", "human": "user", "user": "user", "ai": "assistant", "assistant": "assistant"}
_INVOKES = frozenset({"invoke", "ainvoke", "stream", "astream"})
_MAX_MESSAGES = 64  # messages of one written list read; a longer one stays unseen
# What runs a chat model or an agent on an input.
_RUNS = frozenset({"invoke", "ainvoke", "stream", "astream", "run", "arun", "predict_messages"})
_MEMORY_RUNS = _RUNS | {"predict", "batch", "abatch", "__call__"}
_MAX_MEMORY_SCOPES = 200  # scopes searched for a memory
# A window, a token budget or a summary somewhere in the file bounds a LangChain memory.
_WINDOWED = ("ConversationBufferWindowMemory", "ConversationTokenBufferMemory", "ConversationSummary", "trim_messages", "max_token_limit", "WindowMemory", "SummaryMemory")
