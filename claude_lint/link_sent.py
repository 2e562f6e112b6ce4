"""Where a wrapper's request is sent, from what its callers pass: the client handed in (a
local server's, a gateway's: `Invocation.clients`), a model route or an endpoint passed as
an argument (`ask("ollama/llama3")`, `api_base=...`). What the wrapper writes itself was
read where it is written (`extract/clients.py`, `extract/gateways.py`); an endpoint or model
read from the environment, by what the project's environment file sets (`env_local`)."""
from __future__ import annotations

import os
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

from claude_lint.extract import clients, gateways
from claude_lint.facts import CallSite, Invocation, Loc, Mapping, OneOf, Param, Text
from claude_lint.kinds import display
from claude_lint.safeio import read_regular

# The files a project sets (or shows how to set) its environment in, nearest first: the
# run's own `.env`, then the examples a checkout ships (most often the only configuration
# a repository holds).
ENV_FILES = (".env", ".env.local", ".env.example", ".env.template", ".env.sample", ".env.dist", ".env.default",
             ".env.defaults", "env.example", "example.env", "sample.env", "template.env")
MAX_ENV_BYTES = 64_000
MAX_ENV_FOLDERS = 8  # folders looked in, from the request's up to the project root


def sent_to(resolve: Callable[[object], object], req: CallSite, kwargs: Mapping, values: Dict[str, object], handed: Dict[str, Tuple[bool, Optional[str]]]) -> CallSite:
    """The request `req` of a wrapper as one call makes it: `kwargs` bound to the caller's
    values, `values` and `handed` the caller's values and clients by the wrapper's parameter."""
    client = handed.get(req.client_param) if req.client_param is not None else None
    endpoint = resolve(values.get(req.client_param)) if client is None and req.client_param is not None else None
    if isinstance(endpoint, Text):  # the caller's endpoint the wrapper builds its client with
        client = gateways.of_values(None, [endpoint], False)
    if client is not None:
        req = replace(req, local=client[0], gateway=client[1] or req.gateway)
    own = {k: v for k, v in req.kwargs.entries if k is not None}
    passed = {k: resolve(v) for k, v in kwargs.entries if k is not None and _from_params(own.get(k))}
    models = [passed[k] for k in req.keywords("model") if k in passed]
    endpoints = [v for k, v in passed.items() if k in clients.ENDPOINT_KEYWORDS]
    if req.local or not (models or endpoints):
        return req
    local, gateway = gateways.of_values(models[0] if models else None, endpoints, req.provider == "litellm")
    return replace(req, local=True) if local else replace(req, gateway=req.gateway or gateway)


def handed_clients(inv: Invocation, raw, env: dict, path: str, params: Tuple[str, ...], shift: int, kwonly: Tuple[str, ...]) -> Dict[str, Tuple[bool, Optional[str]]]:
    """(local, gateway) of the clients a call passes, by the wrapper parameter they are bound
    to (`raw`: its positional values before binding): those built where it is made, and
    those it was itself handed by its own caller (an argument that is its parameter)."""
    handed = {key: (local, gateway) for key, local, gateway in inv.clients}
    for i, a in enumerate(raw):
        frame = env.get((path, a.function)) if isinstance(a, Param) else None
        if frame is not None and len(frame) > 4 and a.name in frame[4]:
            handed.setdefault(str(i), frame[4][a.name])
    return by_parameter(handed, params, shift, kwonly)


def by_parameter(passed: dict, params: Tuple[str, ...], shift: int, kwonly: Tuple[str, ...]) -> dict:
    """What a call passes by argument ("0", "1", a keyword), by the wrapper parameter each
    argument is bound to (`shift`: a first positional argument that is the object itself)."""
    found = {name: passed[str(i + shift)] for i, name in enumerate(params) if str(i + shift) in passed}
    found.update((name, passed[name]) for name in (*params, *kwonly) if name in passed)
    return found


def only_local(derived: Iterable[CallSite]) -> Set[Loc]:
    """The requests inside wrappers that every call seen to reach them sends to a local
    server: the request is that server's too (its client, model route or endpoint is
    its callers')."""
    derived = list(derived)
    billed = {loc for site in derived if not site.local for loc in (site.via, *site.also)}
    return {site.via for site in derived if site.local and site.via is not None and not site.also} - billed


def _from_params(value: object) -> bool:
    """A wrapper's value its caller gives: a parameter, or a text one is put in."""
    return isinstance(value, Param) or isinstance(value, Text) and any(isinstance(p, Param) for p in value.parts)


def built_choice(kwargs: Mapping, path: str, env: dict) -> Mapping:
    """A request's values kept by its object's constructor, as one construction passed them:
    for a call on an object built where its arguments are seen (its constructor's frame is
    in `env`), the kept parameter instead of every construction's choice of its file."""
    if not any(isinstance(v, OneOf) and v.kept is not None and (path, v.kept.function) in env for _, v in kwargs.entries):
        return kwargs
    entries = tuple((k, v.kept if isinstance(v, OneOf) and v.kept is not None and (path, v.kept.function) in env else v) for k, v in kwargs.entries)
    return replace(kwargs, entries=entries)


def env_local(project, site: CallSite) -> bool:
    """Is a request whose endpoint or model is read from the environment (`site.env_route`)
    sent to a server on the user's machine by the project's environment files? Each
    variable is looked up in the nearest file that sets it; the request is local when one
    names a local server and none names another endpoint."""
    if site.local or not site.env_route:
        return False
    settings = _env_settings(project, site.path)
    values = [settings[name] for name in site.env_route if name in settings]
    if not values:
        return False
    local = [clients.LOCAL_MODEL.match(v) is not None or clients.sdk.local_evidence([v]) for v in values]
    return any(local) and all(ok or not _url_like(v) for ok, v in zip(local, values))


def _url_like(value: str) -> bool:
    return "://" in value or value.startswith("www.")


def _env_settings(project, path: str) -> Dict[str, str]:
    """The variables the environment files set for a file of the project, nearest folder first."""
    folder = os.path.dirname(project._real(os.path.abspath(path)))
    folders: List[str] = []
    while project.inside(folder) and len(folders) < MAX_ENV_FOLDERS:
        folders.append(folder)
        if folder == project.root:
            break
        folder = os.path.dirname(folder)
    found: Dict[str, str] = {}
    for folder in folders:
        for name in ENV_FILES:
            for key, value in _env_file(project, os.path.join(folder, name)).items():
                found.setdefault(key, value)
    return found


def _env_file(project, path: str) -> Dict[str, str]:
    """`KEY=value` lines of one environment file (`export` and quotes allowed), read once per
    run; kept among the linker's files, so that a kept run is replayed only while it holds."""
    memo = project._memo.get(("env", path))
    if memo is not None:
        return memo
    found: Dict[str, str] = {}
    real = project._real(path)
    try:
        # (a link to a file outside the project is not read, as a prompt file is not)
        if project.inside(real):
            # read through safeio: a FIFO or a device named `.env` is refused, never waited on
            content = read_regular(real, MAX_ENV_BYTES).decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
            project._files.setdefault(real, Text((content,), Loc(display(path), 1, 1, content.count("\n") + 1, 1)))
            for line in content.splitlines():
                key, eq, value = line.strip().removeprefix("export ").partition("=")
                value = value.strip()
                if value[:1] in "\"'" and value[:1] and value.endswith(value[0]) and len(value) > 1:
                    value = value[1:-1]
                else:
                    value = value.split(" #", 1)[0].strip()
                if eq and value and key.strip().isidentifier():
                    found.setdefault(key.strip(), value)
    except OSError:
        pass
    project._memo[("env", path)] = found
    return found


def guarded_sites(linker, inv: Invocation, path: str) -> list:
    """The requests one call of a wrapper makes (`Linker._sites`); a bug of ours met there is
    reported as an internal error and costs that call alone, never the run (a traceback)."""
    try:
        return linker._sites(inv, path)
    except MemoryError:
        raise  # not a bug: the run's own memory limit
    except Exception as exc:
        linker.internal_errors.append(f"{display(inv.path)}:{inv.loc.row}: linking a wrapper call: {type(exc).__name__}: {exc}")
        return []
