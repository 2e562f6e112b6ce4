from __future__ import annotations

from typing import Dict, Iterator, List

from claude_lint.checks import examples as ex
from claude_lint.checks.base import Context, Rule, per_mtok
from claude_lint.diagnostics import Diagnostic
from claude_lint.link import Call

CALL = 'client.messages.create(model="{model}", max_tokens=300, messages=[{{"role": "user", "content": q}}])\n'


class SingleModel(Rule):
    """## What it does
    Flags a project whose every LLM call site uses one and the same model, when that
    model is not of the cheapest tier. Reported once, at the first call site.

    ## Why is this bad?
    Most applications mix heavy tasks (reasoning, long answers) with light ones
    (classifying, extracting, routing, short replies). Sending them all to a
    mid or top tier model pays its price for work a small model does as well, at a
    fraction of the cost. Routing light tasks to a cheaper model is often the single
    largest saving available.

    In a monorepo, each package (the nearest folder with a `pyproject.toml`, `setup.py`
    or `setup.cfg`) is judged on its own call sites.

    The rule only speaks when every call site's model is known statically: one call
    whose model comes from the environment or a function argument may already be the
    router, so the rule stays silent.

    ## Example
    ```python
    def classify(q): return client.messages.create(model="claude-opus-4-6", ...)
    def answer(q): return client.messages.create(model="claude-opus-4-6", ...)
    ```

    ## Use instead
    ```python
    def classify(q): return client.messages.create(model="claude-haiku-4-5", ...)
    def answer(q): return client.messages.create(model="claude-opus-4-6", ...)
    ```

    ## Options
    - `min-call-sites` (int, 2): the fewest call sites that make a pattern.
    """

    code = "CL003"
    name = "single-model"
    summary = "one non-cheap model for every call"
    options = {"min-call-sites": 2}
    fires = [
        # in a monorepo each package is judged on its own: billing routes nothing, search does
        {
            "billing/pyproject.toml": "[project]\nname = 'billing'\n",
            "billing/app.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef classify(q):\n    return "
            + CALL.format(model="claude-opus-4-6") + "\ndef answer(q):\n    return " + CALL.format(model="claude-opus-4-6"),
            "search/pyproject.toml": "[project]\nname = 'search'\n",
            "search/app.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef rank(q):\n    return "
            + CALL.format(model="claude-haiku-4-5") + "\ndef answer(q):\n    return " + CALL.format(model="claude-opus-4-6"),
        },
        "import anthropic\nclient = anthropic.Anthropic()\n\ndef classify(q):\n    return "
        + CALL.format(model="claude-opus-4-6")
        + "\ndef answer(q):\n    return "
        + CALL.format(model="claude-opus-4-6"),
    ]
    silent = [
        # one call site in each package of a monorepo is not a pattern in either
        {
            "billing/pyproject.toml": "[project]\nname = 'billing'\n",
            "billing/app.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef a(q):\n    return " + CALL.format(model="claude-opus-4-6"),
            "search/pyproject.toml": "[project]\nname = 'search'\n",
            "search/app.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef b(q):\n    return " + CALL.format(model="claude-opus-4-6"),
        },
        # already routed
        "import anthropic\nclient = anthropic.Anthropic()\n\ndef classify(q):\n    return "
        + CALL.format(model="claude-haiku-4-5")
        + "\ndef answer(q):\n    return "
        + CALL.format(model="claude-opus-4-6"),
        # the cheapest tier everywhere
        "import anthropic\nclient = anthropic.Anthropic()\n\ndef a(q):\n    return "
        + CALL.format(model="claude-haiku-4-5")
        + "\ndef b(q):\n    return "
        + CALL.format(model="claude-haiku-4-5"),
        # one model is chosen at run time: it may be the router
        "import os, anthropic\nclient = anthropic.Anthropic()\n\ndef a(q):\n    return "
        + CALL.format(model="claude-opus-4-6")
        + '\ndef b(q):\n    return client.messages.create(model=os.environ["MODEL"], max_tokens=300, messages=[])\n',
        # a single call site is not a pattern
        "import anthropic\nclient = anthropic.Anthropic()\n" + CALL.format(model="claude-opus-4-6"),
    ]
    # call sites in code and in config files count together
    fires = [
        *fires,
        {
            "app.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef answer(q):\n    return " + CALL.format(model="claude-opus-4-6"),
            "proxy/config.yaml": ex.litellm("anthropic/claude-opus-4-6"),
            "prompts/classify.prompt": ex.dotprompt("vertexai/claude-opus-4-6", 200),
        },
    ]
    silent = [
        *silent,
        # the prompt file routes classification to a small model
        {
            "app.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef answer(q):\n    return " + CALL.format(model="claude-opus-4-6"),
            "prompts/classify.prompt": ex.dotprompt("anthropic/claude-haiku-4-5", 200),
        },
        # the proxy picks the model from the environment: it may be the router
        {
            "app.py": "import anthropic\nclient = anthropic.Anthropic()\n\ndef answer(q):\n    return " + CALL.format(model="claude-opus-4-6"),
            "proxy/config.yaml": ex.litellm("os.environ/PROXY_MODEL"),
        },
    ]

    # Through a project's wrapper: each call counts with the model it passes.
    ASK = ("import anthropic\nclient = anthropic.Anthropic()\n\ndef ask(q, model='claude-opus-4-6'):\n"
           "    return client.messages.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': q}])\n")
    fires = [
        *fires,
        {"app/llm.py": ASK, "app/main.py": "from app.llm import ask\n\ndef label(t):\n    return ask(t)\n\ndef answer(t):\n    return ask(t)\n"},
    ]
    silent = [
        *silent,
        # one call routes to a small model: the wrapper's default is not the whole story
        {"app/llm.py": ASK, "app/main.py": "from app.llm import ask\n\ndef label(t):\n    return ask(t, model='claude-haiku-4-5')\n\ndef answer(t):\n    return ask(t)\n"},
    ]

    def check_project(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        packages: Dict[str, List[Call]] = {}
        for call in calls:
            if call.site.reached:
                continue  # a request inside a wrapper: its calls, each with its own model, count instead
            packages.setdefault(ctx.package_of(call.site.path), []).append(call)
        for package_calls in packages.values():
            yield from self._check_package(package_calls, ctx)

    def _check_package(self, calls: List[Call], ctx: Context) -> Iterator[Diagnostic]:
        if len(calls) < int(ctx.option("min-call-sites")):
            return
        ids = set()
        for call in calls:
            model = ctx.model(call)
            if model is None:
                return  # unknown or run-time model: it may be the routing we would ask for
            ids.add(model.id)
        if len(ids) != 1:
            return
        model = ctx.model(calls[0])
        assert model is not None
        if model.tier == "small":
            return
        first = min(calls, key=lambda c: (c.site.loc.path, c.site.loc.cell or 0, c.site.loc.row, c.site.loc.col))
        arg = first.arg("model")
        cheap = ctx.catalog.cheapest(model.provider)
        suggestion = ""
        if cheap is not None and cheap.output and model.output:
            suggestion = (
                f"; a small-tier model such as {cheap.id} ({per_mtok(cheap.input)} in, {per_mtok(cheap.output)} out) "
                f"costs {model.output / cheap.output:.0f}x less per output token"
            )
        yield self.diagnostic(
            arg.at if arg is not None else first.site.loc,
            f"All {len(calls)} LLM call sites use {model.id} ({model.tier} tier, {per_mtok(model.input)} in, {per_mtok(model.output)} out)"
            f"{suggestion}. Route light tasks (classify, extract, short replies) to a cheaper model.",
        )
