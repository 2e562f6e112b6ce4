"""CL006's examples of a LangGraph node that writes the clock into the system message it puts
ahead of the graph state's conversation (`extract/graph_prompt.py` reads the node; the rule
judges it in `cache_prefix_history.graph_head`): OpenAI caches that conversation by itself
unless its head changes. Kept apart from the rule's module, which is at the line limit."""
from __future__ import annotations

from claude_lint.checks.base import Invalid

# An errand helper in the shape of the course "sidekick" assistants: the model with its tools
# kept on the object, a node that rebuilds the system message on every call.
GRAPH = ("from datetime import datetime\nfrom typing import Annotated\nfrom typing_extensions import TypedDict\n"
         "from langchain_core.messages import HumanMessage, SystemMessage\nfrom langchain_openai import ChatOpenAI\n"
         "from langchain_anthropic import ChatAnthropic\nfrom langgraph.checkpoint.memory import MemorySaver\n"
         "from langgraph.graph import StateGraph, START\nfrom langgraph.graph.message import add_messages\n"
         "from langgraph.prebuilt import ToolNode\n\n"
         "class State(TypedDict):\n    messages: Annotated[list, add_messages]\n    question: str\n\n"
         "class Helper:\n    def __init__(self, tools):\n        self.tools = tools\n"
         "        model = {model}\n        self.llm = model.bind_tools(tools)\n\n"
         "    def respond(self, state: State):\n"
         "        prompt = f'You run errands with the tools you have. The time is {stamp}.'\n"
         "        {before}\n        reply = self.llm.invoke({sent})\n        return {{'messages': [reply]}}\n\n"
         "    def build(self):\n        graph = StateGraph(State)\n        graph.add_node('respond', self.respond)\n"
         "        graph.add_node('tools', ToolNode(self.tools))\n        graph.add_edge(START, 'respond')\n"
         "        {edges}\n        return graph.compile({compile})\n")
_OPENAI = "ChatOpenAI(model='gpt-4o-mini')"
_SECONDS = "{datetime.now():%Y-%m-%d %H:%M:%S}"
_AHEAD = "[SystemMessage(content=prompt)] + state['messages']"
_LOOP = "graph.add_edge('tools', 'respond')"
_KEPT = "checkpointer=MemorySaver()"


def graph(model=_OPENAI, stamp=_SECONDS, before="pass", sent=_AHEAD, edges=_LOOP, compile=_KEPT) -> str:
    return GRAPH.format(model=model, stamp=stamp, before=before, sent=sent, edges=edges, compile=compile)


FIRES = [
    Invalid(graph(), row=23, message="`datetime.now():%Y-%m-%d %H:%M:%S`, the clock to the second, sits in the system prompt ahead of "
            "`state['messages']`, which grows with each answer and tool result the graph adds to its state (kept by the checkpointer "
            "the graph is compiled with at line 34) and is resent whole behind it"),
    # no checkpointer: within one run the node comes back after each round of tools, the list grown
    Invalid(graph(compile=""), row=23, message="(resent by the graph's edge back from its tools at line 33)"),
    # the state's list read into a name, the system message put ahead of it there
    Invalid(graph(before="history = state['messages']", sent="[SystemMessage(content=prompt), *history]"), row=23,
            message="ahead of `state['messages']`"),
    # a model the catalogue lacks, sent to OpenAI by its name
    Invalid(graph(model="ChatOpenAI(model='gpt-9-preview')"), row=23, message="the clock to the second"),
]
SILENT = [
    # a date changes once a day
    graph(stamp="{datetime.now():%Y-%m-%d}"),
    # the clock after the conversation: the cached prefix stays stable
    graph(sent="state['messages'] + [SystemMessage(content=prompt)]"),
    # a Claude model with no breakpoint caches nothing: nothing to lose (CL002's finding)
    graph(model="ChatAnthropic(model='claude-sonnet-4-6')"),
    # the messages rebuilt for each request from one field of the state: no conversation behind the clock
    graph(sent="[SystemMessage(content=prompt), HumanMessage(content=state['question'])]"),
    # one request per run, nothing kept: the list does not grow between requests
    graph(edges="pass", compile=""),
    # a local server, or a vendor behind OpenAI's client: never billed, or cached its own way
    graph(model="ChatOpenAI(model='gpt-4o-mini', base_url='http://localhost:11434/v1')"),
    graph(model="ChatOpenAI(model='qwen-plus', base_url='https://dashscope.aliyuncs.com/compatible-mode/v1')"),
]

# A LangChain chat page: the session's conversation behind a system message written anew on each turn.
CHAT = ("from datetime import datetime\nimport streamlit as st\nfrom langchain_core.messages import AIMessage, HumanMessage, SystemMessage\n"
        "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o-mini')\n"
        "if 'turns' not in st.session_state:\n    st.session_state.turns = []\n"
        "if question := st.chat_input('Ask'):\n    st.session_state.turns.append(HumanMessage(content=question))\n"
        "    guide = f'You plan trips. It is {stamp} now.'\n    reply = llm.invoke({sent})\n"
        "    st.session_state.turns.append(AIMessage(content=reply.content))\n")
FIRES = [*FIRES, Invalid(CHAT.format(stamp="{datetime.now():%H:%M:%S}", sent="[SystemMessage(content=guide)] + st.session_state.turns"), row=10,
                         message="sits in the system prompt ahead of `st.session_state.turns`, which grows across requests (appended at line 9)")]
SILENT = [*SILENT, CHAT.format(stamp="{datetime.now():%A %d %B}", sent="[SystemMessage(content=guide)] + st.session_state.turns"),
          # this turn's question alone behind the clock: nothing resent
          CHAT.format(stamp="{datetime.now():%H:%M:%S}", sent="[SystemMessage(content=guide), HumanMessage(content=question)]")]

# LangGraph's react-agent template, in its own words: the model made by a helper of another
# module (`load_chat_model(...)`, here one that builds it), the system prompt a template of
# the graph's configuration (unreadable here) filled with the clock, sent as a plain dict
# ahead of the state's messages; the graph comes back to the node after each round of tools.
TEMPLATE_MODELS = "from langchain_openai import ChatOpenAI\nfrom langchain_anthropic import ChatAnthropic\n\n\ndef chat_model():\n    return {model}\n"
TEMPLATE_GRAPH = ("from datetime import UTC, datetime\nfrom langgraph.graph import StateGraph\nfrom langgraph.prebuilt import ToolNode\n"
                  "from agent.models import chat_model\nfrom agent.state import State\nfrom agent.tools import TOOLS\n\n\n"
                  "async def call_model(state: State, runtime):\n    model = chat_model().bind_tools(TOOLS)\n"
                  "    system_message = {template}.format(system_time={stamp})\n"
                  "    reply = await model.ainvoke({sent})\n    return {{'messages': [reply]}}\n\n\n"
                  "builder = StateGraph(State)\nbuilder.add_node(call_model)\nbuilder.add_node('tools', ToolNode(TOOLS))\n"
                  "builder.add_edge('__start__', 'call_model')\n{edges}\ngraph = builder.compile(name='agent')\n")
_TEMPLATE_SENT = "[{'role': 'system', 'content': system_message}, *state.messages]"


def template(model=_OPENAI, template="runtime.context.system_prompt", stamp="datetime.now(tz=UTC).isoformat()", sent=_TEMPLATE_SENT,
             edges="builder.add_edge('tools', 'call_model')") -> dict:
    return {"agent/__init__.py": "", "agent/tools.py": "TOOLS = []\n", "agent/state.py": "class State:\n    messages: list\n",
            "agent/models.py": TEMPLATE_MODELS.format(model=model),
            "agent/graph.py": TEMPLATE_GRAPH.format(template=template, stamp=stamp, sent=sent, edges=edges)}


FIRES = [*FIRES, Invalid(template(), path="agent/graph.py", row=11,
                         message="`datetime.now(tz=UTC).isoformat()`, the clock to the microsecond, sits in the system prompt ahead of "
                         "`state.messages`, which grows with each answer and tool result the graph adds to its state (resent by the "
                         "graph's edge back from its tools at line 20)")]
SILENT = [*SILENT,
          # a date changes once a day
          template(stamp="datetime.now(tz=UTC).date().isoformat()"),
          # the clock after the conversation
          template(sent="[*state.messages, {'role': 'system', 'content': system_message}]"),
          # a template read here that has no field for it: the clock is passed and dropped
          template(template="'You answer questions with the tools you have.'"),
          # a Claude model with no breakpoint caches nothing; a local server is never billed
          template(model="ChatAnthropic(model='claude-sonnet-4-6')"),
          template(model="ChatOpenAI(model='gpt-4o-mini', base_url='http://localhost:11434/v1')"),
          # one request per run and no checkpointer: the state is new for each run
          template(edges="builder.add_edge('call_model', '__end__')")]
