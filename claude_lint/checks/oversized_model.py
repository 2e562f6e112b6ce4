from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional, Tuple

from claude_lint.checks import evidence as ev
from claude_lint.checks.base import Context, Invalid, Rule, money, per_mtok
from claude_lint.diagnostics import Diagnostic
from claude_lint.estimate import estimate
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
MAX_PROMPT_ONLY_LIMIT = 1024  # a limit above this says a real answer is expected, whatever the prompt says


class OversizedModel(Rule):
    """## What it does
    Flags a top-tier model on a call whose own code says the task is light: `max_tokens`
    of at most `small-output` (64) tokens, or the short-answer evidence CL001 and CL003
    read (`checks/evidence.py`) of a light kind: the answer is parsed as a number or a
    boolean, compared with a label, a forced tool call of a few short fields, or the
    prompt pins the answer to a label, yes/no or one word ("Classify the ticket into one
    of ...", "Answer only with yes or no"). A parsed JSON object or a one-sentence answer
    is short, but the work behind it (a plan, a summary) may not be light: not reported.

    ## Why is this bad?
    Classifying, labelling, extracting a field or answering yes/no is work the
    cheapest tier does well, at a small fraction of the price: the message gives the
    price ratio from the catalogue. On a high-volume route the difference is most of
    the bill.

    Precision first: a prompt must be literal text the linter can read and short
    (under 6,000 characters), an output limit above 1,024 tokens cancels a prompt's
    evidence, a prompt that asks for reasoning, code or a document cancels any, and
    mid- and small-tier models are never reported. The saving is not a worst case: the
    prompt text known at the call and answers of the evidenced size.

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
    preview_reason = ("Measured on real code (eval/realworld, the 172 labelled repositories, main and held out, and the "
                      "186 precision samples; 2026-12-03): precision 0.57 (4 of 7 findings right; 3 on gpt-4 "
                      "classification prompts, labelled silent because gpt-4 is not of the Opus / o1-pro class).")

    @staticmethod
    def examples():
        fires = [
            # the limit itself says the answer is a few tokens
            Invalid(HEAD + 'client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=[{"role": "user", "content": q}])\n', row=3,
                    message="claude-opus-4-6 is a top-tier model ($5/MTok in, $25/MTok out) on a small task (max_tokens=5). The cheapest tier, "
                            "claude-haiku-5-5 ($0.1/MTok in, $0.5/MTok out), costs 50x less per output token; on the prompt text known here and "
                            "answers of about 5 tokens, at least $0.12 less per 1,000 calls."),
            # the prompt pins the answer to a label
            Invalid(HEAD + 'client.messages.create(model="claude-opus-4-8", max_tokens=300, messages=[{"role": "user", "content": q}],\n'
                    '    system="Classify the support ticket into one of: billing, bug, feature request. Return only the label.")\n', row=3,
                    message='on a small task (the prompt asks for a short answer ("Classify the support ticket into one of: billing, bug, feature request.")).'),
            # the answer is parsed as a number, whatever the limit
            Invalid(HEAD + 'r = client.messages.create(model="claude-opus-4-6", max_tokens=2048, messages=[{"role": "user", "content": q}])\n'
                    "legs = int(r.content[0].text)\n", row=3,
                    message="on a small task (the answer is parsed with int() (line 4))"),
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
            # a parsed JSON object is short, but the work behind it (a plan) may not be light
            HEAD + 'import json\nr = client.messages.create(model="claude-opus-4-6", max_tokens=4096, messages=[{"role": "user", "content": q}])\n'
            "plan = json.loads(r.content[0].text)\n",
            # a label asked for after reasoning: the grader's work is not light
            HEAD + 'client.messages.create(model="claude-opus-4-6", max_tokens=500, messages=[{"role": "user", "content": q}],\n'
            '    system="Think step by step in <thinking> tags, then answer with one word: CORRECT or INCORRECT.")\n',
            # a label prompt under a limit for a real answer
            HEAD + 'client.messages.create(model="claude-opus-4-6", max_tokens=4000, messages=[{"role": "user", "content": q}],\n'
            '    system="Classify the ticket into one of: billing, bug, other.")\n',
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        model = ctx.model(call)
        if model is None or model.tier != "top" or model.output is None or not model.input:
            return
        limit = call.int_value("max_tokens")
        found = _reason(call, limit, int(ctx.option("small-output")))
        if found is None:
            return
        reason, answer_tokens = found
        cheap = ctx.catalog.cheapest(model.provider)
        if cheap is None or cheap.tier != "small" or not cheap.output or cheap.input is None:
            return
        ratio = model.output / cheap.output
        # Not a worst case: the prompt text the linter can read (none of what is filled in at
        # run time) and an answer of the size the evidence gives, 1,000 times.
        known_input = estimate(call, ctx.catalog).input_usd or 0.0
        usd = known_input * (1 - cheap.input / model.input) + answer_tokens * (model.output - cheap.output) / 1e3
        saving = (f"; on the prompt text known here and answers of about {answer_tokens:,} tokens, "
                  f"at least {money(usd)} less per 1,000 calls" if usd > 0 else "")
        arg = call.arg("model")
        yield self.diagnostic(
            arg.at if arg is not None else call.site.loc,
            f"{model.id} is a top-tier model ({per_mtok(model.input)} in, {per_mtok(model.output)} out) on a small task ({reason}). "
            f"The cheapest tier, {cheap.id} ({per_mtok(cheap.input)} in, {per_mtok(cheap.output)} out), costs {ratio:.0f}x less per output token{saving}.",
            cost=usd or None,
        )


def _reason(call: Call, limit: Optional[int], small: int) -> Optional[Tuple[str, int]]:
    """Why the task is small, and the answer's size in tokens."""
    if limit is not None and 0 < limit <= small:
        return f"max_tokens={limit}", limit
    light = ev.of(call).light
    if light is None:
        return None
    if light.kind == "prompt-label" and limit is not None and limit > MAX_PROMPT_ONLY_LIMIT:
        return None
    return light.what, light.needs
