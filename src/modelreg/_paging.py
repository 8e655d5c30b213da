"""How a vendor pages its listings, and the cursors of one walk.

Three kinds: page numbers with a total (the walk fetches the following pages concurrently once
it knows how many there are), offsets (random access without a total: the walk probes ahead and
stops at the first short page) and opaque cursors (each page names the next: one at a time).
A provider declares its kind in ``Provider.paging``; only a cursor provider's ``list_page``
receives ``cursor=``, so a provider written before cursors existed works unchanged.

``reg.list_page(cursor=page.next_cursor)`` fetches the next page of any vendor: a page-number
or offset vendor's pages carry a cursor the registry makes from the next page's number.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Generator, Mapping
from typing import Any

import attrs

from modelreg._records import Issue, Model, Page
from modelreg.errors import ConfigurationError, ProtocolError, ValidationFailed


class Paging(str, enum.Enum):
    """How a vendor pages its listings (``Provider.paging``)."""

    PAGES = "pages"
    """Page numbers, with a total when the vendor tells it: following pages are fetched concurrently."""
    OFFSET = "offset"
    """Offset and limit, random access without a total: the walk probes ahead, stopping at the first short page."""
    CURSOR = "cursor"
    """An opaque cursor (a token or a next link) names the next page: pages are fetched one at a time."""

    def __str__(self) -> str:
        return self.value


def paging_of(provider_class: type[Any]) -> Paging:
    """A provider class's ``paging``, or ``ConfigurationError`` naming the kinds there are."""
    try:
        return Paging(provider_class.paging)
    except ValueError:
        kinds = ", ".join(repr(kind.value) for kind in Paging)
        raise ConfigurationError(
            f"provider {provider_class.name!r} declares paging={provider_class.paging!r}; it must be one of {kinds}",
            provider=provider_class.name,
        ) from None


PAGE_TOKEN = "page:"  # noqa: S105 - a cursor's prefix, not a credential
"""The prefix of the cursors a registry makes for page-number and offset vendors."""


def page_token(number: int) -> str:
    """The cursor of page ``number`` of a page-number or offset vendor."""
    return f"{PAGE_TOKEN}{number}"


def page_of_token(cursor: str, provider: str) -> int:
    """The page number a cursor from ``page_token`` names, or ``ValidationFailed`` before sending."""
    text = cursor[len(PAGE_TOKEN) :] if isinstance(cursor, str) and cursor.startswith(PAGE_TOKEN) else ""
    if not text.isdigit() or int(text) < 1:
        raise ValidationFailed(
            [Issue(("query", "cursor"), f"{cursor!r} is not a cursor of {provider}: pass a page's next_cursor")],
            provider=provider,
        )
    return int(text)


def check_cursor(cursor: Any, provider: str) -> None:
    """``ValidationFailed`` when ``cursor`` is not a non-empty string (nothing is sent)."""
    if not isinstance(cursor, str) or not cursor:
        raise ValidationFailed(
            [Issue(("query", "cursor"), f"must be a page's next_cursor (a non-empty string), got {cursor!r}")],
            provider=provider,
        )


def checked_start(paging: Paging, page: int, cursor: str | None, provider: str) -> int:
    """The page number ``reg.list_page`` asks the provider for, given its ``page`` and ``cursor`` (nothing sent)."""
    if cursor is not None:
        check_cursor(cursor, provider)
        # A cursor vendor's page number only counts pages; a registry's own cursor names the page.
        return page if paging is Paging.CURSOR else page_of_token(cursor, provider)
    if paging is Paging.CURSOR and page != 1:
        raise ValidationFailed(
            [
                Issue(
                    ("query", "page"),
                    f"{provider} pages by cursor: it cannot jump to page {page}; pass cursor=page.next_cursor instead",
                )
            ],
            provider=provider,
        )
    return page


def with_page_token(page: Page[Model]) -> Page[Model]:
    """``page`` with a ``next_cursor`` naming the next page number, when there is one and the provider set none."""
    if page.next_cursor is not None or not page.has_more:
        return page
    return attrs.evolve(page, next_cursor=page_token(page.page + 1))


def flow_arguments(paging: Paging, cursor: str | None) -> Mapping[str, Any]:
    """A provider's ``list_page`` arguments beyond page, size and filters: ``cursor``, for cursor vendors only."""
    return {"cursor": cursor} if paging is Paging.CURSOR else {}


class CursorTrail:
    """The cursors one walk has followed: a cursor given twice would loop forever, so it is a ``ProtocolError``.

    Only a 16-byte digest of each cursor is kept (cursors may be long next links): a walk of
    10,000 pages remembers about a megabyte.
    """

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self._seen: dict[bytes, int] = {}
        self._sent: str | None = None

    def follow(self, page: Page[Model]) -> str | None:
        """Record the cursor ``page`` names for the next page (None: the listing ends there)."""
        cursor = page.next_cursor
        if cursor is None:
            return None
        if cursor == self._sent:
            raise ProtocolError(
                f"{self.provider} answered page {page.page} with the cursor it was asked for: the listing does not "
                "advance, so it stops here",
                provider=self.provider,
            )
        digest = hashlib.blake2b(cursor.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        if digest in self._seen:
            raise ProtocolError(
                f"{self.provider} answered page {page.page} with the cursor of page {self._seen[digest]} again: "
                "the listing repeats itself, so it stops here",
                provider=self.provider,
            )
        self._seen[digest] = page.page + 1
        self._sent = cursor
        return cursor


PageFlow = Generator[Any, Any, Page[Model]]
"""A provider's ``list_page`` flow (``modelreg.provider.Flow[Page[Model]]``)."""


def finished_page(flow: PageFlow, paging: Paging, sent: str | None, provider: str) -> PageFlow:
    """``flow``'s page as ``reg.list_page`` returns it: with a next cursor, one that advances.

    A cursor vendor answering a cursor with that same cursor would have its caller loop
    forever: that is a ``ProtocolError``. Other vendors' pages get a cursor naming the next page.
    """
    page = yield from flow
    if paging is not Paging.CURSOR:
        return with_page_token(page)
    if sent is not None and page.next_cursor == sent:
        raise ProtocolError(
            f"{provider} answered a cursor with that same cursor for the next page: the listing does not advance",
            provider=provider,
        )
    return page
