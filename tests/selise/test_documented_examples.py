"""Every example payload of the SELISE docs, through ``modelreg.connect("selise", transport=...)``."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
from modelreg_selise import AgentModel, Validation

import modelreg
from modelreg import Deletion, ModelStatus
from tests.selise.helpers import BLOCKS_KEY, PROJECT_KEY, answer, body_of, connect, connect_async, model_doc

DELETE_OK = {"is_success": True, "item_id": "model_123", "detail": "AI model deleted successfully", "error": {}}
DELETE_422 = {
    "detail": [
        {"loc": ["path", "model_id"], "msg": "model not found or already deleted", "type": "value_error.notfound"}
    ]
}
VALIDATE_OK = {
    "is_valid": True,
    "provider": "openai",
    "model_name": "gpt-4-turbo-preview",
    "connection_status": "successful",
    "api_version": "v1",
    "timestamp": "2025-01-12T10:30:00Z",
}
AGENT_MODELS = [
    {
        "model_id": "gpt-4-turbo",
        "model_name": "GPT-4 Turbo",
        "provider": "openai",
        "model_type": "chat",
        "max_tokens": 128000,
        "supports_streaming": True,
        "supports_function_calling": True,
        "description": "Most capable GPT-4 model with improved performance",
    },
    {
        "model_id": "gpt-3.5-turbo",
        "model_name": "GPT-3.5 Turbo",
        "provider": "openai",
        "model_type": "chat",
        "max_tokens": 16385,
        "supports_streaming": True,
        "supports_function_calling": True,
        "description": "Fast and efficient model for most tasks",
    },
    {
        "model_id": "claude-3-opus",
        "model_name": "Claude 3 Opus",
        "provider": "anthropic",
        "model_type": "chat",
        "max_tokens": 200000,
        "supports_streaming": True,
        "supports_function_calling": True,
        "description": "Most intelligent Claude model for complex tasks",
    },
]
CREATE_REQUEST = {
    "provider": "openai",
    "service_platform": "official_api",
    "version": "gpt-4",
    "model_name": "gpt-4-turbo-preview",
    "project_key": "YOUR_PROJECT_KEY",
    "display_name": "GPT-4 Turbo",
    "api_key": "sk-your-api-key-here",
    "base_url": "https://api.openai.com/v1",
    "MaxTokens": 8192,
    "DefaultTemp": 0.7,
}
SEED_UPSERT = [
    {
        "Model": "gpt-4-turbo-preview",
        "ModelGoodName": "GPT-4 Turbo",
        "MaxTokens": 4096,
        "DefaultTemp": 0.7,
        "ContextLength": 128000,
        "InputCostPerMillion": 10.0,
        "OutputCostPerMillion": 30.0,
    },
    {
        "Model": "gpt-3.5-turbo",
        "ModelGoodName": "GPT-3.5 Turbo",
        "MaxTokens": 4096,
        "DefaultTemp": 0.7,
        "ContextLength": 16385,
        "InputCostPerMillion": 0.5,
        "OutputCostPerMillion": 1.5,
    },
]


def test_delete_200_is_success_true_is_a_deletion_with_the_servers_detail() -> None:
    reg, recorder = connect(answer(200, DELETE_OK), project_key=PROJECT_KEY)
    assert reg.delete("model_123") == Deletion("selise", "model_123", True, "AI model deleted successfully")
    (request,) = recorder.requests
    assert request.method == "DELETE"
    assert request.url.path == "/models/model_123"
    assert request.url.params["project_key"] == PROJECT_KEY
    assert request.headers["x-blocks-key"] == BLOCKS_KEY
    assert request.headers["accept"] == "application/json"
    assert "authorization" not in request.headers


def test_delete_422_value_error_notfound_is_not_found() -> None:
    reg, _ = connect(answer(422, DELETE_422))
    with pytest.raises(modelreg.NotFound) as caught:
        reg.delete("model_123")
    assert caught.value.status_code == 422
    assert caught.value.error_code == "value_error.notfound"
    assert "model not found or already deleted" in caught.value.message


def test_delete_422_notfound_with_missing_ok_is_deleted_false() -> None:
    reg, _ = connect(answer(422, DELETE_422))
    assert reg.delete("model_123", missing_ok=True).deleted is False


def test_validate_example_is_a_typed_validation_record() -> None:
    reg, recorder = connect(answer(200, VALIDATE_OK), project_key=PROJECT_KEY)
    result = reg.validate("model_123")
    assert result == Validation(
        model_id="model_123",
        is_valid=True,
        vendor="openai",
        model_name="gpt-4-turbo-preview",
        connection_status="successful",
        api_version="v1",
        timestamp=datetime(2025, 1, 12, 10, 30, tzinfo=timezone.utc),
    )
    (request,) = recorder.requests
    assert (request.method, request.url.path) == ("POST", "/models/model_123/validate")
    assert request.url.params["project_key"] == PROJECT_KEY
    assert request.content == b""


def test_agent_models_example_is_three_records_with_no_query() -> None:
    reg, recorder = connect(answer(200, AGENT_MODELS))
    models = reg.agent_models()
    assert [m.model_id for m in models] == ["gpt-4-turbo", "gpt-3.5-turbo", "claude-3-opus"]
    assert models[2] == AgentModel(
        model_id="claude-3-opus",
        model_name="Claude 3 Opus",
        vendor="anthropic",
        model_type="chat",
        max_tokens=200000,
        supports_streaming=True,
        supports_function_calling=True,
        description="Most intelligent Claude model for complex tasks",
    )
    (request,) = recorder.requests
    assert request.url.path == "/agents/models"
    assert not request.url.query
    assert request.headers["x-blocks-key"] == BLOCKS_KEY


def test_create_sends_the_documented_body_exactly_then_reads_the_model() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"is_success": True, "item_id": "model_123", "detail": "ok", "error": {}})
        return httpx.Response(200, json=model_doc())

    reg, recorder = connect(handler, project_key="YOUR_PROJECT_KEY")
    model = reg.create(
        vendor="openai",
        service_platform="official_api",
        version="gpt-4",
        model_name="gpt-4-turbo-preview",
        display_name="GPT-4 Turbo",
        api_key="sk-your-api-key-here",
        base_url="https://api.openai.com/v1",
        MaxTokens=8192,
        DefaultTemp=0.7,
    )
    create, get = recorder.requests
    assert (create.method, create.url.path, create.url.query) == ("POST", "/models/", b"")
    assert create.headers["content-type"] == "application/json"
    assert body_of(create) == CREATE_REQUEST
    assert (get.method, get.url.path) == ("GET", "/models/model_123")
    assert model.id == "model_123"
    assert model.name == "GPT-4 Turbo"
    assert model.status is ModelStatus.AVAILABLE


def test_create_accepts_snake_case_names_for_max_tokens_and_temperature() -> None:
    reg, recorder = connect(answer(200, model_doc()), project_key="YOUR_PROJECT_KEY")
    reg.create(
        vendor="openai",
        service_platform="official_api",
        version="gpt-4",
        model_name="gpt-4-turbo-preview",
        display_name="GPT-4 Turbo",
        api_key="sk-your-api-key-here",
        base_url="https://api.openai.com/v1",
        max_tokens=8192,
        default_temperature=0.7,
    )
    assert body_of(recorder.requests[0]) == CREATE_REQUEST


def test_create_with_every_schema_field_puts_each_on_the_wire() -> None:
    reg, recorder = connect(answer(200, model_doc()), project_key=PROJECT_KEY)
    reg.create(
        vendor="azure",
        service_platform="azure",
        version="2024-02-01",
        model_name="gpt-4o",
        display_name="GPT-4o (Azure)",
        api_key="azure-key-0123456789abcdef",
        base_url="https://example.openai.azure.com",
        openai_organization_id="org-1",
        openai_project_id="proj-1",
        api_version="2024-02-01",
        deployment_name="gpt4o",
        custom_parameters={"top_p": 0.9},
        custom_headers={"X-Team": "ml"},
        MaxTokens=4096,
        DefaultTemp=1,
    )
    assert set(body_of(recorder.requests[0])) == {
        "provider",
        "service_platform",
        "version",
        "model_name",
        "project_key",
        "display_name",
        "api_key",
        "base_url",
        "openai_organization_id",
        "openai_project_id",
        "api_version",
        "deployment_name",
        "custom_parameters",
        "custom_headers",
        "MaxTokens",
        "DefaultTemp",
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {}),
        ({"vendor": "openai"}, {"provider": "openai"}),
        ({"validation_status": "valid", "model_type": "chat"}, {"status": "valid", "model_type": "chat"}),
        ({"search": "GPT"}, {"search": "GPT"}),
        (
            {"vendor": "openai", "model_type": "chat", "is_active": True},
            {"provider": "openai", "model_type": "chat", "is_active": "true"},
        ),
    ],
)
def test_list_sends_the_documented_query_forms_to_the_trailing_slash_path(filters: dict, expected: dict) -> None:
    reg, recorder = connect(answer(200, {"items": [], "total": 0}), project_key=PROJECT_KEY)
    reg.list_page(page=1, page_size=10, **filters)
    (request,) = recorder.requests
    assert request.url.path == "/models/"
    assert dict(request.url.params) == {**expected, "page": "1", "page_size": "10", "project_key": PROJECT_KEY}


def test_seed_upsert_example_goes_out_in_pascal_case() -> None:
    reg, recorder = connect(answer(200, {"is_success": True, "item_id": None, "detail": "done", "error": {}}))
    entries = [
        {
            "model_name": "gpt-4-turbo-preview",
            "display_name": "GPT-4 Turbo",
            "max_tokens": 4096,
            "default_temperature": 0.7,
            "context_window": 128000,
            "input_cost_per_million": 10.0,
            "output_cost_per_million": 30.0,
        },
        SEED_UPSERT[1],
    ]
    update = reg.upsert_catalogue("openai", entries)
    (request,) = recorder.requests
    assert (request.method, request.url.path) == ("POST", "/models/seed/providers/openai/models")
    assert body_of(request) == SEED_UPSERT
    assert (update.vendor, update.count, update.detail) == ("openai", 2, "done")


def test_project_key_defaults_to_the_blocks_key() -> None:
    reg, recorder = connect(answer(200, model_doc()))
    reg.get("model_123")
    assert recorder.requests[0].url.params["project_key"] == BLOCKS_KEY


def test_a_configured_access_token_is_sent_as_bearer() -> None:
    reg, recorder = connect(answer(200, []), access_token="tok-abc-123")
    reg.agent_models()
    assert recorder.requests[0].headers["authorization"] == "Bearer tok-abc-123"


def test_invalid_create_sends_nothing_and_lists_every_issue() -> None:
    reg, recorder = connect(answer(200, {}))
    with pytest.raises(modelreg.ValidationFailed) as caught:
        reg.create(vendor="acme", display_name="x", api_key="k", MaxTokens=-1, DefaultTemp=3, colour="red")
    assert recorder.requests == []
    locs = {issue.loc for issue in caught.value.issues}
    assert {
        ("body", "vendor"),
        ("body", "service_platform"),
        ("body", "version"),
        ("body", "model_name"),
        ("body", "MaxTokens"),
        ("body", "DefaultTemp"),
        ("body", "colour"),
    } <= locs
    assert caught.value.status_code is None


@pytest.mark.parametrize(
    "filters",
    [{"provider": "openai"}, {"vendor": "acme"}, {"model_type": "image"}, {"is_active": "yes"}, {"colour": "red"}],
)
def test_invalid_filters_send_nothing(filters: dict) -> None:
    reg, recorder = connect(answer(200, []))
    with pytest.raises(modelreg.ValidationFailed):
        reg.list_page(**filters)
    with pytest.raises(modelreg.ValidationFailed):
        list(reg.list(**filters))
    assert recorder.requests == []


@pytest.mark.parametrize("page_size", [0, 101, "10"])
def test_page_size_outside_1_to_100_sends_nothing(page_size: int | str) -> None:
    reg, recorder = connect(answer(200, []))
    with pytest.raises(modelreg.ValidationFailed):
        reg.list_page(page_size=page_size)  # type: ignore[arg-type]  # "10", a string, is refused too
    assert recorder.requests == []


async def test_documented_delete_and_validate_work_the_same_async() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=DELETE_OK if request.method == "DELETE" else VALIDATE_OK)

    reg, recorder = connect_async(handler, project_key=PROJECT_KEY)
    async with reg:
        assert (await reg.delete("model_123")).deleted is True
        assert (await reg.validate("model_123")).is_valid is True
    assert [r.url.path for r in recorder.requests] == ["/models/model_123", "/models/model_123/validate"]
