"""The public front door: __all__ is locked so that additions are deliberate."""

from __future__ import annotations

import modelreg

EXPECTED = [
    "APIError", "Action", "ActionKind", "ApplyOutcome", "ApplyStatus", "AsyncModelRegistry", "AsyncRegistries",
    "AuthenticationFailed", "BulkOutcome", "BulkStatus", "Change", "ConfigurationError", "Conflict", "Deletion",
    "Estimate", "Issue", "Manifest", "ManifestEntry", "Model", "ModelFailed", "ModelInUse", "ModelRegError",
    "ModelRegistry", "ModelStatus", "NotFound", "OutcomeUnknown", "Page", "PermissionDenied", "Plan", "ProtocolError",
    "ProviderInfo", "PruneScope", "Quota", "QuotaExceeded", "RateLimited", "RawResponse", "Registries",
    "RequestEvent", "Secret", "ServerError", "TransportError", "UnsupportedOperation", "ValidationFailed",
    "WaitTimedOut", "__version__", "connect", "connect_all", "connect_all_async", "connect_async", "errors",
    "hookimpl", "load_manifest", "parse_ref", "provider_info", "providers",
]  # fmt: skip


def test_all_is_sorted_and_locked() -> None:
    assert modelreg.__all__ == sorted(modelreg.__all__)
    added = sorted(set(modelreg.__all__) - set(EXPECTED))
    removed = sorted(set(EXPECTED) - set(modelreg.__all__))
    assert not added, f"public names added without updating EXPECTED (and CHANGELOG.md): {added}"
    assert not removed, f"public names removed (a breaking change): {removed}"


def test_every_exported_name_exists_and_is_documented() -> None:
    undocumented = [
        name
        for name in modelreg.__all__
        if callable(getattr(modelreg, name)) and not (getattr(modelreg, name).__doc__ or "").strip()
    ]
    assert not undocumented, f"exported without a docstring: {undocumented}"


def test_contract_names_import_from_the_package() -> None:
    from modelreg import AsyncModelRegistry, Deletion, Issue, Model, ModelRegistry, ModelStatus, Page, errors

    contract = {
        "ModelRegistry": ModelRegistry,
        "AsyncModelRegistry": AsyncModelRegistry,
        "Model": Model,
        "ModelStatus": ModelStatus,
        "Page": Page,
        "Deletion": Deletion,
        "Issue": Issue,
    }
    for name, obj in contract.items():
        assert isinstance(obj, type), f"modelreg.{name} is not a class"
        assert obj.__module__ == "modelreg", f"modelreg.{name} reads as {obj.__module__}.{name} in tracebacks"
    assert errors.__name__ == "modelreg.errors"


def test_the_public_submodules_export_what_they_document() -> None:
    import modelreg.plugins
    import modelreg.profiles
    import modelreg.redaction
    import modelreg.sandbox
    import modelreg.testing
    import modelreg.typed

    assert modelreg.typed.__all__ == ["AsyncTypedRegistry", "TypedRegistry", "UnknownOperation", "operation"]
    assert "ProviderContract" in modelreg.testing.__all__
    assert modelreg.plugins.__all__ == [
        "ENTRY_POINT_GROUP",
        "PLUGINS_ENV",
        "lazy_exports",
        "plugin_manager",
        "reload_plugins",
    ]
    assert {"MASK", "MIN_SECRET_LENGTH", "Redactor", "rebuild", "walk"} <= set(modelreg.redaction.__all__)
    assert "SANDBOX_SECRET" in modelreg.sandbox.__all__
    assert {"effective_settings", "load_config", "save_profile", "Reference"} <= set(modelreg.profiles.__all__)
    assert all(getattr(modelreg.profiles, name) is not None for name in modelreg.profiles.__all__)
    assert modelreg.testing.reload_plugins is modelreg.plugins.reload_plugins
