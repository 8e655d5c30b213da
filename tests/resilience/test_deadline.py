"""A per-call deadline bounds every attempt, backoff, pacing wait and timeout of the call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import modelreg
from modelreg.errors import RateLimited, ServerError, TransportError
from modelreg.provider import Limit
from modelreg.sandbox import Fault, FaultPlan, Sandbox, VirtualClock
from tests.resilience.conftest import new_sandbox, seed
from tests.resilience.scripted import PASS, SLOW, Script
from tests.resilience.specs import SPECS


def _registry(script: Script, **options: Any) -> modelreg.ModelRegistry:
    return modelreg.connect("toy", sandbox=script.sandbox, transport=script.transport(), **options)


def test_no_retry_starts_that_would_end_past_the_deadline(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    model_id = seed(SPECS["toy"], sandbox)
    script = Script(sandbox, [(503, {"Retry-After": "2"}), (503, {"Retry-After": "2"}), PASS])
    registry = _registry(script, deadline=3.0)
    start = sandbox.clock.now()
    with pytest.raises(ServerError):
        registry.get(model_id)
    assert sandbox.clock.now() - start <= 3.0
    assert script.count("GET") == 2


def test_timeouts_are_cut_to_what_is_left_of_the_deadline(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    assert isinstance(sandbox.clock, VirtualClock)
    model_id = seed(SPECS["toy"], sandbox)
    script = Script(sandbox, [SLOW, PASS])
    registry = _registry(script, deadline=4.0, timeout=10.0)
    start = sandbox.clock.now()
    with pytest.raises(TransportError):
        registry.get(model_id)
    assert sandbox.clock.now() - start == pytest.approx(4.0)


def test_a_call_within_its_deadline_still_retries(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    model_id = seed(SPECS["toy"], sandbox)
    script = Script(sandbox, [SLOW, PASS])
    registry = _registry(script, deadline=30.0, timeout=5.0)
    start = sandbox.clock.now()
    assert registry.get(model_id).id == model_id
    assert 5.0 <= sandbox.clock.now() - start <= 5.5


def test_a_pacing_wait_past_the_deadline_raises_rate_limited_without_sending(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    script = Script(sandbox, [])
    registry = _registry(script, deadline=10.0, limits={"create": Limit(calls=1, period=60)})
    registry.create(name="first")
    with pytest.raises(RateLimited, match="deadline") as caught:
        registry.create(name="second")
    assert caught.value.retry_after == pytest.approx(60.0)
    assert script.count("POST") == 1


def test_a_flow_pause_past_the_deadline_is_refused(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    model_id = seed(SPECS["toy"], sandbox)
    registry = modelreg.connect("toy", sandbox=sandbox, deadline=10.0)
    with pytest.raises(TransportError, match="deadline"):
        registry.publish(model_id, wait=60.0)


async def test_the_async_registry_keeps_the_same_deadline(toy: Path) -> None:
    sandbox = new_sandbox(SPECS["toy"])
    model_id = seed(SPECS["toy"], sandbox)
    script = Script(sandbox, [SLOW, SLOW, PASS])
    registry = modelreg.connect_async("toy", sandbox=sandbox, transport=script.transport(), deadline=7.0, timeout=5.0)
    start = sandbox.clock.now()
    with pytest.raises(TransportError):
        await registry.get(model_id)
    assert sandbox.clock.now() - start <= 7.0
    assert script.count("GET") == 2
    await registry.aclose()


def _slow_gets(latency: float) -> tuple[Sandbox, str]:
    """A toy sandbox whose every GET answers after the read timeout, ``latency`` seconds after arriving."""
    sandbox = new_sandbox(SPECS["toy"], latency=latency)
    model_id = seed(SPECS["toy"], sandbox)
    sandbox.faults = FaultPlan(rate=1.0, weights={Fault.SLOW: 1.0}, operations={"get"})
    return sandbox, model_id


def test_a_slow_answer_times_out_at_the_deadline_not_the_deadline_plus_the_latency(toy: Path) -> None:
    """The server's latency is part of the client's read wait, not extra time after it (the old flake)."""
    sandbox, model_id = _slow_gets(latency=0.25)
    registry = modelreg.connect("toy", sandbox=sandbox, deadline=3.0, timeout=5.0, max_retries=0)
    start = sandbox.clock.now()
    with pytest.raises(TransportError):
        registry.get(model_id)
    assert sandbox.clock.now() - start == pytest.approx(3.0, abs=1e-6)


def test_a_slow_answer_costs_the_read_timeout_latency_included(toy: Path) -> None:
    sandbox, model_id = _slow_gets(latency=0.25)
    registry = modelreg.connect("toy", sandbox=sandbox, timeout=2.0, max_retries=0)
    start = sandbox.clock.now()
    with pytest.raises(TransportError):
        registry.get(model_id)
    assert sandbox.clock.now() - start == pytest.approx(2.0, abs=1e-6)


async def test_a_slow_answer_times_out_at_the_deadline_in_the_async_registry_too(toy: Path) -> None:
    sandbox, model_id = _slow_gets(latency=0.25)
    registry = modelreg.connect_async("toy", sandbox=sandbox, deadline=3.0, timeout=5.0, max_retries=0)
    start = sandbox.clock.now()
    with pytest.raises(TransportError):
        await registry.get(model_id)
    assert sandbox.clock.now() - start == pytest.approx(3.0, abs=1e-6)
    await registry.aclose()
