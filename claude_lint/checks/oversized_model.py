from __future__ import annotations

import re
from typing import Iterator, Optional

from claude_lint.checks.base import Context, Rule, money, per_mtok
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import estimate, texts
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
# Instructions that pin the answer to a label, a word or a sentence. Matched on the
# system prompt and literal message text; each phrase is an instruction, not a topic.
SMALL_TASK = re.compile(
    r"\b(?:classify|categori[sz]e)\b(?=[^.\n]{0,80}\b(?:into|as|one of|the following|categor|label)\b)"
    r"|\banswer (?:only )?(?:with )?(?:yes or no|yes/no|true or false)\b"
    r"|\brespond (?:only )?with (?:only )?(?:yes or no|yes/no|true or false|one word|a single word|the label|one label|a number|a single number|one of)\b"
    r"|\b(?:reply|answer|respond) (?:with |in )?(?:only )?(?:one|a single) (?:word|sentence|label)\b"
    r"|\breturn only the (?:label|category|number|name)\b"
    r"|\boutput only the (?:label|category|number)\b",
    re.IGNORECASE,
)
MAX_PROMPT_CHARS = 6000  # long prompts describe more than a small task


class OversizedModel(Rule):
    """## What it does
    Flags a top-tier model on a call whose own output limit or prompt says the task
    is small: `max_tokens` of at most `small-output` (64) tokens, or an instruction
    that pins the answer to a label, yes/no, one word or one sentence ("Classify the
    ticket into one of ...", "Answer only with yes or no").

    ## Why is this bad?
    Classifying, labelling, extracting a field or answering yes/no is work the
    cheapest tier does well, at a small fraction of the price: the message gives the
    price ratio from the catalogue. On a high-volume route the difference is most of
    the bill.

    Precision first: the prompt must be literal text the linter can read and short
    (under 6,000 characters), an output limit above 1,024 tokens cancels the prompt
    evidence, and mid- and small-tier models are never reported.

    ## Example
    ```python
    client.messages.create(model="claude-opus-4-6", max_tokens=10,
                           system="Classify the ticket into one of: billing, bug, other.", messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-haiku-4-5", max_tokens=10,
                           system="Classify the ticket into one of: billing, bug, other.", messages=msgs)
    ```

    ## Options
    - `small-output` (int, 64): an output limit at or below this marks a small task.
    """

    code = "CL009"
    name = "model-oversized-for-task"
    summary = "top-tier model on a classification-sized task"
    options = {"small-output": 64}
    preview = True
    preview_reason = "Measured on the real-world corpus (eval/realworld, 36 repositories): precision 0.25 (1 of 4 findings right)."
    fires = [
        HEAD + 'client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=[{"role": "user", "content": q}])\n',
        HEAD + 'client.messages.create(model="claude-opus-4-8", max_tokens=300, messages=[{"role": "user", "content": q}],\n'
        '    system="Classify the support ticket into one of: billing, bug, feature request. Return only the label.")\n',
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-5.5-pro", max_completion_tokens=20, messages=[])\n',
    ]
    silent = [
        # a small model already
        HEAD + 'client.messages.create(model="claude-haiku-4-5", max_tokens=5, messages=[])\n',
        # a mid-tier model is not "oversized" for this rule
        HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=5, messages=[])\n',
        # a real answer is expected
        HEAD + 'client.messages.create(model="claude-opus-4-6", max_tokens=4000, messages=[],\n'
        '    system="Classify the bug into one of our categories, then write a detailed fix plan.")\n',
        # the word appears as a topic, not an instruction
        HEAD + 'client.messages.create(model="claude-opus-4-6", max_tokens=800, messages=[],\n'
        '    system="You explain how classifiers work to students.")\n',
        # max_tokens=0 pre-warms a cache: no output at all
        HEAD + 'client.messages.create(model="claude-opus-4-6", max_tokens=0, messages=[])\n',
    ]

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        model = ctx.model(call)
        if model is None or model.tier != "top" or model.output is None:
            return
        limit = call.int_value("max_tokens")
        reason = _reason(call, limit, int(ctx.option("small-output")))
        if reason is None:
            return
        cheap = ctx.catalog.cheapest(model.provider)
        if cheap is None or cheap.tier != "small" or not cheap.output:
            return
        ratio = model.output / cheap.output
        cost = estimate(call, ctx.catalog)
        saving = ""
        usd = None
        if cost.total:
            usd = cost.total * (1 - cheap.output / model.output)
            saving = f"; about {money(usd)} less per 1,000 calls on this call's known prompt and limit"
        arg = call.arg("model")
        yield self.diagnostic(
            arg.at if arg is not None else call.site.loc,
            f"{model.id} is a top-tier model ({per_mtok(model.input)} in, {per_mtok(model.output)} out) on a small task ({reason}). "
            f"The cheapest tier, {cheap.id} ({per_mtok(cheap.input)} in, {per_mtok(cheap.output)} out), costs {ratio:.0f}x less per output token{saving}.",
            cost=usd,
        )


def _reason(call: Call, limit: Optional[int], small: int) -> Optional[str]:
    if limit is not None and 0 < limit <= small:
        return f"max_tokens={limit}"
    if limit is not None and limit > 1024:
        return None
    pieces = texts(call.value("system")) + texts(call.value("messages"))
    prompt = "\n".join(pieces)
    if not prompt or len(prompt) > MAX_PROMPT_CHARS:
        return None
    m = SMALL_TASK.search(prompt)
    if m is None:
        return None
    said = re.split(r"(?<=[.!?\n])", prompt[m.start():], maxsplit=1)[0].strip()
    return f'the prompt says "{said[:80]}"'

