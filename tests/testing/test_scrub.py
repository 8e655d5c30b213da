"""Scrubbing masks credentials by name and by value, and leaves clean bodies byte-identical."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from modelreg.testing import Scrubber, secret_fields, vcr_options
from modelreg.testing._scrub import is_secret_header
from modelreg.testing._secrets import scrubber as default_scrubber


def _request(uri: str, body: bytes | None, headers: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(uri=uri, body=body, headers=dict(headers))


def test_secret_headers_are_masked_and_ordinary_headers_kept() -> None:
    headers = {"Authorization": "Bearer abc12345", "X-Blocks-Key": "bk-1234", "accept": "application/json"}
    Scrubber().headers(headers)
    assert headers == {"Authorization": "***", "X-Blocks-Key": "***", "accept": "application/json"}


def test_conventional_credential_header_names_are_secret() -> None:
    assert is_secret_header("X-Api-Key")
    assert is_secret_header("x-zoom-s2t-key")
    assert not is_secret_header("content-type")
    assert not is_secret_header("retry-after")


def test_secret_query_parameters_are_masked_and_learned() -> None:
    scrubber = Scrubber()
    uri = scrubber.uri("https://api.example/models/?project_key=PK-778899&page=2")
    assert uri == "https://api.example/models/?project_key=***&page=2"
    assert scrubber.text("echo PK-778899") == "echo ***"


def test_json_fields_are_masked_at_any_depth_including_third_party_api_key() -> None:
    body = json.dumps({"display_name": "GPT", "api_key": "sk-live-123456", "nested": [{"token": "t-9999"}]})
    scrubbed = json.loads(Scrubber().body(body.encode(), "application/json", learn=True) or b"")
    assert scrubbed == {"display_name": "GPT", "api_key": "***", "nested": [{"token": "***"}]}


def test_declared_field_names_are_masked() -> None:
    scrubbed = Scrubber(fields=["blocks_key"]).body(b'{"Blocks_Key": "abcd1234"}', "application/json")
    assert json.loads(scrubbed or b"") == {"Blocks_Key": "***"}


def test_known_values_are_masked_inside_any_string() -> None:
    scrubber = Scrubber(secrets=["s3cr3t-value"])
    scrubbed = scrubber.body(b'{"message": "invalid key s3cr3t-value"}', "application/json")
    assert json.loads(scrubbed or b"") == {"message": "invalid key ***"}


def test_clean_bodies_keep_their_exact_bytes() -> None:
    raw = b'{"b": 1,  "a": [1, 2]}'
    assert Scrubber(secrets=["nothere1"]).body(raw, "application/json") == raw


def test_form_and_multipart_fields_are_masked() -> None:
    scrubber = Scrubber()
    form = scrubber.body(b"grant_type=client_credentials&client_secret=cs-4455", "application/x-www-form-urlencoded")
    assert form == b"grant_type=client_credentials&client_secret=***"
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="client_secret"\r\n\r\ncs-4455\r\n--b\r\n'
        b'Content-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--b--\r\n'
    )
    scrubbed = scrubber.body(multipart, "multipart/form-data; boundary=b", learn=True) or b""
    assert b"cs-4455" not in scrubbed
    assert b"client_credentials" in scrubbed


def test_a_key_seen_in_a_request_is_scrubbed_from_the_response_that_echoes_it() -> None:
    options = vcr_options(Scrubber())
    request = _request("https://api.example/x", None, {"authorization": "Bearer tok-abcdef-123"})
    options["before_record_request"](request)
    assert request.headers["authorization"] == "***"
    echoed = json.dumps({"error": "token tok-abcdef-123 is revoked"}).encode()
    response: dict[str, Any] = {
        "headers": {"Content-Type": ["application/json"], "Content-Length": [str(len(echoed))]},
        "body": {"string": echoed},
    }
    options["before_record_response"](response)
    assert b"tok-abcdef-123" not in response["body"]["string"]
    assert response["headers"]["Content-Length"] == [str(len(response["body"]["string"]))]


def test_every_installed_provider_credential_name_is_a_masked_field() -> None:
    fields = secret_fields()
    assert {"api_key", "blocks_key", "project_key", "access_token", "client_secret"} <= fields
    scrubbed = default_scrubber().body(b'{"blocks_key": "bk-12345678", "name": "x"}', "application/json")
    assert json.loads(scrubbed or b"") == {"blocks_key": "***", "name": "x"}


def test_credentials_configured_in_the_environment_are_masked_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SELISE_BLOCKS_KEY", "env-blocks-key-424242")
    scrubber = default_scrubber()
    assert scrubber.text("x-blocks-key was env-blocks-key-424242") == "x-blocks-key was ***"
    assert scrubber.text("placeholder sandbox-api_key") == "placeholder ***"


def test_short_values_seen_in_requests_are_masked_in_their_field_but_not_everywhere() -> None:
    scrubber = Scrubber()
    body = scrubber.body(b'{"password": "test"}', "application/json", learn=True)
    assert json.loads(body or b"") == {"password": "***"}
    assert scrubber.text("the latest model") == "the latest model"


@pytest.mark.parametrize("depth", [600, 5_000, 100_000])
def test_a_body_nested_past_the_recursion_limit_is_scrubbed_not_crashed(depth: int) -> None:
    """Deep enough for json.loads, or too deep for it: fields masked by name, secrets by value."""
    deep = '{"a":' * depth + '"sk-configured-999"' + "}" * depth
    body = ('{"api_key": "sk-live-123456", "x": ' + deep + "}").encode()
    scrubbed = Scrubber(["sk-configured-999"]).body(body, "application/json", learn=True)
    assert scrubbed is not None
    assert b"sk-live-123456" not in scrubbed and b"sk-configured-999" not in scrubbed
