"""Per-call overhead: ``reg.get(id)`` against raw ``httpx`` + ``response.json()`` on an in-process transport.

Both send the same request through an ``httpx.Client`` to a transport that answers at once with
the vendor's documented model, so what differs is modelreg's own work per call: the engine
(signing, pacing windows and caps, retry decision, error mapping, logging guard) and the codec.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

import modelreg
from benchmarks._payloads import scriptix_model
from benchmarks._report import Result, best_rate
from modelreg.provider import Limit

BASE = "https://bench.invalid"
SCRIPTIX_MODEL = json.dumps(scriptix_model()).encode()
PATH = "/api/v3/custom_models/123"
# The client-side rate window stays in the measurement, only wide enough never to make a call wait.
LIMITS = {"get": Limit(calls=10_000_000, period=60, concurrency=10)}
CALLS = 200


class Instant(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers every request at once with the same JSON body."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/json"}, content=self.body)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


def _cpu(run: Any) -> tuple[int, float]:
    started = time.process_time()
    run()
    return CALLS, time.process_time() - started


def run(*, repeat: int = 5) -> Result:
    """Calls per CPU second of raw httpx + json and of ``reg.get``, sync and async."""
    transport = Instant(SCRIPTIX_MODEL)
    headers = {"authorization": "Bearer k", "accept": "application/json"}
    raw = httpx.Client(transport=transport, base_url=BASE, headers=headers)
    araw = httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers)
    reg = modelreg.connect("scriptix", api_key="k", base_url=BASE, transport=transport, limits=LIMITS)
    areg = modelreg.connect_async("scriptix", api_key="k", base_url=BASE, transport=transport, limits=LIMITS)
    loop = asyncio.new_event_loop()
    assert reg.get(123).name == raw.get(PATH).json()["name"]

    def raw_sync() -> None:
        for _ in range(CALLS):
            raw.get(PATH).json()

    def reg_sync() -> None:
        for _ in range(CALLS):
            reg.get(123)

    async def raw_async() -> None:
        for _ in range(CALLS):
            (await araw.get(PATH)).json()

    async def reg_async() -> None:
        for _ in range(CALLS):
            await areg.get(123)

    rates = best_rate(
        {
            "raw sync": lambda: _cpu(raw_sync),
            "modelreg sync": lambda: _cpu(reg_sync),
            "raw async": lambda: _cpu(lambda: loop.run_until_complete(raw_async())),
            "modelreg async": lambda: _cpu(lambda: loop.run_until_complete(reg_async())),
        },
        repeat,
    )
    result = Result(
        "per-call overhead: `get()` against raw httpx + json, in-process transport (scriptix)",
        ["client", "raw httpx + json", "modelreg `get()`", "time per call, modelreg / raw"],
    )
    for kind in ("sync", "async"):
        plain, ours = rates[f"raw {kind}"], rates[f"modelreg {kind}"]
        result.rows.append(
            [
                kind,
                f"{1e6 / plain:.0f} us ({plain:,.0f}/s)",
                f"{1e6 / ours:.0f} us ({ours:,.0f}/s)",
                f"{plain / ours:.2f}",
            ]
        )
        result.check(f"{kind}: at most 1.3x raw httpx + json", plain / ours <= 1.3, f"{plain / ours:.2f}x")
    result.notes.append("CPU time per call, best of interleaved rounds; the same client, transport and body for both")
    raw.close()
    reg.close()
    loop.run_until_complete(araw.aclose())
    loop.run_until_complete(areg.aclose())
    loop.close()
    return result
