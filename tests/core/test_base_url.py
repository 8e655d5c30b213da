"""A base URL built from settings: ``{region}`` filled in, checked, and used everywhere the URL shows."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

import modelreg
from modelreg import ConfigurationError


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"values": [], "@nextLink": None})


def test_the_region_setting_fills_the_base_url_its_repr_and_the_request_urls(
    acme: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return _ok(request)

    caplog.set_level(logging.DEBUG, logger="modelreg")
    with modelreg.connect("acme", region="northeurope", transport=httpx.MockTransport(record)) as reg:
        assert reg.config.base_url == "https://northeurope.api.acme.example/speech/v1"
        assert repr(reg) == "<AcmeRegistry acme https://northeurope.api.acme.example/speech/v1>"
        reg.list_page(page_size=5)
    assert sent == ["https://northeurope.api.acme.example/speech/v1/models?top=5"]
    assert "https://northeurope.api.acme.example/speech/v1/models?top=5" in caplog.text


def test_registries_of_two_regions_pace_apart_and_of_one_region_together(acme: Path) -> None:
    transport = httpx.MockTransport(_ok)
    north = modelreg.connect("acme", region="northeurope", transport=transport)
    west = modelreg.connect("acme", region="westeurope", transport=transport)
    also_west = modelreg.connect("acme", region="westeurope", transport=transport)
    assert west._pacer is also_west._pacer and north._pacer is not west._pacer
    for reg in (north, west, also_west):
        reg.close()


def test_a_missing_region_says_which_setting_builds_the_base_url(acme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_REGION")
    with pytest.raises(ConfigurationError, match="ACME_REGION"):
        modelreg.connect("acme")


@pytest.mark.parametrize("region", ["evil.example/x", "a?b=1", "a#b", "a@b", "", "west europe"])
def test_a_value_that_could_change_the_host_or_path_is_refused(acme: Path, region: str) -> None:
    with pytest.raises(ConfigurationError, match="region"):
        modelreg.connect("acme", region=region)


def test_a_placeholder_that_names_no_setting_is_refused(acme: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"\{tenant\}"):
        modelreg.connect("acme", base_url="https://{tenant}.acme.example/speech/v1")


def test_a_given_base_url_may_use_the_placeholders_too(acme: Path) -> None:
    with modelreg.connect("acme", base_url="https://{region}.eu.acme.example/speech/v1", region="x1") as reg:
        assert reg.config.base_url == "https://x1.eu.acme.example/speech/v1"


def test_a_secret_in_the_base_url_is_masked_in_the_error(acme: Path) -> None:
    with pytest.raises(ConfigurationError) as refused:
        modelreg.connect("acme", base_url="https://{key}.acme.example", key="bad/key-0123456789")
    assert "bad/key" not in str(refused.value) and "***" in str(refused.value)


def test_the_sandbox_fills_a_required_region_with_a_placeholder(acme: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACME_REGION")
    monkeypatch.delenv("ACME_KEY")
    with modelreg.connect("acme", sandbox=True) as reg:
        assert reg.config.base_url == "https://sandbox.api.acme.example/speech/v1"
        assert reg.list_page().items == ()
