"""Auto-pagination: what to fetch next and what to yield, shared by the sync and async walks.

The first page tells the total; the following pages are then fetched concurrently (up to the
provider's list concurrency cap) and yielded in order. Memory stays bounded: only a window of
pages is in flight, and duplicate detection remembers the ids of the last few pages only — a
model shifted by concurrent inserts moves by a few places, not across the whole listing.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterator

from modelreg._records import Model, Page
from modelreg.errors import ProtocolError


class Walk:
    """The state of one listing: pages planned, ids recently seen, how many yielded."""

    def __init__(self, provider: str, page_size: int, limit: int | None, window: int) -> None:
        self.provider = provider
        self.page_size = page_size
        self.limit = limit
        self.window = max(1, window)
        self.yielded = 0
        self.last_page: int | None = None
        """The last page number to fetch, once the total is known."""
        self._recent: deque[frozenset[str]] = deque(maxlen=self.window + 2)
        self._previous_ids: tuple[str, ...] | None = None
        self.finished = limit == 0

    def accept(self, page: Page[Model]) -> Iterator[Model]:
        """Yield the new models of ``page`` in order, skipping ones a shifted page repeats."""
        ids = tuple(model.id for model in page.items)
        if ids and ids == self._previous_ids:
            raise ProtocolError(
                f"{self.provider} returned page {page.page} with the same models as the page before; "
                "the server seems to ignore the page parameter, so listing stops here",
                provider=self.provider,
            )
        self._previous_ids = ids
        if page.page == 1 and page.total is not None:
            self.last_page = max(1, math.ceil(page.total / self.page_size))
        seen = frozenset().union(*self._recent) if self._recent else frozenset()
        self._recent.append(frozenset(ids))
        for model in page.items:
            if self.finished:
                return
            if model.id in seen:
                continue
            self.yielded += 1
            if self.limit is not None and self.yielded >= self.limit:
                self.finished = True
            yield model
        if not page.has_more or not page.items:
            self.finished = True
        elif self.last_page is not None and page.page >= self.last_page:
            # The listing grew while we walked it: carry on one page at a time.
            self.last_page = None

    def planned(self, next_page: int) -> bool:
        """Whether ``next_page`` is known to exist (so it may be fetched ahead of time)."""
        return self.last_page is not None and next_page <= self.last_page
