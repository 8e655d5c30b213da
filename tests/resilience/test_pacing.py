"""Client-side pacing: buckets from the declared limits, 429 back-off, long waits refused, caps held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import modelreg
from modelreg._pacing import Bucket, Pacer
from modelreg.errors import ConfigurationError, RateLimited
from modelreg.provider import Limit
from modelreg.sandbox import VirtualClock
from tests.resilience.conftest import new_sandbox, seed
from tests.resilience.scripted import PASS, Script
from tests.resilience.specs import SPECS


@given(st.lists(st.floats(min_value=0, max_value=500), min_size=1, max_size=60), st.integers(1, 5))
def test_a_bucket_never_starts_more_than_calls_in_any_period(arrivals: list[float], calls: int) -> None:
    bucket = Bucket(calls, 60.0)
    starts = []
    for now in sorted(arrivals):
        start = bucket.next_start(now)
        assert start >= now
        bucket.spend(start)
        starts.append(start)
    assert starts == sorted(starts)
    for first, later in zip(starts, starts[calls:], strict=False):
        assert later - first >= 60.0 - 1e-9


def test_a_bucket_lets_calls_through_at_once_then_waits_a_period() -> None:
    pacer = Pacer({"create": Limit(calls=3, period=3600)})
    assert [pacer.reserve("create", 0.0, 60) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.reserve("create", 10.0, 60) == 3590.0  # refused: longer than max_wait...
    assert pacer.reserve("create", 3599.5, 60) == 0.5  # ...so it spent nothing
    assert pacer.reserve("create", 3599.5, 60) == 0.5


def test_operations_without_their_own_limit_share_the_star_bucket() -> None:
    pacer = Pacer({"*": Limit(calls=1, period=10)})
    assert pacer.reserve("get", 0.0, 60) == 0.0
    assert pacer.reserve("update", 0.0, 60) == 10.0


def test_a_429_closes_the_operation_until_its_retry_after() -> None:
    pacer = Pacer({})
    pacer.block("get", 30.0)
    assert pacer.reserve("get", 0.0, 60) == 30.0
    assert pacer.reserve("list", 0.0, 60) == 0.0


def test_pacing_off_ignores_buckets_and_429s() -> None:
    pacer = Pacer({"get": Limit(calls=1)}, pace=False)
    pacer.block("get", 30.0)
    assert pacer.reserve("get", 0.0, 60) == pacer.reserve("get", 0.0, 60) == 0.0


def test_a_429_block_already_waited_out_by_a_backoff_does_not_count_twice() -> None:
    pacer = Pacer({})
    pacer.block("get", 5.0)
    assert pacer.reserve("get", 0.0, 60, waited_until=2.0) == 5.0
    assert pacer.reserve("get", 0.0, 60, waited_until=5.0) == 0.0


def test_the_registry_paces_creates_by_the_declared_limit(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    assert isinstance(sandbox.clock, VirtualClock)
    registry = modelreg.connect("toy", sandbox=sandbox, limits={"create": Limit(calls=2, period=60)})
    start = sandbox.clock.now()
    for n in range(5):
        registry.create(name=f"paced-{n}")
    # Two at once, then two a minute later, then the fifth two minutes after the start.
    assert sandbox.clock.now() - start == pytest.approx(120.0)
    assert sandbox.requests["create"] == 5


def test_a_wait_longer_than_max_wait_raises_rate_limited_and_sends_nothing(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    registry = modelreg.connect("toy", sandbox=sandbox, limits={"create": Limit(calls=2, period=3600)}, max_wait=30)
    registry.create(name="one")
    registry.create(name="two")
    with pytest.raises(RateLimited, match="max_wait") as caught:
        registry.create(name="three")
    assert caught.value.retry_after == pytest.approx(3600)
    assert sandbox.requests["create"] == 2


def test_a_429_makes_the_next_call_wait_for_its_retry_after(toy: Path) -> None:
    spec = SPECS["toy"]
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    script = Script(sandbox, [(429, {"Retry-After": "30"}), PASS])
    registry = modelreg.connect(
        "toy", sandbox=sandbox, transport=script.transport(), max_retries=0, limits={}, max_wait=60
    )
    with pytest.raises(RateLimited):
        registry.get(model_id)
    before = sandbox.clock.now()
    registry.get(model_id)
    assert sandbox.clock.now() - before == pytest.approx(30.0, abs=0.01)


def test_a_429_longer_than_max_wait_fails_the_next_calls_at_once(toy: Path) -> None:
    spec = SPECS["toy"]
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    script = Script(sandbox, [(429, {"Retry-After": "200"})])
    registry = modelreg.connect("toy", sandbox=sandbox, transport=script.transport(), limits={}, max_wait=60)
    with pytest.raises(RateLimited) as first:
        registry.get(model_id)
    assert first.value.retry_after == pytest.approx(200)
    with pytest.raises(RateLimited) as second:
        registry.get(model_id)
    assert 199 < (second.value.retry_after or 0) <= 200
    assert script.count("GET") == 1


def test_the_sandbox_enforcing_its_limits_is_never_hit_by_a_paced_client(toy: Path) -> None:
    spec = SPECS["toy"]
    sandbox = new_sandbox(spec, enforce_limits=True)
    limits = {"list": Limit(calls=5, period=60, concurrency=2)}
    sandbox.limits = limits
    registry = modelreg.connect("toy", sandbox=sandbox, limits=limits, max_retries=0)
    for _ in range(12):
        registry.list_page(1)
    assert sandbox.requests["list"] == 12  # a 429 would have raised: max_retries=0


async def test_registries_of_one_account_share_their_buckets_and_caps(toy: Path) -> None:
    script = Script(new_sandbox(SPECS["toy"]))
    transport = script.transport()
    limits = {"create": Limit(calls=1, period=3600, concurrency=1)}
    options: dict[str, Any] = {"token": "account-token-1234", "transport": transport, "limits": limits, "max_wait": 5}
    registry = modelreg.connect("toy", **options)
    aregistry = modelreg.connect_async("toy", **options)
    other = modelreg.connect("toy", **{**options, "token": "another-token-5678"})
    assert registry._pacer is aregistry._pacer is not other._pacer
    registry.create(name="sync")
    with pytest.raises(RateLimited):
        await aregistry.create(name="async")  # the account's hourly create is spent
    other.create(name="other account")
    assert script.count("POST") == 2
    await aregistry.aclose()


@pytest.mark.parametrize(
    "limits",
    [{"create": {"calls": 5}}, {"create": Limit(calls=0)}, {"create": Limit(concurrency=0)}],
    ids=["not-a-limit", "zero-calls", "zero-concurrency"],
)
def test_malformed_limits_are_a_configuration_error(toy: Path, limits: object) -> None:
    with pytest.raises(ConfigurationError, match="limits"):
        modelreg.connect("toy", token="t-123456", limits=limits)  # type: ignore[call-overload]  # malformed on purpose


async def test_concurrent_async_calls_never_exceed_the_cap_of_an_enforcing_sandbox(toy: Path) -> None:
    import asyncio

    # Caps only: on one shared simulated clock every task's wait moves time for all, so arrival
    # times drift from token times in a way real latency does not (rates are checked above).
    sandbox = new_sandbox(SPECS["toy"], enforce_limits=True, latency=0.5)
    limits = {"list": Limit(concurrency=2)}
    sandbox.limits = limits
    registry = modelreg.connect_async("toy", sandbox=sandbox, limits=limits, max_retries=0)
    async with registry:
        await asyncio.gather(*(registry.list_page(1) for _ in range(20)))
    assert sandbox.requests["list"] == 20  # a 429 would have raised: max_retries=0
    assert sandbox.peak_in_flight["list"] == 2


def test_a_request_takes_its_rate_token_only_once_it_holds_a_concurrency_slot(
    toy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Otherwise a request queued behind slow ones starts later than its token says and bunches up."""
    from modelreg._engine import Engine

    sandbox = new_sandbox(SPECS["toy"])
    registry = modelreg.connect("toy", sandbox=sandbox, limits={"list": Limit(calls=5, period=60, concurrency=1)})
    gate = registry._pacer.gate("list")
    assert gate is not None
    busy_when_prepared = []
    prepare = Engine._prepare

    def spy(self: Engine, *args: Any) -> float:
        busy_when_prepared.append(gate.busy)
        return prepare(self, *args)

    monkeypatch.setattr(Engine, "_prepare", spy)
    registry.list_page(1)
    assert busy_when_prepared == [1]
