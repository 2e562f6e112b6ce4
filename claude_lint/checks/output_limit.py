from __future__ import annotations

from typing import Iterator

from claude_lint.checks import evidence as ev
from claude_lint.checks.base import Context, Rule, money, per_mtok, tokens
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.sdk import api_facts
from claude_lint.link import Call

LANGCHAIN_ANTHROPIC_0X_DEFAULT = 1024


class OutputLimitMissing(Rule):
    """## What it does
    Flags an OpenAI, LiteLLM or LangChain call (or chat-model constructor) that sets
    no output cap: no `max_completion_tokens`, `max_tokens` or `max_output_tokens`.

    ## Why is this bad?
    With no cap, the model may write up to its maximum output on every call, and you
    pay for every token. The Anthropic API requires `max_tokens`, but the wrappers
    around it do not: langchain-anthropic 1.x sets an omitted `max_tokens` to the
    model's maximum (up to 128,000 tokens), while 0.3.x defaulted to 1,024, so an
    upgrade silently lifts the cap.

    Only calls in code are judged: an entry of a config file (a LiteLLM proxy
    `model_list`) sets defaults that requests may override. The rule stays silent
    when an unresolved `**kwargs` could carry the cap, and, for
    LangChain constructors, when the file sets an output limit elsewhere (for
    example through `.bind(max_tokens=...)` or at `invoke`).

    ## Example
    ```python
    client.chat.completions.create(model="gpt-4o", messages=msgs)
    llm = ChatAnthropic(model="claude-sonnet-4-6")
    ```

    ## Use instead
    ```python
    client.chat.completions.create(model="gpt-4o", messages=msgs, max_completion_tokens=1024)
    llm = ChatAnthropic(model="claude-sonnet-4-6", max_tokens=1024)
    ```
    """

    code = "CL010"
    name = "output-limit-missing"
    summary = "OpenAI, LiteLLM or LangChain call without an output cap"
    fires = [
        'from openai import OpenAI\nclient = OpenAI()\nclient.chat.completions.create(model="gpt-4o", messages=[])\n',
        'from openai import OpenAI\nOpenAI().responses.create(model="gpt-5.4", input="hi")\n',
        'import litellm\nlitellm.completion(model="anthropic/claude-sonnet-4-6", messages=[])\n',
        'from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model="claude-sonnet-4-6")\n',
        'from langchain.chat_models import init_chat_model\nllm = init_chat_model("openai:gpt-4o")\n',
        # a raw POST to the Chat Completions endpoint: its JSON body is the request
        'import requests\nrequests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": []})\n',
    ]
    silent = [
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", messages=[], max_completion_tokens=500)\n',
        'from openai import OpenAI\nOpenAI().responses.create(model="gpt-5.4", input="hi", max_output_tokens=500)\n',
        # **kwargs could carry the cap
        "from openai import OpenAI\n\ndef ask(**opts):\n    return OpenAI().chat.completions.create(model=\"gpt-4o\", messages=[], **opts)\n",
        'from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model="claude-sonnet-4-6", max_tokens=1024)\n',
        # bound later in the same file
        'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o").bind(max_tokens=200)\n',
        # a mocked LiteLLM call sends no request
        'import litellm\nlitellm.completion(model="gpt-4o", messages=[], mock_response="ok")\n',
        # the Anthropic SDK itself requires max_tokens: not this rule's business
        'import anthropic\nanthropic.Anthropic().messages.create(model="claude-sonnet-4-6", max_tokens=300, messages=[])\n',
        'import requests\nrequests.post("https://api.openai.com/v1/chat/completions", json={"model": "gpt-4o", "messages": [], "max_tokens": 300})\n',
        # a local server bills nothing
        'from openai import OpenAI\nOpenAI(base_url="http://localhost:11434/v1").chat.completions.create(model="llama3", messages=[])\n',
    ]

    fires = [
        *fires,
        # a wrapper that sets no cap, called from two places: one finding, in the wrapper
        "from openai import OpenAI\nclient = OpenAI()\n\ndef ask(q, model='gpt-4o'):\n"
        "    return client.chat.completions.create(model=model, messages=[{'role': 'user', 'content': q}])\n\nask('a')\nask('b', model='gpt-4.1')\n",
    ]
    silent = [
        *silent,
        # the caller passes the cap through the wrapper's **kwargs
        "from openai import OpenAI\nclient = OpenAI()\n\ndef ask(q, **opts):\n"
        "    return client.chat.completions.create(model='gpt-4o', messages=[{'role': 'user', 'content': q}], **opts)\n\n"
        "ask('a', max_completion_tokens=200)\n",
    ]

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        # Only what the SDK table says may run to the model's maximum: a config file's entry (a
        # LiteLLM proxy model_list, a .prompty) has no shape and sets defaults requests may override.
        shape = api_facts(site.provider, site.api)
        if shape is None or shape.cap != "maximum" or call.value("max_tokens") is not None:
            return
        if site.provider == "langchain" and site.output_limit_nearby:
            return
        model = ctx.model(call)
        names = shape.output_limit_keyword
        worst = ""
        cost = None
        if model is not None and model.max_output:
            worst = f" up to {model.id}'s maximum of {tokens(model.max_output)} tokens"
            if model.output is not None:
                per_call = model.max_output * model.output / 1e6
                cost = per_call * 1000
                worst += f" (worst case {money(per_call)} per call at {per_mtok(model.output)})"
        note = ""
        if site.api == "ChatAnthropic":
            note = f" langchain-anthropic 1.x fills an omitted max_tokens with the model maximum; 0.3.x used {LANGCHAIN_ANTHROPIC_0X_DEFAULT:,}."
        arg = call.arg("model")
        loc = arg.at if arg is not None else site.loc
        if site.reached or (site.via is not None and site.fixed):
            loc = call.request_loc()  # missing in a wrapper's request: said once, there, for all its calls
        found = ev.of(call)
        if found.short is not None:
            advice = f"The answer is short ({found.short.what}): pass {names}={ev.suggested(found.short.needs)}."
        elif found.long is not None:
            advice = f"The answer is long by nature ({found.long}): pass {names}=<a cap above its longest expected length>."
        else:
            advice = f"Pass {names}=<the smallest limit the answer needs>."
        yield self.diagnostic(
            loc,
            f"{site.api} sets no output cap, so every call may be billed{worst or ' up to the model maximum'}.{note} {advice}",
            cost=cost,
        )
