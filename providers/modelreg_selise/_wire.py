"""Case-tolerant reading of SELISE JSON: folded keys and typed getters that never guess silently.

SELISE mixes ``snake_case``, ``PascalCase`` and MongoDB's ``_id`` in one document, so every key
is *folded* (underscores and dashes dropped, lower-cased) once, and fields are looked up by
their folded aliases. A value of the wrong type raises ``BadField``, which the codec turns into
a ``ProtocolError`` naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

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
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise BadField(aliases[0], value, "a number")


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
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return _EPOCH + timedelta(seconds=seconds)
        except OverflowError:
            return None
    if isinstance(value, Mapping) and "$date" in value:
        return _timestamp(value["$date"])
    return None
