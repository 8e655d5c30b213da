"""Settings from arguments or the environment; clear errors before anything is sent."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import modelreg


def test_missing_credential_names_the_argument_and_the_env_var(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    with pytest.raises(modelreg.ConfigurationError, match=r"pass token=\.\.\. or set TOY_TOKEN"):
        modelreg.connect("toy")


def test_credential_comes_from_the_environment(toy: Path) -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={"id": 1, "name": "a"})

    with modelreg.connect("toy", transport=httpx.MockTransport(answer)) as reg:
        reg.get(1)
    assert seen == ["Bearer toy-secret-token-123"]


def test_argument_wins_over_the_environment(toy: Path) -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={"id": 1, "name": "a"})

    with modelreg.connect("toy", token="explicit-token", transport=httpx.MockTransport(answer)) as reg:
        reg.get(1)
    assert seen == ["Bearer explicit-token"]


def test_unknown_argument_is_a_configuration_error(toy: Path) -> None:
    with pytest.raises(modelreg.ConfigurationError, match=r"does not take 'api_kee'.*accepts token"):
        modelreg.connect("toy", api_kee="x")


def test_base_url_comes_from_argument_then_env_then_default(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    urls: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json={"id": 1, "name": "a"})

    transport = httpx.MockTransport(answer)
    modelreg.connect("toy", transport=transport).get(1)
    monkeypatch.setenv("TOY_BASE_URL", "https://env.example/")
    modelreg.connect("toy", transport=transport).get(1)
    modelreg.connect("toy", transport=transport, base_url="http://127.0.0.1:9000").get(1)
    assert urls == [
        "https://api.toy.example/v1/models/1",
        "https://env.example/v1/models/1",
        "http://127.0.0.1:9000/v1/models/1",
    ]


def test_malformed_base_url_is_rejected(toy: Path) -> None:
    with pytest.raises(modelreg.ConfigurationError, match="must start with http"):
        modelreg.connect("toy", base_url="api.toy.example")


@pytest.mark.parametrize("bad", [{"max_retries": -1}, {"timeout": 0}, {"timeout": "soon"}])
def test_bad_engine_options_are_rejected(toy: Path, bad: dict[str, object]) -> None:
    with pytest.raises(modelreg.ConfigurationError):
        modelreg.connect("toy", **bad)  # type: ignore[call-overload]  # wrong values and types on purpose


def test_sandbox_needs_no_credentials(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOY_TOKEN")
    with modelreg.connect("toy", sandbox=True) as reg:
        assert reg.create(name="works").name == "works"


def test_default_timeouts_are_five_seconds_to_connect_and_thirty_to_read(toy: Path) -> None:
    timeouts: list[dict[str, float]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        return httpx.Response(200, json={"id": 1, "name": "a"})

    modelreg.connect("toy", transport=httpx.MockTransport(answer)).get(1)
    modelreg.connect("toy", transport=httpx.MockTransport(answer), timeout=10.0).get(1)
    assert timeouts[0]["connect"] == 5.0 and timeouts[0]["read"] == 30.0
    assert timeouts[1]["connect"] == 5.0 and timeouts[1]["read"] == 10.0
