"""A served sandbox says what it is (``x-modelreg-sandbox: 1``); a client then paces as it does in process."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from modelreg_scriptix import ScriptixProvider

import modelreg
from modelreg.errors import RateLimited
from modelreg.provider import Limit
from modelreg.sandbox import SANDBOX_HEADER, asgi_app

CREATES = 12
"""More than Scriptix's 10 creates an hour."""


class Served(httpx.BaseTransport):
    """A Scriptix sandbox's in-process transport, answering as ``modelreg sandbox serve`` does (or not)."""

    def __init__(self, *, says_so: bool) -> None:
        self.inner = ScriptixProvider.sandbox().transport()
        self.says_so = says_so

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.says_so:
            response.headers[SANDBOX_HEADER] = "1"
        return response


async def test_every_answer_of_a_served_sandbox_carries_the_header() -> None:
    app = asgi_app(ScriptixProvider.sandbox())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://sandbox") as client:
        answers = [
            await client.get("/api/v3/custom_models", headers={"authorization": "Bearer k"}),
            await client.get("/api/v3/custom_models"),  # 401
            await client.get("/nowhere"),  # 404
        ]
    assert [answer.status_code for answer in answers] == [200, 401, 404]
    assert all(answer.headers[SANDBOX_HEADER] == "1" for answer in answers)


def create_many(transport: httpx.BaseTransport, **options: Any) -> int:
    """How many creates succeed in a row before the client refuses to wait for the vendor's window."""
    with modelreg.connect("scriptix", api_key="k", base_url="https://sandbox", transport=transport, **options) as reg:
        for n in range(CREATES):
            try:
                reg.create(name=f"Model {n}", language="en")
            except RateLimited:
                return n
    return CREATES


def test_a_client_of_a_served_sandbox_applies_no_vendor_rate_window() -> None:
    assert create_many(Served(says_so=True)) == CREATES


def test_without_the_header_the_vendors_limits_apply() -> None:
    assert create_many(Served(says_so=False)) == ScriptixProvider.limits["create"].calls


def test_limits_given_to_connect_apply_to_a_served_sandbox_too() -> None:
    limits = {"create": Limit(calls=3, period=3600, concurrency=3)}
    assert create_many(Served(says_so=True), limits=limits) == 3


@pytest.mark.parametrize("says_so", [True, False])
def test_concurrency_caps_apply_either_way(says_so: bool) -> None:
    with modelreg.connect(
        "scriptix", api_key="k", base_url="https://sandbox", transport=Served(says_so=says_so)
    ) as reg:
        reg.list_page(1)
        assert reg._engine.pacer.concurrency("list") == ScriptixProvider.limits["list"].concurrency
        assert reg._engine.pacer.pace is not says_so
