"""The wire codec: an explicit converter, typed details, and the operation names requests carry."""

from __future__ import annotations

from pathlib import Path

import cattrs
import httpx
from modelreg_scriptix import ScriptixDetails, ScriptixProvider, TrainingMetrics, configure_converter, make_converter

import modelreg
from modelreg import Model, ModelStatus
from tests.scriptix import examples

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "scriptix"


def test_configure_converter_sets_up_any_converter_and_leaves_the_global_one_alone() -> None:
    converter = cattrs.Converter()
    configure_converter(converter)
    model = converter.structure(examples.LIST_OK["result"][0], Model)
    assert model.status is ModelStatus.AVAILABLE and model.id == "123"
    assert converter.structure({"word_error_rate": 3, "accuracy_improvement": 1.5}, TrainingMetrics) == (
        TrainingMetrics(3.0, 1.5)
    )
    details = make_converter().structure(examples.GET_STATUS3, ScriptixDetails)
    assert details.training_progress == 65 and details.training_status == 3
    from modelreg_scriptix import _codec

    assert _codec.CONVERTER is not cattrs.global_converter


def test_details_are_frozen_and_compare_by_value() -> None:
    first = make_converter().structure(examples.UPDATE_200, Model)
    again = make_converter().structure(dict(examples.UPDATE_200), Model)
    assert first == again and hash(first.details) == hash(again.details)
    assert isinstance(first.details, ScriptixDetails)
    try:
        first.details.language = "nl"  # type: ignore[misc]  # assigning a frozen field, on purpose
    except AttributeError:
        pass
    else:
        raise AssertionError("ScriptixDetails must be frozen")


def test_a_fractional_progress_is_rounded_and_an_error_object_gives_its_message() -> None:
    body = dict(examples.GET_STATUS3, training_progress=65.6, error={"message": "alignment failed"})
    model = make_converter().structure(body, Model)
    assert model.details.training_progress == 66 and model.details.error == "alignment failed"


def test_every_request_names_an_operation_the_provider_limits() -> None:
    sandbox = ScriptixProvider.sandbox()
    sandbox.seed()
    inner = sandbox.transport()
    operations: list[str] = []

    def tag(request: httpx.Request) -> httpx.Response:
        operations.append(request.extensions["modelreg.operation"])
        return inner.handle_request(request)

    with modelreg.connect("scriptix", sandbox=sandbox, transport=httpx.MockTransport(tag)) as reg:
        model = reg.create(name="Ops", language="en")
        reg.update(model.id, name="Ops 2")
        reg.upload_training_data(model.id, audio=("a.wav", b"a"), transcript=("a.txt", b"t"))
        (data,) = reg.training_data(model.id)
        reg.get_training_data(model.id, data.id)
        reg.train(model.id, wait=True)
        reg.delete_training_data(model.id, data.id)
        list(reg.list())
        reg.delete(model.id)
    assert set(operations) == {
        "create", "update", "upload_data", "list_data", "get_data", "train", "get", "delete_data", "list", "delete"
    }  # fmt: skip
    assert set(operations) <= set(ScriptixProvider.limits)
    assert sandbox.requests.keys() == set(operations)


def test_no_cassette_holds_the_test_credentials() -> None:
    texts = [path.read_text() for path in sorted(CASSETTES.glob("*.yaml"))]
    assert len(texts) >= 25
    for text in texts:
        assert "sk-test-scriptix" not in text and "Bearer sk" not in text
