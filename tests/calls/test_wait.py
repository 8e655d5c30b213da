"""``reg.wait()`` for every provider and ``connect_all(...).wait(refs)`` polling many models with few requests."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import modelreg
from modelreg import Model, ModelFailed, ModelStatus, ValidationFailed, WaitTimedOut
from modelreg.provider import Limit
from modelreg.sandbox import Sandbox
from tests.calls.conftest import sandbox_for
from tests.resilience.specs import SPECS

TRAINING, FAILED = "2", "5"
"""The seeded Scriptix models in training (40 % done) and failed."""


def scriptix_seeded(**options: Any) -> Sandbox:
    sandbox = modelreg.provider_info("scriptix").sandbox(**options)
    sandbox.seed()
    return sandbox


def test_waiting_for_a_scriptix_training_returns_the_trained_model() -> None:
    seen: list[Model] = []
    with modelreg.connect("scriptix", sandbox=scriptix_seeded()) as reg:
        model = reg.wait(TRAINING, until=ModelStatus.AVAILABLE, poll_interval=30, progress=seen.append)
    assert model.status is ModelStatus.AVAILABLE and model.details.training_metrics is not None
    progress = [m.details.training_progress for m in seen]
    assert progress == sorted(progress) and progress[-1] == 100 and len(seen) >= 3
    assert all(m.status is ModelStatus.TRAINING for m in seen[:-1])


async def test_the_async_registry_waits_the_same_way() -> None:
    async with modelreg.connect_async("scriptix", sandbox=scriptix_seeded()) as reg:
        model = await reg.wait(TRAINING, poll_interval=60)
    assert model.status is ModelStatus.AVAILABLE


def test_a_failed_model_raises_with_the_vendors_reason() -> None:
    with modelreg.connect("scriptix", sandbox=scriptix_seeded()) as reg, pytest.raises(ModelFailed) as info:
        reg.wait(FAILED)
    assert info.value.model.id == FAILED and "alignment below 80%" in str(info.value)
    assert "scriptix:5" in str(info.value)


def test_a_training_that_fails_while_waited_on_raises() -> None:
    sandbox = scriptix_seeded()
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        sandbox.fail_next_training("3")  # type: ignore[attr-defined]  # a Scriptix sandbox
        reg.train("3")
        with pytest.raises(ModelFailed) as info:
            reg.wait("3", poll_interval=20)
    assert info.value.model.status is ModelStatus.FAILED


def test_waiting_for_the_failed_state_itself_is_no_failure() -> None:
    with modelreg.connect("scriptix", sandbox=scriptix_seeded()) as reg:
        assert reg.wait(FAILED, until=[ModelStatus.FAILED, ModelStatus.AVAILABLE]).status is ModelStatus.FAILED
        assert reg.wait(TRAINING, until={"training", "available"}).status is ModelStatus.TRAINING


def test_a_wait_past_its_timeout_raises_with_the_last_state() -> None:
    sandbox = scriptix_seeded()
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        before = sandbox.requests["get"]
        with pytest.raises(WaitTimedOut) as info:
            reg.wait(TRAINING, timeout=50, poll_interval=20)
    assert info.value.model.status is ModelStatus.TRAINING and info.value.timeout == 50
    assert "longer timeout" in str(info.value)
    assert sandbox.requests["get"] - before == 4  # at 0, 20, 40 and 50 s


@pytest.mark.parametrize(
    ("options", "where"),
    [
        ({"until": "asleep"}, "until"),
        ({"until": []}, "until"),
        ({"timeout": 0}, "timeout"),
        ({"poll_interval": -1}, "poll_interval"),
        ({"progress": "print"}, "progress"),
    ],
)
def test_bad_wait_arguments_fail_before_anything_is_sent(toy: Path, options: dict[str, Any], where: str) -> None:
    sandbox = modelreg.provider_info("toy").sandbox()
    with modelreg.connect("toy", sandbox=sandbox) as reg, pytest.raises(ValidationFailed) as info:
        reg.wait("1", **options)
    assert info.value.issues[0].loc == (where,) and sum(sandbox.requests.values()) == 0


def test_a_selise_model_is_waited_on_until_validated() -> None:
    spec = SPECS["selise"]
    polls: list[ModelStatus] = []
    with modelreg.connect("selise", sandbox=sandbox_for(spec), **spec.credentials) as reg:
        model = reg.create(**spec.create("to validate"))

        def validate_once(seen: Model) -> None:
            polls.append(seen.status)
            if len(polls) == 2:
                reg.validate(seen.id)

        assert reg.wait(model.id, poll_interval=5, progress=validate_once).status is ModelStatus.AVAILABLE
    assert polls == [ModelStatus.PENDING, ModelStatus.PENDING, ModelStatus.AVAILABLE]


async def test_a_third_party_providers_own_states_are_waited_on(toy: Path) -> None:
    async with modelreg.connect_async("toy", sandbox=True) as reg:
        model = await reg.create(name="draft")
        sandbox = reg.sandbox
        assert sandbox is not None
        polls = Counter[str]()

        def publish_on_the_third_poll(seen: Model) -> None:
            polls[seen.status.value] += 1
            if polls["pending"] == 3:
                doc = sandbox.store.get("models", model.id) or {}
                sandbox.store.put("models", model.id, {**doc, "state": "live"})

        live = await reg.wait(model.id, poll_interval=1, progress=publish_on_the_third_poll)
    assert live.status is ModelStatus.AVAILABLE and polls == {"pending": 3, "available": 1}


def test_a_rate_limited_poll_waits_for_the_quota_instead_of_failing() -> None:
    sandbox = scriptix_seeded(enforce_limits=True)
    sandbox.limits = {"get": Limit(calls=2, period=600)}
    with modelreg.connect("scriptix", sandbox=sandbox, max_wait=1, max_retries=0) as reg:
        model = reg.wait(TRAINING, poll_interval=10)
    assert model.status is ModelStatus.AVAILABLE


def _toy_drafts(sandbox: Sandbox, count: int) -> list[str]:
    with modelreg.connect("toy", sandbox=sandbox) as reg:
        return [reg.create(name=f"draft {n}").id for n in range(count)]


def _publish(sandbox: Sandbox, ids: list[str]) -> None:
    for model_id in ids:
        doc = sandbox.store.get("models", model_id) or {}
        sandbox.store.put("models", model_id, {**doc, "state": "live"})


def test_many_models_are_polled_by_listing_rather_than_one_get_each(toy: Path) -> None:
    toy_box = modelreg.provider_info("toy").sandbox()
    drafts = _toy_drafts(toy_box, 6)
    scriptix_box = scriptix_seeded()
    refs = [f"toy:{drafts[0]}", f"scriptix:{TRAINING}", *(f"toy:{i}" for i in drafts[1:]), "scriptix:1"]
    seen: list[str] = []

    def progress(model: Model) -> None:
        seen.append(model.ref)
        if seen.count(f"toy:{drafts[0]}") == 2:
            _publish(toy_box, drafts)

    with modelreg.connect_all(sandbox={"toy": toy_box, "scriptix": scriptix_box}) as everything:
        before = Counter(toy_box.requests)
        models = everything.wait(refs, poll_interval=30, progress=progress)
    assert [m.ref for m in models] == refs
    assert all(m.status is ModelStatus.AVAILABLE for m in models)
    toy_requests = Counter(toy_box.requests) - before
    assert toy_requests == {"list": 3}  # three polls of six models: one page each, no get
    assert scriptix_box.requests["list"] == 1  # then one model is left: a get costs no more than a page


async def test_async_registries_wait_for_many_models(toy: Path) -> None:
    toy_box = modelreg.provider_info("toy").sandbox()
    drafts = _toy_drafts(toy_box, 3)
    polls = Counter[str]()

    def progress(model: Model) -> None:
        polls[model.ref] += 1
        if polls[f"toy:{drafts[-1]}"] == 2:
            _publish(toy_box, drafts)

    async with modelreg.connect_all_async(sandbox={"toy": toy_box, "scriptix": scriptix_seeded()}) as everything:
        models = await everything.wait([*(f"toy:{i}" for i in drafts), "scriptix:2"], progress=progress)
    assert [m.status for m in models] == [ModelStatus.AVAILABLE] * 4
    assert toy_box.requests["get"] == 0


def test_one_model_per_provider_is_polled_with_gets(toy: Path) -> None:
    toy_box = modelreg.provider_info("toy").sandbox()
    (draft,) = _toy_drafts(toy_box, 1)
    _publish(toy_box, [draft])
    with modelreg.connect_all(sandbox={"toy": toy_box}) as everything:
        assert everything.wait([f"toy:{draft}"])[0].status is ModelStatus.AVAILABLE
    assert (toy_box.requests["get"], toy_box.requests["list"]) == (1, 0)


def test_a_failure_among_many_raises(toy: Path) -> None:
    with (
        modelreg.connect_all(sandbox={"scriptix": scriptix_seeded()}) as everything,
        pytest.raises(ModelFailed) as info,
    ):
        everything.wait([f"scriptix:{TRAINING}", f"scriptix:{FAILED}"])
    assert info.value.model.ref == f"scriptix:{FAILED}"


def test_a_bad_ref_fails_before_anything_is_sent(toy: Path) -> None:
    toy_box = modelreg.provider_info("toy").sandbox()
    with modelreg.connect_all(sandbox={"toy": toy_box}) as everything, pytest.raises(ValidationFailed):
        everything.wait(["toy:1", "not-a-ref"])
    assert sum(toy_box.requests.values()) == 0


def test_after_a_failure_the_other_providers_stop_polling(toy: Path) -> None:
    toy_box = modelreg.provider_info("toy").sandbox()
    (draft,) = _toy_drafts(toy_box, 1)
    with modelreg.connect_all(sandbox={"toy": toy_box, "scriptix": scriptix_seeded()}) as everything:
        with pytest.raises(ModelFailed):
            everything.wait([f"toy:{draft}", f"toy:{draft}", f"scriptix:{FAILED}"], poll_interval=1)
        time.sleep(0.2)
        polls = toy_box.requests["list"] + toy_box.requests["get"]
        time.sleep(0.2)
        assert toy_box.requests["list"] + toy_box.requests["get"] == polls


def test_the_cheaper_of_a_listing_and_gets_is_chosen_each_round(toy: Path) -> None:
    """60 models (two pages of 50), two waited on: the first round must list to learn that; later ones get."""
    toy_box = modelreg.provider_info("toy").sandbox()
    drafts = _toy_drafts(toy_box, 60)
    watched = drafts[-2:]  # both on the second page
    polls = Counter[str]()

    def progress(model: Model) -> None:
        polls[model.id] += 1
        if polls[watched[-1]] == 2:
            _publish(toy_box, watched)

    with modelreg.connect_all(sandbox={"toy": toy_box}) as everything:
        before = Counter(toy_box.requests)
        everything.wait([f"toy:{i}" for i in watched], progress=progress)
    assert Counter(toy_box.requests) - before == {"list": 2, "get": 4}
