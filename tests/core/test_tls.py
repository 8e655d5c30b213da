"""Registries share one TLS context per CA setting instead of loading the CA bundle per client."""

from __future__ import annotations

import asyncio

import certifi
import pytest

import modelreg
from modelreg._tls import tls_context, verify_for


def _context_of(reg: object) -> object:
    pool = reg._client._transport._pool  # type: ignore[attr-defined]
    return pool._ssl_context


def test_registries_connected_over_the_network_share_one_tls_context() -> None:
    with modelreg.connect("scriptix", api_key="k1", base_url="https://a.invalid") as first:
        areg = modelreg.connect_async("scriptix", api_key="k2", base_url="https://b.invalid")
        assert _context_of(first) is _context_of(areg) is tls_context()
        asyncio.run(areg.aclose())


def test_the_shared_context_verifies_certificates_and_hostnames() -> None:
    context = tls_context()
    assert context.check_hostname and context.verify_mode.name == "CERT_REQUIRED"


def test_setting_ssl_cert_file_gives_registries_connected_later_a_context_for_that_bundle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = tls_context()
    monkeypatch.setenv("SSL_CERT_FILE", certifi.where())
    after = tls_context()
    assert after is not before and tls_context() is after


def test_a_client_with_its_own_transport_keeps_httpx_default_verify() -> None:
    assert verify_for(object()) is True
