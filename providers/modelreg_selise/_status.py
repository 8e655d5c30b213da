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
    lowered = value.strip().lower()
    if lowered in _VALID:
        return "valid"
    if lowered in _INVALID:
        return "invalid"
    if lowered in _PENDING:
        return "pending"
    return None


def model_status(active: bool | _Unknown | None, validation: Any) -> ModelStatus:
    """inactive→INACTIVE, invalid→FAILED, valid (and active)→AVAILABLE, not validated→PENDING."""
    if active is False:
        return ModelStatus.INACTIVE
    if active is UNREADABLE:
        return ModelStatus.UNKNOWN
    kind = validation_kind(validation)
    if kind == "invalid":
        return ModelStatus.FAILED
    if kind == "valid":
        return ModelStatus.AVAILABLE
    if kind == "pending":
        return ModelStatus.PENDING
    return ModelStatus.UNKNOWN


def mask_key(value: str) -> str:
    """The server masks keys; a key that arrives unmasked is masked here before it is kept."""
    if "*" in value or "..." in value or "\u2022" in value:
        return value
    return "***" + value[-4:] if len(value) >= 16 else "***"
