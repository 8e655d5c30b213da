"""Records: frozen, typed, with refs and readable issues."""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
import pytest

from modelreg import Deletion, Issue, Model, ModelStatus, Page, parse_ref


def test_model_is_frozen_and_has_a_ref() -> None:
    model = Model(provider="scriptix", id="123", name="Cardiology")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        model.name = "other"  # type: ignore[misc]
    assert model.ref == "scriptix:123"
    assert model.status is ModelStatus.UNKNOWN


def test_model_repr_and_equality_leave_out_raw() -> None:
    a = Model(provider="p", id="1", name="n", raw={"id": 1, "extra": "x"})
    b = Model(provider="p", id="1", name="n", raw={"id": 1})
    assert a == b
    assert "extra" not in repr(a)
    assert a.raw["extra"] == "x"


def test_page_carries_items_and_paging_facts() -> None:
    page = Page(items=(1, 2), page=2, page_size=2, total=5, has_more=True)
    assert page.items == (1, 2) and page.total == 5 and page.has_more


def test_deletion_and_issue_take_positional_arguments() -> None:
    assert Deletion("selise", "m1", True, "gone").deleted
    issue = Issue(("body", "name"), "Name cannot be empty", "value_error")
    assert str(issue) == "body.name: Name cannot be empty"
    assert str(Issue((), "whole request")) == "whole request"


def test_model_status_values_are_stable_strings() -> None:
    assert [s.value for s in ModelStatus] == [
        "pending", "ready", "training", "available", "failed", "inactive", "unknown",
    ]  # fmt: skip
    assert str(ModelStatus.AVAILABLE) == "available"


def test_timestamps_are_kept_as_given() -> None:
    when = datetime(2025, 1, 15, 10, tzinfo=timezone.utc)
    assert Model(provider="p", id="1", name="n", created_at=when).created_at == when


@pytest.mark.parametrize("ref", ["scriptix", ":1", "scriptix:", ""])
def test_parse_ref_rejects_what_is_not_provider_colon_id(ref: str) -> None:
    with pytest.raises(ValueError, match="PROVIDER:ID"):
        parse_ref(ref)


def test_parse_ref_keeps_colons_in_the_id() -> None:
    assert parse_ref("selise:a:b") == ("selise", "a:b")


def test_records_structure_with_a_plain_cattrs_converter() -> None:
    """Public records keep resolvable annotations although they read as ``modelreg.Model``."""
    import typing

    import cattrs

    converter = cattrs.Converter()
    model = Model(provider="p", id="1", name="n", status=ModelStatus.READY)
    assert converter.structure(converter.unstructure(model), Model) == model
    assert typing.get_type_hints(Page)["total"] == int | None
