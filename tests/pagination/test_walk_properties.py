"""Properties of the walk under any mix of inserts and deletes while it runs: no model twice, and it ends."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelreg import ProtocolError
from modelreg._pagination import Walk
from tests.pagination.fakes import Listing
from tests.pagination.test_walk import collect

# (page number whose request triggers it, what happens, how many models)
changes = st.lists(
    st.tuples(
        st.integers(1, 12),
        st.sampled_from(["insert_front", "delete_front", "append", "delete_middle"]),
        st.integers(1, 8),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(0, 120),
    page_size=st.integers(1, 15),
    window=st.integers(1, 5),
    report_total=st.booleans(),
    plan=changes,
    mode=st.sampled_from(["sync", "async"]),
    limit=st.one_of(st.none(), st.integers(0, 60)),
)
def test_a_shifting_listing_never_yields_a_model_twice_and_the_walk_ends(
    count: int,
    page_size: int,
    window: int,
    report_total: bool,
    plan: list[tuple[int, str, int]],
    mode: str,
    limit: int | None,
) -> None:
    fresh = itertools.count(100_000)
    pending = sorted(plan)
    existed: set[str] = {str(n) for n in range(1, count + 1)}

    def change(number: int, listing: Listing) -> None:
        # Each change applies once, when the first request for its page (or a later one) arrives.
        while pending and pending[0][0] <= number:
            _, kind, size = pending.pop(0)
            if kind == "insert_front":
                added = [str(next(fresh)) for _ in range(size)]
                listing.ids[:0] = added
            elif kind == "append":
                added = [str(next(fresh)) for _ in range(size)]
                listing.ids.extend(added)
            elif kind == "delete_front":
                added = []
                del listing.ids[:size]
            else:
                added = []
                middle = len(listing.ids) // 2
                del listing.ids[middle : middle + size]
            existed.update(added)

    listing = Listing(count, page_size, report_total=report_total, before=change)
    try:
        seen = collect(mode, Walk("fake", page_size, limit, window), listing)
    except ProtocolError as exc:
        # A whole page of models inserted in front between two requests (with as many deleted
        # elsewhere, or no total to tell) repeats the page exactly, as a server ignoring ``page``
        # does: the walk stops loudly rather than guess.
        assert "ignore the page parameter" in str(exc)
        assert sum(size for _, kind, size in plan if kind == "insert_front") >= page_size
        return
    assert len(seen) == len(set(seen)), "a model was yielded twice"
    assert set(seen) <= existed
    if limit is not None:
        assert len(seen) <= limit
    # The walk ends: no more pages than the listing could ever have held, plus the buffer ahead.
    most = (count + 8 * len(plan)) // page_size + 2 + 2 * window
    assert len(listing.gauge.requests) <= most
