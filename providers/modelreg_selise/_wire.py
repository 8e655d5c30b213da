"""Case-tolerant reading of SELISE JSON: folded keys and typed getters that never guess silently.

SELISE mixes ``snake_case``, ``PascalCase`` and MongoDB's ``_id`` in one document, so every key
is *folded* (underscores and dashes dropped, lower-cased) once, and fields are looked up by
their folded aliases. A value of the wrong type raises ``BadField``, which the codec turns into
a ``ProtocolError`` naming the field.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from modelreg_selise._raw import Layout

_FOLDED: dict[str, str] = {}
_FOLD_CACHE_LIMIT = 4096
_FRACTION = re.compile(r"(\.\d{6})\d+")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class BadField(Exception):
    """A field of a vendor answer has a value of the wrong type or form."""

    def __init__(self, field: str, value: Any, expected: str) -> None:
        super().__init__(f"field {field!r} should be {expected}, got {type(value).__name__}")
        self.field = field


def fold_key(key: str) -> str:
    """``CreatedDate``, ``created_date`` and ``createdDate`` all fold to ``createddate``."""
    folded = _FOLDED.get(key)
    if folded is None:
        folded = key.replace("_", "").replace("-", "").lower()
        if len(_FOLDED) < _FOLD_CACHE_LIMIT:
            _FOLDED[key] = folded
    return folded


def fold(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` keyed by folded names; the first spelling of a name wins."""
    folded: dict[str, Any] = {}
    for key, value in doc.items():
        name = _FOLDED.get(key) if isinstance(key, str) else None
        if name is None:
            name = fold_key(str(key))
        if name not in folded:
            folded[name] = value
    return folded


Fields = tuple[tuple[str, tuple[str, ...]], ...]
"""Field names with their folded aliases, in order of preference."""
Plan = tuple[Callable[[Any], Any], tuple[tuple[int, tuple[int, ...]], ...], Layout]
"""How to read one key layout: a picker over the document's values, multi-spelling fields, the layout."""
_PLANS: dict[tuple[int, tuple[Any, ...]], Plan] = {}
_LAST: dict[int, tuple[tuple[Any, ...], Plan]] = {}
_PLAN_CACHE_LIMIT = 256


def resolve(doc: Mapping[str, Any], fields: Fields) -> tuple[Any, ...]:
    """The value of each of ``fields`` (two or more) in ``doc``, in order, under any spelling (see ``read``)."""
    return read(doc, fields)[2]


def read(doc: Mapping[str, Any], fields: Fields) -> tuple[Layout, tuple[Any, ...], tuple[Any, ...]]:
    """``doc``'s key layout (one object for every document like it), its values (then a None), and ``fields``' values.

    None stands for absent or null. The documents of one answer share one key layout, so the
    alias lookup is planned once per layout and each document is then read by position: one
    comparison of its keys with the last layout seen (identical key objects within one
    decoded answer) and one ``itemgetter`` call over its values.
    """
    keys = tuple(doc)
    last = _LAST.get(id(fields))
    if last is not None and last[0] == keys:
        plan = last[1]
    else:
        plan = _PLANS.get((id(fields), keys)) or _plan(keys, fields)
        _LAST[id(fields)] = (keys, plan)
    picker, several, layout = plan
    values = (*doc.values(), None)
    row: tuple[Any, ...] = picker(values)
    if not several:
        return layout, values, row
    found = list(row)
    for index, positions in several:
        found[index] = next((values[i] for i in positions if values[i] is not None), None)
    return layout, values, tuple(found)


def _plan(keys: tuple[Any, ...], fields: Fields) -> Plan:
    where: dict[str, int] = {}
    for position, key in enumerate(keys):
        where.setdefault(fold_key(str(key)), position)
    picks: list[int] = []
    several = []
    for index, (_, aliases) in enumerate(fields):
        positions = tuple(where[alias] for alias in aliases if alias in where)
        picks.append(positions[0] if len(positions) == 1 else -1)  # -1: the None after the values
        if len(positions) > 1:
            several.append((index, positions))
    plan: Plan = (operator.itemgetter(*picks), tuple(several), Layout(keys))
    if len(_PLANS) < _PLAN_CACHE_LIMIT:
        _PLANS[(id(fields), keys)] = plan
    return plan


def as_text(value: Any, field: str) -> str:
    """A string value; numbers are accepted and written out (``"version": 4``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise BadField(field, value, "a string")


def as_int(value: Any, field: str) -> int:
    """An integer value; integral floats and numeric strings are accepted."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise BadField(field, value, "an integer")


def as_number(value: Any, field: str) -> float:
    """A numeric value; numeric strings are accepted."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            return float(value.strip())
    except (ValueError, OverflowError):
        pass
    raise BadField(field, value, "a number")


def as_map(value: Any, field: str) -> dict[str, Any]:
    """A copy of an object value."""
    if isinstance(value, Mapping):
        return dict(value)
    raise BadField(field, value, "an object")


def as_time(value: Any, field: str) -> datetime:
    """An aware datetime (see ``timestamp``)."""
    parsed = _timestamp(value)
    if parsed is None:
        raise BadField(field, value, "an ISO 8601 timestamp")
    return parsed


def pick(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> Any:
    """The value of the first alias present (and not null) in a folded document."""
    for alias in aliases:
        value = doc.get(alias)
        if value is not None:
            return value
    return None


def text(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> str | None:
    """A string field; numbers are accepted and written out (``"version": 4``)."""
    value = pick(doc, aliases)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise BadField(aliases[0], value, "a string")


def integer(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> int | None:
    """An integer field; integral floats and numeric strings are accepted."""
    value = pick(doc, aliases)
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise BadField(aliases[0], value, "an integer")


def number(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> float | None:
    """A numeric field; numeric strings are accepted."""
    value = pick(doc, aliases)
    return None if value is None else as_number(value, aliases[0])


def flag(value: Any) -> bool | None:
    """A boolean from ``true``/``"true"``/``1``; None for anything else (the caller decides)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    elif isinstance(value, int) and value in (0, 1):
        return bool(value)
    return None


def boolean(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> bool | None:
    """A boolean field; a value that is not one raises ``BadField``."""
    value = pick(doc, aliases)
    if value is None:
        return None
    parsed = flag(value)
    if parsed is None:
        raise BadField(aliases[0], value, "a boolean")
    return parsed


def mapping(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> dict[str, Any]:
    """An object field (empty when absent)."""
    value = pick(doc, aliases)
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    raise BadField(aliases[0], value, "an object")


def strings(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> tuple[str, ...]:
    """An array of strings (empty when absent)."""
    value = pick(doc, aliases)
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise BadField(aliases[0], value, "an array of strings")


def timestamp(doc: Mapping[str, Any], aliases: tuple[str, ...]) -> datetime | None:
    """An aware datetime from ISO 8601 (any fraction length), epoch seconds/ms or ``{"$date": ...}``."""
    value = pick(doc, aliases)
    if value is None:
        return None
    parsed = _timestamp(value)
    if parsed is None:
        raise BadField(aliases[0], value, "an ISO 8601 timestamp")
    return parsed


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:  # the common case on Python 3.11+, which reads "Z" itself
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            # .NET and MongoDB write seven fraction digits, which older Pythons refuse.
            try:
                parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", text))
            except ValueError:
                return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return _EPOCH + timedelta(seconds=value / 1000 if abs(value) > 1e11 else value)
        except (OverflowError, ValueError):
            return None
    if isinstance(value, Mapping) and "$date" in value:
        return _timestamp(value["$date"])
    return None
