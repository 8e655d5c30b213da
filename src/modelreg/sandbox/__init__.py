"""Vendor emulators: the base class, state stores, clocks, fault plans and transports.

Public for plugin authors: a provider's ``sandbox()`` returns a ``Sandbox`` subclass instance.
"""

from modelreg.sandbox._base import Sandbox
from modelreg.sandbox._clock import Clock, VirtualClock, WallClock
from modelreg.sandbox._faults import Fault, FaultPlan
from modelreg.sandbox._router import route
from modelreg.sandbox._store import MemoryStore, SqliteStore, Store
from modelreg.sandbox._transport import SANDBOX_HEADER, SandboxTransport, asgi_app

__all__ = [
    "SANDBOX_HEADER",
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
    "route",
]
