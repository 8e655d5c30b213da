"""Watching calls: log records with structured fields, event hooks and (optionally) OpenTelemetry spans.

Everything here is metadata: method, URL with credentials masked, operation, attempt, status,
time taken and the vendor's request id. No body, no header value and no credential ever reaches
a log record, a hook or a span. ``Observer`` is built once per registry (None when there is
nothing to call, so that an unobserved call pays nothing); ``CallTrace`` follows one call.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Literal

import attrs
import httpx

from modelreg._tracing import Tracing
from modelreg.errors import ConfigurationError, ModelRegError

logger = logging.getLogger("modelreg")

LOG_ENV = "MODELREG_LOG"
"""Set to ``debug`` or ``info`` to log to stderr without configuring logging in code."""
HOOK_KINDS = ("request", "response", "retry")

EventKind = Literal["request", "response", "retry"]


@attrs.frozen
class RequestEvent:
    """What an event hook receives about one attempt: metadata only, never a body or a credential."""

    kind: EventKind
    """``"request"`` before an attempt is sent, ``"response"`` once it ended, ``"retry"`` when another follows."""
    provider: str
    operation: str
    method: str
    url: str
    """The request's URL with every credential masked."""
    attempt: int
    """1 for the first attempt; for ``"retry"``, the number of the attempt about to be made."""
    status: int | None = None
    """The answer's status code (None before an answer, or when the attempt failed without one)."""
    elapsed: float | None = None
    """Seconds from sending to the end of the answer (or of the failure)."""
    request_id: str | None = None
    """The vendor's id for the request (``x-request-id`` or the provider's own header), when sent."""
    error: str | None = None
    """What went wrong with the attempt (``"503 Service Unavailable"``, ``"ConnectError: ..."``)."""
    retry_in: float | None = None
    """For ``"retry"``: seconds until the next attempt."""


Hook = Callable[[RequestEvent], object]
"""An event hook: called with a ``RequestEvent``; what it returns is ignored, what it raises is logged."""


def check_hooks(event_hooks: Mapping[str, Iterable[Hook]] | None, provider: str) -> dict[str, tuple[Hook, ...]]:
    """``event_hooks`` as tuples per kind, or ``ConfigurationError`` before anything is sent."""
    if event_hooks is None:
        return {}
    if not isinstance(event_hooks, Mapping):
        raise ConfigurationError(
            f"event_hooks must map 'request', 'response' or 'retry' to lists of functions, got {event_hooks!r}",
            provider=provider,
        )
    checked: dict[str, tuple[Hook, ...]] = {}
    for kind, hooks in event_hooks.items():
        if kind not in HOOK_KINDS:
            raise ConfigurationError(
                f"unknown event hook {kind!r}; the kinds are {', '.join(HOOK_KINDS)}", provider=provider
            )
        listed = (hooks,) if callable(hooks) else tuple(hooks)
        if not all(callable(hook) for hook in listed):
            raise ConfigurationError(f"event_hooks[{kind!r}] must be a list of functions", provider=provider)
        if listed:
            checked[kind] = listed
    return checked


def request_id_of(headers: httpx.Headers, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that ``headers`` carry (the vendor's request id), else None."""
    for name in names:
        value: str | None = headers.get(name)
        if value:
            return value[:200]
    return None


def identify(error: ModelRegError, request_id: str | None) -> None:
    """Give an error made from an answer the vendor's request id, and show it in its message."""
    if request_id is not None:
        error.request_id = request_id
        error.message = f"{error.message} (request id {request_id}: quote it to the vendor's support)"
        error.args = (error.message,)


def describe(outcome: httpx.Response | Exception) -> str:
    """An attempt's outcome in a few words: ``"404 Not Found"`` or ``"ReadTimeout: ..."``."""
    if isinstance(outcome, httpx.Response):
        return f"{outcome.status_code} {outcome.reason_phrase}".strip()
    return f"{type(outcome).__name__}: {outcome}" if str(outcome) else type(outcome).__name__


_logging_lock = threading.Lock()
_configured: logging.Handler | None = None


def configure_logging(environ: Mapping[str, str] = os.environ) -> logging.Handler | None:
    """With ``MODELREG_LOG=debug|info``, log the ``modelreg`` logger to stderr at that level (once)."""
    global _configured
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(environ.get(LOG_ENV, "").strip().lower())
    if level is None:
        return None
    with _logging_lock:
        if _configured is None:
            _configured = logging.StreamHandler(sys.stderr)
            _configured.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            logger.addHandler(_configured)
        logger.setLevel(level)
        return _configured


class Observer:
    """The hooks and tracer of one registry; ``call()`` follows one call."""

    def __init__(self, provider: str, hooks: Mapping[str, tuple[Hook, ...]], tracing: Tracing | None) -> None:
        self.provider = provider
        self.hooks = dict(hooks)
        self.tracing = tracing

    @classmethod
    def build(cls, provider: str, hooks: Mapping[str, tuple[Hook, ...]], tracing: Tracing | None) -> Observer | None:
        """An observer, or None when there is nothing to call (no hook, no tracing)."""
        return cls(provider, hooks, tracing) if hooks or tracing is not None else None

    def call(self) -> CallTrace:
        """The trace of one call: its span (when tracing) and the hooks of its attempts."""
        return CallTrace(self)

    def emit(self, event: RequestEvent) -> None:
        """Call every hook of ``event.kind``; a hook that raises is logged, never fails the call."""
        for hook in self.hooks.get(event.kind, ()):
            try:
                hook(event)
            except Exception:  # a broken hook must not break (or half-finish) the call it watches
                logger.warning("%s: the %s event hook %r raised", self.provider, event.kind, hook, exc_info=True)


class CallTrace:
    """One call as hooks and spans see it: the call's span and, in turn, each attempt."""

    def __init__(self, observer: Observer) -> None:
        self.observer = observer
        self.span = observer.tracing.start_call(observer.provider) if observer.tracing is not None else None
        self._started_ns = 0

    def request(self, request: httpx.Request, url: str, operation: str, attempt: int) -> None:
        """Attempt ``attempt`` (0-based) of ``request`` is about to be sent."""
        self._started_ns = time.time_ns()
        if self.span is not None and attempt == 0:
            self.span.operation(operation)
        self.observer.emit(RequestEvent("request", self.observer.provider, operation, request.method, url, attempt + 1))

    def response(
        self,
        request: httpx.Request,
        url: str,
        operation: str,
        attempt: int,
        outcome: httpx.Response | Exception,
        elapsed: float,
        request_id: str | None,
    ) -> None:
        """Attempt ``attempt`` ended with ``outcome`` after ``elapsed`` seconds."""
        status = outcome.status_code if isinstance(outcome, httpx.Response) else None
        failed = status is None or status >= 400
        error = describe(outcome) if failed else None
        if self.span is not None:
            self.span.attempt(request, url, attempt, status, outcome, self._started_ns)
        event = RequestEvent(
            "response", self.observer.provider, operation, request.method, url, attempt + 1, status, elapsed,
            request_id, error,
        )  # fmt: skip
        self.observer.emit(event)

    def retry(self, request: httpx.Request, url: str, operation: str, attempt: int, delay: float, why: str) -> None:
        """Attempt ``attempt + 1`` (1-based: ``attempt + 2``) follows in ``delay`` seconds, after ``why``."""
        event = RequestEvent(
            "retry", self.observer.provider, operation, request.method, url, attempt + 2, error=why, retry_in=delay
        )
        self.observer.emit(event)

    def end(self, error: BaseException | None) -> None:
        """The call ended, with ``error`` if it failed."""
        if self.span is not None:
            self.span.end(error)


def log_attempt(
    provider: str,
    request: httpx.Request,
    url: str,
    operation: str,
    outcome: httpx.Response | Exception,
    what: str,
    attempt: int,
    elapsed: float,
    request_id: str | None,
) -> None:
    """The DEBUG record of one attempt, its facts also as fields (``record.status``...)."""
    logger.debug(
        "%s %s %s -> %s in %.0f ms (attempt %d)",
        provider, request.method, url, what, elapsed * 1000, attempt + 1,
        extra={
            "provider": provider, "operation": operation, "method": request.method, "url": url,
            "status": outcome.status_code if isinstance(outcome, httpx.Response) else None,
            "attempt": attempt + 1, "elapsed_ms": round(elapsed * 1000, 3), "request_id": request_id,
        },
    )  # fmt: skip


def log_retry(
    provider: str,
    request: httpx.Request,
    url: str,
    operation: str,
    outcome: httpx.Response | Exception,
    retries: tuple[int, int, float],
    why: str,
    request_id: str | None,
) -> None:
    """The INFO record of a retry; ``retries`` is (attempt that failed, 0-based; attempts allowed; wait)."""
    attempt, attempts, delay = retries
    logger.info(
        "%s: retrying %s %s in %.2f s (attempt %d of %d) after %s",
        provider, request.method, url, delay, attempt + 2, attempts, why,
        extra={
            "provider": provider, "operation": operation, "method": request.method, "url": url,
            "status": outcome.status_code if isinstance(outcome, httpx.Response) else None,
            "attempt": attempt + 1, "request_id": request_id, "retry_in": delay,
        },
    )  # fmt: skip
