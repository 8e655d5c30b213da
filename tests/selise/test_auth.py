"""Credentials: x-blocks-key, bearer tokens, the OAuth client-credential flow, caching and refresh."""

from __future__ import annotations

import concurrent.futures
from typing import Any

import httpx
import pytest
from modelreg_selise import SeliseProvider
from modelreg_selise._auth import BOUNDARY

import modelreg
from tests.selise.helpers import BLOCKS_KEY, CLIENT_ID, CLIENT_SECRET, PROJECT_KEY, Recorder, connect, model_doc

TOKEN_PATH = "/authentication/v1/OAuth/Token"


def token_server(token_body: Any = None, token_status: int = 200) -> Any:
    """Answers the token endpoint with ``token_body``; model requests need the latest token."""
    state = {"issued": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            state["issued"] += 1
            body = token_body or {"access_token": f"tok-{state['issued']}", "expires_in": 3600}
            return httpx.Response(token_status, json=body)
        if request.headers.get("authorization") != f"Bearer tok-{state['issued']}" and token_body is None:
            return httpx.Response(401, json={"detail": "Invalid or expired access token"})
        return httpx.Response(200, json=model_doc())

    return handler, state


def creds() -> dict[str, Any]:
    return {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "project_key": PROJECT_KEY}


def test_client_credentials_fetch_a_token_as_documented_then_send_it_as_bearer() -> None:
    handler, _ = token_server()
    reg, recorder = connect(handler, **creds())
    reg.get("model_123")
    token, get = recorder.requests
    assert (token.method, token.url.path) == ("POST", TOKEN_PATH)
    assert token.headers["x-blocks-key"] == BLOCKS_KEY
    assert token.headers["content-type"] == f"multipart/form-data; boundary={BOUNDARY}"
    body = token.content.decode()
    for name, value in (
        ("grant_type", "client_credential"),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ):
        assert f'Content-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n' in body
    assert get.headers["authorization"] == "Bearer tok-1"
    assert get.headers["x-blocks-key"] == BLOCKS_KEY


def test_the_token_is_cached_across_calls() -> None:
    handler, state = token_server()
    reg, recorder = connect(handler, **creds())
    for _ in range(5):
        reg.get("model_123")
    assert state["issued"] == 1
    assert len(recorder.requests) == 6


def test_a_401_drops_the_token_and_retries_once_with_a_fresh_one() -> None:
    handler, state = token_server()
    reg, recorder = connect(handler, **creds())
    reg.get("model_123")
    state["issued"] += 1  # the server revokes tok-1: only a newly issued token works now
    reg.get("model_123")
    paths = [r.url.path for r in recorder.requests]
    assert paths == [TOKEN_PATH, "/models/model_123", "/models/model_123", TOKEN_PATH, "/models/model_123"]
    assert recorder.requests[-1].headers["authorization"] == "Bearer tok-3"


def test_a_second_401_after_refreshing_is_authentication_failed_not_a_loop() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
        return httpx.Response(401, json={"detail": "Invalid or expired access token"})

    reg, recorder = connect(handler, **creds())
    with pytest.raises(modelreg.AuthenticationFailed):
        reg.get("model_123")
    assert len(recorder.requests) == 4


def test_a_static_token_is_not_refreshed_after_a_401() -> None:
    reg, recorder = connect(lambda r: httpx.Response(401, json={"detail": "expired"}), access_token="tok-static")
    with pytest.raises(modelreg.AuthenticationFailed):
        reg.get("model_123")
    assert len(recorder.requests) == 1


def test_wrong_client_credentials_are_authentication_failed_naming_them() -> None:
    handler, _ = token_server({"error": "invalid_client"}, token_status=401)
    reg, recorder = connect(handler, **creds())
    with pytest.raises(modelreg.AuthenticationFailed) as caught:
        reg.get("model_123")
    assert "client_id, client_secret" in caught.value.message
    assert CLIENT_SECRET not in str(caught.value)
    assert [r.url.path for r in recorder.requests] == [TOKEN_PATH]


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, {"error": "invalid_grant", "error_description": "grant refused"}), (400, None), (401, {"error": "x"})],
)
def test_a_token_endpoint_refusal_is_authentication_failed(status: int, body: Any) -> None:
    handler, _ = token_server(body or {"detail": "bad form"}, token_status=status)
    reg, recorder = connect(handler, **creds())
    with pytest.raises(modelreg.AuthenticationFailed, match="token endpoint") as caught:
        reg.agent_models()
    assert caught.value.status_code == status
    assert caught.value.error_code == (body or {}).get("error")
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"accessToken": "tok-x", "expiresIn": "3600"},
        {"AccessToken": "tok-x", "ExpiresIn": 3600.0},
        {"data": {"access_token": "tok-x", "expires_in": 60}},
        {"access_token": "tok-x"},
        {"access_token": "tok-x", "expires_in": "soon"},
    ],
)
def test_token_answers_are_read_tolerantly(body: dict) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            return httpx.Response(200, json=body)
        return httpx.Response(200, json=model_doc())

    reg, recorder = connect(handler, **creds())
    reg.get("model_123")
    assert recorder.requests[1].headers["authorization"] == "Bearer tok-x"


@pytest.mark.parametrize("body", [{"token_type": "Bearer", "secret_field": "tok-hidden-123"}, ["tok-hidden-123"]])
def test_a_token_answer_without_a_token_is_a_protocol_error_that_shows_no_body(body: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    reg, _ = connect(handler, **creds())
    with pytest.raises(modelreg.ProtocolError) as caught:
        reg.get("model_123")
    assert "tok-hidden-123" not in f"{caught.value} {caught.value.excerpt}"


def test_an_expired_token_is_replaced_before_it_is_refused() -> None:
    sandbox = SeliseProvider.sandbox(token_lifetime=600, require_token=True)
    reg = modelreg.connect("selise", sandbox=sandbox, **creds())
    sandbox.add_model(PROJECT_KEY, provider="openai", model_name="m", display_name="M", api_key="k")
    reg.list_page()
    sandbox.advance(700)
    reg.list_page()
    assert sandbox.requests["token"] == 2
    assert sandbox.requests["list"] == 2


def test_concurrent_calls_share_one_cached_token() -> None:
    handler, state = token_server()
    recorder = Recorder(handler)
    reg = modelreg.connect("selise", transport=recorder.transport(), blocks_key=BLOCKS_KEY, **creds())
    reg.get("model_123")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        models = list(pool.map(lambda _: reg.get("model_123"), range(40)))
    assert len(models) == 40
    assert state["issued"] == 1


async def test_the_token_flow_is_the_same_async() -> None:
    sandbox = SeliseProvider.sandbox(require_token=True)
    async with modelreg.connect_async("selise", sandbox=sandbox, **creds()) as reg:
        await reg.list_page()
        sandbox.revoke_tokens()
        await reg.list_page()
    assert sandbox.requests["token"] == 2


@pytest.mark.parametrize("given", [{"client_id": "only-id"}, {"client_secret": "only-secret"}])
def test_half_a_client_credential_pair_is_a_configuration_error(given: dict) -> None:
    with pytest.raises(modelreg.ConfigurationError, match=r"client_id.*client_secret|client_secret.*client_id"):
        modelreg.connect("selise", blocks_key=BLOCKS_KEY, **given)


def test_a_missing_blocks_key_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SELISE_BLOCKS_KEY", raising=False)
    with pytest.raises(modelreg.ConfigurationError, match="SELISE_BLOCKS_KEY"):
        modelreg.connect("selise")


def test_settings_come_from_the_environment_and_are_all_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "SELISE_BLOCKS_KEY": BLOCKS_KEY,
        "SELISE_PROJECT_KEY": PROJECT_KEY,
        "SELISE_ACCESS_TOKEN": "tok-env-123456",
        "SELISE_CLIENT_ID": CLIENT_ID,
        "SELISE_CLIENT_SECRET": CLIENT_SECRET,
        "SELISE_BASE_URL": "https://blocksapi.example.com",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reg = modelreg.connect("selise")
    config = reg._provider.config
    assert config.base_url == "https://blocksapi.example.com"
    assert config.secret_names == {"blocks_key", "project_key", "access_token", "client_id", "client_secret"}
    shown = repr(config) + repr(reg) + repr(reg._provider)
    for name, value in env.items():
        if name != "SELISE_BASE_URL":
            assert value not in shown
