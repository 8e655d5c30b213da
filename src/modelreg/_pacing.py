"""Client-side pacing: sliding-window rate limits and concurrency caps per provider operation."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping

from modelreg.provider import Limit


class Window:
    """At most ``calls`` starts in any ``period`` seconds: reserves the earliest free slot."""

    def __init__(self, calls: int, period: float) -> None:
        self.calls = calls
        self.period = period
        self._slots: deque[float] = deque(maxlen=calls)
        self._blocked_until = 0.0

    def wait(self, now: float) -> float:
        """Seconds until the next slot, without taking it."""
        slot = now if len(self._slots) < self.calls else max(now, self._slots[0] + self.period)
        return max(slot, self._blocked_until) - now

    def take(self, now: float) -> None:
        """Take the next slot (call after ``wait`` said how long until it comes)."""
        self._slots.append(now + self.wait(now))

    def block(self, until: float) -> None:
        """Let nothing start before ``until`` (after a 429 with ``Retry-After``)."""
        self._blocked_until = max(self._blocked_until, until)


class Pacer:
    """The rate windows and concurrency caps of one registry, by operation name."""

    def __init__(self, limits: Mapping[str, Limit], *, pace: bool = True) -> None:
        self.limits = dict(limits)
        self._pace = pace
        self._windows: dict[str, Window] = {}
        self._sync_caps: dict[str, threading.BoundedSemaphore] = {}
        self._async_caps: dict[str, asyncio.Semaphore] = {}
        self._lock = threading.Lock()

    def limit(self, operation: str) -> Limit | None:
        """The limit that applies to ``operation`` (its own, else the provider's ``"*"``)."""
        return self.limits.get(operation) or self.limits.get("*")

    def concurrency(self, operation: str) -> int | None:
        """The concurrency cap of ``operation``, if any."""
        limit = self.limit(operation)
        return limit.concurrency if limit else None

    def _window(self, operation: str) -> Window | None:
        limit = self.limit(operation)
        if not self._pace or limit is None or not limit.calls:
            return None
        key = operation if operation in self.limits else "*"
        if key not in self._windows:
            self._windows[key] = Window(limit.calls, limit.period)
        return self._windows[key]

    def reserve(self, operation: str, now: float, max_wait: float) -> float:
        """Take a start slot and return the wait before it; a longer wait than ``max_wait`` takes nothing."""
        with self._lock:
            window = self._window(operation)
            if window is None:
                return 0.0
            wait = window.wait(now)
            if wait <= max_wait:
                window.take(now)
            return wait

    def block(self, operation: str, until: float) -> None:
        """After a 429: start no request of ``operation`` before ``until``."""
        with self._lock:
            window = self._window(operation)
            if window is not None:
                window.block(until)

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[None]:
        """Hold one of ``operation``'s concurrency slots (threads)."""
        cap = self.concurrency(operation)
        if cap is None:
            yield
            return
        with self._lock:
            semaphore = self._sync_caps.setdefault(operation, threading.BoundedSemaphore(cap))
        with semaphore:
            yield

    @contextlib.asynccontextmanager
    async def ahold(self, operation: str) -> AsyncIterator[None]:
        """Hold one of ``operation``'s concurrency slots (tasks)."""
        cap = self.concurrency(operation)
        if cap is None:
            yield
            return
        with self._lock:
            semaphore = self._async_caps.setdefault(operation, asyncio.Semaphore(cap))
        async with semaphore:
            yield
