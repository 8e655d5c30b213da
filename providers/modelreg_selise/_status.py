"""SELISE's model state in modelreg's vocabulary: ``IsActive`` and the validation status to ``ModelStatus``.

inactive→INACTIVE, validation "invalid"→FAILED, valid and active→AVAILABLE, not yet
validated→PENDING; anything unrecognized→UNKNOWN, never an exception.
"""

from __future__ import annotations

from typing import Any

from modelreg import ModelStatus

_VALID = frozenset({"valid", "validated", "success", "successful"})
_INVALID = frozenset({"invalid", "failed", "failure", "error"})
_PENDING = frozenset({"", "pending", "notvalidated", "not_validated", "unvalidated", "none", "unknown"})


_KINDS = {
    **dict.fromkeys(_VALID, "valid"),
    **dict.fromkeys(_INVALID, "invalid"),
    **dict.fromkeys(_PENDING, "pending"),
}
_STATUSES = {"valid": ModelStatus.AVAILABLE, "invalid": ModelStatus.FAILED, "pending": ModelStatus.PENDING}


class _Unknown:
    """A value that is present but unreadable (the status becomes UNKNOWN, nothing raises)."""


UNREADABLE = _Unknown()


def validation_kind(value: Any) -> str | None:
    """``"valid"``, ``"invalid"``, ``"pending"`` or None (unrecognized) for a validation status."""
    if value is None:
        return "pending"
    if isinstance(value, bool):
        return "valid" if value else "invalid"
    if not isinstance(value, str):
        return None
    kind = _KINDS.get(value)
    return kind if kind is not None else _KINDS.get(value.strip().lower())


def model_status(active: bool | _Unknown | None, validation: Any) -> ModelStatus:
    """inactive→INACTIVE, invalid→FAILED, valid (and active)→AVAILABLE, not validated→PENDING."""
    if active is False:
        return ModelStatus.INACTIVE
    if active is UNREADABLE:
        return ModelStatus.UNKNOWN
    kind = _KINDS.get(validation) if validation.__class__ is str else None
    if kind is None:
        kind = validation_kind(validation)
    return _STATUSES.get(kind, ModelStatus.UNKNOWN) if kind is not None else ModelStatus.UNKNOWN


def mask_key(value: str) -> str:
    """The server masks keys; a key that arrives unmasked is masked here before it is kept."""
    if "..." in value or "*" in value or "\u2022" in value:
        return value
    return "***" + value[-4:] if len(value) >= 16 else "***"
