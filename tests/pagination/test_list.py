"""``list()`` through the registries and the engine: the provider's cap holds, order and stops too."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

import modelreg
from modelreg.provider import Limit
from tests.pagination.closing import aclosing_listing, closing_listing
from tests.pagination.fakes import ToyServer

MODES = ["sync", "async"]


def list_ids(mode: str, server: ToyServer, stop_after: int | None = None, **options: Any) -> list[str]:
    """The ids ``list(**options)`` yields against ``server``, closing the listing after ``stop_after``."""
    limits = options.pop("limits", None)
    if mode == "sync":
        seen: list[str] = []
        reg = modelreg.connect("toy", transport=server, max_retries=0, limits=limits)
        with reg, closing_listing(reg.list(**options)) as models:
            for model in models:
                seen.append(model.id)
                if stop_after is not None and len(seen) >= stop_after:
                    break
        return seen

    async def run() -> list[str]:
        seen: list[str] = []
        reg = modelreg.connect_async("toy", transport=server, max_retries=0, limits=limits)
        async with reg, aclosing_listing(reg.list(**options)) as models:
            async for model in models:
                seen.append(model.id)
                if stop_after is not None and len(seen) >= stop_after:
                    break
        return seen

    return asyncio.run(run())


def ids(first: int, last: int) -> list[str]:
    return [str(n) for n in range(first, last + 1)]


@pytest.mark.parametrize("mode", MODES)
def test_list_never_has_more_requests_in_flight_than_the_provider_cap(toy: Path, mode: str) -> None:
    server = ToyServer(1000, latency=0.004)
    seen = list_ids(mode, server, page_size=20, limits={"list": Limit(concurrency=3)})
    assert seen == ids(1, 1000)
    assert 1 < server.gauge.peak <= 3


@pytest.mark.parametrize("mode", MODES)
def test_list_uses_the_provider_declared_cap_by_default(toy: Path, mode: str) -> None:
    """The toy provider declares 4 concurrent list requests (and 100 a minute: 20 pages fit)."""
    server = ToyServer(1000, latency=0.004)
    assert list_ids(mode, server) == ids(1, 1000)
    assert server.methods.count("GET") == 20
    assert 1 < server.gauge.peak <= 4


@pytest.mark.parametrize("mode", MODES)
def test_list_skips_models_that_shifted_onto_a_later_page(toy: Path, mode: str) -> None:
    server = ToyServer(300)

    def insert_once(page: int, server: ToyServer) -> None:
        if page >= 2 and "new0" not in server.docs:
            # Newest first: the new models push every later page 7 places down.
            fresh = {f"new{n}": {"id": 10_000 + n, "name": "new", "state": "live"} for n in range(7)}
            server.docs = {**fresh, **server.docs}

    server.before_list = insert_once
    assert list_ids(mode, server, page_size=25) == ids(1, 300)


@pytest.mark.parametrize("mode", MODES)
def test_breaking_out_of_list_stops_the_requests(toy: Path, mode: str) -> None:
    server = ToyServer(2000, latency=0.003)
    assert list_ids(mode, server, stop_after=120, page_size=50) == ids(1, 120)
    sent = len(server.gauge.requests)
    assert sent <= 3 + 2 * 4
    time.sleep(0.05)
    assert len(server.gauge.requests) == sent


@pytest.mark.parametrize("mode", MODES)
def test_list_limit_sends_only_the_pages_it_needs(toy: Path, mode: str) -> None:
    server = ToyServer(2000)
    assert list_ids(mode, server, limit=130) == ids(1, 130)
    # The page size follows the limit up to the vendor's maximum (50): pages 1-3.
    assert server.methods == ["GET"] * 3
