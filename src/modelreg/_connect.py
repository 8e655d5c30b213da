"""``connect()``, ``connect_all()`` and their async twins: from provider names and settings to registries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import httpx

from modelreg._async_registry import AsyncModelRegistry
from modelreg._binding import registry_class
from modelreg._config import check_secure, resolve_config
from modelreg._engine import Engine
from modelreg._multi import AsyncRegistries, Registries
from modelreg._observe import Hook
from modelreg._options import check_timeout, engine_options
from modelreg._pacing import Pacer, shared_pacer
from modelreg._plugins import provider_class, provider_classes
from modelreg._quota import LimitSpec
from modelreg._registry import ModelRegistry
from modelreg._retry import RetryPolicy
from modelreg._sources import missing as unconfigured
from modelreg._tls import verify_for
from modelreg._typed import by_provider, by_provider_async
from modelreg.errors import ConfigurationError
from modelreg.provider import Provider
from modelreg.sandbox import MemoryStore, Sandbox, VirtualClock

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_CLOCK_SKEW = 120.0
"""Seconds the vendor's clock may lag this one when a lost create is told apart from an older twin."""
DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest answer body read (32 MiB): a bigger one is a ``ProtocolError``, not an exhausted memory."""


@attrs.frozen
class _Parts:
    """Everything a registry is made of but its HTTP client, resolved once for sync and async."""

    provider: Provider
    engine: Engine
    pacer: Pacer
    transport: Any
    sandbox: Sandbox | None

    def client_options(self) -> dict[str, Any]:
        """The keyword arguments of the ``httpx.Client`` or ``httpx.AsyncClient`` to build."""
        return {
            "transport": self.transport,
            "timeout": self.engine.timeout,
            "follow_redirects": False,
            "verify": verify_for(self.transport),
        }

    def simulated(self) -> VirtualClock | None:
        """The sandbox's simulated clock, whose waits pass at once, if it has one."""
        clock = self.sandbox.clock if self.sandbox is not None else None
        return clock if isinstance(clock, VirtualClock) else None


def _check_positive(what: str, value: Any, provider: str, *, zero: bool = False, integer: bool = False) -> None:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < 0 or (value == 0 and not zero):
        wanted = "integer" if integer else "number"
        raise ConfigurationError(
            f"{what} must be a {'non-negative' if zero else 'positive'} {wanted}, got {value!r}", provider=provider
        )


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    return DEFAULT_TIMEOUT if value is None else check_timeout(value)


def _parts(
    name: str,
    *,
    sandbox: bool | Sandbox,
    base_url: str | None,
    transport: Any,
    max_retries: int,
    timeout: float | httpx.Timeout | None,
    limits: Mapping[str, LimitSpec] | None,
    max_wait: float,
    deadline: float | None,
    clock_skew: float,
    max_response_bytes: int,
    allow_insecure: bool,
    headers: Mapping[str, str] | None,
    user_agent: str | None,
    event_hooks: Mapping[str, Iterable[Hook]] | None,
    otel: Any,
    profile: str | None,
    settings: Mapping[str, Any],
) -> _Parts:
    cls = provider_class(name)
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be a non-negative integer, got {max_retries!r}", provider=name)
    in_sandbox = sandbox is not False and sandbox is not None
    config = resolve_config(cls, settings, base_url=base_url, sandbox=in_sandbox, profile=profile)
    provider = cls(config)
    emulator: Sandbox | None = None
    if isinstance(sandbox, Sandbox):
        emulator = sandbox
    elif sandbox is True:
        # The same start as `modelreg --sandbox`: a fresh store holding the provider's seed models.
        emulator = cls.sandbox(store=MemoryStore())
        emulator.seed()
    if emulator is not None and transport is None:
        transport = emulator.transport()
    else:  # the requests may cross a network: credentials must not travel in clear
        check_secure(config, allow_insecure)
    _check_positive("clock_skew", clock_skew, name, zero=True)
    _check_positive("max_response_bytes", max_response_bytes, name, integer=True)
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
        wall=wall,
        clock_skew=float(clock_skew),
        max_response_bytes=max_response_bytes,
        **engine_options(name, headers=headers, user_agent=user_agent, event_hooks=event_hooks, otel=otel),
    )
    return _Parts(provider, engine, pacer, transport, emulator)


@by_provider
def connect(
    provider: str,
    *,
    sandbox: bool | Sandbox = False,
    base_url: str | None = None,
    transport: httpx.BaseTransport | None = None,
    max_retries: int = 2,
    timeout: float | httpx.Timeout | None = None,
    limits: Mapping[str, LimitSpec] | None = None,
    max_wait: float = 60.0,
    deadline: float | None = None,
    clock_skew: float = DEFAULT_CLOCK_SKEW,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    allow_insecure: bool = False,
    headers: Mapping[str, str] | None = None,
    user_agent: str | None = None,
    event_hooks: Mapping[str, Iterable[Hook]] | None = None,
    otel: Any = None,
    profile: str | None = None,
    **settings: Any,
) -> ModelRegistry:
    """A ``ModelRegistry`` bound to ``provider``; credentials come from ``settings`` or the environment.

    ``sandbox=True`` serves every request from the provider's in-process emulator.
    ``limits`` overrides the vendor limits the client paces itself by; ``max_wait`` is the
    longest it will wait for a slot before raising ``RateLimited``; ``deadline`` bounds each
    call, retries, waits and reading the answers included. ``clock_skew`` is how far the vendor's
    clock may be behind this one when a lost create is looked up (see docs/resilience.md);
    ``max_response_bytes`` caps one answer's body (``ProtocolError`` past it);
    ``allow_insecure=True`` (or ``MODELREG_ALLOW_INSECURE=1``) permits ``http://`` to a host that
    is not this machine, which sends the credentials in clear. ``headers`` are sent with every
    request; ``user_agent`` follows ``modelreg/<version>`` in the User-Agent; ``event_hooks``
    (``{"request": [...], "response": [...], "retry": [...]}``) are called with a ``RequestEvent``;
    ``otel=True`` (or a tracer provider, or ``MODELREG_OTEL=1``) makes OpenTelemetry spans.
    ``profile`` names the config-file
    profile to read settings from (default: ``$MODELREG_PROFILE``, else ``default`` if it exists);
    arguments win over env vars, which win over the profile (``modelreg.profiles``).
    """
    parts = _parts(provider, **_options(locals()))
    simulated = parts.simulated()
    # time.sleep is looked up at each wait, so that tests can patch it after connecting.
    sleep = simulated.sleep if simulated else lambda seconds: time.sleep(seconds)
    registry = registry_class(type(parts.provider), ModelRegistry)
    return registry(*_registry_parts(parts), httpx.Client(**parts.client_options()), sleep)


@by_provider_async
def connect_async(
    provider: str,
    *,
    sandbox: bool | Sandbox = False,
    base_url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    max_retries: int = 2,
    timeout: float | httpx.Timeout | None = None,
    limits: Mapping[str, LimitSpec] | None = None,
    max_wait: float = 60.0,
    deadline: float | None = None,
    clock_skew: float = DEFAULT_CLOCK_SKEW,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    allow_insecure: bool = False,
    headers: Mapping[str, str] | None = None,
    user_agent: str | None = None,
    event_hooks: Mapping[str, Iterable[Hook]] | None = None,
    otel: Any = None,
    profile: str | None = None,
    **settings: Any,
) -> AsyncModelRegistry:
    """An ``AsyncModelRegistry`` bound to ``provider``; the same arguments as ``connect()``."""
    parts = _parts(provider, **_options(locals()))
    simulated = parts.simulated()
    sleep = simulated.asleep if simulated else lambda seconds: asyncio.sleep(seconds)
    registry = registry_class(type(parts.provider), AsyncModelRegistry)
    return registry(*_registry_parts(parts), httpx.AsyncClient(**parts.client_options()), sleep)


def _options(arguments: dict[str, Any]) -> dict[str, Any]:
    """``connect()``'s arguments as ``_parts`` takes them: the provider's own settings apart."""
    options = {k: v for k, v in arguments.items() if k not in ("provider", "settings")}
    return {**options, "settings": arguments["settings"]}


def _registry_parts(parts: _Parts) -> tuple[Provider, Engine, Pacer, Sandbox | None]:
    return parts.provider, parts.engine, parts.pacer, parts.sandbox


def connect_all(
    *,
    providers: Iterable[str] | None = None,
    sandbox: bool | Mapping[str, Sandbox] = False,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    profile: str | None = None,
    **options: Any,
) -> Registries:
    """Connect every installed provider that is configured (all of them with ``sandbox=True``).

    ``settings`` maps a provider name to its own ``connect()`` arguments; ``options``
    (``max_retries``, ``timeout``...) apply to all, and so does ``profile`` (a provider the
    profile configures counts as configured). Providers left out are in ``.skipped``.
    """
    chosen, skipped = _choose(providers, sandbox, settings or {}, profile)
    return Registries(
        {name: connect(name, **{"profile": profile, **options, **own}) for name, own in chosen.items()}, skipped
    )


def connect_all_async(
    *,
    providers: Iterable[str] | None = None,
    sandbox: bool | Mapping[str, Sandbox] = False,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    profile: str | None = None,
    **options: Any,
) -> AsyncRegistries:
    """The async twin of ``connect_all()``."""
    chosen, skipped = _choose(providers, sandbox, settings or {}, profile)
    registries = {name: connect_async(name, **{"profile": profile, **options, **own}) for name, own in chosen.items()}
    return AsyncRegistries(registries, skipped)


def _choose(
    names: Iterable[str] | None,
    sandbox: bool | Mapping[str, Sandbox],
    settings: Mapping[str, Mapping[str, Any]],
    profile: str | None,
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Each provider to connect with its own arguments, and each one left out with the reason."""
    chosen: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for name in list(names) if names is not None else sorted(provider_classes()):
        own = dict(settings.get(name, {}))
        if isinstance(sandbox, Mapping):
            if name not in sandbox:
                skipped[name] = "no sandbox was given for it"
                continue
            own["sandbox"] = sandbox[name]
        elif sandbox:
            own["sandbox"] = True
        else:
            missing = [env for env in unconfigured(provider_class(name), profile) if env.lower() not in own]
            if missing and not own:
                skipped[name] = f"not configured: set {', '.join(missing)}"
                continue
        chosen[name] = own
    return chosen, skipped
