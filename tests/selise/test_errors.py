"""SELISE error answers become the right modelreg errors, without leaking the third-party api_key."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import modelreg
from modelreg import Issue
from tests.selise.helpers import THIRD_PARTY_KEY, answer, connect

CREATE = {
    "vendor": "openai",
    "service_platform": "official_api",
    "version": "gpt-4",
    "model_name": "gpt-4o",
    "display_name": "GPT-4o",
    "api_key": THIRD_PARTY_KEY,
    "custom_headers": {"X-Vendor-Auth": "header-secret-value"},
}


def test_422_detail_array_is_validation_failed_with_one_issue_per_entry() -> None:
    body = {
        "detail": [
            {"loc": ["body", "display_name"], "msg": "field required", "type": "value_error.missing"},
            {
                "loc": ["body", "MaxTokens"],
                "msg": "ensure this value is greater than 0",
                "type": "value_error.number.not_gt",
            },
        ]
    }
    reg, _ = connect(answer(422, body))
    with pytest.raises(modelreg.ValidationFailed) as caught:
        reg.create(**CREATE)
    assert caught.value.status_code == 422
    assert caught.value.issues == (
        Issue(("body", "display_name"), "field required", "value_error.missing"),
        Issue(("body", "MaxTokens"), "ensure this value is greater than 0", "value_error.number.not_gt"),
    )


def test_a_422_that_echoes_the_input_never_carries_the_api_key() -> None:
    body = {
        "detail": [
            {
                "type": "missing",
                "loc": ["body", "project_key"],
                "msg": f"Field required (got api_key={THIRD_PARTY_KEY})",
                "input": {"api_key": THIRD_PARTY_KEY, "custom_headers": {"X-Vendor-Auth": "header-secret-value"}},
                "ctx": {"api_key": THIRD_PARTY_KEY},
            }
        ]
    }
    reg, _ = connect(answer(422, body))
    with pytest.raises(modelreg.ValidationFailed) as caught:
        reg.create(**CREATE)
    error = caught.value
    everything = f"{error} {error!r} {error.issues!r} {error.args!r}"
    assert THIRD_PARTY_KEY not in everything
    assert "header-secret-value" not in everything
    assert error.issues[0].loc == ("body", "project_key")


def test_a_malformed_create_answer_echoing_the_key_does_not_show_it() -> None:
    reg, _ = connect(answer(200, {"created": {"api_key": THIRD_PARTY_KEY}}))
    # An unreadable 2xx makes the core look the model up (that fails too): either error must be clean.
    with pytest.raises(modelreg.ModelRegError) as caught:
        reg.create(**CREATE)
    error = caught.value
    assert THIRD_PARTY_KEY not in f"{error} {error!r} {getattr(error, 'excerpt', '')} {error.__cause__}"


def test_404_is_not_found() -> None:
    reg, _ = connect(answer(404, {"detail": "Model not found"}))
    with pytest.raises(modelreg.NotFound) as caught:
        reg.get("m1")
    assert caught.value.status_code == 404
    assert "Model not found" in caught.value.message


def test_409_in_use_is_model_in_use() -> None:
    reg, _ = connect(answer(409, {"detail": "Model is in use by 2 active agent(s) and cannot be deleted"}))
    with pytest.raises(modelreg.ModelInUse) as caught:
        reg.delete("m1")
    assert caught.value.error_code == "MODEL_IN_USE"


def test_409_last_model_is_a_conflict_that_says_to_add_another_model() -> None:
    reg, _ = connect(answer(409, {"detail": "Cannot delete the last model of the project"}))
    with pytest.raises(modelreg.Conflict) as caught:
        reg.delete("m1")
    assert not isinstance(caught.value, modelreg.ModelInUse)
    assert "add another model" in caught.value.message
    assert caught.value.error_code == "LAST_MODEL"


def test_403_is_permission_denied() -> None:
    reg, _ = connect(answer(403, {"detail": "Insufficient permissions"}))
    with pytest.raises(modelreg.PermissionDenied) as caught:
        reg.delete("m1")
    assert caught.value.status_code == 403


def test_401_is_authentication_failed_naming_the_settings_to_check() -> None:
    reg, _ = connect(answer(401, {"detail": "Not authenticated"}))
    with pytest.raises(modelreg.AuthenticationFailed) as caught:
        reg.get("m1")
    assert "blocks_key" in caught.value.message


@pytest.mark.parametrize(
    ("body", "issues"),
    [
        ({"detail": "Invalid model id format"}, (Issue((), "Invalid model id format", None),)),
        (
            {"detail": [{"loc": ["path", "model_id"], "msg": "bad", "type": "type_error.uuid"}]},
            (Issue(("path", "model_id"), "bad", "type_error.uuid"),),
        ),
        (None, (Issue((), "Bad Request", None),)),
    ],
)
def test_400_is_validation_failed_with_the_servers_status(body: Any, issues: tuple[Issue, ...]) -> None:
    reg, _ = connect(lambda request: httpx.Response(400, json=body) if body else httpx.Response(400))
    with pytest.raises(modelreg.ValidationFailed) as caught:
        reg.delete("m1")
    assert caught.value.status_code == 400
    assert caught.value.issues == issues


def test_200_with_is_success_false_is_an_api_error_never_a_deletion() -> None:
    body = {"is_success": False, "item_id": "m1", "detail": "AI model not deleted", "error": {"code": "MODEL_LOCKED"}}
    reg, _ = connect(answer(200, body))
    with pytest.raises(modelreg.APIError) as caught:
        reg.delete("m1")
    assert type(caught.value) is modelreg.APIError
    assert caught.value.status_code == 200
    assert caught.value.error_code == "MODEL_LOCKED"
    assert "AI model not deleted" in caught.value.message


def test_200_is_success_false_on_create_is_an_api_error() -> None:
    reg, _ = connect(answer(200, {"is_success": False, "detail": "quota of models reached", "error": {}}))
    with pytest.raises(modelreg.APIError, match="quota of models reached"):
        reg.create(**CREATE)


def test_200_is_success_false_saying_not_found_is_not_found() -> None:
    body = {"is_success": False, "item_id": "m1", "detail": "model not found", "error": {"code": "NOT_FOUND"}}
    reg, _ = connect(answer(200, body))
    assert reg.delete("m1", missing_ok=True).deleted is False


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_a_server_error(status: int) -> None:
    reg, _ = connect(answer(status, {"detail": "boom"}))
    with pytest.raises(modelreg.ServerError):
        reg.get("m1")


def test_429_is_rate_limited_with_retry_after() -> None:
    reg, _ = connect(lambda request: httpx.Response(429, headers={"Retry-After": "7"}, json={"detail": "slow down"}))
    with pytest.raises(modelreg.RateLimited) as caught:
        reg.get("m1")
    assert caught.value.retry_after == 7


def test_a_model_id_with_a_slash_is_refused_before_sending() -> None:
    reg, recorder = connect(answer(200, {}))
    with pytest.raises(modelreg.ValidationFailed):
        reg.delete("a/b")
    assert recorder.requests == []


@pytest.mark.parametrize("operation", ["update", "activate", "deactivate"])
def test_undocumented_operations_are_unsupported_and_say_so(operation: str) -> None:
    reg, recorder = connect(answer(200, {}))
    with pytest.raises(modelreg.UnsupportedOperation, match="documents no endpoint"):
        if operation == "update":
            reg.update("m1", display_name="x")
        else:
            getattr(reg, operation)("m1")
    assert recorder.requests == []
