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
stay under the account's limits together. An operation may have several windows (per minute,
hour and day): each is a bucket and a request starts only once every one allows it. What the
server's rate-limit headers say remains (``observe``) caps the starts until its reset too.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Mapping

from modelreg._quota import LimitSpec, Quota, ServerQuota, Windows, concurrency_of, utc, windows
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

    def left(self, now: float) -> tuple[int, float | None]:
        """Tokens free at ``now``, and when the next spent one comes back (None: none is spent)."""
        taken = [start for start in self._spent if start > now - self.period]
        return self.calls - len(taken), (taken[0] + self.period if taken else None)


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

    def __init__(self, limits: Mapping[str, LimitSpec], *, pace: bool = True, learn: bool = False) -> None:
        self.limits: dict[str, Windows] = windows(limits)
        """Each operation's windows (one ``Limit`` or several, every one enforced)."""
        self.pace = pace
        """Whether rate buckets (and 429 back-off) apply; concurrency caps and the server's quota always do."""
        self._learn = pace and learn
        self.track = False
        """Whether answers carry the server's quota (``observe_quota``): starts are then numbered."""
        self._buckets: dict[str, tuple[Bucket, ...]] = {}
        self._closed_until: dict[str, float] = {}
        self._server: dict[str, ServerQuota] = {}
        self._started: dict[str, int] = {}
        self._gates: dict[str, Gate] = {}
        # Each operation's gate (or None when uncapped), looked up once: ``hold`` runs per request.
        self._gate_of: dict[str, Gate | None] = {}
        self._lock = threading.Lock()

    def windows(self, operation: str) -> Windows:
        """The windows that apply to ``operation`` (its own, else the provider's ``"*"``)."""
        return self.limits.get(operation) or self.limits.get("*") or ()

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

    def concurrency(self, operation: str) -> int | None:
        """The concurrency cap of ``operation``, if any."""
        return concurrency_of(self.windows(operation))

    def _key(self, operation: str) -> str:
        return operation if operation in self.limits else "*"

    def _bucket_set(self, operation: str) -> tuple[Bucket, ...]:
        key = self._key(operation)
        buckets = self._buckets.get(key)
        if buckets is None:
            buckets = tuple(Bucket(w.calls, w.period) for w in self.windows(operation) if w.calls)
            self._buckets[key] = buckets
        return buckets

    def reserve(self, operation: str, now: float, max_wait: float, waited_until: float | None = None) -> float:
        """Spend a token and return the wait before using it; a longer wait than ``max_wait`` spends nothing.

        ``waited_until`` is when the caller's own backoff ended: a 429 block that ends by then was
        waited out already (by the request that met the 429) and does not count twice.
        """
        return self.reserve_numbered(operation, now, max_wait, waited_until)[0]

    def reserve_numbered(
        self, operation: str, now: float, max_wait: float, waited_until: float | None = None
    ) -> tuple[float, int]:
        """``reserve``, with the number of this start among the operation's (0 when starts are not counted)."""
        if not self.pace and not self.track:
            return 0.0, 0
        with self._lock:
            start = now
            buckets: tuple[Bucket, ...] = ()
            if self.pace:
                closed = self._closed_until.get(operation, now)
                if waited_until is None or closed > waited_until:
                    start = max(start, closed)
                buckets = self._bucket_set(operation)
                for bucket in buckets:
                    start = max(start, bucket.next_start(now))
            key = self._key(operation)
            server = self._server.get(key) if self.track else None
            if server is not None and not server.roll(now):
                del self._server[key]  # the window has reset and its size is unknown: the count is stale
                server = None
            if server is not None:
                start = server.start(start)
            wait = start - now
            if wait > max_wait:
                return wait, 0
            for bucket in buckets:
                bucket.spend(start)
            if server is not None:
                server.spend(start)
            if not self.track:
                return wait, 0
            number = self._started.get(key, 0) + 1
            self._started[key] = number
            return wait, number

    def observe_quota(
        self, operation: str, remaining: int, limit: int | None, reset_at: float | None, seq: int
    ) -> None:
        """The server said ``remaining`` requests are left until ``reset_at`` in its answer to start ``seq``.

        Requests started after that one are not in the server's count yet: they are taken off.
        Without a reset time the figure cannot be timed out, so it is not kept.
        """
        if reset_at is None or not seq:
            return
        with self._lock:
            key = self._key(operation)
            left = remaining - (self._started.get(key, seq) - seq)
            known = self._server.get(key)
            newer = known is not None and known.reset_at <= reset_at and seq >= known.seq
            if known is None or newer or known.reset_at < reset_at:
                periods = [window.period for window in self.windows(operation) if window.calls]
                fresh = ServerQuota(left, reset_at, limit, seq, max(periods, default=60.0))
                if known is not None and reset_at < known.reset_at + known.period:
                    fresh.later = known.later  # starts already queued for the next window stay counted
                self._server[key] = fresh
            else:  # an older answer about the same window: it can only lower the figure
                known.remaining = min(known.remaining, left)

    def quota(self, operation: str, now: float, to_wall: Callable[[float], float]) -> Quota:
        """What ``operation`` may still send at ``now``; ``to_wall`` turns a pacer time into wall-clock seconds."""
        with self._lock:
            server = self._server.get(self._key(operation))
            if server is not None and server.roll(now):
                left = max(0, server.remaining)
                return Quota(server.limit, left, utc(to_wall(server.reset_at)), "server")
            if not self.pace:
                return Quota(None, None, None, "none")
            tightest: Quota | None = None
            buckets = self._bucket_set(operation)
            for window, bucket in zip((w for w in self.windows(operation) if w.calls), buckets, strict=True):
                free, back = bucket.left(now)
                closed = self._closed_until.get(operation, now)
                if closed > now:
                    free, back = 0, closed
                if tightest is None or tightest.remaining is None or free < tightest.remaining:
                    reset = utc(to_wall(back)) if back is not None else None
                    tightest = Quota(window.calls, free, reset, "limits")
            return tightest or Quota(None, None, None, "none")

    def explain(self, operation: str, now: float, wait: float) -> tuple[str, bool]:
        """Why ``operation`` must wait ``wait`` at ``now`` (the server's quota, a 429 or a client-side
        window), and whether the wait is client-side (so that ``limits=`` could shorten it)."""
        server = self._server.get(self._key(operation))
        if server is not None and server.reset_at > now and server.remaining <= 0:
            of = f" of {server.limit}" if server.limit is not None else ""
            return f"the server reports no requests{of} left", False
        # The server's own back-off (a 429's Retry-After) is no client-side limit that limits= could raise.
        if self.closed_for(operation, now) >= wait:
            return "the server asked to wait (Retry-After of an earlier 429)", False
        windows = [window for window in self.windows(operation) if window.calls]
        spent = [w for w, bucket in zip(windows, self._bucket_set(operation), strict=True) if bucket.left(now)[0] <= 0]
        if self.pace and spent:
            return "client-side limit " + ", ".join(str(window) for window in spent), True
        return "the server asked to wait", False

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
    limits: Mapping[str, LimitSpec],
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
    checked = windows(limits)
    digest = hashlib.sha256("\0".join(secrets).encode()).hexdigest()
    route = None if transport is None else id(transport)
    key = (provider, base_url, digest, route, tuple(sorted(checked.items(), key=lambda item: item[0])), pace, learn)
    with _shared_lock:
        pacer = _shared.get(key)
        if pacer is None:
            pacer = Pacer(checked, pace=pace, learn=learn)
            _shared[key] = pacer
        return pacer
