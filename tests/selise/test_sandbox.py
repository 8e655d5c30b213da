"""The SELISE emulator: project scoping, masking, validation, conflicts, FastAPI shapes, persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelreg_selise import SeliseProvider, SeliseSandbox
from modelreg_selise._sandbox import DEFAULT_PROJECT

import modelreg
from modelreg import ModelStatus
from modelreg.sandbox import SqliteStore
from tests.sandboxes import sandbox_of

GOOD_KEY = "sk-good-key-0123456789abcdef"
FIELDS: dict[str, Any] = {
    "vendor": "openai",
    "service_platform": "official_api",
    "version": "gpt-4",
    "model_name": "gpt-4o",
    "display_name": "GPT-4o",
    "api_key": GOOD_KEY,
}


def raw_client(sandbox: SeliseSandbox) -> httpx.Client:
    return httpx.Client(transport=sandbox.transport(), base_url="https://api.seliseblocks.com")


def test_a_new_in_memory_sandbox_is_seeded_with_four_models_in_the_default_project() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        models = list(reg.list())
    assert [m.status for m in models] == [
        ModelStatus.AVAILABLE,
        ModelStatus.PENDING,
        ModelStatus.INACTIVE,
        ModelStatus.FAILED,
    ]
    assert {m.details.vendor for m in models} == {"openai", "anthropic", "azure"}


def test_a_sandbox_with_a_given_store_is_not_seeded(tmp_path: Path) -> None:
    sandbox = SeliseProvider.sandbox(store=SqliteStore(tmp_path / "s.db"))
    assert sandbox.store.scan("models") == []


def test_models_are_visible_only_in_their_project() -> None:
    sandbox = SeliseProvider.sandbox(seed=False)
    a = modelreg.connect("selise", sandbox=sandbox, blocks_key="key-a-000000", project_key="project-a")
    b = modelreg.connect("selise", sandbox=sandbox, blocks_key="key-b-000000", project_key="project-b")
    model = a.create(**FIELDS)
    assert [m.id for m in a.list()] == [model.id]
    assert list(b.list()) == []
    with pytest.raises(modelreg.NotFound):
        b.get(model.id)
    with pytest.raises(modelreg.NotFound) as caught:
        b.delete(model.id)
    assert caught.value.status_code == 404


def test_without_a_project_key_the_blocks_key_is_the_project() -> None:
    sandbox = SeliseProvider.sandbox(seed=False)
    reg = modelreg.connect("selise", sandbox=sandbox, blocks_key="key-only-000000")
    model = reg.create(**FIELDS)
    stored = sandbox.store.get("models", model.id)
    assert stored is not None
    assert stored["project_key"] == "key-only-000000"


def test_api_keys_are_masked_on_read_and_kept_whole_in_the_store() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        model = reg.create(**FIELDS, custom_headers={"X-Auth": "header-secret-000"})
        fetched = reg.get(model.id)
        stored = sandbox_of(reg).store.get("models", model.id)
    assert stored is not None
    assert fetched.details.api_key_masked == "sk-...cdef"
    assert fetched.raw["api_key"] == "sk-...cdef"
    assert fetched.raw["custom_headers"] == {"X-Auth": "***"}
    assert stored["api_key"] == GOOD_KEY


@pytest.mark.parametrize(
    ("vendor", "key", "valid"),
    [
        ("openai", GOOD_KEY, True),
        ("openai", "pk-good-key-0123456789abcdef", False),
        ("openai", "sk-short", False),
        ("anthropic", "sk-ant-0123456789abcdefgh", True),
        ("anthropic", GOOD_KEY, False),
        ("mistral", "mistral-key-0123456789ab", True),
        ("mistral", "mistral key with spaces 0123", False),
    ],
)
def test_validate_flips_the_status_by_the_documented_key_rule(vendor: str, key: str, valid: bool) -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        model = reg.create(**{**FIELDS, "vendor": vendor, "api_key": key})
        assert model.status is ModelStatus.PENDING
        result = reg.validate(model.id)
        assert result.is_valid is valid
        assert result.connection_status == ("successful" if valid else "failed")
        assert (result.message is None) is valid
        assert reg.get(model.id).status is (ModelStatus.AVAILABLE if valid else ModelStatus.FAILED)
        assert reg.get(model.id).details.validated_at is not None


def test_status_filters_match_the_status_of_what_they_return() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        bad = reg.create(**{**FIELDS, "api_key": "wrong"})
        reg.validate(bad.id)
        for status in (ModelStatus.AVAILABLE, ModelStatus.FAILED, ModelStatus.INACTIVE, ModelStatus.PENDING):
            found = list(reg.list(status=status))
            assert found, status
            assert {m.status for m in found} == {status}
        seeded_failure = "mdl_000004"
        assert [m.id for m in reg.list(validation_status="invalid")] == [seeded_failure, bad.id]
        assert [m.id for m in reg.list(status="invalid")] == [seeded_failure, bad.id]


def test_contradicting_filters_are_refused() -> None:
    with modelreg.connect("selise", sandbox=True) as reg, pytest.raises(modelreg.ValidationFailed, match="contradicts"):
        reg.list_page(status=ModelStatus.AVAILABLE, is_active=False)


def test_search_matches_display_name_case_insensitively() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        assert [m.name for m in reg.list(search="gpt")] == ["GPT-4 Turbo"]


def test_a_model_used_by_agents_cannot_be_deleted() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        model = reg.create(**FIELDS)
        sandbox = sandbox_of(reg, SeliseSandbox)
        sandbox.mark_in_use(model.id, ("support-bot",))
        with pytest.raises(modelreg.ModelInUse) as caught:
            reg.delete(model.id)
        assert caught.value.status_code == 409
        sandbox.mark_in_use(model.id, ())
        assert reg.delete(model.id).deleted


def test_the_last_model_of_a_project_cannot_be_deleted() -> None:
    reg = modelreg.connect("selise", sandbox=SeliseProvider.sandbox(seed=False), blocks_key="solo-project-key")
    model = reg.create(**FIELDS)
    with pytest.raises(modelreg.Conflict, match="last model") as caught:
        reg.delete(model.id)
    assert not isinstance(caught.value, modelreg.ModelInUse)
    other = reg.create(**{**FIELDS, "display_name": "Other"})
    assert reg.delete(model.id).deleted
    assert reg.get(other.id).id == other.id


def test_a_read_only_key_gets_403_on_writes() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        sandbox_of(reg, SeliseSandbox).restrict(DEFAULT_PROJECT)
        with pytest.raises(modelreg.PermissionDenied):
            reg.create(**FIELDS)
        with pytest.raises(modelreg.PermissionDenied):
            reg.delete(next(iter(reg.list())).id)


def test_a_locked_model_answers_200_is_success_false() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        model = reg.create(**FIELDS)
        sandbox_of(reg, SeliseSandbox).lock(model.id, "locked for audit")
        with pytest.raises(modelreg.APIError, match="locked for audit") as caught:
            reg.delete(model.id)
        assert caught.value.status_code == 200
        assert reg.get(model.id).id == model.id


def test_the_raw_api_speaks_fastapi() -> None:
    sandbox = SeliseProvider.sandbox()
    with raw_client(sandbox) as client:
        assert client.get("/models/").status_code == 401
        headers = {"x-blocks-key": DEFAULT_PROJECT}
        redirect = client.get("/models?page=2", headers=headers)
        assert redirect.status_code == 307
        assert redirect.headers["location"] == "https://api.seliseblocks.com/models/?page=2"
        listing = client.get("/models/", headers=headers).json()
        assert set(listing) == {"items", "total", "page", "page_size"}
        assert (listing["total"], listing["page"], listing["page_size"]) == (4, 1, 20)
        stored_names = {"_id", "CreatedDate", "LastUpdatedDate", "IsActive", "MaxTokens", "DefaultTemp"}
        assert stored_names <= set(listing["items"][0])
        bad = client.get("/models/", params={"page_size": "101", "provider": "acme"}, headers=headers)
        assert bad.status_code == 422
        assert [e["loc"] for e in bad.json()["detail"]] == [["query", "page_size"], ["query", "provider"]]
        missing = client.post("/models/", json={"provider": "openai"}, headers=headers)
        assert missing.status_code == 422
        required = {"loc": ["body", "display_name"], "msg": "field required", "type": "value_error.missing"}
        assert required in missing.json()["detail"]
        gone = client.delete("/models/mdl_999999", headers=headers)
        assert gone.status_code == 422
        not_found = {
            "loc": ["path", "model_id"],
            "msg": "model not found or already deleted",
            "type": "value_error.notfound",
        }
        assert gone.json() == {"detail": [not_found]}
        assert client.get("/models/bad%20id", headers=headers).status_code == 400


def test_server_side_422_with_echoed_input_is_clean() -> None:
    sandbox = SeliseProvider.sandbox(echo_input=True)
    with raw_client(sandbox) as client:
        body = {"provider": "openai", "api_key": "sk-echoed-key-0123456789abcdef"}
        detail = client.post("/models/", json=body, headers={"x-blocks-key": "k-123"}).json()["detail"]
    assert detail[0]["input"]["api_key"] == "sk-echoed-key-0123456789abcdef"
    from modelreg_selise._errors import error_for

    request = httpx.Request("POST", "https://api.seliseblocks.com/models/", json=body)
    response = httpx.Response(422, json={"detail": detail}, request=request)
    error = error_for(response)
    assert isinstance(error, modelreg.ValidationFailed)
    assert "sk-echoed-key" not in f"{error} {error.issues!r}"


def test_agent_models_list_platform_models_and_the_projects_valid_active_ones() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        models = reg.agent_models()
    ids = [m.model_id for m in models]
    assert ids[:3] == ["gpt-4-turbo", "gpt-3.5-turbo", "claude-3-opus"]
    assert [m.model_name for m in models[3:]] == ["GPT-4 Turbo"]


def test_catalogue_upsert_then_read_back_in_snake_case() -> None:
    with modelreg.connect("selise", sandbox=True) as reg:
        entry = {
            "Model": "mistral-large",
            "ModelGoodName": "Mistral Large",
            "MaxTokens": 8192,
            "DefaultTemp": 0.3,
            "ContextLength": 32000,
            "InputCostPerMillion": 2,
            "OutputCostPerMillion": 6,
        }
        assert reg.catalogue("mistral") == ()
        assert reg.upsert_catalogue("Mistral", [entry]).count == 1
        (read,) = reg.catalogue("MISTRAL")
    assert (read.model_name, read.display_name, read.context_window) == ("mistral-large", "Mistral Large", 32000)
    assert (read.input_cost_per_million, read.output_cost_per_million) == (2.0, 6.0)


def test_catalogue_for_an_undocumented_vendor_is_refused_before_sending() -> None:
    with modelreg.connect("selise", sandbox=True) as reg, pytest.raises(modelreg.ValidationFailed):
        reg.catalogue("acme")


def test_sqlite_store_keeps_every_model_across_sandboxes(tmp_path: Path) -> None:
    path = tmp_path / "selise.db"
    first = SeliseProvider.sandbox(store=SqliteStore(path), seed=True)
    with modelreg.connect("selise", sandbox=first) as reg:
        model = reg.create(**FIELDS)
        reg.validate(model.id)
    second = SeliseProvider.sandbox(store=SqliteStore(path))
    with modelreg.connect("selise", sandbox=second) as reg:
        assert reg.get(model.id).status is ModelStatus.AVAILABLE
        assert len(list(reg.list())) == 5


def test_the_token_endpoint_checks_registered_clients_and_issues_expiring_tokens() -> None:
    sandbox = SeliseProvider.sandbox(token_lifetime=60)
    sandbox.register_client("cid-1", "secret-1")
    with raw_client(sandbox) as client:
        headers = {"x-blocks-key": DEFAULT_PROJECT}
        form = {"grant_type": "client_credential", "client_id": "cid-1", "client_secret": "wrong"}
        assert client.post("/authentication/v1/OAuth/Token", data=form, headers=headers).status_code == 401
        form["client_secret"] = "secret-1"
        issued = client.post("/authentication/v1/OAuth/Token", data=form, headers=headers).json()
        assert issued["expires_in"] == 60
        bearer = {**headers, "authorization": f"Bearer {issued['access_token']}"}
        assert client.get("/models/", headers=bearer).status_code == 200
        sandbox.advance(61)
        assert client.get("/models/", headers=bearer).status_code == 401
        assert client.get("/models/", headers={**headers, "authorization": "Bearer forged"}).status_code == 401


def test_a_server_only_422_reaches_the_caller_without_the_echoed_key() -> None:
    sandbox = SeliseProvider.sandbox(echo_input=True)
    with modelreg.connect("selise", sandbox=sandbox) as reg, pytest.raises(modelreg.ValidationFailed) as caught:
        reg.create(**{**FIELDS, "service_platform": "on_premise"})
    error = caught.value
    assert error.status_code == 422
    assert [issue.loc for issue in error.issues] == [("body", "service_platform")]
    assert GOOD_KEY not in f"{error} {error!r} {error.issues!r} {dict(getattr(error, 'details', {}))!r}"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)
_BODY_KEYS = st.sampled_from(
    [
        "provider",
        "service_platform",
        "version",
        "model_name",
        "project_key",
        "display_name",
        "api_key",
        "MaxTokens",
        "DefaultTemp",
        "custom_headers",
        "base_url",
    ]
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(_JSON, st.dictionaries(_BODY_KEYS, _JSON, max_size=11)),
    query=st.dictionaries(
        st.sampled_from(["page", "page_size", "provider", "status", "is_active", "search"]),
        st.text(max_size=5),
        max_size=4,
    ),
    path=st.sampled_from(["/models/", "/models/x", "/models/x/validate", "/models/seed/providers/OpenAI/models"]),
)
def test_the_sandbox_answers_any_request_with_an_api_answer(body: Any, query: dict, path: str) -> None:
    sandbox = SeliseProvider.sandbox()
    with raw_client(sandbox) as client:
        headers = {"x-blocks-key": DEFAULT_PROJECT}
        for method in ("GET", "POST", "DELETE"):
            response = client.request(method, path, params=query, json=body, headers=headers)
            assert response.status_code in (200, 400, 404, 405, 409, 422), response.text
            response.json()
