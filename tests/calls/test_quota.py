"""Quotas: several windows per operation, the server's rate-limit headers obeyed, ``reg.quota()`` reported."""

from __future__ import annotations

import asyncio
import concurrent.futures
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import ConfigurationError, Quota, RateLimited
from modelreg._pacing import Pacer
from modelreg.provider import Limit
from modelreg.sandbox import WallClock
from tests.calls.conftest import Recording, sandbox_for
from tests.resilience.specs import SPECS

WITH_HEADERS = ["toy", "scriptix"]


def test_every_window_of_a_list_is_enforced() -> None:
    pacer = Pacer({"create": [Limit(calls=2, period=60), Limit(calls=3, period=3600)]})
    assert [pacer.reserve("create", 0.0, 100) for _ in range(2)] == [0.0, 0.0]
    assert pacer.reserve("create", 0.0, 100) == 60.0  # the minute's window
    assert pacer.reserve("create", 0.0, 100) == 3600.0  # the hour's: refused, so nothing spent
    assert pacer.reserve("create", 3600.0, 100) == 0.0


def test_a_single_limit_and_a_list_of_one_are_the_same() -> None:
    one, listed = Pacer({"get": Limit(calls=1, period=10)}), Pacer({"get": [Limit(calls=1, period=10)]})
    assert [one.reserve("get", 0.0, 60) for _ in range(2)] == [listed.reserve("get", 0.0, 60) for _ in range(2)]


def test_the_tightest_concurrency_cap_of_the_windows_applies() -> None:
    pacer = Pacer({"list": [Limit(calls=100, concurrency=10), Limit(calls=1000, period=3600, concurrency=3)]})
    assert pacer.concurrency("list") == 3


@pytest.mark.parametrize(
    "limits",
    [{"create": []}, {"create": [Limit(calls=1), "ten"]}, {"create": [Limit(calls=0)]}, {"create": "10/h"}],
    ids=["empty", "not-a-limit", "zero-calls", "a-string"],
)
def test_malformed_windows_are_a_configuration_error(toy: Path, limits: Any) -> None:
    with pytest.raises(ConfigurationError, match="limits"):
        modelreg.connect("toy", token="t-123456", limits=limits)


def test_the_server_count_caps_starts_until_its_reset() -> None:
    pacer = Pacer({}, pace=False)
    pacer.track = True
    assert pacer.reserve_numbered("get", 0.0, 60) == (0.0, 1)
    pacer.observe_quota("get", remaining=0, limit=10, reset_at=50.0, seq=1)
    assert pacer.reserve("get", 10.0, 60) == 40.0
    assert pacer.reserve("get", 10.0, 30) == 40.0  # refused: longer than max_wait
    assert pacer.reserve("get", 51.0, 60) == 0.0  # reset: the server's figure is stale


def test_requests_started_after_the_answer_are_taken_off_what_remains() -> None:
    pacer = Pacer({}, pace=False)
    pacer.track = True
    for _ in range(3):
        pacer.reserve("get", 0.0, 60)
    pacer.observe_quota("get", remaining=2, limit=10, reset_at=60.0, seq=1)  # two more started since
    assert pacer.reserve("get", 1.0, 120) == 59.0


def test_an_older_answer_about_the_same_window_only_lowers_the_count() -> None:
    pacer = Pacer({}, pace=False)
    pacer.track = True
    for _ in range(2):
        pacer.reserve("get", 0.0, 60)
    pacer.observe_quota("get", remaining=5, limit=10, reset_at=60.0, seq=2)
    pacer.observe_quota("get", remaining=9, limit=10, reset_at=60.0, seq=1)
    assert pacer.quota("get", 1.0, lambda moment: moment).remaining == 5


def _counting_scriptix(remaining: list[int], reset: int) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    sent: list[httpx.Request] = []
    body = {"id": 1, "name": "m", "language": "en", "base_model": "general", "training_status": 1}

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        left = remaining.pop(0) if remaining else 0
        headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": str(left), "X-RateLimit-Reset": str(reset)}
        return httpx.Response(200, json=body, headers=headers)

    return httpx.MockTransport(handler), sent


def test_no_request_is_sent_past_what_the_server_says_remains() -> None:
    reset = int(datetime.now(timezone.utc).timestamp()) + 600
    transport, sent = _counting_scriptix([1, 0], reset)
    with modelreg.connect("scriptix", api_key="k-123456", transport=transport, limits={"get": Limit()}) as reg:
        reg.get(1)
        reg.get(1)
        quota = reg.quota("get")
        with pytest.raises(RateLimited) as info:
            reg.get(1)
    assert len(sent) == 2
    assert (quota.limit, quota.remaining, quota.source) == (10, 0, "server")
    assert quota.reset_at is not None and abs(quota.reset_at.timestamp() - reset) < 1
    error = info.value
    assert error.reset_at is not None and abs(error.reset_at.timestamp() - reset) < 2
    assert "the server reports no requests of 10 left" in str(error) and "resets at" in str(error)


def test_a_429_says_when_the_quota_resets() -> None:
    reset = int(datetime.now(timezone.utc).timestamp()) + 3000

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Retry-After": "3000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
        return httpx.Response(429, json={"error": "Rate Limit Exceeded", "retry_after": 3000}, headers=headers)

    transport = httpx.MockTransport(handler)
    with (
        modelreg.connect("scriptix", api_key="k-123456", transport=transport) as reg,
        pytest.raises(RateLimited) as info,
    ):
        reg.get(1)
    assert info.value.reset_at == datetime.fromtimestamp(reset, timezone.utc)
    assert "The quota resets at" in str(info.value)


def test_quota_comes_from_the_documented_limits_until_the_server_says() -> None:
    limits = {"create": [Limit(calls=10, period=3600), Limit(calls=3, period=60)]}
    with modelreg.connect(
        "scriptix", api_key="k-123456", transport=httpx.MockTransport(_created), limits=limits
    ) as reg:
        before = reg.quota("create")
        reg.create(name="m", language="en")
        after = reg.quota("create")
        unknown = reg.quota("publish")
    assert before == Quota(3, 3, None, "limits")
    assert (after.limit, after.remaining, after.source) == (3, 2, "limits") and after.reset_at is not None
    assert unknown.source == "limits"  # "*": the documented 30 per minute


def _created(request: httpx.Request) -> httpx.Response:
    return httpx.Response(201, json={"id": 5, "name": "m", "language": "en", "training_status": 1})


def test_a_sandbox_without_pacing_reports_no_quota(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        assert reg.quota("create") == Quota(None, None, None, "none")


@pytest.mark.parametrize("name", WITH_HEADERS)
def test_a_client_obeying_the_servers_headers_never_meets_a_429(toy: Path, name: str) -> None:
    spec = SPECS[name]
    sandbox = sandbox_for(spec, enforce_limits=True)
    sandbox.limits = {"get": Limit(calls=3, period=60), "create": Limit(calls=10, period=60)}
    transport = Recording(sandbox.transport())
    with modelreg.connect(name, sandbox=sandbox, transport=transport, max_wait=120, max_retries=0) as reg:
        model = reg.create(**spec.create("quota"))
        for _ in range(7):
            reg.get(model.id)  # a 429 would raise: max_retries=0
        assert reg.quota("get").source == "server"
    assert len(transport.sent) == 8 and sandbox.requests["get"] == 7


@pytest.mark.parametrize("name", WITH_HEADERS)
async def test_async_calls_obey_the_servers_headers_too(toy: Path, name: str) -> None:
    spec = SPECS[name]
    sandbox = sandbox_for(spec, enforce_limits=True)
    sandbox.limits = {"get": Limit(calls=2, period=30), "create": Limit(calls=10, period=60)}
    async with modelreg.connect_async(name, sandbox=sandbox, max_wait=120, max_retries=0) as reg:
        model = await reg.create(**spec.create("quota"))
        for _ in range(5):
            await reg.get(model.id)
        quota = reg.quota("get")
    assert quota.source == "server" and quota.limit == 2
    assert sandbox.requests["get"] == 5


def _fast_window(name: str) -> tuple[Any, dict[str, Any]]:
    """A sandbox on real time allowing 4 gets per half second, and connect() options for it."""
    spec = SPECS[name]
    sandbox = sandbox_for(spec, enforce_limits=True, clock=WallClock())
    sandbox.limits = {"get": Limit(calls=4, period=0.5), "create": Limit(calls=10, period=60)}
    # The client's own window for gets is generous; its period is what a reset is assumed to start.
    options = {"sandbox": sandbox, "max_wait": 30, "max_retries": 0, "limits": {"get": Limit(calls=1000, period=1)}}
    return sandbox, options


def test_threads_sharing_a_registry_never_exceed_what_the_server_says(toy: Path) -> None:
    """Eight threads, a server window of four: the later calls wait for the reset in turn, none meets a 429."""
    sandbox, options = _fast_window("scriptix")
    with modelreg.connect("scriptix", **options) as reg:
        model = reg.create(**SPECS["scriptix"].create("threads"))
        reg.get(model.id)  # the first answer tells the server's count
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: reg.get(model.id).id, range(8)))
    assert results == [model.id] * 8 and sandbox.requests["get"] == 9


async def test_tasks_sharing_a_registry_never_exceed_what_the_server_says(toy: Path) -> None:
    sandbox, options = _fast_window("toy")
    async with modelreg.connect_async("toy", **options) as reg:
        model = await reg.create(**SPECS["toy"].create("tasks"))
        await reg.get(model.id)
        found = await asyncio.gather(*(reg.get(model.id) for _ in range(8)))
    assert [m.id for m in found] == [model.id] * 8 and sandbox.requests["get"] == 9


def test_a_sandbox_enforces_every_window_and_reports_the_tightest(toy: Path) -> None:
    sandbox = modelreg.provider_info("scriptix").sandbox(enforce_limits=True)
    sandbox.limits = {"get": [Limit(calls=5, period=3600), Limit(calls=2, period=60)]}
    headers = {"Authorization": "Bearer sandbox-key-123"}
    with httpx.Client(transport=sandbox.transport(), headers=headers) as http:
        answers = [http.get("https://api.scriptix.io/api/v3/custom_models/1") for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 429]  # no model 1, but counted: then the minute is full
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["1", "0", "0"]
    assert answers[0].headers["X-RateLimit-Limit"] == "2" and answers[2].headers["Retry-After"] == "60"
