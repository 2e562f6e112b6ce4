from __future__ import annotations

from typing import Iterator

from claude_lint.checks import examples as ex
from claude_lint.checks.base import Context, Rule, money, per_mtok, tokens
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import MAX_PRICED_TOKENS
from claude_lint.facts import Lit, Mapping
from claude_lint.link import Call


class OversizedMaxTokens(Rule):
    """## What it does
    Flags a `max_tokens` at or above the review threshold (`warn-at`, 4,096 by default),
    or equal to (or above) the model's maximum output.

    ## Why is this bad?
    Output tokens cost about five times as much as input tokens. `max_tokens` is the
    worst case you agree to pay on every call: a runaway or verbose answer is billed up
    to that limit, and a limit set to the model's maximum removes the guard entirely.
    The value is followed to where it comes from: a constant, another module, a
    `**params` dict, or a wrapper function's default.

    When extended thinking is on, the thinking budget is added to the threshold,
    because `max_tokens` must exceed `budget_tokens`.

    ## Example
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=msgs)
    ```

    ## Fix safety
    `--unsafe-fixes` lowers the integer to `suggested` where it is written: at the call,
    or in the same file's constant, `**params` dict or wrapper default (so every call
    sharing it changes too). Unsafe: a shorter limit can truncate answers. No fix for a
    value written in another file, nor with extended thinking on. See docs/fixes.md.

    ## Options
    - `warn-at` (int, 4096): the smallest `max_tokens` reported.
    - `suggested` (int, 1024): the limit proposed in the message.
    """

    code = "CL001"
    name = "max-tokens-oversized"
    summary = "max_tokens far above what a call needs"
    options = {"warn-at": 4096, "suggested": 1024}
    fires = [
        'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=8192, messages=[])\n',
        # followed through a wrapper's default
        "from anthropic import Anthropic\nclient = Anthropic()\n\ndef ask(q, max_tokens=16000):\n"
        '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens, messages=[{"role": "user", "content": q}])\n',
        # followed into another module and through a **params dict
        {
            "settings.py": "MAX_OUTPUT = 32000\n",
            "app.py": "import anthropic\nfrom settings import MAX_OUTPUT\n\nPARAMS = {\"model\": \"claude-opus-4-6\", \"max_tokens\": MAX_OUTPUT}\n"
            "client = anthropic.Anthropic()\nclient.messages.create(**PARAMS, messages=[])\n",
        },
        # equal to the model's maximum output
        'import anthropic\nanthropic.AsyncAnthropic().messages.create(model="claude-haiku-4-5", max_tokens=64000, messages=[])\n',
    ]
    silent = [
        'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=512, messages=[])\n',
        # not an LLM call: a Django thread's messages
        "import anthropic\nthread.messages.create(max_tokens=9000, body='hi')\n",
        # a tokenizer argument of the same name
        "import anthropic\nfrom tokenizers import Tokenizer\nTokenizer.truncate(text, max_tokens=100000)\n",
        # unresolvable: stays silent rather than guess
        "import os, anthropic\nclient = anthropic.Anthropic()\n"
        'client.messages.create(model="claude-sonnet-4-6", max_tokens=int(os.environ["MAX"]), messages=[])\n',
        # the thinking budget needs the room
        'import anthropic\nclient = anthropic.Anthropic()\nclient.messages.create(model="claude-sonnet-4-6", max_tokens=12000,\n'
        '    thinking={"type": "enabled", "budget_tokens": 10000}, messages=[])\n',
    ]
    # prompts outside .py files: notebooks, prompt files, model configs, batch files
    fires = [
        *fires,
        {"notebooks/explore.ipynb": ex.notebook(
            "md:# Ticket summaries", "%pip install -q anthropic\n!ls data/",
            "import anthropic\nclient = anthropic.Anthropic()\nclient?",
            'r = client.messages.create(model="claude-opus-4-6", max_tokens=16000, messages=[])\n%time r.usage')},
        {"prompts/triage.prompty": ex.prompty("gpt-4o", 8192)},
        {"prompts/summarize.prompt": ex.dotprompt("vertexai/claude-opus-4-6", 32000)},
        {"proxy/config.yaml": ex.litellm("anthropic/claude-sonnet-4-6", max_tokens=64000)},
        {"evals/promptfooconfig.yaml": ex.promptfoo("anthropic:messages:claude-sonnet-4-6", 8192)},
        {"batches/nightly.jsonl": ex.batch(3, model="claude-sonnet-4-6", max_tokens=8192)},
    ]
    silent = [
        *silent,
        # suppressed inside the cell
        {"explore.ipynb": ex.notebook("import anthropic\nclient = anthropic.Anthropic()",
                                      'client.messages.create(model="claude-opus-4-6", max_tokens=16000, messages=[])  # noqa: CL001')},
        {"prompts/triage.prompty": ex.prompty("gpt-4o", 512)},
        {"prompts/summarize.prompt": ex.dotprompt("googleai/gemini-2.5-flash", 1024)},
        # the limit comes from the environment at run time
        {"proxy/config.yaml": ex.litellm("anthropic/claude-sonnet-4-6", max_tokens="os.environ/MAX_TOKENS")},
        {"batches/nightly.jsonl": ex.batch(3, model="claude-sonnet-4-6", max_tokens=1024)},
        # a YAML file that is no known config and not named by `prompt-files`: never read
        {"settings.yaml": "model: claude-sonnet-4-6\nmax_tokens: 8192\n"},
        # a JSONL data set, not a batch request file
        {"data/train.jsonl": '{"prompt": "hi", "max_tokens": 9000, "model": "claude-sonnet-4-6"}\n'},
    ]

    # Through a project's wrapper whose limit the caller passes.
    fires = [
        *fires,
        {
            "app/llm.py": "import anthropic\n\nclass LLMClient:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
            "    def complete(self, prompt, max_tokens=1024):\n        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=max_tokens,"
            " messages=[{'role': 'user', 'content': prompt}])\n\nllm = LLMClient()\n",
            "app/main.py": "from app.llm import llm\n\nllm.complete('Write the report', max_tokens=48000)\n",
        },
    ]
    silent = [
        *silent,
        {
            "app/llm.py": "import anthropic\n\nclass LLMClient:\n    def __init__(self):\n        self.client = anthropic.Anthropic()\n\n"
            "    def complete(self, prompt, max_tokens=1024):\n        return self.client.messages.create(model='claude-sonnet-4-6', max_tokens=max_tokens,"
            " messages=[{'role': 'user', 'content': prompt}])\n\nllm = LLMClient()\n",
            "app/main.py": "from app.llm import llm\n\nllm.complete('Classify this ticket', max_tokens=200)\n",
        },
    ]

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        limit = call.int_value("max_tokens")
        if limit is None:
            return
        arg = call.arg("max_tokens")
        assert arg is not None
        model = ctx.model(call)
        threshold = int(ctx.option("warn-at"))
        # Only a thinking argument we can see raises the bar: hiding one in **kwargs is rare.
        thinking_arg = call.arg("thinking")
        thinking = thinking_arg.value if thinking_arg is not None else None
        if thinking is not None and not (isinstance(thinking, Lit) and thinking.value is None):
            budget = thinking.get("budget_tokens") if isinstance(thinking, Mapping) else None
            if not (isinstance(budget, Lit) and isinstance(budget.value, int)):
                return
            threshold += budget.value
        at_max = model is not None and model.max_output is not None and limit >= model.max_output
        if limit < threshold and not at_max:
            return
        origin = _origin(arg)
        if model is not None and model.max_output is not None and limit > model.max_output:
            reason = f"is above {model.id}'s maximum output of {tokens(model.max_output)}, so the API rejects it"
        elif at_max:
            reason = f"is {model.id}'s maximum output: the limit guards nothing"
        else:
            reason = f"is at or above the review threshold of {tokens(threshold)}"
        cost = None
        price = ""
        if model is not None and model.output is not None:
            per_call = min(limit, model.max_output or limit, MAX_PRICED_TOKENS) * model.output / 1e6
            cost = per_call * 1000
            price = f"; worst case {money(per_call)} of output per call ({money(cost)} per 1,000 calls) on {model.id} at {per_mtok(model.output)}"
        yield self.diagnostic(
            arg.at,
            f"max_tokens={limit}{origin} {reason}{price}. Set the smallest limit the response needs (e.g. {ctx.option('suggested')}).",
            cost=cost,
            severity="error" if model is not None and model.max_output is not None and limit > model.max_output else None,
            fix=_fix(call, arg, ctx, limit),
        )


def _fix(call: Call, arg, ctx: Context, limit: int):
    from claude_lint.fixes import max_tokens

    return max_tokens.build(call, arg, int(ctx.option("suggested")), limit, ctx.sources)


def _origin(arg) -> str:
    loc = getattr(arg.value, "loc", None)
    if loc is None or (loc.path == arg.at.path and loc.row == arg.at.row):
        return ""
    return f" (from {loc.path}:{loc.row})"
