"""The auto-pagination walk, sync and async: order, window, shifting pages, early stops, limits."""

from __future__ import annotations

import asyncio
import time

import pytest

from modelreg import Model, Page, ProtocolError
from modelreg._pagination import REMEMBERED, Walk, walk_async, walk_sync
from tests.pagination.closing import aclosing_listing, closing_listing
from tests.pagination.fakes import Listing

MODES = ["sync", "async"]


def collect(mode: str, walk: Walk, listing: Listing, stop_after: int | None = None) -> list[str]:
    """The ids a walk yields, stopping (and closing the walk) after ``stop_after`` of them."""
    if mode == "sync":
        seen: list[str] = []
        with closing_listing(walk_sync(walk, listing.fetch)) as models:
            for model in models:
                seen.append(model.id)
                if stop_after is not None and len(seen) >= stop_after:
                    break
        return seen

    async def run() -> list[str]:
        seen: list[str] = []
        async with aclosing_listing(walk_async(walk, listing.afetch)) as models:
            async for model in models:
                seen.append(model.id)
                if stop_after is not None and len(seen) >= stop_after:
                    break
        return seen

    return asyncio.run(run())


def ids(first: int, last: int) -> list[str]:
    return [str(n) for n in range(first, last + 1)]


@pytest.mark.parametrize("mode", MODES)
def test_walk_yields_every_model_once_in_order_with_pages_fetched_concurrently(mode: str) -> None:
    listing = Listing(400, 10, latency=0.003)
    assert collect(mode, Walk("fake", 10, None, window=4), listing) == ids(1, 400)
    assert sorted(listing.gauge.requests) == list(range(1, 41))
    assert 1 < listing.gauge.peak <= 4


@pytest.mark.parametrize("mode", MODES)
def test_pages_in_flight_never_exceed_the_window(mode: str) -> None:
    listing = Listing(300, 10, latency=0.004)
    collect(mode, Walk("fake", 10, None, window=3), listing)
    assert listing.gauge.peak <= 3


@pytest.mark.parametrize("mode", MODES)
def test_a_slow_page_does_not_leave_the_other_slots_idle(mode: str) -> None:
    listing = Listing(300, 10, latency=0.02, slow_pages=frozenset({2}))
    assert collect(mode, Walk("fake", 10, None, window=3), listing) == ids(1, 300)
    before_page_2 = set(listing.gauge.finished[: listing.gauge.finished.index(2)])
    # Two windows (page 2 included) were fetched while page 2 was on its way; the cap still held.
    assert before_page_2 >= {1, 3, 4, 5, 6, 7}
    assert listing.gauge.peak <= 3


@pytest.mark.parametrize("mode", MODES)
def test_total_unknown_walks_one_page_at_a_time(mode: str) -> None:
    listing = Listing(95, 10, latency=0.002, report_total=False)
    assert collect(mode, Walk("fake", 10, None, window=4), listing) == ids(1, 95)
    assert listing.gauge.requests == list(range(1, 11))
    assert listing.gauge.peak == 1


@pytest.mark.parametrize("mode", MODES)
def test_inserts_at_the_front_during_the_walk_yield_no_model_twice(mode: str) -> None:
    def insert_once(number: int, listing: Listing) -> None:
        if number >= 2 and not listing.ids[0].startswith("new"):
            listing.ids[:0] = [f"new{n}" for n in range(5)]

    listing = Listing(200, 10, latency=0.001, before=insert_once)
    # Every later page moved 5 places: its first 5 models were on the page before.
    assert collect(mode, Walk("fake", 10, None, window=4), listing) == ids(1, 200)


@pytest.mark.parametrize("mode", MODES)
def test_repeated_inserts_during_the_walk_never_yield_a_model_twice(mode: str) -> None:
    def insert(number: int, listing: Listing) -> None:
        if number >= 2:
            listing.ids[:0] = [f"new{number}-{n}" for n in range(3)]

    listing = Listing(300, 10, latency=0.001, before=insert)
    seen = collect(mode, Walk("fake", 10, None, window=4), listing)
    assert len(seen) == len(set(seen))
    assert seen[:10] == ids(1, 10)


@pytest.mark.parametrize("mode", MODES)
def test_deletes_during_the_walk_yield_no_duplicates_and_the_walk_ends(mode: str) -> None:
    def delete_once(number: int, listing: Listing) -> None:
        if number >= 2 and listing.ids[0] == "1":
            del listing.ids[:5]

    listing = Listing(200, 10, latency=0.001, before=delete_once)
    seen = collect(mode, Walk("fake", 10, None, window=4), listing)
    # Offset paging cannot see the 5 models that slid onto page 1 after it was read.
    assert seen == ids(1, 10) + ids(16, 200)


@pytest.mark.parametrize("mode", MODES)
def test_a_listing_that_grows_during_the_walk_is_walked_to_its_new_end(mode: str) -> None:
    def grow_once(number: int, listing: Listing) -> None:
        if number == 2 and len(listing.ids) == 100:
            listing.ids.extend(ids(101, 135))

    listing = Listing(100, 10, before=grow_once)
    assert collect(mode, Walk("fake", 10, None, window=4), listing) == ids(1, 135)


@pytest.mark.parametrize("mode", MODES)
def test_a_server_ignoring_the_page_parameter_raises_instead_of_looping(mode: str) -> None:
    listing = Listing(500, 10, ignore_page=True)
    with pytest.raises(ProtocolError, match="ignore the page parameter"):
        collect(mode, Walk("fake", 10, None, window=4), listing)
    # Page 1, then at most two windows fetched ahead (in flight or buffered).
    assert len(listing.gauge.requests) <= 1 + 2 * 4


@pytest.mark.parametrize("mode", MODES)
def test_a_server_ignoring_the_page_parameter_without_a_total_raises_after_two_pages(mode: str) -> None:
    listing = Listing(500, 10, ignore_page=True, report_total=False)
    with pytest.raises(ProtocolError, match="ignore the page parameter"):
        collect(mode, Walk("fake", 10, None, window=4), listing)
    assert listing.gauge.requests == [1, 2]


@pytest.mark.parametrize("mode", MODES)
def test_pages_that_only_repeat_known_models_stop_the_walk(mode: str) -> None:
    """A server cycling between two pages never ends on its own; the walk gives up after a bound."""
    listing = Listing(20, 10, report_total=False)
    listing.page_size = 10
    cycling = listing.page

    def page(number: int) -> Page[Model]:
        return cycling(1 + (number - 1) % 2)

    listing.page = page  # type: ignore[method-assign]
    with pytest.raises(ProtocolError, match="does not advance"):
        collect(mode, Walk("fake", 10, None, window=2), listing)
    # Pages 1 and 2, then as many repeated models as the walk remembers ids.
    assert len(listing.gauge.requests) == 2 + REMEMBERED // 10


@pytest.mark.parametrize("mode", MODES)
def test_stopping_during_the_first_page_sends_no_other_request(mode: str) -> None:
    listing = Listing(1000, 10, latency=0.001)
    assert collect(mode, Walk("fake", 10, None, window=4), listing, stop_after=3) == ids(1, 3)
    time.sleep(0.02)
    assert listing.gauge.requests == [1]


@pytest.mark.parametrize("mode", MODES)
def test_an_early_break_stops_fetching_pages(mode: str) -> None:
    listing = Listing(1000, 10, latency=0.003, slow_from=5)
    assert collect(mode, Walk("fake", 10, None, window=4), listing, stop_after=25) == ids(1, 25)
    sent = len(listing.gauge.requests)
    # Pages 1-3 were read; at most two windows of pages were fetched ahead.
    assert sent <= 3 + 2 * 4
    time.sleep(0.05)
    assert len(listing.gauge.requests) == sent
    if mode == "async":
        # Tasks are cancelled, not awaited to the end: the slow pages 5 and 6 never arrived.
        assert 5 in listing.cancelled


@pytest.mark.parametrize("mode", MODES)
def test_limit_fetches_only_the_pages_it_needs(mode: str) -> None:
    listing = Listing(1000, 10, latency=0.001)
    assert collect(mode, Walk("fake", 10, 25, window=4), listing) == ids(1, 25)
    assert sorted(listing.gauge.requests) == [1, 2, 3]


@pytest.mark.parametrize("mode", MODES)
def test_limit_zero_sends_nothing(mode: str) -> None:
    listing = Listing(100, 10)
    assert collect(mode, Walk("fake", 10, 0, window=4), listing) == []
    assert listing.gauge.requests == []


@pytest.mark.parametrize("mode", MODES)
def test_limit_counts_only_new_models_when_pages_shift(mode: str) -> None:
    def insert_once(number: int, listing: Listing) -> None:
        if number >= 2 and not listing.ids[0].startswith("new"):
            listing.ids[:0] = [f"new{n}" for n in range(5)]

    listing = Listing(100, 10, before=insert_once)
    assert collect(mode, Walk("fake", 10, 20, window=4), listing) == ids(1, 20)


@pytest.mark.parametrize("mode", MODES)
def test_an_error_on_a_page_fetched_ahead_surfaces_in_order(mode: str) -> None:
    listing = Listing(200, 10, latency=0.001, fail_on=4)
    seen: list[str] = []

    def run() -> None:
        if mode == "sync":
            for model in walk_sync(Walk("fake", 10, None, window=4), listing.fetch):
                seen.append(model.id)
            return

        async def consume() -> None:
            async for model in walk_async(Walk("fake", 10, None, window=4), listing.afetch):
                seen.append(model.id)

        asyncio.run(consume())

    with pytest.raises(RuntimeError, match="page 4 failed"):
        run()
    assert seen == ids(1, 30)


def test_duplicate_memory_stays_bounded_on_a_long_walk() -> None:
    listing = Listing(5000, 10)
    walk = Walk("fake", 10, None, window=4)
    assert len(collect("sync", walk, listing)) == 5000
    assert len(walk._seen) <= max((4 * 4 + 2) * 10, REMEMBERED) + 10


def test_an_async_break_without_aclosing_still_cancels_the_fetches_ahead() -> None:
    """The event loop finalizes an abandoned async generator; its pending page tasks are cancelled."""
    listing = Listing(1000, 10, latency=0.02, slow_from=3)

    async def run() -> tuple[list[str], list[int], int]:
        seen: list[str] = []
        async for model in walk_async(Walk("fake", 10, None, window=4), listing.afetch):
            seen.append(model.id)
            if len(seen) == 15:
                break
        # Far less than the 0.2 s the pages fetched ahead take to arrive.
        await asyncio.sleep(0.01)
        return seen, list(listing.cancelled), listing.gauge.in_flight

    seen, cancelled, in_flight = asyncio.run(run())
    assert seen == ids(1, 15)
    ahead = sorted(number for number in listing.gauge.requests if number >= 3)
    assert 3 <= len(ahead) <= 2 * 4
    assert sorted(cancelled) == ahead
    assert in_flight == 0
