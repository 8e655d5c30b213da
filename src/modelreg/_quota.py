"""Quotas: the windows an operation may use, and what the server says is left of them.

A provider declares its documented limits per operation as one ``Limit`` or a list of them
(``[Limit(10, 60), Limit(100, 3600)]``: every window is enforced), and the rate-limit headers its
vendor sends (``RateLimitHeaders``). The pacer keeps, per operation, the server's last word
(``ServerQuota``): how many requests remain until when. ``Quota`` is what ``reg.quota(op)`` shows.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Literal

import attrs
import httpx

from modelreg._records import Limit
from modelreg.errors import ConfigurationError, RateLimited

Windows = tuple[Limit, ...]
LimitSpec = Limit | Sequence[Limit]
"""What ``limits=`` takes per operation: one ``Limit``, or a list of windows that all apply."""


@attrs.frozen
class Quota:
    """What an operation may still send: ``remaining`` of ``limit`` requests until ``reset_at``.

    ``source`` is ``"server"`` when the vendor's rate-limit headers said so, ``"limits"`` when it
    comes from the documented (or configured) limits the client paces itself by, and ``"none"``
    when neither applies (nothing is known: no limit is declared, or pacing is off).
    """

    limit: int | None
    remaining: int | None
    reset_at: datetime | None
    """When the quota resets (a token comes back), timezone-aware UTC; None when nothing is spent."""
    source: Literal["server", "limits", "none"]


@attrs.frozen
class RateLimitHeaders:
    """The rate-limit headers a vendor sends with its answers (a provider declares them).

    ``reset_format`` says how ``reset`` is written: ``"epoch"`` (Unix seconds of the reset, as
    Scriptix documents ``X-RateLimit-Reset``), ``"seconds"`` (seconds from now) or ``"http-date"``.
    """

    remaining: str = "X-RateLimit-Remaining"
    limit: str | None = "X-RateLimit-Limit"
    reset: str | None = "X-RateLimit-Reset"
    reset_format: Literal["epoch", "seconds", "http-date"] = "epoch"

    def read(
        self, headers: httpx.Headers, wall: float, clock: float | None = None
    ) -> tuple[int, int | None, float | None] | None:
        """``(remaining, limit, reset)`` from ``headers``, or None when absent.

        The reset is in wall-clock seconds, or on another clock that reads ``clock`` at ``wall``.
        """
        remaining = _count(headers.get(self.remaining))
        if remaining is None:
            return None
        limit = _count(headers.get(self.limit)) if self.limit else None
        raw = headers.get(self.reset) if self.reset else None
        reset = self._reset(raw, wall) if raw is not None else None
        if reset is not None and clock is not None:
            reset = clock + (reset - wall)
        return remaining, limit, reset

    def _reset(self, raw: str, wall: float) -> float | None:
        if self.reset_format == "http-date":
            try:
                return email.utils.parsedate_to_datetime(raw).timestamp()
            except (TypeError, ValueError, IndexError):
                return None
        try:
            value = float(raw)
        except ValueError:
            return None
        if not math.isfinite(value) or value < 0:
            return None
        return value if self.reset_format == "epoch" else wall + value


def _count(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    return value if value >= 0 else None


@attrs.define
class ServerQuota:
    """The server's last word on one operation: ``remaining`` requests until ``reset_at`` (pacer clock).

    After the reset a new window of ``limit`` requests is assumed to last ``period`` seconds (the
    operation's longest documented window, else a minute): requests that queued for the reset go
    at most ``limit`` per window, so a crowd waiting for the reset does not rush the vendor at once.
    """

    remaining: int
    reset_at: float
    limit: int | None
    seq: int
    """The start number of the request whose answer said so (later answers replace it)."""
    period: float = 60.0
    later: int = 0
    """Starts handed out for the windows after ``reset_at``."""

    def roll(self, now: float) -> bool:
        """Move past windows that have ended by ``now``; False when nothing is known any more."""
        while self.reset_at <= now:
            if self.limit is None:
                return False
            taken = min(self.later, self.limit)
            self.later -= taken
            self.remaining = self.limit - taken
            self.reset_at += self.period
        return True

    def start(self, at: float) -> float:
        """The earliest start at or after ``at`` that this quota allows (nothing spent)."""
        if at < self.reset_at and self.remaining > 0:
            return at
        if self.limit is None or self.limit < 1:
            return max(at, self.reset_at)
        return max(at, self.reset_at + (self.later // self.limit) * self.period)

    def spend(self, start: float) -> None:
        """Count a request starting at ``start`` (from ``start``)."""
        if start < self.reset_at and self.remaining > 0:
            self.remaining -= 1
        else:
            self.later += 1


def reset_of(error: RateLimited, headers: httpx.Headers, declared: RateLimitHeaders | None, wall: float) -> None:
    """Say when the quota behind a 429 resets: the server's reset header, else the wait it asked for."""
    seen = declared.read(headers, wall) if declared is not None else None
    if seen is not None and seen[2] is not None:
        error.reset_at = utc(seen[2])
    elif error.retry_after is not None:
        error.reset_at = utc(wall + error.retry_after)
    if error.reset_at is not None:
        error.message = f"{error.message} The quota resets at {shown(error.reset_at)}."
        error.args = (error.message,)


def windows(limits: Mapping[str, LimitSpec]) -> dict[str, Windows]:
    """``limits`` with every operation's windows as a tuple, or ``ConfigurationError`` saying what is wrong."""
    if not isinstance(limits, Mapping):
        raise ConfigurationError(f"limits must map operation names to Limit(...), got {type(limits).__name__}")
    checked: dict[str, Windows] = {}
    for operation, spec in limits.items():
        given: object = (spec,) if isinstance(spec, Limit) else spec
        if (
            not isinstance(operation, str)
            or not isinstance(given, (list, tuple))
            or not given
            or not all(isinstance(limit, Limit) for limit in given)
        ):
            raise ConfigurationError(
                f"limits[{operation!r}] must be a modelreg.provider.Limit, e.g. Limit(calls=10, period=60, "
                f"concurrency=3), or a list of them (every window applies), got {spec!r}"
            )
        for limit in given:
            bad = (limit.calls is not None and limit.calls < 1) or limit.period <= 0
            if bad or (limit.concurrency is not None and limit.concurrency < 1):
                raise ConfigurationError(
                    f"limits[{operation!r}] needs calls, period and concurrency of at least 1: {limit}"
                )
        checked[operation] = tuple(given)
    return checked


def concurrency_of(windows: Windows) -> int | None:
    """The tightest concurrency cap among ``windows``, if any declares one."""
    caps = [limit.concurrency for limit in windows if limit.concurrency is not None]
    return min(caps) if caps else None


_LATEST = datetime.max.replace(tzinfo=timezone.utc)
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def utc(moment: float) -> datetime:
    """A wall-clock time as an aware UTC datetime, clamped to what ``datetime`` holds.

    A vendor's absurd ``Retry-After`` (hundreds of years) gives the latest representable time
    rather than an error.
    """
    try:
        return datetime.fromtimestamp(moment, timezone.utc)
    except (OverflowError, OSError, ValueError):
        return _LATEST if moment > 0 else _EARLIEST


def shown(moment: datetime) -> str:
    """A reset time for messages: ISO 8601 in UTC, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
