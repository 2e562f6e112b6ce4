from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterator

from claude_lint.checks.base import Context, Invalid, Rule
from claude_lint.diagnostics import Diagnostic
from claude_lint.link import Call

HEAD = "import anthropic\nfrom time import sleep\nclient = anthropic.Anthropic()\n"
REQUEST = 'client.messages.create(model="claude-sonnet-4-6", max_tokens=500, messages=messages)'


class RetryUnbounded(Rule):
    """## What it does
    Flags a request whose own error handler sends it again with nothing counting the
    attempts: an `except` that calls the enclosing function again (recursion), or a
    `while True` / `while flag` loop that a success leaves and the handler does not
    (it logs, sleeps and goes round again).

    ## Why is this bad?
    An error that does not clear by itself (a malformed or rejected request, a
    retired model, an exhausted quota, a revoked key) turns into an endless loop that
    hangs the program, or a recursion that ends in `RecursionError`. When the error is
    a client-side timeout the server may have processed (and billed) the request, and
    every retry sends the whole prompt again: with no bound, there is no ceiling on
    that bill.

    The Anthropic SDK already retries a failed request with backoff (`max_retries`,
    2 by default, settable on the client); a loop of one's own is rarely needed.

    ## Example
    ```python
    def ask(messages):
        try:
            return client.messages.create(model=M, max_tokens=500, messages=messages)
        except anthropic.RateLimitError:
            sleep(60)
            return ask(messages)
    ```

    ## Use instead
    ```python
    client = anthropic.Anthropic(max_retries=5)  # backoff, then the error
    ```
    or count: `for attempt in range(5): ...`, `tenacity.retry(stop=stop_after_attempt(5))`,
    `backoff.on_exception(..., max_tries=5)`.

    ## Fix safety
    No automatic fix: how many attempts an error deserves is the author's call.
    """

    code = "CL015"
    name = "retry-unbounded"
    summary = "an error handler that reissues the request with no attempt bound"

    @staticmethod
    def examples():
        fires = [
            # recursion from the handler (Sefaria's _api_call shape)
            HEAD + "class Claude:\n    def _api_call(self, messages):\n        try:\n            return " + REQUEST + "\n"
            "        except anthropic.InternalServerError:\n            sleep(5)\n            return self._api_call(messages)\n"
            "        except anthropic.RateLimitError:\n            sleep(600)\n            return self._api_call(messages)\n",
            # a flag loop that only success clears (smol-ai's generate_response shape)
            Invalid(HEAD + "def generate(messages):\n    keep_trying = True\n    while keep_trying:\n        try:\n"
                    "            response = " + REQUEST + "\n            keep_trying = False\n        except Exception as e:\n"
                    "            print('Failed, retrying', e)\n            sleep(30)\n    return response\n",
                    row=8, message="The handler `except Exception` at line 10 goes round the loop again with nothing counting the attempts"),
            # while True with a return on success and continue in the handler
            HEAD + "def ask(messages):\n    while True:\n        try:\n            return " + REQUEST + "\n"
            "        except Exception:\n            sleep(1)\n            continue\n",
            # a name passed on and counted, but compared with nothing: no bound
            HEAD + "def ask(messages, i=0):\n    try:\n        return " + REQUEST + "\n"
            "    except Exception:\n        i += 1\n        return ask(messages, i)\n",
        ]
        silent = [
            # a counted loop
            HEAD + "def ask(messages):\n    for attempt in range(5):\n        try:\n            return " + REQUEST + "\n"
            "        except anthropic.RateLimitError:\n            sleep(2 ** attempt)\n    raise RuntimeError('gave up')\n",
            # a counter compared in the handler, which raises past the bound
            HEAD + "def ask(messages):\n    tries = 0\n    while True:\n        try:\n            return " + REQUEST + "\n"
            "        except Exception:\n            tries += 1\n            if tries > 5:\n                raise\n            sleep(1)\n",
            # a counter passed on positionally, counted and compared in the handler (LogicKor's
            # create_answers: `if i > 3: return ...`, then `i += 1`, `create_answers(..., i)`)
            HEAD + "def judge(messages, i=0):\n    try:\n        return " + REQUEST + "\n"
            "    except Exception:\n        if i > 3:\n            return None\n        i += 1\n        return judge(messages, i)\n",
            # the recursion counts down
            HEAD + "def ask(messages, retries=3):\n    try:\n        return " + REQUEST + "\n"
            "    except anthropic.APIError:\n        if not retries:\n            raise\n        return ask(messages, retries - 1)\n",
            # a polling loop: it goes on after a success too, the handler only logs
            HEAD + "def worker(queue):\n    while True:\n        messages = queue.get()\n        try:\n            print(" + REQUEST + ")\n"
            "        except Exception as e:\n            print(e)\n",
            # the recursive call leaves a required argument out: it raises TypeError in the
            # handler and sends nothing again (a retry that cannot run is a bug, not a bill)
            HEAD + "def ask(messages, region):\n    try:\n        return " + REQUEST + "\n"
            "    except Exception:\n        return ask(messages)\n",
            # the handler gives up
            HEAD + "def ask(messages):\n    while True:\n        try:\n            return " + REQUEST + "\n"
            "        except Exception:\n            print('API error')\n            sys.exit(1)\n",
            # a chat prompt's loop: after an error (or Ctrl+C) it waits for the user's next line
            HEAD + "def chat(messages):\n    while True:\n        try:\n            line = input('You: ')\n            if line == '/quit':\n"
            "                break\n            messages.append({'role': 'user', 'content': line})\n            print(" + REQUEST + ")\n"
            "        except KeyboardInterrupt:\n            continue\n        except Exception as e:\n            print('Error:', e)\n",
        ]
        return fires, silent

    def check_call(self, call: Call, ctx: Context) -> Iterator[Diagnostic]:
        retry = call.site.retry
        if retry is None or call.site.local:
            return
        how = ("calls the function again" if retry.kind == "recursion"
               else "goes round the loop again")
        handler = "`except:`" if retry.caught == "any exception" else f"`except {retry.caught}`"
        where = f"line {retry.handler.row}" if retry.handler.path == call.site.loc.path else retry.handler.short()
        yield self.diagnostic(
            call.site.loc,
            f"The handler {handler} at {where} {how} with nothing counting the attempts: an error "
            "that does not clear (a rejected request, a retired model, an exhausted quota) retries forever, and each retry after a "
            "timeout may bill the whole prompt again, with no ceiling in the worst case. Bound it (for attempt in range(5), tenacity "
            "stop_after_attempt, backoff max_tries) or rely on the SDK's own max_retries.",
        )
