from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from claude_lint.catalog import Model
from claude_lint.checks import conversation_once, wrapper_calls
from claude_lint.checks.base import Context, Invalid, Rule, money, tokens
from claude_lint.checks.cache_marks import automatic, count, marked_inside, unmarked_request, unseen
from claude_lint.checks.conversation_growth import growth, one_request
from claude_lint.checks.conversation_langchain import agent_advice
from claude_lint.checks.conversation_turns import kept_thinking, rebuilt_each_turn, step_cap
from claude_lint.checks.stored_windows import read_as_window
from claude_lint.checks.system_cache import LONG_SYSTEM
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.sdk import CACHE_CONTROL_PROVIDERS, provider_facts
from claude_lint.facts import History
from claude_lint.link import Call
from claude_lint.prompt_text import static_text

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
LOOP = (
    "messages = [{'role': 'user', 'content': task}]\n"
    "while True:\n"
    "    reply = {call}\n"
    "    messages.append({'role': 'assistant', 'content': reply.content})\n"
    "    messages.append({'role': 'user', 'content': run_tools(reply)})\n"
)


def loop(call: str) -> str:
    return LOOP.replace("{call}", call)


CLAUDE = CACHE_CONTROL_PROVIDERS


class ConversationUncached(Rule):
    """## What it does
    Flags a Claude request (Claude API, Bedrock, Vertex, LiteLLM's `completion` to a
    Claude model, which passes `cache_control` blocks through, or a LangChain
    `ChatAnthropic` model invoked with the list; the list as its `messages` or in a JSON body,
    `invoke_model(body=json.dumps({"messages": ...}))`) whose conversation grows
    across turns or agent steps and is resent whole on every request, with no cache
    breakpoint anywhere in it: no `cache_control` on a system block, tool or message, no
    top-level `cache_control`, and no LiteLLM `cache_control_injection_points`. "Grows
    across turns" is CL004's evidence (a list appended in a loop, on a long-lived
    object, at module level, in a session store, in a database read whole and written back (also when the turn goes in through the store
    alone: written on the reader's object under its key after the request; not when the reader keeps a window, `ORDER BY ts DESC LIMIT ?`
    in its body, in the file or in another module of the project: a sliding window), or joined into the prompt), bounded or not: a capped agent loop still resends its
    growing prefix at every step; also a list the function is handed and appends the answer to after
    its request (the caller's conversation), or sent past its system message (`messages[1:]`),
    or through a method of its class that hands it back whole until it passes a size and a
    window of it after that (`self._truncate_history()`): it grows, uncached, up to its window.
    Also a transcript kept as one text in Streamlit's session (`+=` each turn) that a wrapper
    sends as a message's whole content, and a prebuilt agent given tools over a `ChatAnthropic`
    model (LangGraph's `create_react_agent`, LangChain's `create_agent`, reported at the model):
    its own loop resends each run's messages, step by step, up to its step limit. So does a
    LangGraph node invoking the model with its state's messages (also through a prompt's
    `MessagesPlaceholder`) when a route its router returns brings the run back to it after
    another model node (a writer and a reviewer taking turns), or a checkpointer keeps a
    fixed thread id a handler or loop runs again (not a thread per question, nor one run).
    A list rebuilt on every call does not grow. A wrapper whose own loop grows the list is
    reported once, at its request, naming the calls of it. A tool loop of one request (`while
    True` until the model stops calling tools) is said as such: its list grows with every tool
    round of that request, and the estimate counts rounds, not turns.

    ## Why is this bad?
    Turn N re-sends turns 1 to N-1 at the full input price. With a breakpoint on the
    last block, each request reads the previous prefix from the cache at a tenth of
    the input price and pays the 1.25x write only on what is new. For an agent whose
    tool results pile up, that is most of the bill.

    The estimate assumes a conversation of `turns` turns, each adding `turn-tokens`
    tokens (both options), on top of the fixed prefix (system prompt and tools, counted
    offline from their literal text). The money is per 1,000 requests, spread over
    such conversations, with every turn within the cache's 5-minute lifetime.

    A loop capped by a literal (`for step in range(3)`, `while step < 3`) shortens the
    assumed conversation to its cap. With thinking on in a tool loop, each step adds
    at least 1,024 tokens more (the smallest thinking budget): the thinking blocks of a
    tool-using turn go back with its tool results and are billed as input again.

    Not reported for OpenAI (it caches long prefixes automatically), nor when that
    assumed conversation stays under the model's minimum cacheable length until its last
    request (whose prefix no later request reads), nor when the system prompt ahead of the
    list is rebuilt for each request with content of its own (documents retrieved for the question, the time to the
    minute: written in the request, in the loop around it, or in a function that makes one
    turn's request, such as one handed the caller's conversation, which may also assemble
    the text itself: `context += ...` over the documents it found, or pass one of its
    parameters, judged at the callers that show its value; a helper of the file counts where it is called: `system = build_system()` in the turn, not `SYSTEM = build_system()` at import or in `__init__`; the turn may be one function whose loop is only that turn's tool rounds, `while True` until the model stops calling tools, over a conversation read from a store or handed in). A Claude cache is a prefix (tools, then system, then messages): a
    system prompt that changes on every request makes every later breakpoint miss, so the
    conversation behind it is never read from the cache. A system prompt fixed for the session (the user's name,
    settings loaded before the loop, the date) is no reason for silence. Nor when the list gains
    only the user's own messages (`{"role": "user", ...}` each turn, the answer shown but never appended): it grows by
    what the user types, not by turns of a question and its answer, and nothing says it reaches the minimum; nor for a
    tool loop whose every tool call goes to a stub of the file answering from literals and its inputs (a demo's
    `get_weather`), its fixed prefix under the minimum. Nor when the request may carry a breakpoint we cannot see (the
    code writes `cache_control` into the list it grows, a wrapper's file marks the
    list it is handed, or a system prompt or tools we cannot read sit in a file that
    uses `cache_control`; for LangChain, whose messages the model's site does not show,
    any `cache_control` or `model_kwargs` in the file).

    ## Example
    ```python
    messages = [{"role": "user", "content": task}]
    while True:
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=2048,
                                       tools=TOOLS, messages=messages)
        messages.append({"role": "assistant", "content": reply.content})
        messages.append({"role": "user", "content": run_tools(reply)})
    ```

    ## Use instead
    ```python
        reply = client.messages.create(model="claude-sonnet-4-6", max_tokens=2048,
                                       tools=TOOLS, messages=messages,
                                       cache_control={"type": "ephemeral"})
    ```
    The top-level `cache_control` (automatic caching) moves the breakpoint to the last
    block as the conversation grows. Bedrock and Vertex do not take it: put
    `"cache_control": {"type": "ephemeral"}` on the last content block of the last
    message instead (`cachePoint` on Bedrock Converse).

    ## Fix safety
    On the Claude API, `--fix` adds `cache_control={"type": "ephemeral"}` to a request
    written in the same file as a direct `messages.create` / `messages.stream` call.
    Safe: only the billing changes. The keyword needs an SDK that knows automatic
    caching (anthropic 2.12 has it); an older SDK refuses an unknown keyword before
    sending, so there pass `extra_body={"cache_control": {"type": "ephemeral"}}`
    instead. No fix for Bedrock, Vertex, or a request reached through a wrapper.

    ## Options
    - `turns` (int, 10): the conversation length the estimate assumes.
    - `turn-tokens` (int, 300): the tokens each turn adds (a user message and an
      answer, or a tool call and its result).
    - `unknown-model-minimum` (int, 1024): the minimum cacheable length used when the
      model is not known statically.
    """

    code = "CL011"
    name = "conversation-uncached"
    summary = "growing conversation resent every turn with no cache breakpoint"
    options = {"turns": 10, "turn-tokens": 300, "unknown-model-minimum": 1024}
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 297 labelled repositories, main and held out, and the "
                      "404 precision samples; 2026-12-04): precision 0.90 (65 of 72 findings right: 21 of 21 on the "
                      "main set, 17 of 20 held out, 27 of 31 samples), recall 0.75. At the bar, not above it: the rest "
                      "are demo chats a reviewer judges to stay under the cache minimum, so it stays opt-in.")

    @staticmethod
    def examples():
        CREATE = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=2048, tools=TOOLS, messages=messages)'
        TOOLS = "TOOLS = [{'name': 'bash', 'description': 'Run a shell command', 'input_schema': {'type': 'object'}}]\n"
        fires = [
            # an agent loop: tool results appended each step, the whole list resent
            Invalid(HEAD + TOOLS + loop(CREATE), row=6, message="`messages` grows each turn (appended at line 7) and is resent whole with no cache breakpoint, "
                    "so every request pays full input price for the whole conversation so far (~16,810 input tokens over a 10-turn "
                    "conversation of 300-token turns after a ~31-token fixed prefix: $0.05 uncached vs $0.03 cached per conversation, "
                    "about $1.74 saved per 1,000 requests)",
                    expected_replacement=HEAD + TOOLS + loop(CREATE[:-1] + ', cache_control={"type": "ephemeral"})')),
            # a chat kept on the instance (claude-engineer's Assistant.conversation_history shape)
            HEAD + "class Assistant:\n    def __init__(self):\n        self.conversation_history = []\n\n"
            "    def chat(self, text):\n        self.conversation_history.append({'role': 'user', 'content': text})\n"
            "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, system='Be helpful.',\n"
            "                                       messages=self.conversation_history)\n"
            "        self.conversation_history.append({'role': 'assistant', 'content': reply.content})\n        return reply\n",
            # Bedrock: no automatic caching there, the message says to mark the last block
            "from anthropic import AnthropicBedrock\nclient = AnthropicBedrock()\n" + TOOLS
            + loop('client.messages.create(model="anthropic.claude-sonnet-4-5-20250929-v1:0", max_tokens=2048, messages=messages)'),
            # a module-level history grown by a REPL function, through a project wrapper
            HEAD + "HISTORY = []\n\ndef ask(messages):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=800, messages=messages)\n\n"
            "def turn(text):\n    HISTORY.append({'role': 'user', 'content': text})\n    reply = ask(HISTORY)\n"
            "    HISTORY.append({'role': 'assistant', 'content': reply.content[0].text})\n",
            # the request's arguments gathered in a dict and spread into the call
            HEAD + "def agent(task):\n    messages = [{'role': 'user', 'content': task}]\n"
            "    args = {'model': 'claude-sonnet-4-6', 'max_tokens': 4096, 'messages': messages}\n"
            "    while True:\n        reply = client.messages.create(**args)\n"
            "        messages.append({'role': 'assistant', 'content': reply.content})\n",
        ]
        silent = [
            # automatic caching at the top level
            HEAD + TOOLS + loop(CREATE[:-1] + ', cache_control={"type": "ephemeral"})'),
            # a breakpoint on the tools caches their prefix (the author chose where)
            HEAD + "TOOLS = [{'name': 'bash', 'description': 'Run', 'input_schema': {'type': 'object'}, 'cache_control': {'type': 'ephemeral'}}]\n"
            + loop(CREATE),
            # OpenAI caches long prefixes by itself
            "from openai import OpenAI\nclient = OpenAI()\n"
            + loop('client.chat.completions.create(model="gpt-5.4", messages=messages)'),
            # a fresh list per request: nothing is resent
            HEAD + "for doc in docs:\n    messages = [{'role': 'user', 'content': doc}]\n    " + CREATE + "\n",
            # a short chat on a model that caches only from 4,096 tokens: ten turns stay under it
            HEAD + loop('client.messages.create(model="claude-haiku-4-5", max_tokens=300, messages=messages)'),
            # the system prompt is cached: the growing part is not, but the author placed a breakpoint
            HEAD + f"SYSTEM = {LONG_SYSTEM!r}\n"
            + loop('client.messages.create(model="claude-sonnet-4-6", max_tokens=500, system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}], messages=messages)'),
        ]

        # The growth evidence is CL004's (extract/python_history.py): a reset the user asks for
        # does not stop the growth; a breakpoint counts when the code writes it into the list.
        ASSISTANT = (HEAD + TOOLS + "SUMMARY = [{'type': 'text', 'text': 'Summarise.', 'cache_control': {'type': 'ephemeral'}}]\n\n"
                     "class Assistant:\n    def __init__(self):\n        self.history = []\n\n    def reset(self):\n        self.history = []\n\n"
                     "    def chat(self, text):\n        self.history.append({'role': 'user', 'content': text})\n"
                     "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=self.history)\n"
                     "        self.history.append({'role': 'assistant', 'content': reply.content})\n        return reply\n")
        fires = [
            *fires,
            # claude-engineer's Assistant: a `reset()` method, and a cache_control elsewhere in the file on another request
            Invalid(ASSISTANT, row=15, message="`self.history` grows each turn (appended at line 14) and is resent whole with no cache breakpoint"),
        ]
        # an agent loop whose counter is compared with a literal cap
        COUNTED = (HEAD + "messages = [{'role': 'user', 'content': task}]\nstep = 0\nwhile step < STEPS:\n    reply = "
                   "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages)\n"
                   "    messages.append({'role': 'assistant', 'content': reply.content})\n    messages.append({'role': 'user', 'content': 'go on'})\n    step += 1\n")
        fires = [
            *fires,
            # a counter caps the loop, but at forty steps: the conversation grows past the minimum
            COUNTED.replace("STEPS", "40"),
            # eight steps: the seventh request's prefix (2,100 tokens) is read by the eighth
            COUNTED.replace("STEPS", "8"),
        ]
        LITELLM = ("import litellm\nhistory = []\nwhile True:\n    history.append({'role': 'user', 'content': input()})\n"
                   "    r = litellm.completion(model=MODEL, max_tokens=500, messages=history)\n"
                   "    history.append({'role': 'assistant', 'content': r.choices[0].message.content})\n")
        fires = [
            *fires,
            # LiteLLM sending to Claude: it passes cache_control blocks through, and has no automatic caching to switch on
            Invalid(LITELLM.replace("MODEL", "'anthropic/claude-sonnet-4-5'"), row=5, message="LiteLLM has no top-level automatic caching"),
        ]
        silent = [
            *silent,
            # LiteLLM sending to OpenAI, which caches by itself
            LITELLM.replace("MODEL", "'gpt-4o'"),
            # LiteLLM told where to put the breakpoints
            LITELLM.replace("MODEL", "'anthropic/claude-sonnet-4-5'").replace(
                "max_tokens=500,", "max_tokens=500, cache_control_injection_points=[{'location': 'message', 'index': -1}],"),
            # the code marks the newest turn for caching as it appends it
            ASSISTANT.replace("self.history.append({'role': 'user', 'content': text})",
                              "self.history.append({'role': 'user', 'content': [{'type': 'text', 'text': text, 'cache_control': {'type': 'ephemeral'}}]})"),
            # rebuilt from the task each call: nothing grows across turns
            HEAD + TOOLS + "def solve(task):\n    messages = [{'role': 'user', 'content': task}]\n    messages.append({'role': 'user', 'content': 'Think step by step.'})\n"
            "    return " + CREATE + "\n",
        ]

        # A backend's per-thread store on a long-lived object (claude-slack-bot): appended in one method, sent in another.
        THREADS = (HEAD + TOOLS + "class Backend:\n    def __init__(self):\n        self._sessions = {}\n\n"
                   "    def send(self, sid, text):\n        self._sessions.setdefault(sid, []).append({'role': 'user', 'content': text})\n        return self._turn(sid)\n\n"
                   "    def _turn(self, sid):\n        messages = self._sessions[sid]\n"
                   "        reply = client.messages.create(model='claude-sonnet-4-6', max_tokens=1024, tools=TOOLS, messages=messages)\n"
                   "        messages.append({'role': 'assistant', 'content': reply.content})\n        return reply\n")
        fires = [*fires, THREADS]
        silent = [*silent, THREADS.replace("max_tokens=1024,", "max_tokens=1024, cache_control={'type': 'ephemeral'},")]

        # gpt-cli's provider: the request's arguments filled one key at a time (`kwargs["messages"] =
        # messages`, the system message lifted out) and spread; the session's list is what grows.
        PROVIDER = {
            "cli/provider.py": "import anthropic\n\nclass Provider:\n    def complete(self, messages, args):\n"
            "        kwargs = {'max_tokens': 4096, 'model': args['model']}\n        if messages and messages[0]['role'] == 'system':\n"
            "            kwargs['system'] = messages[0]['content']\n            messages = messages[1:]\n        kwargs['messages'] = SENT\n"
            "        return anthropic.Anthropic().messages.create(**kwargs)\n",
            "cli/session.py": "from cli.provider import Provider\n\nclass Session:\n    def __init__(self):\n        self.messages = []\n"
            "        self.provider = Provider()\n\n    def turn(self, text):\n        self.messages = self.messages + [{'role': 'user', 'content': text}]\n"
            "        answer = self.provider.complete(self.messages, {'model': 'claude-sonnet-4-6'})\n"
            "        self.messages = self.messages + [{'role': 'assistant', 'content': answer.content}]\n",
        }
        fires = [*fires, {k: v.replace("SENT", "messages") for k, v in PROVIDER.items()}]
        # the provider sends a window of what it is handed
        silent = [*silent, {k: v.replace("SENT", "messages[-20:]") for k, v in PROVIDER.items()}]

        # A dispatcher picking a provider by model name (gpt-cli's get_completion_provider): the call is
        # judged as the OpenAI request, and the Claude provider beside it resends the same growing list.
        DISPATCH = {
            "cli/provider.py": PROVIDER["cli/provider.py"].replace("SENT", "messages"),
            "cli/oai.py": "from openai import OpenAI\n\nclass OAIProvider:\n    def complete(self, messages, args):\n"
            "        return OpenAI().chat.completions.create(model=args['model'], messages=messages, max_tokens=500)\n",
            "cli/assistant.py": "from cli.oai import OAIProvider\nfrom cli.provider import Provider\n\ndef provider_for(model):\n"
            "    if model.startswith('gpt'):\n        return OAIProvider()\n    return Provider()\n\nclass Assistant:\n"
            "    def complete_chat(self, messages):\n        return provider_for(self.model).complete(messages, {'model': 'claude-sonnet-4-6'})\n",
            "cli/session.py": "from cli.assistant import Assistant\n\nclass Session:\n    def __init__(self):\n        self.messages = []\n"
            "        self.assistant = Assistant()\n\n    def turn(self, text):\n        self.messages = self.messages + [{'role': 'user', 'content': text}]\n"
            "        answer = self.assistant.complete_chat(SENT)\n"
            "        self.messages = self.messages + [{'role': 'assistant', 'content': answer.content}]\n",
        }
        fires = [*fires, {k: v.replace("SENT", "self.messages") for k, v in DISPATCH.items()}]
        # the session hands on a window
        silent = [*silent, {k: v.replace("SENT", "self.messages[-20:]") for k, v in DISPATCH.items()}]

        # gpt-engineer's AI.next: the list handed in is rebuilt whole by a helper of the class before the request.
        REBUILT = (HEAD + TOOLS + "class AI:\n    def _collapse(self, messages):\n        HELPER\n\n    def next(self, messages):\n"
                   "        messages = self._collapse(messages)\n        return self._send(messages)\n\n    def _send(self, messages):\n"
                   "        return " + CREATE + "\n\nai = AI()\nmessages = []\nwhile True:\n    messages.append({'role': 'user', 'content': input()})\n"
                   "    reply = ai.next(messages)\n    messages.append({'role': 'assistant', 'content': reply.content})\n")
        fires = [*fires, REBUILT.replace("HELPER", "return [m for m in messages if m['content']]")]
        # the helper hands back a new one-message list: nothing grows
        silent = [*silent, REBUILT.replace("HELPER", "return [{'role': 'user', 'content': summarise(messages)}]")]


        CONVERSE = ("import boto3\nbedrock = boto3.client('bedrock-runtime')\nmessages = []\nwhile True:\n"
                    "    messages.append({'role': 'user', 'content': [{'text': input()}]})\n"
                    "    reply = bedrock.converse(modelId=MODEL, messages=messages)\n    messages.append(reply['output']['message'])\n")
        fires = [
            *fires,
            # Bedrock Converse with a Claude model: the message says where the breakpoint goes
            Invalid(CONVERSE.replace("MODEL", "'anthropic.claude-sonnet-4-5-20250929-v1:0'"), row=6, message="cachePoint on Bedrock Converse"),
            # Claude 3.5 Haiku on Bedrock takes cachePoint
            CONVERSE.replace("MODEL", "'us.anthropic.claude-3-5-haiku-20241022-v1:0'"),
            # Claude 3 Haiku on the Claude API caches (from 2,048 tokens): only Bedrock offers it none
            HEAD + TOOLS + loop('client.messages.create(model="claude-3-haiku-20240307", max_tokens=1024, tools=TOOLS, messages=messages)'),
        ]
        silent = [
            *silent,
            # the same API serving another vendor's model: no cache breakpoints to add
            CONVERSE.replace("MODEL", "'meta.llama3-70b-instruct-v1:0'"),
            # Claude 3 Haiku on Bedrock: Bedrock offers it no prompt caching (models.toml `uncached_on`)
            CONVERSE.replace("MODEL", "'anthropic.claude-3-haiku-20240307-v1:0'"),
            # Claude 3.5 Sonnet v1 on Bedrock: AWS's page names 3.7 Sonnet and 3.5 Haiku (v2 in a closed preview), never v1
            CONVERSE.replace("MODEL", "'anthropic.claude-3-5-sonnet-20240620-v1:0'"),
            # a counter caps the loop at three steps: three short turns stay under the minimum
            COUNTED.replace("STEPS", "3"),
            # seven steps: only the last request passes Sonnet 4.6's 2,048 tokens, and no request reads what it writes
            COUNTED.replace("STEPS", "7"),
            # an agent loop capped at three steps: three short turns stay under the 1,024-token minimum
            HEAD + "messages = [{'role': 'user', 'content': task}]\nfor step in range(3):\n    reply = "
            "client.messages.create(model='claude-sonnet-4-6', max_tokens=300, messages=messages)\n"
            "    messages.append({'role': 'assistant', 'content': reply.content})\n    messages.append({'role': 'user', 'content': 'go on'})\n",
        ]

        # A ten-step tool loop on a model caching from 4,096 tokens: short chat turns stay under the
        # minimum, but with thinking on each step resends the thinking it kept with its tool results.
        THINK = (HEAD + TOOLS + "messages = [{'role': 'user', 'content': task}]\nfor step in range(10):\n    reply = client.messages.create("
                 "model='claude-opus-4-5', max_tokens=16000, tools=TOOLS, THINKING messages=messages)\n"
                 "    messages.append({'role': 'assistant', 'content': reply.content})\n    messages.append({'role': 'user', 'content': run_tools(reply)})\n")
        fires = [*fires, THINK.replace("THINKING", "thinking={'type': 'enabled', 'budget_tokens': 10000},")]
        silent = [*silent, THINK.replace("THINKING", "")]

        from claude_lint.checks import conversation_bounds_examples as bounds, conversation_examples as handed, conversation_langchain, conversation_turns, history_examples as stored
        turned, agents = conversation_turns.examples(), conversation_langchain.examples()
        return ([*fires, *stored.CL011_FIRES, *handed.FIRES, *turned[0], *agents[0], *bounds.CL011_FIRES],
                [*silent, *stored.CL011_SILENT, *handed.SILENT, *turned[1], *agents[1], *bounds.CL011_SILENT])

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        return self._judge(call, ctx) if call.site.via is None and not conversation_once.said_at_callers(call) else iter(())  # a wrapper's calls: `check_project`

    def check_project(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        """A wrapper's calls: the request's own growing list is said once, there (`wrapper_calls`)."""
        return conversation_once.judged(calls, lambda call: list(self._judge(call, ctx)))

    def _judge(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        # A dispatcher's call is judged as one of its requests: a Claude one beside it resends the list too.
        history = site.history or site.passed_history
        opening = None if history is None else unmarked_request(call, ctx, lambda c: _breakpoint(c, history) or automatic(c), langchain=True)
        # A system prompt rebuilt with each turn's content ahead of the list: no breakpoint on it is ever read.
        if opening is None or rebuilt_each_turn(call) is not None or read_as_window(history):
            return
        if history.user_only:
            return  # only the user's own messages pile up, never the answers: no 300-token turns, no sign it reaches the minimum
        model_id = (call.model_id() or "").lower()
        if site.api in _ANY_MODEL_APIS and "claude" not in model_id and "anthropic" not in model_id:
            return  # boto3's Bedrock API serves every vendor's models; only Claude's take cache breakpoints here
        model, minimum = opening.model, opening.minimum
        turns = max(2, int(ctx.option("turns")))
        cap = step_cap(history.bound)
        if cap is not None:
            turns = max(1, min(turns, cap))  # `for step in range(3)`: the conversation never gets longer
        per_turn = max(1, int(ctx.option("turn-tokens"))) + kept_thinking(call)
        fixed = opening.system_tokens + count(static_text(call.value("tools")), model, ctx)
        if fixed + (turns - 1) * per_turn < minimum or history.stubbed and fixed < minimum:
            return  # the last request's prefix is never read again; a round of stub tools adds a short call and answer
        saving, cost = _estimate(model, fixed, per_turn, turns, minimum, rounds=one_request(history))
        if agent_advice(history) is not None:
            how, fix = agent_advice(history), None
        elif site.provider == "langchain":
            how = ("Mark the newest message for caching before each invoke: its content as blocks, the last one with "
                   "\"cache_control\": {\"type\": \"ephemeral\"} (HumanMessage(content=[{\"type\": \"text\", \"text\": ..., "
                   "\"cache_control\": {\"type\": \"ephemeral\"}}]))")
            fix = None
        elif not provider_facts(site.provider).request_cache_control:
            how = (f"{PLATFORM.get(site.provider, site.provider)} has no top-level automatic caching: put "
                   "\"cache_control\": {\"type\": \"ephemeral\"} on the last content block of the last message "
                   "(cachePoint on Bedrock Converse) before each request")
            fix = None
        else:
            how = "Pass cache_control={\"type\": \"ephemeral\"} on the request (automatic caching moves the breakpoint forward as the list grows)"
            fix = _fix(call, ctx)
        yield self.diagnostic(
            wrapper_calls.history_at(call),
            f"`{history.name}` {growth(history, site.loc)} and is resent whole with no cache breakpoint, "
            f"so every request pays full input price for the whole conversation so far{saving}. {how}.",
            cost=cost,
            fix=fix,
        )


PLATFORM = {"bedrock": "Bedrock", "vertex": "Vertex", "litellm": "LiteLLM", "langchain": "LangChain's ChatAnthropic"}

_ANY_MODEL_APIS = frozenset({"invoke_model", "invoke_model_with_response_stream", "converse", "converse_stream"})  # boto3's: any vendor's model


def _breakpoint(call: Call, history: History) -> bool:
    """A breakpoint in the request, or one it may carry unseen. The messages are the growing
    list, whose every edit the extractor read: a breakpoint there is one the code writes into
    it (`History.marked`), not any `cache_control` elsewhere in the file."""
    if call.open:
        return True
    if call.site.provider == "langchain":
        # The messages a LangChain model is invoked with are not on its site: any mention of
        # `cache_control` in the file (a content block, `additional_kwargs`, `model_kwargs`) may mark them.
        return call.site.cache_control_nearby or history.marked or "model_kwargs" in call.site.kwargs.keys()
    for role in ("system", "tools", "messages"):  # the top-level mark is `automatic`, asked beside this
        value = call.value(role)
        if value is None:
            continue
        if marked_inside(value):
            return True
        # Through a wrapper, the wrapper's own code may mark the list it is handed (a helper
        # putting cache_control on the last turns): its file's mentions count there.
        marked = history.marked or (call.site.via is not None and call.site.cache_control_nearby)
        if (unseen(value) or role == "messages" and history.marked) and (marked if role == "messages" else call.site.cache_control_nearby):
            return True
    return False


def _estimate(model: Optional[Model], fixed: int, per_turn: int, turns: int, minimum: int, rounds: bool = False) -> Tuple[str, Optional[float]]:
    """The words and the saving per 1,000 requests for `turns`-turn conversations (`rounds`: one
    request's tool rounds, said as such)."""
    resent = sum(fixed + k * per_turn for k in range(1, turns + 1))
    prefix = f" after a ~{tokens(fixed)}-token fixed prefix" if fixed else ""
    span = f"{turns} tool rounds of {per_turn} tokens" if rounds else f"a {turns}-turn conversation of {per_turn}-token turns"
    head = f" (~{tokens(resent)} input tokens over {span}{prefix}"
    if model is None or not model.input or model.cache_read is None or not model.cache_write:
        return head + ")", None
    uncached = resent * model.input / 1e6
    cached = 0.0
    for k in range(1, turns + 1):
        before = fixed + (k - 1) * per_turn  # what the previous request wrote
        if before >= minimum:
            cached += before * model.cache_read + per_turn * model.cache_write
        else:
            cached += (before + per_turn) * (model.cache_write if before + per_turn >= minimum else model.input)
    cached /= 1e6
    per_thousand = (uncached - cached) * 1000 / turns
    return head + f": {money(uncached)} uncached vs {money(cached)} cached per {'run of the loop' if rounds else 'conversation'}, about {money(per_thousand)} saved per 1,000 requests)", per_thousand


def _fix(call: Call, ctx: Context):
    from claude_lint.fixes import conversation_cache

    return conversation_cache.build(call, ctx.sources)
