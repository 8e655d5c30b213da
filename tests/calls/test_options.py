"""``with_options`` views and ``connect(headers=, user_agent=)``: per-call options, the parent unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import ConfigurationError
from tests.calls.conftest import Recording, sandbox_for
from tests.resilience.specs import Spec


def test_a_view_uses_its_options_and_the_parent_keeps_its_own(spec: Spec) -> None:
    sandbox = sandbox_for(spec)
    transport = Recording(sandbox.transport())
    with modelreg.connect(spec.name, sandbox=sandbox, transport=transport, timeout=30) as reg:
        model = reg.create(**spec.create("options"))
        fast = reg.with_options(timeout=2.5, headers={"X-Trace": "abc"})
        assert fast.get(model.id) == reg.get(model.id)
    viewed, plain = transport.sent[-2:]
    assert viewed.extensions["timeout"]["read"] == 2.5 and viewed.headers["x-trace"] == "abc"
    assert plain.extensions["timeout"]["read"] == 30.0 and "x-trace" not in plain.headers


def test_a_view_shares_the_client_pacer_and_sandbox(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        view = reg.with_options(max_retries=0, deadline=5)
        assert view._client is reg._client and view._pacer is reg._pacer and view.sandbox is reg.sandbox
        assert (view._engine.policy.max_retries, view._engine.deadline) == (0, 5.0)
        assert (reg._engine.policy.max_retries, reg._engine.deadline) == (2, None)
        assert view.with_options(deadline=None)._engine.deadline is None


def test_closing_a_view_leaves_the_registry_open(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        with reg.with_options(timeout=1) as view:
            view.create(name="kept")
        assert [m.name for m in reg.list()] == ["kept"]


async def test_an_async_view_sends_with_its_options(spec: Spec) -> None:
    sandbox = sandbox_for(spec)
    transport = Recording(sandbox.transport())
    async with modelreg.connect_async(spec.name, sandbox=sandbox, transport=transport) as reg:
        model = await reg.create(**spec.create("async options"))
        view = reg.with_options(headers={"X-Tenant": "t1"}, max_retries=0)
        async with view:
            assert (await view.get(model.id)).id == model.id
        assert (await reg.get(model.id)).id == model.id  # the view's close left the client open
    assert transport.sent[-2].headers["x-tenant"] == "t1" and "x-tenant" not in transport.sent[-1].headers


def test_a_view_retries_as_often_as_it_says(toy: Path) -> None:
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503)

    with modelreg.connect("toy", token="t-12345678", transport=httpx.MockTransport(flaky)) as reg:
        sleepless = reg.with_options(max_retries=0)
        with pytest.raises(modelreg.ServerError):
            sleepless.get(1)
    assert len(calls) == 1


def test_default_headers_and_the_user_agent_suffix_go_with_every_request(spec: Spec) -> None:
    sandbox = sandbox_for(spec)
    transport = Recording(sandbox.transport())
    options: dict[str, Any] = {"headers": {"X-Team": "speech"}, "user_agent": "myapp/2"}
    with modelreg.connect(spec.name, sandbox=sandbox, transport=transport, **options) as reg:
        reg.list_page()
    sent = transport.sent[-1]
    assert sent.headers["x-team"] == "speech"
    assert sent.headers["user-agent"] == f"modelreg/{modelreg.__version__} myapp/2"


def test_headers_never_replace_the_credentials(toy: Path) -> None:
    transport = Recording(modelreg.provider_info("toy").sandbox().transport())
    # A sandbox takes no credential from the environment: the token is given as an argument.
    with modelreg.connect(
        "toy", sandbox=True, transport=transport, token="toy-secret-token-123", headers={"Authorization": "Bearer x"}
    ) as reg:
        reg.list_page()
    assert transport.sent[-1].headers["authorization"] == "Bearer toy-secret-token-123"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"headers": {"User-Agent": "me"}}, "user_agent="),
        ({"headers": {"bad name": "x"}}, "not a valid header name"),
        ({"headers": {"X-A": "line\nbreak"}}, "one line"),
        ({"headers": ["X-A"]}, "map header names"),
        ({"user_agent": ""}, "user_agent"),
    ],
)
def test_malformed_headers_are_refused_before_anything_is_sent(toy: Path, options: dict, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        modelreg.connect("toy", sandbox=True, **options)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 0}, "timeout"),
        ({"deadline": -1}, "deadline"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"max_wait": "soon"}, "max_wait"),
        ({"headers": {"Host": "x"}}, "Host"),
    ],
)
def test_malformed_view_options_are_refused(toy: Path, options: dict, message: str) -> None:
    with modelreg.connect("toy", sandbox=True) as reg, pytest.raises(ConfigurationError, match=message):
        reg.with_options(**options)


def test_a_credential_passed_as_a_header_is_masked_in_errors(toy: Path) -> None:
    secret = "hdr-secret-0123456789"

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"message": f"bad key {request.headers['x-api-key']}"})

    with modelreg.connect("toy", token="t-12345678", transport=httpx.MockTransport(refuse)) as reg:
        view = reg.with_options(headers={"X-Api-Key": secret})
        with pytest.raises(modelreg.ValidationFailed) as info:
            view.get(1)
    assert secret not in str(info.value) and "***" in str(info.value)


def test_a_view_keeps_the_registrys_repr_and_operations(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        view = reg.with_options(timeout=3)
        assert repr(view) == repr(reg) and view.operations == ("publish",)
        model = view.create(name="draft")
        assert view.publish(model.id).status is modelreg.ModelStatus.AVAILABLE
