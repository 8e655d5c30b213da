"""``Model.raw`` of a Scriptix model: rebuilt from the typed fields when they hold it all, else the answer's dict."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from modelreg_scriptix import make_converter
from modelreg_scriptix._raw import RawModel

from modelreg import Model
from tests.fuzz.strategies import FUZZ
from tests.scriptix import examples

WIRE = examples.LIST_OK["result"][0]
CONVERTER = make_converter()


def parse(wire: dict[str, Any]) -> Model:
    model: Model = CONVERTER.structure(wire, Model)
    return model


def test_a_documented_model_keeps_no_dict_and_gives_its_json_back_key_for_key() -> None:
    model = parse(WIRE)
    assert type(model.raw) is RawModel
    assert model.raw == WIRE
    assert dict(model.raw) == WIRE
    assert list(model.raw) == list(WIRE) and len(model.raw) == len(WIRE)
    assert json.dumps(dict(model.raw)) == json.dumps(WIRE)
    assert "training_metrics" in model.raw and "error" not in model.raw
    with pytest.raises(KeyError):
        model.raw["error"]
    assert repr(model.raw) == repr(WIRE)


@pytest.mark.parametrize(
    "change",
    [
        {"extra": "a field RawModel does not know"},
        {"training_progress": 99.6},
        {"training_status": "4"},
        {"id": "123"},
        {"created_at": "2025-01-15T10:00:00.000Z"},
        {"created_at": "2025-01-15 10:00:00Z"},
        {"created_at": "2025-01-15T10:00:00+00:00"},
        {"created_at": "2025-W03-3T10:00:00Z"},
        {"updated_at": "2025-01-16T153000.0Z"},
        {"training_metrics": {"word_error_rate": 12, "accuracy_improvement": 18.7}},
        {"training_metrics": {"accuracy_improvement": 18.7, "word_error_rate": 12.5}},
        {"training_metrics": {"word_error_rate": 12.5}},
        {"error": {"message": "audio too noisy"}},
    ],
    ids=lambda change: "-".join(f"{k}={v}" for k, v in change.items())[:40],
)
def test_a_value_the_typed_fields_would_not_give_back_keeps_the_answers_dict(change: dict[str, Any]) -> None:
    wire = {**WIRE, **change}
    model = parse(wire)
    assert type(model.raw) is dict and model.raw is wire


def test_a_model_without_optional_fields_gives_back_exactly_the_keys_it_had() -> None:
    wire = {"id": 7, "name": "n", "language": "en", "description": None, "created_at": "2025-01-15T10:00:00Z"}
    model = parse(wire)
    assert type(model.raw) is RawModel and model.raw == wire and list(model.raw) == list(wire)
    assert model.raw["description"] is None and model.raw["id"] == 7


def test_raw_survives_pickle_copy_and_evolve() -> None:
    import attrs

    model = parse(WIRE)
    for other in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model), copy.copy(model)):
        assert other == model and other.raw == WIRE
    renamed = attrs.evolve(model, name="renamed")
    assert renamed.raw == WIRE, "raw stays the answer as received"


def test_a_model_parses_again_from_its_rebuilt_raw() -> None:
    model = parse(WIRE)
    again = parse(model.raw)  # type: ignore[arg-type]
    assert again == model and again.raw == WIRE


TIMES = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(timezone.utc)
).map(lambda moment: moment.replace(microsecond=0))
STAMPS = TIMES.map(lambda moment: moment.isoformat()[:19] + "Z")


@FUZZ
@given(
    created=STAMPS,
    updated=STAMPS | st.none(),
    finished=STAMPS | st.none(),
    rate=st.floats(allow_nan=False, allow_infinity=False) | st.none(),
    progress=st.integers(0, 100) | st.none(),
    keys=st.permutations(["id", "name", "created_at", "updated_at", "finished_training_at", "training_metrics"]),
)
def test_rebuilt_raw_equals_the_answer_in_its_key_order(
    created: str, updated: str | None, finished: str | None, rate: float | None, progress: int | None, keys: list[str]
) -> None:
    values = {
        "id": 42,
        "name": "m",
        "created_at": created,
        "updated_at": updated,
        "finished_training_at": finished,
        "training_metrics": {"word_error_rate": rate, "accuracy_improvement": 1.5},
    }
    wire = {key: values[key] for key in keys} | {"training_progress": progress}
    model = parse(wire)
    assert type(model.raw) is RawModel
    assert model.raw == wire and list(model.raw) == list(wire)
    assert json.dumps(dict(model.raw)) == json.dumps(wire)
