"""The Scriptix emulator answers like the documented API: paths, bodies, statuses, quota, training."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from modelreg_scriptix import ScriptixProvider, ScriptixSandbox

import modelreg
from modelreg import (
    AuthenticationFailed,
    Conflict,
    ModelInUse,
    ModelStatus,
    QuotaExceeded,
    RateLimited,
    ValidationFailed,
)
from modelreg.sandbox import Fault, FaultPlan, SqliteStore, VirtualClock

BASE = "https://api.scriptix.io/api/v3/custom_models"
AUTH = {"authorization": "Bearer sk-test-scriptix-0001"}


def client(sandbox: ScriptixSandbox, headers: dict[str, str] | None = None) -> httpx.Client:
    return httpx.Client(transport=sandbox.transport(), headers=AUTH if headers is None else headers)


def seeded(**options: Any) -> ScriptixSandbox:
    sandbox = ScriptixProvider.sandbox(**options)
    sandbox.seed()
    return sandbox


def test_sandbox_factory_returns_a_scriptix_sandbox_with_the_provider_limits() -> None:
    sandbox = ScriptixProvider.sandbox()
    assert isinstance(sandbox, ScriptixSandbox)
    assert sandbox.limits == ScriptixProvider.limits and sandbox.model_limit is None


def test_seed_adds_one_model_per_training_status() -> None:
    with modelreg.connect("scriptix", sandbox=seeded()) as reg:
        models = list(reg.list())
    assert [(m.name, m.status) for m in models] == [
        ("Medical Cardiology EN", ModelStatus.AVAILABLE),
        ("Legal Contracts NL", ModelStatus.TRAINING),
        ("Tech Support DE", ModelStatus.READY),
        ("Sales Calls EN", ModelStatus.PENDING),
        ("Radiology FR", ModelStatus.FAILED),
    ]
    assert models[4].details.error and models[0].details.training_metrics is not None


@pytest.mark.parametrize("headers", [{}, {"authorization": "Bearer "}, {"authorization": "Basic abc"}])
def test_requests_without_a_key_get_the_documented_401(headers: dict[str, str]) -> None:
    with client(seeded(), headers) as http:
        response = http.get(BASE)
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized", "message": "Invalid or missing API key"}


def test_the_older_x_zoom_s2t_key_header_is_accepted() -> None:
    with client(seeded(), {"x-zoom-s2t-key": "reseller-token"}) as http:
        assert http.get(f"{BASE}/1").status_code == 200


def test_api_keys_option_accepts_only_those_keys() -> None:
    sandbox = seeded(api_keys={"good-key-1234"})
    with modelreg.connect("scriptix", sandbox=sandbox, api_key="good-key-1234") as reg:
        assert reg.get(1).id == "1"
    with (
        modelreg.connect("scriptix", sandbox=sandbox, api_key="bad-key-5678") as reg,
        pytest.raises(AuthenticationFailed),
    ):
        reg.get(1)


def test_list_envelope_counts_the_page_and_the_total() -> None:
    with client(seeded()) as http:
        body = http.get(BASE, params={"page": 2, "per_page": 2}).json()
        filtered = http.get(BASE, params={"status": 4, "language": "en", "base_model": "medical"}).json()
    assert body["count"] == 2 and body["total_results"] == 5
    assert [m["id"] for m in body["result"]] == [3, 4]
    assert [m["name"] for m in filtered["result"]] == ["Medical Cardiology EN"] and filtered["total_results"] == 1


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({"per_page": 500}, {"per_page": "Maximum value is 100"}),
        ({"status": 7}, {"status": "Must be between 1 and 5"}),
        ({"per_page": 500, "status": 0}, {"per_page": "Maximum value is 100", "status": "Must be between 1 and 5"}),
        ({"page": 0}, {"page": "Must be a positive integer"}),
    ],
)
def test_list_rejects_bad_query_parameters_with_the_documented_400(params: dict, details: dict) -> None:
    with client(seeded()) as http:
        response = http.get(BASE, params=params)
    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request", "message": "Invalid query parameters", "details": details}


def test_create_validation_answers_with_the_documented_messages() -> None:
    with client(seeded()) as http:
        response = http.post(BASE, json={"name": "  ", "language": "xx"})
    assert response.status_code == 400
    assert response.json() == {
        "error": "Validation Error",
        "message": "Invalid field values",
        "details": {"name": "Name cannot be empty", "language": "Language 'xx' is not supported"},
    }


def test_create_answers_201_with_a_new_model_in_status_1() -> None:
    with client(ScriptixProvider.sandbox()) as http:
        response = http.post(BASE, json={"name": "Cardio", "language": "en"})
    assert response.status_code == 201
    body = response.json()
    assert body["training_status"] == 1 and body["base_model"] == "general" and body["description"] is None
    assert body["model_key"] == f"custom_model_{body['id']}"
    assert body["status_message"] == "Model created. Upload training data to begin."


def test_plan_quota_gives_402_with_the_plan_details() -> None:
    with modelreg.connect("scriptix", sandbox=seeded(model_limit=5, plan="Gold")) as reg:
        with pytest.raises(QuotaExceeded) as info:
            reg.create(name="Sixth", language="en")
        reg.delete(5)
        assert reg.create(name="Fifth again", language="en").status is ModelStatus.PENDING
    assert dict(info.value.details) == {"current_models": 5, "plan_limit": 5, "plan": "Gold"}


def test_the_default_plan_is_unlimited() -> None:
    sandbox = ScriptixProvider.sandbox()
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        for number in range(120):
            reg.create(name=f"Model {number}", language="en")
        assert sum(1 for _ in reg.list()) == 120


def test_a_model_in_use_cannot_be_deleted_until_freed() -> None:
    sandbox = seeded()
    sandbox.mark_in_use(1, active_transcriptions=3)
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        with pytest.raises(ModelInUse) as info:
            reg.delete(1)
        sandbox.mark_in_use(1, 0)
        assert reg.delete(1).deleted
    assert info.value.details["active_transcriptions"] == 3


def test_upload_moves_1_to_2_after_enough_train_uploads() -> None:
    sandbox = seeded(min_training_uploads=2)
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        test_only = reg.upload_training_data(4, audio=("t.wav", b"a"), transcript=("t.txt", b"t"), kind="test")
        first = reg.upload_training_data(4, audio=("a.wav", b"a"), transcript=("a.txt", b"t"))
        second = reg.upload_training_data(4, audio=("b.ogg", b"b"), transcript=("b.txt", b"t"))
        kinds = [d.kind for d in reg.training_data(4)]
    assert [test_only.status, first.status, second.status] == [
        ModelStatus.PENDING,
        ModelStatus.PENDING,
        ModelStatus.READY,
    ]
    assert kinds == ["test", "train", "train"]


def test_a_failed_model_is_ready_again_after_new_data() -> None:
    with modelreg.connect("scriptix", sandbox=seeded()) as reg:
        upload = reg.upload_training_data(5, audio=("c.mp3", b"c"), transcript=("c.txt", b"t"))
        model = reg.get(5)
    assert upload.status is ModelStatus.READY and model.details.error is None


def test_training_models_refuse_uploads_and_a_second_run() -> None:
    with modelreg.connect("scriptix", sandbox=seeded()) as reg:
        with pytest.raises(Conflict):
            reg.upload_training_data(2, audio=("a.wav", b"a"), transcript=("a.txt", b"t"))
        with pytest.raises(Conflict):
            reg.train(2)


def test_training_a_model_without_data_is_a_400() -> None:
    with modelreg.connect("scriptix", sandbox=seeded()) as reg, pytest.raises(ValidationFailed) as info:
        reg.train(4)
    assert info.value.status_code == 400 and info.value.issues[0].loc == ("body", "training_status")


def test_run_requires_a_json_object_body() -> None:
    with client(seeded()) as http:
        assert http.post(f"{BASE}/3/run").status_code == 400
        assert http.post(f"{BASE}/3/run", json={}).status_code == 200


def test_training_progresses_with_the_sandbox_clock() -> None:
    sandbox = seeded(training_duration=1000)
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        started = reg.train(3)
        sandbox.advance(250)
        quarter = reg.get(3)
        sandbox.advance(750)
        done = reg.get(3)
    assert (started.status, started.details.training_progress) == (ModelStatus.TRAINING, 0)
    assert (quarter.status, quarter.details.training_progress) == (ModelStatus.TRAINING, 25)
    assert done.status is ModelStatus.AVAILABLE and done.details.training_progress == 100
    assert done.details.training_metrics is not None and done.details.training_metrics.word_error_rate is not None


def test_a_planned_failure_ends_in_status_5_with_its_reason() -> None:
    sandbox = seeded()
    sandbox.fail_next_training(3, "Training failed: audio too noisy")
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        reg.train(3)
        sandbox.advance(sandbox.training_duration)
        failed = reg.get(3)
    assert failed.status is ModelStatus.FAILED
    assert failed.details.status_message == "Training failed: audio too noisy" == failed.raw["error"]


def outcomes(seed: int) -> list[ModelStatus]:
    sandbox = ScriptixProvider.sandbox(
        training_failure_rate=0.5, failure_seed=seed, clock=VirtualClock(start=1_700_000_000)
    )
    with modelreg.connect("scriptix", sandbox=sandbox, limits={"create": modelreg.provider.Limit()}) as reg:
        for number in range(12):
            model = reg.create(name=f"M{number}", language="en")
            reg.upload_training_data(model.id, audio=("a.wav", b"a"), transcript=("a.txt", b"t"))
            reg.train(model.id)
        sandbox.advance(sandbox.training_duration)
        return [m.status for m in reg.list()]


def test_failure_rate_is_reproducible_by_seed() -> None:
    first, again, other = outcomes(7), outcomes(7), outcomes(8)
    assert first == again
    assert set(first) == {ModelStatus.AVAILABLE, ModelStatus.FAILED}
    assert first != other


def test_update_accepts_put_too_and_refuses_fixed_fields() -> None:
    with client(seeded()) as http:
        renamed = http.put(f"{BASE}/1", json={"name": "Renamed"})
        fixed = http.post(f"{BASE}/1", json={"language": "nl"})
        empty = http.post(f"{BASE}/1", json={})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Renamed"
    assert fixed.status_code == 400 and "language" in fixed.json()["details"]
    assert empty.status_code == 400


def test_deleting_a_model_removes_its_training_data() -> None:
    sandbox = seeded()
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        reg.delete(1)
    assert sandbox.store.scan("data:1") == []


def test_deleting_the_last_train_data_moves_a_ready_model_back_to_1() -> None:
    with modelreg.connect("scriptix", sandbox=seeded()) as reg:
        (dataset,) = reg.training_data(3)
        reg.delete_training_data(3, dataset.id)
        assert reg.get(3).status is ModelStatus.PENDING


def test_enforced_limits_answer_429_with_retry_after_in_header_and_body() -> None:
    sandbox = seeded(enforce_limits=True, limits={"delete": modelreg.provider.Limit(calls=1, period=3600)})
    with client(sandbox) as http:
        assert http.delete(f"{BASE}/4").status_code == 204
        response = http.delete(f"{BASE}/5")
    assert response.status_code == 429 and response.headers["Retry-After"] == "3600"
    assert response.json()["retry_after"] == 3600 and response.json()["error_code"] == "RATE_LIMIT_EXCEEDED"
    with modelreg.connect("scriptix", sandbox=sandbox) as reg, pytest.raises(RateLimited) as info:
        reg.delete(5)
    assert info.value.retry_after == 3600


def test_seeded_faults_are_survived_by_retries() -> None:
    faults = FaultPlan(seed=3, rate=0.4, weights={Fault.SERVER_ERROR: 1.0, Fault.CONNECT_ERROR: 1.0})
    sandbox = seeded(faults=faults)
    with modelreg.connect("scriptix", sandbox=sandbox, max_retries=8) as reg:
        names = [m.name for m in reg.list(page_size=2)]
        fetched = [reg.get(n).id for n in range(1, 6)]
    assert len(names) == 5 and fetched == ["1", "2", "3", "4", "5"]
    assert sum(faults.injected.values()) > 0


def test_a_lost_create_answer_is_settled_by_find_created() -> None:
    faults = FaultPlan(seed=1, rate=1.0, weights={Fault.DROP_AFTER_COMMIT: 1.0}, operations={"create"})
    sandbox = seeded(faults=faults)
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        model = reg.create(name="Cardio", language="en", base_model="medical")
        assert [m.name for m in reg.list()].count("Cardio") == 1
    assert model.name == "Cardio" and faults.injected[Fault.DROP_AFTER_COMMIT] == 1


def test_sqlite_store_shares_models_and_training_between_sandboxes(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    clock = VirtualClock()
    first = ScriptixProvider.sandbox(store=SqliteStore(path), clock=clock, training_duration=100)
    first.seed()
    with modelreg.connect("scriptix", sandbox=first) as reg:
        created = reg.create(name="Shared", language="nl")
        reg.upload_training_data(created.id, audio=("a.wav", b"a"), transcript=("a.txt", b"t"))
        reg.train(created.id)
    second = ScriptixProvider.sandbox(store=SqliteStore(path), clock=clock, training_duration=100)
    clock.advance(100)
    with modelreg.connect("scriptix", sandbox=second) as reg:
        shared = reg.get(created.id)
        assert len(list(reg.list())) == 6
        assert len(reg.training_data(created.id)) == 1
    assert shared.status is ModelStatus.AVAILABLE
    with modelreg.connect("scriptix", sandbox=first) as reg:
        assert reg.get(created.id).status is ModelStatus.AVAILABLE


def test_the_sandbox_keeps_no_model_state_on_the_instance(tmp_path: Path) -> None:
    sandbox = ScriptixProvider.sandbox(store=SqliteStore(tmp_path / "s.db"))
    before = {k: repr(v) for k, v in vars(sandbox).items() if k not in ("requests", "in_flight", "peak_in_flight")}
    sandbox.seed()
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        reg.train(3)
        reg.delete(4)
    after = {k: repr(v) for k, v in vars(sandbox).items() if k not in ("requests", "in_flight", "peak_in_flight")}
    assert before == after


def test_unknown_paths_and_methods_answer_in_the_scriptix_error_shape() -> None:
    with client(seeded()) as http:
        missing = http.get("https://api.scriptix.io/api/v3/nothing")
        method = http.patch(f"{BASE}/1", json={})
    assert missing.status_code == 404 and set(missing.json()) == {"error", "message"}
    assert method.status_code == 405


async def test_the_sandbox_serves_the_same_api_as_an_asgi_app() -> None:
    from modelreg.sandbox import asgi_app

    sandbox = seeded()
    transport = httpx.ASGITransport(app=asgi_app(sandbox))
    async with modelreg.connect_async(
        "scriptix", api_key="sk-test-scriptix-0001", base_url="https://sandbox.local", transport=transport
    ) as reg:
        names = [m.name async for m in reg.list()]
        upload = await reg.upload_training_data(4, audio=("a.wav", b"RIFF"), transcript="words")
    assert len(names) == 5 and upload.status is ModelStatus.READY
