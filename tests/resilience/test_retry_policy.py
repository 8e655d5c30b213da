"""The retry policy on its own: which outcomes go again, after how long, and which are ambiguous."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from modelreg._retry import RetryPolicy

REQUEST = httpx.Request("GET", "https://api.example/models")


def _answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=REQUEST)


@given(st.floats(min_value=0, max_value=1), st.integers(min_value=0, max_value=30))
def test_backoff_is_full_jitter_under_an_exponential_cap(draw: float, attempt: int) -> None:
    policy = RetryPolicy(random=lambda: draw)
    assert 0 <= policy.backoff(attempt) <= min(8.0, 0.5 * 2**attempt)


def test_backoff_grows_from_half_a_second_to_eight() -> None:
    policy = RetryPolicy(random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retryable_statuses_go_again_for_idempotent_requests(status: int) -> None:
    assert RetryPolicy().decide(_answer(status), 0, idempotent=True).retry


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 500, 501])
def test_other_statuses_are_final(status: int) -> None:
    assert not RetryPolicy().decide(_answer(status), 0, idempotent=True).retry


def test_a_429_lets_even_a_create_go_again_and_is_not_ambiguous() -> None:
    decision = RetryPolicy().decide(_answer(429, **{"Retry-After": "3"}), 0, idempotent=False)
    assert decision.retry and decision.delay == 3.0 and not decision.ambiguous


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_on_a_create_is_final_and_ambiguous(status: int) -> None:
    decision = RetryPolicy().decide(_answer(status), 0, idempotent=False)
    assert not decision.retry and decision.ambiguous


def test_a_gateway_error_on_a_get_is_retried_as_ambiguous() -> None:
    """So that a DELETE whose retry finds nothing counts as done."""
    assert RetryPolicy().decide(_answer(503), 0, idempotent=True).ambiguous


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_nothing_sent_lets_a_create_go_again(error: type[httpx.TransportError]) -> None:
    decision = RetryPolicy().decide(error("x", request=REQUEST), 0, idempotent=False)
    assert decision.retry and not decision.ambiguous


@pytest.mark.parametrize("error", [httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError])
def test_a_lost_answer_is_ambiguous_and_stops_a_create(error: type[httpx.TransportError]) -> None:
    exc = error("x", request=REQUEST)
    create = RetryPolicy().decide(exc, 0, idempotent=False)
    assert not create.retry and create.ambiguous
    assert RetryPolicy().decide(exc, 0, idempotent=True).retry


def test_retries_stop_after_max_retries() -> None:
    policy = RetryPolicy(max_retries=2)
    assert policy.decide(_answer(503), 1, idempotent=True).retry
    assert not policy.decide(_answer(503), 2, idempotent=True).retry
    assert not RetryPolicy(max_retries=0).decide(_answer(503), 0, idempotent=True).retry


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after-ms": "2500"}, 2.5),
        ({"Retry-After": email.utils.formatdate(1_000_030, usegmt=True)}, 30.0),
    ],
    ids=["seconds", "milliseconds", "http-date"],
)
def test_retry_after_in_each_form_sets_the_delay(headers: dict[str, str], wait: float) -> None:
    decision = RetryPolicy(now=lambda: 1_000_000.0).decide(_answer(429, **headers), 0, idempotent=True)
    assert decision.retry and decision.delay == pytest.approx(wait) and decision.retry_after == pytest.approx(wait)


def test_a_retry_after_beyond_the_bound_is_final_and_reported() -> None:
    decision = RetryPolicy().decide(_answer(429, **{"Retry-After": "121"}), 0, idempotent=True)
    assert not decision.retry and decision.retry_after == 121.0


def test_a_body_retry_after_counts_only_when_no_header_says() -> None:
    policy = RetryPolicy()
    assert policy.decide(_answer(429), 0, idempotent=True, retry_after=9.0).delay == 9.0
    assert policy.decide(_answer(429, **{"Retry-After": "2"}), 0, idempotent=True, retry_after=9.0).delay == 2.0
