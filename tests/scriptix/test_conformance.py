"""Every documented Scriptix example payload, served through a real registry, normalizes as documented."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from modelreg_scriptix import ScriptixDetails, TrainingMetrics

from modelreg import Deletion, ModelStatus
from tests.scriptix import examples
from tests.scriptix.conftest import Recorder, answer, async_registry, registry


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_list_example_normalizes_both_models_and_the_envelope() -> None:
    recorder = Recorder(answer(200, examples.LIST_OK))
    with registry(recorder) as reg:
        page = reg.list_page(page=1, page_size=25, status=ModelStatus.AVAILABLE, language="en")
    request = recorder.requests[0]
    assert request.method == "GET" and request.url.path == "/api/v3/custom_models"
    assert dict(request.url.params) == {"page": "1", "per_page": "25", "status": "4", "language": "en"}
    assert request.headers["authorization"] == "Bearer sk-test-scriptix-0001"
    assert page.total == 150 and page.page == 1 and page.page_size == 25 and page.has_more
    first, second = page.items
    assert first.id == "123" and first.ref == "scriptix:123"
    assert first.status is ModelStatus.AVAILABLE
    assert first.created_at == utc("2025-01-15T10:00:00Z") and first.created_at.tzinfo is not None
    assert first.details == ScriptixDetails(
        model_key="custom_model_123",
        language="en",
        base_model="medical",
        training_status=4,
        status_message="Training completed successfully",
        training_progress=100,
        started_training_at=utc("2025-01-16T08:00:00Z"),
        finished_training_at=utc("2025-01-16T15:30:00Z"),
        training_metrics=TrainingMetrics(word_error_rate=12.5, accuracy_improvement=18.7),
    )
    assert first.raw == examples.LIST_OK["result"][0]
    assert second.description is None and second.status is ModelStatus.TRAINING
    assert second.details.training_progress == 65 and second.details.finished_training_at is None
    assert second.details.training_metrics is None


@pytest.mark.parametrize(
    ("example", "status", "message"),
    [
        (examples.GET_STATUS1, ModelStatus.PENDING, "Model created. Upload training data to begin."),
        (examples.GET_STATUS2, ModelStatus.READY, "Data uploaded. Ready to start training."),
        (examples.GET_STATUS3, ModelStatus.TRAINING, "Training in progress..."),
        (examples.GET_STATUS4_BEGINNING, ModelStatus.AVAILABLE, "Training completed successfully"),
    ],
)
def test_get_examples_map_each_training_status(example: dict, status: ModelStatus, message: str) -> None:
    recorder = Recorder(answer(200, example))
    with registry(recorder) as reg:
        model = reg.get(123)
    assert recorder.requests[0].url.path == "/api/v3/custom_models/123"
    assert model.status is status
    assert model.details.training_status == example["training_status"]
    assert model.details.status_message == message
    assert model.description == "Cardiology consultations"
    assert model.raw == example


def test_get_status3_example_has_progress_and_start_but_no_finish() -> None:
    with registry(Recorder(answer(200, examples.GET_STATUS3))) as reg:
        model = reg.get("123")
    assert model.details.training_progress == 65
    assert model.details.started_training_at == utc("2025-01-16T08:00:00Z")
    assert model.details.finished_training_at is None
    assert model.updated_at == utc("2025-01-16T12:30:00Z")


def test_create_example_sends_the_documented_body_and_reads_the_201() -> None:
    recorder = Recorder(answer(201, examples.CREATE_201))
    with registry(recorder) as reg:
        model = reg.create(**examples.CREATE_REQUEST)
    request = recorder.requests[0]
    assert request.method == "POST" and request.url.path == "/api/v3/custom_models"
    assert recorder.json() == examples.CREATE_REQUEST
    assert model.id == "123" and model.status is ModelStatus.PENDING
    assert model.details.model_key == "custom_model_123"
    assert model.description == "Custom model for cardiology consultations and reports"


def test_create_without_base_model_sends_the_documented_default_general() -> None:
    recorder = Recorder(answer(201, examples.CREATE_201))
    with registry(recorder) as reg:
        reg.create(name="Minimal", language="nl")
    assert recorder.json() == {"name": "Minimal", "language": "nl", "base_model": "general"}


@pytest.mark.parametrize(
    "fields",
    [
        examples.UPDATE_REQUEST,
        {"name": "Medical Cardiology EN v2"},
        {"description": "Updated description with enhanced terminology"},
    ],
)
def test_update_examples_post_only_the_given_fields(fields: dict) -> None:
    recorder = Recorder(answer(200, examples.UPDATE_200))
    with registry(recorder) as reg:
        model = reg.update(123, **fields)
    request = recorder.requests[0]
    assert request.method == "POST" and request.url.path == "/api/v3/custom_models/123"
    assert recorder.json() == fields
    assert model.name == "Medical Cardiology EN v2" and model.status is ModelStatus.AVAILABLE
    assert model.details.training_metrics == TrainingMetrics(12.5, 18.7)
    assert model.details.training_progress is None and model.details.finished_training_at is None


def test_delete_204_is_a_successful_deletion() -> None:
    recorder = Recorder(answer(204))
    with registry(recorder) as reg:
        outcome = reg.delete(123)
    assert recorder.requests[0].method == "DELETE"
    assert recorder.requests[0].url.path == "/api/v3/custom_models/123"
    assert outcome == Deletion("scriptix", "123", True)


def test_train_example_posts_an_empty_object_and_reads_the_partial_model() -> None:
    recorder = Recorder(answer(200, examples.TRAIN_200))
    with registry(recorder) as reg:
        model = reg.train(123)
    request = recorder.requests[0]
    assert request.method == "POST" and request.url.path == "/api/v3/custom_models/123/run"
    assert recorder.json() == examples.TRAIN_REQUEST
    assert model.status is ModelStatus.TRAINING
    assert model.details.training_progress == 0
    assert model.details.status_message == "Training started successfully"
    assert model.details.language is None and model.created_at is None


def test_train_204_without_body_fetches_the_model_afterwards() -> None:
    recorder = Recorder(answer(204), answer(200, examples.GET_STATUS3))
    with registry(recorder) as reg:
        model = reg.train(123)
    assert [(r.method, r.url.path) for r in recorder.requests] == [
        ("POST", "/api/v3/custom_models/123/run"),
        ("GET", "/api/v3/custom_models/123"),
    ]
    assert model.status is ModelStatus.TRAINING and model.details.training_progress == 65


def test_upload_example_is_a_multipart_put_and_reads_the_answer(tmp_path) -> None:
    audio = tmp_path / "cardiology_01.mp3"
    audio.write_bytes(b"ID3\x00\xff binary audio")
    transcript = tmp_path / "cardiology_01.txt"
    transcript.write_text("Patient presents with chest pain.", encoding="utf-8")
    recorder = Recorder(answer(200, examples.TRAININGDATA_UPLOAD_200))
    with registry(recorder) as reg:
        upload = reg.upload_training_data(123, audio=audio, transcript=str(transcript))
    request = recorder.requests[0]
    assert request.method == "PUT" and request.url.path == "/api/v3/custom_models/123/data"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert int(request.headers["content-length"]) == len(request.content)
    body = request.content
    assert b'name="type"\r\n\r\ntrain\r\n' in body
    assert b'name="audio_file"; filename="cardiology_01.mp3"' in body and b"ID3\x00\xff binary audio" in body
    assert b'name="transcript_file"; filename="cardiology_01.txt"' in body
    assert upload.model_id == "123" and upload.status is ModelStatus.READY and upload.training_status == 2
    assert (upload.data_type, upload.filename, upload.transcript_filename) == (
        "train",
        "cardiology_01.mp3",
        "cardiology_01.txt",
    )
    assert upload.raw == examples.TRAININGDATA_UPLOAD_200


def test_dataset_list_and_get_examples_normalize() -> None:
    recorder = Recorder(answer(200, examples.DATA_LIST_OK), answer(200, examples.DATA_GET_OK))
    with registry(recorder) as reg:
        listed = reg.training_data(123)
        one = reg.get_training_data(123, 1)
    assert [r.url.path for r in recorder.requests] == [
        "/api/v3/custom_models/123/data",
        "/api/v3/custom_models/123/data/1",
    ]
    assert listed == [one]
    assert (one.id, one.model_id, one.name, one.kind, one.language_id) == ("1", "123", "X-dataset.txt", "train", 2)
    assert one.media_url == "https://xyz.com/txt" and one.url == "https://s3.ovh.xyz/X-dataset.txt"


def test_delete_training_data_is_a_delete_of_the_dataset_path() -> None:
    recorder = Recorder(answer(204))
    with registry(recorder) as reg:
        outcome = reg.delete_training_data(123, 7)
    assert (recorder.requests[0].method, recorder.requests[0].url.path) == (
        "DELETE",
        "/api/v3/custom_models/123/data/7",
    )
    assert outcome.deleted and outcome.id == "7"


async def test_the_async_registry_normalizes_the_list_example_identically() -> None:
    with registry(Recorder(answer(200, examples.LIST_OK))) as reg:
        expected = reg.list_page()
    async with async_registry(Recorder(answer(200, examples.LIST_OK))) as areg:
        page = await areg.list_page()
    assert page == expected
    assert [m.details for m in page.items] == [m.details for m in expected.items]


def test_x_zoom_s2t_key_setting_sends_the_older_header_instead_of_bearer() -> None:
    recorder = Recorder(answer(200, examples.GET_STATUS1))
    with registry(recorder, auth_header="x-zoom-s2t-key") as reg:
        reg.get(123)
    headers = recorder.requests[0].headers
    assert headers["x-zoom-s2t-key"] == "sk-test-scriptix-0001" and "authorization" not in headers


def test_both_auth_headers_can_be_sent_together() -> None:
    recorder = Recorder(answer(200, examples.GET_STATUS1))
    with registry(recorder, auth_header="both") as reg:
        reg.get(123)
    headers = recorder.requests[0].headers
    assert headers["authorization"] == "Bearer sk-test-scriptix-0001"
    assert headers["x-zoom-s2t-key"] == "sk-test-scriptix-0001"


def test_env_vars_supply_the_key_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCRIPTIX_API_KEY", "sk-from-env-0002")
    monkeypatch.setenv("SCRIPTIX_BASE_URL", "https://api.scriptix.example/")
    recorder = Recorder(answer(200, examples.GET_STATUS1))
    import httpx

    import modelreg

    with modelreg.connect("scriptix", transport=httpx.MockTransport(recorder)) as reg:
        reg.get(1)
    request = recorder.requests[0]
    assert str(request.url) == "https://api.scriptix.example/api/v3/custom_models/1"
    assert request.headers["authorization"] == "Bearer sk-from-env-0002"


def test_timestamps_are_timezone_aware_utc() -> None:
    with registry(Recorder(answer(200, examples.CREATE_201))) as reg:
        model = reg.get(123)
    assert model.created_at == datetime(2025, 1, 15, 10, 0, tzinfo=timezone.utc)
