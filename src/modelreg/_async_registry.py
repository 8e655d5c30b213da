"""``AsyncModelRegistry``: the same API as ``ModelRegistry``, awaited, over an async httpx client."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, TypeVar

import httpx

from modelreg._bulk import BulkOutcome, BulkProgress
from modelreg._bulk import run_async as run_bulk_async
from modelreg._deferred import Held, hold_answer, resume
from modelreg._drivers import run_async
from modelreg._facade import RegistryBase
from modelreg._pagination import Walk, walk_async
from modelreg._records import Deletion, Model, Page
from modelreg.provider import Flow

T = TypeVar("T")


class AsyncModelRegistry(RegistryBase[httpx.AsyncClient, Callable[[float], Awaitable[None]]]):
    """Manage one provider's models with asyncio; ``list()`` is an async iterator."""

    async def run(self, flow: Flow[T]) -> T:
        """Run a provider flow to its result (for provider-specific operations)."""
        return await run_async(self._core.engine.program(flow), self._client, self._core.pacer, self._sleep)

    def list(self, *, page_size: int | None = None, limit: int | None = None, **filters: Any) -> AsyncIterator[Model]:
        """Every model matching ``filters``, lazily, fetching pages ahead concurrently."""
        return self._walk(self._walk_plan(page_size, limit, filters), filters)

    def _walk(self, walk: Walk, filters: dict[str, Any]) -> AsyncIterator[Model]:
        async def fetch(number: int) -> Page[Model] | Held[Page[Model]]:
            return await self.run(hold_answer(self._core.list_page(number, walk.page_size, filters)))

        async def read(fetched: Page[Model] | Held[Page[Model]]) -> Page[Model]:
            return await self.run(resume(fetched)) if isinstance(fetched, Held) else fetched

        return walk_async(walk, fetch, read)

    async def list_page(self, page: int = 1, page_size: int | None = None, **filters: Any) -> Page[Model]:
        """One page of models, as the vendor returns it."""
        size = self._page_size(page, page_size, filters)
        return await self.run(self._core.list_page(page, size, filters))

    async def get(self, model_id: str | int) -> Model:
        """One model by id."""
        return await self.run(self._core.provider.get(str(model_id)))

    async def create(self, **fields: Any) -> Model:
        """Create a model; never sends the create twice (see the README on lost answers)."""
        return await self.run(self._core.creation(fields))

    async def update(self, model_id: str | int, **fields: Any) -> Model:
        """Change some of a model's fields; returns the updated model."""
        return await self.run(self._core.provider.update(str(model_id), fields))

    async def delete(self, model_id: str | int, *, missing_ok: bool = False) -> Deletion:
        """Delete a model; with ``missing_ok`` a missing one gives ``deleted=False`` instead of ``NotFound``."""
        return await self.run(self._core.deletion(str(model_id), missing_ok))

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
        plan = self._bulk_plan(ids, concurrency, progress)
        if dry_run:
            return plan.dry_run()
        return await run_bulk_async(plan, lambda model_id: self.delete(model_id, missing_ok=missing_ok))

    async def train(self, model_id: str | int, **options: Any) -> Model:
        """Start training a model (where the provider trains models)."""
        return await self.run(self._core.provider.train(str(model_id), options))

    async def validate(self, model_id: str | int) -> Any:
        """Ask the vendor to check a model's configuration (where the provider offers it)."""
        return await self.run(self._core.provider.validate(str(model_id)))

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = self._core.provider_operation(name)

        async def operation(*args: Any, **kwargs: Any) -> Any:
            return await self.run(method(*args, **kwargs))

        operation.__name__ = name
        operation.__doc__ = method.__doc__
        return operation

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._client.aclose()

    async def __aenter__(self) -> AsyncModelRegistry:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
