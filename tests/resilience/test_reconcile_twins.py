"""A create never returns a model it did not make: pre-existing twins, filters the vendor ignored, no dates."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import Model, OutcomeUnknown, ServerError
from modelreg.sandbox import Sandbox, VirtualClock
from tests.scenarios.selise import NEW_MODEL, SETTINGS

FIELDS: dict[str, dict[str, Any]] = {
    "scriptix": {"name": "Cardiology EN", "language": "en", "base_model": "medical"},
    "selise": dict(NEW_MODEL),
}
SETTINGS_OF: dict[str, dict[str, Any]] = {"scriptix": {"api_key": "sk-twins-test-0001"}, "selise": dict(SETTINGS)}


class Lying(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves a sandbox, but a create answers 503: after acting (``acts=True``) or without."""

    def __init__(
        self, sandbox: Sandbox, *, acts: bool, rewrite: Callable[[httpx.Request], httpx.Request] | None = None
    ):
        self.inner = sandbox.transport()
        self.acts = acts
        self.rewrite = rewrite or (lambda request: request)
        self.strip_dates = False

    def _is_create(self, request: httpx.Request) -> bool:
        return request.method == "POST" and request.url.path.rstrip("/").endswith(("custom_models", "/models"))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        if self._is_create(request):
            if self.acts:
                self.inner.handle_request(request)
            return httpx.Response(503, json={"message": "busy"})
        return self._undated(self.inner.handle_request(self.rewrite(request)))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)

    def _undated(self, response: httpx.Response) -> httpx.Response:
        if not self.strip_dates:
            return response
        body = json.loads(response.read())
        return httpx.Response(response.status_code, json=_without_dates(body), headers={"x-stripped": "1"})


def _without_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_dates(v) for k, v in value.items() if "creat" not in k.lower()}
    if isinstance(value, list):
        return [_without_dates(v) for v in value]
    return value


def _sandbox(provider: str) -> Sandbox:
    return modelreg.provider_info(provider).sandbox()


def _connect(provider: str, sandbox: Sandbox, transport: Lying, mode: str) -> Any:
    connect = modelreg.connect if mode == "sync" else modelreg.connect_async
    return connect(provider, sandbox=sandbox, transport=transport, max_retries=0, **SETTINGS_OF[provider])


async def _create(registry: Any, mode: str, fields: dict[str, Any]) -> Model:
    if mode == "sync":
        with registry:
            result: Model = registry.create(**fields)
            return result
    async with registry:
        created: Model = await registry.create(**fields)
        return created


def _twin(provider: str, sandbox: Sandbox, fields: dict[str, Any]) -> Model:
    with modelreg.connect(provider, sandbox=sandbox, **SETTINGS_OF[provider]) as registry:
        return registry.create(**fields)


def _clock(sandbox: Sandbox) -> VirtualClock:
    assert isinstance(sandbox.clock, VirtualClock)
    return sandbox.clock


def _all(provider: str, sandbox: Sandbox) -> list[Model]:
    with modelreg.connect(provider, sandbox=sandbox, **SETTINGS_OF[provider]) as registry:
        return list(registry.list())


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("provider", ["scriptix", "selise"])
async def test_a_twin_made_before_the_create_is_never_returned_as_the_new_model(provider: str, mode: str) -> None:
    sandbox = _sandbox(provider)
    twin = _twin(provider, sandbox, FIELDS[provider])
    _clock(sandbox).advance(3600)  # the twin is an hour old, far past the clock-skew allowance
    transport = Lying(sandbox, acts=False)
    with pytest.raises(ServerError) as caught:
        await _create(_connect(provider, sandbox, transport, mode), mode, FIELDS[provider])
    message = str(caught.value)
    assert twin.ref in message and "existed before the create" in message
    assert "safe to create it again" in message


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("provider", ["scriptix", "selise"])
async def test_the_model_a_lost_create_made_is_found_beside_an_older_twin(provider: str, mode: str) -> None:
    sandbox = _sandbox(provider)
    twin = _twin(provider, sandbox, FIELDS[provider])
    _clock(sandbox).advance(3600)
    created = await _create(_connect(provider, sandbox, Lying(sandbox, acts=True), mode), mode, FIELDS[provider])
    assert created.ref != twin.ref
    assert {m.ref for m in _all(provider, sandbox)} == {twin.ref, created.ref}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_same_named_model_in_another_language_is_not_a_match_even_if_the_vendor_ignores_filters(
    mode: str,
) -> None:
    sandbox = _sandbox("scriptix")
    other = _twin("scriptix", sandbox, {**FIELDS["scriptix"], "language": "nl"})

    def ignore_filters(request: httpx.Request) -> httpx.Request:
        params = [(k, v) for k, v in request.url.params.multi_items() if k not in ("language", "base_model")]
        return httpx.Request(request.method, request.url.copy_with(params=params), headers=request.headers)

    transport = Lying(sandbox, acts=False, rewrite=ignore_filters)
    # The other-language model is brand new (inside the skew allowance): only its key tells it apart.
    with pytest.raises(ServerError) as caught:
        await _create(_connect("scriptix", sandbox, transport, mode), mode, FIELDS["scriptix"])
    assert other.ref not in str(caught.value)
    assert "No model was created" in str(caught.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("acts", [True, False], ids=["made", "not-made"])
async def test_a_vendor_without_creation_times_gets_outcome_unknown_whenever_a_twin_exists(
    toy: Path, mode: str, acts: bool
) -> None:
    sandbox = _sandbox("toy")
    with modelreg.connect("toy", sandbox=sandbox) as first:
        twin = first.create(name="Alpha")
    transport = Lying(sandbox, acts=acts)
    transport.strip_dates = True
    connect = modelreg.connect if mode == "sync" else modelreg.connect_async
    registry: Any = connect("toy", sandbox=sandbox, transport=transport, max_retries=0)
    with pytest.raises(OutcomeUnknown) as caught:
        await _create(registry, mode, {"name": "Alpha"})
    assert twin.ref in str(caught.value) and "no creation time" in str(caught.value)


async def test_clock_skew_is_checked_and_widens_what_counts_as_new(toy: Path) -> None:
    with pytest.raises(modelreg.ConfigurationError, match="clock_skew"):
        modelreg.connect("toy", sandbox=True, clock_skew=-1)
    sandbox = _sandbox("toy")
    with modelreg.connect("toy", sandbox=sandbox) as registry:
        twin = registry.create(name="Alpha")
    _clock(sandbox).advance(600)
    # With an allowance of an hour, a ten-minute-old twin cannot be told from a new model: it is one.
    generous = modelreg.connect("toy", sandbox=sandbox, transport=Lying(sandbox, acts=False), clock_skew=3600)
    with generous:
        assert generous.create(name="Alpha").ref == twin.ref
