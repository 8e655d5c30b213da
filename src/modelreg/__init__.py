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
    from modelreg._connect import connect, connect_async
    from modelreg._multi import AsyncRegistries, Registries, connect_all, connect_all_async
    from modelreg._plugins import providers
    from modelreg._registry import ModelRegistry
    from modelreg.hookspecs import hookimpl

__all__ = [
    "APIError",
    "AsyncModelRegistry",
    "AsyncRegistries",
    "AuthenticationFailed",
    "BulkOutcome",
    "BulkStatus",
    "ConfigurationError",
    "Conflict",
    "Deletion",
    "Issue",
    "Model",
    "ModelInUse",
    "ModelRegError",
    "ModelRegistry",
    "ModelStatus",
    "NotFound",
    "OutcomeUnknown",
    "Page",
    "PermissionDenied",
    "ProtocolError",
    "QuotaExceeded",
    "RateLimited",
    "Registries",
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
    "parse_ref",
    "providers",
]

# The registries and what they need (the engine, httpx's clients, asyncio, the plugins) load on
# first use of any of these names, all together, so that ``import modelreg`` for its records and
# errors stays quick; ``modelreg.hookimpl`` alone loads only pluggy.
_LAZY: dict[str, str] = {
    "AsyncModelRegistry": "modelreg._async_registry",
    "BulkOutcome": "modelreg._bulk",
    "BulkStatus": "modelreg._bulk",
    "connect": "modelreg._connect",
    "connect_async": "modelreg._connect",
    "AsyncRegistries": "modelreg._multi",
    "Registries": "modelreg._multi",
    "connect_all": "modelreg._multi",
    "connect_all_async": "modelreg._multi",
    "providers": "modelreg._plugins",
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
