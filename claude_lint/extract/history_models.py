"""A LangChain chat model's conversation: the list its `invoke` (or an agent's `run`) is
handed, or a conversation memory without a window kept across turns. A mixin of
`python_history.HistoryFinder`."""
from __future__ import annotations

import ast
from typing import Optional

from claude_lint.extract.python_calls import MAX_SESSION_NODES
from claude_lint.extract.scopes import CallRecord, Scope
from claude_lint.facts import History


class ModelHistory:
    # --- a chat model's conversation (LangChain) ------------------------------------------

    def model_history(self, record: CallRecord) -> Optional[History]:
        """The history a chat model built here is sent: the list its `invoke` (or an agent
        built on it, `agent.run(...)`) is handed, or a LangChain memory without a window
        that lives across turns."""
        memory = self._memory()
        if memory is not None:
            return memory
        scope = record.scope
        names = self._holders({self._bound_to(record.node, scope)} - {None}, scope)
        if not names:
            return None
        for seen, other in enumerate(self.c.calls):
            if seen > MAX_SESSION_NODES:
                break
            func = other.node.func
            if (isinstance(func, ast.Attribute) and func.attr in _RUNS and isinstance(func.value, ast.Name) and func.value.id in names
                    and other.node.args and not isinstance(other.node.args[0], ast.Starred)):
                found = self.history(other.node, other.scope, other, other.node.args[0])
                if found is not None:
                    return found
        return None

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

    def _memory(self) -> Optional[History]:
        """A LangChain conversation memory kept across turns with no window: a
        `ConversationBufferMemory` or `RunnableWithMessageHistory` over a history in
        Streamlit's session (`StreamlitChatMessageHistory`), or built once at module level
        of a program that is not a Streamlit script (which reruns the module each turn)."""
        text = self.text
        if "ConversationBufferMemory(" not in text and "RunnableWithMessageHistory(" not in text:
            return None
        if any(word in text for word in _WINDOWED):
            return None
        session = "StreamlitChatMessageHistory(" in text
        for name, bound in self.c.module.assigns.items():
            for b in bound[:4]:
                if isinstance(b, ast.Call) and (self.ev.qualname(b.func, self.c.module) or "").rsplit(".", 1)[-1] in ("ConversationBufferMemory", "RunnableWithMessageHistory"):
                    if session or "streamlit" not in text:
                        return History(name, "memory", self.ev.loc(b))
        return None


# What runs a chat model or an agent on an input.
_RUNS = frozenset({"invoke", "ainvoke", "stream", "astream", "run", "arun", "predict_messages"})
# A window, a token budget or a summary somewhere in the file bounds a LangChain memory.
_WINDOWED = ("ConversationBufferWindowMemory", "ConversationTokenBufferMemory", "ConversationSummary", "trim_messages", "max_token_limit", "WindowMemory", "SummaryMemory")
