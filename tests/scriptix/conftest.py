"""Helpers for the Scriptix tests: a registry over a MockTransport that records every request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import modelreg

API_KEY = "sk-test-scriptix-0001"


class Recorder:
    """A MockTransport handler that answers from a queue and keeps every request."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return self.answers.pop(0)

    def json(self, index: int = -1) -> Any:
        """The JSON body of a recorded request."""
        return json.loads(self.requests[index].content)


def answer(status: int, body: Any = None, **headers: str) -> httpx.Response:
    """An httpx answer with a JSON body (or none)."""
    if body is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=body, headers=headers)


def registry(recorder: Recorder, **settings: Any) -> modelreg.ModelRegistry:
    """A sync registry whose requests go to ``recorder``."""
    settings.setdefault("api_key", API_KEY)
    return modelreg.connect("scriptix", transport=httpx.MockTransport(recorder), max_retries=0, **settings)


def async_registry(recorder: Recorder, **settings: Any) -> modelreg.AsyncModelRegistry:
    """An async registry whose requests go to ``recorder``."""
    settings.setdefault("api_key", API_KEY)
    return modelreg.connect_async("scriptix", transport=httpx.MockTransport(recorder), max_retries=0, **settings)


@pytest.fixture(autouse=True)
def _no_scriptix_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("SCRIPTIX_API_KEY", "SCRIPTIX_BASE_URL", "SCRIPTIX_AUTH_HEADER", "SCRIPTIX_LANGUAGES"):
        monkeypatch.delenv(name, raising=False)
    yield
