"""The base of every vendor emulator: routing, auth hook, limits, faults and an in-flight gauge."""

from __future__ import annotations

import email.utils
import json
import math
import threading
from collections import Counter, deque
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import httpx

from modelreg.sandbox._clock import Clock, VirtualClock
from modelreg.sandbox._faults import Fault, FaultPlan
from modelreg.sandbox._router import Route, compile_routes, match
from modelreg.sandbox._store import MemoryStore, Store
from modelreg.sandbox._transport import ROOT_PATH, SandboxTransport

if TYPE_CHECKING:
    from modelreg._records import Limit

P = TypeVar("P")


class Sandbox:
    """An in-process emulator of one vendor's API; subclasses add ``@route`` handlers."""

    provider: ClassVar[str] = ""
    routes: ClassVar[list[Route]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        namespace: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            namespace.update(vars(klass))
        cls.routes = compile_routes(namespace)

    def __init__(
        self,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        faults: FaultPlan | None = None,
        limits: Mapping[str, Limit] | None = None,
        enforce_limits: bool = False,
        latency: float = 0.0,
    ) -> None:
        self.store: Store = store if store is not None else MemoryStore()
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.faults = faults
        self.limits: Mapping[str, Limit] = dict(limits or {})
        self.enforce_limits = enforce_limits
        self.latency = latency
        self.requests: Counter[str] = Counter()
        """Requests served, by operation name."""
        self.in_flight: Counter[str] = Counter()
        self.peak_in_flight: Counter[str] = Counter()
        """The most requests of each operation that were ever in progress at once."""
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.RLock()

    # -- hooks for subclasses ----------------------------------------------------------------

    def authenticate(self, request: httpx.Request) -> httpx.Response | None:
        """Return an error answer when the request's credentials are wrong, else None."""
        return None

    def error_response(self, status: int, message: str, *, code: str | None = None) -> httpx.Response:
        """A vendor-shaped error answer (limits, injected faults, unknown paths)."""
        return self.json_response(status, {"error": message})

    def seed(self) -> None:
        """Add a few realistic models, for demos and the CLI."""

    # -- request handling --------------------------------------------------------------------

    def operation_of(self, request: httpx.Request) -> str:
        """The operation name of the route ``request`` goes to (``"unrouted"`` if none)."""
        found = match(self.routes, request.method, request.url.path)
        return found[0].operation if isinstance(found, tuple) else "unrouted"

    def handle(self, request: httpx.Request, *, simulate_latency: bool = True) -> httpx.Response:
        """Serve one request as the vendor would, injecting the planned fault if any.

        ``simulate_latency=False`` says that the caller has already waited ``latency`` (as the
        async transport does, so that tasks overlap).
        """
        found = match(self.routes, request.method, request.url.path)
        if found is None:
            return self.error_response(404, f"no endpoint {request.method} {request.url.path}")
        if found == "method":
            return self.error_response(405, f"method {request.method} not allowed here")
        assert isinstance(found, tuple)
        route, params = found
        operation = route.operation
        if simulate_latency and self.latency:
            self.clock.sleep(self.latency)
        fault = self.faults.draw(operation) if self.faults else None
        if fault is Fault.CONNECT_ERROR:
            raise httpx.ConnectError("connection refused (sandbox fault)", request=request)
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        limited = self._check_limits(operation)
        if limited is not None:
            return limited
        if fault is Fault.SERVER_ERROR:
            status = self._pick([500, 502, 503, 504])
            return self.error_response(status, "An unexpected error occurred. Please try again.")
        if fault is Fault.RATE_LIMIT:
            return self._rate_limited(self._pick(["seconds", "date", "ms"]), 1.0)
        with self._lock:
            self.requests[operation] += 1
            response = route.handler(self, request, **params)
        assert isinstance(response, httpx.Response)
        return self._after_commit(fault, request, response)

    def _after_commit(self, fault: Fault | None, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if fault is Fault.DROP_AFTER_COMMIT:
            raise httpx.ReadError("connection reset after the server acted (sandbox fault)", request=request)
        if fault is Fault.SLOW:
            timeout = request.extensions.get("timeout", {}).get("read") or 30.0
            if isinstance(self.clock, VirtualClock):
                # The client's read wait began when the request arrived: the latency already spent
                # (by handle() or by the async transport) is part of it, not extra time after it.
                self.clock.advance(max(0.0, timeout - self.latency))
            raise httpx.ReadTimeout("the answer came after the read timeout (sandbox fault)", request=request)
        if fault is Fault.TRUNCATED and response.content:
            cut = response.content[: max(1, len(response.content) // 2)]
            return httpx.Response(response.status_code, headers={"content-type": "application/json"}, content=cut)
        return response

    def _pick(self, options: list[P]) -> P:
        assert self.faults is not None
        return self.faults.choice(options)

    def _check_limits(self, operation: str) -> httpx.Response | None:
        if not self.enforce_limits:
            return None
        limit = self.limits.get(operation) or self.limits.get("*")
        if limit is None:
            return None
        if limit.concurrency is not None and self.in_flight[operation] > limit.concurrency:
            return self._rate_limited("seconds", 1.0)
        if limit.calls is None:
            return None
        now = self.clock.now()
        with self._lock:
            calls = self._calls.setdefault(operation, deque())
            while calls and calls[0] <= now - limit.period:
                calls.popleft()
            if len(calls) >= limit.calls:
                return self._rate_limited("seconds", calls[0] + limit.period - now)
            calls.append(now)
        return None

    def _rate_limited(self, form: str, wait: float) -> httpx.Response:
        seconds = max(1, math.ceil(wait))
        response = self.error_response(429, f"Too many requests. Please try again in {seconds} seconds.")
        if form == "date":
            response.headers["Retry-After"] = email.utils.formatdate(self.clock.now() + seconds, usegmt=True)
        elif form == "ms":
            response.headers["retry-after-ms"] = str(seconds * 1000)
        else:
            response.headers["Retry-After"] = str(seconds)
        return response

    # -- gauge, used by transports -----------------------------------------------------------

    def enter(self, operation: str) -> None:
        """Count a request of ``operation`` as in progress."""
        with self._lock:
            self.in_flight[operation] += 1
            if self.in_flight[operation] > self.peak_in_flight[operation]:
                self.peak_in_flight[operation] = self.in_flight[operation]

    def leave(self, operation: str) -> None:
        """Count a request of ``operation`` as finished."""
        with self._lock:
            self.in_flight[operation] -= 1

    # -- helpers for handlers ----------------------------------------------------------------

    @staticmethod
    def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> httpx.Response:
        """An answer with a JSON body."""
        content = json.dumps(body).encode()
        all_headers = {"content-type": "application/json", **(headers or {})}
        return httpx.Response(status, headers=all_headers, content=content)

    @staticmethod
    def link(request: httpx.Request, path: str | None = None, params: Mapping[str, Any] | None = None) -> str:
        """The absolute URL of ``path`` (default: the request's own) as the client reaches this sandbox.

        For self and next links: served over HTTP under a prefix (``modelreg sandbox serve`` mounts
        each sandbox at ``/<provider>``), the prefix is put back. ``params`` replaces the query.
        """
        url = request.url.copy_with(path=request.extensions.get(ROOT_PATH, "") + (path or request.url.path))
        return str(url if params is None else url.copy_with(params=dict(params)))

    @staticmethod
    def read_body(request: httpx.Request) -> Any:
        """The request's JSON body, or None when it has none or it is not JSON."""
        if not request.content:
            return None
        try:
            return json.loads(request.content)
        except ValueError:
            return None

    def advance(self, seconds: float) -> None:
        """Move the sandbox's clock forward (training progresses, rate windows pass)."""
        self.clock.advance(seconds)

    def reset(self) -> None:
        """Forget every model and counter."""
        self.store.clear()
        self.requests.clear()
        self._calls.clear()

    def transport(self) -> SandboxTransport:
        """An httpx transport (sync and async) that serves requests from this sandbox."""
        return SandboxTransport(self)
