"""Scripted transports prove the retry rules request by request, for every provider (sync)."""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any

import httpx
import pytest

from modelreg.errors import NotFound, OutcomeUnknown, ProtocolError, RateLimited, ServerError, TransportError
from tests.resilience.conftest import models_in, new_sandbox, seed
from tests.resilience.scripted import (
    COMMIT_THEN_DROP,
    COMMIT_THEN_STATUS,
    COMMIT_THEN_TIMEOUT,
    COMMIT_THEN_TRUNCATE,
    PASS,
)
from tests.resilience.specs import Spec


def test_get_503_then_200_succeeds_in_two_requests(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([503, PASS], sandbox)
    assert registry.get(model_id).id == model_id
    assert script.count("GET") == 2
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 0.5


@pytest.mark.parametrize(
    "headers",
    [{"Retry-After": "1"}, {"retry-after-ms": "1000"}],
    ids=["seconds", "milliseconds"],
)
def test_429_waits_as_long_as_retry_after_says(
    spec: Spec, scripted: Any, sleeps: list[float], headers: dict[str, str]
) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([(429, headers), PASS], sandbox)
    registry.get(model_id)
    assert sleeps == [pytest.approx(1.0)]
    assert script.count("GET") == 2


def test_429_with_an_http_date_waits_until_that_date(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    when = email.utils.formatdate(time.time() + 3, usegmt=True)
    registry, _ = scripted([(429, {"Retry-After": when}), PASS], sandbox)
    registry.get(model_id)
    assert len(sleeps) == 1 and 1.5 < sleeps[0] <= 3.0


def test_retry_after_beyond_120_s_raises_rate_limited_at_once(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([(429, {"Retry-After": "300"}), PASS], sandbox)
    with pytest.raises(RateLimited) as caught:
        registry.get(model_id)
    assert caught.value.retry_after == pytest.approx(300)
    assert script.count("GET") == 1 and sleeps == []


def test_default_is_two_retries_then_the_typed_error(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([502, 503, 504, PASS], sandbox)
    with pytest.raises(ServerError) as caught:
        registry.get(model_id)
    assert caught.value.status_code == 504
    assert script.count("GET") == 3
    # Full jitter: uniform below 0.5 s, then below 1 s.
    assert len(sleeps) == 2 and 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[1] <= 1.0


def test_max_retries_0_sends_once(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([503, PASS], sandbox, max_retries=0)
    with pytest.raises(ServerError):
        registry.get(model_id)
    assert script.count("GET") == 1 and sleeps == []


@pytest.mark.parametrize("failure", [httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.ReadError])
def test_get_is_retried_after_any_transport_error(
    spec: Spec, scripted: Any, sleeps: list[float], failure: type[Exception]
) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([failure, PASS], sandbox)
    assert registry.get(model_id).id == model_id
    assert script.count("GET") == 2


def test_transport_errors_past_the_retries_are_transport_errors(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, _ = scripted([httpx.ConnectError] * 3, sandbox)
    with pytest.raises(TransportError, match="after 3 attempts") as caught:
        registry.get(model_id)
    assert not isinstance(caught.value, OutcomeUnknown)


def test_update_is_retried_after_503_when_the_provider_marks_it_idempotent(
    spec: Spec, scripted: Any, sleeps: list[float]
) -> None:
    if spec.update is None:
        pytest.skip(f"{spec.name} offers no update")
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([503, PASS], sandbox)
    if not spec.update_idempotent:
        with pytest.raises(ServerError):
            registry.update(model_id, **spec.update(1))
        assert len(script.seen) == 1
        return
    updated = registry.update(model_id, **spec.update(1))
    assert spec.observed(updated).items() >= spec.update(1).items()
    assert len(script.seen) == 2 and script.seen[0] == script.seen[1]


def test_update_is_retried_after_its_answer_was_lost_when_idempotent(
    spec: Spec, scripted: Any, sleeps: list[float]
) -> None:
    if spec.update is None:
        pytest.skip(f"{spec.name} offers no update")
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([COMMIT_THEN_TIMEOUT, PASS], sandbox)
    if not spec.update_idempotent:
        with pytest.raises(OutcomeUnknown, match="may or may not"):
            registry.update(model_id, **spec.update(2))
        assert len(script.seen) == 1
        return
    registry.update(model_id, **spec.update(2))
    assert len(script.seen) == 2
    (model,) = models_in(spec, sandbox)
    assert spec.observed(model).items() >= spec.update(2).items()


def test_create_answered_500_is_sent_exactly_once(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    registry, script = scripted([500])
    with pytest.raises((ServerError, OutcomeUnknown)) as caught:
        registry.create(**spec.create("five-hundred"))
    assert script.count("POST") == 1
    assert models_in(spec, script.sandbox) == []
    if spec.reconciles:
        assert isinstance(caught.value, ServerError)
        assert "safe to create it again" in str(caught.value)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_create_answered_a_gateway_error_is_not_resent(
    spec: Spec, scripted: Any, sleeps: list[float], status: int
) -> None:
    registry, script = scripted([status])
    with pytest.raises((ServerError, OutcomeUnknown)):
        registry.create(**spec.create("gateway"))
    assert script.count("POST") == 1


def test_create_that_acted_then_answered_500_returns_the_model_once(
    spec: Spec, scripted: Any, sleeps: list[float]
) -> None:
    registry, script = scripted([(COMMIT_THEN_STATUS, 500)])
    if not spec.reconciles:
        with pytest.raises(OutcomeUnknown, match="check"):
            registry.create(**spec.create("acted-then-500"))
    else:
        assert registry.create(**spec.create("acted-then-500")).name == "acted-then-500"
    assert script.count("POST") == 1
    assert [m.name for m in models_in(spec, script.sandbox)] == ["acted-then-500"]


def test_create_whose_first_attempt_cannot_connect_is_sent_again(
    spec: Spec, scripted: Any, sleeps: list[float]
) -> None:
    registry, script = scripted([httpx.ConnectError, PASS])
    assert registry.create(**spec.create("refused-once")).name == "refused-once"
    assert script.count("POST") == 2
    assert [m.name for m in models_in(spec, script.sandbox)] == ["refused-once"]


def test_create_refused_with_429_is_sent_again_after_retry_after(
    spec: Spec, scripted: Any, sleeps: list[float]
) -> None:
    registry, script = scripted([(429, {"Retry-After": "2"}), PASS])
    registry.create(**spec.create("limited-once"))
    assert script.count("POST") == 2 and sleeps == [pytest.approx(2.0)]
    assert len(models_in(spec, script.sandbox)) == 1


@pytest.mark.parametrize("lost", [COMMIT_THEN_DROP, COMMIT_THEN_TIMEOUT, COMMIT_THEN_TRUNCATE])
def test_create_whose_answer_was_lost_is_reconciled_not_resent(
    spec: Spec, scripted: Any, sleeps: list[float], lost: str
) -> None:
    registry, script = scripted([lost])
    if spec.reconciles:
        assert registry.create(**spec.create("lost-answer")).name == "lost-answer"
    else:
        with pytest.raises(OutcomeUnknown, match="check"):
            registry.create(**spec.create("lost-answer"))
    assert script.count("POST") == 1
    assert [m.name for m in models_in(spec, script.sandbox)] == ["lost-answer"]


@pytest.mark.parametrize("failure", [httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError])
def test_create_lost_before_the_server_acted_says_the_outcome_is_unknown(
    spec: Spec, scripted: Any, sleeps: list[float], failure: type[Exception]
) -> None:
    registry, script = scripted([failure])
    with pytest.raises(OutcomeUnknown) as caught:
        registry.create(**spec.create("never-made"))
    assert script.count("POST") == 1
    message = str(caught.value)
    assert "may or may not" in message
    if spec.reconciles:
        assert "most likely safe to create it again" in message
    assert models_in(spec, script.sandbox) == []


def test_delete_503_then_404_reports_deleted(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    registry, script = scripted([503, 404])
    deletion = registry.delete("12345")
    assert deletion.deleted is True and deletion.id == "12345"
    assert script.count("DELETE") == 2


def test_delete_that_acted_then_answered_503_reports_deleted(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([(COMMIT_THEN_STATUS, 503)], sandbox)
    assert registry.delete(model_id).deleted is True
    assert script.count("DELETE") == 2
    assert models_in(spec, sandbox) == []


def test_delete_whose_answer_was_lost_reports_deleted(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, _ = scripted([COMMIT_THEN_DROP], sandbox)
    deletion = registry.delete(model_id)
    assert deletion.deleted is True and "confirmed by a retry" in (deletion.detail or "")


def test_delete_of_a_missing_model_is_still_not_found(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    registry, script = scripted([])
    with pytest.raises(NotFound):
        registry.delete("424242")
    assert script.count("DELETE") == 1


def test_each_retry_is_logged_without_secrets(
    spec: Spec, scripted: Any, sleeps: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, _ = scripted([503, httpx.ConnectError, PASS], sandbox)
    with caplog.at_level(logging.INFO, logger="modelreg"):
        registry.get(model_id)
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2
    assert "503" in retries[0] and "ConnectError" in retries[1]
    for secret in spec.credentials.values():
        assert str(secret) not in caplog.text


def test_scriptix_429_without_a_header_waits_for_the_body_retry_after(
    spec: Spec, scripted: Any, sleeps: list[float]
) -> None:
    if spec.name != "scriptix":
        pytest.skip("only Scriptix puts retry_after in its 429 body")
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    body = {"error": "Rate Limit Exceeded", "message": "Too many requests.", "retry_after": 7}
    registry, _ = scripted([httpx.Response(429, json=body), PASS], sandbox)
    registry.get(model_id)
    assert sleeps == [pytest.approx(7.0)]


def test_a_read_whose_json_is_cut_short_is_read_again(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([COMMIT_THEN_TRUNCATE, PASS], sandbox)
    assert registry.get(model_id).id == model_id
    assert script.count("GET") == 2


def test_a_read_that_stays_unreadable_is_a_protocol_error(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = scripted([COMMIT_THEN_TRUNCATE] * 3, sandbox)
    with pytest.raises(ProtocolError):
        registry.get(model_id)
    assert script.count("GET") == 3


def test_a_create_redirected_elsewhere_is_not_looked_up(spec: Spec, scripted: Any, sleeps: list[float]) -> None:
    moved = httpx.Response(307, headers={"location": "https://elsewhere.example/models"})
    registry, script = scripted([moved])
    with pytest.raises(ProtocolError, match="redirect"):
        registry.create(**spec.create("redirected"))
    assert len(script.seen) == 1
