"""``Model.raw`` of a SELISE model: the values as received against one shared key layout, equal to the JSON."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest
from modelreg_selise._codec import CONVERTER
from modelreg_selise._raw import RawDocument

from modelreg import Model
from tests.selise.helpers import model_doc


def parse(wire: dict[str, Any]) -> Model:
    model: Model = CONVERTER.structure(wire, Model)
    return model


def test_raw_equals_the_answer_key_for_key_in_its_order() -> None:
    wire = model_doc(custom_headers={"X-Auth": "***"})
    model = parse(wire)
    assert type(model.raw) is RawDocument
    assert model.raw == wire and dict(model.raw) == wire and list(model.raw) == list(wire)
    assert json.dumps(model.raw.to_dict()) == json.dumps(wire)
    assert model.raw["custom_headers"] is wire["custom_headers"], "the decoded values themselves"
    assert "api_key" in model.raw and "nope" not in model.raw and len(model.raw) == len(wire)
    with pytest.raises(KeyError):
        model.raw["nope"]
    assert repr(model.raw) == repr(wire)


def test_models_of_one_layout_share_it() -> None:
    first, second = parse(model_doc("model_1")), parse(model_doc("model_2"))
    assert first.raw._layout is second.raw._layout  # type: ignore[attr-defined]
    assert first.raw["_id"] == "model_1" and second.raw["_id"] == "model_2"


def test_raw_survives_pickle_and_copy_and_parses_again() -> None:
    wire = model_doc()
    model = parse(wire)
    for other in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model), copy.copy(model)):
        assert other == model and other.raw == wire
    again = parse(model.raw)  # type: ignore[arg-type]
    assert again == model and again.raw == wire
