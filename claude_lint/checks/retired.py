from __future__ import annotations

import datetime
import re
from typing import Iterator, Optional

from claude_lint.checks.base import Context, Rule
from claude_lint.diagnostics import Diagnostic, Edit, Fix
from claude_lint.facts import Text
from claude_lint.link import Call

HEAD = "import anthropic\nclient = anthropic.Anthropic()\n"
CALL = 'client.messages.create(model="{model}", max_tokens=300, messages=[])\n'
# A platform prefix the fix keeps: LiteLLM's "anthropic/", init_chat_model's "anthropic:".
_PREFIX = re.compile(r"^(?:anthropic|openai)[/:]")
# Bedrock and Vertex keep their own lifecycle schedules: their IDs are not judged.
_PLATFORM = re.compile(r"^(?:bedrock|vertex_ai)/|^(?:(?:us|eu|apac|jp|au|global|us-gov)\.)?anthropic\.|@")
_LOOKS_LIKE_MODEL = re.compile(r"^(?:claude|gpt|o\d)[-.a-z0-9]*$")


class RetiredModel(Rule):
    """## What it does
    Flags a model ID that the catalogue lists as retired (an error: every request
    fails) or deprecated (a warning naming the retirement date and the successor), and
    an unknown ID that is a near-certain typo of a known one (`claude-sonet-4-6`).

    ## Why is this bad?
    A retired model answers every request with an error; a deprecated one will, on a
    date already announced. Both usually surface in production, not in review. A
    misspelt ID fails the same way. Each finding names the catalogue's successor and
    the source (with its date) the lifecycle data comes from.

    Only strings passed as the model of a recognised call are judged. Bedrock and
    Vertex IDs are skipped: those platforms retire models on their own schedules.
    A typo must match a known ID closely (similarity of at least `typo-cutoff`) and
    carry the same version numbers, so a newer model the catalogue does not know yet
    (`claude-sonnet-5-6`) is never reported as a typo.

    The attached fix (unsafe: the successor may behave or cost differently) replaces
    the ID inside its quotes.

    ## Example
    ```python
    client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, messages=msgs)
    ```

    ## Use instead
    ```python
    client.messages.create(model="claude-sonnet-4-6", max_tokens=1024, messages=msgs)
    ```

    ## Options
    - `typo-cutoff` (float, 0.9): the smallest difflib similarity reported as a typo.
    """

    code = "CL007"
    name = "model-retired"
    summary = "retired, deprecated or misspelt model ID"
    severity = "error"
    options = {"typo-cutoff": 0.9}
    fires = [
        HEAD + CALL.format(model="claude-3-5-sonnet-20241022"),
        # deprecated: warning with the retirement date
        HEAD + CALL.format(model="claude-sonnet-4-5"),
        # a typo of a known ID
        HEAD + CALL.format(model="claude-sonet-4-6"),
        # through LiteLLM, provider prefix kept
        'import litellm\nlitellm.completion(model="anthropic/claude-3-opus-20240229", messages=[], max_tokens=100)\n',
        # OpenAI
        'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4", messages=[], max_tokens=100)\n',
    ]
    silent = [
        HEAD + CALL.format(model="claude-sonnet-4-6"),
        # a newer model the catalogue does not know: version numbers differ, not a typo
        HEAD + CALL.format(model="claude-sonnet-5-6"),
        # Bedrock keeps its own schedule
        "from anthropic import AnthropicBedrock\nclient = AnthropicBedrock()\n"
        'client.messages.create(model="anthropic.claude-opus-4-1-20250805-v1:0", max_tokens=300, messages=[])\n',
        # the same string outside a model argument
        HEAD + 'NOTE = "claude-3-opus-20240229 was great"\n' + CALL.format(model="claude-haiku-4-5"),
        # run-time model: nothing to judge
        "import os\n" + HEAD + 'client.messages.create(model=os.environ["MODEL"], max_tokens=300, messages=[])\n',
    ]

    # Through a project's wrapper: reported where the ID is written, the wrapper's default
    # (once for all its calls) or the caller's argument.
    ASK = "def ask(q, model='{model}'):\n    return client.messages.create(model=model, max_tokens=300, messages=[{{'role': 'user', 'content': q}}])\n"
    fires = [
        *fires,
        HEAD + ASK.format(model="claude-3-opus-20240229") + "\nask('a')\nask('b')\n",
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

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        raw = call.model_id()
        arg = call.arg("model")
        if raw is None or arg is None or call.site.provider in ("bedrock", "vertex") or _PLATFORM.search(raw):
            return
        bare = _PREFIX.sub("", raw)
        model = ctx.catalog.lookup(bare)
        if model is None:
            yield from self._typo(call, bare, raw, arg, ctx)
            return
        if model.status == "active" and not _past(model.retires):
            return
        successor = f" Use {model.successor} instead." if model.successor else ""
        loc = getattr(arg.value, "loc", None)
        if loc is not None and (loc.path, loc.row) != (arg.at.path, arg.at.row):
            successor += f" The ID is set at {loc.path}:{loc.row}."
        source = f" (catalogue source: {model.source})" if model.source else ""
        fix = _fix(arg.value, arg.at, raw, bare, model.successor, f"Replace {bare} with {model.successor}") if model.successor else None
        if model.status == "retired" or _past(model.retires):
            when = f" on {model.retires}" if model.retires else ""
            yield self.diagnostic(arg.at, f"Model {bare} was retired{when}: every request to it fails.{successor}{source}", fix=fix)
        else:
            when = f"will be retired on {model.retires}" if model.retires else "is deprecated"
            yield self.diagnostic(
                arg.at, f"Model {bare} is deprecated and {when}; requests fail after that date.{successor}{source}", severity="warning", fix=fix
            )

    def _typo(self, call: Call, bare: str, raw: str, arg, ctx: Context) -> Iterator[Diagnostic]:
        if not _LOOKS_LIKE_MODEL.match(bare.lower()):
            return
        known = sorted({k for m in ctx.catalog.models.values() for k in (m.id, *m.aliases)})
        digits = re.findall(r"\d+", bare)
        import difflib  # here: only an unknown model ID needs it

        close = [k for k in difflib.get_close_matches(bare.lower(), known, n=3, cutoff=float(ctx.option("typo-cutoff"))) if re.findall(r"\d+", k) == digits]
        if not close:
            return
        best = close[0]
        yield self.diagnostic(
            arg.at,
            f"Unknown model ID {bare!r} looks like a typo of {best!r}: the API rejects unknown models. Use {best}.",
            fix=_fix(arg.value, arg.at, raw, bare, best, f"Replace {bare} with {best}"),
        )


def _past(date: Optional[str]) -> bool:
    if not date:
        return False
    try:
        return datetime.date.fromisoformat(date) <= datetime.date.today()
    except ValueError:
        return False


def _fix(value: object, at, raw: str, bare: str, new: str, message: str) -> Optional[Fix]:
    """An edit inside the quotes of the literal that holds the ID, or None when it is not one plain
    literal written at the call (a constant of another module is edited where it is defined, by hand)."""
    loc = getattr(value, "loc", None)
    if not isinstance(value, Text) or loc is None or loc.row != loc.end_row or len(value.parts) != 1:
        return None
    if (loc.path, loc.row, loc.col) != (at.path, at.row, at.col):
        return None
    width = loc.end_col - loc.col
    quote = width - len(raw)
    if quote not in (2, 6):  # one or three quote characters each side, no prefix, no escapes
        return None
    start = loc.col + quote // 2 + (len(raw) - len(bare))
    return Fix(message, "unsafe", (Edit(new, loc.row, start, loc.row, start + len(bare)),))
