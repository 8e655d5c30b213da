"""Fast constructors for frozen attrs records, for provider codecs that build one per model.

A frozen attrs class's ``__init__`` sets each field through ``object.__setattr__``, which costs
about as much as all the parsing a vendor model needs. For a class without validators,
converters or init hooks, the builder fills the instance directly instead:

- a slotted class whose slots live in a plain base class (see ``RecordSlots``): the builder makes
  an instance of the base, whose plain attribute stores run at C speed, then gives it the
  record's class (the two share one memory layout, which ``__class__`` assignment checks);
- any other slotted class: each slot through its descriptor; a dict class: one ``__dict__``.

Any class that does not qualify gets a plain call of the class instead. Public as
``modelreg.provider.record_builder`` and ``modelreg.provider.RecordSlots``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs


class RecordSlots:
    """Base of a plain class holding a frozen record's fields as slots, so that builders fill it fast.

    Declare the field names, and ``__weakref__`` as attrs would add it, in the base; the attrs
    class then reuses those slots and adds none::

        class _PointSlots(RecordSlots):
            __slots__ = ("x", "y", "__weakref__")

        @attrs.frozen
        class Point(_PointSlots):
            x: int
            y: int
    """

    __slots__ = ()

    @classmethod
    def fills(cls, record: type[Any]) -> bool:
        """Whether an instance of this base, every field set, may become a ``record`` (what builders do)."""
        fields = attrs.fields(record)
        return _plain(record, fields) and _holder(record, fields) is cls


def record_builder(cls: type[Any], names: Sequence[str]) -> Callable[..., Any]:
    """A function taking the fields ``names`` positionally and returning an instance of ``cls``.

    Fields not in ``names`` get their defaults, so the builder keeps working when the class
    gains a defaulted field.
    """
    fields = attrs.fields(cls)
    unknown = sorted(set(names) - {field.name for field in fields})
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(unknown)}")
    if not _plain(cls, fields):
        return lambda *values: cls(**dict(zip(names, values, strict=True)))
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_set": object.__setattr__}
    values = {field.name: _value(field, index, names, namespace) for index, field in enumerate(fields)}
    holder = _holder(cls, fields)
    if holder is not None:
        namespace["_holder"] = holder
        # Calling the holder (no __init__ of its own) allocates faster than object.__new__.
        body = ["    o = _holder()", *(f"    o.{name} = {value}" for name, value in values.items())]
        body.append("    o.__class__ = _cls")
    elif "__slots__" in vars(cls):
        body = ["    o = _new(_cls)"]
        for index, field in enumerate(fields):
            namespace[f"_slot{index}"] = getattr(cls, field.name).__set__
            body.append(f"    _slot{index}(o, {values[field.name]})")
    else:
        # One dict and one call, rather than one call per field.
        items = ", ".join(f"{name!r}: {value}" for name, value in values.items())
        body = ["    o = _new(_cls)", f"    _set(o, '__dict__', {{{items}}})"]
    # The helpers are bound as defaults: local lookups are faster than global ones.
    bound = ", ".join(f"{key}={key}" for key in namespace)
    source = "\n".join([f"def build({', '.join(names)}, *, {bound}):", *body, "    return o"])
    exec(source, namespace)  # noqa: S102 - source built above from the class's own field names
    builder: Callable[..., Any] = namespace["build"]
    return builder


def _value(field: attrs.Attribute[Any], index: int, names: Sequence[str], namespace: dict[str, Any]) -> str:
    """The expression giving ``field``'s value in the builder: its argument or its default."""
    if field.name in names:
        return field.name
    default: Any = field.default
    if default is attrs.NOTHING:
        raise TypeError(f"{field.name} has no default: pass it to the builder")
    if hasattr(default, "factory"):
        namespace[f"_factory{index}"] = default.factory
        return f"_factory{index}()"
    namespace[f"_default{index}"] = default
    return f"_default{index}"


def _plain(cls: type[Any], fields: Sequence[attrs.Attribute[Any]]) -> bool:
    """Whether filling the fields in is all the ``__init__`` of ``cls`` does."""
    if hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return False
    if any(f.validator or f.converter or not f.init or getattr(f.default, "takes_self", False) for f in fields):
        return False
    slots = {slot for klass in cls.__mro__ for slot in vars(klass).get("__slots__", ())}
    # A slot beyond the fields (a cached hash, say) would be left unset; a class mixing slots
    # and a __dict__ is not handled either.
    if "__slots__" in vars(cls):
        return slots <= {f.name for f in fields} | {"__weakref__"}
    return not slots - {"__weakref__"}


def _holder(cls: type[Any], fields: Sequence[attrs.Attribute[Any]]) -> type[Any] | None:
    """The ``RecordSlots`` base whose instances can become instances of ``cls``, if it has one."""
    bases = cls.__bases__
    if len(bases) != 1 or not issubclass(bases[0], RecordSlots) or attrs.has(bases[0]):
        return None
    holder = bases[0]
    if (holder.__setattr__, holder.__init__, holder.__new__) != (object.__setattr__, object.__init__, object.__new__):
        return None
    own = set(vars(holder).get("__slots__", ()))
    if not {f.name for f in fields} <= own or cls.__basicsize__ != holder.__basicsize__:
        return None  # the record added slots of its own: the layouts differ
    try:
        probe = object.__new__(holder)
        probe.__class__ = cls
    except TypeError:
        return None
    return holder
