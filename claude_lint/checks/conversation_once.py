"""One conversation, one finding (CL004, CL011), where a wrapper's calls show it twice:

- a call of a wrapper whose route into the request runs through another call of a wrapper
  handing the same list (`app.on_submit(respond)`, where `respond` calls `reply(text, history)`):
  the list is handed at the inner call, which says it; the outer call names no other list;
- a request whose list is only a caller's (`CallSite.passed_history`: the caller's call is
  judged as another request the wrapper may make): said at that caller's call, which names
  this request, unless the caller's call stays silent (its own request is not a Claude one)."""
from __future__ import annotations

from claude_lint.checks import wrapper_calls

TYPE_CHECKING = False  # typing is for the annotations alone
if TYPE_CHECKING:
    from typing import Callable, Iterator, List

    from claude_lint.diagnostics import Diagnostic
    from claude_lint.link import Call


def said_at_callers(call: Call) -> bool:
    """A request resending only a caller's list: judged with its callers (`judged`)."""
    site = call.site
    return site.via is None and site.history is None and site.passed_history is not None


def judged(calls: List[Call], judge: Callable[[Call], List[Diagnostic]]) -> Iterator[Diagnostic]:
    """`wrapper_calls.judged` on the calls that hand their own list, then the requests
    resending only a caller's list that no call of their wrapper reported."""
    handing = {c.site.loc: c.site.history for c in calls if c.site.via is not None and c.site.history is not None}
    kept = [c for c in calls if c.site.via is None or not _handed_further_in(c, handing)]
    said = set()

    def recording(call: Call) -> List[Diagnostic]:
        found = judge(call)
        if found and call.site.via is not None:
            said.update((call.site.via, *call.site.also))
        return found

    yield from wrapper_calls.judged(kept, recording)
    for call in calls:
        if said_at_callers(call) and not call.site.local and call.site.loc not in said:
            for d in judge(call):
                yield d.naming((call.site.loc,))  # as the engine names a request's own findings


def _handed_further_in(call: Call, handing) -> bool:
    history = call.site.history
    return history is not None and any(handing.get(loc) == history for loc in call.site.through)
