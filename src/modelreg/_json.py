"""Decoding vendor answers: orjson when it is installed (``pip install 'modelreg[fast]'``), else the standard library.

orjson decodes a list page two to three times faster than ``json.loads`` and gives the same
values for every document it accepts, bar one: integers beyond 64 bits, which no vendor field
can hold, arrive as floats. What it refuses and the standard library accepts (``NaN``,
``Infinity``, lone surrogates, UTF-16 bodies, a byte-order mark) is decoded by ``json.loads``,
so that such an answer reads as it always did; a body neither accepts fails as ``json.loads``
fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Loads = Callable[[bytes | str], Any]


def stdlib_loads(content: bytes | str) -> Any:
    """Decode ``content`` with the standard library alone."""
    return json.loads(content)


def _orjson_loads() -> Loads | None:
    """orjson's decoder with the standard library behind it, or None when orjson is not installed."""
    try:
        import orjson
    except ImportError:  # the fast extra is not installed
        return None
    decode, refused = orjson.loads, orjson.JSONDecodeError

    def orjson_loads(content: bytes | str) -> Any:
        """Decode ``content`` with orjson, or with ``json.loads`` when orjson refuses it."""
        try:
            return decode(content)
        except refused:
            return json.loads(content)

    return orjson_loads


orjson_loads = _orjson_loads()
"""orjson's decoder (falling back on ``json.loads``), or None when orjson is not installed."""

loads: Loads = orjson_loads or stdlib_loads
"""The decoder every answer goes through (tests swap it to check both)."""

BACKEND = "orjson" if orjson_loads is not None else "json"
"""Which decoder ``loads`` is: ``"orjson"`` or ``"json"``."""
