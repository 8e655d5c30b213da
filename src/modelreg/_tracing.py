"""OpenTelemetry spans: one per call, a child per HTTP attempt (the HTTP client semantic conventions).

Only with the ``otel`` extra installed (``pip install "modelreg[otel]"``) and tracing enabled:
``connect(..., otel=True)`` (the global tracer provider), ``otel=tracer_provider``, or the
``MODELREG_OTEL=1`` environment variable. Spans are started with an explicit parent rather than
made current, so that nothing is attached to or detached from a context across the engine's
generator steps (which may resume in another thread or task).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import httpx

from modelreg._version import __version__
from modelreg.errors import ConfigurationError

OTEL_ENV = "MODELREG_OTEL"
"""Set to 1 to trace every registry connected without ``otel=`` (needs the ``otel`` extra)."""


class Tracing:
    """A tracer that makes call and attempt spans."""

    def __init__(self, tracer: Any) -> None:
        self.tracer = tracer

    @classmethod
    def resolve(cls, otel: Any, provider: str, environ: Mapping[str, str] = os.environ) -> Tracing | None:
        """Tracing as ``otel`` asks (None: as ``MODELREG_OTEL`` says), or None when off."""
        if otel is None:
            otel = environ.get(OTEL_ENV, "").strip().lower() in ("1", "true", "yes")
        if otel is False:
            return None
        try:
            import opentelemetry.trace as trace
        except ImportError:
            raise ConfigurationError(
                "tracing needs OpenTelemetry: pip install 'modelreg[otel]' (or pass otel=False, unset MODELREG_OTEL)",
                provider=provider,
            ) from None
        if otel is True:
            return cls(trace.get_tracer("modelreg", __version__))
        if callable(getattr(otel, "get_tracer", None)):
            return cls(otel.get_tracer("modelreg", __version__))
        raise ConfigurationError(
            f"otel must be True, False or an OpenTelemetry TracerProvider, got {otel!r}", provider=provider
        )

    def start_call(self, provider: str) -> CallSpan:
        """The span of one call, a child of the caller's current span."""
        return CallSpan(self.tracer, provider)


class CallSpan:
    """One call's span: named ``"<provider> <operation>"`` once its first request is known."""

    def __init__(self, tracer: Any, provider: str) -> None:
        import opentelemetry.trace as trace

        self.tracer = tracer
        self.provider = provider
        self.span = tracer.start_span(
            provider, kind=trace.SpanKind.INTERNAL, attributes={"modelreg.provider": provider}
        )
        self.context = trace.set_span_in_context(self.span)
        self.attempts = 0

    def operation(self, operation: str) -> None:
        """Name the call after the operation of its first request."""
        if self.attempts == 0:
            self.span.update_name(f"{self.provider} {operation}")
            self.span.set_attribute("modelreg.operation", operation)

    def attempt(
        self,
        request: httpx.Request,
        url: str,
        attempt: int,
        status: int | None,
        outcome: httpx.Response | Exception,
        started_ns: int,
    ) -> None:
        """A finished attempt as a client span: method, masked URL, server, status, resend count, error type."""
        import opentelemetry.trace as trace

        self.attempts += 1
        attributes: dict[str, Any] = {
            "http.request.method": request.method,
            "url.full": url,
            "server.address": request.url.host,
            "server.port": request.url.port or (443 if request.url.scheme == "https" else 80),
        }
        if attempt:
            attributes["http.request.resend_count"] = attempt
        if status is not None:
            attributes["http.response.status_code"] = status
        error_type = str(status) if status is not None and status >= 400 else None
        if isinstance(outcome, Exception):
            error_type = type(outcome).__name__
        if error_type is not None:
            attributes["error.type"] = error_type
        span = self.tracer.start_span(
            request.method, context=self.context, kind=trace.SpanKind.CLIENT, attributes=attributes,
            start_time=started_ns,
        )  # fmt: skip
        if error_type is not None:
            span.set_status(trace.Status(trace.StatusCode.ERROR))
        span.end()

    def end(self, error: BaseException | None) -> None:
        """End the call's span; a failed call records the error's type (never its message)."""
        import opentelemetry.trace as trace

        self.span.set_attribute("modelreg.attempts", self.attempts)
        if error is not None:
            self.span.set_attribute("error.type", type(error).__name__)
            self.span.set_status(trace.Status(trace.StatusCode.ERROR, type(error).__name__))
        self.span.end()
