"""Vendor emulators: the base class, state stores, clocks, fault plans and transports.

Public for plugin authors: a provider's ``sandbox()`` returns a ``Sandbox`` subclass instance.
Each name loads its module on first use, so that a program that never runs a sandbox does not
pay for importing one.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from modelreg.sandbox._transport import SANDBOX_HEADER

if TYPE_CHECKING:
    from modelreg._placeholder import SANDBOX_SECRET
    from modelreg.sandbox._base import Sandbox
    from modelreg.sandbox._clock import Clock, VirtualClock, WallClock
    from modelreg.sandbox._faults import Fault, FaultPlan
    from modelreg.sandbox._router import route
    from modelreg.sandbox._store import MemoryStore, SqliteStore, Store
    from modelreg.sandbox._transport import SandboxTransport, asgi_app, mounted_app

__all__ = [
    "SANDBOX_HEADER",
    "SANDBOX_SECRET",
    "Clock",
    "Fault",
    "FaultPlan",
    "MemoryStore",
    "Sandbox",
    "SandboxTransport",
    "SqliteStore",
    "Store",
    "VirtualClock",
    "WallClock",
    "asgi_app",
    "mounted_app",
    "route",
]

_MODULES = {
    "SANDBOX_SECRET": "modelreg._placeholder",
    "Sandbox": "_base",
    "Clock": "_clock",
    "VirtualClock": "_clock",
    "WallClock": "_clock",
    "Fault": "_faults",
    "FaultPlan": "_faults",
    "route": "_router",
    "MemoryStore": "_store",
    "SqliteStore": "_store",
    "Store": "_store",
    "SandboxTransport": "_transport",
    "asgi_app": "_transport",
    "mounted_app": "_transport",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'modelreg.sandbox' has no attribute {name!r}")
    path = module if module.startswith("modelreg.") else f"modelreg.sandbox.{module}"
    value = getattr(importlib.import_module(path), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
