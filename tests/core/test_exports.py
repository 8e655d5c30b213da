"""The public front door: __all__ is locked so that additions are deliberate."""

from __future__ import annotations

import modelreg

EXPECTED = [
    "APIError", "Action", "ActionKind", "ApplyOutcome", "ApplyStatus", "AsyncModelRegistry", "AsyncRegistries",
    "AuthenticationFailed", "BulkOutcome", "BulkStatus", "Change", "ConfigurationError",
    "Conflict", "Deletion", "Estimate", "Issue", "Manifest", "ManifestEntry", "Model", "ModelInUse", "ModelRegError",
    "ModelRegistry", "ModelStatus", "NotFound", "OutcomeUnknown", "Page", "PermissionDenied", "Plan", "ProtocolError",
    "PruneScope", "QuotaExceeded", "RateLimited", "Registries", "Secret", "ServerError", "TransportError",
    "UnsupportedOperation", "ValidationFailed", "__version__", "connect", "connect_all", "connect_all_async",
    "connect_async", "errors", "hookimpl", "load_manifest", "parse_ref", "providers",
]  # fmt: skip


def test_all_is_sorted_and_locked() -> None:
    assert modelreg.__all__ == sorted(modelreg.__all__)
    assert modelreg.__all__ == EXPECTED, "a public name was added or removed: update EXPECTED deliberately"


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in modelreg.__all__:
        obj = getattr(modelreg, name)
        if callable(obj):
            assert (obj.__doc__ or "").strip(), f"{name} has no docstring"


def test_contract_names_import_from_the_package() -> None:
    from modelreg import AsyncModelRegistry, Deletion, Issue, Model, ModelRegistry, ModelStatus, Page, errors

    assert all([ModelRegistry, AsyncModelRegistry, Model, ModelStatus, Page, Deletion, Issue, errors])
