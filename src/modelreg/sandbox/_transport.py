"""Ways to reach a sandbox: an in-process httpx transport and an ASGI app for real HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from modelreg.sandbox._base import Sandbox

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

SANDBOX_HEADER = "x-modelreg-sandbox"
"""The header a served sandbox puts on every answer (value ``1``): clients then pace as they do in process."""


class SandboxTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Serves httpx requests from a sandbox in process; usable by sync and async clients."""

    def __init__(self, sandbox: Sandbox) -> None:
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


def asgi_app(
    sandbox: Sandbox,
) -> Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]:
    """An ASGI application serving ``sandbox`` over real HTTP (``modelreg sandbox serve``)."""
    transport = SandboxTransport(sandbox)

    async def app(
        scope: Scope,
        receive: Callable[[], Awaitable[Message]],
        send: Callable[[Message], Awaitable[None]],
    ) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
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
