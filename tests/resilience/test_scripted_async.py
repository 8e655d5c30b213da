"""The same retry rules hold for the async registry, which shares the engine and sleeps via asyncio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import AsyncModelRegistry
from modelreg.errors import OutcomeUnknown, RateLimited, ServerError
from tests.resilience.conftest import models_in, new_sandbox, seed
from tests.resilience.scripted import COMMIT_THEN_DROP, COMMIT_THEN_TRUNCATE, PASS, Script
from tests.resilience.specs import Spec


@pytest.fixture
async def ascripted(spec: Spec) -> AsyncIterator[Any]:
    """``ascripted(steps, sandbox=None, **options)`` -> (async registry, script)."""
    opened: list[AsyncModelRegistry] = []

    def make(steps: list[Any], sandbox: Any = None, **options: Any) -> tuple[AsyncModelRegistry, Script]:
        script = Script(sandbox or new_sandbox(spec), steps)
        registry = modelreg.connect_async(spec.name, transport=script.transport(), **spec.credentials, **options)
        opened.append(registry)
        return registry, script

    yield make
    for registry in opened:
        await registry.aclose()


async def test_async_get_503_then_200_succeeds_in_two_requests(
    spec: Spec, ascripted: Any, asleeps: list[float]
) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = ascripted([503, PASS], sandbox)
    assert (await registry.get(model_id)).id == model_id
    assert script.count("GET") == 2
    waits = [s for s in asleeps if s]
    assert len(waits) <= 1 and all(0 < s <= 0.5 for s in waits)


async def test_async_429_waits_retry_after(spec: Spec, ascripted: Any, asleeps: list[float]) -> None:
    sandbox = new_sandbox(spec)
    model_id = seed(spec, sandbox)
    registry, script = ascripted([(429, {"Retry-After": "1"}), PASS], sandbox)
    await registry.get(model_id)
    assert [s for s in asleeps if s] == [pytest.approx(1.0)]
    assert script.count("GET") == 2


async def test_async_retry_after_beyond_120_s_raises_at_once(spec: Spec, ascripted: Any, asleeps: list[float]) -> None:
    registry, script = ascripted([(429, {"retry-after-ms": "600000"})])
    with pytest.raises(RateLimited) as caught:
        await registry.get("1")
    assert caught.value.retry_after == pytest.approx(600)
    assert script.count("GET") == 1


async def test_async_create_answered_500_is_sent_exactly_once(spec: Spec, ascripted: Any, asleeps: list[float]) -> None:
    registry, script = ascripted([500])
    with pytest.raises((ServerError, OutcomeUnknown)):
        await registry.create(**spec.create("five-hundred"))
    assert script.count("POST") == 1


async def test_async_create_whose_first_attempt_cannot_connect_is_sent_again(
    spec: Spec, ascripted: Any, asleeps: list[float]
) -> None:
    registry, script = ascripted([httpx.ConnectError, PASS])
    await registry.create(**spec.create("refused-once"))
    assert script.count("POST") == 2
    assert len(models_in(spec, script.sandbox)) == 1


@pytest.mark.parametrize("lost", [COMMIT_THEN_DROP, COMMIT_THEN_TRUNCATE])
async def test_async_create_with_a_lost_answer_is_never_resent(
    spec: Spec, ascripted: Any, asleeps: list[float], lost: str
) -> None:
    registry, script = ascripted([lost])
    try:
        model = await registry.create(**spec.create("lost-async"))
    except OutcomeUnknown:
        assert not spec.reconciles
    else:
        assert model.name == "lost-async"
    assert script.count("POST") == 1
    assert [m.name for m in models_in(spec, script.sandbox)] == ["lost-async"]


async def test_async_delete_503_then_404_reports_deleted(spec: Spec, ascripted: Any, asleeps: list[float]) -> None:
    registry, script = ascripted([503, 404])
    assert (await registry.delete("777")).deleted is True
    assert script.count("DELETE") == 2
