"""``with_raw_response``: status, masked headers, request id, attempts and the parsed record; errors carry the id."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

import modelreg
from modelreg import Deletion, Model, Page, RawResponse
from tests.calls.conftest import Recording, sandbox_for
from tests.resilience.specs import Spec

REQUEST_ID = {"toy": "x-toy-request-id", "scriptix": "x-request-id", "selise": "x-request-id"}


def test_every_operation_answers_raw_with_the_record_it_parses(spec: Spec) -> None:
    with modelreg.connect(spec.name, sandbox=sandbox_for(spec), **spec.credentials) as reg:
        raw = reg.with_raw_response
        created = raw.create(**spec.create("raw"))
        model = created.parse()
        assert isinstance(model, Model) and created.status_code in (200, 201)
        got = raw.get(model.id)
        assert got.status_code == 200 and got.parse() == reg.get(model.id)
        page = raw.list_page(page_size=5)
        assert isinstance(page.parse(), Page) and model.id in [m.id for m in page.parse().items]
        if spec.update is not None:
            assert raw.update(model.id, **spec.update(1)).parse().description == "change 1"
        deleted = raw.delete(model.id)
        assert isinstance(deleted.parse(), Deletion) and deleted.parse().deleted
    for answer in (created, got, page, deleted):
        assert isinstance(answer, RawResponse)
        assert answer.request_id is not None and answer.request_id.startswith("req-")
        assert answer.headers[REQUEST_ID[spec.name]] == answer.request_id
        assert answer.attempts == 1 and answer.elapsed >= 0


async def test_the_async_registry_answers_raw_too(spec: Spec) -> None:
    async with modelreg.connect_async(spec.name, sandbox=sandbox_for(spec), **spec.credentials) as reg:
        created = await reg.with_raw_response.create(**spec.create("raw async"))
        got = await reg.with_raw_response.get(created.parse().id)
        page = await reg.with_raw_response.list_page()
        gone = await reg.with_raw_response.delete(created.parse().id)
    assert got.status_code == 200 and got.parse().id == created.parse().id
    assert page.parse().items and gone.parse().deleted
    assert got.request_id and got.request_id != created.request_id


def test_a_missing_model_deleted_with_missing_ok_shows_the_404(spec: Spec) -> None:
    with modelreg.connect(spec.name, sandbox=sandbox_for(spec), **spec.credentials) as reg:
        model = reg.create(**spec.create("gone"))
        reg.delete(model.id)
        raw = reg.with_raw_response.delete(model.id, missing_ok=True)
    assert raw.parse().deleted is False
    assert raw.status_code in (404, 422) and raw.request_id is not None


def test_provider_operations_answer_raw(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        model = reg.create(name="draft")
        published = reg.with_raw_response.publish(model.id)
    assert published.status_code == 200 and published.parse().status is modelreg.ModelStatus.AVAILABLE


def test_attempts_count_the_retries_and_headers_are_masked(toy: Path) -> None:
    answers = [httpx.Response(503), httpx.Response(503)]
    body = {"id": 7, "name": "m", "state": "live"}

    def handler(request: httpx.Request) -> httpx.Response:
        if answers:
            return answers.pop()
        headers = {
            "x-request-id": "req-abc",
            "set-cookie": "session=toy-secret-token-123",
            "x-echo": "token was toy-secret-token-123",
        }
        return httpx.Response(200, json=body, headers=headers)

    with modelreg.connect("toy", transport=httpx.MockTransport(handler)) as reg:
        reg._engine.policy.random = lambda: 0.0  # no real backoff
        raw = reg.with_raw_response.get(7)
    assert raw.attempts == 3 and raw.request_id == "req-abc"
    assert raw.headers["set-cookie"] == "***" and raw.headers["x-echo"] == "token was ***"
    assert "toy-secret-token-123" not in repr(raw)


def test_every_api_error_carries_and_shows_the_request_id(spec: Spec) -> None:
    with modelreg.connect(spec.name, sandbox=sandbox_for(spec), **spec.credentials) as reg:
        missing = "99999" if spec.name != "selise" else "mdl_999999"
        with pytest.raises(modelreg.NotFound) as info:
            reg.get(missing)
    error = info.value
    assert error.request_id is not None and error.request_id.startswith("req-")
    assert f"request id {error.request_id}" in str(error)


def test_the_vendors_own_request_id_header_is_read(toy: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"message": "no such model"}, headers={"x-toy-request-id": "toy-42"})

    with (
        modelreg.connect("toy", transport=httpx.MockTransport(handler)) as reg,
        pytest.raises(modelreg.NotFound) as info,
    ):
        reg.get(1)
    assert info.value.request_id == "toy-42" and "toy-42" in str(info.value)
    assert not hasattr(info.value, "_modelreg_answer")  # the answer itself is not kept on the error


def test_a_validation_error_from_the_server_carries_the_request_id_too(toy: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"message": "name taken"}, headers={"x-request-id": "req-422"})

    transport = httpx.MockTransport(handler)
    with modelreg.connect("toy", transport=transport) as reg, pytest.raises(modelreg.ValidationFailed) as info:
        reg.create(name="taken")
    assert info.value.request_id == "req-422" and "req-422" in str(info.value)


@pytest.mark.parametrize("name", ["list", "delete_many", "wait"])
async def test_calls_of_many_requests_have_no_single_raw_answer(toy: Path, name: str) -> None:
    with modelreg.connect("toy", sandbox=True) as reg, pytest.raises(modelreg.UnsupportedOperation, match=name):
        getattr(reg.with_raw_response, name)()
    async with modelreg.connect_async("toy", sandbox=True) as areg:
        with pytest.raises(modelreg.UnsupportedOperation, match=name):
            getattr(areg.with_raw_response, name)()


def test_a_view_answers_raw_with_its_options(toy: Path) -> None:
    sandbox = modelreg.provider_info("toy").sandbox()
    transport = Recording(sandbox.transport())
    with modelreg.connect("toy", sandbox=sandbox, transport=transport) as reg:
        model = reg.create(name="m")
        raw = reg.with_options(headers={"X-Trace": "t"}).with_raw_response.get(model.id)
    assert raw.parse().id == model.id and transport.sent[-1].headers["x-trace"] == "t"
