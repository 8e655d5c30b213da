"""ModelRegistry and AsyncModelRegistry over the toy provider: the contract's methods, sync and async."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg import Deletion, ModelStatus, Page


def counting(answer: Callable[[httpx.Request], httpx.Response]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request)

    return httpx.MockTransport(handler), sent


def test_lifecycle_through_the_sync_registry(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        created = reg.create(name="Cardiology", description="heart")
        assert (created.provider, created.status) == ("toy", ModelStatus.PENDING)
        assert reg.get(int(created.id)) == created
        assert reg.update(created.id, name="Cardio v2").name == "Cardio v2"
        assert [m.name for m in reg.list()] == ["Cardio v2"]
        assert reg.delete(created.id) == Deletion("toy", created.id, True, None)
        with pytest.raises(modelreg.NotFound):
            reg.delete(created.id)
        gone = reg.delete(created.id, missing_ok=True)
        assert not gone.deleted


async def test_lifecycle_through_the_async_registry(toy: Path) -> None:
    async with modelreg.connect_async("toy", sandbox=True) as reg:
        created = await reg.create(name="Cardiology")
        assert (await reg.get(created.id)) == created
        assert (await reg.update(created.id, description="d")).description == "d"
        assert [m.id async for m in reg.list()] == [created.id]
        assert (await reg.delete(created.id)).deleted
        assert not (await reg.delete(created.id, missing_ok=True)).deleted


def test_list_page_returns_one_page_with_its_facts(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        for n in range(12):
            reg.create(name=f"m{n}")
        page = reg.list_page(2, page_size=5)
    assert isinstance(page, Page)
    assert [m.name for m in page.items] == ["m5", "m6", "m7", "m8", "m9"]
    assert (page.page, page.page_size, page.total, page.has_more) == (2, 5, 12, True)


def test_list_walks_every_page_and_honours_limit(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        for n in range(23):
            reg.create(name=f"m{n}")
        assert [m.name for m in reg.list(page_size=5)] == [f"m{n}" for n in range(23)]
        assert len(list(reg.list(limit=7, page_size=5))) == 7
        assert list(reg.list(limit=0)) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda reg: reg.create(name=""), "name is required"),
        (lambda reg: reg.create(name="x", colour="red"), "unknown body field 'colour'"),
        (lambda reg: reg.list_page(page=0), "page"),
        (lambda reg: reg.list_page(page_size=51), "from 1 to 50"),
        (lambda reg: list(reg.list(language="en")), "unknown query field 'language'"),
        (lambda reg: reg.list(limit=-1), "non-negative"),
    ],
)
def test_invalid_input_is_rejected_before_anything_is_sent(
    toy: Path, call: Callable[[modelreg.ModelRegistry], object], message: str
) -> None:
    transport, sent = counting(lambda r: httpx.Response(500))
    with modelreg.connect("toy", transport=transport) as reg, pytest.raises(modelreg.ValidationFailed, match=message):
        call(reg)
    assert sent == []


def test_unsupported_operation_says_so_and_sends_nothing(toy: Path) -> None:
    transport, sent = counting(lambda r: httpx.Response(500))
    with modelreg.connect("toy", transport=transport) as reg:
        with pytest.raises(modelreg.UnsupportedOperation, match="Toy does not support train"):
            reg.train(1)
        with pytest.raises(modelreg.UnsupportedOperation, match="validate"):
            reg.validate(1)
    assert sent == []


def test_provider_only_operations_are_registry_methods(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        model = reg.create(name="draft")
        assert reg.operations == ("publish",)
        assert "publish" in dir(reg)
        assert reg.publish(model.id, wait=3600).status is ModelStatus.AVAILABLE
        assert reg.publish.__doc__
        with pytest.raises(AttributeError):
            reg.frobnicate  # noqa: B018


async def test_provider_only_operations_are_awaitable_on_the_async_registry(toy: Path) -> None:
    async with modelreg.connect_async("toy", sandbox=True) as reg:
        model = await reg.create(name="draft")
        assert (await reg.publish(model.id)).status is ModelStatus.AVAILABLE


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, modelreg.AuthenticationFailed),
        (402, modelreg.QuotaExceeded),
        (403, modelreg.PermissionDenied),
        (404, modelreg.NotFound),
        (409, modelreg.Conflict),
        (422, modelreg.ValidationFailed),
        (500, modelreg.ServerError),
        (418, modelreg.APIError),
    ],
)
def test_error_answers_become_typed_errors(toy: Path, status: int, error: type[Exception]) -> None:
    transport, sent = counting(lambda r: httpx.Response(status, json={"message": "nope"}))
    with modelreg.connect("toy", transport=transport, max_retries=0) as reg, pytest.raises(error) as caught:
        reg.get(1)
    assert "nope" in str(caught.value)
    assert len(sent) == 1


@pytest.mark.parametrize("body", [b"<html>oops</html>", b'{"id": "not-an-int"}', b"[1, 2]", b""])
def test_malformed_success_bodies_are_protocol_errors(toy: Path, body: bytes) -> None:
    transport, _ = counting(lambda r: httpx.Response(200, content=body))
    with modelreg.connect("toy", transport=transport) as reg, pytest.raises(modelreg.ProtocolError):
        reg.get(1)


def test_redirect_is_a_protocol_error_that_points_at_base_url(toy: Path) -> None:
    transport, _ = counting(lambda r: httpx.Response(307, headers={"location": "https://elsewhere/"}))
    with modelreg.connect("toy", transport=transport) as reg, pytest.raises(modelreg.ProtocolError, match="base_url"):
        reg.get(1)


def test_connect_error_is_a_transport_error(toy: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    transport = httpx.MockTransport(refuse)
    with (
        modelreg.connect("toy", transport=transport, max_retries=0) as reg,
        pytest.raises(modelreg.TransportError, match="could not complete GET"),
    ):
        reg.get(1)


def test_a_call_on_a_closed_registry_says_the_registry_was_closed(toy: Path) -> None:
    reg = modelreg.connect("toy", sandbox=True)
    reg.close()
    with pytest.raises(modelreg.TransportError, match="registry was closed") as caught:
        reg.get(1)
    assert "nothing was sent" in str(caught.value)


def test_requests_carry_a_user_agent(toy: Path) -> None:
    transport, sent = counting(lambda r: httpx.Response(200, json={"id": 1, "name": "a"}))
    modelreg.connect("toy", transport=transport).get(1)
    assert sent[0].headers["user-agent"].startswith("modelreg/")


def test_secrets_never_reach_logs_errors_or_reprs(toy: Path, caplog: pytest.LogCaptureFixture) -> None:
    secret = "toy-secret-token-123"
    transport, _ = counting(lambda r: httpx.Response(401, json={"message": f"token {secret} is revoked"}))
    caplog.set_level(logging.DEBUG, logger="modelreg")
    with modelreg.connect("toy", transport=transport, base_url=f"https://h.example/?token={secret}") as reg:
        with pytest.raises(modelreg.AuthenticationFailed) as caught:
            reg.get(1)
        texts = [str(caught.value), repr(caught.value), repr(reg), repr(reg._provider.config)]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records, "expected DEBUG log lines"
    assert all(secret not in text for text in texts), texts
    assert "***" in str(caught.value)


def test_a_success_body_is_decoded_once(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine checks a JSON answer is whole and hands the decoded body on to the provider."""
    import modelreg._json as json_module

    calls: list[int] = []
    real_loads = json_module.loads

    def counting_loads(text: str | bytes, **kwargs: Any) -> Any:
        calls.append(1)
        return real_loads(text, **kwargs)

    transport, _ = counting(lambda r: httpx.Response(200, json={"id": 1, "name": "a"}))
    with modelreg.connect("toy", transport=transport) as reg:
        monkeypatch.setattr(json_module, "loads", counting_loads)
        assert reg.get(1).name == "a"
    assert len(calls) == 1
