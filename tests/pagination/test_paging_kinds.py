"""Walks of every paging kind: offsets probed ahead concurrently, cursors one by one, each stopped when it loops."""

from __future__ import annotations

from pathlib import Path

import pytest

import modelreg
from modelreg import Model, Page, ProtocolError, ValidationFailed
from modelreg._pagination import Walk
from modelreg.provider import Paging
from tests.pagination.fakes import Listing
from tests.pagination.test_walk import MODES, collect, ids


@pytest.mark.parametrize("mode", MODES)
def test_an_offset_walk_without_a_total_probes_ahead_concurrently_and_stops_at_the_first_short_page(mode: str) -> None:
    listing = Listing(95, 10, latency=0.003, report_total=False)
    walk = Walk("fake", 10, None, window=4, paging=Paging.OFFSET)
    assert collect(mode, walk, listing) == ids(1, 95)
    assert 1 < listing.gauge.peak <= 4, "offset pages were not fetched concurrently"
    # Probing ahead costs at most the walk's buffer (two windows) of pages past the end, never a runaway.
    assert max(listing.gauge.requests) <= 10 + 2 * 4


@pytest.mark.parametrize("mode", MODES)
def test_a_page_number_walk_without_a_total_stays_sequential(mode: str) -> None:
    listing = Listing(95, 10, latency=0.002, report_total=False)
    assert collect(mode, Walk("fake", 10, None, window=4), listing) == ids(1, 95)
    assert listing.gauge.peak == 1
    assert sorted(listing.gauge.requests) == list(range(1, 11))


@pytest.mark.parametrize("mode", MODES)
def test_an_offset_walk_with_a_limit_fetches_no_page_past_it(mode: str) -> None:
    listing = Listing(400, 10, latency=0.002, report_total=False)
    walk = Walk("fake", 10, 25, window=4, paging=Paging.OFFSET)
    assert collect(mode, walk, listing) == ids(1, 25)
    assert max(listing.gauge.requests) <= 3


def _cursor_page(number: int, following: str | None) -> Page[Model]:
    item = Model(provider="fake", id=f"m{number}", name=f"model {number}")
    return Page(items=(item,), page=number, page_size=1, has_more=following is not None, next_cursor=following)


def test_a_cursor_walk_ends_where_no_cursor_names_a_next_page() -> None:
    walk = Walk("fake", 1, None, window=4, paging=Paging.CURSOR)
    assert not walk.planned(2), "a cursor walk never fetches ahead"
    assert [m.id for m in walk.accept(_cursor_page(1, "c2"))] == ["m1"] and walk.cursor == "c2"
    # An empty page that names a next one is a filtered scan going on, not the end.
    empty: Page[Model] = Page(items=(), page=2, page_size=1, has_more=True, next_cursor="c3")
    assert walk.accept(empty) == [] and not walk.finished
    assert [m.id for m in walk.accept(_cursor_page(3, None))] == ["m3"] and walk.finished


def test_a_cursor_seen_before_ends_the_walk_with_a_protocol_error() -> None:
    walk = Walk("fake", 1, None, window=4, paging=Paging.CURSOR)
    walk.accept(_cursor_page(1, "a"))
    walk.accept(_cursor_page(2, "b"))
    with pytest.raises(ProtocolError, match="cursor of page 2 again"):
        walk.accept(_cursor_page(3, "a"))


def test_a_cursor_answered_with_itself_ends_the_walk_with_a_protocol_error() -> None:
    walk = Walk("fake", 1, None, window=4, paging=Paging.CURSOR)
    walk.accept(_cursor_page(1, "a"))
    with pytest.raises(ProtocolError, match="does not advance"):
        walk.accept(_cursor_page(2, "a"))


def test_a_page_number_vendors_pages_carry_a_cursor_to_the_next_page(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        made = [reg.create(name=f"model {n}").id for n in range(7)]
        seen, page = [], reg.list_page(page_size=3)
        while True:
            seen += [model.id for model in page.items]
            if page.next_cursor is None:
                break
            page = reg.list_page(page_size=3, cursor=page.next_cursor)
        assert seen == made
        assert page.page == 3 and not page.has_more


def test_a_cursor_a_page_number_vendor_never_gave_is_refused_before_sending(toy: Path) -> None:
    with modelreg.connect("toy", sandbox=True) as reg:
        for cursor in ("https://api.toy.example/v1/models?page=2", "page:0", "page:two"):
            with pytest.raises(ValidationFailed, match="not a cursor of toy"):
                reg.list_page(cursor=cursor)
        assert reg.sandbox is not None and sum(reg.sandbox.requests.values()) == 0


def test_a_provider_declaring_an_unknown_paging_kind_is_refused_at_connect(toy: Path) -> None:
    from modelreg_toy import ToyProvider

    class Odd(ToyProvider):
        paging = "sideways"  # type: ignore[assignment]

    from modelreg._config import resolve_config

    with pytest.raises(modelreg.ConfigurationError, match="paging='sideways'"):
        resolve_config(Odd, {"token": "t-123456"}, base_url=None, sandbox=False)


OFFSETS = """
from typing import Any
import modelreg
from modelreg import Page
from modelreg.provider import Paging
from modelreg_toy import ToyProvider, ToySandbox

class OffsetSandbox(ToySandbox):
    provider = "offsets"

    def json_response(self, status, body, headers=None):
        if isinstance(body, dict) and "total" in body:  # this vendor never tells the total
            body = {"items": body["items"]}
        return super().json_response(status, body, headers)

class OffsetProvider(ToyProvider):
    name = "offsets"
    paging = Paging.OFFSET
    settings = ()

    def list_page(self, page, page_size, filters):
        found = yield from super().list_page(page, page_size, filters)
        return Page(items=found.items, page=page, page_size=page_size, has_more=len(found.items) == page_size)

    @classmethod
    def sandbox(cls, **options: Any):
        return OffsetSandbox(limits=cls.limits, **options)

@modelreg.hookimpl
def register_providers(register):
    register(OffsetProvider)
"""


@pytest.mark.parametrize("mode", MODES)
def test_an_offset_provider_lists_everything_through_the_registry_concurrently(toy: Path, mode: str) -> None:
    from tests.conftest import install_entry_points

    install_entry_points(toy, "modelreg-offsets", {"offsets": "modelreg_offsets"}, {"modelreg_offsets": OFFSETS})
    from modelreg.sandbox import WallClock

    # Real (short) latency: requests overlap only if they take time.
    sandbox = modelreg.provider_info("offsets").sandbox(clock=WallClock(), latency=0.005)
    with modelreg.connect("offsets", sandbox=sandbox) as reg:
        made = [reg.create(name=f"model {n}").id for n in range(47)]
        assert reg.list_page(page_size=10).total is None
        if mode == "sync":
            assert [model.id for model in reg.list(page_size=10)] == made
    if mode == "async":

        async def walk() -> list[str]:
            async with modelreg.connect_async("offsets", sandbox=sandbox) as areg:
                return [model.id async for model in areg.list(page_size=10)]

        import asyncio

        assert asyncio.run(walk()) == made
    assert sandbox.peak_in_flight["list"] > 1, "offset pages were not fetched concurrently"
