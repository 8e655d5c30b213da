"""``Model.raw`` of a Scriptix model, rebuilt on first use from the typed fields instead of kept as a dict.

A Scriptix model's JSON holds nothing its typed fields do not: the codec keeps the answer's own
dict only when it does (an unknown key, a number where an integer belongs, a timestamp not
written ``YYYY-MM-DDTHH:MM:SSZ``...). Otherwise ``raw`` is a ``RawModel``: the answer's key order
(one tuple shared by every model of that shape) and references to values the model holds
anyway. The dict, its timestamp strings and the nested metrics object are then not kept, which
is most of what a kept model weighs; the first read of ``raw`` builds an equal dict, keys in
the order received, and keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from modelreg_scriptix._records import ScriptixDetails

FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "description",
    "model_key",
    "language",
    "base_model",
    "training_status",
    "status_message",
    "training_progress",
    "created_at",
    "updated_at",
    "started_training_at",
    "finished_training_at",
    "training_metrics",
    "error",
)
"""Every field of a Scriptix model the codec reads, in the order it reads them."""

KNOWN: frozenset[str] = frozenset(FIELDS)
"""The keys a ``RawModel`` can give back exactly."""

METRICS_KEYS = ("word_error_rate", "accuracy_improvement")
"""The one layout of ``training_metrics`` a ``RawModel`` gives back (the documented one)."""


class RawModel(Mapping[str, Any]):
    """A Scriptix model's JSON as received, each value rebuilt from the typed fields when it is read."""

    __slots__ = ("_created", "_description", "_details", "_id", "_keys", "_name", "_updated")

    def __init__(
        self,
        keys: tuple[str, ...],
        model_id: str,
        name: str,
        description: str | None,
        created: datetime | None,
        updated: datetime | None,
        details: ScriptixDetails,
    ) -> None:
        # The codec fills these slots itself (see _codec._models), a call less per model.
        self._keys, self._id, self._name, self._description = keys, model_id, name, description
        self._created, self._updated, self._details = created, updated, details

    def __getitem__(self, key: str) -> Any:
        if key not in self._keys:
            raise KeyError(key)
        if key == "id":
            return int(self._id)
        if key == "name":
            return self._name
        if key == "description":
            return self._description
        if key == "created_at":
            return _stamp(self._created)
        if key == "updated_at":
            return _stamp(self._updated)
        details = self._details
        if key in ("started_training_at", "finished_training_at"):
            return _stamp(getattr(details, key))
        if key == "training_metrics":
            metrics = details.training_metrics
            return None if metrics is None else {name: getattr(metrics, name) for name in METRICS_KEYS}
        return getattr(details, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __repr__(self) -> str:
        return repr(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        """A new dict equal to the JSON as received, keys in the order received."""
        return {key: self[key] for key in self._keys}


def _stamp(value: datetime | None) -> str | None:
    """A timestamp as the codec read it: ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    return None if value is None else value.isoformat()[:19] + "Z"
