"""record_builder: fast constructors for frozen records, equal to calling the class."""

from __future__ import annotations

import attrs
import pytest
from modelreg_scriptix._records import ScriptixDetails

from modelreg import Model, ModelStatus
from modelreg.provider import RecordSlots, record_builder


def test_builders_make_the_same_records_as_the_constructors() -> None:
    details = record_builder(ScriptixDetails, ("language", "training_status"))("en", 4)
    assert details == ScriptixDetails(language="en", training_status=4) and details.model_key is None
    model = record_builder(Model, ("provider", "id", "name"))("scriptix", "1", "n")
    assert model == Model(provider="scriptix", id="1", name="n") and model.status is ModelStatus.UNKNOWN


def test_defaults_made_by_a_factory_are_fresh_for_each_record() -> None:
    build = record_builder(Model, ("provider", "id", "name"))
    assert build("s", "1", "m").raw is not build("s", "2", "m").raw


def test_a_validated_class_goes_through_its_init() -> None:
    @attrs.frozen
    class Checked:
        value: int = attrs.field(validator=attrs.validators.gt(0))

    build = record_builder(Checked, ("value",))
    assert build(3) == Checked(3)
    with pytest.raises(ValueError):
        build(-1)


def test_unknown_fields_and_missing_required_ones_are_refused() -> None:
    @attrs.frozen
    class Required:
        needed: int
        optional: int = 0

    with pytest.raises(TypeError, match="no field other"):
        record_builder(Required, ("needed", "other"))
    with pytest.raises(TypeError, match="no default"):
        record_builder(Required, ("optional",))


class _PointSlots(RecordSlots):
    __slots__ = ("__weakref__", "x", "y")


@attrs.frozen
class Point(_PointSlots):
    x: int
    y: int = 0


def test_a_record_over_a_slot_base_is_filled_through_it_and_stays_frozen() -> None:
    assert _PointSlots.fills(Point)
    point = record_builder(Point, ("x",))(3)
    assert type(point) is Point and point == Point(3) and hash(point) == hash(Point(3))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        point.x = 4  # type: ignore[misc]
    assert attrs.evolve(point, y=2) == Point(3, 2)


def test_the_core_and_provider_records_are_filled_through_their_slot_bases() -> None:
    from modelreg_scriptix._records import TrainingMetrics
    from modelreg_selise._records import SeliseDetails

    for record in (Model, ScriptixDetails, TrainingMetrics, SeliseDetails):
        (base,) = record.__bases__
        assert issubclass(base, RecordSlots) and base.fills(record), record


def test_a_record_that_adds_slots_of_its_own_is_filled_slot_by_slot() -> None:
    class _Partial(RecordSlots):
        __slots__ = ("__weakref__", "x")

    @attrs.frozen
    class Wider(_Partial):
        x: int
        z: int = 5

    assert not _Partial.fills(Wider)
    assert record_builder(Wider, ("x",))(1) == Wider(1)


def test_a_validated_record_over_a_slot_base_still_goes_through_its_init() -> None:
    class _CheckedSlots(RecordSlots):
        __slots__ = ("__weakref__", "value")

    @attrs.frozen
    class Checked(_CheckedSlots):
        value: int = attrs.field(validator=attrs.validators.gt(0))

    assert not _CheckedSlots.fills(Checked)
    with pytest.raises(ValueError):
        record_builder(Checked, ("value",))(-1)
