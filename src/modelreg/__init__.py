"""modelreg: manage custom models at several vendors through one API.

>>> import modelreg
>>> with modelreg.connect("scriptix", sandbox=True) as reg:  # doctest: +SKIP
...     model = reg.create(name="Cardiology EN", language="en", base_model="medical")
"""

import typing

import attrs

from modelreg import _serialize as _serialize  # installs to_dict()/from_dict() on the records
from modelreg import errors
from modelreg._async_registry import AsyncModelRegistry
from modelreg._bulk import BulkOutcome, BulkStatus
from modelreg._catalogue import ProviderInfo, provider_info, providers
from modelreg._connect import connect, connect_all, connect_all_async, connect_async
from modelreg._multi import AsyncRegistries, Registries
from modelreg._observe import RequestEvent
from modelreg._quota import Quota
from modelreg._raw import RawResponse
from modelreg._records import Deletion, Issue, Model, ModelStatus, Page, parse_ref
from modelreg._registry import ModelRegistry
from modelreg._version import __version__
from modelreg.errors import (
    APIError,
    AuthenticationFailed,
    ConfigurationError,
    Conflict,
    ModelFailed,
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
    WaitTimedOut,
)
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
    "ModelFailed",
    "ModelInUse",
    "ModelRegError",
    "ModelRegistry",
    "ModelStatus",
    "NotFound",
    "OutcomeUnknown",
    "Page",
    "PermissionDenied",
    "ProtocolError",
    "ProviderInfo",
    "Quota",
    "QuotaExceeded",
    "RateLimited",
    "RawResponse",
    "Registries",
    "RequestEvent",
    "ServerError",
    "TransportError",
    "UnsupportedOperation",
    "ValidationFailed",
    "WaitTimedOut",
    "__version__",
    "connect",
    "connect_all",
    "connect_all_async",
    "connect_async",
    "errors",
    "hookimpl",
    "parse_ref",
    "provider_info",
    "providers",
]

# Tracebacks and reprs read ``modelreg.NotFound`` rather than the private module path. Records'
# string annotations are resolved first, while their defining module is still known, so that
# cattrs and typing.get_type_hints keep working on them.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("modelreg."):
        if isinstance(_obj, type) and attrs.has(_obj):
            attrs.resolve_types(_obj)
            _obj.__annotations__ = typing.get_type_hints(_obj)
        _obj.__module__ = "modelreg"
del _name, _obj
