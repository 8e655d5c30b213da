"""``AsyncModelRegistry``: the same API as ``ModelRegistry``, awaited, over an async httpx client."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

import httpx

from modelreg._bulk import BulkOutcome, BulkProgress, looked_up_async
from modelreg._bulk import run_async as run_bulk
from modelreg._drivers import run_async
from modelreg._pagination import Held, resume, walk_async
from modelreg._raw import AsyncRawCalls
from modelreg._records import Deletion, Model, ModelStatus, Page
from modelreg._registry_base import BaseRegistry
from modelreg._wait import Progress, drive_async
from modelreg.provider import Flow

T = TypeVar("T")
R = TypeVar("R", bound="AsyncModelRegistry")


class AsyncModelRegistry(BaseRegistry[httpx.AsyncClient, Callable[[float], Awaitable[None]]]):
    """Manage one provider's models with asyncio; ``list()`` is an async iterator."""

    async def run(self, flow: Flow[T]) -> T:
        """Run a provider flow to its result (for provider-specific operations)."""
        return await run_async(self._engine.program(flow), self._client, self._pacer, self._sleep)

    def list(self, *, page_size: int | None = None, limit: int | None = None, **filters: Any) -> AsyncIterator[Model]:
        """Every model matching ``filters``, lazily, fetching pages ahead concurrently."""
        walk = self._walk(page_size, limit, filters)
        return walk_async(walk, lambda number: self.run(self._fetch_ahead(walk, filters, number)), self._read)

    async def _read(self, fetched: Page[Model] | Held[Page[Model]]) -> Page[Model]:
        return await self.run(resume(fetched)) if isinstance(fetched, Held) else fetched

    async def list_page(
        self, page: int = 1, page_size: int | None = None, *, cursor: str | None = None, **filters: Any
    ) -> Page[Model]:
        """One page of models, as the vendor returns it; ``cursor=page.next_cursor`` fetches the next one."""
        return await self.run(self._list_page_flow(page, page_size, filters, cursor))

    async def get(self, model_id: str | int) -> Model:
        """One model by id."""
        return await self.run(self._get_flow(model_id))

    async def create(self, **fields: Any) -> Model:
        """Create a model; never sends the create twice (see the README on lost answers)."""
        return await self.run(self._create_flow(fields))

    async def update(self, model_id: str | int, **fields: Any) -> Model:
        """Change some of a model's fields; returns the updated model."""
        return await self.run(self._update_flow(model_id, fields))

    async def delete(self, model_id: str | int, *, missing_ok: bool = False) -> Deletion:
        """Delete a model; with ``missing_ok`` a missing one gives ``deleted=False`` instead of ``NotFound``."""
        return await self.run(self._delete_flow(model_id, missing_ok))

    async def delete_many(
        self,
        ids: Iterable[str | int | Model],
        *,
        dry_run: bool = False,
        concurrency: int | None = None,
        missing_ok: bool = False,
        progress: BulkProgress | None = None,
    ) -> builtins.list[BulkOutcome]:
        """Delete many models concurrently; one ``BulkOutcome`` per id given, in the same order.

        The same as ``ModelRegistry.delete_many``, with tasks instead of threads.
        """
        bulk = self._bulk(ids, concurrency, progress)
        if dry_run:
            return await run_bulk(bulk, looked_up_async(self.provider, self.get, missing_ok))
        return await run_bulk(bulk, lambda model_id: self.delete(model_id, missing_ok=missing_ok))

    async def train(self, model_id: str | int, **options: Any) -> Model:
        """Start training a model (where the provider trains models)."""
        return await self.run(self._train_flow(model_id, options))

    async def validate(self, model_id: str | int) -> Any:
        """Ask the vendor to check a model's configuration (where the provider offers it)."""
        return await self.run(self._validate_flow(model_id))

    async def wait(
        self,
        model_id: str | int,
        *,
        until: ModelStatus | str | Iterable[ModelStatus | str] = ModelStatus.AVAILABLE,
        timeout: float | None = None,
        poll_interval: float | None = None,
        progress: Progress | None = None,
    ) -> Model:
        """Poll a model until its status is ``until``; the same as ``ModelRegistry.wait``, awaited."""
        return (await self._wait_all([model_id], until, timeout, poll_interval, progress))[0]

    async def _wait_all(
        self,
        model_ids: builtins.list[str | int],
        until: ModelStatus | str | Iterable[ModelStatus | str],
        timeout: float | None,
        poll_interval: float | None,
        progress: Progress | None,
    ) -> builtins.list[Model]:
        watch = self._watch(model_ids, until, timeout, poll_interval, progress)
        plan = watch.plan(self._engine.clock(), self._spacing)
        return await drive_async(
            plan, self.get, lambda page, size: self.list_page(page, size), self._sleep, self._engine.clock
        )

    @property
    def with_raw_response(self) -> AsyncRawCalls:
        """The same operations, answering with a ``RawResponse`` (status, headers, request id, ``.parse()``)."""
        return AsyncRawCalls(self, self.run)

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = self._operation(name)

        async def operation(*args: Any, **kwargs: Any) -> Any:
            return await self.run(method(*args, **kwargs))

        operation.__name__ = name
        operation.__doc__ = method.__doc__
        return operation

    async def aclose(self) -> None:
        """Close the HTTP connections (a ``with_options`` view leaves them to its registry)."""
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self: R) -> R:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
