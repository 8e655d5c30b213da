"""``to_dict`` / ``to_json`` / ``from_dict``: Model, Page, Deletion and BulkOutcome round-trip losslessly."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import modelreg
from modelreg import BulkOutcome, BulkStatus, Deletion, Issue, Model, ModelStatus, Page
from modelreg.errors import NotFound, RateLimited, ValidationFailed
from tests.calls.conftest import sandbox_for
from tests.fuzz.strategies import EXAMPLES, FUZZ
from tests.fuzz.test_roundtrip import converter, details_class, records, varied_models
from tests.resilience.specs import Spec


def _same(model: Model, again: Model) -> None:
    assert again == model and again.raw == model.raw and type(again.details) is type(model.details)


def test_models_of_every_provider_round_trip(spec: Spec) -> None:
    with modelreg.connect(spec.name, sandbox=sandbox_for(spec), **spec.credentials) as reg:
        model = reg.get(reg.create(**spec.create("stored")).id)
    data = model.to_dict()
    assert json.loads(model.to_json()) == data  # plain JSON data
    assert data["status"] == model.status.value and data["raw"] == model.raw
    _same(model, Model.from_dict(json.loads(model.to_json())))


def test_a_trained_scriptix_model_keeps_its_typed_details() -> None:
    sandbox = modelreg.provider_info("scriptix").sandbox()
    sandbox.seed()
    with modelreg.connect("scriptix", sandbox=sandbox) as reg:
        trained = next(m for m in reg.list() if m.status is ModelStatus.AVAILABLE)
    again = Model.from_dict(trained.to_dict())
    _same(trained, again)
    assert again.details.training_metrics == trained.details.training_metrics is not None
    assert isinstance(again.details.finished_training_at, datetime)


async def test_pages_and_deletions_round_trip(spec: Spec) -> None:
    async with modelreg.connect_async(spec.name, sandbox=sandbox_for(spec), **spec.credentials) as reg:
        model = await reg.create(**spec.create("paged"))
        page = await reg.list_page(page_size=5)
        deletion = await reg.delete(model.id)
    again = Page.from_dict(json.loads(page.to_json()))
    assert again == page and [m.raw for m in again.items] == [m.raw for m in page.items]
    assert Deletion.from_dict(deletion.to_dict()) == deletion


def test_bulk_outcomes_round_trip_with_their_errors() -> None:
    missing = NotFound("no such model", provider="toy", status_code=404, error_code="MODEL_NOT_FOUND")
    missing.request_id = "req-1"
    invalid = ValidationFailed([Issue(("body", "name"), "too long", "max_length")], provider="toy", status_code=422)
    limited = RateLimited(
        "slow down", provider="toy", retry_after=30.0, reset_at=datetime(2030, 1, 1, tzinfo=timezone.utc)
    )
    outcomes = [
        BulkOutcome("toy", "1", BulkStatus.DELETED, "deleted"),
        BulkOutcome("toy", "2", BulkStatus.FAILED, str(missing), missing),
        BulkOutcome("toy", "3", BulkStatus.FAILED, str(invalid), invalid),
        BulkOutcome("toy", "4", BulkStatus.SKIPPED, "not attempted", limited),
    ]
    again = [BulkOutcome.from_dict(json.loads(outcome.to_json())) for outcome in outcomes]
    assert again[0] == outcomes[0]
    for before, after in zip(outcomes[1:], again[1:], strict=True):
        assert (after.provider, after.id, after.status, after.detail) == (
            before.provider,
            before.id,
            before.status,
            before.detail,
        )
        assert type(after.error) is type(before.error) and str(after.error) == str(before.error)
    assert isinstance(again[1].error, NotFound)
    assert (again[1].error.status_code, again[1].error.error_code, again[1].error.request_id) == (
        404, "MODEL_NOT_FOUND", "req-1",
    )  # fmt: skip
    assert isinstance(again[2].error, ValidationFailed) and again[2].error.issues == invalid.issues
    assert isinstance(again[3].error, RateLimited)
    assert (again[3].error.retry_after, again[3].error.reset_at) == (30.0, limited.reset_at)


def test_outcomes_of_a_real_bulk_delete_round_trip(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        model = reg.create(name="doomed")
        outcomes = reg.delete_many([model.id, "404"])
    again = [BulkOutcome.from_dict(outcome.to_dict()) for outcome in outcomes]
    assert [o.status for o in again] == [BulkStatus.DELETED, BulkStatus.FAILED]
    assert isinstance(again[1].error, NotFound) and isinstance(outcomes[1].error, NotFound)
    assert again[1].error.request_id == outcomes[1].error.request_id


def test_a_provider_error_class_comes_back_as_its_modelreg_base() -> None:
    from modelreg_scriptix import TrainingFailed

    model = Model(provider="scriptix", id="5", name="m", status=ModelStatus.FAILED)
    object.__setattr__(model, "details", None)
    error = TrainingFailed.__new__(TrainingFailed)
    modelreg.ModelFailed.__init__(error, "training failed", model=model)
    outcome = BulkOutcome("scriptix", "5", BulkStatus.FAILED, "training failed", error)
    again = BulkOutcome.from_dict(outcome.to_dict())
    assert type(again.error) is modelreg.ModelFailed and again.error.model == model


def test_details_of_a_provider_not_installed_stay_a_dict() -> None:
    data = Model(provider="elsewhere", id="1", name="n", details={"size": 3}, raw={"id": 1}).to_dict()
    again = Model.from_dict(data)
    assert again.details == {"size": 3} and again.raw == {"id": 1}


def test_deep_vendor_json_round_trips_without_recursion() -> None:
    deep: Any = "bottom"
    for _ in range(5000):
        deep = {"a": [deep]}
    model = Model(provider="toy", id="1", name="n", raw={"deep": deep})
    again = Model.from_dict(model.to_dict())
    node = again.raw["deep"]
    for _ in range(5000):
        node = node["a"][0]
    assert node == "bottom"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"provider": "toy", "id": "1"}, "missing 'name'"),
        ({"provider": "toy", "id": "1", "name": "n", "status": "sleeping"}, "sleeping"),
        ({"provider": "toy", "id": "1", "name": "n", "created_at": "yesterday"}, "yesterday"),
        (["not", "a", "mapping"], "needs a mapping"),
    ],
)
def test_data_that_describes_no_model_is_a_value_error(data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Model.from_dict(data)


def test_scriptix_details_that_are_not_its_shape_are_a_value_error() -> None:
    data = Model(provider="scriptix", id="1", name="n").to_dict() | {"details": {"training_status": "high"}}
    with pytest.raises(ValueError, match="training_status"):
        Model.from_dict(data)


@pytest.mark.parametrize("provider", ["scriptix", "selise"])
def test_generated_models_round_trip(provider: str) -> None:
    conv, cls = converter(provider), details_class(provider)

    @FUZZ
    @given(wire=varied_models(provider), details=records(cls), name=st.text(max_size=30))
    def check(wire: dict[str, Any], details: Any, name: str) -> None:
        EXAMPLES[f"roundtrip-records[{provider}]"] += 1
        parsed = conv.structure(wire, Model)
        _same(parsed, Model.from_dict(json.loads(parsed.to_json())))
        built = Model(provider=provider, id="1", name=name, details=details)
        _same(built, Model.from_dict(json.loads(built.to_json())))

    check()


def test_the_cli_json_is_the_same_conversion(toy: Path) -> None:
    from modelreg.cli._output import model_dict

    model = Model(
        provider="toy", id="1", name="n", status=ModelStatus.AVAILABLE,
        created_at=datetime(2025, 1, 15, 10, tzinfo=timezone.utc), raw={"id": 1},
    )  # fmt: skip
    shown = model_dict(model, raw=True)
    assert shown == {**model.to_dict(), "ref": "toy:1", "details": {}}
    assert list(shown)[:3] == ["provider", "id", "ref"] and "raw" not in model_dict(model)
