"""What every record offers: ``to_dict()``, ``to_json()`` and ``from_dict()`` (the ``Record`` base).

The conversion itself lives in ``modelreg._serialize``, which needs the records, the errors and
the provider plugins; it installs itself here on the first ``to_dict()``/``from_dict()`` (through
the loader ``modelreg`` installs on import), so that this base (and so the records) depend on
nothing and ``import modelreg`` stays quick.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

RecordT = TypeVar("RecordT", bound="Record")


class Codec(Protocol):
    """How records become plain data and back (installed by ``modelreg._serialize``)."""

    def unstructure(self, record: Any) -> dict[str, Any]:
        """``record`` as JSON-ready data."""

    def structure(self, data: Mapping[str, Any], cls: type[RecordT], **options: Any) -> RecordT:
        """A ``cls`` from data ``unstructure`` made."""


_installed: list[Codec] = []
_loaders: list[Callable[[], None]] = []


def install_codec(installed: Codec) -> None:
    """Make ``installed`` the conversion of every record (``modelreg._serialize`` calls it on import)."""
    _installed[:] = [installed]


def install_loader(loader: Callable[[], None]) -> None:
    """Make ``loader`` what installs the conversion on first use (``modelreg`` calls it on import)."""
    _loaders[:] = [loader]


def codec() -> Codec:
    """The installed conversion, loaded on first use."""
    if not _installed:
        for loader in _loaders:
            loader()
    return _installed[0]


class Record:
    """What every record offers: ``to_dict()``, ``to_json()`` and ``from_dict()``, losslessly.

    The data is plain JSON (strings, numbers, lists, dicts): timestamps are ISO 8601, statuses
    their values, ``details`` its fields and ``raw`` the vendor's JSON as received.
    """

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        """This record as plain JSON-ready data (``details`` and ``raw`` included)."""
        return codec().unstructure(self)

    def to_json(self, **dumps: Any) -> str:
        """This record as a JSON document (``dumps`` goes to ``json.dumps``, e.g. ``indent=2``)."""
        return json.dumps(self.to_dict(), **dumps)

    @classmethod
    def from_dict(cls: type[RecordT], data: Mapping[str, Any]) -> RecordT:
        """The record ``to_dict`` described; ``ValueError`` saying what is wrong with ``data`` otherwise."""
        return codec().structure(data, cls)
