"""Observability: MODELREG_LOG, structured log fields, event hooks and OpenTelemetry spans; never a secret."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

import modelreg
from modelreg import ConfigurationError, RequestEvent, _observe
from tests.calls.conftest import sandbox_for
from tests.resilience.specs import Spec

TOKEN = "toy-secret-token-123"
FIELDS = ("provider", "operation", "method", "url", "status", "attempt", "elapsed_ms", "request_id")


@pytest.fixture
def clean_logger() -> Iterator[logging.Logger]:
    """The ``modelreg`` logger as it was, after the test."""
    logger = logging.getLogger("modelreg")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)
    _observe._configured = None


@pytest.fixture
def spans() -> tuple[TracerProvider, InMemorySpanExporter]:
    """A tracer provider whose spans end up in memory."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _once_unavailable(body: dict[str, Any] | None = None, status: int = 200) -> httpx.MockTransport:
    """A toy server that answers 503 first, then ``status`` with ``body`` and a request id."""
    answers = [httpx.Response(503, headers={"x-request-id": "req-first"})]

    def handler(request: httpx.Request) -> httpx.Response:
        if answers:
            return answers.pop()
        return httpx.Response(status, json=body or {"id": 7, "name": "m"}, headers={"x-request-id": "req-second"})

    return httpx.MockTransport(handler)


def _no_backoff(reg: Any) -> None:
    reg._engine.policy.random = lambda: 0.0


@pytest.mark.parametrize(("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO)])
def test_modelreg_log_turns_logging_on_without_code(
    clean_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch, toy: Path, value: str, level: int
) -> None:
    monkeypatch.setenv("MODELREG_LOG", value)
    modelreg.connect("toy", sandbox=True).close()
    modelreg.connect("toy", sandbox=True).close()
    added = [h for h in clean_logger.handlers if h is _observe._configured]
    assert len(added) == 1 and clean_logger.level == level


def test_without_modelreg_log_nothing_is_configured(clean_logger: logging.Logger) -> None:
    assert _observe.configure_logging({}) is None and _observe._configured is None


def test_log_records_carry_structured_fields_and_no_secret(toy: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="modelreg")
    with modelreg.connect("toy", transport=_once_unavailable()) as reg:
        _no_backoff(reg)
        reg.get(7)
    attempts: list[Any] = [r for r in caplog.records if r.levelno == logging.DEBUG and hasattr(r, "elapsed_ms")]
    retry: Any = next(r for r in caplog.records if r.levelno == logging.INFO and "retrying" in r.getMessage())
    assert [(r.status, r.attempt, r.request_id) for r in attempts] == [(503, 1, "req-first"), (200, 2, "req-second")]
    first = attempts[0]
    assert {name: getattr(first, name) for name in FIELDS[:4]} == {
        "provider": "toy", "operation": "get", "method": "GET", "url": "https://api.toy.example/v1/models/7",
    }  # fmt: skip
    assert (retry.provider, retry.operation, retry.status, retry.attempt, retry.retry_in) == ("toy", "get", 503, 1, 0.0)
    for record in caplog.records:
        assert TOKEN not in record.getMessage() and TOKEN not in repr(vars(record))


def test_a_secret_in_the_url_is_masked_in_log_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="modelreg")
    with modelreg.connect("selise", sandbox=True, blocks_key="blocks-0123456789", project_key="proj-secret-4242") as r:
        r.list_page()
    urls = [r.url for r in caplog.records if hasattr(r, "url")]
    assert urls and all("proj-secret-4242" not in url and "project_key=***" in url for url in urls)


def test_event_hooks_see_each_attempt_and_retry_as_metadata(toy: Path) -> None:
    events: list[RequestEvent] = []
    hooks = {"request": [events.append], "response": [events.append], "retry": [events.append]}
    with modelreg.connect("toy", transport=_once_unavailable(), event_hooks=hooks) as reg:
        _no_backoff(reg)
        reg.get(7)
    assert [(e.kind, e.attempt, e.status) for e in events] == [
        ("request", 1, None), ("response", 1, 503), ("retry", 2, None), ("request", 2, None), ("response", 2, 200),
    ]  # fmt: skip
    response = events[-1]
    assert (response.provider, response.operation, response.method) == ("toy", "get", "GET")
    assert response.url == "https://api.toy.example/v1/models/7" and response.request_id == "req-second"
    assert response.elapsed is not None and response.elapsed >= 0 and response.error is None
    assert events[1].error == "503 Service Unavailable" and events[2].retry_in == 0.0
    assert all(TOKEN not in repr(event) for event in events)


async def test_event_hooks_work_for_every_provider_async(spec: Spec) -> None:
    events: list[RequestEvent] = []
    hooks = {"response": [events.append]}
    sandbox = sandbox_for(spec)
    async with modelreg.connect_async(spec.name, sandbox=sandbox, event_hooks=hooks, **spec.credentials) as reg:
        model = await reg.create(**spec.create("hooked"))
        await reg.get(model.id)
    last = events[-1]
    assert (last.kind, last.provider, last.operation, last.status) == ("response", spec.name, "get", 200)
    assert last.request_id and all(secret not in repr(events) for secret in spec.credentials.values())


def test_a_hook_that_raises_is_logged_and_the_call_goes_on(toy: Path, caplog: pytest.LogCaptureFixture) -> None:
    def broken(event: RequestEvent) -> None:
        raise RuntimeError("hook bug")

    with modelreg.connect("toy", sandbox=True, event_hooks={"request": [broken]}) as reg:
        assert reg.create(name="still made").name == "still made"
    assert any("event hook" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


@pytest.mark.parametrize(
    ("hooks", "message"),
    [({"sent": []}, "unknown event hook 'sent'"), ({"request": ["print"]}, "list of functions"), ([], "must map")],
)
def test_malformed_event_hooks_are_refused_before_anything_is_sent(toy: Path, hooks: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        modelreg.connect("toy", sandbox=True, event_hooks=hooks)


def test_each_call_is_a_span_with_a_client_span_per_attempt(
    toy: Path, spans: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = spans
    tracer = provider.get_tracer("app")
    with modelreg.connect("toy", transport=_once_unavailable(), otel=provider) as reg:
        _no_backoff(reg)
        with tracer.start_as_current_span("request handler"):
            reg.get(7)
    first, second, call, outer = exporter.get_finished_spans()
    assert (call.name, outer.name) == ("toy get", "request handler")
    assert call.parent is not None and call.parent.span_id == outer.context.span_id
    for attempt in (first, second):
        assert attempt.name == "GET" and attempt.kind is SpanKind.CLIENT
        assert attempt.parent is not None and attempt.parent.span_id == call.context.span_id
        assert attempt.attributes is not None
        assert attempt.attributes["url.full"] == "https://api.toy.example/v1/models/7"
        assert (attempt.attributes["server.address"], attempt.attributes["server.port"]) == ("api.toy.example", 443)
    assert first.attributes is not None and second.attributes is not None and call.attributes is not None
    assert first.attributes["http.response.status_code"] == 503 and first.attributes["error.type"] == "503"
    assert first.status.status_code is StatusCode.ERROR and "http.request.resend_count" not in first.attributes
    assert second.attributes["http.request.resend_count"] == 1 and "error.type" not in second.attributes
    assert call.attributes["modelreg.operation"] == "get" and call.attributes["modelreg.attempts"] == 2
    assert call.status.status_code is StatusCode.UNSET


def test_a_failed_call_span_records_the_error_type_only(
    toy: Path, spans: tuple[TracerProvider, InMemorySpanExporter]
) -> None:
    provider, exporter = spans

    def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": f"no model for {request.headers['authorization']}"})

    with (
        modelreg.connect("toy", transport=httpx.MockTransport(missing), otel=provider) as reg,
        pytest.raises(modelreg.NotFound),
    ):
        reg.get(1)
    attempt, call = exporter.get_finished_spans()
    assert call.status.status_code is StatusCode.ERROR and call.attributes is not None
    assert call.attributes["error.type"] == "NotFound" and attempt.attributes is not None
    assert attempt.attributes["error.type"] == "404"
    assert TOKEN not in repr([span.to_json() for span in (attempt, call)])


async def test_async_calls_are_spans_too(spec: Spec, spans: tuple[TracerProvider, InMemorySpanExporter]) -> None:
    provider, exporter = spans
    async with modelreg.connect_async(spec.name, sandbox=sandbox_for(spec), otel=provider, **spec.credentials) as reg:
        model = await reg.create(**spec.create("traced"))
        await reg.get(model.id)
    finished = exporter.get_finished_spans()
    names = [span.name for span in finished]
    assert f"{spec.name} create" in names and f"{spec.name} get" in names
    text = repr([span.to_json() for span in finished])
    assert all(secret not in text for secret in spec.credentials.values())


def test_modelreg_otel_turns_tracing_on(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODELREG_OTEL", "1")
    with modelreg.connect("toy", sandbox=True) as reg:
        assert reg._engine.observer is not None and reg._engine.observer.tracing is not None
    with modelreg.connect("toy", sandbox=True, otel=False) as reg:
        assert reg._engine.observer is None


def test_tracing_without_opentelemetry_says_how_to_install_it(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.trace", None)
    with pytest.raises(ConfigurationError, match=r"modelreg\[otel\]"):
        modelreg.connect("toy", sandbox=True, otel=True)


def test_an_unobserved_registry_has_no_observer(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        assert reg._engine.observer is None


@pytest.mark.parametrize("bad", ["yes", 1])
def test_otel_must_be_a_flag_or_a_tracer_provider(toy: Path, bad: Callable[..., Any]) -> None:
    with pytest.raises(ConfigurationError, match="otel must be"):
        modelreg.connect("toy", sandbox=True, otel=bad)
