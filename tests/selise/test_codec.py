"""Case-tolerant reading of SELISE answers: ids, dates, flags, envelopes and status mapping."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import cattrs
import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from modelreg_selise import SeliseDetails, configure_converter
from modelreg_selise._codec import structure
from modelreg_selise._envelopes import listing
from modelreg_selise._status import model_status

import modelreg
from modelreg import Model, ModelStatus
from tests.selise.helpers import answer, connect, model_doc

UTC = timezone.utc


def parse(doc: Any) -> Model:
    response = httpx.Response(200, json=doc)
    result: Model = structure(doc, Model, response, "get the model")
    return result


@pytest.mark.parametrize("key", ["_id", "id", "ItemId", "item_id", "model_id", "Id"])
def test_the_model_id_is_read_under_any_of_its_spellings(key: str) -> None:
    assert parse({key: "m1", "display_name": "A"}).id == "m1"


@pytest.mark.parametrize(
    ("created", "updated"),
    [
        ({"CreatedDate": "2025-12-01T10:30:00Z"}, {"LastUpdatedDate": "2025-12-02T10:30:00Z"}),
        ({"created_date": "2025-12-01T10:30:00+00:00"}, {"updated_at": "2025-12-02T10:30:00"}),
        ({"createdAt": "2025-12-01T10:30:00.0000000Z"}, {"lastUpdatedDate": 1764671400}),
        ({"created_at": {"$date": "2025-12-01T10:30:00Z"}}, {"UpdatedAt": 1764671400000}),
    ],
)
def test_dates_are_read_in_every_plausible_spelling_and_form(created: dict, updated: dict) -> None:
    model = parse({"_id": "m1", **created, **updated})
    assert model.created_at == datetime(2025, 12, 1, 10, 30, tzinfo=UTC)
    assert model.updated_at == datetime(2025, 12, 2, 10, 30, tzinfo=UTC)


def test_pascal_and_snake_case_documents_give_the_same_details() -> None:
    pascal = {
        "_id": "m1",
        "IsActive": True,
        "Provider": "openai",
        "ModelName": "gpt-4",
        "DisplayName": "GPT",
        "ServicePlatform": "official_api",
        "ValidationStatus": "valid",
        "MaxTokens": 10,
        "DefaultTemp": 0.5,
        "ApiKey": "sk-...abcd",
        "CustomHeaders": {"X-A": "1"},
    }
    snake = {
        "id": "m1",
        "is_active": True,
        "provider": "openai",
        "model_name": "gpt-4",
        "display_name": "GPT",
        "service_platform": "official_api",
        "validation_status": "valid",
        "max_tokens": 10,
        "default_temperature": 0.5,
        "api_key": "sk-...abcd",
        "custom_headers": {"X-A": "1"},
    }
    assert parse(pascal) == parse(snake)
    assert parse(pascal).details == SeliseDetails(
        vendor="openai",
        model_name="gpt-4",
        service_platform="official_api",
        is_active=True,
        validation_status="valid",
        max_tokens=10,
        default_temperature=0.5,
        api_key_masked="sk-...abcd",
        custom_headers={"X-A": "1"},
    )


def test_name_falls_back_to_model_name_then_id() -> None:
    assert parse({"_id": "m1", "model_name": "gpt-4"}).name == "gpt-4"
    assert parse({"_id": "m1"}).name == "m1"


@pytest.mark.parametrize(
    ("active", "validation", "expected"),
    [
        (False, "valid", ModelStatus.INACTIVE),
        (False, "invalid", ModelStatus.INACTIVE),
        (True, "invalid", ModelStatus.FAILED),
        (True, "valid", ModelStatus.AVAILABLE),
        (None, "valid", ModelStatus.AVAILABLE),
        (True, None, ModelStatus.PENDING),
        (True, "pending", ModelStatus.PENDING),
        (True, "quarantined", ModelStatus.UNKNOWN),
        ("maybe", "valid", ModelStatus.UNKNOWN),
        (True, 42, ModelStatus.UNKNOWN),
    ],
)
def test_status_mapping_follows_the_design(active: Any, validation: Any, expected: ModelStatus) -> None:
    doc: dict[str, Any] = {"_id": "m1", "validation_status": validation}
    if active is not None:
        doc["IsActive"] = active
    assert parse(doc).status is expected


@given(
    active=st.one_of(st.none(), st.booleans(), st.text(), st.integers()),
    validation=st.one_of(st.none(), st.text(), st.integers(), st.booleans()),
)
def test_status_mapping_never_raises(active: Any, validation: Any) -> None:
    doc = {"_id": "m1", "IsActive": active, "validation_status": validation}
    assert isinstance(parse(doc).status, ModelStatus)
    assert isinstance(model_status(None, validation), ModelStatus)


def test_an_unmasked_api_key_is_masked_before_it_is_kept() -> None:
    model = parse({"_id": "m1", "api_key": "sk-live-0123456789SECRETabcd"})
    assert model.details.api_key_masked == "***abcd"
    assert "SECRET" not in repr(model)


def test_custom_header_values_never_show_in_a_repr() -> None:
    model = parse({"_id": "m1", "custom_headers": {"Authorization": "Bearer hidden-value"}})
    assert "hidden-value" not in repr(model)
    assert "Authorization" in repr(model.details)
    assert model.details.custom_headers["Authorization"] == "Bearer hidden-value"


def test_models_with_mapping_details_stay_hashable() -> None:
    model = parse({"_id": "m1", "custom_parameters": {"a": {"b": 1}}})
    assert hash(model) == hash(parse({"_id": "m1", "custom_parameters": {"a": {"b": 2}}}))


@pytest.mark.parametrize(
    "doc",
    [
        {"display_name": "no id"},
        {"_id": True},
        {"_id": "m1", "MaxTokens": "many"},
        {"_id": "m1", "CreatedDate": "yesterday"},
        {"_id": "m1", "custom_headers": ["a"]},
        {"_id": "m1", "display_name": {"en": "x"}},
    ],
)
def test_a_malformed_model_is_a_protocol_error_naming_the_field(doc: dict) -> None:
    with pytest.raises(modelreg.ProtocolError) as caught:
        parse(doc)
    assert "field" in caught.value.message


@pytest.mark.parametrize(
    "body",
    [
        [model_doc("a"), model_doc("b")],
        {"items": [model_doc("a"), model_doc("b")], "total": 2},
        {"data": [model_doc("a"), model_doc("b")], "total_count": 2},
        {"results": [model_doc("a"), model_doc("b")], "count": 2},
        {"models": [model_doc("a"), model_doc("b")], "totalCount": 2},
        {"Items": [model_doc("a"), model_doc("b")], "TotalCount": "2"},
        {"data": {"items": [model_doc("a"), model_doc("b")], "total": 2}},
        {"is_success": True, "data": {"records": [model_doc("a"), model_doc("b")]}, "totalItems": 2},
    ],
)
def test_every_plausible_list_envelope_is_accepted(body: Any) -> None:
    reg, _ = connect(answer(200, body))
    page = reg.list_page(page_size=2)
    assert [m.id for m in page.items] == ["a", "b"]
    if isinstance(body, dict):
        assert page.total == 2
        assert page.has_more is False


def test_a_bare_array_full_page_suggests_more_and_a_short_one_ends() -> None:
    reg, _ = connect(answer(200, [model_doc("a"), model_doc("b")]))
    assert reg.list_page(page_size=2).has_more is True
    assert reg.list_page(page_size=3).has_more is False


@pytest.mark.parametrize("body", [{"total": 3}, {"items": "a,b"}, "models", 42, None])
def test_an_unrecognized_list_answer_is_a_protocol_error_showing_it(body: Any) -> None:
    reg, _ = connect(answer(200, body))
    with pytest.raises(modelreg.ProtocolError) as caught:
        reg.list_page()
    assert caught.value.excerpt is not None
    assert caught.value.excerpt == httpx.Response(200, json=body).text[:200]


def test_a_non_json_answer_is_a_protocol_error() -> None:
    reg, _ = connect(lambda request: httpx.Response(200, text="<html>gateway</html>"))
    with pytest.raises(modelreg.ProtocolError):
        reg.get("m1")


def test_get_accepts_a_wrapped_document() -> None:
    reg, _ = connect(answer(200, {"is_success": True, "data": model_doc("m9")}))
    assert reg.get("m9").id == "m9"


def test_listing_keeps_the_outer_total_of_a_wrapped_list() -> None:
    response = httpx.Response(200, json={})
    items, total, more = listing({"data": {"items": [1]}, "total": 7, "has_more": True}, response, "list")
    assert (items, total, more) == ([1], 7, True)


def test_configure_converter_works_on_any_converter_not_the_global_one() -> None:
    converter = cattrs.Converter()
    configure_converter(converter)
    model = converter.structure(model_doc("m1"), Model)
    assert model.id == "m1"
    assert model.details.vendor == "openai"
    # configure_converter registered nothing globally: the global converter still reads
    # SeliseDetails by attribute name only, so SELISE's "provider" key means nothing to it.
    assert cattrs.structure({"provider": "openai"}, SeliseDetails).vendor is None
