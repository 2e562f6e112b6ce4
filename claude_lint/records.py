"""`frozen`: what `@dataclass(frozen=True)` makes of a class of plain fields, for a fraction
of the work.

`dataclasses` builds each generated method's source text field by field, in Python, at
every start: the facts' 25 classes cost a one-file run about 17 M instructions (6%) though
their compiled code is kept (`startup`). Here the methods of a class are one text, built
in one pass and compiled through the same kept cache, and the class carries what
`dataclasses` reads from a dataclass (`fields`, `replace`, `asdict`, `is_dataclass`): its
`Field`s and params, taken from a real frozen dataclass so that they are the running
Python's own. The methods are those `dataclasses` writes (Python 3.11's): `__init__` with
the defaults, `__repr__`, `__eq__` on the tuple of fields, `__hash__` of it, and the frozen
`__setattr__`/`__delattr__`; a class with no annotations of its own adds no field. Only for
classes without `field()`, `ClassVar`, `InitVar`, `__post_init__` or mutable defaults, as
the facts are. Instances pickle as before (their `__dict__`), so cached facts still load.
"""
from __future__ import annotations

import dataclasses

from claude_lint import startup


@dataclasses.dataclass(frozen=True)
class _Model:
    """A real frozen dataclass: its params and its field's kind are what `frozen` gives."""

    one: int = 0


_PARAMS = _Model.__dataclass_params__  # type: ignore[attr-defined]
_MODEL_FIELD = _Model.__dataclass_fields__["one"]  # type: ignore[attr-defined]
_GLOBALS = {"__name__": __name__, "__builtins__": __builtins__}


def frozen(cls: type) -> type:
    """The class, made a frozen dataclass (see the module's docstring)."""
    fields = {}
    for base in cls.__mro__[-1:0:-1]:
        fields.update(getattr(base, "__dataclass_fields__", {}))
    own = cls.__dict__.get("__annotations__", {})
    for name, annotation in own.items():
        made = dataclasses.field(default=cls.__dict__.get(name, dataclasses.MISSING))
        made.name, made.type, made._field_type = name, annotation, _MODEL_FIELD._field_type  # type: ignore[attr-defined]
        if hasattr(_MODEL_FIELD, "kw_only"):
            made.kw_only = _MODEL_FIELD.kw_only  # type: ignore[attr-defined]
        fields[name] = made
    names = tuple(fields)
    defaults = {f"_d_{n}": f.default for n, f in fields.items() if f.default is not dataclasses.MISSING}
    params = ", ".join(f"{n}=_d_{n}" if f"_d_{n}" in defaults else n for n in names)
    sets = "".join(f"  _object.__setattr__(self, {n!r}, {n})\n" for n in names) or "  pass\n"
    own_tuple = "(" + "".join(f"self.{n}," for n in names) + ")"
    other_tuple = "(" + "".join(f"other.{n}," for n in names) + ")"
    shown = ", ".join(f"{n}={{self.{n}!r}}" for n in names)
    text = (
        f"def __create_fn__({', '.join(['cls', '_object', '_FrozenInstanceError', *defaults])}):\n"
        f" def __init__(self, {params}):\n{sets}"
        f" def __repr__(self):\n  return self.__class__.__qualname__ + f\"({shown})\"\n"
        f" def __eq__(self, other):\n  if other.__class__ is self.__class__:\n   return {own_tuple} == {other_tuple}\n  return NotImplemented\n"
        f" def __hash__(self):\n  return hash({own_tuple})\n"
        f" def __setattr__(self, name, value):\n  if type(self) is cls or name in {names!r}:\n"
        f"   raise _FrozenInstanceError(f\"cannot assign to field {{name!r}}\")\n  super(cls, self).__setattr__(name, value)\n"
        f" def __delattr__(self, name):\n  if type(self) is cls or name in {names!r}:\n"
        f"   raise _FrozenInstanceError(f\"cannot delete field {{name!r}}\")\n  super(cls, self).__delattr__(name)\n"
        " return __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__\n"
    )
    made_in: dict = {}
    startup.run_kept(text, _GLOBALS, made_in)
    methods = made_in["__create_fn__"](cls, object, dataclasses.FrozenInstanceError, **defaults)
    for method in methods:
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        if method.__name__ not in cls.__dict__:  # as dataclasses: a method the class writes is kept
            setattr(cls, method.__name__, method)
    cls.__dataclass_fields__ = fields  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _PARAMS  # type: ignore[attr-defined]
    cls.__match_args__ = names  # type: ignore[attr-defined]
    return cls
