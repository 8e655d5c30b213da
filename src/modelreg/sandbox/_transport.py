"""Ways to reach a sandbox: an in-process httpx transport and an ASGI app for real HTTP."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any, Protocol

import httpx

from modelreg.sandbox._clock import Clock

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
SendMessage = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, SendMessage], Awaitable[None]]
ROOT_PATH = "modelreg.sandbox.root_path"
"""Request extension: the path prefix a server mounted the sandbox at (``Sandbox.link`` puts it back)."""


class Served(Protocol):
    """What a transport needs of an emulator (``Sandbox`` has it): named here so neither imports the other."""

    clock: Clock
    latency: float

    def operation_of(self, request: httpx.Request) -> str:
        """The vendor operation a request counts against."""

    def enter(self, operation: str) -> None:
        """Count a request of ``operation`` in flight."""

    def leave(self, operation: str) -> None:
        """Count it done."""

    def handle(self, request: httpx.Request, *, simulate_latency: bool = True) -> httpx.Response:
        """Answer one request."""

    def error_response(self, status: int, message: str) -> httpx.Response:
        """An error answer in the vendor's shape."""


SANDBOX_HEADER = "x-modelreg-sandbox"
"""The header a served sandbox puts on every answer (value ``1``): clients then pace as they do in process."""


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves httpx requests from a sandbox in process; usable by sync and async clients."""

    def __init__(self, sandbox: Served) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Serve a request from a sync client."""
        request.read()
        operation = self.sandbox.operation_of(request)
        self.sandbox.enter(operation)
        try:
            return self.sandbox.handle(request)
        finally:
            self.sandbox.leave(operation)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Serve a request from an async client; latency is awaited so that tasks overlap."""
        await request.aread()
        operation = self.sandbox.operation_of(request)
        self.sandbox.enter(operation)
        try:
            await self.sandbox.clock.asleep(self.sandbox.latency)
            return self.sandbox.handle(request, simulate_latency=False)
        finally:
            self.sandbox.leave(operation)


def asgi_app(sandbox: Served) -> App:
    """An ASGI application serving ``sandbox`` over real HTTP (``modelreg sandbox serve``)."""
    transport = SandboxTransport(sandbox)

    async def app(scope: Scope, receive: Receive, send: SendMessage) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        host = dict(scope["headers"]).get(b"host", b"127.0.0.1").decode()
        url = f"http://{host}{scope['path']}"
        if scope.get("query_string"):
            url += "?" + scope["query_string"].decode()
        request = httpx.Request(scope["method"], url, headers=[(k, v) for k, v in scope["headers"]], content=body)
        # Served under a prefix (``mounted_app``): routes match without it, links the sandbox builds add it.
        request.extensions[ROOT_PATH] = scope.get("root_path", "")
        try:
            response = await transport.handle_async_request(request)
        except httpx.TransportError as exc:
            # A real server cannot "refuse" a connection it already accepted; answer 503 instead.
            response = sandbox.error_response(503, f"sandbox fault: {exc}")
        await send(
            {
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [*((k.lower(), v) for k, v in response.headers.raw), (SANDBOX_HEADER.encode(), b"1")],
            }
        )
        await send({"type": "http.response.body", "body": response.content})

    return app


def mounted_app(apps: Mapping[str, App]) -> App:
    """One ASGI app routing ``/<name>/...`` to the app mounted at ``name``, the prefix removed."""

    async def app(scope: Scope, receive: Receive, send: SendMessage) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        prefix, _, rest = scope["path"].lstrip("/").partition("/")
        target = apps.get(prefix)
        if target is None:
            known = ", ".join(f"/{name}/" for name in apps) or "none"
            body = json.dumps({"error": f"no sandbox at /{prefix}; the sandboxes are at {known}"}).encode()
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 404, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        inner = dict(scope, path="/" + rest, root_path=scope.get("root_path", "") + "/" + prefix)
        await target(inner, receive, send)

    return app


async def _lifespan(receive: Receive, send: SendMessage) -> None:
    """Answer the server's start-up and shut-down messages: the emulators need no setting up."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
