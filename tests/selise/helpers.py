"""Shared helpers for the SELISE tests: a recording MockTransport and fixed fake credentials."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

import modelreg

BLOCKS_KEY = "blk-test-key-0123456789abcdef"
PROJECT_KEY = "prj-test-key-fedcba9876543210"
ACCESS_TOKEN = "tok-static-0123456789abcdef"
CLIENT_ID = "client-test-id-0001"
CLIENT_SECRET = "client-test-secret-0002"
THIRD_PARTY_KEY = "sk-thirdparty-SECRET-0123456789abcdef"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler that answers from ``handler`` and keeps every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.handler(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def answer(status: int, body: Any) -> Handler:
    """A handler answering every request with ``status`` and ``body`` as JSON."""
    return lambda request: httpx.Response(status, json=body)


def connect(handler: Handler, **settings: Any) -> tuple[modelreg.ModelRegistry, Recorder]:
    """A sync registry whose requests ``handler`` answers (no retries)."""
    recorder = Recorder(handler)
    settings.setdefault("blocks_key", BLOCKS_KEY)
    return modelreg.connect("selise", transport=recorder.transport(), max_retries=0, **settings), recorder


def connect_async(handler: Handler, **settings: Any) -> tuple[modelreg.AsyncModelRegistry, Recorder]:
    """The async twin of ``connect``."""
    recorder = Recorder(handler)
    settings.setdefault("blocks_key", BLOCKS_KEY)
    return modelreg.connect_async("selise", transport=recorder.transport(), max_retries=0, **settings), recorder


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def model_doc(model_id: str = "model_123", **changes: Any) -> dict[str, Any]:
    """A stored model document as the get endpoint's opening suggests (``_id``, ``CreatedDate``...)."""
    doc = {
        "_id": model_id,
        "CreatedDate": "2025-12-01T10:30:00Z",
        "LastUpdatedDate": "2025-12-02T08:00:00Z",
        "IsActive": True,
        "provider": "openai",
        "service_platform": "official_api",
        "version": "gpt-4",
        "model_name": "gpt-4-turbo-preview",
        "display_name": "GPT-4 Turbo",
        "api_key": "sk-...here",
        "base_url": "https://api.openai.com/v1",
        "MaxTokens": 8192,
        "DefaultTemp": 0.7,
        "validation_status": "valid",
    }
    doc.update(changes)
    return doc
