"""Options a registry sends with: default headers, User-Agent, event hooks, tracing, and ``with_options``.

``connect(..., headers=, user_agent=, event_hooks=, otel=)`` are checked here (``engine_options``)
before anything is sent; ``reg.with_options(...)`` (``derive``) makes a view of a registry whose
calls use other timeouts, deadline, retries or headers while sharing its client, pacer and quota.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import attrs
import httpx

from modelreg._engine import USER_AGENT, Engine
from modelreg._observe import Hook, Observer, check_hooks, configure_logging
from modelreg._tracing import Tracing
from modelreg.errors import ConfigurationError


class _NotGiven:
    """The type of ``NOT_GIVEN``."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NotGiven = _NotGiven
"""The type of ``NOT_GIVEN``, for signatures."""
NOT_GIVEN: Final = _NotGiven()
"""``with_options``' default: keep the parent's value (distinct from None, which for ``deadline`` means none)."""

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_CREDENTIAL_NAMES = re.compile(r"(?i)auth|key|token|secret|password|cookie|session|signature")
"""A header named like this carries a credential: its value is masked wherever modelreg shows text."""
_OWN = frozenset({"user-agent", "host", "content-length", "transfer-encoding"})


def check_headers(headers: Mapping[str, str] | None, provider: str) -> dict[str, str]:
    """``headers`` as a dict, or ``ConfigurationError`` naming the bad one before anything is sent."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise ConfigurationError(f"headers must map header names to values, got {headers!r}", provider=provider)
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            raise ConfigurationError(f"headers: {name!r} is not a valid header name", provider=provider)
        if name.lower() in _OWN:
            fix = (
                "pass user_agent='myapp/2' to add your application" if name.lower() == "user-agent" else "httpx sets it"
            )
            raise ConfigurationError(f"headers may not set {name}: {fix}", provider=provider)
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            raise ConfigurationError(
                f"headers[{name!r}] must be a string on one line, got a {type(value).__name__}", provider=provider
            )
        checked[name.lower()] = value  # lower case: a view's header replaces its parent's of any case
    return checked


def credentials_in(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The values of ``headers`` whose names say they carry a credential (masked like configured secrets)."""
    return tuple(value for name, value in headers.items() if _CREDENTIAL_NAMES.search(name) and value)


def user_agent_for(suffix: str | None, provider: str) -> str:
    """``modelreg/<version>``, followed by the application's own product token when given."""
    if suffix is None:
        return USER_AGENT
    if not isinstance(suffix, str) or not suffix.strip() or "\r" in suffix or "\n" in suffix:
        raise ConfigurationError(
            f"user_agent must name your application on one line, e.g. 'myapp/2', got {suffix!r}", provider=provider
        )
    return f"{USER_AGENT} {suffix.strip()}"


def engine_options(
    provider: str,
    *,
    headers: Mapping[str, str] | None,
    user_agent: str | None,
    event_hooks: Mapping[str, Iterable[Hook]] | None,
    otel: Any,
) -> dict[str, Any]:
    """The ``Engine`` arguments that ``connect()``'s observability and header options make."""
    configure_logging()
    checked = check_headers(headers, provider)
    return {
        "headers": checked,
        "user_agent": user_agent_for(user_agent, provider),
        "observer": Observer.build(provider, check_hooks(event_hooks, provider), Tracing.resolve(otel, provider)),
        "extra_secrets": credentials_in(checked),
    }


def check_timeout(value: float | httpx.Timeout, provider: str | None = None) -> httpx.Timeout:
    """``value`` as an ``httpx.Timeout`` (a number sets every phase, connect at most 5 s)."""
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {value!r}", provider=provider)
    return httpx.Timeout(float(value), connect=min(5.0, float(value)))


def derive(
    engine: Engine,
    *,
    timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
    deadline: float | NotGiven | None = NOT_GIVEN,
    max_retries: int | NotGiven = NOT_GIVEN,
    max_wait: float | NotGiven = NOT_GIVEN,
    headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
) -> Engine:
    """``engine`` with the options given changed; every value checked before anything is sent."""
    name = engine.provider.name
    changes: dict[str, Any] = {}
    if not isinstance(timeout, NotGiven):
        changes["timeout"] = check_timeout(timeout, name)
    if not isinstance(deadline, NotGiven):
        changes["deadline"] = None if deadline is None else _seconds("deadline", deadline, name)
    if not isinstance(max_wait, NotGiven):
        changes["max_wait"] = _seconds("max_wait", max_wait, name, zero=True)
    if not isinstance(max_retries, NotGiven):
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ConfigurationError(f"max_retries must be a non-negative integer, got {max_retries!r}", provider=name)
        changes["policy"] = attrs.evolve(engine.policy, max_retries=max_retries)
    if not isinstance(headers, NotGiven):
        added = check_headers(headers, name)
        changes["headers"] = {**engine.headers, **added}
        changes["extra_secrets"] = (*engine.extra_secrets, *credentials_in(added))
    return engine.derive(**changes)


def _seconds(what: str, value: Any, provider: str, *, zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (value == 0 and not zero):
        kind = "non-negative" if zero else "positive"
        raise ConfigurationError(f"{what} must be a {kind} number of seconds, got {value!r}", provider=provider)
    return float(value)
