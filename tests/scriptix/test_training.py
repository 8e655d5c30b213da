"""Waiting for training: polling with backoff, progress reports, deadline, failure, sync and async."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from modelreg_scriptix import ScriptixProvider, ScriptixSandbox, TrainingFailed, TrainingTimedOut

import modelreg
from modelreg import Model, ModelStatus, TransportError, ValidationFailed
from tests.scriptix import examples
from tests.scriptix.conftest import Recorder, answer, async_registry, registry

FAST = {"poll_interval": 0.001}


def state(code: int, progress: int | None = None, **extra: Any) -> dict[str, Any]:
    body = dict(examples.GET_STATUS1, training_status=code, **extra)
    if progress is not None:
        body["training_progress"] = progress
    return body


def test_wait_polls_until_available_reporting_every_poll() -> None:
    recorder = Recorder(
        answer(200, state(3, 10)), answer(200, state(3, 65)), answer(200, examples.LIST_OK["result"][0])
    )
    seen: list[Model] = []
    with registry(recorder) as reg:
        model = reg.wait_for_training(123, progress=seen.append, **FAST)
    assert [(m.status, m.details.training_progress) for m in seen] == [
        (ModelStatus.TRAINING, 10),
        (ModelStatus.TRAINING, 65),
        (ModelStatus.AVAILABLE, 100),
    ]
    assert model is seen[-1] and model.details.training_metrics is not None
    assert all(r.url.path == "/api/v3/custom_models/123" for r in recorder.requests)


def test_a_ready_model_is_polled_until_training_starts_and_ends() -> None:
    recorder = Recorder(answer(200, state(2)), answer(200, state(3, 0)), answer(200, state(4, 100)))
    with registry(recorder) as reg:
        model = reg.wait_for_training(123, **FAST)
    assert model.status is ModelStatus.AVAILABLE and len(recorder.requests) == 3


def test_failed_training_raises_training_failed_with_the_model() -> None:
    failed = state(5, status_message="Training failed", error="Transcripts do not match the audio")
    recorder = Recorder(answer(200, state(3, 40)), answer(200, failed))
    with registry(recorder) as reg, pytest.raises(TrainingFailed) as info:
        reg.wait_for_training(123, **FAST)
    error = info.value
    assert isinstance(error, modelreg.ModelRegError)
    assert error.model.status is ModelStatus.FAILED and error.model.details.error == failed["error"]
    assert "Transcripts do not match the audio" in str(error) and "train() again" in str(error)


def test_a_model_without_data_is_not_waited_on() -> None:
    recorder = Recorder(answer(200, examples.GET_STATUS1))
    with registry(recorder) as reg, pytest.raises(ValidationFailed, match="upload training data"):
        reg.wait_for_training(123, **FAST)
    assert len(recorder.requests) == 1


def test_the_timeout_raises_training_timed_out_with_the_last_state() -> None:
    sandbox = ScriptixProvider.sandbox(training_duration=3600)
    reg = modelreg.connect("scriptix", sandbox=sandbox)
    sandbox.seed()
    with reg, pytest.raises(TrainingTimedOut) as info:
        reg.train(3, wait=True, timeout=600, poll_interval=60)
    error = info.value
    assert isinstance(error, TransportError)
    assert error.model.status is ModelStatus.TRAINING and error.timeout == 600
    assert "after waiting 600 s" in str(error) and "timeout=" in str(error)
    assert 600 <= sandbox.clock.now() - _started(sandbox, 3) < 601


def _started(sandbox: ScriptixSandbox, model_id: int) -> float:
    from datetime import datetime

    doc = sandbox.store.get("models", str(model_id))
    assert doc is not None
    text = doc["started_training_at"]
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_polls_back_off_from_the_interval_up_to_five_minutes() -> None:
    sandbox = ScriptixProvider.sandbox(training_duration=4 * 3600)
    sandbox.seed()
    times: list[float] = []
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        reg.train(3, wait=True, poll_interval=20, progress=lambda m: times.append(sandbox.clock.now()))
    gaps = [round(b - a) for a, b in itertools.pairwise(times)]
    assert gaps[:5] == [20, 30, 45, 68, 101]
    assert max(gaps) == 300 and gaps[-2] == 300


def test_train_with_wait_counts_the_runs_answer_as_the_first_poll() -> None:
    recorder = Recorder(answer(200, examples.TRAIN_200), answer(200, state(4, 100)))
    seen: list[ModelStatus] = []
    with registry(recorder) as reg:
        model = reg.train(123, wait=True, progress=lambda m: seen.append(m.status), **FAST)
    assert [(r.method, r.url.path) for r in recorder.requests] == [
        ("POST", "/api/v3/custom_models/123/run"),
        ("GET", "/api/v3/custom_models/123"),
    ]
    assert seen == [ModelStatus.TRAINING, ModelStatus.AVAILABLE] and model.status is ModelStatus.AVAILABLE


def test_train_with_wait_after_a_204_gets_then_polls() -> None:
    recorder = Recorder(answer(204), answer(200, state(3, 0)), answer(200, state(4, 100)))
    with registry(recorder) as reg:
        model = reg.train(123, wait=True, **FAST)
    assert [r.method for r in recorder.requests] == ["POST", "GET", "GET"]
    assert model.status is ModelStatus.AVAILABLE


async def test_the_async_registry_waits_the_same_way() -> None:
    recorder = Recorder(answer(200, examples.TRAIN_200), answer(200, state(3, 50)), answer(200, state(4, 100)))
    seen: list[int | None] = []
    async with async_registry(recorder) as reg:
        model = await reg.train(123, wait=True, progress=lambda m: seen.append(m.details.training_progress), **FAST)
    assert seen == [0, 50, 100] and model.status is ModelStatus.AVAILABLE


async def test_async_failed_training_raises_training_failed() -> None:
    sandbox = ScriptixProvider.sandbox(training_failure_rate=1.0)
    sandbox.seed()
    async with modelreg.connect_async("scriptix", sandbox=sandbox) as reg:
        with pytest.raises(TrainingFailed) as info:
            await reg.train(3, wait=True)
    assert info.value.model.details.training_status == 5


def test_the_sandbox_training_takes_simulated_time_only() -> None:
    sandbox = ScriptixProvider.sandbox(training_duration=8 * 3600)
    sandbox.seed()
    start = sandbox.clock.now()
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        model = reg.train(3, wait=True)
    assert model.status is ModelStatus.AVAILABLE
    assert sandbox.clock.now() - start >= 8 * 3600
    assert model.details.finished_training_at is not None and model.details.started_training_at is not None
    taken = model.details.finished_training_at - model.details.started_training_at
    assert taken.total_seconds() == 8 * 3600
