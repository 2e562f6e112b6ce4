"""The environment variables a request's endpoint or model is read from (`api_base=
os.getenv("LLM_BASE")`, a client built with `base_url=os.environ["LLM_URL"]`).

The code alone does not say where such a request goes; the project's environment file
may (`.env.example`: `LLM_BASE=http://localhost:11434`). The names are kept as facts and
`link_env` reads them against those files: a request every such variable of which the
project configures for a local server is that server's, never billed."""
from __future__ import annotations

import ast
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Iterable, Tuple

from claude_lint.extract import clients
from claude_lint.extract.scopes import Scope, positional
from claude_lint.patterns import lazy

MAX_NAMES = 4
# `os.getenv("X")`, `os.environ.get("X")`, `os.environ["X"]`, `environ.get('X', ...)`, `getenv("X")`: its name.
_ENV_READ = lazy(r"""(?:\bgetenv\(|\benviron(?:\.get\(|\[))\s*["']([A-Za-z_][A-Za-z0-9_]{0,80})["']""")
MODEL_KEYWORDS = ("model", "model_name", "model_id")


def names(ev, call: ast.Call, scope: Scope) -> Tuple[str, ...]:
    """The variables read by a call's endpoint keywords, and by its model (a LiteLLM route
    such as `ollama/mistral` names its server too)."""
    exprs = [k.value for k in call.keywords if k.arg in clients.ENDPOINT_KEYWORDS or k.arg in MODEL_KEYWORDS]
    exprs += positional(call)[:1]
    return read_in(ev, exprs, scope)


def read_in(ev, exprs: Iterable[ast.expr], scope: Scope) -> Tuple[str, ...]:
    found = []
    for expr in exprs:
        for text in clients.endpoint_texts(ev, expr, scope):
            for m in _ENV_READ.finditer(text):
                if m.group(1) not in found:
                    found.append(m.group(1))
    return tuple(found[:MAX_NAMES])


def of_clients(ev, built, call: ast.Call, scope: Scope) -> Tuple[str, ...]:
    """The variables of a method request: those its client is built with (every
    construction seen), and those of its own model keyword."""
    found = list(read_in(ev, [k.value for k in call.keywords if k.arg in MODEL_KEYWORDS], scope))
    for made, owner in built:
        found += [n for n in names(ev, made, owner) if n not in found]
    return tuple(found[:MAX_NAMES])
