"""List-all: every model of a 5,000-model account over real HTTP with injected per-request latency.

Compared side by side against the same server: the vendor docs' loop (one page after the other,
``per_page=100``), modelreg sync and async, a hand-written concurrent httpx loop with the same cap,
and the round-trip bound ``ceil((pages - 1) / cap) + 1`` latencies.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Callable
from typing import Any

import httpx

import modelreg
from benchmarks._report import Result, timed
from benchmarks._server import Server
from modelreg.provider import Limit

PROVIDER = "scriptix"
MODELS = 5000
PER_PAGE = 100
PATH = "/api/v3/custom_models"
HEADERS = {"authorization": "Bearer k"}


def docs_loop(url: str) -> int:
    """The vendor docs' Python sample (``shared/seeds/scriptix-list-custom-models.txt``), with httpx."""
    models: list[Any] = []
    with httpx.Client(base_url=url, headers=HEADERS) as client:
        page = 1
        while True:
            data = client.get(PATH, params={"page": page, "per_page": PER_PAGE}).json()
            models.extend(data["result"])
            if len(data["result"]) < PER_PAGE:
                break
            page += 1
    return len(models)


async def handwritten(url: str, cap: int) -> int:
    """The first page for the total, then every other page at once under a semaphore of ``cap``."""
    async with httpx.AsyncClient(base_url=url, headers=HEADERS) as client:
        first = (await client.get(PATH, params={"page": 1, "per_page": PER_PAGE})).json()
        pages = math.ceil(first["total_results"] / PER_PAGE)
        slots = asyncio.Semaphore(cap)

        async def fetch(page: int) -> list[Any]:
            async with slots:
                answer = await client.get(PATH, params={"page": page, "per_page": PER_PAGE})
            result: list[Any] = answer.json()["result"]
            return result

        rest = await asyncio.gather(*(fetch(page) for page in range(2, pages + 1)))
    return len(first["result"]) + sum(len(chunk) for chunk in rest)


def modelreg_sync(url: str) -> int:
    """``sum(1 for _ in reg.list())``, as a new account each time (see ``_account``)."""
    with modelreg.connect(PROVIDER, base_url=url, api_key=_account()) as reg:
        return sum(1 for _ in reg.list())


async def modelreg_async(url: str) -> int:
    """The same with ``AsyncModelRegistry``."""
    count = 0
    async with modelreg.connect_async(PROVIDER, base_url=url, api_key=_account()) as reg:
        async for _ in reg.list():
            count += 1
    return count


class _Replay(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers each page at once from recorded bodies, to measure the clients' own CPU per page."""

    def __init__(self, pages: dict[int, bytes]) -> None:
        self.pages = pages

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = self.pages[int(request.url.params["page"])]
        return httpx.Response(200, headers={"content-type": "application/json"}, content=content)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


def client_cpu(url: str, cap: int, rounds: int = 5) -> dict[str, float]:
    """CPU milliseconds per page of each concurrent client, on an instant in-process replay of the pages."""
    pages = {
        page: httpx.get(url + PATH, params={"page": page, "per_page": PER_PAGE}, headers=HEADERS).content
        for page in range(1, math.ceil(MODELS / PER_PAGE) + 1)
    }
    replay = _Replay(pages)
    options: dict[str, Any] = {"base_url": "https://replay.invalid", "transport": replay}
    limits = {"list": Limit(concurrency=cap)}

    async def hand() -> int:
        async with httpx.AsyncClient(headers=HEADERS, **options) as client:
            first = (await client.get(PATH, params={"page": 1, "per_page": PER_PAGE})).json()
            rest = await asyncio.gather(
                *(client.get(PATH, params={"page": n, "per_page": PER_PAGE}) for n in range(2, len(pages) + 1))
            )
            return len(first["result"]) + sum(len(answer.json()["result"]) for answer in rest)

    def sync() -> int:
        with modelreg.connect(PROVIDER, api_key="k", limits=limits, **options) as reg:
            return sum(1 for _ in reg.list())

    async def in_async() -> int:
        async with modelreg.connect_async(PROVIDER, api_key="k", limits=limits, **options) as reg:
            return len([model async for model in reg.list()])

    runs: dict[str, Callable[[], int]] = {
        "hand-written concurrent httpx": lambda: asyncio.run(hand()),
        "modelreg sync `list()`": sync,
        "modelreg async `list()`": lambda: asyncio.run(in_async()),
    }
    best = {name: math.inf for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            started = time.process_time()
            assert run() == MODELS
            best[name] = min(best[name], (time.process_time() - started) * 1000 / len(pages))
    return best


_accounts = itertools.count()


def _account() -> str:
    """A key of its own for each listing: registries of one account share the client-side rate window
    (100 list requests a minute), which the repeated runs of a benchmark would otherwise exhaust."""
    return f"bench-key-{next(_accounts)}"


def run(*, latencies: tuple[float, ...] = (0.02, 0.05), repeat: int = 5) -> Result:
    """Measure every variant at each latency, with the emulator's answers cached and then as it is."""
    cap = modelreg.provider_info(PROVIDER).concurrency("list") or 1
    pages = math.ceil(MODELS / PER_PAGE)
    rounds = math.ceil((pages - 1) / cap) + 1
    result = Result(
        f"list-all: {MODELS:,} {PROVIDER} models over HTTP on 127.0.0.1, cap {cap}, {pages} pages",
        [
            "server",
            "latency",
            "variant",
            "median time",
            "vs docs loop",
            "vs bound",
            "vs hand-written",
            "peak in flight",
        ],
    )
    with Server(PROVIDER, MODELS) as server:
        for cached in (True, False):
            for latency in latencies:
                _measure(result, server, cached, latency, cap, rounds, repeat)
        cpu = client_cpu(server.url, cap)
    result.notes.append(
        "client CPU per page (instant in-process replay of the same pages, best of 5): "
        + ", ".join(f"{name} {ms:.2f} ms" for name, ms in cpu.items())
    )
    result.notes.append(
        f"bound = (ceil(({pages} - 1) / {cap}) + 1) x latency = {rounds} round trips; the docs' loop stops on a "
        f"short page, so it sends {pages + 1} requests ({MODELS} is a multiple of {PER_PAGE})"
    )
    result.notes.append(
        "cached: the emulator computes each list answer once and the server replays it after the same latency "
        "through the same in-flight gauge, so the figures show the clients; as is: every request runs the "
        "emulator's list handler (one process, one thread: pages that arrive together are served in turn)"
    )
    return result


def _measure(result: Result, server: Server, cached: bool, latency: float, cap: int, rounds: int, repeat: int) -> None:
    variants = {
        "vendor docs' sequential loop": lambda: docs_loop(server.url),
        "hand-written concurrent httpx": lambda: asyncio.run(handwritten(server.url, cap)),
        "modelreg sync `list()`": lambda: modelreg_sync(server.url),
        "modelreg async `list()`": lambda: asyncio.run(modelreg_async(server.url)),
    }
    mode = "cached" if cached else "as is"
    label = f"{latency * 1000:.0f} ms"
    server.control(latency=latency, cache=int(cached))
    if cached:
        asyncio.run(handwritten(server.url, cap))  # fill the cache: every page once
    bound = rounds * latency
    times: dict[str, float] = {}
    peaks: dict[str, int] = {}
    handler_ms: list[float] = []
    server_ms: list[float] = []
    client_ms: dict[str, float] = {}
    for name, variant in variants.items():
        before = server.control(reset=1)
        cpu = time.process_time()
        elapsed, count = timed(variant, 2 if "docs" in name else repeat)
        cpu = time.process_time() - cpu
        gauges = server.control()
        assert count == MODELS, f"{name} listed {count} models, not {MODELS}"
        times[name] = elapsed
        peaks[name] = gauges["peak_in_flight"].get("list", 0)
        served = max(1, gauges["requests"].get("list", 1))
        handler_ms.append(1000 * gauges["handler_seconds"] / served)
        client_ms[name] = 1000 * cpu / served
        # The whole server process (HTTP parsing and writing, the event loop, the handler), per list request.
        server_ms.append(1000 * (gauges["process_seconds"] - before["process_seconds"]) / served)
    docs, hand = times["vendor docs' sequential loop"], times["hand-written concurrent httpx"]
    result.rows.append(
        [mode, label, "round-trip bound", f"{bound * 1000:.0f} ms", f"{docs / bound:.1f}x", "1.00", "", ""]
    )
    for name, elapsed in times.items():
        result.rows.append(
            [
                mode,
                label,
                name,
                f"{elapsed * 1000:.0f} ms",
                f"{docs / elapsed:.1f}x",
                f"{elapsed / bound:.2f}",
                f"{elapsed / hand:.2f}",
                str(peaks[name]),
            ]
        )
    if not cached:
        worst = max(handler_ms)
        result.notes.append(
            f"as is, {label}: the emulator's list handler spent {worst:.1f} ms of CPU per page "
            f"(up to {worst * cap:.0f} ms per round of {cap} pages, which it serves one after the other)"
        )
    else:
        worst = max(server_ms)
        result.notes.append(
            f"cached, {label}: the server process spent at most {worst:.2f} ms of CPU per list request "
            f"({gauges['stack']}), {worst * cap:.0f} ms per round of {cap} pages; the clients spent per page, "
            "all threads and the client's set-up included: "
            + ", ".join(f"{name} {ms:.2f} ms" for name, ms in client_ms.items())
        )
    suffix = f"({mode}, {label})"
    if cached and latency == 0.05:
        for name in ("modelreg sync `list()`", "modelreg async `list()`"):
            elapsed = times[name]
            result.check(f"{name} within 1.3x of the bound {suffix}", elapsed <= 1.3 * bound, f"{elapsed / bound:.2f}x")
            result.check(
                f"{name} within 10 % of hand-written {suffix}", elapsed <= 1.1 * hand, f"{elapsed / hand:.2f}x"
            )
            result.check(
                f"{name} at least 6.4x faster than the docs loop {suffix}",
                docs / elapsed >= 6.4,
                f"{docs / elapsed:.1f}x",
            )
    result.check(
        f"never more than {cap} list requests in flight {suffix}",
        max(peaks.values()) <= cap,
        f"peak {max(peaks.values())}",
    )
