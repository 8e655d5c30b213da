"""JSON rendering of records: stable names, plain JSON values."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import attrs

from modelreg import Model, ModelStatus
from modelreg.cli._output import jsonable, model_dict


@attrs.frozen
class Details:
    language: str
    tags: tuple[str, ...]
    trained_at: datetime
    status: ModelStatus
    metrics: dict[str, float]


WHEN = datetime(2025, 1, 15, 10, 30, tzinfo=timezone.utc)


def test_jsonable_turns_records_into_plain_json() -> None:
    details = Details("en", ("a", "b"), WHEN, ModelStatus.AVAILABLE, {"wer": 12.5})
    assert jsonable(details) == {
        "language": "en",
        "tags": ["a", "b"],
        "trained_at": "2025-01-15T10:30:00+00:00",
        "status": "available",
        "metrics": {"wer": 12.5},
    }


def test_model_dict_has_the_documented_fields_in_order() -> None:
    model = Model(
        provider="scriptix",
        id="7",
        name="Cardiology",
        status=ModelStatus.TRAINING,
        created_at=WHEN,
        details=Details("en", (), WHEN, ModelStatus.TRAINING, {}),
        raw={"id": 7},
    )
    data = model_dict(model)
    assert list(data) == [
        "provider",
        "id",
        "ref",
        "name",
        "description",
        "status",
        "created_at",
        "updated_at",
        "details",
    ]
    assert (data["ref"], data["status"], data["created_at"], data["updated_at"]) == (
        "scriptix:7",
        "training",
        "2025-01-15T10:30:00+00:00",
        None,
    )
    assert model_dict(model, raw=True)["raw"] == {"id": 7}
    json.dumps(model_dict(model, raw=True))  # serializable as is


def test_model_without_details_has_an_empty_details_object() -> None:
    assert model_dict(Model(provider="toy", id="1", name="x"))["details"] == {}
