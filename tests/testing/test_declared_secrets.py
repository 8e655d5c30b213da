"""Credentials a provider declares by header or query name: sent by the default ``sign``, masked by that name."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
import yaml

import modelreg
from modelreg.redaction import MASK, Redactor
from modelreg.testing import Scrubber, scan_cassette, secret_fields
from tests.conftest import install_entry_points

QUERY_KEY = """
import modelreg
from modelreg.provider import Provider, Setting
from modelreg_toy import ToyProvider

class QueryKeyProvider(ToyProvider):
    name = "querykey"
    settings = (Setting("key", env="QUERYKEY_KEY", secret=True, required=True, query="subscription-key"),)
    sign = Provider.sign  # the default: each declared credential where it says it travels

@modelreg.hookimpl
def register_providers(register):
    register(QueryKeyProvider)
"""
KEY = "a+b/c=d-0123456789"
"""A key that URL-encoding changes past recognition by value."""


@pytest.fixture
def querykey(toy: Path, acme: Path) -> None:
    install_entry_points(toy, "modelreg-querykey", {"querykey": "modelreg_querykey"}, {"modelreg_querykey": QUERY_KEY})


def _listing(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"items": [], "total": 0})


@pytest.mark.usefixtures("querykey")
def test_the_default_sign_puts_a_declared_credential_in_its_query_parameter_and_logs_mask_it_by_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent: list[httpx.URL] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request.url)
        return _listing(request)

    caplog.set_level(logging.DEBUG, logger="modelreg")
    with modelreg.connect("querykey", key=KEY, transport=httpx.MockTransport(record)) as reg:
        reg.list_page()
    assert sent[0].params["subscription-key"] == KEY
    assert "subscription-key=***" in caplog.text
    assert "a%2Bb" not in caplog.text and KEY not in caplog.text


@pytest.mark.usefixtures("querykey")
def test_the_default_sign_puts_a_declared_credential_in_its_header() -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"values": []})

    with modelreg.connect("acme", key="0123456789abcdef0123456789abcdef", transport=httpx.MockTransport(record)) as reg:
        reg.list_page()
    assert sent[0].headers["acme-key"] == "0123456789abcdef0123456789abcdef"


def test_a_redactor_masks_named_query_parameters_whatever_their_value() -> None:
    redactor = Redactor((), names=("subscription-key",))
    assert redactor.text("GET /m?top=5&subscription-key=a%2Bb%2Fc&x=1") == f"GET /m?top=5&subscription-key={MASK}&x=1"
    assert redactor.text("GET /m?my-subscription-key=1") == "GET /m?my-subscription-key=1"


@pytest.mark.usefixtures("querykey")
def test_a_scrubber_masks_declared_headers_and_parameters_by_name_without_knowing_the_value() -> None:
    assert {"acme-key", "subscription-key", "key"} <= secret_fields()
    scrubber = Scrubber(fields=secret_fields())
    headers = {"Acme-Key": "never-configured-value", "Accept": "application/json"}
    scrubber.headers(headers)
    assert headers == {"Acme-Key": MASK, "Accept": "application/json"}
    assert "never-configured" not in scrubber.uri("https://q.example/v1/models?subscription-key=never-configured")


def _cassette(
    path: Path, *, header: str, uri: str, body: str = "", value: str = "0123456789abcdef0123456789abcdef"
) -> Path:
    request = {"method": "GET", "uri": uri, "body": None, "headers": {header: [value]}}
    response = {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": body}}
    path.write_text(yaml.safe_dump({"interactions": [{"request": request, "response": response}], "version": 1}))
    return path


@pytest.mark.usefixtures("querykey")
def test_the_leak_scanner_reports_declared_credentials_left_unmasked_by_name(tmp_path: Path) -> None:
    cassette = _cassette(
        tmp_path / "leaky.yaml", header="Acme-Key", uri="https://q.example/v1/models?subscription-key=zz-123456"
    )
    kinds = {leak.kind for leak in scan_cassette(cassette)}
    assert "unmasked Acme-Key header" in kinds
    assert "unmasked subscription-key query parameter" in kinds


@pytest.mark.usefixtures("querykey")
def test_the_leak_scanner_finds_a_32_digit_hex_key_by_its_configured_value(tmp_path: Path) -> None:
    # ACME_KEY is 32 hex digits (the acme fixture): no pattern tells it from a uuid4().hex id.
    leaky = _cassette(tmp_path / "leaky.yaml", header="Accept", uri="https://q.example/v1/m", body="id 1")
    assert "known secret" in {leak.kind for leak in scan_cassette(leaky)}
    clean = _cassette(tmp_path / "clean.yaml", header="Accept", uri="https://q.example/v1/m", value="application/json")
    assert scan_cassette(clean) == []
