from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional

from claude_lint.checks.base import Context, Invalid, Rule
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.sdk import api_facts
from claude_lint.facts import Lit, Mapping, Text
from claude_lint.link import Arg, Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MSGS = '[{"role": "user", "content": "hi"}]'
SAMPLING_DEFAULTS = {"temperature": 1.0, "top_p": 1.0, "top_k": None}


class RequestRejected(Rule):
    """## What it does
    Flags a request the API (or the SDK) refuses before any answer is produced:

    - `temperature`, `top_p` or `top_k` with a non-default value on a model that no
      longer takes them (Claude Opus 4.7 and later, Sonnet 5: a 400);
    - `thinking={"type": "enabled", "budget_tokens": N}` on a model that accepts only
      adaptive thinking (Opus 4.7 and later, Sonnet 5 and later);
    - `max_tokens` on an OpenAI o-series model's chat completion (it needs
      `max_completion_tokens`);
    - an Anthropic Messages request with no `max_tokens` at all (it is required);
    - a removed API: Anthropic's Text Completions (`completions.create` with
      `prompt=`), `client.beta.prompt_caching`, openai<1.0's `openai.ChatCompletion`
      and `openai.Completion`.

    Which model refuses what comes from the catalogue (`rejects` in models.toml), each
    entry with its source; the message cites it.

    ## Why is this bad?
    A rejected request is pure waste and an outage: the feature behind it does not
    work at all, retries re-send it (and re-bill whatever a fallback path sends), and
    the failure shows up only at run time, often after a model upgrade that looked
    like a one-line change.

    Values the linter cannot see (read from the environment, a parameter without a
    default) are not reported, nor models the catalogue does not know.

    ## Example
    ```python
    client.messages.create(model="claude-opus-4-7", max_tokens=1024, temperature=0.2, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-opus-4-7", max_tokens=1024, messages=msgs)
    ```
    """

    code = "CL014"
    name = "request-rejected"
    summary = "request the API rejects: a parameter the model refuses, or a removed API"
    severity = "error"

    @staticmethod
    def examples():
        fires = [
            Invalid(HEAD + f'client.messages.create(model="claude-opus-4-7", max_tokens=500, temperature=0.2, messages={MSGS})\n',
                    row=3, message="claude-opus-4-7 rejects `temperature` set to a non-default value: the request fails with a 400"),
            HEAD + f'client.messages.create(model="claude-sonnet-5", max_tokens=8000, messages={MSGS},\n'
            '    thinking={"type": "enabled", "budget_tokens": 4000})\n',
            Invalid('from openai import OpenAI\nOpenAI().chat.completions.create(model="o3-mini", max_tokens=2000, messages=[])\n',
                    row=2, message="Rename it to max_completion_tokens"),
            # removed APIs
            'import openai\nopenai.ChatCompletion.create(model="gpt-4", messages=[{"role": "user", "content": "hi"}])\n',
            HEAD + 'client.completions.create(model="claude-2", max_tokens_to_sample=300, prompt="\\n\\nHuman: hi\\n\\nAssistant:")\n',
            HEAD + f'client.beta.prompt_caching.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=500, messages={MSGS})\n',
            # a required parameter missing
            Invalid(HEAD + f'client.messages.create(model="claude-sonnet-4-6", messages={MSGS})\n',
                    row=3, message="This Anthropic Messages request has no max_tokens"),
            # through a wrapper whose default the caller keeps
            HEAD + "def ask(q, temperature=0.3):\n"
            '    return client.messages.create(model="claude-opus-4-8", max_tokens=500, temperature=temperature,\n'
            '                                  messages=[{"role": "user", "content": q}])\n\nask("hi")\n',
        ]
        silent = [
            # the model accepts sampling parameters
            HEAD + f'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, temperature=0.2, messages={MSGS})\n',
            # the default value is accepted
            HEAD + f'client.messages.create(model="claude-opus-4-7", max_tokens=500, temperature=1.0, messages={MSGS})\n',
            # adaptive thinking
            HEAD + f'client.messages.create(model="claude-opus-4-7", max_tokens=8000, messages={MSGS}, thinking={{"type": "adaptive"}})\n',
            # a budget on a model that still takes one
            HEAD + f'client.messages.create(model="claude-sonnet-4-6", max_tokens=8000, messages={MSGS},\n'
            '    thinking={"type": "enabled", "budget_tokens": 4000})\n',
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="o3-mini", max_completion_tokens=2000, messages=[])\n',
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o", max_tokens=2000, messages=[])\n',
            # LiteLLM renames max_tokens for o-series models itself
            'import litellm\nlitellm.completion(model="o3-mini", max_tokens=2000, messages=[])\n',
            # OpenAI's legacy completions endpoint still serves completion models
            'from openai import OpenAI\nOpenAI().completions.create(model="davinci-002", max_tokens=5, prompt="Say yes")\n',
            # the batches beta surface still exists
            HEAD + "client.beta.messages.batches.create(requests=[])\n",
            # values not seen: the model, the temperature, a spread of parameters
            HEAD + f'import os\nclient.messages.create(model=os.environ["MODEL"], max_tokens=500, temperature=0.2, messages={MSGS})\n',
            HEAD + f'def ask(params):\n    return client.messages.create(model="claude-opus-4-7", messages={MSGS}, **params)\n',
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        shape = api_facts(site.provider, site.api)
        if shape is not None and shape.removed:
            why, instead = shape.removed
            yield self.diagnostic(site.via or site.loc, f"{site.api.split(' (')[0]}: {why}. Call {instead}.")
            return
        if shape is not None and shape.cap == "required" and call.value("max_tokens") is None:
            yield self.diagnostic(
                call.request_loc(),
                "This Anthropic Messages request has no max_tokens: the parameter is required, so the SDK refuses the call "
                "(the API answers 400). Set max_tokens to what the answer needs.",
            )
        model = ctx.model(call)
        if model is None or not model.rejects:
            return
        source = ctx.catalog.cite(model.rejects_source)
        for name, default in SAMPLING_DEFAULTS.items():
            arg = _param(call, name)
            if name in model.rejects and arg is not None and _set(arg.value, default):
                yield self.diagnostic(
                    arg.at,
                    f"{model.id} rejects `{name}` set to a non-default value: the request fails with a 400 "
                    f"(per {source}). Remove `{name}`; steer the output with the prompt instead.",
                )
        thinking = _param(call, "thinking")
        if "thinking.budget_tokens" in model.rejects and thinking is not None and _budgeted(thinking.value):
            yield self.diagnostic(
                thinking.at,
                f"{model.id} accepts only adaptive thinking: `thinking` with type \"enabled\" and budget_tokens fails with a 400 "
                f"(per {source}). Use thinking={{\"type\": \"adaptive\"}} (and the effort setting) instead.",
            )
        limit = call.args.get("max_tokens")
        if "max_tokens" in model.rejects and shape is not None and shape.alias_refused == "max_tokens" and limit is not None:
            yield self.diagnostic(
                limit.at,
                f"{model.id} does not take `max_tokens` on chat completions: the request fails with a 400 "
                f"(per {source}). Rename it to max_completion_tokens (it counts reasoning tokens too).",
            )


def _param(call: Call, name: str) -> Optional[Arg]:
    """The argument of a role, or of a keyword of that name (a role names dotted keys too)."""
    return call.arg(name) or call.args.get(name)


def _set(value: object, default: Optional[float]) -> bool:
    """A literal number other than the parameter's default (None: any value is non-default)."""
    if not isinstance(value, Lit) or isinstance(value.value, bool) or not isinstance(value.value, (int, float)):
        return False
    return default is None or float(value.value) != default


def _budgeted(value: object) -> bool:
    """thinking={"type": "enabled", ...}: extended thinking with a token budget."""
    if not isinstance(value, Mapping):
        return False
    kind = value.get("type")
    return isinstance(kind, Text) and kind.is_folded and not kind.dynamic_parts and kind.literal == "enabled"
