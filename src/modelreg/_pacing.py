"""Client-side pacing: rate buckets and concurrency caps per provider operation.

Each operation with a declared ``Limit(calls, period)`` gets a bucket of ``calls`` tokens; a
request spends one, and each token comes back ``period`` seconds after it was spent. That is a
token bucket that can never let more than ``calls`` requests start in *any* window of ``period``
seconds: a bucket refilled at a steady rate would allow nearly twice that across a window's
edge, which a vendor counting per hour answers with 429. A 429 closes the operation's bucket
until its ``Retry-After`` has passed. Concurrency caps are ``Gate``s that threads and asyncio
tasks share, so one registry's sync calls, async calls and bulk helpers count against the same cap.
Vendors count per credential, so registries connected with the same provider, host, credentials
and limits share one ``Pacer`` (``shared_pacer``): a sync and an async registry of one account
stay under the account's limits together.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import weakref
from collections import deque
from collections.abc import Iterable, Mapping

from modelreg._records import Limit
from modelreg.errors import ConfigurationError
from modelreg.sandbox._transport import SANDBOX_HEADER


class Bucket:
    """``calls`` tokens, each back ``period`` seconds after it was spent; starts are handed out in order."""

    def __init__(self, calls: int, period: float) -> None:
        self.calls = calls
        self.period = period
        self._spent: deque[float] = deque(maxlen=calls)

    def next_start(self, now: float) -> float:
        """The earliest time a request may start (without spending a token)."""
        start = now if len(self._spent) < self.calls else max(now, self._spent[0] + self.period)
        # Never before a start already handed out: keeps the spent times ordered.
        return max(start, self._spent[-1]) if self._spent else start

    def spend(self, start: float) -> None:
        """Spend a token for a request starting at ``start`` (from ``next_start``)."""
        self._spent.append(start)


class Gate:
    """A counting semaphore that threads and asyncio tasks (of any event loop) share, first come first served."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._free = slots
        self._lock = threading.Lock()
        self._waiters: deque[threading.Event | asyncio.Future[bool]] = deque()

    @property
    def busy(self) -> int:
        """How many slots are held right now."""
        return self.slots - self._free

    def acquire(self, timeout: float | None = None) -> bool:
        """Take a slot, blocking the thread until one is free; False if ``timeout`` seconds pass first."""
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return True
            event = threading.Event()
            self._waiters.append(event)
        if event.wait(timeout):
            return True  # release() handed its slot straight to us
        with self._lock:
            if event in self._waiters:
                self._waiters.remove(event)
                return False
        return True  # handed over just as the wait ran out

    async def aacquire(self, timeout: float | None = None) -> bool:
        """Take a slot, suspending the task until one is free; False if ``timeout`` seconds pass first."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._free > 0 and not self._waiters:
                self._free -= 1
                return True
            future: asyncio.Future[bool] = loop.create_future()
            self._waiters.append(future)
        timer = loop.call_later(timeout, self._expire, future) if timeout is not None else None
        try:
            return await future
        except asyncio.CancelledError:
            with self._lock:
                if future in self._waiters:
                    self._waiters.remove(future)
                    raise
            # The slot was handed over already: pass it on (a cancelled future is passed on by _wake).
            if future.done() and not future.cancelled() and future.result():
                self.release()
            raise
        finally:
            if timer is not None:
                timer.cancel()

    def release(self) -> None:
        """Give a slot back, straight to the longest waiter if there is one."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if isinstance(waiter, threading.Event):
                    waiter.set()
                    return
                if waiter.done():
                    continue
                try:
                    waiter.get_loop().call_soon_threadsafe(self._wake, waiter)
                except RuntimeError:  # its event loop is closed: that waiter is gone
                    continue
                return
            self._free += 1

    def _wake(self, future: asyncio.Future[bool]) -> None:
        if future.done():  # cancelled after the slot was handed to it
            self.release()
        else:
            future.set_result(True)

    def _expire(self, future: asyncio.Future[bool]) -> None:
        with self._lock:
            if future in self._waiters:
                self._waiters.remove(future)
                if not future.done():
                    future.set_result(False)


class Pacer:
    """The rate buckets and concurrency caps of one registry, by operation name."""

    def __init__(self, limits: Mapping[str, Limit], *, pace: bool = True, learn: bool = False) -> None:
        self.limits = _checked(limits)
        self.pace = pace
        """Whether rate buckets (and 429 back-off) apply; concurrency caps always do."""
        self._learn = pace and learn
        self._buckets: dict[str, Bucket] = {}
        self._closed_until: dict[str, float] = {}
        self._gates: dict[str, Gate] = {}
        # Each operation's gate (or None when uncapped), looked up once: ``hold`` runs per request.
        self._gate_of: dict[str, Gate | None] = {}
        self._lock = threading.Lock()

    def observe(self, outcome: object) -> None:
        """Learn from the first answer whether the server is a served modelreg sandbox, and then stop pacing.

        Only a pacer made with ``learn=True`` (a registry given no ``limits=``) learns: against a
        sandbox it then paces as in process, by the concurrency caps alone. A sandbox says what it
        is with the ``x-modelreg-sandbox: 1`` header on every answer.
        """
        if self._learn and hasattr(outcome, "headers"):
            self._learn = False
            if outcome.headers.get(SANDBOX_HEADER) == "1":
                self.pace = False

    def limit(self, operation: str) -> Limit | None:
        """The limit that applies to ``operation`` (its own, else the provider's ``"*"``)."""
        return self.limits.get(operation) or self.limits.get("*")

    def concurrency(self, operation: str) -> int | None:
        """The concurrency cap of ``operation``, if any."""
        limit = self.limit(operation)
        return limit.concurrency if limit else None

    def _key(self, operation: str) -> str:
        return operation if operation in self.limits else "*"

    def _bucket(self, operation: str) -> Bucket | None:
        limit = self.limit(operation)
        if limit is None or not limit.calls:
            return None
        key = self._key(operation)
        if key not in self._buckets:
            self._buckets[key] = Bucket(limit.calls, limit.period)
        return self._buckets[key]

    def reserve(self, operation: str, now: float, max_wait: float, waited_until: float | None = None) -> float:
        """Spend a token and return the wait before using it; a longer wait than ``max_wait`` spends nothing.

        ``waited_until`` is when the caller's own backoff ended: a 429 block that ends by then was
        waited out already (by the request that met the 429) and does not count twice.
        """
        if not self.pace:
            return 0.0
        with self._lock:
            start = now
            closed = self._closed_until.get(operation, now)
            if waited_until is None or closed > waited_until:
                start = max(start, closed)
            bucket = self._bucket(operation)
            if bucket is not None:
                start = max(start, bucket.next_start(now))
            wait = start - now
            if wait <= max_wait and bucket is not None:
                bucket.spend(start)
            return wait

    def closed_for(self, operation: str, now: float) -> float:
        """Seconds left of the back-off a server's 429 imposed on ``operation`` (0 when none)."""
        with self._lock:
            return max(0.0, self._closed_until.get(operation, now) - now)

    def block(self, operation: str, until: float) -> None:
        """After a 429: start no request of ``operation`` before ``until``."""
        if not self.pace:
            return
        with self._lock:
            self._closed_until[operation] = max(self._closed_until.get(operation, until), until)

    def gate(self, operation: str) -> Gate | None:
        """The concurrency gate of ``operation`` (shared with every operation under ``"*"``), if capped."""
        if operation in self._gate_of:
            return self._gate_of[operation]
        cap = self.concurrency(operation)
        with self._lock:
            found = None if cap is None else self._gates.setdefault(self._key(operation), Gate(cap))
            self._gate_of[operation] = found
            return found

    def hold(self, operation: str, timeout: float | None = None) -> Hold:
        """Hold one of ``operation``'s concurrency slots (threads); enters as False if none came within ``timeout``."""
        return Hold(self.gate(operation), timeout)

    def ahold(self, operation: str, timeout: float | None = None) -> Hold:
        """Hold one of ``operation``'s concurrency slots (tasks); enters as False if none came within ``timeout``."""
        return Hold(self.gate(operation), timeout)


class Hold:
    """A context manager (``with`` for threads, ``async with`` for tasks) holding one slot of a gate.

    A plain class rather than a generator-based context manager: it is entered once per request.
    """

    __slots__ = ("gate", "held", "timeout")

    def __init__(self, gate: Gate | None, timeout: float | None) -> None:
        self.gate = gate
        self.timeout = timeout
        self.held = False

    def __enter__(self) -> bool:
        if self.gate is None:
            return True
        self.held = self.gate.acquire(self.timeout)
        return self.held

    def __exit__(self, *exc: object) -> None:
        gate = self.gate
        if self.held and gate is not None:
            self.held = False
            gate.release()

    async def __aenter__(self) -> bool:
        if self.gate is None:
            return True
        self.held = await self.gate.aacquire(self.timeout)
        return self.held

    async def __aexit__(self, *exc: object) -> None:
        self.__exit__()


_shared: weakref.WeakValueDictionary[tuple[object, ...], Pacer] = weakref.WeakValueDictionary()
_shared_lock = threading.Lock()


def shared_pacer(
    provider: str,
    base_url: str,
    secrets: Iterable[str],
    limits: Mapping[str, Limit],
    *,
    transport: object = None,
    pace: bool = True,
    learn: bool = False,
) -> Pacer:
    """The ``Pacer`` every live registry of one account (provider, host, credentials, limits) shares.

    A registry given its own ``transport`` shares only with registries given that same transport
    object: a mock or a proxy is a different server as far as limits go. ``learn``: see
    ``Pacer.observe`` (registries given ``limits=`` share no pacer with those that learn).
    """
    limits = _checked(limits)
    digest = hashlib.sha256("\0".join(secrets).encode()).hexdigest()
    route = None if transport is None else id(transport)
    key = (provider, base_url, digest, route, tuple(sorted(limits.items(), key=lambda item: item[0])), pace, learn)
    with _shared_lock:
        pacer = _shared.get(key)
        if pacer is None:
            pacer = Pacer(limits, pace=pace, learn=learn)
            _shared[key] = pacer
        return pacer


def _checked(limits: Mapping[str, Limit]) -> dict[str, Limit]:
    """``limits`` as a dict, or ``ConfigurationError`` saying what is wrong."""
    if not isinstance(limits, Mapping):
        raise ConfigurationError(f"limits must map operation names to Limit(...), got {type(limits).__name__}")
    for operation, limit in limits.items():
        if not isinstance(operation, str) or not isinstance(limit, Limit):
            raise ConfigurationError(
                f"limits[{operation!r}] must be a modelreg.provider.Limit, e.g. Limit(calls=10, period=60, "
                f"concurrency=3), got {limit!r}"
            )
        bad = (limit.calls is not None and limit.calls < 1) or limit.period <= 0
        if bad or (limit.concurrency is not None and limit.concurrency < 1):
            raise ConfigurationError(
                f"limits[{operation!r}] needs calls, period and concurrency of at least 1: {limit}"
            )
    return dict(limits)
