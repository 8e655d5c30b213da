"""``ModelRegistry``: one provider, records in, records out, over a sync httpx client."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import httpx

from modelreg._bulk import BulkOutcome, BulkProgress, looked_up
from modelreg._bulk import run_sync as run_bulk
from modelreg._drivers import run_sync
from modelreg._pagination import Held, resume, walk_sync
from modelreg._raw import RawCalls
from modelreg._records import Deletion, Model, ModelStatus, Page
from modelreg._registry_base import BaseRegistry
from modelreg._wait import Progress, drive_sync
from modelreg.provider import Flow

T = TypeVar("T")
R = TypeVar("R", bound="ModelRegistry")


class ModelRegistry(BaseRegistry[httpx.Client, Callable[[float], None]]):
    """Manage one provider's models: ``list``, ``get``, ``create``, ``update``, ``delete`` and more.

    Provider-only operations (``reg.upload_training_data(...)``, ``reg.agent_models()``...) are
    methods too; ``reg.operations`` lists them. Use as a context manager or call ``close()``.
    """

    def run(self, flow: Flow[T]) -> T:
        """Run a provider flow to its result (for provider-specific operations)."""
        return run_sync(self._engine.program(flow), self._client, self._pacer, self._sleep)

    def list(self, *, page_size: int | None = None, limit: int | None = None, **filters: Any) -> Iterator[Model]:
        """Every model matching ``filters``, lazily, fetching pages ahead concurrently."""
        walk = self._walk(page_size, limit, filters)
        return walk_sync(walk, lambda number: self.run(self._fetch_ahead(walk, filters, number)), self._read)

    def _read(self, fetched: Page[Model] | Held[Page[Model]]) -> Page[Model]:
        return self.run(resume(fetched)) if isinstance(fetched, Held) else fetched

    def list_page(
        self, page: int = 1, page_size: int | None = None, *, cursor: str | None = None, **filters: Any
    ) -> Page[Model]:
        """One page of models, as the vendor returns it; ``cursor=page.next_cursor`` fetches the next one."""
        return self.run(self._list_page_flow(page, page_size, filters, cursor))

    def get(self, model_id: str | int) -> Model:
        """One model by id."""
        return self.run(self._get_flow(model_id))

    def create(self, **fields: Any) -> Model:
        """Create a model; never sends the create twice (see the README on lost answers)."""
        return self.run(self._create_flow(fields))

    def update(self, model_id: str | int, **fields: Any) -> Model:
        """Change some of a model's fields; returns the updated model."""
        return self.run(self._update_flow(model_id, fields))

    def delete(self, model_id: str | int, *, missing_ok: bool = False) -> Deletion:
        """Delete a model; with ``missing_ok`` a missing one gives ``deleted=False`` instead of ``NotFound``."""
        return self.run(self._delete_flow(model_id, missing_ok))

    def delete_many(
        self,
        ids: Iterable[str | int | Model],
        *,
        dry_run: bool = False,
        concurrency: int | None = None,
        missing_ok: bool = False,
        progress: BulkProgress | None = None,
    ) -> builtins.list[BulkOutcome]:
        """Delete many models concurrently; one ``BulkOutcome`` per id given, in the same order.

        A failure is that id's outcome and the others go on; after an error that would fail every
        other id too (credentials refused, rate limit exhausted) the rest are ``SKIPPED``.
        ``dry_run`` deletes nothing: it looks each id up and answers ``WOULD_DELETE`` for a model that
        exists, and for a missing one what the real run would (``ALREADY_GONE`` with ``missing_ok``,
        else ``FAILED`` with ``NotFound``). ``concurrency`` defaults to the
        provider's delete cap, which the engine enforces whatever is asked here; ``progress`` is
        called with ``(outcome, done, total)`` after each id.
        """
        bulk = self._bulk(ids, concurrency, progress)
        if dry_run:
            return run_bulk(bulk, looked_up(self.provider, self.get, missing_ok))
        return run_bulk(bulk, lambda model_id: self.delete(model_id, missing_ok=missing_ok))

    def train(self, model_id: str | int, **options: Any) -> Model:
        """Start training a model (where the provider trains models)."""
        return self.run(self._train_flow(model_id, options))

    def validate(self, model_id: str | int) -> Any:
        """Ask the vendor to check a model's configuration (where the provider offers it)."""
        return self.run(self._validate_flow(model_id))

    def wait(
        self,
        model_id: str | int,
        *,
        until: ModelStatus | str | Iterable[ModelStatus | str] = ModelStatus.AVAILABLE,
        timeout: float | None = None,
        poll_interval: float | None = None,
        progress: Progress | None = None,
    ) -> Model:
        """Poll a model until its status is ``until`` (one status or several) and return it.

        ``ModelFailed`` when it reaches FAILED (unless waited for), ``WaitTimedOut`` once ``timeout``
        seconds pass (default: no limit); ``poll_interval`` seconds between polls (default 10), longer
        when the server's quota asks; ``progress`` is called with the model after each poll.
        """
        return self._wait_all([model_id], until, timeout, poll_interval, progress)[0]

    def _wait_all(
        self,
        model_ids: builtins.list[str | int],
        until: ModelStatus | str | Iterable[ModelStatus | str],
        timeout: float | None,
        poll_interval: float | None,
        progress: Progress | None,
    ) -> builtins.list[Model]:
        watch = self._watch(model_ids, until, timeout, poll_interval, progress)
        plan = watch.plan(self._engine.clock(), self._spacing)
        return drive_sync(
            plan, self.get, lambda page, size: self.list_page(page, size), self._sleep, self._engine.clock
        )

    @property
    def with_raw_response(self) -> RawCalls:
        """The same operations, answering with a ``RawResponse`` (status, headers, request id, ``.parse()``)."""
        return RawCalls(self, self.run)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = self._operation(name)

        def operation(*args: Any, **kwargs: Any) -> Any:
            return self.run(method(*args, **kwargs))

        operation.__name__ = name
        operation.__doc__ = method.__doc__
        return operation

    def close(self) -> None:
        """Close the HTTP connections (a ``with_options`` view leaves them to its registry)."""
        if self._owns_client:
            self._client.close()

    def __enter__(self: R) -> R:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
