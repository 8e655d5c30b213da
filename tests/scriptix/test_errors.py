"""Every documented Scriptix error answer maps to its typed error; odd bodies never crash."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from modelreg_scriptix import ScriptixProvider

from modelreg import (
    APIError,
    AuthenticationFailed,
    Conflict,
    ModelInUse,
    NotFound,
    PermissionDenied,
    ProtocolError,
    QuotaExceeded,
    RateLimited,
    ServerError,
    ValidationFailed,
)
from modelreg.provider import Config
from tests.scriptix import examples
from tests.scriptix.conftest import API_KEY, Recorder, answer, registry

PROVIDER = ScriptixProvider(Config("scriptix", "https://api.scriptix.io", {"api_key": API_KEY}))


def error_for(status: int, body: Any = None, *, content: bytes | None = None, **headers: str) -> Exception:
    if content is not None:
        return PROVIDER.error_for(httpx.Response(status, content=content, headers=headers))
    return PROVIDER.error_for(answer(status, body, **headers))


def test_create_400_details_become_issues_with_the_server_status() -> None:
    recorder = Recorder(answer(400, examples.CREATE_400))
    with registry(recorder, languages="en,xx") as reg, pytest.raises(ValidationFailed) as info:
        reg.create(name="Model", language="xx")
    error = info.value
    assert error.status_code == 400
    assert [(i.loc, i.message) for i in error.issues] == [
        (("body", "name"), "Name cannot be empty"),
        (("body", "language"), "Language 'xx' is not supported"),
    ]
    assert "the server answered 400" in str(error)


def test_list_400_details_are_query_issues() -> None:
    request = httpx.Request("GET", "https://api.scriptix.io/api/v3/custom_models?per_page=500")
    error = PROVIDER.error_for(httpx.Response(400, json=examples.LIST_400, request=request))
    assert isinstance(error, ValidationFailed) and error.status_code == 400
    assert [(i.loc, i.message) for i in error.issues] == [
        (("query", "per_page"), "Maximum value is 100"),
        (("query", "status"), "Must be between 1 and 5"),
    ]


@pytest.mark.parametrize("code", [None, *examples.ERROR_401_CODES])
def test_401_is_authentication_failed_and_says_how_to_fix_it(code: str | None) -> None:
    body = dict(examples.UNAUTHORIZED_401, **({"error_code": code} if code else {}))
    error = error_for(401, body)
    assert isinstance(error, AuthenticationFailed) and error.status_code == 401
    assert error.error_code == code
    assert "Invalid or missing API key" in str(error) and "SCRIPTIX_API_KEY" in str(error)


def test_401_through_the_registry_never_shows_the_key() -> None:
    recorder = Recorder(answer(401, {"error": "Unauthorized", "message": f"key {API_KEY} is revoked"}))
    with registry(recorder) as reg, pytest.raises(AuthenticationFailed) as info:
        reg.get(1)
    assert API_KEY not in str(info.value) and API_KEY not in repr(info.value)


def test_402_is_quota_exceeded_with_the_plan_in_details() -> None:
    error = error_for(402, examples.CREATE_402)
    assert isinstance(error, QuotaExceeded)
    assert error.error_code == "MODEL_LIMIT_EXCEEDED"
    assert dict(error.details) == {"current_models": 5, "plan_limit": 5, "plan": "Gold"}
    assert "5 of 5 custom models used, plan Gold" in str(error)


def test_404_model_not_found_is_not_found() -> None:
    recorder = Recorder(answer(404, examples.DELETE_404))
    with registry(recorder) as reg, pytest.raises(NotFound) as info:
        reg.delete(123)
    assert info.value.error_code == "MODEL_NOT_FOUND" and "Model not found" in str(info.value)


def test_404_with_missing_ok_is_a_deletion_that_found_nothing() -> None:
    with registry(Recorder(answer(404, examples.DELETE_404))) as reg:
        outcome = reg.delete(123, missing_ok=True)
    assert outcome.deleted is False


def test_409_model_in_use_carries_the_active_transcriptions() -> None:
    error = error_for(409, examples.DELETE_409)
    assert isinstance(error, ModelInUse)
    assert error.details["active_transcriptions"] == 5 and "5 active transcriptions" in str(error)


def test_other_409_is_a_plain_conflict() -> None:
    error = error_for(409, {"error": "Conflict", "message": "Training is already in progress"})
    assert type(error) is Conflict


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (examples.RATELIMIT_429, {"Retry-After": "60"}, 60.0),
        (examples.RATELIMIT_429, {}, 60.0),
        (examples.RATELIMIT_429_REFERENCE, {"Retry-After": "7"}, 7.0),
        (examples.RATELIMIT_429_REFERENCE, {}, None),
    ],
)
def test_429_is_rate_limited_with_retry_after_from_header_or_body(body: dict, headers: dict, expected: Any) -> None:
    error = error_for(429, body, **headers)
    assert isinstance(error, RateLimited) and error.retry_after == expected


def test_429_through_the_registry_reports_the_wait() -> None:
    recorder = Recorder(answer(429, examples.RATELIMIT_429, **{"Retry-After": "60"}))
    with registry(recorder) as reg, pytest.raises(RateLimited) as info:
        reg.list_page()
    assert info.value.retry_after == 60 and info.value.error_code == "RATE_LIMIT_EXCEEDED"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_a_server_error(status: int) -> None:
    error = error_for(status, examples.CREATE_500)
    assert isinstance(error, ServerError) and error.status_code == status
    assert "An unexpected error occurred" in str(error)


def test_403_is_permission_denied_naming_the_scopes() -> None:
    error = error_for(403, {"error": "Forbidden", "message": "Insufficient scope"})
    assert isinstance(error, PermissionDenied) and "custom_models:write" in str(error)


def test_error_format_template_reads_code_and_details() -> None:
    error = error_for(400, examples.ERROR_FORMAT_TEMPLATE)
    assert isinstance(error, ValidationFailed)
    assert [(i.loc, i.message, i.type) for i in error.issues] == [
        (("body", "name"), "Name cannot be empty", "VALIDATION_ERROR")
    ]


def test_base_error_shape_uses_message_then_error_description() -> None:
    error = error_for(404, examples.ERROR_BASEERROR_TEMPLATE)
    assert isinstance(error, NotFound) and "Invalid request" in str(error)
    without_message = {k: v for k, v in examples.ERROR_BASEERROR_TEMPLATE.items() if k != "message"}
    assert "The model id is not valid" in str(error_for(404, without_message))
    only_detail = {"detail": "id must be an integer"}
    assert "id must be an integer" in str(error_for(404, only_detail))


def test_422_with_the_error_nested_as_an_object_is_a_validation_failure() -> None:
    error = error_for(422, examples.ERROR_422_REFERENCE)
    assert isinstance(error, ValidationFailed) and error.status_code == 422
    assert [(i.loc, i.message) for i in error.issues] == [(("body", "name"), "Name is required")]


def test_422_with_a_detail_list_gives_one_issue_per_entry() -> None:
    body = {"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]}
    error = error_for(422, body)
    assert isinstance(error, ValidationFailed)
    assert [(i.loc, i.message, i.type) for i in error.issues] == [
        (("body", "name"), "field required", "value_error.missing")
    ]


@pytest.mark.parametrize("status", [413, 415, 418])
def test_other_statuses_are_api_errors_with_the_message(status: int) -> None:
    error = error_for(status, {"error": "Unsupported", "message": "Content-Type must be multipart/form-data"})
    assert type(error) is APIError and error.status_code == status
    assert "multipart/form-data" in str(error)


@pytest.mark.parametrize(
    "content", [b"", b"<html>Bad gateway</html>", b"[1, 2]", b'"text"', b"null", b"\xff\xfe", b'{"error": 5}']
)
@pytest.mark.parametrize("status", [400, 401, 404, 409, 429, 500])
def test_undocumented_error_bodies_still_give_a_clear_typed_error(content: bytes, status: int) -> None:
    error = error_for(status, content=content)
    assert isinstance(error, (APIError, ValidationFailed))
    assert str(error)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"id": "abc", "name": "x"}',
        b'{"id": 1}',
        b'{"id": 1, "name": "x", "created_at": "yesterday"}',
        b'{"id": 1, "name": "x", "training_metrics": [1]}',
        b'{"id": 1, "name": "x", "training_progress": "half"}',
        b'{"id": 1, "name": 5}',
        b'{"id": true, "name": "x"}',
    ],
)
def test_a_malformed_success_body_is_a_protocol_error(body: bytes) -> None:
    with registry(Recorder(httpx.Response(200, content=body))) as reg, pytest.raises(ProtocolError) as info:
        reg.get(1)
    assert info.value.status_code == 200 and info.value.excerpt is not None


@pytest.mark.parametrize(
    "body",
    [b"{}", b'{"result": {}}', b'{"result": [1]}', b'{"count": 1, "total_results": -1, "result": []}'],
)
def test_a_malformed_listing_is_a_protocol_error(body: bytes) -> None:
    with registry(Recorder(httpx.Response(200, content=body))) as reg, pytest.raises(ProtocolError):
        reg.list_page()


@pytest.mark.parametrize("code", [0, 6, 99, -1, "4", None, 4.0, True])
def test_unknown_training_status_is_unknown_not_an_exception(code: Any) -> None:
    from modelreg import ModelStatus

    body = {"id": 1, "name": "x", "training_status": code}
    with registry(Recorder(answer(200, body))) as reg:
        model = reg.get(1)
    assert model.status is ModelStatus.UNKNOWN
    assert model.raw["training_status"] == code


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)
model_keys = st.sampled_from(
    ["id", "name", "description", "training_status", "training_progress", "created_at", "training_metrics", "error"]
)


@given(st.dictionaries(model_keys, json_values, max_size=8))
def test_any_json_object_gives_a_model_or_a_protocol_error(body: dict) -> None:
    import json

    with registry(Recorder(httpx.Response(200, content=json.dumps(body).encode()))) as reg:
        try:
            model = reg.get(1)
        except ProtocolError:
            return
    assert model.raw == body


@given(json_values, st.sampled_from([400, 401, 402, 404, 409, 422, 429, 500]))
def test_any_json_error_body_maps_without_crashing(body: Any, status: int) -> None:
    error = error_for(status, body)
    assert isinstance(error, (APIError, ValidationFailed))
