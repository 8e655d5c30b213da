"""record_builder: fast constructors for frozen records, equal to calling the class."""

from __future__ import annotations

import attrs
import pytest
from modelreg_scriptix._records import ScriptixDetails

from modelreg import Model, ModelStatus
from modelreg.provider import record_builder


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
