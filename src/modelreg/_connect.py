"""``connect()`` and ``connect_async()``: from a provider name and settings to a registry."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx

from modelreg._async_registry import AsyncModelRegistry
from modelreg._config import resolve_config
from modelreg._core import RegistryCore
from modelreg._engine import Engine
from modelreg._pacing import Pacer, shared_pacer
from modelreg._plugins import provider_class
from modelreg._registry import ModelRegistry
from modelreg._retry import RetryPolicy
from modelreg._tls import verify_for
from modelreg.errors import ConfigurationError
from modelreg.provider import Limit
from modelreg.sandbox import Sandbox, VirtualClock

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@attrs.frozen
class _Parts:
    core: RegistryCore
    transport: Any
    timeout: httpx.Timeout
    clock: Callable[[], float]
    sandbox: Sandbox | None


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {value!r}")
    return httpx.Timeout(float(value), connect=min(5.0, float(value)))


def _parts(
    name: str,
    *,
    sandbox: bool | Sandbox,
    base_url: str | None,
    transport: Any,
    max_retries: int,
    timeout: float | httpx.Timeout | None,
    limits: Mapping[str, Limit] | None,
    max_wait: float,
    deadline: float | None,
    settings: Mapping[str, Any],
) -> _Parts:
    cls = provider_class(name)
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be a non-negative integer, got {max_retries!r}", provider=name)
    in_sandbox = sandbox is not False and sandbox is not None
    config = resolve_config(cls, settings, base_url=base_url, sandbox=in_sandbox)
    provider = cls(config)
    emulator: Sandbox | None = None
    if isinstance(sandbox, Sandbox):
        emulator = sandbox
    elif sandbox is True:
        emulator = cls.sandbox()
    if emulator is not None and transport is None:
        transport = emulator.transport()
    clock_now: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    if emulator is not None and isinstance(emulator.clock, VirtualClock):
        # Waits in a simulated sandbox pass in simulated time: retries and training are instant.
        clock_now = wall = emulator.clock.now
    # Against a sandbox, client-side pacing is off unless limits= asks for it: the emulator
    # only enforces the vendor's limits when told to.
    pace = emulator is None or limits is not None
    merged = {**cls.limits, **(limits or {})}
    # Vendors count per credential: registries of one account share buckets and caps (not sandboxes).
    if emulator is not None:
        pacer = Pacer(merged, pace=pace)
    else:
        pacer = shared_pacer(
            cls.name, config.base_url, config.secrets(), merged, transport=transport, learn=limits is None
        )
    policy = RetryPolicy(max_retries=max_retries, now=wall)
    engine = Engine(
        provider,
        pacer=pacer,
        policy=policy,
        timeout=_timeout(timeout),
        clock=clock_now,
        deadline=deadline,
        max_wait=max_wait,
    )
    return _Parts(RegistryCore(provider, engine, pacer, emulator), transport, engine.timeout, clock_now, emulator)


def connect(
    provider: str,
    *,
    sandbox: bool | Sandbox = False,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
    max_retries: int = 2,
    timeout: float | httpx.Timeout | None = None,
    limits: Mapping[str, Limit] | None = None,
    max_wait: float = 60.0,
    deadline: float | None = None,
    **settings: Any,
) -> ModelRegistry:
    """A ``ModelRegistry`` bound to ``provider``; credentials come from ``settings`` or the environment.

    ``sandbox=True`` serves every request from the provider's in-process emulator.
    ``limits`` overrides the vendor limits the client paces itself by; ``max_wait`` is the
    longest it will wait for a slot before raising ``RateLimited``; ``deadline`` bounds each
    call, retries and waits included.
    """
    parts = _parts(
        provider,
        sandbox=sandbox,
        base_url=base_url,
        transport=transport,
        max_retries=max_retries,
        timeout=timeout,
        limits=limits,
        max_wait=max_wait,
        deadline=deadline,
        settings=settings,
    )
    verify = verify_for(parts.transport)
    client = httpx.Client(transport=parts.transport, timeout=parts.timeout, follow_redirects=False, verify=verify)
    # time.sleep is looked up at each wait, so that tests can patch it after connecting.
    sleep = (
        parts.sandbox.clock.sleep
        if parts.sandbox and isinstance(parts.sandbox.clock, VirtualClock)
        else lambda seconds: time.sleep(seconds)
    )
    return ModelRegistry(parts.core, client, sleep)


def connect_async(
    provider: str,
    *,
    sandbox: bool | Sandbox = False,
    base_url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    max_retries: int = 2,
    timeout: float | httpx.Timeout | None = None,
    limits: Mapping[str, Limit] | None = None,
    max_wait: float = 60.0,
    deadline: float | None = None,
    **settings: Any,
) -> AsyncModelRegistry:
    """An ``AsyncModelRegistry`` bound to ``provider``; the same arguments as ``connect()``."""
    parts = _parts(
        provider,
        sandbox=sandbox,
        base_url=base_url,
        transport=transport,
        max_retries=max_retries,
        timeout=timeout,
        limits=limits,
        max_wait=max_wait,
        deadline=deadline,
        settings=settings,
    )
    verify = verify_for(parts.transport)
    client = httpx.AsyncClient(transport=parts.transport, timeout=parts.timeout, follow_redirects=False, verify=verify)
    sleep = (
        parts.sandbox.clock.asleep
        if parts.sandbox and isinstance(parts.sandbox.clock, VirtualClock)
        else lambda seconds: asyncio.sleep(seconds)
    )
    return AsyncModelRegistry(parts.core, client, sleep)
