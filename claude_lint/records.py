"""`frozen`: what `@dataclass(frozen=True)` makes of a class of plain fields, for a fraction
of the work.

`dataclasses` builds each generated method's source text field by field, in Python, at
every start: the facts' 25 classes cost a one-file run about 17 M instructions (6%) though
their compiled code is kept (`startup`). Here the methods of a class are one text, built
in one pass and compiled through the same kept cache, and the class carries what
`dataclasses` reads from a dataclass (`fields`, `replace`, `asdict`, `is_dataclass`): its
`Field`s and params, taken from a real frozen dataclass so that they are the running
Python's own, made at their first reading (`replaced` is `replace` without them). The methods are those `dataclasses` writes (Python 3.11's): `__init__` with
the defaults, `__repr__`, `__eq__` on the tuple of fields, `__hash__` of it, and the frozen
`__setattr__`/`__delattr__`; a class with no annotations of its own adds no field. Only for
classes without `field()`, `ClassVar`, `InitVar`, `__post_init__` or mutable defaults, as
the facts are. Instances pickle as before (their `__dict__`), so cached facts still load.
"""
from __future__ import annotations

from claude_lint import startup

# `dataclasses` (with `re`, `enum`, `functools` under it: a fifth of a replayed warm run,
# `run_cache`, which makes one record, the settings) is imported when a class's `Field`s
# or params are first read, or an instance refuses a write, never to make a class.
_MODEL: list = []
_GLOBALS = {"__name__": __name__, "__builtins__": __builtins__}
_NO_DEFAULT = object()


def _model():
    """The params and the field of a real frozen dataclass: what `frozen` gives its classes."""
    if not _MODEL:
        import dataclasses

        @dataclasses.dataclass(frozen=True)
        class _Model:
            """A real frozen dataclass: its params and its field's kind are what `frozen` gives."""

            one: int = 0

        _MODEL.append((_Model.__dataclass_params__, _Model.__dataclass_fields__["one"]))  # type: ignore[attr-defined]
    return _MODEL[0]


def _frozen_error(message: str) -> Exception:
    import dataclasses

    return dataclasses.FrozenInstanceError(message)


class _Fields:
    """A record class's `__dataclass_fields__`, made at its first reading (then a plain
    attribute): the bases' fields, then a `Field` per annotation of the class itself."""

    def __init__(self, cls: type, own: dict):
        self.cls, self.own = cls, own

    def __get__(self, instance, owner=None):
        import dataclasses

        cls = self.cls
        fields = {}
        for base in cls.__mro__[-1:0:-1]:
            fields.update(getattr(base, "__dataclass_fields__", {}))
        model_field = _model()[1]
        for name, (annotation, default) in self.own.items():
            made = dataclasses.field(default=dataclasses.MISSING if default is _NO_DEFAULT else default)
            made.name, made.type, made._field_type = name, annotation, model_field._field_type  # type: ignore[attr-defined]
            if hasattr(model_field, "kw_only"):
                made.kw_only = model_field.kw_only  # type: ignore[attr-defined]
            fields[name] = made
        type.__setattr__(cls, "__dataclass_fields__", fields)
        return fields


class _Params:
    """A record class's `__dataclass_params__`, read from a real dataclass at first need."""

    def __init__(self, cls: type):
        self.cls = cls

    def __get__(self, instance, owner=None):
        params = _model()[0]
        type.__setattr__(self.cls, "__dataclass_params__", params)
        return params


def _own_and_defaults(cls: type) -> dict:
    """name -> (annotation, default) of a record class's fields, its bases' first."""
    found: dict = {}
    for base in cls.__mro__[-1:0:-1]:
        kept = base.__dict__.get("__record_fields__")
        if kept is not None:
            found.update(kept)
        elif "__dataclass_fields__" in base.__dict__:  # a real dataclass under a record
            import dataclasses

            found.update((f.name, (f.type, _NO_DEFAULT if f.default is dataclasses.MISSING else f.default))
                         for f in base.__dict__["__dataclass_fields__"].values())
    return found


def frozen(cls: type) -> type:
    """The class, made a frozen dataclass (see the module's docstring)."""
    own = {name: (annotation, cls.__dict__.get(name, _NO_DEFAULT)) for name, annotation in cls.__dict__.get("__annotations__", {}).items()}
    every = _own_and_defaults(cls)
    every.update(own)
    names = tuple(every)
    defaults = {f"_d_{n}": default for n, (_, default) in every.items() if default is not _NO_DEFAULT}
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
    methods = made_in["__create_fn__"](cls, object, _frozen_error, **defaults)
    for method in methods:
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        if method.__name__ not in cls.__dict__:  # as dataclasses: a method the class writes is kept
            setattr(cls, method.__name__, method)
    cls.__record_fields__ = every  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = _Fields(cls, own)  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _Params(cls)  # type: ignore[attr-defined]
    cls.__match_args__ = names  # type: ignore[attr-defined]
    return cls


def replaced(record, **changes):
    """`dataclasses.replace` of a record (its fields all go through `__init__`), without
    importing `dataclasses`."""
    return type(record)(**{**{name: getattr(record, name) for name in record.__match_args__}, **changes})
