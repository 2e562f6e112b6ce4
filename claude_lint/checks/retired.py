from __future__ import annotations

try:  # the C module alone: `datetime` first defines all its classes in Python, then replaces them by these (3 M instructions a start)
    import _datetime as datetime
except ImportError:  # a Python without it
    import datetime
import re
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator, Optional, Tuple

from claude_lint.catalog import PLATFORMS, platform_of
from claude_lint.checks.base import Context, Invalid, Rule
from claude_lint.checks.model_ids import family, major_versions, misnamed, retired_sibling, written_options
from claude_lint.diagnostics import Diagnostic, Edit, Fix
from claude_lint.facts import Loc, OneOf, Param, Text
from claude_lint.link import Call
from claude_lint.patterns import lazy

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
CALL = 'client.messages.create(model="{model}", max_tokens=300, messages=[])\n'
# A platform prefix the fix keeps: LiteLLM's "anthropic/", init_chat_model's "anthropic:".
_PREFIX = lazy(r"^(?:anthropic|openai|claude(?=/claude-))[/:]")  # `claude/` is no provider route: judged, never fixed
# `claud-2`, `cluade-3-opus` too: a misspelt vendor word is the commonest typo of all.
_LOOKS_LIKE_MODEL = lazy(r"^(?:cl[a-z]{2,5}|gpt|o\d)-[-.a-z0-9]*$")


class RetiredModel(Rule):
    """## What it does
    Flags a model ID that the catalogue lists as retired (an error: every request
    fails), deprecated (a warning naming the retirement date and the successor), or
    due to retire within `warn-days` (a warning with the date, even before the
    provider marks it deprecated), and an unknown ID that is a near-certain typo of a
    known one (`claude-sonet-4-6`, `claud-2`: a typo of an ID itself retired names its successor), or one that names a known model wrongly: a snapshot date the
    model never had (`claude-opus-4-5-20251124`, Vertex `claude-opus-4@20250508`) or a Claude 4+
    name in the 3.x word order (`claude-4-6-sonnet-latest`), or an undated name or `-latest` alias (`claude-3-sonnet`) whose model's every snapshot is retired.

    ## Why is this bad?
    A retired model answers every request with an error; a deprecated one will, on a
    date already announced. Both usually surface in production, not in review. A
    misspelt ID fails the same way. Each finding names the catalogue's successor and
    the source (with its date) the lifecycle data comes from.

    Only strings passed as the model of a recognised call are judged, where they are
    written: a constant, a wrapper's default (unless every call of the wrapper passes
    its own model), or one of the written values of a model chosen at run time (the
    default of `os.getenv("MODEL", "...")` or `config.get("model", "...")`, either side
    of `a or b` and `a if c else b`, the items of `random.choice([...])`, a parameter
    defaulted in the body with `if model is None: model = "..."`, the default and
    `choices` of an argparse `--model` read as `args.model`, a `typer.Option` default,
    each option of a menu a person picks the model from (a Streamlit `selectbox` or `radio`,
    also over a dict's keys, `click.Choice`, `questionary.select`, a py-cord `discord.Option`),
    the values of a table of the code looked up by a run-time key, a model kept in
    `self` by a constructor: what the file's constructions of the class pass, and the
    default when one passes nothing or none is in sight, a dataclass default held
    as `self.config = config or ModelConfig()`, the model an object was built with
    in another module (`ai = AICaller(model="...")` then `ai.call_model(...)`), each
    item of a written list a loop runs over, the field default of a settings object a
    function is handed (`def run(settings: Settings)`) or gets from a function of the file
    annotated to return it (`conv = self.get(key)`), a dataclass or pydantic field,
    `Field(default="...")` too, or what its class sets in `self` and the file assigns to such objects), the values of a table looked up with `.get(tier, "...")`
    or `[provider]` by a run-time key, in the module, in another module's table or through its helper
    (also one a package re-exports), either of
    the request dicts written in two branches and spread into the call, any of the
    values an attribute is assigned in several places, any value a Streamlit app keeps in
    `st.session_state` under the key read (assigned, or the options of a widget keyed to
    it), and an option of an INI file the
    code reads with configparser, `config.get("Section", "KEY")` or
    `config["Section"]["KEY"]`: the finding is then on the file's line). A fallback only for an attribute never set
    (`self.model if hasattr(self, "model") else "..."`) is not a value the code sends.
    A request to a third-party service that serves many vendors' models under its own IDs
    and dates (OpenRouter, Groq, Together AI, Fireworks AI, DeepInfra: seen from the host
    written, the names of the endpoint's configuration, the service's own SDK, or, for a
    raw POST to a configured URL, a module or class named for the service) is not judged: the provider's retirement is not the
    service's. A proxy that forwards to the provider (a LiteLLM proxy) is no such service.
    Bedrock, Vertex
    and Microsoft Foundry retire models on their own dates, sometimes earlier than the
    first-party API: a platform ID (`anthropic.claude-haiku-4-5-20251001-v1:0`,
    `eu.anthropic....`, `claude-haiku-4-5@20251001`, LiteLLM's `bedrock/`, `vertex_ai/`
    and `azure_ai/` prefixes, or any ID on an `AnthropicBedrock`/`AnthropicVertex`
    client) is judged by that platform's dates where the catalogue has them. Where it has
    none, a model the first-party API retired is reported (a warning) only when that platform
    has already retired a newer model of the same line: Vertex retired Claude Haiku 4.5, so
    `claude-3-haiku@20240307` is gone there too; a model a source says the platform still
    serves (Opus 4.1 on Bedrock and Vertex) is not. A typo must match a known ID closely (similarity of at
    least `typo-cutoff`) and carry the same version numbers, so a newer model the
    catalogue does not know yet (`claude-sonnet-5-6`) is never reported as a typo.
    `claude-lint models` shows the dates and sources behind every finding.

    The attached fix (unsafe: the successor may behave or cost differently) replaces
    a first-party ID inside its quotes; a platform ID is left to you, since the
    successor's ID on that platform may differ.

    ## Example
    ```python
    client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-sonnet-5-5", max_tokens=1024, messages=msgs)
    ```

    ## Options
    - `typo-cutoff` (float, 0.9): the smallest difflib similarity reported as a typo.
    - `warn-days` (int, 90): warn about a model whose retirement date is at most this
      many days away, deprecated or not; 0 warns only about deprecated models.
    """

    code = "CL007"
    name = "model-retired"
    summary = "retired, deprecated or misspelt model ID"
    severity = "error"
    options = {"typo-cutoff": 0.9, "warn-days": 90}

    @staticmethod
    def examples():
        from claude_lint.checks import retired_examples as shapes

        fires = [
            Invalid(HEAD + CALL.format(model="claude-3-5-sonnet-20241022"), row=3, message="Model claude-3-5-sonnet-20241022 was retired on 2025-10-28",
                    expected_replacement=HEAD + CALL.format(model="claude-sonnet-5-5")),
            # deprecated: warning with the retirement date
            Invalid(HEAD + CALL.format(model="claude-opus-4-5"), row=3, message="is deprecated and will be retired on 2027-01-22"),
            # a typo of a known ID
            Invalid(HEAD + CALL.format(model="claude-sonet-4-6"), row=3, message="looks like a typo of 'claude-sonnet-4-6'",
                    expected_replacement=HEAD + CALL.format(model="claude-sonnet-4-6")),
            # through LiteLLM, provider prefix kept
            'import litellm\nlitellm.completion(model="anthropic/claude-3-opus-20240229", messages=[], max_tokens=100)\n',
            # Vertex retired Claude Opus 4.5 on 2026-11-24, before the Claude API does
            'import litellm\nlitellm.completion(model="vertex_ai/claude-opus-4-5@20251101", messages=[], max_tokens=100)\n',
            # Bedrock's eu profiles retired Claude Haiku 4.5; the Claude API still serves it
            "import boto3\nclient = boto3.client('bedrock-runtime')\n"
            'client.converse(modelId="eu.anthropic.claude-haiku-4-5-20251001-v1:0", messages=[], inferenceConfig={"maxTokens": 300})\n',
            # OpenAI
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4", messages=[], max_tokens=100)\n',
            # an OpenAI snapshot or context variant is retired no later than its model
            Invalid('from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-3.5-turbo-16k-0613", messages=[], max_tokens=100)\n',
                    row=2, message="gpt-3.5-turbo-16k-0613 (a version of gpt-3.5-turbo) was retired"),
            # the Anthropic SDK's old spelling of a retired major version
            HEAD + CALL.format(model="claude-v1"),
            # written once in a config class, reported there (the request is a related location)
            Invalid({
                "config.py": 'class Config:\n    MODEL = "claude-3-opus-20240229"\n',
                "app.py": HEAD + "from config import Config\n" + 'client.messages.create(model=Config.MODEL, max_tokens=300, messages=[])\n',
            }, path="config.py", row=2, message="Model claude-3-opus-20240229 was retired"),
        ]
        silent = [
            HEAD + CALL.format(model="claude-sonnet-4-6"),
            # a newer model the catalogue does not know: version numbers differ, not a typo
            HEAD + CALL.format(model="claude-sonnet-5-6"),
            # no Bedrock date is known for Opus 4.1 (retired on the Claude API only)
            "from anthropic import AnthropicBedrock\nclient = AnthropicBedrock()\n"
            'client.messages.create(model="anthropic.claude-opus-4-1-20250805-v1:0", max_tokens=300, messages=[])\n',
            # the same string outside a model argument
            HEAD + 'NOTE = "claude-3-opus-20240229 was great"\n' + CALL.format(model="claude-haiku-4-5"),
            # run-time model: nothing to judge
            "import os\n" + HEAD + 'client.messages.create(model=os.environ["MODEL"], max_tokens=300, messages=[])\n',
            # a dated snapshot of a model that is active with no retirement date: nothing certain
            'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-5.4-2026-03-05", messages=[], max_tokens=100)\n',
        ]

        # Through a project's wrapper: reported where the ID is written, the wrapper's default
        # (once for all its calls) or the caller's argument.
        ASK = "def ask(q, model='{model}'):\n    return client.messages.create(model=model, max_tokens=300, messages=[{{'role': 'user', 'content': q}}])\n"
        fires = [
            *fires,
            Invalid(HEAD + ASK.format(model="claude-3-opus-20240229") + "\nask('a')\nask('b')\n", row=3, message="Model claude-3-opus-20240229 was retired",
                    expected_replacement=HEAD + ASK.format(model="claude-opus-4-8") + "\nask('a')\nask('b')\n"),
            {
                "app/llm.py": HEAD + ASK.format(model="claude-sonnet-4-6"),
                "app/main.py": "from app.llm import ask\n\nask('summarise this', model='claude-3-5-sonnet-20241022')\n",
            },
        ]
        silent = [
            *silent,
            {
                "app/llm.py": HEAD + "def ask(q, model):\n    return client.messages.create(model=model, max_tokens=300, messages=[])\n",
                "app/main.py": "from app.llm import ask\n\nask('summarise this', model='claude-sonnet-4-6')\n",
            },
        ]

        # A model chosen at run time with written fallbacks or choices: each written one may be sent.
        fires = [
            *fires,
            # the default of an environment variable (reported on the default, the request related)
            Invalid("import os\n" + HEAD + "MODEL = os.getenv('CLAUDE_MODEL', 'claude-3-opus-20240229')\n"
                    'client.messages.create(model=MODEL, max_tokens=300, messages=[])\n', row=4, message="claude-3-opus-20240229 was retired",
                    expected_replacement="import os\n" + HEAD + "MODEL = os.getenv('CLAUDE_MODEL', 'claude-opus-4-8')\n"
                    'client.messages.create(model=MODEL, max_tokens=300, messages=[])\n'),
            # a parameter defaulted in the body (`if model is None: model = ...`)
            Invalid(HEAD + "def ask(q, model=None):\n    if model is None:\n        model = 'claude-3-5-sonnet-20240620'\n"
                    "    return client.messages.create(model=model, max_tokens=300, messages=[{'role': 'user', 'content': q}])\n",
                    row=5, message="Model claude-3-5-sonnet-20240620 was retired"),
            # `a or b`, `a if c else b`, `config.get(key, default)`, `random.choice([...])`
            HEAD + "def ask(q, model):\n    return client.messages.create(model=model or 'claude-3-opus-20240229', max_tokens=300, messages=[])\n",
            HEAD + "def ask(q, fast):\n    return client.messages.create(model='claude-haiku-4-5' if fast else 'claude-3-opus-20240229', max_tokens=300, messages=[])\n",
            # a condition that is no attribute guard: either side may be sent
            HEAD + "def ask(bot):\n    return client.messages.create(model=bot.model if hasattr(bot, 'fast') else 'claude-3-opus-20240229', max_tokens=300, messages=[])\n",
            HEAD + "def ask(q, config):\n    return client.messages.create(model=config.get('model', 'claude-3-opus-20240229'), max_tokens=300, messages=[])\n",
            "import random\nfrom openai import OpenAI\nclient = OpenAI()\ndef ask(q, model):\n    if model == 'gpt-3.5-random':\n"
            "        model = random.choice(['gpt-3.5-turbo-0613', 'gpt-5.4'])\n    return client.chat.completions.create(model=model, max_tokens=100, messages=[])\n",
        ]
        fires = [
            *fires,
            # the default of the command line's --model, read as args.model (argparse) or a typer option
            "import argparse\nfrom openai import OpenAI\nclient = OpenAI()\n"
            "def main(args):\n    client.chat.completions.create(model=args.model, messages=[], max_tokens=100)\n"
            "if __name__ == '__main__':\n    parser = argparse.ArgumentParser()\n"
            "    parser.add_argument('--model', default='gpt-4-0613')\n    main(parser.parse_args())\n",
            "import typer\nfrom openai import OpenAI\nclient = OpenAI()\n"
            "def main(model: str = typer.Option('gpt-4-0613', '--model')):\n    client.chat.completions.create(model=model, messages=[], max_tokens=100)\n",
        ]
        fires = [
            *fires,
            # a constructor's default kept in `self`: the calls of the method do not bind it
            HEAD + "class LLM:\n    def __init__(self, model='claude-3-opus-20240229'):\n        self.model = model\n"
            "    def ask(self, q, model=None):\n        return client.messages.create(model=self.model, max_tokens=300, messages=[])\n\n"
            "LLM().ask('a', model='claude-sonnet-4-6')\n",
        ]
        # A model kept in an object's state: what the visible constructions pass, else the default.
        KEPT = ("class LLM:\n    def __init__(self, model='claude-3-opus-20240229'):\n        self.model = model\n"
                "    def ask(self, q):\n        return client.messages.create(model=self.model, max_tokens=300, messages=[])\n\n")
        CONFIG = ("from dataclasses import dataclass\n@dataclass\nclass ModelConfig:\n    model: str = 'claude-3-opus-20240229'\n"
                  "class Agent:\n    def __init__(self, config=None):\n        self.config = {held}\n"
                  "    def params(self):\n        return {{'model': self.config.model, 'max_tokens': 300, 'messages': []}}\n"
                  "    def run(self):\n        return client.messages.create(**self.params())\n")
        fires = [
            *fires,
            # a construction passes a retired model: reported where it is passed
            Invalid(HEAD + KEPT + "LLM('claude-sonnet-4-6').ask('a')\nLLM(model='claude-3-haiku-20240307').ask('b')\n", row=10,
                    message="Model claude-3-haiku-20240307 was retired"),
            # a copy the class makes of itself passes its state on: the default is still what is sent
            Invalid(HEAD + KEPT + "    def clone(self):\n        return LLM(model=self.model)\n", row=4, message="Model claude-3-opus-20240229 was retired"),
            # a dataclass default held in `self` when the caller passes no config
            Invalid(HEAD + CONFIG.format(held="config or ModelConfig()"), row=6, message="Model claude-3-opus-20240229 was retired"),
        ]
        CALLER = ("from openai import OpenAI\n\nclass AICaller:\n    def __init__(self, model='gpt-5.4'):\n        self.model = model\n"
                  "        self.client = OpenAI()\n    def call_model(self, prompt):\n"
                  "        return self.client.chat.completions.create(model=self.model, messages=[{'role': 'user', 'content': prompt}], max_tokens=100)\n")
        fires = [
            *fires,
            # built in another module with a retired model, then asked: reported where the model is passed
            Invalid({
                "app/caller.py": CALLER,
                "app/main.py": "from app.caller import AICaller\n\ndef run(prompt):\n    ai = AICaller(model='gpt-4-0613')\n    return ai.call_model(prompt)\n",
            }, path="app/main.py", row=4, message="Model gpt-4-0613 (a version of gpt-4) was retired"),
            # a loop over written models (through a progress bar): each one is sent in its turn
            Invalid("from tqdm import tqdm\nfrom openai import OpenAI\nclient = OpenAI()\nfor model in tqdm(['gpt-5.4', 'gpt-4-0613']):\n"
                    "    client.chat.completions.create(model=model, messages=[], max_tokens=100)\n", row=4, message="gpt-4-0613 (a version of gpt-4) was retired"),
        ]
        silent = [
            *silent,
            # built elsewhere with a current model, or with the caller's own
            {
                "app/caller.py": CALLER,
                "app/main.py": "from app.caller import AICaller\n\ndef run(prompt, model):\n    ai = AICaller(model=model)\n"
                               "    AICaller(model='gpt-5.4-mini').call_model(prompt)\n    return ai.call_model(prompt)\n",
            },
            # a loop over current models
            "from openai import OpenAI\nclient = OpenAI()\nfor model in ['gpt-5.4', 'gpt-5.4-mini']:\n"
            "    client.chat.completions.create(model=model, messages=[], max_tokens=100)\n",
        ]
        silent = [
            *silent,
            # every construction passes its own current model: the default is never sent
            HEAD + KEPT + "LLM('claude-sonnet-4-6').ask('a')\nLLM(model='claude-haiku-4-5').ask('b')\n",
            # the config comes from elsewhere: which model it holds is not seen here
            HEAD + CONFIG.format(held="config"),
            # the instance built here sets its own model
            HEAD + CONFIG.format(held="config or ModelConfig(model='claude-sonnet-4-6')"),
        ]
        silent = [
            *silent,
            # a wrapper's default every call overrides: a default no call uses
            HEAD + ASK.format(model="claude-3-opus-20240229") + "\nask('a', model='claude-sonnet-4-6')\nask('b', model='claude-haiku-4-5')\n",
        ]

        fires = [*fires, *shapes.GATEWAY_FIRES, *shapes.CONFIG_FIRES, *shapes.NAME_FIRES, *shapes.TABLE_FIRES, *shapes.PLATFORM_FIRES, *shapes.PREVIEW_FIRES, *shapes.MENU_FIRES, *shapes.STATE_FIRES]
        silent = [*silent, *shapes.GATEWAY_SILENT, *shapes.CONFIG_SILENT, *shapes.NAME_SILENT, *shapes.TABLE_SILENT, *shapes.PLATFORM_SILENT, *shapes.MENU_SILENT, *shapes.STATE_SILENT]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        if call.site.gateway is not None:
            return  # the service's own catalogue decides (see GATEWAY)
        raw = call.model_id()
        arg = call.arg("model")
        if arg is not None and isinstance(arg.value, OneOf):
            # A run-time model with written fallbacks or choices: each one the code may send.
            for option in written_options(arg.value):
                at = option.loc or arg.at
                related = () if at == arg.at else (arg.at,)
                yield from self.judge(option.literal, call.site.provider, option, at, related, ctx, guess=False)
            return
        if raw is None or arg is None:
            return
        if call.site.reached and any(_own_parameter(call.site.kwargs.get(k), call.site.function) for k in call.site.keywords("model")):
            # A wrapper's default, inside the wrapper: each recognised call of it is judged with
            # the model it passes, so a default every caller overrides is a default no call uses.
            # (A default of another function, a constructor's kept in `self`, is not bound by
            # those calls: it is judged here.)
            return
        at, related = _written(arg)
        yield from self.judge(raw, call.site.provider, arg.value, at, related, ctx)

    def judge(self, raw: str, provider: Optional[str], value: object, at: Loc, related: Tuple[Loc, ...], ctx: Context, guess: bool = True) -> Iterator[Diagnostic]:
        """The finding, if any, on one model ID written at `at` (`value`: the literal, for the fix).
        guess: report an unknown ID that looks like a typo (not for one of several possible values,
        which may be a name the code maps to a model before sending it)."""
        platform = platform_of(raw, provider)
        bare = _PREFIX.sub("", raw)
        model = ctx.catalog.lookup(bare)
        kin = ""
        if model is None and platform is None:
            model, kin = family(ctx.catalog, bare, provider not in ("openai", "google"))  # there, a Claude name is a branch's dispatch key (saas-builder)
        if model is None:
            wrong = misnamed(ctx.catalog, raw)
            if wrong is not None:  # certain, unlike a guess: judged among several values too
                yield self._misnamed(wrong, raw, bare, platform, value, at, related)
                return
            if platform is None and guess:  # a platform's ID spellings differ: no typo guess there
                yield from self._typo(bare, raw, value, at, related, ctx)
            return
        life = model.lifecycle if platform is None else model.on(platform)
        today = datetime.date.today()
        if life is None:  # that platform's dates are not known: only a newer model's retirement there says something
            sibling = retired_sibling(ctx.catalog, model, platform, today)
            if sibling is not None:
                yield self._after_sibling(raw, model, platform, *sibling, at, related, ctx)
            return
        state = life.state(today)
        days = life.days_left(today)
        window = int(ctx.option("warn-days"))
        if state == "active" and (days is None or days > window):
            return
        if kin and state != "retired" and life.retires is None:
            return  # a relative of a deprecated model with no date: nothing certain to say
        shown = (bare if platform is None else raw) + kin
        where = "" if platform is None else f" on {PLATFORMS[platform.split('-')[0]]}" + (f" ({platform.split('-', 1)[1]} profiles)" if "-" in platform else "")
        successor = f" Use {life.successor} instead." if life.successor else ""
        first_party = ""
        if platform is not None and model.lifecycle.state(today) != "retired":
            api = "the Claude API" if model.provider == "anthropic" else "the first-party API"
            first_party = f" (on {api} it retires on {model.retires})" if model.retires else f" ({api} still serves it)"
        cited = ctx.catalog.cite(life.source)
        source = f" (source: {cited})" if cited else ""
        fix = None
        if life.successor and platform is None and not raw.lower().startswith("claude/"):
            fix = _fix(value, at, raw, bare, life.successor, f"Replace {bare} with {life.successor}")
        if state == "retired" and kin.startswith(" (a preview"):
            yield self.diagnostic(at, f"Model {bare} is a preview of {model.id}, whose retirement date{where} ({life.retires}) has passed; the sources "
                                      f"give no date for the preview itself: check that it is still served.{successor}{source}", severity="warning", fix=fix, related=related)
            return
        if state == "retired":
            when = f" on {life.retires}" if life.retires else ""
            if kin:
                when = f" by {life.retires}" if life.retires else ""
            yield self.diagnostic(at, f"Model {shown} was retired{where}{when}{first_party}: every request to it fails.{successor}{source}", fix=fix, related=related)
            return
        if life.retires is None:
            when = "is deprecated"
        else:
            left = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
            by = "at the latest on" if kin else "on"
            when = f"{'is deprecated and ' if state == 'deprecated' else ''}will be retired{where} {by} {life.retires} ({left})"
        yield self.diagnostic(
            at, f"Model {shown} {when}{first_party}; requests fail after that date.{successor}{source}", severity="warning", fix=fix, related=related
        )

    def _after_sibling(self, raw: str, model, platform: str, newer, life, at: Loc, related: Tuple[Loc, ...], ctx: Context) -> Diagnostic:
        where = PLATFORMS[platform.split("-")[0]] + (f" ({platform.split('-', 1)[1]} profiles)" if "-" in platform else "")
        successor = f" Use {life.successor} instead." if life.successor else ""
        cited = ctx.catalog.cite(life.source + model.lifecycle.source)
        api = "the Claude API" if model.provider == "anthropic" else "the first-party API"
        return self.diagnostic(
            at, f"Model {raw} was retired on {api} on {model.retires}, and {where}, whose own date for it is not known here, retired the newer "
                f"{newer.id} on {life.retires}: requests to it almost certainly fail.{successor}" + (f" (source: {cited})" if cited else ""), severity="warning", related=related)

    def _misnamed(self, wrong, raw: str, bare: str, platform: Optional[str], value: object, at: Loc, related: Tuple[Loc, ...]) -> Diagnostic:
        right = bare.replace(wrong.wrong, wrong.right, 1)
        model = wrong.model
        life = model.lifecycle
        gone = ""
        use = right
        if life.state(datetime.date.today()) == "retired":
            api = "the Claude API" if model.provider == "anthropic" else "the first-party API"
            gone = f" {model.id} itself was retired on {api}" + (f" on {life.retires}" if life.retires else "") + "."
            use = (life.successor or right) if platform is None else right  # a successor's platform ID may differ
        elif life.state(datetime.date.today()) == "deprecated":
            gone = f" {model.id} itself is deprecated" + (f" and retires on {life.retires}" if life.retires else "") + "."
        fix = None
        if platform is None:
            fix = _fix(value, at, raw, bare, use, f"Replace {bare} with {use}")
        return self.diagnostic(at, f"Unknown model ID {bare!r}: {wrong.why}, so the API rejects every request to it.{gone} Use {use}.", fix=fix, related=related)

    def _typo(self, bare: str, raw: str, value: object, at: Loc, related: Tuple[Loc, ...], ctx: Context) -> Iterator[Diagnostic]:
        if not _LOOKS_LIKE_MODEL.match(bare.lower()):
            return
        known = sorted({k for m in ctx.catalog.models.values() for k in (m.id, *m.aliases)} | major_versions(ctx.catalog))
        digits = re.findall(r"\d+", bare)
        import difflib  # here: only an unknown model ID needs it

        close = [k for k in difflib.get_close_matches(bare.lower(), known, n=3, cutoff=float(ctx.option("typo-cutoff"))) if re.findall(r"\d+", k) == digits]
        if not close:
            return
        best = close[0]
        # The ID meant may itself be gone (`claud-2` for claude-2): say so, and name what to use.
        meant = ctx.catalog.lookup(best) or family(ctx.catalog, best)[0]
        gone, use = "", best
        if meant is not None and meant.lifecycle.state(datetime.date.today()) == "retired":
            gone = f" {best} itself was retired" + (f" on {meant.retires}" if meant.retires else "") + "."
            use = meant.lifecycle.successor or best
        yield self.diagnostic(
            at,
            f"Unknown model ID {bare!r} looks like a typo of {best!r}: the API rejects unknown models.{gone} Use {use}.",
            fix=_fix(value, at, raw, bare, use, f"Replace {bare} with {use}"),
            related=related,
        )



def _own_parameter(value: object, function: Optional[str]) -> bool:
    return isinstance(value, Param) and function is not None and value.function == function


def _written(arg) -> Tuple[Loc, Tuple[Loc, ...]]:
    """Where a finding about a model ID goes: where the ID is written (a constant, a wrapper's
    default, a config module), once for every request it reaches; the request's own keyword
    is then a related location (the engine adds the call sites)."""
    loc = getattr(arg.value, "loc", None)
    if loc is None or (loc.path, loc.cell, loc.row, loc.col) == (arg.at.path, arg.at.cell, arg.at.row, arg.at.col):
        return arg.at, ()
    return loc, (arg.at,)


def _fix(value: object, at, raw: str, bare: str, new: str, message: str) -> Optional[Fix]:
    """An edit inside the quotes of the literal that holds the ID, or None when it is not one plain
    literal written at the call (a constant of another module is edited where it is defined, by hand)."""
    loc = getattr(value, "loc", None)
    if not isinstance(value, Text) or loc is None or loc.row != loc.end_row or len(value.parts) != 1:
        return None
    if (loc.path, loc.cell, loc.row, loc.col) != (at.path, at.cell, at.row, at.col):
        return None
    width = loc.end_col - loc.col
    quote = width - len(raw)
    if quote not in (2, 6):  # one or three quote characters each side, no prefix, no escapes
        return None
    start = loc.col + quote // 2 + (len(raw) - len(bare))
    return Fix(message, "unsafe", (Edit(new, loc.row, start, loc.row, start + len(bare)),))
