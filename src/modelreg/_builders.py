"""Fast constructors for frozen attrs records, for provider codecs that build one per model.

A frozen attrs class's ``__init__`` sets each field through ``object.__setattr__``, which costs
about as much as all the parsing a vendor model needs. For a class without validators,
converters or init hooks, the builder fills the instance directly: each slot for a slotted class
(``modelreg.Model``), one ``__dict__`` for a dict class. Any class that does not qualify gets a
plain call of the class instead. Public as ``modelreg.provider.record_builder``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs


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
    if "__slots__" in vars(cls):
        body = []
        for index, field in enumerate(fields):
            namespace[f"_slot{index}"] = getattr(cls, field.name).__set__
            body.append(f"    _slot{index}(o, {values[field.name]})")
    else:
        # One dict and one call, rather than one call per field.
        items = ", ".join(f"{name!r}: {value}" for name, value in values.items())
        body = [f"    _set(o, '__dict__', {{{items}}})"]
    # The helpers are bound as defaults: local lookups are faster than global ones.
    bound = ", ".join(f"{key}={key}" for key in namespace)
    source = "\n".join([f"def build({', '.join(names)}, *, {bound}):", "    o = _new(_cls)", *body, "    return o"])
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
