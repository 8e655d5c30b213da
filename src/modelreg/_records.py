"""The records every provider returns: frozen attrs classes that do no I/O."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar

import attrs

from modelreg._builders import RecordSlots

T = TypeVar("T")


class ModelStatus(str, enum.Enum):
    """Where a model stands, in one vocabulary for every vendor."""

    PENDING = "pending"
    READY = "ready"
    TRAINING = "training"
    AVAILABLE = "available"
    FAILED = "failed"
    INACTIVE = "inactive"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class _ModelSlots(RecordSlots):
    """Where a ``Model``'s fields live: a plain base lets codecs fill models at C speed (see ``_builders``)."""

    __slots__ = (
        "__weakref__",
        "created_at",
        "description",
        "details",
        "id",
        "name",
        "provider",
        "raw",
        "status",
        "updated_at",
    )


@attrs.frozen(kw_only=True)
class Model(_ModelSlots):
    """One custom model at one vendor, normalized; ``details`` and ``raw`` keep the rest."""

    provider: str
    id: str
    name: str
    description: str | None = None
    status: ModelStatus = ModelStatus.UNKNOWN
    created_at: datetime | None = None
    updated_at: datetime | None = None
    details: Any = None
    # raw is the vendor's JSON as received: kept for lossless access, left out of repr and
    # equality because it duplicates the typed fields above.
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def ref(self) -> str:
        """The model's reference across providers, e.g. ``"scriptix:123"``."""
        return f"{self.provider}:{self.id}"


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a listing as the vendor returned it; ``next_cursor`` fetches the next one (None: the last)."""

    items: tuple[T, ...]
    page: int
    page_size: int
    total: int | None = None
    has_more: bool = False
    next_cursor: str | None = None
    """Opaque: pass it as ``reg.list_page(cursor=...)``. Cursor vendors set it; the registry fills it for others."""


@attrs.frozen
class Deletion:
    """The outcome of a delete: ``deleted`` is False only when ``missing_ok`` found nothing."""

    provider: str
    id: str
    deleted: bool
    detail: str | None = None


@attrs.frozen
class Issue:
    """One thing wrong with a request: where (``loc``), what (``message``) and its kind."""

    loc: tuple[str, ...]
    message: str
    type: str | None = None

    def __str__(self) -> str:
        where = ".".join(self.loc)
        return f"{where}: {self.message}" if where else self.message


def parse_ref(ref: str) -> tuple[str, str]:
    """Split ``"provider:id"`` into its two parts; raise ``ValueError`` when it is not one."""
    provider, sep, model_id = ref.partition(":")
    if not sep or not provider or not model_id:
        raise ValueError(f"{ref!r} is not a model reference; write it as PROVIDER:ID, e.g. scriptix:123")
    return provider, model_id


@attrs.frozen
class Limit:
    """A vendor limit for one operation: ``calls`` per ``period`` seconds and a concurrency cap."""

    calls: int | None = None
    period: float = 60.0
    concurrency: int | None = None
