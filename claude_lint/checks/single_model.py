from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Iterator, List

from claude_lint.checks import evidence as ev
from claude_lint.checks.base import Context, Invalid, Rule, per_mtok
from claude_lint.diagnostics import Diagnostic
from claude_lint.extract.sdk import makes_text
from claude_lint.facts import Loc
from claude_lint.link import Call

CALL = 'client.messages.create(model="{model}", max_tokens=300, messages=[{{"role": "user", "content": q}}])\n'


TIERS = {"small": 0, "mid": 1, "top": 2}
HEAD = "import anthropic\nclient = anthropic.Anthropic()\n\n"
LIGHT = ("def classify(q):\n    return client.messages.create(model=\"{model}\", max_tokens=300, messages=[{{\"role\": \"user\", \"content\": q}}],\n"
         "        system=\"Classify the ticket into one of: billing, bug, other. Return only the label.\")\n")
HEAVY = "def answer(q):\n    return " + CALL


class SingleModel(Rule):
    """## What it does
    Flags a light-task call (its own code shows the answer is short: parsed as a number,
    a boolean or a whole small JSON object, compared with a label, a forced small tool
    call, a prompt that asks for a label, "yes or no", one word or one sentence; the
    evidence of CL001) on a model that is not of the cheapest tier, in a project (a
    package of a monorepo) where no call uses a cheaper tier. Reported once, where the
    first such call's model ID is written (the constant or default to change; the
    call's `model` argument when it is written there), naming the call and its
    evidence; the other light calls are related locations.

    ## Why is this bad?
    Most applications mix heavy tasks (reasoning, long answers) with light ones
    (classifying, extracting, routing, short replies). Sending the light ones to a mid
    or top tier model pays its price for work a small model does as well, at a fraction
    of the cost. Routing light tasks to a cheaper model is often the single largest
    saving available.

    The rule never claims that every call uses one model: it names the light call. It
    stays silent when any call's model is unknown (read from the environment or an
    argument: it may already be the router), when a call already uses a cheaper tier,
    and when no call's code shows a light task.

    ## Example
    ```python
    def classify(q): return client.messages.create(model="claude-opus-4-6", system="... Return only the label.", ...)
    def answer(q): return client.messages.create(model="claude-opus-4-6", ...)
    ```

    ## Use instead
    ```python
    def classify(q): return client.messages.create(model="claude-haiku-4-5", system="... Return only the label.", ...)
    def answer(q): return client.messages.create(model="claude-opus-4-6", ...)
    ```

    ## Options
    - `min-call-sites` (int, 1): the fewest call sites a package needs to be judged.
    """

    code = "CL003"
    name = "single-model"
    summary = "light tasks on a non-cheap model, no cheaper tier used"
    options = {"min-call-sites": 1}
    preview = True
    preview_reason = ("Measured on real code (eval/realworld, the 172 labelled repositories, main and held out, and the "
                      "186 precision samples; 2026-12-03): 4 findings, 1 right, 1 debatable, 2 wrong (precision 0.25); "
                      "recall 0.14 (2 of 14).")

    @staticmethod
    def examples():
        from claude_lint.checks import examples as ex

        fires = [
            Invalid(HEAD + LIGHT.format(model="claude-opus-4-6") + HEAVY.format(model="claude-opus-4-6"), row=5,
                    message='A light task on claude-opus-4-6 (top tier, $5/MTok in, $25/MTok out) at example.py:5: the prompt asks for a short answer '
                            '("Classify the ticket into one of: billing, bug, other."), and no call in the project uses a cheaper tier.'),
            # the model chosen in a constant; the answer parsed as JSON after a rebinding on one branch only
            Invalid(HEAD + 'CHECKER = "claude-sonnet-4-6"\n\ndef decide(results):\n'
                    '    r = client.messages.create(model=CHECKER, max_tokens=1000, messages=[{"role": "user", "content": results}])\n'
                    "    text = r.content[0].text.strip()\n    if isinstance(text, list):\n        text = ' '.join(text)\n"
                    "    import json\n    return json.loads(text)\n\n" + HEAVY.format(model="claude-sonnet-4-6"), row=4,
                    message="A light task on claude-sonnet-4-6 (mid tier, $3/MTok in, $15/MTok out) at example.py:7: the answer is parsed with json.loads() (line 12)"),
            # the answer is read as a number
            HEAD + "def score(q):\n    r = " + CALL.format(model="claude-sonnet-4-6").rstrip("\n") + "\n    return int(r.content[0].text)\n",
            # an image request beside it (a model the catalogue lacks) is no text task: it neither routes work nor hides a router
            HEAD + LIGHT.format(model="claude-opus-4-6") + "from openai import OpenAI\n\ndef picture(p):\n"
            "    return OpenAI().images.generate(model=\"dall-e-3\", prompt=p)\n",
            # in a monorepo each package is judged on its own: billing routes nothing, search does
            {
                "billing/pyproject.toml": "[project]\nname = 'billing'\n",
                "billing/app.py": HEAD + LIGHT.format(model="claude-opus-4-6") + HEAVY.format(model="claude-opus-4-6"),
                "search/pyproject.toml": "[project]\nname = 'search'\n",
                "search/app.py": HEAD + LIGHT.format(model="claude-haiku-4-5") + HEAVY.format(model="claude-opus-4-6"),
            },
        ]
        silent = [
            # already routed: the light task on the cheapest tier
            HEAD + LIGHT.format(model="claude-haiku-4-5") + HEAVY.format(model="claude-opus-4-6"),
            # one model everywhere, but no call shows a light task
            HEAD + HEAVY.format(model="claude-opus-4-6") + "\n" + HEAVY.replace("answer", "draft").format(model="claude-opus-4-6"),
            # a cheaper tier is used elsewhere in the project (another provider counts too)
            HEAD + LIGHT.format(model="claude-sonnet-4-6")
            + "from openai import OpenAI\n\ndef route(q):\n    return OpenAI().chat.completions.create(model=\"gpt-4o-mini\", max_tokens=50, messages=[])\n",
            # one model is chosen at run time: it may be the router
            "import os\n" + HEAD + LIGHT.format(model="claude-opus-4-6")
            + 'def b(q):\n    return client.messages.create(model=os.environ["MODEL"], max_tokens=300, messages=[])\n',
            # the cheapest tier everywhere
            HEAD + LIGHT.format(model="claude-haiku-4-5") + HEAVY.format(model="claude-haiku-4-5"),
        ]
        # call sites in code and in config files count together
        silent = [
            *silent,
            # the prompt file routes work to a small model
            {
                "app.py": HEAD + LIGHT.format(model="claude-opus-4-6"),
                "prompts/classify.prompt": ex.dotprompt("anthropic/claude-haiku-4-5", 200),
            },
            # the proxy picks the model from the environment: it may be the router
            {
                "app.py": HEAD + LIGHT.format(model="claude-opus-4-6"),
                "proxy/config.yaml": ex.litellm("os.environ/PROXY_MODEL"),
            },
        ]

        # Through a project's wrapper: each call counts with the model it passes.
        ASK = ("import anthropic\nclient = anthropic.Anthropic()\n\ndef ask(q, model='claude-opus-4-6'):\n"
               "    return client.messages.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': q}])\n")
        fires = [
            *fires,
            {"app/llm.py": ASK, "app/main.py": "from app.llm import ask\n\ndef label(t):\n    return ask('Answer yes or no: is this spam? ' + t)\n\ndef answer(t):\n    return ask(t)\n"},
        ]
        silent = [
            *silent,
            # one call routes to a small model: the wrapper's default is not the whole story
            {"app/llm.py": ASK, "app/main.py": "from app.llm import ask\n\ndef label(t):\n    return ask('Answer yes or no: is this spam? ' + t, model='claude-haiku-4-5')\n\ndef answer(t):\n    return ask(t)\n"},
        ]
        return fires, silent

    def check_project(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        packages: Dict[str, List[Call]] = {}
        for call in calls:
            if call.site.reached or call.site.local or not makes_text(call.site.provider, call.site.api):
                continue  # a request inside a wrapper: its calls, each with its own model, count instead; an image's is no text task
            packages.setdefault(ctx.package_of(call.site.path), []).append(call)
        for package_calls in packages.values():
            yield from self._check_package(package_calls, ctx)

    def _check_package(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        if len(calls) < int(ctx.option("min-call-sites")):
            return
        models = []
        for call in calls:
            model = ctx.model(call)
            if model is None or model.tier not in TIERS:
                return  # unknown or run-time model: it may be the routing we would ask for
            models.append(model)
        lowest = min(TIERS[m.tier] for m in models)
        light = []
        for call, model in zip(calls, models):
            if TIERS[model.tier] > 0 and TIERS[model.tier] == lowest:
                short = ev.of(call).short
                if short is not None:
                    light.append((call, model, short))
        if not light:
            return
        light.sort(key=lambda t: (t[0].site.loc.path, t[0].site.loc.cell or 0, t[0].site.loc.row, t[0].site.loc.col))
        call, model, short = light[0]
        cheap = ctx.catalog.cheapest(model.provider)
        suggestion = ""
        if cheap is not None and cheap.output and model.output and cheap.tier == "small":
            suggestion = (
                f" A small-tier model such as {cheap.id} ({per_mtok(cheap.input)} in, {per_mtok(cheap.output)} out) "
                f"costs {model.output / cheap.output:.0f}x less per output token."
            )
        others = f" ({len(light) - 1} more light call{'s' if len(light) > 2 else ''} likewise)" if len(light) > 1 else ""
        loc = call.site.loc
        yield self.diagnostic(
            _where_chosen(call),
            f"A light task on {model.id} ({model.tier} tier, {per_mtok(model.input)} in, {per_mtok(model.output)} out) at {loc.path}:{loc.row}: "
            f"{short.what}{others}, and no call in the project uses a cheaper tier.{suggestion} Route light tasks to it.",
            related=tuple(c.site.loc for c, _, _ in light[1:8]),
        )


def _where_chosen(call: Call) -> Loc:
    """Where the light call's model is chosen: where its ID is written (a constant, a default),
    else the call's `model` argument, else the call."""
    arg = call.arg("model")
    written = getattr(arg.value, "loc", None) if arg is not None else None
    if written is not None:
        return written
    return arg.at if arg is not None else call.site.loc
