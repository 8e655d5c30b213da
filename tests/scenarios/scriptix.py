"""Scriptix cassette scenarios: every operation and every documented error, recorded against the sandbox.

The seeded sandbox holds five models, one per training status: 1 trained (4), 2 training (3),
3 ready (2), 4 pending (1) and 5 failed (5); datasets 1-2 belong to model 1.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from modelreg_scriptix import ScriptixProvider, ScriptixSandbox, TrainingData, TrainingDataUpload, TrainingFailed

from modelreg import (
    AsyncModelRegistry,
    AuthenticationFailed,
    Deletion,
    Model,
    ModelInUse,
    ModelRegistry,
    ModelStatus,
    NotFound,
    Page,
    QuotaExceeded,
    RateLimited,
    ValidationFailed,
)
from modelreg.provider import Config, Limit
from modelreg.sandbox import Sandbox
from tests.sandboxes import sandbox_of
from tests.scenarios import Scenario, raises, succeeds

PROVIDER = "scriptix"
API_KEY = "sk-test-scriptix-0001"
SETTINGS = {"api_key": API_KEY}
AUDIO = ("cardiology_02.mp3", b"ID3 sandbox audio bytes")
TRANSCRIPT = ("cardiology_02.txt", "The patient reports chest pain radiating to the left arm.")
FAST = {"poll_interval": 0.05}


def _scriptix(sandbox: Sandbox) -> ScriptixSandbox:
    assert isinstance(sandbox, ScriptixSandbox)
    return sandbox


def _quick(sandbox: Sandbox) -> None:
    # Training ends before the first poll: replays answer repeated identical GETs with the first
    # recorded answer, so each scenario polls a model once per state.
    _scriptix(sandbox).training_duration = 0.04


def _seeded(sandbox: Sandbox) -> None:
    _quick(sandbox)
    sandbox.seed()


def _both(
    run: Callable[[ModelRegistry], Any],
    arun: Callable[[AsyncModelRegistry], Awaitable[Any]],
    check: Callable[[Any], None],
    prepare: Callable[[Sandbox], Any] | None = _seeded,
    settings: dict[str, Any] | None = None,
) -> Scenario:
    return Scenario(PROVIDER, run, arun, prepare=prepare, settings=settings or SETTINGS, check=check)


# -- listing -----------------------------------------------------------------------------------


def _check_list(models: Any) -> None:
    assert [m.status for m in models] == [
        ModelStatus.AVAILABLE,
        ModelStatus.TRAINING,
        ModelStatus.READY,
        ModelStatus.PENDING,
        ModelStatus.FAILED,
    ]
    assert all(m.provider == "scriptix" and m.id.isdigit() for m in models)


async def _alist(reg: AsyncModelRegistry, **kwargs: Any) -> list[Model]:
    return [m async for m in reg.list(**kwargs)]


def _check_filtered(page: Any) -> None:
    assert isinstance(page, Page)
    assert [m.name for m in page.items] == ["Medical Cardiology EN"]
    assert page.total == 1 and not page.has_more


def _out_of_range_query() -> Any:
    # The client refuses per_page > 100 and status 9 itself; this sends them anyway to record the
    # server's documented 400 for a listing.
    provider = ScriptixProvider(Config("scriptix", "https://api.scriptix.io", {}))
    yield provider.request("GET", "/api/v3/custom_models", operation="list", params={"per_page": 500, "status": 9})


def _check_list_400(error: Any) -> None:
    assert isinstance(error, ValidationFailed) and error.status_code == 400, error
    assert [(i.loc, i.message) for i in error.issues] == [
        (("query", "per_page"), "Maximum value is 100"),
        (("query", "status"), "Must be between 1 and 5"),
    ]


def _check_pages(models: Any) -> None:
    assert [m.id for m in models] == ["1", "2", "3", "4", "5"]


# -- training ------------------------------------------------------------------------------------


def _train_and_wait(reg: ModelRegistry) -> tuple[Model, list[ModelStatus]]:
    seen: list[ModelStatus] = []
    model = reg.train(3, wait=True, progress=lambda m: seen.append(m.status), **FAST)
    return model, seen


async def _atrain_and_wait(reg: AsyncModelRegistry) -> tuple[Model, list[ModelStatus]]:
    seen: list[ModelStatus] = []
    model = await reg.train(3, wait=True, progress=lambda m: seen.append(m.status), **FAST)
    return model, seen


def _check_trained(outcome: Any) -> None:
    model, seen = outcome
    assert model.status is ModelStatus.AVAILABLE and model.details.training_metrics is not None
    assert seen[0] is ModelStatus.TRAINING and seen[-1] is ModelStatus.AVAILABLE


def _wait(reg: ModelRegistry) -> Model:
    reg.train(3)
    sandbox_of(reg).advance(1.0)
    return reg.wait_for_training(3, **FAST)


async def _await(reg: AsyncModelRegistry) -> Model:
    await reg.train(3)
    sandbox_of(reg).advance(1.0)
    return await reg.wait_for_training(3, **FAST)


def _planned_failure(sandbox: Sandbox) -> None:
    _seeded(sandbox)
    _scriptix(sandbox).fail_next_training(3, "Training failed: audio too noisy")


def _empty_train_answer(sandbox: Sandbox) -> None:
    _seeded(sandbox)
    _scriptix(sandbox).train_answer = "empty"


# -- lifecycle -------------------------------------------------------------------------------------


def _lifecycle(reg: ModelRegistry) -> list[Any]:
    model = reg.create(name="Cardiology EN", language="en", base_model="medical")
    steps: list[Any] = [model.status]
    steps.append(reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT).status)
    steps.append(reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT, kind="test").status)
    steps.append(reg.train(model.id).status)
    sandbox_of(reg).advance(1.0)
    steps.append(reg.wait_for_training(model.id, **FAST).status)
    steps.append([m.status for m in reg.list()])
    steps.append(reg.update(model.id, name="Cardiology EN v2").name)
    steps.append(reg.delete(model.id).deleted)
    return steps


async def _alifecycle(reg: AsyncModelRegistry) -> list[Any]:
    model = await reg.create(name="Cardiology EN", language="en", base_model="medical")
    steps: list[Any] = [model.status]
    steps.append((await reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT)).status)
    steps.append((await reg.upload_training_data(model.id, audio=AUDIO, transcript=TRANSCRIPT, kind="test")).status)
    steps.append((await reg.train(model.id)).status)
    sandbox_of(reg).advance(1.0)
    steps.append((await reg.wait_for_training(model.id, **FAST)).status)
    steps.append([m.status async for m in reg.list()])
    steps.append((await reg.update(model.id, name="Cardiology EN v2")).name)
    steps.append((await reg.delete(model.id)).deleted)
    return steps


def _check_lifecycle(steps: Any) -> None:
    assert steps == [
        ModelStatus.PENDING,
        ModelStatus.READY,
        ModelStatus.READY,
        ModelStatus.TRAINING,
        ModelStatus.AVAILABLE,
        [ModelStatus.AVAILABLE],
        "Cardiology EN v2",
        True,
    ]


# -- errors ------------------------------------------------------------------------------------------


def _gold_plan(sandbox: Sandbox) -> None:
    _seeded(sandbox)
    scriptix = _scriptix(sandbox)
    scriptix.model_limit = 5
    scriptix.plan = "Gold"


def _in_use(sandbox: Sandbox) -> None:
    _seeded(sandbox)
    _scriptix(sandbox).mark_in_use(1, active_transcriptions=5)


def _other_key_only(sandbox: Sandbox) -> None:
    _scriptix(sandbox).api_keys = frozenset({"sk-test-scriptix-9999"})


def _one_create_per_hour(sandbox: Sandbox) -> None:
    sandbox.enforce_limits = True
    sandbox.limits = {"create": Limit(calls=1, period=3600)}


def _two_creates(reg: ModelRegistry) -> Any:
    reg.create(name="First", language="en")
    return reg.create(name="Second", language="en")


async def _atwo_creates(reg: AsyncModelRegistry) -> Any:
    await reg.create(name="First", language="en")
    return await reg.create(name="Second", language="en")


def _is_upload(outcome: Any) -> None:
    assert isinstance(outcome, TrainingDataUpload), outcome
    assert outcome.status is ModelStatus.READY and outcome.filename == AUDIO[0]


SCENARIOS: dict[str, Scenario] = {
    "list": _both(lambda r: list(r.list()), _alist, _check_list),
    "list_filtered": _both(
        lambda r: r.list_page(status=ModelStatus.AVAILABLE, language="en", base_model="medical"),
        lambda r: r.list_page(status=ModelStatus.AVAILABLE, language="en", base_model="medical"),
        _check_filtered,
    ),
    "list_400": _both(lambda r: r.run(_out_of_range_query()), lambda r: r.run(_out_of_range_query()), _check_list_400),
    "list_paginated": _both(lambda r: list(r.list(page_size=2)), lambda r: _alist(r, page_size=2), _check_pages),
    "get": _both(
        lambda r: r.get(1),
        lambda r: r.get(1),
        succeeds(lambda m: m.status is ModelStatus.AVAILABLE and m.details.training_metrics.word_error_rate == 12.5),
    ),
    "get_404": _both(
        lambda r: r.get(999), lambda r: r.get(999), raises(NotFound, lambda e: e.error_code == "MODEL_NOT_FOUND")
    ),
    "create": _both(
        lambda r: r.create(name="Medical Cardiology EN", language="en", base_model="medical", description="Cardiology"),
        lambda r: r.create(name="Medical Cardiology EN", language="en", base_model="medical", description="Cardiology"),
        succeeds(lambda m: m.status is ModelStatus.PENDING and m.details.model_key == f"custom_model_{m.id}"),
        prepare=None,
    ),
    "create_400": _both(
        lambda r: r.create(name="Klingon", language="xx"),
        lambda r: r.create(name="Klingon", language="xx"),
        raises(
            ValidationFailed,
            lambda e: (
                e.status_code == 400 and e.issues[0].loc == ("body", "language") and "'xx'" in e.issues[0].message
            ),
        ),
        prepare=None,
        settings={**SETTINGS, "languages": "en,xx"},
    ),
    "create_402": _both(
        lambda r: r.create(name="Sixth", language="en"),
        lambda r: r.create(name="Sixth", language="en"),
        raises(QuotaExceeded, lambda e: dict(e.details) == {"current_models": 5, "plan_limit": 5, "plan": "Gold"}),
        prepare=_gold_plan,
    ),
    "update": _both(
        lambda r: r.update(1, name="Medical Cardiology EN v2", description="Updated"),
        lambda r: r.update(1, name="Medical Cardiology EN v2", description="Updated"),
        succeeds(lambda m: (m.name, m.description) == ("Medical Cardiology EN v2", "Updated")),
    ),
    "update_404": _both(lambda r: r.update(999, name="X"), lambda r: r.update(999, name="X"), raises(NotFound)),
    "delete": _both(
        lambda r: r.delete(4),
        lambda r: r.delete(4),
        succeeds(lambda d: d == Deletion("scriptix", "4", True)),
    ),
    "delete_404": _both(lambda r: r.delete(999), lambda r: r.delete(999), raises(NotFound)),
    "delete_missing_ok": _both(
        lambda r: r.delete(999, missing_ok=True),
        lambda r: r.delete(999, missing_ok=True),
        succeeds(lambda d: d.deleted is False),
    ),
    "delete_409": _both(
        lambda r: r.delete(1),
        lambda r: r.delete(1),
        raises(ModelInUse, lambda e: e.details["active_transcriptions"] == 5 and e.error_code == "MODEL_IN_USE"),
        prepare=_in_use,
    ),
    "unauthorized_401": _both(
        lambda r: r.get(1), lambda r: r.get(1), raises(AuthenticationFailed), prepare=_other_key_only
    ),
    "rate_limited_429": _both(
        _two_creates,
        _atwo_creates,
        raises(RateLimited, lambda e: e.retry_after == 3600 and e.error_code == "RATE_LIMIT_EXCEEDED"),
        prepare=_one_create_per_hour,
    ),
    "upload_training_data": _both(
        lambda r: r.upload_training_data(4, audio=AUDIO, transcript=TRANSCRIPT),
        lambda r: r.upload_training_data(4, audio=AUDIO, transcript=TRANSCRIPT),
        _is_upload,
    ),
    "training_data_list": _both(
        lambda r: r.training_data(1),
        lambda r: r.training_data(1),
        succeeds(lambda items: [(d.id, d.kind) for d in items] == [("1", "train"), ("2", "test")]),
    ),
    "training_data_get": _both(
        lambda r: r.get_training_data(1, 2),
        lambda r: r.get_training_data(1, 2),
        succeeds(lambda d: isinstance(d, TrainingData) and d.name == "cardiology_test.wav"),
    ),
    "training_data_delete": _both(
        lambda r: r.delete_training_data(1, 2),
        lambda r: r.delete_training_data(1, 2),
        succeeds(lambda d: d.deleted and d.id == "2"),
    ),
    "training_data_404": _both(
        lambda r: r.get_training_data(1, 99), lambda r: r.get_training_data(1, 99), raises(NotFound)
    ),
    "train": _both(
        lambda r: r.train(3),
        lambda r: r.train(3),
        succeeds(lambda m: m.status is ModelStatus.TRAINING and m.details.training_progress == 0),
    ),
    "train_204": _both(
        lambda r: r.train(3),
        lambda r: r.train(3),
        succeeds(lambda m: m.status is ModelStatus.TRAINING and m.details.language == "de"),
        prepare=_empty_train_answer,
    ),
    "train_not_ready_400": _both(
        lambda r: r.train(4),
        lambda r: r.train(4),
        raises(ValidationFailed, lambda e: e.status_code == 400 and e.issues[0].loc == ("body", "training_status")),
    ),
    "wait_for_training": _both(_wait, _await, succeeds(lambda m: m.status is ModelStatus.AVAILABLE)),
    "train_and_wait": _both(_train_and_wait, _atrain_and_wait, _check_trained),
    "train_failed": _both(
        lambda r: r.train(3, wait=True, **FAST),
        lambda r: r.train(3, wait=True, **FAST),
        raises(TrainingFailed, lambda e: e.model.status is ModelStatus.FAILED and "noisy" in str(e)),
        prepare=_planned_failure,
    ),
    "lifecycle": _both(_lifecycle, _alifecycle, _check_lifecycle, prepare=_quick),
}
