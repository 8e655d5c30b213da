"""Fixtures for the per-call features (options, raw responses, quotas, observability, records, waits).

Each feature is checked for every provider the resilience suite describes: the docs' toy plugin
(installed through an entry point, as a third party's would be) and the two vendors.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import modelreg
from modelreg.sandbox import Sandbox
from tests.resilience.specs import KEEPER, SPECS, Spec

PROVIDERS = ["toy", "scriptix", "selise"]


@pytest.fixture(params=PROVIDERS)
def spec(request: pytest.FixtureRequest, toy: Path) -> Spec:
    """One provider's spec (toy, scriptix, selise)."""
    return SPECS[request.param]


def sandbox_for(spec: Spec, **options: Any) -> Sandbox:
    """A fresh emulator of ``spec``'s vendor (with a model kept aside where the last one may not go)."""
    sandbox = modelreg.provider_info(spec.name).sandbox(**{**spec.sandbox_options, **options})
    if spec.keeper:
        enforced, sandbox.enforce_limits = sandbox.enforce_limits, False
        with modelreg.connect(spec.name, sandbox=sandbox, **spec.credentials) as registry:
            registry.create(**spec.create(KEEPER))
        sandbox.enforce_limits = enforced
    return sandbox


class Recording(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A transport in front of another that keeps every request sent and can rewrite answers."""

    def __init__(
        self, inner: Any, answer: Callable[[httpx.Request, httpx.Response], httpx.Response] | None = None
    ) -> None:
        self.inner = inner
        self.answer = answer
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        response = self.inner.handle_request(request)
        return self.answer(request, response) if self.answer else response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        response = await self.inner.handle_async_request(request)
        return self.answer(request, response) if self.answer else response
