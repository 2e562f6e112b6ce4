"""The calls of a project's wrapper, for the conversation rules (CL004, CL011): a wrapper whose
own request grows the list in a loop (an agent's tool loop that appends each step) shows
the same growth at every call of it. The request says it once and names those calls; a
call of the wrapper says it itself only where its list is not the request's own (the
caller's, kept across its turns), or where the request stays silent (the caller passes the
model that decides it)."""
from __future__ import annotations

from dataclasses import replace

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Callable, Dict, Iterator, List

    from claude_lint.diagnostics import Diagnostic
    from claude_lint.link import Call
    from claude_lint.facts import Loc


def history_at(call: Call) -> Loc:
    """Where a conversation finding goes: the messages argument, or the request itself when its
    messages are a key of a JSON body (Bedrock's `invoke_model(body=json.dumps(...))`), a body
    that may be built lines above the request or by a helper."""
    arg = call.arg("messages")
    if arg is None or call.site.via is None and all("." in name for name in call.site.keywords("messages") if name in call.args):
        return call.site.loc
    return arg.at


def judged(calls: List[Call], judge: Callable[[Call], List[Diagnostic]]) -> Iterator[Diagnostic]:
    """The findings of `judge` on the calls of a wrapper (a request's own are its rule's
    `check_call`'s, which carry its fix), each naming the places it stands for as the engine
    names them for a call's findings; a request whose calls are left unsaid gets a copy of
    its finding naming them, which the engine merges into the one at the same place."""
    requests = {c.site.loc: c for c in calls if c.site.via is None and not c.site.local}
    found: Dict[Loc, List[Diagnostic]] = {}
    callers: Dict[Loc, List[Loc]] = {}
    for call in calls:
        site = call.site
        if site.via is None or site.local:
            continue
        request = requests.get(site.via)
        if request is not None and site.history is not None and request.site.history == site.history:
            if site.via not in found:
                found[site.via] = judge(request)
            if found[site.via]:
                callers.setdefault(site.via, []).extend((site.loc, *site.also))  # the request's own loop grows the list
                continue
        for d in judge(call):
            yield d.naming(dict.fromkeys((site.loc, site.via, *site.also)))
    for loc, places in callers.items():
        for d in found[loc]:
            yield replace(d.naming(dict.fromkeys((loc, *places))), fix=None)
