"""What another module decides about a value: a constant it sets, a helper it copies with.

A module's constant set again from outside it (`extract/overrides.py`): `import te;
te.PROMPT = MINE` before calling te's functions. A mixin of `link.Project`.

What such a constant holds when it is read is one of the values written for it, not the
one its module writes, so rules needing one fixed value stay silent and a rule judging
each value sees them all:
- read from another module (`te.PROMPT`, a `Ref`): one of them, whoever reads it;
- read by its own module's requests (folded into them when that file was extracted): one
  of them for a request whose call is made from a file that sets it; the module's own
  calls, and those of files that never set it, send what it writes (a script setting it
  at its top level changes it for its own run, not for the module run alone).

A method a class inherits from another module's class (`self._sanitize(messages)`) that
returns a copy of its argument (`marked_copies.copy_facts`) sends that argument, marked as
the copy marks it.
"""
from __future__ import annotations

import os
from dataclasses import replace
TYPE_CHECKING = False  # typing is for the annotations alone: its import was 7% of a one-file run
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from claude_lint.extract import marked_copies, overrides
from claude_lint.facts import CallSite, FileFacts, Lit, Mapping, OneOf, Seq, Text, Transform, Unknown

MAX_SWAP_NODES = 4000  # value nodes rebuilt for one call
_WHY = "{} is set again from outside its module"

# (real path of the setting file, the value it sets)
if TYPE_CHECKING:
    _Set = Tuple[str, object]


class OverrideResolver:
    """`Project.note_overrides`, and the two places values read them."""

    def note_overrides(self, facts: FileFacts) -> None:
        notes = [(name, value) for name, value in facts.constants if name.startswith(overrides.SET)]
        if notes:
            seen = self.__dict__.setdefault("_override_notes", {})
            for name, value in notes:
                seen.setdefault((self._real(facts.abspath), name, getattr(value, "loc", None)), value)
            self.__dict__["_override_index"] = None

    def _overrides(self) -> Dict[str, Dict[str, List[_Set]]]:
        """real path -> constant name -> every value another module sets for it."""
        index = self.__dict__.get("_override_index")
        if index is None:
            index = {}
            for (setter, name, _), value in self.__dict__.get("_override_notes", {}).items():
                target, attr = overrides.parse(name)
                where = self._set_in(target, attr, setter)
                if where is not None:
                    index.setdefault(where[0], {}).setdefault(where[1], []).append((setter, value))
            self.__dict__["_override_index"] = index
        return index

    def _set_in(self, target: str, attr: str, setter: str) -> Optional[Tuple[str, str]]:
        """(real path, constant name) a set names: a module's `NAME`, a class's `Class.NAME`."""
        if not target:
            return setter, attr
        path = self.module_path(target, setter)
        if path is not None:
            return self._real(path), attr
        module, _, klass = target.rpartition(".")  # `from config import Config`: Config's attribute
        path = self.module_path(module, setter) if module else None
        return (self._real(path), f"{klass}.{attr}") if path is not None else None

    def set_elsewhere(self, path: str, name: str, value: object, loc) -> object:
        """A constant read from another module: one of its values when any module sets it."""
        sets = self._overrides().get(self._real(path), {}).get(name) if self.__dict__.get("_override_notes") else None
        if not sets:
            return value
        return OneOf(_WHY.format(name), loc, (value, *(self.resolve(v) for _, v in sets)))

    def inherited_copy(self, value: Transform, depth: int) -> object:
        """The argument an inherited helper returns a copy of (`marked_copies.inherited_call`)."""
        from_path, module, name = value.op[len(marked_copies.COPY_OP):].split("\0")
        path = self.module_path(module, from_path)
        facts = self.facts(path) if path is not None else None
        fact = facts.constant(marked_copies.COPY_FACT + name) if facts is not None and not facts.errors else None
        args = value.inner.items if isinstance(value.inner, Seq) else ()
        if not (isinstance(fact, Seq) and isinstance(fact.items[0], Lit) and fact.items[0].value < len(args)):
            return Unknown("call", value.loc)
        copied = self.resolve(args[fact.items[0].value], depth + 1)
        role = fact.items[1].value if isinstance(fact.items[1], Lit) else None
        if role is None:
            return copied
        found = marked_copies.marked(copied, role, value.loc)
        return Unknown("a marked copy of an unknown list", value.loc) if found is None else found

    def with_overrides(self, site: CallSite) -> CallSite:
        """A request reading its own module's constants, as the file calling it may have set them."""
        if not self.__dict__.get("_override_notes"):
            return site
        request = self._real(os.path.abspath((site.via or site.loc).path))
        consts = self._overrides().get(request)
        facts = self.loaded(request) if consts else None
        if facts is None:
            return site
        caller = self._real(os.path.abspath(site.loc.path))
        swaps: Dict[int, Tuple[object, object]] = {}
        for name, sets in consts.items():
            values = tuple(v for setter, v in sets if setter == caller)
            original = facts.constant(name) if values else None
            if original is not None:
                swaps[id(original)] = (original, OneOf(_WHY.format(name), getattr(original, "loc", None), (original, *values)))
        if not swaps:
            return site
        kwargs = _swapped(site.kwargs, list(swaps.values()), [MAX_SWAP_NODES])
        return site if kwargs is site.kwargs else replace(site, kwargs=kwargs)


def _swapped(value: object, swaps: List[Tuple[object, object]], budget: List[int]) -> object:
    """The value with every written constant of `swaps` (the very object, or one equal to it
    in the same place) replaced by its OneOf; the same object when none is in it."""
    budget[0] -= 1
    if budget[0] < 0:
        return value
    for original, replacement in swaps:
        if value is original or (type(value) is type(original) and getattr(value, "loc", None) == getattr(original, "loc", None) and value == original):
            return replacement
    if isinstance(value, Text):
        parts = tuple(_swapped(p, swaps, budget) for p in value.parts)
        return value if all(a is b for a, b in zip(parts, value.parts)) else replace(value, parts=parts)
    if isinstance(value, Transform):
        inner = _swapped(value.inner, swaps, budget)
        return value if inner is value.inner else replace(value, inner=inner)
    if isinstance(value, Seq):
        items = tuple(_swapped(i, swaps, budget) for i in value.items)
        return value if all(a is b for a, b in zip(items, value.items)) else replace(value, items=items)
    if isinstance(value, Mapping):
        entries = tuple((k, _swapped(v, swaps, budget)) for k, v in value.entries)
        return value if all(a[1] is b[1] for a, b in zip(entries, value.entries)) else replace(value, entries=entries)
    if isinstance(value, OneOf):
        options = tuple(_swapped(o, swaps, budget) for o in value.options)
        return value if all(a is b for a, b in zip(options, value.options)) else replace(value, options=options)
    return value
