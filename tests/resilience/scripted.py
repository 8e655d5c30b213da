"""Scripted transports: answer each request from a script, or pass it on to a provider's sandbox.

A script is a list of steps, used one per request in order; when it runs out, requests go to the
sandbox. A step is a status code (an empty vendor-shaped error from the sandbox), ``(status,
headers)``, an ``httpx.Response`` to answer as is, an ``httpx.TransportError`` class to raise
before anything reaches the server, ``PASS``, ``SLOW``, or one of the "server acted, then" steps:
``COMMIT_THEN_DROP``, ``COMMIT_THEN_TIMEOUT``, ``COMMIT_THEN_TRUNCATE``, ``(COMMIT_THEN_STATUS, status)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpx

from modelreg.sandbox import Sandbox, VirtualClock

PASS = "pass"
COMMIT_THEN_DROP = "commit-then-drop"
COMMIT_THEN_TIMEOUT = "commit-then-timeout"
COMMIT_THEN_TRUNCATE = "commit-then-truncate"
COMMIT_THEN_STATUS = "commit-then-status"
SLOW = "slow"
"""No answer within the read timeout, and nothing done (the simulated clock moves by the timeout)."""


class Script:
    """A handler for ``httpx.MockTransport``: scripted answers first, then the sandbox."""

    def __init__(self, sandbox: Sandbox, steps: Iterable[Any] = ()) -> None:
        self.sandbox = sandbox
        self.steps = list(steps)
        self.seen: list[tuple[str, str]] = []
        """(method, path) of every request that reached the transport, in order."""

    def count(self, method: str) -> int:
        """How many requests with ``method`` reached the transport."""
        return sum(1 for m, _ in self.seen if m == method)

    def transport(self) -> httpx.MockTransport:
        """A transport for sync and async clients."""
        return httpx.MockTransport(self)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        step = self.steps.pop(0) if self.steps else PASS
        if isinstance(step, type) and issubclass(step, httpx.TransportError):
            raise step("scripted failure", request=request)
        if step == SLOW:
            self._wait_timeout(request)
            raise httpx.ReadTimeout("scripted slow answer", request=request)
        if isinstance(step, httpx.Response):
            return step
        if isinstance(step, int):
            return self.sandbox.error_response(step, f"scripted {step}")
        if isinstance(step, tuple) and step[0] == COMMIT_THEN_STATUS:
            self.sandbox.handle(request)
            return self.sandbox.error_response(step[1], f"scripted {step[1]} after acting")
        if isinstance(step, tuple):
            status, headers = step
            response = self.sandbox.error_response(status, f"scripted {status}")
            response.headers.update(headers)
            return response
        response = self.sandbox.handle(request)
        if step == COMMIT_THEN_DROP:
            raise httpx.ReadError("scripted reset after the server acted", request=request)
        if step == COMMIT_THEN_TIMEOUT:
            self._wait_timeout(request)
            raise httpx.ReadTimeout("scripted timeout after the server acted", request=request)
        if step == COMMIT_THEN_TRUNCATE:
            cut = response.content[: max(1, len(response.content) // 2)]
            return httpx.Response(response.status_code, headers={"content-type": "application/json"}, content=cut)
        assert step == PASS, f"unknown script step {step!r}"
        return response

    def _wait_timeout(self, request: httpx.Request) -> None:
        read = request.extensions.get("timeout", {}).get("read")
        if isinstance(self.sandbox.clock, VirtualClock) and read:
            self.sandbox.clock.advance(read)
