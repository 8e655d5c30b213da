"""A provider's sandbox served over real HTTP on 127.0.0.1, in a subprocess, with a control endpoint.

``python -m benchmarks._server PROVIDER PORT MODELS`` seeds ``MODELS`` models and serves the
emulator with uvicorn. ``/_bench`` answers the gauges (requests, peak in flight, time spent in
the emulator's handlers, the server process's CPU time so far, its HTTP stack); ``?latency=S``
sets the per-request latency, ``?cache=1|0`` turns the list-answer cache on or off and
``?reset=1`` clears the gauges. ``Server`` starts and stops that subprocess from a benchmark.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

import modelreg
from benchmarks._payloads import TRAINED
from modelreg.sandbox import Sandbox, WallClock, asgi_app

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

CONTROL = "/_bench"
ROOT = Path(__file__).resolve().parent.parent


def seed(provider: str, sandbox: Sandbox, count: int) -> None:
    """Fill ``sandbox`` with ``count`` models; half of the Scriptix ones trained, as in the docs' example."""
    if provider == "scriptix" and hasattr(sandbox, "insert"):
        for n in range(count):
            doc = sandbox.insert(f"Model {n:05d} cardiology", "en", "medical", "Cardiology consultations and reports")
            if n % 2:
                doc.update(TRAINED)
                sandbox.store.put("models", str(doc["id"]), doc)
        return
    with modelreg.connect(provider, sandbox=sandbox) as reg:
        for n in range(count):
            reg.create(name=f"Model {n:05d}", description="Benchmark model")


def control_app(sandbox: Sandbox, gauges: dict[str, Any]) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """``asgi_app(sandbox)`` plus the ``/_bench`` control endpoint and an optional answer cache.

    With ``?cache=1`` a list answer is computed by the emulator once per URL and replayed after
    the same latency and through the same in-flight gauge, so that the emulator's own CPU cost
    per page does not hide the client's.
    """
    inner = asgi_app(sandbox)
    cache: dict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    async def replay(scope: Scope, receive: Receive, send: Send) -> bool:
        key = scope["path"].encode() + b"?" + scope.get("query_string", b"")
        if not gauges["cache"] or scope["method"] != "GET":
            return False
        if key not in cache:
            captured: list[MutableMapping[str, Any]] = []

            async def capture(message: MutableMapping[str, Any]) -> None:
                captured.append(message)

            await inner(scope, receive, capture)
            start, body = captured[0], captured[-1]
            cache[key] = (start["status"], list(start["headers"]), body.get("body", b""))
        else:
            sandbox.enter("list")
            try:
                await sandbox.clock.asleep(sandbox.latency)
                sandbox.requests["list"] += 1
            finally:
                sandbox.leave("list")
        status, headers, content = cache[key]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
        return True

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == LIST_PATH.get(sandbox.provider)
            and await replay(scope, receive, send)
        ):
            return
        if scope["type"] != "http" or scope["path"] != CONTROL:
            await inner(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode())
        if "latency" in query:
            sandbox.latency = float(query["latency"][0])
        if "cache" in query:
            gauges["cache"] = query["cache"][0] == "1"
        if "reset" in query:
            sandbox.requests.clear()
            sandbox.peak_in_flight.clear()
            gauges["handler_seconds"] = 0.0
        body = json.dumps(
            {
                "latency": sandbox.latency,
                "cache": gauges["cache"],
                "requests": dict(sandbox.requests),
                "peak_in_flight": dict(sandbox.peak_in_flight),
                "handler_seconds": gauges["handler_seconds"],
                "process_seconds": time.process_time(),
                "stack": gauges["stack"],
            }
        ).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    return app


LIST_PATH = {"scriptix": "/api/v3/custom_models", "selise": "/models"}
"""The list endpoint whose answers ``?cache=1`` replays."""


def serve(provider: str, port: int, count: int) -> None:
    """Seed and serve until killed."""
    import uvicorn

    sandbox = modelreg.provider_info(provider).sandbox(clock=WallClock())
    seed(provider, sandbox, count)
    # uvicorn's "auto" picks uvloop and httptools when installed; the gauges say what ran.
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    stack = f"uvicorn {uvicorn.__version__}, {loop} loop, {http}"
    gauges: dict[str, Any] = {"handler_seconds": 0.0, "cache": False, "stack": stack}
    handle = sandbox.handle

    def timed(request: httpx.Request, *, simulate_latency: bool = True) -> httpx.Response:
        started = time.perf_counter()
        try:
            return handle(request, simulate_latency=simulate_latency)
        finally:
            gauges["handler_seconds"] += time.perf_counter() - started

    sandbox.handle = timed  # type: ignore[method-assign]
    app = control_app(sandbox, gauges)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, loop=loop, http=http)


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """The sandbox server subprocess; a context manager that waits until it answers."""

    def __init__(self, provider: str, count: int) -> None:
        self.provider = provider
        self.count = count
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._server", self.provider, str(self.port), str(self.count)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            cwd=ROOT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the sandbox server exited with {self._process.returncode}")
            try:
                self.control()
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the sandbox server did not start within 120 s")

    def control(self, **query: Any) -> dict[str, Any]:
        """Call ``/_bench`` with ``query`` (``latency=``, ``reset=1``) and return the gauges."""
        answer = httpx.get(self.url + CONTROL, params=query, timeout=10)
        answer.raise_for_status()
        gauges: dict[str, Any] = answer.json()
        return gauges

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
