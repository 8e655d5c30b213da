"""Auto-pagination: what to fetch next and what to yield, shared by the sync and async walks.

The first page tells the total; the following pages are then fetched concurrently (up to the
provider's list concurrency cap), parsed in order as the caller reaches them, and yielded in
order. A page fetched ahead runs ``hold_answer(flow)``: it does the I/O only and hands back
the answer unread; ``resume(held)`` parses it when the caller reaches it, so that a burst of
answers does not delay sending the next requests behind their parsing (and pages waiting their
turn stay compact bytes). Both run through the engine: retries, error mapping and redaction.
An offset vendor's pages are probed ahead without a total; a cursor vendor's are fetched one at
a time, each with the cursor the page before named (see ``_paging``).

Memory stays bounded: at most ``window`` pages are in flight and two windows buffered, and
duplicate detection remembers the ids of the last pages only (at least ``REMEMBERED``) — a model
shifted by concurrent inserts moves by a few places, not across the whole listing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

import attrs
import httpx

from modelreg._paging import CursorTrail, Paging
from modelreg._records import Model, Page
from modelreg._relay import forward, relay
from modelreg.errors import ProtocolError
from modelreg.provider import Flow

T = TypeVar("T")


@attrs.frozen
class Held(Generic[T]):
    """A flow stopped right after its first answer arrived, with that answer not yet given to it."""

    flow: Flow[T]
    answer: httpx.Response


def hold_answer(flow: Flow[T]) -> Flow[T | Held[T]]:
    """Drive ``flow`` to its first answer and return it unread; a flow that needs no request, or
    whose first request fails, is run to its end as usual."""
    try:
        step = next(flow)
    except StopIteration as stop:
        result: T = stop.value
        return result
    try:
        answer = yield step
    except Exception as exc:  # the engine's error for this request: the flow may handle it
        return (yield from relay(flow, forward, error=exc))
    if isinstance(step, httpx.Request):
        return Held(flow, answer)
    return (yield from relay(flow, forward, value=answer))


def resume(held: Held[T]) -> Flow[T]:
    """Give a held flow its answer and drive it on to its result (usually with no further request)."""
    return relay(held.flow, forward, value=held.answer)


class Walk:
    """The state of one listing: pages known to exist, ids recently seen, how many yielded."""

    def __init__(
        self, provider: str, page_size: int, limit: int | None, window: int, paging: Paging = Paging.PAGES
    ) -> None:
        self.provider = provider
        self.page_size = page_size
        self.limit = limit
        self.window = max(1, window)
        self.yielded = 0
        self.finished = limit == 0
        self.paging = paging
        self.cursor: str | None = None
        """The cursor of the next page of a cursor vendor (see ``_paging``)."""
        self._trail = CursorTrail(provider) if paging is Paging.CURSOR else None
        self._last_page: int | None = None
        # With a limit, pages past the one that would reach it are never fetched ahead: they
        # may not be needed at all (a shifted page may still call for one more, sequentially).
        self._needed = math.ceil(limit / page_size) if limit else None
        # Remember the ids of the pages that may overlap the next one: those fetched with it (two
        # windows), as many again for shifts that happened meanwhile, and never fewer than
        # REMEMBERED ids, since a shift is counted in models, not pages.
        self._memory = max((4 * self.window + 2) * page_size, REMEMBERED)
        self._pages: deque[tuple[str, ...]] = deque()
        self._remembered = 0
        self._seen: Counter[str] = Counter()
        self._previous: tuple[str, ...] = ()
        self._previous_total: int | None = None
        self._stalled = 0

    def planned(self, number: int) -> bool:
        """Whether page ``number`` is known to exist and be needed, so it may be fetched ahead.

        Without a total, an offset vendor's pages are probed ahead anyway (random access is
        cheap; the first short page ends the walk); a cursor vendor's never are.
        """
        if self.finished or self._trail is not None or (self._needed is not None and number > self._needed):
            return False
        return number <= self._last_page if self._last_page is not None else self.paging is Paging.OFFSET

    def accept(self, page: Page[Model]) -> list[Model]:
        """The models of ``page`` to yield, in order: new ones only, and no more than the limit."""
        if self._trail is not None:
            self.cursor = self._trail.follow(page)
        ids = tuple(model.id for model in page.items)
        # The same models again under the same total: the server ignores ``page``. (A changed
        # total means a whole page of models was inserted meanwhile; without a total the two
        # cannot be told apart, and stopping loudly is the safer guess.)
        if ids and ids == self._previous and page.total == self._previous_total:
            raise ProtocolError(
                f"{self.provider} returned page {page.page} with the same models as the page before; "
                f"the server seems to ignore the {'cursor' if self._trail else 'page parameter'}, "
                "so the listing stops here",
                provider=self.provider,
            )
        self._previous, self._previous_total = ids, page.total
        if page.total is not None:
            # The latest total wins: a listing that grew during the walk is planned further.
            # Integer ceiling: a float division overflows on the huge totals a broken server may send.
            self._last_page = max(1, -(-page.total // self.page_size))
        fresh = [model for model in page.items if model.id not in self._seen]
        self._remember(ids)
        self._check_progress(page, ids, fresh)
        if self._trail is not None:
            # A cursor vendor's listing ends where no cursor names a next page (an empty page
            # with one is a filtered scan going on, and the trail stops a cursor going round).
            self.finished = self.finished or self.cursor is None
        elif not page.has_more or not page.items:
            self.finished = True
        if self.limit is not None and self.yielded + len(fresh) >= self.limit:
            fresh = fresh[: self.limit - self.yielded]
            self.finished = True
        self.yielded += len(fresh)
        return fresh

    def _remember(self, ids: tuple[str, ...]) -> None:
        self._pages.append(ids)
        self._remembered += len(ids)
        self._seen.update(ids)
        while self._remembered - len(self._pages[0]) >= self._memory:
            forgotten = self._pages.popleft()
            self._remembered -= len(forgotten)
            self._seen.subtract(forgotten)
            for model_id in forgotten:
                if self._seen[model_id] <= 0:
                    del self._seen[model_id]

    def _check_progress(self, page: Page[Model], ids: tuple[str, ...], fresh: list[Model]) -> None:
        """Stop a walk whose pages keep repeating known models: it would never end."""
        self._stalled = self._stalled + len(ids) if ids and not fresh else 0
        # Past the ids it remembers, the walk could no longer tell a repeat from a new model.
        if self._stalled >= self._memory:
            raise ProtocolError(
                f"{self.provider} returned {self._stalled} models in a row (up to page {page.page}) that were "
                "listed already; the listing does not advance, so it stops here",
                provider=self.provider,
            )


REMEMBERED = 1000
"""The fewest recent ids a walk remembers to skip models that pages shifting under it repeat."""


def walk_sync(
    walk: Walk, fetch: Callable[[int], Any], read: Callable[[Any], Page[Model]] = lambda page: page
) -> Iterator[Model]:
    """Yield a walk's models in order, keeping up to ``walk.window`` known pages in flight on threads.

    ``fetch(number)`` gets a page (on a worker thread); ``read`` turns what it returned into the
    page, in order on the caller's thread (see ``hold_answer``).
    """
    if walk.finished:
        return
    # Pages are fetched ahead only once the caller has read the first one: ``next(iter(...))``
    # or a break on page 1 costs a single request.
    yield from walk.accept(read(fetch(1)))
    pending: deque[concurrent.futures.Future[Any]] = deque()
    # The fetches not finished yet, each removed by its own done callback: counting them by asking
    # every pending future would take a lock per future, several times per page.
    running: set[concurrent.futures.Future[Any]] = set()
    pool: concurrent.futures.ThreadPoolExecutor | None = None
    number = 2

    def fill() -> None:
        nonlocal pool, number
        while _room(walk, pending, len(running), number):
            pool = pool or concurrent.futures.ThreadPoolExecutor(walk.window, "modelreg-list")
            future = pool.submit(fetch, number)
            running.add(future)
            # Runs once the future is done (in the worker, or here if it is done already); until
            # then the fetch still counts, which can only delay the next one, never add one.
            future.add_done_callback(running.discard)
            pending.append(future)
            number += 1

    try:
        while not walk.finished:
            fill()
            if pending:
                head = pending[0]
                # Refill as soon as any page arrives, not only the next in order, so that one
                # slow page does not leave the other slots idle.
                while not head.done():
                    concurrent.futures.wait([f for f in pending if not f.done()], return_when="FIRST_COMPLETED")
                    fill()
                fetched = pending.popleft().result()
            else:
                # Total unknown (or the listing outgrew it): one page at a time until the last.
                fetched = fetch(number)
                number += 1
            fill()
            models = walk.accept(read(fetched))
            fill()
            yield from models
    finally:
        # The caller stopped (break, limit, error): start nothing more. A request already on
        # the wire cannot be recalled from a thread; its answer is dropped.
        for future in pending:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


async def walk_async(
    walk: Walk, fetch: Callable[[int], Awaitable[Any]], read: Callable[[Any], Awaitable[Page[Model]]] | None = None
) -> AsyncIterator[Model]:
    """Yield a walk's models in order, keeping up to ``walk.window`` known pages in flight as tasks.

    As ``walk_sync``: ``fetch`` runs as a task per page, ``read`` in order in the caller's task.
    """
    if walk.finished:
        return

    async def page_of(fetched: Any) -> Page[Model]:
        return await read(fetched) if read is not None else fetched

    for model in walk.accept(await page_of(await fetch(1))):
        yield model
    pending: deque[asyncio.Future[Any]] = deque()
    running: set[asyncio.Future[Any]] = set()  # as in walk_sync
    number = 2

    async def fill() -> None:
        nonlocal number
        started = number
        while _room(walk, pending, len(running), number):
            task = asyncio.ensure_future(fetch(number))
            running.add(task)
            task.add_done_callback(running.discard)
            pending.append(task)
            number += 1
        if number > started:
            # Let the new tasks put their requests on the wire before this task parses a page.
            await asyncio.sleep(0)

    try:
        while not walk.finished:
            await fill()
            if pending:
                head = pending[0]
                while not head.done():
                    await asyncio.wait([t for t in pending if not t.done()], return_when=asyncio.FIRST_COMPLETED)
                    await fill()
                fetched = pending.popleft().result()
            else:
                fetched = await fetch(number)
                number += 1
            await fill()
            models = walk.accept(await page_of(fetched))
            await fill()
            for model in models:
                yield model
    finally:
        # Unlike threads, tasks can be recalled: requests still in flight are cancelled.
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _room(walk: Walk, pending: deque[Any], running: int, number: int) -> bool:
    """Whether page ``number`` may be fetched now: known to exist, a slot free, the buffer not full.

    At most ``window`` fetches run at once (``running`` of them do now); pages that arrived ahead
    of their turn wait in the buffer, which holds at most two windows of pages.
    """
    return walk.planned(number) and len(pending) < 2 * walk.window and running < walk.window
