"""The class an object is when its class's `__new__` picks a subclass by an argument
(`Chatbot("mistral")`: an Ollama; extract/new_dispatch.py reads both sides). A mixin of
`link.Project`: the wrappers a call on such an object reaches are its picked class's, and
the methods they call through `self` run on that class (its requests only, a local
server's for a local model). Where the value or the choice is not written, nothing is
picked: the call reaches what the class as written reaches (every subclass's override).
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, Optional, Tuple

    from claude_lint.facts import Callee, Invocation

from claude_lint.extract.model_guards import satisfied
from claude_lint.link_sent import by_parameter


class PickedClasses:
    """`_dispatched_for` (what `_reach` asks of each callee) and `_picked_params` (the frame's)."""

    def _dispatched_for(self, inv: Invocation, callee: Callee, path: str, receiver: Optional[Tuple[str, str]], env: dict):
        """`_dispatched`, on the object's picked class where one is: a construction of it
        made or named at this call (its receiver), or handed in as the parameter the method is called on."""
        if callee.method and callee.bound and not callee.bases_only and (inv.made or inv.receiver_param is not None):
            picked = self._picked_receiver(inv, path, env)
            if picked is not None:
                return self._method(picked[0], picked[1], callee.method, True, False, 0), picked  # type: ignore[attr-defined]
        return self._dispatched(callee, path, receiver)  # type: ignore[attr-defined]

    def _picked_receiver(self, inv: Invocation, path: str, env: dict) -> Optional[Tuple[str, str]]:
        for key, klass, strings in inv.made:
            if key == "":
                return self._picked(klass, strings, path)
        frame = env.get((path, inv.function)) if inv.receiver_param is not None else None
        return frame[5].get(inv.receiver_param) if frame is not None and len(frame) > 5 else None

    def _picked_params(self, inv: Invocation, path: str, params: Tuple[str, ...], shift: int, kwonly: Tuple[str, ...]) -> Dict[str, Tuple[str, str]]:
        """The wrapper's parameters handed an object whose class was picked."""
        picked = {key: self._picked(klass, strings, path) for key, klass, strings in inv.made if key}
        return by_parameter({key: p for key, p in picked.items() if p is not None}, params, shift, kwonly)

    def _picked(self, klass: Callee, strings: Tuple[Tuple[str, str], ...], path: str) -> Optional[Tuple[str, str]]:
        """The (file, class) `klass(...)` built with these written strings makes, when its
        `__new__` picks one by them (`ClassInfo.picks`); None when it picks none or its choice is not known."""
        on = (path, klass.target) if klass.local else self._class(klass.target, path, 0)  # type: ignore[attr-defined]
        info = self._index(on[0]).classes.get(on[1]) if on is not None else None  # type: ignore[attr-defined]
        if info is None or not info.picks:
            return None
        param, position, rules, other = info.picks
        given = dict(strings)
        value = given.get(param, given.get(str(position)))
        if value is None:
            return None
        chosen = next((k for how, needle, k in rules if satisfied(how, needle, value)), other)
        if chosen is None:
            return None
        return (on[0], chosen.target) if chosen.local else self._class(chosen.target, on[0], 0)  # type: ignore[attr-defined,index]
