"""modelreg: manage custom models at several vendors through one API.

>>> import modelreg
>>> with modelreg.connect("scriptix", sandbox=True) as reg:  # doctest: +SKIP
...     model = reg.create(name="Cardiology EN", language="en", base_model="medical")
"""

from __future__ import annotations

import importlib
import typing
from typing import TYPE_CHECKING, Any

import attrs

from modelreg import errors
from modelreg._records import Deletion, Issue, Model, ModelStatus, Page, parse_ref
from modelreg._version import __version__
from modelreg.errors import (
    APIError,
    AuthenticationFailed,
    ConfigurationError,
    Conflict,
    ModelInUse,
    ModelRegError,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    ProtocolError,
    QuotaExceeded,
    RateLimited,
    ServerError,
    TransportError,
    UnsupportedOperation,
    ValidationFailed,
)

if TYPE_CHECKING:
    from modelreg._async_registry import AsyncModelRegistry
    from modelreg._bulk import BulkOutcome, BulkStatus
    from modelreg._catalogue import ProviderInfo, provider_info, providers
    from modelreg._connect import connect, connect_all, connect_all_async, connect_async
    from modelreg._execution import ApplyOutcome, ApplyStatus
    from modelreg._manifest import load_manifest
    from modelreg._manifest_types import Manifest, ManifestEntry, PruneScope, Secret
    from modelreg._multi import AsyncRegistries, Registries
    from modelreg._plan import Action, ActionKind, Change, Estimate, Plan
    from modelreg._registry import ModelRegistry
    from modelreg.hookspecs import hookimpl

__all__ = [
    "APIError",
    "Action",
    "ActionKind",
    "ApplyOutcome",
    "ApplyStatus",
    "AsyncModelRegistry",
    "AsyncRegistries",
    "AuthenticationFailed",
    "BulkOutcome",
    "BulkStatus",
    "Change",
    "ConfigurationError",
    "Conflict",
    "Deletion",
    "Estimate",
    "Issue",
    "Manifest",
    "ManifestEntry",
    "Model",
    "ModelInUse",
    "ModelRegError",
    "ModelRegistry",
    "ModelStatus",
    "NotFound",
    "OutcomeUnknown",
    "Page",
    "PermissionDenied",
    "Plan",
    "ProtocolError",
    "ProviderInfo",
    "PruneScope",
    "QuotaExceeded",
    "RateLimited",
    "Registries",
    "Secret",
    "ServerError",
    "TransportError",
    "UnsupportedOperation",
    "ValidationFailed",
    "__version__",
    "connect",
    "connect_all",
    "connect_all_async",
    "connect_async",
    "errors",
    "hookimpl",
    "load_manifest",
    "parse_ref",
    "provider_info",
    "providers",
]

# The registries and what they need (the engine, httpx's clients, asyncio, the plugins) load on
# first use of any of these names, all together, so that ``import modelreg`` for its records and
# errors stays quick; ``modelreg.hookimpl`` alone loads only pluggy.
_LAZY: dict[str, str] = {
    "AsyncModelRegistry": "modelreg._async_registry",
    "BulkOutcome": "modelreg._bulk",
    "BulkStatus": "modelreg._bulk",
    "ProviderInfo": "modelreg._catalogue",
    "provider_info": "modelreg._catalogue",
    "providers": "modelreg._catalogue",
    "connect": "modelreg._connect",
    "connect_all": "modelreg._connect",
    "connect_all_async": "modelreg._connect",
    "connect_async": "modelreg._connect",
    "ApplyOutcome": "modelreg._execution",
    "ApplyStatus": "modelreg._execution",
    "load_manifest": "modelreg._manifest",
    "Manifest": "modelreg._manifest_types",
    "ManifestEntry": "modelreg._manifest_types",
    "PruneScope": "modelreg._manifest_types",
    "Secret": "modelreg._manifest_types",
    "AsyncRegistries": "modelreg._multi",
    "Registries": "modelreg._multi",
    "Action": "modelreg._plan",
    "ActionKind": "modelreg._plan",
    "Change": "modelreg._plan",
    "Estimate": "modelreg._plan",
    "Plan": "modelreg._plan",
    "ModelRegistry": "modelreg._registry",
}
_HOOKS = {"hookimpl": "modelreg.hookspecs"}


def _publish(names: dict[str, Any]) -> None:
    """Put ``names`` in this module, their ``__module__`` rewritten for tracebacks.

    Tracebacks and reprs read ``modelreg.NotFound`` rather than the private module path. Records'
    string annotations are resolved first, while their defining module is still known, so that
    cattrs and typing.get_type_hints keep working on them.
    """
    for name, obj in names.items():
        if getattr(obj, "__module__", "").startswith("modelreg."):
            if isinstance(obj, type) and attrs.has(obj):
                attrs.resolve_types(obj)
                obj.__annotations__ = typing.get_type_hints(obj)
            obj.__module__ = "modelreg"
        globals()[name] = obj


def __getattr__(name: str) -> Any:
    group = _LAZY if name in _LAZY else _HOOKS if name in _HOOKS else None
    if group is None:
        raise AttributeError(f"module 'modelreg' has no attribute {name!r}")
    _publish({lazy: getattr(importlib.import_module(module), lazy) for lazy, module in group.items()})
    return globals()[name]


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


_publish({name: globals()[name] for name in __all__ if name not in _LAZY and name not in _HOOKS})
