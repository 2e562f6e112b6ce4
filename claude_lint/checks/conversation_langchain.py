"""CL011's LangChain chat models, reported at the model: one invoked with a growing list, and
one handed to a prebuilt agent with tools (LangGraph's `create_react_agent`, LangChain's
`create_agent`), which runs a tool loop of its own, each step resending the run's messages
with the new tool call and its result. The code never shows that list, so the advice is the
agent's caching hook. Kept apart from `conversation_cache.py` for its size."""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

# `History.bound` of a prebuilt agent's run (extract/history_models.AGENT_STEPS: rules read no extractor).
AGENT_STEPS = "the agent's step limit"


def agent_advice(history) -> Optional[str]:
    """How to cache a prebuilt agent's steps, or None for a conversation the code grows itself."""
    if history.bound != AGENT_STEPS:
        return None
    return ("Cache the agent's steps: pass middleware=[AnthropicPromptCachingMiddleware()] to create_agent "
            "(langchain-anthropic), or mark the last message with \"cache_control\": {\"type\": \"ephemeral\"} "
            "in the agent's prompt or pre-model hook")


MODEL = "from langchain_anthropic import ChatAnthropic\nfrom langgraph.prebuilt import create_react_agent\n\nmodel = ChatAnthropic(model=ID)\n"


def examples() -> Tuple[List[object], List[object]]:
    from claude_lint.checks.base import Invalid

    claude = MODEL.replace("ID", "'claude-sonnet-4-6'")
    fires = [
        # a ReAct agent served as a graph: each search result goes back with every later step
        Invalid(claude + "graph = create_react_agent(model, [search_web])\n", row=4,
                message="`graph` grows each turn (each step of the agent built at line 5 adds its tool call and the tool's result)"),
        # LangChain 1.x's agent, the model built in the call
        "from langchain.agents import create_agent\nfrom langchain_anthropic import ChatAnthropic\n\n"
        "agent = create_agent(model=ChatAnthropic(model='claude-sonnet-4-6'), tools=[lookup_order, refund])\n",
    ]
    # a model invoked with the list the loop grows
    CHAT_MODEL = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.messages import AIMessage, HumanMessage\n"
                  "llm = ChatAnthropic(model=MODEL, max_tokens=1024)\nmessages = []\nwhile True:\n    messages.append(HumanMessage(content=TURN))\n"
                  "    reply = llm.invoke(messages)\n    messages.append(AIMessage(content=reply.content))\n")
    fires.append(Invalid(CHAT_MODEL.replace("MODEL", "'claude-sonnet-4-6'").replace("TURN", "input()"), row=3, message="Mark the newest message for caching before each invoke"))
    silent = [
        # the newest turn is marked as a content block with cache_control
        CHAT_MODEL.replace("MODEL", "'claude-sonnet-4-6'").replace("TURN", "[{'type': 'text', 'text': input(), 'cache_control': {'type': 'ephemeral'}}]"),
        # an OpenAI chat model caches by itself
        CHAT_MODEL.replace("langchain_anthropic import ChatAnthropic", "langchain_openai import ChatOpenAI").replace("ChatAnthropic(", "ChatOpenAI(")
        .replace("MODEL", "'gpt-4o'").replace("TURN", "input()"),
        # an agent with no tools: the agent answers in one request, nothing piles up
        "from langchain.agents import create_agent\nfrom langchain_anthropic import ChatAnthropic\n\n"
        "agent = create_agent(model=ChatAnthropic(model='claude-sonnet-4-6'), middleware=[build_prompt])\n",
        # the caching middleware marks the conversation
        "from langchain.agents import create_agent\nfrom langchain_anthropic import ChatAnthropic\n\n"
        "agent = create_agent(model=ChatAnthropic(model='claude-sonnet-4-6'), tools=[lookup], middleware=[AnthropicPromptCachingMiddleware()])\n",
        # an OpenAI model caches long prefixes by itself
        "from langchain_openai import ChatOpenAI\nfrom langgraph.prebuilt import create_react_agent\n\n"
        "graph = create_react_agent(ChatOpenAI(model='gpt-4o', max_tokens=500), [search_web])\n",
        # an empty tool list
        claude + "graph = create_react_agent(model, [])\n",
    ]
    graph_fires, graph_silent = graph_examples()
    return fires + graph_fires, silent + graph_silent


# A LangGraph graph whose node invokes the model through a prompt holding the state's messages.
GRAPH = ("from langchain_anthropic import ChatAnthropic\nfrom langchain_core.prompts import ChatPromptTemplate, MessagesPlaceholder\n"
         "from langgraph.graph import StateGraph, MessagesState, START, END\nfrom langgraph.checkpoint.memory import MemorySaver\n\n"
         "llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=2000)\n"
         "draft_prompt = ChatPromptTemplate.from_messages([('system', 'Write the draft.'), MessagesPlaceholder('messages')])\n"
         "review_prompt = ChatPromptTemplate.from_messages([('system', 'Review the draft.'), MessagesPlaceholder('messages')])\n"
         "drafter = draft_prompt | llm\nreviewer = review_prompt | llm\n\n"
         "def draft(state):\n    return {'messages': [drafter.invoke(state)]}\n\n"
         "def review(state):\n    return {'messages': [reviewer.invoke(state['messages'])]}\n\n"
         "def next_step(state):\n    return END if len(state['messages']) > LIMIT else 'review'\n\n"
         "builder = StateGraph(MessagesState)\nbuilder.add_node('draft', draft)\nbuilder.add_node('review', review)\n"
         "builder.add_edge(START, 'draft')\nbuilder.add_conditional_edges('draft', next_step)\nBACK\n")
# A graph kept by a checkpointer, run by a web handler.
THREAD = ("from langchain_anthropic import ChatAnthropic\nfrom langgraph.graph import StateGraph, MessagesState, START\n"
          "from langgraph.checkpoint.memory import MemorySaver\n\nclass Analyst:\n    def __init__(self):\n"
          "        self.llm = ChatAnthropic(model='claude-sonnet-4-6', max_tokens=1000)\n        self.config = {'configurable': {'thread_id': THREAD_ID}}\n"
          "        builder = StateGraph(MessagesState)\n        builder.add_node('answer', self.answer)\n        builder.add_edge(START, 'answer')\n"
          "        self.app = builder.compile(checkpointer=MemorySaver())\n\n    def answer(self, state):\n"
          "        return {'messages': [self.llm.invoke(state['messages'])]}\n\n    def ask(self, question):\n"
          "        return self.app.invoke({'messages': [('user', question)]}, self.config)\n")


def graph_examples() -> Tuple[List[object], List[object]]:
    """A LangGraph node's conversation, grown across its graph's rounds or a thread's runs."""
    from claude_lint.checks.base import Invalid

    fires = [
        # drafter and reviewer take turns: each round resends every draft and review so far
        Invalid(GRAPH.replace("LIMIT", "6").replace("BACK", "builder.add_edge('review', 'draft')\ngraph = builder.compile()"), row=6,
                message="`state['messages']` grows each turn (resent by the graph's edge back to it at line 26)"),
        # the path map's way to the reviewer is a text the router returns ('review')
        Invalid(GRAPH.replace("LIMIT", "6").replace("next_step)", "next_step, {'review': 'review', END: END})")
                .replace("BACK", "builder.add_edge('review', 'draft')\ngraph = builder.compile()"), row=6,
                message="(resent by the graph's edge back to it at line 26)"),
        # one fixed thread id: every question a handler asks resumes the same conversation
        Invalid(THREAD.replace("THREAD_ID", "'main'"), row=7, message="kept by the checkpointer under a fixed thread id at line 12"),
    ]
    silent = [
        # the review ends the run: no round comes back to the drafter
        GRAPH.replace("LIMIT", "6").replace("BACK", "builder.add_edge('review', END)\ngraph = builder.compile()"),
        # the prebuilt tools_condition routes the draft to 'tools' or the end, never to the
        # path map's reviewer: the reviewer's edge back is never taken
        GRAPH.replace("LIMIT", "6").replace("next_step)", "tools_condition, {'review': 'review', 'tools': 'tools', END: END})")
        .replace("BACK", "builder.add_edge('review', 'draft')\ngraph = builder.compile()"),
        # a thread per question: the checkpointer keeps each question's run apart
        THREAD.replace("THREAD_ID", "str(uuid.uuid4())"),
        # a fixed thread run once by a script: one run, one request
        GRAPH.replace("LIMIT", "6").replace("BACK", "builder.add_edge('review', END)\ngraph = builder.compile(checkpointer=MemorySaver())\n"
                                            "graph.invoke({'messages': [('user', 'an essay on tides')]}, {'configurable': {'thread_id': 't1'}})"),
    ]
    return fires, silent
