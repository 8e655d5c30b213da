"""Checks before sending: create fields, filters, ids and catalogue entries, each problem one Issue."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from modelreg_selise import SeliseProvider
from modelreg_selise._validation import CREATE_FIELDS, check_catalogue, check_create, check_filters, check_model_id

import modelreg
from modelreg import ModelStatus, ValidationFailed
from tests.selise.helpers import THIRD_PARTY_KEY, answer, body_of, connect, model_doc

VALID: dict[str, Any] = {
    "vendor": "openai",
    "service_platform": "official_api",
    "version": "gpt-4",
    "model_name": "gpt-4o",
    "display_name": "GPT-4o",
    "api_key": THIRD_PARTY_KEY,
}


def issues_of(fields: dict[str, Any], project_key: str | None = "p") -> dict[tuple[str, ...], str]:
    with pytest.raises(ValidationFailed) as caught:
        check_create(fields, project_key)
    assert caught.value.status_code is None
    return {issue.loc: issue.message for issue in caught.value.issues}


def test_a_complete_create_needs_nothing_else() -> None:
    new = check_create(VALID, "p")
    assert (new.vendor, new.project_key, new.max_tokens) == ("openai", "p", None)


def test_the_create_project_key_field_overrides_the_setting() -> None:
    assert check_create({**VALID, "project_key": "other"}, "p").project_key == "other"


def test_without_any_project_key_create_is_refused() -> None:
    assert ("body", "project_key") in issues_of(VALID, None)


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"vendor": "OpenAI"}, ("body", "vendor")),
        ({"display_name": "  "}, ("body", "display_name")),
        ({"version": 4}, ("body", "version")),
        ({"base_url": "api.openai.com"}, ("body", "base_url")),
        ({"api_version": ""}, ("body", "api_version")),
        ({"custom_parameters": ["a"]}, ("body", "custom_parameters")),
        ({"custom_parameters": {"f": object()}}, ("body", "custom_parameters")),
        ({"custom_headers": {1: "a"}}, ("body", "custom_headers")),
        ({"MaxTokens": 0}, ("body", "MaxTokens")),
        ({"max_tokens": True}, ("body", "MaxTokens")),
        ({"max_tokens": 1.5}, ("body", "MaxTokens")),
        ({"DefaultTemp": 2.5}, ("body", "DefaultTemp")),
        ({"default_temperature": float("nan")}, ("body", "DefaultTemp")),
        ({"default_temperature": "0.5"}, ("body", "DefaultTemp")),
        ({"MaxTokens": 10, "max_tokens": 10}, ("body", "MaxTokens")),
        ({"provider": "openai"}, ("body", "provider")),
        ({"model_type": "chat"}, ("body", "model_type")),
    ],
)
def test_each_bad_create_field_is_one_issue_at_its_place(change: dict, loc: tuple[str, ...]) -> None:
    assert loc in issues_of({**VALID, **change})


def test_the_provider_hint_says_to_use_vendor() -> None:
    assert "vendor=" in issues_of({**VALID, "provider": "openai"})[("body", "provider")]


def test_an_api_key_of_the_wrong_type_is_reported_without_its_value() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_create({**VALID, "api_key": 1234567890123}, "p")
    assert "1234567890123" not in str(caught.value)


@given(
    fields=st.dictionaries(
        st.sampled_from([*CREATE_FIELDS, "colour"]),
        st.one_of(
            st.none(),
            st.text(max_size=8),
            st.integers(),
            st.floats(),
            st.booleans(),
            st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        ),
        max_size=12,
    )
)
def test_any_create_fields_give_a_request_or_validation_failed(fields: dict[str, Any]) -> None:
    try:
        new = check_create({**fields, "api_key": THIRD_PARTY_KEY} if "api_key" not in fields else fields, "p")
    except ValidationFailed as exc:
        assert THIRD_PARTY_KEY not in str(exc)
    else:
        assert new.project_key


@pytest.mark.parametrize(
    ("filters", "params", "pending"),
    [
        ({"status": ModelStatus.AVAILABLE}, {"status": "valid", "is_active": "true"}, False),
        ({"status": ModelStatus.FAILED}, {"status": "invalid", "is_active": "true"}, False),
        ({"status": ModelStatus.INACTIVE}, {"is_active": "false"}, False),
        ({"status": ModelStatus.PENDING}, {"is_active": "true"}, True),
        ({"status": "available"}, {"status": "valid", "is_active": "true"}, False),
        ({"status": "invalid"}, {"status": "invalid"}, False),
        ({"validation_status": "valid", "is_active": True}, {"status": "valid", "is_active": "true"}, False),
        (
            {"status": ModelStatus.AVAILABLE, "validation_status": "valid"},
            {"status": "valid", "is_active": "true"},
            False,
        ),
    ],
)
def test_status_filters_become_the_documented_query(filters: dict, params: dict, pending: bool) -> None:
    query = check_filters(filters)
    assert (query.params, query.pending_only) == (params, pending)


@pytest.mark.parametrize(
    "filters",
    [
        {"status": ModelStatus.TRAINING},
        {"status": ModelStatus.UNKNOWN},
        {"status": "ready"},
        {"status": 3},
        {"validation_status": "pending"},
        {"status": ModelStatus.FAILED, "validation_status": "valid"},
        {"status": ModelStatus.INACTIVE, "is_active": True},
        {"search": ""},
        {"project_key": "p"},
    ],
)
def test_impossible_or_contradicting_filters_are_refused(filters: dict) -> None:
    with pytest.raises(ValidationFailed):
        check_filters(filters)


def test_pending_is_filtered_client_side_from_the_active_models() -> None:
    docs = [model_doc("a", validation_status=None), model_doc("b", validation_status="valid")]
    reg, recorder = connect(answer(200, {"items": docs, "total": 2}))
    page = reg.list_page(status=ModelStatus.PENDING)
    assert [m.id for m in page.items] == ["a"]
    assert (page.total, page.has_more) == (1, False)
    params = recorder.requests[0].url.params
    assert (params["is_active"], params["page_size"]) == ("true", "100")
    assert "status" not in params


def test_a_pending_walk_crosses_server_pages_without_pending_models() -> None:
    sandbox = SeliseProvider.sandbox(seed=False)
    reg = modelreg.connect("selise", sandbox=sandbox, blocks_key="walk-project-key")
    ids = [
        sandbox.add_model("walk-project-key", provider="openai", model_name="m", display_name=f"m{n}", api_key="k")
        for n in range(230)
    ]
    pending = {ids[3], ids[150], ids[151], ids[229]}
    for model_id in set(ids) - pending:
        sandbox._set(model_id, validation_status="valid")
    walked = [m.id for m in reg.list(status=ModelStatus.PENDING, page_size=1)]
    assert walked == sorted(pending)
    second = reg.list_page(page=2, page_size=2, status=ModelStatus.PENDING)
    assert ([m.id for m in second.items], second.has_more) == ([ids[151], ids[229]], False)
    assert second.total == 4
    assert reg.list_page(page=9, page_size=2, status=ModelStatus.PENDING).items == ()


def test_a_server_ignoring_the_page_parameter_stops_a_pending_scan() -> None:
    docs = [model_doc(f"m{n}") for n in range(100)]
    reg, _ = connect(answer(200, {"items": docs, "total": 1000}))
    with pytest.raises(modelreg.ProtocolError, match="ignore the page parameter"):
        reg.list_page(status=ModelStatus.PENDING)


@pytest.mark.parametrize("model_id", ["", " ", "a/b", "a?b", "a#b", ".", ".."])
def test_unsafe_model_ids_are_refused(model_id: str) -> None:
    with pytest.raises(ValidationFailed):
        check_model_id(model_id)


def test_catalogue_entries_need_every_field_in_either_naming() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_catalogue([{"Model": "m", "max_tokens": 0, "DefaultTemp": 3, "colour": 1}, "x"])
    locs = {issue.loc for issue in caught.value.issues}
    assert {
        ("body", "0", "ModelGoodName"),
        ("body", "0", "MaxTokens"),
        ("body", "0", "DefaultTemp"),
        ("body", "0", "ContextLength"),
        ("body", "0", "colour"),
        ("body", "1"),
    } <= locs


@pytest.mark.parametrize("entries", [[], {"Model": "m"}, "entries", None])
def test_catalogue_entries_must_be_a_non_empty_list(entries: Any) -> None:
    with pytest.raises(ValidationFailed):
        check_catalogue(entries)


def test_create_falls_back_to_what_was_sent_when_the_follow_up_read_fails() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"is_success": True, "item_id": "new-1", "detail": "ok", "error": {}})
        return httpx.Response(404, json={"detail": "Model not found"})

    reg, recorder = connect(handler)
    model = reg.create(**VALID, max_tokens=100)
    assert (model.id, model.name, model.status) == ("new-1", "GPT-4o", ModelStatus.PENDING)
    assert model.details.max_tokens == 100
    assert model.details.api_key_masked == "***" + THIRD_PARTY_KEY[-4:]
    assert THIRD_PARTY_KEY not in repr(model)
    assert [r.method for r in recorder.requests] == ["POST", "GET"]
    assert body_of(recorder.requests[0])["MaxTokens"] == 100


@pytest.mark.parametrize(
    ("response", "detail"),
    [
        (httpx.Response(204), None),
        (httpx.Response(200, json={"detail": "gone"}), "gone"),
        (httpx.Response(200, json={"is_success": "true", "detail": "ok"}), "ok"),
    ],
)
def test_other_successful_delete_answers_count_as_deleted(response: httpx.Response, detail: str | None) -> None:
    reg, _ = connect(lambda request: response)
    deletion = reg.delete("m1")
    assert (deletion.deleted, deletion.detail) == (True, detail)


def test_a_delete_answer_that_is_not_an_object_is_a_protocol_error() -> None:
    reg, _ = connect(answer(200, ["deleted"]))
    with pytest.raises(modelreg.ProtocolError):
        reg.delete("m1")


def test_common_name_is_accepted_as_the_display_name() -> None:
    """``create(name=...)`` works for every provider: SELISE sends it as display_name."""
    fields = {
        "vendor": "openai", "service_platform": "official_api", "version": "gpt-4",
        "model_name": "gpt-4-turbo-preview", "name": "Support bot", "api_key": "sk-x",
    }  # fmt: skip
    assert check_create(fields, "project-1").display_name == "Support bot"
    with pytest.raises(ValidationFailed, match="either name or display_name"):
        check_create({**fields, "display_name": "Other"}, "project-1")
