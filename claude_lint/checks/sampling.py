from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional

from claude_lint.checks.base import Context, Invalid, Rule
from claude_lint.diagnostics import Diagnostic
from claude_lint.facts import Lit
from claude_lint.link import Arg, Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MSGS = '[{"role": "user", "content": "hi"}]'


class SamplingBothSet(Rule):
    """## What it does
    Flags a request to a Claude model that sets both `temperature` and `top_p`.

    ## Why is this bad?
    Claude models from Opus 4.1 on take one of the two, not both: the request fails
    with a 400, "`temperature` and `top_p` cannot both be specified for this model.
    Please use only one." (reported against Sonnet 4.5, Sonnet 4.6 and Opus 4.1, on
    the Claude API and on Bedrock). Every request of that call fails, and retries
    send it again. It often appears when a model ID is upgraded in a codebase that
    has always sent both.

    Claude models that refuse any non-default `temperature` or `top_p` (Opus 4.7 and
    later, Sonnet 5) are left to CL014, retired models to CL007. Values the linter
    cannot see (read from the environment, a parameter without a default) are not
    reported.

    ## Example
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, temperature=0.7, top_p=0.9, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, temperature=0.7, messages=msgs)
    ```

    ## Fix safety
    No automatic fix: which of the two to keep is the author's call.
    """

    code = "CL016"
    name = "sampling-both-set"
    summary = "temperature and top_p both set on a Claude model that accepts only one"
    severity = "error"
    preview = True
    preview_reason = "New: no finding on the real-world corpus yet to judge its precision by."

    @staticmethod
    def examples():
        fires = [
            Invalid(HEAD + f'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, temperature=0.7,\n'
                    f'                       top_p=0.9, messages={MSGS})\n',
                    row=4, message="`temperature` and `top_p` are both set: claude-sonnet-4-6 accepts only one of them"),
            # through LiteLLM and LangChain, which pass both on
            'import litellm\nlitellm.completion(model="anthropic/claude-haiku-4-5", max_tokens=300, temperature=0.2, top_p=0.95, messages=[])\n',
            'from langchain_anthropic import ChatAnthropic\nllm = ChatAnthropic(model="claude-opus-4-6", max_tokens=2000, temperature=0.5, top_p=0.9)\n',
            # a wrapper whose defaults the caller keeps
            HEAD + "def ask(q, temperature=0.3, top_p=0.8):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=500, temperature=temperature, top_p=top_p,\n'
            '                                  messages=[{"role": "user", "content": q}])\n\nask("hi")\n',
        ]
        silent = [
            HEAD + f'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, temperature=0.7, messages={MSGS})\n',
            HEAD + f'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, top_p=0.9, messages={MSGS})\n',
            # OpenAI's models take both
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4.1", max_tokens=500, temperature=0.7, top_p=0.9, messages=[])\n',
            # a model that refuses either one: CL014 reports it
            HEAD + f'client.messages.create(model="claude-opus-4-7", max_tokens=500, temperature=0.7, top_p=0.9, messages={MSGS})\n',
            # values not seen: the model, the top_p
            HEAD + f'import os\nclient.messages.create(model=os.environ["MODEL"], max_tokens=500, temperature=0.7, top_p=0.9, messages={MSGS})\n',
            HEAD + f'import os\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=500, temperature=0.7, top_p=float(os.environ["P"]), messages={MSGS})\n',
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        if call.site.local:
            return
        model = ctx.model(call)
        if model is None or model.provider != "anthropic" or model.status == "retired":
            return
        if "temperature" in model.rejects or "top_p" in model.rejects:
            return
        temperature, top_p = _number(call, "temperature"), _number(call, "top_p")
        if temperature is None or top_p is None:
            return
        yield self.diagnostic(
            top_p.at,
            f"`temperature` and `top_p` are both set: {model.id} accepts only one of them and answers 400 "
            "(\"`temperature` and `top_p` cannot both be specified for this model\"), so every request fails. "
            "Keep one (usually temperature) and remove the other.",
        )


def _number(call: Call, name: str) -> Optional[Arg]:
    """The argument of a role or keyword of that name, when it is a literal number."""
    arg = call.arg(name) or call.args.get(name)
    if arg is None or not isinstance(arg.value, Lit):
        return None
    value = arg.value.value
    return arg if isinstance(value, (int, float)) and not isinstance(value, bool) else None
