from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator

from claude_lint.checks.base import Context, Invalid, Rule, tokens
from claude_lint.dependency_pins import needed_release, release_text
from claude_lint.diagnostics import Diagnostic, Fix
from claude_lint.extract.sdk import api_facts
from claude_lint.facts import Lit, Loc
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
# The SDK releases that brought each refusal (anthropic-sdk-python): the 10-minute check
# came with 0.47.0 (b363339, "add claude-3.7 + support for thinking", 2025-02-24), the
# per-model caps (MODEL_NONSTREAMING_TOKENS) with 0.52.0 (68d8226, "add claude 4 models").
TIMEOUT_CHECK_SINCE = (0, 47, 0)
LONG = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n'
MODEL_CAPS_SINCE = (0, 52, 0)


class StreamRequired(Rule):
    """## What it does
    Flags a non-streaming `messages.create` whose `max_tokens` makes the Anthropic
    Python SDK refuse the request before sending it: the SDK expects
    3600 s x max_tokens / 128,000 to stay within its 10-minute default timeout, so any
    `max_tokens` of 21,334 or more (or above a model's non-streaming cap from the
    catalogue, 8,192 on Claude Opus 4) raises `ValueError: Streaming is required`.

    ## Why is this bad?
    The call fails on every request, usually first seen in production when somebody
    raises the limit. Streaming (or an explicit timeout) is the fix the SDK asks for.

    The rule stays silent with `stream=True`, `messages.stream(...)`, a `timeout=` on
    the call or in `with_options(...)`, and when the client was built with a timeout
    (or with an `http_client`, whose timeout the SDK takes, or a `**spread` that may pass
    one); also when the client's construction is not visible (a client passed in as a
    parameter may carry a timeout). The construction is followed where it is seen: a
    name or `self.client` bound in several places (a client built without a timeout in
    one branch of `__init__` sends with the SDK's default on that path), a factory
    function of the file, and a function of the module's own (`_ask(client, ...)`)
    every call of which hands it a client built without one. Silent too when the
    project pins an SDK older than the refusal (its lock file, requirements, `pyproject.toml` or Pipfile allows only
    versions before 0.47.0, or before 0.52.0 for the per-model caps): that SDK sends
    the request. A pin the request itself contradicts does not count: a keyword (or a
    resource) the pinned SDK lacks (`thinking=` needs 0.47.0, `client.beta.messages` and
    its `betas=` 0.36.0) would fail there before sending, so the SDK that runs is newer.

    A limit the run may supply with a default the code writes (`data.get("max_tokens",
    64000)` on a request payload, `int(os.getenv("MAX_TOKENS", "64000"))`, `os.getenv(...)
    or 64000`, an argparse option's or a settings class's default) is judged by that
    default, and the finding says "by default"; so is a model given that way
    (`os.getenv("MODEL", "claude-opus-4-20250514")`).

    Fix safety: `--unsafe-fixes` rewrites `x = client.messages.create(...)` (or
    `return ...`, awaited or not) into `with client.messages.stream(...) as stream:` and
    `x = stream.get_final_message()`, which returns the same `Message`. Elsewhere (the
    call inside a larger expression) the suggestion is shown for you to apply.

    ## Example
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=msgs)
    ```

    ## Use instead
    ```python
    with client.messages.stream(model="claude-sonnet-4-6", max_tokens=32000, messages=msgs) as stream:
        message = stream.get_final_message()
    ```
    """

    code = "CL008"
    name = "stream-required"
    summary = "non-streaming call the Anthropic SDK refuses for its max_tokens"
    severity = "error"

    @staticmethod
    def examples():
        fires = [
            Invalid(HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n', row=3,
                    message="Non-streaming call with max_tokens=32,000: the Anthropic SDK raises `Streaming is required` before sending it "
                    "(3600 s x 32,000 / 128,000 = 900 s exceeds the SDK's 600 s default timeout)"),
            # above Opus 4's non-streaming cap
            Invalid("from anthropic import Anthropic\nclient = Anthropic(max_retries=3)\n"
                    'client.messages.create(model="claude-opus-4-20250514", max_tokens=10000, messages=[])\n',
                    row=3, message="it is above claude-opus-4-20250514's non-streaming limit of 8,192"),
            # the project pins an SDK that has the check (a lower bound only does not say otherwise)
            Invalid({"requirements.txt": "anthropic>=0.40\n", "app/example.py": HEAD + LONG}, row=3, path="app/example.py"),
            Invalid({"uv.lock": '[[package]]\nname = "anthropic"\nversion = "0.118.0"\n', "example.py": HEAD + LONG}, row=3),
            # 0.48 has the 10-minute check but not yet the per-model caps: the first still holds
            Invalid({"requirements.txt": "anthropic==0.48.0\n", "example.py": HEAD + LONG}, row=3),
            # the pin is older than the refusal, but the request passes a keyword that SDK lacks (even through a
            # params dict): the SDK that runs is newer than the pin
            Invalid({"requirements.txt": "anthropic==0.18.0\n", "example.py": HEAD + "def run(budget):\n"
                     '    params = {"model": "claude-sonnet-4-6", "max_tokens": 64000, "messages": []}\n'
                     '    if budget:\n        params["thinking"] = {"type": "enabled", "budget_tokens": budget}\n'
                     "    return client.messages.create(**params)\n"}, row=4,
                    message="but the request passes `thinking`, which only 0.47.0 and later accept: the SDK that runs is newer than the pin"),
            Invalid({"api/requirements.txt": "anthropic==0.33.0\n", "api/example.py": HEAD +
                     'client.beta.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[], betas=["x"])\n'},
                    row=3, path="api/example.py", message="calls `beta.messages.create`, which only 0.36.0 and later accept"),
            # the default written for a value the request payload or the environment may supply
            Invalid(HEAD + "def handle(data):\n    max_tokens = data.get('max_tokens', 64000)\n"
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens, messages=[])\n',
                    row=5, message="max_tokens=64,000 by default (the default of the value read at line 4, sent unless the run supplies another)"),
            Invalid("import os\n" + HEAD + 'LIMIT = int(os.getenv("MAX_TOKENS", "32000"))\n'
                    'client.messages.create(model="claude-sonnet-4-6", max_tokens=LIMIT, messages=[])\n', row=5, message="max_tokens=32,000 by default"),
            Invalid("import os\n" + HEAD + 'client.messages.create(model=os.getenv("MODEL", "claude-opus-4-20250514"), max_tokens=10000, messages=[])\n',
                    row=4, message="it is above claude-opus-4-20250514's non-streaming limit of 8,192"),
            Invalid("from flask import request\n" + HEAD + "def process():\n"
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=request.json.get("max_tokens", 100000), messages=[])\n',
                    row=5, message="max_tokens=100,000 by default"),
            Invalid("import argparse\n" + HEAD + "parser = argparse.ArgumentParser()\n"
                    'parser.add_argument("--max-tokens", type=int, default="64000")\nargs = parser.parse_args()\n'
                    'client.messages.create(model="claude-sonnet-4-6", max_tokens=args.max_tokens, messages=[])\n',
                    row=7, message="max_tokens=64,000 by default"),
            Invalid("import os\n" + HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=int(os.getenv("MAX_TOKENS") or 64000), messages=[])\n',
                    row=4, message="max_tokens=64,000 by default"),
            # a settings object's field default, when the function is handed the settings
            Invalid("from pydantic import BaseModel\n" + HEAD + "class Settings(BaseModel):\n    max_tokens: int = 64000\n"
                    "def run(settings: Settings):\n"
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=settings.max_tokens, messages=[])\n',
                    row=7, message="max_tokens=64,000 by default (the default of the value read at line 7"),
            # a wrapper's keyword the caller may pass, popped with its default
            Invalid(HEAD + "def ask(prompt, **kwargs):\n    limit = kwargs.pop('max_tokens', 32000)\n"
                    '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=limit, messages=[{"role": "user", "content": prompt}])\n',
                    row=5, message="max_tokens=32,000 by default"),
        ]
        # the client's construction seen on its way: handed by every call of a function of the module's
        # own, bound in either branch, made by a factory of the file, built from a dict of known keys
        HANDED = ("import anthropic\n\ndef _ask(client, prompt, max_tokens=64000):\n"
                  '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=max_tokens, messages=[{"role": "user", "content": prompt}])\n\n'
                  "def main(base_url):\n    kwargs = {}\n    if base_url:\n        kwargs['base_url'] = base_url\n"
                  "    client = anthropic.Anthropic(**kwargs)\n    return _ask(client, 'hi')\n")
        BRANCHES = ("import anthropic\nclass Writer:\n    def __init__(self, slow):\n        if slow:\n"
                    "            self.client = anthropic.Anthropic(timeout=1800)\n        else:\n            self.client = anthropic.Anthropic()\n"
                    "    def write(self, q):\n"
                    '        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[{"role": "user", "content": q}])\n')
        FACTORY = ("import anthropic\n\ndef make_client():\n    return anthropic.Anthropic(max_retries=5)\n\n"
                   'make_client().messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n')
        # built on first use: the `None` it starts as sends nothing, so the one client built decides
        LAZY = ("import anthropic\nclass Writer:\n    def __init__(self):\n        self.client = None\n"
                "    def write(self, q):\n        if self.client is None:\n            self.client = anthropic.Anthropic()\n"
                '        return self.client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[{"role": "user", "content": q}])\n')
        fires = [*fires, Invalid(HANDED, row=4), Invalid(BRANCHES, row=9), Invalid(FACTORY, row=6), Invalid(LAZY, row=8)]
        silent = [
            # the same shapes with a timeout on the client's path
            HANDED.replace("kwargs = {}", "kwargs = {'timeout': 900}"),
            HANDED + "\ndef slow():\n    return _ask(anthropic.Anthropic(timeout=1800), 'long')\n",  # one caller passes a timeout
            HANDED.replace("_ask", "ask"),  # a public function: other modules may hand it a client with a timeout
            BRANCHES.replace("anthropic.Anthropic()", "anthropic.Anthropic(timeout=900)"),
            BRANCHES.replace("anthropic.Anthropic()", "make_client()"),  # the other branch's client is not seen
            FACTORY.replace("max_retries=5", "timeout=1800"),
            LAZY.replace("anthropic.Anthropic()", "anthropic.Anthropic(timeout=1800)"),
            # argparse choices: the user picks one of them, none is the default
            "import argparse\n" + HEAD + "parser = argparse.ArgumentParser()\n"
            'parser.add_argument("--max-tokens", type=int, choices=[4096, 64000])\nargs = parser.parse_args()\n'
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=args.max_tokens, messages=[])\n',
            # a default within the limit; a value with no written default; a choice, not a default
            HEAD + "def handle(data):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=int(data.get('max_tokens', 4096)), messages=[])\n",
            HEAD + "def handle(data):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=int(data['max_tokens']), messages=[])\n",
            HEAD + "def handle(data, big):\n    return client.messages.create(model='claude-sonnet-4-6', max_tokens=64000 if big else 4096, messages=[])\n",
            HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, stream=True, messages=[])\n',
            HEAD + 'with client.messages.stream(model="claude-sonnet-4-6", max_tokens=32000, messages=[]) as s:\n    s.get_final_message()\n',
            HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, timeout=1800, messages=[])\n',
            HEAD + 'client.with_options(timeout=1800).messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n',
            "import anthropic\nclient = anthropic.Anthropic(timeout=1800)\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n',
            # the SDK takes the timeout of a custom http client (here 600 s, not httpx's default)
            "import anthropic, httpx\nclient = anthropic.Anthropic(http_client=httpx.Client(timeout=600))\n"
            'client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n',
            HEAD + 'client.messages.create(model="claude-sonnet-4-6", max_tokens=21333, messages=[])\n',
            # the project pins an SDK older than the refusal (0.47.0; 0.52.0 for the per-model caps): it sends the request
            {"backend/requirements.txt": "anthropic==0.40.0\n", "backend/gen/example.py": HEAD + LONG},
            {"svc/pyproject.toml": '[tool.poetry.dependencies]\nanthropic = "^0.42.0"\n', "svc/example.py": HEAD + LONG},
            {"requirements.txt": "anthropic==0.48.0\n", "example.py": "from anthropic import Anthropic\nclient = Anthropic()\n"
             'client.messages.create(model="claude-opus-4-20250514", max_tokens=10000, messages=[])\n'},
            # keywords the pinned SDK already accepts (tools since 0.27.0) say nothing against the pin
            {"requirements.txt": "anthropic==0.40.0\n", "example.py": HEAD +
             'client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, tools=[], tool_choice={"type": "auto"}, messages=[])\n'},
            {"requirements.txt": "anthropic==0.40.0\n", "example.py": HEAD +
             'client.beta.messages.create(model="claude-sonnet-4-6", max_tokens=32000, betas=["x"], messages=[])\n'},
            # the client comes from elsewhere: it may carry a timeout
            "import anthropic\n\ndef run(client: anthropic.Anthropic):\n"
            '    return client.messages.create(model="claude-sonnet-4-6", max_tokens=32000, messages=[])\n',
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        site = call.site
        shape = api_facts(site.provider, site.api)
        if shape is None or not shape.nonstreaming_limit or site.streaming:
            return
        written, default_at = call.written("max_tokens")
        limit = written.value if isinstance(written, Lit) and type(written.value) is int else None
        if limit is None or call.open or site.client_timeout is not False:
            return
        stream = call.value("stream")
        if stream is not None and not (isinstance(stream, Lit) and stream.value is False):
            return
        if call.value("timeout") is not None:
            return
        model = ctx.model(call) or ctx.default_model(call)
        cap = model.nonstreaming_max if model is not None else None
        if limit >= shape.nonstreaming_limit:
            # Integer arithmetic: a 400-digit max_tokens is too large for a float.
            seconds = (3600 * limit + 64_000) // 128_000
            why = f"3600 s x {tokens(limit)} / 128,000 = {seconds:,} s exceeds the SDK's 600 s default timeout"
            since = TIMEOUT_CHECK_SINCE
        elif cap is not None and limit > cap:
            why = f"it is above {model.id}'s non-streaming limit of {tokens(cap)}"
            since = MODEL_CAPS_SINCE
        else:
            return
        pin_note = ""
        if ctx.sdk_below(site.loc.path, "anthropic", since):
            need = needed_release("anthropic", site.api, call.args)
            if need is None or not ctx.sdk_below(site.loc.path, "anthropic", need[0]):
                return  # the SDK the project pins predates the refusal: the request is sent
            # The pinned SDK would refuse the request's own keywords: it is not the SDK that runs.
            passed = f"passes `{need[1]}`, which" if need[1] else f"calls `{site.api}`, which"
            pin_note = (f" The project pins an anthropic SDK older than {release_text(since)}, but the request {passed} only "
                        f"{release_text(need[0])} and later accept: the SDK that runs is newer than the pin.")
        arg = call.arg("max_tokens")
        from claude_lint.fixes import streaming  # libcst only when a fix is built

        fix = streaming.build(call, ctx.sources) or Fix(
            "Use client.messages.stream(...) and stream.get_final_message(), or pass stream=True or timeout=", "display-only"
        )
        by_default = "" if default_at is None else f" by default (the default of the value {_place(default_at, site.loc)}, sent unless the run supplies another)"
        yield self.diagnostic(
            arg.at if arg is not None else site.loc,
            f"Non-streaming call with max_tokens={tokens(limit)}{by_default}: the Anthropic SDK raises `Streaming is required` before sending it "
            f"({why}). Use messages.stream(...) / stream=True, or pass an explicit timeout=.{pin_note}",
            fix=fix,
        )


def _place(at: Loc, call_at: Loc) -> str:
    """Where a default is read, as a message names it: `line 12`, or `config.py:12` in another file."""
    return f"read at line {at.row}" if at.path == call_at.path else f"read at {at.path}:{at.row}"
